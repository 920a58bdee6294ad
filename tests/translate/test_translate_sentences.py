"""translate_sentences: batching, timing, blanks and glossary, with a recording fake engine.

The fake stands in for any Engine so these checks stay fast and exact; real
engines are exercised in test_translate_apertium.py and test_translate_argos.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pipeline.errors import TranslationError
from pipeline.translate import ApertiumEngine, Engine, describe, translate_sentences
from pipeline.types import Sentence, Word


class Upper:
    """Upper-cases everything (placeholders included, as an engine might)."""

    name = "upper"

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], str, str]] = []

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.calls.append((list(texts), source, target))
        return [t.upper() for t in texts]


class Dropper(Upper):
    name = "dropper"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return [t.upper() for t in texts][1:]


def test_fake_and_real_engines_satisfy_the_protocol() -> None:
    assert isinstance(Upper(), Engine)
    assert isinstance(ApertiumEngine(), Engine)
    assert describe(Upper(), "en", "fr") == "upper"  # no describe(): falls back to name


def test_one_batch_per_source_language_and_fields() -> None:
    words = (Word(0, 500, " Hello"),)
    sentences = [
        Sentence(0, 500, "Hello.", "en", words),
        Sentence(500, 900, "Hola.", "es"),
        Sentence(900, 1200, "Bonjour.", "fr", source_language="fr"),
        Sentence(1200, 1500, "Bye.", "en"),
    ]
    engine = Upper()
    out = translate_sentences(sentences, "fr", engine, [])
    assert engine.calls == [(["Hello.", "Bye."], "en", "fr"), (["Hola."], "es", "fr")]
    assert [s.text for s in out] == ["HELLO.", "HOLA.", "Bonjour.", "BYE."]
    assert out[2] is sentences[2]
    first = out[0]
    assert (first.start_ms, first.end_ms) == (0, 500)
    assert (first.language, first.words, first.engine) == ("fr", (), "upper")
    assert (first.source_language, first.source_text) == ("en", "Hello.")


def test_blank_sentences_stay_blank_without_an_engine_call() -> None:
    engine = Upper()
    out = translate_sentences([Sentence(0, 1, "  ", "en"), Sentence(1, 2, "", "en")], "es", engine)
    assert engine.calls == []
    assert [(s.text, s.language, s.source_language) for s in out] == [
        ("", "es", "en"),
        ("", "es", "en"),
    ]


def test_glossary_terms_survive_an_engine_that_changes_case() -> None:
    engine = Upper()
    [out] = translate_sentences(
        [Sentence(0, 1, "Lord Byron visited VDAB.", "en")], "fr", engine, ["VDAB", "Lord Byron"]
    )
    assert engine.calls[0][0] == ["ZZG0ZZ visited ZZG1ZZ."]
    assert out.text == "Lord Byron VISITED VDAB."
    assert out.source_text == "Lord Byron visited VDAB."


def test_engine_that_drops_an_item_is_an_error() -> None:
    sentences = [Sentence(0, 1, "One.", "en"), Sentence(1, 2, "Two.", "en")]
    with pytest.raises(TranslationError, match="returned 1 translations for 2 sentences"):
        translate_sentences(sentences, "fr", Dropper(), [])


def test_nothing_to_do() -> None:
    assert translate_sentences([], "fr", Upper(), ["VDAB"]) == ()
