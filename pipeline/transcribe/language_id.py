"""Which language each stretch of speech is in, among the event's languages.

Speakers in one webinar use different languages, and panellists switch mid-session.
Whisper's detector is asked per speech region; its answer is restricted to the
event's languages (a French speaker is never tagged Catalan), and regions too short
or too uncertain to judge borrow the language of their confident neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.transcribe.vad import slice_ms

MIN_DETECT_MS = 1500  # shorter regions are judged by their neighbours
MIN_CONFIDENCE = 0.6


def detect_language(model, samples: np.ndarray, allowed: Sequence[str]) -> dict[str, float]:
    """Language probabilities restricted to `allowed`, renormalised."""
    if not model.model.is_multilingual:
        return {"en": 1.0}
    _, _, all_probs = model.detect_language(audio=samples)
    probs = {lang: p for lang, p in all_probs if lang in allowed}
    total = sum(probs.values()) or 1.0
    return {lang: probs.get(lang, 0.0) / total for lang in allowed}


def region_probabilities(
    model, samples: np.ndarray, regions: Sequence[tuple[int, int]], allowed: Sequence[str]
) -> list[dict[str, float]]:
    """Per region (recording ms), language probabilities; {} for regions too short."""
    return [
        detect_language(model, slice_ms(samples, s, e), allowed) if e - s >= MIN_DETECT_MS else {}
        for s, e in regions
    ]


def majority_language(
    regions: Sequence[tuple[int, int]], probs: Sequence[dict[str, float]]
) -> str | None:
    """The language with the most speech time, probability-weighted."""
    score: dict[str, float] = {}
    for (s, e), p in zip(regions, probs, strict=True):
        for lang, value in p.items():
            score[lang] = score.get(lang, 0.0) + (e - s) * value
    return max(score, key=score.get) if score else None


def assign_languages(
    regions: Sequence[tuple[int, int]], probs: Sequence[dict[str, float]], fallback: str
) -> list[str]:
    """One language per region: its own when confident, else that of the confident
    neighbour across the shorter pause (the previous one on a tie), else `fallback`."""
    own = [max(p, key=p.get) if p and max(p.values()) >= MIN_CONFIDENCE else None for p in probs]
    out: list[str] = []
    for i, lang in enumerate(own):
        if lang is None:
            before = next((own[j] for j in range(i - 1, -1, -1) if own[j]), None)
            after = next((own[j] for j in range(i + 1, len(own)) if own[j]), None)
            gap_before = regions[i][0] - regions[i - 1][1] if i else None
            gap_after = regions[i + 1][0] - regions[i][1] if i + 1 < len(own) else None
            if before and (
                after is None or gap_before is None or gap_after is None or gap_before <= gap_after
            ):
                lang = before
            else:
                lang = after or before or fallback
        out.append(lang)
    return out
