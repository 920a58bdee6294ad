"""Where corrections live, and which session each one belongs to.

A correction is one session in one language as a person left it: its cues in
recording time, each saying whether a person changed or confirmed it (`reviewed`) or
kept it as the machine wrote it, and the session it was made for, by identity: the
recording, the session's title and its place (span) in the recording when saved.

    corrections/<title-slug>/<lang>.json     beside the manifest, never under outputs/

Matching never goes by agenda position: a correction belongs to the session of its
recording with the same title, else to the one that covers (80 % both ways) the
span it was made for; adding, removing or retiming other sessions moves nothing,
and times stay where they were said. A correction that matches no session is one
line in the run's report and is applied nowhere; so are its cues that fall outside
its session now.

Hand-placed VTT/SRT files of older versions (`corrections/NN-<slug>/<lang>.vtt`, in
session time) are still read, by the slug in their folder's name; a folder named by
position only (`corrections/02/`) is reported and not applied.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.agenda.manifest import voice_label
from pipeline.errors import ManifestError, SubtitleError
from pipeline.fsio import atomic_write_json, slugify
from pipeline.subtitles.reader import read_subtitles
from pipeline.timecode import clock_ms, overlap_ms, seconds
from pipeline.types import ORIGINS, Cue, Event, Session

CORRECTIONS_DIR = "corrections"
FORMAT = 1
SAME_PLACE = 0.8  # share of both spans a retitled session must share with the saved one


@dataclass(frozen=True)
class Correction:
    language: str
    recording: str  # the recording's file name ("" for an old hand-placed file)
    title: str  # the session's title when the correction was made
    start_ms: int  # the session's span then, recording time (-1: unknown)
    end_ms: int
    cues: tuple[Cue, ...]  # recording time (session time for an old hand-placed file)
    path: Path = field(compare=False)
    session_time: bool = False  # an old hand-placed file: times from the session start


@dataclass(frozen=True)
class SessionCorrections:
    """What the corrections give a run: per session index and language the cues (in
    recording time, inside the session), and one line per problem found."""

    cues: dict[int, dict[str, tuple[Cue, ...]]]
    problems: tuple[str, ...]

    def of(self, session: Session) -> dict[str, tuple[Cue, ...]]:
        return self.cues.get(session.index, {})


def corrections_dir(event: Event) -> Path:
    base = event.manifest_path.parent if event.manifest_path else Path.cwd()
    return base / CORRECTIONS_DIR


def correction_path(event: Event, session: Session, language: str) -> Path:
    return corrections_dir(event) / (slugify(session.title) or "session") / f"{language}.json"


# -- writing ----------------------------------------------------------------------------


def _cue_dict(cue: Cue) -> dict[str, Any]:
    return {
        "start": seconds(cue.start_ms),
        "end": seconds(cue.end_ms),
        "lines": list(cue.lines),
        "reviewed": cue.reviewed,
        "origin": cue.origin,
        **({"speaker": cue.speaker} if cue.speaker else {}),
    }


def write_correction(
    event: Event, session: Session, language: str, cues: Sequence[Cue]
) -> Path:
    """Save one session's corrected cues (recording time) atomically; returns the file.

    A correction that already belongs to the session (saved before it was retitled, or
    hand-placed in an older version) is replaced in its own folder, so a session never
    gets two corrections of one language."""
    path = _current_path(event, session, language) or _new_path(event, session, language)
    atomic_write_json(
        path,
        {
            "format": FORMAT,
            "language": language,
            "session": {
                "title": session.title,
                "recording": session.recording.name,
                "start": seconds(session.start_ms),
                "end": seconds(session.end_ms),
            },
            "cues": [_cue_dict(c) for c in sorted(cues, key=lambda c: c.start_ms)],
        },
    )
    return path


# -- reading ----------------------------------------------------------------------------


def _ms(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e7:
        raise SubtitleError(f"{where}: expected a number of seconds, got {value!r}")
    return round(value * 1000)


def _read_json(path: Path) -> Correction:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SubtitleError(f"{path}: not a correction file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SubtitleError(f"{path}: not a correction file of format {FORMAT}")
    session = doc.get("session")
    language = doc.get("language")
    if not isinstance(session, dict) or not isinstance(language, str):
        raise SubtitleError(f"{path}: 'session' and 'language' are required")
    cues = []
    for i, raw in enumerate(doc.get("cues") or []):
        where = f"{path}: cues[{i}]"
        if not isinstance(raw, dict):
            raise SubtitleError(f"{where}: must be an object")
        lines = raw.get("lines")
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            raise SubtitleError(f"{where}.lines: expected a list of strings")
        origin = raw.get("origin", "person")
        if origin not in ORIGINS:
            raise SubtitleError(f"{where}.origin: {origin!r} is not one of {', '.join(ORIGINS)}")
        start, end = _ms(raw.get("start"), f"{where}.start"), _ms(raw.get("end"), f"{where}.end")
        speaker = raw.get("speaker", "")
        if not isinstance(speaker, str) or len(speaker) > MAX_NAME:
            raise SubtitleError(f"{where}.speaker: expected a name of at most {MAX_NAME} chars")
        if end > start and any(x.strip() for x in lines):
            cues.append(
                Cue(
                    start_ms=start,
                    end_ms=end,
                    lines=tuple(x for x in lines if x.strip()),
                    language=language,
                    reviewed=bool(raw.get("reviewed", True)),
                    origin=origin,
                    speaker=" ".join(speaker.split()),
                )
            )
    return Correction(
        language=language,
        recording=str(session.get("recording", "")),
        title=str(session.get("title", "")),
        start_ms=_ms(session.get("start", 0), f"{path}: session.start"),
        end_ms=_ms(session.get("end", 0), f"{path}: session.end"),
        cues=tuple(cues),
        path=path,
    )


def saved_correction(event: Event, session: Session, language: str) -> Correction | None:
    """The correction `write_correction` saved for this session and language, read
    back (cues in recording time), or None when there is none. A file that cannot be
    read raises SubtitleError."""
    path = _current_path(event, session, language)
    return _read_json(path) if path is not None and path.is_file() else None


def _current_path(event: Event, session: Session, language: str) -> Path | None:
    """Where the correction that belongs to this session today is kept (its JSON, even
    when only an old hand-placed file is there yet), or None when there is none."""
    corrections, _ = read_corrections(event)
    for correction in corrections:
        if correction.language == language and session_for(event, correction) == session:
            return correction.path.with_suffix(".json")
    return None


def _new_path(event: Event, session: Session, language: str) -> Path:
    """A folder by the session's title that no other correction uses yet (two sessions
    may share a title: "Q&A" on two recordings)."""
    first = correction_path(event, session, language)
    path, n = first, 2
    while path.exists():
        path = first.parent.with_name(f"{first.parent.name}-{n}") / first.name
        n += 1
    return path


def hand_placed_cues(path: Path, language: str) -> tuple[Cue, ...]:
    """Cues of a VTT or SRT a person wrote, in the file's own time, all reviewed; a
    WebVTT cue's voice span names its speaker."""
    found = read_subtitles(path).cues
    for c in found:
        if len(c.speaker) > MAX_NAME or not c.speaker.isprintable():
            raise SubtitleError(
                f"{path}: cue at {clock_ms(c.start_ms)}: a voice name must be one line of at "
                f"most {MAX_NAME} characters"
            )
    return tuple(
        Cue(
            start_ms=c.start_ms,
            end_ms=c.end_ms,
            lines=c.lines,
            language=language,
            reviewed=True,
            origin="person",
            speaker=c.speaker,
        )
        for c in found
        if c.lines and c.end_ms > c.start_ms
    )


