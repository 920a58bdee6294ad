"""The published site in Chromium: its search in the browser, the event page's
timeline, keyboard use of the replay page, and the README's screenshots.

The site is exported from the sample event (hand-written sentences, with speakers
and a doubted word per session), then read from disk (`file://`) or from a plain
static web server, as a visitor would.

`WEBCONF_SCREENSHOTS=DIR` makes the screenshot test save the event page and the
replay page there (`make screenshots`: from `outputs/`, the sample event as
`make run` made it, when `WEBCONF_SCREENSHOTS_FROM` names it).
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path

import pytest
from static_server import static_server
from web_helpers import add_voices_and_doubts, make_outputs, read_index, segments, tsec

from pipeline.web.site import export_site

pytestmark = pytest.mark.browser

ACTIVE_JS = """() => {
    const el = document.activeElement;
    return el ? el.tagName + '|' + (el.getAttribute('data-lang') || el.className || '') : '';
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("published") / "site"
    event_dir = make_outputs(site)
    add_voices_and_doubts(event_dir)
    export_site(site)
    return site


@pytest.fixture(scope="module")
def event_dir(site) -> Path:
    return next(p.parent for p in site.glob("*/index.json"))


@pytest.fixture(scope="module")
def base(site):
    with static_server(site) as url:
        yield url


def wait_for_time(page, seconds: float, tolerance: float = 0.6) -> None:
    page.wait_for_function(
        "([t, tol]) => Math.abs(document.getElementById('player').currentTime - t) < tol",
        arg=[seconds, tolerance],
    )


def leave(page) -> None:
    """Done with the media before the module's server stops (see test_browser)."""
    page.goto("about:blank")


# -- search in the browser ---------------------------------------------------------------


def test_the_search_from_disk_finds_a_phrase_without_accents_and_opens_its_moment(
    page, site, event_dir
):
    index = read_index(event_dir)
    french = next(s for s in index["sessions"] if s["language"] == "fr")
    seg = next(s for s in segments(event_dir, french["slug"], "fr") if "équipe" in s["text"])
    page.goto((site / "search.html").as_uri())
    page.fill("#site-search input[name=q]", '"l\'equipe a gagne"')  # typed without accents
    page.press("#site-search input[name=q]", "Enter")
    page.wait_for_function("() => document.getElementById('search-status').textContent")
    hits = page.locator("#results li.result")
    assert hits.count() == 1  # one passage, its versions in the other languages under it
    assert page.locator("#results mark").first.text_content() == "L'équipe a gagné"
    assert hits.first.locator("p.translation").count() == len(index["event"]["languages"]) - 1
    page.click("#results a.hit")
    page.wait_for_url(lambda url: url.split("#")[0].endswith("replay.html?lang=fr"))
    assert page.url.endswith(f"#t={tsec(seg['recording_start'])}")
    wait_for_time(page, seg["recording_start"])
    assert page.locator("#transcript-fr").is_visible()


def test_the_search_over_http_takes_prefixes_languages_and_exclusions(page, base, event_dir):
    def results(query: str, lang: str = "") -> list[str]:
        page.goto(f"{base}/search.html?" + urllib.parse.urlencode({"q": query, "lang": lang}))
        page.wait_for_function("() => document.getElementById('search-status').textContent")
        return page.locator("#results li.result p.snippet").all_text_contents()

    assert results("certific*") == ["Domestic trade needs a certificate."]  # the original
    assert results("certific*", "es") == ["El comercio interior exige un certificado."]
    assert results("certific* -domestic", "en") == []
    assert results("sintra OR mashhad", "fr") == [  # BM25: the shorter passage first
        "Les funérailles ont eu lieu à Mashhad.",
        "Beaucoup de voyageurs écrivent des blogs sur Sintra.",
    ]
    assert results('"unclosed') == []
    assert "a quote is not closed" in page.locator("#search-status").text_content()
    # every page's search box leads here
    page.goto(f"{base}/replay.html")
    page.fill("form.quicksearch input[name=q]", "relay")
    page.press("form.quicksearch input[name=q]", "Enter")
    page.wait_for_url(f"{base}/search.html?q=relay")
    assert page.locator("#results a.hit").count() == 1


# -- the event page ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["disk", "http"])
def test_the_timeline_lists_every_session_and_each_languages_sources(
    page, site, base, event_dir, how
):
    index = read_index(event_dir)
    url = (
        (event_dir / "replay.html").as_uri()
        if how == "disk"
        else f"{base}/{event_dir.name}/replay.html"
    )
    page.goto(url)
    agenda = page.locator(".lane-agenda a")
    assert agenda.count() == len(index["sessions"])
    width = page.locator(".lane-agenda svg.lane").bounding_box()["width"]
    blocks = page.locator(".lane-agenda rect")
    boxes = [blocks.nth(n).bounding_box() for n in range(blocks.count())]
    assert sum(b["width"] for b in boxes) == pytest.approx(width, rel=0.02)  # the whole event
    langs = page.locator(".lane-language")
    assert [langs.nth(n).get_attribute("data-lang") for n in range(langs.count())] == (
        index["event"]["languages"]
    )
    for n in range(langs.count()):
        assert langs.nth(n).locator("rect").count() >= len(index["sessions"])
    assert page.locator(".lane-review rect").count() == len(index["sessions"])
    rows = page.locator("table.facts tbody tr")
    assert rows.count() == len(index["sessions"])
    for n, session in enumerate(index["sessions"]):
        for code in index["event"]["languages"]:
            cell = rows.nth(n).locator(f"td.sources[data-lang={code}]").text_content()
            want = "what was said" if code == session["language"] else "machine translation"
            assert cell == want
    agenda.nth(1).click()  # a block of the timeline opens its session
    page.wait_for_url(
        lambda u: urllib.parse.urlsplit(u).path.endswith(
            f"/{index['sessions'][1]['slug']}/replay.html"
        ),
        wait_until="domcontentloaded",
    )
    leave(page)


# -- the replay page from the keyboard ---------------------------------------------------


def tab_to(page, selector: str, most: int = 60) -> None:
    """Press Tab until the element `selector` has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus with Tab")


def test_the_replay_page_works_from_the_keyboard(page, base, event_dir):
    index = read_index(event_dir)
    session = index["sessions"][0]
    segs = segments(event_dir, session["slug"], "es")
    page.goto(f"{base}/{event_dir.name}/{session['slug']}/replay.html")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    page.evaluate("document.getElementById('player').muted = true")
    tab_to(page, ".langs button[data-lang=es]")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.langs button[data-lang=es]')"
        ".getAttribute('aria-pressed') === 'true'"
    )
    assert page.locator("#transcript-es").is_visible()
    assert not page.locator(f"#transcript-{session['language']}").is_visible()
    tab_to(page, "#transcript-es li.passage:nth-child(2) a.stamp")
    page.keyboard.press("Enter")
    wait_for_time(page, segs[1]["recording_start"])
    # Space on the focused player plays and pauses it (Chromium's own controls)
    page.focus("#player")
    for _ in range(2):
        paused = page.evaluate("document.getElementById('player').paused")
        page.keyboard.press("Space")
        page.wait_for_function("p => document.getElementById('player').paused !== p", arg=paused)
    # the chapters of the recording are links in the tab order
    tab_to(page, f"nav.chapters li[data-slug='{index['sessions'][1]['slug']}'] a")
    page.keyboard.press("Enter")
    page.wait_for_url(
        lambda u: urllib.parse.urlsplit(u).path.endswith(
            f"/{index['sessions'][1]['slug']}/replay.html"
        ),
        wait_until="domcontentloaded",
    )
    leave(page)


# -- the README's screenshots ------------------------------------------------------------


def test_the_readme_screenshots_show_the_event_page_and_a_replay(page, site, tmp_path):
    source = os.environ.get("WEBCONF_SCREENSHOTS_FROM")
    if source:  # the sample event as `make run` made it
        published = tmp_path / "site"
        export_site(Path(source), published)
    else:
        published = site
    made = next(p.parent for p in sorted(Path(source or site).glob("*/index.json")))
    first = read_index(made)["sessions"][0]
    event = published / made.name
    shots = Path(os.environ.get("WEBCONF_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto((event / "replay.html").as_uri())
    page.locator("section.timeline").first.screenshot(path=str(shots / "event-page.png"))
    page.goto((event / first["slug"] / "replay.html").as_uri() + "#t=14")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    page.screenshot(path=str(shots / "replay-page.png"))
    for name in ("event-page.png", "replay-page.png"):
        data = (shots / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name
    leave(page)
    if source:
        shutil.rmtree(published)
