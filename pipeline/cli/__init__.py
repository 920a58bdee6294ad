"""Command line: a thin layer over the library API.

Library errors (PipelineError) are caught once here and printed as one line;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys

from pipeline.errors import PipelineError

EXIT_USER_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    from pipeline.cli import agenda, archive, models, mux, probe, run, speakers, subtitles, web

    parser = argparse.ArgumentParser(
        prog="webconf",
        description="Offline subtitles and transcripts for webconference recordings.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (run, agenda, speakers, subtitles, archive, web, mux, models, probe):
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except PipelineError as exc:
        print(f"webconf: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("webconf: interrupted; run again to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`webconf search ... | head`): say so once, quietly exit
        _silence_stdout()
        print("webconf: error: output closed before it was all written", file=sys.stderr)
        return EXIT_USER_ERROR


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit flush cannot raise again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
