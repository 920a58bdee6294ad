"""Options more than one command takes."""

from __future__ import annotations

import argparse


def subtitle_profile_option(parser: argparse.ArgumentParser) -> None:
    from pipeline.subtitles.profiles import PROFILES

    parser.add_argument(
        "--subtitle-profile",
        default="default",
        choices=list(PROFILES),
        metavar="NAME",
        help=f"subtitle norms, one of: {', '.join(PROFILES)} (default: default; "
        "README.md, 'Subtitle profiles', gives their numbers)",
    )
