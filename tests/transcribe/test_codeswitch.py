"""A panel where the speaker changes language every sentence (real FLEURS clips in
English, French and Spanish, one session, no language declared)."""

from __future__ import annotations

import pytest
from mixes import code_switch_mix
from wer import wer

from pipeline import RunOptions, run_event


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("panel")
    placed = code_switch_mix(folder / "panel.wav")
    manifest = folder / "panel.toml"
    manifest.write_text(
        f'[event]\ntitle = "Panel"\n\n[[recording]]\nfile = "{folder / "panel.wav"}"\n',
        encoding="utf-8",
    )
    result = run_event(
        manifest, folder / "out", RunOptions(show_progress=False, export_audio=False)
    )
    return placed, result, manifest


def spoken_words(result, clip):
    """Original (not translated) words said during a clip, with their language tag."""
    return [
        (w, s.language)
        for t in result.tracks
        for s in t.sentences
        if s.words and s.language == t.language
        for w in s.words
        if clip.start_ms - 500 <= (w.start_ms + w.end_ms) // 2 <= clip.end_ms + 500
    ]


def test_each_stretch_is_tagged_with_the_language_spoken(panel):
    placed, result, _ = panel
    tagged = [tag == clip.language for clip in placed for _, tag in spoken_words(result, clip)]
    assert len(tagged) > 100
    assert sum(tagged) / len(tagged) >= 0.95


def test_each_stretch_is_transcribed_in_its_own_language(panel):
    placed, result, _ = panel
    for lang, limit in (("en", 0.2), ("fr", 0.45), ("es", 0.2)):
        clips = [c for c in placed if c.language == lang]
        hyps = ["".join(w.text for w, _ in spoken_words(result, c)) for c in clips]
        assert wer([c.reference for c in clips], hyps) <= limit, (lang, hyps)


def test_every_language_track_holds_originals_and_translations_of_the_rest(panel):
    _, result, _ = panel
    for track in result.tracks:
        kinds = {s.source_language == track.language for s in track.sentences}
        assert kinds == {True, False}, track.language
        translated = [s for s in track.sentences if s.source_language != track.language]
        assert all("apertium" in s.engine for s in translated)


def test_whisper_speech_translation_keeps_the_english_that_was_spoken(panel):
    placed, first, manifest = panel
    result = run_event(
        manifest,
        first.event_dir.parent,
        RunOptions(mt="whisper", show_progress=False, export_audio=False),
    )
    english = next(t for t in result.tracks if t.language == "en")
    spoken = [s for s in english.sentences if s.source_language == "en"]
    by_whisper = [s for s in english.sentences if s.source_language in ("fr", "es")]
    assert {s.engine for s in by_whisper} == {"whisper (speech translation)"}
    for clip in placed:
        middle = (clip.start_ms + clip.end_ms) // 2
        covering = [s for s in english.sentences if s.start_ms - 1500 <= middle <= s.end_ms + 1500]
        assert covering, f"no English for the {clip.language} clip at {clip.start_ms} ms"
    assert len(spoken) >= 3 and len(by_whisper) >= 4


def test_a_panel_switching_language_every_sentence_gets_no_boundary_suggested(panel):
    _, result, _ = panel
    assert result.suggested == ()
