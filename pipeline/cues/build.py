"""Cut sentences into subtitle cues that meet a subtitle profile (`profiles.py`).

Three steps, for all the sentences of a track at once:

1. **Tokens.** A source sentence gives its words with Whisper's times. A translated
   sentence has only text: its words are laid over the source sentence's span in
   proportion to their characters, so the target text is re-flowed for its own
   length instead of being squeezed into the source's cue boxes.
2. **Breaks.** A dynamic programme over word positions chooses where cues end.
   A cue costs its profile violations (heavily: a line that cannot fit, reading time
   missing from the time it can have), then style: breaks at sentence ends are free,
   clause punctuation and "before a conjunction" cost a little, anywhere else more,
   and ending a cue on an article, preposition or conjunction costs a lot. Short
   sentences may share a cue when that is what gives them reading time. Lines are
   broken by a smaller search of the same kind: balanced, at punctuation if close,
   never after a function word.
3. **Timing.** Each cue wants to start with its first word and needs
   max(min duration, characters / reading speed). Where speech is faster than that,
   cues borrow the following silence and may start up to `max_sync_ms` before or after
   their speech; a second dynamic programme, over candidate start times, places them.
   Only when text is denser than the time around it allows (within that tolerance)
   does a cue lose reading time, and then a few cues lose it (each keeping at least two
   thirds of it while possible) rather than all of them a little.

Characters are counted as the profile module defines (line breaks not counted). A
sentence whose words no longer spell its text (a corrected one) is laid over its span
like a translation, and its cues carry no words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pipeline.cache import StageCache, as_list_of, stage_key
from pipeline.subtitles.profiles import (
    DEFAULT_PROFILE,
    PROFILES,
    SubtitleProfile,
    get_profile,
    speaker_label,
)
from pipeline.timecode import overlap_ms
from pipeline.types import Cue, Interpretation, Sentence, SessionTrack, Word

__all__ = [
    "BREAK_BEFORE",
    "DEFAULT_PROFILE",
    "FUNCTION_WORDS",
    "PROFILES",
    "SubtitleProfile",
    "build_cues",
    "get_profile",
    "is_function_word",
    "split_lines",
]

_FINAL = re.compile(r"[.!?…]+[\"'»”’)\]]*$")
_CLAUSE = re.compile(r"(?:[,;:]+[\"'»”’)\]]*|^[–—-]+)$")
_EDGE = "\"'«»“”‘’()[]¿¡.,;:!?…"

# Words that must not end a line or a cue: articles, prepositions, conjunctions and the
# determiners and clitics that belong with the next word.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an the of to in on at for with and or but nor from by as into onto about than "
        "my your his her its our their this that these those".split()
    ),
    "fr": frozenset(
        "le la les l' un une des de du d' au aux à en et ou mais pour par sur dans avec "
        "sans sous chez vers entre que qu' ce cet cette ces mon ma mes ton ta tes son sa "
        "ses notre nos votre vos leur leurs ne n' se s' je j' me m' te t' ni car".split()
    ),
    "es": frozenset(
        "el la los las lo un una unos unas de del al a en y e o u ni pero por para con "
        "sin sobre entre hasta desde hacia que su sus mi mis tu tus se".split()
    ),
}
# Words a break may come just before (a conjunction or relative opening a clause).
BREAK_BEFORE: dict[str, frozenset[str]] = {
    "en": frozenset(
        "and but or because which who whom whose that when while although though if so "
        "where after before since until unless whereas".split()
    ),
    "fr": frozenset(
        "et mais ou car donc qui que qu' quand lorsque parce puis si où dont tandis "
        "afin alors".split()
    ),
    "es": frozenset(
        "y e pero o u porque que cuando mientras aunque si donde cuyo cuya pues sino como".split()
    ),
}

# Costs of the break search (only their order matters much).
_VIOLATION = 100_000.0  # per character of a line that cannot fit
_PER_MS_MISSING = 0.1  # per millisecond of reading time the local window lacks
_PER_MS_TOO_SHORT = 50.0  # per millisecond under the minimum duration before the end
_PER_MS_TOO_LONG = 2.0  # per millisecond the cue's own speech runs past max duration
_CUE = 20.0  # per cue, so cues are not cut without a reason
_BREAK = {"sentence": 0.0, "clause": 10.0, "before": 20.0, "none": 40.0}
_DANGLING = 1000.0  # a cue ending on a function word
_LINE_BREAK = {"sentence": -12.0, "clause": -8.0, "before": -4.0, "none": 0.0}
_LINE_DANGLING = 1000.0  # a line ending on a function word
_SENTENCE_INSIDE = 30.0  # a sentence ends inside the cue
_MIXED_FLAGS = 100.0  # reviewed / low-confidence text sharing a cue with other text
_SHORT_FRAGMENT = 2.0  # per character under 25 of a cue that is part of a sentence
_PAUSE_BONUS_MAX = 40.0  # breaking at a pause of >= 1 s
_CHAIN_MS = 500  # gaps shorter than this are closed down to the minimum gap
# Costs of the timing programme.
_STEP_MS = 20  # grid of cue starts around the speech
_IMPOSSIBLE = 1e9  # no time at all, or outside the track
_TOO_SHORT = 1e5  # under the minimum duration
_VERY_SLOW = 1e3  # under two thirds of the reading time, growing with the square of...
_UNREADABLE = 10.0  # ...how much faster than 1.5 times the limit it has to be read
_OUT_OF_SYNC_PER_MS = 1.0  # starting later than max_sync_ms after the speech
_ESCAPES = 28  # such later starts tried, every...
_ESCAPE_STEP_MS = 250  # ...250 ms (up to 7 s)
_SLOW = 10.0  # under the reading time (plus up to 10 more by how much)
_LAG_PER_MS = 0.5 / 1000  # starting after the speech: 0.5 per second
_LEAD_PER_MS = 0.7 / 1000  # starting before it: a little worse
_TEXT_DRIFT = 0.2  # translated text: its word times are only estimates
_MAX_CANDIDATES = 300  # per cue (the grid coarsens for long translated sentences)


def _normal(token: str) -> str:
    return token.strip(_EDGE).lower() if not token.endswith("'") else token.lower()


def is_function_word(token: str, language: str) -> bool:
    """True for an article/preposition/conjunction (no punctuation after it)."""
    if not token or _FINAL.search(token) or _CLAUSE.search(token):
        return False
    if token[-1:] in _EDGE and token[-1:] not in "'’":
        return False
    words = FUNCTION_WORDS.get(language, FUNCTION_WORDS["en"])
    norm = _normal(token.replace("’", "'"))
    return norm in words


def _break_kind(token: str, next_token: str | None, language: str) -> str:
    if _FINAL.search(token):
        return "sentence"
    if _CLAUSE.search(token):
        return "clause"
    if next_token is not None:
        if _CLAUSE.fullmatch(next_token):  # a dash opening the next clause
            return "clause"
        before = BREAK_BEFORE.get(language, BREAK_BEFORE["en"])
        if _normal(next_token.replace("’", "'")) in before:
            return "before"
    return "none"


# -- tokens ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # whitespace collapsed, never empty
    space: bool  # separated from the previous token by a space (False: glued to it)
    start_ms: int  # when it is spoken (laid over the span for translated text)
    end_ms: int
    sentence: int  # index into the sentences
    earliest_ms: int  # a cue starting here may start up to max_sync_ms before this...
    latest_ms: int  # ...or after this: the word's start, or its sentence's span
    words: tuple[Word, ...]  # the recognised word(s) it shows: blank ones ride along
    timed: bool  # its start is known: a word's own, or a translated sentence's first


def _words_text(words: Sequence[Word]) -> str:
    return " ".join("".join(w.text for w in words).split())


def _tokens(sentences: Sequence[Sentence]) -> list[_Token]:
    tokens: list[_Token] = []
    last = -math.inf
    for index, sentence in enumerate(sentences):
        text = " ".join(sentence.text.split())
        if sentence.words and _words_text(sentence.words) == text:
            pending: list[Word] = []  # blank words, shown with the next token
            first = len(tokens)
            for word in sentence.words:
                shown = " ".join(word.text.split())
                if not shown:
                    if len(tokens) > first:
                        tokens[-1] = replace(tokens[-1], words=(*tokens[-1].words, word))
                    else:
                        pending.append(word)
                    continue
                start = int(max(word.start_ms, last))
                end = max(int(word.end_ms), start)
                last = start
                tokens.append(
                    _Token(
                        text=shown,
                        space=len(tokens) == first or word.text[:1].isspace(),
                        start_ms=start,
                        end_ms=end,
                        sentence=index,
                        earliest_ms=start,
                        latest_ms=start,
                        words=(*pending, word),
                        timed=True,
                    )
                )
                pending = []
            continue
        # Translated (or rewritten) text: lay the words over the span by characters.
        parts = text.split()
        if not parts:
            continue
        span_start = int(max(sentence.start_ms, last))
        span = max(1, int(sentence.end_ms) - span_start)
        total = len(text)
        offset = 0
        for part in parts:
            start = span_start + span * offset // total
            end = span_start + span * (offset + len(part)) // total
            tokens.append(
                _Token(
                    text=part,
                    space=True,
                    start_ms=start,
                    end_ms=max(end, start),
                    sentence=index,
                    earliest_ms=span_start,
                    latest_ms=max(span_start, int(sentence.end_ms)),
                    words=(),
                    # a translated sentence still starts when its speech does: only
                    # the times of its later words are estimates
                    timed=offset == 0,
                )
            )
            offset += len(part) + 1
        last = span_start
    return tokens


# -- units and lines --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Unit:
    """Tokens glued together (no space inside): cues and lines break between units."""

    text: str
    first: int  # index of its first token
    last: int  # index of its last token
    start_ms: int
    end_ms: int
    sentence: int
    language: str
    last_of_sentence: bool


def _units(tokens: Sequence[_Token], sentences: Sequence[Sentence]) -> list[_Unit]:
    groups: list[list[int]] = []
    for k, token in enumerate(tokens):
        if groups and not token.space and tokens[k - 1].sentence == token.sentence:
            groups[-1].append(k)
        else:
            groups.append([k])
    units = []
    for n, group in enumerate(groups):
        first = tokens[group[0]]
        units.append(
            _Unit(
                text="".join(tokens[k].text for k in group),
                first=group[0],
                last=group[-1],
                start_ms=first.start_ms,
                end_ms=max(tokens[k].end_ms for k in group),
                sentence=first.sentence,
                language=sentences[first.sentence].language,
                last_of_sentence=n + 1 == len(groups)
                or tokens[groups[n + 1][0]].sentence != first.sentence,
            )
        )
    return units


def _line_join_cost(before: str, after: str, language: str) -> float:
    """Style cost of a line break between two units (negative: a good place)."""
    cost = _LINE_BREAK[_break_kind(before, after, language)]
    if is_function_word(before, language):
        cost += _LINE_DANGLING
    return cost


def _line_breaks(
    lengths: Sequence[int], joins: Sequence[float], width: int, max_lines: int
) -> tuple[tuple[int, ...], float, int]:
    """Where to break a cue's units into lines: (unit indices starting lines 2.., style
    cost, characters over the line width). `joins[k]` is the cost of breaking before
    unit k. Fewest lines that fit; then balanced, bottom-heavy when unequal."""
    m = len(lengths)
    total = sum(lengths) + m - 1
    if total <= width or max_lines == 1 or m == 1:
        return (), 0.0, max(0, total - width)
    if max_lines == 2:  # the common case, in one pass
        best: tuple[int, float, int] | None = None
        top = -1
        for k in range(1, m):
            top += lengths[k - 1] + 1
            bottom = total - top - 1
            over = max(0, top - width) + max(0, bottom - width)
            style = abs(top - bottom) + joins[k] + (2.0 if top > bottom else 0.0)
            if best is None or (over, style) < (best[2], best[1]):
                best = (k, style, over)
        assert best is not None
        return (best[0],), best[1], best[2]
    found: tuple[tuple[int, ...], float, int] | None = None
    for count in range(2, min(max_lines, m) + 1):
        target = total / count
        inf = (math.inf, math.inf)
        table = [[inf] * (m + 1) for _ in range(count + 1)]
        back = [[0] * (m + 1) for _ in range(count + 1)]
        table[0][0] = (0, 0.0)
        for j in range(1, count + 1):
            for b in range(j, m - (count - j) + 1):
                length = -1
                for a in range(b - 1, j - 2, -1):
                    length += lengths[a] + 1
                    over, style = table[j - 1][a]
                    if over == math.inf:
                        continue
                    over += max(0, length - width)
                    style += abs(length - target) + (joins[a] if a > 0 else 0.0)
                    if (over, style) < table[j][b]:
                        table[j][b] = (over, style)
                        back[j][b] = a
        over, style = table[count][m]
        cuts: list[int] = []
        b = m
        for j in range(count, 1, -1):
            b = back[j][b]
            cuts.append(b)
        candidate = (tuple(reversed(cuts)), style, int(over))
        if found is None or (candidate[2], candidate[1]) < (found[2], found[1]):
            found = candidate
        if over == 0:
            break
    assert found is not None
    return found


def _join_lines(texts: Sequence[str], cuts: Sequence[int]) -> tuple[str, ...]:
    bounds = [0, *cuts, len(texts)]
    return tuple(" ".join(texts[x:y]) for x, y in zip(bounds, bounds[1:], strict=False))


def split_lines(
    text: str, profile: SubtitleProfile = DEFAULT_PROFILE, language: str = "en"
) -> tuple[str, ...]:
    """One line if it fits, else the most balanced break that fits, never after a
    function word, preferring punctuation when nearly as balanced."""
    units = text.split() or [""]
    joins = [0.0] + [
        _line_join_cost(units[k - 1], units[k], language) for k in range(1, len(units))
    ]
    cuts, _, _ = _line_breaks(
        [len(u) for u in units], joins, profile.max_line_chars, profile.max_lines
    )
    return _join_lines(units, cuts)


# -- breaks ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    a: int  # first unit
    b: int  # one past the last unit
    lines: tuple[str, ...]
    need_ms: int


def _labels(
    units: Sequence[_Unit], sentences: Sequence[Sentence], profile: SubtitleProfile
) -> list[str]:
    """The label a cue starting at each unit carries: a turn's first unit's, when the
    profile asks for labels; "" elsewhere."""
    labels = [""] * len(units)
    if profile.speaker_labels:
        for k, unit in enumerate(units):
            speaker = sentences[unit.sentence].speaker
            if k == 0 or speaker != sentences[units[k - 1].sentence].speaker:
                labels[k] = speaker_label(speaker)
    return labels


def _need_ms(chars: int, profile: SubtitleProfile, language: str) -> int:
    reading = math.ceil(chars * 1000 / profile.cps_limit(language))
    return min(profile.max_duration_ms, max(profile.min_duration_ms, reading))


class _Segmenter:
    """The break search over units (see the module docstring)."""

    def __init__(
        self,
        units: list[_Unit],
        sentences: Sequence[Sentence],
        profile: SubtitleProfile,
        end_bound: float,
    ) -> None:
        self.units = units
        self.sentences = sentences
        self.profile = profile
        self.end_bound = end_bound
        n = len(units)
        self.lengths = [len(u.text) for u in units]
        self.cum = [0] * (n + 1)  # cum[b] - cum[a] - 1: length of units a..b-1 with spaces
        for k, length in enumerate(self.lengths):
            self.cum[k + 1] = self.cum[k] + length + 1
        # a cue never spans a change of language or of speaker
        self.run_start = [0] * n
        for k in range(1, n):
            same = units[k].language == units[k - 1].language and (
                sentences[units[k].sentence].speaker == sentences[units[k - 1].sentence].speaker
            )
            self.run_start[k] = self.run_start[k - 1] if same else k
        self.labels = _labels(units, sentences, profile)
        # costs of breaking before unit k: as a line, and as the end of a cue
        self.line_join = [0.0] * (n + 1)
        self.cue_join = [0.0] * (n + 1)
        for k in range(1, n):
            before, after = units[k - 1], units[k]
            self.line_join[k] = _line_join_cost(before.text, after.text, before.language)
            if before.last_of_sentence:
                cost = _BREAK["sentence"]
            else:
                cost = _BREAK[_break_kind(before.text, after.text, before.language)]
                if is_function_word(before.text, before.language):
                    cost += _DANGLING
            pause = min(max(after.start_ms - before.end_ms, 0), 1000)
            self.cue_join[k] = cost - _PAUSE_BONUS_MAX * pause / 1000

    def layout(self, a: int, b: int) -> tuple[tuple[int, ...], float, int, int]:
        """(line cuts as unit indices, style cost, overflow, displayed characters)."""
        p = self.profile
        lengths = self.lengths[a:b]
        label = len(self.labels[a]) + 1 if self.labels[a] else 0  # with its space
        if label:
            lengths = [lengths[0] + label, *lengths[1:]]
        joins = [0.0, *self.line_join[a + 1 : b]]
        cuts, style, over = _line_breaks(lengths, joins, p.max_line_chars, p.max_lines)
        chars = self.cum[b] - self.cum[a] - 1 - len(cuts) + label
        return cuts, style, over, chars

    def plan(self, a: int, b: int) -> _Plan:
        cuts, _, _, chars = self.layout(a, b)
        texts = [u.text for u in self.units[a:b]]
        lines = _join_lines(texts, cuts)
        return _Plan(a, b, lines, _need_ms(chars, self.profile, self.units[a].language))

    def cost(self, a: int, b: int) -> float:
        p, units = self.profile, self.units
        language = units[a].language
        _, cost, over, chars = self.layout(a, b)
        cost += _CUE + over * _VIOLATION
        # reading time: from its first word to the next cue's first word (less the gap),
        # plus half the silence before it, within what the profile allows
        first = units[a].start_ms
        window_end = units[b].start_ms - p.min_gap_ms if b < len(units) else math.inf
        window_end = min(window_end, self.end_bound)
        if a > 0:
            silence = max(0, first - units[a - 1].end_ms - p.min_gap_ms)
            first -= min(silence // 2, p.max_sync_ms)
        available = min(window_end - first, p.max_duration_ms)
        cost += max(0.0, _need_ms(chars, p, language) - available) * _PER_MS_MISSING
        # the session end is a hard limit: leave room for at least one more cue after it
        after = p.min_duration_ms + p.min_gap_ms if b < len(units) else 0
        room = self.end_bound - after - first
        cost += max(0.0, p.min_duration_ms - room) * _PER_MS_TOO_SHORT
        spoken = units[b - 1].end_ms - units[a].start_ms
        cost += max(0, spoken - p.max_duration_ms) * _PER_MS_TOO_LONG
        if b < len(units):
            cost += self.cue_join[b]
        # what it holds
        first_sentence, last_sentence = units[a].sentence, units[b - 1].sentence
        if last_sentence != first_sentence:
            held = range(first_sentence, last_sentence + 1)
            cost += _SENTENCE_INSIDE * (len(held) - 1)
            flags = {(self.sentences[i].low_confidence, self.sentences[i].reviewed) for i in held}
            cost += _MIXED_FLAGS * (len(flags) - 1)
        whole = (a == 0 or units[a - 1].last_of_sentence) and units[b - 1].last_of_sentence
        if not whole:
            cost += _SHORT_FRAGMENT * max(0, 25 - chars)
        return cost

    def segment(self) -> list[_Plan]:
        p = self.profile
        n = len(self.units)
        longest = p.max_chars + p.max_lines - 1  # the text of a full cue, with its spaces
        best = [math.inf] * (n + 1)
        back = [0] * (n + 1)
        best[0] = 0.0
        for b in range(1, n + 1):
            for a in range(b - 1, self.run_start[b - 1] - 1, -1):
                if a < b - 1 and self.cum[b] - self.cum[a] - 1 > longest:
                    break
                cost = best[a] + self.cost(a, b)
                if cost < best[b]:
                    best[b], back[b] = cost, a
        plans: list[_Plan] = []
        b = n
        while b > 0:
            a = back[b]
            plans.append(self.plan(a, b))
            b = a
        return plans[::-1]


# -- timing ------------------------------------------------------------------------------


def _schedule(
    plans: Sequence[_Plan],
    units: Sequence[_Unit],
    tokens: Sequence[_Token],
    profile: SubtitleProfile,
    end_bound: float,
) -> list[tuple[int, int]]:
    """Start and end of every cue: in order, gaps kept, as close to speech as allowed.

    A dynamic programme over the cues, each starting on a grid of `_STEP_MS` within
    `max_sync_ms` of its first word (of its sentence's span for translated text), or
    later still at a high cost. Choosing where cue i starts fixes how long cue i-1 can
    stay (until i starts, less the gap); the programme minimises, in this order: cues
    under the minimum duration, cues under two thirds of their reading time, starts
    beyond the sync tolerance, cues under their reading time, then the distance from
    the speech.
    """
    n = len(plans)
    gap, max_dur, sync = profile.min_gap_ms, profile.max_duration_ms, profile.max_sync_ms
    floor = units[plans[0].a].start_ms
    end = np.inf if end_bound == math.inf else float(end_bound)
    starts: list[np.ndarray] = []  # candidate starts per cue
    drift: list[np.ndarray] = []  # cost of each: distance from the speech
    for plan in plans:
        token = tokens[units[plan.a].first]
        low, high = token.earliest_ms - sync, token.latest_ms + sync
        step = _STEP_MS * max(1, math.ceil((high - low) / _STEP_MS / _MAX_CANDIDATES))
        grid = token.start_ms + step * np.arange(
            -((token.start_ms - low) // step), (high - token.start_ms) // step + 1, dtype=np.int64
        )
        escapes = grid[-1] + _ESCAPE_STEP_MS * np.arange(1, _ESCAPES + 1, dtype=np.int64)
        grid = np.concatenate([grid, escapes])
        offset = grid - token.start_ms
        weight = 1.0 if token.timed else _TEXT_DRIFT
        cost = np.where(offset < 0, -offset * _LEAD_PER_MS, offset * _LAG_PER_MS) * weight
        cost = cost + np.maximum(grid - high, 0) * _OUT_OF_SYNC_PER_MS
        cost = cost + np.where((grid >= floor) & (grid < end), 0.0, _IMPOSSIBLE)
        starts.append(grid)
        drift.append(cost)
    need = [p.need_ms for p in plans]

    def shortfall(held: np.ndarray, i: int) -> np.ndarray:
        """Cost of cue i shown for `held` ms (however long it may stay)."""
        held = np.minimum(held, max_dur)
        want = float(need[i])
        missing = np.clip((want - held) / want, 0.0, None)
        cost = np.where(held < want, _SLOW + _SLOW * missing, 0.0)
        factor = want / np.maximum(held, 1)  # how much faster than the limit
        unreadable = _VERY_SLOW * (1 + _UNREADABLE * np.maximum(factor - 1.5, 0) ** 2)
        cost = np.where(held < math.ceil(want * 2 / 3), cost + unreadable, cost)
        cost = np.where(held < profile.min_duration_ms, cost + _TOO_SHORT, cost)
        return np.where(held < 1, cost + _IMPOSSIBLE, cost)

    total = drift[0]
    back: list[np.ndarray] = [np.zeros(len(starts[0]), dtype=np.int64)]
    for i in range(1, n):
        held = starts[i][None, :] - gap - starts[i - 1][:, None]  # (previous, current)
        options = total[:, None] + shortfall(held, i - 1)
        choice = np.argmin(options, axis=0)
        back.append(choice)
        total = options[choice, np.arange(len(starts[i]))] + drift[i]
    total = total + shortfall(np.minimum(end - starts[-1], max_dur), n - 1)
    k = int(np.argmin(total))
    chosen = [0] * n
    for i in range(n - 1, -1, -1):
        chosen[i] = int(starts[i][k])
        k = int(back[i][k])
    spoken_end = [units[p.b - 1].end_ms for p in plans]

    out: list[tuple[int, int]] = []
    for i in range(n):
        limit = (chosen[i + 1] - gap) if i + 1 < n else end_bound
        limit = min(limit, chosen[i] + max_dur)
        want = max(chosen[i] + need[i], spoken_end[i])
        if limit - want < _CHAIN_MS:
            want = limit
        out.append((chosen[i], int(max(min(want, limit), chosen[i] + 1))))
    return out


# -- cues --------------------------------------------------------------------------------


def build_cues(
    sentences: Sequence[Sentence],
    profile: SubtitleProfile | str = DEFAULT_PROFILE,
    end_ms: int | None = None,
    cache: StageCache | None = None,
) -> tuple[Cue, ...]:
    """Cues for sentences in order, conforming to `profile` wherever the timing allows.

    `end_ms` is the session's end: no cue runs past it, and the last one ends a gap
    before it, so the next session's first cue keeps the gap in a full-recording track.
    With a `cache`, where the cues fall (the costly part: 0.56 s of a 0.96 s re-run of
    the sample event that changed nothing) is kept per track's sentences and profile.
    """
    profile = get_profile(profile)
    tokens = _tokens(sentences)
    if not tokens:
        return ()
    end_bound = _binding_end(tokens, profile, end_ms)
    units = _units(tokens, sentences)

    def layout() -> list[tuple[int, int, tuple[str, ...], int, int]]:
        plans = _Segmenter(units, sentences, profile, end_bound).segment()
        times = _schedule(plans, units, tokens, profile, end_bound)
        return [(p.a, p.b, p.lines, int(a), int(b)) for p, (a, b) in zip(plans, times, strict=True)]

    if cache is None:
        placed = layout()
    else:
        key = stage_key("cues", sentences, profile, None if end_bound == math.inf else end_ms)
        placed = cache.get_or_compute("cues", key, layout, lambda v: v, _as_layout(len(units)))
    cues: list[Cue] = []
    labels = _labels(units, sentences, profile)
    for a, b, lines, start, end in placed:
        plan = _Plan(a, b, tuple(lines), 0)
        first, last = units[plan.a], units[plan.b - 1]
        held = sentences[first.sentence : last.sentence + 1]
        words = tokens[first.first : last.last + 1]
        cues.append(
            Cue(
                start_ms=start,
                end_ms=end,
                lines=plan.lines,
                language=first.language,
                words=tuple(w for t in words for w in t.words),
                low_confidence=any(s.low_confidence for s in held),
                reviewed=all(s.reviewed for s in held),
                origin=_origin(held),
                channel=_channel(held),
                speaker=held[0].speaker,
                label=labels[a],
            )
        )
    return tuple(cues)


def _binding_end(tokens: Sequence[_Token], profile: SubtitleProfile, end_ms: int | None) -> float:
    """The last moment a cue may show, or infinity when the session ends too late to bind
    any cue: later than any cue could start (its latest start, tried late starts and all)
    plus the longest it could stay. Then the cues, and their cache key, do not depend on
    where the session ends, so moving a boundary in a pause re-lays no cue (it re-laid 6
    of the sample's 9 tracks, 0.36 s of a 0.8 s re-run)."""
    if end_ms is None:
        return math.inf
    reach = (
        max(t.latest_ms for t in tokens)
        + profile.max_sync_ms
        + _ESCAPES * _ESCAPE_STEP_MS
        + profile.max_duration_ms
        + 2 * profile.min_duration_ms
        + 2 * profile.min_gap_ms
    )
    end_bound = end_ms - profile.min_gap_ms
    return math.inf if end_bound >= reach else end_bound


def _as_layout(units: int):
    """A decoder of cached cue places: [[a, b, [lines], start, end], ...] over `units`
    units in order; TypeError for anything else (it is then computed again)."""

    def decode(value: Any) -> list[tuple[int, int, tuple[str, ...], int, int]]:
        out = []
        at = 0
        for item in as_list_of(list, value):
            a, b, lines, start, end = item
            if not (at == a < b <= units and start <= end) or not all(
                isinstance(x, str) for x in lines
            ):
                raise TypeError("cached cue places do not fit the track")
            out.append((int(a), int(b), tuple(lines), int(start), int(end)))
            at = b
        if at != units:
            raise TypeError("cached cue places do not cover the track")
        return out

    return decode


def _origin(held: Sequence[Sentence]) -> str:
    """A cue's origin: its sentences' one, else the one of most of its text."""
    chars: dict[str, int] = {}
    for s in held:
        chars[s.origin] = chars.get(s.origin, 0) + len(s.text)
    return max(chars, key=chars.get)


def _channel(held: Sequence[Sentence]) -> Interpretation | None:
    """The interpreter channel of an interpreted cue's text (None for any other)."""
    return next((s.channel for s in held if s.origin == "interpretation" and s.channel), None)


def cue_track(
    track: SessionTrack,
    profile: SubtitleProfile | str,
    corrected: Sequence[Cue] = (),
    cache: StageCache | None = None,
) -> SessionTrack:
    """The cues stage for one track: a person's corrected cues as they were written,
    else cues cut from the track's sentences under `profile`, ending before the
    session does. A corrected cue the person left unreviewed is still unsure where
    the text under it is (so it is still counted as awaiting review)."""
    if corrected:
        return replace(track, cues=tuple(_still_unsure(c, track.sentences) for c in corrected))
    return replace(track, cues=build_cues(track.sentences, profile, track.session.end_ms, cache))


def _still_unsure(cue: Cue, sentences: Sequence[Sentence]) -> Cue:
    if cue.reviewed:
        return cue
    unsure = any(
        s.low_confidence
        and not s.reviewed
        and overlap_ms((cue.start_ms, cue.end_ms), (s.start_ms, s.end_ms))
        for s in sentences
    )
    return replace(cue, low_confidence=unsure)
