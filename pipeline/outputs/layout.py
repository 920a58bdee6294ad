"""The published outputs' layout: every name and the format version, in one place.

    <outputs>/<event>/index.json, index.html         the event's table of contents
    <outputs>/<event>/<NN-session>/<lang>.<ext>      a session in one language
    <outputs>/<event>/<NN-session>/session.m4a       the session's audio
    <outputs>/<event>/<NN-session>/session.<lang>.m4a  its interpreter channel in <lang>
    <outputs>/<event>/<NN-session>/session.mp4, .mkv  the session with subtitle streams (mux)
    <outputs>/<event>/<stem>.<lang>.vtt              a full-recording track
    <outputs>/<event>/<stem>.chapters.vtt            the recording's chapters
    <outputs>/<event>/media/<recording>              the recording, for replay pages
    <outputs>/<event>/.cache/                        the stage cache (never published)
    <outputs>/archive.sqlite                         the search archive (webconf index)

`FORMAT_VERSION` is written into `index.json` as `"format"`; a reader refuses a
version it does not know instead of misreading it.
"""

from __future__ import annotations

from pathlib import PurePath

FORMAT_VERSION = 1
INDEX_FILE = "index.json"
INDEX_PAGE = "index.html"
MEDIA_DIR = "media"
CACHE_DIR = ".cache"
SESSION_AUDIO = "session.m4a"
ARCHIVE_DB = "archive.sqlite"
SESSION_FORMATS = ("vtt", "srt", "txt", "html", "json")  # in the order pages list them


def channel_audio(language: str) -> str:
    """`session.fr.m4a`: the session's interpreter channel into one language."""
    return f"session.{language}.m4a"


def session_file(language: str, extension: str) -> str:
    """A session's file in one language and format, inside its folder: `fr.vtt`."""
    return f"{language}.{extension}"


def recording_track(recording: PurePath | str, language: str) -> str:
    """`<stem>.<lang>.vtt`: one language over the whole recording, in recording time."""
    return f"{PurePath(recording).stem}.{language}.vtt"


def chapters_file(recording: PurePath | str) -> str:
    """`<stem>.chapters.vtt`: one chapter per agenda session."""
    return f"{PurePath(recording).stem}.chapters.vtt"


def session_media(extension: str) -> str:
    """`session.mp4`, `session.mkv`: the session cut out with one subtitle stream per
    language (`webconf mux`), inside its folder."""
    return f"session.{extension}"
