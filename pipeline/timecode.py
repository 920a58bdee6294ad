"""Parse and format times: the one home of every clock the pipeline prints.

Records keep integer milliseconds; these functions turn them into the forms each
output needs, so every format rounds and clamps the same way.

| function        | example        | used for                                   |
|-----------------|----------------|--------------------------------------------|
| `clock_ms`      | 00:01:02.345   | WebVTT cue times (`,` for SubRip), linting |
| `format_clock`  | 00:01:02       | file headers, search results               |
| `agenda_time`   | 00:01:02.345   | manifest messages (milliseconds when any)  |
| `short_clock`   | 01:02, 1:01:02 | transcript paragraph stamps                |
| `seconds`       | 62.345         | JSON outputs                               |
| `seconds_fragment` | 62.345, 120    | `#t=` media fragments and data attributes  |

and spans of time: how long two share (`overlap_ms`), which of many a span shares
most with (`most_overlapping`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d{1,3})?)$")


MAX_SECONDS = 10_000_000  # ~115 days: beyond it a time is a typo, not an agenda


def parse_time(value: Any) -> int:
    """HH:MM:SS[.mmm], MM:SS, a TOML time, or seconds -> milliseconds."""
    if isinstance(value, dt.time):
        return (
            (value.hour * 60 + value.minute) * 60 + value.second
        ) * 1000 + value.microsecond // 1000
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value < MAX_SECONDS
    ):
        return round(value * 1000)
    if isinstance(value, str):
        m = _TIME.match(value.strip())
        if m:
            hours, minutes, secs = int(m.group(1) or 0), int(m.group(2)), float(m.group(3))
            if minutes < 60 and secs < 60:
                return round(((hours * 60 + minutes) * 60 + secs) * 1000)
    raise ValueError(f"{value!r} is not a time (expected HH:MM:SS[.mmm])")


def clock_ms(ms: int, decimal_mark: str = ".") -> str:
    """HH:MM:SS.mmm (WebVTT) or, with decimal_mark=",", HH:MM:SS,mmm (SubRip)."""
    ms = max(0, ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_mark}{millis:03d}"


def format_clock(ms: int) -> str:
    """HH:MM:SS for headers and links."""
    return clock_ms(ms).rpartition(".")[0]


def agenda_time(ms: int) -> str:
    """HH:MM:SS, with .mmm only when there are milliseconds (as agendas write times)."""
    return format_clock(ms) if ms % 1000 == 0 else clock_ms(ms)


def short_clock(ms: int) -> str:
    """MM:SS for paragraph stamps; H:MM:SS once past an hour so it stays unambiguous."""
    total = max(0, ms) // 1000
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def seconds(ms: int) -> float:
    """Milliseconds as seconds with 3 decimals, the unit of the JSON outputs."""
    return round(ms / 1000, 3)


def seconds_fragment(ms: int) -> str:
    """Seconds for a `#t=` media fragment: no trailing zeros, no exponent."""
    text = f"{max(0, ms) / 1000:.3f}".rstrip("0").rstrip(".")
    return text or "0"


Span = tuple[int, int]  # (start, end) in milliseconds


def overlap_ms(a: Span, b: Span) -> int:
    """How long two spans share; 0 when they do not meet."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def most_overlapping(span: Span, spans: Sequence[Span]) -> int | None:
    """The index of the span in `spans` that shares the most with `span` (the first
    on a tie), or None when none shares any."""
    best, most = None, 0
    for i, other in enumerate(spans):
        shared = overlap_ms(span, other)
        if shared > most:
            best, most = i, shared
    return best


def spread(texts: Sequence[str], start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """Times for `texts` (words) laid over [start, end] in proportion to their
    characters: the words of a cue or a sentence whose own times are not known."""
    total = sum(len(t) + 1 for t in texts) or 1
    span = max(0, end_ms - start_ms)
    out, at = [], 0
    for t in texts:
        a = start_ms + span * at // total
        at += len(t) + 1
        out.append((a, max(a, start_ms + span * at // total)))
    return out
