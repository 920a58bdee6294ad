"""Command-line registration of `webconf run`."""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.options import subtitle_profile_option
from pipeline.timecode import agenda_time


def _options(args: argparse.Namespace, show_progress: bool | None = None):
    from pipeline.run.options import RunOptions
    from pipeline.subtitles.profiles import get_profile

    return RunOptions(
        model=args.model,
        mt=args.mt,
        profile=get_profile(args.subtitle_profile),
        export_audio=not args.no_audio,
        use_cache=not args.no_cache,
        show_progress=False if args.quiet else show_progress,
        note_low_confidence=args.note_low_confidence,
        interpretation=args.interpretation,
        align_agenda=args.align_agenda,
        speakers=args.speakers == "on",
    )


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.run.event import run_event

    options = _options(args)

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


def _cmd_run_all(args: argparse.Namespace) -> int:
    from pipeline.run.batch import run_all

    # a batch's progress is its own: one view of the whole, not a bar per stage
    options = _options(args, show_progress=False)
    report = None if args.quiet else _batch_progress()
    result = run_all(args.folder, args.out, options, dask=args.dask, report=report)
    for outcome in result.written:
        print(f"written: {outcome.name}: {outcome.event_dir}/ ({outcome.seconds:.1f} s)")
        for warning in outcome.warnings if not args.quiet else ():
            print(f"webconf: warning: {outcome.name}: {warning}", file=sys.stderr)
    for outcome in result.failed:
        where = "" if str(outcome.manifest) in (outcome.error or "") else f"{outcome.manifest}: "
        print(f"webconf: error: {where}{outcome.error}", file=sys.stderr)
    if result.archive is not None:
        stats = result.archive
        print(
            f"archive: {stats.events_indexed} events indexed, {stats.events_unchanged} "
            f"unchanged -> {result.archive_path}"
        )
    print(
        f"{len(result.written)} of {len(result.written) + len(result.failed)} events "
        f"written to {args.out}/ in {result.seconds:.0f} s"
        + (f"; {len(result.failed)} failed (listed above)" if result.failed else "")
    )
    return 2 if result.failed else 0


def _batch_progress():
    """Plain lines as tasks finish (a log), or one line redrawn on a terminal."""
    from pipeline.timecode import format_clock

    tty = sys.stderr.isatty()

    def report(p) -> None:
        if p.finished is None and not tty:
            return
        eta = "" if not p.eta or p.eta < 1 else f", about {format_clock(int(p.eta * 1000))} left"
        flight = f", working on {', '.join(p.in_flight)}" if p.in_flight else ""
        state = (
            f"events {p.events_done}/{p.events}, recordings {p.recordings_done}/"
            f"{p.recordings}, tracks {p.tracks_done}/{p.tracks}{flight}{eta}"
        )
        if p.finished is None:
            print(f"\r\x1b[K{state}"[:200], end="", file=sys.stderr, flush=True)
            return
        what = f"{p.kind} {p.finished.name}" + (
            " failed" if p.finished.error else f" done in {p.finished.seconds:.1f} s"
        )
        line = f"webconf: {what} ({state})"
        print(f"\r\x1b[K{line}" if tty else line, file=sys.stderr, flush=True)

    return report


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
    run = sub.add_parser(
        "run",
        help="transcribe, translate and write one event",
        description="Run the pipeline on an event manifest (TOML).",
    )
    run.add_argument("manifest", metavar="EVENT.toml", help="the event manifest")
    _run_options(run)
    run.set_defaults(func=_cmd_run)

    batch = sub.add_parser(
        "run-all",
        help="run every event manifest under a folder, then update the search archive",
        description="Run every event manifest (a .toml file with an [event] table) under "
        "DIR, each as `webconf run` would, here or on a Dask cluster; then update the "
        "search archive of the outputs folder once. An event that fails is reported at "
        "the end with its one-line error; the others go on.",
    )
    batch.add_argument("folder", metavar="DIR", help="folder searched for event manifests")
    batch.add_argument(
        "--dask",
        metavar="local:N|tcp://HOST:PORT",
        help="run on Dask: local:N starts N worker processes here; tcp://HOST:PORT uses "
        "a running `dask scheduler` and its workers (README.md, 'Many events')",
    )
    _run_options(batch)
    batch.set_defaults(func=_cmd_run_all)


def _run_options(run: argparse.ArgumentParser) -> None:
    from pipeline.models.locate import DEFAULT_WHISPER_MODEL, WHISPER_MODELS
    from pipeline.translate.engines import MT_MODES
    from pipeline.translate.tracks import INTERPRETATION_MODES

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
