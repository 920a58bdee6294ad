"""`webconf serve`: events, replay pages, search, and the output files, over HTTP.

Flask with Jinja autoescaping renders every page; the only scripts are the static
`replay.js` (and `editor.js` with --edit, see `edit_routes`), so pages carry a strict
Content-Security-Policy. Files are served from the outputs folder only: no `..`, no
absolute paths, no hidden files (the stage cache), no search database, and no symlink
leading outside or to one of those; only the kinds of file the pipeline writes
(`layout.file_type`), each with its content type, so a recording is never a page.
Bound to a loopback address, the app answers only requests naming a loopback host
(`Host:`), so a web site whose name resolves to 127.0.0.1 (DNS rebinding) reads nothing.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, abort, render_template, request, send_file
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, make_server, select_address_family

from pipeline.errors import OutputsError, PipelineError
from pipeline.fsio import target_problem
from pipeline.languages import language_name
from pipeline.outputs.layout import ARCHIVE_DB, INDEX_FILE, file_type
from pipeline.outputs.read import event_dirs
from pipeline.web import render
from pipeline.web.data import (
    Event,
    WebError,
    load_event,
    load_events,
    origin_badge,
    origin_class,
    replay_context,
)
from pipeline.web.edit import EDIT_PREFIX, Editor
from pipeline.web.edit_routes import add_edit_routes, json_error
from pipeline.web.timeline import event_context
from pipeline.writers.html_writer import STYLE, TRANSCRIPT_STYLE, style_hash
from pipeline.writers.index import INDEX_STYLE

log = logging.getLogger(__name__)


class Unreadable(HTTPException):
    """An event whose index.json cannot be read: its page is a 404 saying why."""

    code = 404
    name = "Event unreadable"


SEARCH_LIMIT = 50

# Our pages: scripts, styles and media from this server only, nothing inline.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# The pipeline's own pages served as files (the event index, the HTML transcripts):
# their script is `transcript.js` beside them; their one <style> block is allowed by
# its hash, no other inline style and no inline script at all.
FILE_CSP = (
    "default-src 'none'; script-src 'self'; "
    f"style-src {style_hash(STYLE + TRANSCRIPT_STYLE)} {style_hash(STYLE + INDEX_STYLE)}; "
    "img-src 'self' data:; media-src 'self'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Never served, whatever their name says (checked on the file a symlink leads to too).
_PRIVATE_NAMES = (ARCHIVE_DB,)
_PRIVATE_SUFFIXES = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal", ".tmp")


def archive_module() -> ModuleType | None:
    """pipeline.archive when it is installed (search), else None."""
    if importlib.util.find_spec("pipeline.archive") is None:
        return None
    return importlib.import_module("pipeline.archive")


@dataclass(frozen=True)
class ServedFile:
    """A file `/files/` may send, and what it is."""

    path: Path
    content_type: str


def served_file(outputs_dir: Path, relpath: str) -> ServedFile | None:
    """The file `relpath` names inside `outputs_dir`, or None when it must not be served.

    Both the name asked for and the file it leads to (through any symlink) must be a
    kind of file the pipeline writes at that place (`file_type`), not hidden and not
    private: an in-tree symlink `ev/x.json -> ../archive.sqlite` serves nothing. The
    content type is the target's."""
    if not relpath or "\x00" in relpath or "\\" in relpath:
        return None
    parts = relpath.split("/")
    if any(not part or part.startswith(".") for part in parts):
        return None  # empty segments (absolute paths, //), ., .., hidden files and folders
    if _private(relpath) or file_type(relpath) is None:
        return None
    outputs_dir = Path(outputs_dir)
    path = outputs_dir.joinpath(*parts)
    if target_problem(outputs_dir, path):
        return None  # outside, a loop, or a hidden file such as the stage cache
    try:
        target = path.resolve(strict=True)
        inside = target.relative_to(outputs_dir.resolve()).as_posix()
        is_file = target.is_file()
    except (OSError, ValueError, RuntimeError):
        return None
    content_type = file_type(inside)
    if not is_file or content_type is None or _private(inside):
        return None
    return ServedFile(target, content_type)


