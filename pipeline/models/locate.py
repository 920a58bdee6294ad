"""Locate installed models; never downloads.

Weights come from registry packages that `make models` installs into `models/`
(see models/models.lock.json). At run time we only look there.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ModelMissingError

WHISPER_MODELS = ("base", "tiny.en")
DEFAULT_WHISPER_MODEL = "base"
_PROJECT_ROOT = Path(__file__).resolve().parents[2]

APERTIUM_PACKAGES = (
    "apertium", "apertium-eng-spa", "apertium-fr-es", "apertium-eng-cat", "apertium-fra-cat"
)  # fmt: skip


def offline() -> None:
    """Set the libraries' offline switches; called where a model is loaded, before the
    library that could reach a hub is imported (never at import time)."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")


def models_dir() -> Path:
    """`WEBCONF_MODELS_DIR` when set, else the project's `models/`."""
    env = os.environ.get("WEBCONF_MODELS_DIR")
    return Path(env).expanduser().resolve() if env else _PROJECT_ROOT / "models"


@dataclass(frozen=True)
class WhisperModelInfo:
    name: str
    path: Path
    sha256: str  # of model.bin, from the lock file; part of every cache key

    @property
    def multilingual(self) -> bool:
        return not self.name.endswith(".en")


def lock() -> dict:
    return json.loads((_PROJECT_ROOT / "models" / "models.lock.json").read_text("utf-8"))


def whisper_model(name: str = DEFAULT_WHISPER_MODEL, root: Path | None = None) -> WhisperModelInfo:
    if name not in WHISPER_MODELS:
        raise ModelMissingError(
            f"unknown Whisper model {name!r}, expected one of: {', '.join(WHISPER_MODELS)}"
        )
    root = root or models_dir()
    path = root / f"whisper-{name}"
    needed = ("model.bin", "config.json", "tokenizer.json")
    if not all((path / f).is_file() for f in needed):
        raise ModelMissingError(
            f"Whisper model {name!r} is not installed in {path}; run `make models`"
        )
    return WhisperModelInfo(
        name=name, path=path, sha256=lock()[f"whisper-{name}"]["model_bin_sha256"]
    )


def debian_versions(packages: tuple[str, ...] = APERTIUM_PACKAGES) -> dict[str, str]:
    """Installed Debian package versions ("" when missing), for the record: asked once
    per process, in one `dpkg-query` (it was one call per package and engine, 0.12 s of
    a 1 s re-run that found everything in the cache)."""
    return dict(_debian_versions(tuple(packages)))


@functools.lru_cache(maxsize=8)
def _debian_versions(packages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Version}\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    found = dict(
        line.split(" ", 1) for line in result.stdout.splitlines() if " " in line.strip()
    )
    return tuple((pkg, found.get(pkg, "").strip()) for pkg in packages)
