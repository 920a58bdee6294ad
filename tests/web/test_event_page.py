"""The event page (timeline, table, downloads) and the static site's search index."""

from __future__ import annotations

import json
import posixpath
import shutil

import pytest
from web_helpers import (
    VOICES,
    add_voices_and_doubts,
    parse_html,
    read_index,
    segments,
)

from pipeline.web.app import create_app
from pipeline.web.data import load_event
from pipeline.web.site import export_site
from pipeline.web.timeline import event_timelines


def lanes(timeline) -> dict[str, object]:
    return {lane.name: lane for lane in timeline.lanes}


def event_page(event_dir):
    client = create_app(event_dir.parent, build_archive=False).test_client()
    response = client.get(f"/e/{event_dir.name}")
    assert response.status_code == 200
    return parse_html(response.text)


# -- the timeline ------------------------------------------------------------------------


def test_the_timeline_has_every_session_and_each_languages_sources(event_dir):
    index = read_index(event_dir)
    (timeline,) = event_timelines(load_event(event_dir.parent, event_dir.name))
    by_name = lanes(timeline)
    agenda = by_name["Agenda"].spans
    assert [s.session.slug for s in agenda] == [s["slug"] for s in index["sessions"]]
    assert [(s.start, s.end) for s in agenda] == [(s["start"], s["end"]) for s in index["sessions"]]
    assert timeline.end == max(s["end"] for s in index["sessions"])
    for code in index["event"]["languages"]:
        (lane,) = [lane for lane in timeline.lanes if lane.language == code]
        for session in index["sessions"]:
            inside = [s for s in lane.spans if session["start"] <= s.start < session["end"]]
            # the synthetic event: each session's spoken language is what was said,
            # the others machine translations of it
            want = "original" if code == session["language"] else "mt"
            assert inside and {s.css for s in inside} == {want}, (code, session["slug"])
    spoken = by_name["Spoken"].spans
    assert [s.label for s in spoken] == ["English", "French", "Spanish"]
    assert "Speakers" not in by_name and "To review" not in by_name  # none in these outputs


def test_the_timeline_shows_who_speaks_and_where_words_await_review(event_dir):
    doubted = add_voices_and_doubts(event_dir)
    (timeline,) = event_timelines(load_event(event_dir.parent, event_dir.name))
    by_name = lanes(timeline)
    assert {s.label for s in by_name["Speakers"].spans} == set(VOICES)
    assert len({s.css for s in by_name["Speakers"].spans}) == 2  # a colour per voice
    marks = by_name["To review"].spans
    assert [round(s.start, 3) for s in marks] == [t for _, t in doubted]
    assert [row.to_review for row in timeline.rows] == [1] * len(doubted)
    assert all(row.speakers == VOICES for row in timeline.rows)


def test_a_reviewed_sentence_has_no_words_awaiting_review(event_dir):
    doubted = add_voices_and_doubts(event_dir)
    index = read_index(event_dir)
    first = index["sessions"][0]
    path = event_dir / first["slug"] / f"{first['language']}.json"
    data = json.loads(path.read_text("utf-8"))
    data["segments"][0]["reviewed"] = True
    path.write_text(json.dumps(data), "utf-8")
    (timeline,) = event_timelines(load_event(event_dir.parent, event_dir.name))
    assert [round(s.start, 3) for s in lanes(timeline)["To review"].spans] == [
        t for slug, t in doubted if slug != first["slug"]
    ]
    assert timeline.rows[0].to_review == 0


def test_the_table_says_how_much_of_a_language_an_interpreter_gave(event_dir):
    index = read_index(event_dir)
    first = index["sessions"][0]
    path = event_dir / first["slug"] / "fr.json"
    data = json.loads(path.read_text("utf-8"))
    data["segments"][0]["origin"] = "interpretation"
    path.write_text(json.dumps(data), "utf-8")
    chars = [len(s["text"]) for s in segments(event_dir, first["slug"], "fr")]
    share = round(100 * chars[0] / sum(chars))
    (timeline,) = event_timelines(load_event(event_dir.parent, event_dir.name))
    (french,) = [lane for lane in timeline.lanes if lane.language == "fr"]
    assert french.spans[0].css == "interp" and french.spans[0].label == "interpreter"
    assert timeline.rows[0].source("fr") == (
        f"machine translation {100 - share} %, interpreter {share} %"
    )


# -- the event page ----------------------------------------------------------------------


