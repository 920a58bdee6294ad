"""The event at a glance: one timeline per recording, and the same facts as a table.

A timeline has lanes over the recording's time: the agenda sessions, who speaks,
the language spoken, then one lane per language showing where its text comes
from (what was said, an interpreter, a machine, a person), and the passages that
await review. It is read from the published transcripts (`load_passages`), so it
shows what a viewer gets, corrections included. The pages draw it as SVG with
percentage coordinates (no script needed) and give the table beside it for screen
readers and for anyone who wants numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.languages import language_name
from pipeline.web.data import (
    ORIGIN_CLASSES,
    Event,
    Passage,
    Session,
    load_passages,
)

# Two spans of the same thing closer than this merge into one: a pause between two
# sentences of one speaker is not a change of speaker (seconds).
JOIN_GAP = 2.0
# Speakers get one of this many colours, in order of first appearance.
SPEAKER_COLOURS = 8

SOURCE_WORDS = {
    "original": "what was said",
    "interpretation": "interpreter",
    "machine": "machine translation",
    "person": "written by a person",
}
SOURCE_CLASSES = {**ORIGIN_CLASSES, "person": "person"}


@dataclass(frozen=True)
class Span:
    """A stretch of one lane, in recording seconds."""

    start: float
    end: float
    label: str  # what it is, for the tooltip and the table
    css: str  # how it is coloured
    session: Session | None = None  # an agenda session's span links to its replay

    def left(self, timeline: Timeline) -> float:
        """Where it starts, in percent of the timeline's width."""
        return timeline.percent(self.start)

    def width(self, timeline: Timeline) -> float:
        """How wide it is, in percent; never so thin that it disappears."""
        return max(0.25, timeline.percent(self.end) - timeline.percent(self.start))


@dataclass(frozen=True)
class Lane:
    name: str
    kind: str  # "agenda", "speakers", "spoken", "language" or "review"
    spans: tuple[Span, ...]
    language: str = ""  # the language lane's code

    def keys(self) -> tuple[tuple[str, str], ...]:
        """(label, css) of what the lane shows, in order of first appearance."""
        return tuple(dict.fromkeys((span.label, span.css) for span in self.spans))


@dataclass(frozen=True)
class SessionFacts:
    """One row of the table: a session as the timeline draws it."""

    session: Session
    speakers: tuple[str, ...]  # voices heard, in order, else the agenda's names
    spoken: tuple[tuple[str, int], ...]  # (language name, percent of the speech)
    sources: tuple[tuple[str, str], ...]  # (language code, where its text comes from)
    to_review: int  # words the recogniser was unsure of that no person reviewed

    def source(self, code: str) -> str:
        return next((words for c, words in self.sources if c == code), "")


@dataclass(frozen=True)
class Timeline:
    recording: str
    end: float  # seconds: the end of the recording's last session
    lanes: tuple[Lane, ...]
    rows: tuple[SessionFacts, ...]

    def percent(self, seconds: float) -> float:
        return round(100 * min(max(seconds, 0.0), self.end) / self.end, 3) if self.end else 0.0

    def ticks(self) -> tuple[float, ...]:
        """Round times for the axis: 5 to 10 of them."""
        steps = (10, 30, 60, 120, 300, 600, 900, 1800, 3600)
        step = next((s for s in steps if self.end / s <= 10), 7200)
        return tuple(float(t) for t in range(0, int(self.end) + 1, step))


def event_context(event: Event, alone: bool = False) -> dict[str, Any]:
    """What the event page shows (the server's and the site's); `alone`: the event's
    pages are published on their own, with no list of events to go back to."""
    return {
        "event": event,
        "alone": alone,
        "timelines": event_timelines(event),
        "recordings": [event.recordings[n] for n in event.recordings],
    }


def event_timelines(event: Event) -> tuple[Timeline, ...]:
    """One timeline per recording of the event, in the order the agenda gives them."""
    recordings = list(dict.fromkeys(s.recording for s in event.sessions))
    return tuple(
        _timeline(event, name, [s for s in event.sessions if s.recording == name])
        for name in recordings
    )


