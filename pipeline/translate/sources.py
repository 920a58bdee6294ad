"""Where each language's text comes from, best source first: what was said in that
language (original); the human interpreter's channel in that language, where it
renders the floor; Whisper's speech translation (English only, `--mt whisper`);
else machine translation of the sentences, cached sentence by sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.cache import StageCache, as_text, stage_key
from pipeline.sentences import build_sentences
from pipeline.translate.base import describe, engine_version
from pipeline.translate.engines import Engines
from pipeline.translate.glossary import Entry, respell, terms_in
from pipeline.translate.interpretation import channel_sentences, interpreted_sentences
from pipeline.translate.machine import translate_sentences, translated
from pipeline.types import ChannelTranscript, Segment, Sentence

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
    glossary: Sequence[Entry] = (),
    speech_translation: tuple[Sentence, ...] | None = None,
    channel: ChannelTranscript | None = None,
) -> tuple[Sentence, ...]:
    """The session's sentences in `target`: the ones spoken in it as they are, the
    others from the best source there is (`channel`: the interpreter into `target`)."""
    sources = {s.language for s in sentences}
    if not sentences or sources == {target}:
        return sentences
    if channel is not None:
        return _with_interpreter(target, sentences, engines, cache, glossary, channel)
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
    glossary: Sequence[Entry],
) -> list[Sentence]:
    """`group` (all in `source`) translated into `target`. One cache entry per
    sentence: after a correction only the sentences whose text changed are
    translated again."""
    engine = engines.get(source, target)
    label = describe(engine, source, target)
    version = engine_version(engine)
    keys = [
        stage_key("translate", s.text, source, target, label, version,
                  terms_in(s.text, glossary, source))  # fmt: skip
        for s in group
    ]

    def missing(indices: list[int]) -> list[str]:
        done = translate_sentences([group[i] for i in indices], target, engine, glossary)
        return [s.text for s in done]

    texts = cache.get_or_compute_many("translate", keys, missing, str, as_text)
    return [translated(s, text, target, label) for s, text in zip(group, texts, strict=True)]


def _with_interpreter(
    target: str,
    sentences: tuple[Sentence, ...],
    engines: Engines,
    cache: StageCache,
    glossary: Sequence[Entry],
    channel: ChannelTranscript,
) -> tuple[Sentence, ...]:
    """Spoken `target` as it is; the rest from the interpreter where the channel
    renders it, else machine translation (which is also what the interpreter's
    words are matched against)."""
    spoken = tuple(s for s in sentences if s.language == target)
    others = tuple(s for s in sentences if s.language != target)
    machine: dict[int, Sentence] = {}
    for source in sorted({s.language for s in others}):
        indices = [i for i, s in enumerate(others) if s.language == source]
        group = tuple(others[i] for i in indices)
        done = machine_translation(group, source, target, engines, cache, glossary)
        machine.update(zip(indices, done, strict=True))
    heard = channel_sentences(channel, spoken)
    rendered = [
        replace(s, text=respell(s.text, s.source_text, glossary, s.source_language, target))
        if s.origin == "interpretation"
        else s
        for s in interpreted_sentences(
            others, [machine[i] for i in range(len(others))], heard, channel.channel
        )
    ]
    ordered = sorted([*spoken, *rendered], key=lambda s: s.start_ms)
    return tuple(_before_next(ordered))


def _before_next(ordered: Sequence[Sentence]) -> list[Sentence]:
    """Interpreted sentences, timed as long as the interpreter spoke, end before the
    next sentence starts."""
    out = list(ordered)
    for i, (sentence, after) in enumerate(zip(ordered, ordered[1:], strict=False)):
        if sentence.origin == "interpretation" and sentence.end_ms > after.start_ms:
            out[i] = replace(sentence, end_ms=max(sentence.start_ms + 1, after.start_ms))
    return out
