from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import srt
from track_builders import (
    SESSION_END,
    SESSION_START,
    at,
    make_event,
    make_session,
    original_track,
)

from pipeline.types import Cue
from pipeline.writers import srt_writer


def parse(track) -> list[srt.Subtitle]:
    return list(srt.parse(srt_writer.render(track, make_event())))


def assert_valid_timeline(subs: list[srt.Subtitle], duration_ms: int) -> None:
    limit = timedelta(milliseconds=duration_ms)
    for sub in subs:
        assert timedelta(0) <= sub.start < sub.end <= limit
    for earlier, later in pairwise(subs):
        assert earlier.end <= later.start


def test_srt_parses_with_the_srt_package_and_indices_are_1_to_n():
    subs = parse(original_track())
    assert [s.index for s in subs] == [1, 2, 3]
    assert subs[0].start == timedelta(seconds=1) and subs[0].end == timedelta(seconds=2)
    assert_valid_timeline(subs, SESSION_END - SESSION_START)


def test_srt_uses_comma_timestamps_and_blank_lines_between_cues():
    text = srt_writer.render(original_track(), make_event())
    assert text.startswith("1\n00:00:01,000 --> 00:00:02,000\nHello world.\n\n2\n")


def test_srt_text_with_arrows_and_markup_keeps_cue_count_and_lines():
    subs = parse(original_track())
    assert subs[1].content == "Rivers <script>alert(1)</script>\n& deltas."
    assert subs[2].content == "After a long pause -> we go on."


def test_overlapping_cues_are_clipped_at_the_next_start():
    cues = (
        Cue(at(1000), at(3000), ("one",), "en"),
        Cue(at(2500), at(4000), ("two",), "en"),
    )
    subs = parse(original_track(cues=cues))
    assert [(s.start, s.end) for s in subs] == [
        (timedelta(seconds=1), timedelta(seconds=2.5)),
        (timedelta(seconds=2.5), timedelta(seconds=4)),
    ]


def test_cues_starting_together_are_merged_so_no_text_is_lost():
    cues = (
        Cue(at(1000), at(2000), ("one",), "en"),
        Cue(at(1000), at(3000), ("two",), "en"),
        Cue(at(5000), at(6000), ("three",), "en"),
    )
    subs = parse(original_track(cues=cues))
    assert [s.content for s in subs] == ["one\ntwo", "three"]
    assert [s.index for s in subs] == [1, 2]


def test_times_are_never_negative_nor_past_the_session_end():
    session = make_session()
    cues = (
        Cue(SESSION_START - 3000, at(500), ("early",), "en"),
        Cue(at(30_000), at(30_000), ("zero length",), "en"),
        Cue(at(40_000), at(39_000), ("inverted",), "en"),
        Cue(at(58_000), SESSION_END + 9000, ("late",), "en"),
        Cue(SESSION_END + 1000, SESSION_END + 2000, ("after",), "en"),
    )
    subs = parse(original_track(session, cues=cues))
    assert [s.content for s in subs] == ["early", "late"]
    assert_valid_timeline(subs, SESSION_END - SESSION_START)


def test_unsorted_cues_are_written_in_time_order():
    cues = (
        Cue(at(5000), at(6000), ("second",), "en"),
        Cue(at(1000), at(2000), ("first",), "en"),
    )
    assert [s.content for s in parse(original_track(cues=cues))] == ["first", "second"]
