"""A WebVTT chapters track per recording: one cue per agenda session, in recording time.

Players use it for `<track kind="chapters">` navigation in the full recording.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.fsio import atomic_write
from pipeline.types import Event, Session
from pipeline.writers.provenance import event_line
from pipeline.writers.timed import TimedCue, clean_lines
from pipeline.writers.vtt import render_cues


def _sessions_of(event: Event, recording: Path) -> list[Session]:
    recording = Path(recording)
    sessions = [s for s in event.sessions if s.recording == recording]
    if not sessions:  # the same file given by another path (relative vs absolute)
        sessions = [s for s in event.sessions if s.recording.name == recording.name]
    return sorted(sessions, key=lambda s: (s.start_ms, s.index))


def chapter_cues(event: Event, recording: Path) -> list[TimedCue]:
    """One cue per session of `recording` with a duration, id = slug, text = title."""
    cues = []
    for session in _sessions_of(event, recording):
        if session.end_ms <= session.start_ms:
            continue
        title = " ".join(clean_lines([session.title])) or f"Session {session.index}"
        cues.append(
            TimedCue(
                identifier=session.slug,
                start_ms=session.start_ms,
                end_ms=session.end_ms,
                lines=(title,),
                recording_start_ms=session.start_ms,
                recording_end_ms=session.end_ms,
            )
        )
    return cues


def render_chapters(event: Event, recording: Path) -> str:
    notes = [
        f"Chapters track for {Path(recording).name}: one cue per agenda session.",
        f"Event: {event_line(event)}",
        "Times are recording time.",
    ]
    return render_cues(chapter_cues(event, recording), notes)


def write_chapters(event: Event, recording: Path, path: Path) -> Path:
    """Write the chapters track of `recording` to `path` (atomically); returns `path`."""
    path = Path(path)
    atomic_write(path, render_chapters(event, recording))
    return path
