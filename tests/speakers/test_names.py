"""Naming voices and labelling words: hand-built turns, no model."""

from __future__ import annotations

from pathlib import Path

from pipeline.speakers import Turn, Voices, label_words, speaker_names, voice_problems
from pipeline.speakers.recording import EventVoices
from pipeline.types import Segment, Session, Word

REC = Path("day.mp4")


def session(index: int, start: int, end: int, speakers=(), voices=()) -> Session:
    return Session(index, f"Item {index}", REC, start, end, tuple(speakers), voices=tuple(voices))


TURNS = (
    Turn(0, 10_000, 1),
    Turn(10_500, 12_000, 2),  # an interjection
    Turn(12_500, 30_000, 1),
    Turn(31_000, 60_000, 3),
    Turn(60_000, 70_000, 2),
)


def test_voices_are_speaker_numbers_until_named():
    names = speaker_names(TURNS, [session(1, 0, 70_000)])
    assert names == {1: "Speaker 1", 2: "Speaker 2", 3: "Speaker 3"}


def test_a_session_with_one_listed_speaker_names_the_voice_heard_most_in_it():
    sessions = [session(1, 0, 30_500, ["Ana Pérez"]), session(2, 30_500, 70_000, ["Bo Li"])]
    assert speaker_names(TURNS, sessions) == {1: "Ana Pérez", 2: "Speaker 2", 3: "Bo Li"}


def test_a_session_with_several_listed_speakers_names_nobody_by_guess():
    names = speaker_names(TURNS, [session(1, 0, 70_000, ["Ana Pérez", "Bo Li"])])
    assert set(names.values()) == {"Speaker 1", "Speaker 2", "Speaker 3"}


def test_the_manifest_names_a_voice_in_every_session_and_wins_over_a_guess():
    sessions = [
        session(1, 0, 30_500, ["Ana Pérez"], [("Speaker 1", "Jens Wretling")]),
        session(2, 30_500, 70_000, [], [("Speaker 2", "Audience")]),
    ]
    assert speaker_names(TURNS, sessions) == {1: "Jens Wretling", 2: "Audience", 3: "Speaker 3"}
    assert voice_problems(sessions, {1, 2, 3}) == ()


def test_a_voice_named_twice_differently_keeps_the_first_name_and_says_so():
    sessions = [
        session(1, 0, 30_500, [], [("Speaker 1", "Jens Wretling")]),
        session(2, 30_500, 70_000, [], [("Speaker 1", "J. Wretling"), ("Speaker 9", "X")]),
    ]
    assert speaker_names(TURNS, sessions)[1] == "Jens Wretling"
    assert voice_problems(sessions, {1, 2, 3}) == (
        "session 2 ('Item 2'): Speaker 1 is named 'J. Wretling' here and 'Jens Wretling' in "
        "session 1; kept 'Jens Wretling'",
        "session 2 ('Item 2'): voices names 'Speaker 9', but no such voice was heard "
        "(voices: Speaker 1, Speaker 2, Speaker 3)",
    )


def test_words_take_the_speaker_of_their_turn_or_of_the_nearest_one_in_a_pause():
    words = (Word(9000, 9500, " yes"), Word(10_600, 11_000, " no"),
             Word(12_300, 12_500, " well"), Word(30_200, 30_900, " so"))  # fmt: skip
    (labelled,) = label_words([Segment(9000, 30_900, "...", "en", words)], TURNS,
                              {1: "Ana", 2: "Bo", 3: "Cy"})  # fmt: skip
    assert [w.speaker for w in labelled.words] == ["Ana", "Bo", "Ana", "Cy"]


def test_a_voice_heard_again_in_another_recording_keeps_its_number():
    event = EventVoices()
    a, b, c = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]
    first = event.numbered(Voices((Turn(0, 5, 1), Turn(5, 9, 2)), (a, b)))
    second = event.numbered(Voices((Turn(0, 5, 1), Turn(5, 9, 2)), (c, [0.1, 0.99, 0.0])))
    assert [t.speaker for t in first] == [1, 2]
    assert [t.speaker for t in second] == [3, 2]


def test_a_voice_named_in_a_session_of_another_recording_keeps_that_name():
    elsewhere = session(5, 0, 9000, [], [("Speaker 3", "Cy Day")])
    here = [session(1, 0, 70_000)]
    assert speaker_names(TURNS, here, named_in=[*here, elsewhere])[3] == "Cy Day"
    assert voice_problems([*here, elsewhere], {1, 2, 3, 4}) == ()


def test_words_whose_middle_falls_where_two_people_speak_are_marked():
    from pipeline.speakers.names import label_words
    from pipeline.speakers.turns import Turn
    from pipeline.types import Segment, Word

    words = tuple(Word(t, t + 400, f" w{t}") for t in range(0, 4000, 500))
    segment = Segment(0, 3900, "", "en", words)
    turns = (Turn(0, 2000, 1), Turn(2000, 4000, 2))
    (labelled,) = label_words([segment], turns, {1: "Ana", 2: "Ben"}, ((1400, 2300), (3600, 3700)))
    marked = [w.start_ms for w in labelled.words if w.overlap]
    assert marked == [1500, 2000], marked  # middles 1200 (no), 1700, 2200 (yes), 3700 (no)
    assert [w.speaker for w in labelled.words][:4] == ["Ana"] * 4
