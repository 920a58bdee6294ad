"""Word error rate on normalised text (lower case, no punctuation), for tests and eval."""

from __future__ import annotations

import re
import unicodedata

import jiwer


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


def wer(references: list[str], hypotheses: list[str]) -> float:
    return jiwer.wer([normalise(r) for r in references], [normalise(h) for h in hypotheses])
