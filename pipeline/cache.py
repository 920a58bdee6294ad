"""Content-addressed stage cache: a run that stops midway resumes where it was.

A stage result is stored under the hash of everything that determines it (input
content hashes, model checksum, options), so a changed input recomputes and an
unchanged one is read back. Entries are written atomically.

Every key also holds the code version of its stage and of every stage it reads
from (`STAGE_VERSIONS`, in data-flow order): bump a stage's number when its code
changes what it produces, and that stage and the ones after it are computed again,
while the ones before it are still read back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from pipeline.fsio import atomic_write_json

T = TypeVar("T")


def _default(obj: Any) -> Any:
    if is_dataclass(obj):
        return asdict(obj)
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"cannot hash {type(obj).__name__}")


# stage -> (code version, the stages whose results it reads)
STAGE_VERSIONS: dict[str, tuple[int, tuple[str, ...]]] = {
    "vad": (1, ()),
    "language": (3, ("vad",)),
    "transcribe": (5, ("vad", "language")),
    "speakers": (3, ("vad",)),  # 3: overlapping speech
    "translate": (3, ("vad", "language", "transcribe")),  # 2: terms, articles; 3: compounds
    "session-audio": (3, ()),
    "cues": (1, ("vad", "language", "transcribe", "translate")),
}


def stage_versions(stage: str) -> dict[str, int]:
    """The versions a stage's results depend on: its own and its inputs'."""
    version, inputs = STAGE_VERSIONS[stage]
    return {**{name: STAGE_VERSIONS[name][0] for name in inputs}, stage: version}


def stage_key(stage: str, *parts: Any) -> str:
    """The cache key of a stage result: the stage's versions, then its inputs."""
    return cache_key(stage, stage_versions(stage), *parts)


def cache_key(*parts: Any) -> str:
    blob = json.dumps(parts, default=_default, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


class StageCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self.by_stage: dict[str, list[int]] = {}  # stage -> [hits, computed]
        # without a folder, what one run asks twice (the speech regions, for the
        # transcribe and the speakers stage) is still computed once
        self._memory: dict[tuple[str, str], Any] = {}

    def _count(self, stage: str, hit: bool) -> None:
        counts = self.by_stage.setdefault(stage, [0, 0])
        counts[0 if hit else 1] += 1
        if hit:
            self.hits += 1
        else:
            self.misses += 1

    def _read(self, path: Path, decode: Callable[[Any], T]) -> tuple[bool, T | None]:
        try:
            return True, decode(json.loads(path.read_text("utf-8")))
        except (FileNotFoundError, IsADirectoryError):
            return False, None  # none yet (or gone since: another worker found it damaged)
        except (ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)  # a corrupt entry is recomputed, never trusted
            return False, None

    def get_or_compute_many(
        self,
        stage: str,
        keys: Sequence[str],
        compute_missing: Callable[[list[int]], list[T]],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
    ) -> list[T]:
        """Per-item caching of a batch job: only the items without an entry are
        computed, in one call (e.g. only the sentences whose text changed)."""
        values: list[Any] = [None] * len(keys)
        missing = []
        for i, key in enumerate(keys):
            found, value = (False, None)
            if self.folder is not None:
                found, value = self._read(self.folder / stage / f"{key}.json", decode)
            if found:
                values[i] = value
                self._count(stage, True)
            else:
                missing.append(i)
        if missing:
            for i, value in zip(missing, compute_missing(missing), strict=True):
                values[i] = value
                if self.folder is not None:
                    atomic_write_json(self.folder / stage / f"{keys[i]}.json", encode(value))
                self._count(stage, False)
        return values

    def get_or_compute(
        self,
        stage: str,
        key: str,
        compute: Callable[[], T],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
    ) -> T:
        if self.folder is None:  # no cache: computed once in this run, kept in memory
            if (stage, key) not in self._memory:
                self._memory[(stage, key)] = compute()
            return self._memory[(stage, key)]
        path = self.folder / stage / f"{key}.json"
        found, cached = self._read(path, decode)
        if found:
            self._count(stage, True)
            return cached
        value = compute()
        atomic_write_json(path, encode(value))
        self._count(stage, False)
        return value


# -- decoders that refuse what parses but is not a stage result ---------------------------
# A cache entry of `{}` or `[]` where a list of regions or a translation belongs must be
# recomputed, not trusted (it once wrote sessions without cues). Each raises TypeError,
# which `StageCache` takes as a corrupt entry.


def as_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a cached text must be a string")
    return value


def as_spans(value: Any) -> list[tuple[int, int]]:
    """[[start, end], ...] in milliseconds."""
    if not isinstance(value, list):
        raise TypeError("cached spans must be a list")
    out = []
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in item)
            or item[0] > item[1]
        ):
            raise TypeError("a cached span must be [start, end]")
        out.append((item[0], item[1]))
    return out


def as_list_of(kind: type, value: Any, length: int | None = None) -> list:
    """A list whose items are all `kind` (and, given `length`, that many)."""
    if not isinstance(value, list) or not all(isinstance(x, kind) for x in value):
        raise TypeError(f"a cached list of {kind.__name__} was expected")
    if length is not None and len(value) != length:
        raise TypeError(f"{length} cached items were expected, not {len(value)}")
    return value
