"""Many events in one command (`webconf run-all`): every manifest under a folder, here
or on a Dask cluster, then the search archive updated once.

One event failing (a bad manifest, a broken recording) does not stop the others: it
is reported with its one-line error in the result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.archive import DEFAULT_DB_NAME, IndexStats, build_index
from pipeline.errors import ManifestError
from pipeline.fsio import machine_faults
from pipeline.run.executors import Report, run_here, run_on_dask
from pipeline.run.options import RunOptions
from pipeline.run.plan import Outcome, plan_batch


@dataclass(frozen=True)
class BatchResult:
    written: tuple[Outcome, ...]  # events written, in manifest order
    failed: tuple[Outcome, ...]  # events not written: one line each
    skipped: tuple[Path, ...]  # TOML files under the folder that are not manifests
    archive: IndexStats | None  # None when no event was written
    archive_path: Path
    seconds: float


def run_all(
    folder: Path | str,
    out: Path | str = "outputs",
    options: RunOptions | None = None,
    dask: str | None = None,
    report: Report | None = None,
    say: Callable[[str], None] = print,
) -> BatchResult:
    """Run every event manifest under `folder` into `out` (each event's outputs as
    `run_event` writes them), on `dask` (`local:N`, `tcp://HOST:PORT`) or here; then
    update `out`'s search archive once. `report` hears the progress after each task;
    `say` hears the lines worth printing (the Dask dashboard's address)."""
    began = time.perf_counter()
    folder, out = Path(folder), Path(out)
    if not folder.is_dir():
        raise ManifestError(f"{folder}: not a folder of event manifests")
    options = options or RunOptions()
    plan = plan_batch(folder, out, options)
    if dask:
        outcomes = run_on_dask(plan, dask, report, say)
    else:
        outcomes = run_here(plan, report)
    written = tuple(o for o in outcomes if o.error is None)
    failed = plan.failed + tuple(o for o in outcomes if o.error is not None)
    db = out / DEFAULT_DB_NAME
    archive = None
    if written:
        with machine_faults(out):
            archive = build_index(out, db, strict=False)
    return BatchResult(written, failed, plan.skipped, archive, db, time.perf_counter() - began)
