"""The one reader of the published outputs: `index.json` and each `<session>/<lang>.json`.

The search archive, the replay pages and mux read the outputs through here, so they
agree on what a file holds and on what is wrong with it. Every value is checked before
a caller sees it. A wrong type, NaN or infinity, a number out of range, a negative
time, a string where a number belongs, a path that climbs (`..`), is absolute, hidden
(`.cache`), holds a backslash or NUL, or leads out of the event folder (or into a
hidden folder in it) through a symlink, an unknown `format` version: each is one
`OutputsError` whose message names the file and the place:

    outputs/ev/index.json: sessions[2].start: expected a number of seconds, got 'abc'

Callers choose how to take it: `strict=True` raises it; `strict=False` logs it as one
warning and returns None (`read_event`, `read_transcript`) or leaves that event out
(`read_events`), so one hand-edited file cannot take the other events down.

Conventions of the records:

- times are integer milliseconds (`start_ms`, ...), as in pipeline.types; the files
  hold seconds with 3 decimals, so `round(seconds * 1000)` gives them back exactly.
  Session times and segment `recording_*` times are recording time, segment and cue
  `start_ms`/`end_ms` session time;
- paths are POSIX, relative to the event folder, and checked to stay inside it;
- text a file leaves out (or writes as null) reads as ""; a segment without `origin`
  (outputs written before origins were) reads as "original" when it is in its source
  language and "machine" when it is not, the only way older versions made one;
- keys the reader does not know are ignored (`recording_tracks` of older outputs,
  `words`), and a missing `format` is version 1;
- interpreter channels (`interpretation` of a session's language, of a segment or a
  cue; `channels` of a recording) are `ChannelEntry`s, whose `offset` alone among
  times may be negative (a channel file that started before the recording); outputs
  written before there were channels read with none, and `shares` (share of the text
  by origin: original, interpretation, machine) reads as {} when a file has none.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from pipeline.errors import OutputsError
from pipeline.fsio import name_problem, relpath_problem, target_problem
from pipeline.outputs.layout import FORMAT_VERSION, INDEX_FILE, session_file
from pipeline.types import ORIGINS

log = logging.getLogger(__name__)

MAX_SECONDS = 10_000_000  # ~115 days: a time beyond this is a hand-edit or corruption
MAX_NUMBER = 1_000_000  # the largest session number taken as meant
MAX_LAG_MS = 3_600_000  # an interpreter an hour behind (or ahead) is a hand-edit

__all__ = [
    "MAX_LAG_MS",
    "MAX_NUMBER",
    "MAX_SECONDS",
    "ORIGINS",
    "ChannelEntry",
    "EventIndex",
    "LanguageEntry",
    "RecordingEntry",
    "SessionEntry",
    "Transcript",
    "TranscriptCue",
    "TranscriptSegment",
    "TranscriptWord",
    "event_dirs",
    "read_event",
    "read_events",
    "read_transcript",
    "transcript_path",
]


# -- the records -------------------------------------------------------------------------


_WEB = re.compile(r"https?://[^\s/?#]+\S*", re.I)  # what a page may link to


@dataclass(frozen=True)
class ChannelEntry:
    """An interpreter channel: another audio stream of the recording's file, or a file
    of its own starting `offset_ms` into the recording.

    In index.json a session's language names the channel in that language with
    `audio`, the session's cut of it (`session.<lang>.m4a`, what a replay plays and
    mux carries), and `lag_ms`, the interpreter's median lag over the session; a
    recording's `channels` give the median over the recording. An interpreted segment
    or cue names the channel it was heard on (a segment with its own `lag_ms`).
    """

    language: str
    file: str  # the channel's file name (the recording's own name for one of its streams)
    stream: int | None  # among the file's audio streams; None: its first
    offset_ms: int  # where the file starts, in recording time (negative: before it)
    audio: str | None = None  # the session's cut of the channel, in the event folder
    lag_ms: int | None = None  # how far the interpreter ran behind the floor (ms)


@dataclass(frozen=True)
class LanguageEntry:
    """One language of a session in index.json: where its text comes from, its files."""

    language: str
    engine: str
    is_original: bool  # the session's spoken language
    source_language: str
    original_share: float | None  # share of the text that is original speech, 0-1
    provenance: str  # the files' header wording
    files: Mapping[str, str] = field(hash=False)  # extension -> path in the event folder
    # share of the text (0-1) by where it comes from: "original", "interpretation",
    # "machine" (only the non-zero ones); {} in outputs written before shares were
    shares: Mapping[str, float] = field(default_factory=dict, hash=False)
    interpretation: ChannelEntry | None = None  # the interpreter channel in this language


@dataclass(frozen=True)
class BoundaryEntry:
    """One agenda boundary as the run checked it (index.json `agenda_check`)."""

    before: int  # the index of the session it ends
    after: int  # the index of the session it starts
    agenda_ms: int
    suggested_ms: int
    applied: bool  # the run moved it there (--align-agenda)
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SessionEntry:
    """One agenda session in index.json."""

    index: int
    slug: str  # its folder in the event folder
    title: str
    speakers: tuple[str, ...]
    language: str  # spoken language, "" when unknown
    recording: str  # the recording's file name (a key of EventIndex.recordings)
    start_ms: int  # recording time
    end_ms: int
    audio: str | None  # the session's own audio, when index.json names it
    languages: tuple[LanguageEntry, ...]
    links: tuple[str, ...] = ()  # http(s) addresses only: others are dropped on reading

    def language_entry(self, code: str) -> LanguageEntry | None:
        return next((entry for entry in self.languages if entry.language == code), None)


@dataclass(frozen=True)
class RecordingEntry:
    """A recording in index.json: published media, chapters, full-recording tracks."""

    name: str
    media: str | None
    chapters: str | None
    tracks: Mapping[str, str] = field(hash=False)  # language -> VTT in recording time
    # language -> the recording's interpreter channel into it (lag_ms: over the recording)
    channels: Mapping[str, ChannelEntry] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class EventIndex:
    """What an event's index.json holds; `slug` is the event folder's name."""

    folder: Path
    slug: str
    title: str
    date: str
    languages: tuple[str, ...]
    format: int
    sessions: tuple[SessionEntry, ...]
    recordings: Mapping[str, RecordingEntry] = field(hash=False)  # by file name
    description: str = ""
    agenda_check: tuple[BoundaryEntry, ...] = ()
    # ("Speaker 2", "Jens Wretling"): every voice the run heard, and its name
    voices: tuple[tuple[str, str], ...] = ()

    @property
    def index_file(self) -> Path:
        return self.folder / INDEX_FILE

    def session(self, slug: str) -> SessionEntry | None:
        return next((s for s in self.sessions if s.slug == slug), None)


@dataclass(frozen=True)
class TranscriptWord:
    """One recognised word of a segment: what reviewers are pointed at."""

    start_ms: int  # session time
    end_ms: int
    text: str  # as the recogniser wrote it (leading space kept)
    probability: float  # the recogniser's; 1.0 for a word a person wrote
    reviewed: bool = False  # a person wrote or confirmed it
    speaker: str = ""  # who said it ("" when not known, or in outputs from before)
    overlap: bool = False  # said while another person spoke too


@dataclass(frozen=True)
class TranscriptSegment:
    """One sentence of a `<lang>.json`."""

    start_ms: int  # session time
    end_ms: int
    recording_start_ms: int
    recording_end_ms: int
    text: str
    language: str
    source_language: str  # the language it was said in (= language when original)
    source_text: str  # what it renders, when it is not original speech
    engine: str
    origin: str  # one of ORIGINS
    low_confidence: bool
    reviewed: bool
    channel: ChannelEntry | None = None  # an interpreted segment: the channel heard
    lag_ms: int | None = None  # ... and how far the interpreter ran behind the floor here
    words: tuple[TranscriptWord, ...] = ()  # recognised words (none for a translation)
    speaker: str = ""  # who said it (a rendering: who said the source); "" not known
    overlap: bool = False  # partly said while another person spoke too


@dataclass(frozen=True)
class TranscriptCue:
    """One subtitle cue of a `<lang>.json`."""

    id: str
    start_ms: int  # session time
    end_ms: int
    recording_start_ms: int
    recording_end_ms: int
    text: str
    lines: tuple[str, ...]
    origin: str
    low_confidence: bool
    reviewed: bool
    channel: ChannelEntry | None = None  # an interpreted cue: the channel heard
    speaker: str = ""  # who says it; "" when not known


@dataclass(frozen=True)
class Transcript:
    """A session in one language: `<session>/<lang>.json`."""

    path: Path
    language: str
    source_language: str
    is_original: bool
    original_share: float | None
    provenance: str
    engine: str
    segments: tuple[TranscriptSegment, ...]
    cues: tuple[TranscriptCue, ...]
    shares: Mapping[str, float] = field(default_factory=dict, hash=False)  # as LanguageEntry's


# -- reading -----------------------------------------------------------------------------


def event_dirs(outputs_dir: Path) -> list[Path]:
    """The event folders of an outputs folder: those holding index.json, by name
    (hidden folders such as a stage cache are never events). A folder that is a
    symlink leading out of the outputs folder (or to a hidden one in it) is left out
    with one warning: every file of an event is checked to stay inside its folder, so
    the folder itself must be inside the outputs."""
    outputs_dir = Path(outputs_dir)
    if not outputs_dir.is_dir():
        return []
    found = []
    for path in sorted(outputs_dir.iterdir()):
        if path.name.startswith(".") or not (path.is_dir() and (path / INDEX_FILE).is_file()):
            continue
        problem = target_problem(outputs_dir, path)
        if problem:
            log.warning("%s: not an event folder here (%s); skipped", path, problem)
            continue
        found.append(path)
    return found


def read_event(event_dir: Path, *, strict: bool = True) -> EventIndex | None:
    """The event whose index.json is in `event_dir`, checked through.

    strict: raise OutputsError on the first problem; else log it as one warning and
    return None.
    """
    event_dir = Path(event_dir)
    try:
        return _read_event(event_dir)
    except OutputsError as exc:
        if strict:
            raise
        log.warning("%s (event skipped)", exc)
        return None


def read_events(outputs_dir: Path, *, strict: bool = True) -> list[EventIndex]:
    """Every event under `outputs_dir` (see `event_dirs`), by folder name.

    strict: raise OutputsError for the first unreadable event; else leave each out
    with one warning and return the others.
    """
    outputs_dir = Path(outputs_dir)
    if not outputs_dir.is_dir():
        error = OutputsError(outputs_dir, "no such outputs folder")
        if strict:
            raise error
        log.warning("%s", error)
        return []
    events = (read_event(folder, strict=strict) for folder in event_dirs(outputs_dir))
    return [event for event in events if event is not None]


def transcript_path(event: EventIndex, session: SessionEntry, language: str) -> Path:
    """Where the session's `<lang>.json` is (the layout's place, whatever `files` says)."""
    return event.folder / session.slug / session_file(language, "json")


def read_transcript(
    event: EventIndex, session: SessionEntry, language: str, *, strict: bool = True
) -> Transcript | None:
    """The session's `<lang>.json`, checked through; strict as for `read_event`."""
    path = transcript_path(event, session, language)
    try:
        return _read_transcript(path, event.folder, language)
    except OutputsError as exc:
        if strict:
            raise
        log.warning("%s (transcript skipped)", exc)
        return None


