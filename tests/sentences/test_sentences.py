from __future__ import annotations

from pipeline.sentences import MAX_PAUSE_MS, MAX_SENTENCE_WORDS, build_sentences, words_text
from pipeline.types import Segment, Word


def segment(text: str, start_ms: int = 0, language: str = "en", word_ms: int = 300) -> Segment:
    words, t = [], start_ms
    for w in text.split():
        words.append(Word(t, t + word_ms, " " + w))
        t += word_ms
    return Segment(start_ms, t, text, language, tuple(words))


def texts(segments: list[Segment]) -> list[str]:
    return [s.text for s in build_sentences(segments)]


def test_sentences_end_at_final_punctuation_inside_a_segment():
    seg = segment("Good morning everyone. Shall we start? Yes! Let's go… «Bien.» Done")
    assert texts([seg]) == [
        "Good morning everyone.",
        "Shall we start?",
        "Yes!",
        "Let's go…",
        "«Bien.»",
        "Done",
    ]


def test_a_sentence_runs_across_segments_until_its_full_stop():
    first = segment("The committee met", 0)
    second = segment("on Tuesday. Then it voted.", first.end_ms)
    sentences = build_sentences([first, second])
    assert [s.text for s in sentences] == ["The committee met on Tuesday.", "Then it voted."]
    assert sentences[0].words == first.words + second.words[:2]


def test_commas_do_not_end_a_short_sentence():
    assert texts([segment("First, second; third: fourth.")]) == ["First, second; third: fourth."]


def test_a_pause_longer_than_the_limit_ends_the_sentence():
    first = segment("and so we waited", 0)
    late = segment("for the results", first.end_ms + MAX_PAUSE_MS + 1)
    assert texts([first, late]) == ["and so we waited", "for the results"]


def test_a_pause_at_the_limit_does_not_end_the_sentence():
    first = segment("and so we waited", 0)
    soon = segment("for the results", first.end_ms + MAX_PAUSE_MS)
    assert texts([first, soon]) == ["and so we waited for the results"]


def test_a_change_of_language_ends_the_sentence_and_each_keeps_its_language():
    english = segment("Thank you and now in French", 0, "en")
    french = segment("merci à tous.", english.end_ms, "fr")
    sentences = build_sentences([english, french])
    assert [(s.text, s.language, s.source_language) for s in sentences] == [
        ("Thank you and now in French", "en", "en"),
        ("merci à tous.", "fr", "fr"),
    ]


def test_sentence_text_is_joined_from_its_words_and_spans_them():
    words = (
        Word(1000, 1300, " Bonjour"),
        Word(1300, 1400, ","),
        Word(1400, 1900, "  tout"),
        Word(1900, 2500, " le monde."),
    )
    seg = Segment(1000, 2500, "ignored segment text", "fr", words)
    (sentence,) = build_sentences([seg])
    assert sentence.text == "Bonjour, tout le monde."
    assert (sentence.start_ms, sentence.end_ms) == (1000, 2500)
    assert sentence.words == words
    assert sentence.engine == "whisper"


def test_words_text_collapses_whitespace():
    assert words_text([Word(0, 1, "  Hello\n"), Word(1, 2, "  world ")]) == "Hello world"


def test_a_run_without_punctuation_is_cut_at_a_comma_once_too_long():
    text = " ".join(["word"] * MAX_SENTENCE_WORDS) + " again, and more words here."
    sentences = build_sentences([segment(text, word_ms=100)])
    assert [s.text.endswith(",") for s in sentences] == [True, False]
    assert sentences[1].text == "and more words here."


def test_a_run_without_any_punctuation_is_still_cut_eventually():
    count = MAX_SENTENCE_WORDS * 3
    sentences = build_sentences([segment(" ".join(["word"] * count), word_ms=100)])
    assert len(sentences) >= 2
    assert sum(len(s.words) for s in sentences) == count
    assert all(len(s.words) <= MAX_SENTENCE_WORDS * 1.5 for s in sentences)


def test_no_segments_give_no_sentences():
    assert build_sentences([]) == ()


def test_a_change_of_speaker_ends_a_sentence_without_final_punctuation():
    words = (
        Word(0, 300, " So", speaker="Ana"),
        Word(300, 600, " we", speaker="Ana"),
        Word(700, 900, " Right", speaker="Bo"),
        Word(900, 1200, " then.", speaker="Bo"),
    )
    sentences = build_sentences([Segment(0, 1200, "So we Right then.", "en", words)])
    assert [(s.text, s.speaker) for s in sentences] == [("So we", "Ana"), ("Right then.", "Bo")]
