"""Human corrections with the real models (tiny.en): corrected cues are kept as
written, only changed sentences are translated again and stay machine translations,
a correction follows its session through agenda edits, `webconf correct` refuses
what is not the session's file, and a run never writes under corrections/."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest
import webvtt

from pipeline import RunOptions, run_event
from pipeline.corrections import correct_spoken
from pipeline.corrections.store import hand_placed_cues
from pipeline.errors import SubtitleError
from pipeline.run.correct import correct
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


MANIFEST = '[event]\ntitle = "Talk"\nlanguages = ["en", "fr"]\n\n[[recording]]\nfile = "talk.wav"\n'


def edit_first_cue(source: Path, dest: Path, text: str) -> Path:
    captions = webvtt.read(str(source))
    captions.captions[0].text = text
    captions.save(str(dest))
    return dest


def test_corrected_source_cues_are_kept_and_only_changed_sentences_retranslated(event, tmp_path):
    out = tmp_path / "out"
    first = run_event(event, out, FAST)
    folder = first.event_dir / "01-sintra"
    original = webvtt.read(str(folder / "en.vtt"))
    assert len(original.captions) >= 3
    fixed = edit_first_cue(
        folder / "en.vtt",
        tmp_path / "fixed.vtt",
        "To the north, & within easy reach:\nthe town of Sintra",
    )
    (taken,), notes = correct(event, "1", "en", fixed, out)
    assert notes == () and taken.reviewed == 1 and taken.cues == len(original.captions)
    before = taken.path.read_bytes()

    second = run_event(event, out, FAST)
    en = webvtt.read(str(folder / "en.vtt")).captions
    assert html.unescape(en[0].text) == "To the north, & within easy reach:\nthe town of Sintra"
    assert [c.text for c in en[1:]] == [c.text for c in original.captions[1:]]
    assert taken.path.read_bytes() == before  # never overwritten
    sentences = [t for t in first.tracks if t.language == "en"][0].sentences
    corrected = [t for t in second.tracks if t.language == "en"][0].sentences
    changed = {s.text for s in corrected} - {s.text for s in sentences}
    assert len(changed) == 1 and len(sentences) >= 2
    # only the changed sentence was translated again; no transcription was redone; the
    # cues of the French track, whose text changed, were placed again
    computed = {stage: n for stage, _, n in second.cache_by_stage}
    assert computed == {
        "vad": 0, "language": 0, "transcribe": 0, "speakers": 0, "translate": 1, "cues": 1
    }  # fmt: skip
    data = json.loads((folder / "en.json").read_text("utf-8"))
    assert [c["reviewed"] for c in data["cues"]] == [True] + [False] * (len(en) - 1)
    assert "Reviewed by a person: 1 of" in (folder / "en.vtt").read_text("utf-8")
    # the French follows the corrected text, and stays a machine translation
    fr = json.loads((folder / "fr.json").read_text("utf-8"))
    assert "Sintra" in " ".join(texts(folder / "fr.vtt"))
    redone = [s for s in fr["segments"] if s["source_reviewed"]]
    assert len(redone) == 1 and redone[0]["origin"] == "machine" and not redone[0]["reviewed"]
    assert not any(c["reviewed"] for c in fr["cues"])
    header = (folder / "fr.vtt").read_text("utf-8")[:800]
    assert "Reviewed by a person" not in header
    assert "machine-translated from text a person reviewed" in header


def test_a_sentence_whose_cues_were_deleted_is_gone_in_every_language(event, tmp_path):
    first = run_event(event, tmp_path / "out", FAST)
    folder = first.event_dir / "01-sintra"
    last = [t for t in first.tracks if t.language == "en"][0].sentences[-1]
    edited = webvtt.read(str(folder / "en.vtt"))
    start = (last.start_ms - first.tracks[0].session.start_ms) / 1000
    edited.captions = [c for c in edited.captions if c.start_in_seconds < int(start)]
    # a hand-placed file of older versions, in session time, still works by its slug
    corrections = event.parent / "corrections" / "01-sintra"
    corrections.mkdir(parents=True)
    edited.save(str(corrections / "en.vtt"))

    second = run_event(event, tmp_path / "out", FAST)
    for track in second.tracks:
        assert all(s.end_ms <= last.start_ms for s in track.sentences), track.language
    assert "capital" not in (folder / "fr.txt").read_text("utf-8").lower()


def test_a_corrected_translation_is_kept_without_touching_the_source(event, tmp_path):
    out = tmp_path / "out"
    first = run_event(event, out, FAST)
    folder = first.event_dir / "01-sintra"
    fixed = edit_first_cue(
        folder / "fr.vtt", tmp_path / "fr.vtt", "Au nord, à deux pas : la ville de Sintra"
    )
    correct(event, "sintra", "fr", fixed, out)
    en_before = (folder / "en.vtt").read_text("utf-8")

    second = run_event(event, out, FAST)
    assert texts(folder / "fr.vtt")[0] == "Au nord, à deux pas : la ville de Sintra"
    assert (folder / "en.vtt").read_text("utf-8") == en_before
    assert second.cache_misses == 0
    fr = json.loads((folder / "fr.json").read_text("utf-8"))
    person = [s for s in fr["segments"] if s["origin"] == "person"]
    assert len(person) == 1 and person[0]["source_language"] == "en"
    assert person[0]["text"].startswith("Au nord, à deux pas : la ville de Sintra")
    # one cue of a longer sentence was fixed: that cue is reviewed, the sentence is not
    assert [c["reviewed"] for c in fr["cues"]][:2] == [True, False]
    assert not person[0]["reviewed"]


def test_a_correction_follows_its_session_when_the_agenda_changes(event, tmp_path):
    out = tmp_path / "out"
    first = run_event(event, out, FAST)
    folder = first.event_dir / "01-sintra"
    fixed = edit_first_cue(folder / "fr.vtt", tmp_path / "fr.vtt", "Au nord : Sintra, corrigé.")
    correct(event, "1", "fr", fixed, out)
    saved = json.loads((event.parent / "corrections" / "sintra" / "fr.json").read_text("utf-8"))
    said_at = saved["cues"][0]["start"]
    # an "Opening" is added before the talk: the talk is now session 2 and starts later
    opening_end = round(said_at - 0.05, 3)
    assert opening_end > 0
    event.write_text(
        MANIFEST + f'\n[[session]]\ntitle = "Opening"\nend = {opening_end}\n'
        f'\n[[session]]\ntitle = "Sintra"\nstart = {opening_end}\n',
        encoding="utf-8",
    )
    second = run_event(event, out, FAST)
    assert second.warnings == ()
    opening = [t for t in second.tracks if t.session.index == 1 and t.language == "fr"][0]
    talk = [t for t in second.tracks if t.session.index == 2 and t.language == "fr"][0]
    assert not any(c.reviewed for c in opening.cues)
    first_cue = next(c for c in talk.cues if c.text == "Au nord : Sintra, corrigé.")
    assert first_cue.reviewed and first_cue.start_ms == round(said_at * 1000)  # recording time
    # the talk leaves the agenda (what is left is another item, elsewhere): one line,
    # applied nowhere; a session in its place under a new title would be a retitle
    event.write_text(
        MANIFEST + '\n[[session]]\ntitle = "Questions"\nstart = "00:00:15"\n', encoding="utf-8"
    )
    third = run_event(event, out, FAST)
    (line,) = third.warnings
    assert "corrections/sintra/fr.json" in line and "matches no session" in line
    assert not any(c.reviewed for t in third.tracks for c in t.cues)


def test_a_folder_named_by_position_only_is_reported_not_applied(event, tmp_path):
    first = run_event(event, tmp_path / "out", FAST)
    corrections = event.parent / "corrections" / "01"
    corrections.mkdir(parents=True)
    edit_first_cue(first.event_dir / "01-sintra" / "fr.vtt", corrections / "fr.vtt", "Nouveau.")
    second = run_event(event, tmp_path / "out", FAST)
    (line,) = second.warnings
    assert "named by agenda position only" in line
    assert "Nouveau." not in texts(first.event_dir / "01-sintra" / "fr.vtt")


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
    out = correct_spoken(sentences, cues, "en")
    assert [s.text for s in out] == ["Hello world.", "Second one.", "Added later."]
    assert all(s.reviewed for s in out)
    assert [s.origin for s in out] == ["person", "original", "person"]


def test_an_invalid_correction_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "en.vtt"
    bad.write_text("not a subtitle file\n", encoding="utf-8")
    with pytest.raises(SubtitleError, match="line 1: a WebVTT file starts with .WEBVTT."):
        hand_placed_cues(bad, "en")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, check=False
    )


def test_webconf_correct_saves_the_file_where_the_next_run_reads_it(event, tmp_path):
    fixed = tmp_path / "fixed.srt"
    fixed.write_text("1\n00:00:01,000 --> 00:00:03,000\nAu nord : Sintra.\n", encoding="utf-8")
    done = run_cli(
        "correct", "1", "fr", str(fixed), "--event", str(event), "--out", str(tmp_path / "o")
    )
    assert done.returncode == 0, done.stderr
    saved = event.parent / "corrections" / "sintra" / "fr.json"
    doc = json.loads(saved.read_text("utf-8"))
    assert doc["session"]["title"] == "Sintra" and doc["session"]["recording"] == "talk.wav"
    assert doc["cues"] == [
        {
            "start": 1.0,
            "end": 3.0,
            "lines": ["Au nord : Sintra."],
            "reviewed": True,
            "origin": "person",
        }
    ]
    assert str(saved) in done.stdout


def test_a_full_recording_track_is_split_into_its_sessions(event, tmp_path):
    event.write_text(
        MANIFEST + '\n[[session]]\ntitle = "Sintra"\nend = "00:00:10"\n'
        '\n[[session]]\ntitle = "Capitals"\nstart = "00:00:10"\n',
        encoding="utf-8",
    )
    track = tmp_path / "talk.fr.vtt"
    track.write_text(
        "WEBVTT\n\nNOTE\nLanguage: French\nFull recording talk.wav, recording time\n\n"
        "00:00:01.000 --> 00:00:03.000\nAu nord : Sintra.\n\n"
        "00:00:12.000 --> 00:00:14.000\nDes majuscules.\n",
        encoding="utf-8",
    )
    taken, notes = correct(event, "1", "fr", track, tmp_path / "nothing-published")
    assert [(t.session.title, t.cues) for t in taken] == [("Sintra", 1), ("Capitals", 1)]
    capitals = json.loads(taken[1].path.read_text("utf-8"))
    assert capitals["cues"][0]["start"] == 12.0  # recording time, as said


SESSION_FILE = "WEBVTT\n\nNOTE\nSession {n}: {title}\nLanguage: {language}\n\n{cues}"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "fr.vtt",
            SESSION_FILE.format(
                n=1,
                title="Sintra",
                language="Spanish",
                cues="00:00:01.000 --> 00:00:02.000\nHola.\n",
            ),
            "is a Spanish file, not French",
        ),
        (
            "fr.vtt",
            SESSION_FILE.format(
                n=2,
                title="Keynote",
                language="French",
                cues="00:00:01.000 --> 00:00:02.000\nSalut.\n",
            ),
            "is the file of session 2 ('Keynote'), not of session 1 ('Sintra')",
        ),
        (
            "late.vtt",
            SESSION_FILE.format(
                n=1,
                title="Sintra",
                language="French",
                cues="00:01:30.000 --> 00:01:32.000\nTrop tard.\n",
            ),
            "cues run to 00:01:32.000, but session 1 lasts",
        ),
        (
            "talk.chapters.vtt",
            "WEBVTT\n\nNOTE\nChapters track\n\n00:00:00.000 --> 00:00:05.000\nSintra\n",
            "is a chapters track",
        ),
        ("fr.srt", "this is not a subtitle file", "line 1: not a SubRip cue"),
    ],
)
def test_webconf_correct_refuses_what_is_not_the_sessions_file(
    event, tmp_path, name, content, message
):
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    done = run_cli("correct", "1", "fr", str(bad), "--event", str(event))
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("webconf: error:") and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (event.parent / "corrections").exists()


def test_webconf_correct_names_a_missing_session_in_one_line(event, tmp_path):
    fixed = tmp_path / "fixed.srt"
    fixed.write_text("1\n00:00:01,000 --> 00:00:03,000\nHi\n", encoding="utf-8")
    done = run_cli("correct", "7", "fr", str(fixed), "--event", str(event))
    assert done.returncode == 2 and "no session '7'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
