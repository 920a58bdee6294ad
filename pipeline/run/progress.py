"""Progress that tells the truth: bars on a terminal, a plain line per finished stage
for logs (cron, CI), and the time each stage took for the run's summary.

A bar counts what it measures in whole units (milliseconds of audio, sessions), never
beyond its total, so it cannot pass 100 % nor show a negative ETA; audio is shown in
seconds (`unit_scale`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tqdm import tqdm

Note = Callable[[str], None]


class Bar:
    """A bar over `total` units (ms of audio or items) that never overshoots."""

    def __init__(self, total: int, desc: str, audio: bool, enabled: bool | None) -> None:
        disable = (not sys.stderr.isatty()) if enabled is None else not enabled
        self._bar = tqdm(
            total=max(total, 0),
            desc=desc,
            unit="s" if audio else "it",
            unit_scale=0.001 if audio else False,
            disable=disable,
            leave=False,
            dynamic_ncols=True,
        )

    def done_of(self, done: int, total: int) -> None:
        """`done` units of `total` are finished (both may grow as work is found)."""
        total = max(total, 0)
        if total != self._bar.total:
            self._bar.total = total
        self._bar.update(min(max(done, 0), total) - self._bar.n)

    def advance(self, units: int = 1) -> None:
        self.done_of(self._bar.n + units, self._bar.total)

    def close(self) -> None:
        self._bar.close()


@contextmanager
def progress_bar(
    total: int, desc: str, enabled: bool | None = None, audio: bool = False
) -> Iterator[Bar]:
    bar = Bar(total, desc, audio, enabled)
    try:
        yield bar
    finally:
        bar.close()


@dataclass
class StageClock:
    """Wall time per stage, summed over recordings and sessions; each finished stage
    is told to `note` in one plain line when given."""

    note: Note | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, what: str = "") -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - began
            self.seconds[name] = self.seconds.get(name, 0.0) + took
        if self.note is not None:
            self.note(f"{name}{' ' + what if what else ''}: {took:.1f} s")

    def table(self) -> tuple[tuple[str, float], ...]:
        return tuple(self.seconds.items())
