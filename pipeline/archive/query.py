"""The user's search query, turned into a safe FTS5 expression.

Accepted syntax (everything else is literal text):

- words: `ivory trade` finds passages holding both words (in any order);
- `"a phrase"`: the words in this order, next to each other;
- a trailing `*`: prefix, `telet*` finds `télétravail`, `teletrabajo`, `telework`;
  `"rules on iv"*` is a phrase whose last word is a prefix;
- `OR` (upper case) between two terms: either, `ivory OR marfil`;
- `-word`, `-"a phrase"` or `NOT word`: exclude passages holding it;
- `AND` (upper case) is allowed and changes nothing: words are ANDed anyway.

Letters are compared without case and accents (`teletravail` = `Télétravail`), the way
the index's tokenizer (`unicode61 remove_diacritics 2`) reads the text. Punctuation
inside a word separates words, as in the index: `l'ivoire` is the phrase `l ivoire`,
`col:foo` is `col foo`. Curly quotes and guillemets count as `"`.

Every term is emitted as an FTS5 string (`"..."`, inner quotes doubled) and every
operator is written here, so no part of the user's text is ever FTS5 or SQL syntax.
Queries this module cannot make sense of (an unclosed quote, `OR` or `NOT` without a
term, only punctuation, too long) raise SearchError with one line saying why.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pipeline.errors import SearchError

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u00ab\u00bb\uff02", '"'))
_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False
    negated: bool = False

    def fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        return quoted + " *" if self.prefix else quoted


def has_token_chars(text: str) -> bool:
    """Whether the index's tokenizer finds a word in text (Unicode letters, digits, Co)."""
    return any(
        unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co" for ch in text
    )


def _word(raw: str) -> Term | str | None:
    """A bare word: an operator name, a term, or None when it holds no letter or digit."""
    if raw in _OPERATORS:
        return raw
    negated = raw.startswith("-") and len(raw) > 1
    if negated:
        raw = raw[1:]
    prefix = raw.endswith("*")
    body = raw.rstrip("*")
    if not has_token_chars(body):
        return None
    return Term(body, prefix=prefix, negated=negated)


def _lex(query: str) -> list[Term | str]:
    tokens: list[Term | str] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch == '"' or (ch == "-" and i + 1 < n and query[i + 1] == '"'):
            negated = ch == "-"
            start = i + 2 if negated else i + 1
            end = query.find('"', start)
            if end < 0:
                raise SearchError(
                    'unbalanced " in the query: close the phrase with a second " or remove it'
                )
            i = end + 1
            prefix = i < n and query[i] == "*"
            while i < n and query[i] == "*":
                i += 1
            body = query[start:end]
            if has_token_chars(body):
                tokens.append(Term(body, prefix=prefix, negated=negated))
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] != '"':
            j += 1
        token = _word(query[i:j])
        if token is not None:
            tokens.append(token)
        i = j
    return tokens


def _parse(tokens: list[Term | str]) -> tuple[list[list[Term]], list[Term]]:
    """Groups of alternatives (ANDed together) and excluded terms."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending: str | None = None  # an operator waiting for its right-hand term
    for token in tokens:
        if isinstance(token, str):
            if pending is not None:
                raise SearchError(f"{pending} followed by {token}: put a search term between")
            if token in ("AND", "OR") and not groups:
                raise SearchError(f"{token} must stand between two search terms")
            pending = token
            continue
        negated = token.negated or pending == "NOT"
        if pending == "OR":
            if negated:
                raise SearchError("OR cannot join an excluded term; use OR between plain terms")
            groups[-1].append(token)
        elif negated:
            excluded.append(token)
        else:
            groups.append([token])
        pending = None
    if pending is not None:
        raise SearchError(f"{pending} at the end of the query: add a search term after it")
    if not groups:
        if excluded:
            raise SearchError("the query only excludes words: add a word to find")
        raise SearchError("nothing to search for: the query has no letters or digits")
    return groups, excluded


def to_fts(query: str) -> str:
    """The FTS5 MATCH expression for a user's query; SearchError if it cannot be read."""
    if not isinstance(query, str):
        raise SearchError("the query must be text")
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"query too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    text = unicodedata.normalize("NFC", query).translate(_QUOTES)
    # control characters (NUL, ESC, ...) separate words, as in the index
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    groups, excluded = _parse(_lex(text))
    count = sum(len(g) for g in groups) + len(excluded)
    if count > MAX_TERMS:
        raise SearchError(f"too many search terms ({count}; at most {MAX_TERMS})")
    expr = " AND ".join("(" + " OR ".join(t.fts() for t in g) + ")" for g in groups)
    for term in excluded:
        expr = f"({expr}) NOT {term.fts()}"
    return expr
