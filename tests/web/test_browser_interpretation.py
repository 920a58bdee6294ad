"""The replay page plays the interpreter's audio, in a real browser (headless Chromium).

The event is written by the pipeline's own writers around tones
(tests/outputs/interpreted_outputs.py): the floor at 440 Hz in the recording, the
Spanish interpreter at 660 Hz and then 990 Hz from 10 s of recording time (its file
starts 2 s in), the English interpreter at 1320 Hz. The test routes the page's two
media elements, the player (#player, the floor) and the interpreter (#interpreter),
through Web Audio analysers: a muted or paused element is silent there, so the pitch
each one gives is what the viewer hears from it. Session 1 (0-12 s) is spoken in
English, its Spanish text mostly the interpreter's; session 2 (12-24 s) is spoken in
French, its English text the interpreter's, its Spanish machine translation.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from interpreted_outputs import EN_HZ, ES_HZ, FLOOR_HZ, build_interpreted_event
from static_server import static_server

from pipeline.web.app import create_app, make_web_server
from pipeline.web.site import export_site

pytestmark = pytest.mark.browser

SESSION_1, SESSION_2 = "01-budget-and-ivory-rules", "02-le-vote"
SILENT = 0

# Route both media elements through analysers; window.__heard() gives, per element,
# the loudest frequency and its level (what that element makes the viewer hear).
LISTEN_JS = """() => {
    const ctx = new AudioContext();
    const analysers = {};
    for (const id of ['player', 'interpreter']) {
        const source = ctx.createMediaElementSource(document.getElementById(id));
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 8192;
        analyser.smoothingTimeConstant = 0;
        source.connect(analyser);
        analyser.connect(ctx.destination);
        analysers[id] = analyser;
    }
    window.__heard = () => {
        const heard = {};
        for (const [id, analyser] of Object.entries(analysers)) {
            const bins = new Float32Array(analyser.frequencyBinCount);
            analyser.getFloatFrequencyData(bins);
            let best = 0;
            for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
            const loud = bins[best] > -70;
            heard[id] = loud ? Math.round(best * ctx.sampleRate / analyser.fftSize) : 0;
        }
        return heard;
    };
    return ctx.state;
}"""
# true when the player and the interpreter sound at these pitches (0: silent)
HEARS_JS = """([player, interpreter]) => {
    const heard = window.__heard();
    const near = (hz, want) => want === 0 ? hz === 0 : Math.abs(hz - want) < 15;
    return near(heard.player, player) && near(heard.interpreter, interpreter);
}"""
STATE_JS = """() => {
    const player = document.getElementById('player');
    const interp = document.getElementById('interpreter');
    const root = document.getElementById('replay');
    return {
        choice: document.getElementById('audio-choice').value,
        playing: root.getAttribute('data-audio-playing'),
        player_muted: player.muted,
        player_time: player.currentTime,
        interp_paused: interp.paused,
        interp_time: interp.currentTime,
        interp_src: interp.getAttribute('src'),
        heard: window.__heard ? window.__heard() : null,
    };
}"""
# the interpreter plays at the player's session-relative time (within 0.3 s)
IN_STEP_JS = """(start) => {
    const player = document.getElementById('player');
    const interp = document.getElementById('interpreter');
    return !interp.paused && interp.readyState >= 2 && !player.paused
        && Math.abs(interp.currentTime - (player.currentTime - start)) < 0.3;
}"""


@pytest.fixture(scope="module")
def interpreted(tmp_path_factory) -> Path:
    """The outputs folder holding the interpreted event ("files" layout)."""
    built = build_interpreted_event(tmp_path_factory.mktemp("interpreted"), "files")
    return built.event_dir


@pytest.fixture(scope="module")
def base_url(interpreted):
    server = make_web_server(create_app(interpreted.parent), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()
    thread.join(10)


def open_replay(page, base: str, session: str, query: str = "") -> None:
    page.goto(f"{base}/{session}{query}")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    assert page.evaluate(LISTEN_JS) == "running"


def hears(page, player: int, interpreter: int) -> None:
    """Until the player and the interpreter sound like this (fails after the timeout)."""
    try:
        page.wait_for_function(HEARS_JS, arg=[player, interpreter])
    except Exception:
        print("state:", page.evaluate(STATE_JS))
        raise


def in_step(page, session_start: float) -> dict:
    try:
        page.wait_for_function(IN_STEP_JS, arg=session_start)
    except Exception:
        print("state:", page.evaluate(STATE_JS))
        raise
    return page.evaluate(STATE_JS)


def play_from(page, seconds: float) -> None:
    page.evaluate(
        """(t) => { const p = document.getElementById('player');
                    p.currentTime = t; p.play(); }""",
        seconds,
    )


def test_the_audio_follows_the_subtitle_language_and_stays_in_step(page, base_url, interpreted):
    open_replay(page, f"{base_url}/e/{interpreted.name}", SESSION_1)
    switch = page.locator("#audio-switch")
    assert switch.is_visible()
    assert page.locator("#audio-choice option").all_inner_texts() == [
        "floor (original speech)",
        "interpreter (English)",
        "interpreter (Español)",
    ]
    # English (spoken here): the floor, from the player
    play_from(page, 3)
    hears(page, FLOOR_HZ, SILENT)
    state = page.evaluate(STATE_JS)
    assert (state["choice"], state["player_muted"], state["interp_paused"]) == ("", False, True)

    # Spanish subtitles bring the Spanish interpreter: the floor is muted
    page.click(".langs button[data-lang=es]")
    hears(page, SILENT, ES_HZ[0])
    state = in_step(page, 0)
    assert state["choice"] == "es" and state["playing"] == "es"
    assert state["player_muted"] is True
    assert state["interp_src"].endswith(f"/{SESSION_1}/session.es.m4a")
    assert "lang=es" in page.url and "audio=" not in page.url

    # a seek keeps both in step: past 10 s the interpreter's tone is the later one
    page.evaluate("document.getElementById('player').currentTime = 10.4")
    hears(page, SILENT, ES_HZ[1])
    state = in_step(page, 0)
    assert state["player_time"] == pytest.approx(10.4, abs=1)

    # pausing pauses both; a seek while paused puts the interpreter there too
    page.evaluate("document.getElementById('player').pause()")
    page.wait_for_function("() => document.getElementById('interpreter').paused")
    page.evaluate("document.getElementById('player').currentTime = 5")
    page.wait_for_function(
        "() => Math.abs(document.getElementById('interpreter').currentTime - 5) < 0.1"
    )
    hears(page, SILENT, SILENT)
    # a click on a transcript line seeks and plays: both again, in step
    page.locator("#transcript-es li.passage").nth(1).locator(".text").click()
    hears(page, SILENT, ES_HZ[0])
    assert in_step(page, 0)["player_time"] == pytest.approx(5, abs=1)

    # back to English: the floor again, the interpreter stops
    page.click(".langs button[data-lang=en]")
    hears(page, FLOOR_HZ, SILENT)
    state = page.evaluate(STATE_JS)
    assert (state["choice"], state["player_muted"], state["interp_paused"]) == ("", False, True)


def test_the_switch_chooses_another_audio_and_links_keep_the_choice(page, base_url, interpreted):
    base = f"{base_url}/e/{interpreted.name}"
    open_replay(page, base, SESSION_1, "?lang=es")
    play_from(page, 4)
    hears(page, SILENT, ES_HZ[0])
    # the viewer prefers the floor under Spanish subtitles
    page.select_option("#audio-choice", "")
    hears(page, FLOOR_HZ, SILENT)
    assert "audio=floor" in page.url and "lang=es" in page.url
    # ... or the English interpreter
    page.select_option("#audio-choice", "en")
    hears(page, SILENT, EN_HZ)
    in_step(page, 0)
    # unmuting the player while an interpreter plays goes back to the floor
    page.evaluate("document.getElementById('player').muted = false")
    hears(page, FLOOR_HZ, SILENT)
    assert page.evaluate(STATE_JS)["choice"] == ""

    # a chapter jump keeps the language and the audio chosen
    page.select_option("#audio-choice", "en")
    link = page.locator(f".chapters li[data-slug='{SESSION_2}'] a")
    assert link.get_attribute("href") == f"/e/{interpreted.name}/{SESSION_2}?lang=es&audio=en"
    link.click()
    page.wait_for_url(f"**/{SESSION_2}?lang=es&audio=en")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    assert page.evaluate(LISTEN_JS) == "running"
    page.evaluate("document.getElementById('player').play()")
    hears(page, SILENT, EN_HZ)
    state = in_step(page, 12)
    assert state["player_time"] == pytest.approx(12, abs=1.5)
    assert state["interp_src"].endswith(f"/{SESSION_2}/session.en.m4a")
    page.evaluate("document.getElementById('player').currentTime = 17.5")
    page.wait_for_function("() => document.getElementById('player').currentTime > 17.6")
    assert in_step(page, 12)["interp_time"] == pytest.approx(5.5, abs=1)
    assert page.locator(".langs button[data-lang=es]").get_attribute("aria-pressed") == "true"


def test_the_default_follows_where_the_text_comes_from(page, base_url, interpreted):
    """Session 2's Spanish is machine translation: the floor, although a Spanish channel
    has audio there (offered in the switch); its English is the interpreter's."""
    base = f"{base_url}/e/{interpreted.name}"
    open_replay(page, base, SESSION_2, "?lang=es")
    play_from(page, 16)
    hears(page, FLOOR_HZ, SILENT)
    assert page.evaluate(STATE_JS)["choice"] == ""
    page.click(".langs button[data-lang=en]")
    hears(page, SILENT, EN_HZ)
    assert in_step(page, 12)["interp_time"] == pytest.approx(4, abs=1)
    origin = page.locator("#transcript-en p.origin").inner_text()
    assert origin == "English: interpretation (human interpreter, transcribed by Whisper)"
    origin = page.locator("#transcript-es p.origin").inner_text(timeout=1000)
    assert origin == "Spanish: machine translation (apertium)"


def test_across_a_session_boundary_the_interpreter_goes_on(page, base_url, interpreted):
    open_replay(page, f"{base_url}/e/{interpreted.name}", SESSION_1, "?lang=es")
    play_from(page, 11.3)
    page.wait_for_function("() => document.getElementById('player').currentTime > 13.2")
    hears(page, SILENT, ES_HZ[1])
    state = in_step(page, 12)
    assert state["interp_src"].endswith(f"/{SESSION_2}/session.es.m4a")
    page.wait_for_function("() => !document.getElementById('elsewhere').hidden")


def test_the_static_site_plays_the_interpreter_too(page, interpreted, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(interpreted, site / interpreted.name)
    export_site(site)
    with static_server(site) as url:
        base = f"{url}/{interpreted.name}"
        open_replay(page, base, f"{SESSION_1}/replay.html", "?lang=es#t=4")
        page.evaluate("document.getElementById('player').play()")
        hears(page, SILENT, ES_HZ[0])
        state = in_step(page, 0)
        assert state["interp_src"] == "session.es.m4a"
        href = page.locator(f".chapters li[data-slug='{SESSION_2}'] a").get_attribute("href")
        assert href == f"../{SESSION_2}/replay.html?lang=es"
