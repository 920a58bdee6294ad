"""`webconf translate`: subtitles or text made elsewhere, in the event's other languages.

A human-made SRT, a platform's VTT export, a transcript as plain text: each goes
through the same engines, glossary and subtitle profile as `webconf run`. Subtitle
cues are first joined into whole sentences (`build_sentences`, as for speech: cue
fragments translate badly), their words timed through their cues by characters; the
translations are cut into cues again under the profile, so capitals and punctuation
follow the sentence, not the fragment. A text file is translated line by line (a
sentence or a paragraph each). Every input is read and checked before anything is
translated; outputs are written atomically as `NAME.<lang>.vtt|srt|txt`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import StageCache
from pipeline.cues.build import cue_track
from pipeline.errors import SubtitleError, TranslationError
from pipeline.fsio import atomic_write
from pipeline.languages import LANGUAGES
from pipeline.models.locate import models_dir
from pipeline.sentences import build_sentences
from pipeline.subtitles.profiles import SubtitleProfile, get_profile
from pipeline.subtitles.reader import SubtitleCue, language_from_name, read_subtitles
from pipeline.timecode import spread
from pipeline.translate.engines import TEXT_MODES, Engines
from pipeline.translate.glossary import Entry
from pipeline.translate.sources import machine_translation
from pipeline.translate.vocabulary import WEBCONF_TERMS
from pipeline.types import Event, Recording, Segment, Sentence, Session, SessionTrack, Word
from pipeline.writers import srt_writer, vtt

KINDS = (".vtt", ".srt", ".txt")
# The commonest short words of each language, to tell a text's language when neither
# --from nor the file says it (counted over the whole text). On FLORES-200 devtest,
# texts of three sentences: 585 of 588 told right, 3 left unsaid, none wrong; single
# sentences: 1483 of 1770 right, 1 wrong (a French one), the rest unsaid.
_COMMON = {
    "en": {"the", "and", "of", "to", "is", "in", "that", "it", "for", "was", "with", "on"},
    "fr": {"le", "la", "les", "et", "des", "est", "que", "une", "dans", "pour", "du", "pas"},
    "es": {"el", "la", "los", "las", "y", "que", "es", "una", "en", "por", "con", "del"},
}


@dataclass(frozen=True)
class Source:
    """One input, read and checked."""

    path: Path
    kind: str  # "vtt", "srt" or "txt"
    language: str
    cues: tuple[SubtitleCue, ...] = ()
    lines: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The file's name without its extension and language ("talk.en.srt" -> "talk")."""
        parts = self.path.name.split(".")[:-1]
        if len(parts) > 1 and parts[-1].lower() in LANGUAGES:
            parts = parts[:-1]
        return ".".join(parts) or self.path.stem


