"""The translate stage: one session's text in every language of the event, with the
organiser's corrections applied (cues are cut later, per language, by `cues`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.cache import StageCache
from pipeline.corrections import correct_rendered, correct_spoken
from pipeline.errors import TranslationError
from pipeline.sentences import build_sentences
from pipeline.translate.engines import Engines
from pipeline.translate.glossary import Entry
from pipeline.translate.sources import sentences_in, speech_translation_sentences
from pipeline.types import Cue, Sentence, SessionTrack, SessionTranscript

INTERPRETATION_MODES = ("prefer", "ignore")


def language_tracks(
    transcript: SessionTranscript,
    languages: Sequence[str],
    engines: Engines,
    cache: StageCache,
    *,
    corrections: Mapping[str, tuple[Cue, ...]] | None = None,
    glossary: Sequence[Entry] = (),
    declared_language: str = "en",
    interpretation: str = "prefer",
) -> tuple[SessionTrack, ...]:
    """Every language version of one session, as tracks without cues yet.

    `corrections` (language -> a person's cues of that language's track, recording
    time): over what was said in that language they correct the original, so the
    other languages' translations are made again from it; over the track's renderings
    of other languages they correct that language's track only.
    `declared_language` is the session's language when nothing was said in it.
    `interpretation`: "prefer" takes each language's interpreter channel (if the
    recording has one) before machine translation; "ignore" leaves channels aside.
    """
    if interpretation not in INTERPRETATION_MODES:
        raise TranslationError(
            f"unknown --interpretation {interpretation!r}, expected one of: "
            + ", ".join(INTERPRETATION_MODES)
        )
    corrections = corrections or {}
    sentences = build_sentences(transcript.segments)
    spoken = {s.language for s in sentences}
    for language in sorted(set(corrections) & spoken):
        sentences = correct_spoken(sentences, corrections[language], language)
    source_language = spoken_language(sentences) or declared_language
    english = None
    if transcript.speech_translation is not None:
        english = speech_translation_sentences(transcript.speech_translation)
    tracks = []
    channels = {c.channel.language: c for c in transcript.channels}
    for language in languages:
        channel = channels.get(language) if interpretation == "prefer" else None
        text = sentences_in(language, sentences, engines, cache, glossary, english, channel)
        if language in corrections:
            text = correct_rendered(
                text, corrections[language], language, spoken_here=language in spoken
            )
        is_original = language == source_language
        tracks.append(
            SessionTrack(
                session=transcript.session,
                language=language,
                source_language=source_language,
                engine=_engine_label(text, is_original),
                sentences=text,
                cues=(),
            )
        )
    return tuple(tracks)


def spoken_language(sentences: Sequence[Sentence]) -> str | None:
    """The language with the most text; None when nothing was said."""
    counts: dict[str, int] = {}
    for s in sentences:
        counts[s.language] = counts.get(s.language, 0) + len(s.text)
    return max(counts, key=counts.get) if counts else None


def _engine_label(sentences: Sequence[Sentence], is_original: bool) -> str:
    if is_original:
        return "whisper"
    engines = sorted({s.engine for s in sentences if s.engine})
    return ", ".join(engines) or "none"
