"""Output writers: session subtitles/transcripts, full-recording tracks, the event index.

Each format is a `Writer` (extension + pure `render(track, event) -> str`);
`WRITERS` maps extension -> writer, and every file is written atomically.
"""

from __future__ import annotations

from pipeline.fsio import atomic_write, atomic_write_json
from pipeline.writers.base import Writer
from pipeline.writers.chapters import write_chapters
from pipeline.writers.index import IndexEntry, write_event_index
from pipeline.writers.session import WRITERS, write_session_track
from pipeline.writers.vtt import write_recording_track

__all__ = [
    "WRITERS",
    "IndexEntry",
    "Writer",
    "atomic_write",
    "atomic_write_json",
    "write_chapters",
    "write_event_index",
    "write_recording_track",
    "write_session_track",
]
