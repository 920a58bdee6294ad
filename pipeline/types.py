"""Frozen records passed from stage to stage.

Times are integer milliseconds in recording time unless a field says otherwise;
writers format them once, so every format rounds the same way. Every record is
frozen and picklable, so stages can run in other processes.

`origin` says who produced a text, and every writer words its labels from it:

- `original`: what was said, as recognised (Whisper's transcript);
- `interpretation`: what a human interpreter said, as recognised;
- `speech-translation`: Whisper's own translation of the audio into English;
- `machine`: machine translation of a text (the engine says which);
- `person`: written by a person (a correction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from pipeline.fsio import slugify

Origin = Literal["original", "interpretation", "speech-translation", "machine", "person"]
ORIGINS: tuple[str, ...] = ("original", "interpretation", "speech-translation", "machine", "person")


@dataclass(frozen=True)
class Word:
    start_ms: int
    end_ms: int
    text: str  # as Whisper wrote it, with its leading space when it has one
    probability: float = 1.0
    reviewed: bool = False  # written or confirmed by a person (corrections/)
    speaker: str = ""  # who said it ("Speaker 2", or their name); "" when not known
    overlap: bool = False  # said while another person spoke too (the speakers stage)


@dataclass(frozen=True)
class Segment:
    """A stretch of recognised speech in one language (a Whisper segment)."""

    start_ms: int
    end_ms: int
    text: str
    language: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    low_confidence: bool = False  # kept, but flagged for review instead of trusted
    origin: Origin = "original"
    source_language: str = ""  # the language spoken, when `text` is a translation of it


@dataclass(frozen=True)
class Sentence:
    """The unit of translation: whole sentences, timed over their span.

    `words` is empty for a translated sentence; `source_text` then holds the
    sentence it was translated from.
    """

    start_ms: int
    end_ms: int
    text: str
    language: str
    words: tuple[Word, ...] = ()
    source_language: str = ""
    source_text: str = ""
    engine: str = "whisper"  # what produced the text: whisper, argos, apertium, ...
    low_confidence: bool = False
    reviewed: bool = False  # text written or confirmed by a person (corrections/)
    origin: Origin = "original"
    source_reviewed: bool = False  # a rendering of text a person reviewed
    channel: Interpretation | None = None  # the interpreter channel it was heard on
    lag_ms: int | None = None  # how far the interpreter ran behind the floor here
    speaker: str = ""  # who said it (for a rendering: who said the source); "" unknown


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    language: str
    words: tuple[Word, ...] = ()
    low_confidence: bool = False
    reviewed: bool = False
    origin: Origin = "original"
    channel: Interpretation | None = None  # for interpreted text: where it was heard
    speaker: str = ""  # a cue never holds two speakers; "" when not known
    label: str = ""  # "JENS WRETLING:" on the first cue of a turn, when the profile asks

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class Interpretation:
    """An interpreter's audio channel: another audio stream of the recording's file,
    or a file of its own whose start lies `offset_ms` into the recording."""

    language: str
    file: Path
    stream: int | None = None  # among the file's audio streams; None: its first
    offset_ms: int = 0

    @property
    def label(self) -> str:
        """'webinar.mp4 stream 1', or 'webinar-es.m4a' for a file of its own."""
        return self.file.name if self.stream is None else f"{self.file.name} stream {self.stream}"

    def audio(self) -> Recording:
        """The channel as a recording in its own right, declared in its language."""
        return Recording(file=self.file, language=self.language, stream=self.stream)


@dataclass(frozen=True)
class Recording:
    file: Path
    language: str | None = None
    stream: int | None = None  # the floor: what was said in the room
    interpretations: tuple[Interpretation, ...] = ()
    started: datetime | None = None  # wall-clock time of its first sample, when given
    title: str | None = None  # what labels it for people ("Day 1, morning")

    def channel(self, language: str) -> Interpretation | None:
        return next((c for c in self.interpretations if c.language == language), None)


@dataclass(frozen=True)
class Session:
    index: int  # 1-based position in the agenda
    title: str
    recording: Path
    start_ms: int
    end_ms: int
    speakers: tuple[str, ...] = ()
    language: str | None = None
    links: tuple[str, ...] = ()  # http(s) addresses: the slides, the talk's page
    # ("Speaker 2", "Jens Wretling"): names for the voices the speakers stage numbered
    voices: tuple[tuple[str, str], ...] = ()

    @property
    def slug(self) -> str:
        return f"{self.index:02d}-{slugify(self.title)}"


@dataclass(frozen=True)
class AgendaRef:
    """An agenda file the manifest takes its sessions from (`[event] agenda`)."""

    path: Path
    room: str | None = None
    timezone: str | None = None  # for times the file gives without one


@dataclass(frozen=True)
class Term:
    """A term with the form it must take in each language (`[glossary.terms]`): an
    organisation's name, a programme's official wording."""

    forms: tuple[tuple[str, str], ...]  # (language, form), the manifest's key first
    inflected: bool = True  # found with or without a plural ending (else as written)

    def form(self, language: str) -> str | None:
        return next((form for code, form in self.forms if code == language), None)


# A glossary entry: a term kept as written in every language, or a Term.
GlossaryEntry = str | Term


@dataclass(frozen=True)
class Event:
    title: str
    date: str
    languages: tuple[str, ...]
    recordings: tuple[Recording, ...]
    sessions: tuple[Session, ...]
    glossary: tuple[str, ...] = ()  # terms kept as written in every language
    manifest_path: Path | None = field(default=None, compare=False)
    agenda: AgendaRef | None = None
    timezone: str | None = None  # the event's, for wall-clock times given without one
    notes: tuple[str, ...] = field(default=(), compare=False)  # what resolving found
    description: str = ""  # what the event is about, for its pages and transcripts
    terms: tuple[Term, ...] = ()  # terms with their form per language

    @property
    def slug(self) -> str:
        stem = slugify(self.title)
        return f"{self.date}-{stem}" if self.date else stem


@dataclass(frozen=True)
class Audio:
    """Decoded 16 kHz mono float32 samples of one recording's chosen stream."""

    path: Path
    samples: object  # numpy.ndarray, float32; typed loosely to keep numpy out of types
    sample_rate: int = 16000

    @property
    def duration_ms(self) -> int:
        return int(len(self.samples) * 1000 // self.sample_rate)


@dataclass(frozen=True)
class SessionTranscript:
    """What the transcribe stage heard in one session (recording time)."""

    session: Session
    segments: tuple[Segment, ...]
    # Whisper's English of the non-English speech; None unless asked for (--mt whisper)
    speech_translation: tuple[Segment, ...] | None = None
    # what each interpreter channel said during the session, recording time
    channels: tuple[ChannelTranscript, ...] = ()


@dataclass(frozen=True)
class ChannelTranscript:
    """What one interpreter channel said (recording time, the channel's language)."""

    channel: Interpretation
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class SessionTrack:
    """One session in one language, ready for the writers (times in recording time)."""

    session: Session
    language: str
    source_language: str
    engine: str  # "whisper" for the original, else the MT engine(s) used
    sentences: tuple[Sentence, ...]
    cues: tuple[Cue, ...]

    @property
    def is_original(self) -> bool:
        return self.language == self.source_language
