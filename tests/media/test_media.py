from __future__ import annotations

import subprocess

import numpy as np
import pytest

from pipeline.errors import MediaError
from pipeline.fsio import sha256_file
from pipeline.media.decode import SAMPLE_RATE, decode
from pipeline.media.export import export_session_audio
from pipeline.media.probe import ffprobe, probe
from pipeline.types import Recording

TOLERANCE_MS = 60  # encoder padding (AAC priming, MP3 frames, Opus pre-skip)


def dominant_hz(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.argmax(spectrum)) * rate / len(samples)


@pytest.fixture
def two_streams(tmp_path, run_ffmpeg):
    """3 s, audio stream 0 = 440 Hz tagged eng, audio stream 1 = 1500 Hz tagged fra."""
    path = tmp_path / "two.mkv"
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
        "-f", "lavfi", "-i", "sine=frequency=1500:duration=3",
        "-map", "0:a", "-map", "1:a", "-c:a", "aac",
        "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra",
        str(path),
    )  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("talk.mp4", "aac"),
        ("talk.mkv", "libvorbis"),
        ("talk.webm", "libopus"),
        ("talk.m4a", "aac"),
        ("talk.mp3", "libmp3lame"),
        ("talk.wav", None),
        ("talk.ogg", "libopus"),
    ],
)
def test_each_container_decodes_to_16k_mono_float32_of_the_right_length(make_tone, name, codec):
    path = make_tone(name, seconds=2, hz=440, codec=codec)
    info = probe(path)
    assert len(info.audio_streams) == 1
    assert abs(info.duration_ms - 2000) <= TOLERANCE_MS
    audio = decode(Recording(path))
    assert audio.sample_rate == SAMPLE_RATE == 16000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert abs(audio.duration_ms - 2000) <= TOLERANCE_MS
    assert abs(dominant_hz(audio.samples) - 440) < 5
    assert 0.1 < float(np.max(np.abs(audio.samples))) <= 1.0  # lavfi sine peaks at 1/8


def test_stereo_is_mixed_down_to_one_channel(make_tone):
    path = make_tone("stereo.mkv", seconds=2, hz=440, codec="libvorbis", channels=2)
    assert probe(path).audio_streams[0].channels == 2
    audio = decode(Recording(path))
    assert abs(audio.duration_ms - 2000) <= TOLERANCE_MS
    assert abs(dominant_hz(audio.samples) - 440) < 5


def test_probe_lists_every_audio_stream_with_its_language(two_streams):
    info = probe(two_streams)
    assert [(s.position, s.codec, s.language) for s in info.audio_streams] == [
        (0, "aac", "eng"),
        (1, "aac", "fra"),
    ]


def test_stream_picks_the_second_audio_stream(two_streams):
    first = decode(Recording(two_streams))
    second = decode(Recording(two_streams, stream=1))
    assert abs(dominant_hz(first.samples) - 440) < 5
    assert abs(dominant_hz(second.samples) - 1500) < 5


def test_out_of_range_stream_is_reported_with_the_streams_there_are(two_streams):
    with pytest.raises(MediaError) as info:
        decode(Recording(two_streams, stream=2))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{two_streams}: audio stream 2 does not exist")
    assert "0 (aac, eng), 1 (aac, fra)" in message


def test_duration_is_the_audio_length_not_the_longer_video(tmp_path, run_ffmpeg):
    path = tmp_path / "slides.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=black:s=64x64:r=10:d=4",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path),
    )  # fmt: skip
    assert abs(probe(path).duration_ms - 2000) <= TOLERANCE_MS


