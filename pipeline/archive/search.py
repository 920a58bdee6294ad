"""`search`: ranked passages for a user's query, each with all its language versions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from pipeline.archive.query import to_fts
from pipeline.archive.store import open_for_reading
from pipeline.errors import SearchError
from pipeline.outputs.layout import ARCHIVE_DB as DEFAULT_DB_NAME
from pipeline.timecode import seconds_fragment
from pipeline.writers.provenance import INTERPRETER, engine_name

MAX_LIMIT = 1000
MARK_START, MARK_END = "\x02", "\x03"  # around each match in Hit.snippet
SNIPPET_TOKENS = 40

# How results word who made a version (its `origin`): what was said, a machine (an MT
# engine, or Whisper's own speech translation), a person, or an interpreter.
ORIGIN_LABELS = {
    "original": "original",
    "machine": "machine translation",
    "speech-translation": "machine translation",
    "person": "written by a person",
    "interpretation": "interpretation",
}
# ... and in full, naming who or what made it (`Hit.description`).
ORIGIN_DESCRIPTIONS = {
    "original": "original speech",
    "machine": "machine translation",
    "speech-translation": "machine translation (Whisper speech translation)",
    "person": "written by a person",
    "interpretation": INTERPRETER,
}


def describe(origin: str, engine: str = "") -> str:
    """'interpretation (human interpreter, transcribed by Whisper)', 'machine translation
    (apertium en→es→fr)', 'original speech', 'written by a person'."""
    words = ORIGIN_DESCRIPTIONS.get(origin, origin)
    if origin == "machine" and engine.strip():
        plain = " ".join(engine.replace("(", " ").replace(")", " ").split())
        words = f"{words} ({engine_name(plain)})"
    return words


