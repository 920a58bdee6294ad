"""Agenda from a calendar invite (.ics), refusing what cannot be placed on a recording.

Calendar exports hold much that a recording cannot use: all-day entries, repeating
series, floating times that mean nothing without a zone, lines that icalendar quietly
drops. Each is either skipped on purpose or refused in one line naming the file and the
event, so that an imported agenda is never silently shifted by an hour or short of a talk.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from datetime import timezone as fixed_offset
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Component

from pipeline.agenda.rules import Agenda, AgendaItem, checked, in_order, zone
from pipeline.errors import AgendaError

REPEATS = ("RRULE", "RDATE", "RECURRENCE-ID")  # a series, or one occurrence of a series


def read_ical(path: Path, timezone: str | None = None) -> Agenda:
    """The timed events of the iCalendar file `path`, floating times read in `timezone`
    (else in the calendar's X-WR-TIMEZONE); all-day events are skipped. AgendaError, one
    line naming the file, when the file holds nothing usable or an event cannot be timed."""
    calendars = _calendars(path)
    named = _calendar_text(calendars, "X-WR-TIMEZONE")
    floating, hint = None, "give one with --timezone Europe/Brussels"
    if timezone is not None:
        floating = zone(timezone, str(path))
    elif named:
        try:
            floating = ZoneInfo(named)
        except (ZoneInfoNotFoundError, ValueError):
            hint += f" (the calendar's X-WR-TIMEZONE {named!r} is not a known time zone)"

    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    items, all_day = [], 0
    for number, event in enumerate(events, 1):
        summary = _text(event, "SUMMARY")
        where = f"{path}: event {summary!r}" if summary.strip() else f"{path}: event #{number}"
        item = _item(event, where, floating, hint)
        if item is None:
            all_day += 1
        else:
            items.append(checked(item, where))
    if not items:
        if all_day:
            raise AgendaError(
                f"{path}: holds only all-day events ({all_day}), which cannot be placed on a "
                "recording; give the sessions start and end times"
            )
        raise AgendaError(f"{path}: holds no events (VEVENT)")

    summaries = (_text(event, "SUMMARY").strip() for event in events)
    return Agenda(
        source=path,
        kind="iCalendar",
        title=_calendar_text(calendars, "X-WR-CALNAME") or next(filter(None, summaries), path.stem),
        items=in_order(items),
        timezone=timezone or (named if floating else None),
        description=_calendar_text(calendars, "X-WR-CALDESC"),
    )


def _calendars(path: Path) -> list[Component]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AgendaError(f"{path}: file not found") from None
    except OSError as error:
        raise AgendaError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AgendaError(f"{path}: line {line} is not UTF-8 text; save it as UTF-8") from None
    try:  # bytes: icalendar would take a one-line str for the name of a file to open
        found = Calendar.from_ical(text.encode("utf-8"), multiple=True)
    except ValueError as error:
        raise AgendaError(f"{path}: not a readable iCalendar file ({_one_line(error)})") from None
    calendars = [component for component in found if component.name == "VCALENDAR"]
    if not calendars:
        raise AgendaError(
            f"{path}: not an iCalendar file (no complete BEGIN:VCALENDAR ... END:VCALENDAR)"
        )
    return calendars


def _item(event: Component, where: str, floating: ZoneInfo | None, hint: str) -> AgendaItem | None:
    """The event as an unchecked item; None for an all-day event."""
    if problem := _broken(event):
        raise AgendaError(f"{where}: a line cannot be read ({problem})")
    if "DTSTART" not in event:
        raise AgendaError(f"{where}: has no start (DTSTART)")
    if not isinstance(event.decoded("DTSTART"), datetime):
        return None  # skipped even when it repeats: it would never be placed anyway
    for key in REPEATS:
        if key in event:
            raise AgendaError(
                f"{where} repeats ({key}); export the one occurrence to import, "
                "recurring events are not expanded"
            )
    start = _moment(event, "DTSTART", where, floating, hint)
    if "DTEND" in event:
        end = _moment(event, "DTEND", where, floating, hint)
    elif "DURATION" in event:  # exact time, also across a change to or from summer time
        end = (start.astimezone(UTC) + event.decoded("DURATION")).astimezone(start.tzinfo)
    else:
        raise AgendaError(
            f"{where}: has a start but no end (DTEND or DURATION); an agenda item needs both"
        )
    summary = _values(event, "SUMMARY")
    return AgendaItem(
        title=_text(event, "SUMMARY"),
        start=start,
        end=end,
        speakers=_speakers(event),
        language=summary[0].params.get("LANGUAGE") if summary else None,
        room=_text(event, "LOCATION").strip() or None,
        links=tuple(str(url) for url in _values(event, "URL")),
        description=_text(event, "DESCRIPTION"),
    )


def _moment(
    event: Component, key: str, where: str, floating: ZoneInfo | None, hint: str
) -> datetime:
    """DTSTART or DTEND as an aware datetime whose zone is a ZoneInfo or a fixed offset."""
    value = event.decoded(key)
    if not isinstance(value, datetime):
        raise AgendaError(f"{where}: {key} {value.isoformat()} is a date without a time of day")
    if isinstance(value.tzinfo, ZoneInfo):
        return value
    offset = value.utcoffset()
    if offset is not None:  # a zone the file defines itself (VTIMEZONE), e.g. "(UTC-03:00) X"
        return value.astimezone(fixed_offset(offset, value.tzname()))
    tzid = event[key].params.get("TZID")
    if tzid:
        return value.replace(tzinfo=zone(tzid, where))
    if floating is None:
        raise AgendaError(f"{where} has a floating time (no time zone); {hint}")
    return value.replace(tzinfo=floating)


def _speakers(event: Component) -> tuple[str, ...]:
    names = (
        attendee.params.get("CN") or re.sub(r"(?i)^mailto:", "", str(attendee))
        for attendee in _values(event, "ATTENDEE")
    )
    return tuple(dict.fromkeys(name.strip() for name in names if name.strip()))


def _values(component: Component, key: str) -> list:
    """The property `key` as a list: icalendar gives a list only when it is repeated."""
    value = component.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(component: Component, key: str) -> str:
    values = _values(component, key)
    return str(values[0]) if values else ""


def _calendar_text(calendars: list[Component], key: str) -> str:
    return next((text for c in calendars if (text := _text(c, key).strip())), "")


def _broken(component: Component) -> str | None:
    """The first line icalendar could not read in the component, if any."""
    problems = [problem for part in component.walk() for _, problem in part.errors]
    return _one_line(problems[0]) if problems else None


def _one_line(text: object) -> str:
    return " ".join(str(text).split())
