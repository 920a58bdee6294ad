"""SubRip output, composed with the `srt` package so it parses back with `srt.parse`."""

from __future__ import annotations

import re
from datetime import timedelta

import srt

from pipeline.types import Event, SessionTrack
from pipeline.writers.base import Writer
from pipeline.writers.timed import session_cues

_FORMATTING = re.compile(r"<(/?)(b|i|u|s|font)(?=[\s>])", re.IGNORECASE)


def srt_safe(line: str) -> str:
    """SubRip has no escaping: '-->' would read as a timing line, so it becomes '->';
    text that players would take as formatting ("<b>", "<S>", "{\\an8}" said or typed
    in a talk) keeps its look with a zero-width space after its opening bracket."""
    while "-->" in line:
        line = line.replace("-->", "->")
    line = _FORMATTING.sub(lambda m: f"<\u200b{m.group(1)}{m.group(2)}", line)
    return line.replace("{\\", "{\u200b\\")


def labelled(lines: tuple[str, ...], label: str) -> tuple[str, ...]:
    """The lines with the speaker's label before the first (SubRip has no voice spans;
    the cue was laid out with the label counted, see SubtitleProfile.speaker_labels)."""
    return (f"{label} {lines[0]}", *lines[1:]) if label and lines else lines


def render(track: SessionTrack, event: Event) -> str:
    """1-based, increasing, non-overlapping cues in session time (no header: SRT has
    none); the first cue of a speaker's turn labelled when the profile asked for it."""
    subtitles = [
        srt.Subtitle(
            index=n,
            start=timedelta(milliseconds=cue.start_ms),
            end=timedelta(milliseconds=cue.end_ms),
            content="\n".join(srt_safe(line) for line in labelled(cue.lines, cue.label)),
        )
        for n, cue in enumerate(session_cues(track), start=1)
    ]
    return srt.compose(subtitles, reindex=False)


WRITER = Writer("srt", render)
