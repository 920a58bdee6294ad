"""What the agenda says about an event reaches its files: the description, each
session's links (the slides, the talk's page) and the recording's title."""

from __future__ import annotations

import json
from dataclasses import replace

from track_builders import RECORDING, make_event, make_session, original_track

from pipeline.types import Recording
from pipeline.writers import IndexEntry, write_event_index, write_session_track

ABOUT = "Telework: opportunities and <risks> for our organisations."
SLIDES = "https://example.org/slides?talk=2&lang=en"


def written(tmp_path):
    session = replace(make_session(), links=(SLIDES,))
    event = replace(
        make_event((session,)),
        description=ABOUT,
        recordings=(Recording(RECORDING, title="Day 1, afternoon"),),
    )
    track = replace(original_track(), session=session)
    paths = write_session_track(track, event, tmp_path)
    entry = IndexEntry.from_written(track, paths, tmp_path)
    write_event_index(event, [entry], tmp_path, {}, chapters={RECORDING.name: "c.vtt"})
    return {p.suffix: p.read_text(encoding="utf-8") for p in paths}


def test_transcripts_carry_the_description_and_the_sessions_links(tmp_path):
    files = written(tmp_path)
    assert f"About: {ABOUT}" in files[".txt"] and f"Links: {SLIDES}" in files[".txt"]
    assert f"Links: {SLIDES}" in files[".vtt"]
    doc = json.loads(files[".json"])
    assert doc["event"]["description"] == ABOUT and doc["session"]["links"] == [SLIDES]
    html = files[".html"]
    assert "&lt;risks&gt;" in html and "<risks>" not in html
    assert f'<a href="{SLIDES.replace("&", "&amp;")}" rel="noopener noreferrer">' in html


def test_the_event_page_shows_the_description_links_and_recording_title(tmp_path):
    written(tmp_path)
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert index["event"]["description"] == ABOUT
    assert index["sessions"][0]["links"] == [SLIDES]
    assert index["recordings"][RECORDING.name]["title"] == "Day 1, afternoon"
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;risks&gt;" in page and "Day 1, afternoon" in page
    assert 'rel="noopener noreferrer"' in page
