"""`webconf site`: the replay pages as static files, for any web server.

Layout (inside OUTPUTS_DIR unless another destination is given):

    replay.html                          every event and session, with the downloads
    search.html                          search every passage, in the browser
    replay-assets/                       replay.{css,js}, search.js, search-index.js
    <event>/replay.html                  the event page: timeline, table, downloads
    <event>/search.html                  search this event only
    <event>/replay-assets/               the same, for this event
    <event>/<session>/replay.html        a session's replay; `#t=SECONDS` seeks

Every link is relative, so the folder (or one event's folder) can be copied to any
web server as it is. The pipeline's own `<event>/index.html` is left alone. Pages
are the server's templates, without the search form, with the same script and a
Content-Security-Policy in a meta tag. Every file is written atomically.

Exported elsewhere, an event takes along only the files its pages link to, each of a
kind the pipeline writes (`layout.file_type`: a recording published as `talk.html`
is never copied, nor is anything a symlink leads to outside the event folder or into
its stage cache); a file left behind is one warning.
"""

from __future__ import annotations

import contextlib
import logging
import os
from importlib import resources
from pathlib import Path

from pipeline.fsio import atomic_link_or_copy, machine_faults, relpath_problem
from pipeline.outputs.layout import file_type
from pipeline.web import render
from pipeline.web.data import (
    Event,
    WebError,
    load_events,
    player_for,
    replay_context,
    session_downloads,
)
from pipeline.web.search_index import search_index
from pipeline.web.timeline import event_context
from pipeline.writers import atomic_write

log = logging.getLogger(__name__)

SITE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' data:; form-action 'self'; base-uri 'none'"  # data: the text tracks
)


@machine_faults("the site folder")
def export_site(outputs_dir: Path, dest: Path | None = None) -> list[Path]:
    """Write the static replay site for every event in `outputs_dir`; return the files.

    With `dest` (another folder) the pages go there, together with the files they
    link to (recordings, tracks, transcripts: hard links where possible, else copies).
    """
    outputs_dir = Path(outputs_dir)
    if not outputs_dir.is_dir():
        raise WebError(f"{outputs_dir}: no such folder (write one with `webconf run` first)")
    events = load_events(outputs_dir)
    if not events:
        raise WebError(f"{outputs_dir}: no event outputs (*/index.json); run `webconf run` first")
    dest = Path(dest) if dest is not None else outputs_dir
    env = render.site_environment()
    written: list[Path] = []

    def write(relpath: str, data: str | bytes) -> None:
        path = dest / relpath
        atomic_write(path, data)
        written.append(path)

    def write_search(top: str, which: list[Event], event: Event | None) -> None:
        page = f"{top}{render.SITE_SEARCH}"
        links = render.SiteLinks(page, event)
        write(f"{top}{render.SITE_ASSETS}/{render.SEARCH_INDEX}", search_index(which, page, event))
        write(page, env.get_template("site_search.html").render(links=links, csp_meta=SITE_CSP))

    assets = {name: _asset(name) for name in render.ASSETS}
    for name, data in assets.items():
        write(f"{render.SITE_ASSETS}/{name}", data)
    page = render.SITE_PAGE
    write(
        page,
        env.get_template("events.html").render(
            events=events, links=render.SiteLinks(page), csp_meta=SITE_CSP
        ),
    )
    write_search("", events, None)
    for event in events:
        write_search(f"{event.slug}/", [event], event)
        for name, data in assets.items():
            write(f"{event.slug}/{render.SITE_ASSETS}/{name}", data)
        event_page = f"{event.slug}/{page}"
        write(
            event_page,
            env.get_template("event.html").render(
                **event_context(event, alone=True),
                links=render.SiteLinks(event_page, event),
                csp_meta=SITE_CSP,
            ),
        )
        for session in event.sessions:
            session_page = render.site_replay_path(event, session)
            write(
                session_page,
                env.get_template("replay.html").render(
                    **replay_context(event, session, None),
                    links=render.SiteLinks(session_page, event),
                    csp_meta=SITE_CSP,
                ),
            )
        if dest.resolve() != outputs_dir.resolve():
            written.extend(_publish_linked_files(event, dest / event.slug))
    return written


def _asset(name: str) -> bytes:
    return resources.files("pipeline.web").joinpath("static", name).read_bytes()


def _linked_files(event: Event) -> set[str]:
    """Every file of `event` the pages link to, relative to the event folder."""
    files: set[str] = set()
    for session in event.sessions:
        player = player_for(event, session)
        if player is not None:
            files.update(source.path for source in player.sources)
            files.update(track.path for track in player.tracks)
            if player.chapters:
                files.add(player.chapters)
            files.update(span.path for channel in player.channels for span in channel.spans)
        files.update(item.path for item in session_downloads(event, session))
        for info in session.languages:
            files.update(info.files[ext] for ext in render.DOWNLOADS if ext in info.files)
            if info.interpreter_audio:
                files.add(info.interpreter_audio)
    return files


def _copy_problem(event: Event, relpath: str) -> str | None:
    """Why a linked file must not be copied out with the site, else None."""
    if file_type(f"{event.slug}/{relpath}") is None:
        return "not a kind of file the pipeline publishes there"
    return relpath_problem(event.folder, relpath)


def _publish_linked_files(event: Event, dest: Path) -> list[Path]:
    """Hard-link (else copy) the event's linked files into `dest`, atomically each."""
    published = []
    for relpath in sorted(_linked_files(event)):
        problem = _copy_problem(event, relpath)
        if problem:
            log.warning("%s/%s: not published (%s)", event.slug, relpath, problem)
            continue
        source = event.folder / relpath
        target = dest / relpath
        with contextlib.suppress(OSError):
            if os.path.samefile(source, target):
                continue
        atomic_link_or_copy(source, target)
        published.append(target)
    return published
