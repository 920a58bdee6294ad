"""What `webconf probe` reports: each file's audio streams as a table, and the manifest
blocks (`[[recording]]`, `[[recording.interpretation]]`) that name them.

The speech share of each stream is measured by the transcribe stage's VAD, which this
stage may not import: the caller passes the shares in (None: not measured).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.agenda.manifest import toml_string
from pipeline.languages import TABLE
from pipeline.media.probe import AudioStream, MediaInfo
from pipeline.timecode import clock_ms

# Below this share a stream is treated as silent (room noise, a muted console): its
# block is commented out, since an empty channel would replace machine translation.
NO_SPEECH_SHARE = 0.01
# Below this, a warning only: an interpreter may be quiet while the floor speaks their
# language.
LITTLE_SPEECH_SHARE = 0.10

UNTAGGED = frozenset({"und", "mul", "mis", "zxx"})  # ISO 639-2 for "no language"
_BIBLIOGRAPHIC = {"fre": "fra"}  # ISO 639-2/B tags some muxers write, as /T
_FLOOR_WORDS = frozenset({"native", "original", "floor"})


@dataclass(frozen=True)
class StreamLanguage:
    """Which of our languages a stream carries, and what said so."""

    code: str
    guessed: bool  # from a title or the file name, not from a language tag
    source: str  # what said so: "tag", "title" or "file name"


@dataclass(frozen=True)
class ProbedStream:
    file: Path  # as the user named it
    stream: AudioStream
    language: StreamLanguage | None
    speech: float | None  # share of the stream's time in speech, 0-1; None: not measured
    alone: bool  # the only audio stream of its file


@dataclass(frozen=True)
class Channel:
    """A stream offered as an interpreter channel, and why it is commented out, if so."""

    stream: ProbedStream
    own_file: bool  # a file of its own (`file =`), not a stream of the recording's file
    problem: str | None = None  # set: the block is printed commented out, with this reason


def tag_language(tag: str | None) -> str | None:
    """A container's language tag as our code: 'fra', 'fre', 'fr', 'fr-FR', 'French' ->
    'fr'; None when untagged or not one of our languages."""
    if not tag:
        return None
    head = re.split(r"[-_]", tag.strip().lower())[0]
    head = _BIBLIOGRAPHIC.get(head, head)
    for lang in TABLE:
        if head in (lang.code, lang.iso639_2, lang.name.lower(), _fold(lang.autonym)):
            return lang.code
    return None


def guess_language(name: str, as_file_name: bool = False) -> str | None:
    """The one language a title or file name names ('French', 'Español', 'fra', and for
    file names a trailing code: 'webinar-es.m4a', 'audio_interpretation_fr.m4a');
    None when it names none or several."""
    if as_file_name:
        name = Path(name).stem
    words = [w for w in re.split(r"[^a-z0-9]+", _fold(name)) if w]
    found = set()
    for i, word in enumerate(words):
        last = i == len(words) - 1
        for lang in TABLE:
            names = {lang.iso639_2, lang.name.lower(), _fold(lang.autonym)}
            names |= {b for b, t in _BIBLIOGRAPHIC.items() if t == lang.iso639_2}
            # A bare two-letter code is a language only at the end of a file name: 'en'
            # and 'es' are words of Spanish and French titles too.
            if word in names or (as_file_name and last and word == lang.code):
                found.add(lang.code)
    return found.pop() if len(found) == 1 else None


def stream_language(info: MediaInfo, stream: AudioStream) -> StreamLanguage | None:
    """From the language tag; for an untagged stream, a guess from its title, or from the
    file name when the file holds no other audio stream."""
    tag = (stream.language or "").strip()
    if tag and tag.lower() not in UNTAGGED:
        code = tag_language(tag)
        return StreamLanguage(code, False, "tag") if code else None
    if stream.title and (code := guess_language(stream.title)):
        return StreamLanguage(code, True, "title")
    if len(info.audio_streams) == 1 and (code := guess_language(info.path.name, True)):
        return StreamLanguage(code, True, "file name")
    return None


def probed_file(
    info: MediaInfo, name: Path | None = None, speech: Mapping[int, float] | None = None
) -> tuple[ProbedStream, ...]:
    """Each audio stream of a probed file with its language; `speech` maps stream
    positions to their speech share, `name` is the file as the user named it."""
    speech = speech or {}
    alone = len(info.audio_streams) == 1
    return tuple(
        ProbedStream(
            file=name or info.path,
            stream=s,
            language=stream_language(info, s),
            speech=speech.get(s.position),
            alone=alone,
        )
        for s in info.audio_streams
    )


def floor_stream(streams: Sequence[ProbedStream]) -> ProbedStream:
    """The one titled like the floor ('Native', 'Original', 'Floor'), else the first."""
    for s in streams:
        if _FLOOR_WORDS & set(re.split(r"[^a-z]+", _fold(s.stream.title or ""))):
            return s
    return streams[0]


def plan_channels(
    files: Sequence[Sequence[ProbedStream]], languages: Sequence[str]
) -> tuple[ProbedStream, tuple[Channel, ...]]:
    """The floor (in the first file) and every other stream as a channel. One channel
    per language: the first one with speech is used, and the others are commented out
    with the reason; so are silent streams and those of no event language."""
    floor = floor_stream(files[0])
    candidates = [
        Channel(s, own_file=i > 0)
        for i, streams in enumerate(files)
        for s in streams
        if s is not floor
    ]
    taken: dict[str, ProbedStream] = {}
    for c in candidates:  # first pass: who holds each language
        lang = c.stream.language
        if lang and lang.code in languages and not _silent(c.stream):
            taken.setdefault(lang.code, c.stream)
    out = []
    for c in candidates:
        lang, speech = c.stream.language, c.stream.speech
        if lang is None:  # the tag is none of ours, or there is none and nothing names one
            tag = c.stream.stream.language
            problem = (
                f"is tagged {tag}, none of our languages"
                if tag and tag.lower() not in UNTAGGED
                else "has no language tag (nor a title naming one)"
            )
        elif lang.code not in languages:
            problem = f"is {_language_note(c.stream)}: {lang.code} is not an event language"
        elif _silent(c.stream):
            problem = f"has no speech ({_percent(speech)})"
        elif taken[lang.code] is not c.stream:
            problem = f"is {lang.code} too; {_label(taken[lang.code])} comes first"
        else:
            problem = None
        out.append(Channel(c.stream, c.own_file, problem))
    return floor, tuple(out)


def stream_table(streams: Sequence[ProbedStream]) -> str:
    """One aligned line per audio stream of a file, under a header line."""
    rows = [("stream", "codec", "ch", "rate", "duration", "lang", "title", "speech")]
    for s in streams:
        a = s.stream
        rows.append(
            (
                str(a.position),
                a.codec,
                str(a.channels),
                str(a.sample_rate),
                clock_ms(a.duration_ms),
                _lang_cell(s),
                a.title or "-",
                "-" if s.speech is None else _percent(s.speech),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def manifest_toml(
    files: Sequence[Sequence[ProbedStream]], languages: Sequence[str], base: Path | None = None
) -> str:
    """The `[[recording]]` block of the first file with one `[[recording.interpretation]]`
    block per channel, ready to paste; file names relative to `base` (the manifest's
    folder) when given, else as named. Comments say what each choice rests on."""
    floor, chans = plan_channels(files, languages)
    lines = [
        f"# event languages: {', '.join(languages)}; file names relative to "
        + ("the manifest" if base is not None else "the current folder"),
        "[[recording]]",
        f"file = {toml_string(_shown(floor.file, base))}",
        f"stream = {floor.stream.position}  # the floor{_about(floor)}",
    ]
    if floor.language and floor.language.code in languages:
        lines.append(
            f'# language = "{floor.language.code}"  # only if every session is in '
            f"{floor.language.code} ({_language_note(floor)}); else detected per session"
        )
    for c in chans:
        body = [
            "[[recording.interpretation]]",
            f"language = {toml_string(c.stream.language.code if c.stream.language else '')}",
        ]
        if c.own_file:
            body.append(f"file = {toml_string(_shown(c.stream.file, base))}")
        if not c.own_file or not c.stream.alone:
            body.append(f"stream = {c.stream.stream.position}")
        if about := _about(c.stream):
            body[-1] += f"  #{about.removeprefix(':')}"
        if c.own_file:
            body.append(
                '# offset = "00:00:00"  # where this file starts in the recording, '
                "if not at its start"
            )
        lines.append("")
        if c.stream.language and c.stream.language.code not in languages:
            lines.append(f"# not used: {_label(c.stream)} {c.problem}")
            continue  # the manifest would refuse its block
        if c.problem:
            lines.append(f"# not used: {_label(c.stream)} {c.problem}")
            lines += [f"# {line}" for line in body]
            continue
        if c.stream.language and c.stream.language.guessed:
            lines.append(f"# check the language: {_language_note(c.stream)}")
        if c.stream.speech is not None and c.stream.speech < LITTLE_SPEECH_SHARE:
            lines.append(f"# little speech ({_percent(c.stream.speech)}): the right stream?")
        lines += body
    return "\n".join(lines) + "\n"


def _silent(s: ProbedStream) -> bool:
    return s.speech is not None and s.speech < NO_SPEECH_SHARE


def _fold(text: str) -> str:
    """Lower case without accents: 'Français' -> 'francais'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _lang_cell(s: ProbedStream) -> str:
    if s.language and s.language.guessed:
        return f"{s.language.code}?"
    return s.stream.language or "-"


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{round(share * 100)}%"


def _label(s: ProbedStream) -> str:
    return s.file.name if s.alone else f"{s.file.name} stream {s.stream.position}"


def _about(s: ProbedStream) -> str:
    """': "Native", tagged eng, speech 62%' — what the block rests on, as a comment."""
    parts = [_quote(s.stream.title)] if s.stream.title else []
    if note := _language_note(s):
        parts.append(note)
    if s.speech is not None:
        parts.append(f"speech {_percent(s.speech)}")
    return (": " + ", ".join(parts)) if parts else ""


def _language_note(s: ProbedStream) -> str:
    """'tagged fra', 'fr guessed from the title'; '' for an untagged stream."""
    if s.language and s.language.guessed:
        return f"{s.language.code} guessed from the {s.language.source}"
    return f"tagged {s.stream.language}" if s.stream.language else ""


def _quote(text: str) -> str:
    """A title in a comment: quoted, on one line."""
    return '"' + " ".join(text.split()) + '"'




def _shown(path: Path, base: Path | None) -> str:
    """The file name to paste: relative to `base`, or as named, relative to the current
    folder when it lies inside it."""
    if base is not None:
        return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()
