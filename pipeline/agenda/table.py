"""An agenda kept in a spreadsheet, saved as CSV.

One row per agenda item; the header names the columns, in any order and case:
`title`, `start`, `end` or `duration`, and optionally `speakers` (separated by `;` or
`|`), `language`, `room`, `links` (separated by spaces), `description`. A start is a
date and time with its UTC offset (`2021-03-25T15:00+01:00`), or without one
(`2021-03-25 15:00`, read in the event's time zone), or a clock time (`15:00`, on the
event's date); an end likewise, a duration `HH:MM` or minutes. Commas, semicolons and
tabs all separate columns (spreadsheets in French or Spanish save with `;`).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.agenda.rules import Agenda, AgendaItem, checked, duration, in_order, zone
from pipeline.errors import AgendaError

KIND = "CSV"
COLUMNS = ("title", "start", "end", "duration", "speakers", "language", "room", "links",
           "description")  # fmt: skip


def read_table(
    path: Path, timezone: str | None = None, day: date | None = None
) -> Agenda:
    """A CSV agenda; `timezone` reads times without an offset, `day` clock times."""
    text = _text(path)
    rows = list(csv.reader(io.StringIO(text), _dialect(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise AgendaError(f"{path}: is empty")
    header = [h.strip().casefold() for h in rows[0]]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise AgendaError(
            f"{path}: line 1: unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)})"
        )
    missing = [c for c in ("title", "start") if c not in header]
    if missing or not {"end", "duration"} & set(header):
        need = missing + ([] if {"end", "duration"} & set(header) else ["end or duration"])
        raise AgendaError(f"{path}: line 1: no {need[0]} column")
    tz = zone(timezone, f"{path}: --timezone") if timezone else None
    items = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            raise AgendaError(f"{path}: line {line}: {len(row)} cells for {len(header)} columns")
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        items.append(_item(cells, f"{path}: line {line}", tz, day))
    if not items:
        raise AgendaError(f"{path}: has a header but no agenda item")
    return Agenda(source=path, kind=KIND, title=path.stem, items=in_order(items),
                  timezone=timezone)  # fmt: skip


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


def _moment(value: str, name: str, where: str, tz: Any, day: date | None) -> datetime:
    if not value:
        raise AgendaError(f"{where}: has no {name}")
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value):  # a clock time
        if day is None:
            raise AgendaError(f"{where}: {name} {value!r} has no date; give one with --date")
        hours, _, rest = value.partition(":")
        moment = datetime.combine(day, time.fromisoformat(f"{int(hours):02d}:{rest}"))
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
