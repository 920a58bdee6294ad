"""webconf-pipeline: offline subtitles and transcripts for webconference recordings.

The library API that the CLI and the tests call; see README.md.
"""

from __future__ import annotations

from pipeline.errors import (
    ManifestError,
    MediaError,
    ModelMissingError,
    PipelineError,
    SearchError,
    SubtitleError,
    TranslationError,
)
from pipeline.manifest import load_manifest
from pipeline.run import RunOptions, RunResult, run_event

__all__ = [
    "ManifestError",
    "MediaError",
    "ModelMissingError",
    "PipelineError",
    "RunOptions",
    "RunResult",
    "SearchError",
    "SubtitleError",
    "TranslationError",
    "load_manifest",
    "run_event",
]
