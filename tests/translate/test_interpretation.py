"""Aligning an interpreter's sentences to the floor's: unit tests on hand-made
sentences (the end-to-end test on real speech is tests/run/test_interpretation_run.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.translate.interpretation import (
    align,
    channel_sentences,
    chrf,
    interpreted_sentences,
    median_lag,
)
from pipeline.types import ChannelTranscript, Interpretation, Segment, Sentence, Word

CHANNEL = Interpretation(language="fr", file=Path("webinar.mp4"), stream=1)


def floor(start: int, end: int, text: str, language: str = "en") -> Sentence:
    return Sentence(start_ms=start, end_ms=end, text=text, language=language)


def heard(start: int, end: int, text: str) -> Sentence:
    return Sentence(start_ms=start, end_ms=end, text=text, language="fr", origin="interpretation")


def machine(sentence: Sentence, text: str) -> Sentence:
    return Sentence(
        start_ms=sentence.start_ms,
        end_ms=sentence.end_ms,
        text=text,
        language="fr",
        source_language=sentence.language,
        source_text=sentence.text,
        engine="apertium",
        origin="machine",
    )


FLOOR = (
    floor(1000, 6000, "The committee met in Brussels on Monday."),
    floor(7000, 12000, "It adopted the report on telework by 25 votes."),
    floor(13000, 17000, "Many people work from home."),
    floor(18000, 24000, "The next meeting is in March in Stockholm."),
)
MT = (
    "Le comité s'est réuni à Bruxelles le lundi.",
    "Il a adopté le rapport sur le télétravail par 25 voix.",
    "Beaucoup de personnes travaillent de maison.",
    "La prochaine réunion est en mars à Stockholm.",
)
# the interpreter: 2.5 s behind, then 3.8 s, silent over sentence 2, then 2.1 s
HEARD = (
    heard(3500, 8000, "Le comité s'est réuni lundi à Bruxelles."),
    heard(10800, 15500, "Il a adopté par 25 voix le rapport sur le télétravail."),
    heard(20100, 25500, "La prochaine réunion aura lieu en mars, à Stockholm."),
)


def test_chrf_is_one_for_the_same_text_and_low_for_unrelated_text():
    assert chrf("Le comité s'est réuni.", "le comité s’est réuni") == pytest.approx(1.0)
    assert chrf("Le comité s'est réuni.", "Beaucoup de personnes travaillent.") < 0.3
    assert chrf("", "texte") == 0.0


def test_each_interpreted_sentence_is_matched_to_the_floor_sentence_it_renders():
    renderings = align(FLOOR, MT, HEARD)
    assert [(r.floor, r.heard) for r in renderings] == [((0,), (0,)), ((1,), (1,)), ((3,), (2,))]
    assert [r.lag_ms for r in renderings] == [2500, 3800, 2100]


def test_a_floor_sentence_the_interpreter_left_out_keeps_its_machine_translation():
    mt = [machine(f, t) for f, t in zip(FLOOR, MT, strict=True)]
    out = interpreted_sentences(FLOOR, mt, HEARD, CHANNEL)
    assert [s.origin for s in out] == [
        "interpretation",
        "interpretation",
        "machine",
        "interpretation",
    ]
    assert out[2].text == MT[2]
    first = out[0]
    # timed to the floor, so the subtitle shows while the speaker speaks
    assert (first.start_ms, first.end_ms) == (FLOOR[0].start_ms, FLOOR[0].end_ms)
    assert first.text == HEARD[0].text and first.channel == CHANNEL and first.lag_ms == 2500
    assert first.source_language == "en" and first.source_text == FLOOR[0].text
    assert median_lag(out) == 2500


def test_two_floor_sentences_rendered_as_one_become_one_interpreted_sentence():
    two = (
        floor(1000, 4000, "We agree with the statement of the USOC."),
        floor(4500, 9000, "Athletes and clubs could be better served."),
    )
    mt = (
        "Nous sommes d'accord avec la déclaration de l'USOC.",
        "Les athlètes et les clubs pourraient être mieux servis.",
    )
    one = (
        heard(
            3800,
            11500,
            "Nous approuvons la déclaration de l'USOC : athlètes et clubs seraient mieux servis.",
        ),
    )
    out = interpreted_sentences(
        two, [machine(f, t) for f, t in zip(two, mt, strict=True)], one, CHANNEL
    )
    assert len(out) == 1 and out[0].origin == "interpretation"
    assert (out[0].start_ms, out[0].end_ms) == (1000, 9000)


def test_nothing_heard_leaves_every_sentence_to_machine_translation():
    mt = [machine(f, t) for f, t in zip(FLOOR, MT, strict=True)]
    assert interpreted_sentences(FLOOR, mt, (), CHANNEL) == tuple(mt)


def test_an_interpreter_far_behind_the_floor_is_not_matched():
    late = (heard(40_000, 44_000, HEARD[0].text),)  # 39 s after the floor sentence
    assert align(FLOOR, MT, late) == ()


def test_the_floor_relayed_on_the_channel_is_not_taken_as_interpretation():
    spoken = (
        Sentence(
            start_ms=30_000,
            end_ms=35_000,
            text="Bonjour à tous, merci d'être venus.",
            language="fr",
        ),
    )
    words = (
        Word(30_200, 31_000, " Bonjour"),
        Word(31_000, 32_000, " à tous,"),
        Word(32_000, 35_200, " merci d'être venus."),
    )
    relay = Segment(
        30_200,
        35_200,
        "Bonjour à tous, merci d'être venus.",
        "fr",
        words=words,
        origin="interpretation",
    )
    rendering = Segment(
        3500,
        8000,
        HEARD[0].text,
        "fr",
        words=(Word(3500, 8000, " " + HEARD[0].text),),
        origin="interpretation",
    )
    kept = channel_sentences(ChannelTranscript(CHANNEL, (rendering, relay)), spoken)
    assert [s.text for s in kept] == [HEARD[0].text]