def _private(relpath: str) -> bool:
    name = PurePosixPath(relpath).name.lower()
    return name in _PRIVATE_NAMES or name.endswith(_PRIVATE_SUFFIXES)


def is_loopback_host(host: str) -> bool:
    """Whether a `Host` header (with or without a port) names this machine."""
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:  # an unbalanced [ in an IPv6 literal
        return False
    return name.lower() in LOOPBACK_HOSTS


@dataclass(frozen=True)
class Result:
    """One search hit as the results page shows it."""

    href: str
    session_title: str
    event_label: str
    speakers: str
    language: str
    language_name: str
    is_original: bool
    start: float  # recording seconds
    snippet: str
    original_language: str
    original_language_name: str
    original_text: str
    # (code, language name, text, who made it) of the passage in every other language
    # but the original
    translations: tuple[tuple[str, str, str, str], ...] = ()
    badge: str = ""  # who made the matching version, when it is not what was said
    original_label: str = "original"
    badge_class: str = ""  # its css class: "interp", "mt", "person"
    description: str = ""  # who made it, in full: "interpretation (human interpreter, ...)"
    speaker: str = ""  # who said the passage, when the run found it


def _result(hit: Any) -> Result:
    slug = hit.event_slug
    language = hit.language or ""
    start = (hit.recording_start_ms or 0) / 1000
    query = urlencode({"lang": language})
    href = (
        f"{render.ServerLinks.session_url(slug, hit.session_slug)}?{query}#t={render.tsec(start)}"
    )
    speakers = hit.speakers
    if not isinstance(speakers, str):
        speakers = ", ".join(speakers or ())
    title = hit.event_title or slug
    original = hit.original_language or ""
    return Result(
        speaker=getattr(hit, "speaker", "") or "",
        href=href,
        session_title=hit.session_title,
        event_label=f"{title} ({hit.event_date})" if hit.event_date else title,
        speakers=speakers,
        language=language,
        language_name=language_name(language),
        is_original=bool(hit.is_original),
        start=start,
        snippet=hit.snippet or hit.text or "",
        original_language=original,
        original_language_name=language_name(original),
        original_text=hit.original_text or "",
        translations=tuple(
            (lang, language_name(lang), text, hit.label(lang))
            for lang, text in sorted((hit.translations or {}).items())
            if lang not in (original, language) and text
        ),
        badge=origin_badge(hit.origin),
        original_label=hit.label(original) if original else "original",
        badge_class=origin_class(hit.origin),
        description=_description(hit),
    )


def _description(hit: Any) -> str:
    """'Interpretation (human interpreter, transcribed by Whisper) from English', for a
    version that is not what was said; "" for one that is."""
    if hit.origin in ("original", "person") or hit.is_original:
        return ""
    words = hit.description()
    source = hit.original_language or ""
    if source and source != hit.language:
        words += f" from {language_name(source)}"
    return words[0].upper() + words[1:]


