"""A person's cues over the machine's sentences, each language in its own scope.

A session may hold speech in several languages, and each language's track holds
its originals and renderings of the rest. A corrected cue of language L belongs to
the sentence it overlaps most:

- over a sentence spoken in L, it corrects that original (`correct_spoken`, before
  translation), so every other language's translation of it is made again from the
  corrected text;
- over a passage of the L track that renders another language (machine translation,
  an interpreter), it corrects that rendering in L only (`correct_rendered`): the
  original in its own language is never touched.

Inside a scope the person's text is aligned word by word with the machine's
(`difflib`), not cue by cue: a cue often holds the end of one sentence and the start
of the next, and a cue the person left as it was must change neither. So a word
keeps its recognition (times, probability) unless the person changed it; a word a
person wrote or confirmed is `reviewed`, and a sentence is reviewed only when all
its words are. A sentence whose every word the person deleted is gone, in that
scope only; a cue over no sentence at all is a sentence the person added; a cue of new words
over a sentence joins it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pipeline.agenda.manifest import voice_label
from pipeline.timecode import most_overlapping, spread
from pipeline.types import Cue, Sentence, Word

SPOKEN = ("original", "person")


@dataclass(frozen=True)
class _Token:
    """One word of a scope's text, before or after the person's cues."""

    text: str  # no spaces
    start_ms: int
    end_ms: int
    probability: float = 1.0
    reviewed: bool = False  # written or confirmed by a person
    sentence: int = -1  # the sentence it belongs to (-1: not placed yet)


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _owner(sentences: Sequence[Sentence], cue: Cue) -> int | None:
    """The sentence the cue overlaps most, or None when it overlaps none."""
    return most_overlapping((cue.start_ms, cue.end_ms), [(s.start_ms, s.end_ms) for s in sentences])


def is_spoken_in(sentence: Sentence, language: str) -> bool:
    """What was said in `language` (recognised, or written by a person in its place)."""
    return (
        sentence.language == language
        and sentence.origin in SPOKEN
        and sentence.source_language in ("", language)
    )


def _sentence_tokens(sentence: Sentence, index: int) -> list[_Token]:
    """The sentence's words as tokens: the recogniser's own where they spell its text
    one token each, else its text laid over its span."""
    texts = sentence.text.split()
    shown = [w for w in sentence.words if w.text.strip()]
    if shown and [_normalised(w.text) for w in shown] == texts:
        return [
            _Token(t, w.start_ms, w.end_ms, w.probability, w.reviewed, index)
            for t, w in zip(texts, shown, strict=True)
        ]
    times = spread(texts, sentence.start_ms, sentence.end_ms)
    reviewed = sentence.reviewed
    return [_Token(t, a, b, 1.0, reviewed, index) for t, (a, b) in zip(texts, times, strict=True)]


def _cue_tokens(cue: Cue) -> list[_Token]:
    texts = cue.text.split()
    times = spread(texts, cue.start_ms, cue.end_ms)
    return [_Token(t, a, b, 1.0, cue.reviewed) for t, (a, b) in zip(texts, times, strict=True)]


def _align(old: Sequence[_Token], new: Sequence[tuple[_Token, int]]) -> list[_Token]:
    """The person's tokens (with the cue each came from), each placed on a sentence:
    a word left as it was keeps the machine's recognition; a changed one takes the
    times of what it replaced; an added one joins its neighbour's sentence in the
    same cue."""
    matcher = difflib.SequenceMatcher(
        None, [t.text for t in old], [t.text for t, _ in new], autojunk=len(old) > 2000
    )
    placed: list[_Token | None] = [None] * len(new)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                was, (now, _) = old[i1 + k], new[j1 + k]
                placed[j1 + k] = replace(was, reviewed=was.reviewed or now.reviewed)
        elif tag == "replace":
            replaced = old[i1:i2]
            texts = [t.text for t, _ in new[j1:j2]]
            times = spread(texts, replaced[0].start_ms, replaced[-1].end_ms)
            for k, (text, (a, b)) in enumerate(zip(texts, times, strict=True)):
                # proportionally onto the replaced words' sentences
                home = replaced[k * len(replaced) // len(texts)].sentence
                placed[j1 + k] = _Token(text, a, b, 1.0, True, home)
    _place_added(new, placed)
    return [t for t in placed if t is not None]


def _place_added(new: Sequence[tuple[_Token, int]], placed: list[_Token | None]) -> None:
    """Words the person added (no machine word to take): the sentence of the nearest
    placed word of the same cue, before it if there is one; a cue with no placed word
    at all is left to the caller (-1): it joins the sentence it lies over."""
    for j, token in enumerate(placed):
        if token is not None:
            continue
        added, cue = new[j]
        near = None
        for k in [*range(j - 1, -1, -1), *range(j + 1, len(new))]:
            if new[k][1] != cue:
                if k > j:
                    break
                continue
            if placed[k] is not None and placed[k].sentence >= 0:
                near = placed[k]
                break
        home = near.sentence if near is not None else -1
        at = near.end_ms if near is not None and near.end_ms <= added.start_ms else added.start_ms
        placed[j] = _Token(added.text, at, max(at, added.end_ms), 1.0, True, home)


def _rebuilt(sentence: Sentence, tokens: Sequence[_Token], keep_words: bool) -> Sentence:
    """The sentence as the person left it: its tokens, in their order."""
    text = " ".join(t.text for t in tokens)
    before = [(t.text, t.reviewed) for t in _sentence_tokens(sentence, -1)]
    if [(t.text, t.reviewed) for t in tokens] == before:
        return sentence  # untouched: the machine's sentence, words and all
    changed = text != _normalised(sentence.text)
    reviewed = all(t.reviewed for t in tokens)
    words = tuple(
        Word(t.start_ms, t.end_ms, f" {t.text}", t.probability, t.reviewed, sentence.speaker)
        for t in tokens
    )
    return replace(
        sentence,
        text=text,
        start_ms=min(sentence.start_ms, tokens[0].start_ms),
        end_ms=max(sentence.end_ms, tokens[-1].end_ms),
        words=words if keep_words else (),
        reviewed=reviewed,
        low_confidence=sentence.low_confidence and not reviewed,
        origin="person" if changed else sentence.origin,
        engine="person" if changed else sentence.engine,
    )


def _written(cue: Cue, language: str) -> Sentence:
    return Sentence(
        start_ms=cue.start_ms,
        end_ms=cue.end_ms,
        text=_normalised(cue.text),
        language=language,
        source_language=language,
        engine="person",
        reviewed=True,
        origin="person",
        speaker=cue.speaker,
    )


def _correct(
    sentences: Sequence[Sentence],
    cues: Sequence[Cue],
    language: str,
    in_scope: Callable[[Sentence], bool],
    keep_words: bool,
    add_unplaced: bool,
) -> tuple[Sentence, ...]:
    """The sentences with those in scope rebuilt from the cues that belong to them;
    where the cues name a voice, said by it (the spoken scope only: a rendering is
    said by whoever said its source)."""
    cues = sorted(cues, key=lambda c: c.start_ms)
    scope = [i for i, s in enumerate(sentences) if in_scope(s)]
    owners: dict[int, int] = {}  # cue -> the sentence in scope it lies over most
    unplaced: list[Cue] = []
    for n, cue in enumerate(cues):
        owner = _owner(sentences, cue)
        if owner is None:
            unplaced.append(cue)
        elif in_scope(sentences[owner]):
            owners[n] = owner
    old = [t for i in scope for t in _sentence_tokens(sentences[i], i)]
    new = [(t, n) for n in owners for t in _cue_tokens(cues[n])]
    placed = [  # a cue of new words only joins the sentence it lies over
        t if t.sentence >= 0 else replace(t, sentence=owners[n])
        for t, (_, n) in zip(_align(old, new), new, strict=True)
    ]
    per_sentence: dict[int, list[_Token]] = {}
    for token in placed:
        per_sentence.setdefault(token.sentence, []).append(token)
    named: dict[int, set[str]] = {}  # sentence -> the voices its cues name
    for n, i in owners.items():
        if cues[n].speaker and keep_words:
            named.setdefault(i, set()).add(cues[n].speaker)
    out = [s for s in sentences if not in_scope(s)]
    out += [
        _voiced(_rebuilt(sentences[i], per_sentence[i], keep_words), named.get(i, set()))
        for i in scope
        if i in per_sentence
    ]
    if add_unplaced:
        out += [_written(c, language) for c in unplaced]
    return tuple(sorted(out, key=lambda s: s.start_ms))


def _voiced(sentence: Sentence, names: set[str]) -> Sentence:
    """The sentence said by the one voice its corrected cues name (a WebVTT `<v Name>`
    a person wrote), when that is not who the machine heard; as it was otherwise."""
    if len(names) != 1:
        return sentence  # no name given, or a cue per voice: the machine's turns stand
    (name,) = names
    if name == sentence.speaker or voice_label(name):
        return sentence  # a "Speaker N" label is the machine's numbering, not a name
    words = tuple(replace(w, speaker=name) for w in sentence.words)
    return replace(sentence, speaker=name, words=words)


def correct_spoken(
    sentences: Sequence[Sentence], cues: Sequence[Cue], language: str
) -> tuple[Sentence, ...]:
    """The session's transcript with `language`'s originals corrected by `cues` (that
    language's corrected track); other languages' sentences as they were."""
    return _correct(
        sentences,
        cues,
        language,
        lambda s: is_spoken_in(s, language),
        keep_words=True,
        add_unplaced=True,
    )


def correct_rendered(
    sentences: Sequence[Sentence],
    cues: Sequence[Cue],
    language: str,
    spoken_here: bool = True,
) -> tuple[Sentence, ...]:
    """The `language` track with its renderings of other languages corrected by `cues`;
    its originals as `correct_spoken` left them. `spoken_here`: the language is spoken
    in the session, so cues touching no sentence were added there already."""
    return _correct(
        sentences,
        cues,
        language,
        lambda s: not is_spoken_in(s, language),
        keep_words=False,
        add_unplaced=not spoken_here,
    )
