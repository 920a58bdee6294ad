"""User-facing failures.

PipelineError
 ├── ManifestError      the event TOML is wrong (message names the key / line)
 ├── AgendaError        an agenda file (schedule.json/.xml, .ics, .csv) is wrong or
 │                      holds nothing usable; the message names the file and the item
 ├── MediaError         a recording cannot be read or has no usable audio
 ├── ModelMissingError  a model is not installed (message names the make target)
 ├── TranslationError   a translation engine failed or is missing for a direction
 ├── SubtitleError      a subtitle file cannot be read
 ├── SearchError        the search archive cannot be built, read or queried (bad query,
 │                      missing archive, unreadable outputs); the message names the file
 ├── OutputsError       published outputs that are not what the pipeline writes
 │                      (wrong type, bad path, unknown format); names file and field
 └── ClusterError       a Dask cluster that cannot be used (not installed, a bad
                        address, no scheduler there)

The CLI catches PipelineError once, prints its message on one line and exits 2.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error caused by user input or the environment, not by a bug."""


class ManifestError(PipelineError):
    """The event manifest is wrong; one line per mistake, naming the key or line."""


class AgendaError(PipelineError):
    """An agenda file is wrong or holds nothing to import; names the file and item."""


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


class OutputsError(PipelineError):
    """Published outputs (index.json, a session's JSON) that are not what the pipeline
    writes: the message names the file and the field.

    `file`, `place` (e.g. `sessions[2].start`, "" for the whole file) and `problem` are
    kept apart so that a caller can word them for its readers (the web app shows the
    file relative to the outputs folder); `str()` is the one-line message
    `<file>: <place>: <problem>`.
    """

    def __init__(self, file: object, problem: str, place: str = "") -> None:
        self.file, self.problem, self.place = str(file), problem, place
        where = f"{place}: " if place else ""
        super().__init__(f"{self.file}: {where}{problem}")

    def __reduce__(self):  # picklable although __init__ takes more than the message
        return type(self), (self.file, self.problem, self.place)


class ClusterError(PipelineError):
    """A Dask cluster that cannot be used: not installed, a bad address, unreachable."""
