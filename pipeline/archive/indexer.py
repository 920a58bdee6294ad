"""`build_index`: read every event folder under OUTPUTS_DIR into the archive.

An event folder is a folder holding `index.json` (other folders and files are
skipped). Its sessions and languages come from index.json; each session's text from
`<session-slug>/<lang>.json`. An event is indexed again only when its fingerprint
changed (index.json's bytes, the size and mtime of each `<lang>.json`), and each
event is replaced in one transaction. Events whose folder is gone are removed.

A file that cannot be read (missing, not JSON, not what the pipeline writes) stops
the build with SearchError naming it; events done before it stay indexed, the event
holding it keeps its previous version in the archive.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.archive.store import SCHEMA_VERSION, open_for_writing, transaction
from pipeline.errors import SearchError

log = logging.getLogger(__name__)

DEFAULT_DB_NAME = "archive.sqlite"
INDEX_FILE = "index.json"


@dataclass(frozen=True)
class IndexStats:
    events_indexed: int  # new or changed events, (re)written by this build
    events_unchanged: int  # fingerprint unchanged: left as they were
    events_removed: int  # in the archive, but their folder (or index.json) is gone
    passages: int  # passages (sentence x language) written by this build


@dataclass(frozen=True)
class _Passage:
    """One segment of a `<lang>.json`, checked and converted before any write."""

    language: str
    is_original: bool
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


@dataclass(frozen=True)
class _Cue:
    language: str
    cue_id: str
    text: str
    start_ms: int
    end_ms: int
    recording_start_ms: int
    recording_end_ms: int


@dataclass
class _Session:
    index: int
    slug: str
    title: str
    speakers: tuple[str, ...]
    recording: str
    start_ms: int
    end_ms: int
    passages: list[_Passage] = field(default_factory=list)
    cues: list[_Cue] = field(default_factory=list)


@dataclass
class _Event:
    slug: str
    title: str
    date: str
    languages: tuple[str, ...]
    fingerprint: str
    sessions: list[_Session]


def _ms(seconds: Any) -> int:
    return int(round(float(seconds) * 1000))


def clean_text(text: Any) -> str:
    """NFC, one line, no control characters (the snippet markers \\x02 \\x03 included)."""
    text = unicodedata.normalize("NFC", str(text or ""))
    out = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(out.split())


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SearchError(f"{path}: missing (listed in the event's {INDEX_FILE})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"{path}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise SearchError(
            f"{path}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
        ) from None


def _track_paths(event_dir: Path, index: Mapping[str, Any]) -> list[tuple[Path, Any, str]]:
    """(path of <lang>.json, the session's index.json entry, language) for every track."""
    paths = []
    for session in index["sessions"]:
        for language in session["languages"]:
            paths.append((event_dir / session["slug"] / f"{language}.json", session, language))
    return paths


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


def _read_index(event_dir: Path) -> tuple[dict[str, Any], str]:
    path = event_dir / INDEX_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SearchError(f"{path}: cannot be read ({exc})") from None
    index = _load_json(path)
    try:
        if not isinstance(index["event"], dict) or not isinstance(index["sessions"], list):
            raise TypeError("'event' must be an object and 'sessions' a list")
        paths = [p for p, _, _ in _track_paths(event_dir, index)]
    except (KeyError, TypeError, AttributeError) as exc:
        raise SearchError(f"{path}: not a webconf event index ({_why(exc)})") from None
    return index, _fingerprint(raw, paths)


def _why(exc: Exception) -> str:
    return f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)


def _read_track(doc: Mapping[str, Any], language: str) -> tuple[list[_Passage], list[_Cue]]:
    if not isinstance(doc["segments"], list) or not isinstance(doc["cues"], list):
        raise TypeError("'segments' and 'cues' must be lists")
    passages = []
    for seg in doc["segments"]:
        text = clean_text(seg.get("text"))
        if not text:
            continue
        spoken = str(seg.get("language") or language)
        source = str(seg.get("source_language") or spoken)
        original = source == spoken
        passages.append(
            _Passage(
                language=language,
                is_original=original,
                source_language=source,
                source_text="" if original else clean_text(seg.get("source_text")),
                engine=str(seg.get("engine") or doc.get("engine") or ""),
                text=text,
                start_ms=_ms(seg["start"]),
                end_ms=_ms(seg["end"]),
                recording_start_ms=_ms(seg["recording_start"]),
                recording_end_ms=_ms(seg["recording_end"]),
                low_confidence=bool(seg.get("low_confidence")),
                reviewed=bool(seg.get("reviewed")),
            )
        )
    cues = [
        _Cue(
            language=language,
            cue_id=str(cue.get("id") or ""),
            text=clean_text(cue.get("text")),
            start_ms=_ms(cue["start"]),
            end_ms=_ms(cue["end"]),
            recording_start_ms=_ms(cue["recording_start"]),
            recording_end_ms=_ms(cue["recording_end"]),
        )
        for cue in doc["cues"]
    ]
    return passages, cues


