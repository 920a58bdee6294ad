"""`webconf mux`: soft-subtitled MP4/MKV per session, checked with the real ffmpeg/ffprobe.

Two events: the sample event as the pipeline's writers write it around the committed
sample recording (never outputs/, so results do not depend on whether `make run` has
run; its video is a 1 fps still, so every cut is re-encoded) and a synthetic one
(25 fps test pattern with a keyframe every second, so cuts at 0 s and 4 s copy the
video and the cut at 6.6 s re-encodes it). VLC is not installed here; ffprobe is the
check of what a player sees.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt

from pipeline.errors import MediaError
from pipeline.mux.session import (
    find_session,
    mux_event,
    mux_session,
    plan_video,
    session_slugs,
    track_title,
)
from pipeline.outputs.read import LanguageEntry, read_event

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
SUBTITLE_CODEC = {"mp4": "mov_text", "mkv": "subrip"}
LANGS = ["en", "fr", "es"]
ISO = ["eng", "fra", "spa"]

# ---------------------------------------------------------------------------- helpers


def ffprobe(path: Path, *args: str) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def streams(path: Path) -> list[dict]:
    return ffprobe(path, "-show_streams")["streams"]


def duration(path: Path) -> float:
    return float(ffprobe(path, "-show_format")["format"]["duration"])


def extract_webvtt(path: Path, subtitle: int) -> str:
    return subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", f"0:s:{subtitle}"]
        + ["-f", "webvtt", "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def first_cue_start(vtt_text: str) -> float:
    match = re.search(r"(?:(\d+):)?(\d+):(\d+)\.(\d+) -->", vtt_text)
    assert match, vtt_text
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def webconf(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def sessions_of(event_dir: Path) -> list[dict]:
    return json.loads((event_dir / "index.json").read_text(encoding="utf-8"))["sessions"]


def gray_frame(path: Path, seek: float | None = None) -> np.ndarray:
    seek_args = ["-ss", f"{seek}"] if seek is not None else []
    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", *seek_args, "-i", str(path), "-frames:v", "1"]
        + ["-f", "rawvideo", "-pix_fmt", "gray", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).astype(float)


# ---------------------------------------------------------------------------- events


def write_sample(dest: Path) -> Path:
    """The sample event as the pipeline's writers write it, from hand-written sentences."""
    from web_helpers import write_synthetic_event

    return write_synthetic_event(dest.parent / f"{dest.name}-outputs")


SYNTHETIC_SESSIONS = [(0.0, 4.0), (4.0, 6.6), (6.6, 9.0)]
SYNTHETIC_TEXT = {
    "en": "The committee opens session {n}.",
    "fr": "Le comité ouvre la séance {n}.",
    "es": "El comité abre la sesión {n}.",
}
SYNTHETIC_ENGINES = {
    "en": ("whisper", True, 1.0),
    "fr": ("apertium (en→es→fr)", False, 0.0),
    "es": ("apertium", False, 0.0),
}


