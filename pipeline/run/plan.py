"""A batch of events as tasks over picklable records, for one machine or a Dask cluster.

Per recording: decode, VAD, transcription, speaker turns and interpreter channels (the
Whisper work), into the event's stage cache. Per session and language, once the
event's recordings are done: translation and cues, into the cache. Per event, last:
`run_event`, which reads all that back and writes the outputs and the event files.
The outputs are therefore the bytes `webconf run` writes: the cache is
content-addressed, and a value read back is the value computed.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.agenda.manifest import load_manifest, resolve_against_media
from pipeline.errors import ManifestError, PipelineError
from pipeline.media.channels import check_media
from pipeline.run.event import prepare_recording, prepare_track, run_event
from pipeline.run.options import RunOptions


@dataclass(frozen=True)
class RecordingTask:
    manifest: Path
    out: Path
    options: RunOptions
    index: int  # the recording's place among the manifest's recordings
    name: str  # its file name, for progress lines
    ms: int  # its length: the measure of the batch's progress


@dataclass(frozen=True)
class TrackTask:
    manifest: Path
    out: Path
    options: RunOptions
    session: int  # the session's index in the agenda
    language: str
    name: str  # "<event> > <session> (<language>)", for progress lines


@dataclass(frozen=True)
class EventTask:
    manifest: Path
    out: Path
    options: RunOptions
    title: str
    recordings: tuple[RecordingTask, ...]
    tracks: tuple[TrackTask, ...] = ()

    @property
    def ms(self) -> int:
        return sum(r.ms for r in self.recordings)


@dataclass(frozen=True)
class Outcome:
    """What a task did: `error` is one line when it failed."""

    manifest: Path
    name: str  # the recording's file name, or the event's title
    seconds: float
    error: str | None = None
    event_dir: Path | None = None  # an event's folder, when written
    files: int = 0
    warnings: tuple[str, ...] = ()
    computed: tuple[tuple[str, int], ...] = ()  # an event's: stage results not read back


@dataclass(frozen=True)
class Plan:
    events: tuple[EventTask, ...]
    failed: tuple[Outcome, ...]  # manifests that cannot run, found while planning
    skipped: tuple[Path, ...]  # TOML files that are not event manifests


def find_manifests(folder: Path, out: Path) -> tuple[list[Path], list[Path]]:
    """(event manifests, other TOML files) under `folder`, sorted: every `*.toml`
    with an `[event]` table, outside hidden folders and the outputs folder. A TOML
    file that does not parse counts as a manifest (its run says what is wrong)."""
    out = out.resolve()
    manifests, others = [], []
    for path in sorted(folder.rglob("*.toml")):
        inside = path.relative_to(folder).parts[:-1]
        if any(p.startswith(".") for p in inside) or out in path.resolve().parents:
            continue
        try:
            table = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            manifests.append(path)
            continue
        (manifests if isinstance(table.get("event"), dict) else others).append(path)
    return manifests, others


def plan_batch(folder: Path, out: Path, options: RunOptions) -> Plan:
    """Every manifest under `folder` read and its media probed (a bad manifest or a
    broken recording is one failed event now, before any model work)."""
    manifests, others = find_manifests(folder, out)
    if not manifests:
        raise ManifestError(f"{folder}: no event manifest (a .toml file with an [event] table)")
    events, failed = [], []
    for manifest in manifests:
        try:
            event = load_manifest(manifest)
            media = check_media(event)
            event = resolve_against_media(event, media.durations_ms, media.started)
        except PipelineError as exc:
            failed.append(Outcome(manifest, manifest.name, 0.0, error=str(exc)))
            continue
        used = {s.recording for s in event.sessions}
        recordings = tuple(
            RecordingTask(manifest, out, options, i, r.file.name, media.durations_ms.get(r.file, 0))
            for i, r in enumerate(event.recordings)
            if r.file in used
        )
        tracks = tuple(
            TrackTask(manifest, out, options, s.index, language,
                      f"{event.title} > {s.title} ({language})")  # fmt: skip
            for s in event.sessions
            for language in event.languages
        )
        events.append(EventTask(manifest, out, options, event.title, recordings, tracks))
    return Plan(tuple(events), tuple(failed), tuple(others))


def on_this_worker(options: RunOptions) -> RunOptions:
    """On a Dask worker, Whisper gets the worker's threads (`dask worker --nthreads
    N`; each of our tasks holds the worker's one `whisper` resource, so they are its
    own). The words do not change with the thread count, only the speed."""
    try:
        from distributed import get_worker

        threads = get_worker().state.nthreads
    except (ImportError, ValueError):  # not on a worker
        return options
    return replace(options, transcribe=replace(options.transcribe, cpu_threads=threads))


def _attempt(manifest: Path, name: str, before: tuple[Outcome, ...],
             work: Callable[[], dict[str, Any]]) -> Outcome:  # fmt: skip
    """Run one task's work into an `Outcome`: not tried when a task it depends on
    failed, and its one-line error kept when it fails itself."""
    broken = next((b for b in before if b.error), None)
    if broken is not None:
        return Outcome(manifest, name, 0.0, error=f"{broken.name}: {broken.error}")
    began = time.perf_counter()
    try:
        details = work()
    except PipelineError as exc:
        return Outcome(manifest, name, time.perf_counter() - began, error=str(exc))
    return Outcome(manifest, name, time.perf_counter() - began, **details)


def do_recording(task: RecordingTask) -> Outcome:
    """One recording's heavy work into its event's stage cache."""

    def work() -> dict[str, Any]:
        prepare_recording(task.manifest, task.out, on_this_worker(task.options), task.index)
        return {}

    return _attempt(task.manifest, task.name, (), work)


def do_track(task: TrackTask, *recordings: Outcome) -> Outcome:
    """One session's translation and cues in one language into the stage cache; not
    tried when a recording failed."""

    def work() -> dict[str, Any]:
        prepare_track(task.manifest, task.out, on_this_worker(task.options), task.session,
                      task.language)  # fmt: skip
        return {}

    return _attempt(task.manifest, task.name, recordings, work)


def do_event(task: EventTask, *before: Outcome) -> Outcome:
    """The event, as `webconf run` makes it; not tried when a recording failed."""

    def work() -> dict[str, Any]:
        result = run_event(task.manifest, task.out, on_this_worker(task.options))
        return {
            "event_dir": result.event_dir,
            "files": len(result.files),
            "warnings": result.warnings,
            "computed": tuple((stage, n) for stage, _, n in result.cache_by_stage if n),
        }

    return _attempt(task.manifest, task.title, before, work)
