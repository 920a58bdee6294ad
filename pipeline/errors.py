"""User-facing failures.

PipelineError
 ├── ManifestError      the event TOML is wrong (message names the key / line)
 ├── MediaError         a recording cannot be read or has no usable audio
 ├── ModelMissingError  a model is not installed (message names the make target)
 ├── TranslationError   a translation engine failed or is missing for a direction
 ├── SubtitleError      a subtitle file cannot be read
 └── SearchError        the search archive cannot be built, read or queried (bad query,
                        missing archive, unreadable outputs); the message names the file

The CLI catches PipelineError once, prints its message on one line and exits 2.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error caused by user input or the environment, not by a bug."""


class ManifestError(PipelineError):
    """The event manifest is wrong; one line per mistake, naming the key or line."""


class MediaError(PipelineError):
    """A recording cannot be read, or has no usable audio stream."""


class ModelMissingError(PipelineError):
    """A model is not installed; the message names the make target."""


class TranslationError(PipelineError):
    """A translation engine failed, or none covers a direction."""


class SubtitleError(PipelineError):
    """A subtitle file cannot be read, or a profile name is unknown."""


class SearchError(PipelineError):
    """A search query the archive cannot read, or no archive to search."""
