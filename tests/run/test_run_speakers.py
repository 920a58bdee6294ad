"""Speaker turns through a whole run on real speech: three English readers dealt out as
a panel (tools/panel_mix.py), tiny.en, every output carrying who said what; voices named
in the manifest on a re-run that only renames; the archive filtering on the speaker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from panel_mix import ENGLISH, panel

from pipeline.archive import search
from pipeline.archive.indexer import build_index
from pipeline.errors import SearchError
from pipeline.run.event import RunOptions, run_event
from pipeline.run.voices import event_speakers
from pipeline.web.app import SEARCH_LIMIT, create_app

OPTIONS = RunOptions(model="tiny.en", show_progress=False, export_audio=False)
MANIFEST = """[event]
title = "Panel"
date = "2026-03-04"
languages = ["en"]

[[recording]]
file = "panel.wav"
language = "en"

[[session]]
title = "A panel of three"
start = "00:00:00"
{extra}
"""


@pytest.fixture(scope="module")
def event(tmp_path_factory) -> tuple[Path, Path, list]:
    folder = tmp_path_factory.mktemp("speakers")
    truth = panel(ENGLISH, folder / "panel.wav", seed=1)
    manifest = folder / "event.toml"
    manifest.write_text(MANIFEST.format(extra=""), encoding="utf-8")
    first = run_event(manifest, folder / "out", OPTIONS)
    return manifest, first.event_dir, truth


def segments(event_dir: Path) -> list[dict]:
    return json.loads((event_dir / "01-a-panel-of-three" / "en.json").read_text("utf-8"))[
        "segments"
    ]


def test_every_output_says_who_speaks(event):
    _, event_dir, _ = event
    said = segments(event_dir)
    names = [s["speaker"] for s in said]
    assert set(names) == {"Speaker 1", "Speaker 2", "Speaker 3"}
    assert all(w["speaker"] == s["speaker"] for s in said for w in s["words"])
    folder = event_dir / "01-a-panel-of-three"
    vtt = (folder / "en.vtt").read_text("utf-8")
    assert vtt.count("<v Speaker ") == vtt.count(" --> ")
    txt = (folder / "en.txt").read_text("utf-8")
    turns = sum(1 for a, b in zip(names, names[1:], strict=False) if a != b) + 1
    assert sum(txt.count(f"] {n}:") for n in set(names)) == turns


def test_the_turns_follow_the_voices_of_the_panel(event):
    """Each sentence's speaker is the reader of the clip under its middle, for nearly
    every sentence (one speaker per reader, whatever their numbers)."""
    _, event_dir, truth = event
    said = segments(event_dir)
    pairs = []
    for s in said:
        middle = (s["recording_start"] + s["recording_end"]) * 500
        reader = next((t.speaker for t in truth if t.start_ms <= middle <= t.end_ms), None)
        if reader is not None:
            pairs.append((reader, s["speaker"]))
    mapping = {}
    for reader, speaker in pairs:
        mapping.setdefault(reader, {}).setdefault(speaker, 0)
        mapping[reader][speaker] += 1
    agree = sum(max(found.values()) for found in mapping.values())
    assert len({max(f, key=f.get) for f in mapping.values()}) == 3
    assert agree >= 0.9 * len(pairs)


def test_webconf_speakers_lists_talk_time_and_where_to_listen(event):
    manifest, event_dir, _ = event
    index, rows = event_speakers(manifest, event_dir.parent)
    assert {r.name for r in rows} == {"Speaker 1", "Speaker 2", "Speaker 3"}
    assert all(r.total_ms > 2000 and r.sample is not None for r in rows)
    assert rows[0].total_ms >= rows[-1].total_ms
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "speakers", str(manifest), "--out",
         str(event_dir.parent)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Speaker 1" in out and "01-a-panel-of-three/replay.html#t=" in out


def test_voices_named_in_the_manifest_rename_without_redoing_the_speech(event, tmp_path):
    manifest, event_dir, _ = event
    named = tmp_path / "event.toml"
    named.write_text(
        MANIFEST.format(extra='voices = {"Speaker 2" = "Ana <Pérez>", "Speaker 9" = "X"}'),
        encoding="utf-8",
    )
    (tmp_path / "panel.wav").symlink_to(manifest.parent / "panel.wav")
    out = tmp_path / "out"
    import shutil

    shutil.copytree(event_dir, out / event_dir.name)
    again = run_event(named, out, OPTIONS)
    computed = {stage: n for stage, _, n in again.cache_by_stage}
    assert computed["transcribe"] == 0 and computed["speakers"] == 0 and computed["vad"] == 0
    names = {s["speaker"] for s in segments(again.event_dir)}
    assert names == {"Speaker 1", "Ana <Pérez>", "Speaker 3"}
    assert any("voices names 'Speaker 9', but no such voice was heard" in w
               for w in again.warnings)  # fmt: skip
    index = json.loads((again.event_dir / "index.json").read_text("utf-8"))
    assert {"voice": "Speaker 2", "name": "Ana <Pérez>"} in index["voices"]
    _, rows = event_speakers(named, out)
    assert "Ana <Pérez> (Speaker 2)" in {r.name + f" ({r.voices[0]})" for r in rows if r.voices
                                         and r.voices[0] != r.name}  # fmt: skip
    vtt = (again.event_dir / "01-a-panel-of-three" / "en.vtt").read_text("utf-8")
    assert "<v Ana &lt;Pérez&gt;>" in vtt
    build_index(out)
    db = out / "archive.sqlite"
    hits = search(db, "the", speaker="ana <pérez>", limit=50)
    assert hits and all(h.speaker == "Ana <Pérez>" for h in hits)
    everyone = search(db, "the", limit=50)
    assert {h.speaker for h in everyone} > {"Ana <Pérez>"}
    with pytest.raises(SearchError, match="no speaker 'Nobody' in the archive"):
        search(db, "the", speaker="Nobody")
    # the search page filters on the speaker too, and names who said each passage
    client = create_app(out).test_client()
    page = client.get("/search", query_string={"q": "the", "speaker": "Ana <Pérez>"})
    text = page.get_data(as_text=True)
    named = text.count('<span class="who">Ana &lt;Pérez&gt;</span>')
    assert page.status_code == 200 and named == min(len(hits), SEARCH_LIMIT)
    assert "Speaker 1</span>" not in text
    wrong = client.get("/search", query_string={"q": "the", "speaker": "Nobody"})
    assert wrong.status_code == 400 and "no speaker" in wrong.get_data(as_text=True)


def test_speakers_off_leaves_every_speaker_out(event, tmp_path):
    manifest, _, _ = event
    (tmp_path / "panel.wav").symlink_to(manifest.parent / "panel.wav")
    (tmp_path / "event.toml").write_text(manifest.read_text("utf-8"), encoding="utf-8")
    result = run_event(tmp_path / "event.toml", tmp_path / "out",
                       RunOptions(model="tiny.en", show_progress=False, export_audio=False,
                                  speakers=False))  # fmt: skip
    assert "speakers" not in {stage for stage, _, _ in result.cache_by_stage}
    assert {s["speaker"] for s in segments(result.event_dir)} == {None}


def test_words_said_while_two_people_speak_are_marked_only_there(event):
    _, event_dir, truth = event
    both = [(max(a.start_ms, b.start_ms), min(a.end_ms, b.end_ms))
            for i, a in enumerate(truth) for b in truth[i + 1:]
            if a.speaker != b.speaker and min(a.end_ms, b.end_ms) > max(a.start_ms, b.start_ms)]
    assert both, "the panel has no overlap to find"  # fmt: skip
    said = segments(event_dir)
    marked = [(w["recording_start"] * 1000, w["recording_end"] * 1000)
              for s in said for w in s["words"] if w.get("overlap")]  # fmt: skip
    assert marked, "no word was marked where two people speak"
    for start, end in marked:
        assert any(a - 1000 <= (start + end) / 2 <= b + 1000 for a, b in both), (start, end)
    assert all(s["overlap"] == any(w.get("overlap") for w in s["words"]) for s in said)
