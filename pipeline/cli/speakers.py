"""Command-line registration of `webconf speakers`."""

from __future__ import annotations

import argparse


def _cmd_speakers(args: argparse.Namespace) -> int:
    from pipeline.run.voices import event_speakers, format_speakers

    index, rows = event_speakers(args.event, args.out)
    print(format_speakers(index, rows))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `webconf speakers` to the `webconf` parser."""
    cmd = sub.add_parser(
        "speakers",
        help="list the speakers of an event's last run, with talk time and where to hear them",
        description="Read the event's published transcripts and print each speaker (as "
        "the run named them: 'Speaker N' until the manifest's `voices` or the agenda "
        "names them) with their talk time per session and in all, and the moment of "
        "their longest passage to listen to. Name a voice in the manifest "
        '(`[[session]] voices = {"Speaker 2" = "Jens Wretling"}`) and run again.',
    )
    cmd.add_argument("event", metavar="EVENT.toml", help="the event manifest")
    cmd.add_argument(
        "--out",
        metavar="DIR",
        default="outputs",
        help="where the event was run (default: outputs/)",
    )
    cmd.set_defaults(func=_cmd_speakers)
