"""Hand-built events and tracks shared by the writer tests (no tests here)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.types import Cue, Event, Recording, Sentence, Session, SessionTrack, Word

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
    """French from English; as in the pipeline, the track's engine is its sentences'."""
    session = session or make_session()
    base = session.start_ms
    sentences = (
        Sentence(
            base + 1000,
            base + 2000,
            "Bonjour le monde.",
            "fr",
            (),
            "en",
            "Hello world.",
            "argos en_fr 1.9",
            origin="machine",
        ),
        Sentence(
            base + 2500,
            base + 4000,
            "Rivières & deltas.",
            "fr",
            (),
            "en",
            "Rivers & deltas.",
            "argos en_fr 1.9",
            origin="machine",
        ),
    )
    cues = (
        Cue(base + 1000, base + 2000, ("Bonjour le monde.",), "fr"),
        Cue(base + 2500, base + 4000, ("Rivières & deltas.",), "fr"),
    )
    return SessionTrack(session, "fr", "en", "argos en_fr 1.9", sentences, cues)


def flagged_track(session: Session | None = None) -> SessionTrack:
    """`original_track` with its first sentence and cue reviewed by a person and its
    second ones of low recognition confidence."""
    track = original_track(session)
    sentences = list(track.sentences)
    cues = list(track.cues)
    sentences[0] = replace(sentences[0], reviewed=True)
    sentences[1] = replace(sentences[1], low_confidence=True)
    cues[0] = replace(cues[0], reviewed=True)
    cues[1] = replace(cues[1], low_confidence=True)
    return replace(track, sentences=tuple(sentences), cues=tuple(cues))


MIXED_ENGINE = "apertium (fr→es→en)"


def mixed_track(session: Session | None = None) -> SessionTrack:
    """English for a session whose speakers switch to French for one sentence:
    two original English sentences around one machine-translated from French."""
    session = session or make_session()
    base = session.start_ms
    sentences = (
        Sentence(base + 1000, base + 3000, "Good morning, everyone.", "en", (), "en"),
        Sentence(
            base + 3500,
            base + 5000,
            "Hello to all <friends> & guests.",
            "en",
            (),
            "fr",
            "Bonjour à tous les <amis> & invités.",
            MIXED_ENGINE,
            origin="machine",
        ),
        Sentence(base + 5500, base + 9000, "We start with the rivers.", "en", (), "en"),
    )
    cues = tuple(Cue(s.start_ms, s.end_ms, (s.text,), "en") for s in sentences)
    return SessionTrack(session, "en", "en", f"{MIXED_ENGINE}, whisper", sentences, cues)
