"""Conference schedules as pretalx, frab and the CCC hub export them.

`schedule.json` follows the C3VOC schema (conference -> days -> rooms -> events, or,
from the hub, one list of events beside the days) and `schedule.xml` the frab one.
An event's `date` carries its UTC offset in both; older frab XML gives only the day's
date and the `start` clock time, which are read in the conference's `time_zone_name`
or, without one, the time zone the organiser names (FOSDEM 2018's export has neither).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.agenda.rules import Agenda, AgendaItem, checked, duration, in_order, zone
from pipeline.errors import AgendaError

JSON_KIND = "pretalx/frab JSON"
XML_KIND = "frab XML"


def read_schedule_json(path: Path, timezone: str | None = None) -> Agenda:
    """A pretalx/frab/hub `schedule.json` as an agenda (every room, every day)."""
    data = _json(path)
    schedule = data.get("schedule") if isinstance(data, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict):
        raise AgendaError(f"{path}: not a pretalx/frab schedule.json (no schedule.conference)")
    tz_name = _text(conference.get("time_zone_name")) or timezone
    tz = zone(tz_name, f"{path}: conference.time_zone_name") if tz_name else None
    items = [
        _json_item(path, event, where, tz) for where, event in _json_events(path, schedule)
    ]
    if not items:
        raise AgendaError(f"{path}: the schedule holds no events")
    return Agenda(
        source=path,
        kind=JSON_KIND,
        title=_text(conference.get("title")) or path.stem,
        items=in_order(items),
        timezone=tz_name,
        description=_text(conference.get("description")),
    )


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise AgendaError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise AgendaError(f"{path}: is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise AgendaError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise AgendaError(f"{path}: not valid JSON (nested too deeply)") from None


def _json_events(path: Path, schedule: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(where, event) for every event, wherever this exporter put them."""
    days = schedule["conference"].get("days") or []
    if not isinstance(days, list):
        raise AgendaError(f"{path}: conference.days is not a list")
    for d, day in enumerate(days):
        rooms = day.get("rooms") if isinstance(day, dict) else None
        if rooms is None:
            continue
        if not isinstance(rooms, dict):
            raise AgendaError(f"{path}: conference.days[{d}].rooms is not a mapping of rooms")
        for room, events in rooms.items():
            if not isinstance(events, list):
                raise AgendaError(f"{path}: days[{d}].rooms[{room!r}] is not a list of events")
            for e, event in enumerate(events):
                yield f"days[{d}].rooms[{room!r}][{e}]", event
    events = schedule.get("events") or []  # the hub's export
    if not isinstance(events, list):
        raise AgendaError(f"{path}: schedule.events is not a list")
    for e, event in enumerate(events):
        yield f"events[{e}]", event


def _json_item(path: Path, event: Any, where: str, tz: ZoneInfo | None) -> AgendaItem:
    if not isinstance(event, dict):
        raise AgendaError(f"{path}: {where} is not an event object")
    title = _text(event.get("title"))
    where = f"{path}: {where} {title!r}" if title else f"{path}: {where}"
    stamp = _text(event.get("date"))
    if not stamp and "T" in _text(event.get("start")):  # the hub: start and end stamps
        stamp = _text(event.get("start"))
    if not stamp:
        raise AgendaError(f"{where}: has no date")
    start = _moment(stamp, tz, where)
    if _text(event.get("duration")):
        end = start + duration(_text(event["duration"]), where)
    elif "T" in _text(event.get("end")):
        end = _moment(_text(event["end"]), tz, where)
    else:
        raise AgendaError(f"{where}: has no duration")
    persons = event.get("persons") or event.get("participants") or []
    speakers = tuple(
        name
        for p in (persons if isinstance(persons, list) else [])
        if (name := _text(p.get("name") or p.get("public_name")) if isinstance(p, dict) else "")
    )
    links = [event.get("url")]
    links += [
        link.get("url") if isinstance(link, dict) else link
        for key in ("links", "attachments")
        for link in (event.get(key) if isinstance(event.get(key), list) else [])
    ]
    room = event.get("room")
    item = AgendaItem(
        title=title,
        start=start,
        end=end,
        speakers=speakers,
        language=_text(event.get("language")) or None,
        room=(room.get("name") if isinstance(room, dict) else _text(room)) or None,
        links=tuple(dict.fromkeys(u for u in links if isinstance(u, str) and u.strip())),
        description=_text(event.get("abstract")) or _text(event.get("description")),
    )
    return checked(item, where)


