"""Probe and decode recordings, and export per-session audio, with ffmpeg."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
import numpy as np

from pipeline.digest import sha256_file
from pipeline.errors import MediaError
from pipeline.types import Audio, Recording

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class AudioStream:
    position: int  # among the file's audio streams: what `stream =` in the manifest means
    index: int  # ffprobe's absolute stream index
    codec: str
    channels: int
    language: str | None
    sample_rate: int = 0


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
    """ffprobe's description of a file; one-line MediaError when it is not media."""
    try:
        return ffmpeg.probe(str(path))
    except ffmpeg.Error as exc:
        raise MediaError(
            f"{path}: not a media file ffmpeg can read ({last_line(exc.stderr)})"
        ) from None


def probe(path: Path) -> MediaInfo:
    require_ffmpeg()
    if not path.is_file():
        raise MediaError(f"{path}: file not found")
    info = ffprobe(path)
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        raise MediaError(f"{path}: has no audio stream")
    audio = tuple(
        AudioStream(
            position=i,
            index=int(s["index"]),
            codec=s.get("codec_name", "?"),
            channels=int(s.get("channels", 0)),
            language=s.get("tags", {}).get("language"),
            sample_rate=int(s.get("sample_rate", 0) or 0),
        )
        for i, s in enumerate(streams)
    )
    # The audio's own length decides where sessions may end; the container's (often the
    # longer video's) is the fallback for formats that do not record a stream duration.
    durations = [float(s.get("duration", 0) or 0) for s in streams]
    duration_ms = int(max(durations) * 1000) or int(
        float(info.get("format", {}).get("duration", 0) or 0) * 1000
    )
    return MediaInfo(path=path, duration_ms=duration_ms, audio_streams=audio)


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


def _pcm(path: Path, stream: AudioStream, what: str, input_args: dict, **output_args) -> bytes:
    """Raw samples of one audio stream through an ffmpeg pipe; errors as one line."""
    try:
        out, _ = (
            ffmpeg.input(str(path), **input_args)
            .output("pipe:", map=f"0:a:{stream.position}", **output_args)
            .global_args("-nostdin", "-hide_banner", "-loglevel", "error")
            .run(capture_stdout=True, capture_stderr=True)
        )
    except ffmpeg.Error as exc:
        raise MediaError(f"{path}: cannot {what} ({last_line(exc.stderr)})") from None
    return out


def decode(recording: Recording, audio_filter: str | None = None) -> Audio:
    """Decode the chosen audio stream to 16 kHz mono float32, through an optional
    ffmpeg audio filter (e.g. loudness normalisation for VAD)."""
    info = probe(recording.file)
    stream = pick_stream(info, recording.stream)
    extra = {"af": audio_filter} if audio_filter else {}
    out = _pcm(
        recording.file,
        stream,
        "decode audio",
        {},
        format="f32le",
        acodec="pcm_f32le",
        ac=1,
        ar=SAMPLE_RATE,
        **extra,
    )
    samples = np.frombuffer(out, dtype=np.float32).copy()
    if samples.size == 0:
        raise MediaError(f"{recording.file}: audio stream {stream.position} decodes to no samples")
    return Audio(path=recording.file, samples=samples, sample_rate=SAMPLE_RATE)


def file_digest(path: Path) -> str:
    """Content hash of a recording: the cache key of every stage that reads it."""
    return sha256_file(path)


def export_session_audio(
    recording: Recording,
    start_ms: int,
    end_ms: int,
    dest: Path,
    tags: Mapping[str, str] | None = None,
) -> Path:
    """Write one agenda item's audio (AAC in .m4a) so people can take just that part.

    ffmpeg-python cuts the chosen stream (pydub cannot pass `-map` to its input);
    pydub writes the file with the session's title and speakers as tags.
    """
    from pydub import AudioSegment

    stream = pick_stream(probe(recording.file), recording.stream)
    channels = min(2, max(1, stream.channels))
    rate = stream.sample_rate or SAMPLE_RATE
    span = {"ss": start_ms / 1000, "t": (end_ms - start_ms) / 1000}
    pcm = _pcm(
        recording.file,
        stream,
        "cut session audio",
        span,
        format="s16le",
        acodec="pcm_s16le",
        ac=channels,
        ar=rate,
    )
    if not pcm:
        raise MediaError(f"{recording.file}: no audio between {start_ms} and {end_ms} ms")
    segment = AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=channels)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=dest.parent, prefix=f".{dest.name}.", suffix=".m4a", delete=False
    ) as tmp:
        tmp_path = Path(tmp.name)
    try:
        segment.export(
            str(tmp_path), format="ipod", codec="aac", bitrate="64k", tags=dict(tags or {})
        )
        tmp_path.chmod(0o644)  # NamedTemporaryFile makes 0600; people and web servers read it
        tmp_path.replace(dest)
    finally:
        tmp_path.unlink(missing_ok=True)
    return dest
