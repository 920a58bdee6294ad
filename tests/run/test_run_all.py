"""Many events in one command (`run_all`, `webconf run-all`): here and on a real Dask
cluster of two worker processes, on two small events of real speech (FLEURS English
readers, tiny.en, two recordings each); the outputs byte for byte those of `run_event`
alone, the archive updated once, a failing event reported without stopping the others,
and a worker killed mid-batch without changing a byte."""

from __future__ import annotations

import filecmp
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.archive import search
from pipeline.errors import ClusterError, ManifestError
from pipeline.run.batch import run_all
from pipeline.run.event import RunOptions, run_event
from pipeline.run.executors import parse_address
from pipeline.run.plan import find_manifests

SPEECH = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"
OPTIONS = RunOptions(model="tiny.en", show_progress=False, export_audio=False)
EVENT = """[event]
title = "{title}"
date = "2026-03-04"
languages = ["en", "fr"]

[[recording]]
file = "{a}.wav"
language = "en"

[[recording]]
file = "{b}.wav"
language = "en"

[[session]]
title = "First"
recording = "{a}.wav"
start = "00:00:00"

[[session]]
title = "Second"
recording = "{b}.wav"
start = "00:00:00"
"""


def _wav(clip: str, out: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(SPEECH / f"{clip}.ogg"), "-ac", "1",
         "-ar", "16000", str(out)],
        check=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> tuple[Path, Path]:
    """A folder of two events (and a TOML file that is no manifest), and the outputs
    `run_event` writes for each alone: the reference."""
    folder = tmp_path_factory.mktemp("batch") / "events"
    for title, (a, b) in (("Batch A", ("fleurs-en-000", "fleurs-en-001")),
                          ("Batch B", ("fleurs-en-002", "fleurs-en-003"))):  # fmt: skip
        where = folder / title.lower().replace(" ", "-")
        where.mkdir(parents=True)
        _wav(a, where / f"{a}.wav")
        _wav(b, where / f"{b}.wav")
        (where / "event.toml").write_text(EVENT.format(title=title, a=a, b=b), "utf-8")
    (folder / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    alone = folder.parent / "alone"
    for manifest in sorted(folder.rglob("event.toml")):
        run_event(manifest, alone, OPTIONS)
    return folder, alone


def same_outputs(a: Path, b: Path) -> list[str]:
    """Files that differ or exist on one side only (the stage cache and the archive
    aside): [] when the two trees are the same bytes."""
    different = []
    compared = filecmp.dircmp(a, b, ignore=[".cache", "archive.sqlite"])

    def walk(c: filecmp.dircmp, where: str) -> None:
        different.extend(f"{where}{n}" for n in c.left_only + c.right_only)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        different.extend(f"{where}{n}" for n in mismatch + errors)
        for name, sub in c.subdirs.items():
            walk(sub, f"{where}{name}/")

    walk(compared, "")
    return different


def test_on_two_dask_workers_every_event_is_written_as_run_alone_and_archived(
    events, tmp_path
):
    folder, alone = events
    seen = []
    result = run_all(folder, tmp_path / "out", OPTIONS, dask="local:2", report=seen.append,
                     say=lambda line: None)  # fmt: skip
    assert [o.name for o in result.written] == ["Batch A", "Batch B"]
    assert not result.failed
    assert result.skipped == (folder / "pyproject.toml",)
    assert same_outputs(alone, tmp_path / "out") == []
    # the archive, updated once at the end, holds both events
    assert result.archive is not None and result.archive.events_indexed == 2
    titles = {h.event_title for h in search(result.archive_path, "Sintra")}
    assert titles == {"Batch B"}
    # the work was split: recordings, then sessions x languages, each its own task;
    # the event tasks read it all back and computed none of it
    for outcome in result.written:
        computed = dict(outcome.computed)
        assert not {"vad", "transcribe", "speakers", "translate", "cues"} & set(computed)
    # the progress view spans the batch
    finished = [p for p in seen if p.finished is not None]
    kinds = [p.kind for p in finished]
    assert (kinds.count("recording"), kinds.count("track"), kinds.count("event")) == (4, 8, 2)
    last = finished[-1]
    assert (last.events_done, last.recordings_done, last.tracks_done) == (2, 4, 8)
    assert last.eta == 0.0
    assert all(p.eta is None or p.eta >= 0 for p in seen)


def test_a_worker_killed_mid_batch_changes_nothing(events, tmp_path):
    from distributed import Client, LocalCluster

    folder, alone = events
    killed: list[int] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      resources={"whisper": 1}, dashboard_address=None) as cluster:  # fmt: skip

        def kill_one_at_work() -> None:
            with Client(cluster.scheduler_address) as client:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and not killed:
                    for worker, keys in client.processing().items():
                        if any(str(k).startswith("recording-") for k in keys):
                            pid = client.run(os.getpid, workers=[worker])[worker]
                            os.kill(pid, signal.SIGKILL)
                            killed.append(pid)
                            return
                    time.sleep(0.05)

        killer = threading.Thread(target=kill_one_at_work)
        killer.start()
        result = run_all(folder, tmp_path / "out", OPTIONS, dask=cluster.scheduler_address,
                         say=lambda line: None)  # fmt: skip
        killer.join()
    assert killed, "no recording was seen at work: nothing was killed"
    assert [o.name for o in result.written] == ["Batch A", "Batch B"] and not result.failed
    assert same_outputs(alone, tmp_path / "out") == []


