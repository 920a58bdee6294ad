"""Agenda boundaries checked against real speech: the sample event (English, French,
Spanish sessions of real read speech) under agendas whose boundaries are 30-120 s off;
the run suggests each boundary within 5 s of where the language really changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import RunOptions, run_event
from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "recordings" / "sample-event.toml"
TRUTH_MS = (118_600, 186_100)  # the sample's boundaries: English->French, French->Spanish


def shifted(folder: Path, first_s: float, second_s: float) -> Path:
    """The sample's manifest, without its channels, its boundaries moved."""
    text = MANIFEST.read_text(encoding="utf-8")
    text = re.sub(r"\[\[recording\.interpretation\]\]\nlanguage = \"\w+\"\nstream = \d\n", "",
                  text)  # fmt: skip
    for truth, moved in zip(TRUTH_MS, (first_s, second_s), strict=True):
        old = f'"00:0{truth // 60_000}:{truth % 60_000 / 1000:06.3f}"'
        assert old in text
        new = f'"00:0{int(moved // 60)}:{moved % 60:06.3f}"'
        text = text.replace(old, new)
    (folder / "sample-webinar.mp4").symlink_to(ROOT / "recordings" / "sample-webinar.mp4")
    path = folder / "event.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("first_s", "second_s"),
    [(153.6, 226.1), (58.6, 156.1)],  # late by 35 and 40 s; early by 60 and 30 s
)
def test_each_boundary_is_suggested_within_5_s_of_where_it_really_is(
    tmp_path, capsys, first_s, second_s
):
    manifest = shifted(tmp_path, first_s, second_s)
    options = RunOptions(show_progress=False, export_audio=False, interpretation="ignore")
    result = run_event(manifest, tmp_path / "out", options)
    first, second = result.boundaries
    assert (first.agenda_ms, second.agenda_ms) == (round(first_s * 1000), round(second_s * 1000))
    for check, truth in zip((first, second), TRUTH_MS, strict=True):
        assert check.moved and abs(check.suggested_ms - truth) <= 5000, check
        assert any("language changes" in r for r in check.reasons), check.reasons
    assert main(["agenda", "show", str(manifest), "--out", str(tmp_path / "out")]) == 0
    shown = capsys.readouterr().out
    assert shown.count("the last run suggests session") == 2, shown


def test_align_agenda_moves_the_sessions_and_no_agenda_gets_boundaries_suggested(
    tmp_path, capsys
):
    manifest = shifted(tmp_path, 153.6, 226.1)
    options = RunOptions(show_progress=False, export_audio=False, interpretation="ignore",
                         align_agenda=True)  # fmt: skip
    result = run_event(manifest, tmp_path / "out", options)
    first, second, third = result.event.sessions
    assert abs(first.end_ms - TRUTH_MS[0]) <= 5000 and second.start_ms == first.end_ms
    assert abs(second.end_ms - TRUTH_MS[1]) <= 5000 and third.start_ms == second.end_ms
    assert all(check.applied for check in result.boundaries)
    assert main(["agenda", "show", str(manifest), "--out", str(tmp_path / "out")]) == 0
    shown = capsys.readouterr().out
    assert shown.count("from the alignment") == 3 and "suggests" not in shown, shown
    french = next(t for t in result.tracks if t.session.index == 2 and t.language == "fr")
    assert french.is_original and french.session.start_ms == first.end_ms

    whole = manifest.with_name("whole.toml")  # the same recording, no agenda
    text = manifest.read_text(encoding="utf-8")
    whole.write_text(text[: text.index("[[session]]")], encoding="utf-8")
    result = run_event(whole, tmp_path / "out-whole", RunOptions(
        show_progress=False, export_audio=False, interpretation="ignore"))  # fmt: skip
    found = [at for _, at in result.suggested]
    assert len(found) == 2, found
    assert all(abs(at - truth) <= 5000 for at, truth in zip(found, TRUTH_MS, strict=True))
