"""The batch loop with the real English-only tiny.en model on short real speech:
several recordings, speech across a session boundary, resuming after a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import webvtt
from wer import wer

import pipeline.run.event as run_module
import pipeline.transcribe.whisper as whisper_module
from pipeline import RunOptions, run_event

SHARED = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"
FAST = RunOptions(model="tiny.en", show_progress=False)


def seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def write_manifest(folder: Path, body: str) -> Path:
    path = folder / "event.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_each_recording_gets_its_sessions_and_its_own_full_track(tmp_path):
    manifest = write_manifest(
        tmp_path,
        f"""
[event]
title = "Two rooms"
date = "2021-03-25"
languages = ["en"]

[[recording]]
file = "{SHARED / "fleurs-en-003.ogg"}"

[[recording]]
file = "{SHARED / "fleurs-en-004.ogg"}"

[[session]]
title = "Cabbage"
recording = "{SHARED / "fleurs-en-003.ogg"}"

[[session]]
title = "Dinosaurs"
recording = "{SHARED / "fleurs-en-004.ogg"}"
""",
    )
    result = run_event(manifest, tmp_path / "out", FAST)
    folders = sorted(
        p.name for p in result.event_dir.iterdir() if p.is_dir() and p.name[0].isdigit()
    )
    assert folders == ["01-cabbage", "02-dinosaurs"]
    cabbage = (result.event_dir / "01-cabbage" / "en.txt").read_text("utf-8").lower()
    dinosaurs = (result.event_dir / "02-dinosaurs" / "en.txt").read_text("utf-8").lower()
    assert "cabbage" in cabbage and "dinosaur" not in cabbage
    assert "dinosaur" in dinosaurs and "cabbage" not in dinosaurs
    for stem in ("fleurs-en-003", "fleurs-en-004"):
        assert webvtt.read(str(result.event_dir / f"{stem}.en.vtt")).captions
    for stem in ("fleurs-en-003", "fleurs-en-004"):  # published for the replay pages
        assert (result.event_dir / "media" / f"{stem}.ogg").is_file()
    index = json.loads((result.event_dir / "index.json").read_text("utf-8"))
    assert [s["title"] for s in index["sessions"]] == ["Cabbage", "Dinosaurs"]


def test_speech_across_a_session_boundary_is_cut_at_a_word_and_nothing_is_lost(tmp_path):
    clip = SHARED / "fleurs-en-000.ogg"  # one 10.6 s sentence, spoken without a pause
    manifest = write_manifest(
        tmp_path,
        f"""
[event]
title = "Split sentence"
languages = ["en"]

[[recording]]
file = "{clip}"

[[session]]
title = "First half"
end = "00:00:05"

[[session]]
title = "Second half"
start = "00:00:05"
""",
    )
    result = run_event(manifest, tmp_path / "out", FAST)
    first, second = (t for t in result.tracks)
    assert first.cues and second.cues
    assert all(c.end_ms <= 5000 for c in first.cues)
    assert all(c.start_ms >= 5000 for c in second.cues)
    captions = webvtt.read(str(result.event_dir / "02-second-half" / "en.vtt")).captions
    assert seconds(captions[0].start) < 5.0  # session file timed from the session start
    words = [w.text for t in (first, second) for s in t.sentences for w in s.words]
    reference = (SHARED / "fleurs-en-000.txt").read_text("utf-8")
    assert wer([reference], ["".join(words)]) <= 0.35


def test_a_crashed_run_resumes_without_redoing_finished_stages(tmp_path, monkeypatch):
    manifest = write_manifest(
        tmp_path,
        f"""
[event]
title = "Crash"
languages = ["en"]

[[recording]]
file = "{SHARED / "fleurs-en-001.ogg"}"
""",
    )
    real_write = run_module.write_session_track

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # the organiser pressed Ctrl-C while files were written

    monkeypatch.setattr(run_module, "write_session_track", crash)
    with pytest.raises(KeyboardInterrupt):
        run_event(manifest, tmp_path / "out", FAST)

    monkeypatch.setattr(run_module, "write_session_track", real_write)
    loads = []
    real_load = whisper_module.load_model
    monkeypatch.setattr(whisper_module, "load_model", lambda *a: loads.append(a) or real_load(*a))
    result = run_event(manifest, tmp_path / "out", FAST)
    assert loads == []  # transcription came from the cache: the model was not even loaded
    assert result.cache_misses == 0 and result.cache_hits >= 2
    assert "capital" in (result.event_dir / "01-crash" / "en.txt").read_text("utf-8")


def test_outputs_made_with_an_aligned_agenda_are_remade_aligned():
    """A re-run that applies a person's corrections reads how the outputs were made:
    boundaries moved by --align-agenda stay moved."""
    from pipeline.run.options import RunOptions

    made = RunOptions(align_agenda=True).made_with()
    assert RunOptions().as_made(made).align_agenda is True
    assert RunOptions(align_agenda=True).as_made({}).align_agenda is True
