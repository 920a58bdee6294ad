"""Replay pages in a real browser: Playwright driving Debian's headless Chromium.

The server runs in-process on an ephemeral loopback port over a copy of the sample
event (plus a copy whose titles, passages and cues carry `<script>` markup). Each
test saves a screenshot in the run's temporary folder and prints its path.
Chromium is required: `make test` installs it; without it these tests fail.
"""

from __future__ import annotations

import re
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest
from static_server import static_server
from web_helpers import EVIL, EVIL_SLUG, add_evil_event, make_outputs, read_index, segments, tsec

from pipeline.web.app import create_app, make_web_server
from pipeline.web.site import export_site

pytestmark = pytest.mark.browser

H264_AAC = 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"'

# Page-side probes, evaluated in the browser.
TRACKS_JS = """() => [...document.getElementById('player').textTracks].map(t => ({
    kind: t.kind, language: t.language, label: t.label, mode: t.mode}))"""
SHOWN_CUE_JS = """() => {
    const track = [...document.getElementById('player').textTracks]
        .find(t => t.kind === 'subtitles' && t.mode === 'showing');
    if (!track || !track.activeCues || !track.activeCues.length) return null;
    return {language: track.language, text: track.activeCues[0].text};
}"""
CURRENT_JS = """() => {
    const li = document.querySelector('.transcript:not([hidden]) .passage.current');
    return li && li.getAttribute('data-start');
}"""


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "outputs"
    event_dir = make_outputs(out)
    add_evil_event(out, event_dir)
    return out


@pytest.fixture(scope="module")
def event_dir(outputs) -> Path:
    return next(p for p in sorted(outputs.iterdir()) if p.name != EVIL_SLUG and p.is_dir())


