"""`webconf serve`: pages, files, escaping, search and concurrency (Flask app, real server)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from web_helpers import (
    EVIL,
    EVIL_SLUG,
    add_evil_event,
    parse_html,
    read_index,
    segments,
    tsec,
)

from pipeline.cli import main
from pipeline.web import app as web_app
from pipeline.web.app import create_app, make_web_server
from pipeline.web.render import highlight

ESCAPED_EVIL = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def client(outputs):
    return create_app(outputs).test_client()


def get_page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    return parse_html(response.text)


def replay_url(event_dir: Path, session: dict) -> str:
    return f"/e/{event_dir.name}/{session['slug']}"


def spoken_words(event_dir: Path, session: dict) -> tuple[str, dict]:
    """A distinctive word of the session's first original passage, and that passage."""
    seg = segments(event_dir, session["slug"], session["language"])[0]
    words = sorted(re.findall(r"\w{6,}", seg["text"]), key=len, reverse=True)
    return words[0], seg


# -- events page and replay page ----------------------------------------------------------


def test_index_lists_every_event_and_session_with_replay_links(client, event_dir):
    index = read_index(event_dir)
    page = get_page(client, "/")
    links = {a.attrs["href"]: a.text for a in page.find_all("a", "replay-link")}
    for session in index["sessions"]:
        assert links[replay_url(event_dir, session)] == session["title"]
    assert index["event"]["title"] in page.find("h2").text
    assert page.find("h2").find("a").attrs["href"] == f"/e/{event_dir.name}"


def test_replay_page_plays_the_recording_with_a_track_per_language(client, event_dir):
    index = read_index(event_dir)
    session = index["sessions"][1]
    recording = index["recordings"][session["recording"]]
    page = get_page(client, replay_url(event_dir, session))
    video = page.find("video", id="player")
    files = f"/files/{event_dir.name}"
    sources = video.find_all("source")
    assert [s.attrs["src"] for s in sources] == [
        f"{files}/{recording['media']}#t={tsec(session['start'])}"
    ]
    assert sources[0].attrs["type"] == "video/mp4"
    tracks = video.find_all("track", kind="subtitles")
    assert {t.attrs["srclang"]: t.attrs["src"] for t in tracks} == {
        lang: f"{files}/{name}" for lang, name in recording["tracks"].items()
    }
    assert [t.attrs["label"] for t in tracks] == ["English", "Français", "Español"]
    (chapters,) = video.find_all("track", kind="chapters")
    assert chapters.attrs["src"] == f"{files}/{recording['chapters']}"
    # the spoken language is shown by default
    assert [t.attrs["srclang"] for t in tracks if "default" in t.attrs] == [session["language"]]
    for track in [*tracks, chapters]:
        response = client.get(track.attrs["src"])
        assert response.status_code == 200
        assert response.mimetype == "text/vtt"
        assert response.data.startswith(b"WEBVTT")
    root = page.find("article", id="replay")
    assert root.attrs["data-start"] == tsec(session["start"])
    assert root.attrs["data-end"] == tsec(session["end"])
    assert root.attrs["data-offset"] == "0"
    assert page.find("script").attrs["src"] == "/static/replay.js"
    assert client.get("/static/replay.js").status_code == 200


def test_transcript_panel_lists_the_sessions_passages_in_recording_time(client, event_dir):
    index = read_index(event_dir)
    session = index["sessions"][1]
    page = get_page(client, replay_url(event_dir, session))
    for lang in index["event"]["languages"]:
        panel = page.find("section", "transcript", data_lang=lang)
        assert ("hidden" in panel.attrs) == (lang != session["language"])
        items = panel.find_all("li", "passage")
        segs = segments(event_dir, session["slug"], lang)
        assert len(items) == len(segs) > 0
        for item, seg in zip(items, segs, strict=True):
            assert item.attrs["data-start"] == tsec(seg["recording_start"])
            assert item.attrs["data-end"] == tsec(seg["recording_end"])
            assert item.find("span", "text").text == seg["text"]
            assert item.find("a", "stamp").attrs["href"] == f"#t={tsec(seg['recording_start'])}"
            translated = seg["source_language"] != seg["language"]
            assert ("mt" in item.classes) == translated
            assert bool(item.find_all("span", "mt")) == translated
            if translated:
                assert item.find("span", "mt").text == "translated"
        assert session["languages"][lang]["provenance"] == panel.find("p", "provenance").text


