"""`webconf site`: the static replay pages, relative links only, same content as the server."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
from pipeline.web.app import create_app
from pipeline.web.site import export_site


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("replay.html"))


def links_of(page: Path) -> list[str]:
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    return [link for link in links if link != "data:,"]  # the empty favicon, inline


def test_export_writes_an_events_page_and_a_replay_page_per_session(outputs, event_dir):
    pipeline_index = (event_dir / "index.html").read_bytes()
    written = export_site(outputs)
    index = read_index(event_dir)
    expected = {
        *(
            top / name
            for top in (outputs, event_dir)
            for name in (
                "replay.html",
                "search.html",
                "replay-assets/replay.js",
                "replay-assets/replay.css",
                "replay-assets/search.js",
                "replay-assets/search-index.js",
            )
        ),
        *(event_dir / s["slug"] / "replay.html" for s in index["sessions"]),
    }
    assert set(written) == expected
    assert all(path.is_file() for path in expected)
    assert (event_dir / "index.html").read_bytes() == pipeline_index  # the pipeline's own page
    assert not list(outputs.rglob("*.tmp")), "temp files left behind"


def test_every_link_is_relative_and_resolves_inside_the_site(outputs):
    export_site(outputs)
    for page in pages(outputs):
        for link in links_of(page):
            if link.startswith("data:"):  # a text track inside the page (for file://)
                assert link.startswith("data:text/vtt;charset=utf-8;base64,"), (page, link)
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (page, link)
            assert not link.startswith("/"), (page, link)
            if not parts.path:
                continue  # "#t=..." or "?lang=..." on the page itself
            target = (page.parent / unquote(parts.path)).resolve()
            # the events page links down; an event's pages stay in its folder
            top = (
                outputs if page.parent == outputs else outputs / page.relative_to(outputs).parts[0]
            )
            assert target.is_relative_to(top.resolve()), (page, link)
            assert target.is_file(), (page, link)


def test_session_pages_show_what_the_server_shows(outputs, event_dir):
    export_site(outputs)
    client = create_app(outputs, build_archive=False).test_client()
    index = read_index(event_dir)
    for session in index["sessions"]:
        static = parse_html((event_dir / session["slug"] / "replay.html").read_text("utf-8"))
        served = parse_html(client.get(f"/e/{event_dir.name}/{session['slug']}").text)
        for page in (static, served):
            tracks = page.find("video").find_all("track", kind="subtitles")
            assert [t.attrs["srclang"] for t in tracks] == index["event"]["languages"]
            assert page.find_all("track", kind="chapters")
        for lang in index["event"]["languages"]:
            texts = [
                [(li.attrs["data-start"], li.find("span", "text").text) for li in items]
                for items in (
                    p.find("section", "transcript", data_lang=lang).find_all("li", "passage")
                    for p in (static, served)
                )
            ]
            assert texts[0] == texts[1]
            assert texts[0] == [
                (tsec(s["recording_start"]), s["text"])
                for s in segments(event_dir, session["slug"], lang)
            ]
        # the same player, its files linked relatively
        source = static.find("source").attrs["src"]
        media = next(iter(index["recordings"].values()))["media"]
        assert source == f"../{media}#t={tsec(session['start'])}"
        assert static.find("script").attrs["src"] == "../replay-assets/replay.js"
        # the search box goes to the event's own search page, which runs in the browser
        assert static.find("form", "quicksearch").attrs["action"] == "../search.html"
        csp = static.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_events_page_links_every_session(outputs, event_dir):
    export_site(outputs)
    top = parse_html((outputs / "replay.html").read_text("utf-8"))
    hrefs = {a.attrs["href"] for a in top.find_all("a", "replay-link")}
    assert hrefs == {
        f"{event_dir.name}/{s['slug']}/replay.html" for s in read_index(event_dir)["sessions"]
    }
    own = parse_html((event_dir / "replay.html").read_text("utf-8"))
    assert {a.attrs["href"] for a in own.find_all("a", "replay-link")} == {
        f"{s['slug']}/replay.html" for s in read_index(event_dir)["sessions"]
    }


def test_the_archive_replay_links_point_at_exported_pages(outputs):
    from pipeline import archive

    export_site(outputs)
    archive.build_index(outputs)
    hits = archive.search(outputs / archive.DEFAULT_DB_NAME, "the OR la OR el", limit=50)
    assert hits
    for hit in hits:
        page, _, seconds = archive.replay_link(outputs, hit).partition("#t=")
        html = Path(page).read_text(encoding="utf-8")
        assert f'data-start="{seconds}"' in html


def test_user_supplied_text_is_escaped_in_the_static_pages(outputs, event_dir):
    add_evil_event(outputs, event_dir)
    export_site(outputs)
    for page in [outputs / "replay.html", *pages(outputs / EVIL_SLUG)]:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
    session = read_index(outputs / EVIL_SLUG)["sessions"][0]
    replay = parse_html((outputs / EVIL_SLUG / session["slug"] / "replay.html").read_text("utf-8"))
    assert replay.find("h1").text == f"Session {EVIL} title"


def test_export_is_repeatable(outputs):
    first = {p: p.read_bytes() for p in export_site(outputs)}
    second = {p: p.read_bytes() for p in export_site(outputs)}
    assert first == second


def test_export_elsewhere_takes_the_linked_files_along(outputs, event_dir, tmp_path):
    dest = tmp_path / "site"
    written = export_site(outputs, dest)
    index = read_index(event_dir)
    recording = next(iter(index["recordings"].values()))
    for rel in [recording["media"], recording["chapters"], *recording["tracks"].values()]:
        assert (dest / event_dir.name / rel).read_bytes() == (event_dir / rel).read_bytes()
        assert dest / event_dir.name / rel in written
    for page in pages(dest):
        for link in links_of(page):
            path = urlsplit(link).path if not link.startswith("data:") else ""
            if path:
                assert (page.parent / unquote(path)).resolve().is_file(), (page, link)
    assert not (dest / event_dir.name / ".cache").exists()
    offered = {p.relative_to(dest / event_dir.name).as_posix() for p in dest.rglob("*.json")}
    assert offered == {  # the transcripts' JSON, as downloads; no index, no cache
        f"{s['slug']}/{code}.json"
        for s in read_index(event_dir)["sessions"]
        for code in read_index(event_dir)["event"]["languages"]
    }
    # a second export links nothing again
    again = export_site(outputs, dest)
    assert dest / event_dir.name / recording["media"] not in again


def test_site_command_prints_where_the_pages_are(outputs, capsys):
    assert main(["site", str(outputs)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("wrote ") and f"open {outputs / 'replay.html'}" in out


def test_site_command_errors_are_one_line_and_exit_2(tmp_path, capsys):
    assert main(["site", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("webconf: error: ") and err.count("\n") == 1
    (tmp_path / "empty").mkdir()
    assert main(["site", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "no event outputs" in err and err.count("\n") == 1


def test_export_never_follows_a_symlink_out_of_the_event_or_into_its_cache(
    outputs, event_dir, tmp_path
):
    secret = tmp_path / "secret.webm"
    secret.write_bytes(b"PRIVATE-BYTES")
    (event_dir / ".cache").mkdir(exist_ok=True)
    (event_dir / ".cache" / "stage.webm").write_bytes(b"CACHED-BYTES")
    recording = next(iter(read_index(event_dir)["recordings"].values()))
    media = event_dir / recording["media"]
    sibling = media.with_suffix(".webm")  # a WebM copy beside the recording is offered first
    sibling.symlink_to(secret)
    dest = tmp_path / "site"
    export_site(outputs, dest)
    assert not (dest / event_dir.name / "media" / sibling.name).exists()
    sibling.unlink()
    sibling.symlink_to(Path("..") / ".cache" / "stage.webm")
    export_site(outputs, tmp_path / "site2")
    assert not (tmp_path / "site2" / event_dir.name / "media" / sibling.name).exists()
    for site in (dest, tmp_path / "site2"):
        copied = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
        assert b"PRIVATE-BYTES" not in copied and b"CACHED-BYTES" not in copied
        assert (site / event_dir.name / recording["media"]).is_file()  # the recording itself
        for page in pages(site):
            assert sibling.name not in page.read_text(encoding="utf-8")
