"""WebVTT output, built with webvtt-py so what we write is what players parse."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path

import webvtt

from pipeline.types import Cue, Event, SessionTrack
from pipeline.writers.atomic import atomic_write
from pipeline.writers.base import Writer
from pipeline.writers.cues import TimedCue, clean_lines, normalise_cues, session_cues
from pipeline.writers.labels import (
    event_line,
    language_name,
    provenance,
    recording_range,
    session_line,
    speakers_line,
)
from pipeline.writers.timing import clock_ms


def escape_cue_text(line: str) -> str:
    """&, < and > as entities: cue text is markup, and '-->' would end the cue."""
    return html.escape(line, quote=False)


def note_lines(text: str) -> list[str]:
    """NOTE lines: no blank line (it would end the block) and no '-->' (not allowed)."""
    lines = []
    for line in clean_lines([text]):
        while "-->" in line:
            line = line.replace("-->", "->")
        lines.append(line)
    return lines


def render_cues(cues: Sequence[TimedCue], notes: Iterable[str] = ()) -> str:
    """A WebVTT document: one header NOTE block of `notes`, then the cues."""
    captions = [
        webvtt.Caption(
            start=clock_ms(cue.start_ms),
            end=clock_ms(cue.end_ms),
            text=[escape_cue_text(line) for line in cue.lines],
            identifier=cue.identifier,
        )
        for cue in cues
    ]
    lines = [line for note in notes for line in note_lines(note)]
    comments = ["\n".join(lines)] if lines else []
    return webvtt.WebVTT(captions=captions, header_comments=comments).content


def header_notes(track: SessionTrack, event: Event) -> list[str]:
    session = track.session
    notes = [
        f"Event: {event_line(event)}",
        session_line(session),
    ]
    if session.speakers:
        notes.append(f"Speakers: {speakers_line(session)}")
    notes += [
        f"Language: {language_name(track.language)}",
        provenance(track),
        f"Times are relative to the session start ({recording_range(session)}).",
    ]
    return notes


def render(track: SessionTrack, event: Event) -> str:
    """The session's subtitles, timed from the session start."""
    return render_cues(session_cues(track), header_notes(track, event))


def write_recording_track(
    cues: Sequence[Cue], language: str, path: Path, *, title: str, note: str
) -> Path:
    """A VTT over the whole recording, in recording time, for replays of the full file."""
    notes = [title, note, f"Language: {language_name(language)}", "Times are recording time."]
    atomic_write(path, render_cues(normalise_cues(cues, id_prefix=language), notes))
    return path


WRITER = Writer("vtt", render)
