"""The routes of `webconf serve --edit`, and the guards each request passes.

They are registered only when the server is given an editor (`create_app(...,
editor=...)`, which `webconf serve --edit EVENT.toml` does): without it none of these
URLs exists. The CLI serves them on 127.0.0.1 only. Guards:

- every request, to any page, must name this machine in its Host header (127.0.0.1 or
  localhost): a site that points its own name at 127.0.0.1 (DNS rebinding) is refused;
- every POST must come from this server's own pages (its `Origin`, else its `Referer`,
  is this host), carry the server's random token (header X-Edit-Token, from the page's
  meta tag, compared with hmac.compare_digest), be `application/json` and at most
  MAX_BODY bytes; what it holds is checked by `edit.parse_cues`;
- errors are JSON, `{"error": "one line"}`: 400 what was sent cannot be saved, 403 a
  guard refused it, 404 no such event, session or language to edit, 409 the state on
  disk does not allow it (the agenda changed) or a run is already applying, 413 too
  large, 415 not JSON. A refused request writes nothing.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException

from pipeline.errors import OutputsError, PipelineError
from pipeline.web.data import Event, Session, load_event
from pipeline.web.edit import (
    EDIT_PREFIX,
    MAX_BODY,
    TOKEN_HEADER,
    EditInputError,
    Editor,
    EditPage,
    one_line,
    parse_cues,
    shown_path,
    track_json,
)

LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def json_error(exc: HTTPException):
    """An HTTP error of an edit route, as the editor reads it."""
    return jsonify(error=one_line(exc.description or exc.name)), exc.code or 500


def add_edit_routes(
    app: Flask, outputs_dir: Path, editor: Editor, refresh_archive: Callable[[], str | None]
) -> Callable[[Event, Session], EditPage | None]:
    """Register the edit routes and guards on `app`; returns what a replay page of the
    edited event needs to offer the editor (None for other events).
    `refresh_archive()` updates the search archive after a run (its error, or None)."""
    token = secrets.token_urlsafe(32)
    applying = threading.Lock()
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    @app.before_request
    def this_machine_only():
        name = urlsplit(f"//{request.host}").hostname or ""
        if name.lower() not in LOOPBACK_NAMES:
            abort(403, description=f"refused: Host {request.host!r:.80} is not this machine")

    @app.after_request
    def fresh_files(response):
        # subtitles and transcripts change when corrections are applied: a reloaded
        # page asks again (a 304 when unchanged) instead of trusting its cache
        if request.path.startswith("/files/"):
            response.headers["Cache-Control"] = "no-cache"
        return response

    @app.errorhandler(EditInputError)
    def bad_input(exc: EditInputError):
        return jsonify(error=one_line(str(exc))), 400

    def guarded_body() -> Any:
        """The JSON body of a POST that passed every guard."""
        own = f"{request.scheme}://{request.host}"
        origin = request.headers.get("Origin")
        if origin is not None:
            if origin != own:
                refused = f"refused: a request from {origin!r:.80}, not from this server"
                abort(403, description=refused)
        else:
            referer = request.headers.get("Referer", "")
            if referer != own and not referer.startswith(own + "/"):
                abort(403, description="refused: no Origin or Referer from this server")
        given = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            abort(403, description="refused: missing or wrong edit token (reload the page)")
        if request.mimetype != "application/json":
            abort(415, description="refused: send the body as application/json")
        body = request.get_json(silent=True)  # beyond MAX_BODY: 413 before it is read
        if body is None:
            abort(400, description="the body is not JSON")
        return body

    def target(event_slug: str, session_slug: str, language: str) -> tuple[Event, Session]:
        if event_slug != editor.event_slug:
            abort(404, description=f"editing is offered for event {editor.event_slug} only")
        try:
            event = load_event(outputs_dir, event_slug)
        except OutputsError as exc:
            abort(409, description=f"cannot read the event index: {exc.problem}")
        session = event.session(session_slug) if event else None
        if event is None or session is None:
            abort(404, description="no such session")
        if session.language_info(language) is None:
            abort(404, description=f"session {session.slug} has no {language!r} track")
        return event, session

    @app.get(f"{EDIT_PREFIX}<event_slug>/<session_slug>/<language>")
    def edit_track(event_slug: str, session_slug: str, language: str):
        event, session = target(event_slug, session_slug, language)
        try:
            saved = editor.saved(session.entry, language)
        except PipelineError as exc:
            abort(409, description=str(exc))
        return jsonify(track_json(event, session, language, saved, editor.manifest))

    @app.post(f"{EDIT_PREFIX}<event_slug>/<session_slug>/<language>/save")
    def edit_save(event_slug: str, session_slug: str, language: str):
        body = guarded_body()
        _, session = target(event_slug, session_slug, language)
        entry = session.entry
        cues = parse_cues(body, entry.end_ms - entry.start_ms, language)
        shift = entry.start_ms  # session time -> recording time
        cues = tuple(replace(c, start_ms=c.start_ms + shift, end_ms=c.end_ms + shift) for c in cues)
        try:
            path, saved = editor.save(entry, language, cues)
        except PipelineError as exc:
            abort(409, description=str(exc))
        except OSError as exc:
            abort(500, description=f"cannot save the correction: {exc.strerror or exc}")
        shown = shown_path(path, editor.manifest)
        reviewed = sum(c.reviewed for c in saved)
        return jsonify(
            saved=shown,
            path=str(path),
            cues=len(saved),
            reviewed=reviewed,
            message=f"Saved {len(saved)} cues ({reviewed} reviewed) to {shown} beside the "
            "manifest; apply to publish them.",
        )

    @app.post(f"{EDIT_PREFIX}<event_slug>/voices")
    def edit_voices(event_slug: str):
        body = guarded_body()
        names = body.get("voices") if isinstance(body, dict) else None
        if set(body if isinstance(body, dict) else ()) != {"voices"} or not isinstance(
            names, dict
        ):
            abort(400, description='send {"voices": {"Speaker 2": "A. Name", ...}}')
        if event_slug != editor.event_slug:
            abort(404, description=f"editing is offered for event {editor.event_slug} only")
        try:
            path = editor.save_voices(names)
        except ValueError as exc:
            abort(400, description=str(exc))
        except PipelineError as exc:
            abort(409, description=str(exc))
        except OSError as exc:
            abort(500, description=f"cannot save the names: {exc.strerror or exc}")
        shown = shown_path(path, editor.manifest)
        return jsonify(
            saved=shown,
            message=f"Saved the speakers' names to {shown} beside the manifest; apply to "
            "publish them in every session.",
        )

    @app.post(f"{EDIT_PREFIX}<event_slug>/apply")
    def edit_apply(event_slug: str):
        body = guarded_body()
        if body != {}:
            abort(400, description="apply takes an empty object: {}")
        if event_slug != editor.event_slug:
            abort(404, description=f"editing is offered for event {editor.event_slug} only")
        if not applying.acquire(blocking=False):
            abort(409, description="the corrections are being applied already: wait for it")
        try:
            started = time.monotonic()
            try:
                result = editor.apply()
            except PipelineError as exc:
                abort(409, description=f"the run failed: {exc}")
            search = refresh_archive()
            took = time.monotonic() - started
        finally:
            applying.release()
        return jsonify(
            message=f"Applied in {took:.1f} s ({_count(result.cache_misses, 'stage result')} "
            f"made again, {_count(len(result.warnings), 'warning')}).",
            warnings=list(result.warnings),
            search=search,
        )

    def page_for(event: Event, session: Session) -> EditPage | None:
        if event.slug != editor.event_slug:
            return None
        base = f"{EDIT_PREFIX}{quote(event.slug, safe='')}"
        return EditPage(
            token=token,
            track_url=f"{base}/{quote(session.slug, safe='')}",
            apply_url=f"{base}/apply",
            manifest_name=editor.manifest.name,
            voices_url=f"{base}/voices",
        )

    return page_for


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"