def test_video_without_audio_is_a_media_error(tmp_path, run_ffmpeg):
    path = tmp_path / "silent-film.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=black:s=64x64:r=10:d=1",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path),
    )  # fmt: skip
    with pytest.raises(MediaError, match="has no audio stream") as info:
        probe(path)
    assert str(info.value) == f"{path}: has no audio stream"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "is empty (0 bytes)"),
        (b"not a video, just notes\n" * 20, "not a media file ffmpeg can read ("),
    ],
)
def test_a_file_that_is_not_media_is_one_line_naming_it(tmp_path, content, says):
    path = tmp_path / "talk.mp4"
    path.write_bytes(content)
    with pytest.raises(MediaError) as info:
        decode(Recording(path))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {says}")
    assert message.count(str(path)) == 1  # ffmpeg's own line repeats the path: said once


def test_missing_file_is_a_media_error(tmp_path):
    with pytest.raises(MediaError, match="file not found"):
        probe(tmp_path / "gone.mp4")


def test_file_digest_follows_the_content_not_the_name(tmp_path):
    a, b, c = tmp_path / "a.wav", tmp_path / "b.wav", tmp_path / "c.wav"
    a.write_bytes(b"RIFF1234")
    b.write_bytes(b"RIFF1234")
    c.write_bytes(b"RIFF1235")
    assert sha256_file(a) == sha256_file(b) != sha256_file(c)
    assert len(sha256_file(a)) == 64


# -- session audio -----------------------------------------------------------------------


def test_session_audio_is_an_m4a_of_the_session_span(tmp_path, run_ffmpeg):
    source = tmp_path / "talk.mkv"  # 440 Hz for 2 s, then 1500 Hz for 2 s
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=1500:duration=2",
        "-filter_complex", "[0:a][1:a]concat=n=2:v=0:a=1", "-c:a", "libvorbis", str(source),
    )  # fmt: skip
    dest = tmp_path / "out" / "01-talk" / "session.m4a"
    assert export_session_audio(Recording(source), 2500, 3700, dest) == dest
    assert dest.stat().st_mode & 0o777 == 0o644  # readable by a web server, like every output

    info = probe(dest)
    assert [s.codec for s in info.audio_streams] == ["aac"]
    assert abs(info.duration_ms - 1200) <= TOLERANCE_MS
    audio = decode(Recording(dest))
    assert abs(audio.duration_ms - 1200) <= TOLERANCE_MS
    assert abs(dominant_hz(audio.samples) - 1500) < 5  # cut from the second half
    assert [p.name for p in dest.parent.iterdir()] == ["session.m4a"]


def test_session_audio_comes_from_the_chosen_stream(two_streams, tmp_path):
    dest = tmp_path / "session.m4a"
    export_session_audio(Recording(two_streams, stream=1), 500, 1500, dest)
    audio = decode(Recording(dest))
    assert abs(dominant_hz(audio.samples) - 1500) < 5


def test_session_audio_replaces_an_old_file_and_leaves_no_temp_files(make_tone, tmp_path):
    source = make_tone("talk.wav", seconds=3)
    folder = tmp_path / "session"
    folder.mkdir()
    dest = folder / "session.m4a"
    dest.write_bytes(b"stale")
    export_session_audio(Recording(source), 0, 1000, dest)
    export_session_audio(Recording(source), 1000, 3000, dest)
    assert abs(probe(dest).duration_ms - 2000) <= TOLERANCE_MS
    assert [p.name for p in folder.iterdir()] == ["session.m4a"]


