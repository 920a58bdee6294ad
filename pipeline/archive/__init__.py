"""The search archive: every passage of every event, in every language, in SQLite FTS5.

`build_index(outputs_dir)` writes (or updates, event by event) OUTPUTS_DIR/archive.sqlite;
`search(db_path, query)` returns ranked `Hit`s, each with the passage's original text,
its translations and its time in the recording. See README.md, "Search the archive".

- `store`: the schema and transactions;
- `indexer`: the events, read through pipeline.outputs.read, written into the archive;
- `query`: the user's query syntax, turned into a safe FTS5 expression;
- `search`: the ranked query and the assembling of each passage's versions.
"""

from __future__ import annotations

from pipeline.archive.indexer import DEFAULT_DB_NAME, IndexStats, build_index
from pipeline.archive.query import MAX_QUERY_CHARS, MAX_TERMS, to_fts
from pipeline.archive.search import (
    MARK_END,
    MARK_START,
    Hit,
    find_outputs,
    format_seconds,
    hit_link,
    replay_link,
    search,
)

__all__ = [
    "DEFAULT_DB_NAME",
    "MARK_END",
    "MARK_START",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "Hit",
    "IndexStats",
    "build_index",
    "format_seconds",
    "find_outputs",
    "hit_link",
    "replay_link",
    "search",
    "to_fts",
]
