"""What every machine-translation engine offers the rest of the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Engine(Protocol):
    """A translation engine for whole sentences.

    `translate` works on a batch so an engine can amortise its start-up (one
    subprocess, one model load) over many sentences. It returns exactly one
    output per input, in input order, and never drops an item: callers zip the
    result with their sentences. It raises TranslationError when it cannot.
    """

    name: str

    def supports(self, source: str, target: str) -> bool:
        """True when this engine can translate `source` -> `target` here and now."""
        ...

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate every text of `texts`; one output per input, same order."""
        ...


def describe(engine: Engine, source: str, target: str) -> str:
    """What made a translation, for the `engine` field of a Sentence.

    Engines may offer `describe(source, target)` to say more than their name
    (a pivot language, a package version); the Protocol does not require it.
    """
    method = getattr(engine, "describe", None)
    return method(source, target) if callable(method) else engine.name


def engine_version(engine: Engine) -> str:
    """The installed version of an engine's code and data, for cache keys; engines may
    offer `version()` (Apertium: its Debian packages); "" when they do not."""
    method = getattr(engine, "version", None)
    return method() if callable(method) else ""
