"""How one run is asked to behave: the options the CLI and the library API take."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.models.locate import DEFAULT_WHISPER_MODEL
from pipeline.subtitles.profiles import DEFAULT_PROFILE, SubtitleProfile
from pipeline.transcribe.whisper import TranscribeOptions


@dataclass(frozen=True)
class RunOptions:
    model: str = DEFAULT_WHISPER_MODEL
    mt: str = "auto"
    profile: SubtitleProfile = DEFAULT_PROFILE
    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    export_audio: bool = True
    use_cache: bool = True
    note_low_confidence: bool = False  # a NOTE before each uncertain cue in the VTT
    show_progress: bool | None = None  # None: only on a terminal
    interpretation: str = "prefer"  # interpreter channels before MT; "ignore": MT only