def create_app(
    outputs_dir: Path,
    *,
    build_archive: bool = True,
    editor: Editor | None = None,
    loopback_only: bool = False,
) -> Flask:
    """The web app over `outputs_dir`; refreshes the search archive first when it can.

    `editor` (pipeline.run.edit.EventEditor, from `webconf serve --edit`): the replay
    pages of its event offer the editor, and the edit routes exist (`edit_routes`);
    without it there are none. `loopback_only`: answer 400 to a request whose `Host`
    is not this machine (`make_web_server` turns it on for a loopback address)."""
    outputs_dir = Path(outputs_dir)
    if not outputs_dir.is_dir():
        raise WebError(f"{outputs_dir}: no such folder (write one with `webconf run` first)")
    outputs_dir = outputs_dir.resolve()
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    render.configure(app.jinja_env)
    app.config.update(
        OUTPUTS_DIR=outputs_dir, ARCHIVE_ERROR=None, ARCHIVE_DB=None, LOOPBACK_ONLY=loopback_only
    )
    links = render.ServerLinks()

    @app.before_request
    def loopback_host_only():
        if app.config["LOOPBACK_ONLY"] and not is_loopback_host(request.host):
            abort(400, description="This server answers requests to localhost only.")

    app.config["ARCHIVE_BUILDS"] = build_archive
    app.config["ARCHIVE_STATE"] = _outputs_state(outputs_dir)
    _prepare_archive(app, outputs_dir, build_archive)
    edit_page = None
    if editor is not None:

        def refresh_archive() -> str | None:
            app.config["ARCHIVE_ERROR"] = None
            _prepare_archive(app, outputs_dir, True)
            return app.config["ARCHIVE_ERROR"]

        edit_page = add_edit_routes(app, outputs_dir, editor, refresh_archive)

    def page(template: str, status: int = 200, **context: Any):
        return render_template(template, links=links, csp_meta=None, **context), status

    @app.after_request
    def security_headers(response):
        csp = FILE_CSP if request.path.startswith("/files/") else PAGE_CSP
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if editor is not None and request.path.startswith(EDIT_PREFIX):
            return json_error(exc)
        return page("error.html", exc.code or 500, title=exc.name, message=exc.description)

    @app.get("/")
    def index():
        return page("events.html", events=load_events(outputs_dir))

    def the_event(event_slug: str) -> Event:
        """The event, else a 404 page: no such event, or why it cannot be read."""
        try:
            event = load_event(outputs_dir, event_slug)
        except OutputsError as exc:
            message = f"cannot read the event index: {_public(exc, outputs_dir)}"
            raise Unreadable(message) from exc
        if event is None:
            abort(404, description="No such event or session.")
        return event

    @app.get("/e/<event_slug>")
    def event_page(event_slug: str):
        return page("event.html", **event_context(the_event(event_slug)))

    @app.get("/e/<event_slug>/<session_slug>")
    def replay(event_slug: str, session_slug: str):
        event = the_event(event_slug)
        session = event.session(session_slug)
        if session is None:
            abort(404, description="No such event or session.")
        context = replay_context(event, session, request.args.get("lang"))
        edit = edit_page(event, session) if edit_page else None
        if edit is not None:
            context["edit"] = edit
        return page("replay.html", **context)

    _add_search_page(app, outputs_dir, page)

    @app.get("/files/<path:relpath>")
    def files(relpath: str):
        served = served_file(outputs_dir, relpath)
        if served is None:
            abort(404, description="No such file.")
        response = send_file(served.path, mimetype=served.content_type, conditional=True)
        response.headers["Content-Type"] = served.content_type  # as is: no second charset
        return response

    return app


def _prepare_archive(app: Flask, outputs_dir: Path, build_archive: bool) -> None:
    """Where the search archive is, refreshed first when asked; or why there is none."""
    archive = archive_module()
    if archive is None:
        app.config["ARCHIVE_ERROR"] = "Search is not available: pipeline.archive is not installed."
        return
    db_path = outputs_dir / archive.DEFAULT_DB_NAME
    app.config["ARCHIVE_DB"] = db_path
    if build_archive:
        try:  # an unreadable event is skipped with a warning; the others are searched
            archive.build_index(outputs_dir, db_path, strict=False)
        except PipelineError as exc:
            log.warning("search archive not built: %s", exc)
            app.config["ARCHIVE_ERROR"] = f"Search is not available: {_hide(exc, outputs_dir)}"


