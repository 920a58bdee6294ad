"""webconf-pipeline: offline subtitles and transcripts for webconference recordings.

The library API that the CLI and the tests call; see README.md.
"""

from __future__ import annotations

from pipeline.archive import build_index, search
from pipeline.check import check_file
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
from pipeline.profiles import PROFILES, SubtitleProfile, get_profile
from pipeline.run import RunOptions, RunResult, run_event

__all__ = [
    "PROFILES",
    "ManifestError",
    "MediaError",
    "ModelMissingError",
    "PipelineError",
    "RunOptions",
    "RunResult",
    "SearchError",
    "SubtitleError",
    "SubtitleProfile",
    "TranslationError",
    "build_index",
    "check_file",
    "get_profile",
    "load_manifest",
    "run_event",
    "search",
]
