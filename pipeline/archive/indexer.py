"""`build_index`: read every event folder under OUTPUTS_DIR into the archive.

Events are read through pipeline.outputs.read, the one reader of the published
outputs: an event folder is a folder holding `index.json`; its sessions and languages
come from index.json, each session's text from `<session-slug>/<lang>.json`. An event
is indexed again only when its fingerprint changed (index.json's bytes, the size and
mtime of each `<lang>.json`), and each event is replaced in one transaction. Events
whose folder is gone are removed.

A file that is not what the pipeline writes (missing, not JSON, a wrong type, a path
leading out of the event) stops the build with SearchError naming the file and the
place (the reader's OutputsError message); events done before it stay indexed, the
event holding it keeps its previous version in the archive. With `strict=False` (the
web app) that event is skipped with one warning instead and the build goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.archive.store import SCHEMA_VERSION, open_for_writing, transaction
from pipeline.errors import OutputsError, SearchError
from pipeline.outputs.layout import ARCHIVE_DB, INDEX_FILE
from pipeline.outputs.read import (
    EventIndex,
    SessionEntry,
    Transcript,
    event_dirs,
    read_event,
    read_transcript,
    transcript_path,
)

log = logging.getLogger(__name__)

DEFAULT_DB_NAME = ARCHIVE_DB

# Origins whose text is what was said in its language: the version translations anchor to.
SPOKEN_ORIGINS = frozenset({"original", "person"})


@dataclass(frozen=True)
class IndexStats:
    events_indexed: int  # new or changed events, (re)written by this build
    events_unchanged: int  # fingerprint unchanged: left as they were
    events_removed: int  # in the archive, but their folder (or index.json) is gone
    passages: int  # passages (sentence x language) written by this build
    events_skipped: int = 0  # unreadable, left as they were (strict=False only)


@dataclass(frozen=True)
class _Passage:
    """One segment of a `<lang>.json`, as the archive stores it."""

    language: str
    is_original: bool
    origin: str
    source_language: str
    source_text: str
    engine: str
    text: str
    start_ms: int
    end_ms: int
    recording_start_ms: int
    recording_end_ms: int
    low_confidence: bool
    reviewed: bool
    speaker: str = ""


@dataclass(frozen=True)
class _Cue:
    language: str
    cue_id: str
    text: str
    start_ms: int
    end_ms: int
    recording_start_ms: int
    recording_end_ms: int


@dataclass(frozen=True)
class _Session:
    index: int
    slug: str
    title: str
    speakers: tuple[str, ...]
    recording: str
    start_ms: int
    end_ms: int
    passages: tuple[_Passage, ...]
    cues: tuple[_Cue, ...]


@dataclass(frozen=True)
class _Event:
    slug: str
    title: str
    date: str
    languages: tuple[str, ...]
    fingerprint: str
    sessions: tuple[_Session, ...]


def clean_text(text: Any) -> str:
    """NFC, one line, no control characters (the snippet markers \\x02 \\x03 included)."""
    text = unicodedata.normalize("NFC", str(text or ""))
    out = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(out.split())


def _track_paths(event: EventIndex) -> list[Path]:
    """The `<lang>.json` of every session and language index.json lists."""
    return [
        transcript_path(event, session, entry.language)
        for session in event.sessions
        for entry in session.languages
    ]


def _fingerprint(index_bytes: bytes, paths: Sequence[Path]) -> str:
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    digest.update(index_bytes)
    for path in paths:
        name = f"{path.parent.name}/{path.name}"
        try:
            st = path.stat()
            digest.update(f"\n{name} {st.st_size} {st.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"\n{name} missing".encode())
    return digest.hexdigest()


def _read_index(folder: Path) -> tuple[EventIndex, str]:
    """The event and its fingerprint. The bytes are read before the reader parses them:
    a file changing in between makes the next build index the event again."""
    path = folder / INDEX_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise OutputsError(path, f"cannot be read ({exc.strerror or exc})") from None
    event = read_event(folder, strict=True)
    assert event is not None  # strict: an unreadable event raises
    return event, _fingerprint(raw, _track_paths(event))


def _passages(transcript: Transcript) -> tuple[_Passage, ...]:
    passages = []
    for seg in transcript.segments:
        text = clean_text(seg.text)
        if not text:
            continue
        original = seg.origin in SPOKEN_ORIGINS
        passages.append(
            _Passage(
                language=transcript.language,
                is_original=original,
                origin=seg.origin,
                source_language=seg.source_language,
                source_text="" if original else clean_text(seg.source_text),
                engine=seg.engine,
                text=text,
                start_ms=seg.start_ms,
                end_ms=seg.end_ms,
                recording_start_ms=seg.recording_start_ms,
                recording_end_ms=seg.recording_end_ms,
                low_confidence=seg.low_confidence,
                reviewed=seg.reviewed,
                speaker=seg.speaker,
            )
        )
    return tuple(passages)


def _cues(transcript: Transcript) -> tuple[_Cue, ...]:
    return tuple(
        _Cue(
            language=transcript.language,
            cue_id=cue.id,
            text=clean_text(cue.text),
            start_ms=cue.start_ms,
            end_ms=cue.end_ms,
            recording_start_ms=cue.recording_start_ms,
            recording_end_ms=cue.recording_end_ms,
        )
        for cue in transcript.cues
    )


def _session(event: EventIndex, session: SessionEntry) -> _Session:
    transcripts = [
        read_transcript(event, session, entry.language, strict=True) for entry in session.languages
    ]
    return _Session(
        index=session.index,
        slug=session.slug,
        title=clean_text(session.title),
        speakers=tuple(clean_text(s) for s in session.speakers),
        recording=session.recording,
        start_ms=session.start_ms,
        end_ms=session.end_ms,
        passages=tuple(p for t in transcripts if t is not None for p in _passages(t)),
        cues=tuple(c for t in transcripts if t is not None for c in _cues(t)),
    )


def _read_event(event: EventIndex, fingerprint: str) -> _Event:
    """Every file of the event, read and checked; OutputsError names the first bad one."""
    return _Event(
        slug=event.slug,
        title=clean_text(event.title or event.slug),
        date=event.date,
        languages=event.languages,
        fingerprint=fingerprint,
        sessions=tuple(_session(event, s) for s in sorted(event.sessions, key=lambda s: s.index)),
    )


def _anchor(anchors: Mapping[int, int], start: int, end: int) -> int:
    """The spoken sentence a version belongs to: same start, else the most overlap."""
    if start in anchors:
        return start
    best, best_overlap = start, 0
    for a_start, a_end in anchors.items():
        overlap = min(end, a_end) - max(start, a_start)
        if overlap > best_overlap:
            best, best_overlap = a_start, overlap
    return best


def _write_event(conn: sqlite3.Connection, event: _Event) -> int:
    """Replace the event in the archive (inside the caller's transaction)."""
    _delete_event(conn, event.slug)
    conn.execute(
        "INSERT INTO events (slug, title, date, languages, fingerprint) VALUES (?, ?, ?, ?, ?)",
        (event.slug, event.title, event.date, json.dumps(event.languages), event.fingerprint),
    )
    return sum(_write_session(conn, event.slug, session) for session in event.sessions)


def _write_session(conn: sqlite3.Connection, event_slug: str, session: _Session) -> int:
    """Insert one session's passages (FTS-indexed) and cues; returns the passage count."""
    session_id = conn.execute(
        "INSERT INTO sessions (event, idx, slug, title, speakers, recording, start_ms, end_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (event_slug, session.index, session.slug, session.title,
         json.dumps(session.speakers, ensure_ascii=False), session.recording,
         session.start_ms, session.end_ms),
    ).lastrowid  # fmt: skip
    anchors: dict[int, int] = {}  # spoken sentences: recording start -> end
    for p in session.passages:
        if p.is_original:
            anchors.setdefault(p.recording_start_ms, p.recording_end_ms)
    prefix = f"{event_slug}/{session.index}/"
    spans: dict[str, list[tuple[int, int, str]]] = {}  # language -> (start, end, key)
    for p in session.passages:
        key = prefix + str(_anchor(anchors, p.recording_start_ms, p.recording_end_ms))
        spans.setdefault(p.language, []).append((p.recording_start_ms, p.recording_end_ms, key))
        passage_id = conn.execute(
            "INSERT INTO passages (event, session_id, passage_key, language, is_original,"
            " origin, source_language, source_text, engine, text, start_ms, end_ms,"
            " recording_start_ms, recording_end_ms, low_confidence, reviewed, speaker)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event_slug, session_id, key, p.language, p.is_original, p.origin,
             p.source_language, p.source_text, p.engine, p.text, p.start_ms, p.end_ms,
             p.recording_start_ms, p.recording_end_ms, p.low_confidence, p.reviewed,
             p.speaker),
        ).lastrowid  # fmt: skip
        conn.execute("INSERT INTO passages_fts (rowid, text) VALUES (?, ?)", (passage_id, p.text))
    for cue in session.cues:
        key = _cue_key(spans.get(cue.language, []), cue)
        conn.execute(
            "INSERT INTO cues (event, session_id, language, cue_id, passage_key, text, start_ms,"
            " end_ms, recording_start_ms, recording_end_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event_slug, session_id, cue.language, cue.cue_id, key, cue.text, cue.start_ms,
             cue.end_ms, cue.recording_start_ms, cue.recording_end_ms),
        )  # fmt: skip
    return len(session.passages)


