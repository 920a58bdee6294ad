"""`webconf index` and `webconf search`, run as users run them: a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from archive_events import FORUM, SPORT, forum_sessions, write_event, write_two_events

from pipeline.archive import DEFAULT_DB_NAME, MARK_END, MARK_START, build_index, search
from pipeline.cli.archive import BOLD, RESET, render_hit

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


def webconf(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "pipeline", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_user_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("webconf: error: "), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    return write_two_events(tmp_path / "outputs")


@pytest.fixture
def indexed(outputs: Path) -> Path:
    assert webconf("index", str(outputs)).returncode == 0
    return outputs


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["index", "--help"], "OUTPUTS_DIR"),
        (["search", "--help"], "--lang"),
        (["--help"], "search"),
    ],
)
def test_help_exits_0(args, expected):
    result = webconf(*args)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_index_reports_what_it_did(outputs):
    db = outputs / DEFAULT_DB_NAME
    first = webconf("index", str(outputs))
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"indexed 2 events (15 passages), 0 unchanged, 0 removed -> {db}\n"
    second = webconf("index", str(outputs))
    assert second.stdout == f"indexed 0 events (0 passages), 2 unchanged, 0 removed -> {db}\n"


def test_index_into_another_db(outputs, tmp_path):
    db = tmp_path / "arc.sqlite"
    result = webconf("index", str(outputs), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(f"-> {db}\n")
    found = webconf("search", "marfil", "--db", str(db), "--outputs", str(outputs))
    assert found.returncode == 0, found.stderr


def test_search_prints_ranked_results_with_versions_and_link(indexed):
    result = webconf("search", "ivoire", "--outputs", str(indexed))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 passage matching 'ivoire', best first:"
    assert lines[2] == "1. Remote work forum > 2. Rules on ivory (Jane Roe, John Doe)"
    assert lines[3] == (
        "   [00:02:10] fr (machine translation): Les règles sur l'[ivoire] sont strictes."
    )
    assert lines[4] == "      en (original): The rules on ivory are strict."
    assert lines[5] == "      es (machine translation): Las reglas sobre el marfil son estrictas."
    # no replay pages yet (`webconf site` writes them): the transcript, which exists
    assert lines[6] == f"   {indexed}/{FORUM}/02-ivory-rules/fr.html"
    assert "\x1b" not in result.stdout and MARK_START not in result.stdout


def test_search_original_hit_lists_translations(indexed):
    result = webconf("search", "habitudes", "--outputs", str(indexed))
    lines = result.stdout.splitlines()
    assert lines[3] == (
        "   [00:00:10] fr (original): Le télétravail change nos [habitudes] depuis 2020."
    )
    assert lines[4] == "      en (machine translation): Telework changes our habits since 2020."
    assert lines[5].startswith("      es (machine translation): El teletrabajo")
    assert lines[6].endswith("/01-le-teletravail/fr.html")


def test_search_from_inside_an_outputs_tree_finds_its_archive(indexed):
    inside = indexed / FORUM / "02-ivory-rules"
    result = webconf("search", "marfil", cwd=inside)
    assert result.returncode == 0, result.stderr
    link = f"../../{FORUM}/02-ivory-rules/es.html"
    assert f"   {link}" in result.stdout.splitlines()
    assert (inside / link).resolve() == (inside / "es.html").resolve()


def test_search_links_to_the_replay_page_at_its_second_once_the_site_is_written(indexed):
    (indexed / FORUM / "02-ivory-rules" / "replay.html").write_text("<html>", "utf-8")
    result = webconf("search", "marfil", "--db", str(indexed / DEFAULT_DB_NAME))
    assert result.returncode == 0, result.stderr
    assert f"   {indexed}/{FORUM}/02-ivory-rules/replay.html#t=130" in result.stdout.splitlines()


def test_search_links_to_the_server_with_a_base_url(indexed):
    result = webconf("search", "marfil", "--outputs", str(indexed),
                     "--base-url", "http://127.0.0.1:8000/")  # fmt: skip
    assert result.returncode == 0, result.stderr
    link = f"http://127.0.0.1:8000/e/{FORUM}/02-ivory-rules#t=130"
    assert f"   {link}" in result.stdout.splitlines()


def test_index_of_a_folder_without_events_says_so_and_writes_nothing(tmp_path):
    message = assert_user_error(webconf("index", str(tmp_path)))
    assert message == (
        f"webconf: error: {tmp_path}: holds no event (a folder with the index.json that "
        "`webconf run` writes)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_index_of_one_event_folder_points_at_the_outputs_folder(outputs):
    message = assert_user_error(webconf("index", str(outputs / FORUM)))
    assert "is one event's folder; index the outputs folder that holds it: " in message
    assert message.endswith(f"webconf index {outputs}\n")
    assert not (outputs / FORUM / DEFAULT_DB_NAME).exists()


def test_search_filters(indexed):
    spanish = webconf("search", "telet*", "--lang", "es", "--json", "--outputs", str(indexed))
    hits = json.loads(spanish.stdout)
    assert len(hits) == 3 and {h["language"] for h in hits} == {"es"}
    sport = webconf("search", "telet*", "--event", SPORT, "--json", "--outputs", str(indexed))
    assert [h["event_slug"] for h in json.loads(sport.stdout)] == [SPORT]
    one = webconf("search", "telet*", "--limit", "1", "--json", "--outputs", str(indexed))
    assert len(json.loads(one.stdout)) == 1


def test_search_json(indexed):
    result = webconf("search", "ivoire", "--json", "--outputs", str(indexed))
    assert result.returncode == 0, result.stderr
    (hit,) = json.loads(result.stdout)
    assert hit["language"] == "fr" and hit["is_original"] is False
    assert hit["original_language"] == "en"
    assert hit["original_text"] == "The rules on ivory are strict."
    assert hit["translations"] == {
        "en": "The rules on ivory are strict.",
        "es": "Las reglas sobre el marfil son estrictas.",
    }
    assert hit["recording_start_ms"] == 130_000 and hit["start_ms"] == 10_000
    assert hit["snippet"] == f"Les règles sur l'{MARK_START}ivoire{MARK_END} sont strictes."
    assert hit["link"] == f"{indexed}/{FORUM}/02-ivory-rules/fr.html"


def test_no_result_exits_1(indexed):
    result = webconf("search", "zebra", "--outputs", str(indexed))
    assert result.returncode == 1
    assert result.stdout == "no passage matches 'zebra'\n"
    as_json = webconf("search", "zebra", "--json", "--outputs", str(indexed))
    assert (as_json.returncode, json.loads(as_json.stdout)) == (1, [])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"ivory', 'unbalanced "'),
        ("   ", "nothing to search for"),
        ("); DROP TABLE passages; --", None),
        ("OR", "OR must stand between two search terms"),
        ("x" * 5000, "query too long"),
    ],
)
def test_bad_query_is_one_line_and_exit_2(indexed, query, message):
    result = webconf("search", "--outputs", str(indexed), "--", query)
    if message is None:  # searched as the words drop, table, passages: nothing found
        assert result.returncode == 1, result.stderr
    else:
        assert message in assert_user_error(result)
    assert webconf("search", "ivoire", "--outputs", str(indexed)).returncode == 0


def test_query_starting_with_a_dash_after_double_dash(indexed):
    result = webconf("search", "--outputs", str(indexed), "--", "-x")
    assert "only excludes" in assert_user_error(result)


def test_missing_archive_says_how_to_make_it(tmp_path):
    result = webconf("search", "ivory", "--outputs", str(tmp_path))
    message = assert_user_error(result)
    assert f"no archive at {tmp_path / DEFAULT_DB_NAME}" in message
    assert f"run `webconf index {tmp_path}`" in message


def test_unknown_event_exit_2(indexed):
    result = webconf("search", "ivory", "--event", "nope", "--outputs", str(indexed))
    assert "no event 'nope' in the archive" in assert_user_error(result)


def test_corrupt_index_json_exit_2_naming_the_file(outputs):
    (outputs / SPORT / "index.json").write_text("{", "utf-8")
    message = assert_user_error(webconf("index", str(outputs)))
    assert f"{outputs / SPORT / 'index.json'}: not valid JSON" in message


def test_missing_outputs_folder_exit_2(tmp_path):
    message = assert_user_error(webconf("index", str(tmp_path / "nope")))
    assert "no outputs folder at" in message


@pytest.mark.parametrize("limit", ["0", "x", "-3"])
def test_bad_limit_is_a_usage_error(indexed, limit):
    result = webconf("search", "ivory", "--limit", limit, "--outputs", str(indexed))
    assert result.returncode == 2 and "--limit" in result.stderr


def test_unknown_language_is_a_usage_error(indexed):
    result = webconf("search", "ivory", "--lang", "de", "--outputs", str(indexed))
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_terminal_output_highlights_in_bold(indexed):
    (hit,) = search(indexed / DEFAULT_DB_NAME, "ivoire")
    lines = render_hit(1, hit, "outputs", tty=True)
    assert f"l'{BOLD}ivoire{RESET} sont" in lines[1]
    plain = render_hit(1, hit, "outputs", tty=False)
    assert "l'[ivoire] sont" in plain[1]


def test_each_version_is_worded_by_its_origin(tmp_path):
    """Who made each version comes from its `origin`, not from its language alone."""
    write_event(tmp_path, FORUM, "Remote work forum", forum_sessions())
    folder = tmp_path / FORUM / "02-ivory-rules"
    for lang, origin, source in (("fr", "interpretation", "en"), ("es", "person", "es")):
        doc = json.loads((folder / f"{lang}.json").read_text("utf-8"))
        doc["segments"][0].update(origin=origin, source_language=source)
        (folder / f"{lang}.json").write_text(json.dumps(doc), "utf-8")
    build_index(tmp_path)
    (hit,) = search(tmp_path / DEFAULT_DB_NAME, "ivoire")
    assert (hit.origin, hit.label(), hit.label("es"), hit.label("en")) == (
        "interpretation",
        "interpretation",
        "written by a person",
        "original",
    )
    lines = render_hit(1, hit, "outputs")
    assert lines[1].startswith("   [00:02:10] fr (interpretation): ")
    assert lines[2] == "      en (original): The rules on ivory are strict."
    assert lines[3] == "      es (written by a person): Las reglas sobre el marfil son estrictas."


def test_serve_search_sees_an_event_written_while_it_runs(tmp_path):
    """A run does not stop the server: its search indexes what changed since."""
    from archive_events import sport_sessions

    from pipeline.web.app import create_app

    outputs = write_event(tmp_path / "outputs", FORUM, "Remote work forum", forum_sessions())
    client = create_app(outputs.parent).test_client()
    assert "Deporte y teletrabajo" not in client.get("/search?q=deporte").get_data(as_text=True)
    write_event(outputs.parent, SPORT, "Sport day", sport_sessions(), date="2026-02-01")
    page = client.get("/search?q=deporte").get_data(as_text=True)
    assert "Deporte y teletrabajo" in page  # the session of the passage found
