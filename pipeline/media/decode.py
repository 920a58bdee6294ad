"""Decode a recording's chosen audio stream to 16 kHz mono samples, with ffmpeg."""

from __future__ import annotations

import threading
from pathlib import Path

import ffmpeg
import numpy as np

from pipeline.errors import MediaError
from pipeline.media.probe import AudioStream, last_line, pick_stream, probe
from pipeline.types import Audio, Recording

SAMPLE_RATE = 16000
# A file cut short (an upload that stopped) can keep the index of its whole length:
# ffprobe reports that length and ffmpeg decodes what is there without a word. Under
# half of it, and 2 s short or more, is a damaged file, not an estimate that was off.
TRUNCATED_SHARE = 0.5
TRUNCATED_MIN_MS = 2000


def pcm(path: Path, stream: AudioStream, what: str, input_args: dict, **output_args) -> bytes:
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
    ffmpeg audio filter (e.g. loudness normalisation for VAD).

    The samples are read from ffmpeg's pipe straight into one array sized from the
    stream's duration: collecting the pipe's bytes and converting them held three
    copies of a recording at once (3 x 691 MB for 3 hours)."""
    info = probe(recording.file)
    stream = pick_stream(info, recording.stream)
    extra = {"af": audio_filter} if audio_filter else {}
    args = ffmpeg.input(str(recording.file)).output(
        "pipe:",
        map=f"0:a:{stream.position}",
        format="f32le",
        acodec="pcm_f32le",
        ac=1,
        ar=SAMPLE_RATE,
        **extra,
    )
    expected = stream.duration_ms * SAMPLE_RATE // 1000 + SAMPLE_RATE
    samples = _read_samples(recording.file, args, expected)
    if samples.size == 0:
        raise MediaError(f"{recording.file}: audio stream {stream.position} decodes to no samples")
    _check_whole(recording.file, stream, samples.size * 1000 // SAMPLE_RATE)
    return Audio(path=recording.file, samples=samples, sample_rate=SAMPLE_RATE)


def _read_samples(path: Path, stream_args, expected: int) -> np.ndarray:
    """float32 samples from an ffmpeg process, read into one growing array."""
    process = stream_args.global_args("-nostdin", "-hide_banner", "-loglevel", "error").run_async(
        pipe_stdout=True, pipe_stderr=True
    )
    errors: list[bytes] = []  # drained beside: a damaged file can fill the pipe
    drain = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    drain.start()
    buffer = np.empty(max(expected, SAMPLE_RATE), dtype=np.float32)
    filled = 0  # bytes
    view = memoryview(buffer).cast("B")
    while True:
        if filled == len(view):  # longer than the stream said: grow by half
            buffer = np.resize(buffer, buffer.size + buffer.size // 2)
            view = memoryview(buffer).cast("B")
        got = process.stdout.readinto(view[filled:])
        if not got:
            break
        filled += got
    status = process.wait()
    drain.join()
    if status != 0:
        raise MediaError(f"{path}: cannot decode audio ({last_line(b''.join(errors))})")
    return buffer[: filled // 4]


def _check_whole(path: Path, stream: AudioStream, decoded_ms: int) -> None:
    """Refuse a stream that decodes to far less than it declares (see TRUNCATED_SHARE)."""
    declared = stream.duration_ms
    if declared - decoded_ms >= TRUNCATED_MIN_MS and decoded_ms < TRUNCATED_SHARE * declared:
        raise MediaError(
            f"{path}: audio stream {stream.position} decodes to {decoded_ms / 1000:.1f} s of "
            f"the {declared / 1000:.1f} s it declares: the file is truncated or damaged"
        )
