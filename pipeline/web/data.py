"""What the replay pages show: views over the published outputs.

Every file is read through pipeline.outputs.read, the one reader of the outputs, which
checks each value (types, times, and paths that must stay inside the event folder).
The pages read leniently: an event whose index.json is broken is left out of the
lists with one warning, and a transcript that cannot be read shows as empty, so a
hand-edited file never turns a page into an HTTP 500. What this module adds is what a
page needs beyond the files: which listed files are really there, what to play (the
recording, and each interpreter channel's session audio beside it), how to word where
each language's text comes from (from its `shares`), and how to mark each passage
(from its `origin`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import PipelineError
from pipeline.fsio import safe_name, safe_relpath, target_problem
from pipeline.languages import autonym, language_name
from pipeline.media.kinds import MEDIA_TYPES
from pipeline.outputs.layout import INDEX_FILE, SESSION_AUDIO, session_media
from pipeline.outputs.read import (
    ChannelEntry,
    EventIndex,
    LanguageEntry,
    RecordingEntry,
    SessionEntry,
    TranscriptSegment,
    read_event,
    read_events,
    read_transcript,
    transcript_path,
)
from pipeline.writers.paragraphs import UNSURE_WORD
from pipeline.writers.provenance import INTERPRETER, engine_name

log = logging.getLogger(__name__)

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

# How a page marks a passage, by its origin: what was said is left unmarked; a machine
# (an MT engine, or Whisper's own speech translation), a person and an interpreter
# each get their badge.
PASSAGE_KINDS = {
    "original": "original",
    "machine": "machine",
    "speech-translation": "machine",
    "person": "person",
    "interpretation": "interpretation",
}
_BADGES = {  # kind -> (css class, badge text)
    "machine": ("mt", "translated"),
    "person": ("person", "by a person"),
    "interpretation": ("interp", "interpreted"),
}


def origin_badge(origin: str) -> str:
    """The badge a page puts on a passage of this origin; "" for what was said."""
    return _BADGES.get(PASSAGE_KINDS.get(origin, "original"), ("", ""))[1]


def origin_class(origin: str) -> str:
    """The css class of that badge ("interp", "mt", "person"); "" for what was said."""
    return _BADGES.get(PASSAGE_KINDS.get(origin, "original"), ("", ""))[0]


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
    origin: str = "original"  # one of pipeline.types.ORIGINS
    speaker: str = ""  # who said it ("" when not known)
    turn: bool = False  # the first passage of a speaker's turn: the page names them
    overlap: bool = False  # partly said while another person spoke too
    # Where the recogniser's words under UNSURE_WORD are that no person reviewed yet,
    # start and end in recording seconds (the event page marks them).
    unsure: tuple[tuple[float, float], ...] = ()

    @property
    def kind(self) -> str:
        """'original', 'machine', 'person' or 'interpretation': how the page marks it."""
        return PASSAGE_KINDS.get(self.origin, "original")

    @property
    def is_original(self) -> bool:
        return self.kind == "original"

    @property
    def css_class(self) -> str:
        return _BADGES.get(self.kind, ("", ""))[0]

    @property
    def badge(self) -> str:
        return _BADGES.get(self.kind, ("", ""))[1]

    @property
    def badge_title(self) -> str:
        """The badge's tooltip: who made the text, from what."""
        source = self.source_language_name
        translated = self.source_language not in ("", self.language)
        if self.origin == "speech-translation":
            return f"Speech translation from {source} ({self.engine_label})"
        if self.kind == "machine":
            return f"Machine translation from {source} ({self.engine_label})"
        if self.kind == "person":
            return f"Written by a person, from {source}" if translated else "Written by a person"
        if self.kind == "interpretation":
            return f"{INTERPRETER[0].upper()}{INTERPRETER[1:]} from {source}"
        return ""

    @property
    def engine_label(self) -> str:
        return engine_name(self.engine)

    @property
    def source_language_name(self) -> str:
        return language_name(self.source_language)