def read_corrections(event: Event) -> tuple[tuple[Correction, ...], tuple[str, ...]]:
    """Every correction beside the manifest, and one line per file that cannot be read."""
    root = corrections_dir(event)
    found: list[Correction] = []
    problems: list[str] = []
    if not root.is_dir():
        return (), ()
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            language = path.stem
            if language not in event.languages or path.suffix not in (".json", ".vtt", ".srt"):
                continue
            try:
                if path.suffix == ".json":
                    found.append(_read_json(path))
                    continue
                if folder.name.isdigit():
                    problems.append(
                        f"{path}: named by agenda position only; save it with `webconf correct` "
                        "so it follows its session (not applied)"
                    )
                    continue
                if (folder / f"{language}.json").is_file():
                    continue  # saved since by `webconf correct`: the JSON is the truth
                title = folder.name.split("-", 1)[1] if folder.name[:2].isdigit() else folder.name
                found.append(
                    Correction(
                        language=language,
                        recording="",
                        title=title,
                        start_ms=-1,
                        end_ms=-1,
                        cues=hand_placed_cues(path, language),
                        path=path,
                        session_time=True,
                    )
                )
            except SubtitleError as exc:
                problems.append(f"{exc} (not applied)")
    return tuple(found), tuple(problems)


# -- matching ---------------------------------------------------------------------------


def session_for(event: Event, correction: Correction) -> Session | None:
    """The session a correction belongs to: same recording and title, else the one in
    the same place; None when none is."""
    sessions = [
        s
        for s in event.sessions
        if not correction.recording or s.recording.name == correction.recording
    ]
    wanted = slugify(correction.title)
    titled = [s for s in sessions if slugify(s.title) == wanted]
    span = (correction.start_ms, correction.end_ms)
    if len(titled) == 1 or (titled and correction.start_ms < 0):
        return titled[0]
    if titled:  # the same title twice in the agenda: the one in the same place
        return max(titled, key=lambda s: overlap_ms((s.start_ms, s.end_ms), span))
    if correction.start_ms < 0 or correction.end_ms <= correction.start_ms:
        return None
    for s in sessions:
        shared = overlap_ms((s.start_ms, s.end_ms), span)
        if (
            shared >= SAME_PLACE * (s.end_ms - s.start_ms)
            and shared >= SAME_PLACE * (span[1] - span[0])
        ):
            return s
    return None


