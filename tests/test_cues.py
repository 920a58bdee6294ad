from __future__ import annotations

import random
from itertools import pairwise

import pytest

from pipeline.cues import (
    DEFAULT_PROFILE,
    SubtitleProfile,
    build_cues,
    cues_from_text,
    split_lines,
)
from pipeline.types import Cue, Sentence, Word

LONG = (
    "Members of the committee, after a long and difficult debate that lasted well into the "
    "evening, agreed on a compromise text on the international trade in raw and worked ivory, "
    "which will now go to the plenary for a final vote before the end of the year, and the "
    "rapporteur thanked the shadow rapporteurs for their constructive cooperation."
)


def timed(text: str, start_ms: int = 0, word_ms: int = 300, gap_ms: int = 0) -> Sentence:
    words, t = [], start_ms
    for w in text.split():
        words.append(Word(t, t + word_ms, " " + w))
        t += word_ms + gap_ms
    return Sentence(words[0].start_ms, words[-1].end_ms, text, "en", tuple(words))


def translated(text: str, start_ms: int, end_ms: int) -> Sentence:
    return Sentence(start_ms, end_ms, text, "fr", source_language="en", source_text="...")


def assert_fits(cue: Cue, profile: SubtitleProfile = DEFAULT_PROFILE) -> None:
    assert 1 <= len(cue.lines) <= profile.max_lines, cue
    assert all(0 < len(line) <= profile.max_line_chars for line in cue.lines), cue


# -- cues from word timings --------------------------------------------------------------


def test_long_sentence_cues_have_at_most_two_lines_of_42_characters():
    cues = build_cues([timed(LONG)])
    assert len(cues) >= 4
    for cue in cues:
        assert_fits(cue)
    assert " ".join(c.text for c in cues) == LONG  # every word, once, in order


def test_cues_follow_the_word_timings():
    sentence = timed(LONG, start_ms=10_000, word_ms=250, gap_ms=50)
    cues = build_cues([sentence])
    hold = DEFAULT_PROFILE.min_duration_ms
    for cue in cues:
        assert cue.start_ms == cue.words[0].start_ms
        assert cue.end_ms <= max(cue.words[-1].end_ms, cue.start_ms + hold)
    assert cues[0].start_ms == 10_000
    assert cues[-1].end_ms == max(sentence.end_ms, cues[-1].start_ms + hold)


def test_slow_speech_is_cut_into_cues_of_at_most_seven_seconds():
    text = " ".join(["yes", "no", "so", "we", "go"] * 8)  # short words, 900 ms each
    cues = build_cues([timed(text, word_ms=800, gap_ms=100)])
    assert len(cues) >= 5
    assert max(c.end_ms - c.start_ms for c in cues) <= DEFAULT_PROFILE.max_duration_ms
    assert " ".join(c.text for c in cues) == text


def test_a_single_word_longer_than_the_limit_keeps_its_time():
    sentence = Sentence(0, 9000, "Well", "en", (Word(0, 9000, " Well"),))
    (cue,) = build_cues([sentence])
    assert (cue.start_ms, cue.end_ms, cue.lines) == (0, 9000, ("Well",))


def test_a_cue_ends_at_a_clause_boundary_once_half_full():
    text = "Members of the committee, after a long and difficult debate, agreed on the text."
    first = build_cues([timed(text)])[0]
    assert first.text == "Members of the committee, after a long and difficult debate,"


def test_consecutive_cues_never_overlap_and_keep_the_minimum_gap():
    sentences = [timed(LONG, start_ms=0), timed("Thank you.", start_ms=timed(LONG).end_ms)]
    sentences.append(translated("Merci beaucoup à tous.", sentences[1].end_ms, 40_000))
    cues = build_cues(sentences)
    for earlier, later in pairwise(cues):
        assert later.start_ms - earlier.end_ms >= DEFAULT_PROFILE.min_gap_ms, (earlier, later)
    assert all(c.end_ms > c.start_ms for c in cues)


def test_cues_starting_almost_together_are_pushed_apart_by_the_gap():
    first = Sentence(1000, 1040, "Hi.", "en", (Word(1000, 1040, " Hi."),))
    second = Sentence(1050, 1100, "Yes.", "en", (Word(1050, 1100, " Yes."),))
    a, b = build_cues([first, second])
    assert a.start_ms == 1000 and a.end_ms > a.start_ms
    assert b.start_ms - a.end_ms >= DEFAULT_PROFILE.min_gap_ms
    assert b.end_ms > b.start_ms


def test_a_short_cue_is_held_for_the_minimum_duration_when_there_is_room():
    quick = Sentence(1000, 1200, "Hi.", "en", (Word(1000, 1200, " Hi."),))
    later = timed("Welcome everyone.", start_ms=5000)
    cues = build_cues([quick, later])
    assert cues[0].end_ms - cues[0].start_ms == DEFAULT_PROFILE.min_duration_ms


def test_a_short_cue_is_not_held_into_the_next_one():
    quick = Sentence(1000, 1200, "Hi.", "en", (Word(1000, 1200, " Hi."),))
    soon = timed("Welcome everyone.", start_ms=1400)
    cues = build_cues([quick, soon])
    assert cues[0].end_ms == 1400 - DEFAULT_PROFILE.min_gap_ms
    assert cues[1].start_ms == 1400


