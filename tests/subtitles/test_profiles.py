"""Subtitle profiles: named norms, and the one definition of how a cue is measured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.errors import SubtitleError
from pipeline.subtitles.profiles import (
    DEFAULT_PROFILE,
    PROFILES,
    SubtitleProfile,
    cue_violations,
    display_chars,
    get_profile,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def test_default_profile_has_the_issue_numbers():
    p = DEFAULT_PROFILE
    assert (p.name, p.max_line_chars, p.max_lines) == ("default", 42, 2)
    assert (p.min_duration_ms, p.max_duration_ms, p.min_gap_ms) == (833, 7000, 83)
    assert (p.cps_limit("en"), p.cps_limit("fr"), p.cps_limit("es")) == (20, 17, 17)
    assert p.cps_limit(None) == p.cps_limit("de") == 17
    assert p.max_chars == 84


def test_old_import_path_still_works():
    from pipeline.cues.build import DEFAULT_PROFILE as from_cues
    from pipeline.cues.build import SubtitleProfile as cls

    assert from_cues is DEFAULT_PROFILE and cls is SubtitleProfile


def test_profiles_are_frozen_hashable_and_take_a_mapping():
    p = SubtitleProfile(name="x", max_cps={"fr": 12, "en": 15})
    assert p.max_cps == (("en", 15.0), ("fr", 12.0))
    assert p == SubtitleProfile(name="x", max_cps=(("fr", 12), ("en", 15)))
    assert hash(p) == hash(SubtitleProfile(name="x", max_cps={"en": 15, "fr": 12}))
    with pytest.raises(AttributeError):
        p.max_lines = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs", [{"max_line_chars": 0}, {"min_duration_ms": 8000}, {"max_cps": {"en": 0}}]
)
def test_nonsense_profiles_are_refused(kwargs):
    with pytest.raises(ValueError):
        SubtitleProfile(**kwargs)


def test_get_profile_by_name_and_unknown_names_list_the_valid_ones():
    assert get_profile("bbc") is PROFILES["bbc"]
    assert get_profile(DEFAULT_PROFILE) is DEFAULT_PROFILE
    with pytest.raises(SubtitleError, match="expected one of: default, bbc, relaxed"):
        get_profile("netflix-kids")


def test_bbc_profile_is_narrower_and_slower():
    bbc = PROFILES["bbc"]
    assert bbc.max_line_chars == 37
    assert bbc.cps_limit("en") == bbc.cps_limit("fr") == 15


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_profile_and_its_numbers_are_in_the_readme(name):
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Subtitle profiles", 1)[1].split("\n## ", 1)[0]
    row = next(line for line in section.splitlines() if line.startswith(f"| `{name}`"))
    p = PROFILES[name]
    numbers = {str(p.max_line_chars), str(p.max_lines), f"{p.default_cps:g}"}
    numbers |= {f"{v:g}" for _, v in p.max_cps}
    assert numbers <= set(re.findall(r"\d+(?:\.\d+)?", row)), row


# -- measuring ---------------------------------------------------------------------------


def test_characters_are_counted_as_displayed_without_line_breaks():
    assert display_chars(["Hello, world!", "Ça va ?"]) == 13 + 7
    # a decomposed é is one character on screen
    assert display_chars(["cafe\u0301"]) == 4


def test_a_conforming_cue_has_no_violation():
    # 40 characters in 2 s = 20 cps: exactly the English limit
    lines = ["x" * 20, "y" * 20]
    assert cue_violations(0, 2000, lines, DEFAULT_PROFILE, "en", previous_end_ms=-83) == []


def test_each_norm_is_reported_with_its_value_and_limit():
    found = cue_violations(
        1000, 1500, ["x" * 43, "y", "z"], DEFAULT_PROFILE, "fr", previous_end_ms=960
    )
    kinds = {v.kind: v for v in found}
    assert set(kinds) == {"gap", "lines", "line length", "too short", "reading speed"}
    assert kinds["line length"].describe() == "line length 43 characters > 42"
    assert kinds["reading speed"].describe() == "reading speed 90.0 cps > 17"
    assert kinds["too short"].describe() == "duration 0.500 s < 0.833 s"
    assert kinds["gap"].describe() == "gap 0.040 s < 0.083 s after the previous cue"
    assert kinds["lines"].describe() == "3 lines > 2"


def test_overlap_and_too_long_are_reported():
    (overlap,) = cue_violations(1000, 3000, ["ok"], DEFAULT_PROFILE, "en", previous_end_ms=1500)
    assert overlap.describe() == "overlaps the previous cue by 0.500 s"
    (long,) = cue_violations(0, 7001, ["ok"], DEFAULT_PROFILE, "en")
    assert long.describe() == "duration 7.001 s > 7.000 s"


def test_a_reading_speed_just_over_the_limit_does_not_print_as_equal():
    assert cue_violations(0, 1000, ["x" * 17], DEFAULT_PROFILE, "fr") == []
    (speed,) = cue_violations(0, 999, ["x" * 17], SubtitleProfile(min_duration_ms=0), "fr")
    assert speed.describe() == "reading speed 17.017 cps > 17"
