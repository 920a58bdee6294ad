"""Refused before any model work: what the run could only get wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pipeline.transcribe.whisper as whisper_module
from pipeline import RunOptions, run_event
from pipeline.errors import ModelMissingError
from pipeline.fsio import slugify


def manifest(tmp_path, make_tone, body: str):
    make_tone("talk.wav", seconds=3)
    path = tmp_path / "event.toml"
    path.write_text(body, encoding="utf-8")
    return path


def never_load(*args, **kwargs):
    raise AssertionError("the model was loaded")


def test_an_english_only_model_refuses_a_session_declared_french(tmp_path, make_tone, monkeypatch):
    monkeypatch.setattr(whisper_module, "load_model", never_load)
    path = manifest(
        tmp_path,
        make_tone,
        '[event]\ntitle = "Talk"\n[[recording]]\nfile = "talk.wav"\n'
        '[[session]]\ntitle = "Ouverture"\nlanguage = "fr"\n',
    )
    with pytest.raises(ModelMissingError, match="is declared French, but --model tiny.en"):
        run_event(path, tmp_path / "out", RunOptions(model="tiny.en", show_progress=False))
    assert not (tmp_path / "out").exists()


def test_an_english_only_model_refuses_a_french_interpreter_channel(tmp_path, make_tone):
    make_tone("fr.m4a", seconds=3)
    path = manifest(
        tmp_path,
        make_tone,
        '[event]\ntitle = "Talk"\n[[recording]]\nfile = "talk.wav"\n'
        '[[recording.interpretation]]\nlanguage = "fr"\nfile = "fr.m4a"\n',
    )
    with pytest.raises(ModelMissingError, match="French interpreter channel"):
        run_event(path, tmp_path / "out", RunOptions(model="tiny.en", show_progress=False))


FLEURS = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"


def test_an_english_only_model_refuses_an_undeclared_session_it_hears_is_french(tmp_path):
    path = tmp_path / "event.toml"
    path.write_text(
        '[event]\ntitle = "Talk"\nlanguages = ["en", "fr"]\n'
        f'[[recording]]\nfile = "{FLEURS / "fleurs-en-003.ogg"}"\n'
        f'[[recording]]\nfile = "{FLEURS / "fleurs-fr-001.ogg"}"\n'
        f'[[session]]\ntitle = "Cabbage"\nrecording = "{FLEURS / "fleurs-en-003.ogg"}"\n'
        f'[[session]]\ntitle = "Ouverture"\nrecording = "{FLEURS / "fleurs-fr-001.ogg"}"\n',
        encoding="utf-8",
    )
    options = RunOptions(model="tiny.en", show_progress=False)
    with pytest.raises(ModelMissingError) as refused:
        run_event(path, tmp_path / "out", options)
    assert re.match(
        r"session 2 \('Ouverture'\) sounds French \(Whisper base: \d+%\), but --model "
        "tiny.en knows only English",
        str(refused.value),
    )
    # heard before any decoding: nothing was transcribed, nothing published
    cache = next((tmp_path / "out").iterdir()) / ".cache"
    assert sorted(p.name for p in cache.iterdir()) == ["language", "vad"]
    # declared English, the session is the organiser's word: it runs
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'title = "Ouverture"', 'title = "Ouverture"\nlanguage = "en"'
        ),
        encoding="utf-8",
    )
    assert run_event(path, tmp_path / "out", options).tracks


def test_titles_without_latin_letters_get_their_own_readable_folders():
    assert slugify("Пленарное заседание") == "пленарное-заседание"
    assert slugify("全体会議") != slugify("分科会")
    assert slugify("🎉") != slugify("🎈") and slugify("🎉").startswith("untitled-")
    assert slugify("Café: ../etc") == "cafe-etc"


def test_outputs_that_cannot_be_written_are_refused_before_any_work(tmp_path, make_tone):
    from pipeline.errors import OutputsError

    path = manifest(
        tmp_path, make_tone, '[event]\ntitle = "Talk"\n[[recording]]\nfile = "talk.wav"\n'
    )
    a_file = tmp_path / "out.txt"
    a_file.write_text("not a folder")
    with pytest.raises(OutputsError, match="is a file, not a folder"):
        run_event(path, a_file, RunOptions(model="tiny.en", show_progress=False))
    cache_file = tmp_path / "out" / "talk" / ".cache"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text("")
    with pytest.raises(OutputsError, match=r"\.cache: is a file"):
        run_event(path, tmp_path / "out", RunOptions(model="tiny.en", show_progress=False))


def test_a_read_only_output_folder_is_refused_before_any_work(tmp_path, make_tone, monkeypatch):
    """Tests run as root here, who may write anywhere: the permission answer is faked."""
    import pipeline.run.event as event_module
    from pipeline.errors import OutputsError

    path = manifest(
        tmp_path, make_tone, '[event]\ntitle = "Talk"\n[[recording]]\nfile = "talk.wav"\n'
    )
    monkeypatch.setattr(event_module.os, "access", lambda *a, **k: False)
    with pytest.raises(OutputsError, match="cannot write the outputs here"):
        run_event(path, tmp_path / "out", RunOptions(model="tiny.en", show_progress=False))
    assert not (tmp_path / "out").exists()


def test_a_disk_that_fills_up_mid_run_is_one_line_and_the_next_run_resumes(
    tmp_path, monkeypatch
):
    import errno
    import os

    from pipeline.errors import OutputsError

    clip = FLEURS / "fleurs-en-003.ogg"
    path = tmp_path / "event.toml"
    path.write_text(
        f'[event]\ntitle = "Talk"\nlanguages = ["en", "fr"]\n[[recording]]\nfile = "{clip}"\n'
        'language = "en"\n',
        encoding="utf-8",
    )
    real_replace = os.replace

    def full(src, dst, *args, **kwargs):
        if str(dst).endswith(".vtt"):  # the stage cache fits, the subtitles do not
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    options = RunOptions(model="tiny.en", show_progress=False)
    with pytest.raises(OutputsError) as refused:
        run_event(path, tmp_path / "out", options)
    assert str(refused.value) == (
        f"{tmp_path / 'out'}: no space left on device: fix that and run again "
        "(finished work is kept)"
    )
    monkeypatch.setattr(os, "replace", real_replace)
    again = run_event(path, tmp_path / "out", options)
    # nothing the first run finished is computed again: it stopped writing the English
    # subtitles, after the cues of both languages were placed
    computed = {stage: n for stage, _, n in again.cache_by_stage}
    assert again.cache_hits >= 2 and computed == {"vad": 0, "transcribe": 0, "speakers": 0,
                                                  "translate": 0, "cues": 0}  # fmt: skip
    assert len(list((tmp_path / "out").rglob("*.vtt"))) >= 2


def test_two_events_of_one_title_and_date_never_share_a_folder(tmp_path, make_tone):
    from pipeline.errors import OutputsError

    body = '[event]\ntitle = "Webinar"\ndate = "2021-03-25"\n[[recording]]\nfile = "{}"\n'
    events = []
    for room in ("room-a", "room-b"):
        (tmp_path / room).mkdir()
        tone = make_tone(f"{room}.wav", seconds=2)
        path = tmp_path / room / "event.toml"
        path.write_text(body.format(tone), encoding="utf-8")
        events.append(path)
    options = RunOptions(model="tiny.en", show_progress=False, export_audio=False)
    first = run_event(events[0], tmp_path / "out", options)
    before = {p: p.read_bytes() for p in first.event_dir.rglob("*") if p.is_file()}
    with pytest.raises(OutputsError) as refused:
        run_event(events[1], tmp_path / "out", options)
    assert str(refused.value) == (
        f"{first.event_dir}: holds another event of the same title and date (made from "
        "another manifest, with other recordings): give this one another title or date, "
        "or another --out"
    )
    assert {p: p.read_bytes() for p in first.event_dir.rglob("*") if p.is_file()} == before
    # the same event from a copy of its manifest elsewhere: its recordings say who it is
    moved = tmp_path / "moved.toml"
    moved.write_text(events[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert run_event(moved, tmp_path / "out", options).event_dir == first.event_dir


def test_a_retitled_sessions_old_folder_goes_unless_it_holds_someone_elses_files(
    tmp_path, make_tone
):
    make_tone("talk.wav", seconds=4)
    path = tmp_path / "event.toml"
    agenda = (
        '[event]\ntitle = "Talk"\n[[recording]]\nfile = "talk.wav"\nlanguage = "en"\n'
        '[[session]]\ntitle = "{}"\nend = 2\n[[session]]\ntitle = "{}"\nstart = 2\n'
    )
    options = RunOptions(model="tiny.en", show_progress=False)
    path.write_text(agenda.format("Opening", "Panel"), encoding="utf-8")
    first = run_event(path, tmp_path / "out", options)

    def folders() -> list[str]:
        return sorted(p.name for p in first.event_dir.iterdir() if p.name[0].isdigit())

    assert folders() == ["01-opening", "02-panel"]
    path.write_text(agenda.format("Opening", "Panel on telework"), encoding="utf-8")
    second = run_event(path, tmp_path / "out", options)
    assert folders() == ["01-opening", "02-panel-on-telework"] and second.warnings == ()
    # a folder where someone put a file of their own is left, and said
    (first.event_dir / "02-panel-on-telework" / "notes.docx").write_bytes(b"mine")
    path.write_text(agenda.format("Opening", "Telework"), encoding="utf-8")
    third = run_event(path, tmp_path / "out", options)
    assert folders() == ["01-opening", "02-panel-on-telework", "02-telework"]
    (line,) = third.warnings
    assert line.endswith("left in place: it holds files the pipeline does not write")
    assert (first.event_dir / "02-panel-on-telework" / "notes.docx").read_bytes() == b"mine"