def _add_search_page(app: Flask, outputs_dir: Path, page: Callable[..., Any]) -> None:
    """The /search route: the form, a query's results, or why it cannot be read."""

    @app.get("/search")
    def search():
        events = load_events(outputs_dir)
        codes = sorted({code for event in events for code in event.languages})
        query = request.args.get("q", "").strip()
        language = request.args.get("lang", "").strip()
        event_filter = request.args.get("event", "").strip()
        speaker = " ".join(request.args.get("speaker", "").split())[:200]
        error, status, results = None, 200, []
        if language and language not in codes:
            error, status = f"Unknown language {language!r}: use one of {', '.join(codes)}.", 400
        elif event_filter and event_filter not in {event.slug for event in events}:
            error, status = f"Unknown event {event_filter!r}.", 400
        elif query:
            error, status, results = _search(app, query, language, event_filter, speaker)
        return page(
            "search.html",
            status,
            query=query,
            language=language,
            event_filter=event_filter,
            speaker=speaker,
            languages=[(code, language_name(code)) for code in codes],
            events=events,
            results=results,
            error=error,
            limit=SEARCH_LIMIT,
        )


def _public(exc: OutputsError, outputs_dir: Path) -> str:
    """The error's message with its file relative to the outputs folder: a page says
    what is wrong without telling where the server keeps its files."""
    try:
        name = Path(exc.file).relative_to(outputs_dir).as_posix()
    except ValueError:
        name = Path(exc.file).name
    return f"{name}: {exc.place}: {exc.problem}" if exc.place else f"{name}: {exc.problem}"


def _hide(exc: Exception, outputs_dir: Path) -> str:
    """An error's message as a page shows it: paths inside the outputs folder relative
    to it, so no page tells where the server keeps its files."""
    text = str(exc)
    for root in dict.fromkeys((str(outputs_dir), str(outputs_dir.resolve()))):
        text = text.replace(root + "/", "").replace(root, outputs_dir.name)
    return text


_REBUILD = threading.Lock()


def _outputs_state(outputs_dir: Path) -> tuple[tuple[str, int], ...]:
    """What the archive was built from: each event folder and its index.json's time."""
    state = []
    for folder in event_dirs(outputs_dir):
        try:
            state.append((folder.name, (folder / INDEX_FILE).stat().st_mtime_ns))
        except OSError:
            continue
    return tuple(state)


def _fresh_archive(app: Flask) -> None:
    """Brought up to date when an event was written, re-run or removed since the last
    search (a run does not stop the server): only the changed events are indexed."""
    if not app.config["ARCHIVE_BUILDS"]:
        return
    with _REBUILD:
        state = _outputs_state(app.config["OUTPUTS_DIR"])
        if state != app.config["ARCHIVE_STATE"]:
            app.config["ARCHIVE_ERROR"] = None
            _prepare_archive(app, app.config["OUTPUTS_DIR"], True)
            app.config["ARCHIVE_STATE"] = state


def _search(app: Flask, query: str, language: str, event: str, speaker: str = ""):
    """(error, status, results) of one search (`speaker`: only what they said)."""
    _fresh_archive(app)
    if app.config["ARCHIVE_ERROR"]:
        return app.config["ARCHIVE_ERROR"], 503, []
    archive = archive_module()
    try:
        hits = archive.search(
            app.config["ARCHIVE_DB"],
            query,
            language=language or None,
            event=event or None,
            limit=SEARCH_LIMIT,
            speaker=speaker or None,
        )
    except PipelineError as exc:  # SearchError: a query the archive cannot read
        return _hide(exc, app.config["OUTPUTS_DIR"]), 400, []
    return None, 200, [_result(hit) for hit in hits]


def make_web_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """A threaded server for `app` on host:port (0 = any free port), not yet serving.

    The socket is bound here so that a taken port is one WebError line, not
    werkzeug's own messages and exit. On a loopback address the app answers requests
    naming a loopback host only (DNS rebinding).
    """
    if host in LOOPBACK_HOSTS:
        app.config["LOOPBACK_ONLY"] = True
    family = select_address_family(host, port)
    try:
        sock = socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise WebError(f"cannot listen on {host}:{port}: {reason}") from exc
    try:
        return make_server(host, port, app, threaded=True, fd=sock.fileno())
    finally:
        sock.close()
