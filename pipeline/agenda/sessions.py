"""Assign speech to agenda sessions.

Speech that runs across a session boundary is decoded whole (Whisper needs the
context) and then cut at the word nearest the boundary: a word belongs to the
session that holds its midpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.timecode import most_overlapping
from pipeline.types import Segment, Session, Word


def session_of(ms: int, sessions: Sequence[Session]) -> Session | None:
    for s in sessions:
        if s.start_ms <= ms < s.end_ms:
            return s
    return None


def split_segments(
    segments: Sequence[Segment], sessions: Sequence[Session]
) -> dict[int, tuple[Segment, ...]]:
    """Per session index, the segments (or parts of them) that fall inside it.

    Word times are clamped into their session so that no cue leaks past its end.
    Words outside every session are dropped: the agenda says nothing happens there.
    """
    out: dict[int, list[Segment]] = {s.index: [] for s in sessions}
    for seg in segments:
        parts: dict[int, list[Word]] = {}
        for w in seg.words:
            owner = session_of((w.start_ms + w.end_ms) // 2, sessions)
            if owner is None:
                continue
            clamped = Word(
                start_ms=max(w.start_ms, owner.start_ms),
                end_ms=min(w.end_ms, owner.end_ms),
                text=w.text,
                probability=w.probability,
            )
            parts.setdefault(owner.index, []).append(clamped)
        for index, words in parts.items():
            whole = len(words) == len(seg.words)
            text = seg.text if whole else "".join(w.text for w in words).strip()
            # everything else the segment says (confidence, origin) holds for its parts
            out[index].append(
                replace(
                    seg,
                    start_ms=words[0].start_ms,
                    end_ms=words[-1].end_ms,
                    text=text,
                    words=tuple(words),
                )
            )
    return {k: tuple(sorted(v, key=lambda s: s.start_ms)) for k, v in out.items()}


def main_session(start_ms: int, end_ms: int, sessions: Sequence[Session]) -> Session | None:
    """The session that overlaps a span the most (to pick a chunk's language)."""
    best = most_overlapping((start_ms, end_ms), [(s.start_ms, s.end_ms) for s in sessions])
    return None if best is None else sessions[best]
