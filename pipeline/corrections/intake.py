"""Take a person's corrected subtitle file (`webconf correct`): check it is what it
claims to be, then save it as corrections of its session(s), in recording time.

Accepted: the session's own file in the language given (session time, as the
pipeline writes `NN-session/<lang>.vtt`), or the full-recording track of the
session's recording (`<stem>.<lang>.vtt`, recording time), which is split into its
sessions. Refused, with one line and nothing saved: another language's file, another
session's, a chapters track, a file whose cues run past the session, no cues.
Cues a person left as the published file had them are kept unreviewed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.corrections.store import hand_placed_cues, write_correction
from pipeline.errors import SubtitleError
from pipeline.languages import language_name
from pipeline.subtitles.profiles import speaker_label
from pipeline.subtitles.reader import decode, read_subtitles
from pipeline.timecode import clock_ms, most_overlapping
from pipeline.types import Cue, Event, Session

TOLERANCE_MS = 1000  # a cue may end this far past the session (rounding, a last word)
SAME_TIME_MS = 100  # a cue this close to a published one, same text: left as it was
_SESSION_LINE = re.compile(r"^Session (\d+): (.+)$", re.MULTILINE)
_FULL_LINE = re.compile(r"^Full recording (.+), recording time$", re.MULTILINE)


@dataclass(frozen=True)
class Taken:
    path: Path  # where the correction was saved
    session: Session
    cues: int
    reviewed: int  # cues a person changed (the others are as published)


def _header(source: Path) -> str:
    try:
        return decode(source.read_bytes()[:4000], source)
    except (OSError, SubtitleError):
        return ""


def _recording_time(source: Path, header: str, session: Session) -> bool:
    """Whether the file is a full-recording track of the session's recording."""
    full = _FULL_LINE.search(header)
    if full:
        if full.group(1).strip() != session.recording.name:
            raise SubtitleError(
                f"{source}: is the full-recording track of {full.group(1).strip()}, not of "
                f"{session.recording.name} (session {session.index}'s recording)"
            )
        return True
    stem = source.name.split(".")[0]
    return len(source.suffixes) == 2 and stem == session.recording.stem


def _check_session_file(source: Path, header: str, session: Session) -> None:
    named = _SESSION_LINE.search(header)
    if named and (int(named.group(1)) != session.index or named.group(2).strip() != session.title):
        raise SubtitleError(
            f"{source}: is the file of session {named.group(1)} ({named.group(2).strip()!r}), "
            f"not of session {session.index} ({session.title!r})"
        )


def _unlabelled(cue: Cue, published: Sequence[Cue]) -> Cue:
    """The cue without the speaker label our SubRip files put before a turn's first
    line ("JENS WRETLING: ..."): a label, not words someone said."""
    labels = {speaker_label(p.speaker) for p in published if p.speaker}
    first = cue.lines[0] if cue.lines else ""
    label = next((x for x in labels if first.startswith(f"{x} ")), None)
    if label is None:
        return cue
    return replace(cue, lines=(first[len(label) + 1 :], *cue.lines[1:]))


def _voice_changed(cue: Cue, published: Sequence[Cue]) -> Cue:
    """The cue's voice only where a person changed it: a voice span left as the
    published cue there had it says nothing (and must not pin today's name on the
    sentence when the voices are renamed later)."""
    if not cue.speaker:
        return cue
    spans = [(p.start_ms, p.end_ms) for p in published]
    there = most_overlapping((cue.start_ms, cue.end_ms), spans)
    if there is not None and published[there].speaker == cue.speaker:
        return replace(cue, speaker="")
    return cue


def _as_published(cue: Cue, published: Sequence[Cue]) -> Cue:
    """The cue unreviewed, with the published origin, when a person left it unchanged."""
    for p in published:
        if (
            abs(p.start_ms - cue.start_ms) <= SAME_TIME_MS
            and abs(p.end_ms - cue.end_ms) <= SAME_TIME_MS
            and " ".join(p.text.split()) == " ".join(cue.text.split())
        ):
            return replace(cue, reviewed=False, origin=p.origin)
    return cue


def take_correction(
    event: Event,
    session: Session,
    language: str,
    source: Path,
    published: Mapping[int, Sequence[Cue]] | None = None,
) -> tuple[tuple[Taken, ...], tuple[str, ...]]:
    """Check and save `source` as the correction of `session` in `language` (a
    full-recording track: of every session it changes). `published`: per session
    index, the cues as last published in that language, recording time. Returns what
    was saved and one line per cue left out (outside every session)."""
    if language not in event.languages:
        raise SubtitleError(
            f"language {language!r} is not one of this event's: {', '.join(event.languages)}"
        )
    if source.suffix.lower() not in (".vtt", ".srt"):
        raise SubtitleError(f"{source}: a correction must be a .vtt or .srt file")
    if not source.is_file():
        raise SubtitleError(f"{source}: file not found")
    header = _header(source)
    if "Chapters track" in header:
        raise SubtitleError(f"{source}: is a chapters track, not subtitles")
    stated = read_subtitles(source).language
    if stated and stated != language:
        raise SubtitleError(
            f"{source}: is a {language_name(stated)} file, not {language_name(language)} "
            f"({language})"
        )
    cues = hand_placed_cues(source, language)
    if not cues:
        raise SubtitleError(f"{source}: has no cues")
    published = published or {}
    notes: list[str] = []
    if _recording_time(source, header, session):
        parts: dict[int, list[Cue]] = {}
        sessions = [s for s in event.sessions if s.recording == session.recording]
        for cue in cues:
            owner = next((s for s in sessions if s.start_ms <= cue.start_ms < s.end_ms), None)
            if owner is None:
                notes.append(
                    f"{source}: cue at {clock_ms(cue.start_ms)} lies outside every session; "
                    "left out"
                )
                continue
            parts.setdefault(owner.index, []).append(cue)
        plan = [(s, parts[s.index]) for s in sessions if s.index in parts]
    else:
        _check_session_file(source, header, session)
        length = session.end_ms - session.start_ms
        last = max(c.end_ms for c in cues)
        if last > length + TOLERANCE_MS:
            raise SubtitleError(
                f"{source}: cues run to {clock_ms(last)}, but session {session.index} lasts "
                f"{clock_ms(length)}; give the session's own file (session time) or the "
                f"full-recording track {session.recording.stem}.{language}.vtt"
            )
        shifted = [
            replace(c, start_ms=c.start_ms + session.start_ms, end_ms=c.end_ms + session.start_ms)
            for c in cues
        ]
        plan = [(session, shifted)]
    taken = []
    for target, part in plan:
        ours = published.get(target.index, ())
        mine = [_as_published(_voice_changed(_unlabelled(c, ours), ours), ours) for c in part]
        changed = sum(c.reviewed for c in mine)
        if not changed and len(plan) > 1:
            continue  # a full-recording track: this session is as published
        path = write_correction(event, target, language, mine)
        taken.append(Taken(path, target, len(mine), changed))
    return tuple(taken), tuple(notes)
