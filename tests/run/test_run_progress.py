"""Progress that tells the truth: bars that never pass their total, a plain line per
finished stage when output is not a terminal, a summary at the end, and `-q`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.run.progress import Bar, StageClock

FLEURS = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"


def test_a_bar_never_passes_its_total_nor_goes_back():
    bar = Bar(0, "transcribe", audio=True, enabled=True)
    bar.done_of(9_999, 10_000)
    bar.done_of(10_250, 10_000)  # a rounding that once showed 101 % and a negative ETA
    assert (bar._bar.n, bar._bar.total) == (10_000, 10_000)
    bar.done_of(12_000, 20_000)  # more work found: the total grows, the count follows
    assert (bar._bar.n, bar._bar.total) == (12_000, 20_000)
    bar.advance(50_000)
    assert bar._bar.n == 20_000
    bar.close()


def test_the_clock_sums_a_stage_and_tells_each_finished_one():
    heard: list[str] = []
    clock = StageClock(heard.append)
    for name in ("a.mp4", "b.mp4"):
        with clock.stage("transcribe", name):
            pass
    assert [name for name, _ in clock.table()] == ["transcribe"]
    assert [line.split(":")[0] for line in heard] == ["transcribe a.mp4", "transcribe b.mp4"]


def run(manifest: Path, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(manifest), "--out", str(out),
         "--model", "tiny.en", *flags],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_logs_get_a_line_per_stage_and_a_summary_and_quiet_only_the_last_line(tmp_path):
    clip = FLEURS / "fleurs-en-003.ogg"
    manifest = tmp_path / "event.toml"
    manifest.write_text(
        f'[event]\ntitle = "Talk"\nlanguages = ["en", "fr"]\n[[recording]]\nfile = "{clip}"\n'
        'language = "en"\n',
        encoding="utf-8",
    )
    first = run(manifest, tmp_path / "out")
    assert first.returncode == 0, first.stderr
    stages = [line.split(":")[1].strip().split(" ")[0] for line in first.stderr.splitlines()]
    assert stages == ["check", "transcribe", "speakers", "translate", "event"], first.stderr
    assert "Traceback" not in first.stderr and "%" not in first.stderr  # no bar in a log
    out = first.stdout.splitlines()
    assert out[0].split() == ["stage", "time", "share"]
    assert [line.split()[0] for line in out[1:6]] == [
        "check", "transcribe", "speakers", "translate", "event"
    ]  # fmt: skip
    assert out[6].startswith("total")
    # the speakers stage reads back the speech regions the transcribe stage found
    assert out[7].startswith("cache (read back / needed): vad 1/2, ")
    assert out[8] == "corrections applied: 0 (session x language); warnings: 0"
    assert out[9].startswith("Talk: 1 sessions x 2 languages written to")

    again = run(manifest, tmp_path / "out")  # everything read back from the cache
    assert "vad 2/2, transcribe 1/1, speakers 1/1" in again.stdout

    quiet = run(manifest, tmp_path / "out", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout.splitlines() == out[9:]
