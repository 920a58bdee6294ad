"""An event's resolved timeline (`webconf agenda show`): every session in recording
time and in wall-clock time, and where each time came from, before any model work."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.agenda.check import aligned
from pipeline.agenda.manifest import load_manifest, resolve_against_media
from pipeline.agenda.resolve import Start, agenda_placement, recording_starts
from pipeline.agenda.rules import AgendaItem
from pipeline.media.channels import check_media
from pipeline.outputs.layout import INDEX_FILE
from pipeline.outputs.read import BoundaryEntry, read_event
from pipeline.timecode import agenda_time
from pipeline.types import Event, Session


@dataclass(frozen=True)
class Row:
    session: Session
    source: str  # where its times come from: "agenda", "manifest" or "alignment"
    wall_start: datetime | None  # None: the recording's start is not known
    wall_end: datetime | None


@dataclass(frozen=True)
class Timeline:
    event: Event
    starts: tuple[Start, ...]
    rows: tuple[Row, ...]
    outside: tuple[AgendaItem, ...]
    zone: tzinfo | None  # wall-clock times are shown in it
    suggested: tuple[BoundaryEntry, ...] = ()  # the last run's, not applied


def event_timeline(manifest: Path | str, outputs: Path | str | None = None) -> Timeline:
    """The manifest's sessions resolved against its media (probed, not decoded); with
    `outputs`, the last run's agenda check too: boundaries it moved (--align-agenda)
    are shown where they went, those it only suggested with the suggestion."""
    event = load_manifest(manifest)
    media = check_media(event)
    checks = _last_check(Path(outputs) / event.slug) if outputs is not None else ()
    outside: tuple[AgendaItem, ...] = ()
    sessions_from = event
    if event.agenda is not None:  # read once: resolving would read it again
        starts, items, _ = agenda_placement(event, media.durations_ms, media.started)
        outside = tuple(p.item for p in items if p.session is None)
        sessions_from = replace(event, sessions=tuple(p.session for p in items if p.session))
    else:
        starts = recording_starts(event, media.started)
    resolved = resolve_against_media(sessions_from, media.durations_ms, media.started)
    at = {s.recording: s.at for s in starts}
    applied = [(c.before, c.after, c.suggested_ms) for c in checks if c.applied]
    realigned = {index for before, after, _ in applied for index in (before, after)}
    planned = "agenda" if event.agenda is not None else "manifest"
    rows = []
    for session in aligned(resolved.sessions, applied):
        began = at.get(session.recording)
        source = "alignment" if session.index in realigned else planned
        rows.append(
            Row(
                session=session,
                source=source,
                wall_start=began + timedelta(milliseconds=session.start_ms) if began else None,
                wall_end=began + timedelta(milliseconds=session.end_ms) if began else None,
            )
        )
    zone = ZoneInfo(event.timezone) if event.timezone else None
    if zone is None:
        zone = next((s.at.tzinfo for s in starts if s.at is not None), None)
    suggested = tuple(c for c in checks if not c.applied and c.suggested_ms != c.agenda_ms)
    return Timeline(resolved, starts, tuple(rows), outside, zone, suggested)


def _last_check(event_dir: Path) -> tuple[BoundaryEntry, ...]:
    """The agenda check of the event's last run, () when it has not run there."""
    if not (event_dir / INDEX_FILE).is_file():
        return ()
    index = read_event(event_dir)
    return index.agenda_check if index is not None else ()


def format_timeline(timeline: Timeline) -> str:
    """The timeline as plain text, one block per recording."""
    event = timeline.event
    head = event.title + (f" ({event.date})" if event.date else "")
    head += f"; wall-clock times in {event.timezone}" if event.timezone else ""
    lines = [head]
    for start in timeline.starts:
        began = (
            f"started {_wall(start.at, timeline.zone, seconds=True)} ({start.source})"
            if start.at
            else "start not known (set [[recording]] started)"
        )
        lines += ["", f"{start.recording.name}: {began}"]
        for row in (r for r in timeline.rows if r.session.recording == start.recording):
            s = row.session
            wall = (
                f"{_wall(row.wall_start, timeline.zone)} - {_wall(row.wall_end, timeline.zone)}"
                if row.wall_start and row.wall_end
                else "-"
            )
            lines.append(
                f"  {s.index:>2}  {agenda_time(s.start_ms)} - {agenda_time(s.end_ms)}"
                f"   {wall}   from the {row.source}   {s.title}"
            )
            if s.speakers:
                lines.append(f"      speakers: {', '.join(s.speakers)}")
            lines += [f"      link: {link}" for link in s.links]
    for check in timeline.suggested:
        lines.append(
            f"the last run suggests session {check.after} start at "
            f"{agenda_time(check.suggested_ms)}, not {agenda_time(check.agenda_ms)}: "
            f"{'; '.join(check.reasons)} (run with --align-agenda to move it)"
        )
    if timeline.outside:
        lines += ["", "outside every recording (not transcribed):"]
        lines += [
            f"  {_wall(item.start, timeline.zone)}  {item.title}" for item in timeline.outside
        ]
    return "\n".join(lines)


def _wall(moment: datetime | None, zone: tzinfo | None, seconds: bool = False) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(zone) if zone is not None else moment
    text = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%H:%M")
    return f"{text} {local.strftime('%z')[:3]}:{local.strftime('%z')[3:]}" if seconds else text
