"""An agenda kept in a spreadsheet, saved as CSV.

One row per agenda item; the header names the columns, in any order and case:
`title`, `start`, `end` or `duration`, and optionally `date`, `speakers` (separated by
`;` or `|`), `language`, `room`, `links` (separated by spaces), `description`. The
names organisers' sheets use for them in English, French and Spanish are read too
(`ALIASES`: "Session", "Heure de début", "Ponentes"...), without case or accents; other
columns are ignored and named (`Agenda.ignored`). A start is a date and time with its
UTC offset (`2021-03-25T15:00+01:00`), or without one (`2021-03-25 15:00`, read in the
event's time zone), or a clock time (`15:00`, `15h30`, `3 PM`) on the row's `date` or
the event's; an end likewise, a duration `HH:MM` or minutes; or the start cell holds
both (`15:00 - 15:40`). Commas, semicolons and tabs all separate columns
(spreadsheets in French or Spanish save with `;`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.agenda.rules import Agenda, AgendaItem, checked, duration, in_order, zone
from pipeline.errors import AgendaError

KIND = "CSV"
COLUMNS = ("title", "start", "end", "duration", "date", "speakers", "language", "room",
           "links", "description")  # fmt: skip
# What organisers' sheets call the columns, in English, French and Spanish, compared
# without case, accents or punctuation ("Heure de début" = "heure de debut").
ALIASES = {
    "title": ("session", "topic", "talk", "item", "agenda item", "subject", "name", "titre",
              "sujet", "intitule", "theme", "titulo", "tema", "sesion", "asunto", "nombre"),
    "start": ("begin", "begins", "starts", "from", "start time", "starting", "time",
              "debut", "heure de debut", "heure", "inicio", "hora de inicio", "hora",
              "comienzo", "desde"),
    "end": ("ends", "until", "to", "end time", "finish", "fin", "heure de fin", "final",
            "hora de fin", "hasta", "termino"),
    "duration": ("length", "minutes", "mins", "min", "duration min", "duree", "duracion"),
    "date": ("day", "jour", "dia", "fecha"),
    "speakers": ("speaker", "presenter", "presenters", "panelists", "panellists",
                 "speakers moderators", "who", "intervenant", "intervenants", "orateur",
                 "orateurs", "conferencier", "conferenciers", "ponente", "ponentes",
                 "orador", "oradores", "intervinientes"),
    "language": ("lang", "spoken language", "langue", "idioma", "lengua"),
    "room": ("location", "track", "stage", "venue", "salle", "lieu", "sala", "lugar"),
    "links": ("link", "url", "urls", "slides", "lien", "liens", "enlace", "enlaces"),
    "description": ("abstract", "summary", "notes", "details", "resume", "descripcion",
                    "resumen"),
}  # fmt: skip
_HEADER = {alias: column for column, names in ALIASES.items() for alias in names}
_HEADER.update({column: column for column in COLUMNS})


def read_table(
    path: Path, timezone: str | None = None, day: date | None = None
) -> Agenda:
    """A CSV agenda; `timezone` reads times without an offset, `day` clock times."""
    text = _text(path)
    rows = list(csv.reader(io.StringIO(text), _dialect(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise AgendaError(f"{path}: is empty")
    header = [_HEADER.get(_plain(h), "") for h in rows[0]]
    ignored = tuple(h.strip() for h, c in zip(rows[0], header, strict=True) if not c)
    twice = next((c for c in COLUMNS if header.count(c) > 1), None)
    if twice:
        same = [h.strip() for h, c in zip(rows[0], header, strict=True) if c == twice]
        raise AgendaError(f"{path}: line 1: {' and '.join(map(repr, same))} both give the {twice}")
    missing = [c for c in ("title", "start") if c not in header]
    if not missing and not {"end", "duration"} & set(header):
        starts = [r[header.index("start")] if len(r) > header.index("start") else ""
                  for r in rows[1:]]  # fmt: skip
        if not all(_CLOCK_RANGE.fullmatch(cell) for cell in starts):  # no "15:00 - 15:40"
            missing = ["end or duration"]
    if missing:
        unread = f" (not read: {', '.join(map(repr, ignored))})" if ignored else ""
        raise AgendaError(f"{path}: line 1: no {missing[0]} column{unread}")
    tz = zone(timezone, f"{path}: --timezone") if timezone else None
    items = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            raise AgendaError(f"{path}: line {line}: {len(row)} cells for {len(header)} columns")
        cells = {c: v.strip() for c, v in zip(header, row, strict=False) if c}
        items.append(_item(cells, f"{path}: line {line}", tz, day))
    if not items:
        raise AgendaError(f"{path}: has a header but no agenda item")
    return Agenda(source=path, kind=KIND, title=path.stem, items=in_order(items),
                  timezone=timezone, ignored=tuple(h for h in ignored if h))  # fmt: skip


def _plain(header: str) -> str:
    """A column name as compared: no case, accents, punctuation or doubled spaces."""
    folded = unicodedata.normalize("NFKD", header.casefold())
    letters = "".join(c if c.isalnum() else " " for c in folded if not unicodedata.combining(c))
    return " ".join(letters.split())


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AgendaError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise AgendaError(f"{path}: is not UTF-8 text (save the sheet as CSV UTF-8)") from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _item(
    cells: dict[str, str], where: str, tz: ZoneInfo | None, day: date | None
) -> AgendaItem:
    title = cells.get("title", "")
    where = f"{where} {title!r}" if title else where
    if cells.get("date"):
        day = _day(cells["date"], where)
    span = _CLOCK_RANGE.fullmatch(cells.get("start", ""))
    if span and not cells.get("end") and not cells.get("duration"):  # "15:00 - 15:40"
        cells = {**cells, "start": span.group(1), "end": span.group(2)}
    start = _moment(cells.get("start", ""), "start", where, tz, day)
    if cells.get("end"):
        end = _moment(cells["end"], "end", where, start.tzinfo, start.date())
    elif cells.get("duration"):
        end = start + duration(cells["duration"], where)
    else:
        raise AgendaError(f"{where}: has neither an end nor a duration")
    speakers = re.split(r"[;|]", cells.get("speakers", ""))
    item = AgendaItem(
        title=title,
        start=start,
        end=end,
        speakers=tuple(s.strip() for s in speakers if s.strip()),
        language=cells.get("language") or None,
        room=cells.get("room") or None,
        links=tuple(cells.get("links", "").split()),
        description=cells.get("description", ""),
    )
    return checked(item, where)


# A clock time as sheets write it: 15:00, 15:00:30, 15h, 15h30, 3 PM, 3:30 p.m.
_CLOCK = r"\d{1,2}(?:[:h]\d{2}(?::\d{2})?|h)?\s*(?:[ap]\.?\s?m\.?)?"
_CLOCK_RANGE = re.compile(rf"\s*({_CLOCK})\s*(?:-|–|—|to|à|a)\s*({_CLOCK})\s*", re.IGNORECASE)


def _clock(value: str) -> time | None:
    """The time of day `value` writes, or None when it is not a clock time."""
    found = re.fullmatch(
        r"(\d{1,2})(?:[:h](\d{2})(?::(\d{2}))?|h)?\s*(?:([ap])\.?\s?m\.?)?", value.strip(),
        re.IGNORECASE,
    )  # fmt: skip
    if not found or (found.group(2) is None and not found.group(4) and "h" not in value.lower()):
        return None  # a bare number is a duration or a mistake, not a time
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    seconds = int(found.group(3) or 0)
    if found.group(4):  # 12-hour clock
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if found.group(4).lower() == "p" else 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return time(hours, minutes, seconds)


def _day(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise AgendaError(f"{where}: date {value!r} is not a date; write it 2021-03-25") from None


def _moment(value: str, name: str, where: str, tz: Any, day: date | None) -> datetime:
    if not value:
        raise AgendaError(f"{where}: has no {name}")
    clock = _clock(value)
    if clock is not None:
        if day is None:
            raise AgendaError(
                f"{where}: {name} {value!r} has no date; give one with --date or a date column"
            )
        moment = datetime.combine(day, clock)
    else:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise AgendaError(
                f"{where}: {name} {value!r} is not a date and time (2021-03-25 15:00)"
            ) from None
    if moment.tzinfo is None:
        if tz is None:
            raise AgendaError(
                f"{where}: {name} {value!r} has no time zone; give one with --timezone "
                "(e.g. Europe/Brussels) or write its offset (15:00+01:00)"
            )
        moment = moment.replace(tzinfo=tz)
    return moment
