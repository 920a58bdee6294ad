"""Group recognised words into sentences: the unit we translate and subtitle.

Machine translation of cue fragments loses grammar; whole sentences keep it. A
sentence ends at final punctuation, at a long pause, at a change of speaker (an
interjection is its own sentence), or when it grows too long to stay one thought on
screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.types import Segment, Sentence, Word

_FINAL = re.compile(r"[.!?…。]+[\"'»”’)\]]*$")
_CLAUSE = re.compile(r"[,;:]+[\"'»”’)\]]*$")
MAX_PAUSE_MS = 1500
MAX_SENTENCE_MS = 20_000
MAX_SENTENCE_WORDS = 60


def words_text(words: Iterable[Word]) -> str:
    return re.sub(r"\s+", " ", "".join(w.text for w in words)).strip()


def build_sentences(segments: Sequence[Segment]) -> tuple[Sentence, ...]:
    """Sentences in order, each carrying its words; language, source language and
    origin from the segment, the speaker from its words (a sentence never spans two
    of any of them)."""
    out: list[Sentence] = []
    current: list[Word] = []
    kind: tuple[str, str, str] = ("", "", "original")  # language, source language, origin

    def flush() -> None:
        if current:
            language, source_language, origin = kind
            out.append(
                Sentence(
                    start_ms=current[0].start_ms,
                    end_ms=current[-1].end_ms,
                    text=words_text(current),
                    language=language,
                    words=tuple(current),
                    source_language=source_language,
                    origin=origin,
                    speaker=current[0].speaker,
                )
            )
            current.clear()

    for seg in segments:
        seg_kind = (seg.language, seg.source_language or seg.language, seg.origin)
        if seg_kind != kind:
            flush()
            kind = seg_kind
        for word in seg.words:
            if current and (
                word.start_ms - current[-1].end_ms > MAX_PAUSE_MS
                or word.speaker != current[-1].speaker
            ):
                flush()
            current.append(word)
            text = word.text.strip()
            too_long = (
                word.end_ms - current[0].start_ms > MAX_SENTENCE_MS
                or len(current) >= MAX_SENTENCE_WORDS
            )
            if _FINAL.search(text) or (too_long and _CLAUSE.search(text)):
                flush()
            elif too_long and len(current) >= MAX_SENTENCE_WORDS * 1.5:
                flush()
    flush()
    return tuple(out)
