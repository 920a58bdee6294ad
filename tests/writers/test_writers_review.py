"""Pointing reviewers at what to check: unsure words highlighted in the transcript,
and per session and language what awaits review in the index."""

from __future__ import annotations

import json
from dataclasses import replace

from track_builders import make_event, make_session, original_track

from pipeline.types import Sentence, Word
from pipeline.writers import IndexEntry, write_event_index, write_session_track
from pipeline.writers.html_writer import render


def unsure_track():
    session = make_session()
    base = session.start_ms
    words = (
        Word(base + 1000, base + 1400, " Hello", 0.91),
        Word(base + 1400, base + 1800, " Arbetsformedlingen", 0.21),
        Word(base + 1800, base + 2000, " <today>.", 0.35),
    )
    sentence = Sentence(
        base + 1000, base + 2000, "Hello Arbetsformedlingen <today>.", "en", words, "en"
    )
    track = original_track(session, sentences=(sentence,))
    return replace(track, cues=(replace(track.cues[0], low_confidence=True),))


def test_words_the_recogniser_was_unsure_of_are_highlighted_escaped():
    page = render(unsure_track(), make_event())
    assert '<mark class="unsure" title="recognised with probability 0.21: check it">' in page
    assert ">Arbetsformedlingen</mark>" in page and ">&lt;today&gt;.</mark>" in page
    assert "Hello <mark" in page  # the sure word is plain, the spacing kept
    assert "2 words recognised with probability under 0.5, to check" in page


def test_a_reviewed_sentence_has_nothing_highlighted():
    track = unsure_track()
    reviewed = replace(track, sentences=(replace(track.sentences[0], reviewed=True),))
    assert "<mark" not in render(reviewed, make_event())


def test_the_index_counts_what_awaits_review_per_session_and_language(tmp_path):
    track = unsure_track()
    entry = IndexEntry.from_written(
        track, write_session_track(track, make_event(), tmp_path), tmp_path
    )
    write_event_index(make_event(), [entry], tmp_path, {})
    doc = json.loads((tmp_path / "index.json").read_text("utf-8"))
    session = next(s for s in doc["sessions"] if s["index"] == track.session.index)
    assert session["languages"]["en"]["to_review"] == {"words": 2, "cues": 1}
    assert "to review: 2 words, 1 cue" in (tmp_path / "index.html").read_text("utf-8")
