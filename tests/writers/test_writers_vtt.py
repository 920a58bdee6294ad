from __future__ import annotations

import html
import re
from dataclasses import replace

import webvtt
from track_builders import (
    MIXED_ENGINE,
    SESSION_START,
    at,
    flagged_track,
    make_event,
    make_session,
    mixed_track,
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


def blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.strip("\n").split("\n\n")]


def test_low_confidence_cues_are_preceded_by_a_note_when_asked():
    text = vtt.render(flagged_track(), make_event(), note_low_confidence=True)
    found = blocks(text)
    ids = [block[0] for block in found]
    assert ids[ids.index("en-2") - 1] == "NOTE low confidence"
    assert ids.count("NOTE low confidence") == 1
    doc = parse(text)
    assert [c.identifier for c in doc.captions] == ["en-1", "en-2", "en-3"]
    assert doc.captions[1].comments == ["low confidence"]


def test_no_per_cue_notes_by_default():
    text = vtt.render(flagged_track(), make_event())
    assert "NOTE low confidence" not in text and "NOTE reviewed by a person" not in text
    assert [c.comments for c in parse(text).captions[1:]] == [[], []]


def test_reviewed_cues_get_a_note_when_asked():
    text = vtt.render(flagged_track(), make_event(), note_reviewed=True)
    ids = [block[0] for block in blocks(text)]
    assert ids[ids.index("en-1") - 1] == "NOTE reviewed by a person"


def test_header_counts_reviewed_and_low_confidence_cues():
    (note,) = parse(vtt.render(flagged_track(), make_event())).header_comments
    assert "Reviewed by a person: 1 of 3 cues." in note
    assert "Low recognition confidence: 1 of 3 cues." in note
    (plain,) = parse(vtt.render(original_track(), make_event())).header_comments
    assert "Reviewed" not in plain and "confidence" not in plain


def test_header_says_notes_mark_the_cues_when_they_do():
    text = vtt.render(flagged_track(), make_event(), note_low_confidence=True)
    assert 'Low recognition confidence: 1 of 3 cues, each preceded by "NOTE low confidence".' in (
        text
    )


def test_writer_registry_passes_only_vtt_options():
    track = flagged_track()
    options = {"note_low_confidence": True, "audio": None}
    assert vtt.WRITER.render_with(track, make_event(), options) == vtt.render(
        track, make_event(), note_low_confidence=True
    )


def test_same_input_gives_the_same_file_and_identifiers():
    first = vtt.render(flagged_track(), make_event(), note_low_confidence=True)
    again = vtt.render(flagged_track(), make_event(), note_low_confidence=True)
    assert first == again
    # ids follow time order, not input order
    track = flagged_track()
    shuffled = replace(track, cues=tuple(reversed(track.cues)))
    assert vtt.render(shuffled, make_event(), note_low_confidence=True) == first


def test_header_of_a_mixed_session_names_both_sources():
    (note,) = parse(vtt.render(mixed_track(), make_event())).header_comments
    assert "Language: English" in note
    assert (
        "Original English transcript (Whisper), with passages machine-translated from French "
        f"by {MIXED_ENGINE}" in note
    )


def test_no_cue_holds_an_arrow_a_blank_line_or_raw_markup():
    text = vtt.render(flagged_track(), make_event(), note_low_confidence=True, note_reviewed=True)
    for block in blocks(text)[1:]:
        assert all(line.strip() for line in block)
        if "-->" not in "".join(block):
            assert block[0].startswith("NOTE")
            continue
        timing = next(n for n, line in enumerate(block) if "-->" in line)
        body = block[timing + 1 :]
        assert body and all("-->" not in line for line in body)
        assert all("<" not in line and ">" not in line for line in body)
        assert all(
            "&" not in line.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
            for line in body
        )


def test_recording_track_notes_low_confidence_cues_when_asked(tmp_path):
    path = write_recording_track(
        flagged_track().cues,
        "en",
        tmp_path / "day1.en.vtt",
        title="Water Days",
        note="Full recording",
        note_low_confidence=True,
    )
    doc = webvtt.read(str(path), strict=True)
    assert [c.comments for c in doc.captions] == [[], ["low confidence"], []]
    assert "Low recognition confidence: 1 of 3 cues" in doc.header_comments[0]
    assert "Reviewed by a person: 1 of 3 cues." in doc.header_comments[0]