# -- files -------------------------------------------------------------------------------

_CACHE_SIZE = 64
_cache: OrderedDict[str, tuple[tuple[int, int, int], Any]] = OrderedDict()
_cache_lock = threading.Lock()


def _load(path: Path, folder: Path, missing: str) -> Any:
    """Parsed JSON of `path` (inside `folder`), kept until the file changes: the replay
    pages read the same files on every request. Only the parse is kept; every read
    checks the values again."""
    problem = relpath_problem(folder, path.relative_to(folder).as_posix())
    if problem:
        raise OutputsError(path, f"not inside the event folder ({problem})")
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise OutputsError(path, missing) from None
    except OSError as exc:
        raise OutputsError(path, f"cannot be read ({exc.strerror or exc})") from None
    key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    with _cache_lock:
        hit = _cache.get(str(path))
        if hit is not None and hit[0] == key:
            _cache.move_to_end(str(path))
            return hit[1]
    data = _parse(path)
    with _cache_lock:
        _cache[str(path)] = (key, data)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def _parse(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise OutputsError(path, f"cannot be read (not UTF-8: byte {exc.start})") from None
    except OSError as exc:
        raise OutputsError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise OutputsError(path, f"not valid JSON ({where})") from None
    except RecursionError:
        raise OutputsError(path, "not valid JSON (nested too deeply)") from None
    except ValueError:  # an integer of thousands of digits
        raise OutputsError(path, "not valid JSON (a number too long to read)") from None


def _read_event(folder: Path) -> EventIndex:
    path = folder / INDEX_FILE
    hint = f"not found; is {folder} an event folder written by `webconf run`?"
    top = _Obj.top(path, folder, _load(path, folder, hint))
    version = _format(top)
    info = top.object("event", required=True)
    sessions = tuple(_session(item) for item in top.items("sessions"))
    _check_unique(top, sessions)
    recordings = {name: _recording(name, item) for name, item in top.entries("recordings")}
    return EventIndex(
        folder=folder,
        slug=folder.name,
        title=info.text("title"),
        date=info.text("date"),
        languages=info.names("languages"),
        format=version,
        sessions=sessions,
        recordings=recordings,
        description=info.text("description"),
        agenda_check=tuple(
            BoundaryEntry(
                before=item.whole("before"),
                after=item.whole("after"),
                agenda_ms=item.seconds("agenda"),
                suggested_ms=item.seconds("suggested"),
                applied=item.flag("applied"),
                reasons=item.strings("reasons"),
            )
            for item in top.items("agenda_check", required=False)
        ),
        voices=tuple(
            (item.text("voice", required=True), item.text("name", required=True))
            for item in top.items("voices", required=False)
        ),
    )


def _format(top: _Obj) -> int:
    if "format" not in top.raw:
        return 1  # written before the format was numbered
    version = top.whole("format", low=1)
    if version > FORMAT_VERSION:
        top.fail(
            "format",
            f"version {version} is newer than this webconf reads ({FORMAT_VERSION}); "
            "update webconf",
        )
    return version


def _session(item: _Obj) -> SessionEntry:
    return SessionEntry(
        index=item.whole("index"),
        slug=item.name("slug"),
        title=item.text("title"),
        speakers=item.strings("speakers"),
        links=tuple(u for u in item.strings("links") if _WEB.fullmatch(u)),
        language=item.name("language", required=False),
        recording=item.name("recording", required=False),
        start_ms=item.seconds("start"),
        end_ms=item.seconds("end"),
        audio=item.relpath("audio"),
        languages=tuple(
            LanguageEntry(
                language=code,
                engine=entry.text("engine"),
                is_original=entry.flag("is_original"),
                source_language=entry.name("source_language", required=False),
                original_share=entry.share("original_share"),
                provenance=entry.text("provenance"),
                files=entry.relpaths("files"),
                shares=entry.shares("shares"),
                interpretation=entry.channel("interpretation", code, session_audio=True),
            )
            for code, entry in item.entries("languages")
        ),
    )


def _check_unique(top: _Obj, sessions: tuple[SessionEntry, ...]) -> None:
    """Sessions are found by number and by folder: two with the same one are a mistake."""
    for key in ("index", "slug"):
        seen: dict[object, int] = {}
        for n, session in enumerate(sessions):
            m = seen.setdefault(getattr(session, key), n)
            if m != n:
                top.fail(f"sessions[{n}].{key}", f"the same as sessions[{m}]'s")


def _recording(name: str, item: _Obj) -> RecordingEntry:
    return RecordingEntry(
        name=name,
        media=item.relpath("media"),
        chapters=item.relpath("chapters"),
        tracks=item.relpaths("tracks"),
        channels=item.channels("channels"),
    )


def _read_transcript(path: Path, folder: Path, language: str) -> Transcript:
    data = _load(path, folder, f"missing (listed in the event's {INDEX_FILE})")
    top = _Obj.top(path, folder, data)
    segments, cues = top.items("segments"), top.items("cues")
    own = top.name("language", required=False) or language
    source = top.name("source_language", required=False)
    is_original = top.flag("is_original")
    engine = top.text("engine")
    return Transcript(
        path=path,
        language=own,
        source_language=source,
        is_original=is_original,
        original_share=top.share("original_share"),
        provenance=top.text("provenance"),
        engine=engine,
        segments=tuple(_segment(item, own, engine) for item in segments),
        cues=tuple(_cue(item, "original" if is_original else "machine") for item in cues),
        shares=top.shares("shares"),
    )


def _segment(item: _Obj, track_language: str, track_engine: str) -> TranscriptSegment:
    start, end = item.seconds("start"), item.seconds("end")
    recording_start, recording_end = item.seconds("recording_start"), item.seconds("recording_end")
    language = item.name("language", required=False) or track_language
    source = item.name("source_language", required=False) or language
    channel = item.channel("interpretation")
    return TranscriptSegment(
        start_ms=start,
        end_ms=end,
        recording_start_ms=recording_start,
        recording_end_ms=recording_end,
        text=item.text("text", required=True),
        language=language,
        source_language=source,
        source_text=item.text("source_text"),
        engine=item.text("engine") or track_engine,
        origin=item.origin("original" if source == language else "machine"),
        low_confidence=item.flag("low_confidence"),
        reviewed=item.flag("reviewed"),
        channel=channel,
        lag_ms=channel.lag_ms if channel is not None else None,
        words=tuple(_word(w) for w in item.items("words", required=False)),
        speaker=item.text("speaker"),
        overlap=item.flag("overlap"),
    )


def _word(item: _Obj) -> TranscriptWord:
    return TranscriptWord(
        start_ms=item.seconds("start"),
        end_ms=item.seconds("end"),
        text=item.text("word", required=True),
        probability=item.share("probability", required=True),
        reviewed=item.flag("reviewed"),
        speaker=item.text("speaker"),
        overlap=item.flag("overlap"),
    )


def _cue(item: _Obj, default_origin: str) -> TranscriptCue:
    start, end = item.seconds("start"), item.seconds("end")
    recording_start, recording_end = item.seconds("recording_start"), item.seconds("recording_end")
    text = item.text("text", required=True)
    return TranscriptCue(
        id=item.text("id"),
        start_ms=start,
        end_ms=end,
        recording_start_ms=recording_start,
        recording_end_ms=recording_end,
        text=text,
        lines=item.strings("lines") or (text,),
        origin=item.origin(default_origin),
        low_confidence=item.flag("low_confidence"),
        reviewed=item.flag("reviewed"),
        channel=item.channel("interpretation"),
        speaker=item.text("speaker"),
    )


# -- checking ----------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _at(where: str, key: str | int) -> str:
    """`sessions[2].start`, `recordings["talk.mp4"].media`: a place in a document."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    if not _PLAIN_KEY.match(key):
        return f"{where}[{json.dumps(key, ensure_ascii=False)}]"
    return f"{where}.{key}" if where else key


def _show(value: Any) -> str:
    """A value as a message shows it: short, on one line."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and abs(value) >= 10**20:
        return f"a {len(str(abs(value)))}-digit number"
    if isinstance(value, str) and not _is_utf8(value):
        return "a string with a lone surrogate (not UTF-8)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_utf8(text: str) -> bool:
    """False for a string holding a lone surrogate (`"\\ud800"` in the JSON): no file,
    database or page can hold it, so it is refused here, naming its place."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class _Obj:
    """A JSON object at a place in a file: typed getters that fail naming both."""

    path: Path
    folder: Path
    where: str
    raw: dict

    @classmethod
    def top(cls, path: Path, folder: Path, data: Any) -> _Obj:
        if not isinstance(data, dict):
            raise OutputsError(path, f"expected a JSON object, got {_show(data)}")
        return cls(path, folder, "", data)

    def fail(self, place: str, problem: str) -> NoReturn:
        raise OutputsError(self.path, problem, place)

    def _get(self, key: str, required: bool) -> Any:
        if required and key not in self.raw:
            self.fail(_at(self.where, key), "missing")
        return self.raw.get(key)

    def _wrong(self, key: str, expected: str, value: Any) -> NoReturn:
        self.fail(_at(self.where, key), f"expected {expected}, got {_show(value)}")

    def object(self, key: str, *, required: bool = False) -> _Obj:
        value = self._get(key, required)
        if value is None and not required:
            value = {}
        if not isinstance(value, dict):
            self._wrong(key, "an object", value)
        return _Obj(self.path, self.folder, _at(self.where, key), value)

    def items(self, key: str, *, required: bool = True) -> list[_Obj]:
        """The objects of a list the file must have (or may have: [] without it)."""
        value = self._get(key, required)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self._wrong(key, "a list", value)
        place = _at(self.where, key)
        objects = []
        for n, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail(_at(place, n), f"expected an object, got {_show(item)}")
            objects.append(_Obj(self.path, self.folder, _at(place, n), item))
        return objects

    def entries(self, key: str) -> Iterator[tuple[str, _Obj]]:
        """(name, object) of an object keyed by names (languages, recordings)."""
        table = self.object(key)
        for name in table.raw:
            table.check_name(name, _at(table.where, name))
            yield name, table.object(name, required=True)

    def check_name(self, value: Any, place: str) -> str:
        if not isinstance(value, str):
            self.fail(place, f"expected a name, got {_show(value)}")
        problem = name_problem(value)
        if problem:
            self.fail(place, f"expected a name, got {_show(value)} ({problem})")
        return value

    def text(self, key: str, *, required: bool = False) -> str:
        value = self._get(key, required)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not _is_utf8(value):
            self._wrong(key, "a string", value)
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list):
            self._wrong(key, "a list of strings", value)
        for n, item in enumerate(value):
            if not isinstance(item, str) or not _is_utf8(item):
                self.fail(_at(_at(self.where, key), n), f"expected a string, got {_show(item)}")
        return tuple(value)

    def name(self, key: str, *, required: bool = True) -> str:
        """A folder name or language code: one harmless path segment."""
        value = self._get(key, required)
        if value is None and not required:
            return ""
        return self.check_name(value, _at(self.where, key))

    def names(self, key: str) -> tuple[str, ...]:
        codes = self.strings(key)
        for n, code in enumerate(codes):
            self.check_name(code, _at(_at(self.where, key), n))
        return codes

    def flag(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self._wrong(key, "true or false", value)
        return value

    def _number(self, key: str, required: bool, expected: str, high: float) -> float | None:
        value = self._get(key, required)
        if value is None and not required:
            return None
        # NaN fails both comparisons, infinity the second; huge ints compare exactly
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not 0 <= value <= high:
            self._wrong(key, expected, value)
        return value

    def seconds(self, key: str) -> int:
        """A time the file must have, in seconds; as integer milliseconds."""
        expected = f"a number of seconds from 0 to {MAX_SECONDS}"
        return round(self._number(key, True, expected, MAX_SECONDS) * 1000)

    def whole(self, key: str, *, low: int = 0) -> int:
        value = self._get(key, True)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_NUMBER:
            self._wrong(key, f"a whole number from {low} to {MAX_NUMBER}", value)
        return value

    def share(self, key: str, *, required: bool = False) -> float | None:
        value = self._number(key, required, "a share from 0 to 1", 1)
        return None if value is None else float(value)

    def shares(self, key: str) -> dict[str, float]:
        """{origin: share from 0 to 1} (`shares`); {} where the file has none."""
        table = self.object(key)
        found = {}
        for name in table.raw:
            table.check_name(name, _at(table.where, name))
            found[name] = table.share(name, required=True)
        return found

    def offset(self, key: str) -> int:
        """Where a channel's file starts in the recording, in seconds (negative when it
        started first; 0 where the file has none); as integer milliseconds."""
        value = self._get(key, False)
        if value is None:
            return 0
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not -MAX_SECONDS <= value <= MAX_SECONDS:
            self._wrong(key, f"a number of seconds from {-MAX_SECONDS} to {MAX_SECONDS}", value)
        return round(value * 1000)

    def lag(self, key: str) -> int | None:
        """An interpreter's lag in whole milliseconds (negative when ahead), or None."""
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_LAG_MS:
            self._wrong(
                key, f"a whole number of milliseconds from {-MAX_LAG_MS} to {MAX_LAG_MS}", value
            )
        return value

    def stream(self, key: str) -> int | None:
        """An audio stream number (0 = the file's first audio stream), or None."""
        if self._get(key, False) is None:
            return None
        return self.whole(key)

    def channel(
        self, key: str, language: str | None = None, *, session_audio: bool = False
    ) -> ChannelEntry | None:
        """The interpreter channel at `key` (None where there is none); `language`: the
        language it is listed under, which its own `language` must be."""
        if self._get(key, False) is None:
            return None
        item = self.object(key)
        own = item.name("language")
        if language is not None and own != language:
            item.fail(
                _at(item.where, "language"),
                f"expected {language!r} (the language it is listed under), got {_show(own)}",
            )
        offset = item.offset("offset")
        return ChannelEntry(
            language=own,
            file=item.name("file"),
            stream=item.stream("stream"),
            offset_ms=offset,
            audio=item.relpath("audio") if session_audio else None,
            lag_ms=item.lag("lag_ms"),
        )

    def channels(self, key: str) -> dict[str, ChannelEntry]:
        """{language: channel} of a recording's interpreter channels; {} where none."""
        table = self.object(key)
        found = {}
        for name in table.raw:
            table.check_name(name, _at(table.where, name))
            channel = table.channel(name, name)
            if channel is None:
                table.fail(_at(table.where, name), "expected an object, got null")
            found[name] = channel
        return found

    def origin(self, default: str) -> str:
        value = self._get("origin", False)
        if value is None:
            return default
        if value not in ORIGINS:
            self._wrong("origin", "one of " + ", ".join(ORIGINS), value)
        return value

    def relpath(self, key: str) -> str | None:
        """A path inside the event folder, or None where the file has none."""
        value = self._get(key, False)
        if value is None:
            return None
        problem = relpath_problem(self.folder, value)
        if problem:
            self._problem_path(_at(self.where, key), value, problem)
        return value

    def relpaths(self, key: str) -> dict[str, str]:
        """{name: path inside the event folder} (a session's files, a recording's tracks)."""
        table = self.object(key)
        found = {}
        for name, value in table.raw.items():
            place = _at(table.where, name)
            table.check_name(name, place)
            problem = relpath_problem(self.folder, value)
            if problem:
                self._problem_path(place, value, problem)
            found[name] = value
        return found

    def _problem_path(self, place: str, value: Any, problem: str) -> NoReturn:
        if not isinstance(value, str):
            self.fail(place, f"expected a path, got {_show(value)}")
        self.fail(place, f"expected a path inside the event folder, got {_show(value)} ({problem})")


def _lenient_index(event_dir: Path) -> dict[str, Any]:
    """index.json as it is, or {} when it is not there or not a JSON object."""
    try:
        doc = json.loads((Path(event_dir) / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return doc if isinstance(doc, dict) else {}


def made_with(event_dir: Path) -> dict[str, Any]:
    """What the event's outputs were made with (index.json `made_with`: model, MT,
    subtitle profile, the manifest's id...), leniently: {} when the index says nothing
    or cannot be read; only plain strings and booleans are kept."""
    found = _lenient_index(event_dir).get("made_with")
    if not isinstance(found, dict):
        return {}
    return {
        str(k): v for k, v in found.items() if isinstance(v, (str, bool)) and len(str(v)) < 100
    }


def recording_names(event_dir: Path) -> tuple[str, ...]:
    """The file names of the recordings an event folder was made from (index.json
    `recordings`), leniently: () when it cannot be read."""
    found = _lenient_index(event_dir).get("recordings")
    return tuple(str(name) for name in found) if isinstance(found, dict) else ()
