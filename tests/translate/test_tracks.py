"""The translate stage as a plain function, driven by a fake engine: which source each
language's text comes from, what it is labelled, and what the cache saves."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeEngines

from pipeline.cache import StageCache
from pipeline.translate.tracks import language_tracks
from pipeline.types import Cue, Segment, Session, SessionTranscript, Word

REC = Path("/nowhere/day1.mkv")
SESSION = Session(index=1, title="Panel", recording=REC, start_ms=0, end_ms=60_000)


def segment(start: int, text: str, language: str, **kw) -> Segment:
    words = tuple(
        Word(start + i * 300, start + i * 300 + 250, f" {w}") for i, w in enumerate(text.split())
    )
    return Segment(start, words[-1].end_ms, text, language, words, **kw)


def transcript(*segments: Segment, english=None) -> SessionTranscript:
    return SessionTranscript(SESSION, tuple(segments), english)


def test_each_language_holds_what_was_said_in_it_and_machine_translation_of_the_rest(tmp_path):
    engines = FakeEngines()
    said = transcript(segment(1000, "Hello all.", "en"), segment(5000, "Bonjour à tous.", "fr"))
    tracks = language_tracks(said, ("en", "fr"), engines, StageCache(tmp_path))
    en, fr = tracks
    assert [(s.text, s.origin) for s in en.sentences] == [
        ("Hello all.", "original"),
        ("[en] Bonjour à tous.", "machine"),
    ]
    assert [(s.text, s.origin, s.engine) for s in fr.sentences] == [
        ("[fr] Hello all.", "machine", "fake en>fr"),
        ("Bonjour à tous.", "original", "whisper"),
    ]
    assert en.cues == () and fr.cues == ()  # cut later, by the cues stage
    assert en.source_language == fr.source_language  # the language with the most text


def test_only_sentences_whose_text_changed_are_translated_again(tmp_path):
    said = transcript(segment(1000, "First one.", "en"), segment(5000, "Second one.", "en"))
    language_tracks(said, ("en", "es"), FakeEngines(), StageCache(tmp_path))
    engines = FakeEngines()
    cache = StageCache(tmp_path)
    corrected = {
        "en": (
            Cue(1000, 1500, ("First one.",), "en", origin="person"),
            Cue(5000, 6000, ("Second, corrected.",), "en", origin="person"),
        )
    }
    language_tracks(said, ("en", "es"), engines, cache, corrections=corrected)
    # "First one." came back from the cache: only the corrected sentence is translated
    assert engines.engine.calls == [(("Second, corrected.",), "en", "es")]


def test_a_new_glossary_term_translates_again_only_the_sentences_that_hold_it(tmp_path):
    said = transcript(segment(1000, "Welcome to WAPES.", "en"), segment(5000, "Thanks.", "en"))
    language_tracks(said, ("en", "es"), FakeEngines(), StageCache(tmp_path), glossary=("VDAB",))
    engines = FakeEngines()
    language_tracks(said, ("en", "es"), engines, StageCache(tmp_path), glossary=("VDAB", "WAPES"))
    assert [texts for texts, _, _ in engines.engine.calls] == [("Welcome to ZZG0ZZ.",)]


def test_english_comes_from_whisper_speech_translation_when_there_is_one(tmp_path):
    english = (
        segment(5000, "Hello to all.", "en", origin="speech-translation", source_language="fr"),
    )
    said = transcript(segment(5000, "Bonjour à tous.", "fr"), english=english)
    engines = FakeEngines()
    en, fr = language_tracks(said, ("en", "fr"), engines, StageCache(None))
    ((sentence,),) = (en.sentences,)
    assert (sentence.text, sentence.origin, sentence.source_language) == (
        "Hello to all.",
        "speech-translation",
        "fr",
    )
    assert sentence.engine == "whisper (speech translation)"
    assert engines.engine.calls == []  # no machine translation into English


def test_a_silent_session_is_in_its_declared_language(tmp_path):
    tracks = language_tracks(
        transcript(), ("en", "fr"), FakeEngines(), StageCache(None), declared_language="fr"
    )
    assert [(t.language, t.source_language, t.is_original) for t in tracks] == [
        ("en", "fr", False),
        ("fr", "fr", True),
    ]