@pytest.fixture(scope="module")
def base_url(outputs):
    server = make_web_server(create_app(outputs), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()
    thread.join(10)


def replay(base_url: str, event_dir: Path, session: dict, *, lang=None, t=None) -> str:
    url = f"{base_url}/e/{event_dir.name}/{session['slug']}"
    if lang:
        url += f"?lang={lang}"
    if t is not None:
        url += f"#t={tsec(t)}"
    return url


def wait_for_metadata(page) -> None:
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")


def wait_for_time(page, seconds: float, tolerance: float = 1.5) -> float:
    page.wait_for_function(
        "([t, tol]) => Math.abs(document.getElementById('player').currentTime - t) < tol",
        arg=[seconds, tolerance],
    )
    return page.evaluate("document.getElementById('player').currentTime")


def wait_for_current(page, seconds: float) -> None:
    """Until the transcript highlights the passage starting at `seconds`."""
    page.wait_for_function(f"want => ({CURRENT_JS})() === want", arg=tsec(seconds))


def mute(page) -> None:
    page.evaluate("document.getElementById('player').muted = true")


# -- tests -------------------------------------------------------------------------------


def test_the_recording_plays_in_this_chromium(page, base_url, event_dir):
    """Codec check: Debian's chromium plays the H.264/AAC sample as published."""
    session = read_index(event_dir)["sessions"][0]
    page.goto(replay(base_url, event_dir, session))
    support = page.evaluate(f"document.createElement('video').canPlayType('{H264_AAC}')")
    print(f"canPlayType({H264_AAC}) = {support!r}")
    assert support == "probably", "this chromium cannot play H.264/AAC: publish a WebM copy"
    wait_for_metadata(page)
    assert page.evaluate("document.getElementById('player').duration") > session["end"] - 1
    mute(page)
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function("() => document.getElementById('player').currentTime > 1.0")
    assert page.evaluate("document.getElementById('player').error") is None


def test_replay_page_loads_and_lists_a_track_per_language(page, base_url, event_dir):
    index = read_index(event_dir)
    session = index["sessions"][1]
    page.goto(replay(base_url, event_dir, session))
    wait_for_metadata(page)
    tracks = page.evaluate(TRACKS_JS)
    subtitles = [t for t in tracks if t["kind"] == "subtitles"]
    assert [t["language"] for t in subtitles] == index["event"]["languages"]
    assert [t["label"] for t in subtitles] == ["English", "Français", "Español"]
    assert {t["language"]: t["mode"] for t in subtitles} == {
        lang: "showing" if lang == session["language"] else "disabled"
        for lang in index["event"]["languages"]
    }
    assert [t["mode"] for t in tracks if t["kind"] == "chapters"] == ["hidden"]
    # the replay starts at the session, not at the start of the recording
    wait_for_time(page, session["start"], 0.5)
    assert page.locator("h1").inner_text() == session["title"]
    buttons = page.locator(".langs button")
    assert buttons.all_inner_texts() == ["English", "Français", "Español"]
    # the chapters track names the session playing
    page.wait_for_function(
        "slug => document.querySelector('.chapters li.playing')?.dataset.slug === slug",
        arg=session["slug"],
    )
    assert not page.locator("#elsewhere").is_visible()
    # past the session's end the page offers the session now playing
    following = index["sessions"][2]
    page.evaluate(f"document.getElementById('player').currentTime = {following['start'] + 1}")
    page.wait_for_function("() => !document.getElementById('elsewhere').hidden")
    link = page.locator("#elsewhere-link")
    assert link.inner_text() == f"{following['index']}. {following['title']}"
    assert link.get_attribute("href") == f"/e/{event_dir.name}/{following['slug']}"
    assert page.evaluate(CURRENT_JS) is None  # no passage of this session is highlighted


@pytest.mark.parametrize("page", ["es-MX"], indirect=True)
def test_the_replay_starts_in_the_viewers_language_unless_a_link_says_otherwise(
    page, base_url, event_dir
):
    session = read_index(event_dir)["sessions"][0]
    assert session["language"] != "es"
    page.goto(replay(base_url, event_dir, session))
    page.wait_for_function("() => document.querySelector('[data-lang]') !== null")
    pressed = page.locator(".langs button[aria-pressed=true]")
    page.wait_for_function(
        "() => document.querySelector('.langs button[aria-pressed=true]')?.dataset.lang === 'es'"
    )
    assert pressed.get_attribute("data-lang") == "es"
    assert page.evaluate("navigator.languages[0]") == "es-MX"
    # a link that names a language keeps it
    page.goto(replay(base_url, event_dir, session, lang="fr"))
    page.wait_for_function(
        "() => document.querySelector('.langs button[aria-pressed=true]')?.dataset.lang === 'fr'"
    )


def test_switching_language_changes_the_shown_cue_and_the_transcript(page, base_url, event_dir):
    index = read_index(event_dir)
    session = index["sessions"][1]
    spoken = session["language"]
    seg = segments(event_dir, session["slug"], spoken)[1]
    middle = (seg["recording_start"] + seg["recording_end"]) / 2
    page.goto(replay(base_url, event_dir, session, t=middle))
    wait_for_metadata(page)
    wait_for_time(page, middle, 0.5)
    page.wait_for_function(SHOWN_CUE_JS)
    before = page.evaluate(SHOWN_CUE_JS)
    assert before["language"] == spoken
    assert before["text"].replace("\n", " ") in seg["text"]
    assert page.evaluate(CURRENT_JS) == tsec(seg["recording_start"])

    other = next(lang for lang in index["event"]["languages"] if lang != spoken)
    page.click(f".langs button[data-lang={other}]")
    page.wait_for_function(
        f"lang => {{ const c = ({SHOWN_CUE_JS})(); return !!c && c.language === lang; }}",
        arg=other,
    )
    after = page.evaluate(SHOWN_CUE_JS)
    assert after["text"] != before["text"]
    other_seg = segments(event_dir, session["slug"], other)[1]
    assert after["text"].replace("\n", " ") in other_seg["text"]
    assert page.locator(f"#transcript-{other}").is_visible()
    assert not page.locator(f"#transcript-{spoken}").is_visible()
    assert page.locator(f".langs button[data-lang={other}]").get_attribute("aria-pressed") == "true"
    assert page.evaluate(CURRENT_JS) == tsec(other_seg["recording_start"])
    assert f"lang={other}" in page.url  # a shared link keeps the language
    assert page.evaluate("document.getElementById('player').currentTime") == pytest.approx(
        middle, abs=0.5
    )


def test_clicking_a_transcript_line_seeks_the_player(page, base_url, event_dir):
    session = read_index(event_dir)["sessions"][0]
    segs = segments(event_dir, session["slug"], session["language"])
    assert len(segs) >= 3
    lines = page.locator(f"#transcript-{session['language']} li.passage")
    page.goto(replay(base_url, event_dir, session))
    wait_for_metadata(page)
    mute(page)
    lines.nth(1).locator(".text").click()
    wait_for_time(page, segs[1]["recording_start"])
    assert page.evaluate(CURRENT_JS) == tsec(segs[1]["recording_start"])
    assert page.url.endswith(f"#t={tsec(segs[1]['recording_start'])}")
    # clicking plays; the highlight follows playback (timeupdate) to the next passage
    page.wait_for_function("() => !document.getElementById('player').paused")
    page.evaluate(
        f"document.getElementById('player').currentTime = {segs[2]['recording_start'] - 0.6}"
    )
    wait_for_current(page, segs[2]["recording_start"])
    # the time stamp link seeks too, and so does a #t= typed into the address bar
    lines.nth(0).locator(".stamp").click()
    wait_for_time(page, segs[0]["recording_start"])
    page.evaluate("document.getElementById('player').pause()")
    page.evaluate(f"location.hash = '#t={tsec(segs[-1]['recording_start'])}'")
    wait_for_time(page, segs[-1]["recording_start"], 0.5)
    wait_for_current(page, segs[-1]["recording_start"])


def test_a_search_result_opens_the_replay_at_its_time(page, base_url, event_dir, snap):
    session = read_index(event_dir)["sessions"][2]
    seg = segments(event_dir, session["slug"], session["language"])[1]
    word = max(re.findall(r"\w{5,}", seg["text"]), key=len)
    page.goto(f"{base_url}/search?" + urllib.parse.urlencode({"q": word, "event": event_dir.name}))
    link = page.locator(f"a.hit[href*='#t={tsec(seg['recording_start'])}']").first
    assert link.count() == 1, page.content()
    assert word.lower() in page.locator("mark").first.inner_text().lower()
    snap(page, "results")
    link.click()
    page.wait_for_url(re.compile(rf"/e/{re.escape(event_dir.name)}/{session['slug']}\?"))
    wait_for_metadata(page)
    wait_for_time(page, seg["recording_start"], 0.5)
    wait_for_current(page, seg["recording_start"])
    lang = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["lang"][0]
    assert page.locator(f".langs button[data-lang={lang}]").get_attribute("aria-pressed") == "true"


def test_script_in_titles_cues_and_passages_is_shown_as_text(page, base_url, outputs, snap):
    index = read_index(outputs / EVIL_SLUG)
    session = index["sessions"][0]
    first_cue = segments(outputs / EVIL_SLUG, session["slug"], "en")[0]["recording_start"]
    page.goto(f"{base_url}/")
    snap(page, "events")
    assert f"Session {EVIL} title" in page.inner_text("main")
    assert f"Evil event {EVIL}" in page.inner_text("main")

    page.goto(f"{base_url}/e/{EVIL_SLUG}/{session['slug']}?lang=en#t={tsec(first_cue + 0.5)}")
    wait_for_metadata(page)
    assert page.inner_text("h1") == f"Session {EVIL} title"
    assert f"Speaker {EVIL}" in page.inner_text(".speakers")
    assert page.locator("#transcript-en li.passage .text").first.inner_text() == (
        f"Passage {EVIL} zebrafish"
    )
    assert f"{session['index']}. Session {EVIL} title" in page.inner_text("nav.chapters")
    # the cue (a WebVTT cue, rendered by the browser's own cue parser) holds it as text
    page.wait_for_function(SHOWN_CUE_JS)
    assert EVIL in page.evaluate(SHOWN_CUE_JS)["text"]
    assert page.evaluate("document.scripts.length") == 1  # replay.js only
    assert page.evaluate("typeof window.alert") == "function"
    snap(page, "replay")

    page.goto(f"{base_url}/search?q=zebrafish")
    assert f"Passage {EVIL} zebrafish" in page.inner_text(".results")
    assert page.locator(".results mark").inner_text() == "zebrafish"


def test_the_static_site_works_from_a_plain_web_server(page, outputs, event_dir, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(event_dir, site / event_dir.name)
    export_site(site)
    with static_server(site) as base:
        index = read_index(event_dir)
        session = index["sessions"][1]
        seg = segments(event_dir, session["slug"], session["language"])[2]
        page.goto(f"{base}/replay.html")
        page.click(f"a.replay-link[href$='{session['slug']}/replay.html']")
        # The page may already have added ?lang= to its address (history.replaceState),
        # so match the path, not the whole address.
        page.wait_for_url(
            lambda url: urllib.parse.urlsplit(url).path.endswith(f"/{session['slug']}/replay.html"),
            wait_until="domcontentloaded",
        )
        # A fragment change is a same-document navigation: wait for its commit, not for
        # a load event the still-buffering audio may hold back on a busy machine (this
        # timed out at 20 s in CI, twice in eight runs).
        page.goto(
            page.url.split("#")[0] + f"#t={tsec(seg['recording_start'])}", wait_until="commit"
        )
        page.reload(wait_until="domcontentloaded")
        wait_for_metadata(page)
        tracks = page.evaluate(TRACKS_JS)
        assert [t["language"] for t in tracks if t["kind"] == "subtitles"] == (
            index["event"]["languages"]
        )
        wait_for_time(page, seg["recording_start"], 0.5)
        wait_for_current(page, seg["recording_start"])
        # the search box searches this event's passages, in the browser
        page.fill("form.quicksearch input[name=q]", "certificat")
        page.press("form.quicksearch input[name=q]", "Enter")
        page.wait_for_url(f"{base}/{event_dir.name}/search.html?q=certificat")
        assert page.locator("#results a.hit").count() >= 1
        # done with the media before its server stops: a range request cut off by the
        # stop is a console error (ERR_CONNECTION_RESET), which fails the page fixture
        page.goto("about:blank")


def test_the_static_site_opened_from_disk_shows_its_subtitles(page, event_dir, tmp_path):
    """`file://`: Chromium reads no text track beside the page there, so the site
    carries them inside the page; the cue of the moment shows."""
    site = tmp_path / "site"
    shutil.copytree(event_dir, site / event_dir.name, ignore=shutil.ignore_patterns(".cache"))
    export_site(site)
    index = read_index(event_dir)
    session = index["sessions"][1]
    seg = segments(event_dir, session["slug"], session["language"])[1]
    page_file = site / event_dir.name / session["slug"] / "replay.html"
    page.goto(f"{page_file.as_uri()}#t={tsec(seg['recording_start'] + 0.5)}")
    wait_for_metadata(page)
    page.wait_for_function(
        """() => [...document.getElementById('player').textTracks].some(
            t => t.kind === 'subtitles' && t.mode === 'showing' && t.cues && t.cues.length)"""
    )
    page.wait_for_function(SHOWN_CUE_JS)
    shown = page.evaluate(SHOWN_CUE_JS)
    assert shown["language"] == session["language"]
    assert " ".join(shown["text"].split()) in " ".join(seg["text"].split())


def test_a_transcript_page_served_as_a_file_seeks_its_audio_under_the_strict_policy(
    page, base_url, event_dir
):
    """The HTML transcript's script is transcript.js, its one <style> allowed by hash:
    under FILE_CSP (no 'unsafe-inline') it is styled, it seeks, and nothing is refused
    (a refusal is a console error, which fails the test)."""
    from track_builders import make_event, original_track

    from pipeline.writers import write_session_track

    folder = event_dir / "99-transcript"
    write_session_track(
        original_track(), make_event(), folder, formats=["html"], audio="session.m4a"
    )
    media = next(iter(read_index(event_dir)["recordings"].values()))["media"]
    shutil.copy(event_dir / media, folder / "session.m4a")
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # not ours
    response = page.goto(f"{base_url}/files/{event_dir.name}/99-transcript/en.html")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    # styled: the stamps are monospace, as the page's <style> says
    font = page.evaluate("getComputedStyle(document.querySelector('a.ts')).fontFamily")
    assert "monospace" in font
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    page.evaluate("document.getElementById('player').muted = true")
    last = page.locator("a.ts").last
    seconds = float(last.get_attribute("href").removeprefix("#t="))
    assert seconds > 0
    last.click()
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('player').currentTime - {seconds}) < 0.5"
    )


