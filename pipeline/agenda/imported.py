"""An agenda in wall-clock time turned into an editable event manifest.

The recording starts whenever someone pressed record, so a session's place in it is
its wall-clock start less the recording's: the container's `creation_time` when it
has one, else a start the organiser gives, else (said in the file and on the terminal)
the first item's start. Items outside the recording are listed in the manifest, as
comments, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.agenda.manifest import is_web_address, toml_string
from pipeline.agenda.resolve import span_in
from pipeline.agenda.rules import Agenda, AgendaItem
from pipeline.languages import LANGUAGES
from pipeline.timecode import agenda_time

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
        span = span_in(item, started, length_ms)
        out.append(Placed(item, *(span or (None, None))))
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
        f"title = {toml_string(agenda.title)}",
        f'date = "{agenda.items[0].start.date().isoformat()}"',
        f"languages = [{', '.join(toml_string(c) for c in languages)}]",
    ]
    if agenda.description:
        lines.append(f"description = {toml_string(agenda.description)}")
    name = _relative(recording, manifest_dir) if recording else "RECORDING.mp4"
    lines += ["", "[[recording]]", f"file = {toml_string(name)}"]
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
            f"title = {toml_string(item.title)}",
            f'start = "{agenda_time(p.start_ms)}"',
            f'end = "{agenda_time(p.end_ms)}"',
        ]
        if item.speakers:
            lines.append(f"speakers = [{', '.join(toml_string(s) for s in item.speakers)}]")
        if item.language in languages:
            lines.append(f'language = "{item.language}"')
        web = [link for link in item.links if is_web_address(link)]
        if web:
            lines.append(f"links = [{', '.join(toml_string(link) for link in web)}]")
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


def _relative(path: Path, base: Path | None) -> str:
    if base is None:
        return str(path)
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())
