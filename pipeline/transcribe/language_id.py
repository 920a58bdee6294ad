"""Which language each stretch of speech is in, among the event's languages.

Speakers in one webinar use different languages, and panellists switch mid-session.
Whisper's detector is asked per speech region (`batch.Encoder.detect`, whose encoder
output decoding then reuses); its answer is restricted to the event's languages (a
French speaker is never tagged Catalan). Regions are then given
the most likely sequence of languages, where a change of language needs evidence
(`assign_languages`): regions too short or too uncertain to judge take the language
around them, and one noisy region does not split a speech.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIN_DETECT_MS = 1500  # shorter regions are judged by their neighbours


def majority_language(
    regions: Sequence[tuple[int, int]], probs: Sequence[dict[str, float]]
) -> str | None:
    """The language with the most speech time, probability-weighted."""
    score: dict[str, float] = {}
    for (s, e), p in zip(regions, probs, strict=True):
        for lang, value in p.items():
            score[lang] = score.get(lang, 0.0) + (e - s) * value
    return max(score, key=score.get) if score else None


# Language over time. Each region's detection is evidence, weighed by how much speech
# it heard; a change of language costs SWITCH_NATS of it (less at a long pause, where
# speakers change), so one noisy region does not split a speech into languages while
# a speaker who answers in another language for a sentence still switches: a 10 s
# region detected at 0.95 against 0.03 brings 17 nats, a 4 s one at 0.7 against 0.25
# brings 2, and an island needs two switches (8 nats).
SWITCH_NATS = 4.0
PAUSE_DISCOUNT_PER_S = 0.5  # a switch is cheaper by this per second of pause (up to 2 s)
WEIGHT_PER_S = 0.5  # evidence per second of speech a detection heard (up to 10 s)
FLOOR = 1e-4  # the least probability a detection is taken to give a language


def _evidence(region: tuple[int, int], probs: dict[str, float], language: str) -> float:
    if not probs:
        return 0.0
    seconds = min(max(region[1] - region[0], 0), 10_000) / 1000
    return WEIGHT_PER_S * seconds * float(np.log(max(probs.get(language, 0.0), FLOOR)))


def _switch_cost(gap_ms: int) -> float:
    return SWITCH_NATS - PAUSE_DISCOUNT_PER_S * min(max(gap_ms, 0), 2000) / 1000


def assign_languages(
    regions: Sequence[tuple[int, int]],
    probs: Sequence[dict[str, float]],
    fallback: str,
    main: str | None = None,
) -> list[str]:
    """One language per region, the most likely sequence given every region's
    detection and the cost of a change (Viterbi); regions too short to judge ({})
    take the language around them, a change going to the longer pause; with no
    detection at all, `fallback`.

    With `main` (the language most of the session is in), starting or ending in
    another language costs a change too: an English speech in a crowd talking French
    and Spanish 10 dB under it began with a region heard as English at 0.65 and one
    as Spanish at 0.76, and with a free start both came out Spanish."""
    languages = sorted({lang for p in probs for lang in p}) or [fallback]
    if not any(probs):
        return [fallback] * len(regions)

    def outside(lang: str) -> float:  # the cost of a session's edge in `lang`
        return SWITCH_NATS if main in languages and lang != main else 0.0

    score = {lang: _evidence(regions[0], probs[0], lang) - outside(lang) for lang in languages}
    back: list[dict[str, str]] = []
    for i in range(1, len(regions)):
        cost = _switch_cost(regions[i][0] - regions[i - 1][1])
        came: dict[str, str] = {}
        new: dict[str, float] = {}
        for lang in languages:
            # staying wins a tie: a change needs evidence
            best = max(languages, key=lambda k: (score[k] - (cost if k != lang else 0), k == lang))
            came[lang] = best
            new[lang] = (
                score[best] - (cost if best != lang else 0) + _evidence(regions[i], probs[i], lang)
            )
        back.append(came)
        score = new
    last = max(languages, key=lambda k: (score[k] - outside(k), k == main))
    out = [last]
    for came in reversed(back):
        out.append(came[out[-1]])
    return out[::-1]
