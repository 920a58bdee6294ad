"""The chapters track: one cue per agenda session of a recording, in recording time."""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

import webvtt
from track_builders import RECORDING, make_event, make_session

from pipeline.outputs.layout import chapters_file
from pipeline.types import Event, Recording
from pipeline.writers import write_chapters
from pipeline.writers.chapters import render_chapters

OTHER = Path("recordings/day2.mkv")


def ms(timestamp) -> int:
    return timestamp.in_milliseconds()


def two_day_event() -> Event:
    event = make_event()
    day2 = make_session(3, 0, 1_800_000, 'Day two: "Q&A" <live> --> end')
    day2 = replace(day2, recording=OTHER)
    return Event(
        title=event.title,
        date=event.date,
        languages=event.languages,
        recordings=(Recording(RECORDING), Recording(OTHER)),
        sessions=(*event.sessions, day2),
    )


def test_one_cue_per_session_of_the_recording_in_recording_time(tmp_path):
    event = two_day_event()
    path = write_chapters(event, RECORDING, tmp_path / "day1.chapters.vtt")
    assert path == tmp_path / "day1.chapters.vtt"
    doc = webvtt.read(str(path), strict=True)
    assert [(c.identifier, ms(c.start_time), ms(c.end_time), c.text) for c in doc.captions] == [
        ("01-opening", 0, 600_000, "Opening"),
        ("02-rivers-deltas", 600_000, 660_000, "Rivers &amp; &lt;Deltas&gt;"),
    ]
    assert [html.unescape(c.text) for c in doc.captions] == ["Opening", "Rivers & <Deltas>"]


def test_titles_are_escaped_and_arrows_cannot_break_the_cue(tmp_path):
    path = write_chapters(two_day_event(), OTHER, tmp_path / "day2.chapters.vtt")
    text = path.read_text(encoding="utf-8")
    (cue,) = webvtt.read(str(path), strict=True).captions
    assert cue.identifier == "03-day-two-q-a-live-end"
    assert html.unescape(cue.text) == 'Day two: "Q&A" <live> --> end'
    assert "<live>" not in text and text.count("-->") == 1


def test_header_note_says_it_is_the_chapters_track_of_the_recording():
    doc = webvtt.from_string(render_chapters(make_event(), RECORDING), strict=True)
    (note,) = doc.header_comments
    assert "Chapters track for day1.mkv" in note
    assert "Water Days 2024" in note and "recording time" in note


def test_recording_given_by_another_path_still_finds_its_sessions():
    doc = webvtt.from_string(render_chapters(make_event(), Path("/abs/day1.mkv")), strict=True)
    assert len(doc.captions) == 2


def test_sessions_without_duration_are_left_out():
    empty = make_session(3, 700_000, 700_000, "Nothing")
    event = make_event((make_session(), empty))
    doc = webvtt.from_string(render_chapters(event, RECORDING), strict=True)
    assert [c.identifier for c in doc.captions] == ["02-rivers-deltas"]


def test_same_event_gives_the_same_file(tmp_path):
    first = write_chapters(make_event(), RECORDING, tmp_path / "a.vtt").read_text("utf-8")
    second = write_chapters(make_event(), RECORDING, tmp_path / "b.vtt").read_text("utf-8")
    assert first == second


def test_written_atomically_without_leftovers(tmp_path):
    path = tmp_path / "day1.chapters.vtt"
    path.write_text("old", encoding="utf-8")
    write_chapters(make_event(), RECORDING, path)
    assert path.read_text("utf-8").startswith("WEBVTT")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day1.chapters.vtt"]


def test_file_name_is_the_recording_stem():
    assert chapters_file(Path("recordings/My talk.final.mp4")) == "My talk.final.chapters.vtt"