@dataclass(frozen=True)
class Hit:
    """One passage (a sentence of a session) that matches, in the version that matched.

    `translations` holds the same passage in every other language of the archive than
    `language` (the original's language included when the match is a translation).
    `rank`: higher is better (the negated FTS5 bm25 score); hits come best first.
    """

    event_slug: str  # the event's folder under OUTPUTS_DIR
    event_title: str
    event_date: str  # YYYY-MM-DD, or "" when the event has no date
    session_index: int
    session_slug: str
    session_title: str
    speakers: tuple[str, ...]
    language: str  # language of the matching version
    is_original: bool  # spoken (True) or machine-translated (False)
    text: str  # the matching passage, plain text
    snippet: str  # plain text, each match wrapped in MARK_START ... MARK_END
    start_ms: int  # session time
    end_ms: int
    recording: str  # the recording's file name
    recording_start_ms: int
    recording_end_ms: int
    original_language: str
    original_text: str
    translations: Mapping[str, str] = field(hash=False)
    rank: float
    origin: str = "original"  # who made the matching version (pipeline.types.ORIGINS)
    origins: Mapping[str, str] = field(default_factory=dict, hash=False)  # of translations
    engine: str = ""  # what made the matching version ("apertium", "whisper (interpretation)")
    engines: Mapping[str, str] = field(default_factory=dict, hash=False)  # of translations
    speaker: str = ""  # who said the passage ("" when not known)

    def label(self, language: str | None = None) -> str:
        """Who made the version in `language` (default: the matching one), as results
        word it: 'original', 'machine translation', 'written by a person', ..."""
        if language is None or language == self.language:
            origin = self.origin
        else:
            spoken = language == self.original_language
            origin = self.origins.get(language, "original" if spoken else "machine")
        return ORIGIN_LABELS.get(origin, origin)

    def description(self, language: str | None = None) -> str:
        """Who made the version in `language` (default: the matching one), in full:
        'interpretation (human interpreter, transcribed by Whisper)', 'machine
        translation (apertium)', 'original speech', 'written by a person'."""
        if language is None or language == self.language:
            return describe(self.origin, self.engine)
        spoken = language == self.original_language
        origin = self.origins.get(language, "original" if spoken else "machine")
        return describe(origin, self.engines.get(language, ""))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: lists for tuples, a plain dict for translations."""
        data = asdict(self)
        data["speakers"] = list(self.speakers)
        data["translations"] = dict(self.translations)
        data["origins"] = dict(self.origins)
        data["engines"] = dict(self.engines)
        return data


def replay_link(outputs_dir: Path | str, hit: Hit) -> str:
    """The static replay page of the hit's session, at the passage's recording time."""
    page = PurePath(outputs_dir) / hit.event_slug / hit.session_slug / "replay.html"
    return f"{page.as_posix()}#t={format_seconds(hit.recording_start_ms)}"


def hit_link(outputs_dir: Path | str, hit: Hit, base_url: str | None = None) -> str:
    """A link to the passage that exists: the `webconf serve` page at its second with
    `base_url`, else the static replay page at its second when `webconf site` wrote
    it, else the session's transcript in the passage's language."""
    seconds = format_seconds(hit.recording_start_ms)
    if base_url:
        event, session = quote(hit.event_slug), quote(hit.session_slug)
        return f"{base_url.rstrip('/')}/e/{event}/{session}#t={seconds}"
    replay = replay_link(outputs_dir, hit)
    if (Path(outputs_dir) / hit.event_slug / hit.session_slug / "replay.html").is_file():
        return replay
    page = PurePath(outputs_dir) / hit.event_slug / hit.session_slug / f"{hit.language}.html"
    return page.as_posix()


def find_outputs(start: Path) -> Path | None:
    """The outputs folder whose archive serves `start`: `start/outputs`, `start`, or
    the nearest folder above it that holds an archive (searching from inside an
    outputs tree)."""
    start = start.resolve()
    for folder in (start / "outputs", start, *start.parents):
        if (folder / DEFAULT_DB_NAME).is_file():
            return folder
    return None


def format_seconds(ms: int) -> str:
    """Milliseconds as seconds for a media fragment: 12488 -> 12.488, 120000 -> 120."""
    return seconds_fragment(ms)  # as the replay pages write their times


_SEARCH = f"""
WITH matches AS (
    SELECT p.id AS id, p.passage_key AS passage_key, p.is_original AS is_original,
           bm25(passages_fts) AS score,
           snippet(passages_fts, 0, char(2), char(3), '…', {SNIPPET_TOKENS}) AS snippet
    FROM passages_fts JOIN passages AS p ON p.id = passages_fts.rowid
    WHERE passages_fts MATCH :expr
      AND (:language IS NULL OR p.language = :language)
      AND (:event IS NULL OR p.event = :event)
      AND (:speaker IS NULL OR p.speaker = :speaker COLLATE NOCASE)
), best AS (
    SELECT *,
           row_number() OVER (
               PARTITION BY passage_key ORDER BY is_original DESC, score, id) AS n,
           min(score) OVER (PARTITION BY passage_key) AS passage_score
    FROM matches
)
SELECT best.passage_score AS score, best.snippet, p.passage_key, p.language, p.is_original,
       p.origin, p.engine, p.text,
       p.source_language, p.source_text, p.start_ms, p.end_ms,
       p.recording_start_ms, p.recording_end_ms, p.speaker,
       s.idx, s.slug AS session_slug, s.title AS session_title, s.speakers, s.recording,
       e.slug AS event_slug, e.title AS event_title, e.date AS event_date
