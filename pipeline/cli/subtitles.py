"""Command-line registration of `webconf check` and `webconf correct`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.options import subtitle_profile_option
from pipeline.errors import PipelineError
from pipeline.languages import LANGUAGES

EXIT_USER_ERROR = 2


def _cmd_correct(args: argparse.Namespace) -> int:
    from pipeline.agenda.manifest import load_manifest
    from pipeline.corrections import find_session, save_correction

    event = load_manifest(args.event)
    session = find_session(event, args.session)
    dest = save_correction(event, session, args.language, Path(args.file))
    print(
        f"saved {dest}: session {session.index} ({session.title}), {args.language}; "
        f"the next `webconf run {args.event}` keeps these cues as written"
    )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from pipeline.subtitles.check import check_file
    from pipeline.subtitles.profiles import get_profile

    profile = get_profile(args.subtitle_profile)
    unreadable = broken = 0
    for file in args.files:
        try:
            report = check_file(Path(file), profile, language=args.language)
        except PipelineError as exc:
            print(f"webconf: error: {exc}", file=sys.stderr)
            unreadable += 1
            continue
        print("\n".join(report.render()))
        broken += not report.ok
    if unreadable:
        return EXIT_USER_ERROR
    return 1 if broken else 0


def register(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser(
        "check",
        help="lint subtitle files (VTT, SRT) against a subtitle profile",
        description="Check WebVTT/SubRip files against a subtitle profile: line length, "
        "lines per cue, duration, reading speed and the gap between cues. Prints, per "
        "file, the share of conforming cues and every violation with its time. Exit "
        "status: 0 when every file conforms, 1 when a file breaks the profile, 2 when a "
        "file cannot be read.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help=".vtt or .srt files")
    subtitle_profile_option(check)
    check.add_argument(
        "--language",
        choices=LANGUAGES,
        help="language for the reading-speed limit (default: from the file's "
        "'Language:' header or its name, e.g. fr.vtt; else the profile's default)",
    )
    check.set_defaults(func=_cmd_check)

    correct = sub.add_parser(
        "correct",
        help="save a corrected VTT/SRT of one session and language",
        description="Save a corrected subtitle file (VTT or SRT, timed from the session "
        "start, as the pipeline writes them) under corrections/ beside the manifest. The "
        "next `webconf run` keeps every corrected cue as written, marks it human-reviewed, "
        "translates again only the sentences whose text changed, and never overwrites it.",
    )
    correct.add_argument("session", metavar="SESSION", help="session number (1, 2, ...) or slug")
    correct.add_argument("language", metavar="LANG", choices=LANGUAGES, help="en, fr or es")
    correct.add_argument("file", metavar="FILE", help="the corrected .vtt or .srt")
    correct.add_argument(
        "--event", required=True, metavar="EVENT.toml", help="the event's manifest"
    )
    correct.set_defaults(func=_cmd_correct)
