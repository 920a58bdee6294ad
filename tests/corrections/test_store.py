"""Which session a saved correction belongs to after the agenda changed: by title,
else by place in the recording, never by position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.corrections import match_corrections, take_correction, write_correction
from pipeline.corrections.store import hand_placed_cues
from pipeline.errors import SubtitleError
from pipeline.types import Cue, Event, Session

REC = Path("/nowhere/day1.mkv")


def session(index: int, title: str, start_s: float, end_s: float) -> Session:
    return Session(index, title, REC, int(start_s * 1000), int(end_s * 1000))


def event(tmp_path: Path, *sessions: Session) -> Event:
    return Event(
        title="Day 1",
        date="",
        languages=("en", "fr"),
        recordings=(),
        sessions=sessions,
        manifest_path=tmp_path / "event.toml",
    )


CUES = (Cue(610_000, 612_000, ("Bonjour.",), "fr", reviewed=True, origin="person"),)


def saved(tmp_path: Path) -> Event:
    before = event(tmp_path, session(1, "Keynote", 0, 600), session(2, "Telework", 600, 1200))
    write_correction(before, before.sessions[1], "fr", CUES)
    return before


def test_an_opening_added_before_moves_nothing(tmp_path):
    saved(tmp_path)
    now = event(
        tmp_path,
        session(1, "Opening", 0, 300),
        session(2, "Keynote", 300, 600),
        session(3, "Telework", 600, 1200),
    )
    found = match_corrections(now)
    assert found.problems == ()
    assert found.cues == {3: {"fr": CUES}}


def test_a_retitled_session_in_the_same_place_keeps_its_correction(tmp_path):
    saved(tmp_path)
    now = event(tmp_path, session(1, "Keynote", 0, 600), session(2, "Telework panel", 590, 1200))
    assert match_corrections(now).cues == {2: {"fr": CUES}}


def test_a_correction_whose_session_is_gone_is_one_line_and_applied_nowhere(tmp_path):
    saved(tmp_path)
    now = event(tmp_path, session(1, "Keynote", 0, 600), session(2, "Questions", 900, 1200))
    found = match_corrections(now)
    assert found.cues == {}
    (line,) = found.problems
    assert (
        "telework/fr.json" in line and "'Telework' (00:10:00.000-00:20:00.000 of day1.mkv)" in line
    )


def test_cues_outside_the_retimed_session_are_reported_not_dropped_silently(tmp_path):
    saved(tmp_path)
    now = event(tmp_path, session(1, "Keynote", 0, 611), session(2, "Telework", 611, 1200))
    found = match_corrections(now)
    assert found.cues == {2: {"fr": ()}}
    (line,) = found.problems
    assert "1 corrected cue(s) lie outside session 2" in line


def test_saving_a_retitled_session_replaces_its_correction_instead_of_adding_one(tmp_path):
    saved(tmp_path)
    now = event(tmp_path, session(1, "Keynote", 0, 600), session(2, "Telework panel", 590, 1200))
    again = (Cue(610_000, 612_000, ("Bonsoir.",), "fr", reviewed=True, origin="person"),)
    path = write_correction(now, now.sessions[1], "fr", again)
    assert path == tmp_path / "corrections" / "telework" / "fr.json"  # the same file
    assert len(list((tmp_path / "corrections").rglob("*.json"))) == 1
    found = match_corrections(now)
    assert found.problems == () and found.cues == {2: {"fr": again}}


def test_two_sessions_with_one_title_keep_two_corrections(tmp_path):
    other = Path("/nowhere/day2.mkv")
    qa1 = session(1, "Q&A", 0, 600)
    qa2 = Session(2, "Q&A", other, 0, 600_000)
    both = event(tmp_path, qa1, qa2)
    first = (Cue(10_000, 12_000, ("Premier.",), "fr", reviewed=True, origin="person"),)
    second = (Cue(20_000, 22_000, ("Second.",), "fr", reviewed=True, origin="person"),)
    a = write_correction(both, qa1, "fr", first)
    b = write_correction(both, qa2, "fr", second)
    assert a != b
    found = match_corrections(both)
    assert found.problems == () and found.cues == {1: {"fr": first}, 2: {"fr": second}}
    # saving the first again replaces its own file, not the other's
    assert write_correction(both, qa1, "fr", second) == a


# -- voices a person wrote in a corrected WebVTT file -------------------------------------

PUBLISHED = {  # session 2's French cues as published, recording time
    2: (
        Cue(601_000, 603_000, ("Bonjour.",), "fr", speaker="Speaker 2"),
        Cue(604_000, 606_000, ("Merci.",), "fr", speaker="Speaker 2"),
    )
}


def test_a_voice_span_a_person_changed_is_saved_and_one_left_as_published_is_not(tmp_path):
    now = event(tmp_path, session(1, "Keynote", 0, 600), session(2, "Telework", 600, 1200))
    fixed = tmp_path / "fr.vtt"
    fixed.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v.loud Ana &amp; Bo>Bonjour.</v>\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v Speaker 2>Merci.</v>\n",
        encoding="utf-8",
    )
    (taken,), _ = take_correction(now, now.sessions[1], "fr", fixed, PUBLISHED)
    doc = json.loads(taken.path.read_text("utf-8"))
    assert [c.get("speaker") for c in doc["cues"]] == ["Ana & Bo", None]
    assert [c.speaker for c in match_corrections(now).cues[2]["fr"]] == ["Ana & Bo", ""]


def test_a_voice_name_that_is_not_one_line_is_refused_in_one_line(tmp_path):
    fixed = tmp_path / "fr.vtt"
    fixed.write_text(f"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v {'x' * 300}>Bonjour.\n", "utf-8")
    with pytest.raises(SubtitleError, match=r"fr.vtt: cue at 00:00:01.000: a voice name") as err:
        hand_placed_cues(fixed, "fr")
    assert "\n" not in str(err.value)


def test_a_saved_correction_with_a_bad_speaker_is_one_clear_error(tmp_path):
    before = saved(tmp_path)
    path = next((tmp_path / "corrections").rglob("fr.json"))
    doc = json.loads(path.read_text("utf-8"))
    doc["cues"][0]["speaker"] = ["not", "a", "name"]
    path.write_text(json.dumps(doc), "utf-8")
    found = match_corrections(before)
    assert found.cues == {}
    assert any("cues[0].speaker: expected a name" in line for line in found.problems)
