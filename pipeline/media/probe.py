"""What a media file holds (ffprobe): its length and its audio streams."""

from __future__ import annotations

import copy
import functools
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import ffmpeg

from pipeline.errors import MediaError


@dataclass(frozen=True)
class AudioStream:
    position: int  # among the file's audio streams: what `stream =` in the manifest means
    index: int  # ffprobe's absolute stream index
    codec: str
    channels: int
    language: str | None
    sample_rate: int = 0
    title: str | None = None  # the stream's name ("Native", "Translated"): tag or handler
    duration_ms: int = 0  # the stream's own length, else the container's


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    duration_ms: int
    audio_streams: tuple[AudioStream, ...]


def require_ffmpeg() -> None:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        raise MediaError("ffmpeg/ffprobe are not installed; run `make setup`")


def last_line(stderr: bytes | None) -> str:
    lines = [ln.strip() for ln in (stderr or b"").decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if ln]
    return lines[-1] if lines else "ffmpeg failed"


def ffprobe(path: Path) -> dict:
    """ffprobe's description of a file; one-line MediaError when it is not media.
    Asked once per process for a file as it is (path, size, time): a re-run of the
    sample event probed the recording 7 times, 0.6 s of 1.9 s."""
    try:
        stat = path.stat()
    except OSError:
        raise MediaError(f"{path}: file not found") from None
    return copy.deepcopy(_ffprobe(str(path), stat.st_size, stat.st_mtime_ns))


@functools.lru_cache(maxsize=64)
def _ffprobe(path: str, size: int, mtime_ns: int) -> dict:
    try:
        return ffmpeg.probe(path)
    except ffmpeg.Error as exc:
        reason = last_line(exc.stderr).removeprefix(f"{path}: ")  # the path is said once
        raise MediaError(f"{path}: not a media file ffmpeg can read ({reason})") from None


def creation_time(path: Path) -> datetime | None:
    """When the recording started, as the container says (`creation_time`, UTC), or
    None when it does not."""
    tags = ffprobe(path).get("format", {}).get("tags", {})
    stamp = next((v for k, v in tags.items() if k.casefold() == "creation_time"), None)
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")) if stamp else None
    except ValueError:
        return None
    if moment is None or moment.year < 1971:  # an unset clock
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def probe(path: Path) -> MediaInfo:
    require_ffmpeg()
    if not path.is_file():
        raise MediaError(f"{path}: file not found")
    if path.stat().st_size == 0:  # an upload or a copy that never happened
        raise MediaError(f"{path}: is empty (0 bytes)")
    info = ffprobe(path)
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        raise MediaError(f"{path}: has no audio stream")
    container_ms = int(float(info.get("format", {}).get("duration", 0) or 0) * 1000)
    audio = tuple(
        AudioStream(
            position=i,
            index=int(s["index"]),
            codec=s.get("codec_name", "?"),
            channels=int(s.get("channels", 0)),
            language=s.get("tags", {}).get("language"),
            sample_rate=int(s.get("sample_rate", 0) or 0),
            title=stream_title(s.get("tags", {})),
            duration_ms=stream_duration_ms(s) or container_ms,
        )
        for i, s in enumerate(streams)
    )
    # The audio's own length decides where sessions may end; the container's (often the
    # longer video's) is the fallback for formats that do not record a stream duration.
    durations = [float(s.get("duration", 0) or 0) for s in streams]
    duration_ms = int(max(durations) * 1000) or container_ms
    return MediaInfo(path=path, duration_ms=duration_ms, audio_streams=audio)


# Handler names muxers write by themselves: not a name anyone gave the stream.
_DEFAULT_HANDLER = re.compile(r"handler|core media|media file|google|^(sound|audio)$", re.I)
_DURATION_TAG = re.compile(r"^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$")


def stream_title(tags: dict) -> str | None:
    """The stream's `title` tag (Matroska, Ogg), else its MP4 handler name when someone
    set it: ffmpeg's MP4 muxer keeps no per-track title, only `handler_name`."""
    tags = {k.lower(): v for k, v in tags.items()}
    for key in ("title", "handler_name"):
        value = str(tags.get(key) or "").strip()
        if value and not (key == "handler_name" and _DEFAULT_HANDLER.search(value)):
            return value
    return None


def stream_duration_ms(stream: dict) -> int:
    """The stream's `duration`, else its Matroska `DURATION` tag ("00:01:02.500000000");
    0 when neither is there."""
    duration = float(stream.get("duration", 0) or 0)
    if duration > 0:
        return int(duration * 1000)
    tags = {k.upper(): v for k, v in stream.get("tags", {}).items()}
    tag = tags.get("DURATION") or next(
        (v for k, v in tags.items() if k.startswith("DURATION-")), ""
    )
    match = _DURATION_TAG.match(str(tag).strip())
    if not match:
        return 0
    hours, minutes, secs = int(match.group(1)), int(match.group(2)), float(match.group(3))
    return int(((hours * 60 + minutes) * 60 + secs) * 1000)


def pick_stream(info: MediaInfo, wanted: int | None) -> AudioStream:
    if wanted is None:
        return info.audio_streams[0]
    if wanted >= len(info.audio_streams):
        choices = ", ".join(
            f"{s.position} ({s.codec}{', ' + s.language if s.language else ''})"
            for s in info.audio_streams
        )
        raise MediaError(
            f"{info.path}: audio stream {wanted} does not exist (audio streams: {choices})"
        )
    return info.audio_streams[wanted]
