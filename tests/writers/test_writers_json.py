from __future__ import annotations

import json
from dataclasses import replace

from track_builders import (
    MIXED_ENGINE,
    SESSION_START,
    flagged_track,
    make_event,
    make_session,
    mixed_track,
    original_track,
    translated_track,
)

from pipeline.types import Cue, Sentence, Word
from pipeline.writers import json_writer


def load(track) -> dict:
    return json.loads(json_writer.render(track, make_event()))


def test_json_has_event_session_and_track_facts():
    doc = load(translated_track())
    assert doc["event"] == {
        "title": "Water Days 2024",
        "date": "2024-05-01",
        "slug": "2024-05-01-water-days-2024",
        "languages": ["en", "fr", "es"],
        "description": "",
    }
    session = doc["session"]
    assert (session["index"], session["title"], session["slug"]) == (
        2,
        "Rivers & <Deltas>",
        "02-rivers-deltas",
    )
    assert session["speakers"] == ["Ana Pérez", "Bob <b>"]
    assert (session["start"], session["end"]) == (600.0, 660.0)  # recording time
    assert (doc["language"], doc["source_language"], doc["is_original"], doc["engine"]) == (
        "fr",
        "en",
        False,
        "argos en_fr 1.9",
    )


def test_segments_words_and_cues_carry_session_and_recording_times():
    doc = load(original_track())
    segment = doc["segments"][0]
    assert (segment["start"], segment["end"]) == (1.0, 2.0)
    assert (segment["recording_start"], segment["recording_end"]) == (601.0, 602.0)
    word = segment["words"][1]
    assert word == {
        "start": 1.4,
        "end": 2.0,
        "recording_start": 601.4,
        "recording_end": 602.0,
        "word": " world.",
        "probability": 0.87,
    }
    cue = doc["cues"][1]
    assert cue["id"] == "en-2"
    assert (cue["start"], cue["end"], cue["recording_start"], cue["recording_end"]) == (
        2.5,
        4.0,
        602.5,
        604.0,
    )
    assert cue["text"] == "Rivers <script>alert(1)</script> & deltas."


def test_times_have_millisecond_precision():
    session = make_session()
    sentence = Sentence(
        SESSION_START + 1234,
        SESSION_START + 5678,
        "x",
        "en",
        (Word(SESSION_START + 1234, SESSION_START + 1235, " x", 0.123456),),
        "en",
    )
    doc = load(original_track(session, sentences=(sentence,)))
    segment = doc["segments"][0]
    assert (segment["start"], segment["end"], segment["recording_end"]) == (1.234, 5.678, 605.678)
    assert segment["words"][0]["probability"] == 0.1235


def test_translated_segments_name_source_text_language_and_engine():
    segment = load(translated_track())["segments"][1]
    assert segment["text"] == "Rivières & deltas."
    assert segment["language"] == "fr"
    assert segment["source_language"] == "en"
    assert segment["source_text"] == "Rivers & deltas."
    assert segment["engine"] == "argos en_fr 1.9"
    assert segment["words"] == []


def test_original_segments_have_no_source_text():
    assert load(original_track())["segments"][0]["source_text"] is None


def test_session_times_are_clamped_but_stay_consistent_with_recording_times():
    session = make_session()
    cue = Cue(SESSION_START - 2000, SESSION_START + 1000, ("early",), "en")
    sentence = Sentence(
        SESSION_START - 2000, SESSION_START + 1000, "early", "en", source_language="en"
    )
    doc = load(original_track(session, cues=(cue,), sentences=(sentence,)))
    for item in (doc["segments"][0], doc["cues"][0]):
        assert item["start"] == 0.0
        assert item["recording_start"] == SESSION_START / 1000


def test_json_keeps_non_ascii_text_readable():
    text = json_writer.render(translated_track(), make_event())
    assert "Rivières" in text and text.endswith("}\n")


def test_segments_and_cues_carry_low_confidence_and_reviewed():
    doc = load(flagged_track())
    assert [(s["low_confidence"], s["reviewed"]) for s in doc["segments"]] == [
        (False, True),
        (True, False),
        (False, False),
    ]
    assert [(c["low_confidence"], c["reviewed"]) for c in doc["cues"]] == [
        (False, True),
        (True, False),
        (False, False),
    ]


def test_reviewed_text_is_not_published_as_low_confidence():
    track = flagged_track()
    sentences = tuple(replace(s, reviewed=True) for s in track.sentences)
    cues = tuple(replace(c, reviewed=True) for c in track.cues)
    doc = load(replace(track, sentences=sentences, cues=cues))
    assert not any(item["low_confidence"] for item in doc["segments"] + doc["cues"])
    assert all(item["reviewed"] for item in doc["segments"] + doc["cues"])


def test_original_share_and_provenance_of_whole_tracks():
    original, translated = load(original_track()), load(translated_track())
    assert (original["original_share"], original["is_original"]) == (1.0, True)
    assert original["provenance"] == "Original transcript (Whisper)"
    assert (translated["original_share"], translated["is_original"]) == (0.0, False)
    assert translated["provenance"] == "Machine translation from English by argos en_fr 1.9"


def test_mixed_track_keeps_is_original_and_tells_the_share_per_character():
    doc = load(mixed_track())
    # the track's language is the session's main spoken one
    assert doc["is_original"] is True
    assert doc["original_share"] == 0.6  # 48 of 80 characters are original speech
    assert doc["provenance"].startswith("Original English transcript (Whisper), with passages")
    segments = doc["segments"]
    assert [s["source_language"] for s in segments] == ["en", "fr", "en"]
    assert [s["engine"] for s in segments] == ["whisper", MIXED_ENGINE, "whisper"]
    assert [s["source_text"] for s in segments] == [
        None,
        "Bonjour à tous les <amis> & invités.",
        None,
    ]
