"""Where a batch's tasks run: one after another in this process, or on a Dask cluster.

On Dask every recording is a task, then every session in every language (translation,
cues), then every event (its files); each needs the worker resource `whisper` (a
worker declares `whisper=1`: one model at work at a time, given the worker's
`--nthreads`), so the recordings of all events, several of one event among them, run
side by side, then their sessions and languages. A lost worker's task runs again
elsewhere. A worker loads each model once (Whisper, the speaker encoder and Argos
packages are kept per process).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.errors import ClusterError
from pipeline.run.plan import EventTask, Outcome, Plan, do_event, do_recording, do_track

Report = Callable[["Progress"], None]

INSTALL = "pip install '.[cluster]' (make test installs it)"
RETRIES = 2  # a task whose worker died is moved by the scheduler; these are for the rest
CONNECT_TIMEOUT = "20s"  # a scheduler that does not answer by then is not there


@dataclass(frozen=True)
class Progress:
    """The batch so far, after each finished task."""

    finished: Outcome | None  # the task that just finished (None: a status update)
    kind: str  # "recording", "track" (a session in a language) or "event"
    events_done: int
    events: int
    recordings_done: int
    recordings: int
    tracks_done: int
    tracks: int
    in_flight: tuple[str, ...]  # recordings and tracks being worked on now
    done: int  # work units done (see `_Counter`)
    total: int
    elapsed: float

    @property
    def eta(self) -> float | None:
        """Seconds left, from the work done so far; None before anything is done."""
        if not self.done or self.done >= self.total:
            return None if not self.done else 0.0
        return self.elapsed * (self.total - self.done) / self.done


def parse_address(spec: str) -> tuple[str, int | str]:
    """`local:N` -> ("local", N); `tcp://host:port` -> ("remote", spec)."""
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or not 1 <= int(count) <= 64:
            raise ClusterError(f"--dask {spec}: expected local:N with N workers, 1 to 64")
        return "local", int(count)
    if spec.startswith(("tcp://", "tls://")) and ":" in spec.split("://", 1)[1]:
        return "remote", spec
    raise ClusterError(
        f"--dask {spec}: expected local:N (N worker processes here) or tcp://HOST:PORT "
        "(a running `dask scheduler`)"
    )


def run_here(plan: Plan, report: Report | None = None) -> list[Outcome]:
    """Every event in turn, in this process (`webconf run` for each)."""
    counter = _Counter(plan, report)
    outcomes = []
    for event in plan.events:
        counter.started([r.name for r in event.recordings])
        outcome = do_event(event)
        counter.finished(outcome, "event", event, event, everything=True)
        outcomes.append(outcome)
    return outcomes


def run_on_dask(
    plan: Plan, address: str, report: Report | None = None, say: Callable[[str], None] = print
) -> list[Outcome]:
    """The plan on a Dask cluster: `local:N` starts N worker processes here,
    `tcp://HOST:PORT` uses a running scheduler's workers."""
    kind, where = parse_address(address)
    try:
        from distributed import Client, LocalCluster, wait
    except ImportError:
        raise ClusterError(f"--dask needs Dask, which is not installed: {INSTALL}") from None
    import logging

    # the batch reports each task's outcome; Dask's own lines (a worker lost, its task
    # run again elsewhere) would drown them
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    if kind == "local":
        cluster = LocalCluster(
            n_workers=int(where),
            # the machine's cores shared out: each worker's Whisper uses its threads
            threads_per_worker=max(1, (os.cpu_count() or 1) // int(where)),
            processes=True,
            resources={"whisper": 1},
            dashboard_address=":8787",  # (the next free port when taken)
            silence_logs=logging.ERROR,
        )
    try:
        client = Client(cluster if cluster is not None else str(where), timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    try:
        services = client.scheduler_info().get("services", {})
        if "dashboard" in services and (cluster is None or _has_dashboard()):
            say(f"Dask dashboard: {client.dashboard_link}")
        return _submit_and_follow(client, plan, report, wait)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _has_dashboard() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def _submit_and_follow(client, plan: Plan, report: Report | None, wait) -> list[Outcome]:
    counter = _Counter(plan, report)
    kinds: dict[str, tuple[str, Any, EventTask]] = {}  # key -> (kind, task, event)
    futures, events = [], []

    def submit(kind: str, function, task, event: EventTask, after: list) -> Any:
        future = client.submit(
            function, task, *after, resources={"whisper": 1}, retries=RETRIES, pure=False,
            key=f"{kind}-{os.urandom(6).hex()}",
        )  # fmt: skip
        kinds[future.key] = (kind, task, event)
        futures.append(future)
        return future

    for event in plan.events:
        recordings, tracks = [], []
        if event.options.use_cache:  # without a cache, work done apart cannot be shared
            recordings = [submit("recording", do_recording, t, event, []) for t in event.recordings]
            tracks = [submit("track", do_track, t, event, recordings) for t in event.tracks]
        events.append(submit("event", do_event, event, event, recordings + tracks))
    pending = set(futures)
    outcomes: dict[str, Outcome] = {}
    while pending:
        try:
            wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass  # nothing finished this second: the view is redrawn all the same
        done = {f for f in pending if f.done()}
        pending -= done
        working = [kinds[key] for key in _executing(client) if key in kinds]
        counter.started([task.name for kind, task, _ in working if kind != "event"])
        for future in done:
            kind, task, event = kinds[future.key]
            name = task.title if kind == "event" else task.name
            outcome = outcomes[future.key] = _result(future, task.manifest, name)
            counter.finished(outcome, kind, event, task, everything=not event.options.use_cache)
        if not done:
            counter.tick()
    return [outcomes[future.key] for future in events]


def _executing(client) -> list[str]:
    """The keys the workers are running now (the scheduler's `processing` also counts
    the tasks a worker holds waiting for its `whisper` resource)."""

    def running(dask_worker) -> list[str]:
        return [str(task.key) for task in dask_worker.state.executing]

    try:
        return sorted({key for keys in client.run(running).values() for key in keys})
    except Exception:  # noqa: BLE001 (a worker lost meanwhile: the view waits a second)
        return []


def _result(future, manifest, name: str) -> Outcome:
    """The task's outcome; a task that raised (a bug, or a worker lost too often) is
    a failed one, in one line."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 (reported per event; the batch goes on)
        return Outcome(manifest, name, 0.0, error=f"{type(exc).__name__}: {exc}")


AFTER_SHARE = 0.1  # translation, cues and writing against the recordings' work (8 %
# of the transcription time in `make bench`): how much of the ETA they weigh


class _Counter:
    """The batch's progress in work units: a recording's milliseconds of audio for its
    Whisper work, AFTER_SHARE of them for what follows (the tracks, then the event)."""

    def __init__(self, plan: Plan, report: Report | None) -> None:
        self.report = report
        self.began = time.perf_counter()
        self.events = len(plan.events)
        self.recordings = sum(len(e.recordings) for e in plan.events)
        self.tracks = sum(len(e.tracks) for e in plan.events)
        self.total = sum(self._work(e) for e in plan.events)
        self.events_done = self.recordings_done = self.tracks_done = self.done = 0
        self.in_flight: tuple[str, ...] = ()

    @staticmethod
    def _work(event: EventTask) -> int:
        return round(event.ms * (1 + AFTER_SHARE))

    def started(self, names: Sequence[str]) -> None:
        self.in_flight = tuple(names)

    def finished(self, outcome: Outcome, kind: str, event: EventTask, task: Any,
                 everything: bool = False) -> None:  # fmt: skip
        """`everything`: the event's task did its recordings' and tracks' work too."""
        after = event.ms * AFTER_SHARE
        if kind == "recording":
            self.recordings_done += 1
            self.done += task.ms
        elif kind == "track":
            self.tracks_done += 1
            self.done += round(after * 0.8 / max(len(event.tracks), 1))
        else:
            self.events_done += 1
            if everything:
                self.recordings_done += len(event.recordings)
                self.tracks_done += len(event.tracks)
                self.done += self._work(event)
            else:
                self.done += round(after * (0.2 if event.tracks else 1.0))
        self.done = min(self.done, self.total)
        if self.events_done == self.events:
            self.done = self.total
        self._say(outcome, kind)

    def tick(self) -> None:
        self._say(None, "")

    def _say(self, outcome: Outcome | None, kind: str) -> None:
        if self.report is None:
            return
        self.report(
            Progress(
                outcome, kind, self.events_done, self.events, self.recordings_done,
                self.recordings, self.tracks_done, self.tracks, self.in_flight, self.done,
                self.total, time.perf_counter() - self.began,
            )
        )  # fmt: skip