# How a page words where a language's text comes from, by share kind (index.json's
# `shares`); the machine's wording names its engines.
ORIGIN_WORDS = {
    "original": "original speech",
    "interpretation": INTERPRETER,
    "machine": "machine translation",
}
ORIGIN_CLASSES = {"original": "original", "interpretation": "interp", "machine": "mt"}


def _plain_engine(engine: str) -> str:
    """'apertium (en→es→fr)' -> 'apertium en→es→fr': one pair of brackets in a label."""
    return engine_name(" ".join(engine.replace("(", " ").replace(")", " ").split()))


def machine_engines(engine: str) -> tuple[str, ...]:
    """The MT engines named in a track's `engine` ('apertium, whisper (interpretation)'
    -> ('apertium',)): neither Whisper's transcript nor an interpreter's."""
    names = [part.strip() for part in engine.split(",")]
    return tuple(
        name
        for name in names
        if name and name.lower() != "whisper" and not name.endswith("(interpretation)")
    )


@dataclass(frozen=True)
class OriginPart:
    """One source of a language's text and its share: 'machine translation (apertium)'."""

    kind: str  # "original", "interpretation" or "machine"
    share: float  # 0-1
    words: str

    @property
    def css_class(self) -> str:
        return ORIGIN_CLASSES.get(self.kind, "")

    @property
    def percent(self) -> str:
        return f"{round(100 * self.share)} %"


def origin_parts(
    shares: dict[str, float], engines: tuple[str, ...] = (), *, is_original: bool = False
) -> tuple[OriginPart, ...]:
    """Where a track's text comes from, largest part first, worded for a page:
    'interpretation (human interpreter, transcribed by Whisper)', 'machine translation
    (apertium)', 'original speech'. `engines`: the MT engines, when known."""
    known = {kind: share for kind, share in shares.items() if kind in ORIGIN_WORDS and share > 0}
    if not known:
        known = {"original": 1.0} if is_original else {"machine": 1.0}
    order = list(ORIGIN_WORDS)
    parts = []
    for kind in sorted(known, key=lambda k: (-known[k], order.index(k))):
        words = ORIGIN_WORDS[kind]
        if kind == "machine" and engines:
            words = f"{words} ({', '.join(dict.fromkeys(_plain_engine(e) for e in engines))})"
        parts.append(OriginPart(kind, known[kind], words))
    return tuple(parts)


def origin_label(parts: tuple[OriginPart, ...]) -> str:
    """'machine translation (apertium)', or with the shares when a track mixes sources:
    'interpretation (human interpreter, transcribed by Whisper) 74 % · machine
    translation (apertium) 26 %'."""
    if len(parts) == 1:
        return parts[0].words
    return " · ".join(f"{part.words} {part.percent}" for part in parts)


def _shares_of(entry: LanguageEntry) -> dict[str, float]:
    """The entry's shares; for outputs written before shares were, from original_share."""
    if entry.shares:
        return dict(entry.shares)
    share = entry.original_share
    if share is None:
        share = 1.0 if entry.is_original else 0.0
    return {"original": share, "machine": 1 - share}


@dataclass(frozen=True)
class SessionLanguage:
    """One language of a session: where it comes from, its files, its interpreter."""

    code: str
    provenance: str
    is_original: bool
    engine: str
    files: dict[str, str]  # extension -> path relative to the event folder, present only
    shares: dict[str, float] = field(default_factory=dict)  # by kind, as index.json has them
    interpretation: ChannelEntry | None = None  # the interpreter channel in this language
    interpreter_audio: str | None = None  # its session cut, when it is there
    origins: tuple[OriginPart, ...] = ()  # where the text comes from, largest first

    @property
    def name(self) -> str:
        return language_name(self.code)

    @property
    def autonym(self) -> str:
        return autonym(self.code)

    @property
    def interpreted(self) -> bool:
        """Some of this language's text is an interpreter's."""
        return self.shares.get("interpretation", 0) > 0

    @property
    def origin_label(self) -> str:
        return origin_label(self.origins)

    @property
    def origin_class(self) -> str:
        return self.origins[0].css_class if self.origins else ""

    def with_engines(self, engines: tuple[str, ...]) -> SessionLanguage:
        """The same language, its machine translation worded with these engines."""
        parts = origin_parts(self.shares, engines, is_original=self.is_original)
        return replace(self, origins=parts)


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
    entry: SessionEntry = field(repr=False, compare=False)  # as index.json has it
    links: tuple[str, ...] = ()

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
class ChannelSpan:
    """An interpreter channel's audio for one session: `path` plays from `start`."""

    start: float  # recording seconds
    end: float
    path: str  # session.<lang>.m4a, relative to the event folder


