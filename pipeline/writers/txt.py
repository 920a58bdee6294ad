"""Plain-text transcript: a header saying what it is, then timestamped paragraphs."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from pipeline.languages import language_name
from pipeline.timecode import short_clock
from pipeline.types import Event, SessionTrack
from pipeline.writers.base import Writer
from pipeline.writers.paragraphs import Paragraph, Passage, paragraphs
from pipeline.writers.provenance import (
    about_line,
    event_line,
    links_line,
    provenance_with_engine,
    recording_range,
    review_line,
    session_line,
    speakers_line,
)

WIDTH = 80
LOW_CONFIDENCE_MARK = "[?]"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def header_lines(
    track: SessionTrack, event: Event, found: Sequence[Paragraph] | None = None
) -> list[str]:
    session = track.session
    passages = [p for paragraph in (found or []) for p in paragraph.passages]
    reviewed = sum(p.reviewed for p in passages)
    unsure = sum(p.low_confidence for p in passages)
    lines = [event_line(event)]
    if event.description:
        lines.append(f"About: {about_line(event)}")
    lines.append(session_line(session))
    if session.speakers:
        lines.append(f"Speakers: {speakers_line(session)}")
    if session.links:
        lines.append(f"Links: {links_line(session)}")
    lines += [
        f"Language: {language_name(track.language)}",
        provenance_with_engine(track),
        f"Recording: {recording_range(session)}",
        "Timestamps are relative to the session start.",
    ]
    if reviewed:
        lines.append(f"Includes {_plural(reviewed, 'human-reviewed passage')}.")
    if line := review_line(track):
        lines.append(line)
    if unsure:
        lines.append(
            f"{LOW_CONFIDENCE_MARK} marks {_plural(unsure, 'passage')} the recogniser "
            "was unsure of."
        )
    return [" ".join(line.split()) for line in lines]


def passage_text(passage: Passage) -> str:
    """The sentence, with a trailing ' [?]' when its recognition was unsure."""
    if passage.low_confidence:
        return f"{passage.text} {LOW_CONFIDENCE_MARK}"
    return passage.text


def render(track: SessionTrack, event: Event) -> str:
    """Header, a rule, then paragraphs as `[MM:SS] text` wrapped at 80 columns; the
    first paragraph of each speaker's turn as `[MM:SS] Name: text`."""
    found = paragraphs(track)
    header = header_lines(track, event, found)
    rule = "=" * min(WIDTH, max(len(line) for line in header))
    blocks = ["\n".join([*header, rule])]
    for paragraph in found:
        text = " ".join(passage_text(p) for p in paragraph.passages)
        if paragraph.turn:
            text = f"{paragraph.speaker}: {text}"
        blocks.append(
            textwrap.fill(
                f"[{short_clock(paragraph.start_ms)}] {text}",
                width=WIDTH,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n\n".join(blocks) + "\n"


WRITER = Writer("txt", render)
