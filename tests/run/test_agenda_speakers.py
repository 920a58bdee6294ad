"""A boundary told by the voices alone: two English sessions (a European Parliament
speech, then three FLEURS readers), so no change of language marks where the second
starts; an agenda off by 35 s either way is corrected from where the first session's
main voice falls silent."""

from __future__ import annotations

from pathlib import Path

import pytest
from mixes import FLEURS, build_mix

from pipeline import RunOptions, run_event

VOXPOPULI = FLEURS.parent / "voxpopuli" / "voxpopuli-en-000.ogg"
READERS = [FLEURS / f"fleurs-en-00{n}.ogg" for n in range(5)]
OPTIONS = RunOptions(model="tiny.en", show_progress=False, export_audio=False)


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("agenda-speakers")
    placed = build_mix([VOXPOPULI, *READERS], folder / "two-talks.wav")
    return folder / "two-talks.wav", placed[1].start_ms  # where the readers begin


def manifest(folder: Path, recording: Path, boundary_ms: int) -> Path:
    at = f"00:{boundary_ms // 60_000:02d}:{boundary_ms % 60_000 / 1000:06.3f}"
    path = folder / "event.toml"
    path.write_text(
        f'[event]\ntitle = "Two talks"\nlanguages = ["en"]\n\n[[recording]]\n'
        f'file = "{recording}"\nlanguage = "en"\n\n'
        f'[[session]]\ntitle = "Ivory trade rules"\nstart = "00:00:00"\nend = "{at}"\n\n'
        f'[[session]]\ntitle = "Readings"\nstart = "{at}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("off_ms", [35_000, -35_000], ids=["35 s late", "35 s early"])
def test_the_voices_alone_correct_a_boundary_within_5_s(recording, tmp_path, off_ms):
    wav, truth = recording
    result = run_event(manifest(tmp_path, wav, truth + off_ms), tmp_path / "out", OPTIONS)
    (check,) = result.boundaries
    assert check.moved and abs(check.suggested_ms - truth) <= 5000, check
    assert any("speaks no more after it" in r or "is first heard here" in r
               for r in check.reasons), check.reasons  # fmt: skip
    assert not any("language" in r for r in check.reasons)


def test_without_speaker_turns_the_voices_say_nothing(recording, tmp_path):
    wav, truth = recording
    options = RunOptions(model="tiny.en", show_progress=False, export_audio=False,
                         speakers=False)  # fmt: skip
    result = run_event(manifest(tmp_path, wav, truth + 35_000), tmp_path / "out", options)
    (check,) = result.boundaries
    assert not check.moved, check
