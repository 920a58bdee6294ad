"""Command-line registration of `webconf index` and `webconf search`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.archive import Hit

EXIT_NO_RESULTS = 1
BOLD, RESET = "\x1b[1m", "\x1b[0m"

QUERY_HELP = (
    'words (all must match), "a phrase", prefix* , a OR b, -word or NOT word to exclude; '
    "case and accents do not matter (teletravail finds télétravail). "
    "A query starting with - goes after --: webconf search -- '-x y'"
)


def _db_path(db: str | None, outputs: str) -> Path:
    from pipeline.archive import DEFAULT_DB_NAME

    return Path(db) if db else Path(outputs) / DEFAULT_DB_NAME


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _cmd_index(args: argparse.Namespace) -> int:
    from pipeline.archive import build_index

    db = _db_path(args.db, args.outputs)
    stats = build_index(Path(args.outputs), db)
    print(
        f"indexed {_plural(stats.events_indexed, 'event')} "
        f"({_plural(stats.passages, 'passage')}), {stats.events_unchanged} unchanged, "
        f"{stats.events_removed} removed -> {db}"
    )
    return 0


def _highlighter(tty: bool) -> Callable[[str], str]:
    from pipeline.archive import MARK_END, MARK_START

    start, end = (BOLD, RESET) if tty else ("[", "]")
    return lambda text: text.replace(MARK_START, start).replace(MARK_END, end)


def _where(args: argparse.Namespace) -> tuple[Path, Path]:
    """(outputs folder, archive): as given (`--db`, `--outputs`), else the outputs
    folder holding the working directory (searched upwards), else ./outputs."""
    from pipeline.archive import find_outputs

    if args.db:
        outputs = Path(args.outputs) if args.outputs else Path(args.db).parent
    elif args.outputs:
        outputs = Path(args.outputs)
    else:
        found = find_outputs(Path.cwd())
        outputs = Path(os.path.relpath(found)) if found else Path("outputs")
    return outputs, _db_path(args.db, str(outputs))


def render_hit(
    number: int, hit: Hit, outputs: str | Path, *, tty: bool = False, base_url: str | None = None
) -> list[str]:
    """The lines `webconf search` prints for one hit."""
    from pipeline.archive import hit_link
    from pipeline.timecode import format_clock

    title = f"{number}. {hit.event_title} > {hit.session_index}. {hit.session_title}"
    if hit.speakers:
        title += f" ({', '.join(hit.speakers)})"
    said = f"{hit.speaker}, " if hit.speaker else ""
    lines = [
        title,
        f"   [{format_clock(hit.recording_start_ms)}] {said}{hit.language} ({hit.label()}): "
        f"{_highlighter(tty)(hit.snippet)}",
    ]
    others = dict(hit.translations)
    if not hit.is_original:
        others.pop(hit.original_language, None)
        original = hit.label(hit.original_language)
        lines.append(f"      {hit.original_language} ({original}): {hit.original_text}")
    for language in sorted(others):
        lines.append(f"      {language} ({hit.label(language)}): {others[language]}")
    lines.append(f"   {hit_link(outputs, hit, base_url)}")
    return lines


def _cmd_search(args: argparse.Namespace) -> int:
    from pipeline.archive import hit_link, search

    outputs, db = _where(args)
    hits = search(
        db,
        args.query,
        language=args.lang,
        event=args.event,
        limit=args.limit,
        speaker=args.speaker,
    )
    if args.json:
        data = [dict(h.to_dict(), link=hit_link(outputs, h, args.base_url)) for h in hits]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0 if hits else EXIT_NO_RESULTS
    if not hits:
        print(f"no passage matches {args.query!r}")
        return EXIT_NO_RESULTS
    tty = sys.stdout.isatty()
    print(f"{_plural(len(hits), 'passage')} matching {args.query!r}, best first:")
    for number, hit in enumerate(hits, 1):
        print()
        print("\n".join(render_hit(number, hit, outputs, tty=tty, base_url=args.base_url)))
    return 0


def _limit(text: str) -> int:
    from pipeline.archive.search import MAX_LIMIT

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_LIMIT}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `webconf` parser."""
    from pipeline.archive import DEFAULT_DB_NAME
    from pipeline.languages import LANGUAGES

    index = sub.add_parser(
        "index",
        help="build or update the search archive of an outputs folder",
        description="Index every cue's sentence of every event under OUTPUTS_DIR, in every "
        f"language, into an SQLite FTS5 archive (OUTPUTS_DIR/{DEFAULT_DB_NAME}). Only new "
        "or changed events are indexed again; events whose folder is gone are removed.",
    )
    index.add_argument(
        "outputs",
        nargs="?",
        default="outputs",
        metavar="OUTPUTS_DIR",
        help="the folder `webconf run --out` wrote (default: outputs)",
    )
    index.add_argument(
        "--db", metavar="PATH", help=f"archive file (default: OUTPUTS_DIR/{DEFAULT_DB_NAME})"
    )
    index.set_defaults(func=_cmd_index)

    search = sub.add_parser(
        "search",
        help="search the archive in every language",
        description="Search every passage of every indexed event, in every language. Each "
        "result shows where it was said (recording time), the matching version with the "
        "matches highlighted, what was said originally and its translations, and a link to "
        "the session's replay page at that time. Exit status: 0 with results, 1 without, "
        "2 on an error (bad query, no archive).",
    )
    search.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    search.add_argument(
        "--lang", choices=LANGUAGES, help="only match the versions in this language"
    )
    search.add_argument("--event", metavar="EVENT", help="only this event (its folder name)")
    search.add_argument(
        "--speaker",
        metavar="NAME",
        help="only what this speaker said (their name as the transcripts give it, "
        "e.g. 'Jens Wretling' or 'Speaker 2'; any case)",
    )
    search.add_argument(
        "--limit", type=_limit, default=20, metavar="N", help="at most N results (default: 20)"
    )
    search.add_argument("--json", action="store_true", help="print the results as a JSON list")
    search.add_argument(
        "--db", metavar="PATH", help=f"archive file (default: OUTPUTS_DIR/{DEFAULT_DB_NAME})"
    )
    search.add_argument(
        "--outputs",
        metavar="DIR",
        help="the outputs folder: where the archive and the replay pages are (default: the "
        "one this folder is in, else outputs/)",
    )
    search.add_argument(
        "--base-url",
        metavar="URL",
        help="link each result to `webconf serve` at URL (e.g. http://127.0.0.1:8000) "
        "instead of the files: the replay page at the passage's second",
    )
    search.set_defaults(func=_cmd_search)
