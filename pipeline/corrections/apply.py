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

A sentence of the corrected track left without any cue was deleted by the person,
in that scope only. A cue the person kept as the machine wrote it (`reviewed`
False) changes nothing and marks nothing reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.types import Cue, Sentence

SPOKEN = ("original", "person")


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def _assign(
    sentences: Sequence[Sentence], cues: Sequence[Cue]
) -> tuple[dict[int, list[Cue]], list[Cue]]:
    """Each cue on the sentence it overlaps most; cues touching none are orphans."""
    owned: dict[int, list[Cue]] = {}
    orphans: list[Cue] = []
    for cue in cues:
        best, best_overlap = None, 0
        for i, s in enumerate(sentences):
            ov = _overlap((cue.start_ms, cue.end_ms), (s.start_ms, s.end_ms))
            if ov > best_overlap:
                best, best_overlap = i, ov
        if best is None:
            orphans.append(cue)
        else:
            owned.setdefault(best, []).append(cue)
    return owned, orphans


def is_spoken_in(sentence: Sentence, language: str) -> bool:
    """What was said in `language` (recognised, or written by a person in its place)."""
    return (
        sentence.language == language
        and sentence.origin in SPOKEN
        and sentence.source_language in ("", language)
    )


def _corrected(sentence: Sentence, own: Sequence[Cue]) -> Sentence:
    text = _normalised(" ".join(c.text for c in own))
    changed = text != _normalised(sentence.text)
    reviewed = changed or any(c.reviewed for c in own) or sentence.reviewed
    return replace(
        sentence,
        text=text,
        start_ms=min(sentence.start_ms, own[0].start_ms),
        end_ms=max(sentence.end_ms, own[-1].end_ms),
        words=() if changed else sentence.words,
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
    )


def correct_spoken(
    sentences: Sequence[Sentence], cues: Sequence[Cue], language: str
) -> tuple[Sentence, ...]:
    """The session's transcript with `language`'s originals corrected by `cues` (that
    language's corrected track); other languages' sentences as they were."""
    owned, orphans = _assign(sentences, cues)
    out: list[Sentence] = []
    for i, s in enumerate(sentences):
        if not is_spoken_in(s, language):
            out.append(s)
        elif i in owned:
            out.append(_corrected(s, owned[i]))
        # else: every cue of this sentence was deleted by the person
    out += [_written(c, language) for c in orphans]
    return tuple(sorted(out, key=lambda s: s.start_ms))


def correct_rendered(
    sentences: Sequence[Sentence],
    cues: Sequence[Cue],
    language: str,
    spoken_here: bool = True,
) -> tuple[Sentence, ...]:
    """The `language` track with its renderings of other languages corrected by `cues`;
    its originals as `correct_spoken` left them. `spoken_here`: the language is spoken
    in the session, so cues touching no sentence were added there already."""
    owned, orphans = _assign(sentences, cues)
    out: list[Sentence] = []
    for i, s in enumerate(sentences):
        if is_spoken_in(s, language):
            out.append(s)
        elif i in owned:
            out.append(_corrected(s, owned[i]))
    if not spoken_here:
        out += [_written(c, language) for c in orphans]
    return tuple(sorted(out, key=lambda s: s.start_ms))