@dataclass(frozen=True)
class ChannelAudio:
    """What a replay page can play instead of the floor for one language: the
    interpreter channel's session cuts, each in step with its session."""

    language: str
    spans: tuple[ChannelSpan, ...]  # by start

    @property
    def label(self) -> str:
        return autonym(self.language)


@dataclass(frozen=True)
class Player:
    """What a replay page plays: the whole recording, or the session audio as a fallback.

    `offset` is the recording time of the player's time 0: 0 for the recording,
    the session start for the session's own audio (whose tracks are session-timed).
    `channels`: interpreter audio the page can play in step instead of the floor, per
    language (every session of the recording that has it, or this session alone when
    the player is the session's audio); `follow`: the languages whose subtitles bring
    their interpreter along by default (those of this session with interpreted text).
    """

    kind: str
    sources: tuple[MediaSource, ...]
    tracks: tuple[Track, ...]
    chapters: str | None
    offset: float
    whole_recording: bool
    channels: tuple[ChannelAudio, ...] = ()
    follow: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    slug: str  # the event's folder name
    title: str
    date: str
    languages: tuple[str, ...]
    sessions: tuple[Session, ...]
    recordings: dict[str, Recording]
    folder: Path
    index: EventIndex = field(repr=False, compare=False)  # as index.json has it

    def session(self, slug: str) -> Session | None:
        return next((s for s in self.sessions if s.slug == slug), None)

    @property
    def label(self) -> str:
        return f"{self.title} ({self.date})" if self.date else self.title


# -- reading -------------------------------------------------------------------------


def load_events(outputs_dir: Path) -> list[Event]:
    """Every readable event under `outputs_dir`, newest date first.

    An event whose index.json cannot be read is left out with one warning, so one
    broken event does not take the others down.
    """
    events = [_event(index) for index in read_events(Path(outputs_dir), strict=False)]
    events.sort(key=lambda e: (e.date, e.slug), reverse=True)
    return events


def load_event(outputs_dir: Path, slug: str) -> Event | None:
    """The event in folder `slug`, or None when there is no such event.

    An event whose index.json is there but broken raises OutputsError (the replay
    page says why it cannot be shown).
    """
    if safe_name(slug) is None:
        return None
    folder = Path(outputs_dir) / slug
    if not (folder / INDEX_FILE).is_file() or target_problem(outputs_dir, folder):
        return None  # no event, or a symlink leading out of the outputs (see event_dirs)
    index = read_event(folder, strict=True)
    return None if index is None else _event(index)


def _present(folder: Path, relpath: str | None) -> str | None:
    """`relpath` when the file is there and inside the event folder, not hidden, also
    where a symlink leads (checked again: some paths are made here, not read)."""
    if not relpath or safe_relpath(folder, relpath) is None:
        return None
    try:
        return relpath if (folder / relpath).is_file() else None
    except OSError:
        return None


def _present_media(folder: Path, relpath: str | None) -> str | None:
    """`relpath` when it is a media file that is there: a recording published under a
    name that is not a media file's (`talk.html`) is never played, linked or copied."""
    if relpath and PurePosixPath(relpath).suffix.lower() not in MEDIA_TYPES:
        log.warning("%s: not a media file name; not played", folder / relpath)
        return None
    return _present(folder, relpath)


