"""Progress bars that stay quiet when output is not a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


def progress_bar(total: int, desc: str, enabled: bool | None = None) -> tqdm:
    disable = (not sys.stderr.isatty()) if enabled is None else not enabled
    return tqdm(
        total=total,
        desc=desc,
        unit="s" if "transcribe" in desc else "it",
        disable=disable,
        leave=False,
        dynamic_ncols=True,
    )
