"""Hand-built events and tracks shared by the writer tests (no tests here)."""

from __future__ import annotations

from pathlib import Path

from pipeline.types import (
    Cue,
    Event,
    Recording,
    Sentence,
    Session,
    SessionTrack,
    Word,
)

RECORDING = Path("recordings/day1.mkv")
# session 2 starts 10 minutes into the recording and lasts 60 s
SESSION_START = 600_000
SESSION_END = 660_000


def make_session(
    index: int = 2,
    start_ms: int = SESSION_START,
    end_ms: int = SESSION_END,
    title: str = "Rivers & <Deltas>",
) -> Session:
    return Session(
        index=index,
        title=title,
        recording=RECORDING,
        start_ms=start_ms,
        end_ms=end_ms,
        speakers=("Ana Pérez", "Bob <b>"),
        language="en",
    )


def make_event(sessions: tuple[Session, ...] | None = None) -> Event:
    sessions = sessions or (make_session(1, 0, SESSION_START, "Opening"), make_session())
    return Event(
        title="Water Days 2024",
        date="2024-05-01",
        languages=("en", "fr", "es"),
        recordings=(Recording(RECORDING),),
        sessions=sessions,
    )


def at(session_ms: int) -> int:
    """Session time -> recording time for session 2."""
    return SESSION_START + session_ms


def original_track(
    session: Session | None = None,
    cues: tuple[Cue, ...] | None = None,
    sentences: tuple[Sentence, ...] | None = None,
) -> SessionTrack:
    session = session or make_session()
    base = session.start_ms
    words = (
        Word(base + 1000, base + 1400, " Hello", 0.91),
        Word(base + 1400, base + 2000, " world.", 0.87),
    )
    if sentences is None:
        sentences = (
            Sentence(base + 1000, base + 2000, "Hello world.", "en", words, "en"),
            Sentence(
                base + 2500,
                base + 4000,
                "Rivers <script>alert(1)</script> & deltas.",
                "en",
                source_language="en",
            ),
            Sentence(
                base + 9000,
                base + 12000,
                "After a long pause --> we go on.",
                "en",
                source_language="en",
            ),
        )
    if cues is None:
        cues = (
            Cue(base + 1000, base + 2000, ("Hello world.",), "en", words),
            Cue(base + 2500, base + 4000, ("Rivers <script>alert(1)</script>", "& deltas."), "en"),
            Cue(base + 9000, base + 12000, ("After a long pause --> we go on.",), "en"),
        )
    return SessionTrack(session, "en", "en", "whisper", sentences, cues)


def translated_track(session: Session | None = None) -> SessionTrack:
    session = session or make_session()
    base = session.start_ms
    sentences = (
        Sentence(
            base + 1000, base + 2000, "Bonjour le monde.", "fr", (), "en", "Hello world.", "argos"
        ),
        Sentence(
            base + 2500,
            base + 4000,
            "Rivières & deltas.",
            "fr",
            (),
            "en",
            "Rivers & deltas.",
            "argos",
        ),
    )
    cues = (
        Cue(base + 1000, base + 2000, ("Bonjour le monde.",), "fr"),
        Cue(base + 2500, base + 4000, ("Rivières & deltas.",), "fr"),
    )
    return SessionTrack(session, "fr", "en", "argos en_fr 1.9", sentences, cues)