def _timeline(event: Event, recording: str, sessions: Sequence[Session]) -> Timeline:
    passages = {
        s.index: {info.code: load_passages(event, s, info.code) for info in s.languages}
        for s in sessions
    }
    said = {s.index: _said(passages[s.index]) for s in sessions}
    spoken = [p for s in sessions for p in said[s.index]]
    colours = _speaker_colours(p.speaker for p in spoken)
    languages = list(dict.fromkeys(info.code for s in sessions for info in s.languages))
    lanes = [
        Lane("Agenda", "agenda", tuple(
            Span(s.start, s.end, f"{s.index}. {s.title}", "session", s) for s in sessions
        )),  # fmt: skip
        Lane("Speakers", "speakers", _joined(
            (p.start, p.end, p.speaker, f"speaker-{colours[p.speaker]}")
            for p in spoken if p.speaker
        )),  # fmt: skip
        Lane("Spoken", "spoken", _joined(
            (p.start, p.end, language_name(p.language), f"lang-{p.language}") for p in spoken
        )),  # fmt: skip
    ]
    for code in languages:
        mine = sorted((p for s in sessions for p in passages[s.index].get(code, ())),
                      key=lambda p: p.start)  # fmt: skip
        lanes.append(Lane(language_name(code), "language", _joined(
            (p.start, p.end, SOURCE_WORDS[p.kind], SOURCE_CLASSES[p.kind]) for p in mine
        ), code))  # fmt: skip
    unsure = sorted(word for p in spoken for word in p.unsure)
    lanes.append(Lane("To review", "review", _joined(
        (start, end, "words to review", "review") for start, end in unsure
    )))  # fmt: skip
    rows = tuple(_facts(s, passages[s.index], said[s.index]) for s in sessions)
    end = max((s.end for s in sessions), default=0.0)
    return Timeline(recording, end, tuple(lane for lane in lanes if lane.spans), rows)


def _said(by_language: dict[str, list[Passage]]) -> list[Passage]:
    """What was said, once: the passages that are the speech's own words, whatever
    track they are in (a code-switching session has them in several)."""
    seen: dict[tuple[float, float], Passage] = {}
    for passages in by_language.values():
        for p in passages:
            if p.kind == "original":
                seen.setdefault((p.start, p.end), p)
    return sorted(seen.values(), key=lambda p: p.start)


def _speaker_colours(names: Iterable[str]) -> dict[str, int]:
    order = [n for n in dict.fromkeys(names) if n]
    return {name: i % SPEAKER_COLOURS for i, name in enumerate(order)}


def _joined(pieces: Iterable[tuple[float, float, str, str]]) -> tuple[Span, ...]:
    """Spans of consecutive pieces with the same label, closer than JOIN_GAP, as one."""
    spans: list[Span] = []
    for start, end, label, css in pieces:
        last = spans[-1] if spans else None
        if last and last.label == label and start - last.end <= JOIN_GAP:
            spans[-1] = Span(last.start, max(last.end, end), label, css)
        else:
            spans.append(Span(start, end, label, css))
    return tuple(spans)


def _facts(
    session: Session, by_language: dict[str, list[Passage]], said: Sequence[Passage]
) -> SessionFacts:
    voices = tuple(dict.fromkeys(p.speaker for p in said if p.speaker))
    seconds: dict[str, float] = {}
    for p in said:
        seconds[p.language] = seconds.get(p.language, 0.0) + p.end - p.start
    total = sum(seconds.values())
    spoken = tuple(
        (language_name(code), round(100 * s / total))
        for code, s in sorted(seconds.items(), key=lambda kv: -kv[1])
    ) if total else ()  # fmt: skip
    sources = tuple((info.code, _sources(by_language.get(info.code, [])))
                    for info in session.languages)  # fmt: skip
    to_review = sum(len(p.unsure) for p in said)
    return SessionFacts(session, voices or session.speakers, spoken, sources, to_review)


def _sources(passages: Sequence[Passage]) -> str:
    """'machine translation 60 %, interpreter 40 %', by characters of text."""
    chars: dict[str, int] = {}
    for p in passages:
        chars[p.kind] = chars.get(p.kind, 0) + len(p.text)
    total = sum(chars.values())
    if not total:
        return "no text"
    parts = sorted(chars.items(), key=lambda kv: -kv[1])
    if len(parts) == 1:
        return SOURCE_WORDS[parts[0][0]]
    return ", ".join(f"{SOURCE_WORDS[kind]} {round(100 * n / total)} %" for kind, n in parts)
