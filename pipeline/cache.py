"""Content-addressed stage cache: a run that stops midway resumes where it was.

A stage result is stored under the hash of everything that determines it (input
content hashes, model checksum, options), so a changed input recomputes and an
unchanged one is read back. Entries are written atomically.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from pipeline.writers.atomic import atomic_write_json

T = TypeVar("T")


def _default(obj: Any) -> Any:
    if is_dataclass(obj):
        return asdict(obj)
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"cannot hash {type(obj).__name__}")


def cache_key(*parts: Any) -> str:
    blob = json.dumps(parts, default=_default, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


class StageCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def get_or_compute(
        self,
        stage: str,
        key: str,
        compute: Callable[[], T],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
    ) -> T:
        if self.folder is None:
            return compute()
        path = self.folder / stage / f"{key}.json"
        if path.is_file():
            try:
                value = decode(json.loads(path.read_text("utf-8")))
            except (ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # a corrupt entry is recomputed, never trusted
            else:
                self.hits += 1
                return value
        value = compute()
        atomic_write_json(path, encode(value))
        self.misses += 1
        return value