def test_failed_session_audio_leaves_nothing_behind(two_streams, tmp_path):
    folder = tmp_path / "session"
    with pytest.raises(MediaError, match="audio stream 5 does not exist"):
        export_session_audio(Recording(two_streams, stream=5), 0, 1000, folder / "session.m4a")
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_cut_ffmpeg_rejects_is_one_line_and_leaves_no_temp_file(make_tone, tmp_path):
    source = make_tone("talk.wav", seconds=2)
    folder = tmp_path / "session"
    with pytest.raises(MediaError) as info:
        export_session_audio(Recording(source), 1500, 500, folder / "session.m4a")
    message = str(info.value)
    assert message.startswith(f"{source}: cannot cut session audio (") and "\n" not in message
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_damaged_session_audio_file_is_cut_again(make_tone, tmp_path):
    from pipeline.cache import StageCache
    from pipeline.media.export import session_audio
    from pipeline.types import Session

    source = make_tone("talk.wav", seconds=3)
    session = Session(1, "Talk", source, 0, 2000)
    cache = StageCache(tmp_path / "cache")
    dest = tmp_path / "session.m4a"
    session_audio(Recording(source), "digest", session, "Event", dest, cache)
    whole = dest.read_bytes()
    dest.write_bytes(whole[: len(whole) // 2])  # a crash, a full disk, a bad copy
    session_audio(Recording(source), "digest", session, "Event", dest, cache)
    assert dest.read_bytes() == whole
    mtime = dest.stat().st_mtime_ns
    session_audio(Recording(source), "digest", session, "Event", dest, cache)
    assert dest.stat().st_mtime_ns == mtime  # intact: not cut again


def test_a_retitled_sessions_audio_is_copied_with_its_new_tags_not_encoded_again(
    tmp_path, run_ffmpeg, monkeypatch
):
    import pipeline.media.export as export
    from pipeline.cache import StageCache
    from pipeline.types import Session

    source = tmp_path / "talk.wav"
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-ac", "1", str(source))
    cache = StageCache(tmp_path / "cache")
    before = Session(2, "Panel", source, 1000, 4000, ("Ana",))
    first = export.session_audio(
        Recording(source), "digest", before, "Day", tmp_path / "02-panel" / "session.m4a", cache
    )

    def never(*args, **kwargs):
        raise AssertionError("encoded again")

    monkeypatch.setattr(export, "export_session_audio", never)
    after = Session(2, "Panel on telework", source, 1000, 4000, ("Ana",))
    dest = tmp_path / "02-panel-on-telework" / "session.m4a"
    assert export.session_audio(Recording(source), "digest", after, "Day", dest, cache) == dest
    tags = probe(dest)
    assert abs(tags.duration_ms - probe(first).duration_ms) < 50
    title = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags=title", "-of", "csv=p=0",
         str(dest)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert title == "Panel on telework"
    # the file the last run wrote changed behind our back: it is never copied
    dest.write_bytes(b"not audio any more")
    moved = Session(2, "Panel, moved", source, 1000, 4000, ("Ana",))
    with pytest.raises(AssertionError, match="encoded again"):
        export.session_audio(Recording(source), "digest", moved, "Day", tmp_path / "x.m4a", cache)


def test_aac_session_audio_is_cut_by_copying_its_packets(tmp_path, run_ffmpeg):
    source = tmp_path / "talk.mp4"  # AAC at 48 kHz: 440 Hz for 2 s, then 1500 Hz for 2 s
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=1500:duration=2",
        "-filter_complex", "[0:a][1:a]concat=n=2:v=0:a=1", "-ar", "48000", "-c:a", "aac",
        "-b:a", "96k", str(source),
    )  # fmt: skip
    dest = tmp_path / "session.m4a"
    export_session_audio(Recording(source), 2500, 3700, dest, {"title": "Second half"})
    info = probe(dest)
    (stream,) = info.audio_streams
    assert stream.codec == "aac" and stream.sample_rate == 48000  # as recorded: not 64k AAC
    assert abs(info.duration_ms - 1200) <= 50  # one AAC frame is 21 ms at 48 kHz
    assert abs(dominant_hz(decode(Recording(dest)).samples) - 1500) < 5
    assert ffprobe(dest)["format"]["tags"]["title"] == "Second half"
    with pytest.raises(MediaError, match="no audio between 5000 and 6000 ms"):
        export_session_audio(Recording(source), 5000, 6000, tmp_path / "late.m4a")


def test_a_file_is_probed_again_once_it_changes(make_tone, tmp_path):
    first = make_tone("a.wav", seconds=1)
    assert abs(probe(first).duration_ms - 1000) <= TOLERANCE_MS
    longer = make_tone("b.wav", seconds=3)
    longer.replace(first)  # same path, other size and time
    assert abs(probe(first).duration_ms - 3000) <= TOLERANCE_MS
