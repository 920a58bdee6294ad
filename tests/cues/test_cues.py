"""Cue segmentation: profile norms, line breaks, timing, translated re-flow, and the
conformance measured on realistic speech."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from itertools import pairwise

import pytest
from cue_material import FAST, PRESENTATION, spoken, translations, violations

from pipeline.cache import StageCache
from pipeline.cues.build import (
    DEFAULT_PROFILE,
    SubtitleProfile,
    build_cues,
    is_function_word,
    split_lines,
)
from pipeline.subtitles.profiles import PROFILES, cue_violations
from pipeline.types import Cue, Sentence, Word

LONG = (
    "Members of the committee, after a long and difficult debate that lasted well into the "
    "evening, agreed on a compromise text on the international trade in raw and worked ivory, "
    "which will now go to the plenary for a final vote before the end of the year, and the "
    "rapporteur thanked the shadow rapporteurs for their constructive cooperation."
)



def reflow(sentence, profile):
    """The cues of one translated sentence re-flowed over its span (and after it)."""
    return list(build_cues([sentence], profile))


def timed(
    text: str, start_ms: int = 0, word_ms: int = 300, gap_ms: int = 0, language: str = "en"
) -> Sentence:
    words, t = [], start_ms
    for w in text.split():
        words.append(Word(t, t + word_ms, " " + w))
        t += word_ms + gap_ms
    return Sentence(words[0].start_ms, words[-1].end_ms, text, language, tuple(words))


def translated(text: str, start_ms: int, end_ms: int, language: str = "fr") -> Sentence:
    return Sentence(start_ms, end_ms, text, language, source_language="en", source_text="...")


def assert_fits(cue: Cue, profile: SubtitleProfile = DEFAULT_PROFILE) -> None:
    assert 1 <= len(cue.lines) <= profile.max_lines, cue
    assert all(0 < len(line) <= profile.max_line_chars for line in cue.lines), cue


def assert_in_order_with_gaps(cues, profile: SubtitleProfile = DEFAULT_PROFILE) -> None:
    for cue in cues:
        assert cue.end_ms > cue.start_ms, cue
    for earlier, later in pairwise(cues):
        assert later.start_ms - earlier.end_ms >= profile.min_gap_ms, (earlier, later)


# -- cues from word timings --------------------------------------------------------------


def test_long_sentence_cues_have_at_most_two_lines_of_42_characters():
    cues = build_cues([timed(LONG)])
    assert len(cues) >= 4
    for cue in cues:
        assert_fits(cue)
    assert " ".join(c.text for c in cues) == LONG  # every word, once, in order
    assert violations(cues) == []


def test_cues_start_with_their_words_and_stay_while_they_are_spoken():
    sentence = timed(LONG, start_ms=10_000, word_ms=250, gap_ms=50)
    cues = build_cues([sentence])
    for cue, following in pairwise([*cues, None]):
        # 3.3 words/s leaves enough time: no cue needs to move off its speech
        assert cue.start_ms == cue.words[0].start_ms
        shown_until = following.start_ms - DEFAULT_PROFILE.min_gap_ms if following else math.inf
        assert cue.end_ms >= min(cue.words[-1].end_ms, shown_until)
    assert cues[0].start_ms == 10_000
    assert [w for c in cues for w in c.words] == list(sentence.words)
    assert violations(cues) == []


def test_slow_speech_is_cut_into_cues_of_at_most_seven_seconds():
    text = " ".join(["yes", "no", "so", "we", "go"] * 8)  # short words, 900 ms each
    cues = build_cues([timed(text, word_ms=800, gap_ms=100)])
    assert len(cues) >= 5
    assert max(c.end_ms - c.start_ms for c in cues) <= DEFAULT_PROFILE.max_duration_ms
    assert " ".join(c.text for c in cues) == text
    assert violations(cues) == []


def test_a_single_word_longer_than_the_limit_is_shown_for_the_maximum_duration():
    # (it used to keep its 9 s, breaking the 7 s maximum)
    sentence = Sentence(0, 9000, "Well", "en", (Word(0, 9000, " Well"),))
    (cue,) = build_cues([sentence])
    assert (cue.start_ms, cue.end_ms, cue.lines) == (0, 7000, ("Well",))


def test_a_sentence_that_fits_one_cue_gets_one_cue():
    # (it used to be cut at its comma once half full; one sentence, one cue is the norm)
    text = "Members of the committee, after a long and difficult debate, agreed on the text."
    (cue,) = build_cues([timed(text)])
    assert cue.text == text


def test_a_sentence_too_long_for_one_cue_is_cut_at_its_clause_boundary():
    text = (
        "After a long and difficult debate in Brussels yesterday evening, the committee "
        "finally agreed on the text of the compromise."
    )
    first, second = build_cues([timed(text)])
    assert first.text == "After a long and difficult debate in Brussels yesterday evening,"
    assert second.text == "the committee finally agreed on the text of the compromise."


def test_consecutive_cues_never_overlap_and_keep_the_minimum_gap():
    sentences = [timed(LONG, start_ms=0), timed("Thank you.", start_ms=timed(LONG).end_ms)]
    sentences.append(translated("Merci beaucoup à tous.", sentences[1].end_ms, 40_000))
    cues = build_cues(sentences)
    assert_in_order_with_gaps(cues)


def test_one_word_sentences_in_quick_succession_share_a_cue():
    # (they used to get a cue each, 10 ms apart: too short to read either)
    first = Sentence(1000, 1040, "Hi.", "en", (Word(1000, 1040, " Hi."),))
    second = Sentence(1050, 1100, "Yes.", "en", (Word(1050, 1100, " Yes."),))
    (cue,) = build_cues([first, second])
    assert cue.lines == ("Hi. Yes.",) and cue.start_ms == 1000
    assert cue.end_ms - cue.start_ms >= DEFAULT_PROFILE.min_duration_ms


def test_a_short_cue_is_held_for_the_minimum_duration_when_there_is_room():
    quick = Sentence(1000, 1200, "Hi.", "en", (Word(1000, 1200, " Hi."),))
    later = timed("Welcome everyone.", start_ms=5000)
    cues = build_cues([quick, later])
    assert cues[0].end_ms - cues[0].start_ms == DEFAULT_PROFILE.min_duration_ms


def test_a_cue_is_not_held_into_the_next_one():
    first = timed("Members of the committee agreed on the text yesterday.", word_ms=400)
    second = timed("The plenary will vote on it before the end of the year.", first.end_ms + 200)
    a, b = build_cues([first, second])
    assert b.start_ms == second.start_ms
    assert a.end_ms == b.start_ms - DEFAULT_PROFILE.min_gap_ms


def test_fast_speech_is_shown_into_the_following_silence_for_its_reading_time():
    # 60 characters said in 1.5 s, then 4 s of silence: shown for 3 s (20 characters/s)
    text = "The committee agreed on the compromise text late yesterday."
    sentence = timed(text, start_ms=2000, word_ms=150)
    nxt = timed("Thank you.", start_ms=sentence.end_ms + 4000)
    first = build_cues([sentence, nxt])[0]
    assert first.start_ms == 2000 and first.text == text
    shown = sum(len(line) for line in first.lines)  # characters, line break not counted
    assert first.end_ms - first.start_ms >= math.ceil(shown * 1000 / 20)


def test_speech_too_fast_for_its_slot_borrows_time_around_it_within_the_sync_limit():
    # a 41-character word in 0.4 s between two other sentences, 0.7 s of pauses each side
    before = timed("We start now.", start_ms=0, word_ms=300)
    burst = Sentence(
        1600,
        2000,
        "Supercalifragilisticexpialidociousnessism.",
        "en",
        (Word(1600, 2000, " Supercalifragilisticexpialidociousnessism."),),
    )
    after = timed("And we continue with the next point.", start_ms=2700, word_ms=300)
    cues = build_cues([before, burst, after])
    assert violations(cues) == []
    for cue in cues:
        assert abs(cue.start_ms - cue.words[0].start_ms) <= DEFAULT_PROFILE.max_sync_ms


def test_a_narrower_profile_is_respected():
    profile = SubtitleProfile(name="narrow", max_line_chars=20, max_lines=1)
    cues = build_cues([timed(LONG)], profile)
    for cue in cues:
        assert_fits(cue, profile)
    assert " ".join(c.text for c in cues) == LONG


def test_a_profile_can_be_given_by_name():
    cues = build_cues([timed(LONG, word_ms=400)], "bbc")
    assert all(len(line) <= 37 for c in cues for line in c.lines)
    assert violations(cues, PROFILES["bbc"]) == []


def test_words_glued_to_the_previous_one_are_never_separated():
    words = [
        Word(i * 300, i * 300 + 300, t)
        for i, t in enumerate(
            [
                " The",
                " committee",
                "'s",
                " report",
                " was",
                " adopted",
                " by",
                " 97",
                "%",
                " of",
                " the",
                " members",
                " present",
                " in",
                " the",
                " chamber",
                " yesterday",
                " evening",
                " after",
                " a",
                " short",
                " debate",
                ".",
            ]
        )
    ]
    text = "".join(w.text for w in words).strip()
    sentence = Sentence(0, words[-1].end_ms, text, "en", tuple(words))
    cues = build_cues([sentence], SubtitleProfile(max_line_chars=20))
    assert " ".join(c.text for c in cues) == text
    shown = [t for c in cues for line in c.lines for t in line.split()]
    assert "committee's" in shown and "97%" in shown and "debate." in shown


def test_blank_words_stay_in_the_cues_without_showing():
    words = (Word(0, 300, " Hello"), Word(300, 300, " "), Word(300, 600, " world."))
    again = (Word(900, 900, ""), Word(1000, 1300, " Again."))
    sentences = [
        Sentence(0, 600, "Hello world.", "en", words),
        Sentence(900, 1300, "Again.", "en", again),
    ]
    cues = build_cues(sentences)
    assert [c.text for c in cues] == ["Hello world.", "Again."]
    assert [w for c in cues for w in c.words] == [*words, *again]


def test_low_confidence_and_reviewed_flags_are_carried_onto_the_cues():
    a = replace(timed("We start now.", start_ms=0), low_confidence=True)
    b = replace(timed("This was checked by a person.", start_ms=5000), reviewed=True)
    first, second = build_cues([a, b])
    assert (first.low_confidence, first.reviewed) == (True, False)
    assert (second.low_confidence, second.reviewed) == (False, True)
    # text of different standing shares a cue only when it must (here: 1 s before the
    # session ends); then it is low confidence if either is, reviewed if both are
    c = replace(timed("Hi.", start_ms=10_000), reviewed=True)
    d = replace(timed("Yes.", start_ms=10_050), low_confidence=True)
    assert len(build_cues([c, d])) == 2
    (merged,) = build_cues([c, d], end_ms=11_000)
    assert merged.text == "Hi. Yes."
    assert (merged.low_confidence, merged.reviewed) == (True, False)


def test_languages_never_share_a_cue():
    en = timed("Hi.", start_ms=1000)
    fr = timed("Oui.", start_ms=1100, language="fr")
    cues = build_cues([en, fr])
    assert [(c.text, c.language) for c in cues] == [("Hi.", "en"), ("Oui.", "fr")]


# -- cues for translated sentences (no word timings) -------------------------------------


def assert_laid_over(cues: list[Cue], sentence: Sentence) -> None:
    assert " ".join(c.text for c in cues) == sentence.text
    assert cues[0].start_ms == sentence.start_ms
    # shown to the end of the span (or for the longest time a cue may last)
    last = cues[-1]
    assert last.end_ms >= min(
        sentence.end_ms - DEFAULT_PROFILE.min_gap_ms,
        last.start_ms + DEFAULT_PROFILE.max_duration_ms,
    )
    assert_in_order_with_gaps(cues)
    for cue in cues:
        assert cue.language == sentence.language
        assert cue.words == ()
        assert_fits(cue)


def test_translated_sentence_is_split_over_its_span_in_order_and_covering_it():
    sentence = translated(LONG, 2_000, 26_000)
    cues = reflow(sentence, DEFAULT_PROFILE)
    assert len(cues) >= 4
    assert_laid_over(cues, sentence)
    assert violations(cues) == []


def test_translated_pieces_start_where_their_text_falls_in_the_span():
    # (they used to abut; now the gap is kept before each piece)
    sentence = translated("Oui. " + "x" * 30 + " " + "y" * 30, 0, 10_000)
    profile = SubtitleProfile(max_line_chars=36, max_lines=1)
    first, second = reflow(sentence, profile)
    assert [first.text, second.text] == ["Oui. " + "x" * 30, "y" * 30]
    assert second.start_ms == 10_000 * 36 // 66  # its first character is the 37th of 66
    assert first.end_ms == second.start_ms - profile.min_gap_ms


def test_a_long_translation_of_a_short_span_takes_the_silence_after_it():
    # the French is too long to read within the English span: it runs on into the pause
    sentence = translated(
        "Le comité a finalement adopté hier soir le texte du compromis.", 1000, 2500
    )
    later = translated("Merci à tous.", 9000, 10_000)
    first, second = build_cues([sentence, later])
    assert first.start_ms == 1000 and first.text == sentence.text
    shown = sum(len(line) for line in first.lines)
    assert first.end_ms - first.start_ms >= math.ceil(shown * 1000 / 17)
    assert violations([first, second]) == []


def test_a_short_translation_is_one_cue_over_the_whole_span():
    sentence = translated("Merci.", 4_000, 5_500)
    assert reflow(sentence, DEFAULT_PROFILE) == [Cue(4_000, 5_500, ("Merci.",), "fr")]


def test_translated_text_of_blanks_gives_no_cue():
    assert reflow(translated("   ", 0, 3_000), DEFAULT_PROFILE) == []


@pytest.mark.parametrize("span_ms", [13_000, 13_900, 20_500, 27_000])
def test_translated_pieces_last_at_most_seven_seconds(span_ms):
    sentence = translated(" ".join(["mot"] * 40), 0, span_ms)
    cues = reflow(sentence, DEFAULT_PROFILE)
    assert_laid_over(cues, sentence)
    assert max(c.end_ms - c.start_ms for c in cues) <= DEFAULT_PROFILE.max_duration_ms
    assert violations(cues) == []


def test_random_translated_sentences_always_fit_the_lines_and_keep_their_order():
    rng = random.Random(7)
    vocab = "le comité a approuvé hier une proposition sur commerce de l'ivoire".split()
    vocab += ["internationalement", "et", "à", "réglementation"]
    for _ in range(200):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 60)))
        start = rng.randint(0, 60_000)
        sentence = translated(text, start, start + rng.randint(300, 40_000))
        cues = reflow(sentence, DEFAULT_PROFILE)
        assert_laid_over(cues, sentence)
        kinds = {v.kind for v in violations(cues)}
        assert kinds <= {"reading speed"}, (sentence, cues)  # 60 words in 0.3 s: too fast


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


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # the most balanced break would leave "the" / "de" / "la" at the end of line 1
        ("en", "The members of the committee approved the text of the final agreement"),
        ("fr", "Les membres du comité ont approuvé le texte de la déclaration finale"),
        ("es", "Los miembros del comité aprobaron ayer el texto de la declaración final"),
    ],
)
def test_split_lines_never_ends_a_line_on_an_article_or_preposition(language, text):
    top, bottom = split_lines(text, DEFAULT_PROFILE, language)
    assert f"{top} {bottom}" == text
    assert not is_function_word(top.split()[-1], language), (top, bottom)
    assert abs(len(top) - len(bottom)) <= 16


def test_function_words_per_language():
    assert is_function_word("the", "en") and is_function_word("of", "en")
    assert is_function_word("d'", "fr") and is_function_word("les", "fr")
    assert is_function_word("del", "es") and is_function_word("para", "es")
    assert not is_function_word("the.", "en")  # ends a sentence: fine at a line end
    assert not is_function_word("committee", "en")


def test_split_lines_never_breaks_inside_a_word():
    word = "x" * 50
    assert split_lines(word) == (word,)
    assert split_lines(f"a {word}") == ("a", word)


def test_split_lines_with_one_line_allowed_returns_one_line():
    profile = SubtitleProfile(max_lines=1)
    assert split_lines(LONG[:80], profile) == (" ".join(LONG[:80].split()),)


def test_split_lines_with_three_lines_allowed_uses_them_when_needed():
    profile = SubtitleProfile(max_line_chars=22, max_lines=3)
    lines = split_lines("The committee approved the proposal after a long debate", profile)
    assert len(lines) == 3 and all(len(line) <= 22 for line in lines)
    assert " ".join(lines) == "The committee approved the proposal after a long debate"
    assert not any(is_function_word(line.split()[-1], "en") for line in lines)


def test_no_cue_is_stretched_past_the_session_end():
    words = (Word(9_000, 9_100, " Yes."),)
    sentence = Sentence(9_000, 9_100, "Yes.", "en", words=words, source_language="en")
    cues = build_cues([sentence], DEFAULT_PROFILE, end_ms=9_300)
    # extended towards the minimum duration, but only to a gap before the end, so the
    # next session's first cue keeps the gap in the full-recording track (was: to 9_300)
    assert cues[0].end_ms == 9_300 - DEFAULT_PROFILE.min_gap_ms
    unbounded = build_cues([sentence], DEFAULT_PROFILE)
    assert unbounded[0].end_ms == 9_000 + DEFAULT_PROFILE.min_duration_ms


# -- realistic speech: FLORES-200 sentences at measured speaking rates -------------------
#
# Words get durations from a per-sentence speaking rate (plus or minus their length),
# with 0.2-1.5 s pauses between sentences, seeded. Translations are the FLORES French
# and Spanish of the same sentences laid over the English timing.
#
# Measured (300 sentences per stream, default profile):
#
#   pace (words/s)   en src   fr src   es src   en->fr   en->es
#   2.0-2.5          100 %    100 %    100 %    100 %    100 %
#   2.5-4.0          99.8 %   ~81 %    ~83 %    ~52 %    ~49 %
#
# At 2.5-4 words/s French and Spanish text runs at 15-25 characters/s of speech and a
# translation laid over English speech at 18-29: more than the 17 characters/s the
# profile allows for as long as whole sentences last. No cutting of verbatim text
# meets that; the cues that miss their reading time are the ones a dense stretch
# forces (checked below: in each, the cues around it need more time than the stretch
# has within the 1.5 s sync tolerance), and each still gets at least 2/3 of its time.

def session_end(sentences) -> int:
    return sentences[-1].end_ms + 2000


def need_ms(cue: Cue) -> int:
    p = DEFAULT_PROFILE
    chars = sum(len(line) for line in cue.lines)
    reading = math.ceil(chars * 1000 / p.cps_limit(cue.language))
    return min(p.max_duration_ms, max(p.min_duration_ms, reading))


def start_windows(cues, sentences) -> list[tuple[int, int]]:
    """Earliest and latest start the segmenter allows each cue: max_sync_ms around its
    first word, or around its sentence's span for translated text; never before the
    first word of the track."""
    sync = DEFAULT_PROFILE.max_sync_ms
    anchors: list[tuple[int, int]] = []
    for s in sentences:
        if s.words:
            anchors += [(w.start_ms, w.start_ms) for w in s.words]
        else:
            anchors += [(s.start_ms, s.end_ms)] * len(s.text.split())
    out, k = [], 0
    for cue in cues:
        out.append((anchors[k][0] - sync, anchors[k][1] + sync))
        k += len(cue.text.split())
    floor = anchors[0][0]
    return [(max(floor, low), high) for low, high in out]


def forced(cues, index: int, windows, end_ms: int, reach: int = 40) -> bool:
    """True when a run of cues around `index` needs more time than it can have.

    If cues i..j-1 all got their reading time, cue j could start no earlier than
    (start of i) + their needs and gaps; when that is after the latest start the
    sync tolerance allows j (or after the session end), one of them must miss it.
    """
    p = DEFAULT_PROFILE
    for i in range(max(0, index - reach), index + 1):
        needed = 0
        for j in range(i + 1, min(len(cues), i + reach) + 1):
            needed += need_ms(cues[j - 1]) + p.min_gap_ms
            if j <= index:
                continue
            latest = windows[j][1] if j < len(cues) else end_ms
            if needed > latest - windows[i][0]:
                return True
    return False


def share(cues) -> float:
    bad, previous = 0, None
    for cue in cues:
        found = cue_violations(
            cue.start_ms, cue.end_ms, cue.lines, DEFAULT_PROFILE, cue.language, previous
        )
        bad += bool(found)
        previous = cue.end_ms
    return 1 - bad / len(cues)


def assert_only_forced_reading_speed(cues, sentences) -> None:
    """Every broken norm is reading speed, forced by the speech, at most 1.5x the limit."""
    windows = start_windows(cues, sentences)
    previous = None
    for index, cue in enumerate(cues):
        broken = cue_violations(
            cue.start_ms, cue.end_ms, cue.lines, DEFAULT_PROFILE, cue.language, previous
        )
        previous = cue.end_ms
        assert {v.kind for v in broken} <= {"reading speed"}, (cue, broken)
        if broken:
            assert forced(cues, index, windows, session_end(sentences)), cue
            assert broken[0].value <= broken[0].limit * 1.5 + 0.1, cue  # 2/3 of its time


def assert_well_formed(cues, sentences) -> None:
    """Order, gaps, session end, every word once, no dangling function word, balance."""
    assert_in_order_with_gaps(cues)
    assert cues[-1].end_ms <= session_end(sentences)
    text = " ".join(" ".join(s.text for s in sentences).split())
    assert " ".join(c.text for c in cues) == text
    if sentences[0].words:
        assert [w for c in cues for w in c.words] == [w for s in sentences for w in s.words]
    for cue in cues:
        for line in cue.lines:
            assert not is_function_word(line.split()[-1], cue.language), cue.lines
        if len(cue.lines) == 2:
            # balanced: the shorter line is at least a third of the longer one
            top, bottom = (len(line) for line in cue.lines)
            assert min(top, bottom) * 3 >= max(top, bottom), cue.lines


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_realistic_source_cues_all_conform_at_presentation_pace(language):
    sentences = spoken(language, PRESENTATION)
    cues = build_cues(sentences, DEFAULT_PROFILE, session_end(sentences))
    assert_well_formed(cues, sentences)
    assert violations(cues) == []
    for cue in cues:  # close to the speech
        assert abs(cue.start_ms - cue.words[0].start_ms) <= DEFAULT_PROFILE.max_sync_ms


@pytest.mark.parametrize("language", ["fr", "es"])
def test_realistic_translations_conform_at_presentation_pace_where_the_text_allows(language):
    sentences = translations(language, PRESENTATION)
    cues = build_cues(sentences, DEFAULT_PROFILE, session_end(sentences))
    assert_well_formed(cues, sentences)
    assert_only_forced_reading_speed(cues, sentences)
    assert share(cues) >= 0.99


@pytest.mark.parametrize(("language", "at_least"), [("en", 0.995), ("fr", 0.78), ("es", 0.78)])
def test_fast_speech_misses_reading_time_only_where_the_speech_forces_it(language, at_least):
    sentences = spoken(language, FAST)
    cues = build_cues(sentences, DEFAULT_PROFILE, session_end(sentences))
    assert_well_formed(cues, sentences)
    assert_only_forced_reading_speed(cues, sentences)
    assert share(cues) >= at_least


@pytest.mark.parametrize("language", ["fr", "es"])
def test_fast_speech_translations_miss_reading_time_only_where_forced(language):
    sentences = translations(language, FAST)
    cues = build_cues(sentences, DEFAULT_PROFILE, session_end(sentences))
    assert_well_formed(cues, sentences)
    assert_only_forced_reading_speed(cues, sentences)
    assert share(cues) >= 0.40


def test_cue_places_are_cached_per_track_and_a_damaged_entry_is_recomputed(tmp_path):
    sentences = [timed(LONG), timed("A second sentence follows it.", start_ms=20_000)]
    plain = build_cues(sentences, end_ms=60_000)
    cache = StageCache(tmp_path)
    assert build_cues(sentences, end_ms=60_000, cache=cache) == plain
    assert build_cues(sentences, end_ms=60_000, cache=StageCache(tmp_path)) == plain
    (entry,) = (tmp_path / "cues").glob("*.json")
    entry.write_text("[[0, 99, [], 0, 1]]", encoding="utf-8")  # does not fit the track
    again = StageCache(tmp_path)
    assert build_cues(sentences, end_ms=60_000, cache=again) == plain
    assert again.by_stage["cues"] == [0, 1]  # computed, not read back
    other = build_cues([*sentences[:1], translated("Autre.", 20_000, 22_000)], end_ms=60_000,
                       cache=StageCache(tmp_path))  # fmt: skip
    assert other != plain and len(list((tmp_path / "cues").glob("*.json"))) == 2


def test_a_session_end_too_late_to_bind_any_cue_keeps_the_cached_cues(tmp_path):
    """A boundary moved inside a long pause: same cues, read back; an end close enough
    to bind the last cue is laid again and binds it."""
    sentences = [timed(LONG), timed("A second sentence follows it.", start_ms=20_000)]
    free = build_cues(sentences)
    assert build_cues(sentences, end_ms=90_000) == build_cues(sentences, end_ms=120_000) == free
    cache = StageCache(tmp_path)
    build_cues(sentences, end_ms=90_000, cache=cache)
    assert build_cues(sentences, end_ms=120_000, cache=cache) == free
    assert cache.by_stage["cues"] == [1, 1]
    last_word = sentences[-1].end_ms
    tight = build_cues(sentences, end_ms=last_word, cache=cache)
    assert cache.by_stage["cues"] == [1, 2]
    assert tight[-1].end_ms <= last_word - DEFAULT_PROFILE.min_gap_ms < free[-1].end_ms
