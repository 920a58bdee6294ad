"""`webconf agenda import`: an agenda in wall-clock time becomes a manifest whose
sessions sit where they happened in the recording."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_schedule import TELEWORK

from pipeline.agenda.manifest import load_manifest
from pipeline.cli import main

SCHEDULES = Path(__file__).resolve().parents[3] / "shared" / "schedules"


def silent_recording(path: Path, seconds: int, created: str | None) -> Path:
    """`seconds` of silence in an AAC file whose container says it was made at
    `created` (UTC), or says nothing."""
    stamp = ["-metadata", f"creation_time={created}"] if created else []
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono",
         "-t", str(seconds), "-c:a", "aac", "-b:a", "16k", *stamp, str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture()
def recording(tmp_path) -> Path:
    """50 minutes, recorded from 14:58:30 Brussels time (13:58:30 UTC)."""
    return silent_recording(tmp_path / "webinar.m4a", 3000, "2021-03-25T13:58:30.000000Z")


@pytest.fixture()
def agenda(tmp_path) -> Path:
    path = tmp_path / "agenda.csv"
    path.write_text(TELEWORK, encoding="utf-8")
    return path


def test_sessions_are_placed_from_the_recordings_creation_time(tmp_path, agenda, recording, capsys):
    out = tmp_path / "event.toml"
    argv = ["agenda", "import", str(agenda), "--recording", str(recording), "--date",
            "2021-03-25", "--timezone", "Europe/Brussels", "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    said = capsys.readouterr().out
    assert "creation_time" in said
    assert "outside the recording, not imported: 2021-03-25T16:25:00+01:00 Impact on" in said
    event = load_manifest(out)  # what it wrote is a manifest the pipeline runs
    first, panel = event.sessions
    assert (first.start_ms, first.end_ms) == (90_000, 2_490_000)  # 15:00 is 1 min 30 in
    assert (panel.start_ms, panel.end_ms) == (2_490_000, 3_000_000)  # cut at the end
    assert panel.speakers == ("Lenka Kint", "Anna Palmgren", "Jens Wretling", "Camilla Veide")
    assert event.recordings[0].file == recording
    assert "# - 2021-03-25T16:25:00+01:00 Impact on the labour market" in out.read_text()


def test_without_a_recording_the_first_item_starts_it_and_the_file_says_so(tmp_path, capsys):
    out = tmp_path / "event.toml"
    schedule = SCHEDULES / "voc-schedule" / "pretalx-democon.json"
    argv = ["agenda", "import", str(schedule), "--room", "Gray Room", "--date", "2020-12-14",
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert "the first item's start" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert 'file = "RECORDING.mp4"  # the recording\'s file: fill in' in text
    assert text.count("[[session]]") == 9 and 'start = "00:00:00"' in text


def test_an_existing_manifest_is_not_replaced_without_force(tmp_path, agenda, capsys):
    out = tmp_path / "event.toml"
    out.write_text("# edited by hand\n", encoding="utf-8")
    argv = ["agenda", "import", str(agenda), "--timezone", "Europe/Brussels",
            "--date", "2021-03-25", "-o", str(out)]  # fmt: skip
    assert main(argv) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# edited by hand\n"
    assert main([*argv, "--force"]) == 0


def test_a_start_without_its_utc_offset_is_refused(tmp_path, agenda, capsys):
    argv = ["agenda", "import", str(agenda), "--timezone", "Europe/Brussels", "--date",
            "2021-03-25", "--started", "2021-03-25T14:58:00",
            "-o", str(tmp_path / "e.toml")]  # fmt: skip
    assert main(argv) == 2
    assert "UTC offset" in capsys.readouterr().err
    assert not (tmp_path / "e.toml").exists()
