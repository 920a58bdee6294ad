"""Command line: a thin layer over the library API.

Library errors (PipelineError) are caught once here and printed as one line;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipeline.errors import PipelineError

EXIT_USER_ERROR = 2


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.profiles import get_profile
    from pipeline.run import RunOptions, run_event

    options = RunOptions(
        model=args.model,
        mt=args.mt,
        profile=get_profile(args.subtitle_profile),
        export_audio=not args.no_audio,
        use_cache=not args.no_cache,
        show_progress=False if args.quiet else None,
        note_low_confidence=args.note_low_confidence,
    )
    result = run_event(args.manifest, args.out, options)
    sessions = len({t.session.index for t in result.tracks})
    print(
        f"{result.event.title}: {sessions} sessions x {len(result.event.languages)} languages "
        f"written to {result.event_dir}/ (open {result.event_dir / 'index.html'})"
    )
    return 0


def _cmd_correct(args: argparse.Namespace) -> int:
    from pipeline.corrections import find_session, save_correction
    from pipeline.manifest import load_manifest

    event = load_manifest(args.event)
    session = find_session(event, args.session)
    dest = save_correction(event, session, args.language, Path(args.file))
    print(
        f"saved {dest}: session {session.index} ({session.title}), {args.language}; "
        f"the next `webconf run {args.event}` keeps these cues as written"
    )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from pipeline.check import check_file
    from pipeline.profiles import get_profile

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


def _subtitle_profile_option(parser: argparse.ArgumentParser) -> None:
    from pipeline.profiles import PROFILES

    parser.add_argument(
        "--subtitle-profile",
        default="default",
        choices=list(PROFILES),
        metavar="NAME",
        help=f"subtitle norms, one of: {', '.join(PROFILES)} (default: default; "
        "README.md, 'Subtitle profiles', gives their numbers)",
    )


def _cmd_models_add(args: argparse.Namespace) -> int:
    from pipeline.models import models_dir
    from pipeline.translate import install_argos_package

    info = install_argos_package(Path(args.file), models_dir())
    print(
        f"installed argos package {info.name} ({info.from_code}->{info.to_code}, "
        f"version {info.version})"
    )
    return 0


def _cmd_models_list(args: argparse.Namespace) -> int:
    from pipeline.errors import ModelMissingError
    from pipeline.models import WHISPER_MODELS, models_dir, whisper_model
    from pipeline.translate import list_argos_packages

    root = models_dir()
    print(f"models directory: {root}")
    for name in WHISPER_MODELS:
        try:
            info = whisper_model(name, root)
            print(f"whisper {name}: {info.path}")
        except ModelMissingError:
            print(f"whisper {name}: not installed (run `make models`)")
    for pkg in list_argos_packages(root):
        print(f"argos {pkg.from_code}->{pkg.to_code}: {pkg.name} {pkg.version}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from pipeline.models import DEFAULT_WHISPER_MODEL, WHISPER_MODELS
    from pipeline.translate import MT_MODES
    from pipeline.types import LANGUAGES

    parser = argparse.ArgumentParser(
        prog="webconf",
        description="Offline subtitles and transcripts for webconference recordings.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="transcribe, translate and write one event",
        description="Run the pipeline on an event manifest (TOML).",
    )
    run.add_argument("manifest", metavar="EVENT.toml", help="the event manifest")
    run.add_argument(
        "--out", default="outputs", metavar="DIR", help="output folder (default: outputs/)"
    )
    run.add_argument(
        "--model",
        default=DEFAULT_WHISPER_MODEL,
        choices=WHISPER_MODELS,
        help=f"Whisper model (default: {DEFAULT_WHISPER_MODEL})",
    )
    run.add_argument(
        "--mt",
        default="auto",
        choices=MT_MODES,
        help="translation engine: auto = argos where a package is installed, "
        "else apertium; whisper = Whisper speech translation into English",
    )
    run.add_argument(
        "--no-audio", action="store_true", help="do not write each session's audio file"
    )
    run.add_argument(
        "--no-cache",
        action="store_true",
        help="recompute every stage instead of resuming from the cache",
    )
    _subtitle_profile_option(run)
    run.add_argument(
        "--note-low-confidence",
        action="store_true",
        help="write a NOTE before each low-confidence cue in the VTT files",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    run.set_defaults(func=_cmd_run)

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
    _subtitle_profile_option(check)
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

    # Archive, replay and media commands live beside the code they drive.
    from pipeline import cli_archive, cli_mux, cli_web

    for module in (cli_archive, cli_web, cli_mux):
        module.register(sub)

    models = sub.add_parser(
        "models",
        help="list or add models",
        description="Manage the models in models/ (or $WEBCONF_MODELS_DIR).",
    )
    msub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    add = msub.add_parser(
        "add",
        help="install an Argos Translate .argosmodel file",
        description="Install an Argos Translate package from a local file.",
    )
    add.add_argument("file", metavar="FILE.argosmodel")
    add.set_defaults(func=_cmd_models_add)
    lst = msub.add_parser(
        "list",
        help="show installed models",
        description="Show the installed Whisper models and Argos packages.",
    )
    lst.set_defaults(func=_cmd_models_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except PipelineError as exc:
        print(f"webconf: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("webconf: interrupted; run again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
