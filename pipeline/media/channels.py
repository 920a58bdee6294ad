"""Check every audio stream the manifest names before any expensive work: the floor
and each interpreter channel must exist and hold audio, and a channel should last
about as long as the floor it interprets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.errors import ManifestError, MediaError
from pipeline.media.probe import MediaInfo, creation_time, pick_stream, probe
from pipeline.timecode import agenda_time
from pipeline.types import Event, Interpretation, Recording

# A channel this much shorter or longer than the floor is probably the wrong file,
# or one with the wrong offset; interpreters' consoles record the whole event.
LENGTH_TOLERANCE = 0.10
LENGTH_SLACK_MS = 5000
# Shorter than this, a recording holds no session worth subtitling: a broken export.
MIN_RECORDING_MS = 1000


@dataclass(frozen=True)
class MediaCheck:
    durations_ms: Mapping[Path, int]  # each recording's floor length
    warnings: tuple[str, ...]  # one line each; the run goes on
    # when each recording started, as its container says (`creation_time`), if it does
    started: Mapping[Path, datetime | None] = field(default_factory=dict)


def check_media(event: Event) -> MediaCheck:
    """Probe every recording and channel file once; ManifestError lists every stream
    that is missing or unreadable, one line each."""
    where = str(event.manifest_path or "manifest")
    problems: list[str] = []
    warnings: list[str] = []
    infos: dict[Path, MediaInfo] = {}

    def info_of(path: Path, label: str) -> MediaInfo | None:
        if path not in infos:
            try:
                infos[path] = probe(path)
            except MediaError as exc:
                problems.append(f"{where}: {label}: {exc}")
                return None
        return infos[path]

    durations: dict[Path, int] = {}
    for i, recording in enumerate(event.recordings, start=1):
        label = f"[[recording]] {i} ({recording.file.name})"
        info = info_of(recording.file, label)
        if info is None:
            continue
        floor = _stream_ms(info, recording.stream, problems, f"{where}: {label}")
        if floor is None:
            continue
        if floor < MIN_RECORDING_MS:
            problems.append(
                f"{where}: {label}: its audio lasts {floor / 1000:.1f} s; a recording must "
                f"last at least {MIN_RECORDING_MS // 1000} s"
            )
            continue
        durations[recording.file] = info.duration_ms
        for channel in recording.interpretations:
            here = f"{label} interpretation {channel.language!r}"
            channel_info = info_of(channel.file, here)
            if channel_info is None:
                continue
            length = _stream_ms(channel_info, channel.stream, problems, f"{where}: {here}")
            if length is not None:
                warning = _length_warning(recording, channel, length, floor)
                if warning:
                    warnings.append(f"{where}: {here}: {warning}")
    if problems:
        raise ManifestError("\n".join(problems))
    started = {r.file: creation_time(r.file) for r in event.recordings if r.file in durations}
    return MediaCheck(durations_ms=durations, warnings=tuple(warnings), started=started)


def _stream_ms(
    info: MediaInfo, wanted: int | None, problems: list[str], where: str
) -> int | None:
    """The chosen audio stream's length (the file's when the stream says nothing)."""
    try:
        stream = pick_stream(info, wanted)
    except MediaError as exc:
        problems.append(f"{where}: {exc}")
        return None
    return getattr(stream, "duration_ms", 0) or info.duration_ms


def _length_warning(
    recording: Recording, channel: Interpretation, length_ms: int, floor_ms: int
) -> str | None:
    covered = channel.offset_ms + length_ms
    if abs(covered - floor_ms) <= max(LENGTH_SLACK_MS, LENGTH_TOLERANCE * floor_ms):
        return None
    shorter = "shorter" if covered < floor_ms else "longer"
    offset = f", starting at {agenda_time(channel.offset_ms)}" if channel.offset_ms else ""
    return (
        f"the channel ({channel.label}{offset}) ends at {agenda_time(covered)}, much {shorter} "
        f"than the floor of {recording.file.name} ({agenda_time(floor_ms)}); check the file "
        "and its offset"
    )
