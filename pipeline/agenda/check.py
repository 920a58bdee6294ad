"""Agenda boundaries checked against what was said.

Sessions overrun and speakers start late, so an agenda's boundary is a guess; what
was said tells where it really is: a long pause, the language changing from the one
spoken before the boundary to the one spoken after it (each session as the boundaries
would cut it mostly in one language, and in its declared language if it has one), the
main voice of one session falling silent or the next one's starting, the next item's
title or speaker named around it. Each boundary between two sessions of a recording
is looked for within `WINDOW_MS` of its agenda time; every pause with more than its
length to say for it is a candidate, and the boundaries are chosen together, in
order, for the best total score; a boundary keeps its agenda time when nothing but a
pause says otherwise. Measured by tools/agenda_offsets.py (`make eval`): on 19
minutes of real speech in four sessions, agendas off by 30-120 s at each boundary.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pipeline.types import Segment, Session

WINDOW_MS = 150_000  # how far from its agenda time a boundary is looked for
MIN_PAUSE_MS = 1000  # a shorter silence between words is not where sessions change...
# ...unless the voices change there: Whisper stretches a talk's last word over the
# silence after it (a 1 s gap between two talks read as 0.87 s)
TURN_PAUSE_MS = 300
CONTEXT_MS = 20_000  # speech heard on each side to tell its language
SPAN_MS = 10_000  # a session as the neighbouring boundaries cut it, if at least this long
MENTION_MS = 30_000  # a name said this soon after a pause announces what follows it
MIN_SCORE = 2.0  # below this, the agenda time is kept
ROUNDS = 3  # boundaries chosen again from the ones chosen, at most this often
NEXT_WORDS = 6  # the words on each side of a cut that must be in its languages
# Without an agenda, a boundary is suggested where 45 s of speech mostly (80 %) in one
# language are followed by 45 s mostly in another.
SUSTAINED_MS = 45_000
SUSTAINED_SHARE = 0.8

# Score of a pause: its length (up to 5 s, in seconds), plus these, less one per minute
# away from the agenda time.
# The language is the stronger evidence: a session of several readers changes voice
# at every reading, and its main voice need not be the first heard (on the sample
# event the voices alone pointed 16 s past a change of language; on
# tools/agenda_offsets.py, 14 s).
LANGUAGE_CHANGE = 6.0  # from the language before the boundary to the one after it
SPEAKER_CHANGE = 4.0  # the main voice before it falls silent there, or the one after starts
MENTION = 2.0  # the next item's speaker or title said
ELSEWHERE = 0.1  # a main voice heard less than this share of its time on the other side


@dataclass(frozen=True)
class BoundaryCheck:
    before: Session
    after: Session
    agenda_ms: int
    suggested_ms: int  # == agenda_ms when nothing says otherwise
    reasons: tuple[str, ...] = ()
    applied: bool = False  # the run moved the boundary there (--align-agenda)

    @property
    def moved(self) -> bool:
        return self.suggested_ms != self.agenda_ms

    @property
    def move(self) -> tuple[int, int, int]:
        """What `aligned` takes: the sessions it separates, and where it is suggested."""
        return self.before.index, self.after.index, self.suggested_ms


@dataclass(frozen=True)
class _Word:
    start_ms: int
    end_ms: int
    text: str
    language: str


def check_boundaries(
    sessions: Sequence[Session],
    segments: Sequence[Segment],
    turns: Sequence[tuple[int, int, int]] = (),
) -> tuple[BoundaryCheck, ...]:
    """A check for every boundary between consecutive sessions of one recording, from
    the recording's transcribed `segments` (recording time, original speech) and its
    speaker `turns` ((start ms, end ms, speaker number), from the speakers stage).

    The boundaries are chosen together, in order (`_in_order`): checked one after
    the other, a boundary whose agenda time is 90 s late took the next one's change
    of language, 185 s away, and every later boundary followed it (tools/
    agenda_offsets.py). Each boundary's evidence depends on where its neighbours
    are (what each session holds), so the choice is made again from the boundaries
    chosen until it settles (two or three rounds)."""
    ordered = sorted(sessions, key=lambda s: s.start_ms)
    if len(ordered) < 2:
        return ()
    evidence = _Evidence(_words(segments), _Voices(turns))
    cuts = [s.start_ms for s in ordered[1:]]
    chosen: list[_Candidate] = []
    for _ in range(ROUNDS):
        edges = [ordered[0].start_ms, *cuts, ordered[-1].end_ms]
        chosen = _in_order([
            evidence.candidates(ordered[i], ordered[i + 1], edges[i], edges[i + 2],
                                (ordered[0].start_ms, ordered[-1].end_ms))
            for i in range(len(cuts))
        ])  # fmt: skip
        if [c.at for c in chosen] == cuts:
            break
        cuts = [c.at for c in chosen]
    return tuple(
        BoundaryCheck(before, after, after.start_ms, c.at, c.reasons)
        for before, after, c in zip(ordered[:-1], ordered[1:], chosen, strict=True)
    )


def aligned(sessions: Sequence[Session], moves: Iterable[tuple[int, int, int]]) -> list[Session]:
    """The sessions with each boundary moved: (index of the session it ends, index of
    the session it starts, where it goes in ms)."""
    moves = list(moves)
    moved = {after: at for _, after, at in moves}
    ends = {before: at for before, _, at in moves}
    return [
        replace(s, start_ms=moved.get(s.index, s.start_ms), end_ms=ends.get(s.index, s.end_ms))
        for s in sessions
    ]


def suggest_boundaries(session: Session, segments: Sequence[Segment]) -> tuple[int, ...]:
    """Where a recording without an agenda seems to change session: pauses where the
    language changes and each side holds SUSTAINED_MS of speech mostly in its own
    language (a panel that switches language every sentence is one session)."""
    words = _words(segments)
    language = _Languages(words)
    found: list[tuple[float, int]] = []  # (score, where)
    for left, right in zip(words, words[1:], strict=False):
        pause = right.start_ms - left.end_ms
        at = right.start_ms
        if pause < MIN_PAUSE_MS or not session.start_ms < at < session.end_ms:
            continue
        was = language(at - SUSTAINED_MS, at)
        now = language(at, at + SUSTAINED_MS)
        kept = language.share(at - SUSTAINED_MS, at, was)
        then = language.share(at, at + SUSTAINED_MS, now)
        if was != now and min(kept, then) >= SUSTAINED_SHARE:
            # the longest pause and the cleanest cut win among neighbouring candidates
            found.append((min(pause, 5000) / 1000 + 5 * (kept + then), at - min(pause // 2, 1000)))
    chosen: list[int] = []
    for _, at in sorted(found, reverse=True):
        if all(abs(at - other) >= SUSTAINED_MS for other in chosen):
            chosen.append(at)
    return tuple(sorted(chosen))


def _words(segments: Sequence[Segment]) -> list[_Word]:
    """Every word said, in time order, with the language of its segment."""
    return sorted(
        (_Word(w.start_ms, w.end_ms, w.text, s.language) for s in segments for w in s.words),
        key=lambda w: w.start_ms,
    )


@dataclass(frozen=True)
class _Candidate:
    at: int  # where the boundary would go
    score: float
    reasons: tuple[str, ...] = ()  # () for the agenda's own time


class _Evidence:
    """What was said around each pause: the words, their languages, the voices."""

    def __init__(self, words: list[_Word], voices: _Voices) -> None:
        self.words = words
        self.language = _Languages(words)
        self.voices = voices

    def candidates(
        self, before: Session, after: Session, begin: int, end: int, bounds: tuple[int, int]
    ) -> list[_Candidate]:
        """Where the boundary between `before` and `after` could be: the agenda time
        (scored MIN_SCORE, what a pause must beat) and each pause within WINDOW_MS of
        it with more than its length to say for it. `begin` and `end` are where the
        neighbouring boundaries are taken to be: what each session would hold."""
        agenda = after.start_ms
        low = max(bounds[0] + MIN_PAUSE_MS, agenda - WINDOW_MS)
        high = min(bounds[1] - MIN_PAUSE_MS, agenda + WINDOW_MS)
        names = _names(after)
        edge = self.voices.edge(begin, agenda, end)
        words, language = self.words, self.language
        out = [_Candidate(agenda, MIN_SCORE)]
        first_word = max(1, bisect_left(language.starts, low))  # only the window's words
        last_word = bisect_right(language.starts, high)
        for left, right in zip(words[first_word - 1 :], words[first_word:last_word], strict=False):
            pause = right.start_ms - left.end_ms
            if pause < TURN_PAUSE_MS or not low <= right.start_ms <= high:
                continue
            cut = right.start_ms
            first = begin if begin < cut - SPAN_MS else cut - CONTEXT_MS * 3
            last = end if end > cut + SPAN_MS else cut + CONTEXT_MS * 3
            turn = self.voices.change(edge, first, left, right, last)
            if pause < MIN_PAUSE_MS and not turn:
                continue
            at = cut - min(pause // 2, 1000)  # just before the speech resumes
            score = min(pause, 5000) / 1000 - abs(at - agenda) / 60_000
            reasons = [f"a pause of {pause / 1000:.1f} s"]
            was, now = language(cut - CONTEXT_MS, cut), language(cut, cut + CONTEXT_MS)
            if (
                was and now and was != now
                and language.next_to(cut, before=True) == was  # the change is here,
                and language.next_to(cut, before=False) == now  # not a sentence away
                and was == language(first, cut) and now == language(cut, last)
                and before.language in (None, was) and after.language in (None, now)
            ):  # fmt: skip
                score += LANGUAGE_CHANGE
                reasons.append(f"the language changes from {was} to {now}")
            if turn:
                score += SPEAKER_CHANGE
                reasons.append(turn)
            said = _mentioned(words, names, at, at + MENTION_MS)  # announced after it
            if said:
                score += MENTION
                reasons.append(f"{said!r} is said")
            if len(reasons) >= 2 and score > MIN_SCORE and abs(at - agenda) >= MIN_PAUSE_MS:
                out.append(_Candidate(at, score, tuple(reasons)))  # not a pause alone:
        return out  # talks pause for slides, questions, water


def _in_order(options: Sequence[list[_Candidate]]) -> list[_Candidate]:
    """One candidate per boundary, each later than the one before, with the highest
    total score (dynamic programming over the boundaries; each boundary's agenda
    time is always a candidate, so an order exists)."""
    best: list[list[tuple[float, int]]] = []  # per boundary, per candidate: (total, from)
    for i, here in enumerate(options):
        if i == 0:
            best.append([(c.score, -1) for c in here])
            continue
        previous = options[i - 1]
        row = []
        for c in here:
            earlier = [(best[i - 1][k][0], k) for k, p in enumerate(previous) if p.at < c.at]
            total, k = max(earlier, default=(float("-inf"), -1))
            row.append((total + c.score, k))
        best.append(row)
    j = max(range(len(best[-1])), key=lambda j: best[-1][j][0])
    chosen = []
    for i in range(len(options) - 1, -1, -1):
        chosen.append(options[i][j])
        j = best[i][j][1]
    return chosen[::-1]


class _Languages:
    """Which language most words between two times are in, in O(languages) per ask."""

    def __init__(self, words: Sequence[_Word]) -> None:
        self.starts = [w.start_ms for w in words]
        self.counts: dict[str, list[int]] = {}
        for lang in {w.language for w in words}:
            running, total = [0], 0
            for w in words:
                total += w.language == lang
                running.append(total)
            self.counts[lang] = running

    def share(self, start: int, end: int, lang: str) -> float:
        """The share of the words between `start` and `end` that are in `lang`."""
        i, j = bisect_left(self.starts, start), bisect_left(self.starts, end)
        counts = self.counts.get(lang)
        return (counts[j] - counts[i]) / (j - i) if counts and j > i else 0.0

    def next_to(self, t: int, before: bool) -> str:
        """The language of most of the NEXT_WORDS words just before (or after) `t`."""
        i = bisect_left(self.starts, t)
        i, j = (max(0, i - NEXT_WORDS), i) if before else (i, i + NEXT_WORDS)
        return self._most(i, min(j, len(self.starts)))

    def __call__(self, start: int, end: int) -> str:
        return self._most(bisect_left(self.starts, start), bisect_left(self.starts, end))

    def _most(self, i: int, j: int) -> str:
        said = {lang: c[j] - c[i] for lang, c in self.counts.items() if c[j] > c[i]}
        return max(sorted(said), key=said.__getitem__) if said else ""


class _Voices:
    """Who speaks when, to tell where the main voice of a session falls silent or the
    next session's main voice starts (a panel's many voices change at every answer;
    that alone says nothing)."""

    def __init__(self, turns: Sequence[tuple[int, int, int]]) -> None:
        self.turns = sorted(turns)  # in order, not overlapping (the speakers stage's)
        self.starts = [a for a, _, _ in self.turns]

    def _between(self, start: int, end: int) -> Sequence[tuple[int, int, int]]:
        first = max(0, bisect_left(self.starts, start) - 1)  # a turn running into `start`
        return self.turns[first : bisect_left(self.starts, end)]

    def talk(self, start: int, end: int) -> dict[int, int]:
        out: dict[int, int] = {}
        for a, b, who in self._between(start, end):
            ms = min(b, end) - max(a, start)
            if ms > 0:
                out[who] = out.get(who, 0) + ms
        return out

    def at(self, t: int) -> int | None:
        """The voice of the turn nearest `t` (within a second)."""
        near = [
            (0 if a <= t < b else min(abs(a - t), abs(b - t)), who)
            for a, b, who in self._between(t - 1000, t + 1000)
        ]
        distance, who = min(near, default=(None, None))
        return who if distance is not None and distance <= 1000 else None

    def edge(self, begin: int, agenda: int, end: int) -> tuple[str, int] | None:
        """Which voice's edge marks the boundary: the voice heard most in the agenda's
        session before it, if it talks more there than the main voice of the session
        after does in its own ("ends"), else that one ("starts"). Only the stronger
        main voice counts: the other session's many voices (a panel, readers) change
        at every answer, which says nothing about where the session changes."""
        first, second = self.talk(begin, agenda), self.talk(agenda, end)
        if not first and not second:
            return None
        main_first = max(first, key=first.get) if first else None
        main_second = max(second, key=second.get) if second else None
        if main_first is not None and first[main_first] >= second.get(main_second, 0):
            return "ends", main_first
        return "starts", main_second

    def change(
        self, edge: tuple[str, int] | None, begin: int, last: _Word, first: _Word, end: int
    ) -> str:
        """Why a cut between the words `last` and `first` is a change of session, ""
        when the voices say nothing: the main voice before (see `edge`) says `last`
        and (almost) never speaks after the cut until `end`, or the main voice after
        says `first` and (almost) never spoke before it since `begin`. Each word's
        voice is the one at its middle (Whisper stretches a last word over the pause
        after it)."""
        if edge is None:
            return ""
        cut = first.start_ms
        was = self.at((last.start_ms + last.end_ms) // 2)
        now = self.at((first.start_ms + first.end_ms) // 2)
        if was is None or now is None or was == now:
            return ""
        side, voice = edge
        before, after = self.talk(begin, cut), self.talk(cut, end)
        if side == "ends" and was == voice and after.get(voice, 0) < ELSEWHERE * before[voice]:
            return f"Speaker {voice}, heard most before it, speaks no more after it"
        if side == "starts" and now == voice and before.get(voice, 0) < ELSEWHERE * after[voice]:
            return f"Speaker {voice}, heard most after it, is first heard here"
        return ""


def _names(session: Session) -> tuple[str, ...]:
    """What a moderator would say to announce the session: its speakers' names (each
    name of four letters or more) and its title's longer words."""
    people = [part for s in session.speakers for part in s.split(",")[0].split()]
    title = [w for w in session.title.split() if len(fold(w)) >= 7]
    return tuple(dict.fromkeys(n for n in [*people, *title] if len(fold(n)) >= 4))


def fold(text: str) -> str:
    """Lower case, no accents, letters and digits only: how a name is compared."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if c.isalnum())


def _mentioned(words: list[_Word], names: Sequence[str], start: int, end: int) -> str:
    targets = {fold(n): n for n in names}
    i = bisect_left(words, start, key=lambda w: w.start_ms)
    while i < len(words) and words[i].start_ms < end:
        if fold(words[i].text) in targets:
            return targets[fold(words[i].text)]
        i += 1
    return ""
