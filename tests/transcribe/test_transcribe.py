"""Transcription stage with the real English-only tiny.en model on real speech."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from wer import wer

from pipeline.media.decode import decode
from pipeline.media.probe import probe
from pipeline.models.locate import whisper_model
from pipeline.transcribe.language_id import assign_languages, majority_language
from pipeline.transcribe.vad import VadOptions, group_chunks, merge_regions, speech_regions
from pipeline.transcribe.whisper import TranscribeOptions, _uncovered, load_model, transcribe_chunks
from pipeline.types import Recording, Segment, Word

SHARED = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"
CLIPS = ["fleurs-en-000", "fleurs-en-003", "fleurs-en-004"]


@pytest.fixture(scope="module")
def english_audio(tmp_path_factory) -> tuple[np.ndarray, list[str]]:
    """Three real English clips joined with 1.5 s of silence, as in a meeting."""
    folder = tmp_path_factory.mktemp("audio")
    parts = []
    for name in CLIPS:
        parts += ["-i", str(SHARED / f"{name}.ogg")]
    filters = (
        "".join(f"[{i}:a]aresample=16000,apad=pad_dur=1.5[a{i}];" for i in range(len(CLIPS)))
        + "".join(f"[a{i}]" for i in range(len(CLIPS)))
        + f"concat=n={len(CLIPS)}:v=0:a=1[out]"
    )
    out = folder / "meeting.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            *parts,
            "-filter_complex",
            filters,
            "-map",
            "[out]",
            "-ac",
            "1",
            str(out),
        ],
        check=True,
    )
    refs = [(SHARED / f"{name}.txt").read_text("utf-8") for name in CLIPS]
    return decode(Recording(out)).samples, refs


@pytest.fixture(scope="module")
def tiny_model():
    return load_model(whisper_model("tiny.en"))


def clip_spans() -> list[tuple[int, int]]:
    spans, t = [], 0
    for name in CLIPS:
        d = probe(SHARED / f"{name}.ogg").duration_ms
        spans.append((t, t + d))
        t += d + 1500
    return spans


def test_vad_finds_speech_in_every_clip_and_none_in_the_pauses(english_audio):
    samples, _ = english_audio
    chunks = group_chunks(speech_regions(samples, VadOptions()), 25_000)
    spans = clip_spans()
    for start, end in spans:
        assert any(c.start_ms < end and c.end_ms > start for c in chunks)
    for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        pause_middle = (end + next_start) // 2
        assert not any(c.start_ms < pause_middle < c.end_ms for c in chunks)
    assert all(c.end_ms - c.start_ms <= 25_000 for c in chunks)


def test_chunked_decoding_transcribes_every_clip_of_real_english(english_audio, tiny_model):
    samples, refs = english_audio
    options = TranscribeOptions(beam_size=2)
    chunks = group_chunks(speech_regions(samples, options.vad), options.max_chunk_ms)
    segments = transcribe_chunks(tiny_model, samples, "en", chunks, None, options)
    words = [w for s in segments for w in s.words]
    per_clip = [
        "".join(w.text for w in words if a - 500 <= (w.start_ms + w.end_ms) // 2 < b + 500)
        for a, b in clip_spans()
    ]
    assert all(text.strip() for text in per_clip), per_clip  # nothing dropped
    assert wer(refs, per_clip) <= 0.35, per_clip
    times = [(w.start_ms, w.end_ms) for s in segments for w in s.words]
    assert all(0 <= a <= b <= len(samples) // 16 for a, b in times)
    assert times == sorted(times)


def test_silence_yields_no_chunks_and_no_text(tiny_model):
    silence = np.zeros(16000 * 5, dtype=np.float32)
    options = TranscribeOptions()
    chunks = group_chunks(speech_regions(silence, options.vad), options.max_chunk_ms)
    assert chunks == []
    assert transcribe_chunks(tiny_model, silence, "en", chunks, None, options) == ()


def test_speech_region_without_words_is_reported_for_redecoding():
    segment = Segment(0, 1000, "hello", "en", (Word(100, 900, " hello"),))
    assert _uncovered([(0, 1000), (2000, 4000), (5000, 5200)], [segment]) == [(2000, 4000)]


def test_short_fragments_merge_but_sentences_stay_separate_chunks():
    regions = [(0, 1000), (1500, 2500), (3000, 9000), (9600, 15000)]
    chunks = group_chunks(regions, 25_000, min_chunk_ms=3000)
    assert [(c.start_ms, c.end_ms) for c in chunks] == [(0, 9000), (9600, 15000)]
    assert chunks[0].speech == ((0, 1000), (1500, 2500), (3000, 9000))


def test_no_chunk_is_longer_than_the_limit():
    regions = [(i * 2000, i * 2000 + 1900) for i in range(30)]
    chunks = group_chunks(regions, 10_000, min_chunk_ms=60_000)
    assert all(c.end_ms - c.start_ms <= 10_000 for c in chunks)
    assert sum(len(c.speech) for c in chunks) == 30


def test_session_language_is_weighted_by_speech_duration():
    regions = [(0, 10_000), (11_000, 12_000)]
    probs = [{"en": 0.2, "fr": 0.8}, {"en": 1.0, "fr": 0.0}]
    assert majority_language(regions, probs) == "fr"


def test_uncertain_or_short_regions_take_their_neighbours_language():
    regions = [(0, 5000), (5200, 5800), (6000, 9000), (12_000, 15_000), (15_200, 16_000)]
    probs = [{"en": 0.9, "fr": 0.1}, {}, {"en": 0.4, "fr": 0.6}, {"en": 0.55, "fr": 0.45}, {}]
    langs = assign_languages(regions, probs, fallback="es")
    assert langs == ["en", "en", "fr", "fr", "fr"]  # a tie goes to the previous speaker
    regions[1] = (5300, 5800)  # now closer to the French that follows
    assert assign_languages(regions, probs, fallback="es")[1] == "fr"
    assert assign_languages([(0, 1000)], [{}], fallback="es") == ["es"]


def test_chunks_never_mix_languages():
    regions = [(0, 1000), (1500, 2500), (3000, 4000)]
    chunks = group_chunks(regions, 25_000, min_chunk_ms=6000, languages=["en", "en", "fr"])
    assert [(c.language, c.speech) for c in chunks] == [
        ("en", ((0, 1000), (1500, 2500))),
        ("fr", ((3000, 4000),)),
    ]


def test_quiet_speech_found_only_after_normalising_is_added_without_moving_the_rest():
    raw = [(1000, 5000), (9000, 12_000)]
    normalised = [(900, 5200), (6000, 8000), (9100, 11_900)]
    assert merge_regions(raw, normalised) == [(1000, 5000), (6000, 8000), (9000, 12_000)]