def test_the_event_page_draws_the_timeline_and_its_table(event_dir):
    index = read_index(event_dir)
    page = event_page(event_dir)
    agenda = page.find_all("div", "lane-agenda")[0]
    links = [a.attrs["href"] for a in agenda.find_all("a")]
    assert links == [f"/e/{event_dir.name}/{s['slug']}" for s in index["sessions"]]
    assert [d.attrs.get("data-lang") for d in page.find_all("div", "lane-language")] == (
        index["event"]["languages"]
    )
    rows = page.find("table", "facts").find("tbody").find_all("tr")
    assert [r.attrs["data-session"] for r in rows] == [s["slug"] for s in index["sessions"]]
    for row, session in zip(rows, index["sessions"], strict=True):
        cells = {td.attrs["data-lang"]: td.text for td in row.find_all("td", "sources")}
        assert cells == {
            code: "what was said" if code == session["language"] else "machine translation"
            for code in index["event"]["languages"]
        }


def test_the_event_page_offers_every_file_of_a_session(event_dir):
    index = read_index(event_dir)
    first = index["sessions"][0]
    (event_dir / first["slug"] / "session.mp4").write_bytes(b"\0" * 64)  # as `webconf mux`
    page = event_page(event_dir)
    item = page.find("li", "session", id=first["slug"])
    hrefs = [a.attrs["href"] for a in item.find_all("a") if "download" in a.attrs]
    files = f"/files/{event_dir.name}/{first['slug']}"
    for code in index["event"]["languages"]:
        for ext in ("vtt", "srt", "txt", "json"):
            assert f"{files}/{code}.{ext}" in hrefs
    assert f"{files}/session.mp4" in hrefs
    assert f"{files}/session.mkv" not in hrefs  # not made: not offered
    second = page.find("li", "session", id=index["sessions"][1]["slug"])
    assert not [a for a in second.find_all("a") if a.attrs["href"].endswith("session.mp4")]


def test_an_unknown_event_is_a_404_page(event_dir):
    client = create_app(event_dir.parent, build_archive=False).test_client()
    assert client.get("/e/no-such-event").status_code == 404
    (event_dir / "index.json").write_text("{broken", "utf-8")
    response = client.get(f"/e/{event_dir.name}")
    assert response.status_code == 404 and "cannot read the event index" in response.text


def test_the_site_exported_elsewhere_takes_the_muxed_video_along(outputs, event_dir, tmp_path):
    first = read_index(event_dir)["sessions"][0]
    (event_dir / first["slug"] / "session.mkv").write_bytes(b"\0" * 64)
    export_site(outputs, tmp_path / "site")
    assert (tmp_path / "site" / event_dir.name / first["slug"] / "session.mkv").is_file()
    assert (tmp_path / "site" / event_dir.name / first["slug"] / "en.json").is_file()


# -- the static site's search index ------------------------------------------------------


def search_data(path) -> dict:
    text = path.read_text("utf-8")
    assert text.startswith("window.WEBCONF_SEARCH = ") and text.endswith(";\n")
    return json.loads(text[len("window.WEBCONF_SEARCH = ") : -2])


@pytest.mark.parametrize("where", ["top", "event"])
def test_the_search_index_holds_every_passage_and_links_to_pages_that_exist(
    outputs, event_dir, where
):
    export_site(outputs)
    top = outputs if where == "top" else event_dir
    data = search_data(top / "replay-assets" / "search-index.js")
    index = read_index(event_dir)
    want = sorted(
        (session["slug"], code, seg["text"])
        for session in index["sessions"]
        for code in index["event"]["languages"]
        for seg in segments(event_dir, session["slug"], code)
    )
    got = sorted((data["sessions"][p[0]][2].split("/")[-2], p[1], p[3]) for p in data["passages"])
    assert got == want
    for _, _, link, _ in data["sessions"]:
        assert (top / posixpath.normpath(link)).is_file(), link
        assert not link.startswith(("/", "..")), link  # inside what is published
    assert (top / "search.html").is_file()
    assert [code for code, _ in data["languages"]] == index["event"]["languages"]


def test_an_event_published_alone_searches_its_own_passages_only(outputs, event_dir):
    other = outputs / "2026-12-01-another-event"
    shutil.copytree(event_dir, other)
    index = read_index(other)
    index["event"]["slug"] = other.name
    (other / "index.json").write_text(json.dumps(index), "utf-8")
    export_site(outputs)
    assert len(search_data(outputs / "replay-assets" / "search-index.js")["events"]) == 2
    alone = search_data(other / "replay-assets" / "search-index.js")
    assert [e["slug"] for e in alone["events"]] == [other.name]
    page = parse_html((other / "search.html").read_text("utf-8"))
    scripts = [s.attrs["src"] for s in page.find_all("script")]
    assert scripts == ["replay-assets/search-index.js", "replay-assets/search.js"]
    assert page.find("form", "quicksearch").attrs["action"] == "search.html"
