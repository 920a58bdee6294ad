"""Checking the floor and every interpreter channel before any expensive work."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ManifestError
from pipeline.media.channels import check_media
from pipeline.types import Event, Interpretation, Recording


def two_streams(tmp_path: Path, run_ffmpeg, seconds: float = 20.0) -> Path:
    path = tmp_path / "talk.mkv"
    run_ffmpeg(
        "-f", "lavfi", "-i", f"sine=frequency=300:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=600:duration={seconds}",
        "-map", "0:a", "-map", "1:a", "-c:a", "libopus", str(path),
    )  # fmt: skip
    return path


def event_with(recording: Recording, tmp_path: Path) -> Event:
    return Event(
        title="Webinar",
        date="",
        languages=("en", "fr", "es"),
        recordings=(recording,),
        sessions=(),
        manifest_path=tmp_path / "event.toml",
    )


def test_a_channel_on_another_stream_of_the_recording_passes(tmp_path, run_ffmpeg):
    talk = two_streams(tmp_path, run_ffmpeg)
    recording = Recording(talk, interpretations=(Interpretation("fr", talk, stream=1),))
    checked = check_media(event_with(recording, tmp_path))
    assert checked.durations_ms[talk] == pytest.approx(20_000, abs=100)
    assert checked.warnings == ()


def test_every_missing_stream_and_unreadable_file_is_one_line(tmp_path, run_ffmpeg):
    talk = two_streams(tmp_path, run_ffmpeg)
    notes = tmp_path / "es.m4a"
    notes.write_text("not audio")
    channels = (Interpretation("fr", talk, stream=4), Interpretation("es", notes))
    with pytest.raises(ManifestError) as info:
        check_media(event_with(Recording(talk, interpretations=channels), tmp_path))
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert "interpretation 'fr'" in lines[0] and "audio stream 4 does not exist" in lines[0]
    assert "interpretation 'es'" in lines[1] and "not a media file" in lines[1]
    assert all(line.startswith(f"{tmp_path / 'event.toml'}: [[recording]] 1") for line in lines)


def test_a_channel_much_shorter_than_the_floor_is_a_warning(tmp_path, run_ffmpeg, make_tone):
    talk = two_streams(tmp_path, run_ffmpeg, seconds=60)
    short = make_tone("es.m4a", seconds=10)
    recording = Recording(talk, interpretations=(Interpretation("es", short, offset_ms=2000),))
    (warning,) = check_media(event_with(recording, tmp_path)).warnings
    assert "interpretation 'es'" in warning and "much shorter than the floor" in warning
    assert "starting at 00:00:02" in warning


def test_an_offset_that_lines_the_channel_up_with_the_floor_is_no_warning(
    tmp_path, run_ffmpeg, make_tone
):
    talk = two_streams(tmp_path, run_ffmpeg, seconds=60)
    late = make_tone("es.m4a", seconds=50)
    recording = Recording(talk, interpretations=(Interpretation("es", late, offset_ms=10_000),))
    assert check_media(event_with(recording, tmp_path)).warnings == ()
