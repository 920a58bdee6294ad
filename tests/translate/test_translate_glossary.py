"""Glossary protection: placeholders in, terms back out, never a placeholder left."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.translate.glossary import (
    Protected,
    event_glossary,
    placeholder,
    protect,
    protect_all,
    restore,
    restore_all,
)
from pipeline.translate.vocabulary import WEBCONF_TERMS
from pipeline.types import Event, Session, Term

GLOSSARY = (
    "VDAB",
    "Arbetsförmedlingen",
    "ANEM",
    "WAPES",
    "Lord Byron",
    "USOC",
    "Carpanedo",
)


def test_terms_become_placeholders_and_come_back() -> None:
    text = "Lord Byron met VDAB, ANEM and WAPES; Arbetsförmedlingen sent Carpanedo to USOC."
    p = protect(text, GLOSSARY)
    for term in GLOSSARY:
        assert term not in p.text
    assert set(p.terms) == set(GLOSSARY)
    assert restore(p.text, p) == text


def test_whole_words_and_case_sensitive() -> None:
    p = protect("vdab VDABs XVDAB VDAB's (VDAB) VDAB-ANEM", ["VDAB", "ANEM"])
    assert p.text == "vdab VDABs XVDAB ZZG0ZZ's (ZZG0ZZ) ZZG0ZZ-ZZG1ZZ"
    assert p.terms == ("VDAB", "ANEM")


def test_repeated_term_shares_one_placeholder() -> None:
    p = protect("VDAB and VDAB again", ["VDAB"])
    assert p.text == "ZZG0ZZ and ZZG0ZZ again"
    assert p.terms == ("VDAB",)


def test_longest_term_wins_and_spacing_inside_a_term_is_tolerated() -> None:
    p = protect("Lord  Byron and\nLord\nByron and Byron", ["Byron", "Lord Byron"])
    assert p.text == "ZZG0ZZ and\nZZG0ZZ and ZZG1ZZ"
    assert p.terms == ("Lord Byron", "Byron")


def test_terms_with_regex_characters() -> None:
    p = protect("We use C++ and A.N.E.M. today.", ["C++", "A.N.E.M."])
    assert "C++" not in p.text and "A.N.E.M." not in p.text
    assert restore(p.text, p) == "We use C++ and A.N.E.M. today."


def test_no_glossary_or_no_match_changes_nothing() -> None:
    assert protect("Hello VDAB", []) == Protected("Hello VDAB")
    assert protect("Hello world", GLOSSARY) == Protected("Hello world")
    assert restore("Hola  mundo ", Protected("Hello world")) == "Hola  mundo "


def test_text_that_already_looks_like_a_placeholder_is_left_alone() -> None:
    p = protect("Code ZZG1ZZ is not VDAB", ["VDAB"])
    assert p == Protected("Code ZZG1ZZ is not VDAB")
    assert restore("Código ZZG1ZZ no es VDAB", p) == "Código ZZG1ZZ no es VDAB"


@pytest.mark.parametrize(
    "mangled",
    ["zzg0zz", "Zzg0zz", "ZZG 0 ZZ", "ZZ G0ZZ", "ZZG0", "ZZG0 ZZ"],
)
def test_restore_tolerates_mangled_placeholders(mangled: str) -> None:
    p = protect("I work at VDAB now.", ["VDAB"])
    assert restore(f"Je travaille chez {mangled} maintenant.", p) == (
        "Je travaille chez VDAB maintenant."
    )


def test_adjacent_mangled_placeholders_restore_separately() -> None:
    p = protect("VDAB ANEM", ["VDAB", "ANEM"])
    assert restore("ZZG0 ZZG1ZZ", p) == "VDAB ANEM"


def test_unknown_or_lost_placeholders_leave_no_trace() -> None:
    p = protect("VDAB and ANEM met.", ["VDAB", "ANEM"])
    # The engine invented ZZG7ZZ and dropped ZZG1ZZ: nothing is appended.
    out = restore("ZZG0ZZ y ZZG7ZZ se reunieron.", p)
    assert out == "VDAB y se reunieron."
    assert "ZZG" not in out.upper()


def test_apertium_capital_after_opening_placeholder_is_undone() -> None:
    p = protect("VDAB is the service. Then Lord Byron a spoke.", GLOSSARY)
    out = restore("ZZG0ZZ Es el servicio. Entonces ZZG1ZZ Habló.", p)
    assert out == "VDAB es el servicio. Entonces Lord Byron Habló."
    p = protect("Lord Byron a rencontré VDAB.", GLOSSARY)
    assert restore("ZZG0ZZ A accompli ZZG1ZZ.", p) == "Lord Byron a accompli VDAB."


def test_capital_after_opening_placeholder_kept_when_the_source_had_one() -> None:
    p = protect("VDAB Director Smith spoke.", GLOSSARY)
    assert restore("ZZG0ZZ Director Smith habló.", p) == "VDAB Director Smith habló."
    p = protect("VDAB je pense.", GLOSSARY)
    assert restore("ZZG0ZZ I think.", p) == "VDAB I think."
    assert restore("ZZG0ZZ I'm sure.", p) == "VDAB I'm sure."
    assert restore("ZZG0ZZ OECD dice.", p) == "VDAB OECD dice."


def test_batch_helpers_keep_order_and_check_counts() -> None:
    texts = ["VDAB one", "two", "ANEM three"]
    protected = protect_all(texts, GLOSSARY)
    assert restore_all([p.text for p in protected], protected) == texts
    with pytest.raises(ValueError):
        restore_all(["only one"], protected)


def test_placeholder_form() -> None:
    assert placeholder(0) == "ZZG0ZZ"
    assert placeholder(12) == "ZZG12ZZ"


def test_an_interpreters_misheard_name_is_spelt_as_the_glossary_says():
    from pipeline.translate.glossary import respell

    source = "Nous sommes d'accord avec la déclaration de l'USOC, rendue par Lord Byron."
    heard = "We agree with the UOC statement made by Lord Bairon."
    assert respell(heard, source, ["USOC", "Lord Byron"]) == (
        "We agree with the USOC statement made by Lord Byron."
    )


def test_a_name_the_interpreter_left_out_or_the_floor_never_said_is_not_added():
    from pipeline.translate.glossary import respell

    assert (
        respell("We agree with the statement.", "l'USOC", ["USOC"])
        == "We agree with the statement."
    )
    assert respell("We met the UOC.", "Nothing here.", ["USOC"]) == "We met the UOC."


# -- Terms: the organiser's form in each language -----------------------------------------

PES = Term((("en", "public employment services"), ("fr", "services publics de l'emploi"),
            ("es", "servicios públicos de empleo")))  # fmt: skip
ILO = Term((("en", "International Labour Organisation"),
            ("fr", "Organisation internationale du Travail")))  # fmt: skip


def test_a_term_is_found_in_any_case_and_number_and_written_in_the_target_form():
    p = protect("Each Public Employment Service and all public employment services.", [PES], "en")
    assert p.text == "Each ZZG0ZZ and all ZZG0ZZ."  # one placeholder: one term
    assert restore("Chaque ZZG0ZZ et tous les ZZG0ZZ.", p, "fr") == (
        "Chaque services publics de l'emploi et tous les services publics de l'emploi."
    )
    assert restore("Each ZZG0ZZ.", p, "") == "Each Public Employment Service."  # no target


def test_a_term_opening_a_sentence_takes_its_capital():
    p = protect("Public employment services help. So do public employment services.", [PES], "en")
    assert restore("ZZG0ZZ ayudan. También los ZZG0ZZ.", p, "es") == (
        "Servicios públicos de empleo ayudan. También los servicios públicos de empleo."
    )


def test_a_term_is_only_found_in_the_language_of_the_text():
    assert protect("public employment services", [PES], "fr").terms == ()
    assert protect("les services publics de l'emploi", [PES], "fr").text == "les ZZG0ZZ"
    assert protect("the International Labour Organisation", [ILO], "es").terms == ()  # no es


def test_a_term_without_a_form_in_the_target_stays_as_said():
    p = protect("L'Organisation internationale du Travail", [ILO], "fr")
    assert restore("La ZZG0ZZ", p, "es") == "La Organisation internationale du Travail"


def test_the_article_before_a_term_agrees_with_its_noun():
    p = protect("the International Labour Organisation and the public employment services",
                [ILO, PES], "en")  # fmt: skip
    assert restore("le ZZG0ZZ et le ZZG1ZZ", p, "fr") == (
        "l'Organisation internationale du Travail et les services publics de l'emploi"
    )
    assert restore("Du ZZG1ZZ et au ZZG0ZZ", p, "fr") == (
        "Des services publics de l'emploi et à l'Organisation internationale du Travail"
    )
    assert restore("del ZZG1ZZ y la ZZG1ZZ", p, "es") == (
        "de los servicios públicos de empleo y los servicios públicos de empleo"
    )


def test_french_elides_before_a_kept_name_starting_with_a_vowel():
    p = protect("Anna Palmgren of Arbetsförmedlingen and of VDAB", ["Arbetsförmedlingen", "VDAB"])
    assert restore("Anna Palmgren de ZZG0ZZ et de ZZG1ZZ", p, "fr") == (
        "Anna Palmgren d'Arbetsförmedlingen et de VDAB"
    )


def test_speakers_and_terms_make_the_events_glossary():
    event = Event(
        title="T", date="", languages=("en", "fr"), recordings=(),
        sessions=(
            Session(1, "Panel", Path("r.mp4"), 0, 60_000,
                    speakers=("Lenka Kint", "Jo Ro", "EP speaker (X)"),
                    voices=(("Speaker 2", "Rose Green"),)),
        ),
        glossary=("VDAB",), terms=(PES,),
    )  # fmt: skip
    assert event_glossary(event) == (
        "VDAB", "Lenka Kint", "Kint", "Jo Ro", "Rose Green", "Green", PES, *WEBCONF_TERMS
    )  # fmt: skip
