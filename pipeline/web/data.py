"""What the replay pages show, read from the pipeline's outputs.

An outputs folder holds one folder per event (`<event>/index.json`, written by
`webconf run`). Everything here is read from those files and checked: names
taken from `index.json` become paths only when they stay inside the event folder,
so a tampered index cannot make a page point outside the outputs.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import PipelineError
from pipeline.writers.labels import engine_name, language_name

log = logging.getLogger(__name__)

INDEX_FILE = "index.json"

# Video containers by extension (index.json does not say whether a recording has a
# picture); everything else is played with <audio>.
VIDEO_EXTENSIONS = {".mp4", ".m4v", ".mkv", ".webm", ".mov"}

# Types for <source type=...>, only where browsers answer canPlayType() sensibly;
# with a wrong type a browser skips a source it could have played, so others get none.
SOURCE_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
}

# A language switch names each language in itself.
AUTONYMS = {"en": "English", "fr": "Français", "es": "Español"}

SESSION_AUDIO = "session.m4a"

# Folder and file names we accept from index.json: one path segment, no dot first.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ ()+,-]*$")


class WebError(PipelineError):
    """The outputs folder cannot be served or exported (missing, no events, ...)."""


@dataclass(frozen=True)
class Passage:
    """One transcript passage (a sentence) of a session in one language."""

    start: float  # recording seconds
    end: float
    text: str
    language: str
    source_language: str
    source_text: str
    engine: str
    low_confidence: bool
    reviewed: bool

    @property
    def is_original(self) -> bool:
        return (self.source_language or self.language) == self.language

    @property
    def engine_label(self) -> str:
        return engine_name(self.engine)

    @property
    def source_language_name(self) -> str:
        return language_name(self.source_language)


@dataclass(frozen=True)
class SessionLanguage:
    """One language of a session: where it comes from and its files."""

    code: str
    provenance: str
    is_original: bool
    engine: str
    files: dict[str, str]  # extension -> path relative to the event folder

    @property
    def name(self) -> str:
        return language_name(self.code)

    @property
    def autonym(self) -> str:
        return AUTONYMS.get(self.code, self.name)


@dataclass(frozen=True)
class Session:
    index: int
    slug: str
    title: str
    speakers: tuple[str, ...]
    language: str
    recording: str
    start: float  # recording seconds
    end: float
    languages: tuple[SessionLanguage, ...]

    def language_info(self, code: str) -> SessionLanguage | None:
        return next((lang for lang in self.languages if lang.code == code), None)


@dataclass(frozen=True)
class MediaSource:
    path: str  # relative to the event folder
    type: str | None


@dataclass(frozen=True)
class Track:
    language: str
    label: str
    path: str  # relative to the event folder


@dataclass(frozen=True)
class Recording:
    """A published recording with its full-recording tracks (recording time)."""

    name: str
    media: str  # relative to the event folder
    kind: str  # "video" or "audio"
    sources: tuple[MediaSource, ...]  # best first: a .webm sibling, then the media itself
    chapters: str | None
    tracks: tuple[Track, ...]


@dataclass(frozen=True)
class Player:
    """What a replay page plays: the whole recording, or the session audio as a fallback.

    `offset` is the recording time of the player's time 0: 0 for the recording,
    the session start for the session's own audio (whose tracks are session-timed).
    """

    kind: str
    sources: tuple[MediaSource, ...]
    tracks: tuple[Track, ...]
    chapters: str | None
    offset: float
    whole_recording: bool


@dataclass(frozen=True)
class Event:
    slug: str  # the event's folder name
    title: str
    date: str
    languages: tuple[str, ...]
    sessions: tuple[Session, ...]
    recordings: dict[str, Recording]
    folder: Path

    def session(self, slug: str) -> Session | None:
        return next((s for s in self.sessions if s.slug == slug), None)

    @property
    def label(self) -> str:
        return f"{self.title} ({self.date})" if self.date else self.title


# -- reading -------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple[int, int], Any]] = {}
_cache_lock = threading.Lock()


def _read_json(path: Path) -> Any:
    """Parsed JSON of `path`, cached until the file changes (size or mtime)."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        hit = _cache.get(path)
        if hit and hit[0] == key:
            return hit[1]
    data = json.loads(path.read_text(encoding="utf-8"))
    with _cache_lock:
        _cache[path] = (key, data)
    return data


