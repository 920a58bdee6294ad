"""JSON round-trip of stage records, for the stage cache."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pipeline.types import Segment, Word


def _words(raw: list[dict[str, Any]]) -> tuple[Word, ...]:
    return tuple(Word(**w) for w in raw)


def segments_to_json(segments: tuple[Segment, ...]) -> list[dict[str, Any]]:
    return [asdict(s) for s in segments]


def segments_from_json(raw: list[dict[str, Any]]) -> tuple[Segment, ...]:
    return tuple(Segment(**{**s, "words": _words(s["words"])}) for s in raw)
