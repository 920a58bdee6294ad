"""`webconf serve`: events, replay pages, search, and the output files, over HTTP.

Flask with Jinja autoescaping renders every page; the only scripts are the static
`replay.js` (and `editor.js` with --edit, see `edit_routes`), so pages carry a strict
Content-Security-Policy. Files are served from the outputs folder only: no `..`, no
absolute paths, no hidden files (the stage cache, the search database), no symlink
leading outside.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, render_template, request, send_file
from werkzeug.exceptions import HTTPException
from werkzeug.security import safe_join
from werkzeug.serving import BaseWSGIServer, make_server, select_address_family

from pipeline.errors import OutputsError, PipelineError
from pipeline.languages import language_name
from pipeline.web import render
from pipeline.web.data import (
    WebError,
    load_event,
    load_events,
    origin_badge,
    origin_class,
    replay_context,
)
from pipeline.web.edit import EDIT_PREFIX, Editor
from pipeline.web.edit_routes import add_edit_routes, json_error

log = logging.getLogger(__name__)

SEARCH_LIMIT = 50

# Our pages: scripts, styles and media from this server only, nothing inline.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# The pipeline's own transcript pages (served as files) carry a few lines of inline
# script and style, written with everything escaped; they may run those, nothing else.
FILE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; media-src 'self'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# Never served even though they sit in the outputs folder.
_PRIVATE_SUFFIXES = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal", ".tmp")


def archive_module() -> ModuleType | None:
    """pipeline.archive when it is installed (search), else None."""
    if importlib.util.find_spec("pipeline.archive") is None:
        return None
    return importlib.import_module("pipeline.archive")


def served_file(outputs_dir: Path, relpath: str) -> Path | None:
    """The file `relpath` names inside `outputs_dir`, or None when it must not be served."""
    if not relpath or "\x00" in relpath or "\\" in relpath:
        return None
    parts = relpath.split("/")
    if any(not part or part.startswith(".") for part in parts):
        return None  # empty segments (absolute paths, //), ., .., hidden files and folders
    if relpath.lower().endswith(_PRIVATE_SUFFIXES):
        return None
    joined = safe_join(str(outputs_dir), relpath)
    if joined is None:
        return None
    try:
        target = Path(joined).resolve(strict=True)
        target.relative_to(outputs_dir)  # a symlink may not lead outside
    except (OSError, ValueError, RuntimeError):
        return None
    return target if target.is_file() else None


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
    outputs_dir: Path, *, build_archive: bool = True, editor: Editor | None = None
) -> Flask:
    """The web app over `outputs_dir`; refreshes the search archive first when it can.

    `editor` (pipeline.run.edit.EventEditor, from `webconf serve --edit`): the replay
    pages of its event offer the editor, and the edit routes exist (`edit_routes`);
    without it there are none."""
    outputs_dir = Path(outputs_dir)
    if not outputs_dir.is_dir():
        raise WebError(f"{outputs_dir}: no such folder (write one with `webconf run` first)")
    outputs_dir = outputs_dir.resolve()
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    render.configure(app.jinja_env)
    app.config.update(OUTPUTS_DIR=outputs_dir, ARCHIVE_ERROR=None, ARCHIVE_DB=None)
    links = render.ServerLinks()

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

    @app.get("/e/<event_slug>/<session_slug>")
    def replay(event_slug: str, session_slug: str):
        try:
            event = load_event(outputs_dir, event_slug)
        except OutputsError as exc:
            message = f"cannot read the event index: {_public(exc, outputs_dir)}"
            return page("error.html", 404, title="Event unreadable", message=message)
        session = event.session(session_slug) if event else None
        if event is None or session is None:
            abort(404, description="No such event or session.")
        context = replay_context(event, session, request.args.get("lang"))
        edit = edit_page(event, session) if edit_page else None
        if edit is not None:
            context["edit"] = edit
        return page("replay.html", **context)

    _add_search_page(app, outputs_dir, page)

    @app.get("/files/<path:relpath>")
    def files(relpath: str):
        target = served_file(outputs_dir, relpath)
        if target is None:
            abort(404, description="No such file.")
        return send_file(target, conditional=True)

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
            app.config["ARCHIVE_ERROR"] = f"Search is not available: {exc}"


def _add_search_page(app: Flask, outputs_dir: Path, page: Callable[..., Any]) -> None:
    """The /search route: the form, a query's results, or why it cannot be read."""

    @app.get("/search")
    def search():
        events = load_events(outputs_dir)
        codes = sorted({code for event in events for code in event.languages})
        query = request.args.get("q", "").strip()
        language = request.args.get("lang", "").strip()
        event_filter = request.args.get("event", "").strip()
        error, status, results = None, 200, []
        if language and language not in codes:
            error, status = f"Unknown language {language!r}: use one of {', '.join(codes)}.", 400
        elif event_filter and event_filter not in {event.slug for event in events}:
            error, status = f"Unknown event {event_filter!r}.", 400
        elif query:
            error, status, results = _search(app, query, language, event_filter)
        return page(
            "search.html",
            status,
            query=query,
            language=language,
            event_filter=event_filter,
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


def _search(app: Flask, query: str, language: str, event: str):
    """(error, status, results) of one search."""
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
        )
    except PipelineError as exc:  # SearchError: a query the archive cannot read
        return str(exc), 400, []
    return None, 200, [_result(hit) for hit in hits]


def make_web_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """A threaded server for `app` on host:port (0 = any free port), not yet serving.

    The socket is bound here so that a taken port is one WebError line, not
    werkzeug's own messages and exit.
    """
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
