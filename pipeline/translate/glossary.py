"""Keep glossary terms (names of organisations, people) out of machine translation.

Before translation each occurrence of a term becomes a placeholder token
`ZZG<n>ZZ`; afterwards the placeholders become the terms again. The form was
chosen by running real Apertium over it in all six directions (en/fr/es, with
the en<->fr pivots through es) at sentence start, after articles, prepositions
and elisions (l'/d'), in quotes, brackets, hyphenated and possessive positions:
it always comes out byte-identical, because Apertium treats it as one unknown
word and `-u` drops the unknown-word mark. Digits-only and bracketed forms
(`0`, `[0]`, `{0}`) survived too, but digits would be confused with real
numbers in the text, and brackets are Apertium's own stream syntax; letters
around a number avoid both.

Restoring is tolerant (any case, a space inside the token, a lost trailing
`ZZ`) because neural engines sometimes mangle such tokens; a placeholder whose
number is unknown is deleted, so no placeholder text ever reaches a subtitle.
An engine that dropped a placeholder simply loses that term: nothing is
appended, since we cannot know where it belonged.

One Apertium quirk needs undoing: when a sentence starts with an unknown
word, Apertium capitalises the word after it ("ZZG0ZZ is the service" ->
"ZZG0ZZ Es el servicio"). Raw unknown names do the same, but placeholders
make it common (a known "Lord Byron" becomes unknown). So when the source had
a lower-case word after a sentence-initial placeholder, the word after that
placeholder in the translation is lower-cased again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

PLACEHOLDER = "ZZG{}ZZ"

# What engines may turn a placeholder into: case changed, a space between the
# parts, the trailing ZZ lost. Digits are capped so real long numbers never match.
_PLACEHOLDER_RE = re.compile(r"Z ?Z ?G ?(\d{1,3})(?: ?Z ?Z(?! ?G ?\d))?", re.IGNORECASE)
# A placeholder opening a sentence (after optional opening quotes/brackets), then
# the word after it: its first letter in the source, the whole word in output.
_SENTENCE_START = r"(?:^|(?<=[.!?…:]))[ \t]*[\"'«“¿¡(\[]*[ \t]*"
_OPENING_SOURCE = re.compile(
    _SENTENCE_START + PLACEHOLDER.format(r"(\d+)") + r"[ \t]+(\w)", re.MULTILINE
)
_OPENING_OUTPUT = re.compile(
    _SENTENCE_START + _PLACEHOLDER_RE.pattern + r"[ \t]+(\w[\w']*)",
    re.MULTILINE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Protected:
    """A text with its glossary terms swapped out; `terms[n]` is placeholder n."""

    text: str
    terms: tuple[str, ...] = ()
    # Placeholders that open a sentence and are followed by a lower-case word.
    lower_after: frozenset[int] = frozenset()


def placeholder(index: int) -> str:
    return PLACEHOLDER.format(index)


def _term_pattern(glossary: Sequence[str]) -> re.Pattern[str] | None:
    terms = sorted({t.strip() for t in glossary if t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    # Longest first so "Lord Byron" wins over "Byron"; any whitespace run may
    # separate the words of a multi-word term (a line break in a long sentence).
    alternatives = "|".join(r"\s+".join(map(re.escape, t.split())) for t in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def terms_in(text: str, glossary: Sequence[str]) -> tuple[str, ...]:
    """The glossary terms said in `text`: all that `protect` can depend on, so a
    translation is cached under these alone (a new term re-translates only the
    sentences that hold it)."""
    return tuple(t for t in glossary if (p := _one_term(t)) and p.search(text))


@functools.lru_cache(maxsize=1024)
def _one_term(term: str) -> re.Pattern[str] | None:
    return _term_pattern([term])


def protect(text: str, glossary: Sequence[str]) -> Protected:
    """Replace glossary terms (case-sensitive, whole words) by placeholders."""
    pattern = _term_pattern(glossary)
    if pattern is None or _PLACEHOLDER_RE.search(text):
        # A text that already looks like it holds placeholders is left alone:
        # restoring would otherwise rewrite the speaker's own words.
        return Protected(text)
    terms: list[str] = []

    def swap(match: re.Match[str]) -> str:
        term = " ".join(match.group(0).split())
        if term not in terms:
            terms.append(term)
        return placeholder(terms.index(term))

    protected = pattern.sub(swap, text)
    lower_after = frozenset(
        int(m.group(1)) for m in _OPENING_SOURCE.finditer(protected) if m.group(2).islower()
    )
    return Protected(protected, tuple(terms), lower_after)


def restore(text: str, protected: Protected) -> str:
    """Put the terms back; drop any placeholder the engine invented or damaged."""
    terms = protected.terms
    if not terms:
        return text
    text = _uncapitalise_after_openings(text, protected.lower_after)

    def swap(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return terms[index] if index < len(terms) else ""

    restored = _PLACEHOLDER_RE.sub(swap, text)
    return re.sub(r"[ \t]{2,}", " ", restored).strip()


def _uncapitalise_after_openings(text: str, lower_after: frozenset[int]) -> str:
    """Lower-case the `Word` after a sentence-opening placeholder (see module docstring).

    Only a capitalised word (upper first letter, no other capital) is touched,
    so acronyms and names like "McDonald" stay, and so does English "I"/"I'm".
    """
    if not lower_after:
        return text
    chars = list(text)
    for match in _OPENING_OUTPUT.finditer(text):
        word = match.group(2)
        if int(match.group(1)) not in lower_after or word == "I" or word.startswith("I'"):
            continue
        if word[0].isupper() and not any(c.isupper() for c in word[1:]):
            chars[match.start(2)] = word[0].lower()
    return "".join(chars)


def protect_all(texts: Sequence[str], glossary: Sequence[str]) -> list[Protected]:
    return [protect(text, glossary) for text in texts]


def restore_all(texts: Sequence[str], protected: Sequence[Protected]) -> list[str]:
    """Restore a batch; `protected` is what `protect_all` returned for its inputs."""
    if len(texts) != len(protected):
        raise ValueError(f"{len(texts)} translations for {len(protected)} texts")
    return [restore(text, p) for text, p in zip(texts, protected, strict=True)]


_WORD_RE = re.compile(r"[\w'’.-]+")
RESPELL_SIMILARITY = 0.75  # "UOC" for "USOC" is 0.86; "Mashhad" for "Meshhead" 0.8


def respell(text: str, source_text: str, terms: Sequence[str]) -> str:
    """Glossary terms said in `source_text` spelt right in `text`, a rendering of it
    heard by speech recognition (an interpreter's words): the closest run of as many
    words ("UOC" for "USOC", "Lord Bairon") becomes the term. Text is left alone when
    nothing is close enough: a name the interpreter left out is not added."""
    from difflib import SequenceMatcher

    folded_source = source_text.casefold()
    for term in sorted(terms, key=len, reverse=True):
        if term.casefold() not in folded_source or term.casefold() in text.casefold():
            continue
        words = list(_WORD_RE.finditer(text))
        size = len(term.split())
        best, best_ratio = None, RESPELL_SIMILARITY
        for i in range(len(words) - size + 1):
            start, end = words[i].start(), words[i + size - 1].end()
            candidate = text[start:end].strip(".-'’")
            ratio = SequenceMatcher(None, candidate.casefold(), term.casefold()).ratio()
            if ratio > best_ratio:
                best, best_ratio = (start, start + len(candidate)), ratio
        if best is not None:
            text = text[: best[0]] + term + text[best[1] :]
    return text
