"""The interpreter as a translation source: which floor sentences each interpreted
sentence renders, how far behind the interpreter ran, and the text per stretch.

Interpreters run 2-4 s behind the speaker, the lag changes from sentence to sentence,
and they split and merge sentences as they go. So the channel's sentences are aligned
to the floor's by a monotonic dynamic programme over both sequences: a pair (or a
group of up to three on one side) scores by how much its text resembles the machine
translation of the floor (character n-gram F-score, as chrF: names, numbers and
cognates survive any translation) plus how plausible its lag is. A floor sentence
the interpreter did not render keeps its machine translation; a channel sentence
that renders nothing (the interpreter relaying the floor, an aside) is dropped.

Interpreted sentences are timed to the floor sentences they render, so subtitles
appear while the speaker speaks, not 3 s later when the interpreter does.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from pipeline.sentences import build_sentences
from pipeline.timecode import overlap_ms
from pipeline.types import ChannelTranscript, Interpretation, Sentence

INTERPRETATION_ENGINE = "whisper (interpretation)"

MIN_LAG_MS = -1000  # an interpreter who anticipates the end of a sentence
MAX_LAG_MS = 10_000
USUAL_LAG_MS = (1000, 5000)  # where the timing score is full
MAX_GROUP = 3  # sentences on one side of a match (split or merged by the interpreter)
TIMING_WEIGHT = 0.25
THRESHOLD = 0.2  # a match must beat this to be preferred to leaving both unmatched
# a channel sentence this close to floor speech in its own language relays the floor
RELAY_SIMILARITY = 0.6


@dataclass(frozen=True)
class Rendering:
    """Floor sentences `floor` rendered by the channel's sentences `heard` (indices)."""

    floor: tuple[int, ...]
    heard: tuple[int, ...]
    lag_ms: int
    score: float


# -- text similarity ----------------------------------------------------------------