def _cue_key(spans: list[tuple[int, int, str]], cue: _Cue) -> str | None:
    """The sentence a cue belongs to: the one holding its midpoint, else the most overlap,
    else the last one starting before it (a cue may be held on screen past its sentence)."""
    middle = (cue.recording_start_ms + cue.recording_end_ms) // 2
    best, best_overlap, before = None, 0, None
    for start, end, key in sorted(spans):
        if start <= middle <= end:
            return key
        overlap = min(end, cue.recording_end_ms) - max(start, cue.recording_start_ms)
        if overlap > best_overlap:
            best, best_overlap = key, overlap
        if start <= cue.recording_start_ms:
            before = key
    return best or before


def _delete_event(conn: sqlite3.Connection, slug: str) -> None:
    conn.execute(
        "DELETE FROM passages_fts WHERE rowid IN (SELECT id FROM passages WHERE event = ?)",
        (slug,),
    )
    for table in ("passages", "cues", "sessions"):
        conn.execute(f"DELETE FROM {table} WHERE event = ?", (slug,))
    conn.execute("DELETE FROM events WHERE slug = ?", (slug,))


def _no_events(folder: Path) -> str:
    if (folder / "index.json").is_file():
        return (
            f"{folder}: is one event's folder; index the outputs folder that holds it: "
            f"webconf index {folder.parent}"
        )
    return f"{folder}: holds no event (a folder with the index.json that `webconf run` writes)"


