"""Who spoke, for how long, and where to hear them (`webconf speakers`): read from an
event's published transcripts, so that an organiser can check the voices the run
found, listen to each, and name them in the manifest (`voices`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.agenda.manifest import load_manifest
from pipeline.errors import OutputsError
from pipeline.outputs.layout import INDEX_FILE
from pipeline.outputs.read import EventIndex, read_event, read_transcript
from pipeline.timecode import agenda_time

NOT_KNOWN = "(not known)"  # what was said before speakers were found, or with them off


@dataclass(frozen=True)
class Heard:
    """Where one speaker can be heard: their longest passage."""

    session_index: int
    session_slug: str
    recording: str
    start_ms: int  # recording time
    end_ms: int


@dataclass(frozen=True)
class SpeakerRow:
    name: str
    talk_ms: dict[int, int] = field(hash=False)  # session index -> milliseconds spoken
    sample: Heard | None = None
    voices: tuple[str, ...] = ()  # the "Speaker N" the name was given to (manifest voices)

    @property
    def total_ms(self) -> int:
        return sum(self.talk_ms.values())


def event_speakers(
    manifest: Path | str, outputs: Path | str
) -> tuple[EventIndex, list[SpeakerRow]]:
    """Every speaker of the event's last run under `outputs`, most talk first: time
    spoken per session (what was said in its own language, interpreters and
    translations aside) and their longest passage to listen to."""
    event = load_manifest(manifest)
    folder = Path(outputs) / event.slug
    if not (folder / INDEX_FILE).is_file():
        raise OutputsError(
            folder, f"no outputs of this event here; run `webconf run {manifest} --out {outputs}`"
        )
    index = read_event(folder)
    assert index is not None  # strict reading raises instead
    talk: dict[str, dict[int, int]] = {}
    longest: dict[str, Heard] = {}
    for session in index.sessions:
        for language in index.languages:
            transcript = read_transcript(index, session, language)
            for seg in transcript.segments if transcript else ():
                if seg.source_language != seg.language or seg.origin not in ("original", "person"):
                    continue  # said in another language: counted in that one
                name = seg.speaker or NOT_KNOWN
                ms = seg.end_ms - seg.start_ms
                per = talk.setdefault(name, {})
                per[session.index] = per.get(session.index, 0) + ms
                best = longest.get(name)
                if best is None or ms > best.end_ms - best.start_ms:
                    longest[name] = Heard(session.index, session.slug, session.recording,
                                          seg.recording_start_ms, seg.recording_end_ms)  # fmt: skip
    labels: dict[str, list[str]] = {}
    for voice, name in index.voices:
        labels.setdefault(name, []).append(voice)
    rows = [
        SpeakerRow(name, per, longest.get(name), tuple(labels.get(name, ())))
        for name, per in talk.items()
    ]
    rows.sort(key=lambda r: (-r.total_ms, r.name))
    return index, rows


def _minutes(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}" if ms else "-"


def _shown(row: SpeakerRow) -> str:
    """The name, and the voice numbers it stands for when it is not one of them
    ("Jens Wretling (Speaker 2)"): what `voices` in the manifest would rename."""
    others = [v for v in row.voices if v != row.name]
    return f"{row.name} ({', '.join(others)})" if others else row.name


def format_speakers(index: EventIndex, rows: list[SpeakerRow]) -> str:
    """A table: one line per speaker (with the voice numbers a name stands for), talk
    time per session and in all, and the moment (recording and time, and the
    session's replay page) to listen to them."""
    if not rows:
        return f"{index.title}: no speech in the transcripts"
    sessions = [s.index for s in index.sessions]
    shown = {r.name: _shown(r) for r in rows}
    width = max(len("speaker"), *(len(x) for x in shown.values()))
    head = f"{'speaker':<{width}}  " + "  ".join(f"{'s' + str(n):>6}" for n in sessions)
    lines = [index.title, head + f"  {'total':>6}  listen to"]
    for row in rows:
        talk = "  ".join(f"{_minutes(row.talk_ms.get(n, 0)):>6}" for n in sessions)
        heard = row.sample
        where = (
            f"{heard.recording} {agenda_time(heard.start_ms)} "
            f"({heard.session_slug}/replay.html#t={heard.start_ms / 1000:g})"
            if heard
            else ""
        )
        lines.append(f"{shown[row.name]:<{width}}  {talk}  {_minutes(row.total_ms):>6}  {where}")
    named = {s.index: s.title for s in index.sessions}
    lines.append("")
    lines += [f"s{n}: {title}" for n, title in named.items()]
    return "\n".join(lines)
