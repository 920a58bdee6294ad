"""Human-readable facts every file header states, worded once.

Provenance is derived from the sentences themselves: a session may mix original
speech in the track's language with passages machine-translated from others
(speakers switching language), and every header must say so truthfully.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.languages import language_name
from pipeline.timecode import format_clock
from pipeline.types import Event, Sentence, Session, SessionTrack


def engine_name(engine: str) -> str:
    return "Whisper" if engine.strip().lower() == "whisper" else engine


# How each `origin` counts in a track's wording: what was said in the track's language
# (recognised, or written by a person), an interpreter's rendering of other speech, or
# a translation of it by a machine (an MT engine, or Whisper's speech translation).
SPOKEN = frozenset({"original", "person"})
INTERPRETED = frozenset({"interpretation"})
TRANSLATED = frozenset({"machine", "speech-translation"})


def is_original_sentence(sentence: Sentence) -> bool:
    """What was said in the sentence's language, not a rendering of other speech (a
    person's correction of a translation is still a translation)."""
    return sentence.origin in SPOKEN and sentence.source_language in ("", sentence.language)


def is_corrected_rendering(sentence: Sentence) -> bool:
    """A rendering of other speech that a person rewrote."""
    return sentence.origin == "person" and not is_original_sentence(sentence)


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
    interpreted: tuple[Source, ...] = ()  # a human interpreter's, by source language
    corrected: tuple[Source, ...] = ()  # renderings a person rewrote, by source language

    @property
    def original_chars(self) -> int:
        return sum(s.chars for s in self.original)

    @property
    def total_chars(self) -> int:
        rendered = (*self.translated, *self.interpreted, *self.corrected)
        return self.original_chars + sum(s.chars for s in rendered)

    @property
    def original_share(self) -> float | None:
        """Share of characters that are original speech; None without any text."""
        total = self.total_chars
        return round(self.original_chars / total, 3) if total else None

    @property
    def kind(self) -> str:
        """'original', 'translation', 'interpretation' or 'mixed'; '' without text."""
        parts = [bool(self.original), bool(self.translated), bool(self.interpreted)]
        if sum(parts) > 1:
            return "mixed"
        if self.original:
            return "original"
        if self.interpreted:
            return "interpretation"
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
    def having(origins: frozenset[str]) -> list[Sentence]:
        return [s for s in track.sentences if s.origin in origins]

    return Composition(
        original=_sources(
            [s for s in track.sentences if is_original_sentence(s)], lambda s: s.language
        ),
        translated=_sources(having(TRANSLATED), lambda s: s.source_language),
        interpreted=_sources(having(INTERPRETED), lambda s: s.source_language),
        corrected=_sources(
            [s for s in track.sentences if is_corrected_rendering(s)], lambda s: s.source_language
        ),
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


def review_note(track: SessionTrack) -> str:
    """What a person did to the track's text, for headers: '' when nothing.

    A machine translation of text a person reviewed is still machine translation: it
    is counted apart, never as reviewed."""
    comp = composition(track)
    parts = []
    if comp.corrected:
        chars = sum(x.chars for x in comp.corrected)
        parts.append(f"translation corrected by a person: {_percent(chars, comp.total_chars)}")
    from_reviewed = sum(
        1 for x in track.sentences if x.origin == "machine" and x.source_reviewed
    )
    if from_reviewed:
        noun = "sentence" if from_reviewed == 1 else "sentences"
        parts.append(
            f"{from_reviewed} {noun} machine-translated from text a person reviewed (not reviewed)"
        )
    return "; ".join(parts)


def review_line(track: SessionTrack) -> str:
    """`review_note` as a header sentence ('Translation corrected ...: 20 %.'); ''."""
    note = review_note(track)
    return f"{note[0].upper()}{note[1:]}." if note else ""


def provenance(track: SessionTrack) -> str:
    """'Original transcript (Whisper)', 'Machine translation from French by argos', or
    'Original English transcript (Whisper), with passages machine-translated from French
    by apertium (fr→es→en)' for a session whose speakers switch language."""
    comp = _effective(track)
    if comp.interpreted:
        return _with_interpretation(comp)
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
    if comp.interpreted:
        return _with_interpretation(comp)
    if comp.kind == "original":
        return "Original transcript"
    translated = _translated_from(comp.translated, engine_style="engine")
    if comp.kind == "translation":
        return f"Machine translation {translated}"
    languages = _original_languages(comp.original)
    if _mostly_original(comp):
        return f"Original {languages} transcript, with passages machine-translated {translated}"
    return f"Machine translation {translated}, with original {languages} passages"


def track_marker(track: SessionTrack) -> str:
    """Short label for tables, from the sentences: mixed tracks say which part is which."""
    comp = _effective(track)
    if comp.kind == "interpretation":
        return "interpretation"
    if comp.interpreted:
        total = comp.total_chars
        interpreted = sum(s.chars for s in comp.interpreted)
        rest = "machine translation" if comp.translated else "original"
        if comp.translated and comp.original:
            rest = "machine translation and original"
        others = _percent(total - interpreted, total)
        return f"interpretation {_percent(interpreted, total)}, {rest} {others}"
    if comp.kind == "original":
        return "original"
    engines = ", ".join(engine_name(e) for e in comp.mt_engines) or engine_name(track.engine)
    if comp.kind == "translation":
        return f"machine translation ({engines})"
    if _mostly_original(comp):
        return f"original, with machine-translated passages ({engines})"
    return f"machine translation ({engines}), with original passages"


INTERPRETER = "interpretation (human interpreter, transcribed by Whisper)"


def _percent(chars: int, total: int) -> str:
    return f"{round(100 * chars / total)} %" if total else "0 %"


def _with_interpretation(comp: Composition) -> str:
    """Wording for a track holding an interpreter's text: 'Interpretation (human
    interpreter, transcribed by Whisper) from English', or, for a track that mixes
    sources, each with its share of the text, largest first: '...: 78 %; machine
    translation (apertium (en→es)) from English: 22 %'."""
    total = comp.total_chars
    parts: list[tuple[int, str]] = []
    languages = " and ".join(language_name(s.language) for s in comp.interpreted)
    parts.append((sum(s.chars for s in comp.interpreted), f"{INTERPRETER} from {languages}"))
    if comp.translated:
        engines = _engines(comp.mt_engines, "unknown engine")
        names = " and ".join(language_name(s.language) for s in comp.translated)
        parts.append(
            (sum(s.chars for s in comp.translated), f"machine translation ({engines}) from {names}")
        )
    if comp.original:
        spoken = _original_languages(comp.original)
        engines = _original_engines(comp.original)
        parts.append((comp.original_chars, f"original {spoken} speech ({engines})"))
    if len(parts) == 1:
        words = parts[0][1]
    else:
        parts.sort(key=lambda part: -part[0])
        words = "; ".join(f"{words}: {_percent(chars, total)}" for chars, words in parts)
    return words[0].upper() + words[1:]


def shares(track: SessionTrack) -> dict[str, float]:
    """Share (0-1, 3 decimals) of the track's text by where it comes from: original
    speech, interpretation, machine translation; {} for a track without text."""
    comp = composition(track)
    total = comp.total_chars
    if not total:
        return {}
    parts = {
        "original": comp.original_chars,
        "interpretation": sum(s.chars for s in comp.interpreted),
        "machine": sum(s.chars for s in comp.translated),
    }
    return {kind: round(chars / total, 3) for kind, chars in parts.items() if chars}


def event_line(event: Event) -> str:
    return f"{event.title} ({event.date})" if event.date else event.title


def session_line(session: Session) -> str:
    return f"Session {session.index}: {session.title}"


def about_line(event: Event) -> str:
    """The event's description on one line (headers are one line each)."""
    return " ".join(event.description.split())


def links_line(session: Session) -> str:
    return " ".join(session.links)


def speakers_line(session: Session) -> str:
    return ", ".join(session.speakers)


def recording_range(session: Session) -> str:
    """Where the session sits in its recording, e.g. '00:12:00-00:55:10 of day1.mkv'."""
    span = f"{format_clock(session.start_ms)}\u2013{format_clock(session.end_ms)}"
    return f"{span} of {session.recording.name}" if session.recording.name else span