def _letters(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", text)


def _profile(text: str, max_n: int = 6) -> tuple[Counter, ...]:
    letters = _letters(text)
    return tuple(
        Counter(letters[i : i + n] for i in range(len(letters) - n + 1))
        for n in range(1, max_n + 1)
    )


def _fscore(a: tuple[Counter, ...], b: tuple[Counter, ...], beta: float = 1.0) -> float:
    precisions, recalls = [], []
    for ca, cb in zip(a, b, strict=True):
        total_a, total_b = sum(ca.values()), sum(cb.values())
        if not total_a or not total_b:
            continue
        hit = sum((ca & cb).values())
        precisions.append(hit / total_a)
        recalls.append(hit / total_b)
    if not precisions:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if p + r == 0:
        return 0.0
    return (1 + beta**2) * p * r / (beta**2 * p + r)


def chrf(hypothesis: str, reference: str, beta: float = 2.0) -> float:
    """chrF (character 1-6-grams, whitespace ignored), 0-1: 0.47 for Apertium on FLORES-200."""
    return _fscore(_profile(hypothesis), _profile(reference), beta)


# -- alignment ----------------------------------------------------------------------


def _timing(lag_ms: int) -> float:
    """1 for a usual lag, falling to 0 at the edges of the plausible range."""
    low, high = USUAL_LAG_MS
    if lag_ms < MIN_LAG_MS or lag_ms > MAX_LAG_MS:
        return 0.0
    if lag_ms < low:
        return (lag_ms - MIN_LAG_MS) / (low - MIN_LAG_MS)
    if lag_ms > high:
        return (MAX_LAG_MS - lag_ms) / (MAX_LAG_MS - high)
    return 1.0


def align(
    floor: Sequence[Sentence], guides: Sequence[str], heard: Sequence[Sentence]
) -> tuple[Rendering, ...]:
    """Monotonic many-to-one / one-to-many alignment of `heard` (the channel's
    sentences) to `floor` (time order both); `guides[i]` is floor sentence i in the
    channel's language (its machine translation), what the interpreter's text is
    compared with."""
    n, m = len(floor), len(heard)
    if not n or not m:
        return ()
    guide_text = list(guides)
    heard_text = [s.text for s in heard]
    profiles: dict[tuple[str, int, int], tuple[Counter, ...]] = {}

    def profile(side: str, i: int, k: int) -> tuple[Counter, ...]:
        key = (side, i, k)
        if key not in profiles:
            texts = guide_text if side == "f" else heard_text
            profiles[key] = _profile(" ".join(texts[i : i + k]))
        return profiles[key]

    def gain(i: int, a: int, j: int, b: int) -> float | None:
        lag = heard[j].start_ms - floor[i].start_ms
        end_lag = heard[j + b - 1].end_ms - floor[i + a - 1].end_ms
        if not (MIN_LAG_MS <= lag <= MAX_LAG_MS) or end_lag < MIN_LAG_MS * 2:
            return None
        score = _fscore(profile("f", i, a), profile("h", j, b)) + TIMING_WEIGHT * _timing(lag)
        return score - THRESHOLD if score > THRESHOLD else None

    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    groups = [(1, 1)] + [(a, 1) for a in range(2, MAX_GROUP + 1)]
    groups += [(1, b) for b in range(2, MAX_GROUP + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == neg:
                continue
            if i < n and here > best[i + 1][j]:
                best[i + 1][j], back[i + 1][j] = here, (1, 0, 0.0)
            if j < m and here > best[i][j + 1]:
                best[i][j + 1], back[i][j + 1] = here, (0, 1, 0.0)
            if i == n or j == m:
                continue
            # a channel sentence far ahead of this floor sentence cannot render it
            if heard[j].start_ms - floor[i].start_ms > MAX_LAG_MS:
                continue
            for a, b in groups:
                if i + a > n or j + b > m:
                    continue
                g = gain(i, a, j, b)
                if g is not None and here + g > best[i + a][j + b]:
                    best[i + a][j + b], back[i + a][j + b] = here + g, (a, b, g)
    out: list[Rendering] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        a, b, g = step
        i, j = i - a, j - b
        if a and b:
            out.append(
                Rendering(
                    floor=tuple(range(i, i + a)),
                    heard=tuple(range(j, j + b)),
                    lag_ms=heard[j].start_ms - floor[i].start_ms,
                    score=round(g + THRESHOLD, 3),
                )
            )
    return tuple(reversed(out))


# -- the channel as a source --------------------------------------------------------


def channel_sentences(
    channel: ChannelTranscript, spoken: Sequence[Sentence]
) -> tuple[Sentence, ...]:
    """The channel's sentences, without the ones that only relay the floor: where the
    floor speaks the channel's language (`spoken`), the interpreter falls silent or
    passes the floor through, and its text must not appear twice."""
    heard = build_sentences(channel.segments)
    return tuple(s for s in heard if not _relays(s, spoken))


def _relays(sentence: Sentence, spoken: Sequence[Sentence]) -> bool:
    length = max(1, sentence.end_ms - sentence.start_ms)
    for floor in spoken:
        if floor.start_ms > sentence.end_ms + MAX_LAG_MS:
            break
        heard = (floor.start_ms, floor.end_ms + 1000)
        if overlap_ms((sentence.start_ms, sentence.end_ms), heard) > length / 2:
            return True
        near = abs(sentence.start_ms - floor.start_ms) <= MAX_LAG_MS
        if near and chrf(sentence.text, floor.text, beta=1.0) >= RELAY_SIMILARITY:
            return True
    return False


def interpreted_sentences(
    floor: Sequence[Sentence],
    machine: Sequence[Sentence],
    heard: Sequence[Sentence],
    channel: Interpretation,
) -> tuple[Sentence, ...]:
    """`floor` (sentences in other languages than the channel's, time order) in the
    channel's language: the interpreter's words where a channel sentence renders them,
    timed over the floor sentences; `machine[i]` (floor[i] machine-translated) where
    the interpreter said nothing that renders floor[i]."""
    renderings = _absorb_merged(align(floor, [s.text for s in machine], heard), floor, heard)
    out: list[Sentence] = list(machine)
    taken: set[int] = set()
    for r in renderings:
        first, last = floor[r.floor[0]], floor[r.floor[-1]]
        text = " ".join(heard[k].text.strip() for k in r.heard)
        # as long as the floor took, or the interpreter if longer: the text was spoken
        # in that time, so it can be read in it (the next sentence still comes first)
        spoken = heard[r.heard[-1]].end_ms - heard[r.heard[0]].start_ms
        sentence = Sentence(
            start_ms=first.start_ms,
            end_ms=max(last.end_ms, first.start_ms + spoken, first.start_ms + 1),
            text=text,
            language=channel.language,
            source_language=first.language,
            source_text=" ".join(floor[k].text for k in r.floor),
            engine=INTERPRETATION_ENGINE,
            low_confidence=any(heard[k].low_confidence for k in r.heard),
            origin="interpretation",
            channel=channel,
            lag_ms=r.lag_ms,
            speaker=first.speaker,  # the interpreter speaks for the person on the floor
        )
        out[r.floor[0]] = sentence
        taken.update(r.floor[1:])
    return tuple(s for i, s in enumerate(out) if i not in taken)


def _absorb_merged(
    renderings: Sequence[Rendering], floor: Sequence[Sentence], heard: Sequence[Sentence]
) -> tuple[Rendering, ...]:
    """A floor sentence left unmatched right after a rendered one, while the
    interpreter was still speaking that rendering when its own would have begun, was
    folded into it ("¿Cierto?" after a question rendered as "..., does it?"): it
    belongs to that rendering, not to a machine translation shown beside it."""
    out: list[Rendering] = []
    matched = {i for r in renderings for i in r.floor}
    for r in renderings:
        nxt = r.floor[-1] + 1
        spoken_until = heard[r.heard[-1]].end_ms
        while (
            nxt < len(floor)
            and nxt not in matched
            and floor[nxt].start_ms + r.lag_ms < spoken_until
        ):
            r = Rendering(r.floor + (nxt,), r.heard, r.lag_ms, r.score)
            matched.add(nxt)
            nxt += 1
        out.append(r)
    return tuple(out)


def median_lag(sentences: Sequence[Sentence]) -> int | None:
    """The median lag of interpreted sentences; None when there are none."""
    lags = [s.lag_ms for s in sentences if s.origin == "interpretation" and s.lag_ms is not None]
    return int(median(lags)) if lags else None
