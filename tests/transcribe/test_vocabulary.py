"""Which chunks a glossary term primes, on what Whisper base really wrote for the
sample event unprimed (recordings/sample-event.toml)."""

from __future__ import annotations

from pathlib import Path

from pipeline.transcribe.vocabulary import (
    fold,
    said_terms,
    terms_between,
    terms_to_prime,
    vocabulary_prompt,
)
from pipeline.types import Session

GLOSSARY = ("USOC", "Sintra", "Lord Byron", "Carpanedo", "Mashhad", "Oravec")


def test_the_prompt_holds_the_glossary_and_speaker_names_only():
    session = Session(1, "Panel", Path("a.wav"), 0, 1, speakers=("Ana Pérez, VDAB (Belgium)", "Bo"))
    assert vocabulary_prompt(("WAPES",), session) == "WAPES, Ana Pérez, Bo."
    assert vocabulary_prompt((), Session(1, "Panel", Path("a.wav"), 0, 1)) is None


def test_a_near_miss_of_a_term_primes_the_chunk_with_it():
    heard = {
        "Nous sommes d'accord avec la déclaration de Lusok, comité au Limpic": "USOC",
        "Le mémoire, un autre agent de ligne a fait une sortie de piste à ma chade": "Mashhad",
        "Ahora vec 2002.": "Oravec",
        "Carpaneo participó en dos carreras individuales del campeonato": "Carpanedo",
    }
    for text, term in heard.items():
        assert term in terms_to_prime(text, GLOSSARY), text


def test_a_chunk_that_heard_every_term_right_or_none_is_not_decoded_again():
    right = "the romantic town of Sintra, made famous by Lord Byron."
    assert terms_to_prime(right, GLOSSARY) == ()
    assert terms_to_prime("The rules were tightened further in May 2017.", GLOSSARY) == ()
    assert terms_to_prime("Se recomienda a los viajeros que se informen", GLOSSARY) == ()


def test_terms_heard_right_are_kept_in_the_prompt_next_to_a_near_miss():
    text = "Lord Byron wrote of Sintra and of Mashad"
    assert terms_to_prime(text, GLOSSARY) == ("Sintra", "Lord Byron", "Mashhad")


def test_short_terms_count_only_when_spelled_exactly():
    assert terms_to_prime("the ANEM and the WHO", ("ILO",)) == ()
    assert fold("Mashhad") == fold("ma shad") == "maxad"


def test_common_words_that_look_like_a_term_do_not_prime_it():
    assert terms_to_prime("Nous sommes d'accord avec la déclaration", ("Oravec",)) == ()
    assert terms_to_prime("which was made famous to foreigners", ("WAPES",)) == ()


def test_terms_said_on_the_floor_are_found_with_their_time():
    spans = [(0, 4000, "Welcome from VDAB and WAPES."), (9000, 12_000, "Thanks.")]
    said = said_terms(spans, ("WAPES", "VDAB", "ANEM"))
    assert said == ((0, 4000, "WAPES"), (0, 4000, "VDAB"))
    assert terms_between(said, ("VDAB", "WAPES"), 3000, 8000) == ("VDAB", "WAPES")
    assert terms_between(said, ("VDAB", "WAPES"), 4000, 8000) == ()
