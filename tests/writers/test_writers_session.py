from __future__ import annotations

import json

import pytest
import srt
import webvtt
from track_builders import flagged_track, make_event, original_track, translated_track

from pipeline.writers import WRITERS, write_session_track


def test_registry_maps_each_extension_to_its_writer():
    assert list(WRITERS) == ["vtt", "srt", "txt", "json", "html"]
    assert all(ext == writer.extension for ext, writer in WRITERS.items())


def test_write_session_track_writes_one_file_per_format_named_by_language(tmp_path):
    folder = tmp_path / "02-rivers-deltas"
    paths = write_session_track(translated_track(), make_event(), folder)
    assert [p.name for p in paths] == ["fr.vtt", "fr.srt", "fr.txt", "fr.json", "fr.html"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)
    assert len(webvtt.read(str(folder / "fr.vtt"), strict=True).captions) == 2
    assert len(list(srt.parse((folder / "fr.srt").read_text(encoding="utf-8")))) == 2
    assert json.loads((folder / "fr.json").read_text(encoding="utf-8"))["language"] == "fr"


def test_write_session_track_can_limit_formats(tmp_path):
    paths = write_session_track(original_track(), make_event(), tmp_path, formats=["srt", "txt"])
    assert [p.name for p in paths] == ["en.srt", "en.txt"]


def test_unknown_format_fails_before_anything_is_written(tmp_path):
    with pytest.raises(KeyError):
        write_session_track(original_track(), make_event(), tmp_path, formats=["vtt", "docx"])
    assert list(tmp_path.iterdir()) == []


def test_note_options_reach_the_vtt_only(tmp_path):
    plain = tmp_path / "plain"
    noted = tmp_path / "noted"
    write_session_track(flagged_track(), make_event(), plain)
    write_session_track(
        flagged_track(), make_event(), noted, note_low_confidence=True, note_reviewed=True
    )
    vtt_text = (noted / "en.vtt").read_text(encoding="utf-8")
    assert "NOTE low confidence" in vtt_text and "NOTE reviewed by a person" in vtt_text
    assert "NOTE low confidence" not in (plain / "en.vtt").read_text(encoding="utf-8")
    for ext in ("srt", "txt", "json", "html"):
        assert (noted / f"en.{ext}").read_bytes() == (plain / f"en.{ext}").read_bytes()


def test_html_gets_the_audio_player_only_when_told_of_the_session_audio(tmp_path):
    (tmp_path / "session.m4a").write_bytes(b"")  # an old run's file: on disk, but not told
    write_session_track(original_track(), make_event(), tmp_path, formats=["html"])
    assert "<audio" not in (tmp_path / "en.html").read_text(encoding="utf-8")
    write_session_track(
        original_track(), make_event(), tmp_path, formats=["html"], audio="session.m4a"
    )
    assert '<audio id="player" controls preload="metadata" src="session.m4a">' in (
        tmp_path / "en.html"
    ).read_text(encoding="utf-8")


def test_the_seek_script_is_written_beside_an_html_transcript_with_a_player(tmp_path):
    from pipeline.writers import html_writer

    paths = write_session_track(original_track(), make_event(), tmp_path, formats=["html"])
    assert not (tmp_path / "transcript.js").exists()  # no player, no script
    paths = write_session_track(
        original_track(), make_event(), tmp_path, formats=["html"], audio="session.m4a"
    )
    assert (tmp_path / "transcript.js").read_text(encoding="utf-8") == html_writer.SEEK_SCRIPT
    assert [p.name for p in paths] == ["en.html"]  # an asset, not one of the track's files
