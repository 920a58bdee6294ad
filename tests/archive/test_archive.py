"""The search archive (pipeline.archive): indexing outputs/ and searching it.

Small outputs trees are written here in the format `webconf run` writes (index.json and
per session `<lang>.json`); one test indexes the sample event as the pipeline's own
writers write it.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from archive_events import (
    FORUM,
    LANGS,
    SPORT,
    forum_sessions,
    write_event,
    write_two_events,
)

from pipeline.archive import (
    DEFAULT_DB_NAME,
    MARK_END,
    MARK_START,
    MAX_QUERY_CHARS,
    Hit,
    IndexStats,
    build_index,
    replay_link,
    search,
    to_fts,
)
from pipeline.archive import indexer as indexer_module
from pipeline.errors import PipelineError, SearchError


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    return write_two_events(tmp_path / "outputs")


@pytest.fixture
def db(outputs: Path) -> Path:
    build_index(outputs)
    return outputs / DEFAULT_DB_NAME


def marked(hit: Hit) -> list[str]:
    """The words the snippet marks as matches."""
    parts = hit.snippet.split(MARK_START)[1:]
    return [p.split(MARK_END)[0] for p in parts]


def archive_counts(db: Path) -> tuple[int, ...]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = ("events", "sessions", "passages", "passages_fts", "cues")
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


# --- accents, phrases, prefixes -------------------------------------------------------


def test_unaccented_query_finds_accented_french(db):
    hits = search(db, "teletravail", language="fr", event=FORUM)
    texts = {h.text for h in hits}
    assert "Le télétravail change nos habitudes depuis 2020." in texts
    first = next(h for h in hits if h.recording_start_ms == 10_000)
    assert marked(first) == ["télétravail"]


def test_accented_query_finds_unaccented_text_both_ways(db):
    hits = search(db, "télétravail", language="en")
    assert [h.text for h in hits] == [
        "The French word teletravail is often written without accents."
    ]
    assert marked(hits[0]) == ["teletravail"]
    upper = search(db, "TÉLÉTRAVAIL", language="fr")
    assert {h.text for h in upper} >= {"Le télétravail change nos habitudes depuis 2020."}


def test_accents_ignored_in_spanish(db):
    hits = search(db, "habitos", language="es")
    assert [h.text for h in hits] == ["El teletrabajo cambia nuestros hábitos desde 2020."]
    assert marked(hits[0]) == ["hábitos"]
    assert [h.text for h in search(db, "adiós", language="es")] == [
        'Dijo "hola" y luego "adiós" <script>alert(1)</script>'
    ]


def test_phrase_matches_the_words_in_order_only(db):
    hits = search(db, '"rules on ivory"')
    assert [h.text for h in hits] == ["The rules on ivory are strict."]
    assert marked(hits[0]) == ["rules on ivory"]
    assert search(db, '"ivory rules"') == []
    assert search(db, "ivory rules")  # plain words: any order


def test_prefix_matches_in_every_language(db):
    by_lang = {
        lang: {h.text for h in search(db, "tele*", language=lang, event=FORUM)} for lang in LANGS
    }
    assert "Telework changes our habits since 2020." in by_lang["en"]
    assert "Le télétravail change nos habitudes depuis 2020." in by_lang["fr"]
    assert "El teletrabajo cambia nuestros hábitos desde 2020." in by_lang["es"]
    (es_hit,) = [h for h in search(db, "teletrab*", language="es", event=FORUM)]
    assert marked(es_hit) == ["teletrabajo"]


def test_phrase_with_prefix_and_curly_quotes(db):
    assert [h.text for h in search(db, '"rules on iv"*')] == ["The rules on ivory are strict."]
    assert [h.text for h in search(db, "\u201crules on ivory\u201d")] == [
        "The rules on ivory are strict."
    ]


def test_or_and_exclusion(db):
    either = search(db, "marfil OR habitudes")
    assert {h.recording_start_ms for h in either} == {10_000, 130_000}
    excluded = search(db, "teletravail -accents", language="fr", event=FORUM)
    assert [h.recording_start_ms for h in excluded] == [10_000]
    assert search(db, "ivory NOT strict") == []
    assert len(search(db, "ivory AND strict")) == 1


def test_apostrophes_and_punctuation_inside_words_are_literal(db):
    hits = search(db, "l'ivoire", language="fr")
    assert [h.text for h in hits] == ["Les règles sur l'ivoire sont strictes."]


# --- cross-language results ----------------------------------------------------------


def test_translation_hit_carries_original_translations_and_recording_time(db):
    (hit,) = search(db, "ivoire")
    assert hit.language == "fr" and not hit.is_original
    assert hit.text == "Les règles sur l'ivoire sont strictes."
    assert hit.original_language == "en"
    assert hit.original_text == "The rules on ivory are strict."
    assert dict(hit.translations) == {
        "en": "The rules on ivory are strict.",
        "es": "Las reglas sobre el marfil son estrictas.",
    }
    assert (hit.recording_start_ms, hit.recording_end_ms) == (130_000, 135_000)
    assert (hit.start_ms, hit.end_ms) == (10_000, 15_000)  # session time
    assert hit.recording == "talk.mp4"
    assert (hit.event_slug, hit.event_title, hit.event_date) == (
        FORUM,
        "Remote work forum",
        "2026-01-15",
    )
    assert (hit.session_index, hit.session_slug, hit.session_title) == (
        2,
        "02-ivory-rules",
        "Rules on ivory",
    )
    assert hit.speakers == ("Jane Roe", "John Doe")
    assert isinstance(hit.rank, float)


def test_original_hit_lists_every_translation(db):
    (hit,) = search(db, "ivory")
    assert hit.is_original and hit.language == "en"
    assert hit.original_text == hit.text
    assert set(hit.translations) == {"fr", "es"}


def test_a_passage_matching_in_several_languages_is_one_hit_its_spoken_version(db):
    hits = search(db, "2020")  # in all three versions of one sentence
    assert len(hits) == 1
    assert hits[0].language == "fr" and hits[0].is_original


def test_translation_timed_differently_still_links_to_its_original(db):
    (hit,) = search(db, "francesa", language="es")
    assert hit.recording_start_ms == 140_250
    assert hit.original_text == "The French word teletravail is often written without accents."
    assert hit.translations["fr"] == "Le mot teletravail s'écrit souvent sans accents."


def test_results_are_ranked_best_first(db):
    hits = search(db, "teletravail")
    assert len(hits) >= 2
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)


def test_text_is_kept_verbatim_and_only_matches_are_marked(db):
    (hit,) = search(db, "script", language="en")
    assert hit.text == 'She said "hello" then "goodbye" <script>alert(1)</script>'
    assert hit.snippet.replace(MARK_START, "").replace(MARK_END, "") == hit.text
    assert marked(hit) == ["script", "script"]


def test_control_characters_never_reach_the_archive(tmp_path):
    sessions = forum_sessions()[:1]
    sessions[0]["passages"] = [
        {"at": (1.0, 2.0), "text": dict.fromkeys(LANGS, "bell\x07 \x1b[31m red\x02 x\x03\nend")}
    ]
    write_event(tmp_path, FORUM, "Forum", sessions)
    build_index(tmp_path)
    (hit,) = search(tmp_path / DEFAULT_DB_NAME, "red", language="fr")
    assert hit.text == "bell [31m red x end"
    assert marked(hit) == ["red"]


def test_replay_link_points_at_the_recording_time(db):
    (hit,) = search(db, "ivoire")
    assert replay_link("outputs", hit) == f"outputs/{FORUM}/02-ivory-rules/replay.html#t=130"
    (hit,) = search(db, "francesa")
    assert replay_link(Path("/x/out"), hit).endswith("/02-ivory-rules/replay.html#t=140.25")


def test_hit_to_dict_is_json_ready(db):
    (hit,) = search(db, "ivoire")
    data = json.loads(json.dumps(hit.to_dict()))
    assert data["speakers"] == ["Jane Roe", "John Doe"]
    assert data["translations"]["es"] == "Las reglas sobre el marfil son estrictas."


# --- filters ---------------------------------------------------------------------------


def test_language_filter_matches_only_that_language(db):
    assert search(db, "ivory", language="fr") == []
    spanish = search(db, "telet*", language="es")
    assert len(spanish) == 3 and {h.language for h in spanish} == {"es"}
    assert search(db, "telet*", language="de") == []


def test_event_filter(db):
    assert {h.event_slug for h in search(db, "telet*")} == {FORUM, SPORT}
    hits = search(db, "telet*", event=SPORT)
    assert [(h.event_slug, h.language, h.is_original) for h in hits] == [(SPORT, "es", True)]
    assert {h.event_slug for h in search(db, "telet*", event=f"outputs/{FORUM}/")} == {FORUM}


def test_unknown_event_is_a_clear_error(db):
    with pytest.raises(SearchError, match=f"no event 'nope' in the archive .*{FORUM}"):
        search(db, "ivory", event="nope")


def test_limit(db):
    assert len(search(db, "telet*", limit=1)) == 1
    for bad in (0, -1, 10**6, True):
        with pytest.raises(SearchError, match="limit"):
            search(db, "ivory", limit=bad)


# --- incremental index -----------------------------------------------------------------


def test_first_build_indexes_every_event(outputs):
    stats = build_index(outputs)
    # FORUM: 4 sentences x 3 languages; SPORT: 1 x 3
    assert stats == IndexStats(events_indexed=2, events_unchanged=0, events_removed=0, passages=15)
    assert (outputs / DEFAULT_DB_NAME).is_file()


def test_second_build_changes_nothing(outputs, db):
    before = archive_counts(db)
    assert build_index(outputs) == IndexStats(0, 2, 0, 0)
    assert archive_counts(db) == before


def test_touched_language_file_reindexes_its_event_only(outputs, db):
    path = outputs / SPORT / "01-deporte" / "fr.json"
    doc = json.loads(path.read_text("utf-8"))
    doc["segments"][0]["text"] = "Le travail à distance est arrivé au sport."
    path.write_text(json.dumps(doc), "utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert build_index(outputs) == IndexStats(1, 1, 0, 3)
    assert [h.text for h in search(db, "distance")] == [
        "Le travail à distance est arrivé au sport."
    ]
    assert search(db, "télétravail", language="fr", event=SPORT) == []


def test_touch_alone_reindexes(outputs, db):
    path = outputs / FORUM / "01-le-teletravail" / "en.json"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert build_index(outputs) == IndexStats(1, 1, 0, 12)


def test_deleted_event_folder_is_removed(outputs, db):
    shutil.rmtree(outputs / SPORT)
    assert build_index(outputs) == IndexStats(0, 1, 1, 0)
    assert {h.event_slug for h in search(db, "telet*")} == {FORUM}
    with pytest.raises(SearchError, match="no event"):
        search(db, "deporte", event=SPORT)
    assert archive_counts(db)[:3] == (1, 2, 12)


def test_non_event_folders_and_files_are_skipped(outputs):
    (outputs / "README.md").write_text("# outputs/\n")
    (outputs / "notes").mkdir()
    (outputs / "notes" / "x.json").write_text("{not json")
    (outputs / ".cache").mkdir()
    assert build_index(outputs).events_indexed == 2


def test_db_path_can_be_elsewhere(outputs, tmp_path):
    db = tmp_path / "elsewhere" / "a.sqlite"
    assert build_index(outputs, db).events_indexed == 2
    assert not (outputs / DEFAULT_DB_NAME).exists()
    assert search(db, "ivory")


def test_corrupt_index_json_names_the_file_and_keeps_the_rest(outputs, db):
    (outputs / SPORT / "index.json").write_text('{"event": ', "utf-8")
    with pytest.raises(SearchError, match=rf"{SPORT}/index\.json: not valid JSON \(line 1"):
        build_index(outputs)
    assert {h.event_slug for h in search(db, "telet*")} == {FORUM, SPORT}  # old version kept


def test_index_json_of_another_shape_names_the_file(outputs):
    (outputs / SPORT / "index.json").write_text('{"event": {}, "sessions": [{}]}', "utf-8")
    with pytest.raises(SearchError, match=rf"{SPORT}/index\.json: sessions\[0\]\.index: missing$"):
        build_index(outputs)
    (outputs / SPORT / "index.json").write_text('{"event": {}, "sessions": 5}', "utf-8")
    with pytest.raises(SearchError, match=r"index\.json: sessions: expected a list, got 5$"):
        build_index(outputs)


def test_corrupt_language_file_names_the_file(outputs):
    path = outputs / FORUM / "02-ivory-rules" / "es.json"
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(SearchError, match=r"02-ivory-rules/es\.json: cannot be read"):
        build_index(outputs)
    path.write_text('{"segments": 3}', "utf-8")
    with pytest.raises(SearchError, match=r"02-ivory-rules/es\.json: segments: expected a list"):
        build_index(outputs)
    doc = json.loads((path.parent / "en.json").read_text("utf-8"))
    del doc["segments"][1]["recording_start"]
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(SearchError, match=r"es\.json: segments\[1\]\.recording_start: missing$"):
        build_index(outputs)
    doc["segments"][1]["recording_start"] = "soon"
    path.write_text(json.dumps(doc), "utf-8")
    expected = r"es\.json: segments\[1\]\.recording_start: expected a number of seconds"
    with pytest.raises(SearchError, match=rf"{expected} from 0 to 10000000, got 'soon'$"):
        build_index(outputs)
    path.unlink()
    with pytest.raises(SearchError, match=r"02-ivory-rules/es\.json: missing"):
        build_index(outputs)


def test_a_hand_edited_event_stops_a_strict_build_and_is_skipped_by_a_lenient_one(outputs, caplog):
    path = outputs / SPORT / "index.json"
    index = json.loads(path.read_text("utf-8"))
    index["sessions"][0]["start"] = "abc"
    path.write_text(json.dumps(index), "utf-8")
    place = r"sessions\[0\]\.start: expected a number of seconds from 0 to 10000000, got 'abc'$"
    with pytest.raises(SearchError, match=rf"{SPORT}/index\.json: {place}"):
        build_index(outputs)  # FORUM, before it by name, is indexed
    with caplog.at_level(logging.WARNING, logger="pipeline.archive.indexer"):
        stats = build_index(outputs, strict=False)
    assert stats == IndexStats(0, 1, 0, 0, events_skipped=1)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"{path}: sessions[0].start" in warning
    assert {h.event_slug for h in search(outputs / DEFAULT_DB_NAME, "telet*")} == {FORUM}


def test_an_event_folder_symlinked_from_outside_the_outputs_is_not_indexed(outputs, caplog):
    elsewhere = outputs.parent / "elsewhere"
    write_event(elsewhere, "2026-04-01-private", "Private board", forum_sessions())
    (outputs / "2026-04-01-private").symlink_to(elsewhere / "2026-04-01-private")
    with caplog.at_level(logging.WARNING):
        stats = build_index(outputs)
    assert stats.events_indexed == 2  # the forum and the sport day only
    assert {h.event_slug for h in search(outputs / DEFAULT_DB_NAME, "telet*")} == {FORUM, SPORT}
    assert "2026-04-01-private: not an event folder here (a symlink leads outside" in caplog.text


@pytest.mark.parametrize(
    "target",
    ["outside", "cache"],
    ids=["a language file symlinked out", "a language file symlinked into .cache"],
)
def test_a_language_file_reached_through_a_symlink_out_or_into_the_cache_is_not_read(
    outputs, target
):
    path = outputs / SPORT / "01-deporte" / "es.json"
    if target == "outside":
        moved = outputs.parent / "es.json"
        expected = "a symlink leads outside the folder"
    else:
        (outputs / SPORT / ".cache").mkdir()
        moved = outputs / SPORT / ".cache" / "es.json"
        expected = "a symlink leads to a hidden file"
    shutil.move(path, moved)
    path.symlink_to(moved)
    with pytest.raises(SearchError, match=rf"01-deporte/es\.json: not inside the .* \({expected}"):
        build_index(outputs)
    stats = build_index(outputs, strict=False)
    assert stats.events_skipped == 1
    assert {h.event_slug for h in search(outputs / DEFAULT_DB_NAME, "telet*")} == {FORUM}


def test_interrupted_event_update_leaves_the_previous_version(outputs, db, monkeypatch):
    before = archive_counts(db)
    path = outputs / FORUM / "02-ivory-rules" / "fr.json"
    doc = json.loads(path.read_text("utf-8"))
    doc["segments"][0]["text"] = "Un texte tout neuf."
    path.write_text(json.dumps(doc), "utf-8")
    calls = []
    real = indexer_module._write_session

    def crash_in_second_session(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first session of the event is already written
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(indexer_module, "_write_session", crash_in_second_session)
    with pytest.raises(KeyboardInterrupt):
        build_index(outputs)
    assert archive_counts(db) == before
    assert search(db, "neuf") == []
    assert search(db, "ivoire")
    monkeypatch.setattr(indexer_module, "_write_session", real)
    assert build_index(outputs) == IndexStats(1, 1, 0, 12)
    assert search(db, "neuf")


def test_missing_outputs_folder_and_foreign_files(tmp_path):
    with pytest.raises(SearchError, match="no outputs folder at"):
        build_index(tmp_path / "nope")
    with pytest.raises(SearchError, match=r"no archive at .*; run `webconf index"):
        search(tmp_path / "nope.sqlite", "ivory")
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database at all, just text" * 100)
    with pytest.raises(SearchError, match="not a webconf archive"):
        search(junk, "ivory")
    with pytest.raises(SearchError, match="not a webconf archive"):
        build_index(tmp_path, junk)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE precious (x)")
    with pytest.raises(SearchError, match="not a webconf archive"):
        build_index(tmp_path, other)
    with sqlite3.connect(other) as conn:  # untouched
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("precious",)]


def test_search_error_is_a_pipeline_error():
    assert issubclass(SearchError, PipelineError)


# --- hostile queries -------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\t\n",
    '"',
    "'",
    '""',
    '"""',
    'a"b',
    'ivory"',
    '"ivory',
    "*",
    "**",
    "ivory**",
    "*ivory",
    "-",
    "--",
    "-ivory",
    "- ivory",
    "AND",
    "OR",
    "NOT",
    "ivory AND",
    "OR ivory",
    "ivory OR",
    "ivory OR OR rules",
    "NOT NOT ivory",
    "ivory NOT",
    "ivory OR -rules",
    "NEAR(",
    "NEAR(ivory rules)",
    "ivory NEAR rules",
    "col:foo",
    "text:ivory",
    "{text}: ivory",
    "^ivory",
    "ivory^",
    "(ivory",
    "ivory)",
    "()",
    "); DROP TABLE passages; --",
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "ivory' OR '1'='1",
    "\\",
    "%",
    "_",
    "ivory%",
    "\x00",
    "ivory\x00rules",
    "a" * 10_000,
    "ivory " * 200,
    "x" * MAX_QUERY_CHARS,
    "télétravail 日本語 Ελληνικά العربية",
    "😀",
    "😀 ivory",
    "ivory😀",
    "\u200b",
    "e\u0301te\u0301",
    "\ufeffivory",
    "+ivory",
    "ivory + rules",
    "&&",
    "|",
    "ivory | rules",
    "[ivory]",
    "<script>alert(1)</script>",
    "%s %d {0}",
    "?",
    ":1",
    "$1",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_query_gives_results_or_a_clear_error(db, query):
    before = archive_counts(db)
    try:
        hits = search(db, query)
    except SearchError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 300
    else:
        assert isinstance(hits, list)
    assert archive_counts(db) == before


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "nothing to search for"),
        ("   ", "nothing to search for"),
        ("*", "nothing to search for"),
        ("😀", "nothing to search for"),
        ("); --", "nothing to search for"),
        ('"ivory', 'unbalanced "'),
        ('a"b', 'unbalanced "'),
        ("-ivory", "only excludes"),
        ("OR ivory", "OR must stand between two search terms"),
        ("ivory OR", "OR at the end of the query"),
        ("ivory NOT", "NOT at the end"),
        ("ivory OR OR rules", "OR followed by OR"),
        ("ivory OR -rules", "OR cannot join an excluded term"),
        ("a" * 10_000, "query too long (10000 characters"),
        (" ".join(f"w{i}" for i in range(40)), "too many search terms (40"),
    ],
)
def test_unreadable_queries_say_why(db, query, message):
    with pytest.raises(SearchError, match=message.replace("(", r"\(")):
        search(db, query)


