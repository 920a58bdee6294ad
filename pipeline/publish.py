"""Media published beside the outputs: each session's audio, and the recording
itself for replay pages (nothing outside outputs/ is ever served)."""

from __future__ import annotations

from pathlib import Path

from pipeline.cache import cache_key
from pipeline.context import RunContext
from pipeline.media import export_session_audio
from pipeline.types import Recording, Session
from pipeline.writers import atomic_write_json
from pipeline.writers.atomic import atomic_link_or_copy


def publish_recording(source: Path, folder: Path) -> Path:
    """The recording beside the outputs (hard link when possible, else a copy), so that
    replay pages and a static site can play it: nothing outside outputs/ is served."""
    dest = folder / source.name
    stat = source.stat()
    if dest.is_file() and dest.stat().st_size == stat.st_size:
        if dest.samefile(source) or dest.stat().st_mtime >= stat.st_mtime:
            return dest
    return atomic_link_or_copy(source, dest)


def session_audio(ctx: RunContext, recording: Recording, session: Session, folder: Path) -> Path:
    """Cut the session's audio once; the stamp in the cache says it matches its source."""
    dest = folder / "session.m4a"
    key = cache_key(
        "session-audio-v2",
        ctx.digest(recording.file),
        recording.stream,
        session,
        ctx.event.title,
    )
    cache = ctx.cache
    stamp = cache.folder / "session-audio" / f"{key}.json" if cache.folder else None
    if dest.is_file() and stamp is not None and stamp.is_file():
        return dest
    tags = {
        "title": session.title,
        "album": ctx.event.title,
        "artist": "; ".join(session.speakers),
        "track": str(session.index),
    }
    export_session_audio(recording, session.start_ms, session.end_ms, dest, tags)
    if stamp is not None:
        atomic_write_json(stamp, {"file": str(dest.name)})
    return dest
