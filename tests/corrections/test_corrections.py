"""Human corrections survive: corrected cues are kept as written, only changed
sentences are translated again, and a run never writes under corrections/."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest
import webvtt

from pipeline import RunOptions, run_event
from pipeline.corrections import apply_to_sentences, read_cues
from pipeline.errors import SubtitleError
from pipeline.types import Cue, Sentence

FLEURS = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"
FAST = RunOptions(model="tiny.en", show_progress=False, export_audio=False)


@pytest.fixture
def event(tmp_path) -> Path:
    clip = tmp_path / "talk.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(FLEURS / "fleurs-en-002.ogg"),
            "-i",
            str(FLEURS / "fleurs-en-001.ogg"),
            "-filter_complex",
            "[0:a]apad=pad_dur=1.5[a];[a][1:a]concat=n=2:v=0:a=1[out]",
            "-map",
            "[out]",
            "-ar",
            "16000",
            "-ac",
            "1",
            str(clip),
        ],
        check=True,
    )
    manifest = tmp_path / "event.toml"
    manifest.write_text(
        '[event]\ntitle = "Talk"\nlanguages = ["en", "fr"]\n\n[[recording]]\nfile = "talk.wav"\n'
        '\n[[session]]\ntitle = "Sintra"\n',
        encoding="utf-8",
    )
    return manifest


def texts(path: Path) -> list[str]:
    return [c.text for c in webvtt.read(str(path)).captions]


def test_corrected_source_cues_are_kept_and_only_changed_sentences_retranslated(event, tmp_path):
    first = run_event(event, tmp_path / "out", FAST)
    folder = first.event_dir / "01-sintra"
    original = webvtt.read(str(folder / "en.vtt"))
    assert len(original.captions) >= 3
    # the organiser fixes the first cue and deletes the last one
    original.captions[0].text = "To the north, & within easy reach:\nthe town of Sintra"
    corrections = event.parent / "corrections" / "01-sintra"
    corrections.mkdir(parents=True)
    original.save(str(corrections / "en.vtt"))
    before = (corrections / "en.vtt").read_bytes()

    second = run_event(event, tmp_path / "out", FAST)
    en = webvtt.read(str(folder / "en.vtt")).captions
    assert html.unescape(en[0].text) == "To the north, & within easy reach:\nthe town of Sintra"
    assert [c.text for c in en[1:]] == [c.text for c in original.captions[1:]]
    assert (corrections / "en.vtt").read_bytes() == before  # never overwritten
    sentences = [t for t in first.tracks if t.language == "en"][0].sentences
    corrected = [t for t in second.tracks if t.language == "en"][0].sentences
    changed = {s.text for s in corrected} - {s.text for s in sentences}
    assert len(changed) == 1 and len(sentences) >= 2
    # only the changed sentence was translated again; no transcription was redone
    assert second.cache_misses == 1
    data = json.loads((folder / "en.json").read_text("utf-8"))
    assert all(c["reviewed"] for c in data["cues"])
    fr = " ".join(texts(folder / "fr.vtt"))
    assert "Sintra" in fr


def test_a_sentence_whose_cues_were_deleted_is_gone_in_every_language(event, tmp_path):
    first = run_event(event, tmp_path / "out", FAST)
    folder = first.event_dir / "01-sintra"
    last = [t for t in first.tracks if t.language == "en"][0].sentences[-1]
    edited = webvtt.read(str(folder / "en.vtt"))
    start = (last.start_ms - first.tracks[0].session.start_ms) / 1000
    edited.captions = [c for c in edited.captions if c.start_in_seconds < int(start)]
    corrections = event.parent / "corrections" / "01-sintra"
    corrections.mkdir(parents=True)
    edited.save(str(corrections / "en.vtt"))

    second = run_event(event, tmp_path / "out", FAST)
    for track in second.tracks:
        assert all(s.end_ms <= last.start_ms for s in track.sentences), track.language
    assert "capital" not in (folder / "fr.txt").read_text("utf-8").lower()


def test_a_corrected_translation_is_kept_without_touching_the_source(event, tmp_path):
    first = run_event(event, tmp_path / "out", FAST)
    folder = first.event_dir / "01-sintra"
    fr = webvtt.read(str(folder / "fr.vtt"))
    fr.captions[0].text = "Au nord, à deux pas : la ville de Sintra"
    corrections = event.parent / "corrections" / "01"
    corrections.mkdir(parents=True)
    fr.save(str(corrections / "fr.vtt"))
    en_before = (folder / "en.vtt").read_text("utf-8")

    second = run_event(event, tmp_path / "out", FAST)
    assert texts(folder / "fr.vtt")[0] == "Au nord, à deux pas : la ville de Sintra"
    assert (folder / "en.vtt").read_text("utf-8") == en_before
    assert second.cache_misses == 0


def test_corrected_text_lands_on_the_sentence_it_overlaps_most():
    sentences = (
        Sentence(0, 4000, "Hello word.", "en", source_language="en"),
        Sentence(5000, 9000, "Second one.", "en", source_language="en"),
        Sentence(10_000, 12_000, "Noise.", "en", source_language="en"),
    )
    cues = (
        Cue(100, 2000, ("Hello",), "en", reviewed=True),
        Cue(2100, 4200, ("world.",), "en", reviewed=True),
        Cue(5000, 9000, ("Second one.",), "en", reviewed=True),
        Cue(20_000, 21_000, ("Added later.",), "en", reviewed=True),
    )
    out = apply_to_sentences(sentences, cues, "en")
    assert [s.text for s in out] == ["Hello world.", "Second one.", "Added later."]
    assert all(s.reviewed for s in out)


def test_an_invalid_correction_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "en.vtt"
    bad.write_text("not a subtitle file\n", encoding="utf-8")
    with pytest.raises(SubtitleError, match="not a valid"):
        read_cues(bad, "en")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, check=False
    )


def test_webconf_correct_saves_the_file_where_the_next_run_reads_it(event, tmp_path):
    fixed = tmp_path / "fixed.srt"
    fixed.write_text("1\n00:00:01,000 --> 00:00:03,000\nAu nord : Sintra.\n", encoding="utf-8")
    done = run_cli("correct", "1", "fr", str(fixed), "--event", str(event))
    assert done.returncode == 0, done.stderr
    saved = event.parent / "corrections" / "01-sintra" / "fr.srt"
    assert saved.read_text("utf-8") == fixed.read_text("utf-8")
    assert str(saved) in done.stdout


@pytest.mark.parametrize(
    ("session", "content", "message"),
    [
        ("7", "1\n00:00:01,000 --> 00:00:03,000\nHi\n", "no session '7'"),
        ("1", "this is not a subtitle file", "not a valid"),
    ],
)
def test_webconf_correct_rejects_bad_input_with_one_line(
    event, tmp_path, session, content, message
):
    bad = tmp_path / "bad.srt"
    bad.write_text(content, encoding="utf-8")
    done = run_cli("correct", session, "fr", str(bad), "--event", str(event))
    assert done.returncode == 2
    assert done.stderr.startswith("webconf: error:") and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (event.parent / "corrections").exists()
