"""The event's table of contents: index.json for tools, index.html for people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from pipeline.agenda.check import BoundaryCheck
from pipeline.fsio import atomic_write, to_json_text
from pipeline.languages import language_name
from pipeline.outputs.layout import FORMAT_VERSION, INDEX_FILE, INDEX_PAGE, SESSION_FORMATS
from pipeline.timecode import format_clock, seconds
from pipeline.translate.interpretation import median_lag
from pipeline.types import Event, Interpretation, Session, SessionTrack
from pipeline.writers.html_writer import STYLE, page, web_link
from pipeline.writers.json_writer import channel_dict, event_dict
from pipeline.writers.paragraphs import unsure_words
from pipeline.writers.provenance import (
    INTERPRETER,
    composition,
    original_share,
    provenance,
    shares,
    speakers_line,
    track_marker,
)

RecordingTracks = Mapping[str, Mapping[str, str | PurePath]]
"""Recording file name -> language -> its full-recording VTT (relative to out_dir)."""

Chapters = Mapping[str, str | PurePath]
"""Recording file name -> its chapters VTT (relative to out_dir)."""

Media = Mapping[str, str | PurePath]
"""Recording file name -> the recording as published under out_dir/media/."""

Lags = Mapping[tuple[str, str], int | None]
"""(recording file name, channel language) -> the interpreter's median lag (ms)."""


@dataclass(frozen=True)
class IndexEntry:
    """One session in one language as written to disk: what the index links to."""

    session: Session
    language: str
    engine: str
    is_original: bool
    files: Mapping[str, str] = field(hash=False)  # extension -> path relative to out_dir
    source_language: str
    audio: str | None  # the session's audio file, relative to out_dir
    provenance: str  # the files' header wording
    label: str  # short table label
    original_share: float  # share of characters that are original speech
    kind: str  # "original", "translation", "interpretation" or "mixed"
    shares: Mapping[str, float] = field(default_factory=dict, hash=False)  # by origin
    channel: Interpretation | None = None  # the interpreter channel in this language
    channel_audio: str | None = None  # the session cut of that channel, relative to out_dir
    lag_ms: int | None = None  # the interpreter's median lag over the session
    unsure_words: int = 0  # recognised words under UNSURE_WORD no person reviewed
    unsure_cues: int = 0  # low-confidence cues no person reviewed

    @classmethod
    def from_written(
        cls,
        track: SessionTrack,
        paths: Iterable[Path],
        out_dir: Path,
        *,
        audio: Path | str | None = None,
        channel: Interpretation | None = None,
        channel_audio: Path | str | None = None,
    ) -> IndexEntry:
        """Entry for what `write_session_track` returned (paths keyed by their suffix);
        `channel`: the recording's interpreter channel in the track's language."""
        return cls(
            session=track.session,
            language=track.language,
            engine=track.engine,
            is_original=track.is_original,
            files={p.suffix.lstrip("."): relative(p, out_dir) for p in map(Path, paths)},
            source_language=track.source_language,
            audio=None if audio is None else relative(audio, out_dir),
            provenance=provenance(track),
            label=track_marker(track),
            original_share=original_share(track),
            kind=composition(track).kind or ("original" if track.is_original else "translation"),
            shares=shares(track),
            channel=channel,
            channel_audio=None if channel_audio is None else relative(channel_audio, out_dir),
            lag_ms=median_lag(track.sentences),
            unsure_words=unsure_words(track),
            unsure_cues=sum(c.low_confidence and not c.reviewed for c in track.cues),
        )

    @property
    def css_class(self) -> str:
        classes = {"original": "original", "mixed": "mixed", "interpretation": "interpreted"}
        return classes.get(self.kind, "mt")


