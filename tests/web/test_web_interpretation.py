"""Replay pages of an event with interpreter channels, as the server and the site render them.

What the browser then does with them (which audio plays, in step) is
test_browser_interpretation.py; here: what the pages say and link to. The event is
tests/outputs/interpreted_outputs.py's, written by the pipeline's own writers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from interpreted_outputs import build_interpreted_event
from web_helpers import parse_html

from pipeline.web.app import create_app
from pipeline.web.data import load_event, origin_label, origin_parts
from pipeline.web.site import export_site

SESSION_1, SESSION_2 = "01-budget-and-ivory-rules", "02-le-vote"
INTERPRETER = "interpretation (human interpreter, transcribed by Whisper)"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_interpreted_event(tmp_path_factory.mktemp("interpreted"), "files").event_dir


@pytest.fixture
def event_dir(built, tmp_path) -> Path:
    dest = tmp_path / "outputs" / built.name
    shutil.copytree(built, dest)
    return dest


def replay(event_dir: Path, session: str, query: str = ""):
    client = create_app(event_dir.parent, build_archive=False).test_client()
    response = client.get(f"/e/{event_dir.name}/{session}{query}")
    assert response.status_code == 200
    return parse_html(response.text)


def test_the_replay_page_offers_the_interpreters_beside_the_floor(event_dir):
    page = replay(event_dir, SESSION_1)
    switch = page.find("div", "audio-switch")
    assert "hidden" in switch.attrs  # shown by the script, which is what makes it work
    assert switch.attrs["data-follow"] == "es"  # English here is original speech
    options = switch.find_all("option")
    assert [(o.attrs["value"], o.text) for o in options] == [
        ("", "floor (original speech)"),
        ("en", "interpreter (English)"),
        ("es", "interpreter (Español)"),
    ]
    spans = [
        (li.attrs["data-lang"], li.attrs["data-start"], li.attrs["data-end"], li.attrs["data-src"])
        for li in switch.find("ul", "channel-spans").find_all("li")
    ]
    files = f"/files/{event_dir.name}"
    assert spans == [
        ("en", "0", "12", f"{files}/{SESSION_1}/session.en.m4a"),
        ("en", "12", "24", f"{files}/{SESSION_2}/session.en.m4a"),
        ("es", "0", "12", f"{files}/{SESSION_1}/session.es.m4a"),
        ("es", "12", "24", f"{files}/{SESSION_2}/session.es.m4a"),
    ]
    assert page.find("audio", id="interpreter")
    # session 2: English is the interpreter's, Spanish machine translation
    assert replay(event_dir, SESSION_2).find("div", "audio-switch").attrs["data-follow"] == "en"


def test_each_language_says_where_its_text_comes_from_with_shares(event_dir):
    page = replay(event_dir, SESSION_1)
    origins = {
        section.attrs["data-lang"]: section.find("p", "origin").text
        for section in page.find_all("section", "transcript")
    }
    assert origins == {
        "en": "English: original speech",
        "fr": "French: machine translation (apertium)",
        "es": f"Spanish: {INTERPRETER} 74 % · machine translation (apertium) 26 %",
    }
    spanish = page.find("section", "transcript", data_lang="es")
    kinds = [s.attrs["data-kind"] for s in spanish.find("p", "origin").find_all("span")]
    assert kinds == ["interpretation", "machine"]
    titles = {
        b.attrs["data-lang"]: b.attrs["title"]
        for b in page.find("form", "langs").find_all("button")
    }
    assert titles["es"] == f"Spanish: {INTERPRETER} 74 % · machine translation (apertium) 26 %"
    badges = [li.find("span", "badge").text for li in spanish.find_all("li", "passage")]
    assert badges == ["interpreted", "interpreted", "translated"]
    title = spanish.find("li", "passage").find("span", "badge").attrs["title"]
    assert title == "Interpretation (human interpreter, transcribed by Whisper) from English"
    assert INTERPRETER in page.find("p", "legend").text
    link = spanish.find("a", "interpreter-audio")
    assert link.attrs["href"].endswith(f"/{SESSION_1}/session.es.m4a")


def test_the_machine_engines_come_from_the_passages_when_the_index_names_none(event_dir):
    """index.json's `engine` of a mixed track may name only Whisper (as `webconf run`
    writes a spoken language with translated passages); the passages say which MT."""
    path = event_dir / "index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    index["sessions"][0]["languages"]["es"]["engine"] = "whisper (interpretation)"
    path.write_text(json.dumps(index), encoding="utf-8")
    event = load_event(event_dir.parent, event_dir.name)
    listed = event.session(SESSION_1).language_info("es")
    assert listed.origin_label == f"{INTERPRETER} 74 % · machine translation 26 %"
    section = replay(event_dir, SESSION_1).find("section", "transcript", data_lang="es")
    assert "machine translation (apertium) 26 %" in section.find("p", "origin").text


def test_outputs_without_shares_are_worded_from_the_original_share():
    assert origin_label(origin_parts({}, ("apertium",))) == "machine translation (apertium)"
    assert origin_label(origin_parts({}, is_original=True)) == "original speech"
    mixed = origin_parts({"original": 0.7, "machine": 0.3}, ("apertium (fr→es→en)",))
    assert origin_label(mixed) == (
        "original speech 70 % · machine translation (apertium fr→es→en) 30 %"
    )


def test_the_events_page_marks_interpretation_and_links_its_audio(event_dir):
    client = create_app(event_dir.parent, build_archive=False).test_client()
    page = parse_html(client.get("/").text)
    spanish = [li for li in page.find_all("li") if li.attrs.get("lang") == "es"][0]
    kind = spanish.find("span", "kind")
    assert "interp" in kind.classes and kind.attrs["title"].startswith(INTERPRETER)
    links = [a.text for a in spanish.find_all("a", "dl")]
    assert links == ["vtt", "srt", "txt", "json", "interpreter audio"]


def test_without_the_recording_the_session_audio_plays_with_its_interpreters(event_dir):
    (event_dir / "media" / "talk.mp4").unlink()
    page = replay(event_dir, SESSION_2, "?lang=en")
    assert page.find("audio", id="player")
    assert page.find("article", id="replay").attrs["data-offset"] == "12"
    spans = page.find("ul", "channel-spans").find_all("li")
    assert [(li.attrs["data-lang"], li.attrs["data-start"]) for li in spans] == [
        ("en", "12"),
        ("es", "12"),
    ]


def test_a_session_without_interpreter_audio_has_no_switch(event_dir):
    path = event_dir / "index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    for session in index["sessions"]:
        for entry in session["languages"].values():
            entry.pop("interpretation", None)
    path.write_text(json.dumps(index), encoding="utf-8")
    page = replay(event_dir, SESSION_1, "?lang=es")
    assert not page.find_all("div", "audio-switch")
    assert not page.find_all("audio", id="interpreter")
    assert not page.find_all("a", "interpreter-audio")


def test_a_site_exported_elsewhere_carries_the_interpreter_audio(event_dir, tmp_path):
    dest = tmp_path / "site"
    export_site(event_dir.parent, dest)
    for session in (SESSION_1, SESSION_2):
        for language in ("en", "es"):
            copied = dest / event_dir.name / session / f"session.{language}.m4a"
            assert copied.read_bytes() == (event_dir / session / copied.name).read_bytes()
    page = parse_html((dest / event_dir.name / SESSION_1 / "replay.html").read_text("utf-8"))
    sources = [li.attrs["data-src"] for li in page.find("ul", "channel-spans").find_all("li")]
    assert sources == [
        "session.en.m4a",
        f"../{SESSION_2}/session.en.m4a",
        "session.es.m4a",
        f"../{SESSION_2}/session.es.m4a",
    ]
