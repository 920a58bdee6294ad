"""An agenda in wall-clock time turned into an editable event manifest.

The recording starts whenever someone pressed record, so a session's place in it is
its wall-clock start less the recording's: the container's `creation_time` when it
has one, else a start the organiser gives, else (said in the file and on the terminal)
the first item's start. Items outside the recording are listed in the manifest, as
comments, never dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.agenda.manifest import is_web_address
from pipeline.agenda.rules import Agenda, AgendaItem
from pipeline.languages import LANGUAGES

DEFAULT_LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True)
class Placed:
    """An agenda item with its place in the recording (None: outside it)."""

    item: AgendaItem
    start_ms: int | None
    end_ms: int | None


@dataclass(frozen=True)
class Imported:
    """The manifest's text and what the organiser should hear about it."""

    text: str
    sessions: int
    outside: tuple[AgendaItem, ...]
    started: datetime
    started_from: str  # "container creation_time", "--started", "the first item's start"


def place(
    items: Sequence[AgendaItem], started: datetime, length_ms: int | None
) -> list[Placed]:
    """Each item's start and end in the recording, clipped to it; outside -> None."""
    out = []
    for item in items:
        start = _ms(item.start - started)
        end = _ms(item.end - started)
        if end <= 0 or (length_ms is not None and start >= length_ms):
            out.append(Placed(item, None, None))
            continue
        end = end if length_ms is None else min(end, length_ms)
        out.append(Placed(item, max(start, 0), end))
    return out


def import_agenda(
    agenda: Agenda,
    recording: Path | None,
    started: datetime | None,
    started_from: str,
    length_ms: int | None = None,
    manifest_dir: Path | None = None,
) -> Imported:
    """The manifest for `agenda` over `recording` (None: a placeholder name to fill)."""
    if started is None:
        started, started_from = agenda.items[0].start, "the first item's start"
    placed = place(agenda.items, started, length_ms)
    inside = [p for p in placed if p.start_ms is not None]
    outside = tuple(p.item for p in placed if p.start_ms is None)
    languages = _languages(agenda.items)
    shown = ZoneInfo(agenda.timezone) if agenda.timezone else started.tzinfo
    zone = agenda.timezone or str(started.tzinfo)
    lines = [
        f"# Imported from {agenda.source.name} ({agenda.kind}) by `webconf agenda import`.",
        f"# Times are in the recording; wall-clock times ({zone}) are in the comments.",
        f"# The recording started at {started.isoformat()} ({started_from}).",
        "",
        "[event]",
        f"title = {_toml(agenda.title)}",
        f'date = "{agenda.items[0].start.date().isoformat()}"',
        f"languages = [{', '.join(_toml(c) for c in languages)}]",
    ]
    if agenda.description:
        lines.append(f"description = {_toml(agenda.description)}")
    name = _relative(recording, manifest_dir) if recording else "RECORDING.mp4"
    lines += ["", "[[recording]]", f"file = {_toml(name)}"]
    if recording is None:
        lines[-1] += "  # the recording's file: fill in"
    for p in inside:
        item = p.item
        lines += [
            "",
            f"# {item.start.astimezone(shown).isoformat()} - "
            f"{item.end.astimezone(shown).isoformat()}"
            + (f", {item.room}" if item.room else ""),
            "[[session]]",
            f"title = {_toml(item.title)}",
            f'start = "{_clock(p.start_ms)}"',
            f'end = "{_clock(p.end_ms)}"',
        ]
        if item.speakers:
            lines.append(f"speakers = [{', '.join(_toml(s) for s in item.speakers)}]")
        if item.language in languages:
            lines.append(f'language = "{item.language}"')
        web = [link for link in item.links if is_web_address(link)]
        if web:
            lines.append(f"links = [{', '.join(_toml(link) for link in web)}]")
    if outside:
        lines += ["", "# Agenda items outside the recording (not imported):"]
        lines += [f"# - {i.start.astimezone(shown).isoformat()} {i.title}" for i in outside]
    return Imported(
        text="\n".join(lines) + "\n",
        sessions=len(inside),
        outside=outside,
        started=started,
        started_from=started_from,
    )


def _languages(items: Sequence[AgendaItem]) -> tuple[str, ...]:
    """The items' languages we transcribe, with English, French and Spanish, the event
    languages we serve, when the agenda names fewer than two."""
    said = [i.language for i in items if i.language in LANGUAGES]
    found = tuple(dict.fromkeys(said))
    return found if len(found) >= 2 else tuple(dict.fromkeys([*found, *DEFAULT_LANGUAGES]))


def _ms(delta: timedelta) -> int:
    return round(delta.total_seconds() * 1000)


def _clock(ms: int) -> str:
    seconds, milli = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}" + (f".{milli:03d}" if milli else "")


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _relative(path: Path, base: Path | None) -> str:
    if base is None:
        return str(path)
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())
