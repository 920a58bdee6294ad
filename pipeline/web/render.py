"""Template helpers shared by the server and the static export.

Both render the same Jinja templates with autoescaping on; they differ only in
how a page links to others (`Links`): absolute routes for the server, relative
paths for the static site, so an exported folder works on any web server.
"""

from __future__ import annotations

import base64
import posixpath
from typing import Protocol
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from pipeline.languages import autonym
from pipeline.timecode import seconds_fragment, short_clock
from pipeline.web.data import Event, Session, session_downloads

ASSETS = ("replay.css", "replay.js", "search.js")
MAX_INLINE_TRACK = 2 * 1024 * 1024  # bytes of VTT put inside a static page
DOWNLOADS = ("vtt", "srt", "txt", "json")  # a language's files the pages offer

# The snippet markers of pipeline.archive: a match is wrapped in STX ... ETX.
MATCH_OPEN, MATCH_CLOSE = "\x02", "\x03"


class Links(Protocol):
    """How one page links to the others and to the files."""

    search: str | None  # the search page, or None where there is no search

    def home(self) -> str: ...

    def event(self, event: Event) -> str: ...

    def replay(self, event: Event, session: Session) -> str: ...

    def asset(self, name: str) -> str: ...

    def file(self, event: Event, relpath: str) -> str: ...

    def track(self, event: Event, relpath: str) -> str: ...


def _seg(name: str) -> str:
    return quote(name, safe="")


def _path(relpath: str) -> str:
    return quote(relpath, safe="/")


class ServerLinks:
    """Links of `webconf serve`: absolute routes on the server."""

    search = "/search"

    def home(self) -> str:
        return "/"

    def event(self, event: Event) -> str:
        return f"/e/{_seg(event.slug)}"

    def replay(self, event: Event, session: Session) -> str:
        return self.session_url(event.slug, session.slug)

    @staticmethod
    def session_url(event_slug: str, session_slug: str) -> str:
        return f"/e/{_seg(event_slug)}/{_seg(session_slug)}"

    def asset(self, name: str) -> str:
        return f"/static/{_seg(name)}"

    def file(self, event: Event, relpath: str) -> str:
        return f"/files/{_seg(event.slug)}/{_path(relpath)}"

    def track(self, event: Event, relpath: str) -> str:
        return self.file(event, relpath)


# Static site layout, relative to the exported folder.
SITE_PAGE = "replay.html"  # the events page, each event's page and each session's page
SITE_ASSETS = "replay-assets"  # at the top and in each event folder (self-contained events)


def site_replay_path(event: Event, session: Session) -> str:
    return f"{event.slug}/{session.slug}/{SITE_PAGE}"


SITE_SEARCH = "search.html"  # at the top and in each event folder, over what is below it
SEARCH_INDEX = "search-index.js"  # beside the assets


class SiteLinks:
    """Links of the static site, relative to the page at `page` (a path in the site)."""

    def __init__(self, page: str, event: Event | None = None) -> None:
        self._dir = posixpath.dirname(page) or "."
        # An event's pages link only inside its folder, which can be published alone.
        self._top = f"{event.slug}/" if event else ""
        self.search: str | None = self._rel(f"{self._top}{SITE_SEARCH}")

    def _rel(self, target: str) -> str:
        return _path(posixpath.relpath(target, self._dir))

    def home(self) -> str:
        return self._rel(f"{self._top}{SITE_PAGE}")

    def event(self, event: Event) -> str:
        return self._rel(f"{event.slug}/{SITE_PAGE}")

    def replay(self, event: Event, session: Session) -> str:
        return self._rel(site_replay_path(event, session))

    def asset(self, name: str) -> str:
        return self._rel(f"{self._top}{SITE_ASSETS}/{name}")

    def file(self, event: Event, relpath: str) -> str:
        return self._rel(f"{event.slug}/{relpath}")

    def track(self, event: Event, relpath: str) -> str:
        """A subtitle or chapters file inside the page, as a `data:` URL: a page opened
        from disk (`file://`) may play media beside it but not read a text track there
        (Chromium refuses it as cross-origin). A file over MAX_INLINE_TRACK stays a link."""
        path = event.folder / relpath
        try:
            if path.stat().st_size <= MAX_INLINE_TRACK:
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                return f"data:text/vtt;charset=utf-8;base64,{data}"
        except OSError:
            pass
        return self.file(event, relpath)


def clock(seconds: float) -> str:
    """MM:SS (H:MM:SS past an hour) of a time in seconds."""
    return short_clock(round(seconds * 1000))


def tsec(seconds: float) -> str:
    """Seconds for `#t=` and data attributes: 3 decimals at most, no trailing zeros."""
    return seconds_fragment(round(seconds * 1000))


def highlight(snippet: str) -> Markup:
    """A search snippet as HTML: text escaped, STX ... ETX turned into <mark> ... </mark>.

    Markers are matched, never trusted: a stray close is dropped and an open mark
    is closed at the end, so the result is always well-formed.
    """
    parts: list[str] = []
    open_mark = False
    text = ""
    for char in snippet or "":
        if char in (MATCH_OPEN, MATCH_CLOSE):
            parts.append(str(escape(text)))
            text = ""
            if char == MATCH_OPEN and not open_mark:
                parts.append("<mark>")
                open_mark = True
            elif char == MATCH_CLOSE and open_mark:
                parts.append("</mark>")
                open_mark = False
        elif char >= " " or char in "\t\n":
            text += char
    parts.append(str(escape(text)))
    if open_mark:
        parts.append("</mark>")
    return Markup("".join(parts))


FILTERS = {"clock": clock, "tsec": tsec, "highlight": highlight, "autonym": autonym}


def configure(env: Environment) -> Environment:
    """The settings every environment rendering our templates must have."""
    env.undefined = StrictUndefined
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(FILTERS)
    env.globals["session_downloads"] = session_downloads
    env.globals["DOWNLOADS"] = DOWNLOADS
    return env


def site_environment() -> Environment:
    """A stand-alone environment for the static export (autoescape always on)."""
    return configure(
        Environment(loader=PackageLoader("pipeline.web", "templates"), autoescape=True)
    )