def relative(path: Path | str | PurePath, out_dir: Path) -> str:
    """A POSIX path relative to out_dir: paths under out_dir (absolute, or relative to
    the working folder as out_dir is) lose that prefix; other relative paths are taken
    as already relative to out_dir."""
    path, out_dir = Path(path), Path(out_dir)
    if path.is_absolute():
        try:
            path = path.relative_to(out_dir)
        except ValueError:
            path = path.resolve().relative_to(out_dir.resolve())
    elif not out_dir.is_absolute() and path.parts[: len(out_dir.parts)] == out_dir.parts:
        path = path.relative_to(out_dir)
    return path.as_posix()


def _sessions(event: Event, entries: Sequence[IndexEntry]) -> list[Session]:
    """The agenda's sessions in order, then any session only the entries know."""
    known = {s.index for s in event.sessions}
    extra = {e.session.index: e.session for e in entries if e.session.index not in known}
    return [*event.sessions, *(extra[i] for i in sorted(extra))]


def _languages(event: Event, entries: Sequence[IndexEntry]) -> list[str]:
    languages = list(event.languages)
    for entry in entries:
        if entry.language not in languages:
            languages.append(entry.language)
    return languages


def _ordered_files(files: Mapping[str, str]) -> list[tuple[str, str]]:
    rank = {ext: n for n, ext in enumerate(SESSION_FORMATS)}
    return sorted(files.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def _by_session(entries: Sequence[IndexEntry]) -> dict[int, dict[str, IndexEntry]]:
    table: dict[int, dict[str, IndexEntry]] = {}
    for entry in entries:
        table.setdefault(entry.session.index, {})[entry.language] = entry
    return table


def _audio(cells: Mapping[str, IndexEntry]) -> str | None:
    return next((e.audio for e in cells.values() if e.audio), None)


def _spoken_language(session: Session, cells: Mapping[str, IndexEntry]) -> str | None:
    if session.language:
        return session.language
    return next((e.language for e in cells.values() if e.is_original), None)


def index_dict(
    event: Event,
    entries: Sequence[IndexEntry],
    recording_tracks: RecordingTracks,
    out_dir: Path,
    chapters: Chapters | None = None,
    media: Media | None = None,
    lags: Lags | None = None,
) -> dict[str, Any]:
    """index.json as a dict; session times are seconds in recording time.

    `recordings` maps each recording's file name to its published media (or None),
    its chapters track (or None), its full-recording subtitle tracks by language and
    its interpreter channels by language (with each one's median lag, `lag_ms`).
    """
    chapters = chapters or {}
    media = media or {}
    table = _by_session(entries)
    sessions = []
    for session in _sessions(event, entries):
        cells = table.get(session.index, {})
        sessions.append(
            {
                "index": session.index,
                "title": session.title,
                "slug": session.slug,
                "speakers": list(session.speakers),
                "links": list(session.links),
                "language": _spoken_language(session, cells),
                "recording": session.recording.name,
                "start": seconds(session.start_ms),
                "end": seconds(session.end_ms),
                "audio": _audio(cells),
                "languages": {
                    lang: {
                        "engine": cells[lang].engine,
                        "is_original": cells[lang].is_original,
                        "source_language": cells[lang].source_language or None,
                        "original_share": cells[lang].original_share,
                        "provenance": cells[lang].provenance or None,
                        "shares": dict(cells[lang].shares),
                        # what awaits a reviewer (see writers.paragraphs.UNSURE_WORD)
                        "to_review": {
                            "words": cells[lang].unsure_words,
                            "cues": cells[lang].unsure_cues,
                        },
                        "files": dict(_ordered_files(cells[lang].files)),
                        **_interpretation_entry(cells[lang]),
                    }
                    for lang in _languages(event, entries)
                    if lang in cells
                },
            }
        )
    titles = {r.file.name: r.title for r in event.recordings}
    recordings = {
        name: {
            "title": titles.get(name),  # what the manifest calls it, if anything
            # the recording itself, published beside the outputs for replay pages
            "media": _relative_or_none(media.get(name), out_dir),
            "chapters": _relative_or_none(chapters.get(name), out_dir),
            "tracks": {
                lang: relative(path, out_dir)
                for lang, path in recording_tracks.get(name, {}).items()
            },
            "channels": _channels(event, name, lags or {}),
        }
        for name in _recording_names(event, recording_tracks, chapters)
    }
    return {
        "format": FORMAT_VERSION,
        "event": event_dict(event),
        "sessions": sessions,
        "recordings": recordings,
    }


def _interpretation_entry(entry: IndexEntry) -> dict[str, Any]:
    """`interpretation` of a session language with an interpreter channel: the
    channel, its session audio (what the replay page plays for this language) and the
    interpreter's median lag over the session."""
    if entry.channel is None:
        return {}
    return {
        "interpretation": {
            **channel_dict(entry.channel),
            "audio": entry.channel_audio,
            "lag_ms": entry.lag_ms,
        }
    }


def _channels(event: Event, name: str, lags: Lags) -> dict[str, Any]:
    recording = next((r for r in event.recordings if r.file.name == name), None)
    if recording is None:
        return {}
    return {
        c.language: {**channel_dict(c), "lag_ms": lags.get((name, c.language))}
        for c in recording.interpretations
    }


def _recording_names(
    event: Event, recording_tracks: RecordingTracks, chapters: Chapters
) -> list[str]:
    """The event's recordings in manifest order, then any only the tracks name."""
    names = [rec.file.name for rec in event.recordings]
    for name in [*recording_tracks, *chapters]:
        if name not in names:
            names.append(name)
    return names


def _relative_or_none(path: str | PurePath | None, out_dir: Path) -> str | None:
    return None if path is None else relative(path, out_dir)


def _link(href: str, label: str) -> str:
    return f'<a href="{escape(quote(href))}">{escape(label)}</a>'


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _cell(entry: IndexEntry | None) -> str:
    if entry is None:
        return '<td class="missing">\u2014</td>'
    files = [_link(path, ext.upper()) for ext, path in _ordered_files(entry.files)]
    if entry.channel_audio:
        files.append(_link(entry.channel_audio, "interpreter audio"))
    links = " \u00b7 ".join(files)
    if entry.unsure_words or entry.unsure_cues:
        links += (
            f'<br><small class="review">to review: {_count(entry.unsure_words, "word")}, '
            f"{_count(entry.unsure_cues, 'cue')}</small>"
        )
    label = escape(entry.label)
    title = f' title="{escape(entry.provenance)}"' if entry.provenance else ""
    return f'<td><span class="{entry.css_class}"{title}>{label}</span><br>{links}</td>'


INDEX_STYLE = """
body{max-width:75rem}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.4rem .6rem;vertical-align:top;text-align:left}
.original{color:#070;font-weight:600}.mt{color:#a50}.mixed{color:#550}.missing{color:#999}
.interpreted{color:#05a;font-weight:600}"""


def index_html(
    event: Event,
    entries: Sequence[IndexEntry],
    recording_tracks: RecordingTracks,
    out_dir: Path,
    chapters: Chapters | None = None,
) -> str:
    """One row per session, one column per language, plus the full-recording tracks."""
    languages = _languages(event, entries)
    table = _by_session(entries)
    head = "".join(f"<th>{escape(language_name(lang))}</th>" for lang in languages)
    rows = []
    for session in _sessions(event, entries):
        cells = table.get(session.index, {})
        audio = _audio(cells)
        span = f"{format_clock(session.start_ms)}\u2013{format_clock(session.end_ms)}"
        who = f"<br><small>{escape(speakers_line(session))}</small>" if session.speakers else ""
        if session.links:
            who += "<br><small>" + ", ".join(web_link(u) for u in session.links) + "</small>"
        rows.append(
            "<tr>"
            f"<td>{session.index}</td>"
            f"<td>{escape(session.title)}{who}</td>"
            f"<td>{escape(span)}<br><small>{escape(session.recording.name)}</small></td>"
            f"<td>{_link(audio, 'audio') if audio else chr(0x2014)}</td>"
            + "".join(_cell(cells.get(lang)) for lang in languages)
            + "</tr>\n"
        )
    title = f"{event.title} ({event.date})" if event.date else event.title
    intro = (
        "Subtitles and transcripts per session. Session files are timed from the session "
        "start; the times below are positions in the recording."
    )
    if any(e.channel is not None for e in entries):
        intro += f" Interpretation: {INTERPRETER}, timed to the speaker."
    columns = "<th>#</th><th>Session</th><th>In recording</th><th>Audio</th>" + head
    about = f"<p>{escape(event.description)}</p>\n" if event.description else ""
    body = [
        f'<header>\n<h1>{escape(title)}</h1>\n{about}<p class="meta">{intro}</p>\n</header>\n',
        f"<main>\n<table>\n<thead><tr>{columns}</tr></thead>\n<tbody>\n",
        *rows,
        "</tbody>\n</table>\n",
    ]
    chapters = chapters or {}
    titles = {r.file.name: r.title for r in event.recordings}
    if recording_tracks or chapters:
        body.append("<h2>Subtitles and chapters for the full recordings</h2>\n<ul>\n")
        for recording in _recording_names(event, recording_tracks, chapters):
            links = [
                _link(relative(path, out_dir), language_name(lang))
                for lang, path in recording_tracks.get(recording, {}).items()
            ]
            if recording in chapters:
                links.append(_link(relative(chapters[recording], out_dir), "chapters"))
            if links:
                label = escape(recording) + (
                    f" ({escape(titles[recording])})" if titles.get(recording) else ""
                )
                body.append(f"<li>{label}: {', '.join(links)}</li>\n")
        body.append("</ul>\n")
    body.append("</main>\n")
    return page(title, "en", "".join(body), style=STYLE + INDEX_STYLE)


def write_event_index(
    event: Event,
    entries: Sequence[IndexEntry],
    out_dir: Path,
    recording_tracks: RecordingTracks | None = None,
    chapters: Chapters | None = None,
    media: Media | None = None,
    lags: Lags | None = None,
    made_with: Mapping[str, Any] | None = None,
    boundaries: Sequence[BoundaryCheck] = (),
    voices: Mapping[int, str] | None = None,
) -> list[Path]:
    """Write out_dir/index.json and out_dir/index.html; returns both paths.

    Everything the index links to is given (nothing is looked up on disk): the
    entries' files, the full-recording tracks, chapters and published media.
    `made_with`: the run's options (model, MT, profile...), recorded so that a re-run
    that applies corrections makes the outputs the same way. `boundaries`: the agenda
    check (`agenda_check`: each boundary by the sessions around it, its agenda time, the
    time suggested, whether the run moved it there, and why). `voices`: every voice
    the speakers stage heard, by number, with the name it was given (`voices`: the
    "Speaker N" a manifest names, and the name), so a named voice can be renamed.
    """
    out_dir = Path(out_dir)
    tracks = recording_tracks or {}
    json_path, html_path = out_dir / INDEX_FILE, out_dir / INDEX_PAGE
    document = index_dict(event, entries, tracks, out_dir, chapters, media, lags)
    if made_with:
        document["made_with"] = dict(made_with)
    if boundaries:  # each agenda boundary against the speech (agenda.check)
        document["agenda_check"] = [
            {
                "before": check.before.index,
                "after": check.after.index,
                "agenda": seconds(check.agenda_ms),
                "suggested": seconds(check.suggested_ms),
                "applied": check.applied,
                "reasons": list(check.reasons),
            }
            for check in boundaries
        ]
    if voices:
        document["voices"] = [
            {"voice": f"Speaker {number}", "name": voices[number]} for number in sorted(voices)
        ]
    atomic_write(json_path, to_json_text(document))
    atomic_write(html_path, index_html(event, entries, tracks, out_dir, chapters))
    return [json_path, html_path]
