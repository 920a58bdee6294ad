from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from track_builders import (
    MIXED_ENGINE,
    RECORDING,
    make_event,
    make_session,
    mixed_track,
    original_track,
    translated_track,
)

from pipeline.outputs.layout import chapters_file
from pipeline.types import SessionTrack
from pipeline.writers import IndexEntry, write_chapters, write_event_index, write_session_track
from pipeline.writers.index import relative


class Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.hrefs: list[str] = []
        self.headers: list[str] = []
        self._cell: list[str] | None = None
        self._in_th = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []
        elif tag == "th":
            self._in_th = True
        elif tag == "a":
            self.hrefs.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "th":
            self._in_th = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data + " ")
        if self._in_th:
            self.headers.append(data)


def build(tmp_path: Path, *, with_audio: bool = True, chapters=None, media=None):
    event = make_event()
    opening, rivers = event.sessions
    entries = []
    for session in (opening, rivers):
        folder = tmp_path / session.slug
        audio = folder / "audio.opus" if with_audio and session is rivers else None
        original = original_track(session)
        spanish = tuple(
            replace(
                s,
                language="es",
                source_language="en",
                source_text=s.text,
                words=(),
                engine="apertium (en→es)",
                origin="machine",
            )
            for s in original.sentences
        )
        tracks = [
            original,
            translated_track(session),
            SessionTrack(session, "es", "en", "apertium (en→es)", spanish, original.cues),
        ]
        for track in tracks:
            paths = write_session_track(track, event, folder)
            entries.append(IndexEntry.from_written(track, paths, tmp_path, audio=audio))
    recording_tracks = {"day1.mkv": {"en": tmp_path / "day1.en.vtt", "fr": "day1.fr.vtt"}}
    paths = write_event_index(event, entries, tmp_path, recording_tracks, chapters, media)
    return event, entries, paths


def test_index_entry_from_written_keeps_paths_relative_to_out_dir(tmp_path):
    track = translated_track()
    paths = write_session_track(track, make_event(), tmp_path / "02-rivers-deltas")
    entry = IndexEntry.from_written(track, paths, tmp_path, audio="02-rivers-deltas/a.opus")
    assert entry.files == {
        ext: f"02-rivers-deltas/fr.{ext}" for ext in ("vtt", "srt", "txt", "json", "html")
    }
    assert (entry.language, entry.engine, entry.is_original) == ("fr", "argos en_fr 1.9", False)
    assert entry.source_language == "en" and entry.audio == "02-rivers-deltas/a.opus"


def test_index_json_lists_every_session_and_language_with_files_and_engine(tmp_path):
    event, _entries, paths = build(tmp_path)
    assert [p.name for p in paths] == ["index.json", "index.html"]
    doc = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert doc["event"]["title"] == event.title
    assert [s["index"] for s in doc["sessions"]] == [1, 2]
    for session in doc["sessions"]:
        assert set(session["languages"]) == {"en", "fr", "es"}
        for lang, info in session["languages"].items():
            assert list(info["files"]) == ["vtt", "srt", "txt", "html", "json"]
            for rel in info["files"].values():
                assert (tmp_path / rel).is_file()
            assert info["is_original"] == (lang == "en")
    rivers = doc["sessions"][1]
    assert (rivers["start"], rivers["end"], rivers["language"]) == (600.0, 660.0, "en")
    assert rivers["speakers"] == ["Ana Pérez", "Bob <b>"]
    assert rivers["languages"]["es"]["engine"] == "apertium (en→es)"
    assert rivers["audio"] == "02-rivers-deltas/audio.opus"
    assert doc["sessions"][0]["audio"] is None
    assert doc["format"] == 1 and list(doc)[0] == "format"
    assert "recording_tracks" not in doc  # the legacy flat list is gone


