"""The editor of `webconf serve --edit`: what its requests may hold, and what it shows.

No Flask here: the routes and their guards are in `edit_routes`, the saving and the
re-run are the `Editor` the CLI hands in (pipeline.run.edit.EventEditor; the web stage
cannot import the run layer). Times of the editor's API are session seconds, as in the
session files; the editor converts them to recording time before saving.

    GET  /edit/<event>/<session>/<lang>       the track to edit (published, or saved)
    POST /edit/<event>/<session>/<lang>/save  {"cues": [{start, end, text, reviewed}]}
    POST /edit/<event>/apply                  {} : run the event again, then reload

Every value a request holds is checked here (`parse_cues`): each problem is one
`EditInputError` line naming the cue, and nothing is saved.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import PipelineError
from pipeline.outputs.read import (
    SessionEntry,
    Transcript,
    TranscriptWord,
    read_transcript,
    transcript_path,
)
from pipeline.timecode import seconds
from pipeline.types import Cue
from pipeline.web.data import Event, Session
from pipeline.writers.paragraphs import UNSURE_WORD

EDIT_PREFIX = "/edit/"
MAX_BODY = 2 * 1024 * 1024  # bytes of one request: a day-long session's track fits
MAX_CUES = 20_000
MAX_LINES = 6  # per cue
MAX_CUE_CHARS = 1000
MIN_CUE_MS = 1  # a cue must last
TOKEN_HEADER = "X-Edit-Token"
_CUE_KEYS = {"start", "end", "text", "reviewed", "id"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class EditInputError(PipelineError):
    """What a request sent cannot be saved (HTTP 400); one line."""


class RunSummary(Protocol):
    """What a re-run reports (pipeline.run.event.RunResult has these)."""

    warnings: tuple[str, ...]
    cache_misses: int


class Editor(Protocol):
    """Saves and applies the corrections of one event (pipeline.run.edit.EventEditor).

    Its methods raise PipelineError with a message for the person when the state on
    disk does not allow it (the agenda changed, the manifest or media are gone)."""

    manifest: Path
    event_slug: str

    def saved(self, entry: SessionEntry, language: str) -> tuple[Path, tuple[Cue, ...]] | None: ...

    def save(
        self, entry: SessionEntry, language: str, cues: Sequence[Cue]
    ) -> tuple[Path, tuple[Cue, ...]]: ...

    def save_voices(self, names: Mapping[str, str]) -> Path: ...

    def apply(self) -> RunSummary: ...


@dataclass(frozen=True)
class EditPage:
    """What a replay page needs to offer the editor."""

    token: str
    track_url: str  # + "/<lang>": GET the track, + "/<lang>/save": POST it
    apply_url: str
    manifest_name: str
    voices_url: str = ""  # POST {"voices": {"Speaker 2": "A. Name"}}


def one_line(message: str) -> str:
    """The first line of a message, saying how many more there were."""
    lines = [line for line in str(message).splitlines() if line.strip()] or ["error"]
    more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
    return lines[0].strip() + more


# -- what a save holds ------------------------------------------------------------------


def _seconds(value: Any, where: str, length_ms: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise EditInputError(f"{where}: expected a number of seconds, got {value!r:.40}")
    ms = round(value * 1000)
    if not 0 <= ms <= length_ms:
        raise EditInputError(
            f"{where}: {value:g} s is outside the session (0 to {seconds(length_ms):g} s)"
        )
    return ms


def _lines(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise EditInputError(f"{where}: expected the text as a string")
    if len(value) > MAX_CUE_CHARS:
        raise EditInputError(f"{where}: {len(value)} characters, at most {MAX_CUE_CHARS}")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        raise EditInputError(f"{where}: holds a control character")
    if "-->" in text:
        raise EditInputError(f"{where}: '-->' cannot appear in subtitle text")
    lines = tuple(" ".join(line.split()) for line in text.split("\n"))
    lines = tuple(line for line in lines if line)
    if not lines:
        raise EditInputError(f"{where}: no text (delete the cue instead)")
    if len(lines) > MAX_LINES:
        raise EditInputError(f"{where}: {len(lines)} lines, at most {MAX_LINES}")
    return lines


def parse_cues(body: Any, length_ms: int, language: str) -> tuple[Cue, ...]:
    """The cues a save sends (session time, the whole track), checked and by start:
    `{"cues": [{"start": s, "end": s, "text": "line\\nline", "reviewed": bool}, ...]}`.
    Each cue comes back `reviewed` as sent, origin "person"; the editor decides which
    are as published. Cues may not overlap: players would show two at once."""
    if not isinstance(body, dict) or set(body) != {"cues"}:
        raise EditInputError('expected {"cues": [...]} and nothing else')
    raw = body["cues"]
    if not isinstance(raw, list):
        raise EditInputError("cues: expected a list")
    if not raw:
        raise EditInputError("no cues: a track cannot be saved empty")
    if len(raw) > MAX_CUES:
        raise EditInputError(f"{len(raw)} cues, at most {MAX_CUES}")
    cues = []
    for n, item in enumerate(raw, start=1):
        where = f"cue {n}"
        if not isinstance(item, dict):
            raise EditInputError(f"{where}: expected an object")
        unknown = sorted(set(item) - _CUE_KEYS)
        if unknown:
            raise EditInputError(f"{where}: unknown key {unknown[0]!r:.40}")
        missing = [key for key in ("start", "end", "text") if key not in item]
        if missing:
            raise EditInputError(f"{where}: {missing[0]!r} is missing")
        start = _seconds(item["start"], f"{where}: start", length_ms)
        end = _seconds(item["end"], f"{where}: end", length_ms)
        if end - start < MIN_CUE_MS:
            raise EditInputError(f"{where}: ends at {seconds(end):g} s, not after its start")
        reviewed = item.get("reviewed", False)
        if not isinstance(reviewed, bool):
            raise EditInputError(f"{where}: reviewed must be true or false")
        lines = _lines(item["text"], f"{where}: text")
        cues.append((n, Cue(start, end, lines, language, reviewed=reviewed, origin="person")))
    cues.sort(key=lambda nc: (nc[1].start_ms, nc[1].end_ms))
    for (m, before), (n, cue) in itertools.pairwise(cues):
        if cue.start_ms < before.end_ms:  # players would show both at once
            raise EditInputError(
                f"cue {n} starts at {seconds(cue.start_ms):g} s, before cue {m} ends "
                f"({seconds(before.end_ms):g} s): shorten one of them"
            )
    return tuple(cue for _, cue in cues)


# -- what the editor shows --------------------------------------------------------------


def recognised_words(transcript: Transcript | None) -> tuple[TranscriptWord, ...]:
    """The words of what was said (originals, a person's corrections of them, an
    interpreter's) that no person has written or confirmed, by time: the editor points
    at the unsure ones among them."""
    if transcript is None:
        return ()
    said = ("original", "interpretation", "person")
    words = [
        w
        for segment in transcript.segments
        if segment.origin in said
        for w in segment.words
        if not w.reviewed
    ]
    return tuple(sorted(words, key=lambda w: w.start_ms))


def _cue_json(
    cue_id: str, cue: Cue, words: Sequence[TranscriptWord], low_confidence: bool
) -> dict[str, Any]:
    inside = [w for w in words if cue.start_ms <= (w.start_ms + w.end_ms) // 2 < cue.end_ms]
    return {
        "id": cue_id,
        "start": seconds(cue.start_ms),
        "end": seconds(cue.end_ms),
        "text": "\n".join(cue.lines),
        "reviewed": cue.reviewed,
        "origin": cue.origin,
        "low_confidence": low_confidence,
        "words": [
            {
                "text": " ".join(w.text.split())[:100],
                "start": seconds(w.start_ms),
                "end": seconds(w.end_ms),
                "p": round(w.probability, 4),
            }
            for w in inside
        ],
    }


def track_json(
    event: Event,
    session: Session,
    language: str,
    saved: tuple[Path, tuple[Cue, ...]] | None,
    manifest: Path,
) -> dict[str, Any]:
    """The track the editor opens, session time: the correction saved since the last
    run when there is one (not yet applied), else the published cues."""
    entry = session.entry
    transcript = _published(event, session, language)
    words = recognised_words(transcript)
    path = transcript_path(event.index, entry, language)
    saved_path = shown_path(saved[0], manifest) if saved is not None else None
    pending = saved is not None and (not path.is_file() or _newer(saved[0], path))
    if pending:
        cues = [
            (
                f"{language}-{n}",
                Cue(
                    c.start_ms - entry.start_ms,
                    c.end_ms - entry.start_ms,
                    c.lines,
                    language,
                    reviewed=c.reviewed,
                    origin=c.origin,
                ),
                False,
            )
            for n, c in enumerate(saved[1], start=1)
        ]
    else:
        cues = [
            (
                c.id,
                Cue(c.start_ms, c.end_ms, c.lines, language, reviewed=c.reviewed, origin=c.origin),
                c.low_confidence,
            )
            for c in (transcript.cues if transcript else ())
        ]
    return {
        "event": event.slug,
        "session": session.slug,
        "language": language,
        "length": seconds(entry.end_ms - entry.start_ms),
        "start": seconds(entry.start_ms),  # the session's start, recording time
        "unsure_below": UNSURE_WORD,
        "source": "saved" if pending else "published",
        "saved": saved_path,
        "cues": [_cue_json(cue_id, cue, words, low) for cue_id, cue, low in cues],
        "voices": session_voices(event, transcript),
    }


def session_voices(event: Event, transcript: Transcript | None) -> list[dict[str, str]]:
    """The voices heard in the session's transcript, in order of first passage: their
    number ("Speaker 2", what the editor renames) and the name they have now."""
    labels: dict[str, list[str]] = {}
    for voice, name in event.index.voices:
        labels.setdefault(name, []).append(voice)
    out: dict[str, str] = {}
    for seg in transcript.segments if transcript else ():
        for voice in labels.get(seg.speaker, ()):
            out.setdefault(voice, seg.speaker)
    return [{"voice": voice, "name": name} for voice, name in out.items()]


def _published(event: Event, session: Session, language: str) -> Transcript | None:
    if not transcript_path(event.index, session.entry, language).is_file():
        return None
    return read_transcript(event.index, session.entry, language, strict=False)


def _newer(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_mtime_ns > b.stat().st_mtime_ns
    except OSError:
        return True


def shown_path(path: Path, manifest: Path) -> str:
    """A correction's path as a person finds it: relative to the manifest's folder."""
    try:
        return Path(path).relative_to(Path(manifest).parent).as_posix()
    except ValueError:
        return str(path)
