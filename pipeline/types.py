"""Frozen records passed from stage to stage.

Times are integer milliseconds in recording time unless a field says otherwise;
writers format them once, so every format rounds the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("en", "fr", "es")
LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish"}


@dataclass(frozen=True)
class Word:
    start_ms: int
    end_ms: int
    text: str  # as Whisper wrote it, with its leading space when it has one
    probability: float = 1.0


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


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    language: str
    words: tuple[Word, ...] = ()
    low_confidence: bool = False
    reviewed: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class Recording:
    file: Path
    language: str | None = None
    stream: int | None = None


@dataclass(frozen=True)
class Session:
    index: int  # 1-based position in the agenda
    title: str
    recording: Path
    start_ms: int
    end_ms: int
    speakers: tuple[str, ...] = ()
    language: str | None = None

    @property
    def slug(self) -> str:
        from pipeline.text import slugify

        return f"{self.index:02d}-{slugify(self.title)}"


@dataclass(frozen=True)
class Event:
    title: str
    date: str
    languages: tuple[str, ...]
    recordings: tuple[Recording, ...]
    sessions: tuple[Session, ...]
    glossary: tuple[str, ...] = ()
    manifest_path: Path | None = field(default=None, compare=False)

    @property
    def slug(self) -> str:
        from pipeline.text import slugify

        stem = slugify(self.title)
        return f"{self.date}-{stem}" if self.date else stem

    def recording(self, file: Path) -> Recording:
        for rec in self.recordings:
            if rec.file == file:
                return rec
        raise KeyError(file)


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
