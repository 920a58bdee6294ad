"""Command-line registration of `webconf serve` and `webconf site`."""

from __future__ import annotations

import argparse
from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")


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


def _cmd_serve(args: argparse.Namespace) -> int:
    from pipeline.web.app import create_app, make_web_server

    app = create_app(Path(args.outputs))
    server = make_web_server(app, args.host, args.port)
    if args.host not in LOOPBACK:
        print(f"webconf: warning: listening on {args.host}: reachable from other machines")
    if app.config["ARCHIVE_ERROR"]:
        print(f"webconf: warning: {app.config['ARCHIVE_ERROR']}")
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
    serve.set_defaults(func=_cmd_serve)

    site = sub.add_parser(
        "site",
        help="write the replay pages as a static site",
        description="Write static replay pages for every event in OUTPUTS_DIR: "
        "OUTPUTS_DIR/replay.html (all events), <event>/replay.html and "
        "<event>/<session>/replay.html (#t=SECONDS seeks). Links are relative, so the "
        "folder can be copied to any web server. No search (that needs `webconf serve`).",
    )
    site.add_argument("outputs", metavar="OUTPUTS_DIR", help="the folder `webconf run` wrote")
    site.add_argument(
        "--dest",
        metavar="DIR",
        help="write the site here instead, with the recordings and tracks it links to "
        "(hard links where possible)",
    )
    site.set_defaults(func=_cmd_site)
