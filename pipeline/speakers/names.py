"""Names for numbered voices, and every word labelled with its speaker.

A voice is "Speaker N" (numbered by when it is first heard in the event) until the
organiser names it: a session's `voices = {"Speaker 2" = "Jens Wretling"}` in the
manifest names that voice in every session of the event (one person, one name); a
session that lists exactly one speaker gives that name to the voice heard most in it,
unless the manifest named that voice already. Two voices given one name are one person
(the way to merge a speaker the clustering split).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from pipeline.speakers.turns import Turn
from pipeline.types import Segment, Session

LABEL = "Speaker {}"


def speaker_names(
    turns: Sequence[Turn], sessions: Sequence[Session]
) -> tuple[dict[int, str], tuple[str, ...]]:
    """Speaker number -> name for every number in `turns`; and what did not fit (a
    voice named twice differently), one line each."""
    names = {t.speaker: LABEL.format(t.speaker) for t in turns}
    given: dict[int, tuple[str, Session]] = {}
    problems: list[str] = []
    for session in sessions:
        for label, name in session.voices:
            number = int(label.split()[-1])
            if number not in names:
                problems.append(
                    f"session {session.index} ({session.title!r}): voices names {label!r}, "
                    f"but no such voice was heard (voices: {_heard(names)})"
                )
            elif number in given and given[number][0] != name:
                first = given[number][1]
                problems.append(
                    f"session {session.index} ({session.title!r}): {label} is named "
                    f"{name!r} here and {given[number][0]!r} in session {first.index}; "
                    f"kept {given[number][0]!r}"
                )
            else:
                given.setdefault(number, (name, session))
    for session in sessions:
        if len(session.speakers) != 1:
            continue
        talk = talk_time(turns, session)
        if talk:
            most = max(talk, key=talk.get)
            if most not in given:
                given[most] = (session.speakers[0], session)
    names.update({n: name for n, (name, _) in given.items()})
    return names, tuple(problems)


def _heard(names: Mapping[int, str]) -> str:
    return ", ".join(LABEL.format(n) for n in sorted(names)) or "none"


def talk_time(turns: Sequence[Turn], session: Session) -> dict[int, int]:
    """Milliseconds each speaker number speaks within the session."""
    out: dict[int, int] = {}
    for t in turns:
        ms = min(t.end_ms, session.end_ms) - max(t.start_ms, session.start_ms)
        if ms > 0:
            out[t.speaker] = out.get(t.speaker, 0) + ms
    return out


def label_words(
    segments: Sequence[Segment], turns: Sequence[Turn], names: Mapping[int, str]
) -> tuple[Segment, ...]:
    """Every word with the name of the speaker whose turn holds its middle, or of the
    nearest turn when it falls in a pause between turns."""
    if not turns:
        return tuple(segments)
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
            words.append(replace(word, speaker=names[turn.speaker]))
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
