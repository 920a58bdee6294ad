"""The writer registry entry: what a format is called and how it renders a track."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.types import Event, SessionTrack


@dataclass(frozen=True)
class Writer:
    """One output format. `render` is pure, so formats are testable without files.

    `options` names the keyword arguments `render` takes beyond (track, event),
    e.g. the VTT's `note_low_confidence`; `render_with` passes only those.
    """

    extension: str  # without the dot; the file is `<language>.<extension>`
    render: Callable[..., str]  # (track, event, **options) -> str
    options: tuple[str, ...] = ()

    def filename(self, language: str) -> str:
        return f"{language}.{self.extension}"

    def render_with(
        self, track: SessionTrack, event: Event, options: Mapping[str, Any] | None = None
    ) -> str:
        """`render`, given the subset of `options` this format understands."""
        mine = {k: v for k, v in (options or {}).items() if k in self.options}
        return self.render(track, event, **mine)
