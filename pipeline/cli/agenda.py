"""`webconf agenda import` and `webconf agenda show`: agendas in, timelines out."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from pipeline.errors import AgendaError, ManifestError


def _cmd_import(args: argparse.Namespace) -> int:
    from pipeline.agenda.imported import import_agenda
    from pipeline.agenda.sources import read_agenda
    from pipeline.fsio import atomic_write

    out = Path(args.output)
    if out.exists() and not args.force:
        raise ManifestError(f"{out}: already exists; give another name, or --force to replace it")
    agenda = read_agenda(Path(args.file), timezone=args.timezone, room=args.room, day=args.date)
    recording = Path(args.recording) if args.recording else None
    started, started_from, length_ms = args.started, "--started", None
    if recording is not None:
        from pipeline.media.probe import creation_time, probe

        length_ms = probe(recording).duration_ms
        if started is None and (found := creation_time(recording)) is not None:
            started, started_from = found, "the recording's creation_time"
    if started is not None and started.tzinfo is None:
        raise AgendaError(f"--started {started.isoformat()}: give its UTC offset (+01:00)")
    made = import_agenda(agenda, recording, started, started_from, length_ms, out.parent)
    atomic_write(out, made.text)
    print(f"{out}: {made.sessions} sessions from {agenda.source} ({agenda.kind})")
    if agenda.ignored:
        print(f"columns not read (none of title, start, end, ...): {', '.join(agenda.ignored)}")
    print(f"the recording started at {made.started.isoformat()} ({made.started_from})")
    if made.started_from == "the first item's start":
        print("if it started at another time, import again with --started or --recording")
    for item in made.outside:
        print(f"outside the recording, not imported: {item.start.isoformat()} {item.title}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from pipeline.run.timeline import event_timeline, format_timeline

    print(format_timeline(event_timeline(Path(args.event), args.out)))
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time (2021-03-25T15:00:00+01:00)"
        ) from None


def register(sub: argparse._SubParsersAction) -> None:
    """Add `webconf agenda import` and `show` to the `webconf` parser."""
    agenda = sub.add_parser("agenda", help="import an agenda, show an event's timeline")
    verbs = agenda.add_subparsers(dest="agenda_command", required=True, metavar="COMMAND")
    imp = verbs.add_parser(
        "import",
        help="write an event manifest from a pretalx/frab schedule, an .ics or a CSV",
        description="Read an agenda kept in wall-clock time (a pretalx or frab "
        "schedule.json or schedule.xml, an iCalendar .ics, or a CSV with title, start, "
        "end or duration, speakers, language) and write an event manifest whose sessions "
        "are placed in the recording: at their wall-clock time less the recording's "
        "start (the container's creation_time, or --started, or else the first item's "
        "start). Items outside the recording are listed, not dropped silently.",
    )
    imp.add_argument("file", metavar="FILE", help="the agenda file")
    imp.add_argument("-o", "--output", required=True, metavar="EVENT.toml",
                     help="the manifest to write")  # fmt: skip
    imp.add_argument("--recording", metavar="MEDIA", help="the recording the sessions are in")
    imp.add_argument("--started", type=_moment, metavar="2021-03-25T15:00:00+01:00",
                     help="when the recording started (default: its creation_time)")  # fmt: skip
    imp.add_argument("--room", metavar="NAME", help="only this room's items")
    imp.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="only this day's items")
    imp.add_argument("--timezone", metavar="Europe/Brussels",
                     help="the time zone of times the file gives without one")  # fmt: skip
    imp.add_argument("--force", action="store_true", help="replace the output if it exists")
    imp.set_defaults(func=_cmd_import)
    show = verbs.add_parser(
        "show",
        help="print the event's sessions in recording and wall-clock time",
        description="Resolve the manifest against its recordings (probed, not decoded) and "
        "print each session: its start and end in the recording and in wall-clock time, "
        "its speakers and links, and where its times came from (the agenda or the "
        "manifest; the recording's start from the manifest, the container's "
        "creation_time or the first agenda item). Agenda items outside every recording "
        "are listed.",
    )
    show.add_argument("event", metavar="EVENT.toml", help="the event manifest")
    show.add_argument(
        "--out",
        metavar="DIR",
        default="outputs",
        help="where the event was run (default: outputs/): its last agenda check is "
        "shown, boundaries it moved where they went",
    )
    show.set_defaults(func=_cmd_show)
