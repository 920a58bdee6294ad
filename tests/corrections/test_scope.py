"""Which text a correction touches, in a session where two languages are spoken: the
corrections stage with a fake engine (the real-model runs are in test_corrections.py).

The failure reported: a speaker answers an English question in Spanish; correcting
one Spanish cue replaced the English track's English originals with Spanish, marked
every cue reviewed, and the French was made from the Spanish text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fakes import FakeEngines

from pipeline.cache import StageCache
from pipeline.corrections import correct_rendered, correct_spoken
from pipeline.cues.build import cue_track
from pipeline.translate.tracks import language_tracks
from pipeline.types import Cue, Segment, Sentence, Session, SessionTrack, SessionTranscript, Word
from pipeline.writers.paragraphs import paragraphs, unsure_words
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


# -- a cue is not a sentence: the person's text is aligned word by word -------------------


def said(start: int, text: str, probabilities: list[float]) -> Sentence:
    words = tuple(
        Word(start + i * 400, start + i * 400 + 300, f" {w}", p)
        for i, (w, p) in enumerate(zip(text.split(), probabilities, strict=True))
    )
    return Sentence(start, words[-1].end_ms, text, "en", words, source_language="en")


LONG = said(0, "We met the team in Lisbon last week.", [0.9, 0.3, 0.9, 0.9, 0.9, 0.2, 0.9, 0.9])
NEXT = said(4000, "It went well.", [0.9, 0.9, 0.4])


def test_a_one_cue_fix_keeps_the_recognised_words_of_the_untouched_cues():
    cues = (
        cue(0, 1500, "We met the team", "en", reviewed=False),
        cue(1600, 3100, "in Lisboa last week.", "en"),
        cue(4000, 5000, "It went well.", "en", reviewed=False),
    )
    (fixed, after) = correct_spoken((LONG, NEXT), cues, "en")
    assert fixed.text == "We met the team in Lisboa last week."
    assert [(w.text, w.probability, w.reviewed) for w in fixed.words[:4]] == [
        (w.text, w.probability, False) for w in LONG.words[:4]
    ]  # the untouched cue's words: still the recogniser's, "met" still unsure
    assert all(w.reviewed for w in fixed.words[4:])
    assert not fixed.reviewed and fixed.origin == "person"
    assert after is NEXT
    track = SessionTrack(SESSION, "en", "en", "whisper", (fixed, after), ())
    assert unsure_words(track) == 2  # "met" and "well.", both in untouched cues


def test_an_untouched_cue_over_two_sentences_changes_neither():
    cues = (
        cue(0, 2000, "We met the team in", "en", reviewed=False),
        cue(2000, 4500, "Lisbon last week. It", "en", reviewed=False),
        cue(4500, 5200, "went very well.", "en"),
    )
    first, second = correct_spoken((LONG, NEXT), cues, "en")
    assert first is LONG  # untouched: the same sentence, words, origin and all
    assert (second.text, second.origin) == ("It went very well.", "person")
    assert [w.reviewed for w in second.words] == [False, True, True, True]


def test_words_added_to_a_cue_join_its_sentence_and_a_cue_over_silence_is_new():
    cues = (
        cue(0, 3100, "We met the whole team in Lisbon last week.", "en"),
        cue(4000, 5000, "It went well.", "en", reviewed=False),
        cue(9000, 9800, "Thank you.", "en"),
    )
    out = correct_spoken((LONG, NEXT), cues, "en")
    assert [s.text for s in out] == [
        "We met the whole team in Lisbon last week.",
        "It went well.",
        "Thank you.",
    ]
    assert out[0].reviewed and out[1] is NEXT and out[2].origin == "person"


def test_the_html_transcript_still_highlights_unsure_words_after_a_one_cue_fix():
    cues = (
        cue(0, 1500, "We met the team", "en", reviewed=False),
        cue(1600, 3100, "in Lisboa last week.", "en"),
    )
    fixed = correct_spoken((LONG,), cues, "en")
    track = SessionTrack(SESSION, "en", "en", "whisper", fixed, ())
    (passage,) = paragraphs(track)[0].passages
    assert passage.unsure_words == 1 and not passage.reviewed


def test_an_untouched_cue_across_two_machine_renderings_changes_neither():
    first = Sentence(
        0,
        3000,
        "Trabajamos desde casa.",
        "es",
        source_language="en",
        source_text="We work from home.",
        engine="apertium",
        origin="machine",
    )
    second = Sentence(
        3000,
        6000,
        "Tres días por semana.",
        "es",
        source_language="en",
        source_text="Three days a week.",
        engine="apertium",
        origin="machine",
    )
    cues = (
        cue(0, 2000, "Trabajamos desde", "es", reviewed=False),
        cue(2000, 4500, "casa. Tres días", "es", reviewed=False),
        cue(4500, 6000, "a la semana.", "es"),
    )
    a, b = correct_rendered((first, second), cues, "es", spoken_here=False)
    assert a is first
    assert (b.text, b.origin, b.source_language) == ("Tres días a la semana.", "person", "en")


# -- a person names who speaks: a WebVTT voice span in a corrected cue ---------------------


def voiced_said(start: int, text: str, speaker: str) -> Sentence:
    sentence = said(start, text, [0.9] * len(text.split()))
    words = tuple(replace(w, speaker=speaker) for w in sentence.words)
    return replace(sentence, speaker=speaker, words=words)


def test_a_voice_a_person_names_in_a_cue_says_its_sentence():
    first = voiced_said(0, "We met the team.", "Speaker 2")
    second = voiced_said(3000, "It went well.", "Speaker 2")
    cues = (
        replace(cue(0, 1500, "We met the team.", "en", reviewed=False), speaker="Jens Wretling"),
        cue(3000, 4000, "It went well.", "en", reviewed=False),
    )
    fixed, kept = correct_spoken((first, second), cues, "en")
    assert fixed.speaker == "Jens Wretling"
    assert {w.speaker for w in fixed.words} == {"Jens Wretling"}
    assert fixed.text == first.text and not fixed.reviewed  # the words as they were
    assert kept is second  # a cue naming no one leaves the machine's voice


def test_a_voice_label_or_two_names_over_one_sentence_change_nothing():
    first = voiced_said(0, "We met the team in Lisbon.", "Speaker 2")
    relabelled = (replace(cue(0, 2500, "We met the team in Lisbon.", "en"), speaker="Speaker 3"),)
    assert correct_spoken((first,), relabelled, "en")[0].speaker == "Speaker 2"
    split = (
        replace(cue(0, 1300, "We met the team", "en"), speaker="Ana Ruiz"),
        replace(cue(1300, 2500, "in Lisbon.", "en"), speaker="Jens Wretling"),
    )
    assert correct_spoken((first,), split, "en")[0].speaker == "Speaker 2"


def test_a_cue_over_silence_is_said_by_the_voice_it_names():
    first = voiced_said(0, "We met the team.", "Speaker 2")
    added = (
        cue(0, 1500, "We met the team.", "en", reviewed=False),
        replace(cue(9000, 10000, "Thank you.", "en"), speaker="Ana Ruiz"),
    )
    kept, new = correct_spoken((first,), added, "en")
    assert kept is first
    assert (new.text, new.speaker, new.origin) == ("Thank you.", "Ana Ruiz", "person")


def test_a_rendering_keeps_the_voice_of_its_source():
    rendering = replace(
        voiced_said(0, "Nous avons vu l'équipe.", "Speaker 2"),
        language="fr", source_language="en", origin="machine", words=(),
    )  # fmt: skip
    cues = (replace(cue(0, 1500, "Nous avons vu l'équipe.", "fr"), speaker="Ana Ruiz"),)
    assert correct_rendered((rendering,), cues, "fr")[0].speaker == "Speaker 2"


def test_a_voice_named_in_the_spoken_language_reaches_every_languages_track(tmp_path):
    fixed = {
        "es": (
            cue(1000, 2600, "[es] How do you work from home?", "es", reviewed=False),
            replace(cue(5000, 6500, "Trabajo desde casa tres días.", "es", False), speaker="Ana"),
        )
    }
    got, _ = tracks(tmp_path, fixed)
    for language in ("en", "es", "fr"):
        question, answer = got[language].sentences
        assert (question.speaker, answer.speaker) == ("", "Ana"), language
        assert answer.text.endswith("Trabajo desde casa tres días."), language  # not re-written
