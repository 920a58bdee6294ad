"""`/files/` and what `webconf serve` answers at all: only the kinds of file the pipeline
writes, each with its own content type; nothing private, whatever a symlink is named;
no inline script on any page; on loopback, only requests naming this machine."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import threading

import pytest
from web_helpers import read_index

from pipeline.media.export import publish_recording
from pipeline.outputs.layout import file_type
from pipeline.web.app import FILE_CSP, PAGE_CSP, create_app, make_web_server
from pipeline.web.site import export_site
from pipeline.writers import html_writer

SECRET = b"PRIVATE-" + b"7f3a9c"


@pytest.fixture
def app(outputs):
    return create_app(outputs)


@pytest.fixture
def client(app):
    return app.test_client()


def first_session(event_dir):
    return read_index(event_dir)["sessions"][0]["slug"]


# -- private files, reached through a symlink with an innocent name -----------------------


@pytest.fixture
def private_links(client, outputs, event_dir):
    """In-tree symlinks named like outputs, leading to the archive and the stage cache."""
    assert (outputs / "archive.sqlite").is_file()  # create_app built it
    cache = event_dir / ".cache"
    cache.mkdir(exist_ok=True)
    (cache / "foo.json").write_bytes(SECRET)
    (cache / "foo.vtt").write_bytes(b"WEBVTT\n\n" + SECRET)
    session = event_dir / first_session(event_dir)
    links = {
        f"{event_dir.name}/x.json": "../archive.sqlite",
        f"{event_dir.name}/{session.name}/notes.txt": "../.cache/foo.json",
        f"{event_dir.name}/{session.name}/xx.vtt": "../.cache/foo.vtt",
        f"{event_dir.name}/cachedir": ".cache",  # a folder link: cachedir/foo.json
        "top.json": "archive.sqlite",
    }
    for name, target in links.items():
        (outputs / name).symlink_to(target)
    return [*links, f"{event_dir.name}/cachedir/foo.json"]


def test_a_symlink_to_the_archive_or_the_stage_cache_is_never_served(client, private_links):
    for name in private_links:
        response = client.get(f"/files/{name}")
        assert response.status_code == 404, name
        assert SECRET not in response.data and b"SQLite format" not in response.data, name


# -- only what the pipeline writes, with its content type --------------------------------


def test_each_kind_of_output_is_served_with_its_own_content_type(client, event_dir):
    session = first_session(event_dir)
    (event_dir / session / "transcript.js").write_text(html_writer.SEEK_SCRIPT, "utf-8")
    media = next(iter(read_index(event_dir)["recordings"].values()))["media"]
    expected = {
        f"{session}/en.vtt": "text/vtt; charset=utf-8",
        f"{session}/en.srt": "application/x-subrip; charset=utf-8",
        f"{session}/en.txt": "text/plain; charset=utf-8",
        f"{session}/en.json": "application/json",
        f"{session}/en.html": "text/html; charset=utf-8",
        f"{session}/transcript.js": "text/javascript; charset=utf-8",
        "index.html": "text/html; charset=utf-8",
        "index.json": "application/json",
        media: "video/mp4",
    }
    for rel, content_type in expected.items():
        response = client.get(f"/files/{event_dir.name}/{rel}")
        assert response.status_code == 200, rel
        assert response.headers["Content-Type"] == content_type, rel
        assert response.headers["X-Content-Type-Options"] == "nosniff", rel


@pytest.mark.parametrize(
    "name",
    [
        "media/talk.html",
        "media/talk.svg",
        "media/talk.json",
        "media/talk.vtt",
        "{session}/image.svg",
        "{session}/page.htm",
        "{session}/page.xhtml",
        "{session}/other.js",
        "{session}/deep/er.html",
        "notes.md",
        "evil.html",
    ],
)
def test_files_the_pipeline_does_not_write_are_not_served(client, event_dir, name):
    path = event_dir / name.format(session=first_session(event_dir))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<svg onload=alert(1)><script>alert(1)</script></svg>", "utf-8")
    response = client.get(f"/files/{event_dir.name}/{path.relative_to(event_dir).as_posix()}")
    assert response.status_code == 404
    assert b"<script>alert" not in response.data


def test_html_is_a_page_only_where_the_pipeline_writes_its_pages():
    assert file_type("ev/index.html") == file_type("ev/01-a/en.html") == "text/html; charset=utf-8"
    for rel in ["ev/media/talk.html", "ev/other.html", "top.html", "ev/01-a/b/c.html"]:
        assert file_type(rel) is None, rel
    assert file_type("ev/media/TALK.MP4") == "video/mp4"
    assert file_type("ev/media/talk.svg") is None


@pytest.fixture
def html_recording(outputs, event_dir):
    """The published recording renamed `talk.html` (media with a <script> in it)."""
    index = read_index(event_dir)
    name, recording = next(iter(index["recordings"].items()))
    published = event_dir / recording["media"]
    evil = published.with_name("talk.html")
    evil.write_bytes(published.read_bytes() + b"<script>alert(document.domain)</script>")
    published.unlink()
    recording["media"] = "media/talk.html"
    (event_dir / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return evil


def test_a_recording_named_html_is_never_served_linked_or_copied(
    outputs, event_dir, html_recording, tmp_path
):
    client = create_app(outputs).test_client()
    response = client.get(f"/files/{event_dir.name}/media/talk.html")
    assert response.status_code == 404 and b"<script>" not in response.data
    replay = client.get(f"/e/{event_dir.name}/{first_session(event_dir)}")
    assert replay.status_code == 200 and "talk.html" not in replay.text
    site = tmp_path / "site"
    export_site(outputs, site)
    assert not list(site.rglob("talk.html*"))
    for page in site.rglob("replay.html"):
        assert "talk.html" not in page.read_text(encoding="utf-8")


def test_a_recording_is_published_under_a_media_name(tmp_path):
    source = tmp_path / "talk.html"
    source.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    published = publish_recording(source, tmp_path / "media")
    assert published.name == "talk.html.mkv" and published.read_bytes() == source.read_bytes()
    assert file_type(f"ev/media/{published.name}") == "video/x-matroska"
    plain = tmp_path / "Talk.MP4"
    plain.write_bytes(b"x")
    assert publish_recording(plain, tmp_path / "media").name == "Talk.MP4"


# -- no inline script, on any page -------------------------------------------------------


def test_no_content_security_policy_allows_inline_script():
    for csp in (PAGE_CSP, FILE_CSP):
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        script = re.search(r"script-src ([^;]*)", csp).group(1).split()
        assert script == ["'self'"]


def test_transcript_pages_under_files_carry_no_inline_script(client, event_dir):
    session = first_session(event_dir)
    for rel in (f"{session}/en.html", f"{session}/fr.html", "index.html"):
        response = client.get(f"/files/{event_dir.name}/{rel}")
        assert response.status_code == 200, rel
        assert response.headers["Content-Security-Policy"] == FILE_CSP
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text), rel
        assert not re.search(r"\son[a-z]+\s*=", response.text), rel
        assert " style=" not in response.text, rel
        # their one <style> block is the one FILE_CSP allows by hash
        (block,) = re.findall(r"<style>(.*?)</style>", response.text, flags=re.S)
        styles = [html_writer.STYLE + html_writer.TRANSCRIPT_STYLE]
        from pipeline.writers.index import INDEX_STYLE

        styles.append(html_writer.STYLE + INDEX_STYLE)
        allowed = [html_writer.style_hash(style) for style in styles]
        assert any(f"\n{style}\n" == block for style in styles), rel
        assert all(source in FILE_CSP for source in allowed)


# -- loopback: only requests naming this machine -----------------------------------------


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost", 200),
        ("localhost:8000", 200),
        ("127.0.0.1:8000", 200),
        ("[::1]:8000", 200),
        ("LOCALHOST", 200),
        ("evil.example", 400),
        ("evil.example:8000", 400),
        ("127.0.0.1.evil.example", 400),
        ("localhost.evil.example:80", 400),
        ("[::1", 400),
        ("", 400),
    ],
)
def test_a_loopback_app_answers_only_requests_naming_this_machine(outputs, event_dir, host, status):
    client = create_app(outputs, build_archive=False, loopback_only=True).test_client()
    for url in ["/", f"/files/{event_dir.name}/index.json", "/search"]:
        response = client.get(url, headers={"Host": host})
        assert response.status_code == status, (url, host)


def test_without_loopback_only_any_host_is_answered(outputs):
    client = create_app(outputs, build_archive=False).test_client()
    assert client.get("/", headers={"Host": "replays.example.org"}).status_code == 200


def test_a_server_on_loopback_refuses_a_rebound_host_name(outputs):
    app = create_app(outputs, build_archive=False)
    server = make_web_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        statuses = {}
        for host in (f"127.0.0.1:{server.port}", f"attacker.example:{server.port}"):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("GET", "/", headers={"Host": host})
            response = conn.getresponse()
            statuses[host.split(":")[0]] = (response.status, response.read())
            conn.close()
        assert statuses["127.0.0.1"][0] == 200
        assert statuses["attacker.example"][0] == 400
        assert b"replay-link" not in statuses["attacker.example"][1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_an_event_folder_symlinked_from_outside_is_neither_listed_nor_replayed(
    outputs, event_dir, tmp_path
):
    elsewhere = tmp_path / "elsewhere" / "private-board"
    shutil.copytree(event_dir, elsewhere, ignore=shutil.ignore_patterns(".cache"))
    (outputs / "private-board").symlink_to(elsewhere, target_is_directory=True)
    client = create_app(outputs).test_client()
    assert "private-board" not in client.get("/").text
    session = first_session(event_dir)
    assert client.get(f"/e/private-board/{session}").status_code == 404
    assert client.get(f"/files/private-board/{session}/en.vtt").status_code == 404
    assert client.get(f"/e/{event_dir.name}/{session}").status_code == 200