def _event(index: EventIndex) -> Event:
    recordings = {}
    for name, entry in index.recordings.items():
        recording = _recording(index.folder, entry, index.languages)
        if recording is not None:
            recordings[name] = recording
    return Event(
        slug=index.slug,
        title=index.title or index.slug,
        date=index.date,
        languages=index.languages,
        sessions=tuple(_session(index.folder, entry) for entry in index.sessions),
        recordings=recordings,
        folder=index.folder,
        index=index,
    )


def _language(folder: Path, lang: LanguageEntry) -> SessionLanguage:
    shares = _shares_of(lang)
    channel = lang.interpretation
    return SessionLanguage(
        code=lang.language,
        provenance=lang.provenance,
        is_original=lang.is_original,
        engine=lang.engine,
        files={ext: rel for ext, rel in lang.files.items() if _present(folder, rel)},
        shares=shares,
        interpretation=channel,
        interpreter_audio=_present_media(folder, channel.audio) if channel else None,
        origins=origin_parts(shares, machine_engines(lang.engine), is_original=lang.is_original),
    )


def _session(folder: Path, entry: SessionEntry) -> Session:
    languages = tuple(_language(folder, lang) for lang in entry.languages)
    return Session(
        index=entry.index,
        slug=entry.slug,
        title=entry.title or entry.slug,
        speakers=entry.speakers,
        language=entry.language,
        recording=entry.recording,
        start=entry.start_ms / 1000,
        end=entry.end_ms / 1000,
        languages=languages,
        entry=entry,
        links=entry.links,
    )


def media_kind(path: str) -> str:
    return "video" if PurePosixPath(path).suffix.lower() in VIDEO_EXTENSIONS else "audio"


def _source(path: str) -> MediaSource:
    return MediaSource(path=path, type=SOURCE_TYPES.get(PurePosixPath(path).suffix.lower()))


def _recording(folder: Path, entry: RecordingEntry, languages: tuple[str, ...]) -> Recording | None:
    media = _present_media(folder, entry.media)
    if media is None:
        return None
    sources = [_source(media)]
    # A WebM copy beside the recording (same stem) plays in every browser; prefer it.
    webm = PurePosixPath(media).with_suffix(".webm").as_posix()
    if webm != media and _present_media(folder, webm):
        sources.insert(0, _source(webm))
    tracks = tuple(
        Track(code, autonym(code), rel)
        for code in languages
        if (rel := _present(folder, entry.tracks.get(code)))
    )
    return Recording(
        name=entry.name,
        media=media,
        kind=media_kind(media),
        sources=tuple(sources),
        chapters=_present(folder, entry.chapters),
        tracks=tracks,
    )


def _channels(event: Event, sessions: list[Session]) -> tuple[ChannelAudio, ...]:
    """Per language (the event's order), the interpreter audio of these sessions."""
    spans: dict[str, list[ChannelSpan]] = {}
    for other in sessions:
        for lang in other.languages:
            if lang.interpreter_audio:
                span = ChannelSpan(other.start, other.end, lang.interpreter_audio)
                spans.setdefault(lang.code, []).append(span)
    order = {code: n for n, code in enumerate(event.languages)}
    return tuple(
        ChannelAudio(code, tuple(sorted(found, key=lambda span: span.start)))
        for code, found in sorted(spans.items(), key=lambda item: order.get(item[0], len(order)))
    )


def _follow(session: Session) -> tuple[str, ...]:
    return tuple(
        lang.code for lang in session.languages if lang.interpreter_audio and lang.interpreted
    )


@dataclass(frozen=True)
class Download:
    """A file of a session offered for download: what it is, and where."""

    label: str
    path: str  # relative to the event folder


def session_downloads(event: Event, session: Session) -> tuple[Download, ...]:
    """The session's media files that are there: its own audio, and the video with
    subtitle streams `webconf mux` makes (each format it made)."""
    found = []
    audio = _present_media(event.folder, session.entry.audio or f"{session.slug}/{SESSION_AUDIO}")
    if audio:
        found.append(Download("session audio (m4a)", audio))
    for ext in ("mp4", "mkv"):
        muxed = _present(event.folder, f"{session.slug}/{session_media(ext)}")
        if muxed:
            found.append(Download(f"video with subtitles ({ext})", muxed))
    return tuple(found)


