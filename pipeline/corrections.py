"""Human corrections: machine subtitles are a draft that organisers correct.

An organiser saves a corrected VTT or SRT of one session in one language under
`corrections/<NN>-<anything>/<lang>.vtt|.srt` beside the manifest (NN = the
session's position in the agenda), or runs `webconf correct`. On the next run:

- the corrected file is the truth for that session and language: its cues are
  written as they are (times, line breaks, text) and marked human-reviewed;
- the sentences behind it take the corrected text (a sentence whose cues were all
  deleted is dropped), so transcripts follow;
- a corrected source language changes what is translated: only sentences whose
  text changed miss the translation cache and are translated again;
- nothing under corrections/ is ever written by a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.errors import SubtitleError
from pipeline.fsio import atomic_copy
from pipeline.subtitles.reader import read_subtitles
from pipeline.types import Cue, Event, Sentence, Session

CORRECTIONS_DIR = "corrections"


def corrections_dir(event: Event) -> Path:
    base = event.manifest_path.parent if event.manifest_path else Path.cwd()
    return base / CORRECTIONS_DIR


def session_folder(root: Path, session: Session) -> Path | None:
    """The corrections folder of a session: `NN-...` or just `NN`."""
    if not root.is_dir():
        return None
    prefix = f"{session.index:02d}"
    found = sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and (p.name == prefix or p.name.startswith(prefix + "-"))
    )
    return found[0] if found else None


def read_cues(path: Path, language: str) -> list[Cue]:
    """Cues of a corrected VTT or SRT file, in the file's own (session) time."""
    return [
        Cue(
            start_ms=c.start_ms,
            end_ms=c.end_ms,
            lines=c.lines,
            language=language,
            reviewed=True,
            origin="person",
        )
        for c in read_subtitles(path).cues
        if c.lines and c.end_ms > c.start_ms
    ]


def load_corrections(event: Event, session: Session) -> dict[str, tuple[Cue, ...]]:
    """Per language, the corrected cues of a session, in recording time."""
    folder = session_folder(corrections_dir(event), session)
    if folder is None:
        return {}
    out: dict[str, tuple[Cue, ...]] = {}
    for lang in event.languages:
        for ext in (".vtt", ".srt"):
            path = folder / f"{lang}{ext}"
            if path.is_file():
                cues = read_cues(path, lang)
                out[lang] = tuple(
                    replace(
                        c,
                        start_ms=c.start_ms + session.start_ms,
                        end_ms=min(c.end_ms + session.start_ms, session.end_ms),
                    )
                    for c in cues
                    if c.start_ms + session.start_ms < session.end_ms
                )
                break
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def _normalised(text: str) -> str:
    return " ".join(text.split())


def apply_to_sentences(
    sentences: Sequence[Sentence], cues: Sequence[Cue], language: str
) -> tuple[Sentence, ...]:
    """Sentences carrying the corrected text: each corrected cue joins the sentence it
    overlaps most (or, touching none, becomes a sentence of its own)."""
    texts: dict[int, list[Cue]] = {}
    orphans: list[Cue] = []
    for cue in cues:
        best, best_overlap = None, 0
        for i, s in enumerate(sentences):
            ov = _overlap((cue.start_ms, cue.end_ms), (s.start_ms, s.end_ms))
            if ov > best_overlap:
                best, best_overlap = i, ov
        if best is None:
            orphans.append(cue)
        else:
            texts.setdefault(best, []).append(cue)
    out: list[Sentence] = []
    for i, s in enumerate(sentences):
        if i not in texts:
            continue  # every cue of this sentence was deleted by the organiser
        own = texts[i]
        text = _normalised(" ".join(c.text for c in own))
        changed = text != _normalised(s.text)
        out.append(
            replace(
                s,
                text=text,
                start_ms=min(s.start_ms, own[0].start_ms),
                end_ms=max(s.end_ms, own[-1].end_ms),
                words=() if changed else s.words,
                reviewed=True,
                low_confidence=False,
            )
        )
    for cue in orphans:
        out.append(
            Sentence(
                start_ms=cue.start_ms,
                end_ms=cue.end_ms,
                text=cue.text,
                language=language,
                source_language=language,
                engine="person",
                reviewed=True,
                origin="person",
            )
        )
    return tuple(sorted(out, key=lambda s: s.start_ms))


def save_correction(event: Event, session: Session, language: str, source: Path) -> Path:
    """Copy a corrected VTT/SRT into corrections/ (checked first, written atomically)."""
    if language not in event.languages:
        raise SubtitleError(
            f"language {language!r} is not one of this event's: {', '.join(event.languages)}"
        )
    ext = source.suffix.lower()
    if ext not in (".vtt", ".srt"):
        raise SubtitleError(f"{source}: a correction must be a .vtt or .srt file")
    if not source.is_file():
        raise SubtitleError(f"{source}: file not found")
    if not read_cues(source, language):
        raise SubtitleError(f"{source}: has no cues")
    root = corrections_dir(event)
    folder = session_folder(root, session) or root / session.slug
    folder.mkdir(parents=True, exist_ok=True)
    for old_ext in (".vtt", ".srt"):
        if old_ext != ext:
            (folder / f"{language}{old_ext}").unlink(missing_ok=True)
    dest = folder / f"{language}{ext}"
    atomic_copy(source, dest)
    return dest


def find_session(event: Event, name: str) -> Session:
    """A session by its number (`2`, `02`) or its slug."""
    for s in event.sessions:
        if name.isdigit() and int(name) == s.index or name in (s.slug, s.title):
            return s
    choices = ", ".join(f"{s.index} ({s.slug})" for s in event.sessions)
    raise SubtitleError(f"no session {name!r} in this event (sessions: {choices})")
