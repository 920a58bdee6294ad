"""The archive indexes interpreted passages as interpretation, and says so in results.

The event is the pipeline's own writers' output for a recording with interpreter
channels (tests/outputs/interpreted_outputs.py): in session 1 (spoken in English) two
Spanish sentences are the Spanish interpreter's and one is Apertium's; in session 2
(spoken in French) the English is the English interpreter's.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from interpreted_outputs import SENTENCES, build_interpreted_event

from pipeline.archive import DEFAULT_DB_NAME, build_index, search
from pipeline.cli.archive import render_hit
from pipeline.web.app import create_app

INTERPRETER = "interpretation (human interpreter, transcribed by Whisper)"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    """The outputs folder of the interpreted event, with its archive built."""
    built = build_interpreted_event(tmp_path_factory.mktemp("interpreted"), "files")
    outputs = built.event_dir.parent
    stats = build_index(outputs)
    assert (stats.events_indexed, stats.passages) == (1, 18)
    return outputs


def rows(outputs: Path, sql: str, *args) -> list[sqlite3.Row]:
    conn = sqlite3.connect(outputs / DEFAULT_DB_NAME)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_interpreted_passages_are_indexed_as_interpretation(indexed):
    found = rows(
        indexed,
        "SELECT s.idx, p.language, p.text, p.is_original, p.source_language, p.source_text,"
        " p.engine, p.passage_key FROM passages p JOIN sessions s ON s.id = p.session_id"
        " WHERE p.origin = 'interpretation' ORDER BY s.idx, p.recording_start_ms",
    )
    expected = [(1, "es", n) for n in (0, 1)] + [(2, "en", n) for n in (0, 1, 2)]
    assert [(r["idx"], r["language"]) for r in found] == [(i, lang) for i, lang, _ in expected]
    spoken = {1: "en", 2: "fr"}
    for row, (session, language, n) in zip(found, expected, strict=True):
        texts = SENTENCES[session][n][2]
        assert row["text"] == texts[language]
        assert row["is_original"] == 0  # an interpreter's words are not what was said
        assert row["source_language"] == spoken[session]
        assert row["source_text"] == texts[spoken[session]]  # what the interpreter rendered
        assert row["engine"] == "whisper (interpretation)"
        # one passage with the floor's sentence and its other versions
        versions = rows(
            indexed,
            "SELECT language, origin FROM passages WHERE passage_key = ? ORDER BY language",
            row["passage_key"],
        )
        assert len(versions) == 3
        assert dict((v["language"], v["origin"]) for v in versions)[spoken[session]] == "original"
    machine = rows(
        indexed,
        "SELECT p.text FROM passages p JOIN sessions s ON s.id = p.session_id"
        " WHERE s.idx = 1 AND p.language = 'es' AND p.origin = 'machine'",
    )
    assert [r["text"] for r in machine] == [SENTENCES[1][2][2]["es"]]


def test_a_hit_on_an_interpreted_passage_says_interpretation(indexed):
    (hit,) = search(indexed / DEFAULT_DB_NAME, "presupuesto")
    assert (hit.language, hit.origin, hit.is_original) == ("es", "interpretation", False)
    assert hit.label() == "interpretation"
    assert hit.description() == INTERPRETER
    assert hit.original_language == "en"
    assert hit.original_text == "The committee approved the budget."
    assert hit.description("fr") == "machine translation (apertium)"
    assert hit.description("en") == "original speech"
    data = json.loads(json.dumps(hit.to_dict()))
    assert (data["origin"], data["engine"]) == ("interpretation", "whisper (interpretation)")
    assert data["engines"] == {"en": "whisper", "fr": "apertium"}
    lines = render_hit(1, hit, "outputs")
    assert lines[1].startswith("   [00:00:01] es (interpretation): El comité aprobó el [")
    assert lines[2] == "      en (original): The committee approved the budget."


def test_a_hit_on_the_floor_names_the_interpretation_among_its_versions(indexed):
    (hit,) = search(indexed / DEFAULT_DB_NAME, "budget", language="en")
    assert hit.is_original and hit.origin == "original"
    assert (hit.label("es"), hit.description("es")) == ("interpretation", INTERPRETER)
    assert hit.translations["es"] == "El comité aprobó el presupuesto anual."
    # a session whose English is interpreted: a hit in English is the interpreter's
    (hit,) = search(indexed / DEFAULT_DB_NAME, "delegation", language="en")
    assert (hit.language, hit.origin) == ("en", "interpretation")
    assert hit.original_language == "fr" and hit.original_text == "Chaque délégation a une voix."


def test_the_search_page_marks_interpretation(indexed):
    client = create_app(indexed).test_client()
    page = client.get("/search?q=presupuesto")
    assert page.status_code == 200
    text = page.text
    assert '<span class="badge interp" title="Interpretation (human interpreter, ' in text
    assert ">Spanish, interpreted</span>" in text
    assert (
        '<p class="how interp">Interpretation (human interpreter, transcribed by Whisper) '
        "from English</p>"
    ) in text
    page = client.get("/search?q=voto&lang=es")  # Spanish, machine-translated
    assert '<p class="how mt">Machine translation (apertium) from French</p>' in page.text
    page = client.get("/search?q=budget&lang=en")  # the floor: no mark; its versions named
    assert 'class="how' not in page.text
    assert "Spanish (interpretation): El comité aprobó el presupuesto anual." in page.text