def build_index(
    outputs_dir: Path, db_path: Path | None = None, *, strict: bool = True
) -> IndexStats:
    """Build or update the archive of every event under outputs_dir.

    db_path defaults to outputs_dir/archive.sqlite. One archive per outputs folder:
    events in the archive without a folder here are removed. strict: an unreadable
    event stops the build with SearchError; else it is skipped with one warning (its
    previous version, if any, stays searchable) and counted in `events_skipped`.
    """
    outputs_dir = Path(outputs_dir)
    if not outputs_dir.is_dir():
        raise SearchError(f"no outputs folder at {outputs_dir}")
    db_path = Path(db_path) if db_path is not None else outputs_dir / DEFAULT_DB_NAME
    folders = event_dirs(outputs_dir)
    if not folders and not db_path.is_file():  # nothing to index, nothing to clear
        raise SearchError(_no_events(outputs_dir))
    conn = open_for_writing(db_path)
    try:
        known = dict(conn.execute("SELECT slug, fingerprint FROM events").fetchall())
        removed = sorted(set(known) - {f.name for f in folders})
        for slug in removed:
            with transaction(conn):
                _delete_event(conn, slug)
            log.info("removed %s from the archive", slug)
        indexed = unchanged = passages = skipped = 0
        for folder in folders:
            try:
                index, fingerprint = _read_index(folder)
                if known.get(folder.name) == fingerprint:
                    unchanged += 1
                    continue
                event = _read_event(index, fingerprint)
            except OutputsError as exc:
                if strict:
                    raise SearchError(str(exc)) from None
                log.warning("%s (event not indexed)", exc)
                skipped += 1
                continue
            with transaction(conn):
                passages += _write_event(conn, event)
            indexed += 1
            log.info("indexed %s", folder.name)
    finally:
        conn.close()
    return IndexStats(indexed, unchanged, len(removed), passages, skipped)
