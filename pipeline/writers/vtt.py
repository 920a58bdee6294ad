"""WebVTT output, built with webvtt-py so what we write is what players parse."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path

import webvtt

from pipeline.fsio import atomic_write
from pipeline.languages import language_name
from pipeline.timecode import clock_ms
from pipeline.types import Cue, Event, SessionTrack
from pipeline.writers.base import Writer
from pipeline.writers.provenance import (
    event_line,
    links_line,
    provenance,
    recording_range,
    review_line,
    session_line,
    speakers_line,
)
from pipeline.writers.timed import TimedCue, clean_lines, normalise_cues, session_cues


def escape_cue_text(line: str) -> str:
    """&, < and > as entities: cue text is markup, and '-->' would end the cue."""
    return html.escape(line, quote=False)


def voiced(lines: list[str], speaker: str) -> list[str]:
    """The cue's lines in a WebVTT voice span of `speaker` (`<v Jens Wretling>`), the
    name escaped as cue text and without line breaks; unchanged without a speaker."""
    name = escape_cue_text(" ".join(speaker.split()))
    if not name or not lines:
        return lines
    return (
        [f"<v {name}>{lines[0]}", *lines[1:-1], f"{lines[-1]}</v>"]
        if len(lines) > 1
        else [f"<v {name}>{lines[0]}</v>"]
    )


def note_lines(text: str) -> list[str]:
    """NOTE lines: no blank line (it would end the block) and no '-->' (not allowed)."""
    lines = []
    for line in clean_lines([text]):
        while "-->" in line:
            line = line.replace("-->", "->")
        lines.append(line)
    return lines


LOW_CONFIDENCE_NOTE = "low confidence"
REVIEWED_NOTE = "reviewed by a person"


def _caption(cue: TimedCue, *, note_low_confidence: bool, note_reviewed: bool) -> webvtt.Caption:
    caption = webvtt.Caption(
        start=clock_ms(cue.start_ms),
        end=clock_ms(cue.end_ms),
        text=voiced([escape_cue_text(line) for line in cue.lines], cue.speaker),
        identifier=cue.identifier,
    )
    # NOTE blocks between cues are valid WebVTT; players ignore them
    if note_low_confidence and cue.low_confidence:
        caption.comments.append(LOW_CONFIDENCE_NOTE)
    if note_reviewed and cue.reviewed:
        caption.comments.append(REVIEWED_NOTE)
    return caption


def render_cues(
    cues: Sequence[TimedCue],
    notes: Iterable[str] = (),
    *,
    note_low_confidence: bool = False,
    note_reviewed: bool = False,
) -> str:
    """A WebVTT document: one header NOTE block of `notes`, then the cues.

    With `note_low_confidence` (`note_reviewed`) a `NOTE low confidence`
    (`NOTE reviewed by a person`) block precedes each such cue.
    """
    captions = [
        _caption(cue, note_low_confidence=note_low_confidence, note_reviewed=note_reviewed)
        for cue in cues
    ]
    lines = [line for note in notes for line in note_lines(note)]
    comments = ["\n".join(lines)] if lines else []
    return webvtt.WebVTT(captions=captions, header_comments=comments).content


def review_notes(
    cues: Sequence[TimedCue], *, note_low_confidence: bool = False, note_reviewed: bool = False
) -> list[str]:
    """Header lines counting reviewed and low-confidence cues (none when there are none)."""
    total = len(cues)
    reviewed = sum(cue.reviewed for cue in cues)
    unsure = sum(cue.low_confidence for cue in cues)
    notes = []
    if reviewed:
        marked = f', each preceded by "NOTE {REVIEWED_NOTE}"' if note_reviewed else ""
        notes.append(f"Reviewed by a person: {reviewed} of {total} cues{marked}.")
    if unsure:
        marked = f', each preceded by "NOTE {LOW_CONFIDENCE_NOTE}"' if note_low_confidence else ""
        notes.append(f"Low recognition confidence: {unsure} of {total} cues{marked}.")
    return notes


def header_notes(track: SessionTrack, event: Event) -> list[str]:
    session = track.session
    notes = [
        f"Event: {event_line(event)}",
        session_line(session),
    ]
    if session.speakers:
        notes.append(f"Speakers: {speakers_line(session)}")
    if session.links:
        notes.append(f"Links: {links_line(session)}")
    notes += [
        f"Language: {language_name(track.language)}",
        provenance(track),
    ]
    if line := review_line(track):
        notes.append(line)
    notes.append(f"Times are relative to the session start ({recording_range(session)}).")
    return notes


def render(
    track: SessionTrack,
    event: Event,
    *,
    note_low_confidence: bool = False,
    note_reviewed: bool = False,
) -> str:
    """The session's subtitles, timed from the session start.

    The header NOTE counts reviewed and low-confidence cues; the flags add a
    NOTE before each such cue as well.
    """
    flags = {"note_low_confidence": note_low_confidence, "note_reviewed": note_reviewed}
    cues = session_cues(track)
    notes = header_notes(track, event) + review_notes(cues, **flags)
    return render_cues(cues, notes, **flags)


def write_recording_track(
    cues: Sequence[Cue],
    language: str,
    path: Path,
    *,
    title: str,
    note: str,
    note_low_confidence: bool = False,
    note_reviewed: bool = False,
) -> Path:
    """A VTT over the whole recording, in recording time, for replays of the full file."""
    flags = {"note_low_confidence": note_low_confidence, "note_reviewed": note_reviewed}
    timed = normalise_cues(cues, id_prefix=language)
    notes = [title, note, f"Language: {language_name(language)}", "Times are recording time."]
    atomic_write(path, render_cues(timed, notes + review_notes(timed, **flags), **flags))
    return path


WRITER = Writer("vtt", render, options=("note_low_confidence", "note_reviewed"))
