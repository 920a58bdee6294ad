"""Command-line registration of `webconf run`."""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.options import subtitle_profile_option
from pipeline.timecode import agenda_time


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.run.event import RunOptions, run_event
    from pipeline.subtitles.profiles import get_profile

    options = RunOptions(
        model=args.model,
        mt=args.mt,
        profile=get_profile(args.subtitle_profile),
        export_audio=not args.no_audio,
        use_cache=not args.no_cache,
        show_progress=False if args.quiet else None,
        note_low_confidence=args.note_low_confidence,
        interpretation=args.interpretation,
        align_agenda=args.align_agenda,
        speakers=args.speakers == "on",
    )

    def warn(line: str) -> None:
        print(f"webconf: warning: {line}", file=sys.stderr)

    def note(line: str) -> None:
        print(f"webconf: {line}", file=sys.stderr, flush=True)

    quiet = args.quiet
    result = run_event(
        args.manifest, args.out, options, warn=None if quiet else warn, note=None if quiet else note
    )
    if not quiet:
        for line in summary(result):
            print(line)
    sessions = len({t.session.index for t in result.tracks})
    print(
        f"{result.event.title}: {sessions} sessions x {len(result.event.languages)} languages "
        f"written to {result.event_dir}/ (open {result.event_dir / 'index.html'})"
    )
    return 0


def summary(result) -> list[str]:
    """The run at a glance: time per stage, what the stage cache gave back, the
    interpreter channels, corrections applied and warnings."""
    total = sum(t for _, t in result.timings) or 1.0
    lines = [f"{'stage':<22}{'time':>9}{'share':>8}"]
    lines += [f"{name:<22}{took:>8.1f}s{took / total:>8.0%}" for name, took in result.timings]
    lines.append(f"{'total':<22}{total:>8.1f}s")
    if result.cache_by_stage:
        read = ", ".join(
            f"{stage} {hits}/{hits + computed}" for stage, hits, computed in result.cache_by_stage
        )
        lines.append(f"cache (read back / needed): {read}")
    for report in result.channels:
        lag = (
            "no interpreted sentence"
            if report.lag_ms is None
            else (f"median lag {report.lag_ms / 1000:.1f} s")
        )
        lines.append(
            f"interpretation {report.channel.language} ({report.channel.label}): {lag}; "
            f"{report.interpreted} sentences from the interpreter, "
            f"{report.machine} machine-translated"
        )
    for check in result.boundaries:
        lines.append(boundary_line(check))
    for recording, at in result.suggested:
        lines.append(
            f"{recording.name}: one session; the speech suggests a boundary at "
            f"{agenda_time(at)} (the language changes at a pause)"
        )
    lines.append(
        f"corrections applied: {result.corrections_applied} (session x language); "
        f"warnings: {len(result.warnings)}"
    )
    return lines


def boundary_line(check) -> str:
    """One agenda boundary against the speech: kept, or where it seems to be and why."""
    name = f"agenda boundary {check.before.index}|{check.after.index} ({check.after.title[:40]})"
    if check.applied:
        return f"{name}: moved from {agenda_time(check.agenda_ms)} to " + (
            f"{agenda_time(check.suggested_ms)}: {'; '.join(check.reasons)}"
        )
    if not check.moved:
        return f"{name}: {agenda_time(check.agenda_ms)} kept (nothing said suggests another)"
    shift = (check.suggested_ms - check.agenda_ms) / 1000
    return (
        f"{name}: agenda {agenda_time(check.agenda_ms)}, suggested "
        f"{agenda_time(check.suggested_ms)} ({shift:+.0f} s): {'; '.join(check.reasons)}"
    )


def register(sub: argparse._SubParsersAction) -> None:
    from pipeline.models.locate import DEFAULT_WHISPER_MODEL, WHISPER_MODELS
    from pipeline.translate.engines import MT_MODES
    from pipeline.translate.tracks import INTERPRETATION_MODES

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
    subtitle_profile_option(run)
    run.add_argument(
        "--note-low-confidence",
        action="store_true",
        help="write a NOTE before each low-confidence cue in the VTT files",
    )
    run.add_argument(
        "--interpretation",
        default="prefer",
        choices=INTERPRETATION_MODES,
        help="prefer (default): subtitles from the interpreter channels the manifest "
        "names, machine translation only where they are silent; ignore: machine "
        "translation only (for comparison)",
    )
    run.add_argument(
        "--align-agenda",
        action="store_true",
        help="move each agenda boundary to where the speech says it is (a pause where "
        "the language changes, the next speaker named); without it the suggestions are "
        "only reported",
    )
    run.add_argument(
        "--speakers",
        default="on",
        choices=("on", "off"),
        help="on (default): who speaks when, named from the agenda and the manifest's "
        "voices, in every transcript and subtitle track; off: no speaker turns",
    )
    run.add_argument(
        "-q", "--quiet", action="store_true", help="print only errors and the final line"
    )
    run.set_defaults(func=_cmd_run)
