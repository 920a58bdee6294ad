"""What every agenda reader produces and checks: items in wall-clock time.

Organisers keep agendas in a conference tool (pretalx and frab export `schedule.json`
and `schedule.xml`), a calendar invite (`.ics`) or a spreadsheet (CSV), always in
wall-clock time. Each format has a small reader (`schedule.py`, `ical.py`, `table.py`);
they share these records and checks, so a mistake reads the same whatever the format:
one line naming the file and the item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import AgendaError

MAX_ITEM = timedelta(hours=24)  # longer is a typo (a wrong date), not a session
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # line breaks and tabs are spaces


@dataclass(frozen=True)
class AgendaItem:
    """One talk or agenda point, its times aware of their time zone."""

    title: str
    start: datetime
    end: datetime
    speakers: tuple[str, ...] = ()
    language: str | None = None
    room: str | None = None
    links: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Agenda:
    """What an agenda file holds: its items in time order, and where it came from."""

    source: Path
    kind: str  # "pretalx/frab JSON", "frab XML", "iCalendar", "CSV"
    title: str
    items: tuple[AgendaItem, ...]
    timezone: str | None = None  # the conference's, when the file names one
    description: str = ""
    ignored: tuple[str, ...] = ()  # a sheet's columns that are none of ours, as named

    @property
    def rooms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.room for i in self.items if i.room))


def zone(name: str, where: str) -> ZoneInfo:
    """The IANA time zone `name` (e.g. "Europe/Brussels"); AgendaError if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AgendaError(f"{where}: unknown time zone {name!r} (e.g. Europe/Brussels)") from None


def duration(text: str, where: str) -> timedelta:
    """'HH:MM', 'HH:MM:SS' or minutes ('45') as a duration."""
    value = str(text).strip()
    if re.fullmatch(r"\d+", value):
        return timedelta(minutes=int(value))
    match = re.fullmatch(r"(\d+):([0-5]\d)(?::([0-5]\d))?", value)
    if not match:
        raise AgendaError(f"{where}: duration {value!r} is not HH:MM or minutes")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def checked(item: AgendaItem, where: str) -> AgendaItem:
    """The item, or AgendaError saying what is wrong with it."""
    if not item.title.strip():
        raise AgendaError(f"{where}: has no title")
    for name, text in (("title", item.title), ("room", item.room or ""),
                       *(("speaker", s) for s in item.speakers)):  # fmt: skip
        if _CONTROL.search(text):
            raise AgendaError(f"{where}: its {name} holds a control character (NUL, escape)")
    for name, value in (("start", item.start), ("end", item.end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise AgendaError(f"{where}: {name} {value.isoformat()} has no time zone")
    if item.end <= item.start:
        raise AgendaError(f"{where}: ends ({item.end.isoformat()}) before it starts")
    if item.end - item.start > MAX_ITEM:
        raise AgendaError(f"{where}: lasts more than 24 hours ({item.end - item.start})")
    return replace(item, title=" ".join(item.title.split()))


def select(agenda: Agenda, room: str | None = None, day: date | None = None) -> Agenda:
    """The agenda's items in one room and on one day (in the item's own time zone);
    AgendaError naming the rooms or days there are when nothing is left."""
    items = agenda.items
    if room is not None:
        items = tuple(i for i in items if (i.room or "").casefold() == room.casefold())
        if not items:
            rooms = ", ".join(agenda.rooms) or "none named"
            raise AgendaError(f"{agenda.source}: no item in room {room!r} (rooms: {rooms})")
    if day is not None:
        kept = tuple(i for i in items if i.start.date() == day)
        if not kept:
            days = ", ".join(sorted({i.start.date().isoformat() for i in items}))
            raise AgendaError(f"{agenda.source}: no item on {day.isoformat()} (days: {days})")
        items = kept
    return replace(agenda, items=in_order(items))


def in_order(items: Sequence[AgendaItem]) -> tuple[AgendaItem, ...]:
    return tuple(sorted(items, key=lambda i: (i.start, i.end, i.title)))
