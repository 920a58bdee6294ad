"""Files: crash-safe writes (readers see the old file or the new one, never half of
one), link-or-copy, content hashes and names that are safe as folder names."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import OutputsError

_NEW_FILE_MODE = 0o644  # mkstemp creates 0600; outputs are meant to be shared or served


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temp path beside `path` for a writer (ffmpeg, pydub, a copy) to fill; when the
    block ends without an error it is fsynced, given `path`'s permissions (0644 when
    new) and renamed over `path` in one step, else it is removed. Readers see the old
    file or the new one, never half of one, and no temp file is left behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write `data` (str as UTF-8) to `path` atomically (see `atomic_path`)."""
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with atomic_path(path) as tmp, open(tmp, "wb") as out:
        out.write(payload)


def atomic_copy(source: Path, target: Path) -> Path:
    """A copy of `source` at `target`, replaced in one step."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
    return target


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


# What the machine can do to a write that no check beforehand can rule out: the disk
# fills up, the folder turns read-only, a quota or a permission bites mid-run.
_MACHINE_FAULTS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EFBIG}
)


@contextlib.contextmanager
def machine_faults(where: Path | str) -> Iterator[None]:
    """Turn such an OSError (no room, read-only, no permission) into one OutputsError
    line naming the file; anything else (a bug) goes on as it was. What was written
    before stays: the run resumes from it."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _MACHINE_FAULTS:
            raise
        reason = (exc.strerror or str(exc)).lower()
        raise OutputsError(
            exc.filename or where, f"{reason}: fix that and run again (finished work is kept)"
        ) from None


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


def sha256_file(path: Path) -> str:
    """Content hash of a file: recordings (stage cache keys) and model files."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def slugify(text: str, max_len: int = 60) -> str:
    """Lower-case, dash-separated letters and digits: safe as a folder name on every OS.

    ASCII when the text has any ASCII letter or digit ("Café" -> "cafe"); else its own
    letters ("Пленарное заседание" -> "пленарное-заседание", "会議" -> "会議"), so two
    events titled without Latin letters do not share a folder; text without any letter
    or digit (emoji only) gets "untitled-" and a short hash of it.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        letters = unicodedata.normalize("NFC", text).casefold()
        slug = "-".join(m.group(0) for m in re.finditer(r"[^\W_]+", letters))
    if not slug:
        if not text.strip():
            return "untitled"
        return "untitled-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return slug[:max_len].rstrip("-")


# -- names and paths read back from published files -------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME_BYTES = 255  # what every common file system takes in one name
MAX_PATH_BYTES = 4096  # PATH_MAX on Linux: longer paths fail in the OS, not here


def name_problem(value: object) -> str | None:
    """Why `value` is not one harmless path segment (a folder or file name), else None.

    Names read back from published files become paths: none may climb (`..`), hide
    (`.cache`, the stage cache), or carry a separator or a control character.
    """
    if not isinstance(value, str):
        return "not a string"
    if not value:
        return "empty name"
    if "\x00" in value:
        return "NUL byte"
    if "\\" in value:
        return "backslash"
    if "/" in value:
        return "slash in a name"
    if _CONTROL.search(value):
        return "control character"
    if value == "..":
        return "'..' segment"
    if value.startswith("."):
        return f"hidden name {value!r}"
    return _encoding_problem(value, MAX_NAME_BYTES)


def _encoding_problem(value: str, limit: int) -> str | None:
    """Names the OS would refuse with an error instead of an answer: text that is not
    UTF-8 (a lone surrogate from JSON) or too long to be a name or a path."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        return "not UTF-8 text"
    return f"longer than {limit} bytes" if size > limit else None


def relpath_problem(folder: Path, value: object) -> str | None:
    """Why `value` is not a POSIX path relative to `folder` that stays inside it, else
    None: no absolute path, no `..`, hidden or empty segment, no backslash or control
    character, and no symlink on the way leading out of `folder`."""
    if not isinstance(value, str):
        return "not a string"
    if not value:
        return "empty path"
    if "\x00" in value:
        return "NUL byte"
    if "\\" in value:
        return "backslash"
    if value.startswith("/"):
        return "absolute path"
    for part in value.split("/"):
        problem = "empty segment" if not part else name_problem(part)
        if problem:
            return problem
    return _encoding_problem(value, MAX_PATH_BYTES) or target_problem(folder, Path(folder) / value)


def target_problem(folder: Path, path: Path) -> str | None:
    """Why what `path` leads to (through any symlink) must not be read as part of
    `folder`, else None: it is outside `folder`, or hidden inside it (the stage cache).
    The name asked for proves nothing: a symlink named `x.json` may lead into
    `.cache/` or to the search database beside the events."""
    try:
        inside = Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return "a symlink leads outside the folder"
    except (OSError, RuntimeError) as exc:  # a symlink loop, an unreadable folder
        return f"cannot be resolved ({exc.__class__.__name__})"
    if any(part.startswith(".") for part in inside.parts):
        return "a symlink leads to a hidden file"
    return None


def safe_name(value: object) -> str | None:
    """`value` if it is one harmless path segment (see `name_problem`), else None."""
    return value if isinstance(value, str) and name_problem(value) is None else None


def safe_relpath(folder: Path, value: object) -> str | None:
    """`value` if it is a path inside `folder` (see `relpath_problem`), else None."""
    return value if isinstance(value, str) and relpath_problem(folder, value) is None else None


# What `atomic_path` names its temporary files: `.<name>.<8 random>.<suffix>`.
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.(tmp|m4a)$")


def remove_stale_temps(folder: Path) -> int:
    """Delete the temporary files an interrupted run (`kill -9`, a power cut) left
    under `folder`; returns how many. Run before a run writes, never during one."""
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.rglob(".*"):
        if _TEMP_NAME.match(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