def _read_event(event_dir: Path, index: dict[str, Any], fingerprint: str) -> _Event:
    """Every file of the event, read and checked; SearchError names the first bad one."""
    meta = index["event"]
    sessions: dict[int, _Session] = {}
    where = event_dir / INDEX_FILE
    try:
        for path, entry, language in _track_paths(event_dir, index):
            doc = _load_json(path)
            where = path
            info = doc["session"]
            number = int(entry["index"])
            session = sessions.get(number)
            if session is None:
                session = sessions[number] = _Session(
                    index=number,
                    slug=str(entry["slug"]),
                    title=clean_text(info.get("title", entry.get("title", ""))),
                    speakers=tuple(clean_text(s) for s in info.get("speakers") or ()),
                    recording=str(info.get("recording") or entry.get("recording") or ""),
                    start_ms=_ms(info.get("start", 0)),
                    end_ms=_ms(info.get("end", 0)),
                )
            passages, cues = _read_track(doc, str(doc.get("language") or language))
            session.passages.extend(passages)
            session.cues.extend(cues)
            where = event_dir / INDEX_FILE
        return _Event(
            slug=event_dir.name,
            title=clean_text(meta.get("title") or event_dir.name),
            date=str(meta.get("date") or ""),
            languages=tuple(str(x) for x in meta.get("languages") or ()),
            fingerprint=fingerprint,
            sessions=[sessions[i] for i in sorted(sessions)],
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise SearchError(f"{where}: not what `webconf run` writes ({_why(exc)})") from None


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
            " source_language, source_text, engine, text, start_ms, end_ms,"
            " recording_start_ms, recording_end_ms, low_confidence, reviewed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event_slug, session_id, key, p.language, p.is_original, p.source_language,
             p.source_text, p.engine, p.text, p.start_ms, p.end_ms, p.recording_start_ms,
             p.recording_end_ms, p.low_confidence, p.reviewed),
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


def event_dirs(outputs_dir: Path) -> list[Path]:
    """The event folders under outputs_dir: those holding index.json, by name."""
    return sorted(
        p for p in outputs_dir.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / INDEX_FILE).is_file()
    )  # fmt: skip


def build_index(outputs_dir: Path, db_path: Path | None = None) -> IndexStats:
    """Build or update the archive of every event under outputs_dir.

    db_path defaults to outputs_dir/archive.sqlite. One archive per outputs folder:
    events in the archive without a folder here are removed.
    """
    outputs_dir = Path(outputs_dir)
    if not outputs_dir.is_dir():
        raise SearchError(f"no outputs folder at {outputs_dir}")
    db_path = Path(db_path) if db_path is not None else outputs_dir / DEFAULT_DB_NAME
    folders = event_dirs(outputs_dir)
    conn = open_for_writing(db_path)
    try:
        known = dict(conn.execute("SELECT slug, fingerprint FROM events").fetchall())
        removed = sorted(set(known) - {f.name for f in folders})
        for slug in removed:
            with transaction(conn):
                _delete_event(conn, slug)
            log.info("removed %s from the archive", slug)
        indexed = unchanged = passages = 0
        for folder in folders:
            index, fingerprint = _read_index(folder)
            if known.get(folder.name) == fingerprint:
                unchanged += 1
                continue
            event = _read_event(folder, index, fingerprint)
            with transaction(conn):
                passages += _write_event(conn, event)
            indexed += 1
            log.info("indexed %s", folder.name)
    finally:
        conn.close()
    return IndexStats(indexed, unchanged, len(removed), passages)
