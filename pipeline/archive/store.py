"""The archive's SQLite file: schema, opening, one transaction per event.

Tables (times in integer milliseconds):

- `events`: one row per event folder (`slug` = folder name), its title, date and the
  fingerprint of its files when it was indexed;
- `sessions`: event, index, slug, title, speakers (JSON list), recording, start/end;
- `passages`: one segment (sentence) of a session in one language: `text`, `language`,
  `is_original` (what was said in that language: recognised, or written by a person),
  `origin` (who made the text: original, interpretation, speech-translation, machine,
  person), `source_language`, `source_text`, `engine`, session time `start_ms`/`end_ms`,
  recording time `recording_start_ms`/`recording_end_ms`, `speaker` (who said it, ''
  when not known), and `passage_key` =
  `event/session/recording_start_ms` of the spoken sentence, shared by all its language
  versions;
- `passages_fts`: FTS5 index of `passages.text` (rowid = passages.id), tokenizer
  `unicode61 remove_diacritics 2`: case- and accent-insensitive;
- `cues`: every subtitle cue of every language, with its times and the `passage_key`
  of the sentence it belongs to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import SearchError

SCHEMA_VERSION = 3  # 2: passages.origin; 3: passages.speaker

SCHEMA = """
CREATE TABLE events (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    languages TEXT NOT NULL,
    fingerprint TEXT NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    event TEXT NOT NULL REFERENCES events(slug),
    idx INTEGER NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    speakers TEXT NOT NULL,
    recording TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    UNIQUE (event, idx)
);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    event TEXT NOT NULL,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    passage_key TEXT NOT NULL,
    language TEXT NOT NULL,
    is_original INTEGER NOT NULL,
    origin TEXT NOT NULL,
    source_language TEXT NOT NULL,
    source_text TEXT NOT NULL,
    engine TEXT NOT NULL,
    text TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    recording_start_ms INTEGER NOT NULL,
    recording_end_ms INTEGER NOT NULL,
    low_confidence INTEGER NOT NULL,
    reviewed INTEGER NOT NULL,
    speaker TEXT NOT NULL
);
CREATE INDEX passages_by_key ON passages (passage_key, language);
CREATE INDEX passages_by_event ON passages (event);
CREATE VIRTUAL TABLE passages_fts USING fts5 (
    text, tokenize = "unicode61 remove_diacritics 2", prefix = '2 3'
);
CREATE TABLE cues (
    id INTEGER PRIMARY KEY,
    event TEXT NOT NULL,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    language TEXT NOT NULL,
    cue_id TEXT NOT NULL,
    passage_key TEXT,
    text TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    recording_start_ms INTEGER NOT NULL,
    recording_end_ms INTEGER NOT NULL
);
CREATE INDEX cues_by_event ON cues (event);
"""

_TABLES = ("cues", "passages_fts", "passages", "sessions", "events")


def _connect(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def _version(conn: sqlite3.Connection, db_path: Path) -> int:
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise SearchError(f"{db_path} is not a webconf archive ({exc})") from None


def _prepare(conn: sqlite3.Connection, db_path: Path) -> None:
    """Create the schema in an empty file, rebuild an archive of another version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if names and not names & set(_TABLES):
        raise SearchError(
            f"{db_path} is an SQLite file but not a webconf archive; give another --db path"
        )
    for table in _TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def open_for_writing(db_path: Path) -> sqlite3.Connection:
    """Open the archive, creating it (or, after a schema change, rebuilding it) if needed."""
    db_path = Path(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(db_path)
    except (OSError, sqlite3.Error) as exc:
        raise SearchError(f"cannot open the archive {db_path} ({exc})") from None
    try:
        with transaction(conn):  # one writer at a time decides and creates the schema
            _prepare(conn, db_path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise SearchError(f"{db_path} is not a webconf archive ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def open_for_reading(db_path: Path) -> sqlite3.Connection:
    """Open an existing archive read-only; SearchError if it is missing or not ours."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise SearchError(f"no archive at {db_path}; run `webconf index {db_path.parent}` first")
    try:
        conn = _connect(db_path)
        conn.execute("PRAGMA query_only = 1")
    except sqlite3.Error as exc:
        raise SearchError(f"cannot open the archive {db_path} ({exc})") from None
    version = _version(conn, db_path)
    if version != SCHEMA_VERSION:
        conn.close()
        raise SearchError(
            f"{db_path} is not an archive this version can read; "
            f"run `webconf index {db_path.parent}` to rebuild it"
        )
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All or nothing: an interrupted update leaves the archive as it was."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
