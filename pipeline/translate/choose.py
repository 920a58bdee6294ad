"""Pick the translation engine for one direction from the user's `--mt` mode."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ModelMissingError
from pipeline.translate.apertium import ApertiumEngine
from pipeline.translate.argos import ArgosEngine, missing_message
from pipeline.translate.base import Engine

MT_MODES = ("auto", "argos", "apertium", "whisper")


def choose_engine(mode: str, source: str, target: str, models_dir: Path) -> Engine:
    """The engine that will translate source -> target text.

    - "auto": an installed argos package (direct or via English) when one
      covers the direction, else apertium. Argos is neural and usually better.
    - "argos": argos, or ModelMissingError naming the command that adds one.
    - "apertium": apertium (checked now, so a missing mode fails before any work).
    - "whisper": Whisper's own audio translation, which only goes into English
      and runs during transcription, so the caller handles X->en itself and
      asking here for an into-English direction is a bug (ValueError). Other
      directions fall back to "auto".
    """
    if mode not in MT_MODES:
        raise ValueError(f"unknown MT mode {mode!r}; expected one of {', '.join(MT_MODES)}")
    if mode == "whisper":
        if target == "en":
            raise ValueError(
                "mode 'whisper' into English is Whisper's audio translation, done by the caller"
            )
        mode = "auto"
    if mode in ("auto", "argos"):
        argos = ArgosEngine(models_dir)
        if argos.supports(source, target):
            return argos
        if mode == "argos":
            raise ModelMissingError(missing_message(source, target, models_dir))
    apertium = ApertiumEngine()
    apertium.check(source, target)
    return apertium
