"""The published outputs' layout: every name and the format version, in one place.

    <outputs>/<event>/index.json, index.html         the event's table of contents
    <outputs>/<event>/<NN-session>/<lang>.<ext>      a session in one language
    <outputs>/<event>/<NN-session>/session.m4a       the session's audio
    <outputs>/<event>/<NN-session>/session.<lang>.m4a  its interpreter channel in <lang>
    <outputs>/<event>/<NN-session>/session.mp4, .mkv  the session with subtitle streams (mux)
    <outputs>/<event>/<NN-session>/transcript.js  the HTML transcripts' seek script
    <outputs>/<event>/<stem>.<lang>.vtt              a full-recording track
    <outputs>/<event>/<stem>.chapters.vtt            the recording's chapters
    <outputs>/<event>/media/<recording>              the recording, for replay pages
                                                     (always a media suffix: media.kinds)
    <outputs>/<event>/.cache/                        the stage cache (never published)
    <outputs>/archive.sqlite                         the search archive (webconf index)

`FORMAT_VERSION` is written into `index.json` as `"format"`; a reader refuses a
version it does not know instead of misreading it.

`file_type` says which files the pipeline writes where, with the content type a server
must give each (`MEDIA_TYPES` from pipeline.media.kinds, `TEXT_TYPES`, the pages and
their script): `webconf serve` and `webconf site` publish these and nothing else, so a
recording named `talk.html` is never served as a page.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from pipeline.media.kinds import MEDIA_TYPES

FORMAT_VERSION = 1
INDEX_FILE = "index.json"
INDEX_PAGE = "index.html"
MEDIA_DIR = "media"
CACHE_DIR = ".cache"
SESSION_AUDIO = "session.m4a"
ARCHIVE_DB = "archive.sqlite"
SESSION_FORMATS = ("vtt", "srt", "txt", "html", "json")  # in the order pages list them
TRANSCRIPT_SCRIPT = "transcript.js"  # beside the HTML transcripts: no inline script

# What the writers write as text, by suffix (the HTML pages are PAGE_TYPE).
TEXT_TYPES = {
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}
PAGE_TYPE = "text/html; charset=utf-8"
SCRIPT_TYPE = "text/javascript; charset=utf-8"


def file_type(relpath: str) -> str | None:
    """The content type of a file at `relpath` (POSIX, relative to the outputs folder)
    when the pipeline writes such a file there, else None: media anywhere, text beside
    the sessions, HTML only as the event index and the session transcripts, nothing
    but media in `media/`, where the recordings a person supplied are."""
    parts = relpath.split("/")
    suffix = PurePath(parts[-1]).suffix.lower()
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    if len(parts) > 1 and parts[1] == MEDIA_DIR:
        return None
    if suffix in TEXT_TYPES:
        return TEXT_TYPES[suffix]
    if len(parts) == 2 and parts[1] == INDEX_PAGE:
        return PAGE_TYPE
    if len(parts) == 3 and suffix == ".html":
        return PAGE_TYPE
    if len(parts) == 3 and parts[2] == TRANSCRIPT_SCRIPT:
        return SCRIPT_TYPE
    return None


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


_SESSION_FOLDER = re.compile(r"^\d{2,}-")
_SESSION_OUTPUT = re.compile(
    r"^(?:[a-z]{2,3}\.(?:vtt|srt|txt|html|json)"  # a language's files
    r"|session(?:\.[a-z]{2,3})?\.(?:m4a|mp4|mkv)"  # session audio, channels, mux
    r"|transcript\.js"
    r"|\..+\.(?:tmp|m4a|mp4|mkv))$"  # a temp file a killed run left
)


def superseded_sessions(event_dir: Path, current: set[str]) -> tuple[list[Path], list[Path]]:
    """Session folders an earlier agenda left (a session retitled, moved or removed):
    (those holding only what the pipeline writes there, the others). `current` are the
    session folders the event has now."""
    ours, foreign = [], []
    for folder in sorted(Path(event_dir).iterdir()) if Path(event_dir).is_dir() else ():
        if folder.name in current or not _SESSION_FOLDER.match(folder.name):
            continue
        if folder.is_symlink() or not folder.is_dir():
            continue
        files = list(folder.iterdir())
        if all(f.is_file() and not f.is_symlink() and _SESSION_OUTPUT.match(f.name) for f in files):
            ours.append(folder)
        else:
            foreign.append(folder)
    return ours, foreign
