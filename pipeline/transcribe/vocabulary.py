"""Names Whisper should spell right: the prompt that primes it, and which chunks need it.

Priming with the glossary helps where a term is said: on the sample event Whisper
spelled its six glossary terms all six right primed, two unprimed (French WER 0.266
against 0.299). But a prompt that every chunk shares is part of every chunk's cache
key, so adding one term transcribed everything again (85 % of a first run). So a chunk
is first decoded primed with the speakers' names only; it is decoded again, primed with
the glossary terms it comes close to, only where its text holds a near miss of one
("Lusok" for USOC, "ma chade" for Mashhad, "Ahora vec" for Oravec). A glossary edit
then decodes again only the chunks near the terms that changed.

An interpreter's channel is primed from the floor instead: with the terms the floor
said in the seconds before (`said_terms`); heard unprimed first, the sample's
synthesized interpreters kept 3 of the 8 names they render; primed from the floor, 6
or more.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher

from pipeline.types import Session

# Similarity (difflib ratio, on folded spellings) from which a stretch of text counts
# as a near miss of a term. On the sample's misses: Lusok/USOC 0.89, ma chade/Mashhad
# 0.91, Ahora vec/Oravec 0.92, Carpaneo/Carpanedo 0.94; common words stay below it
# (French "avec" against Oravec 0.80, "was" against WAPES 0.75). Measured over FLORES
# devtest in chunks of three sentences and a 19-term glossary (the sample's and the
# telework webinar's names): 0.5 % of English chunks, 2.0 % of French and 5.1 % of
# Spanish (Spanish "uso" near USOC) would be decoded a second time.
NEAR = 0.85
MIN_FOLDED = 4  # shorter terms only count when spelled exactly: too many near misses

# Spellings that sound alike in the event's languages, folded to one (in order).
_SOUNDS = (("sch", "x"), ("sh", "x"), ("ch", "x"), ("ph", "f"), ("qu", "k"), ("ck", "k"),
           ("c", "k"), ("q", "k"), ("v", "b"), ("w", "b"), ("y", "i"), ("z", "s"),
           ("h", ""))  # fmt: skip
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def vocabulary_prompt(glossary: Sequence[str], session: Session) -> str | None:
    """Names Whisper should spell right, as its initial prompt.

    Only glossary terms and the speakers' names (the part of each `speakers` entry
    before its first comma): on the sample event, adding whole speaker lines with
    affiliations raised French WER from 0.24 to 0.30, and session titles, often in
    another language than the speech, pull the decoder towards that language.
    """
    names = [re.sub(r"\s*\(.*?\)", "", s.split(",")[0]).strip() for s in session.speakers]
    terms = list(dict.fromkeys(t for t in [*glossary, *names] if t))
    if not terms:
        return None
    return (", ".join(terms) + ".")[:400]


def terms_to_prime(text: str, glossary: Sequence[str]) -> tuple[str, ...]:
    """The glossary terms to prime a chunk with, given what it was heard as unprimed:
    none unless some term was nearly heard (then those, and the terms heard right,
    which the second decode must not lose)."""
    words = [fold(w) for w in _WORD.findall(text)]
    heard = [t for t in glossary if _said(t, text)]
    near = [t for t in glossary if t not in heard and _nearly_said(t, words)]
    return tuple(t for t in glossary if t in near or t in heard) if near else ()


def said_terms(
    spans: Sequence[tuple[int, int, str]], glossary: Sequence[str]
) -> tuple[tuple[int, int, str], ...]:
    """(start ms, end ms, term) for each glossary term said in each (start, end, text)."""
    return tuple((a, b, t) for a, b, text in spans for t in glossary if _said(t, text))


def terms_between(
    said: Sequence[tuple[int, int, str]], glossary: Sequence[str], start_ms: int, end_ms: int
) -> tuple[str, ...]:
    """The glossary terms said between `start_ms` and `end_ms`, in glossary order."""
    near = {t for a, b, t in said if b > start_ms and a < end_ms}
    return tuple(t for t in glossary if t in near)


def _said(term: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term.strip())}(?!\w)", text, re.I) is not None


def _nearly_said(term: str, words: list[str]) -> bool:
    """Whether some run of `words` (folded) sounds close to `term`."""
    target = fold(term)
    if len(target) < MIN_FOLDED:
        return False
    longest = len(_WORD.findall(term)) + 1  # a name heard as one word more ("ma chade")
    slack = len(target) // 2
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    for i in range(len(words)):
        span = ""
        for word in words[i : i + longest]:
            span += word
            if len(span) - len(target) > slack:
                break
            if len(target) - len(span) > slack:
                continue
            matcher.set_seq1(span)
            if matcher.quick_ratio() >= NEAR and matcher.ratio() >= NEAR:
                return True
    return False


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """A spelling reduced to how it sounds, roughly: lower case, no accents, spaces or
    punctuation, alike-sounding letters merged, no doubled letters."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    out = "".join(c for c in plain if c.isalnum())
    for spelt, sound in _SOUNDS:
        out = out.replace(spelt, sound)
    return re.sub(r"(.)\1+", r"\1", out)