def test_low_confidence_reviewed_and_overlapping_passages_are_marked(client, event_dir):
    session = read_index(event_dir)["sessions"][0]
    path = event_dir / session["slug"] / "en.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["segments"][0]["low_confidence"] = True
    data["segments"][1]["reviewed"] = True
    data["segments"][1]["low_confidence"] = False
    data["segments"][2]["overlap"] = True
    path.write_text(json.dumps(data), encoding="utf-8")
    page = get_page(client, replay_url(event_dir, session) + "?lang=en")
    items = page.find("section", "transcript", data_lang="en").find_all("li", "passage")
    assert "low" in items[0].classes and items[0].find("span", "low").text == "uncertain"
    assert "reviewed" in items[1].classes and items[1].find("span", "ok").text == "reviewed"
    assert items[2].find("span", "overlap").text == "overlapping speech"
    assert [bool(i.find_all("span", "overlap")) for i in items].count(True) == 1


def test_lang_parameter_picks_the_language_shown(client, event_dir):
    session = read_index(event_dir)["sessions"][0]
    page = get_page(client, replay_url(event_dir, session) + "?lang=fr")
    assert page.find("article", id="replay").attrs["data-lang"] == "fr"
    assert "hidden" not in page.find("section", "transcript", data_lang="fr").attrs
    assert "hidden" in page.find("section", "transcript", data_lang="en").attrs
    pressed = [b.attrs["data-lang"] for b in page.find_all("button", aria_pressed="true")]
    assert pressed == ["fr"]
    assert "default" in page.find("track", srclang="fr").attrs
    # an unknown language falls back to the one spoken
    page = get_page(client, replay_url(event_dir, session) + "?lang=xx")
    assert page.find("article", id="replay").attrs["data-lang"] == session["language"]


def test_audio_only_recording_plays_in_an_audio_element(outputs, event_dir):
    index = read_index(event_dir)
    name = next(iter(index["recordings"]))
    media = event_dir / index["recordings"][name]["media"]
    shutil.copy(media, media.with_suffix(".m4a"))
    index["recordings"][name]["media"] = f"media/{media.with_suffix('.m4a').name}"
    (event_dir / "index.json").write_text(json.dumps(index), encoding="utf-8")
    page = get_page(create_app(outputs).test_client(), replay_url(event_dir, index["sessions"][0]))
    assert not page.find_all("video")
    audio = page.find("audio", id="player")
    assert audio.find("source").attrs["type"] == "audio/mp4"
    assert len(audio.find_all("track", kind="subtitles")) == len(index["event"]["languages"])


def test_a_webm_copy_beside_the_recording_is_offered_first(client, event_dir):
    index = read_index(event_dir)
    media = event_dir / next(iter(index["recordings"].values()))["media"]
    media.with_suffix(".webm").write_bytes(b"not really webm")
    page = get_page(client, replay_url(event_dir, index["sessions"][0]))
    types = [s.attrs.get("type") for s in page.find("video").find_all("source")]
    assert types == ["video/webm", "video/mp4"]


def test_without_the_recording_the_session_audio_plays_with_session_tracks(outputs, event_dir):
    index = read_index(event_dir)
    index["recordings"] = {}
    (event_dir / "index.json").write_text(json.dumps(index), encoding="utf-8")
    session = index["sessions"][1]
    if not (event_dir / session["slug"] / "session.m4a").is_file():
        (event_dir / session["slug"] / "session.m4a").write_bytes(b"audio")
    page = get_page(create_app(outputs).test_client(), replay_url(event_dir, session))
    audio = page.find("audio", id="player")
    base = f"/files/{event_dir.name}/{session['slug']}"
    assert audio.find("source").attrs["src"] == f"{base}/session.m4a#t=0"
    assert {t.attrs["src"] for t in audio.find_all("track")} == {
        f"{base}/{lang}.vtt" for lang in index["event"]["languages"]
    }
    # #t= stays recording time: the page knows where the session audio starts
    assert page.find("article", id="replay").attrs["data-offset"] == tsec(session["start"])
    assert "not published" in page.find("p", "note").text