def _where(correction: Correction) -> str:
    if correction.start_ms < 0:
        return repr(correction.title)
    span = f"{clock_ms(correction.start_ms)}-{clock_ms(correction.end_ms)}"
    return f"{correction.title!r} ({span} of {correction.recording})"


def match_corrections(event: Event) -> SessionCorrections:
    """Every correction on its session, cues in recording time and inside it."""
    corrections, problems = read_corrections(event)
    problems = list(problems)
    out: dict[int, dict[str, tuple[Cue, ...]]] = {}
    chosen: dict[tuple[int, str], Correction] = {}
    for correction in corrections:
        session = session_for(event, correction)
        if session is None:
            problems.append(
                f"{correction.path}: the correction of session {_where(correction)} matches "
                "no session of the agenda (not applied)"
            )
            continue
        key = (session.index, correction.language)
        if key in chosen:
            problems.append(
                f"{correction.path}: session {session.index} ({session.title!r}) already has a "
                f"{correction.language} correction in {chosen[key].path} (not applied)"
            )
            continue
        chosen[key] = correction
        shift = session.start_ms if correction.session_time else 0
        cues = [
            replace(c, start_ms=c.start_ms + shift, end_ms=c.end_ms + shift)
            for c in correction.cues
        ]
        inside = [c for c in cues if session.start_ms <= c.start_ms < session.end_ms]
        outside = len(cues) - len(inside)
        if outside:
            problems.append(
                f"{correction.path}: {outside} corrected cue(s) lie outside session "
                f"{session.index} ({session.title!r}, {clock_ms(session.start_ms)}-"
                f"{clock_ms(session.end_ms)}) and are not applied"
            )
        cut = sum(c.end_ms > session.end_ms for c in inside)
        if cut:
            problems.append(
                f"{correction.path}: {cut} corrected cue(s) run past the end of session "
                f"{session.index} ({clock_ms(session.end_ms)}) and end there"
            )
        out.setdefault(session.index, {})[correction.language] = tuple(
            replace(c, end_ms=min(c.end_ms, session.end_ms)) for c in inside
        )
    return SessionCorrections(cues=out, problems=tuple(problems))


def find_session(event: Event, name: str) -> Session:
    """A session by its number in today's agenda (`2`, `02`), its slug or its title:
    how a person names it on the command line (what is saved is its identity)."""
    for s in event.sessions:
        if (name.isdigit() and int(name) == s.index) or name in (s.slug, s.title):
            return s
    for s in event.sessions:
        if slugify(name) and slugify(name) == slugify(s.title):
            return s
    choices = ", ".join(f"{s.index} ({s.slug})" for s in event.sessions)
    raise SubtitleError(f"no session {name!r} in this event (sessions: {choices})")


# -- names a person gave the voices (the editor's "Speakers") -------------------------------

VOICES_FILE = "voices.json"
MAX_NAME = 200


def _is_voice(label: object) -> bool:
    """A voice label exactly as the speakers stage writes it ("Speaker 2")."""
    return isinstance(label, str) and voice_label(label) == label


def voices_path(event: Event) -> Path:
    return corrections_dir(event) / VOICES_FILE


def saved_voices(event: Event) -> tuple[tuple[str, str], ...]:
    """("Speaker 2", "Jens Wretling") for every voice a person named in the editor;
    they come before the manifest's `voices` (a person renamed what the run showed).
    A damaged file is one ManifestError line."""
    path = voices_path(event)
    if not path.is_file():
        return ()
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: cannot be read ({exc}); fix or delete it") from None
    names = data.get("voices") if isinstance(data, dict) else None
    if not isinstance(names, dict) or not all(
        _is_voice(k) and isinstance(v, str) and v.strip() for k, v in names.items()
    ):
        raise ManifestError(
            f'{path}: expected {{"voices": {{"Speaker 2": "A. Name", ...}}}}; fix or delete it'
        )
    return tuple((k, " ".join(v.split())) for k, v in names.items())


def write_voices(event: Event, names: Mapping[str, str]) -> Path:
    """Save the names a person gave voices, merged over those saved before (an empty
    name takes a voice's name away); atomically. ValueError names a bad entry."""
    merged = dict(saved_voices(event))
    for label, name in names.items():
        if not _is_voice(label):
            raise ValueError(f"{label!r:.60} is not a voice label like 'Speaker 2'")
        if not isinstance(name, str) or len(name) > MAX_NAME or not name.isprintable():
            raise ValueError(f"the name for {label} must be one line of at most {MAX_NAME} "
                             "characters")  # fmt: skip
        name = " ".join(name.split())
        if name and name != label:
            merged[label] = name
        else:
            merged.pop(label, None)
    path = voices_path(event)
    ordered = dict(sorted(merged.items(), key=lambda kv: int(kv[0].split()[-1])))
    atomic_write_json(path, {"format": FORMAT, "voices": ordered})
    return path
