"""Where each language's text comes from, best source first: what was said in that
language (original), Whisper's speech translation (English only, `--mt whisper`),
else machine translation of the sentences, cached sentence by sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.cache import StageCache, stage_key
from pipeline.sentences import build_sentences
from pipeline.translate.base import describe, engine_version
from pipeline.translate.engines import Engines
from pipeline.translate.machine import translate_sentences, translated
from pipeline.types import Segment, Sentence

SPEECH_TRANSLATION_ENGINE = "whisper (speech translation)"


def speech_translation_sentences(segments: Sequence[Segment]) -> tuple[Sentence, ...]:
    """Whisper's English as sentences, each from one spoken language."""
    return tuple(
        replace(s, engine=SPEECH_TRANSLATION_ENGINE) for s in build_sentences(segments)
    )


def sentences_in(
    target: str,
    sentences: tuple[Sentence, ...],
    engines: Engines,
    cache: StageCache,
    glossary: Sequence[str] = (),
    speech_translation: tuple[Sentence, ...] | None = None,
) -> tuple[Sentence, ...]:
    """The session's sentences in `target`: the ones spoken in it as they are, the
    others from the best source there is."""
    sources = {s.language for s in sentences}
    if not sentences or sources == {target}:
        return sentences
    if target == "en" and speech_translation is not None:
        spoken = [s for s in sentences if s.language == "en"]
        return tuple(sorted([*spoken, *speech_translation], key=lambda s: s.start_ms))
    out: list[Sentence] = []
    for source in sorted(sources):
        group = tuple(s for s in sentences if s.language == source)
        if source == target:
            out += group
        else:
            out += machine_translation(group, source, target, engines, cache, glossary)
    return tuple(sorted(out, key=lambda s: s.start_ms))


def machine_translation(
    group: tuple[Sentence, ...],
    source: str,
    target: str,
    engines: Engines,
    cache: StageCache,
    glossary: Sequence[str],
) -> list[Sentence]:
    """`group` (all in `source`) translated into `target`. One cache entry per
    sentence: after a correction only the sentences whose text changed are
    translated again."""
    engine = engines.get(source, target)
    label = describe(engine, source, target)
    version = engine_version(engine)
    keys = [
        stage_key("translate", s.text, source, target, label, version, tuple(glossary))
        for s in group
    ]

    def missing(indices: list[int]) -> list[str]:
        done = translate_sentences([group[i] for i in indices], target, engine, glossary)
        return [s.text for s in done]

    texts = cache.get_or_compute_many("translate", keys, missing, str, str)
    return [translated(s, text, target, label) for s, text in zip(group, texts, strict=True)]
