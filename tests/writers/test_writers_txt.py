from __future__ import annotations

from dataclasses import replace

from track_builders import (
    MIXED_ENGINE,
    at,
    flagged_track,
    make_event,
    make_session,
    mixed_track,
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


def test_low_confidence_sentences_end_with_a_question_mark_in_brackets():
    text = txt.render(flagged_track(), make_event())
    header, *paragraphs = text.rstrip("\n").split("\n\n")
    assert paragraphs == [
        "[00:01] Hello world. Rivers <script>alert(1)</script> & deltas. [?]",
        "[00:09] After a long pause --> we go on.",
    ]
    assert "[?] marks 1 passage the recogniser was unsure of." in header


def test_header_counts_human_reviewed_passages_only_when_there_are_some():
    header = txt.render(flagged_track(), make_event()).split("\n\n")[0]
    assert "Includes 1 human-reviewed passage." in header
    plain = txt.render(original_track(), make_event())
    assert "human-reviewed" not in plain and "[?]" not in plain


def test_reviewed_passages_are_plural_and_not_marked_unsure():
    track = flagged_track()
    sentences = tuple(replace(s, reviewed=True) for s in track.sentences)
    text = txt.render(replace(track, sentences=sentences), make_event())
    assert "Includes 3 human-reviewed passages." in text
    assert "[?]" not in text


def test_header_of_a_mixed_session_names_original_and_translated_parts():
    header = txt.render(mixed_track(), make_event()).split("\n\n")[0]
    assert (
        "Original English transcript, with passages machine-translated from French "
        f"(engine: {MIXED_ENGINE})" in header
    )


def test_session_heading_and_speakers_come_first():
    lines = txt.render(original_track(), make_event()).splitlines()
    assert lines[1] == "Session 2: Rivers & <Deltas>"
    assert lines[2] == "Speakers: Ana Pérez, Bob <b>"


def test_sessions_without_speakers_have_no_speakers_line():
    session = replace(make_session(), speakers=())
    text = txt.render(original_track(session), make_event((session,)))
    assert "Speakers" not in text
