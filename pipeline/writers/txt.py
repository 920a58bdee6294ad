"""Plain-text transcript: a header saying what it is, then timestamped paragraphs."""

from __future__ import annotations

import textwrap

from pipeline.types import Event, SessionTrack
from pipeline.writers.base import Writer
from pipeline.writers.labels import (
    event_line,
    language_name,
    provenance_with_engine,
    recording_range,
    session_line,
    speakers_line,
)
from pipeline.writers.paragraphs import paragraphs
from pipeline.writers.timing import short_clock

WIDTH = 80


def header_lines(track: SessionTrack, event: Event) -> list[str]:
    session = track.session
    lines = [event_line(event), session_line(session)]
    if session.speakers:
        lines.append(f"Speakers: {speakers_line(session)}")
    lines += [
        f"Language: {language_name(track.language)}",
        provenance_with_engine(track),
        f"Recording: {recording_range(session)}",
        "Timestamps are relative to the session start.",
    ]
    return [" ".join(line.split()) for line in lines]


def render(track: SessionTrack, event: Event) -> str:
    """Header, a rule, then paragraphs as `[MM:SS] text` wrapped at 80 columns."""
    header = header_lines(track, event)
    rule = "=" * min(WIDTH, max(len(line) for line in header))
    blocks = ["\n".join([*header, rule])]
    for paragraph in paragraphs(track):
        blocks.append(
            textwrap.fill(
                f"[{short_clock(paragraph.start_ms)}] {paragraph.text}",
                width=WIDTH,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n\n".join(blocks) + "\n"


WRITER = Writer("txt", render)
