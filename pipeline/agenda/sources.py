"""Read an agenda file of any kind we know, chosen by its name or, failing that, by
what it starts with."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.agenda.rules import Agenda, select
from pipeline.agenda.schedule import read_schedule_json, read_schedule_xml
from pipeline.agenda.table import read_table
from pipeline.errors import AgendaError

KINDS = ".json (pretalx/frab), .xml (frab), .ics (iCalendar), .csv"


def read_agenda(
    path: Path,
    *,
    timezone: str | None = None,
    room: str | None = None,
    day: date | None = None,
) -> Agenda:
    """The agenda in `path`, limited to one room and one day when asked; `timezone`
    reads the times that carry none (older frab XML, floating iCalendar times, CSV)."""
    path = Path(path)
    if not path.is_file():
        raise AgendaError(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
    kind = path.suffix.casefold() or _sniff(path)
    if kind == ".json":
        agenda = read_schedule_json(path, timezone)
    elif kind == ".xml":
        agenda = read_schedule_xml(path, timezone)
    elif kind in (".ics", ".ical", ".ifb"):
        from pipeline.agenda.ical import read_ical

        agenda = read_ical(path, timezone)
    elif kind in (".csv", ".tsv", ".txt"):
        agenda = read_table(path, timezone, day)
    else:
        raise AgendaError(f"{path}: not an agenda file we read ({KINDS})")
    return select(agenda, room, day)


def _sniff(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return ".json"
    if head.startswith(b"<"):
        return ".xml"
    if head.upper().startswith(b"BEGIN:VCALENDAR"):
        return ".ics"
    return ".csv"
