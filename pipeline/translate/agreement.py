"""The article before a glossary term, made to agree with the term's own noun.

A term goes through the engine as a placeholder, an unknown word, so the engine
writes the article it writes for unknown words: the masculine singular ("le
Organisation internationale du Travail", "la Banco Interamericano", "las
servicios públicos"). French and Spanish articles follow the term's head noun,
which Apertium's own morphological analysers of French and Spanish know (the
analyser of a pair from that language, `apertium.analyse`: "Organisation" is
`<n><f><sg>`, "servicios" `<n><m><pl>`). The definite article just before the
term, alone or joined to its preposition (du, des, au, aux; del, al), is then
written for that gender and number. Without the analysers (no Apertium) the text is
left as the engine wrote it. English has one article.
"""

from __future__ import annotations

import functools
import re

from pipeline.errors import TranslationError
from pipeline.translate.apertium import analyse

# Modes whose analyser reads each language, in the Debian pairs `make models` installs.
ANALYSER_MODES = {"fr": ("fr-es", "fra-cat"), "es": ("es-fr", "spa-eng")}
VOWELS = "aeiouyàâéèêëîïôûù"  # "l'" before them (an h is left to the engine)
_ANALYSIS = re.compile(r"\^[^/$]*/([^$]*)\$")

# (preposition, article) before a term as the engine wrote it, by language.
_ARTICLES = {
    "fr": {"le": ("", "le"), "la": ("", "la"), "les": ("", "les"), "l'": ("", "l'"),
           "du": ("de", "le"), "des": ("de", "les"), "de la": ("de", "la"),
           "de l'": ("de", "l'"), "au": ("à", "le"), "aux": ("à", "les"),
           "à la": ("à", "la"), "à l'": ("à", "l'")},
    "es": {"el": ("", "el"), "la": ("", "la"), "los": ("", "los"), "las": ("", "las"),
           "del": ("de", "el"), "de la": ("de", "la"), "de los": ("de", "los"),
           "de las": ("de", "las"), "al": ("a", "el"), "a la": ("a", "la"),
           "a los": ("a", "los"), "a las": ("a", "las")},
}  # fmt: skip
_JOINED = {
    "fr": {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"},
    "es": {("de", "el"): "del", ("a", "el"): "al"},
}
_TAIL = {
    language: re.compile(
        r"(?<![\w'’])("
        + "|".join(re.escape(a).replace("'", "['’]") for a in sorted(table, key=len, reverse=True))
        + r")(\s*)$",
        re.IGNORECASE,
    )
    for language, table in _ARTICLES.items()
}


_ELIDING = re.compile(r"(?<![\w'’])(de|le|la|que|ne|je|me|te|se|ce|jusque|lorsque|puisque)(\s+)$",
                      re.IGNORECASE)  # fmt: skip


def elided(before: str, word: str, language: str) -> str:
    """French `before` elided before a term starting with a vowel ("de ANEM" ->
    "d'ANEM", "le Arbetsförmedlingen" -> "l'Arbetsförmedlingen"): the engine saw
    a placeholder there, not the vowel."""
    if language != "fr" or word[:1].lower() not in VOWELS:
        return before
    found = _ELIDING.search(before)
    if found is None:
        return before
    return before[: found.start(1)] + found.group(1)[:-1] + "'"


def article_before(before: str, form: str, language: str) -> str:
    """`before` (the text up to a term's `form`) with its last word, when it is a
    definite article, written for the gender and number of the form's noun."""
    tail = _TAIL.get(language)
    found = tail.search(before) if tail else None
    if found is None:
        return before
    features = noun_features(form, language)
    if features is None:
        return before
    written = found.group(1)
    preposition, _ = _ARTICLES[language][written.lower().replace("’", "'")]
    article = _definite(features, form, language)
    wanted = _JOINED[language].get((preposition, article)) or " ".join(
        w for w in (preposition, article) if w
    )
    if wanted[0] != written[0] and written[0].isupper():
        wanted = wanted[0].upper() + wanted[1:]
    space = "" if wanted.endswith("'") else (found.group(2) or " ")
    return before[: found.start(1)] + wanted + space


def _definite(features: tuple[str, str], form: str, language: str) -> str:
    gender, number = features
    if language == "fr":
        if number == "pl":
            return "les"
        if form[:1].lower() in VOWELS:
            return "l'"
        return "la" if gender == "f" else "le"
    return {("m", "sg"): "el", ("f", "sg"): "la", ("m", "pl"): "los", ("f", "pl"): "las"}[
        (gender, number)
    ]


@functools.lru_cache(maxsize=512)
def noun_features(form: str, language: str) -> tuple[str, str] | None:
    """(gender, number) of the first noun of `form` as the language's analyser reads
    it ("m"/"f", "sg"/"pl"); None when there is no analyser or no noun."""
    words = re.findall(r"[\w-]+", form)[:4]  # the head noun comes first in these languages
    stream = _analysed(" ".join(words), language)
    if stream is None:
        return None
    readings = [r for found in _ANALYSIS.findall(stream) for r in found.split("/")]
    for wanted in ("n", None):  # a noun's reading first, else any with gender and number
        for reading in readings:
            tags = re.findall(r"<([^>]+)>", reading)
            if wanted and tags[:1] != [wanted]:
                continue
            gender = next((t for t in tags if t in ("m", "f", "mf")), None)
            number = next((t for t in tags if t in ("sg", "pl", "sp")), None)
            if gender in ("m", "f") and number in ("sg", "pl"):
                return gender, number
    return _by_ending(words[0].casefold(), language) if words else None


def _by_ending(word: str, language: str) -> tuple[str, str] | None:
    """A word the analyser does not know ("panélistes"): a plural by its -s or -x
    (French needs no gender there; Spanish -as is feminine); a singular is left alone."""
    if len(word) <= 3 or word[-1] not in "sx":
        return None
    return ("f" if language == "es" and word.endswith("as") else "m"), "pl"


def _analysed(text: str, language: str) -> str | None:
    """`text` as the first installed analyser of `language` reads it; None without one."""
    for mode in ANALYSER_MODES.get(language, ()):
        try:
            streams = analyse(mode, [text], timeout_s=30)
        except TranslationError:
            continue
        if streams is not None:
            return streams[0]
    return None
