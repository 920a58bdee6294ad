from __future__ import annotations

from test_writers_support import (
    at,
    make_event,
    make_session,
    original_track,
    translated_track,
)

from pipeline.types import Sentence
from pipeline.writers import txt


def test_txt_header_of_an_original_says_original_transcript():
    text = txt.render(original_track(), make_event())
    header = text.split("\n\n")[0]
    assert "Water Days 2024 (2024-05-01)" in header
    assert "Session 2: Rivers & <Deltas>" in header
    assert "Speakers: Ana Pérez, Bob <b>" in header
    assert "Language: English" in header
    assert "Original transcript" in header
    assert "Machine translation" not in header
    assert "00:10:00\u201300:11:00 of day1.mkv" in header


def test_txt_header_of_a_translation_names_source_language_and_engine():
    header = txt.render(translated_track(), make_event()).split("\n\n")[0]
    assert "Language: French" in header
    assert "Machine translation from English (engine: argos en_fr 1.9)" in header


def test_paragraphs_break_at_two_second_pauses_with_session_relative_stamps():
    paragraphs = txt.render(original_track(), make_event()).rstrip("\n").split("\n\n")[1:]
    assert paragraphs == [
        "[00:01] Hello world. Rivers <script>alert(1)</script> & deltas.",
        "[00:09] After a long pause --> we go on.",
    ]


def test_paragraphs_break_every_six_sentences_without_pauses():
    sentences = tuple(
        Sentence(at(n * 1000), at(n * 1000 + 900), f"S{n}.", "en", source_language="en")
        for n in range(8)
    )
    text = txt.render(original_track(sentences=sentences), make_event())
    paragraphs = text.rstrip("\n").split("\n\n")[1:]
    assert paragraphs == ["[00:00] S0. S1. S2. S3. S4. S5.", "[00:06] S6. S7."]


def test_long_paragraphs_are_wrapped_at_80_columns():
    long_text = " ".join(["transcription"] * 40)
    sentences = (Sentence(at(0), at(20_000), long_text, "en", source_language="en"),)
    text = txt.render(original_track(sentences=sentences), make_event())
    body = text.split("\n\n", 1)[1]
    assert len(body.splitlines()) > 1
    assert all(len(line) <= 80 for line in body.splitlines())
    assert " ".join(body.split())[len("[00:00] ") :] == long_text


def test_stamps_past_an_hour_show_hours():
    session = make_session(start_ms=0, end_ms=4_000_000)
    sentences = (Sentence(3_725_000, 3_726_000, "Late.", "en", source_language="en"),)
    text = txt.render(original_track(session, sentences=sentences), make_event())
    assert text.rstrip().endswith("[1:02:05] Late.")
