"""Media files by name: the suffixes of the recordings and audio the pipeline publishes,
with the content type a server must give each.

A published recording always ends in one of these (`published_name`): a file a person
named `talk.html` is published as `talk.html.mkv`, so no web server, ours or another,
takes it for a page. Players read the container from the bytes, not from the name.
"""

from __future__ import annotations

from pathlib import PurePath

MEDIA_TYPES = {
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".mkv": "video/x-matroska",
    ".mka": "audio/x-matroska",
    ".webm": "video/webm",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".ogv": "video/ogg",
    ".opus": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".aac": "audio/aac",
    ".avi": "video/x-msvideo",
    ".ts": "video/mp2t",
    ".mpg": "video/mpeg",
    ".mpeg": "video/mpeg",
    ".3gp": "video/3gpp",
    ".wma": "audio/x-ms-wma",
    ".wmv": "video/x-ms-wmv",
}
PUBLISHED_SUFFIX = ".mkv"  # added to a recording whose name has no media suffix


def is_media_name(name: str) -> bool:
    """Whether `name` ends in a media suffix (any case)."""
    return PurePath(name).suffix.lower() in MEDIA_TYPES


def published_name(name: str) -> str:
    """The recording's name in `media/`: its own when it ends in a media suffix, else
    with `.mkv` added (`talk.html` -> `talk.html.mkv`)."""
    return name if is_media_name(name) else name + PUBLISHED_SUFFIX