def test_one_failing_event_is_reported_and_the_others_are_written(events, tmp_path):
    folder, _ = events
    broken = tmp_path / "events"
    subprocess.run(["cp", "-r", str(folder), str(broken)], check=True)
    (broken / "batch-a" / "fleurs-en-001.wav").write_bytes(b"not audio at all")
    (broken / "bad.toml").write_text('[event]\ntitle = "No recordings"\n', "utf-8")
    out = tmp_path / "out"
    cli = subprocess.run(
        [sys.executable, "-m", "pipeline", "run-all", str(broken), "--out", str(out),
         "--model", "tiny.en", "--no-audio"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert cli.returncode == 2, cli.stderr
    errors = [line for line in cli.stderr.splitlines() if line.startswith("webconf: error:")]
    assert len(errors) == 2
    assert any("bad.toml" in e and "at least one recording" in e for e in errors)
    assert any("fleurs-en-001.wav" in e for e in errors)
    assert "Traceback" not in cli.stderr
    assert "1 of 3 events written" in cli.stdout
    index = json.loads(next(out.glob("*batch-b/index.json")).read_text("utf-8"))
    assert index["event"]["title"] == "Batch B"
    assert (out / "archive.sqlite").is_file()


def test_manifests_are_found_outside_hidden_folders_and_the_outputs(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "event.toml").write_text('[event]\ntitle = "A"\n', "utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "event.toml").write_text('[event]\ntitle = "H"\n', "utf-8")
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "event.toml").write_text('[event]\ntitle = "O"\n', "utf-8")
    (tmp_path / "broken.toml").write_text("[event\n", "utf-8")  # a manifest gone wrong
    (tmp_path / "ruff.toml").write_text("line-length = 99\n", "utf-8")
    manifests, others = find_manifests(tmp_path, tmp_path / "outputs")
    assert manifests == [tmp_path / "a" / "event.toml", tmp_path / "broken.toml"]
    assert others == [tmp_path / "ruff.toml"]


def test_a_folder_without_manifests_is_one_line(tmp_path):
    with pytest.raises(ManifestError, match="no event manifest"):
        run_all(tmp_path, tmp_path / "out", OPTIONS)
    with pytest.raises(ManifestError, match="not a folder"):
        run_all(tmp_path / "missing", tmp_path / "out", OPTIONS)


@pytest.mark.parametrize("spec", ["local:0", "local:x", "local:", "tcp://nohostport", "dask"])
def test_a_dask_address_is_local_n_or_a_scheduler(spec):
    with pytest.raises(ClusterError, match="--dask"):
        parse_address(spec)


def test_without_dask_the_option_says_how_to_install_it(events, tmp_path, monkeypatch):
    folder, _ = events
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    with pytest.raises(ClusterError, match=r"pip install '\.\[cluster\]'"):
        run_all(folder, tmp_path / "out", OPTIONS, dask="local:2")


def test_an_unreachable_scheduler_is_one_line(events, tmp_path, monkeypatch):
    folder, _ = events
    monkeypatch.setattr("pipeline.run.executors.CONNECT_TIMEOUT", "2s")
    with pytest.raises(ClusterError, match="cannot reach the scheduler"):
        run_all(folder, tmp_path / "out", OPTIONS, dask="tcp://127.0.0.1:9")
