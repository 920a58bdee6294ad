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
