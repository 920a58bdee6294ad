from __future__ import annotations

import html
import re
from dataclasses import replace

import webvtt
from test_writers_support import (
    SESSION_START,
    at,
    make_event,
    make_session,
    original_track,
    translated_track,
)

from pipeline.types import Cue
from pipeline.writers import vtt, write_recording_track

TIMING = re.compile(r"^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$")


def parse(text: str) -> webvtt.WebVTT:
    return webvtt.from_string(text, strict=True)


def ms(timestamp) -> int:
    return timestamp.in_milliseconds()


def test_vtt_reparses_with_times_relative_to_session_start():
    doc = parse(vtt.render(original_track(), make_event()))
    assert [(ms(c.start_time), ms(c.end_time)) for c in doc.captions] == [
        (1000, 2000),
        (2500, 4000),
        (9000, 12000),
    ]


def test_vtt_timings_are_hh_mm_ss_mmm():
    text = vtt.render(original_track(), make_event())
    timings = [line for line in text.splitlines() if "-->" in line]
    assert timings and all(TIMING.match(line) for line in timings)


def test_markup_ampersands_and_arrows_are_escaped_and_do_not_break_parsing():
    text = vtt.render(original_track(), make_event())
    assert "<script>" not in text.split("\n\nen-1\n", 1)[1]
    doc = parse(text)
    assert len(doc.captions) == 3
    assert doc.captions[1].lines == [
        "Rivers &lt;script&gt;alert(1)&lt;/script&gt;",
        "&amp; deltas.",
    ]
    assert html.unescape(doc.captions[2].raw_text) == "After a long pause --> we go on."
    cue_blocks = text.split("\n\n")[2:]
    assert all("-->" not in line for block in cue_blocks for line in block.splitlines()[2:])


def test_cue_lines_are_kept_as_lines_without_blank_lines():
    session = make_session()
    cue = Cue(at(1000), at(2000), ("first\n\n second ", "", "third\r\nfourth"), "en")
    doc = parse(vtt.render(original_track(session, cues=(cue,)), make_event()))
    assert doc.captions[0].lines == ["first", "second", "third", "fourth"]


def test_cue_identifiers_are_language_and_number_in_time_order():
    doc = parse(vtt.render(translated_track(), make_event()))
    assert [c.identifier for c in doc.captions] == ["fr-1", "fr-2"]


def test_header_note_names_event_session_language_and_original_transcript():
    doc = parse(vtt.render(original_track(), make_event()))
    (note,) = doc.header_comments
    assert "Water Days 2024" in note
    assert "Session 2: Rivers & <Deltas>" in note
    assert "Language: English" in note
    assert "Original transcript (Whisper)" in note


def test_header_note_of_a_translation_names_source_language_and_engine():
    doc = parse(vtt.render(translated_track(), make_event()))
    (note,) = doc.header_comments
    assert "Language: French" in note
    assert "Machine translation from English by argos en_fr 1.9" in note


def test_header_note_survives_arrows_and_line_breaks_in_titles():
    session = make_session(title="A --> B\n\nC")
    track = replace(original_track(session), session=session)
    doc = parse(vtt.render(track, make_event()))
    assert len(doc.captions) == 3
    assert "-->" not in doc.header_comments[0]


def test_times_are_clamped_to_the_session_and_cues_outside_it_dropped():
    session = make_session()
    cues = (
        Cue(SESSION_START - 5000, at(1500), ("starts before the session",), "en"),
        Cue(at(59_000), at(65_000), ("runs past the end",), "en"),
        Cue(at(70_000), at(71_000), ("belongs to the next session",), "en"),
        Cue(SESSION_START - 9000, SESSION_START - 8000, ("previous session",), "en"),
    )
    doc = parse(vtt.render(original_track(session, cues=cues), make_event()))
    assert [(ms(c.start_time), ms(c.end_time), c.text) for c in doc.captions] == [
        (0, 1500, "starts before the session"),
        (59_000, 60_000, "runs past the end"),
    ]


def test_recording_track_keeps_recording_time_and_notes(tmp_path):
    cues = original_track().cues
    path = write_recording_track(
        cues, "en", tmp_path / "day1.en.vtt", title="Water Days --> 2024", note="Whisper\nlarge"
    )
    assert path == tmp_path / "day1.en.vtt"
    doc = webvtt.read(str(path), strict=True)
    assert [(ms(c.start_time), c.identifier) for c in doc.captions] == [
        (SESSION_START + 1000, "en-1"),
        (SESSION_START + 2500, "en-2"),
        (SESSION_START + 9000, "en-3"),
    ]
    note = doc.header_comments[0]
    assert "Water Days -> 2024" in note and "Whisper" in note and "large" in note
