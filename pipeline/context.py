"""What every stage of one run shares: the event, the options, the stage cache, the
Whisper model (loaded once, and only when a stage needs it) and progress bars."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.cache import StageCache
from pipeline.cues import DEFAULT_PROFILE, SubtitleProfile
from pipeline.media import file_digest
from pipeline.models import DEFAULT_WHISPER_MODEL, WhisperModelInfo, whisper_model
from pipeline.progress import progress_bar
from pipeline.transcribe import TranscribeOptions, load_model
from pipeline.types import Event


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


class RunContext:
    def __init__(self, event: Event, event_dir: Path, options: RunOptions) -> None:
        self.event = event
        self.event_dir = event_dir
        self.options = options
        self.cache = StageCache(event_dir / ".cache" if options.use_cache else None)
        self.model_info: WhisperModelInfo = whisper_model(options.model)
        self._model = None
        self._digests: dict[Path, str] = {}

    def digest(self, path: Path) -> str:
        """A recording's content hash, computed once per run."""
        if path not in self._digests:
            self._digests[path] = file_digest(path)
        return self._digests[path]

    @property
    def model(self):
        if self._model is None:
            self._model = load_model(self.model_info, self.options.transcribe)
        return self._model

    def bar(self, total: int, desc: str):
        return progress_bar(total=total, desc=desc, enabled=self.options.show_progress)