def test_an_audio_only_replay_shows_each_cue_in_its_caption_area(page, outputs, event_dir,
                                                                  tmp_path):  # fmt: skip
    """Without the published recording a session plays its own audio, and an audio
    player draws no subtitles: the page shows the cue, as text, and follows the
    language switch."""
    import json
    import subprocess

    site = tmp_path / "outputs"
    shutil.copytree(event_dir, site / event_dir.name, ignore=shutil.ignore_patterns(".cache"))
    folder = site / event_dir.name
    index = read_index(folder)
    media = folder / next(iter(index["recordings"].values()))["media"]
    session = index["sessions"][1]
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-ss", str(session["start"]), "-t",
         str(session["end"] - session["start"]), "-i", str(media), "-vn", "-c:a", "aac",
         str(folder / session["slug"] / "session.m4a")],
        check=True,
    )  # fmt: skip
    index["recordings"] = {}
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    server = make_web_server(create_app(site), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        seg = segments(folder, session["slug"], session["language"])[1]
        base = f"http://127.0.0.1:{server.port}"
        page.goto(replay(base, folder, session, t=seg["recording_start"] + 0.3))
        assert page.locator("audio#player").count() == 1
        wait_for_metadata(page)
        caption = page.locator("#captions")
        page.wait_for_function(
            "() => document.getElementById('captions').textContent.trim() !== ''"
        )
        shown = " ".join(caption.inner_text().split())
        assert shown and shown in " ".join(seg["text"].split())
        assert caption.get_attribute("lang") == session["language"]
        other = next(code for code in index["event"]["languages"] if code != session["language"])
        page.click(f".langs button[data-lang='{other}']")
        page.wait_for_function(
            "lang => document.getElementById('captions').lang === lang", arg=other
        )
        assert page.locator(".downloads a").first.get_attribute("href").endswith("session.m4a")
        page.goto("about:blank")  # done with the audio before its server stops
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
