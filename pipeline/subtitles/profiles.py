"""Subtitle profiles: the norms every cue must meet, and how a cue is measured.

This module is the one definition of "conforms", shared by the segmenter
(`cues.py`, which aims for it) and the linter (`check.py`, which measures it):

- **characters**: every character of the cue's lines, spaces and punctuation
  included, the line break(s) not counted. Text is measured as displayed: cue tags
  (`<i>`) removed, entities (`&amp;`) decoded, Unicode NFC code points.
- **line length**: the characters of one line; at most `max_line_chars`.
- **lines**: at most `max_lines` non-empty lines.
- **reading speed**: characters / displayed seconds (end - start), at most the
  profile's characters-per-second limit for the cue's language.
- **duration**: end - start, between `min_duration_ms` and `max_duration_ms`.
- **gap**: from the end of the previous cue to the start of this one, at least
  `min_gap_ms` (overlapping cues are a negative gap).

`max_sync_ms` is not measurable in a file alone: it bounds how far the segmenter may
move a cue away from its speech (BBC: do not anticipate speech by more than 1.5 s)
to give it the reading time it needs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.errors import SubtitleError
from pipeline.languages import TABLE

_DEFAULT_CPS = tuple(sorted((lang.code, lang.reading_cps) for lang in TABLE))


@dataclass(frozen=True)
class SubtitleProfile:
    """Frozen norms for a subtitle track; `max_cps` accepts a mapping or pairs."""

    name: str = "default"
    max_line_chars: int = 42
    max_lines: int = 2
    max_duration_ms: int = 7000
    min_duration_ms: int = 833  # 5/6 s, 20 frames at 24 fps
    min_gap_ms: int = 83  # two frames at 24 fps
    max_cps: Mapping[str, float] | tuple[tuple[str, float], ...] = _DEFAULT_CPS
    default_cps: float = 17.0  # for languages not in max_cps
    max_sync_ms: int = 1500
    # SubRip has no voice spans: label the first cue of each speaker's turn with
    # `SPEAKER_LABEL` (the cue is laid out with the label counted in its first line)
    speaker_labels: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        cps = self.max_cps.items() if isinstance(self.max_cps, Mapping) else self.max_cps
        object.__setattr__(self, "max_cps", tuple(sorted((str(k), float(v)) for k, v in cps)))
        numbers = {
            "max_line_chars": self.max_line_chars,
            "max_lines": self.max_lines,
            "max_duration_ms": self.max_duration_ms,
            "default_cps": self.default_cps,
            **{f"max_cps[{k}]": v for k, v in self.max_cps},
        }
        for key, value in numbers.items():
            if not value > 0:
                raise ValueError(f"subtitle profile {self.name!r}: {key} must be > 0")
        if self.min_duration_ms < 0 or self.min_gap_ms < 0 or self.max_sync_ms < 0:
            raise ValueError(f"subtitle profile {self.name!r}: negative duration or gap")
        if self.min_duration_ms > self.max_duration_ms:
            raise ValueError(f"subtitle profile {self.name!r}: min duration > max duration")

    @property
    def max_chars(self) -> int:
        return self.max_line_chars * self.max_lines

    def cps_limit(self, language: str | None) -> float:
        """The reading-speed limit for `language` (the default for unknown/None)."""
        for code, cps in self.max_cps:
            if code == language:
                return cps
        return self.default_cps


DEFAULT_PROFILE = SubtitleProfile(
    description="Netflix timed-text style numbers: 42 characters x 2 lines; 20 characters/s "
    "for English, 17 for French and Spanish (adult programmes); 5/6 s to 7 s per cue; "
    "2 frames between cues.",
)

PROFILES: dict[str, SubtitleProfile] = {
    "default": DEFAULT_PROFILE,
    "bbc": SubtitleProfile(
        name="bbc",
        max_line_chars=37,
        max_cps={},
        default_cps=15.0,
        speaker_labels=True,
        description="BBC Subtitle Guidelines: lines of about 37 characters (68% of a 16:9 "
        "picture), 160-180 words per minute (about 15 characters/s in every language); "
        "durations and gap as the default profile; where colours cannot say who speaks "
        "(SubRip), a label in capitals at each change of speaker (JENS WRETLING: ...).",
    ),
    "relaxed": SubtitleProfile(
        name="relaxed",
        max_cps={},
        default_cps=25.0,
        description="For fast, verbatim speech (live Q&A, dense talks), where every word "
        "matters more than comfortable reading: 25 characters/s in every language, the "
        "rest as the default profile.",
    ),
}


def speaker_label(speaker: str) -> str:
    """The label a cue starting a speaker's turn carries where the profile asks for
    labels: the name in capitals and a colon ("JENS WRETLING:"), as broadcast
    subtitles label voices."""
    return f"{' '.join(speaker.split()).upper()}:" if speaker.strip() else ""


def get_profile(name: str | SubtitleProfile) -> SubtitleProfile:
    """The named profile; a SubtitleError lists the valid names."""
    if isinstance(name, SubtitleProfile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise SubtitleError(
            f"unknown subtitle profile {name!r}, expected one of: {', '.join(PROFILES)}"
        ) from None


# -- measuring a cue ---------------------------------------------------------------------


def display_chars(lines: Iterable[str]) -> int:
    """Characters of the lines as displayed, line breaks not counted."""
    return sum(len(unicodedata.normalize("NFC", line)) for line in lines)


@dataclass(frozen=True)
class Violation:
    """One broken norm of one cue: what, where (cue start), measured value, limit."""

    kind: str  # "line length", "lines", "reading speed", "too short", "too long", "gap"
    start_ms: int
    value: float
    limit: float

    def describe(self) -> str:
        if self.kind == "line length":
            return f"line length {self.value:g} characters > {self.limit:g}"
        if self.kind == "lines":
            return f"{self.value:g} lines > {self.limit:g}"
        if self.kind == "reading speed":
            shown = f"{self.value:.1f}"
            if float(shown) <= self.limit:  # 17.04 > 17 must not print as 17.0 > 17
                shown = f"{self.value:.3f}"
            return f"reading speed {shown} cps > {self.limit:g}"
        if self.kind == "too short":
            return f"duration {self.value / 1000:.3f} s < {self.limit / 1000:.3f} s"
        if self.kind == "too long":
            return f"duration {self.value / 1000:.3f} s > {self.limit / 1000:.3f} s"
        if self.kind == "gap":
            if self.value < 0:
                return f"overlaps the previous cue by {-self.value / 1000:.3f} s"
            return (
                f"gap {self.value / 1000:.3f} s < {self.limit / 1000:.3f} s after the previous cue"
            )
        return f"{self.kind} {self.value:g} (limit {self.limit:g})"


def cue_violations(
    start_ms: int,
    end_ms: int,
    lines: Iterable[str],
    profile: SubtitleProfile,
    language: str | None = None,
    previous_end_ms: int | None = None,
) -> list[Violation]:
    """Every norm of `profile` this cue breaks (empty when it conforms)."""
    lines = [line for line in lines if line]
    out: list[Violation] = []

    def add(kind: str, value: float, limit: float) -> None:
        out.append(Violation(kind, start_ms, value, limit))

    if previous_end_ms is not None and start_ms - previous_end_ms < profile.min_gap_ms:
        add("gap", start_ms - previous_end_ms, profile.min_gap_ms)
    if len(lines) > profile.max_lines:
        add("lines", len(lines), profile.max_lines)
    longest = max((display_chars([line]) for line in lines), default=0)
    if longest > profile.max_line_chars:
        add("line length", longest, profile.max_line_chars)
    duration = end_ms - start_ms
    if duration < profile.min_duration_ms:
        add("too short", duration, profile.min_duration_ms)
    elif duration > profile.max_duration_ms:
        add("too long", duration, profile.max_duration_ms)
    chars = display_chars(lines)
    cps = profile.cps_limit(language)
    if duration > 0 and chars * 1000 > cps * duration:
        add("reading speed", chars * 1000 / duration, cps)
    return out
