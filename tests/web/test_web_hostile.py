"""One broken or hostile event among good ones: it is skipped with one warning naming
it, the others still list, replay and search, and no page shows a server path.

The outputs hold the two archive events (tests/support/archive_events.py) and one more
event, a copy of the forum broken in one way per test.
"""

from __future__ import annotations

import json
import logging
import shutil
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from archive_events import FORUM, SPORT, write_two_events
from web_helpers import parse_html

from pipeline.web.app import create_app

BROKEN = "2026-03-01-broken"
GOOD_SESSIONS = {FORUM: ("01-le-teletravail", "02-ivory-rules"), SPORT: ("01-deporte",)}
# a word of each good event, and the session it is said in
GOOD_WORDS = {FORUM: ("ivoire", "02-ivory-rules"), SPORT: ("deporte", "01-deporte")}


def _index(event_dir: Path) -> dict:
    return json.loads((event_dir / "index.json").read_text(encoding="utf-8"))


def _write_index(event_dir: Path, text: str) -> None:
    (event_dir / "index.json").write_text(text, encoding="utf-8")


def _edit_index(edit: Callable[[dict], object]) -> Callable[[Path], None]:
    def apply(event_dir: Path) -> None:
        index = _index(event_dir)
        edit(index)
        _write_index(event_dir, json.dumps(index))

    return apply


