"""Read WebVTT and SubRip files back into cues, text as a viewer sees it.

WebVTT is parsed by webvtt-py (leniently, as players do: a malformed cue block is
skipped), SubRip by `srt`. Cue text is returned as displayed: tags (`<i>`, `<c.x>`,
`{\\an8}`) removed and, in WebVTT, character references (`&amp;`) decoded.
The track's language comes from a `Language:` header line (our writer puts
`Language: French` in the header NOTE) or from the file name (`fr.vtt`, `talk.fr.srt`).
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from pipeline.errors import SubtitleError
from pipeline.languages import LANGUAGES, language_code

FORMATS = ("vtt", "srt")
_TAG = re.compile(r"<[^>]*>")
_ASS_TAG = re.compile(r"\{\\[^}]*\}")
# SubRip has no escaping: players take these few tags as formatting and show any other
# "<...>" as text ("<>", "<script>" said in a talk), so only these are removed.
_SRT_TAG = re.compile(r"</?(?:b|i|u|s|font)(?:\s[^>]*)?>", re.IGNORECASE)
_LANGUAGE_LINE = re.compile(r"^\s*language\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class SubtitleCue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]  # as displayed, empty lines dropped
    speaker: str = ""  # a WebVTT cue's voice (`<v Jens Wretling>`), its first one


@dataclass(frozen=True)
class SubtitleFile:
    path: Path
    format: str  # "vtt" or "srt"
    cues: tuple[SubtitleCue, ...]
    language: str | None  # a code from pipeline.languages, when known


def _one_line(text: object, limit: int = 160) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def decode(raw: bytes, path: Path) -> str:
    """Text of a subtitle file: UTF-8, or UTF-16/32 with a byte-order mark."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise SubtitleError(f"{path}: invalid {encoding} text ({exc.reason})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SubtitleError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc
    if "\x00" in text:  # UTF-16 without its byte-order mark is valid "UTF-8"
        raise SubtitleError(f"{path}: not UTF-8 text (NUL bytes: UTF-16?); save it as UTF-8")
    return text


def language_from_name(path: Path) -> str | None:
    """`fr.vtt` or `talk.fr.vtt` -> 'fr'."""
    parts = path.name.lower().split(".")[:-1]
    return parts[-1] if parts and parts[-1] in LANGUAGES else None


# A WebVTT voice span's start: `<v Name>`, `<v.loud Name>`; the annotation is the name.
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")


def _voice(raw_lines: list[str]) -> str:
    """The name in the cue's first voice span, as a person reads it; "" without one."""
    for line in raw_lines:
        found = _VOICE.search(line)
        if found:
            return " ".join(html.unescape(found.group(1)).split())
    return ""


def _vtt_lines(raw_lines: list[str]) -> tuple[str, ...]:
    out = []
    for line in raw_lines:
        text = " ".join(html.unescape(_TAG.sub("", line)).split())
        if text:
            out.append(text)
    return tuple(out)


def _srt_lines(content: str) -> tuple[str, ...]:
    out = []
    for line in content.splitlines():
        text = " ".join(_ASS_TAG.sub("", _SRT_TAG.sub("", line)).split())
        if text:
            out.append(text)
    return tuple(out)


def _ms(delta: timedelta) -> int:
    return delta // timedelta(milliseconds=1)


def _dropped_cue_block(text: str) -> tuple[int, str] | None:
    """(line number, timing line) of the first cue block a player would skip, if any.

    webvtt-py, like browsers, silently skips a cue block whose timing it cannot read;
    a linter must not: a viewer would never see that cue.
    """
    lines = text.splitlines()
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            block.append((number, line))
            continue
        timing = [(n, t) for n, t in block[:2] if "-->" in t]
        first = block[0][1].split(maxsplit=1)[0] if block else ""
        if timing and first not in ("NOTE", "STYLE", "REGION", "WEBVTT"):
            cue = "\n".join(t for _, t in block)
            try:
                parsed = webvtt.from_string(f"WEBVTT\n\n{cue}\n").captions
            except (MalformedFileError, MalformedCaptionError):
                parsed = []
            if not parsed:
                return timing[0]
        block = []
    return None