def test_control_characters_in_a_query_separate_words(db):
    assert to_fts("ivory\x00rules\x1b") == '("ivory") AND ("rules")'
    assert [h.text for h in search(db, "rules\x00ivory")] == ["The rules on ivory are strict."]


def test_operator_words_in_lower_case_are_plain_words(db):
    assert to_fts("rules or ivory") == '("rules") AND ("or") AND ("ivory")'
    assert to_fts("NEAR(x y)") == '("NEAR(x") AND ("y)")'
    assert to_fts('say "a ""b" c') == '("say") AND ("a ") AND ("b") AND ("c")'


def test_random_queries_never_escape_as_sqlite_errors(db):
    """Fuzz: any mix of FTS5/SQL punctuation and words is either searched or refused."""
    rng = random.Random(20261128)
    pieces = ['"', "'", "*", "-", "(", ")", ":", "^", "+", "{", "}", ",", ";", " ", " ",
              "AND", "OR", "NOT", "NEAR", "ivory", "télé", "x", "é", "😀", "\\", "%"]  # fmt: skip
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5 (text, tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO t VALUES ('ivory télétravail x')")
    for _ in range(1500):
        query = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        try:
            expr = to_fts(query)
        except SearchError:
            continue
        conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expr,)).fetchone()
    for _ in range(100):
        query = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        try:
            search(db, query)
        except SearchError:
            pass
    assert archive_counts(db)[0] == 2


