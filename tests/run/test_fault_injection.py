"""Fault injection: `webconf run` killed with SIGKILL at random points spread over its
stages, resumed each time, ends with outputs byte-identical to an uninterrupted run.

A kill point is "once the run has written N files (stage cache entries and outputs),
then a random few milliseconds more", the N drawn at random among the moments an
uninterrupted run starts each stage's files, so the kills land in start-up and model
loading, VAD, transcription, session audio, translation and the writers alike.
After every kill, whatever is visible under the outputs folder is already final
(byte-identical to the uninterrupted run's file of that name); the only other things
a kill may leave are hidden temp files, which the next run removes.
Real speech, the real tiny.en model, the real CLI in a subprocess.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"
SEED = int(os.environ.get("FAULT_SEED", "20261204"))


def manifest(folder: Path) -> Path:
    a, b = SHARED / "fleurs-en-003.ogg", SHARED / "fleurs-en-004.ogg"
    path = folder / "event.toml"
    path.write_text(
        f"""[event]
title = "Two rooms"
date = "2021-03-25"
languages = ["en", "fr", "es"]

[[recording]]
file = "{a}"

[[recording]]
file = "{b}"

[[session]]
title = "Cabbage"
recording = "{a}"

[[session]]
title = "Dinosaurs"
recording = "{b}"
""",
        encoding="utf-8",
    )
    return path


def command(event: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", str(event), "--out", str(out),
            "--model", "tiny.en", "--quiet"]  # fmt: skip


def files(out: Path) -> list[Path]:
    """Every file under `out` (cache entries included, temp files too)."""
    return [p for p in out.rglob("*") if p.is_file()] if out.exists() else []


def visible(root: Path) -> dict[str, bytes]:
    """What a person or a web server sees: every file outside hidden names."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in files(root)
        if not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def stages(out: Path) -> list[str]:
    """The stage of each file a finished run wrote, in the order it wrote them."""
    kinds = []
    for path in sorted(files(out), key=lambda p: p.stat().st_mtime_ns):
        parts = path.relative_to(out).parts
        kinds.append(parts[parts.index(".cache") + 1] if ".cache" in parts else "writers")
    return kinds


def kill_points(kinds: list[str], rng: random.Random) -> list[tuple[int, str]]:
    """(files written, stage) of each kill: two during start-up (nothing written
    yet), then two at random moments of each stage."""
    points = [(0, "start"), (0, "start")]
    for stage in dict.fromkeys(kinds):
        moments = [i for i, kind in enumerate(kinds) if kind == stage and i > 0]
        points += [(i, stage) for i in rng.sample(moments, min(2, len(moments)))]
    return sorted(points)


def kill_at(event: Path, out: Path, written: int, rng: random.Random) -> bool:
    """Run until `written` files exist (and a random moment more), then SIGKILL;
    False when the run ended first."""
    process = subprocess.Popen(
        command(event, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 300
    while process.poll() is None and len(files(out)) < written and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 0.03) if written else rng.uniform(0.2, 2.5))
    if process.poll() is not None:
        _, err = process.communicate()
        assert process.returncode == 0, err
        return False
    process.send_signal(signal.SIGKILL)
    process.wait(60)
    return True


def test_sigkill_at_random_points_then_resume_gives_byte_identical_outputs(tmp_path):
    event = manifest(tmp_path)
    reference = tmp_path / "reference"
    done = subprocess.run(command(event, reference), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (event_dir,) = [p for p in reference.iterdir() if p.is_dir()]
    expected = visible(event_dir)
    assert len(expected) > 40  # sessions x languages x formats, audio, media, index
    rng = random.Random(SEED)
    out = tmp_path / "out"
    killed = []
    for written, stage in kill_points(stages(reference), rng):
        if not kill_at(event, out, written, rng):
            continue
        killed.append(stage)
        # all a kill can leave visible is final: atomic writes, never a partial file
        for name, data in visible(out).items():
            assert name.split("/", 1)[1] in expected, f"{name}: not an output ({killed})"
            assert data == expected[name.split("/", 1)[1]], f"{name}: partial after a kill"
    print(f"seed {SEED}: {len(killed)} kills, in {killed}")
    assert len(killed) >= 10, killed
    assert len(set(killed)) >= 5, killed  # spread over the stages, not all in one

    final = subprocess.run(command(event, out), capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    resumed = out / event_dir.name
    assert visible(resumed) == expected  # byte for byte, every file
    leftovers = [p for p in files(out) if p.name.startswith(".")]
    assert leftovers == []  # the temp files the kills left are gone
    assert sorted(p.name for p in out.iterdir()) == [event_dir.name]  # nothing else