@pytest.mark.parametrize(
    "url",
    [
        "/e/nope/01-x",
        "/e/{event}/nope",
        "/e/..%2f..%2fetc/passwd",
        "/e/{event}/..",
        "/e/.cache/x",
    ],
)
def test_unknown_event_or_session_is_a_404_page(client, event_dir, url):
    response = client.get(url.format(event=event_dir.name))
    assert response.status_code == 404
    assert "Not Found" in response.text


def test_a_broken_event_index_does_not_break_the_others(outputs, event_dir):
    broken = outputs / "2020-01-01-broken"
    broken.mkdir()
    (broken / "index.json").write_text("{not json", encoding="utf-8")
    client = create_app(outputs).test_client()
    page = get_page(client, "/")
    assert page.find_all("a", "replay-link")
    response = client.get("/e/2020-01-01-broken/01-x")
    assert response.status_code == 404
    assert "cannot read the event index" in response.text


@pytest.mark.parametrize(
    ("edit", "place"),
    [
        (lambda index: index["sessions"][0].update(start="abc"), "sessions[0].start"),
        (lambda index: index.update(sessions=5), "sessions"),
        (lambda index: index["sessions"][1].update(slug="../../etc"), "sessions[1].slug"),
        (lambda index: index.update(format=99), "format"),
    ],
    ids=["string start", "sessions a number", "slug climbing out", "unknown format"],
)
def test_a_hand_edited_index_leaves_the_other_events_served(
    outputs, event_dir, caplog, edit, place
):
    edited = outputs / "2020-01-01-hand-edited"
    shutil.copytree(event_dir, edited)
    index = read_index(edited)
    edit(index)
    (edited / "index.json").write_text(json.dumps(index), encoding="utf-8")
    client = create_app(outputs).test_client()
    assert "hand-edited" in caplog.text and place in caplog.text  # logged, not raised
    page = get_page(client, "/")
    hrefs = {a.attrs["href"] for a in page.find_all("a", "replay-link")}
    sessions = read_index(event_dir)["sessions"]
    assert hrefs == {replay_url(event_dir, s) for s in sessions}
    for session in sessions:
        get_page(client, replay_url(event_dir, session))
    word, _ = spoken_words(event_dir, sessions[0])
    search = get_page(client, "/search?" + urllib.parse.urlencode({"q": word}))
    assert search.find_all("li", "result")  # the archive skipped the edited event only
    response = client.get(f"/e/{edited.name}/{sessions[0]['slug']}")
    assert response.status_code == 404
    message = parse_html(response.text).find("p", "error").text
    assert message.startswith(f"cannot read the event index: {edited.name}/index.json: {place}:")
    assert str(outputs) not in response.text  # no server paths on a page


def test_a_broken_transcript_shows_as_empty_and_the_page_still_serves(client, event_dir, caplog):
    session = read_index(event_dir)["sessions"][0]
    path = event_dir / session["slug"] / "fr.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["segments"][0]["recording_start"] = "soon"
    path.write_text(json.dumps(data), encoding="utf-8")
    page = get_page(client, replay_url(event_dir, session) + "?lang=fr")
    panel = page.find("section", "transcript", data_lang="fr")
    assert not panel.find_all("li", "passage")
    assert panel.find("p", "empty").text == "No transcript in this language."
    assert page.find("section", "transcript", data_lang="en").find_all("li", "passage")
    assert "fr.json: segments[0].recording_start: expected a number of seconds" in caplog.text