def safe_name(value: Any) -> str | None:
    """`value` if it is one harmless path segment, else None."""
    if isinstance(value, str) and _NAME.match(value) and value not in (".", ".."):
        return value
    return None


def safe_relpath(folder: Path, value: Any) -> str | None:
    """`value` as a POSIX path relative to `folder` when it stays inside it, else None."""
    if not isinstance(value, str) or not value or "\\" in value or "\x00" in value:
        return None
    rel = PurePosixPath(value)
    if rel.is_absolute() or not all(safe_name(part) for part in rel.parts):
        return None
    try:
        (folder / rel).resolve().relative_to(folder.resolve())
    except (OSError, ValueError):
        return None
    return rel.as_posix()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _seconds(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def load_events(outputs_dir: Path) -> list[Event]:
    """Every readable event under `outputs_dir`, newest date first.

    A folder whose index.json cannot be read is skipped with a warning, so one
    broken event does not take the others down.
    """
    outputs_dir = Path(outputs_dir)
    events = []
    for index in sorted(outputs_dir.glob(f"*/{INDEX_FILE}")):
        try:
            event = load_event(outputs_dir, index.parent.name)
        except WebError as exc:
            log.warning("%s", exc)
            continue
        if event is not None:
            events.append(event)
    events.sort(key=lambda e: (e.date, e.slug), reverse=True)
    return events


def load_event(outputs_dir: Path, slug: str) -> Event | None:
    """The event in folder `slug`, or None when there is no such event."""
    if safe_name(slug) is None:
        return None
    folder = Path(outputs_dir) / slug
    index = folder / INDEX_FILE
    if not index.is_file():
        return None
    try:
        data = _read_json(index)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WebError(f"{index}: cannot read the event index ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("event"), dict):
        raise WebError(f"{index}: not an event index (no 'event' object)")
    info = data["event"]
    languages = tuple(
        code for code in info.get("languages") or () if isinstance(code, str) and safe_name(code)
    )
    sessions = tuple(
        session
        for raw in data.get("sessions") or ()
        if (session := _session(folder, raw)) is not None
    )
    recordings = {}
    for name, raw in (data.get("recordings") or {}).items():
        recording = _recording(folder, name, raw, languages)
        if recording is not None:
            recordings[name] = recording
    return Event(
        slug=slug,
        title=_text(info.get("title")) or slug,
        date=_text(info.get("date")),
        languages=languages,
        sessions=sessions,
        recordings=recordings,
        folder=folder,
    )


def _session(folder: Path, raw: Any) -> Session | None:
    if not isinstance(raw, dict) or safe_name(raw.get("slug")) is None:
        return None
    slug = raw["slug"]
    languages = []
    for code, info in (raw.get("languages") or {}).items():
        if safe_name(code) is None or not isinstance(info, dict):
            continue
        files = {}
        for ext in ("vtt", "srt", "txt", "html", "json"):
            rel = f"{slug}/{code}.{ext}"
            if (folder / rel).is_file():
                files[ext] = rel
        languages.append(
            SessionLanguage(
                code=code,
                provenance=_text(info.get("provenance")),
                is_original=bool(info.get("is_original")),
                engine=_text(info.get("engine")),
                files=files,
            )
        )
    return Session(
        index=int(_seconds(raw.get("index"), 0)),
        slug=slug,
        title=_text(raw.get("title")) or slug,
        speakers=tuple(_text(s) for s in raw.get("speakers") or ()),
        language=_text(raw.get("language")),
        recording=_text(raw.get("recording")),
        start=_seconds(raw.get("start")),
        end=_seconds(raw.get("end")),
        languages=tuple(languages),
    )


def media_kind(path: str) -> str:
    return "video" if PurePosixPath(path).suffix.lower() in VIDEO_EXTENSIONS else "audio"


def _source(path: str) -> MediaSource:
    return MediaSource(path=path, type=SOURCE_TYPES.get(PurePosixPath(path).suffix.lower()))


def _recording(folder: Path, name: Any, raw: Any, languages: tuple[str, ...]) -> Recording | None:
    if not isinstance(raw, dict):
        return None
    media = safe_relpath(folder, raw.get("media"))
    if media is None or not (folder / media).is_file():
        return None
    sources = [_source(media)]
    # A WebM copy beside the recording (same stem) plays in every browser; prefer it.
    webm = PurePosixPath(media).with_suffix(".webm").as_posix()
    if webm != media and (folder / webm).is_file():
        sources.insert(0, _source(webm))
    tracks = []
    raw_tracks = raw.get("tracks") or {}
    for code in languages:
        rel = safe_relpath(folder, raw_tracks.get(code))
        if rel and (folder / rel).is_file():
            tracks.append(Track(code, AUTONYMS.get(code, language_name(code)), rel))
    chapters = safe_relpath(folder, raw.get("chapters"))
    if chapters and not (folder / chapters).is_file():
        chapters = None
    return Recording(
        name=_text(name),
        media=media,
        kind=media_kind(media),
        sources=tuple(sources),
        chapters=chapters,
        tracks=tuple(tracks),
    )


def player_for(event: Event, session: Session) -> Player | None:
    """The recording (from the session start) when published, else the session audio."""
    recording = event.recordings.get(session.recording)
    if recording is not None:
        return Player(
            kind=recording.kind,
            sources=recording.sources,
            tracks=recording.tracks,
            chapters=recording.chapters,
            offset=0.0,
            whole_recording=True,
        )
    audio = f"{session.slug}/{SESSION_AUDIO}"
    if not (event.folder / audio).is_file():
        return None
    tracks = tuple(
        Track(lang.code, lang.autonym, lang.files["vtt"])
        for lang in session.languages
        if "vtt" in lang.files
    )
    return Player(
        kind="audio",
        sources=(_source(audio),),
        tracks=tracks,
        chapters=None,
        offset=session.start,
        whole_recording=False,
    )


def load_passages(event: Event, session: Session, language: str) -> list[Passage]:
    """The session's sentences in `language`, timed in recording seconds."""
    info = session.language_info(language)
    if info is None or "json" not in info.files:
        return []
    path = event.folder / info.files["json"]
    try:
        data = _read_json(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("%s: cannot read the transcript (%s)", path, exc)
        return []
    segments = data.get("segments") if isinstance(data, dict) else None
    passages = []
    for seg in segments if isinstance(segments, list) else ():
        if not isinstance(seg, dict):
            continue
        start = _seconds(seg.get("recording_start"), session.start + _seconds(seg.get("start")))
        end = _seconds(seg.get("recording_end"), session.start + _seconds(seg.get("end")))
        passages.append(
            Passage(
                start=start,
                end=max(start, end),
                text=_text(seg.get("text")),
                language=_text(seg.get("language")) or language,
                source_language=_text(seg.get("source_language")),
                source_text=_text(seg.get("source_text")),
                engine=_text(seg.get("engine")),
                low_confidence=bool(seg.get("low_confidence")),
                reviewed=bool(seg.get("reviewed")),
            )
        )
    passages.sort(key=lambda p: p.start)
    return passages


def default_language(event: Event, session: Session, wanted: str | None) -> str:
    """`wanted` when the session has it, else the language spoken, else the first."""
    codes = [lang.code for lang in session.languages] or list(event.languages)
    for code in (wanted, session.language):
        if code and code in codes:
            return code
    return codes[0] if codes else ""
