from __future__ import annotations

from pathlib import Path

from pipeline.agenda.sessions import main_session, session_of, split_segments
from pipeline.types import Segment, Session, Word

REC = Path("/event/talk.mp4")
FIRST = Session(1, "Opening", REC, 0, 10_000)
SECOND = Session(2, "Keynote", REC, 10_000, 20_000)
SESSIONS = (FIRST, SECOND)


def seg(*words: tuple[int, int, str], language: str = "en") -> Segment:
    ws = tuple(Word(s, e, t) for s, e, t in words)
    return Segment(ws[0].start_ms, ws[-1].end_ms, "".join(w.text for w in ws), language, ws)


def test_session_of_uses_half_open_spans():
    assert session_of(0, SESSIONS) is FIRST
    assert session_of(9_999, SESSIONS) is FIRST
    assert session_of(10_000, SESSIONS) is SECOND
    assert session_of(20_000, SESSIONS) is None


def test_a_segment_inside_one_session_is_kept_whole():
    whole = seg((1000, 1500, " Hello"), (1500, 2000, " all."))
    assert split_segments([whole], SESSIONS) == {1: (whole,), 2: ()}


def test_a_segment_crossing_a_boundary_is_cut_at_the_word_whose_midpoint_crosses_it():
    crossing = seg(
        (9000, 9500, " thank"),
        (9500, 9990, " you."),
        (9990, 10_400, " Welcome"),  # midpoint 10_195: belongs to the second session
        (10_400, 11_000, " back."),
    )
    parts = split_segments([crossing], SESSIONS)
    (before,) = parts[1]
    (after,) = parts[2]
    assert [w.text for w in before.words] == [" thank", " you."]
    assert [w.text for w in after.words] == [" Welcome", " back."]
    assert (before.text, after.text) == ("thank you.", "Welcome back.")
    assert before.language == after.language == "en"


def test_a_word_straddling_the_boundary_is_clamped_into_its_session():
    crossing = seg(
        (9000, 9600, " so"),
        (9600, 10_300, " finally"),  # midpoint 9_950: first session, ends past it
        (10_300, 10_500, " next"),
    )
    parts = split_segments([crossing], SESSIONS)
    first_words = parts[1][0].words
    assert first_words[-1] == Word(9600, 10_000, " finally")
    assert parts[1][0].end_ms == 10_000
    assert parts[2][0].words == (Word(10_300, 10_500, " next"),)


def test_a_word_starting_before_its_session_is_clamped_to_the_session_start():
    late = Session(1, "Late start", REC, 5_000, 9_000)
    early = seg((4_800, 5_400, " hello"), (5_400, 6_000, " there"))
    ((part,),) = split_segments([early], [late]).values()
    assert part.words[0] == Word(5_000, 5_400, " hello")
    assert part.start_ms == 5_000


def test_words_outside_every_session_are_dropped():
    gap = (Session(1, "A", REC, 0, 5_000), Session(2, "B", REC, 8_000, 12_000))
    stray = seg((4_000, 4_500, " end."), (6_000, 7_000, " coffee"), (8_500, 9_000, " start"))
    parts = split_segments([stray], gap)
    kept = [w.text for p in parts.values() for s in p for w in s.words]
    assert kept == [" end.", " start"]


def test_a_segment_wholly_outside_the_sessions_disappears():
    outside = seg((25_000, 26_000, " bye"))
    assert split_segments([outside], SESSIONS) == {1: (), 2: ()}


def test_parts_are_returned_in_time_order_per_session():
    later = seg((3000, 3500, " two"))
    earlier = seg((1000, 1500, " one"))
    parts = split_segments([later, earlier], SESSIONS)
    assert [s.words[0].text for s in parts[1]] == [" one", " two"]


def test_main_session_is_the_one_with_the_largest_overlap():
    assert main_session(8_000, 13_000, SESSIONS) is SECOND
    assert main_session(8_000, 11_000, SESSIONS) is FIRST
    assert main_session(2_000, 3_000, SESSIONS) is FIRST


def test_main_session_is_none_for_a_span_outside_every_session():
    assert main_session(20_000, 25_000, SESSIONS) is None
    assert main_session(9_000, 9_000, SESSIONS) is None
