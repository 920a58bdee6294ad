"""Provenance wording, derived from the sentences (sessions may switch language)."""

from __future__ import annotations

from dataclasses import replace

from track_builders import (
    MIXED_ENGINE,
    at,
    make_session,
    mixed_track,
    original_track,
    translated_track,
)

from pipeline.types import Cue, Sentence, SessionTrack
from pipeline.writers.provenance import (
    composition,
    original_share,
    provenance,
    provenance_with_engine,
    track_marker,
)
from pipeline.writers.timed import normalise_cues


def test_all_original_sentences_read_as_original_transcript():
    track = original_track()
    assert provenance(track) == "Original transcript (Whisper)"
    assert provenance_with_engine(track) == "Original transcript"
    assert track_marker(track) == "original"
    assert original_share(track) == 1.0


def test_no_original_sentence_reads_as_machine_translation_by_the_sentences_engine():
    track = translated_track()
    assert provenance(track) == "Machine translation from English by argos en_fr 1.9"
    assert provenance_with_engine(track) == (
        "Machine translation from English (engine: argos en_fr 1.9)"
    )
    assert track_marker(track) == "machine translation (argos en_fr 1.9)"
    assert original_share(track) == 0.0


def test_mixed_track_names_original_language_and_translated_passages():
    track = mixed_track()
    assert provenance(track) == (
        "Original English transcript (Whisper), with passages machine-translated "
        f"from French by {MIXED_ENGINE}"
    )
    assert provenance_with_engine(track) == (
        "Original English transcript, with passages machine-translated "
        f"from French (engine: {MIXED_ENGINE})"
    )
    assert track_marker(track) == f"original, with machine-translated passages ({MIXED_ENGINE})"
    assert original_share(track) == round(48 / 80, 3)
    assert composition(track).kind == "mixed"


def test_labels_follow_the_sentences_not_only_the_track_flag():
    # the track says "original" (its language is the session's), yet most text is translated
    session = make_session()
    sentences = (
        Sentence(at(0), at(1000), "Yes.", "en", (), "en"),
        Sentence(
            at(1000),
            at(9000),
            "A long passage spoken in Spanish.",
            "en",
            (),
            "es",
            "x",
            "apertium (es→en)",
            origin="machine",
        ),
        Sentence(
            at(9000),
            at(12000),
            "And a French one.",
            "en",
            (),
            "fr",
            "y",
            "apertium (fr→es→en)",
            origin="machine",
        ),
    )
    track = SessionTrack(session, "en", "en", "whisper", sentences, ())
    assert track.is_original
    assert provenance(track) == (
        "Machine translation from Spanish by apertium (es→en) and from French by "
        "apertium (fr→es→en), with original English passages (Whisper)"
    )
    assert track_marker(track).startswith("machine translation (")
    assert original_share(track) == round(4 / (4 + 33 + 17), 3)


def test_translated_track_with_an_original_sentence_is_not_called_a_pure_translation():
    track = translated_track()
    own = Sentence(at(5000), at(6000), "Merci.", "fr", (), "fr")
    track = replace(track, sentences=(*track.sentences, own))
    assert "Machine translation" in provenance(track)
    assert "original French passages" in provenance(track)


def test_tracks_without_text_fall_back_to_track_facts():
    empty_original = original_track(sentences=())
    assert provenance(empty_original) == "Original transcript (Whisper)"
    assert original_share(empty_original) == 1.0
    empty_translation = replace(translated_track(), sentences=())
    assert provenance(empty_translation) == ("Machine translation from English by argos en_fr 1.9")
    assert original_share(empty_translation) == 0.0


def test_merged_cues_keep_flags_and_review_clears_low_confidence():
    cues = [
        Cue(0, 1000, ("a",), "en", low_confidence=True),
        Cue(0, 1200, ("b",), "en", reviewed=True),
        Cue(2000, 3000, ("c",), "en", low_confidence=True, reviewed=True),
        Cue(4000, 5000, ("d",), "en", reviewed=True),
    ]
    merged, confirmed, reviewed = normalise_cues(cues, id_prefix="en")
    assert (merged.lines, merged.low_confidence, merged.reviewed) == (("a", "b"), True, False)
    assert (confirmed.low_confidence, confirmed.reviewed) == (False, True)
    assert (reviewed.low_confidence, reviewed.reviewed) == (False, True)
