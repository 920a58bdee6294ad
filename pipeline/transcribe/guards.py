"""Hallucination guards: Whisper invents text over silence, music and noise, and
loops on a phrase. These pure functions remove or flag such output.

- text outside every VAD speech region is dropped (no cue during non-speech);
- segments that are only music marks, or stock phrases Whisper is known to invent
  ("Thank you for watching", "Sous-titrage ...") said with low confidence, are dropped;
- a phrase repeated three times or more in a row is kept once;
- what remains but is uncertain is flagged `low_confidence`, not silently trusted.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import replace
from statistics import fmean

from pipeline.types import Segment, Word

NO_SPEECH_PROB = 0.6
SURE_NO_SPEECH_PROB = 0.8
LOW_LOGPROB = -1.0
LOOP_COMPRESSION = 2.4
LOW_WORD_PROB = 0.45
REGION_TOLERANCE_MS = 300
WORD_TOLERANCE_MS = 1500

_NON_SPEECH = re.compile(r"^[\s\W_♪♫🎵]*$|^\s*[\[(][^\])]*[\])]\s*$")
_STOCK_PHRASES = [
    "thank you for watching",
    "thanks for watching",
    "please subscribe",
    "subtitles by",
    "subtitled by",
    "transcribed by",
    "amara.org",
    "like and subscribe",
    "sous-titrage",
    "sous-titres réalisés",
    "merci d'avoir regardé",
    "abonnez-vous",
    "subtítulos realizados",
    "subtitulado por",
    "gracias por ver",
    "suscríbete",
]


def mean_word_probability(segment: Segment) -> float:
    return fmean(w.probability for w in segment.words) if segment.words else 0.0


def compression_ratio(text: str) -> float:
    """Whisper's loop detector: looping text compresses far better than speech."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def is_invented(segment: Segment) -> bool:
    """Text Whisper is known to produce where nobody speaks.

    Whisper's own rule (no-speech probability > 0.6 and log-probability < -1) let
    through, on 12 s of silence, "Thank you very much for joining us today"
    (-0.995) and on white noise a 20-fold loop (-0.19, compression ratio 13.5) or
    "I'll be right back" (no-speech 0.85). When Whisper thinks nobody speaks, a
    middling log-probability, unsure words or a loop are enough to drop the text;
    above 0.8 its word alone is. (On the real speech of the sample event and the
    code-switching panel, no segment had a no-speech probability above 0.41.)
    """
    text = segment.text.strip().lower()
    if segment.no_speech_prob > NO_SPEECH_PROB and (
        segment.no_speech_prob > SURE_NO_SPEECH_PROB
        or segment.avg_logprob < -0.7
        or mean_word_probability(segment) < 0.5
        or compression_ratio(text) > LOOP_COMPRESSION
    ):
        return True
    if _NON_SPEECH.match(text):
        return True
    uncertain = segment.avg_logprob < -0.5 or mean_word_probability(segment) < 0.6
    return uncertain and any(phrase in text for phrase in _STOCK_PHRASES)


def keep_in_speech(segment: Segment, regions: Sequence[tuple[int, int]]) -> Segment | None:
    """Drop a segment that touches no speech region, and words far from any.

    Whisper places the first word of a window early, in the silence before it, so
    words near a region (within WORD_TOLERANCE_MS) are kept: dropping them cut "All
    nouns" to "nouns" on real speech.
    """
    tol = REGION_TOLERANCE_MS
    if not any(s - tol < segment.end_ms and segment.start_ms < e + tol for s, e in regions):
        return None

    def near(w: Word) -> bool:
        mid = (w.start_ms + w.end_ms) // 2
        return any(s - WORD_TOLERANCE_MS <= mid <= e + WORD_TOLERANCE_MS for s, e in regions)

    return with_words(segment, tuple(w for w in segment.words if near(w)))


def with_words(segment: Segment, words: tuple[Word, ...]) -> Segment | None:
    """The segment reduced to `words` (None if none are left)."""
    if not words:
        return None
    if words == segment.words:
        return segment
    text = re.sub(r"\s+", " ", "".join(w.text for w in words)).strip()
    return replace(
        segment, start_ms=words[0].start_ms, end_ms=words[-1].end_ms, text=text, words=words
    )


def _norm(word: Word) -> str:
    return re.sub(r"[^\w']", "", word.text.lower())


def collapse_repeats(
    words: Sequence[Word], max_n: int = 15, min_repeats: int = 3
) -> tuple[Word, ...]:
    """Keep one copy of an n-gram repeated `min_repeats` times or more in a row
    (single words: four times, so "very, very" stays)."""
    out = list(words)
    i = 0
    while i < len(out):
        collapsed = False
        for n in range(1, max_n + 1):
            gram = [_norm(w) for w in out[i : i + n]]
            if len(gram) < n or not any(gram):
                break
            reps = 1
            while [_norm(w) for w in out[i + reps * n : i + (reps + 1) * n]] == gram:
                reps += 1
            needed = min_repeats + 1 if n == 1 else min_repeats
            if reps >= needed:
                del out[i + n : i + reps * n]
                collapsed = True
                break
        if not collapsed:
            i += 1
    return tuple(out)


def flag_confidence(segment: Segment) -> Segment:
    low = (
        segment.avg_logprob < LOW_LOGPROB
        or mean_word_probability(segment) < LOW_WORD_PROB
        or segment.no_speech_prob > NO_SPEECH_PROB
    )
    return replace(segment, low_confidence=low) if low != segment.low_confidence else segment


def _same_text(a: Segment, b: Segment) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"[^\w']+", " ", text.lower()).strip()

    return norm(a.text) == norm(b.text)


def clean(segments: Sequence[Segment], regions: Sequence[tuple[int, int]]) -> list[Segment]:
    """All guards, in order, over one chunk's segments."""
    out: list[Segment] = []
    for seg in segments:
        if is_invented(seg):
            continue
        if out and _same_text(out[-1], seg):
            continue  # a loop across segments: "I'll be right back" twice
        kept = keep_in_speech(seg, regions)
        if kept is None:
            continue
        kept = with_words(kept, collapse_repeats(kept.words))
        if kept is not None and not _NON_SPEECH.match(kept.text):
            out.append(flag_confidence(kept))
    return out
