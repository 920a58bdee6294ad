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
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pipeline.agenda.manifest import is_web_address
from pipeline.agenda.rules import AgendaItem
from pipeline.agenda.sources import read_agenda
from pipeline.errors import ManifestError
from pipeline.types import Event, Recording, Session


@dataclass(frozen=True)
class Start:
    """When a recording started, and who says so."""

    recording: Path
    at: datetime | None
    source: str  # "manifest", "container creation_time", "first agenda item", ""


@dataclass(frozen=True)
class Placed:
    """An agenda item and the session it became (None: outside every recording)."""

    item: AgendaItem
    session: Session | None


def recording_starts(
    event: Event,
    container_started: Mapping[Path, datetime | None],
    first_item: datetime | None = None,
) -> tuple[Start, ...]:
    """Each recording's start: its manifest `started`, else its container's, else (one
    recording and an agenda) the first item's start."""
    out = []
    for recording in event.recordings:
        if recording.started is not None:
            out.append(Start(recording.file, recording.started, "manifest"))
        elif (found := container_started.get(recording.file)) is not None:
            out.append(Start(recording.file, found, "container creation_time"))
        elif first_item is not None and len(event.recordings) == 1:
            out.append(Start(recording.file, first_item, "first agenda item"))
        else:
            out.append(Start(recording.file, None, ""))
    return tuple(out)


def agenda_placement(
    event: Event,
    durations_ms: Mapping[Path, int],
    container_started: Mapping[Path, datetime | None],
) -> tuple[tuple[Start, ...], tuple[Placed, ...], tuple[str, ...]]:
    """(recording starts, every agenda item with its session, notes) for an event
    whose manifest names an agenda."""
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
    starts = recording_starts(event, container_started, agenda.items[0].start)
    notes: list[str] = []
    for start in starts:
        if start.at is None:
            raise ManifestError(
                f"{where}: {start.recording.name} does not say when it started: "
                "set [[recording]] started = 2021-03-25T15:00:00+01:00"
            )
        if start.source == "first agenda item":
            notes.append(
                f"{where}: {start.recording.name} does not say when it started; taken as the "
                f"first item's start ({start.at.isoformat()}): set [[recording]] started"
            )
    at = {s.recording: s.at for s in starts if s.at is not None}
    placed: list[Placed] = []
    count = 0
    for item in agenda.items:
        spot = _place(item, event.recordings, at, durations_ms)
        if spot is None:
            notes.append(
                f"{where}: {item.start.isoformat()} {item.title!r} is outside every "
                "recording; not transcribed"
            )
            placed.append(Placed(item, None))
            continue
        recording, start_ms, end_ms = spot
        count += 1
        session = Session(
            index=count,
            title=item.title,
            recording=recording.file,
            start_ms=start_ms,
            end_ms=end_ms,
            speakers=item.speakers,
            language=item.language if item.language in event.languages else None,
            links=tuple(link for link in item.links if is_web_address(link)),
        )
        placed.append(Placed(item, session))
    if not count:
        raise ManifestError(f"{where}: no agenda item lies in a recording")
    return starts, tuple(placed), tuple(notes)


def agenda_sessions(
    event: Event,
    durations_ms: Mapping[Path, int],
    container_started: Mapping[Path, datetime | None],
) -> tuple[tuple[Session, ...], tuple[str, ...]]:
    """(sessions, notes) for an event whose manifest names an agenda."""
    _, placed, notes = agenda_placement(event, durations_ms, container_started)
    return tuple(p.session for p in placed if p.session is not None), notes


def _place(
    item: AgendaItem,
    recordings: tuple[Recording, ...],
    starts: Mapping[Path, datetime],
    durations_ms: Mapping[Path, int],
) -> tuple[Recording, int, int] | None:
    """The recording that holds most of the item, and the item's span in it."""
    best: tuple[int, Recording, int, int] | None = None
    for recording in recordings:
        span = span_in(item, starts[recording.file], durations_ms[recording.file])
        if span is not None and (best is None or span[1] - span[0] > best[0]):
            best = (span[1] - span[0], recording, *span)
    return None if best is None else best[1:]


def span_in(
    item: AgendaItem, started: datetime, length_ms: int | None
) -> tuple[int, int] | None:
    """The item's start and end in ms of a recording that started at `started` and
    lasts `length_ms` (None: as long as it takes), clipped to it; None outside it."""
    start = round((item.start - started).total_seconds() * 1000)
    end = round((item.end - started).total_seconds() * 1000)
    span = (max(start, 0), end if length_ms is None else min(end, length_ms))
    return span if span[1] > span[0] else None
