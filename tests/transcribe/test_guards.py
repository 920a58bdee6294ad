"""Hallucination guards on hand-made Whisper output (the real-audio cases are in
tests/test_nonspeech.py)."""

from __future__ import annotations

from pipeline.transcribe.guards import (
    clean,
    collapse_repeats,
    flag_confidence,
    is_invented,
    keep_in_speech,
)
from pipeline.types import Segment, Word


def words(text: str, start: int = 0, step: int = 300, prob: float = 0.9) -> tuple[Word, ...]:
    return tuple(
        Word(start + i * step, start + (i + 1) * step, f" {w}", prob)
        for i, w in enumerate(text.split())
    )


def segment(
    text: str, start: int = 0, prob: float = 0.9, logprob: float = -0.2, no_speech: float = 0.1
) -> Segment:
    ws = words(text, start, prob=prob)
    return Segment(ws[0].start_ms, ws[-1].end_ms, text, "en", ws, logprob, no_speech)


def test_stock_outro_said_with_low_confidence_is_invented():
    assert is_invented(segment("Thank you for watching!", prob=0.3, logprob=-0.9))
    assert is_invented(segment("Sous-titrage Société Radio-Canada", prob=0.4, logprob=-0.8))


def test_the_same_phrase_said_clearly_by_a_speaker_is_kept():
    assert not is_invented(segment("Thank you for watching the first part.", prob=0.95))


def test_music_marks_and_bracketed_noises_are_invented():
    assert is_invented(segment("♪ ♪", prob=0.9))
    assert is_invented(segment("[Music]", prob=0.9))
    assert is_invented(segment("(applause)", prob=0.9))


def test_whispers_no_speech_rule_drops_silence_text():
    assert is_invented(segment("you", no_speech=0.9, logprob=-1.5))


def test_a_phrase_looping_three_times_is_kept_once():
    looped = words("we will see we will see we will see you tomorrow")
    assert "".join(w.text for w in collapse_repeats(looped)) == " we will see you tomorrow"


def test_ordinary_repetition_is_kept():
    text = "it is very very important that that works"
    assert "".join(w.text for w in collapse_repeats(words(text))).strip() == text


def test_one_word_stuttered_four_times_is_kept_once():
    out = collapse_repeats(words("no no no no more"))
    assert [w.text.strip() for w in out] == ["no", "more"]


def test_text_outside_every_speech_region_is_dropped():
    seg = segment("hello there", start=20_000)
    assert keep_in_speech(seg, [(0, 5000)]) is None


def test_first_word_timed_in_the_silence_before_speech_is_kept():
    seg = segment("All nouns begin", start=4000)  # "All" at 4.0-4.3 s, speech from 5.0 s
    kept = keep_in_speech(seg, [(5000, 8000)])
    assert kept is not None and kept.text.startswith("All")


def test_uncertain_text_is_flagged_not_dropped():
    flagged = flag_confidence(segment("mumbled words here", prob=0.2))
    assert flagged.low_confidence
    assert not flag_confidence(segment("clear words here", prob=0.95)).low_confidence


def test_clean_applies_every_guard():
    segs = [
        segment("Thank you for watching.", start=0, prob=0.3, logprob=-0.9),
        segment("we agree we agree we agree on this", start=5000),
        segment("far away", start=60_000),
    ]
    out = clean(segs, [(0, 10_000)])
    assert [s.text for s in out] == ["we agree on this"]
