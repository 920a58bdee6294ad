"""Where a batch's tasks run: one after another in this process, or on a Dask cluster.

On Dask every recording is a task that needs the worker resource `whisper` (a worker
declares `whisper=1`: one Whisper at a time, given the worker's `--nthreads`), so the
recordings of all events, several of one event among them, run side by side; each
event's task waits for its recordings. Tasks are retried when a worker is lost. A
worker loads each model once (Whisper and the speaker encoder are kept per process).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.errors import ClusterError
from pipeline.run.plan import EventTask, Outcome, Plan, do_event, do_recording

Report = Callable[["Progress"], None]

INSTALL = "pip install '.[cluster]' (make test installs it)"
RETRIES = 2  # a task whose worker died is moved by the scheduler; these are for the rest
CONNECT_TIMEOUT = "20s"  # a scheduler that does not answer by then is not there


@dataclass(frozen=True)
class Progress:
    """The batch so far, after each finished task."""

    finished: Outcome | None  # the task that just finished (None: a status update)
    kind: str  # "recording" or "event"
    events_done: int
    events: int
    recordings_done: int
    recordings: int
    in_flight: tuple[str, ...]  # recordings being worked on now
    done_ms: int  # audio of the recordings done
    total_ms: int
    elapsed: float

    @property
    def eta(self) -> float | None:
        """Seconds left, from the audio done so far; None before anything is done."""
        if not self.done_ms or self.done_ms >= self.total_ms:
            return None if not self.done_ms else 0.0
        return self.elapsed * (self.total_ms - self.done_ms) / self.done_ms


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
        counter.finished(outcome, "event", event, recordings_too=True)
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
    recording_futures, event_futures = {}, {}
    for event in plan.events:
        recordings = []
        if event.options.use_cache:  # without a cache, work done apart cannot be shared
            for task in event.recordings:
                future = client.submit(
                    do_recording, task, resources={"whisper": 1}, retries=RETRIES, pure=False,
                    key=f"recording-{_token()}",
                )  # fmt: skip
                recording_futures[future.key] = (future, task, event)
                recordings.append(future)
        future = client.submit(
            do_event, event, *recordings, resources={"whisper": 1}, retries=RETRIES, pure=False,
            key=f"event-{_token()}",
        )  # fmt: skip
        event_futures[future.key] = (future, event)
    pending = {f for f, _, _ in recording_futures.values()} | {
        f for f, _ in event_futures.values()
    }
    outcomes: dict[str, Outcome] = {}
    while pending:
        try:
            wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass  # nothing finished this second: the view is redrawn all the same
        done = {f for f in pending if f.done()}
        pending -= done
        working = {key for keys in client.processing().values() for key in keys}
        counter.started([t.name for k, (_, t, _) in recording_futures.items() if k in working])
        for future in done:
            if future.key in recording_futures:
                _, task, event = recording_futures[future.key]
                counter.finished(_result(future, task.manifest, task.name), "recording", event)
            else:
                _, event = event_futures[future.key]
                outcome = _result(future, event.manifest, event.title)
                outcomes[future.key] = outcome
                counter.finished(outcome, "event", event,
                                 recordings_too=not event.options.use_cache)  # fmt: skip
        if not done:
            counter.tick()
    return [outcomes[key] for key in event_futures]


def _result(future, manifest, name: str) -> Outcome:
    """The task's outcome; a task that raised (a bug, or a worker lost too often) is
    a failed one, in one line."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 (reported per event; the batch goes on)
        return Outcome(manifest, name, 0.0, error=f"{type(exc).__name__}: {exc}")


def _token() -> str:
    return os.urandom(6).hex()


class _Counter:
    def __init__(self, plan: Plan, report: Report | None) -> None:
        self.report = report
        self.began = time.perf_counter()
        self.events = len(plan.events)
        self.recordings = sum(len(e.recordings) for e in plan.events)
        self.total_ms = sum(e.ms for e in plan.events)
        self.events_done = self.recordings_done = self.done_ms = 0
        self.in_flight: tuple[str, ...] = ()

    def started(self, names: Sequence[str]) -> None:
        self.in_flight = tuple(names)

    def finished(self, outcome: Outcome, kind: str, event: EventTask,
                 recordings_too: bool = False) -> None:  # fmt: skip
        if kind == "event":
            self.events_done += 1
            if recordings_too:
                self.recordings_done += len(event.recordings)
                self.done_ms += event.ms
        else:
            self.recordings_done += 1
            self.done_ms += next(
                (r.ms for r in event.recordings if r.name == outcome.name), 0
            )
        self._say(outcome, kind)

    def tick(self) -> None:
        self._say(None, "")

    def _say(self, outcome: Outcome | None, kind: str) -> None:
        if self.report is None:
            return
        self.report(
            Progress(
                outcome, kind, self.events_done, self.events, self.recordings_done,
                self.recordings, self.in_flight, self.done_ms, self.total_ms,
                time.perf_counter() - self.began,
            )
        )  # fmt: skip
