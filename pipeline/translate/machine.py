"""Translate timed sentences, keeping their timing and glossary terms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.errors import TranslationError
from pipeline.translate.base import Engine, describe
from pipeline.translate.glossary import Entry, protect_all, restore_all
from pipeline.types import Sentence


def translate_sentences(
    sentences: Sequence[Sentence],
    target: str,
    engine: Engine,
    glossary: Sequence[Entry] = (),
) -> tuple[Sentence, ...]:
    """New Sentences in `target`, one per input, same times, words dropped.

    Whole sentences go to the engine (better grammar than cue fragments), as
    one batch per source language. Sentences already in `target` come back
    unchanged; blank ones become blank translations without an engine call.
    """
    result: list[Sentence | None] = [None] * len(sentences)
    batches: dict[str, list[int]] = {}
    for i, sentence in enumerate(sentences):
        if sentence.language == target:
            result[i] = sentence
        elif not sentence.text.strip():
            label = describe(engine, sentence.language, target)
            result[i] = translated(sentence, "", target, label)
        else:
            batches.setdefault(sentence.language, []).append(i)

    for source, indices in batches.items():
        protected = protect_all([sentences[i].text for i in indices], glossary, source)
        out = engine.translate([p.text for p in protected], source, target)
        if len(out) != len(indices):
            raise TranslationError(
                f"{engine.name} returned {len(out)} translations for {len(indices)} sentences "
                f"({source}->{target}); this is a bug in the engine, please report it"
            )
        label = describe(engine, source, target)
        for i, text in zip(indices, restore_all(out, protected, target), strict=True):
            result[i] = translated(sentences[i], text, target, label)
    return tuple(s for s in result if s is not None)


def translated(sentence: Sentence, text: str, target: str, engine: str) -> Sentence:
    """`sentence` rendered in `target` by a machine: same times, no words."""
    return replace(
        sentence,
        text=text,
        language=target,
        words=(),
        source_language=sentence.language,
        source_text=sentence.text,
        engine=engine,
        origin="machine",
        reviewed=False,  # a machine wrote it, from text a person may have reviewed
        # any word of it a person wrote or confirmed
        source_reviewed=sentence.reviewed or any(w.reviewed for w in sentence.words),
        low_confidence=sentence.low_confidence and not sentence.reviewed,
    )
