"""Names for numbered voices, and every word labelled with its speaker.

A voice is "Speaker N" (numbered by when it is first heard in the event) until the
organiser names it: a session's `voices = {"Speaker 2" = "Jens Wretling"}` in the
manifest names that voice in every session of the event (one person, one name); a
session that lists exactly one speaker gives that name to the voice heard most in it,
unless the manifest named that voice already. Two voices given one name are one person
(the way to merge a speaker the clustering split).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from pipeline.speakers.turns import Turn
from pipeline.types import Segment, Session

LABEL = "Speaker {}"


def speaker_names(
    turns: Sequence[Turn],
    sessions: Sequence[Session],
    named_in: Sequence[Session] = (),
    renamed: Sequence[tuple[str, str]] = (),
) -> dict[int, str]:
    """Speaker number -> name for every number in `turns` (the turns of `sessions`).
    `renamed`: ("Speaker 2", name) a person gave in the editor, first of all;
    `named_in`: the sessions whose `voices` count (default `sessions`; give the event's,
    since a voice keeps its number in every recording). The first name given to a
    voice holds (see `voice_problems`)."""
    names = {t.speaker: LABEL.format(t.speaker) for t in turns}
    given: dict[int, str] = {}
    for label, name in renamed:
        given.setdefault(_number(label), name)
    for session in named_in or sessions:
        for label, name in session.voices:
            given.setdefault(_number(label), name)
    for session in sessions:
        if len(session.speakers) != 1:
            continue
        talk = talk_time(turns, session)
        if talk:
            given.setdefault(max(talk, key=talk.get), session.speakers[0])
    names.update({n: name for n, name in given.items() if n in names})
    return names


def voice_problems(
    sessions: Sequence[Session],
    heard: Iterable[int],
    renamed: Sequence[tuple[str, str]] = (),
    renamed_in: str = "the editor's names",
) -> tuple[str, ...]:
    """One line per voice the manifest (or the editor's names, `renamed`, kept in
    `renamed_in`) names that was not heard anywhere in the event (a typo, or a number
    from another run), and per voice the manifest names twice differently."""
    heard = set(heard)
    given: dict[int, tuple[str, Session]] = {}
    problems: list[str] = [
        f"{renamed_in}: names {label!r}, but no such voice was heard (voices: {_heard(heard)})"
        for label, _ in renamed
        if _number(label) not in heard
    ]
    for session in sessions:
        where = f"session {session.index} ({session.title!r})"
        for label, name in session.voices:
            number = _number(label)
            if number not in heard:
                problems.append(
                    f"{where}: voices names {label!r}, but no such voice was heard "
                    f"(voices: {_heard(heard)})"
                )
            elif number in given and given[number][0] != name:
                first_name, first = given[number]
                problems.append(
                    f"{where}: {label} is named {name!r} here and {first_name!r} in session "
                    f"{first.index}; kept {first_name!r}"
                )
            else:
                given.setdefault(number, (name, session))
    return tuple(problems)


def _number(label: str) -> int:
    return int(label.split()[-1])  # "Speaker 2" (the manifest reader checked the form)


def _heard(numbers: Iterable[int]) -> str:
    return ", ".join(LABEL.format(n) for n in sorted(numbers)) or "none"


def talk_time(turns: Sequence[Turn], session: Session) -> dict[int, int]:
    """Milliseconds each speaker number speaks within the session."""
    out: dict[int, int] = {}
    for t in turns:
        ms = min(t.end_ms, session.end_ms) - max(t.start_ms, session.start_ms)
        if ms > 0:
            out[t.speaker] = out.get(t.speaker, 0) + ms
    return out


def label_words(
    segments: Sequence[Segment],
    turns: Sequence[Turn],
    names: Mapping[int, str],
    overlaps: Sequence[tuple[int, int]] = (),
) -> tuple[Segment, ...]:
    """Every word with the name of the speaker whose turn holds its middle, or of the
    nearest turn when it falls in a pause between turns; and marked `overlap` when
    its middle falls where two people speak at once (`overlaps`, ms, in order)."""
    if not turns:
        return tuple(segments)
    ends = [b for _, b in overlaps]
    starts = [t.start_ms for t in turns]
    out = []
    at = 0
    for segment in segments:
        words = []
        for word in segment.words:
            middle = (word.start_ms + word.end_ms) / 2
            while at + 1 < len(turns) and starts[at + 1] <= middle:
                at += 1
            while at > 0 and starts[at] > middle:
                at -= 1
            turn = _nearest(turns, at, middle)
            k = bisect_right(ends, middle)
            both = k < len(overlaps) and overlaps[k][0] <= middle
            words.append(replace(word, speaker=names[turn.speaker], overlap=both))
        out.append(replace(segment, words=tuple(words)))
    return tuple(out)


def _nearest(turns: Sequence[Turn], at: int, middle: float) -> Turn:
    here = turns[at]
    if here.start_ms <= middle < here.end_ms or at + 1 >= len(turns):
        return here
    after = turns[at + 1]
    if middle < here.start_ms:  # before the first turn
        return here
    return here if middle - here.end_ms <= after.start_ms - middle else after
