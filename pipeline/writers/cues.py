"""The one cue list that VTT, SRT and JSON all publish.

Normalising once here keeps the formats in step: same clamping, same ids,
same overlap fixes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.types import Cue, SessionTrack
from pipeline.writers.timing import session_duration_ms

_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85|\x0b|\x0c")


@dataclass(frozen=True)
class TimedCue:
    """A cue ready to print: published times plus where it sits in the recording."""

    identifier: str
    start_ms: int  # published time (session time for session files)
    end_ms: int
    lines: tuple[str, ...]  # non-empty, single-line, stripped
    recording_start_ms: int
    recording_end_ms: int

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def clean_lines(lines: Iterable[str]) -> tuple[str, ...]:
    """Single, stripped, non-empty lines: a blank line would end a cue block."""
    out: list[str] = []
    for line in lines:
        for part in _LINE_BREAKS.split(line):
            part = " ".join(part.split())
            if part:
                out.append(part)
    return tuple(out)


def normalise_cues(
    cues: Sequence[Cue],
    *,
    offset_ms: int = 0,
    limit_ms: int | None = None,
    id_prefix: str = "",
) -> list[TimedCue]:
    """Shift by -offset, clamp to [0, limit], sort, and make the cues non-overlapping.

    Cues left empty (no text, or no duration after clamping, e.g. outside the
    session) are dropped. When a cue overlaps the next one the earlier end is
    clipped; when both start together they are merged so no text is lost.
    Ids are `<prefix>-<n>`, numbered from 1 in time order.
    """

    def clamp(ms: int) -> int:
        ms = max(ms - offset_ms, 0)
        return ms if limit_ms is None else min(ms, limit_ms)

    timed: list[tuple[int, int, tuple[str, ...]]] = []
    for cue in cues:
        lines = clean_lines(cue.lines)
        start, end = clamp(cue.start_ms), clamp(cue.end_ms)
        if lines and end > start:
            timed.append((start, end, lines))
    timed.sort(key=lambda item: (item[0], item[1]))

    merged: list[tuple[int, int, tuple[str, ...]]] = []
    for start, end, lines in timed:
        if merged and merged[-1][1] > start:
            prev_start, prev_end, prev_lines = merged[-1]
            if prev_start < start:
                merged[-1] = (prev_start, start, prev_lines)
            else:
                merged[-1] = (prev_start, max(prev_end, end), prev_lines + lines)
                continue
        merged.append((start, end, lines))

    prefix = f"{id_prefix}-" if id_prefix else ""
    return [
        TimedCue(
            identifier=f"{prefix}{n}",
            start_ms=start,
            end_ms=end,
            lines=lines,
            recording_start_ms=start + offset_ms,
            recording_end_ms=end + offset_ms,
        )
        for n, (start, end, lines) in enumerate(merged, start=1)
    ]


def session_cues(track: SessionTrack) -> list[TimedCue]:
    """The track's cues in session time, ids `<lang>-<n>`."""
    return normalise_cues(
        track.cues,
        offset_ms=track.session.start_ms,
        limit_ms=session_duration_ms(track.session),
        id_prefix=track.language,
    )
