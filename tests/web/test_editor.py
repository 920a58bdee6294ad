"""`webconf serve --edit`: the editor on the replay page, its guards, and a real edit
driven end to end in Chromium (edit, save, apply) on real speech with tiny.en.

The event is two FLEURS English clips (as in tests/corrections), languages en and fr,
run with the real pipeline and indexed with `webconf index`; the edit server runs
in-process on an ephemeral 127.0.0.1 port. Tests that save or apply get an event of
their own (a run takes a few seconds); the others share one and never write.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import webvtt

from pipeline import RunOptions, run_event
from pipeline.cli import main
from pipeline.run.edit import EventEditor
from pipeline.web.app import create_app, make_web_server
from pipeline.web.edit import MAX_BODY, TOKEN_HEADER
from pipeline.writers.paragraphs import UNSURE_WORD

pytestmark = pytest.mark.browser

FLEURS = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"
FAST = RunOptions(model="tiny.en", show_progress=False, export_audio=False)
SLUG, SESSION = "talk", "01-sintra"
REPLAY = f"/e/{SLUG}/{SESSION}"
TRACK = f"/edit/{SLUG}/{SESSION}/en"
SAVE, APPLY = f"{TRACK}/save", f"/edit/{SLUG}/apply"
WORD = "Zanzibarique"
NEW_TEXT = f"{WORD}: to the north, within easy reach,\nis the romantic town of Sintra"
APPLY_TIMEOUT_MS = 180_000


# -- the event ---------------------------------------------------------------------------


def make_event(folder: Path) -> Path:
    """The manifest of a one-session talk: two FLEURS clips, 1.5 s apart."""
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "talk.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-i", str(FLEURS / "fleurs-en-002.ogg"), "-i", str(FLEURS / "fleurs-en-001.ogg"),
         "-filter_complex", "[0:a]apad=pad_dur=1.5[a];[a][1:a]concat=n=2:v=0:a=1[out]",
         "-map", "[out]", "-ar", "16000", "-ac", "1", str(clip)],
        check=True,
    )  # fmt: skip
    manifest = folder / "event.toml"
    manifest.write_text(
        '[event]\ntitle = "Talk"\nlanguages = ["en", "fr"]\n\n[[recording]]\nfile = "talk.wav"\n'
        '\n[[session]]\ntitle = "Sintra"\n',
        encoding="utf-8",
    )
    return manifest


def publish(folder: Path) -> tuple[Path, Path]:
    """(manifest, outputs): the event run with tiny.en and indexed with `webconf index`."""
    manifest = make_event(folder / "event")
    out = folder / "outputs"
    run_event(manifest, out, FAST)
    assert main(["index", str(out)]) == 0
    return manifest, out


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> tuple[Path, Path]:
    """An event the read-only tests share: they must never write a correction."""
    manifest, out = publish(tmp_path_factory.mktemp("editor-shared"))
    yield manifest, out
    assert not (manifest.parent / "corrections").exists(), "a read-only test saved something"


@pytest.fixture
def fresh(tmp_path) -> tuple[Path, Path]:
    return publish(tmp_path)


def editor_app(manifest: Path, out: Path, editor=None):
    return create_app(out, editor=editor or EventEditor.open(manifest, out, FAST))


@contextlib.contextmanager
def serving(app):
    server = make_web_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def session_json(out: Path, lang: str) -> dict:
    return json.loads((out / SLUG / SESSION / f"{lang}.json").read_text("utf-8"))


def token_of(html: str) -> str:
    match = re.search(r'<meta name="webconf-edit-token" content="([^"]+)">', html)
    assert match, "the replay page carries no edit token"
    return match.group(1)


def nothing_saved(manifest: Path, out: Path) -> None:
    assert not (manifest.parent / "corrections").exists()
    assert not list(out.rglob("corrections"))


# -- without --edit, nothing -------------------------------------------------------------


def test_without_edit_no_edit_route_exists(shared):
    manifest, out = shared
    client = create_app(out).test_client()
    page = client.get(REPLAY)
    assert page.status_code == 200
    assert "webconf-edit-token" not in page.text and "editor.js" not in page.text
    assert 'id="editor"' not in page.text
    assert client.get(TRACK).status_code == 404
    for url in (SAVE, APPLY):
        response = client.post(url, json={"cues": []}, headers={"Origin": "http://localhost"})
        assert response.status_code in (404, 405)
    nothing_saved(manifest, out)


def test_serve_edit_listens_on_127_0_0_1_only(shared, capsys):
    manifest, out = shared
    for host in ("0.0.0.0", "192.168.1.10", "::1"):
        assert main(["serve", str(out), "--edit", str(manifest), "--host", host]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--edit serves on this machine only" in err
    assert main(["serve", str(out), "--model", "tiny.en"]) == 2
    assert "give --edit too" in capsys.readouterr().err
    # a manifest whose event was never run into these outputs: one line
    other = manifest.parent / "other.toml"
    other.write_text(manifest.read_text("utf-8").replace('"Talk"', '"Other"'), encoding="utf-8")
    assert main(["serve", str(out), "--edit", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run `webconf run other.toml" in err
    # a manifest kept inside the outputs folder would publish its corrections
    inside = out / "event.toml"
    inside.write_text(manifest.read_text("utf-8"), encoding="utf-8")
    try:
        assert main(["serve", str(out), "--edit", str(inside)]) == 2
    finally:
        inside.unlink()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is inside the outputs folder" in err


def test_webconf_serve_edit_serves_the_editor(shared):
    """The command itself: `webconf serve OUT --edit EVENT.toml --model tiny.en`."""
    manifest, out = shared
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", str(out), "--edit", str(manifest),
         "--port", "0", "--model", "tiny.en"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        lines = [process.stdout.readline(), process.stdout.readline()]
        assert lines[0].startswith(f"editing {SLUG} (corrections beside {manifest}"), lines
        assert "--model tiny.en" in lines[0]
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", lines[1]).group(1)
        page = urllib.request.urlopen(url + REPLAY.lstrip("/"), timeout=30).read().decode()
        assert token_of(page) and "/static/editor.js" in page
        track = json.load(urllib.request.urlopen(url + TRACK.lstrip("/"), timeout=30))
        assert track["source"] == "published" and track["cues"]
        cues = [{k: c[k] for k in ("start", "end", "text")} for c in track["cues"]]
        body = json.dumps({"cues": cues}).encode()
        for headers in (
            {"Origin": url.rstrip("/")},  # no token
            {"Origin": "http://evil.example", TOKEN_HEADER: token_of(page)},
        ):
            request = urllib.request.Request(
                url + SAVE.lstrip("/"),
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", **headers},
            )
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            assert refused.value.code == 403
            assert json.load(refused.value)["error"].startswith("refused")
    finally:
        process.terminate()
        process.wait(10)
    nothing_saved(manifest, out)


# -- the guards --------------------------------------------------------------------------


def test_posts_without_the_token_or_from_elsewhere_are_refused_and_write_nothing(shared):
    manifest, out = shared
    client = editor_app(manifest, out).test_client()
    token = token_of(client.get(REPLAY).text)
    cues = [
        {"start": c["start"], "end": c["end"], "text": c["text"], "reviewed": True}
        for c in session_json(out, "en")["cues"]
    ]
    own = {"Origin": "http://localhost", TOKEN_HEADER: token}

    def post(url, headers, body=None, **kwargs):
        body = {"cues": cues} if body is None else body
        return client.post(url, json=body, headers=headers, **kwargs)

    refused = {
        "no token": post(SAVE, {"Origin": "http://localhost"}),
        "wrong token": post(SAVE, {**own, TOKEN_HEADER: token[:-2] + "xx"}),
        "foreign Origin": post(SAVE, {**own, "Origin": "http://evil.example"}),
        "null Origin": post(SAVE, {**own, "Origin": "null"}),
        "no Origin nor Referer": post(SAVE, {TOKEN_HEADER: token}),
        "foreign Referer": post(SAVE, {TOKEN_HEADER: token, "Referer": "http://evil.example/"}),
        "another Host (DNS rebinding)": post(
            SAVE, {**own, "Origin": "http://evil.example"}, base_url="http://evil.example"
        ),
        "apply without token": post(APPLY, {"Origin": "http://localhost"}, body={}),
        "apply from elsewhere": post(APPLY, {**own, "Origin": "http://evil.example"}, body={}),
    }
    for what, response in refused.items():
        assert response.status_code == 403, what
        error = response.get_json()["error"]
        assert error.startswith("refused") and "\n" not in error, (what, error)
    # reading is guarded against other hosts too
    assert client.get(TRACK, base_url="http://evil.example").status_code == 403
    assert client.get(REPLAY, base_url="http://evil.example:8000").status_code == 403
    # not JSON, too large
    form = client.post(SAVE, data={"cues": "x"}, headers=own)
    assert form.status_code == 415 and "application/json" in form.get_json()["error"]
    big = client.post(
        SAVE, data=b"{" + b" " * MAX_BODY + b"}", content_type="application/json", headers=own
    )
    assert big.status_code == 413 and big.get_json()["error"]
    nothing_saved(manifest, out)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": -1}, "cue 1: start: -1 s is outside the session"),
        ({"end": 99}, "cue 1: end: 99 s is outside the session"),
        ({"start": "0.5"}, "cue 1: start: expected a number of seconds"),
        ({"end": True}, "cue 1: end: expected a number of seconds"),
        ({"start": 3.0, "end": 2.0}, "cue 1: ends at 2 s, not after its start"),
        ({"text": ["a"]}, "cue 1: text: expected the text as a string"),
        ({"text": " \n "}, "cue 1: text: no text (delete the cue instead)"),
        ({"text": "a --> b"}, "cue 1: text: '-->' cannot appear"),
        ({"text": "bell\x07"}, "cue 1: text: holds a control character"),
        ({"text": "x" * 1001}, "cue 1: text: 1001 characters, at most 1000"),
        ({"text": "a\nb\nc\nd\ne\nf\ng"}, "cue 1: text: 7 lines, at most 6"),
        ({"reviewed": "yes"}, "cue 1: reviewed must be true or false"),
        ({"origin": "person"}, "cue 1: unknown key 'origin'"),
    ],
)
def test_what_a_save_holds_is_checked(shared, change, message):
    manifest, out = shared
    client = editor_app(manifest, out).test_client()
    token = token_of(client.get(REPLAY).text)
    cue = {"start": 0.5, "end": 2.0, "text": "Hello.", "reviewed": True, **change}
    response = client.post(
        SAVE, json={"cues": [cue]}, headers={"Origin": "http://localhost", TOKEN_HEADER: token}
    )
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(message)
    for body in ({"cues": []}, {"cues": {}}, [], {"cues": [], "more": 1}):
        response = client.post(
            SAVE, json=body, headers={"Origin": "http://localhost", TOKEN_HEADER: token}
        )
        assert response.status_code == 400, body
    missing = client.get(f"/edit/{SLUG}/{SESSION}/es")
    assert missing.status_code == 404 and "no 'es' track" in missing.get_json()["error"]
    assert client.get(f"/edit/other/{SESSION}/en").status_code == 404
    nothing_saved(manifest, out)


def test_overlapping_cues_are_refused_and_nothing_is_saved(shared):
    manifest, out = shared
    client = editor_app(manifest, out).test_client()
    token = token_of(client.get(REPLAY).text)
    cues = [
        {"start": 0.5, "end": 2.0, "text": "Hello.", "reviewed": True},
        {"start": 1.5, "end": 3.0, "text": "Again.", "reviewed": True},
    ]
    response = client.post(
        SAVE, json={"cues": cues}, headers={"Origin": "http://localhost", TOKEN_HEADER: token}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == (
        "cue 2 starts at 1.5 s, before cue 1 ends (2 s): shorten one of them"
    )
    nothing_saved(manifest, out)


def test_apply_reruns_with_the_options_the_outputs_were_made_with(shared):
    manifest, out = shared
    made = json.loads((out / SLUG / "index.json").read_text())["made_with"]
    assert (made["model"], made["audio"]) == ("tiny.en", False)
    options = EventEditor.open(manifest, out).options  # no options given: as made
    assert (options.model, options.export_audio, options.mt) == ("tiny.en", False, FAST.mt)


class HeldEditor:
    """The real editor, whose apply waits until the test lets it go (unless `hold` is
    False) and keeps what each run reported."""

    def __init__(self, editor: EventEditor, hold: bool = True) -> None:
        self.editor = editor
        self.manifest = editor.manifest
        self.event_slug = editor.event_slug
        self.started = threading.Event()
        self.release = threading.Event()
        if not hold:
            self.release.set()
        self.runs = 0
        self.results: list = []

    def saved(self, entry, language):
        return self.editor.saved(entry, language)

    def save(self, entry, language, cues):
        return self.editor.save(entry, language, cues)

    def save_voices(self, names):
        return self.editor.save_voices(names)

    def apply(self):
        self.runs += 1
        self.started.set()
        assert self.release.wait(60)
        self.results.append(self.editor.apply())
        return self.results[-1]


def test_a_second_apply_while_one_runs_is_refused(shared):
    manifest, out = shared
    held = HeldEditor(EventEditor.open(manifest, out, FAST))
    with serving(editor_app(manifest, out, held)) as base:
        token = token_of(urllib.request.urlopen(base + REPLAY, timeout=30).read().decode())

        def apply() -> tuple[int, dict]:
            request = urllib.request.Request(
                base + APPLY,
                data=b"{}",
                method="POST",
                headers={"Content-Type": "application/json", "Origin": base, TOKEN_HEADER: token},
            )
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    return response.status, json.load(response)
            except urllib.error.HTTPError as exc:
                return exc.code, json.load(exc)

        first: list = []
        thread = threading.Thread(target=lambda: first.append(apply()))
        thread.start()
        assert held.started.wait(30)
        status, body = apply()
        assert status == 409 and "being applied already" in body["error"]
        held.release.set()
        thread.join(120)
        assert first[0][0] == 200 and first[0][1]["message"].startswith("Applied in")
        assert held.runs == 1
    nothing_saved(manifest, out)


# -- in the browser ----------------------------------------------------------------------


def open_editor(page, base: str, lang: str = "en") -> None:
    page.goto(f"{base}{REPLAY}?lang={lang}")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    page.click("#edit-toggle")
    page.wait_for_selector("#editor:not([hidden]) #cues li.cue")
    assert page.locator(f"#transcript-{lang}").is_hidden()


def player_time(page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def test_next_unsure_word_seeks_to_a_word_the_recogniser_was_unsure_of(page, shared, snap):
    manifest, out = shared
    unsure = [
        w
        for segment in session_json(out, "en")["segments"]
        for w in segment["words"]
        if w["probability"] < UNSURE_WORD
    ]
    assert len(unsure) >= 3, "tiny.en was sure of every word: this test needs unsure ones"
    with serving(editor_app(manifest, out)) as base:
        open_editor(page, base)
        marks = page.locator("#cues mark.unsure")
        assert marks.count() >= 3
        assert set(marks.all_inner_texts()) <= {w["word"].strip() for w in unsure}
        seen = []
        for press in ("button", "button", "key"):
            before = page.get_attribute("#editor", "data-unsure-time")
            if press == "button":
                page.click("#next-unsure")
            else:
                page.keyboard.press("Alt+KeyN")
            page.wait_for_function(
                "b => document.getElementById('editor').dataset.unsureTime !== b", arg=before
            )
            t = float(page.get_attribute("#editor", "data-unsure-time"))
            page.wait_for_function("t => Math.abs(document.getElementById('player')"
                                   ".currentTime - t) < 0.01", arg=t)  # fmt: skip
            word = next(w for w in unsure if abs(w["recording_start"] - player_time(page)) < 0.01)
            assert word["probability"] < UNSURE_WORD
            # the word is selected in its cue's text and marked as the current one
            selected = page.evaluate(
                "() => { const a = document.activeElement;"
                " return a.value.slice(a.selectionStart, a.selectionEnd); }"
            )
            assert selected.lower() == word["word"].strip().lower()
            assert page.locator("#cues mark.unsure.current").inner_text() == selected
            seen.append(word["recording_start"])
        assert seen == sorted(seen) and len(set(seen)) == 3
        snap(page, "unsure")
        # the language switch brings the French track into the editor: a machine
        # translation, with no recognised words to mark
        page.click(".langs button[data-lang=fr]")
        page.wait_for_selector("#editor[data-lang='fr'] #cues li.cue")
        fr = session_json(out, "fr")["cues"]
        assert page.locator("#cues textarea").first.input_value() == "\n".join(fr[0]["lines"])
        assert page.locator("#cues li.cue").count() == len(fr)
        assert page.locator("#cues mark.unsure").count() == 0
        assert "lang=fr" in page.url and "edit=1" in page.url


def test_edit_save_apply_end_to_end(page, fresh, snap):
    manifest, out = fresh
    before_en = session_json(out, "en")
    before_fr = session_json(out, "fr")
    first = before_en["cues"][0]
    timings = {}
    editor = HeldEditor(EventEditor.open(manifest, out, FAST), hold=False)
    with serving(editor_app(manifest, out, editor)) as base:
        page.goto(f"{base}/search?q={WORD}")
        assert page.locator("li.result").count() == 0
        open_editor(page, base)
        row = page.locator("#cues li.cue").first
        area = row.locator("textarea")
        assert area.input_value() == "\n".join(first["lines"])
        # clicking into a cue seeks the player to it
        area.click()
        page.wait_for_function(
            "t => Math.abs(document.getElementById('player').currentTime - t) < 0.01",
            arg=first["recording_start"],
        )
        area.fill(NEW_TEXT)
        reviewed = row.locator("input.reviewed")
        assert reviewed.is_checked()  # a changed cue is the person's
        reviewed.uncheck()
        reviewed.check()
        row.locator("button[data-act='start+']").click()
        area.focus()
        page.keyboard.press("Alt+BracketRight")
        start = round(first["start"] + 0.2, 3)
        assert row.locator(".start").inner_text() == f"00:{start:06.3f}"
        page.wait_for_function(
            "t => Math.abs(document.getElementById('player').currentTime - t) < 0.01", arg=start
        )
        # the other cues are left alone
        assert not page.locator("#cues li.cue").nth(1).locator("input.reviewed").is_checked()

        began = time.monotonic()
        page.click("#save-edit")
        page.wait_for_function(
            "() => document.getElementById('edit-status').textContent.startsWith('Saved')"
        )
        timings["save"] = time.monotonic() - began
        saved_file = manifest.parent / "corrections" / "sintra" / "en.json"
        saved = json.loads(saved_file.read_text("utf-8"))
        assert saved["session"]["title"] == "Sintra"
        assert [c["reviewed"] for c in saved["cues"]] == [True] + [False] * (
            len(before_en["cues"]) - 1
        )
        assert saved["cues"][0] == {
            "start": start,
            "end": first["end"],
            "lines": NEW_TEXT.split("\n"),
            "reviewed": True,
            "origin": "person",
        }
        assert [c["origin"] for c in saved["cues"][1:]] == ["original"] * (len(saved["cues"]) - 1)
        assert not list(out.rglob("corrections"))
        assert "corrections/sintra/en.json" in page.inner_text("#edit-status")
        snap(page, "saved")

        began = time.monotonic()
        with page.expect_navigation(timeout=APPLY_TIMEOUT_MS):
            page.click("#apply-edit")
        timings["apply"] = time.monotonic() - began
        # one run, which made again only the French of the edited sentence, and the
        # places of the French cues
        (result,) = editor.results
        computed = {stage: n for stage, _, n in result.cache_by_stage if n}
        assert computed == {"translate": 1, "cues": 1} and result.warnings == ()
        # the page came back with the published text, in the editor and everywhere else
        page.wait_for_selector("#editor:not([hidden])[data-source='published'] #cues li.cue")
        assert page.locator("#cues li.cue textarea").first.input_value() == NEW_TEXT
        assert page.locator("#cues li.cue input.reviewed").first.is_checked()
        assert WORD in page.locator("#transcript-en .passage .text").first.text_content()
        page.wait_for_function(
            "w => { const t = [...document.getElementById('player').textTracks]"
            ".find(t => t.language === 'en');"
            " return t && t.cues && t.cues.length && t.cues[0].text.includes(w); }",
            arg=WORD,
        )
        snap(page, "applied")

        # the VTT and the JSON hold the new text; only the edited cue is reviewed
        vtt = webvtt.read(str(out / SLUG / SESSION / "en.vtt")).captions
        assert vtt[0].text == NEW_TEXT and vtt[0].start == f"00:00:{start:06.3f}"
        after_en = session_json(out, "en")
        assert after_en["cues"][0]["text"].replace("\n", " ") == NEW_TEXT.replace("\n", " ")
        assert [c["reviewed"] for c in after_en["cues"]] == [True] + [False] * (len(vtt) - 1)
        assert after_en["cues"][0]["origin"] == "person"
        # the French translation of that sentence was made again, and only that one
        after_fr = session_json(out, "fr")
        redone = [s for s in after_fr["segments"] if s["source_reviewed"]]
        assert len(redone) == 1 and redone[0]["origin"] == "machine" and not redone[0]["reviewed"]
        assert redone[0]["text"] != before_fr["segments"][0]["text"]
        assert WORD in redone[0]["source_text"]
        assert after_fr["segments"][1]["text"] == before_fr["segments"][1]["text"]
        # the search archive was refreshed
        page.goto(f"{base}/search?q={WORD}")
        results = page.locator("li.result")
        assert results.count() >= 1
        assert WORD in results.first.inner_text()
        href = results.first.locator(".where a").get_attribute("href")
        assert href.startswith(f"{REPLAY}?lang=en#t=")
    print(f"timings: save {timings['save']:.2f} s, apply + reload {timings['apply']:.1f} s")


def test_split_merge_delete_and_a_saved_correction_reopens(page, fresh, snap):
    manifest, out = fresh
    cues = session_json(out, "en")["cues"]
    words = [w for s in session_json(out, "en")["segments"] for w in s["words"]]
    second = cues[1]
    spoken = [w for w in words if second["start"] <= w["start"] < second["end"]]
    with serving(editor_app(manifest, out)) as base:
        open_editor(page, base)
        rows = page.locator("#cues li.cue")
        assert rows.count() == len(cues)
        area = rows.nth(1).locator("textarea")
        text = area.input_value()
        cut = max(text.rfind(" "), text.rfind("\n"))  # before the cue's last word
        area.focus()
        area.evaluate("(a, n) => a.setSelectionRange(n, n)", cut)
        rows.nth(1).locator("button[data-act='split']").click()
        assert rows.count() == len(cues) + 1
        assert rows.nth(1).locator("textarea").input_value() == text[:cut]
        assert rows.nth(2).locator("textarea").input_value() == text[cut + 1 :]
        # the split falls where that last word starts
        last = spoken[-1]
        assert last["word"].strip() == text[cut + 1 :]
        assert float(rows.nth(2).get_attribute("data-start")) == pytest.approx(last["start"])
        assert float(rows.nth(1).get_attribute("data-end")) == pytest.approx(last["start"])
        # merge the last two, delete the first, with the keyboard and the buttons
        last = rows.count() - 2
        rows.nth(last).locator("textarea").focus()
        page.keyboard.press("Alt+KeyM")
        assert rows.count() == len(cues)
        merged = rows.nth(last).locator("textarea").input_value()
        assert merged.replace("\n", " ") == f"{cues[-2]['text']} {cues[-1]['text']}"
        assert "\n" in merged  # set on two balanced lines
        rows.nth(0).locator("button[data-act='delete']").click()
        assert rows.count() == len(cues) - 1
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => document.getElementById('edit-status').textContent.startsWith('Saved')"
        )
        saved = json.loads((manifest.parent / "corrections/sintra/en.json").read_text("utf-8"))
        assert [c["reviewed"] for c in saved["cues"]] == [True, True, False, True]
        assert saved["cues"][2]["origin"] == "original"  # en-3, untouched
        assert saved["cues"][0]["start"] == second["start"]
        assert saved["cues"][1]["lines"] == [text[cut + 1 :]]
        # reloading shows the saved correction, not yet applied
        page.reload()
        page.wait_for_selector("#editor[data-source='saved'] #cues li.cue")
        assert rows.count() == len(cues) - 1
        assert "not applied yet" in page.inner_text("#edit-status")
        snap(page, "reopened")
    # nothing was published
    assert [c["text"] for c in session_json(out, "en")["cues"]] == [c["text"] for c in cues]


def test_a_voice_renamed_in_the_editor_is_named_in_every_output_after_apply(page, fresh, snap):
    """The talk's two FLEURS readers are two voices; naming one in the editor saves
    the name beside the manifest (nothing under outputs/), and apply publishes it in
    every language, the replay page and the archive."""
    manifest, out = fresh
    voices = json.loads((out / SLUG / "index.json").read_text("utf-8"))["voices"]
    assert [v["voice"] for v in voices] == ["Speaker 1", "Speaker 2"]
    editor = HeldEditor(EventEditor.open(manifest, out, FAST), hold=False)
    with serving(editor_app(manifest, out, editor)) as base:
        open_editor(page, base)
        page.wait_for_selector("#voices:not([hidden]) input.voice-name")
        field = page.locator("input.voice-name[data-voice='Speaker 2']")
        assert field.input_value() == ""  # still "Speaker 2": no name yet
        field.fill("Ana <Pérez>")
        page.click("#save-voices")
        page.wait_for_function(
            "() => /Saved the speakers' names/.test(document.getElementById('edit-status')"
            ".textContent)"
        )
        saved = json.loads((manifest.parent / "corrections" / "voices.json").read_text("utf-8"))
        assert saved["voices"] == {"Speaker 2": "Ana <Pérez>"}
        assert not list(out.rglob("voices.json"))
        page.click("#apply-edit")
        page.wait_for_selector("#edit-toggle", timeout=APPLY_TIMEOUT_MS)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.who')].some(e => e.textContent === "
            "'Ana <Pérez>')",
            timeout=APPLY_TIMEOUT_MS,
        )
        snap(page, "renamed")
        for lang in ("en", "fr"):
            names = {s["speaker"] for s in session_json(out, lang)["segments"]}
            assert names == {"Speaker 1", "Ana <Pérez>"}
    index = json.loads((out / SLUG / "index.json").read_text("utf-8"))
    assert {"voice": "Speaker 2", "name": "Ana <Pérez>"} in index["voices"]


def test_what_a_voices_save_holds_is_checked(shared):
    manifest, out = shared
    app = editor_app(manifest, out)
    client = app.test_client()
    html = client.get(REPLAY).get_data(as_text=True)
    headers = {TOKEN_HEADER: token_of(html), "Origin": "http://localhost"}
    url = f"/edit/{SLUG}/voices"
    for body, message in (
        ({"voices": {"Jens": "Jens Wretling"}}, "'Jens' is not a voice label like 'Speaker 2'"),
        ({"voices": {"Speaker 2": "a\nb"}}, "the name for Speaker 2 must be one line"),
        ({"names": {}}, 'send {"voices": {"Speaker 2": "A. Name", ...}}'),
    ):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 400, response.get_data(as_text=True)
        assert message in response.get_json()["error"]
    nothing_saved(manifest, out)
