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

from pipeline.agenda.manifest import voice_label
from pipeline.translate.agreement import article_before, elided
from pipeline.translate.vocabulary import WEBCONF_TERMS
from pipeline.types import Event, GlossaryEntry, Term

PLACEHOLDER = "ZZG{}ZZ"

# A glossary entry: a term kept as written in every language, or a Term, which is
# found in its source-language form (any case, a plural ending on any word) and
# written in its target-language form.
Entry = GlossaryEntry

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
    """A text with its glossary terms swapped out; `terms[n]` is placeholder n, as
    the source said it; `renderings[n]`, when a Term, gives its form per language."""

    text: str
    terms: tuple[str, ...] = ()
    # Placeholders that open a sentence and are followed by a lower-case word.
    lower_after: frozenset[int] = frozenset()
    renderings: tuple[Term | None, ...] = ()


def event_glossary(event: Event) -> tuple[Entry, ...]:
    """What translation protects in an event: the manifest's kept terms and Terms,
    the words of web conferences (`vocabulary`, after the organiser's), and the
    speakers' names (the agenda's and those given to voices), whole and by
    their last word when it is capitalised ("Wretling said"), so no name is
    translated as words ("Rose Green" is not "Rose Verte")."""
    names: list[str] = []
    for session in event.sessions:
        for name in (*session.speakers, *(given for _, given in session.voices)):
            words = name.split()
            if not words or "(" in name or voice_label(name):
                continue  # a label ("European Parliament speaker (VoxPopuli)"), not a name
            names.append(" ".join(words))
            last = words[-1]
            if len(words) > 1 and len(last) >= 4 and last[0].isupper() and last.isalpha():
                names.append(last)
    return tuple(dict.fromkeys((*event.glossary, *names, *event.terms, *WEBCONF_TERMS)))


def placeholder(index: int) -> str:
    return PLACEHOLDER.format(index)


def _inflected(word: str) -> str:
    """A word of a Term's form as found: any case (the caller's flag), and with or
    without a plural ending ("service" finds "services", "servicios" "servicio")."""
    if len(word) < 3 or not word.isalpha():
        return re.escape(word)
    base = word[:-1] if word[-1] in "sSxX" and len(word) > 3 else word
    return re.escape(base) + "(?:s|es|x)?"


def _source_form(entry: Entry, source: str) -> tuple[str, str] | None:
    """(the text it is found as, its regex) in `source`; None when it has no form there."""
    if isinstance(entry, str):
        term = entry.strip()
        return (term, r"\s+".join(map(re.escape, term.split()))) if term else None
    form = entry.form(source) if source else None
    if not form:
        return None
    word = _inflected if entry.inflected else re.escape
    return form, "(?i:" + r"\s+".join(map(word, form.split())) + ")"


def _ordered(glossary: Sequence[Entry], source: str) -> list[tuple[str, Entry]]:
    """(regex, entry) of each entry with a form in `source`, the longest form first
    so "Lord Byron" wins over "Byron": the order `_term_pattern` numbers its groups."""
    found = [(f, entry) for entry in dict.fromkeys(glossary) if (f := _source_form(entry, source))]
    found.sort(key=lambda item: len(item[0][0]), reverse=True)
    return [(regex, entry) for (_, regex), entry in found]


def _term_pattern(ordered: Sequence[tuple[str, Entry]]) -> re.Pattern[str] | None:
    """One pattern for the entries `_ordered` gave, group `g<n>` for the n-th; any
    whitespace run may separate the words of a multi-word term (a line break in a
    long sentence)."""
    if not ordered:
        return None
    alternatives = "|".join(f"(?P<g{n}>{regex})" for n, (regex, _) in enumerate(ordered))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def terms_in(text: str, glossary: Sequence[Entry], source: str = "") -> tuple[Entry, ...]:
    """The glossary entries said in `text`: all that `protect` can depend on, so a
    translation is cached under these alone (a new term re-translates only the
    sentences that hold it)."""
    return tuple(e for e in glossary if (p := _one_term(e, source)) and p.search(text))


@functools.lru_cache(maxsize=1024)
def _one_term(entry: Entry, source: str) -> re.Pattern[str] | None:
    return _term_pattern(_ordered([entry], source))


