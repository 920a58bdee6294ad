"""How one run is asked to behave: the options the CLI and the library API take."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pipeline.models.locate import DEFAULT_WHISPER_MODEL, WHISPER_MODELS
from pipeline.subtitles.profiles import DEFAULT_PROFILE, PROFILES, SubtitleProfile
from pipeline.transcribe.whisper import TranscribeOptions
from pipeline.translate.engines import MT_MODES
from pipeline.translate.tracks import INTERPRETATION_MODES


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
    align_agenda: bool = False  # move agenda boundaries where the speech says they are
    speakers: bool = True  # speaker turns and names (`--speakers off`: none)

    def made_with(self) -> dict[str, Any]:
        """What the outputs were made with (index.json `made_with`), so that a re-run
        that applies corrections makes them the same way."""
        return {
            "model": self.model,
            "mt": self.mt,
            "subtitle_profile": self.profile.name,
            "interpretation": self.interpretation,
            "audio": self.export_audio,
            "note_low_confidence": self.note_low_confidence,
            "align_agenda": self.align_agenda,
            "speakers": self.speakers,
        }

    def as_made(self, made_with: Mapping[str, Any]) -> RunOptions:
        """These options with what an event's outputs record they were made with; a
        value the outputs do not give, or that this installation does not know, stays."""
        known = {
            "model": WHISPER_MODELS,
            "mt": MT_MODES,
            "subtitle_profile": PROFILES,
            "interpretation": INTERPRETATION_MODES,
        }
        picked = {
            key: made_with[key]
            for key, allowed in known.items()
            if isinstance(made_with.get(key), str) and made_with[key] in allowed
        }
        flags = {
            key: made_with[key]
            for key in ("audio", "note_low_confidence", "align_agenda", "speakers")
            if isinstance(made_with.get(key), bool)
        }
        return replace(
            self,
            model=picked.get("model", self.model),
            mt=picked.get("mt", self.mt),
            profile=PROFILES.get(picked.get("subtitle_profile", ""), self.profile),
            interpretation=picked.get("interpretation", self.interpretation),
            export_audio=flags.get("audio", self.export_audio),
            note_low_confidence=flags.get("note_low_confidence", self.note_low_confidence),
            # a re-run that applies corrections keeps the boundaries where they were moved
            align_agenda=flags.get("align_agenda", self.align_agenda),
            speakers=flags.get("speakers", self.speakers),
        )