def player_for(event: Event, session: Session) -> Player | None:
    """The recording (from the session start) when published, else the session audio;
    with the interpreter audio the page can play beside it."""
    recording = event.recordings.get(session.recording)
    if recording is not None:
        siblings = [s for s in event.sessions if s.recording == session.recording]
        return Player(
            kind=recording.kind,
            sources=recording.sources,
            tracks=recording.tracks,
            chapters=recording.chapters,
            offset=0.0,
            whole_recording=True,
            channels=_channels(event, siblings),
            follow=_follow(session),
        )
    audio = _present_media(event.folder, session.entry.audio or f"{session.slug}/{SESSION_AUDIO}")
    if audio is None:
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
        channels=_channels(event, [session]),
        follow=_follow(session),
    )


def load_passages(event: Event, session: Session, language: str) -> list[Passage]:
    """The session's sentences in `language`, timed in recording seconds; none when
    the transcript is not there or cannot be read (logged once as a warning)."""
    if session.language_info(language) is None:
        return []
    if not transcript_path(event.index, session.entry, language).is_file():
        return []
    transcript = read_transcript(event.index, session.entry, language, strict=False)
    if transcript is None:
        return []
    passages = [
        Passage(
            start=seg.recording_start_ms / 1000,
            end=max(seg.recording_start_ms, seg.recording_end_ms) / 1000,
            text=seg.text,
            language=seg.language,
            source_language=seg.source_language,
            source_text=seg.source_text,
            engine=seg.engine,
            low_confidence=seg.low_confidence,
            reviewed=seg.reviewed,
            origin=seg.origin,
            speaker=seg.speaker,
            overlap=seg.overlap,
            unsure=_unsure_words(seg),
        )
        for seg in transcript.segments
    ]
    passages.sort(key=lambda p: p.start)
    return [
        replace(p, turn=bool(p.speaker) and (i == 0 or passages[i - 1].speaker != p.speaker))
        for i, p in enumerate(passages)
    ]


def _unsure_words(seg: TranscriptSegment) -> tuple[tuple[float, float], ...]:
    """As `writers.paragraphs.unsure_words` counts them: recognised words of what was
    said, in a sentence no person reviewed."""
    if seg.reviewed or seg.origin != "original":
        return ()
    shift = seg.recording_start_ms - seg.start_ms  # words are timed in session time
    return tuple(
        ((w.start_ms + shift) / 1000, (w.end_ms + shift) / 1000)
        for w in seg.words
        if w.probability < UNSURE_WORD and not w.reviewed
    )


def worded_languages(
    session: Session, passages: dict[str, list[Passage]]
) -> tuple[SessionLanguage, ...]:
    """The session's languages, each machine translation worded with the engines its
    passages name (index.json's `engine` may name only the track's main one)."""
    out = []
    for lang in session.languages:
        engines = tuple(
            dict.fromkeys(p.engine for p in passages.get(lang.code, ()) if p.kind == "machine")
        )
        out.append(lang.with_engines(engines) if engines else lang)
    return tuple(out)


def replay_context(event: Event, session: Session, wanted: str | None) -> dict[str, Any]:
    """What the replay template shows for one session (the server's and the site's)."""
    passages = {info.code: load_passages(event, session, info.code) for info in session.languages}
    return {
        "event": event,
        "session": replace(session, languages=worded_languages(session, passages)),
        "lang": default_language(event, session, wanted),
        "player": player_for(event, session),
        "passages": passages,
        "siblings": [s for s in event.sessions if s.recording == session.recording],
    }


def default_language(event: Event, session: Session, wanted: str | None) -> str:
    """`wanted` when the session has it, else the language spoken, else the first."""
    codes = [lang.code for lang in session.languages] or list(event.languages)
    for code in (wanted, session.language):
        if code and code in codes:
            return code
    return codes[0] if codes else ""
