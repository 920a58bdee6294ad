"""The language versions of a session: the spoken original, machine translations of
the rest (one engine per direction, translations cached sentence by sentence) and
the organiser's corrections, cut into cues."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.cache import cache_key
from pipeline.context import RunContext
from pipeline.corrections import apply_to_sentences, load_corrections
from pipeline.cues import build_cues
from pipeline.models import models_dir
from pipeline.sentences import build_sentences
from pipeline.translate import Engine, choose_engine, describe, translate_sentences
from pipeline.types import Recording, Segment, Sentence, Session, SessionTrack


class Translator:
    def __init__(self, ctx: RunContext, whisper_english: dict[int, tuple[Sentence, ...]]) -> None:
        self.ctx = ctx
        self.whisper_english = whisper_english
        self._engines: dict[tuple[str, str], Engine] = {}

    def engine(self, source: str, target: str) -> Engine:
        """One engine per direction for the whole run, so a model loads once."""
        if (source, target) not in self._engines:
            mode = "auto" if self.ctx.options.mt == "whisper" else self.ctx.options.mt
            self._engines[(source, target)] = choose_engine(mode, source, target, models_dir())
        return self._engines[(source, target)]

    def translate(
        self, sentences: tuple[Sentence, ...], session: Session, target: str
    ) -> tuple[Sentence, ...]:
        sources = {s.language for s in sentences}
        if not sentences or sources == {target}:
            return sentences
        if (
            self.ctx.options.mt == "whisper"
            and target == "en"
            and session.index in self.whisper_english
        ):
            spoken = [s for s in sentences if s.language == "en"]
            english = [*spoken, *self.whisper_english[session.index]]
            return tuple(sorted(english, key=lambda s: s.start_ms))
        out: list[Sentence] = []
        for source in sorted(sources):
            group = tuple(s for s in sentences if s.language == source)
            if source == target:
                out += group
                continue
            engine = self.engine(source, target)
            label = describe(engine, source, target)
            # One cache entry per sentence: after a correction only the sentences
            # whose text changed are translated again.
            keys = [
                cache_key("translate", s.text, source, target, label, self.ctx.event.glossary)
                for s in group
            ]

            def missing(indices: list[int], g=group, e=engine) -> list[str]:
                done = translate_sentences(
                    [g[i] for i in indices], target, e, self.ctx.event.glossary
                )
                return [s.text for s in done]

            texts = self.ctx.cache.get_or_compute_many("translate", keys, missing, str, str)
            out += [
                replace(
                    s,
                    text=text,
                    language=target,
                    words=(),
                    source_language=source,
                    source_text=s.text,
                    engine=label,
                )
                for s, text in zip(group, texts, strict=True)
            ]
        return tuple(sorted(out, key=lambda s: s.start_ms))


def _engine_label(sentences: Sequence[Sentence], is_original: bool) -> str:
    if is_original:
        return "whisper"
    engines = sorted({s.engine for s in sentences if s.engine})
    return ", ".join(engines) or "none"


def session_tracks(
    ctx: RunContext,
    translator: Translator,
    recording: Recording,
    session: Session,
    per_session: dict[int, tuple[Segment, ...]],
) -> list[SessionTrack]:
    """Every language version of one session, with the organiser's corrections."""
    corrected = load_corrections(ctx.event, session)
    source_sentences = build_sentences(per_session[session.index])
    source_language = _source_language(source_sentences, session, recording)
    if source_language in corrected:
        source_sentences = apply_to_sentences(
            source_sentences, corrected[source_language], source_language
        )
    tracks = []
    for language in ctx.event.languages:
        sentences = translator.translate(source_sentences, session, language)
        if language in corrected and language != source_language:
            sentences = apply_to_sentences(sentences, corrected[language], language)
        cues = corrected.get(language) or build_cues(sentences, ctx.options.profile, session.end_ms)
        is_original = language == source_language
        tracks.append(
            SessionTrack(
                session=session,
                language=language,
                source_language=source_language,
                engine=_engine_label(sentences, is_original),
                sentences=sentences,
                cues=cues,
            )
        )
    return tracks


def _source_language(sentences: Sequence[Sentence], session: Session, recording: Recording) -> str:
    if sentences:
        counts: dict[str, int] = {}
        for s in sentences:
            counts[s.language] = counts.get(s.language, 0) + len(s.text)
        return max(counts, key=counts.get)
    return session.language or recording.language or "en"
