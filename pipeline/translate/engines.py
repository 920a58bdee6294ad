"""Pick the translation engine for each direction from the user's `--mt` mode."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ModelMissingError
from pipeline.translate.apertium import ApertiumEngine
from pipeline.translate.argos import ArgosEngine, missing_message
from pipeline.translate.base import Engine

MT_MODES = ("auto", "argos", "apertium", "whisper")
TEXT_MODES = ("auto", "argos", "apertium")


def choose_engine(mode: str, source: str, target: str, models_dir: Path) -> Engine:
    """The engine that will translate source -> target text.

    - "auto": an installed argos package (direct or via English) when one
      covers the direction, else apertium. Argos is neural and usually better.
    - "argos": argos, or ModelMissingError naming the command that adds one.
    - "apertium": apertium, for a direction it has a route for; whether the route's
      modes are installed is asked when it first translates (`apertium -l` took 54 ms
      of a 0.65 s re-run whose translations all came from the cache).
    """
    if mode not in TEXT_MODES:
        raise ValueError(f"unknown MT mode {mode!r}; expected one of {', '.join(TEXT_MODES)}")
    if mode in ("auto", "argos"):
        argos = ArgosEngine(models_dir)
        if argos.supports(source, target):
            return argos
        if mode == "argos":
            raise ModelMissingError(missing_message(source, target, models_dir))
    apertium = ApertiumEngine()
    apertium.route(source, target)
    return apertium


class Engines:
    """The text engines of one run: one per direction, chosen on first use and then
    kept, so a model loads once. `--mt whisper` is Whisper's own speech translation
    into English (the transcribe stage makes it); other directions then use "auto".
    """

    def __init__(self, mode: str, models_dir: Path) -> None:
        if mode not in MT_MODES:
            raise ValueError(f"unknown MT mode {mode!r}; expected one of {', '.join(MT_MODES)}")
        self.mode = mode
        self.models_dir = models_dir
        self._engines: dict[tuple[str, str], Engine] = {}

    @property
    def speech_translation(self) -> bool:
        """Whether English comes from Whisper's speech translation."""
        return self.mode == "whisper"

    def get(self, source: str, target: str) -> Engine:
        if (source, target) not in self._engines:
            mode = "auto" if self.mode == "whisper" else self.mode
            self._engines[(source, target)] = choose_engine(mode, source, target, self.models_dir)
        return self._engines[(source, target)]