def read_schedule_xml(path: Path, timezone: str | None = None) -> Agenda:
    """A frab `schedule.xml` as an agenda (every room, every day)."""
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise AgendaError(f"{path}: file not found") from None
    except ET.ParseError as exc:
        raise AgendaError(f"{path}: not valid XML ({exc})") from None
    conference = root.find("conference")
    if root.tag != "schedule" or conference is None:
        raise AgendaError(f"{path}: not a frab schedule.xml (no <schedule><conference>)")
    tz_name = (conference.findtext("time_zone_name") or "").strip() or timezone
    tz = zone(tz_name, f"{path}: <time_zone_name>") if tz_name else None
    items = []
    for d, day in enumerate(root.iter("day")):
        for room in day.iter("room"):
            for e, event in enumerate(room.iter("event")):
                where = f"day {day.get('date') or d + 1}, room {room.get('name')!r}, event {e}"
                items.append(_xml_item(path, event, day, room, where, tz))
    if not items:
        raise AgendaError(f"{path}: the schedule holds no events")
    return Agenda(
        source=path,
        kind=XML_KIND,
        title=(conference.findtext("title") or "").strip() or path.stem,
        items=in_order(items),
        timezone=tz_name,
        description=(conference.findtext("description") or "").strip(),
    )


def _xml_item(
    path: Path, event: ET.Element, day: ET.Element, room: ET.Element, where: str,
    tz: ZoneInfo | None,
) -> AgendaItem:  # fmt: skip
    title = _text(event.findtext("title"))
    where = f"{path}: {where} {title!r}" if title else f"{path}: {where}"
    stamp = (event.findtext("date") or "").strip()
    if not stamp:  # older frab: the day's date and the clock time
        clock, date = (event.findtext("start") or "").strip(), day.get("date") or ""
        if not clock or not date:
            raise AgendaError(f"{where}: has no <date>, nor a <start> on a dated <day>")
        stamp = f"{date}T{clock}"
    start = _moment(stamp, tz, where)
    if not (event.findtext("duration") or "").strip():
        raise AgendaError(f"{where}: has no <duration>")
    persons = event.find("persons")
    links = [event.findtext("url")] + [
        link.get("href") for link in event.iter("link")
    ]  # fmt: skip
    item = AgendaItem(
        title=title,
        start=start,
        end=start + duration(event.findtext("duration") or "", where),
        speakers=tuple(
            name for p in (persons if persons is not None else []) if (name := _text(p.text))
        ),
        language=_text(event.findtext("language")) or None,
        room=_text(event.findtext("room")) or room.get("name") or None,
        links=tuple(dict.fromkeys(u.strip() for u in links if u and u.strip())),
        description=_text(event.findtext("abstract")) or _text(event.findtext("description")),
    )
    return checked(item, where)


def _moment(stamp: str, tz: ZoneInfo | None, where: str) -> datetime:
    """An ISO date-time, in `tz` when there is one; one without an offset is read in
    `tz` (AgendaError if none)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise AgendaError(f"{where}: {stamp!r} is not a date and time") from None
    if moment.tzinfo is None:
        if tz is None:
            raise AgendaError(
                f"{where}: {stamp} has no time zone and the schedule names none; "
                "give one with --timezone (e.g. Europe/Brussels)"
            )
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz) if tz is not None else moment


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""
