"""SubRip output, composed with the `srt` package so it parses back with `srt.parse`."""

from __future__ import annotations

from datetime import timedelta

import srt

from pipeline.types import Event, SessionTrack
from pipeline.writers.base import Writer
from pipeline.writers.timed import session_cues


def srt_safe(line: str) -> str:
    """SubRip has no escaping; only '-->' must go, as it would read as a timing line."""
    while "-->" in line:
        line = line.replace("-->", "->")
    return line


def render(track: SessionTrack, event: Event) -> str:
    """1-based, increasing, non-overlapping cues in session time (no header: SRT has none)."""
    subtitles = [
        srt.Subtitle(
            index=n,
            start=timedelta(milliseconds=cue.start_ms),
            end=timedelta(milliseconds=cue.end_ms),
            content="\n".join(srt_safe(line) for line in cue.lines),
        )
        for n, cue in enumerate(session_cues(track), start=1)
    ]
    return srt.compose(subtitles, reindex=False)


WRITER = Writer("srt", render)
