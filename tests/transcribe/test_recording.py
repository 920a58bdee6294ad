"""The transcribe stage as a plain function: real audio and real VAD, a fake Whisper
(so the orchestration is tested fast, and what reaches the model is visible)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeRecogniser, FakeWhisper
from mixes import build_mix

from pipeline.cache import StageCache
from pipeline.fsio import sha256_file
from pipeline.transcribe.recording import (
    AudioSource,
    SpeechRequest,
    transcribe_recording,
)
from pipeline.transcribe.whisper import TranscribeOptions
from pipeline.types import Recording, Session

SHARED = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"
CLIP = SHARED / "fleurs-en-004.ogg"  # one sentence about dinosaurs, about 9 s


@pytest.fixture()
def source() -> AudioSource:
    return AudioSource(Recording(CLIP), sha256_file(CLIP))


# The fake answers like faster-whisper's own `transcribe`: decoding goes that way here
# (batch_size 0); batched decoding runs with the real model in test_batch.py.
UNBATCHED = TranscribeOptions(batch_size=0)


def sessions(*spans: tuple[int, int]) -> tuple[Session, ...]:
    return tuple(
        Session(index=i, title=f"S{i}", recording=CLIP, start_ms=a, end_ms=b)
        for i, (a, b) in enumerate(spans, start=1)
    )


def test_each_session_gets_the_speech_inside_it_in_the_language_detected(tmp_path, source):
    fake = FakeWhisper()
    agenda = sessions((0, 20_000))
    request = SpeechRequest(languages=("en", "fr", "es"), glossary=("VDAB", "Bonjoor"))
    (transcript,) = transcribe_recording(
        source, agenda, UNBATCHED, StageCache(tmp_path), FakeRecogniser(fake), request
    )
    assert transcript.session == agenda[0]
    assert transcript.speech_translation is None  # not asked for
    assert transcript.segments and {s.language for s in transcript.segments} == {"fr"}
    assert all(s.origin == "original" for s in transcript.segments)
    assert all(0 <= w.start_ms <= w.end_ms <= 20_000 for s in transcript.segments for w in s.words)
    assert {c["language"] for c in fake.calls} == {"fr"}
    # heard unprimed, then again primed with the one term it came close to
    assert [c["initial_prompt"] for c in fake.calls] == [None, "Bonjoor."]
    assert all(c["condition_on_previous_text"] is False for c in fake.calls)
    # language detection encodes each region's window, not a padded 30 s one
    assert fake.encoded and all(n < 3000 for n in fake.encoded)


def test_a_cached_recording_never_reaches_the_model(tmp_path, source):
    request = SpeechRequest(languages=("en", "fr"))
    first = transcribe_recording(
        source,
        sessions((0, 20_000)),
        UNBATCHED,
        StageCache(tmp_path),
        FakeRecogniser(FakeWhisper()),
        request,
    )
    again = FakeWhisper()
    cache = StageCache(tmp_path)
    second = transcribe_recording(
        source, sessions((0, 20_000)), UNBATCHED, cache, FakeRecogniser(again), request
    )
    assert second == first
    assert again.calls == [] and cache.misses == 0 and cache.hits >= 3  # vad, language, text


def test_speech_translation_is_asked_for_and_marked_as_such(tmp_path, source):
    fake = FakeWhisper()
    request = SpeechRequest(languages=("en", "fr"), speech_translation=True)
    (transcript,) = transcribe_recording(
        source,
        sessions((0, 20_000)),
        UNBATCHED,
        StageCache(None),
        FakeRecogniser(fake),
        request,
    )
    assert {c["task"] for c in fake.calls} == {"transcribe", "translate"}
    english = transcript.speech_translation
    assert english and all(s.language == "en" for s in english)
    assert {(s.origin, s.source_language) for s in english} == {("speech-translation", "fr")}


def test_an_english_only_model_decodes_in_the_declared_language(tmp_path, source):
    fake = FakeWhisper(multilingual=False)
    agenda = (Session(1, "S1", CLIP, 0, 20_000, language="es"),)
    (transcript,) = transcribe_recording(
        source,
        agenda,
        UNBATCHED,
        StageCache(None),
        FakeRecogniser(fake),
        SpeechRequest(languages=("en", "es")),
    )
    assert {s.language for s in transcript.segments} == {"es"}  # no language detection ran


def test_a_moved_boundary_decodes_and_detects_nothing_that_did_not_change(tmp_path):
    """Chunks and language detections are cached one by one: splitting a session in
    two at a pause reuses every chunk's text (it used to decode both sessions again)."""
    placed = build_mix([SHARED / f"fleurs-en-00{i}.ogg" for i in (0, 1, 4)], tmp_path / "m.wav")
    mix = AudioSource(Recording(tmp_path / "m.wav"), sha256_file(tmp_path / "m.wav"))
    end = placed[-1].end_ms + 1000
    split = (placed[1].end_ms + placed[2].start_ms) // 2  # in the pause before the third
    request = SpeechRequest(languages=("en", "fr"))
    cache = StageCache(tmp_path / "cache")
    first = FakeWhisper()
    whole = transcribe_recording(
        mix, sessions((0, end)), UNBATCHED, cache, FakeRecogniser(first), request
    )
    again = FakeWhisper()
    cache = StageCache(tmp_path / "cache")
    halves = transcribe_recording(
        mix, sessions((0, split), (split, end)), UNBATCHED, cache, FakeRecogniser(again), request
    )
    assert first.calls and again.calls == [] and again.encoded == []
    assert cache.by_stage["transcribe"][1] == 0 and cache.by_stage["language"][1] == 0
    assert [s for t in halves for s in t.segments] == list(whole[0].segments)


def test_an_interpreter_channel_is_primed_with_the_terms_the_floor_said_around_it(source):
    def prompts(said):
        fake = FakeWhisper()
        request = SpeechRequest(languages=("fr",), glossary=("VDAB", "Bonjoor"), said=said)
        transcribe_recording(
            source, sessions((0, 20_000)), UNBATCHED, StageCache(None), FakeRecogniser(fake),
            request,
        )  # fmt: skip
        return [c["initial_prompt"] for c in fake.calls]

    assert prompts(((1000, 12_000, "VDAB"),)) == ["VDAB."]  # once: no near-miss pass
    assert prompts(((30_000, 40_000, "VDAB"),)) == [None]  # said long after this speech
