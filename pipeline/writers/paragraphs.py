"""Sentences grouped into readable paragraphs, shared by the TXT and HTML writers."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.types import SessionTrack
from pipeline.writers.timing import to_session_ms

PAUSE_MS = 2000  # a silence this long reads as a change of thought
MAX_SENTENCES = 6  # keeps paragraphs short enough to skim


@dataclass(frozen=True)
class Paragraph:
    start_ms: int  # session time
    end_ms: int
    text: str


def paragraphs(
    track: SessionTrack, *, pause_ms: int = PAUSE_MS, max_sentences: int = MAX_SENTENCES
) -> list[Paragraph]:
    """Split at pauses >= pause_ms or every max_sentences sentences; times in session time."""
    groups: list[list[tuple[int, int, str]]] = []
    prev_end: int | None = None
    for sentence in track.sentences:
        text = " ".join(sentence.text.split())
        if not text:
            continue
        start = to_session_ms(track.session, sentence.start_ms)
        end = max(start, to_session_ms(track.session, sentence.end_ms))
        pause = prev_end is not None and sentence.start_ms - prev_end >= pause_ms
        if not groups or pause or len(groups[-1]) >= max_sentences:
            groups.append([])
        groups[-1].append((start, end, text))
        prev_end = sentence.end_ms
    return [
        Paragraph(group[0][0], max(end for _, end, _ in group), " ".join(t for *_, t in group))
        for group in groups
    ]
