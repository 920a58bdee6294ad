"""Human-readable facts every file header states, worded once.

Provenance is derived from the sentences themselves: a session may mix original
speech in the track's language with passages machine-translated from others
(speakers switching language), and every header must say so truthfully.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.text import format_clock
from pipeline.types import LANGUAGE_NAMES, Event, Sentence, Session, SessionTrack


def language_name(code: str) -> str:
    """English name of a language code; unknown codes are shown as given."""
    return LANGUAGE_NAMES.get(code, code)


def engine_name(engine: str) -> str:
    return "Whisper" if engine.strip().lower() == "whisper" else engine


def is_original_sentence(sentence: Sentence) -> bool:
    """Original speech (Whisper's transcript), not a translation of it."""
    return (sentence.source_language or sentence.language) == sentence.language


@dataclass(frozen=True)
class Source:
    """Where some of a track's text comes from: one source language and its engines."""

    language: str
    engines: tuple[str, ...]
    chars: int


@dataclass(frozen=True)
class Composition:
    """What a track is made of, measured in characters of text."""

    original: tuple[Source, ...]  # original speech, by spoken language
    translated: tuple[Source, ...]  # machine translation, by source language

    @property
    def original_chars(self) -> int:
        return sum(s.chars for s in self.original)

    @property
    def total_chars(self) -> int:
        return self.original_chars + sum(s.chars for s in self.translated)

    @property
    def original_share(self) -> float | None:
        """Share of characters that are original speech; None without any text."""
        total = self.total_chars
        return round(self.original_chars / total, 3) if total else None

    @property
    def kind(self) -> str:
        """'original', 'translation' or 'mixed'; '' when there is no text to judge."""
        if self.original and self.translated:
            return "mixed"
        if self.original:
            return "original"
        return "translation" if self.translated else ""

    @property
    def mt_engines(self) -> tuple[str, ...]:
        return _unique(engine for source in self.translated for engine in source.engines)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def _sources(sentences: Sequence[Sentence], key) -> tuple[Source, ...]:
    chars: dict[str, int] = {}
    engines: dict[str, list[str]] = {}
    for sentence in sentences:
        text = " ".join(sentence.text.split())
        if not text:
            continue
        lang = key(sentence)
        chars[lang] = chars.get(lang, 0) + len(text)
        engines.setdefault(lang, []).append(sentence.engine.strip())
    order = sorted(chars, key=lambda lang: (-chars[lang], lang))
    return tuple(Source(lang, tuple(sorted(_unique(engines[lang]))), chars[lang]) for lang in order)


def composition(track: SessionTrack) -> Composition:
    """The track's original and translated text, largest share first."""
    original = [s for s in track.sentences if is_original_sentence(s)]
    translated = [s for s in track.sentences if not is_original_sentence(s)]
    return Composition(
        original=_sources(original, lambda s: s.language),
        translated=_sources(translated, lambda s: s.source_language),
    )


def original_share(track: SessionTrack) -> float:
    """Share (0-1, 3 decimals) of the text that is original speech.

    A track without text counts as wholly original or wholly translated,
    following `track.is_original`.
    """
    share = composition(track).original_share
    if share is None:
        return 1.0 if track.is_original else 0.0
    return share


def _engines(engines: Sequence[str], fallback: str) -> str:
    return " / ".join(engine_name(e) for e in engines) or engine_name(fallback)


def _fallback(track: SessionTrack) -> Composition:
    """Composition of a track without text, from its track-level facts."""
    source = Source(track.source_language, (track.engine,), 0)
    if track.is_original:
        return Composition(original=(source,), translated=())
    return Composition(original=(), translated=(source,))


def _effective(track: SessionTrack) -> Composition:
    found = composition(track)
    return found if found.kind else _fallback(track)


def _translated_from(sources: Sequence[Source], *, engine_style: str) -> str:
    """'from French by apertium (fr→es→en) and from Spanish by apertium (es→en)'."""
    parts = []
    for source in sources:
        engines = _engines(source.engines, "unknown engine")
        name = language_name(source.language)
        if engine_style == "by":
            parts.append(f"from {name} by {engines}")
        else:
            parts.append(f"from {name} (engine: {engines})")
    return " and ".join(parts)


def _original_languages(sources: Sequence[Source]) -> str:
    return " and ".join(language_name(source.language) for source in sources)


def _original_engines(sources: Sequence[Source]) -> str:
    return _engines(_unique(e for source in sources for e in source.engines), "whisper")


def _mostly_original(comp: Composition) -> bool:
    """A mixed track is worded after its larger part (original wins a tie)."""
    return comp.original_chars * 2 >= comp.total_chars


def provenance(track: SessionTrack) -> str:
    """'Original transcript (Whisper)', 'Machine translation from French by argos', or
    'Original English transcript (Whisper), with passages machine-translated from French
    by apertium (fr→es→en)' for a session whose speakers switch language."""
    comp = _effective(track)
    if comp.kind == "original":
        return f"Original transcript ({_original_engines(comp.original)})"
    translated = _translated_from(comp.translated, engine_style="by")
    if comp.kind == "translation":
        return f"Machine translation {translated}"
    languages = _original_languages(comp.original)
    engines = _original_engines(comp.original)
    if _mostly_original(comp):
        return (
            f"Original {languages} transcript ({engines}), "
            f"with passages machine-translated {translated}"
        )
    return f"Machine translation {translated}, with original {languages} passages ({engines})"


def provenance_with_engine(track: SessionTrack) -> str:
    """'Original transcript', 'Machine translation from French (engine: apertium)', or
    'Original English transcript, with passages machine-translated from French
    (engine: apertium (fr→es→en))'."""
    comp = _effective(track)
    if comp.kind == "original":
        return "Original transcript"
    translated = _translated_from(comp.translated, engine_style="engine")
    if comp.kind == "translation":
        return f"Machine translation {translated}"
    languages = _original_languages(comp.original)
    if _mostly_original(comp):
        return f"Original {languages} transcript, with passages machine-translated {translated}"
    return f"Machine translation {translated}, with original {languages} passages"


def marker(is_original: bool, engine: str) -> str:
    """Short label for tables: 'original' or 'machine translation (engine)'."""
    return "original" if is_original else f"machine translation ({engine_name(engine)})"


def track_marker(track: SessionTrack) -> str:
    """`marker`, derived from the sentences: mixed tracks say which part is which."""
    comp = _effective(track)
    if comp.kind == "original":
        return "original"
    engines = ", ".join(engine_name(e) for e in comp.mt_engines) or engine_name(track.engine)
    if comp.kind == "translation":
        return f"machine translation ({engines})"
    if _mostly_original(comp):
        return f"original, with machine-translated passages ({engines})"
    return f"machine translation ({engines}), with original passages"


def event_line(event: Event) -> str:
    return f"{event.title} ({event.date})" if event.date else event.title


def session_line(session: Session) -> str:
    return f"Session {session.index}: {session.title}"


def speakers_line(session: Session) -> str:
    return ", ".join(session.speakers)


def recording_range(session: Session) -> str:
    """Where the session sits in its recording, e.g. '00:12:00-00:55:10 of day1.mkv'."""
    span = f"{format_clock(session.start_ms)}\u2013{format_clock(session.end_ms)}"
    return f"{span} of {session.recording.name}" if session.recording.name else span
