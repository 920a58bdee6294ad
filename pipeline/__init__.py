"""webconf-pipeline: offline subtitles and transcripts for webconference recordings.

The library API that the CLI and the tests call; see README.md. Names are imported
on first use, so `import pipeline` (and `webconf --help`) loads no model library.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pipeline.errors import (
    ManifestError,
    MediaError,
    ModelMissingError,
    OutputsError,
    PipelineError,
    SearchError,
    SubtitleError,
    TranslationError,
)

_LAZY = {
    "PROFILES": "pipeline.subtitles.profiles",
    "SubtitleProfile": "pipeline.subtitles.profiles",
    "get_profile": "pipeline.subtitles.profiles",
    "check_file": "pipeline.subtitles.check",
    "load_manifest": "pipeline.agenda.manifest",
    "RunOptions": "pipeline.run.options",
    "RunResult": "pipeline.run.event",
    "run_event": "pipeline.run.event",
    "build_index": "pipeline.archive",
    "search": "pipeline.archive",
}

if TYPE_CHECKING:
    from pipeline.agenda.manifest import load_manifest
    from pipeline.archive import build_index, search
    from pipeline.run.event import RunResult, run_event
    from pipeline.run.options import RunOptions
    from pipeline.subtitles.check import check_file
    from pipeline.subtitles.profiles import PROFILES, SubtitleProfile, get_profile


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


__all__ = [
    "PROFILES",
    "ManifestError",
    "MediaError",
    "ModelMissingError",
    "OutputsError",
    "PipelineError",
    "RunOptions",
    "RunResult",
    "SearchError",
    "SubtitleError",
    "TranslationError",
    "SubtitleProfile",
    "build_index",
    "check_file",
    "get_profile",
    "load_manifest",
    "run_event",
    "search",
]
