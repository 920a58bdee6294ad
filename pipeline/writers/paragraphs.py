"""Sentences grouped into readable paragraphs, shared by the TXT and HTML writers."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.types import Sentence, SessionTrack
from pipeline.writers.provenance import is_original_sentence
from pipeline.writers.timing import to_session_ms

PAUSE_MS = 2000  # a silence this long reads as a change of thought
MAX_SENTENCES = 6  # keeps paragraphs short enough to skim
# Words Whisper gave less than this probability are pointed out to reviewers: 7 % of
# the recognised words of the sample event (39 of 544).
UNSURE_WORD = 0.5


@dataclass(frozen=True)
class Passage:
    """One sentence as a transcript shows it (times in session time)."""

    start_ms: int
    end_ms: int
    text: str  # single-spaced, non-empty
    low_confidence: bool = False  # recognition was unsure and no person reviewed it
    reviewed: bool = False  # a person wrote or confirmed the text
    original: bool = True  # original speech, not a machine translation
    source_language: str = ""
    engine: str = ""
    # the recognised words as said (leading space kept) and Whisper's probability of
    # each (1.0 for a word a person wrote or confirmed); empty when the words do not
    # spell the text (translated, or corrected by hand in an old version)
    words: tuple[tuple[str, float], ...] = ()
    speaker: str = ""  # who said it ("" when not known)

    @property
    def unsure_words(self) -> int:
        return sum(p < UNSURE_WORD for _, p in self.words)


@dataclass(frozen=True)
class Paragraph:
    start_ms: int  # session time
    end_ms: int
    passages: tuple[Passage, ...]
    speaker: str = ""  # everyone's passages in it are this speaker's ("" when not known)
    turn: bool = False  # the first paragraph of a speaker's turn: it names them

    @property
    def text(self) -> str:
        return " ".join(passage.text for passage in self.passages)


def _recognised(sentence: Sentence, text: str) -> tuple[tuple[str, float], ...]:
    if sentence.reviewed or not sentence.words:
        return ()
    if " ".join("".join(w.text for w in sentence.words).split()) != text:
        return ()
    return tuple((w.text, 1.0 if w.reviewed else w.probability) for w in sentence.words)


def unsure_words(track: SessionTrack) -> int:
    """Recognised words of the track below `UNSURE_WORD` that no person reviewed."""
    return sum(
        w.probability < UNSURE_WORD and not w.reviewed
        for s in track.sentences
        if s.words and not s.reviewed and is_original_sentence(s)
        for w in s.words
    )


def paragraphs(
    track: SessionTrack, *, pause_ms: int = PAUSE_MS, max_sentences: int = MAX_SENTENCES
) -> list[Paragraph]:
    """Split at each change of speaker, at pauses >= pause_ms or every max_sentences
    sentences; times in session time."""
    groups: list[list[Passage]] = []
    prev_end: int | None = None
    for sentence in track.sentences:
        text = " ".join(sentence.text.split())
        if not text:
            continue
        start = to_session_ms(track.session, sentence.start_ms)
        end = max(start, to_session_ms(track.session, sentence.end_ms))
        pause = prev_end is not None and sentence.start_ms - prev_end >= pause_ms
        turn = bool(groups) and groups[-1][-1].speaker != sentence.speaker
        if not groups or pause or turn or len(groups[-1]) >= max_sentences:
            groups.append([])
        groups[-1].append(
            Passage(
                start,
                end,
                text,
                low_confidence=sentence.low_confidence and not sentence.reviewed,
                reviewed=sentence.reviewed,
                original=is_original_sentence(sentence),
                source_language=sentence.source_language or sentence.language,
                engine=sentence.engine,
                words=_recognised(sentence, text),
                speaker=sentence.speaker,
            )
        )
        prev_end = sentence.end_ms
    out: list[Paragraph] = []
    for group in groups:
        speaker = group[0].speaker
        turn = bool(speaker) and (not out or out[-1].speaker != speaker)
        out.append(
            Paragraph(group[0].start_ms, max(p.end_ms for p in group), tuple(group), speaker, turn)
        )
    return out
