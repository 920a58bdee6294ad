"""Human-readable facts every file header states, worded once."""

from __future__ import annotations

from pipeline.text import format_clock
from pipeline.types import LANGUAGE_NAMES, Event, Session, SessionTrack


def language_name(code: str) -> str:
    """English name of a language code; unknown codes are shown as given."""
    return LANGUAGE_NAMES.get(code, code)


def engine_name(engine: str) -> str:
    return "Whisper" if engine.strip().lower() == "whisper" else engine


def provenance(track: SessionTrack) -> str:
    """'Original transcript (Whisper)' or 'Machine translation from French by argos'."""
    if track.is_original:
        return f"Original transcript ({engine_name(track.engine)})"
    return (
        f"Machine translation from {language_name(track.source_language)} "
        f"by {engine_name(track.engine)}"
    )


def provenance_with_engine(track: SessionTrack) -> str:
    """'Original transcript' or 'Machine translation from French (engine: apertium)'."""
    if track.is_original:
        return "Original transcript"
    return (
        f"Machine translation from {language_name(track.source_language)} "
        f"(engine: {engine_name(track.engine)})"
    )


def marker(is_original: bool, engine: str) -> str:
    """Short label for tables: 'original' or 'machine translation (engine)'."""
    return "original" if is_original else f"machine translation ({engine_name(engine)})"


def event_line(event: Event) -> str:
    return f"{event.title} ({event.date})" if event.date else event.title


def session_line(session: Session) -> str:
    return f"Session {session.index}: {session.title}"


def speakers_line(session: Session) -> str:
    return ", ".join(session.speakers)


def recording_range(session: Session) -> str:
    """Where the session sits in its recording, e.g. '00:12:00-00:55:10 of day1.mkv'."""
    span = f"{format_clock(session.start_ms)}\u2013{format_clock(session.end_ms)}"
    return f"{span} of {session.recording.name}" if session.recording.name else span