def test_index_html_has_a_row_per_session_and_a_column_per_language(tmp_path):
    build(tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    table = Table()
    table.feed(page)
    assert table.headers[-3:] == ["English", "French", "Spanish"]
    body_rows = [row for row in table.rows if row]
    assert len(body_rows) == 2
    for row in body_rows:
        english, french, spanish = row[-3:]
        assert english.startswith("original")
        assert french.startswith("machine translation (argos en_fr 1.9)")
        assert spanish.startswith("machine translation (apertium (en→es))")
    for slug in ("01-opening", "02-rivers-deltas"):
        for lang in ("en", "fr", "es"):
            for ext in ("vtt", "srt", "txt", "html", "json"):
                assert f"{slug}/{lang}.{ext}" in table.hrefs
    assert "02-rivers-deltas/audio.opus" in table.hrefs
    assert "day1.en.vtt" in table.hrefs and "day1.fr.vtt" in table.hrefs


def test_index_html_escapes_titles_and_speakers(tmp_path):
    build(tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Rivers &amp; &lt;Deltas&gt;" in page
    assert "Bob &lt;b&gt;" in page
    assert "<Deltas>" not in page and "<b>" not in page


def test_missing_languages_are_marked_not_linked(tmp_path):
    event = make_event((make_session(),))
    track = original_track()
    entry = IndexEntry.from_written(track, write_session_track(track, event, tmp_path), tmp_path)
    write_event_index(event, [entry], tmp_path, {})
    table = Table()
    table.feed((tmp_path / "index.html").read_text(encoding="utf-8"))
    (row,) = [row for row in table.rows if row]
    assert row[-2:] == ["—", "—"]
    doc = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert list(doc["sessions"][0]["languages"]) == ["en"]


def test_links_with_spaces_are_url_encoded(tmp_path):
    event = make_event((make_session(),))
    track = original_track()
    paths = write_session_track(track, event, tmp_path / "my session")
    entry = IndexEntry.from_written(track, paths, tmp_path, audio="my session/a b.opus")
    write_event_index(event, [entry], tmp_path, {})
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="my%20session/en.vtt"' in page and 'href="my%20session/a%20b.opus"' in page


def test_index_json_lists_recordings_with_their_tracks_and_chapters(tmp_path):
    event = make_event()
    write_chapters(event, RECORDING, tmp_path / chapters_file(RECORDING))
    build(tmp_path, chapters={RECORDING.name: chapters_file(RECORDING)})
    doc = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert doc["recordings"] == {
        "day1.mkv": {
            "title": None,
            "media": None,
            "chapters": "day1.chapters.vtt",
            "tracks": {"en": "day1.en.vtt", "fr": "day1.fr.vtt"},
            "channels": {},
        }
    }


def test_chapters_and_media_are_null_unless_given(tmp_path):
    (tmp_path / "day1.chapters.vtt").write_text("WEBVTT\n")  # on disk, but not given
    build(tmp_path)
    doc = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert doc["recordings"]["day1.mkv"]["chapters"] is None
    assert "chapters.vtt" not in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_chapters_can_be_given_explicitly_and_are_linked_in_html(tmp_path):
    event = make_event((make_session(),))
    track = original_track()
    entry = IndexEntry.from_written(track, write_session_track(track, event, tmp_path), tmp_path)
    write_event_index(event, [entry], tmp_path, {}, chapters={"day1.mkv": "day1.chapters.vtt"})
    table = Table()
    table.feed((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert "day1.chapters.vtt" in table.hrefs
    doc = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert doc["recordings"]["day1.mkv"] == {
        "title": None,
        "media": None,
        "chapters": "day1.chapters.vtt",
        "tracks": {},
        "channels": {},
    }


def test_index_tells_original_share_and_provenance_per_language(tmp_path):
    build(tmp_path)
    doc = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    languages = doc["sessions"][1]["languages"]
    assert [languages[lang]["original_share"] for lang in ("en", "fr", "es")] == [1.0, 0.0, 0.0]
    assert languages["en"]["provenance"] == "Original transcript (Whisper)"
    assert languages["fr"]["provenance"] == "Machine translation from English by argos en_fr 1.9"


def test_mixed_tracks_are_labelled_as_such_in_the_index(tmp_path):
    event = make_event((make_session(),))
    track = mixed_track()
    entry = IndexEntry.from_written(track, write_session_track(track, event, tmp_path), tmp_path)
    write_event_index(event, [entry], tmp_path, {})
    table = Table()
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    table.feed(page)
    (row,) = [row for row in table.rows if row]
    assert row[-3].startswith(f"original, with machine-translated passages ({MIXED_ENGINE})")
    assert 'class="mixed" title="Original English transcript (Whisper), with passages' in page
    info = json.loads((tmp_path / "index.json").read_text("utf-8"))["sessions"][0]["languages"]
    assert (info["en"]["is_original"], info["en"]["original_share"]) == (True, 0.6)


def test_paths_under_a_relative_out_dir_are_linked_from_the_event_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = Path("../") / tmp_path.name / "outputs" / "ev"  # as `--out ../x/outputs` gives
    assert relative(out / "01-a" / "en.vtt", out) == "01-a/en.vtt"
    assert relative(Path("outputs/ev/01-a/session.m4a"), Path("outputs/ev")) == "01-a/session.m4a"
    assert relative("01-a/a.opus", out) == "01-a/a.opus"  # already relative to out_dir
