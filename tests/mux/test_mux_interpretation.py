"""`webconf mux` with interpreter channels: one audio stream per channel beside the floor.

The event is written by the pipeline's own writers around tones (see
tests/outputs/interpreted_outputs.py): the floor at 440 Hz, the Spanish interpreter at
660 Hz then 990 Hz from 10 s of recording time (its file starts 2 s in, so session 1's
cut opens on 2 s of silence), the English interpreter at 1320 Hz. ffprobe says what a
player offers; the pitch of each decoded stream says which audio it really is and
that it is in step with the session. Session 1 copies the video (a keyframe at 0 s),
session 2 re-encodes it (no keyframe at 12 s): both cuts are checked.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from interpreted_outputs import EN_HZ, ES_HZ, ES_OFFSET_MS, FLOOR_HZ, build_interpreted_event
from interpreted_outputs import dominant_hz as pitch

from pipeline.errors import MediaError
from pipeline.mux.session import (
    FLOOR_TITLE,
    channel_title,
    load_session,
    mux_event,
    mux_session,
    track_title,
)
from pipeline.outputs.read import LanguageEntry

SESSION_1, SESSION_2 = "01-budget-and-ivory-rules", "02-le-vote"
TITLE_KEY = {"mp4": "handler_name", "mkv": "title"}


def streams(path: Path) -> list[dict]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_streams", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)["streams"]


def onset(path: Path, stream: int) -> float:
    """Seconds into the file at which audio stream `stream` first sounds (20 ms frames)."""
    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", f"0:a:{stream}"]
        + ["-ac", "1", "-ar", "16000", "-f", "f32le", "-acodec", "pcm_f32le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    samples = np.frombuffer(raw, dtype=np.float32)
    frames = samples[: len(samples) // 320 * 320].reshape(-1, 320)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > 0.01)
    assert len(loud), f"{path} a:{stream} is silent"
    return float(loud[0] * 0.02)


@pytest.fixture(scope="module", params=["files", "streams"])
def muxed(request, tmp_path_factory) -> Path:
    """The interpreted event in one layout, muxed once into both formats."""
    built = build_interpreted_event(tmp_path_factory.mktemp(request.param), request.param)
    assert len(mux_event(built.event_dir)) == 4
    return built.event_dir


@pytest.fixture
def event_dir(tmp_path) -> Path:
    return build_interpreted_event(tmp_path, "files").event_dir


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
def test_each_interpreter_channel_is_a_tagged_titled_audio_stream_after_the_floor(muxed, fmt):
    for slug in (SESSION_1, SESSION_2):
        path = muxed / slug / f"session.{fmt}"
        found = streams(path)
        assert [s["codec_type"] for s in found] == ["video"] + ["audio"] * 3 + ["subtitle"] * 3
        audio = [s for s in found if s["codec_type"] == "audio"]
        assert [s["disposition"]["default"] for s in audio] == [1, 0, 0], path
        assert [s["tags"].get("language") for s in audio[1:]] == ["eng", "spa"]
        titles = [s["tags"][TITLE_KEY[fmt]] for s in audio]
        assert titles == [FLOOR_TITLE, "English (interpretation)", "Español (interpretation)"]
        assert titles[1:] == [channel_title("en"), channel_title("es")]
        assert all(s["codec_name"] == "aac" for s in audio)
        # the subtitle streams are as before: one per language, the first the default
        subs = [s for s in found if s["codec_type"] == "subtitle"]
        assert [s["tags"]["language"] for s in subs] == ["eng", "fra", "spa"]
        assert [s["disposition"]["default"] for s in subs] == [1, 0, 0]


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
def test_each_audio_stream_is_the_right_audio_in_step_with_the_session(muxed, fmt):
    """The floor is the floor even where the recording's first (and default) audio
    stream is the Spanish interpreter ("streams" layout)."""
    first = muxed / SESSION_1 / f"session.{fmt}"
    assert [pitch(first, 0, t, 0.4) for t in (0.5, 5, 11)] == pytest.approx([FLOOR_HZ] * 3, abs=5)
    assert [pitch(first, 1, t, 0.4) for t in (0.5, 5, 11)] == pytest.approx([EN_HZ] * 3, abs=5)
    # Spanish: silent until its file starts (2 s), 660 Hz, then 990 Hz from 10 s
    assert pitch(first, 2, 0.5, 0.4) == 0
    assert pitch(first, 2, 5, 0.4) == pytest.approx(ES_HZ[0], abs=5)
    assert pitch(first, 2, 10.5, 0.4) == pytest.approx(ES_HZ[1], abs=5)
    assert onset(first, 2) - onset(first, 0) == pytest.approx(ES_OFFSET_MS / 1000, abs=0.06)
    second = muxed / SESSION_2 / f"session.{fmt}"  # the re-encoded cut
    assert pitch(second, 0, 6, 0.4) == pytest.approx(FLOOR_HZ, abs=5)
    assert pitch(second, 1, 6, 0.4) == pytest.approx(EN_HZ, abs=5)
    assert pitch(second, 2, 6, 0.4) == pytest.approx(ES_HZ[1], abs=5)
    if fmt == "mp4":  # MKV keeps no stream durations
        audio = [s for s in streams(second) if s["codec_type"] == "audio"]
        assert [float(s["duration"]) for s in audio] == pytest.approx([12] * 3, abs=0.1)


def test_subtitle_titles_say_interpretation(muxed):
    session = load_session(muxed, SESSION_1)
    assert [t.title for t in session.tracks] == [
        "English (original)",
        "French (machine translation, apertium)",
        "Spanish (interpretation, with machine-translated passages)",
    ]
    assert load_session(muxed, SESSION_2).tracks[0].title == "English (interpretation)"


def entry(shares: dict, engine: str = "apertium", original: bool = False) -> LanguageEntry:
    return LanguageEntry("es", engine, original, "en", shares.get("original", 0.0), "", {}, shares)


def test_titles_from_shares_name_the_largest_part_first():
    assert track_title(entry({"interpretation": 1.0})) == "Spanish (interpretation)"
    assert track_title(entry({"interpretation": 0.7, "machine": 0.3})) == (
        "Spanish (interpretation, with machine-translated passages)"
    )
    assert track_title(entry({"original": 0.24, "interpretation": 0.76})) == (
        "Spanish (interpretation, with original passages)"
    )
    assert track_title(entry({"machine": 0.6, "interpretation": 0.3, "original": 0.1})) == (
        "Spanish (machine translation, with interpreted passages and original passages)"
    )
    # without interpretation, the same titles as before shares were written
    assert track_title(entry({"machine": 1.0}, "apertium (en→es)")) == (
        "Spanish (machine translation, apertium en→es)"
    )
    assert track_title(entry({"original": 0.77, "machine": 0.23}, "whisper", True)) == (
        "Spanish (original, with machine-translated passages)"
    )
    assert track_title(entry({"original": 1.0}, "whisper", True)) == "Spanish (original)"


def test_without_the_recording_the_channels_follow_session_audio(event_dir):
    (event_dir / "media" / "talk.mp4").unlink()
    written = mux_session(event_dir, SESSION_1)
    assert len(written) == 2
    for path in written:
        found = streams(path)
        assert [s["codec_type"] for s in found] == ["audio"] * 3 + ["subtitle"] * 3
        assert [s["disposition"]["default"] for s in found[:3]] == [1, 0, 0]
        assert [pitch(path, n, 5, 0.4) for n in range(3)] == pytest.approx(
            [FLOOR_HZ, EN_HZ, ES_HZ[0]], abs=5
        )


def test_a_changed_channel_audio_remakes_the_session_and_a_missing_one_is_an_error(event_dir):
    assert len(mux_session(event_dir, SESSION_1)) == 2
    assert mux_session(event_dir, SESSION_1) == []
    channel = event_dir / SESSION_1 / "session.es.m4a"
    later = channel.stat().st_mtime_ns + 5_000_000_000
    os.utime(channel, ns=(later, later))
    assert len(mux_session(event_dir, SESSION_1, formats=("mkv",))) == 1
    channel.unlink()
    with pytest.raises(MediaError) as caught:
        mux_session(event_dir, SESSION_1)
    assert str(caught.value) == f"interpreter audio not found: {channel}; run `webconf run`"


def test_a_session_without_channel_audio_carries_the_floor_alone(event_dir):
    """`webconf run --no-audio` publishes no session audio: index.json names none."""
    path = event_dir / "index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    for entry_ in index["sessions"][0]["languages"].values():
        if "interpretation" in entry_:
            entry_["interpretation"]["audio"] = None
    path.write_text(json.dumps(index), encoding="utf-8")
    (written,) = mux_session(event_dir, SESSION_1, formats=("mp4",))
    audio = [s for s in streams(written) if s["codec_type"] == "audio"]
    assert len(audio) == 1 and audio[0]["tags"]["handler_name"] != FLOOR_TITLE
