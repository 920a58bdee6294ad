"""Time arithmetic shared by every writer, so all formats clamp and round alike.

Writers get recording-time milliseconds and publish session-time ones: the
session's own audio file starts at the session start.
"""

from __future__ import annotations

from pipeline.types import Session


def session_duration_ms(session: Session) -> int:
    """Length of the session; never negative, even for a bad agenda entry."""
    return max(0, session.end_ms - session.start_ms)


def to_session_ms(session: Session, recording_ms: int) -> int:
    """Recording time -> session time, clamped to [0, session duration]."""
    return min(max(recording_ms - session.start_ms, 0), session_duration_ms(session))


def seconds(ms: int) -> float:
    """Milliseconds as seconds with 3 decimals, the unit of the JSON outputs."""
    return round(ms / 1000, 3)


def clock_ms(ms: int, decimal_mark: str = ".") -> str:
    """HH:MM:SS.mmm (WebVTT) or, with decimal_mark=",", HH:MM:SS,mmm (SubRip)."""
    ms = max(0, ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_mark}{millis:03d}"


def short_clock(ms: int) -> str:
    """MM:SS for paragraph stamps; H:MM:SS once past an hour so it stays unambiguous."""
    total = max(0, ms) // 1000
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def seconds_fragment(ms: int) -> str:
    """Seconds for a `#t=` media fragment: no trailing zeros, no exponent."""
    text = f"{max(0, ms) / 1000:.3f}".rstrip("0").rstrip(".")
    return text or "0"
