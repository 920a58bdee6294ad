"""Media published beside the outputs: each session's audio, and the recording itself
for replay pages (nothing outside the outputs folder is ever served)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path

from pipeline.cache import StageCache, cache_key, stage_key
from pipeline.errors import MediaError
from pipeline.fsio import atomic_link_or_copy, atomic_path, atomic_write_json, sha256_file
from pipeline.media.decode import SAMPLE_RATE, pcm
from pipeline.media.kinds import published_name
from pipeline.media.probe import last_line, pick_stream, probe
from pipeline.types import Recording, Session


def export_session_audio(
    recording: Recording,
    start_ms: int,
    end_ms: int,
    dest: Path,
    tags: Mapping[str, str] | None = None,
    offset_ms: int = 0,
) -> Path:
    """Write one agenda item's audio (AAC in .m4a) so people can take just that part.

    AAC (most webinar recordings) is cut by copying packets (`_copy_cut`); anything
    else is decoded (ffmpeg-python cuts the chosen stream: pydub cannot pass `-map` to
    its input) and pydub writes it, with the session's title and speakers as tags. `offset_ms`
    is where the file starts in recording time (an interpreter channel's file): the
    cut stays in step with the floor, with silence where the file had not started.
    """
    info = probe(recording.file)
    stream = pick_stream(info, recording.stream)
    channels = min(2, max(1, stream.channels))
    rate = stream.sample_rate or SAMPLE_RATE
    lead_ms = max(0, offset_ms - start_ms)  # before the file's start
    file_start = max(0, start_ms - offset_ms)
    file_end = end_ms - offset_ms
    if offset_ms and file_end <= file_start:  # the session lies before the file starts
        raise MediaError(f"{recording.file}: no audio between {start_ms} and {end_ms} ms")
    known = stream.duration_ms or info.duration_ms
    if known and file_start >= known:
        raise MediaError(f"{recording.file}: no audio between {start_ms} and {end_ms} ms")
    if stream.codec == "aac" and stream.channels <= 2 and not lead_ms:
        return _copy_cut(recording.file, stream.index, file_start, file_end, dest, tags or {})
    from pydub import AudioSegment  # imported only for what is not AAC (15 ms)

    span = {"ss": file_start / 1000, "t": (file_end - file_start) / 1000}
    data = pcm(
        recording.file,
        stream,
        "cut session audio",
        span,
        format="s16le",
        acodec="pcm_s16le",
        ac=channels,
        ar=rate,
    )
    if not data:
        raise MediaError(f"{recording.file}: no audio between {start_ms} and {end_ms} ms")
    segment = AudioSegment(data=data, sample_width=2, frame_rate=rate, channels=channels)
    if lead_ms:
        silence = AudioSegment.silent(duration=lead_ms, frame_rate=rate)
        segment = silence.set_channels(channels) + segment
    with atomic_path(dest, suffix=".m4a") as tmp:
        segment.export(str(tmp), format="ipod", codec="aac", bitrate="64k", tags=dict(tags or {}))
    return dest


def _copy_cut(
    source: Path, index: int, start_ms: int, end_ms: int, dest: Path, tags: Mapping[str, str]
) -> Path:
    """AAC audio cut by copying its packets, not decoded and encoded again: the cut is
    exact to one AAC frame (1024 samples: 21 ms at 48 kHz, 64 ms at 16 kHz) and keeps
    the source's quality. The sample's 60 s session took 0.07 s instead of 0.5 s."""
    where = ["-ss", f"{start_ms / 1000:.3f}", "-i", str(source),
             "-t", f"{(end_ms - start_ms) / 1000:.3f}", "-map", f"0:{index}"]  # fmt: skip
    return _copy_audio(where, dest, tags, f"{source}: cannot cut the session audio")


def publish_recording(source: Path, folder: Path) -> Path:
    """The recording beside the outputs (hard link when possible, else a copy), so that
    replay pages and a static site can play it: nothing outside outputs/ is served."""
    dest = folder / published_name(source.name)  # always a media suffix: never a page
    stat = source.stat()
    if dest.is_file() and dest.stat().st_size == stat.st_size:
        if dest.samefile(source) or dest.stat().st_mtime >= stat.st_mtime:
            return dest
    return atomic_link_or_copy(source, dest)


def session_audio(
    recording: Recording,
    digest: str,
    session: Session,
    album: str,
    dest: Path,
    cache: StageCache,
    offset_ms: int = 0,
) -> Path:
    """Cut the session's audio into `dest` once; a stamp in the stage cache says the
    file on disk matches its source and the session's tags."""
    shift = (offset_ms,) if offset_ms else ()  # keeps the floor's keys as they were
    key = stage_key("session-audio", digest, recording.stream, session, album, *shift)
    stamp = cache.folder / "session-audio" / f"{key}.json" if cache.folder else None
    if dest.is_file() and stamp is not None and _matches(stamp, dest):
        return dest
    tags = {
        "title": session.title,
        "album": album,
        "artist": "; ".join(session.speakers),
        "track": str(session.index),
    }
    # the same cut under other tags (a session retitled, renumbered): the audio is
    # copied with the new tags instead of decoded and encoded again
    cut = (digest, recording.stream, session.start_ms, session.end_ms, *shift)
    cut_stamp = cache.folder / "session-cut" / f"{cache_key(*cut)}.json" if cache.folder else None
    earlier = _earlier_cut(cut_stamp)
    if earlier is not None:
        retag(earlier, dest, tags)
    else:
        export_session_audio(recording, session.start_ms, session.end_ms, dest, tags, offset_ms)
    if stamp is not None and cut_stamp is not None:
        seen = {"file": dest.name, "size": dest.stat().st_size, "sha256": sha256_file(dest)}
        atomic_write_json(stamp, seen)
        atomic_write_json(cut_stamp, {**seen, "path": str(dest.resolve())})
    return dest


def retag(source: Path, dest: Path, tags: Mapping[str, str]) -> Path:
    """`source`'s audio at `dest` with other tags, the stream copied, not re-encoded."""
    where = ["-i", str(source), "-map", "0:a"]
    return _copy_audio(where, dest, tags, f"{source}: cannot copy the session audio")


def _copy_audio(where: list[str], dest: Path, tags: Mapping[str, str], failed: str) -> Path:
    """ffmpeg copies the audio `where` says (input, cut, stream) into an .m4a at `dest`,
    with only `tags` as metadata; MediaError `failed (ffmpeg's last line)` if it cannot."""
    metadata = [item for k, v in tags.items() for item in ("-metadata", f"{k}={v}")]
    with atomic_path(dest, suffix=".m4a") as tmp:
        done = subprocess.run(
            ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *where,
             "-map_metadata", "-1", "-c", "copy", *metadata, "-f", "ipod", str(tmp)],
            capture_output=True,
        )  # fmt: skip
        if done.returncode != 0 or tmp.stat().st_size == 0:
            raise MediaError(f"{failed} ({last_line(done.stderr)})")
    return dest


def _earlier_cut(stamp: Path | None) -> Path | None:
    """The session audio file an earlier run cut the same way, if it is still as it was
    written (a file that changed since is never copied)."""
    if stamp is None or not stamp.is_file():
        return None
    try:
        seen = json.loads(stamp.read_text("utf-8"))
        path = Path(seen["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return path if path.is_file() and _matches(stamp, path) else None


def _matches(stamp: Path, dest: Path) -> bool:
    """Whether `dest` is still the file the stamp describes (a truncated or replaced
    session audio is cut again)."""
    try:
        seen = json.loads(stamp.read_text("utf-8"))
        if not isinstance(seen, dict) or seen.get("size") != dest.stat().st_size:
            return False
        return seen.get("sha256") == sha256_file(dest)
    except (OSError, ValueError):
        return False