def make_synthetic(dest: Path) -> Path:
    """An event folder as `webconf run` writes it, around a 9 s 25 fps test pattern."""
    media = dest / "media"
    media.mkdir(parents=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y"]
        + ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=25"]
        + ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000"]
        + ["-t", "9", "-c:v", "libx264", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0"]
        + ["-pix_fmt", "yuv420p", "-c:a", "aac", "-metadata:s:a:0", "language=eng"]
        + [str(media / "talk.mp4")],
        check=True,
    )
    sessions = []
    for n, (start, end) in enumerate(SYNTHETIC_SESSIONS, 1):
        slug = f"{n:02d}-synthetic-session-{n}"
        folder = dest / slug
        folder.mkdir()
        languages = {}
        for lang in LANGS:
            cues = [
                srt.Subtitle(1, srt.timedelta(seconds=0.5), srt.timedelta(seconds=1.4),
                             SYNTHETIC_TEXT[lang].format(n=n)),
                srt.Subtitle(2, srt.timedelta(seconds=1.6), srt.timedelta(seconds=2.3),
                             f"{lang} {n} two"),
            ]  # fmt: skip
            (folder / f"{lang}.srt").write_text(srt.compose(cues), encoding="utf-8")
            engine, original, share = SYNTHETIC_ENGINES[lang]
            languages[lang] = {
                "engine": engine,
                "is_original": original,
                "source_language": "en",
                "original_share": share,
                "provenance": "Original transcript (Whisper)"
                if original
                else "Machine translation",
            }
        sessions.append(
            {
                "index": n,
                "title": f"Synthetic session {n}",
                "slug": slug,
                "speakers": ["Test pattern"],
                "language": "en",
                "recording": "talk.mp4",
                "start": start,
                "end": end,
                "languages": languages,
            }
        )
    index = {
        "event": {"title": "Synthetic event", "date": "2026-11-28", "languages": LANGS},
        "sessions": sessions,
        "recordings": {"talk.mp4": {"media": "media/talk.mp4"}},
    }
    (dest / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    # session.m4a, as `webconf run` writes it, for the audio-only fallback
    for n, (start, end) in enumerate(SYNTHETIC_SESSIONS, 1):
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", str(start), "-t", str(end - start)]
            + ["-i", str(media / "talk.mp4"), "-vn", "-c:a", "aac"]
            + [str(dest / f"{n:02d}-synthetic-session-{n}" / "session.m4a")],
            check=True,
        )
    return dest


@pytest.fixture(scope="module")
def muxed(tmp_path_factory, request):
    """{'sample': dir, 'synthetic': dir}, each muxed once into both formats."""
    cache: dict[str, Path] = {}

    def get(kind: str) -> Path:
        if kind not in cache:
            base = tmp_path_factory.mktemp(kind) / "event"
            event = write_sample(base) if kind == "sample" else make_synthetic(base)
            written = mux_event(event)
            assert len(written) == 2 * len(sessions_of(event))
            cache[kind] = event
        return cache[kind]

    return get


@pytest.fixture
def synthetic(tmp_path) -> Path:
    return make_synthetic(tmp_path / "event")


# ---------------------------------------------------------------------------- the files

KINDS = ["sample", "synthetic"]


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
@pytest.mark.parametrize("kind", KINDS)
def test_one_tagged_subtitle_stream_per_language(muxed, kind, fmt):
    event = muxed(kind)
    for session in sessions_of(event):
        path = event / session["slug"] / f"session.{fmt}"
        found = streams(path)
        subs = [s for s in found if s["codec_type"] == "subtitle"]
        assert [s["codec_name"] for s in subs] == [SUBTITLE_CODEC[fmt]] * 3, path
        assert [s["tags"]["language"] for s in subs] == ISO, path
        assert [s["disposition"]["default"] for s in subs] == [1, 0, 0], path
        title_key = "handler_name" if fmt == "mp4" else "title"
        titles = [s["tags"][title_key] for s in subs]
        listed = read_event(event).session(session["slug"])
        for lang, title in zip(LANGS, titles, strict=True):
            assert title == track_title(listed.language_entry(lang))
            assert ("(original" in title) == session["languages"][lang]["is_original"], title
        assert [s["codec_type"] for s in found].count("audio") == 1
        assert [s["codec_type"] for s in found].count("video") == 1


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
@pytest.mark.parametrize("kind", KINDS)
def test_duration_is_the_session_length(muxed, kind, fmt):
    event = muxed(kind)
    for session in sessions_of(event):
        path = event / session["slug"] / f"session.{fmt}"
        assert duration(path) == pytest.approx(session["end"] - session["start"], abs=0.5)


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
@pytest.mark.parametrize("kind", KINDS)
def test_french_cues_come_back_out_with_their_session_times(muxed, kind, fmt):
    event = muxed(kind)
    for session in sessions_of(event):
        folder = event / session["slug"]
        extracted = extract_webvtt(folder / f"session.{fmt}", 1)  # 0:s:1 = fra
        if kind == "sample":
            vtt = folder / "fr.vtt"
            expected_start = first_cue_start(vtt.read_text(encoding="utf-8"))
            expected_text = webvtt.read(str(vtt)).captions[0].text
        else:
            cues = list(srt.parse((folder / "fr.srt").read_text(encoding="utf-8")))
            expected_start = cues[0].start.total_seconds()
            expected_text = cues[0].content
        assert " ".join(expected_text.split()) in " ".join(extracted.split())
        assert first_cue_start(extracted) == pytest.approx(expected_start, abs=0.2)


def entry(language: str, engine: str, is_original: bool, share: float | None) -> LanguageEntry:
    return LanguageEntry(language, engine, is_original, "en", share, "", {})


def test_titles_say_original_or_machine_translation_and_engine():
    assert track_title(entry("en", "whisper", True, None)) == "English (original)"
    fr = entry("fr", "apertium (en→es→fr)", False, 0.0)
    assert track_title(fr) == "French (machine translation, apertium en→es→fr)"
    mixed = entry("es", "whisper", True, 0.7)
    assert track_title(mixed) == "Spanish (original, with machine-translated passages)"
    mostly_mt = entry("fr", "argos", False, 0.2)
    assert track_title(mostly_mt) == "French (machine translation, with original passages)"


def test_global_tags_name_the_session_and_event(muxed):
    event = muxed("synthetic")
    for fmt in ("mp4", "mkv"):
        tags = ffprobe(event / "01-synthetic-session-1" / f"session.{fmt}", "-show_format")
        tags = {k.lower(): v for k, v in tags["format"]["tags"].items()}
        assert tags["title"] == "Synthetic session 1"
        assert tags["artist"] == "Test pattern"
        assert tags["album"] == "Synthetic event"


# ---------------------------------------------------------------------------- the cut


def test_video_is_copied_only_when_a_keyframe_starts_the_session(muxed):
    talk = muxed("synthetic") / "media" / "talk.mp4"
    assert plan_video(talk, 0.0, "mp4").mode == "copy"
    assert plan_video(talk, 4.0, "mkv").mode == "copy"
    assert plan_video(talk, 6.6, "mp4").mode == "encode"
    sample = muxed("sample") / "media" / "sample-webinar.mp4"
    plan = plan_video(sample, 0.0, "mp4")  # keyframe at 0, but 1 fps: end would be 1 s off
    assert plan.mode == "encode" and "frame rate" in plan.reason


def packet_hashes(path: Path) -> list[tuple[float, str]]:
    packets = ffprobe(
        path, "-select_streams", "v:0", "-show_data_hash", "MD5", "-show_entries",
        "packet=pts_time,data_hash",
    )["packets"]  # fmt: skip
    return [(float(p["pts_time"]), p["data_hash"]) for p in packets]


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
def test_copied_video_starts_with_the_recording_keyframe(muxed, fmt):
    event = muxed("synthetic")
    source = dict(packet_hashes(event / "media" / "talk.mp4"))
    out = sorted(packet_hashes(event / "02-synthetic-session-2" / f"session.{fmt}"))
    assert out[0][1] == source[4.0]  # the very packet, not a re-encode
    assert len(out) == pytest.approx(2.6 * 25, abs=3)


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
def test_reencoded_video_starts_on_the_frame_at_the_session_start(muxed, fmt):
    event = muxed("synthetic")
    first = gray_frame(event / "03-synthetic-session-3" / f"session.{fmt}")
    talk = event / "media" / "talk.mp4"
    # The pattern moves every frame (40 ms): the session's first frame is the closest.
    diffs = {t: np.abs(first - gray_frame(talk, t)).mean() for t in (6.4, 6.52, 6.6, 6.68, 6.8)}
    assert min(diffs, key=diffs.get) == 6.6, diffs
    assert diffs[6.6] < diffs[6.4] / 2 and diffs[6.6] < diffs[6.8] / 2, diffs


# ---------------------------------------------------------------------------- reruns, errors


def test_second_run_skips_and_a_changed_subtitle_file_remakes_its_session(synthetic):
    assert len(mux_event(synthetic)) == 6
    outputs = sorted(synthetic.glob("*/session.m[pk][4v]"))
    before = {p: p.stat().st_mtime_ns for p in outputs}
    assert mux_event(synthetic) == []
    assert {p: p.stat().st_mtime_ns for p in outputs} == before

    fr = synthetic / "02-synthetic-session-2" / "fr.srt"
    fr.write_text(fr.read_text(encoding="utf-8").replace("séance", "réunion"), encoding="utf-8")
    remade = mux_event(synthetic, formats=("mkv",))
    assert remade == [synthetic / "02-synthetic-session-2" / "session.mkv"]
    assert "réunion" in extract_webvtt(remade[0], 1)
    leftovers = [p.name for p in synthetic.rglob(".*.tmp")]
    assert leftovers == []
    assert oct(remade[0].stat().st_mode & 0o777) == "0o644"


def test_single_format_and_session_lookup(synthetic):
    slug = find_session(synthetic, "2")
    assert slug == "02-synthetic-session-2"
    assert find_session(synthetic, "02") == find_session(synthetic, slug) == slug
    assert mux_session(synthetic, slug, formats=("mp4",)) == [synthetic / slug / "session.mp4"]
    assert not (synthetic / slug / "session.mkv").exists()
    with pytest.raises(MediaError, match="no session '7'"):
        find_session(synthetic, "7")


def test_missing_subtitle_file_is_a_media_error(synthetic):
    (synthetic / "01-synthetic-session-1" / "es.srt").unlink()
    with pytest.raises(MediaError, match=r"subtitle file not found: .*es\.srt"):
        mux_session(synthetic, "01-synthetic-session-1")
    assert not list((synthetic / "01-synthetic-session-1").glob("session.m[pk][4v]"))


@pytest.mark.parametrize(
    ("name", "target", "expected"),
    [
        ("es.srt", "outside", "a symlink leads outside the folder"),
        ("es.srt", "cache", "a symlink leads to a hidden file"),
        ("session.m4a", "outside", "a symlink leads outside the folder"),
        ("session.m4a", "cache", "a symlink leads to a hidden file"),
    ],
)
def test_mux_never_reads_through_a_symlink_out_of_the_event_or_into_its_cache(
    synthetic, tmp_path, name, target, expected
):
    slug = "01-synthetic-session-1"
    if name == "session.m4a":
        (synthetic / "media" / "talk.mp4").unlink()  # the session audio is what mux reads
    path = synthetic / slug / name
    if target == "outside":
        moved = tmp_path / name
    else:
        (synthetic / ".cache").mkdir(exist_ok=True)
        moved = synthetic / ".cache" / name
    shutil.move(path, moved)
    path.symlink_to(moved)
    with pytest.raises(MediaError, match=rf"{name}: not read \({expected}\)"):
        mux_session(synthetic, slug)
    assert not list((synthetic / slug).glob("session.m[pk][4v]"))


def test_without_the_recording_the_session_audio_is_used(synthetic):
    (synthetic / "media" / "talk.mp4").unlink()
    slug = "02-synthetic-session-2"
    written = mux_session(synthetic, slug)
    assert len(written) == 2
    for path in written:
        kinds = [s["codec_type"] for s in streams(path)]
        assert kinds == ["audio", "subtitle", "subtitle", "subtitle"]
        assert duration(path) == pytest.approx(2.6, abs=0.5)
    # Publishing the recording afterwards makes the audio-only files stale.
    make_synthetic(synthetic.parent / "again")
    shutil.copy(synthetic.parent / "again" / "media" / "talk.mp4", synthetic / "media")
    assert len(mux_session(synthetic, slug)) == 2
    assert "video" in [s["codec_type"] for s in streams(synthetic / slug / "session.mp4")]


def test_missing_recording_and_session_audio_is_a_media_error(synthetic):
    (synthetic / "media" / "talk.mp4").unlink()
    (synthetic / "03-synthetic-session-3" / "session.m4a").unlink()
    with pytest.raises(MediaError, match="neither the recording .* nor session.m4a"):
        mux_session(synthetic, "03-synthetic-session-3")


def test_unreadable_recording_is_a_one_line_media_error(synthetic):
    (synthetic / "media" / "talk.mp4").write_bytes(b"not a video at all" * 100)
    with pytest.raises(MediaError) as caught:
        mux_session(synthetic, "01-synthetic-session-1")
    message = str(caught.value)
    assert "talk.mp4" in message and "\n" not in message
    assert not list((synthetic / "01-synthetic-session-1").glob(".*.tmp"))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda index: index["sessions"][1].update(end="later"),
            "sessions[1].end: expected a number of seconds from 0 to 10000000, got 'later'",
        ),
        (
            lambda index: index["recordings"]["talk.mp4"].update(media="../../etc/passwd"),
            'recordings["talk.mp4"].media: expected a path inside the event folder, '
            "got '../../etc/passwd' ('..' segment)",
        ),
    ],
    ids=["string time", "path out of the event"],
)
def test_a_hand_edited_index_is_one_media_error_naming_the_place(synthetic, edit, expected):
    path = synthetic / "index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    edit(index)
    path.write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(MediaError) as caught:
        mux_session(synthetic, "02-synthetic-session-2")
    assert str(caught.value) == f"{path}: {expected}"
    result = webconf("mux", str(synthetic))
    assert result.returncode == 2 and result.stderr == f"webconf: error: {path}: {expected}\n"
    assert not list(synthetic.glob("*/session.m[pk][4v]"))