def _edit_transcript(edit: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(event_dir: Path) -> None:
        path = event_dir / "01-le-teletravail" / "fr.json"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    return apply


def _first(index: dict) -> dict:
    return index["sessions"][0]


def _symlinked_transcript(event_dir: Path) -> None:
    """fr.json leads out of the outputs, to a file that is valid JSON."""
    path = event_dir / "01-le-teletravail" / "fr.json"
    outside = event_dir.parents[1] / "outside.json"
    shutil.move(path, outside)
    path.symlink_to(outside)


def _transcript_into_the_cache(event_dir: Path) -> None:
    """fr.json leads into the event's own stage cache."""
    path = event_dir / "01-le-teletravail" / "fr.json"
    cache = event_dir / ".cache"
    cache.mkdir()
    shutil.move(path, cache / "fr.json")
    path.symlink_to("../.cache/fr.json")


BREAKAGES = {
    "invalid JSON": lambda d: _write_index(d, '{"event": {"title": "x",'),
    "not UTF-8": lambda d: (d / "index.json").write_bytes(b'{"event": "\xff\xfe"}'),
    "a list, not an object": lambda d: _write_index(d, "[]"),
    "a number, not an object": lambda d: _write_index(d, "1e308"),
    "nested too deeply": lambda d: _write_index(d, "[" * 100_000 + "]" * 100_000),
    "a 5000-digit number": lambda d: _write_index(d, '{"format": ' + "9" * 5000 + "}"),
    "sessions an object": _edit_index(lambda i: i.update(sessions={"a": 1})),
    "a session a list": _edit_index(lambda i: i["sessions"].__setitem__(0, [])),
    "a slug with ../": _edit_index(lambda i: _first(i).update(slug=f"../{SPORT}")),
    "a slug ..": _edit_index(lambda i: _first(i).update(slug="..")),
    "an absolute slug": _edit_index(lambda i: _first(i).update(slug="/etc")),
    "a hidden slug": _edit_index(lambda i: _first(i).update(slug=".cache")),
    "a 5000-character slug": _edit_index(lambda i: _first(i).update(slug="x" * 5000)),
    "a lone surrogate in a slug": _edit_index(lambda i: _first(i).update(slug="a\ud800")),
    "a file path with ../": _edit_index(
        lambda i: _first(i)["languages"]["en"]["files"].update(vtt="../../etc/passwd")
    ),
    "an absolute file path": _edit_index(
        lambda i: _first(i)["languages"]["en"]["files"].update(json="/etc/passwd")
    ),
    "a 5000-character media path": _edit_index(
        lambda i: i.update(recordings={"talk.mp4": {"media": "media/" + "z" * 5000}})
    ),
    "a start of 1e308": _edit_index(lambda i: _first(i).update(start=1e308)),
    "a negative end": _edit_index(lambda i: _first(i).update(end=-1)),
    "a start of NaN": lambda d: _write_index(
        d, json.dumps(_index(d)).replace('"start": 0.0', '"start": NaN', 1)
    ),
    "an index of 10**30": _edit_index(lambda i: _first(i).update(index=10**30)),
    "a title that is a list": _edit_index(lambda i: i["event"].update(title=["x"])),
    "a truncated transcript": _edit_transcript(lambda text: text[: len(text) // 2]),
    "a transcript of the wrong shape": _edit_transcript(lambda text: '{"segments": {}}'),
    "a transcript time of 1e308": _edit_transcript(
        lambda text: text.replace('"recording_start": 10.0', '"recording_start": 1e308', 1)
    ),
    "a lone surrogate in a transcript": _edit_transcript(
        lambda text: text.replace("Le télétravail change", "Le t\\ud800l\\u00e9travail change", 1)
    ),
    "a transcript symlinked out": _symlinked_transcript,
    "a transcript symlinked into the cache": _transcript_into_the_cache,
}


@pytest.fixture
def outputs(tmp_path) -> Path:
    root = tmp_path / "outputs"
    root.mkdir()
    return write_two_events(root)


def _break(outputs: Path, how: str) -> Path:
    broken = outputs / BROKEN
    shutil.copytree(outputs / FORUM, broken)
    BREAKAGES[how](broken)
    return broken


def _warnings_naming(caplog, name: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and name in r.getMessage()
    ]


def _assert_no_server_path(outputs: Path, response) -> None:
    for root in {str(outputs), str(outputs.resolve()), str(outputs.parent)}:
        assert root not in response.text, response.request.path


@pytest.mark.parametrize("how", list(BREAKAGES))
def test_a_broken_event_is_skipped_and_the_others_list_replay_and_search(outputs, caplog, how):
    _break(outputs, how)
    caplog.set_level(logging.WARNING)
    client = create_app(outputs).test_client()  # builds the search archive
    assert len(_warnings_naming(caplog, BROKEN)) == 1, caplog.text  # one, naming it

    caplog.clear()
    response = client.get("/")
    assert response.status_code == 200
    _assert_no_server_path(outputs, response)
    assert len(_warnings_naming(caplog, BROKEN)) <= 1
    hrefs = {a.attrs["href"] for a in parse_html(response.text).find_all("a", "replay-link")}
    for event, sessions in GOOD_SESSIONS.items():
        for session in sessions:
            assert f"/e/{event}/{session}" in hrefs, (event, session)
            replay = client.get(f"/e/{event}/{session}")
            assert replay.status_code == 200, (event, session)
            _assert_no_server_path(outputs, replay)
            assert parse_html(replay.text).find_all("li", "passage")

    for event, (word, session) in GOOD_WORDS.items():
        search = client.get("/search?" + urllib.parse.urlencode({"q": word}))
        assert search.status_code == 200, search.text[:500]
        _assert_no_server_path(outputs, search)
        hits = [a.attrs["href"] for a in parse_html(search.text).find_all("a", "hit")]
        assert any(href.startswith(f"/e/{event}/{session}?") for href in hits), (word, hits)

    for session in GOOD_SESSIONS[FORUM]:  # the broken copy: a page saying so, or a replay
        response = client.get(f"/e/{BROKEN}/{session}")
        assert response.status_code in (200, 404)
        _assert_no_server_path(outputs, response)


def test_every_breakage_at_once_still_leaves_the_good_events(outputs, caplog):
    for n, how in enumerate(BREAKAGES):
        broken = outputs / f"2026-03-{n:02d}-broken"
        shutil.copytree(outputs / FORUM, broken)
        BREAKAGES[how](broken)
    caplog.set_level(logging.WARNING)
    client = create_app(outputs).test_client()
    response = client.get("/")
    assert response.status_code == 200
    hrefs = {a.attrs["href"] for a in parse_html(response.text).find_all("a", "replay-link")}
    assert {f"/e/{SPORT}/01-deporte", f"/e/{FORUM}/01-le-teletravail"} <= hrefs
    search = client.get("/search?q=deporte")
    assert search.status_code == 200
    assert parse_html(search.text).find_all("a", "hit")
    _assert_no_server_path(outputs, search)


def test_an_unusable_search_archive_says_so_without_a_server_path(outputs):
    (outputs / "archive.sqlite").write_bytes(b"this is not a database" * 100)
    client = create_app(outputs).test_client()
    search = client.get("/search?q=deporte")
    assert search.status_code == 503
    message = parse_html(search.text).find("p", "error").text
    assert "archive.sqlite" in message
    _assert_no_server_path(outputs, search)
    assert client.get(f"/e/{SPORT}/01-deporte").status_code == 200  # replays still work
