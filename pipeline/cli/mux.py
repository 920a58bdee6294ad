"""Command-line registration of `webconf mux`."""

from __future__ import annotations

import argparse
from pathlib import Path

FORMAT_CHOICES = ("mp4", "mkv", "both")


def _cmd_mux(args: argparse.Namespace) -> int:
    from pipeline.mux.session import (
        FORMATS,
        find_session,
        mux_session,
        session_outputs,
        session_slugs,
    )

    event_dir = Path(args.event_dir)
    formats = FORMATS if args.format == "both" else (args.format,)
    if args.session is not None:
        slugs = [find_session(event_dir, args.session)]
    else:
        slugs = session_slugs(event_dir)
    for slug in slugs:
        written = mux_session(event_dir, slug, formats)
        for path in session_outputs(event_dir, slug, formats):
            print(f"wrote {path}" if path in written else f"up to date: {path}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `webconf` parser."""
    mux = sub.add_parser(
        "mux",
        help="write each session as MP4/MKV with one subtitle stream per language",
        description="Cut each session out of the event's published recording and write "
        "NN-slug/session.mp4 (mov_text subtitles) and/or NN-slug/session.mkv (SubRip "
        "subtitles), one subtitle stream per language, tagged eng/fra/spa and titled "
        "original, interpretation or machine translation; the first is the default. Each "
        "interpreter channel (session.<lang>.m4a) is an audio stream of its own after the "
        "floor, tagged with its language and titled e.g. 'Español (interpretation)'; the "
        "floor stays the first and default audio stream. Without the recording, the "
        "session's audio (session.m4a) is used. Files newer than their inputs are left "
        "alone. Prints each file and whether it was written.",
    )
    mux.add_argument(
        "event_dir",
        metavar="OUTPUTS_EVENT_DIR",
        help="an event's output folder, e.g. outputs/2026-11-28-my-event/ (holds index.json)",
    )
    mux.add_argument(
        "--session",
        metavar="NN|SLUG",
        help="only this session: its number (1, 02, ...) or folder name (default: all)",
    )
    mux.add_argument(
        "--format",
        choices=FORMAT_CHOICES,
        default="both",
        help="container to write (default: both)",
    )
    mux.set_defaults(func=_cmd_mux)