def guess_language(text: str) -> str | None:
    """en, fr or es by their commonest words, when one clearly leads; else None."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    counts = {code: sum(w in common for w in words) for code, common in _COMMON.items()}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    (best, most), (_, second) = ranked[0], ranked[1]
    return best if most >= 3 and most >= 1.5 * second else None


def read_source(path: Path, language: str | None) -> Source:
    """The file read and its language known (`language`, else what the file says, else
    its words); SubtitleError (one line) when it cannot be."""
    kind = path.suffix.lower()
    if kind not in KINDS:
        raise SubtitleError(f"{path}: not a file we translate ({', '.join(KINDS)})")
    if not path.is_file():
        what = "not a file" if path.exists() else "file not found"
        raise SubtitleError(f"{path}: {what}")
    if kind == ".txt":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise SubtitleError(f"{path}: not UTF-8 text; save it as UTF-8") from None
        lines = tuple(line.strip() for line in text.splitlines())
        said, stated = text, language_from_name(path)
        cues: tuple[SubtitleCue, ...] = ()
    else:
        subtitles = read_subtitles(path)
        cues, lines = subtitles.cues, ()
        said, stated = " ".join(" ".join(c.lines) for c in cues), subtitles.language
    if not said.strip():
        raise SubtitleError(f"{path}: has no text to translate")
    found = language or stated or guess_language(said)
    if found is None:
        raise SubtitleError(f"{path}: cannot tell its language; say it with --from en|fr|es")
    if found not in LANGUAGES:
        raise SubtitleError(f"{path}: language {found!r} is not one we translate")
    return Source(path, kind[1:], found, cues, lines)


def cue_sentences(cues: Sequence[SubtitleCue], language: str) -> tuple[Sentence, ...]:
    """Whole sentences from subtitle cues: each cue's words timed through it by their
    characters, then grouped as speech is (final punctuation, pauses, speakers)."""
    segments = []
    for cue in cues:
        words = " ".join(cue.lines).split()
        if not words or cue.end_ms <= cue.start_ms:
            continue
        timed = tuple(
            Word(start, end, f" {word}", 1.0, False, cue.speaker)
            for word, (start, end) in zip(
                words, spread(words, cue.start_ms, cue.end_ms), strict=True
            )
        )
        segments.append(Segment(cue.start_ms, cue.end_ms, " ".join(words), language, timed))
    return build_sentences(segments)


def translate_files(
    paths: Sequence[Path | str],
    targets: Sequence[str],
    *,
    source: str | None = None,
    profile: SubtitleProfile | str = "default",
    out_dir: Path | str | None = None,
    mt: str = "auto",
    glossary: Sequence[Entry] = (),
) -> list[Path]:
    """Translate each file into each of `targets` (not its own language); return the
    files written. Everything is read and checked first: a bad input, an unknown
    language or engine is one error and nothing is written."""
    if mt not in TEXT_MODES:
        raise TranslationError(f"unknown --mt {mt!r}, expected one of: {', '.join(TEXT_MODES)}")
    unknown = [t for t in targets if t not in LANGUAGES]
    if unknown or not targets:
        raise TranslationError(
            f"--to {unknown[0]!r} is not a language we translate into ({', '.join(LANGUAGES)})"
            if unknown else "--to: say which languages to translate into (e.g. fr,es)"
        )
    if source is not None and source not in LANGUAGES:
        raise TranslationError(f"--from {source!r} is not one of: {', '.join(LANGUAGES)}")
    profile = get_profile(profile)
    glossary = (*glossary, *WEBCONF_TERMS)
    sources = [read_source(Path(p), source) for p in paths]
    engines = Engines(mt, models_dir())
    for src in sources:  # every direction has an engine, before any work
        for target in targets:
            if target != src.language:
                engines.get(src.language, target)
    plan = [
        (src, target, (Path(out_dir) if out_dir is not None else src.path.parent)
         / f"{src.name}.{target}.{src.kind}")
        for src in sources
        for target in targets
        if target != src.language
    ]  # fmt: skip
    inputs = {src.path.resolve() for src in sources}
    owners: dict[Path, Path] = {}
    for src, _, path in plan:
        where = path.resolve()
        if where in inputs or owners.setdefault(where, src.path) != src.path:
            raise TranslationError(f"{path}: two inputs would write it, or it is an input")
    cache = StageCache(None)
    written = []
    for src, target, path in plan:
        atomic_write(path, _translated(src, target, engines, cache, profile, glossary))
        written.append(path)
    return written


def _translated(src: Source, target: str, engines: Engines, cache: StageCache,
                profile: SubtitleProfile, glossary: Sequence[Entry]) -> str:  # fmt: skip
    if src.kind == "txt":
        lines = tuple(Sentence(0, 0, line, src.language) for line in src.lines)
        done = machine_translation(lines, src.language, target, engines, cache, glossary)
        return "\n".join(s.text for s in done) + "\n"
    sentences = cue_sentences(src.cues, src.language)
    end = max((c.end_ms for c in src.cues), default=0)
    session = Session(1, src.name, src.path, 0, end, language=src.language)
    event = Event(src.name, "", (src.language, target), (Recording(src.path),), (session,))
    rendered = machine_translation(sentences, src.language, target, engines, cache, glossary)
    label = rendered[0].engine if rendered else ""
    track = SessionTrack(session, target, src.language, label, tuple(rendered), ())
    track = cue_track(track, profile)
    return vtt.render(track, event) if src.kind == "vtt" else srt_writer.render(track, event)
