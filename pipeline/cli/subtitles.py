"""Command-line registration of `webconf check`, `webconf correct` and `webconf translate`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.options import subtitle_profile_option
from pipeline.errors import PipelineError
from pipeline.languages import LANGUAGES

EXIT_USER_ERROR = 2


def _cmd_correct(args: argparse.Namespace) -> int:
    from pipeline.run.correct import correct

    taken, notes = correct(args.event, args.session, args.language, Path(args.file), args.out)
    for note in notes:
        print(f"webconf: warning: {note}", file=sys.stderr)
    for t in taken:
        print(
            f"saved {t.path}: session {t.session.index} ({t.session.title}), {args.language}, "
            f"{t.cues} cues of which {t.reviewed} changed by you"
        )
    if not taken:
        print("nothing saved: every cue is as published")
    else:
        print(f"the next `webconf run {args.event}` applies it")
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


def _cmd_translate(args: argparse.Namespace) -> int:
    from pipeline.agenda.manifest import load_glossary
    from pipeline.run.translate_files import translate_files

    targets = [t.strip() for t in args.to.split(",") if t.strip()]
    glossary = load_glossary(Path(args.glossary), LANGUAGES) if args.glossary else ()
    written = translate_files(
        [Path(f) for f in args.files], targets, source=args.source,
        profile=args.subtitle_profile, out_dir=args.out, mt=args.mt, glossary=glossary,
    )  # fmt: skip
    for path in written:
        print(f"wrote {path}")
    return 0


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
        description="Check and save a corrected subtitle file of one session and language "
        "under corrections/ beside the manifest: the session's own file (NN-session/LANG.vtt "
        "or .srt, session time) or the recording's full track (STEM.LANG.vtt, recording "
        "time, split into its sessions). The next `webconf run` writes the corrected cues "
        "as they are, marks the changed ones reviewed, and translates again only the "
        "sentences whose text changed.",
    )
    correct.add_argument("session", metavar="SESSION", help="session number (1, 2, ...) or slug")
    correct.add_argument("language", metavar="LANG", choices=LANGUAGES, help="en, fr or es")
    correct.add_argument("file", metavar="FILE", help="the corrected .vtt or .srt")
    correct.add_argument(
        "--event", required=True, metavar="EVENT.toml", help="the event's manifest"
    )
    correct.add_argument(
        "--out",
        default="outputs",
        metavar="DIR",
        help="where the event was published (default: outputs/), to tell which cues you changed",
    )
    correct.set_defaults(func=_cmd_correct)

    translate = sub.add_parser(
        "translate",
        help="translate subtitles (VTT, SRT) or text made elsewhere",
        description="Translate existing subtitles or plain text (one sentence or paragraph "
        "per line) into other languages with the engines, glossary and subtitle profile of "
        "`webconf run`: cues are joined into whole sentences, translated, and cut into "
        "cues again. Writes NAME.LANG.vtt|srt|txt beside each file (or in --out). Every "
        "file is checked before anything is translated.",
    )
    translate.add_argument("files", nargs="+", metavar="FILE", help=".vtt, .srt or .txt files")
    translate.add_argument(
        "--to", required=True, metavar="LANGS", help="languages to write, e.g. fr,es"
    )
    translate.add_argument(
        "--from",
        dest="source",
        metavar="LANG",
        help="the files' language (default: their 'Language:' header or name, e.g. "
        "talk.en.srt, else told from their words)",
    )
    translate.add_argument("--out", metavar="DIR", help="write here (default: beside each file)")
    translate.add_argument(
        "--mt",
        default="auto",
        metavar="MODE",
        help="auto (default), argos or apertium, as for `webconf run`",
    )
    translate.add_argument(
        "--glossary",
        metavar="FILE.toml",
        help="a [glossary] table (keep = [...], [glossary.terms]); an event manifest works",
    )
    subtitle_profile_option(translate)
    translate.set_defaults(func=_cmd_translate)