def test_a_narrower_profile_is_respected():
    profile = SubtitleProfile(name="narrow", max_line_chars=20, max_lines=1)
    cues = build_cues([timed(LONG)], profile)
    for cue in cues:
        assert_fits(cue, profile)
    assert " ".join(c.text for c in cues) == LONG


# -- cues for translated sentences (no word timings) -------------------------------------


def assert_laid_over(cues: list[Cue], sentence: Sentence) -> None:
    assert " ".join(c.text for c in cues) == sentence.text
    assert cues[0].start_ms == sentence.start_ms
    assert cues[-1].end_ms == sentence.end_ms
    for earlier, later in pairwise(cues):
        assert earlier.end_ms == later.start_ms  # in order, no holes
    for cue in cues:
        assert cue.end_ms > cue.start_ms
        assert cue.language == sentence.language
        assert_fits(cue)


def test_translated_sentence_is_split_over_its_span_in_order_and_covering_it():
    sentence = translated(LONG, 2_000, 26_000)
    cues = cues_from_text(sentence, DEFAULT_PROFILE)
    assert len(cues) >= 4
    assert_laid_over(cues, sentence)


def test_translated_pieces_get_time_in_proportion_to_their_length():
    sentence = translated("Oui. " + "x" * 30 + " " + "y" * 30, 0, 10_000)
    profile = SubtitleProfile(max_line_chars=36, max_lines=1)
    cues = cues_from_text(sentence, profile)
    assert [c.text for c in cues] == ["Oui. " + "x" * 30, "y" * 30]
    assert cues[0].end_ms == 10_000 * 35 // 65


def test_translated_short_sentence_is_one_cue_over_the_whole_span():
    sentence = translated("Merci.", 4_000, 5_500)
    assert cues_from_text(sentence, DEFAULT_PROFILE) == [
        Cue(4_000, 5_500, ("Merci.",), "fr")
    ]


def test_translated_text_of_blanks_gives_no_cue():
    assert cues_from_text(translated("   ", 0, 3_000), DEFAULT_PROFILE) == []


@pytest.mark.parametrize("span_ms", [13_000, 13_900, 20_500, 27_000])
def test_translated_pieces_last_at_most_seven_seconds(span_ms):
    # Equal words make every split uneven by at most a word; that must not push a
    # piece past the limit (it did when pieces were counted from the span alone).
    sentence = translated(" ".join(["mot"] * 40), 0, span_ms)
    cues = cues_from_text(sentence, DEFAULT_PROFILE)
    assert_laid_over(cues, sentence)
    assert max(c.end_ms - c.start_ms for c in cues) <= DEFAULT_PROFILE.max_duration_ms + 1


def test_random_translated_sentences_always_fit_the_profile():
    rng = random.Random(7)
    vocab = "le comité a approuvé hier une proposition sur commerce de l'ivoire".split()
    vocab += ["internationalement", "et", "à", "réglementation"]
    for _ in range(200):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 60)))
        start = rng.randint(0, 60_000)
        sentence = translated(text, start, start + rng.randint(300, 40_000))
        cues = cues_from_text(sentence, DEFAULT_PROFILE)
        assert_laid_over(cues, sentence)
        if len(cues) < len(text.split()):  # a single word cannot be cut further
            longest = max(c.end_ms - c.start_ms for c in cues)
            assert longest <= DEFAULT_PROFILE.max_duration_ms + 1, (sentence, cues)


# -- line breaking -----------------------------------------------------------------------


def test_split_lines_keeps_short_text_on_one_line_with_spaces_collapsed():
    assert split_lines("  Thank   you\tall ") == ("Thank you all",)
    assert split_lines("x" * 42) == ("x" * 42,)


def test_split_lines_balances_two_lines():
    text = "The committee approved the proposal yesterday after a long debate"
    top, bottom = split_lines(text)
    assert f"{top} {bottom}" == text
    assert max(len(top), len(bottom)) <= 42
    assert abs(len(top) - len(bottom)) <= 6


def test_split_lines_prefers_a_break_after_a_comma_when_nearly_balanced():
    # "... Brussels, the" / "committee finally voted" would be 3 characters more balanced
    text = "Yesterday in Brussels, the committee finally voted"
    assert split_lines(text) == ("Yesterday in Brussels,", "the committee finally voted")


def test_split_lines_never_breaks_inside_a_word():
    word = "x" * 50
    assert split_lines(word) == (word,)
    assert split_lines(f"a {word}") == ("a", word)


def test_split_lines_with_one_line_allowed_returns_one_line():
    profile = SubtitleProfile(max_lines=1)
    assert split_lines(LONG[:80], profile) == (" ".join(LONG[:80].split()),)


def test_no_cue_is_stretched_past_the_session_end():
    words = (Word(9_000, 9_100, " Yes."),)
    sentence = Sentence(9_000, 9_100, "Yes.", "en", words=words, source_language="en")
    cues = build_cues([sentence], DEFAULT_PROFILE, end_ms=9_300)
    assert cues[0].end_ms == 9_300  # extended towards min duration, but only to the end
    unbounded = build_cues([sentence], DEFAULT_PROFILE)
    assert unbounded[0].end_ms == 9_000 + DEFAULT_PROFILE.min_duration_ms
