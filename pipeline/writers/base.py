"""The writer registry entry: what a format is called and how it renders a track."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.types import Event, SessionTrack


@dataclass(frozen=True)
class Writer:
    """One output format. `render` is pure, so formats are testable without files."""

    extension: str  # without the dot; the file is `<language>.<extension>`
    render: Callable[[SessionTrack, Event], str]

    def filename(self, language: str) -> str:
        return f"{language}.{self.extension}"