def test_missing_index_is_a_media_error(tmp_path):
    with pytest.raises(MediaError, match="index.json: not found"):
        mux_event(tmp_path)


# ---------------------------------------------------------------------------- the CLI


def test_cli_writes_then_reports_up_to_date(synthetic):
    first = webconf("mux", str(synthetic), "--session", "3", "--format", "mkv")
    assert first.returncode == 0, first.stderr
    target = synthetic / "03-synthetic-session-3" / "session.mkv"
    assert first.stdout.splitlines() == [f"wrote {target}"]
    again = webconf("mux", str(synthetic), "--format", "both")
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert len(lines) == 6 and f"up to date: {target}" in lines
    assert sum(line.startswith("wrote ") for line in lines) == 5
    assert session_slugs(synthetic)[2] == "03-synthetic-session-3"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--session", "9"], "no session '9'"),
        (["--session", "1"], "subtitle file not found"),
    ],
)
def test_cli_user_errors_exit_2_on_one_line(synthetic, args, message):
    (synthetic / "01-synthetic-session-1" / "fr.srt").unlink()
    result = webconf("mux", str(synthetic), *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("webconf: error: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_cli_missing_folder_and_bad_format(tmp_path):
    missing = webconf("mux", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "index.json: not found" in missing.stderr
    bad = webconf("mux", str(tmp_path), "--format", "avi")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_cli_help():
    result = webconf("mux", "--help")
    assert result.returncode == 0
    for word in ("OUTPUTS_EVENT_DIR", "--session", "--format", "mov_text", "SubRip"):
        assert word in result.stdout
    assert os.linesep in result.stdout
