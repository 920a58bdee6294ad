"""Lint subtitle files against a subtitle profile (`webconf check`).

Each cue is measured as `profiles.cue_violations` defines: line length, number of
lines, duration, reading speed (for the track's language) and the gap after the
previous cue (cues taken in time order). A file conforms when every cue does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import SubtitleError
from pipeline.subtitles.profiles import DEFAULT_PROFILE, SubtitleProfile, Violation, cue_violations
from pipeline.subtitles.reader import SubtitleCue, read_subtitles
from pipeline.timecode import clock_ms


@dataclass(frozen=True)
class CheckReport:
    path: Path
    profile: SubtitleProfile
    language: str | None  # whose reading speed was applied (None: the profile default)
    cues: int
    conforming: int
    violations: tuple[Violation, ...]
    chapters: bool = False  # a chapters track: titles, not subtitles; not checked

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def share(self) -> float:
        """Conforming cues / cues (1.0 for a file without cues)."""
        return self.conforming / self.cues if self.cues else 1.0

    def share_text(self) -> str:
        """The share in percent, never rounded up to 100 when a cue fails."""
        text = f"{100 * self.share:.1f}"
        return "99.9" if text == "100.0" and self.conforming < self.cues else text

    def render(self) -> list[str]:
        """The lines `webconf check` prints for this file."""
        if self.chapters:
            return [f"{self.path}: chapters track ({self.cues} chapters), not checked"]
        speed = self.profile.cps_limit(self.language)
        language = self.language or "unknown language"
        head = (
            f"{self.path}: {self.share_text()} % of {self.cues} cue{'' if self.cues == 1 else 's'} "
            "conform "
            f"(profile {self.profile.name}, {language}, {speed:g} characters/s)"
        )
        return [head] + [f"  {clock_ms(v.start_ms)} {v.describe()}" for v in self.violations]


def is_chapters_track(path: Path) -> bool:
    """Chapter titles span whole sessions; subtitle norms do not apply to them."""
    if path.name.endswith(".chapters.vtt"):
        return True
    with path.open("rb") as fh:
        head = fh.read(2048).decode("utf-8", "replace")
    return "Chapters track" in head


def check_cues(
    cues: Sequence[SubtitleCue], profile: SubtitleProfile, language: str | None
) -> tuple[int, tuple[Violation, ...]]:
    """(conforming cues, every violation in time order)."""
    ordered = sorted(cues, key=lambda c: (c.start_ms, c.end_ms))
    found: list[Violation] = []
    conforming = 0
    previous_end: int | None = None
    for cue in ordered:
        broken = cue_violations(
            cue.start_ms, cue.end_ms, cue.lines, profile, language, previous_end
        )
        found += broken
        conforming += not broken
        previous_end = cue.end_ms if previous_end is None else max(previous_end, cue.end_ms)
    return conforming, tuple(found)


def check_file(
    path: Path | str, profile: SubtitleProfile = DEFAULT_PROFILE, language: str | None = None
) -> CheckReport:
    """Check one .vtt/.srt file; SubtitleError when it cannot be read or parsed.

    The reading-speed limit is the one for `language`, else for the language the
    file declares (a `Language:` header line, or `fr.vtt` / `talk.fr.srt`), else
    the profile's default.
    """
    subtitles = read_subtitles(path)
    if not subtitles.cues:
        raise SubtitleError(f"{subtitles.path}: has no cues (an empty subtitle file)")
    if is_chapters_track(Path(path)):
        return CheckReport(subtitles.path, profile, None, len(subtitles.cues), 0, (), True)
    language = language or subtitles.language
    conforming, violations = check_cues(subtitles.cues, profile, language)
    return CheckReport(
        path=subtitles.path,
        profile=profile,
        language=language,
        cues=len(subtitles.cues),
        conforming=conforming,
        violations=violations,
    )
