"""The one cue list that VTT, SRT and JSON all publish.

Normalising once here keeps the formats in step: same clamping, same ids,
same overlap fixes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pipeline.types import Cue, Interpretation, SessionTrack
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
    low_confidence: bool = False  # flagged by recognition, and not reviewed since
    reviewed: bool = False  # text written or confirmed by a person
    origin: str = "original"  # see pipeline.types
    channel: Interpretation | None = None  # an interpreted cue's channel
    speaker: str = ""  # who says it; "" when not known
    label: str = ""  # "JENS WRETLING:", for formats without voice spans (see Cue)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    lines: tuple[str, ...]
    low_confidence: bool
    reviewed: bool
    origin: str
    channel: Interpretation | None = None
    speaker: str = ""
    label: str = ""


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
    clipped; when both start together they are merged so no text is lost (the
    merged cue is low-confidence if either was, reviewed only if both were, and keeps
    the origin of the first, and the speaker when both have the one).
    Ids are `<prefix>-<n>`, numbered from 1 in time order, so the same cues
    always get the same ids.
    """

    def clamp(ms: int) -> int:
        ms = max(ms - offset_ms, 0)
        return ms if limit_ms is None else min(ms, limit_ms)

    timed: list[_Span] = []
    for cue in cues:
        lines = clean_lines(cue.lines)
        start, end = clamp(cue.start_ms), clamp(cue.end_ms)
        if lines and end > start:
            timed.append(
                _Span(
                    start,
                    end,
                    lines,
                    cue.low_confidence,
                    cue.reviewed,
                    cue.origin,
                    cue.channel,
                    cue.speaker,
                    cue.label,
                )
            )
    timed.sort(key=lambda item: (item.start, item.end))

    merged: list[_Span] = []
    for span in timed:
        if merged and merged[-1].end > span.start:
            prev = merged[-1]
            if prev.start < span.start:
                merged[-1] = replace(prev, end=span.start)
            else:
                merged[-1] = _Span(
                    prev.start,
                    max(prev.end, span.end),
                    prev.lines + span.lines,
                    prev.low_confidence or span.low_confidence,
                    prev.reviewed and span.reviewed,
                    prev.origin,
                    prev.channel,
                    prev.speaker if prev.speaker == span.speaker else "",
                    prev.label,
                )
                continue
        merged.append(span)

    prefix = f"{id_prefix}-" if id_prefix else ""
    return [
        TimedCue(
            identifier=f"{prefix}{n}",
            start_ms=span.start,
            end_ms=span.end,
            lines=span.lines,
            recording_start_ms=span.start + offset_ms,
            recording_end_ms=span.end + offset_ms,
            low_confidence=span.low_confidence and not span.reviewed,
            reviewed=span.reviewed,
            origin=span.origin,
            channel=span.channel,
            speaker=span.speaker,
            label=span.label,
        )
        for n, span in enumerate(merged, start=1)
    ]


def session_cues(track: SessionTrack) -> list[TimedCue]:
    """The track's cues in session time, ids `<lang>-<n>`."""
    return normalise_cues(
        track.cues,
        offset_ms=track.session.start_ms,
        limit_ms=session_duration_ms(track.session),
        id_prefix=track.language,
    )
