"""Crash-safe file writes: readers see the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_NEW_FILE_MODE = 0o644  # mkstemp creates 0600; outputs are meant to be shared or served


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write `data` (str as UTF-8) to `path` via a temp file in the same folder.

    The temp file is flushed and fsynced before `os.replace`, which is atomic on
    one file system, so a crash or an error leaves either the old file or the new
    one at `path`, and no temp file behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    mode = _mode_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(payload)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def atomic_link_or_copy(source: Path, target: Path) -> Path:
    """Put `source` at `target` as a hard link (a copy across file systems), replacing
    what was there in one step: a large recording is never duplicated on disk when it
    need not be, and never seen half-copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copy2(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def to_json_text(obj: Any) -> str:
    """The one JSON layout of every output: UTF-8 text as is, indented, newline-ended."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def atomic_write_json(path: Path, obj: Any) -> None:
    """`atomic_write` of `obj` as JSON (see `to_json_text`)."""
    atomic_write(path, to_json_text(obj))


def _mode_for(path: Path) -> int:
    """Keep the permissions of a file being replaced; new files get 0644."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return _NEW_FILE_MODE


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself; best effort, as some systems cannot open folders."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