def protect(text: str, glossary: Sequence[Entry], source: str = "") -> Protected:
    """Replace glossary terms by placeholders: a kept term case-sensitive, a Term in
    its `source` form tolerantly; whole words either way."""
    ordered = _ordered(glossary, source)
    pattern = _term_pattern(ordered)
    if pattern is None or _PLACEHOLDER_RE.search(text):
        # A text that already looks like it holds placeholders is left alone:
        # restoring would otherwise rewrite the speaker's own words.
        return Protected(text)
    entries = [entry for _, entry in ordered]
    terms: list[str] = []
    keys: list[object] = []  # one placeholder per kept term said, per Term said
    renderings: list[Term | None] = []

    def swap(match: re.Match[str]) -> str:
        entry = entries[int((match.lastgroup or "g0")[1:])]
        said = " ".join(match.group(0).split())
        key = entry if isinstance(entry, Term) else said
        if key not in keys:
            keys.append(key)
            terms.append(said)
            renderings.append(entry if isinstance(entry, Term) else None)
        return placeholder(keys.index(key))

    protected = pattern.sub(swap, text)
    lower_after = frozenset(
        int(m.group(1)) for m in _OPENING_SOURCE.finditer(protected) if m.group(2).islower()
    )
    return Protected(protected, tuple(terms), lower_after, tuple(renderings))


def restore(text: str, protected: Protected, target: str = "") -> str:
    """Put the terms back (a Term in its `target` form, with a capital where it opens
    a sentence); drop any placeholder the engine invented or damaged."""
    terms = protected.terms
    if not terms:
        return text
    text = _uncapitalise_after_openings(text, protected.lower_after)
    renderings = protected.renderings
    out, at = "", 0
    for match in _PLACEHOLDER_RE.finditer(text):
        out += text[at : match.start()]
        at = match.end()
        index = int(match.group(1))
        if index >= len(terms):
            continue  # a placeholder the engine invented: dropped
        term = renderings[index] if index < len(renderings) else None
        form = term.form(target) if term is not None and target else None
        if form is None:
            out = elided(out, terms[index], target) + terms[index]
            continue
        out = elided(article_before(out, form, target), form, target)  # "le Org..." -> "l'Org..."
        out += form[:1].upper() + form[1:] if _opens_sentence(out, len(out)) else form
    out += text[at:]
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def _opens_sentence(text: str, at: int) -> bool:
    """Whether position `at` starts a sentence: nothing but opening quotes and
    brackets between it and the text's start or the last sentence end."""
    before = text[:at].rstrip(" \t\"'«“¿¡([")
    return not before or before[-1] in ".!?…:"


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


def protect_all(
    texts: Sequence[str], glossary: Sequence[Entry], source: str = ""
) -> list[Protected]:
    return [protect(text, glossary, source) for text in texts]


def restore_all(
    texts: Sequence[str], protected: Sequence[Protected], target: str = ""
) -> list[str]:
    """Restore a batch; `protected` is what `protect_all` returned for its inputs."""
    if len(texts) != len(protected):
        raise ValueError(f"{len(texts)} translations for {len(protected)} texts")
    return [restore(text, p, target) for text, p in zip(texts, protected, strict=True)]


_WORD_RE = re.compile(r"[\w'’.-]+")
RESPELL_SIMILARITY = 0.75  # "UOC" for "USOC" is 0.86; "Mashhad" for "Meshhead" 0.8


def respell(
    text: str, source_text: str, glossary: Sequence[Entry], source: str = "", target: str = ""
) -> str:
    """Glossary terms said in `source_text` spelt right in `text`, a rendering of it
    heard by speech recognition (an interpreter's words): the closest run of as many
    words ("UOC" for "USOC", "Lord Bairon") becomes the term (a Term: its `target`
    form). Text is left alone when nothing is close enough: a name the interpreter
    left out is not added."""
    from difflib import SequenceMatcher

    folded_source = source_text.casefold()
    wanted = []
    for entry in glossary:
        if isinstance(entry, str):
            if entry.casefold() in folded_source:
                wanted.append(entry)
        elif (form := entry.form(target)) and (p := _one_term(entry, source)):
            if p.search(source_text):
                wanted.append(form)
    for term in sorted(wanted, key=len, reverse=True):
        if term.casefold() in text.casefold():
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