def parse_vtt(text: str, path: Path) -> tuple[tuple[SubtitleCue, ...], str | None]:
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise SubtitleError(f"{path}: line 1: a WebVTT file starts with 'WEBVTT'")
    try:
        vtt = webvtt.from_string(text)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise SubtitleError(f"{path}: not a valid WebVTT file: {_one_line(exc)}") from exc
    dropped = _dropped_cue_block(text)
    if dropped:
        number, line = dropped
        raise SubtitleError(
            f"{path}: line {number}: invalid cue timing {_one_line(line, 80)!r} "
            "(players skip this cue)"
        )
    cues = tuple(
        SubtitleCue(
            c.start_time.in_milliseconds(),
            c.end_time.in_milliseconds(),
            _vtt_lines(c.lines),
            _voice(c.lines),
        )
        for c in vtt.captions
    )
    language = None
    for block in [*vtt.metadata, *vtt.header_comments]:
        for match in _LANGUAGE_LINE.finditer(block):
            language = language or language_code(match.group(1))
    return cues, language


_CLOCKISH = re.compile(r"\d+:\d+")
# Hours are not optional: `srt` reads "00:01,000" as a minute, players skip the cue.
_SRT_CLOCK = r"\d+:\d{2}:\d{2}(?:[,.]\d{1,3})?"
_SRT_TIMING = re.compile(rf"\s*{_SRT_CLOCK}\s*-->\s*{_SRT_CLOCK}(\s|$)")


def _untimed_srt_block(text: str) -> str | None:
    """Where the first numbered block lacks a timing line that players read: `srt`
    would take it as more text of the cue before, or misread its times."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        after_blank = number == 1 or not lines[number - 2].strip()
        following = lines[number] if number < len(lines) else ""
        if not (after_blank and line.strip().isdigit()) or _SRT_TIMING.match(following):
            continue
        if "-->" in following or _CLOCKISH.search(following):
            return (
                f"line {number + 1}: invalid cue timing {_one_line(following, 80)!r} "
                "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm)"
            )
        return f"line {number}: cue {line.strip()} has no timing line; players skip it"
    return None


def parse_srt(text: str, path: Path) -> tuple[SubtitleCue, ...]:
    untimed = _untimed_srt_block(text)
    if untimed:
        raise SubtitleError(f"{path}: {untimed}")
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        raise SubtitleError(f"{path}: {_srt_block_problem(text, exc)}") from exc
    except ValueError as exc:
        raise SubtitleError(f"{path}: not a valid SubRip file: {_one_line(exc)}") from exc
    return tuple(SubtitleCue(_ms(s.start), _ms(s.end), _srt_lines(s.content)) for s in subtitles)


def _srt_block_problem(text: str, exc: srt.SRTParseError) -> str:
    """The block `srt` could not read, by line number: its timing line when it has one,
    else its start (the library's own message counts characters, quoting the block)."""
    first = text.count("\n", 0, exc.expected_start) + 1
    lines = exc.unmatched_content.split("\n")
    for offset, line in enumerate(lines):
        if "-->" in line:
            return (
                f"line {first + offset}: invalid cue timing {_one_line(line, 80)!r} "
                "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm)"
            )
    skipped = next((i for i, line in enumerate(lines) if line.strip()), 0)
    return (
        f"line {first + skipped}: not a SubRip cue (a number, then a "
        f"'HH:MM:SS,mmm --> HH:MM:SS,mmm' line): {_one_line(exc.unmatched_content, 80)!r}"
    )


def read_subtitles(path: Path | str) -> SubtitleFile:
    """The cues of a .vtt or .srt file; SubtitleError (one line) when unreadable."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SubtitleError(f"{path} does not exist") from exc
    except IsADirectoryError as exc:
        raise SubtitleError(f"{path} is a folder, not a subtitle file") from exc
    except OSError as exc:
        raise SubtitleError(f"{path}: cannot read it ({exc.strerror})") from exc
    text = decode(raw, path)
    suffix = path.suffix.lower().lstrip(".")
    fmt = suffix if suffix in FORMATS else ("vtt" if text.lstrip().startswith("WEBVTT") else "srt")
    if fmt == "vtt":
        cues, language = parse_vtt(text, path)
    else:
        cues, language = parse_srt(text, path), None
    return SubtitleFile(path, fmt, cues, language or language_from_name(path))