# --- the real sample event -----------------------------------------------------------


@pytest.fixture
def sample_outputs(tmp_path: Path) -> Path:
    """The sample event as the pipeline's writers write it (never outputs/, so the
    result does not depend on whether `make run` has run)."""
    from web_helpers import write_synthetic_event

    root = tmp_path / "outputs"
    write_synthetic_event(root)
    return root


def test_sample_event_ivory_and_ivoire_are_the_same_passage(sample_outputs):
    stats = build_index(sample_outputs)
    assert stats.events_indexed == 1 and stats.passages > 0
    db = sample_outputs / DEFAULT_DB_NAME
    english = search(db, "ivory", language="en")
    french = search(db, "ivoire", language="fr")
    assert english and french
    assert all(h.is_original and h.original_language == "en" for h in english)
    assert all(not h.is_original and h.original_language == "en" for h in french)
    assert {h.recording_start_ms for h in english} == {h.recording_start_ms for h in french}
    for fr_hit in french:
        (en_hit,) = [h for h in english if h.recording_start_ms == fr_hit.recording_start_ms]
        assert fr_hit.original_text == en_hit.text
        assert fr_hit.translations["en"] == en_hit.text
        assert en_hit.translations["fr"] == fr_hit.text
        assert en_hit.session_slug == fr_hit.session_slug
        assert en_hit.recording == fr_hit.recording == "sample-webinar.mp4"
        assert "ivory" in en_hit.text.lower() and "ivoire" in fr_hit.text.lower()
    with sqlite3.connect(db) as conn:  # every sentence in 3 languages; every cue in one
        sizes = conn.execute("SELECT count(*) FROM passages GROUP BY passage_key").fetchall()
        assert {n for (n,) in sizes} == {3}
        assert conn.execute("SELECT count(*) FROM cues WHERE passage_key IS NULL").fetchone() == (
            0,
        )
    assert build_index(sample_outputs) == IndexStats(0, 1, 0, 0)
