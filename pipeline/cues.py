"""Cut sentences into subtitle cues under a subtitle profile.

Source-language cues follow the word timestamps; translated sentences have no word
times, so their text is laid over the source sentence's span in proportion to its
length.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.types import Cue, Sentence, Word

_CLAUSE_END = re.compile(r"[,;:.!?…]+[\"'»”’)\]]*$")


@dataclass(frozen=True)
class SubtitleProfile:
    name: str = "default"
    max_line_chars: int = 42
    max_lines: int = 2
    max_duration_ms: int = 7000
    min_duration_ms: int = 833
    min_gap_ms: int = 83  # two frames at 24 fps

    @property
    def max_chars(self) -> int:
        return self.max_line_chars * self.max_lines


DEFAULT_PROFILE = SubtitleProfile()


def split_lines(text: str, profile: SubtitleProfile = DEFAULT_PROFILE) -> tuple[str, ...]:
    """One line if it fits, else the most balanced break at a space."""
    text = " ".join(text.split())
    if len(text) <= profile.max_line_chars or profile.max_lines == 1:
        return (text,)
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return (text,)

    def cost(i: int) -> tuple[int, int]:
        left, right = text[:i], text[i + 1 :]
        over = max(0, len(left) - profile.max_line_chars) + max(
            0, len(right) - profile.max_line_chars
        )
        return over, abs(len(left) - len(right)) - (6 if _CLAUSE_END.search(left) else 0)

    best = min(spaces, key=cost)
    return (text[:best], text[best + 1 :])


def _fits(words: Sequence[Word], profile: SubtitleProfile) -> bool:
    text = "".join(w.text for w in words).strip()
    if len(text) > profile.max_chars:
        return False
    lines = split_lines(text, profile)
    return all(len(line) <= profile.max_line_chars for line in lines)


def cues_from_words(sentence: Sentence, profile: SubtitleProfile) -> list[Cue]:
    """Greedy fill, preferring to end a cue at a clause boundary once half full."""
    cues: list[Cue] = []
    current: list[Word] = []
    for word in sentence.words:
        candidate = [*current, word]
        too_long = (
            word.end_ms - (current[0].start_ms if current else word.start_ms)
            > profile.max_duration_ms
        )
        if current and (not _fits(candidate, profile) or too_long):
            cues.append(_cue(current, sentence.language, profile))
            current = [word]
            continue
        current = candidate
        text_len = len("".join(w.text for w in current).strip())
        if _CLAUSE_END.search(word.text.strip()) and text_len >= profile.max_chars // 2:
            cues.append(_cue(current, sentence.language, profile))
            current = []
    if current:
        cues.append(_cue(current, sentence.language, profile))
    return cues


def _cue(words: Sequence[Word], language: str, profile: SubtitleProfile) -> Cue:
    text = "".join(w.text for w in words).strip()
    return Cue(
        start_ms=words[0].start_ms,
        end_ms=words[-1].end_ms,
        lines=split_lines(text, profile),
        language=language,
        words=tuple(words),
    )


def cues_from_text(sentence: Sentence, profile: SubtitleProfile) -> list[Cue]:
    """Lay a translated sentence over its span, split into balanced pieces."""
    words = sentence.text.split()
    if not words:
        return []
    span = max(1, sentence.end_ms - sentence.start_ms)
    pieces = max(
        math.ceil(len(sentence.text) / profile.max_chars),
        math.ceil(span / profile.max_duration_ms),
        1,
    )
    chunks = _balanced_chunks(words, pieces, profile)
    total = sum(len(c) for c in chunks) or 1
    # Chunks are only about equal, so one may get more than max_duration of the span:
    # add pieces until none does (or every word has its own cue).
    while len(chunks) < len(words) and (
        span * max(len(c) for c in chunks) > profile.max_duration_ms * total
    ):
        pieces += 1
        chunks = _balanced_chunks(words, pieces, profile)
        total = sum(len(c) for c in chunks) or 1
    cues, t, acc = [], sentence.start_ms, 0
    for chunk in chunks:
        acc += len(chunk)
        end = sentence.start_ms + span * acc // total
        cues.append(
            Cue(
                start_ms=t,
                end_ms=end,
                lines=split_lines(chunk, profile),
                language=sentence.language,
            )
        )
        t = end
    return cues


def _balanced_chunks(words: Sequence[str], pieces: int, profile: SubtitleProfile) -> list[str]:
    """Split words into `pieces` runs (more if they cannot fit) of similar length.

    A small dynamic programme: every run fits the profile, lengths stay close to
    the mean, and a break after a clause end is preferred, so no lone word is left
    dangling at the end of a sentence.
    """
    n = len(words)
    for k in range(max(1, pieces), n + 1):
        chunks = _partition(words, k, profile)
        if chunks is not None:
            return chunks
    return list(words)


def _partition(words: Sequence[str], k: int, profile: SubtitleProfile) -> list[str] | None:
    n = len(words)
    target = len(" ".join(words)) / k
    inf = float("inf")

    def cost(a: int, b: int) -> float:
        text = " ".join(words[a:b])
        if len(text) > profile.max_chars or any(
            len(line) > profile.max_line_chars for line in split_lines(text, profile)
        ):
            return inf
        clause_bonus = 0.0 if b == n or not _CLAUSE_END.search(words[b - 1]) else target
        return (len(text) - target) ** 2 - clause_bonus

    best = [[inf] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for j in range(1, k + 1):
        for b in range(j, n - (k - j) + 1):
            for a in range(j - 1, b):
                if best[j - 1][a] == inf:
                    continue
                c = best[j - 1][a] + cost(a, b)
                if c < best[j][b]:
                    best[j][b], back[j][b] = c, a
    if best[k][n] == inf:
        return None
    cuts, b = [], n
    for j in range(k, 0, -1):
        a = back[j][b]
        cuts.append(" ".join(words[a:b]))
        b = a
    return cuts[::-1]


def build_cues(
    sentences: Sequence[Sentence],
    profile: SubtitleProfile = DEFAULT_PROFILE,
    end_ms: int | None = None,
) -> tuple[Cue, ...]:
    """Cues for sentences in order; none runs past `end_ms` (the session's end)."""
    cues: list[Cue] = []
    for sentence in sentences:
        cues.extend(
            cues_from_words(sentence, profile)
            if sentence.words
            else cues_from_text(sentence, profile)
        )
    return tuple(_fix_timing(cues, profile, end_ms))


def _fix_timing(cues: list[Cue], profile: SubtitleProfile, end_ms: int | None) -> list[Cue]:
    """Give short cues time to be read and keep a gap between cues, never overlapping."""
    out: list[Cue] = []
    for i, cue in enumerate(cues):
        start = max(cue.start_ms, out[-1].end_ms + profile.min_gap_ms) if out else cue.start_ms
        limit = cues[i + 1].start_ms - profile.min_gap_ms if i + 1 < len(cues) else end_ms
        end = max(cue.end_ms, start + profile.min_duration_ms)
        if limit is not None:
            end = min(end, limit)
        if end_ms is not None:
            start = min(start, end_ms - 1)
        end = max(end, start + 1)
        out.append(
            Cue(start_ms=start, end_ms=end, lines=cue.lines, language=cue.language, words=cue.words)
        )
    return out
