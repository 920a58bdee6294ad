"""Sessions from the agenda a manifest points at (`[event] agenda`), placed in the
recordings by wall-clock time.

A recording started at its `started` time, else at its container's `creation_time`;
with one recording and neither, at the first item's start (said in a note). Each item
goes to the recording that holds most of it (a talk that began just before a second
recording was started belongs to the second); items outside every recording are listed
in the notes, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from pipeline.agenda.rules import AgendaItem
from pipeline.agenda.sources import read_agenda
from pipeline.errors import ManifestError
from pipeline.types import Event, Recording, Session


def agenda_sessions(
    event: Event,
    durations_ms: Mapping[Path, int],
    container_started: Mapping[Path, datetime | None],
) -> tuple[tuple[Session, ...], tuple[str, ...]]:
    """(sessions, notes) for an event whose manifest names an agenda."""
    ref = event.agenda
    assert ref is not None
    day = date.fromisoformat(event.date) if event.date else None
    agenda = read_agenda(ref.path, timezone=ref.timezone, room=ref.room, day=day)
    where = f"{event.manifest_path or 'manifest'}: [event] agenda"
    if ref.room is None and len(agenda.rooms) > 1:
        raise ManifestError(
            f"{where}: {ref.path.name} has {len(agenda.rooms)} rooms "
            f"({', '.join(agenda.rooms[:5])}{', ...' if len(agenda.rooms) > 5 else ''}): "
            "name the recorded one with [event] room"
        )
    notes: list[str] = []
    starts: dict[Path, datetime] = {}
    for recording in event.recordings:
        started = recording.started or container_started.get(recording.file)
        if started is None and len(event.recordings) == 1:
            started = agenda.items[0].start
            notes.append(
                f"{where}: {recording.file.name} does not say when it started; taken as the "
                f"first item's start ({started.isoformat()}): set [[recording]] started"
            )
        if started is None:
            raise ManifestError(
                f"{where}: {recording.file.name} does not say when it started: "
                "set [[recording]] started = 2021-03-25T15:00:00+01:00"
            )
        starts[recording.file] = started
    sessions: list[Session] = []
    for item in agenda.items:
        placed = _place(item, event.recordings, starts, durations_ms)
        if placed is None:
            notes.append(
                f"{where}: {item.start.isoformat()} {item.title!r} is outside every "
                "recording; not transcribed"
            )
            continue
        recording, start_ms, end_ms = placed
        sessions.append(
            Session(
                index=len(sessions) + 1,
                title=item.title,
                recording=recording.file,
                start_ms=start_ms,
                end_ms=end_ms,
                speakers=item.speakers,
                language=item.language if item.language in event.languages else None,
            )
        )
    if not sessions:
        raise ManifestError(f"{where}: no agenda item lies in a recording")
    return tuple(sessions), tuple(notes)


def _place(
    item: AgendaItem,
    recordings: tuple[Recording, ...],
    starts: Mapping[Path, datetime],
    durations_ms: Mapping[Path, int],
) -> tuple[Recording, int, int] | None:
    """The recording that holds most of the item, and the item's span in it."""
    best: tuple[int, Recording, int, int] | None = None
    for recording in recordings:
        length = durations_ms[recording.file]
        start = round((item.start - starts[recording.file]).total_seconds() * 1000)
        end = round((item.end - starts[recording.file]).total_seconds() * 1000)
        span = (max(start, 0), min(end, length))
        if span[1] > span[0] and (best is None or span[1] - span[0] > best[0]):
            best = (span[1] - span[0], recording, *span)
    return None if best is None else best[1:]
