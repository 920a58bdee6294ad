"""Command-line registration of `webconf serve` and `webconf site`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.run.edit import EventEditor

LOOPBACK = ("127.0.0.1", "localhost", "::1")
EDIT_HOST = "127.0.0.1"  # the only address `serve --edit` listens on


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535, not {value}")
    return value


def _editor(args: argparse.Namespace) -> EventEditor | None:
    """The event opened for editing (`--edit EVENT.toml`), checked now; None without."""
    from pipeline.errors import PipelineError

    if args.edit is None:
        if args.model is not None:
            raise PipelineError("--model is what --edit re-runs the event with: give --edit too")
        return None
    if args.host != EDIT_HOST:
        raise PipelineError(
            f"--edit serves on this machine only: leave out --host {args.host} "
            f"(the editor listens on {EDIT_HOST})"
        )
    from dataclasses import replace

    from pipeline.run.edit import EventEditor

    editor = EventEditor.open(Path(args.edit), Path(args.outputs))  # as the outputs were made
    if args.model is not None:
        editor = replace(editor, options=replace(editor.options, model=args.model))
    return editor


def _made_with(options: dict) -> str:
    """'with --model base --mt auto ...': the options of the run `apply` makes."""
    flags = [f"--model {options['model']}", f"--mt {options['mt']}"]
    flags += [f"--subtitle-profile {options['subtitle_profile']}"]
    flags += [f"--interpretation {options['interpretation']}"]
    flags += [] if options["audio"] else ["--no-audio"]
    return "with " + " ".join(flags)


def _cmd_serve(args: argparse.Namespace) -> int:
    from pipeline.web.app import create_app, make_web_server

    editor = _editor(args)
    app = create_app(Path(args.outputs), editor=editor)
    server = make_web_server(app, args.host, args.port)
    if args.host not in LOOPBACK:
        print(f"webconf: warning: listening on {args.host}: reachable from other machines")
    if app.config["ARCHIVE_ERROR"]:
        print(f"webconf: warning: {app.config['ARCHIVE_ERROR']}")
    if editor is not None:
        print(
            f"editing {editor.event_slug} (corrections beside {editor.manifest}; "
            f"apply runs it {_made_with(editor.options.made_with())})"
        )
    print(f"serving {args.outputs} at {_url(args.host, server.port)} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.server_close()
    return 0


def _cmd_site(args: argparse.Namespace) -> int:
    from pipeline.web.render import SITE_PAGE
    from pipeline.web.site import export_site

    dest = Path(args.dest) if args.dest else Path(args.outputs)
    written = export_site(Path(args.outputs), Path(args.dest) if args.dest else None)
    pages = sum(1 for path in written if path.name == SITE_PAGE)
    print(f"wrote {pages} pages ({len(written)} files) to {dest}/ (open {dest / SITE_PAGE})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `webconf` parser."""
    from pipeline.models.locate import DEFAULT_WHISPER_MODEL, WHISPER_MODELS

    serve = sub.add_parser(
        "serve",
        help="serve replay pages and transcript search over HTTP",
        description="Serve the events in OUTPUTS_DIR: a list of events and sessions, a "
        "replay page per session (the recording with subtitles in every language, a "
        "transcript that follows playback, #t=SECONDS links) and a search page. Refreshes "
        "the search archive first. Listens on 127.0.0.1 unless --host says otherwise.",
    )
    serve.add_argument(
        "outputs",
        nargs="?",
        default="outputs",
        metavar="OUTPUTS_DIR",
        help="the folder `webconf run --out` wrote (default: outputs)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    serve.add_argument(
        "--port", type=_port, default=8000, help="port (default: 8000; 0 = any free port)"
    )
    serve.add_argument(
        "--edit",
        metavar="EVENT.toml",
        help="offer an editor on the replay pages of this event (its manifest): edit, "
        "retime, split, merge and review cues, save them as corrections beside the "
        "manifest and apply them (the event runs again). On 127.0.0.1 only; off by default",
    )
    serve.add_argument(
        "--model",
        choices=WHISPER_MODELS,
        default=None,
        help="with --edit: the Whisper model applying runs the event with (default: the "
        f"one the outputs were made with, as their index.json records; else "
        f"{DEFAULT_WHISPER_MODEL})",
    )
    serve.set_defaults(func=_cmd_serve)

    site = sub.add_parser(
        "site",
        help="write the replay pages as a static site, with search",
        description="Write a static site for every event in OUTPUTS_DIR: "
        "OUTPUTS_DIR/replay.html (all events), <event>/replay.html (the event page: "
        "timeline and downloads), <event>/<session>/replay.html (#t=SECONDS seeks) and "
        "search.html (search in the browser). Links are relative, so the folder can be "
        "copied to any web server or opened from disk.",
    )
    site.add_argument("outputs", metavar="OUTPUTS_DIR", help="the folder `webconf run` wrote")
    site.add_argument(
        "--dest",
        metavar="DIR",
        help="write the site here instead, with the recordings and tracks it links to "
        "(hard links where possible)",
    )
    site.set_defaults(func=_cmd_site)
