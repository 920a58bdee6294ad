"""Which text a correction touches, in a session where two languages are spoken: the
corrections stage with a fake engine (the real-model runs are in test_corrections.py).

The failure reported: a speaker answers an English question in Spanish; correcting
one Spanish cue replaced the English track's English originals with Spanish, marked
every cue reviewed, and the French was made from the Spanish text."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeEngines

from pipeline.cache import StageCache
from pipeline.cues.build import cue_track
from pipeline.translate.tracks import language_tracks
from pipeline.types import Cue, Segment, Session, SessionTranscript, Word
from pipeline.writers.provenance import original_share, review_note

REC = Path("/nowhere/panel.mkv")
SESSION = Session(index=1, title="Panel", recording=REC, start_ms=0, end_ms=60_000)


def segment(start: int, text: str, language: str) -> Segment:
    words = tuple(
        Word(start + i * 300, start + i * 300 + 250, f" {w}") for i, w in enumerate(text.split())
    )
    return Segment(start, words[-1].end_ms, text, language, words)


QUESTION = segment(1000, "How do you work from home?", "en")
ANSWER = segment(5000, "Trabajo desde casa tres días.", "es")
SAID = SessionTranscript(SESSION, (QUESTION, ANSWER))


def cue(start: int, end: int, text: str, language: str, reviewed: bool = True) -> Cue:
    origin = "person" if reviewed else "original"
    return Cue(start, end, (text,), language, reviewed=reviewed, origin=origin)


def tracks(tmp_path, corrections):
    engines = FakeEngines()
    out = language_tracks(
        SAID, ("en", "es", "fr"), engines, StageCache(tmp_path), corrections=corrections
    )
    return {t.language: t for t in out}, engines


def test_correcting_the_spanish_answer_leaves_the_english_question_alone(tmp_path):
    fixed = {
        "es": (
            cue(1000, 2600, "[es] How do you work from home?", "es", reviewed=False),
            cue(5000, 6500, "Trabajo desde casa cuatro días.", "es"),
        )
    }
    got, _ = tracks(tmp_path, fixed)
    en = [(s.text, s.origin, s.reviewed) for s in got["en"].sentences]
    assert en[0] == ("How do you work from home?", "original", False)
    # the English track's rendering of the answer is made again from the corrected text
    assert en[1] == ("[en] Trabajo desde casa cuatro días.", "machine", False)
    assert got["en"].sentences[1].source_reviewed
    fr = [s.text for s in got["fr"].sentences]
    assert fr == ["[fr] How do you work from home?", "[fr] Trabajo desde casa cuatro días."]
    assert got["fr"].sentences[0].source_language == "en"  # French of the English: from English


def test_a_corrected_rendering_changes_that_language_only(tmp_path):
    fixed = {
        "es": (
            cue(1000, 2600, "¿Cómo trabaja usted desde casa?", "es"),
            cue(5000, 6500, "Trabajo desde casa tres días.", "es", reviewed=False),
        )
    }
    got, _ = tracks(tmp_path, fixed)
    es = got["es"].sentences
    assert (es[0].text, es[0].origin, es[0].source_language) == (
        "¿Cómo trabaja usted desde casa?",
        "person",
        "en",
    )
    assert es[1].text == "Trabajo desde casa tres días." and not es[1].reviewed
    assert [s.text for s in got["en"].sentences][0] == "How do you work from home?"
    assert [s.text for s in got["fr"].sentences][0] == "[fr] How do you work from home?"
    # the Spanish track does not call its corrected translation an original
    assert "translation corrected by a person" in review_note(got["es"])
    assert original_share(got["es"]) < 0.7  # the corrected translation is not original speech


def test_reviewed_counts_are_per_cue(tmp_path):
    fixed = {
        "es": (
            cue(1000, 2600, "[es] How do you work from home?", "es", reviewed=False),
            cue(5000, 6500, "Trabajo desde casa cuatro días.", "es"),
        )
    }
    got, _ = tracks(tmp_path, fixed)
    es = cue_track(got["es"], "default", fixed["es"])
    assert [c.reviewed for c in es.cues] == [False, True]
    en = cue_track(got["en"], "default")
    assert not any(c.reviewed for c in en.cues)  # machine translation of reviewed text
    assert "machine-translated from text a person reviewed" in review_note(got["en"])


def test_only_the_changed_sentence_is_translated_again(tmp_path):
    cache = StageCache(tmp_path)
    language_tracks(SAID, ("en", "es", "fr"), FakeEngines(), cache)
    fixed = {
        "es": (
            cue(1000, 2600, "[es] How do you work from home?", "es", reviewed=False),
            cue(5000, 6500, "Trabajo desde casa cuatro días.", "es"),
        )
    }
    again = FakeEngines()
    language_tracks(SAID, ("en", "es", "fr"), again, cache, corrections=fixed)
    translated = [t for texts, _, _ in again.engine.calls for t in texts]
    assert translated == ["Trabajo desde casa cuatro días."] * 2  # into en and fr, once each
