"""Synthetic speech timed like real talks, on real FLORES-200 sentences, and the
profile check as `webconf check` measures it: material for the cue tests."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

from pipeline.subtitles.profiles import DEFAULT_PROFILE, SubtitleProfile, cue_violations
from pipeline.types import Sentence, Word

FLORES = Path(__file__).resolve().parents[3] / "shared" / "parallel" / "flores200"


def violations(cues, profile: SubtitleProfile = DEFAULT_PROFILE, language: str | None = None):
    """Every broken norm, measured as `webconf check` measures it."""
    found, previous = [], None
    for cue in cues:
        found += cue_violations(
            cue.start_ms, cue.end_ms, cue.lines, profile, language or cue.language, previous
        )
        previous = cue.end_ms
    return found


PRESENTATION = (2.0, 2.5)  # 120-150 words per minute
FAST = (2.5, 4.0)  # 150-240 words per minute


@cache
def flores(language: str, count: int = 300) -> tuple[str, ...]:
    name = {"en": "eng", "fr": "fra", "es": "spa"}[language]
    lines = (FLORES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(lines[:count])


@cache
def spoken(language: str, pace: tuple[float, float], seed: int = 1) -> tuple[Sentence, ...]:
    rng = random.Random(seed)
    t, out = 500, []
    for text in flores(language):
        words_per_s = rng.uniform(*pace)
        words = []
        for w in text.split():
            duration = max(80, int(1000 / words_per_s * (0.6 + 0.4 * len(w) / 5.5)))
            silence = rng.randint(0, 60)
            words.append(Word(t, t + duration - silence, " " + w, rng.uniform(0.5, 1.0)))
            t += duration
        out.append(
            Sentence(words[0].start_ms, words[-1].end_ms, text, language, tuple(words), language)
        )
        t += int(rng.uniform(0.2, 1.5) * 1000)
    return tuple(out)


def translations(language: str, pace: tuple[float, float]) -> tuple[Sentence, ...]:
    return tuple(
        Sentence(
            s.start_ms,
            s.end_ms,
            text,
            language,
            source_language="en",
            source_text=s.text,
            origin="machine",
        )
        for s, text in zip(spoken("en", pace), flores(language), strict=True)
    )
