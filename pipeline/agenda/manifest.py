"""Read and validate the event manifest (TOML) into an `Event`.

Every mistake is collected and reported on its own line, so an organiser fixes the
whole file in one pass instead of one error per run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ManifestError
from pipeline.languages import LANGUAGES
from pipeline.timecode import agenda_time, parse_time
from pipeline.types import (
    AgendaRef,
    Event,
    GlossaryEntry,
    Interpretation,
    Recording,
    Session,
    Term,
)

EVENT_KEYS = {"title", "date", "languages", "description", "agenda", "room", "timezone"}
RECORDING_KEYS = {"file", "language", "stream", "title", "interpretation", "started"}
INTERPRETATION_KEYS = {"language", "stream", "file", "offset", "title"}
SESSION_KEYS = {"title", "start", "end", "speakers", "language", "recording", "links", "voices"}
GLOSSARY_KEYS = {"keep", "terms"}
TOP_KEYS = {"event", "recording", "session", "glossary"}
END_TOLERANCE_MS = 1000  # agendas are written to the second; allow rounding up
MAX_TEXT = 300  # a title, a speaker line, a glossary term
MAX_DESCRIPTION = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # tabs are harmless
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")  # what splitlines() splits at


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []

    def add(self, where: str, message: str) -> None:
        # one line each, whatever the manifest holds: line breaks in values are shown escaped
        line = f"{self.path}: {where}: {message}"
        self.lines.append(_BREAKS.sub(lambda m: repr(m.group())[1:-1], line))

    def unknown_keys(self, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.add(
                    where, f"unknown key {key!r} (expected one of: {', '.join(sorted(allowed))})"
                )


def _language(problems: _Problems, where: str, value: Any, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        problems.add(where, f"language {value!r} is not one of: {', '.join(allowed)}")
        return None
    return value


def _plain_text(problems: _Problems, where: str, text: str, limit: int = MAX_TEXT) -> bool:
    """Text that can become a file header, a tag, a folder name: no control
    characters (NUL cut ffmpeg's tags and paths short), not endless."""
    if _CONTROL.search(text):
        problems.add(where, "contains a control character (NUL, escape, line break)")
        return False
    if len(text) > limit:
        problems.add(where, f"is {len(text)} characters long (at most {limit})")
        return False
    return True


def _date(problems: _Problems, value: Any) -> str:
    """A real calendar date, YYYY-MM-DD: it becomes part of the event's folder name."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and (not value or _DATE.fullmatch(value)):
        try:
            return dt.date.fromisoformat(value).isoformat() if value else ""
        except ValueError:
            pass
    problems.add("[event]", f"'date' {str(value)[:40]!r} is not a date (expected YYYY-MM-DD)")
    return ""


def _string_list(problems: _Problems, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, "expected a list of strings")
        return ()
    if not all(_plain_text(problems, where, v) for v in value):
        return ()
    return tuple(v.strip() for v in value if v.strip())


def _terms(problems: _Problems, value: Any, languages: tuple[str, ...]) -> tuple[Term, ...]:
    """`[glossary.terms]`: `"public employment services" = {fr = "...", es = "..."}`.
    The key is the term in the first of the event's languages its table does not give
    (a table giving them all makes the key a label only)."""
    if value is None:
        return ()
    where = "[glossary.terms]"
    if not isinstance(value, dict):
        problems.add(where, 'must be a table: "term" = { fr = "...", es = "..." }')
        return ()
    out = []
    for key, forms in value.items():
        here = f"{where} {key[:60]!r}"
        if not key.strip():
            problems.add(where, "a term cannot be empty")
            continue
        if not _plain_text(problems, here, key):
            continue
        if not isinstance(forms, dict) or not forms:
            problems.add(here, 'expected its forms, e.g. { fr = "...", es = "..." }')
            continue
        unknown = [code for code in forms if code not in languages]
        if unknown:
            problems.add(here, f"{unknown[0]!r} is not one of the event's languages "
                               f"({', '.join(languages)})")  # fmt: skip
            continue
        if not all(isinstance(f, str) and f.strip() for f in forms.values()):
            problems.add(here, "each form must be a string of text")
            continue
        if not all(_plain_text(problems, here, f) for f in forms.values()):
            continue
        given = tuple((code, " ".join(forms[code].split())) for code in languages if code in forms)
        own = next((code for code in languages if code not in forms), None)
        keyed = ((own, " ".join(key.split())),) if own is not None else ()
        out.append(Term(keyed + given))
    return tuple(out)


_VOICE = re.compile(r"^speaker (\d{1,3})$", re.IGNORECASE)


def voice_label(text: str) -> str | None:
    """The voice label `text` names, as the speakers stage writes it ("speaker 02" ->
    "Speaker 2"); None when it is not one."""
    match = _VOICE.match(text.strip())
    return f"Speaker {int(match.group(1))}" if match and int(match.group(1)) >= 1 else None


def _voices(problems: _Problems, where: str, value: Any) -> tuple[tuple[str, str], ...]:
    """`voices = {"Speaker 2" = "Jens Wretling"}`: names for numbered voices."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        problems.add(where, 'voices: expected a table such as {"Speaker 2" = "A. Name"}')
        return ()
    out = []
    for label, name in value.items():
        voice = voice_label(label)
        if voice is None:
            problems.add(where, f"voices: {label!r:.60} is not a voice label like 'Speaker 2'")
        elif not isinstance(name, str) or not name.strip():
            problems.add(where, f"voices: the name for {label!r} must be a non-empty string")
        elif _plain_text(problems, f"{where} voices", name):
            out.append((voice, " ".join(name.split())))
    return tuple(out)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
        if "\x00" in text:  # UTF-16 without its byte-order mark decodes as "UTF-8"
            raise ManifestError(f"{path}: not a UTF-8 text file (it holds NUL bytes: UTF-16?)")
        return tomllib.loads(text)
    except FileNotFoundError:
        raise ManifestError(f"{path}: manifest not found") from None
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: not a UTF-8 text file ({exc.reason})") from None
    except OSError as exc:  # a folder, no permission, an unreadable disk
        raise ManifestError(f"{path}: cannot read the manifest ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: invalid TOML: {exc}") from None


def load_manifest(path: Path | str) -> Event:
    """Read and validate an event manifest; ManifestError lists every mistake."""
    path = Path(path)
    data = _read_toml(path)
    if not data:  # one line, not a line per missing table
        raise ManifestError(
            f"{path}: the manifest is empty (expected [event] with a title and a [[recording]])"
        )
    return parse_manifest(data, path)


def load_glossary(path: Path | str, languages: tuple[str, ...]) -> tuple[GlossaryEntry, ...]:
    """The `[glossary]` of a TOML file (a manifest, or a file holding only that
    table): kept terms, then Terms, whose keys are in the first of `languages` their
    table leaves out. ManifestError lists every mistake."""
    path = Path(path)
    data = _read_toml(path)
    problems = _Problems(path)
    glossary = data.get("glossary")
    if not isinstance(glossary, dict):
        raise ManifestError(f"{path}: no [glossary] table (keep = [...], [glossary.terms])")
    problems.unknown_keys("[glossary]", glossary, GLOSSARY_KEYS)
    keep = _string_list(problems, "[glossary] keep", glossary.get("keep"))
    terms = _terms(problems, glossary.get("terms"), languages)
    if problems.lines:
        raise ManifestError("\n".join(problems.lines))
    return (*keep, *terms)


def parse_manifest(data: Mapping[str, Any], path: Path) -> Event:
    problems = _Problems(path)
    base = path.parent
    problems.unknown_keys("top level", data, TOP_KEYS)

    event = data.get("event", {})
    if not isinstance(event, dict):
        problems.add("[event]", "must be a table")
        event = {"title": "untitled"}  # its title is not missing on top of that
    problems.unknown_keys("[event]", event, EVENT_KEYS)
    title = event.get("title")
    if title is not None and not isinstance(title, str):
        problems.add("[event]", f"'title' must be text, not {title!r:.40}")
        title = "untitled"
    elif not isinstance(title, str) or not title.strip():
        problems.add("[event]", "missing 'title'")
        title = "untitled"
    elif not _plain_text(problems, "[event] title", title):
        title = "untitled"
    description = event.get("description")
    if description is not None and not isinstance(description, str):
        problems.add("[event]", "'description' must be text")
    elif description is not None:  # paragraphs may have line breaks
        lines = description.replace("\r\n", "\n").replace("\n", " ")
        _plain_text(problems, "[event] description", lines, MAX_DESCRIPTION)
    date = _date(problems, event.get("date", ""))
    languages = _event_languages(problems, event.get("languages", list(LANGUAGES)))
    timezone = _timezone(problems, event.get("timezone"))
    agenda = _agenda(problems, event, base, timezone)

    recordings = _recordings(problems, data.get("recording", []), base, languages, timezone)
    sessions = _sessions(problems, data.get("session", []), base, languages, recordings)
    if agenda is not None and data.get("session"):
        problems.add("[event] agenda", "the sessions come from the agenda: remove [[session]]")

    glossary = data.get("glossary", {})
    if not isinstance(glossary, dict):
        problems.add("[glossary]", "must be a table")
        glossary = {}
    problems.unknown_keys("[glossary]", glossary, GLOSSARY_KEYS)
    keep = _string_list(problems, "[glossary] keep", glossary.get("keep"))
    terms = _terms(problems, glossary.get("terms"), languages)

    if problems.lines:
        raise ManifestError("\n".join(problems.lines))
    return Event(
        title=title.strip(),
        date=date,
        languages=languages,
        recordings=recordings,
        sessions=sessions,
        glossary=keep,
        terms=terms,
        manifest_path=path,
        agenda=agenda,
        timezone=timezone,
        description=description.strip() if isinstance(description, str) else "",
    )


def toml_string(text: str) -> str:
    """`text` as a TOML basic string, for manifests we write (JSON's escapes are
    TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def is_web_address(text: str) -> bool:
    """An http(s) address with a host: what pages may link to (never `javascript:`)."""
    return re.fullmatch(r"https?://[^\s/?#]+[^\s]*", text.strip(), re.I) is not None


def _timezone(problems: _Problems, value: Any) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        problems.add("[event] timezone", f"unknown time zone {value!r} (e.g. Europe/Brussels)")
        return None
    return str(value)


def _agenda(
    problems: _Problems, event: Mapping[str, Any], base: Path, timezone: str | None
) -> AgendaRef | None:
    """`[event] agenda = "schedule.json"` (with `room`), or None."""
    name, room = event.get("agenda"), event.get("room")
    if room is not None and (name is None or not isinstance(room, str)):
        problems.add("[event] room", "names the agenda's room: text, with 'agenda'")
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        problems.add("[event] agenda", "must be the agenda file's name")
        return None
    path = (base / name).absolute()
    if not path.is_file():
        problems.add("[event] agenda", f"{name}: file not found")
        return None
    return AgendaRef(path, room if isinstance(room, str) else None, timezone)


def _started(
    problems: _Problems, where: str, value: Any, timezone: str | None
) -> dt.datetime | None:
    """When a recording started: a TOML date-time with its offset, or without one in
    the event's `timezone`."""
    if value is None:
        return None
    moment = value
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if not isinstance(moment, dt.datetime):
        problems.add(
            where, f"started: {value!r} is not a date and time (2021-03-25T15:00:00+01:00)"
        )
        return None
    if moment.tzinfo is None:
        if timezone is None:
            problems.add(where, "started: give its UTC offset (+01:00) or [event] timezone")
            return None
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment


def _event_languages(problems: _Problems, languages: Any) -> tuple[str, ...]:
    """The event's languages, naming the first one that is not ours."""
    if not isinstance(languages, list) or not languages:
        problems.add(
            "[event]", f"'languages' must be a non-empty list drawn from {list(LANGUAGES)}"
        )
        return LANGUAGES
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        problems.add(
            "[event]", f"'languages': {unknown[0]!r:.40} is not one of: {', '.join(LANGUAGES)}"
        )
        return LANGUAGES
    return tuple(dict.fromkeys(languages))


def _recordings(
    problems: _Problems,
    raw: Any,
    base: Path,
    languages: tuple[str, ...],
    timezone: str | None = None,
) -> tuple[Recording, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add("[[recording]]", 'at least one recording is required (file = "...")')
        return ()
    out = []
    for i, rec in enumerate(raw, start=1):
        where = f"[[recording]] {i}"
        if not isinstance(rec, dict):
            problems.add(where, "must be a table")
            continue
        problems.unknown_keys(where, rec, RECORDING_KEYS)
        file = rec.get("file")
        if not isinstance(file, str) or not file:
            problems.add(where, "missing 'file'")
            continue
        # a bad file is reported; its recording's other keys are still checked
        full = _media_path(problems, where, base, file) or (base / file).absolute()
        stream = _stream(problems, where, rec.get("stream"))
        language = _language(problems, where, rec.get("language"), languages)
        channels = _interpretations(
            problems, where, rec.get("interpretation", []), base, full, stream, languages
        )
        started = _started(problems, where, rec.get("started"), timezone)
        title = rec.get("title")
        if title is not None and not isinstance(title, str):
            problems.add(where, "'title' must be text")
            title = None
        elif title is not None and not _plain_text(problems, f"{where} title", title):
            title = None
        out.append(
            Recording(
                file=full,
                language=language,
                stream=stream,
                interpretations=channels,
                started=started,
                title=title.strip() if title else None,
            )
        )
    files = [r.file for r in out]
    for f in {f for f in files if files.count(f) > 1}:
        problems.add("[[recording]]", f"{f.name} is listed more than once")
    # published media, chapters and full tracks are named after the file (its stem)
    stems: dict[str, set[Path]] = {}
    for f in files:
        stems.setdefault(f.stem, set()).add(f)
    for stem, same in sorted(stems.items()):
        if len(same) > 1:
            names = ", ".join(sorted(str(f) for f in same))
            problems.add(
                "[[recording]]",
                f"{names} would publish under the same name ({stem}.*): rename one",
            )
    return tuple(out)


def _media_path(problems: _Problems, where: str, base: Path, name: str) -> Path | None:
    """A media file named by the manifest, resolved; None (and one line) when it is
    missing, not a file, a symlink loop or a name no file can have."""
    if _BREAKS.search(name) or len(name) > 4096:
        problems.add(where, f"'file' {name[:60]!r} is not a usable file name")
        return None
    try:
        full = (base / name).resolve()
        if full.is_file():
            return full
        reason = "is a folder, not a file" if full.is_dir() else "file not found"
    except RuntimeError:  # Python 3.11 reports a symlink loop this way
        full, reason = (base / name).absolute(), "is a symlink loop"
    except OSError as exc:
        full, reason = (base / name).absolute(), f"cannot be read ({exc.strerror})"
    problems.add(where, f"{reason}: {full}" if reason == "file not found" else f"{full} {reason}")
    return None


def _stream(problems: _Problems, where: str, stream: Any) -> int | None:
    if stream is not None and (
        not isinstance(stream, int) or isinstance(stream, bool) or stream < 0
    ):
        problems.add(where, f"'stream' {stream!r} must be an audio stream index >= 0")
        return None
    return stream


def _offset(problems: _Problems, where: str, value: Any) -> int:
    """Where a channel file's start lies in the recording; '-' before it when the
    file started first."""
    if value is None:
        return 0
    sign = 1
    if isinstance(value, str) and value.strip().startswith("-"):
        sign, value = -1, value.strip()[1:]
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        sign, value = -1, -value
    try:
        return sign * parse_time(value)
    except ValueError as exc:
        problems.add(where, f"offset: {exc}")
        return 0


def _interpretations(
    problems: _Problems,
    where: str,
    raw: Any,
    base: Path,
    floor_file: Path,
    floor_stream: int | None,
    languages: tuple[str, ...],
) -> tuple[Interpretation, ...]:
    """The recording's interpreter channels: a language each, on another audio stream
    of the recording's file or in a file of its own."""
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        problems.add(f"{where} interpretation", "must be an array of tables")
        return ()
    out: list[Interpretation] = []
    for i, item in enumerate(raw, start=1):
        here = f"{where} [[recording.interpretation]] {i}"
        if not isinstance(item, dict):
            problems.add(here, "must be a table")
            continue
        problems.unknown_keys(here, item, INTERPRETATION_KEYS)
        language = item.get("language")
        if language is None:
            problems.add(here, f"missing 'language' (one of: {', '.join(languages)})")
            continue
        if _language(problems, here, language, languages) is None:
            continue
        here = f"{where} interpretation {language!r}"
        if language in {c.language for c in out}:
            problems.add(here, f"language {language!r} is given twice; one channel per language")
            continue
        stream = _stream(problems, here, item.get("stream"))
        if stream is None and item.get("stream") is not None:
            continue
        file = item.get("file")
        if file is None:
            if "stream" not in item:
                problems.add(
                    here,
                    "give 'stream' (another audio stream of this file) or 'file' "
                    "(a file of its own)",
                )
                continue
            full = floor_file
        elif not isinstance(file, str) or not file:
            problems.add(here, "'file' must be a file name")
            continue
        else:
            full = _media_path(problems, here, base, file)
            if full is None:
                continue
        if full == floor_file and (stream or 0) == (floor_stream or 0):
            problems.add(here, f"audio stream {stream or 0} is the floor's own stream")
            continue
        offset = _offset(problems, here, item.get("offset"))
        out.append(Interpretation(language=language, file=full, stream=stream, offset_ms=offset))
    return tuple(out)


def _sessions(
    problems: _Problems,
    raw: Any,
    base: Path,
    languages: tuple[str, ...],
    recordings: tuple[Recording, ...],
) -> tuple[Session, ...]:
    if not isinstance(raw, list):
        problems.add("[[session]]", "must be an array of tables ([[session]])")
        return ()
    out: list[Session] = []
    for i, ses in enumerate(raw, start=1):
        where = f"[[session]] {i}"
        if not isinstance(ses, dict):
            problems.add(where, "must be a table")
            continue
        problems.unknown_keys(where, ses, SESSION_KEYS)
        title = ses.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.add(where, "missing 'title'")
            title = f"Session {i}"
        elif not _plain_text(problems, f"{where} title", title):
            title = f"Session {i}"
        where = f"[[session]] {i} ({title.strip()!r})"
        recording = _session_recording(problems, where, ses.get("recording"), base, recordings)
        start_ms = end_ms = None
        try:
            start_ms = parse_time(ses.get("start", 0))
        except ValueError as exc:
            problems.add(where, f"start: {exc}")
        if "end" in ses:
            try:
                end_ms = parse_time(ses["end"])
            except ValueError as exc:
                problems.add(where, f"end: {exc}")
        if start_ms is not None and end_ms is not None and end_ms <= start_ms:
            problems.add(
                where, f"end {agenda_time(end_ms)} is not after start {agenda_time(start_ms)}"
            )
            end_ms = None
        speakers = _string_list(problems, f"{where} speakers", ses.get("speakers"))
        links = _string_list(problems, f"{where} links", ses.get("links"))
        for link in links:
            if not is_web_address(link):
                problems.add(where, f"links: {link!r:.80} is not an http(s) address")
        language = _language(problems, where, ses.get("language"), languages)
        voices = _voices(problems, where, ses.get("voices"))
        if recording is None or start_ms is None:
            continue
        out.append(
            Session(
                index=i,
                title=title.strip(),
                recording=recording,
                start_ms=start_ms,
                end_ms=end_ms if end_ms is not None else -1,
                speakers=speakers,
                language=language,
                links=tuple(link for link in links if is_web_address(link)),
                voices=voices,
            )
        )
    _check_overlaps(problems, out)
    return tuple(out)


def _session_recording(
    problems: _Problems, where: str, name: Any, base: Path, recordings: tuple[Recording, ...]
) -> Path | None:
    if name is None:
        if len(recordings) == 1:
            return recordings[0].file
        if recordings:
            problems.add(
                where, 'several recordings: name this session\'s one with recording = "FILE"'
            )
        return None
    if not isinstance(name, str):
        problems.add(where, "'recording' must be a file name")
        return None
    try:
        full = (base / name).resolve()
    except (OSError, RuntimeError, ValueError):
        full = None
    if full is None or full not in {r.file for r in recordings}:
        problems.add(where, f"recording {name!r} is not one of the [[recording]] files")
        return None
    return full


def _check_overlaps(problems: _Problems, sessions: list[Session]) -> None:
    by_recording: dict[Path, list[Session]] = {}
    for s in sessions:
        by_recording.setdefault(s.recording, []).append(s)
    for group in by_recording.values():
        group.sort(key=lambda s: s.start_ms)
        for a, b in zip(group, group[1:], strict=False):
            a_end = a.end_ms if a.end_ms >= 0 else b.start_ms
            if a.start_ms == b.start_ms:
                problems.add(
                    f"[[session]] {b.index} ({b.title!r})",
                    f"starts at {agenda_time(b.start_ms)}, as session {a.index} does",
                )
            elif b.start_ms < a_end:
                problems.add(
                    f"[[session]] {b.index} ({b.title!r})",
                    f"starts at {agenda_time(b.start_ms)}, inside session {a.index} "
                    f"({agenda_time(a.start_ms)}-{agenda_time(a_end)})",
                )


def resolve_against_media(
    event: Event,
    durations_ms: Mapping[Path, int],
    started: Mapping[Path, dt.datetime | None] | None = None,
) -> Event:
    """Fill open session ends and check every session lies within its recording.

    A session without `end` runs to the next session of its recording, or to the
    recording's end. With an agenda (`[event] agenda`), the sessions are its items,
    placed by wall-clock time (`started`: each recording's container start time, when
    it has one). With no sessions at all, each recording is one session.
    """
    problems = _Problems(event.manifest_path or Path("manifest"))
    sessions = list(event.sessions)
    notes: tuple[str, ...] = ()
    if event.agenda is not None and not sessions:
        from pipeline.agenda.resolve import agenda_sessions

        found, notes = agenda_sessions(event, durations_ms, started or {})
        sessions = list(found)
    if not sessions:
        sessions = [
            Session(
                index=i,
                title=event.title if len(event.recordings) == 1 else r.file.stem,
                recording=r.file,
                start_ms=0,
                end_ms=-1,
            )
            for i, r in enumerate(event.recordings, start=1)
        ]
    resolved = []
    for s in sessions:
        duration = durations_ms[s.recording]
        end = s.end_ms
        if end < 0:
            later = [
                o.start_ms
                for o in sessions
                if o.recording == s.recording and o.start_ms > s.start_ms
            ]
            end = min(later) if later else duration
        where = f"[[session]] {s.index} ({s.title!r})"
        if s.start_ms >= duration:
            problems.add(
                where,
                f"starts at {agenda_time(s.start_ms)}, after the end of "
                f"{s.recording.name} ({agenda_time(duration)})",
            )
            continue
        if end > duration + END_TOLERANCE_MS:
            problems.add(
                where,
                f"ends at {agenda_time(end)}, beyond the end of "
                f"{s.recording.name} ({agenda_time(duration)})",
            )
            continue
        resolved.append(replace(s, end_ms=min(end, duration)))
    if problems.lines:
        raise ManifestError("\n".join(problems.lines))
    return replace(event, sessions=tuple(resolved), notes=notes)