FROM best
JOIN passages AS p ON p.id = best.id
JOIN sessions AS s ON s.id = p.session_id
JOIN events AS e ON e.slug = p.event
WHERE best.n = 1
ORDER BY best.passage_score, e.date DESC, e.slug, s.idx, p.recording_start_ms, p.language
LIMIT :limit
"""


def _check_event(conn: sqlite3.Connection, event: str) -> str:
    slug = PurePath(event).name if "/" in event else event  # outputs/<event>/ works too
    if conn.execute("SELECT 1 FROM events WHERE slug = ?", (slug,)).fetchone():
        return slug
    slugs = [r[0] for r in conn.execute("SELECT slug FROM events ORDER BY slug LIMIT 6")]
    known = ", ".join(slugs[:5]) + (", ..." if len(slugs) > 5 else "") if slugs else "none"
    raise SearchError(f"no event '{event}' in the archive (events: {known})")


def _check_speaker(conn: sqlite3.Connection, speaker: str, event: str | None) -> None:
    """A speaker no passage names is a mistyped name, not a search without results."""
    where = "speaker != ''" + (" AND event = ?" if event else "")
    args = (event,) if event else ()
    names = [r[0] for r in conn.execute(
        f"SELECT DISTINCT speaker FROM passages WHERE {where} ORDER BY speaker", args
    )]  # fmt: skip
    if any(n.casefold() == speaker.casefold() for n in names):
        return
    known = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "") if names else "none"
    raise SearchError(f"no speaker '{speaker}' in the archive (speakers: {known})")


def _versions(conn: sqlite3.Connection, keys: list[str]) -> dict[str, list[sqlite3.Row]]:
    marks = ", ".join("?" * len(keys))
    rows = conn.execute(
        "SELECT passage_key, language, is_original, origin, engine, text FROM passages"
        f" WHERE passage_key IN ({marks}) ORDER BY recording_start_ms, id",
        keys,
    ).fetchall()
    table: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        table.setdefault(row["passage_key"], []).append(row)
    return table


def _hit(row: sqlite3.Row, versions: list[sqlite3.Row]) -> Hit:
    language = row["language"]
    by_language: dict[str, list[str]] = {}
    origins: dict[str, str] = {}
    engines: dict[str, str] = {}
    originals: dict[str, list[str]] = {}
    for version in versions:
        by_language.setdefault(version["language"], []).append(version["text"])
        origins.setdefault(version["language"], version["origin"])
        engines.setdefault(version["language"], version["engine"])
        if version["is_original"]:
            originals.setdefault(version["language"], []).append(version["text"])
    if row["is_original"]:
        original_language, original_text = language, row["text"]
    elif originals:
        original_language = next(iter(originals))
        original_text = " ".join(originals[original_language])
    else:  # the spoken version is not in the archive: the translation's own source
        original_language, original_text = row["source_language"], row["source_text"]
    return Hit(
        event_slug=row["event_slug"],
        event_title=row["event_title"],
        event_date=row["event_date"],
        session_index=row["idx"],
        session_slug=row["session_slug"],
        session_title=row["session_title"],
        speakers=tuple(json.loads(row["speakers"])),
        language=language,
        is_original=bool(row["is_original"]),
        text=row["text"],
        snippet=row["snippet"],
        start_ms=row["start_ms"],
        end_ms=row["end_ms"],
        recording=row["recording"],
        recording_start_ms=row["recording_start_ms"],
        recording_end_ms=row["recording_end_ms"],
        original_language=original_language,
        original_text=original_text,
        translations={
            lang: " ".join(texts) for lang, texts in by_language.items() if lang != language
        },
        rank=-float(row["score"]),
        origin=row["origin"],
        origins={lang: origin for lang, origin in origins.items() if lang != language},
        engine=row["engine"],
        engines={lang: engine for lang, engine in engines.items() if lang != language},
        speaker=row["speaker"],
    )


def search(
    db_path: Path,
    query: str,
    *,
    language: str | None = None,
    event: str | None = None,
    limit: int = 20,
    speaker: str | None = None,
) -> list[Hit]:
    """Passages matching query, best first, one hit per passage.

    A passage matching in several languages is one hit: its spoken version when that
    matches, else its best-matching translation; ranked by its best-matching version.

    language: only match versions in this language (en, fr, es); event: only this
    event (its folder name); speaker: only passages said by this speaker (their name
    as the transcripts give it, any case); None or "" = no filter. The query syntax is
    pipeline.archive.query's; a query that cannot be read, a missing archive or an
    unknown event raise SearchError.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    expr = to_fts(query)
    language, event = language or None, event or None  # "" = no filter, as None
    speaker = " ".join(speaker.split()) if speaker else None
    conn = open_for_reading(Path(db_path))
    try:
        slug = _check_event(conn, event) if event is not None else None
        if speaker is not None:
            _check_speaker(conn, speaker, slug)
        params = {
            "expr": expr,
            "language": language,
            "event": slug,
            "limit": limit,
            "speaker": speaker,
        }
        rows = conn.execute(_SEARCH, params).fetchall()
        versions = _versions(conn, [r["passage_key"] for r in rows]) if rows else {}
    except sqlite3.Error as exc:
        raise SearchError(f"search in {db_path} failed ({exc}); try simpler words") from None
    finally:
        conn.close()
    return [_hit(row, versions.get(row["passage_key"], [])) for row in rows]