def test_passages_are_marked_by_their_origin(client, event_dir):
    session = read_index(event_dir)["sessions"][0]
    path = event_dir / session["slug"] / "fr.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    origins = ["person", "interpretation", "speech-translation"]
    for seg, origin in zip(data["segments"], origins, strict=True):
        seg["origin"] = origin
    path.write_text(json.dumps(data), encoding="utf-8")
    page = get_page(client, replay_url(event_dir, session) + "?lang=fr")
    items = page.find("section", "transcript", data_lang="fr").find_all("li", "passage")
    assert [li.attrs["data-origin"] for li in items] == origins
    person, interpreted, speech = (li.find("span", "badge") for li in items)
    assert "person" in items[0].classes and person.text == "by a person"
    assert person.attrs["title"].startswith("Written by a person")
    assert "interp" in items[1].classes and interpreted.text == "interpreted"
    assert "mt" in items[2].classes and speech.text == "translated"
    assert speech.attrs["title"].startswith("Speech translation from English")
    legend = page.find("p", "legend").text
    assert "written by a person" in legend and "interpreter" in legend


# -- files ---------------------------------------------------------------------------------


def test_files_are_served_with_ranges_for_seeking(client, event_dir):
    index = read_index(event_dir)
    media = next(iter(index["recordings"].values()))["media"]
    url = f"/files/{event_dir.name}/{media}"
    response = client.get(url, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.data == (event_dir / media).read_bytes()[100:200]
    assert response.mimetype == "video/mp4"


@pytest.fixture
def secret(tmp_path, outputs, event_dir) -> bytes:
    """A file beside the outputs folder, and ways to reach it that must all fail."""
    data = b"TOP-SECRET-" + os.urandom(8).hex().encode()
    (tmp_path / "secret.txt").write_bytes(data)
    (outputs / "link-out.txt").symlink_to(tmp_path / "secret.txt")
    (outputs / "dir-out").symlink_to(tmp_path, target_is_directory=True)
    (event_dir / ".cache").mkdir(exist_ok=True)
    (event_dir / ".cache" / "hidden.json").write_bytes(data)
    (outputs / "archive.sqlite-wal").write_bytes(data)
    return data


TRAVERSALS = [
    "/files/../secret.txt",
    "/files/%2e%2e/secret.txt",
    "/files/%2E%2E%2Fsecret.txt",
    "/files/%2e%2e%2fsecret.txt",
    "/files/{event}/../../secret.txt",
    "/files/{event}/%2e%2e/%2e%2e/secret.txt",
    "/files/{event}/..%2f..%2fsecret.txt",
    "/files/..%5csecret.txt",
    "/files/{tmp}/secret.txt",
    "/files//{tmp}/secret.txt",
    "/files/%2f{tmp}/secret.txt",
    "/files/link-out.txt",
    "/files/dir-out/secret.txt",
    "/files/{event}/.cache/hidden.json",
    "/files/archive.sqlite",
    "/files/archive.sqlite-wal",
    "/files/{event}",
    "/files/{event}/",
    "/files/%00",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_files_outside_the_outputs_folder_are_never_served(
    client, event_dir, tmp_path, secret, url
):
    url = url.format(event=event_dir.name, tmp=str(tmp_path).lstrip("/"))
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 404
    assert secret not in response.data


def test_a_symlink_that_stays_inside_the_outputs_is_served(client, outputs, event_dir):
    (outputs / "inside.vtt").symlink_to(next(event_dir.glob("*.en.vtt")))
    response = client.get("/files/inside.vtt")
    assert response.status_code == 200 and response.data.startswith(b"WEBVTT")


# -- escaping and headers ----------------------------------------------------------------


def test_user_supplied_text_is_escaped_on_every_page(outputs, event_dir):
    add_evil_event(outputs, event_dir)
    client = create_app(outputs).test_client()
    session = read_index(outputs / EVIL_SLUG)["sessions"][0]
    urls = [
        "/",
        f"/e/{EVIL_SLUG}/{session['slug']}?lang=en",
        "/search?q=zebrafish",
        "/search?q=alert",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script>alert" not in response.text, url
        assert ESCAPED_EVIL in response.text or "&lt;script&gt;<mark>alert</mark>" in response.text
        page = parse_html(response.text)
        assert [s.attrs.get("src") for s in page.find_all("script")] in ([], ["/static/replay.js"])
    replay = parse_html(client.get(urls[1]).text)
    assert f"Session {EVIL} title" in replay.find("h1").text
    passage = replay.find("section", "transcript", data_lang="en").find("span", "text")
    assert passage.text == f"Passage {EVIL} zebrafish"


def test_pages_carry_a_strict_content_security_policy(client, event_dir):
    session = read_index(event_dir)["sessions"][0]
    for url in ["/", replay_url(event_dir, session), "/search?q=the", "/e/x/y"]:
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        # nothing inline for the CSP to block: no inline script, handler or style
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)
        assert not re.search(r"\son[a-z]+\s*=", response.text)
        assert " style=" not in response.text and "<style" not in response.text


# -- search --------------------------------------------------------------------------------


def test_search_results_open_the_replay_at_the_passage(client, event_dir):
    session = read_index(event_dir)["sessions"][1]
    word, seg = spoken_words(event_dir, session)
    page = get_page(client, "/search?" + urllib.parse.urlencode({"q": word}))
    results = page.find_all("li", "result")
    assert results, f"no result for {word!r}"
    hrefs = [r.find("a", "hit").attrs["href"] for r in results]
    expected = (
        f"{replay_url(event_dir, session)}?lang={session['language']}"
        f"#t={tsec(seg['recording_start'])}"
    )
    assert expected in hrefs
    hit = results[hrefs.index(expected)]
    assert word.lower() in [m.text.lower() for m in hit.find_all("mark")]
    # the time in the link is a passage of the replay page it opens
    replay = get_page(client, expected.split("#")[0])
    starts = [li.attrs["data-start"] for li in replay.find_all("li", "passage")]
    assert expected.split("#t=")[1] in starts


def test_search_filters_by_language_and_event(client, event_dir):
    session = read_index(event_dir)["sessions"][1]
    word, _ = spoken_words(event_dir, session)
    page = get_page(client, f"/search?q={word}&lang={session['language']}&event={event_dir.name}")
    assert {r.attrs["lang"] for r in page.find_all("li", "result")} == {session["language"]}
    other = next(lang for lang in ("en", "fr", "es") if lang != session["language"])
    page = get_page(client, f"/search?q={word}&lang={other}")
    assert all(r.attrs["lang"] == other for r in page.find_all("li", "result"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": '"unbalanced'}, "unbalanced"),
        ({"q": "-only"}, "only excludes"),
        ({"q": "x" * 600}, "too long"),
        ({"q": "the", "lang": "de"}, "Unknown language"),
        ({"q": "the", "event": "../etc"}, "Unknown event"),
    ],
)
def test_a_bad_search_is_a_400_with_one_line(client, query, message):
    response = client.get("/search", query_string=query)
    assert response.status_code == 400
    error = parse_html(response.text).find("p", "error").text
    assert message in error and "\n" not in error


def test_an_empty_search_shows_the_form(client):
    page = get_page(client, "/search")
    assert page.find("form", "search") and not page.find_all("li", "result")


def test_without_the_archive_search_says_so_and_replays_still_work(outputs, event_dir, monkeypatch):
    monkeypatch.setattr(web_app, "archive_module", lambda: None)
    client = create_app(outputs).test_client()
    response = client.get("/search?q=anything")
    assert response.status_code == 503
    assert "not available" in response.text
    assert (
        client.get(replay_url(event_dir, read_index(event_dir)["sessions"][0])).status_code == 200
    )


def test_search_results_word_each_version_by_its_origin(outputs, event_dir):
    session = read_index(event_dir)["sessions"][0]  # spoken in English
    path = event_dir / session["slug"] / "es.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["segments"][0]["origin"] = "interpretation"
    path.write_text(json.dumps(data), encoding="utf-8")
    client = create_app(outputs).test_client()
    page = get_page(client, "/search?q=marfil&lang=es")
    (result,) = page.find_all("li", "result")
    assert result.find("span", "badge").text == "Spanish, interpreted"
    page = get_page(client, "/search?q=ivory&lang=en")
    (result,) = page.find_all("li", "result")
    lines = {p.attrs["lang"]: p.text for p in result.find_all("p", "translation")}
    assert lines["es"].startswith("Spanish (interpretation): ")
    assert lines["fr"].startswith("French (machine translation): ")


def test_highlight_escapes_and_balances_marks():
    assert str(highlight("a \x02<b>\x03 c")) == "a <mark>&lt;b&gt;</mark> c"
    assert str(highlight("\x03x\x02y")) == "x<mark>y</mark>"
    assert str(highlight("\x02\x02x\x03\x03")) == "<mark>x</mark>"
    assert str(highlight("a\x00\x1bb")) == "ab"


# -- the real server -------------------------------------------------------------------------


@pytest.fixture
def live_server(outputs):
    server = make_web_server(create_app(outputs), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}", server
    server.shutdown()
    server.server_close()
    thread.join(10)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code


def test_100_concurrent_searches_on_loopback(live_server, event_dir):
    base, _ = live_server
    session = read_index(event_dir)["sessions"][0]
    word, _ = spoken_words(event_dir, session)
    queries = [word, f"{word[:4]}*", '"unbalanced', "the OR la", "zzzz", "-nope", word.upper()]
    urls = [
        f"{base}/search?" + urllib.parse.urlencode({"q": queries[i % len(queries)]})
        for i in range(100)
    ]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(_status, urls))
    elapsed = time.monotonic() - started
    assert len(statuses) == 100
    assert set(statuses) <= {200, 400}, statuses
    bad = sum(1 for i in range(100) if queries[i % len(queries)] in ('"unbalanced', "-nope"))
    assert statuses.count(400) == bad
    assert elapsed < 60, f"100 searches took {elapsed:.1f} s"


def test_raw_http_paths_cannot_leave_the_outputs_folder(live_server, event_dir, tmp_path, secret):
    base, server = live_server
    paths = [p.format(event=event_dir.name, tmp=str(tmp_path).lstrip("/")) for p in TRAVERSALS]
    paths += ["/files/../../../../etc/passwd", "/files/./../secret.txt", "/static/../app.py"]
    for path in paths:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.putrequest("GET", path, skip_accept_encoding=True)  # sent exactly as written
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status in (404, 308), (path, response.status)
        assert secret not in body and b"root:" not in body and b"create_app" not in body, path


def test_serve_binds_to_loopback_and_prints_its_url(outputs):
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", str(outputs), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:(\d+)/) ", line)
        assert match, line + proc.stderr.read() if proc.poll() is not None else line
        with urllib.request.urlopen(match.group(1), timeout=30) as response:
            assert response.status == 200
            assert b"replay-link" in response.read()
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_errors_are_one_line_and_exit_2(tmp_path, outputs, capsys):
    assert main(["serve", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("webconf: error: ") and err.count("\n") == 1 and "missing" in err
    server = make_web_server(create_app(outputs), "127.0.0.1", 0)
    try:
        assert main(["serve", str(outputs), "--port", str(server.port)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("webconf: error: cannot listen on 127.0.0.1:")
        assert err.count("\n") == 1
    finally:
        server.server_close()


def test_serve_defaults_to_loopback_port_8000():
    from pipeline.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.outputs, args.host, args.port) == ("outputs", "127.0.0.1", 8000)


def test_a_search_result_shows_the_original_and_every_translation(client):
    """Cross-language: a hit in one language brings what was said and its translations."""
    page = client.get("/search?q=ivoire&lang=fr")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="original" lang="en"' in html
    assert 'class="translation" lang="es"' in html


def test_the_replay_page_shows_the_sessions_links_and_the_event_description(outputs, event_dir):
    index = read_index(event_dir)
    index["event"]["description"] = "Telework <today>."
    index["sessions"][0]["links"] = ["https://example.org/slides.pdf", "javascript:alert(1)"]
    (event_dir / "index.json").write_text(json.dumps(index), encoding="utf-8")
    response = create_app(outputs).test_client().get(replay_url(event_dir, index["sessions"][0]))
    assert response.status_code == 200
    assert "Telework &lt;today&gt;." in response.text
    assert '<a href="https://example.org/slides.pdf" rel="noopener noreferrer">' in response.text
    assert "javascript:" not in response.text  # a tampered index.json links nowhere
