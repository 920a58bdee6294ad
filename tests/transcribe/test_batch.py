"""Batched decoding over trimmed encoder windows, with the real models on real speech:
each window is encoded once (language detection's output is decoded), and the words
are those of faster-whisper's own one-window-at-a-time decoding."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from mixes import FLEURS, build_mix
from wer import wer

from pipeline.media.decode import decode
from pipeline.models.locate import whisper_model
from pipeline.transcribe import batch
from pipeline.transcribe.batch import Encoder, Window, batches, fits
from pipeline.transcribe.vad import Chunk, group_chunks, speech_regions
from pipeline.transcribe.whisper import (
    TranscribeOptions,
    chunk_windows,
    load_model,
    transcribe_chunks,
)
from pipeline.types import Recording


@pytest.fixture(scope="module")
def mix(tmp_path_factory):
    """English, French, Spanish, English: one real FLEURS sentence each."""
    names = ["fleurs-en-000", "fleurs-fr-000", "fleurs-es-000", "fleurs-en-001"]
    out = tmp_path_factory.mktemp("batch") / "mix.wav"
    placed = build_mix([FLEURS / f"{n}.ogg" for n in names], out)
    return decode(Recording(out)).samples, placed


def spoken(placed, start_ms: int) -> str:
    """The language of the clip a speech region starts in."""
    return next(p.language for p in placed if p.start_ms - 500 <= start_ms < p.end_ms)


def per_clip(segments, placed) -> list[str]:
    words = [w for s in segments for w in s.words]
    return [
        "".join(w.text for w in words if p.start_ms - 500 <= (w.start_ms + w.end_ms) // 2
                < p.end_ms + 500)  # fmt: skip
        for p in placed
    ]


def test_batched_decoding_reads_what_one_window_at_a_time_reads(mix):
    samples, placed = mix
    model = load_model(whisper_model("base"))
    options = TranscribeOptions()
    regions = speech_regions(samples, options.vad)
    languages = [spoken(placed, s) for s, _ in regions]
    chunks = group_chunks(regions, options.max_chunk_ms, options.vad.min_chunk_ms, languages)
    refs = [p.reference for p in placed]
    batched = per_clip(transcribe_chunks(model, samples, "en", chunks, None, options), placed)
    one_by_one = per_clip(
        transcribe_chunks(model, samples, "en", chunks, None, replace(options, batch_size=0)),
        placed,
    )
    assert all(text.strip() for text in batched), batched  # no sentence skipped
    assert wer(refs, batched) <= wer(refs, one_by_one) + 0.03, (batched, one_by_one)
    assert wer(refs, batched) <= 0.3, batched


def test_language_detection_output_is_decoded_without_encoding_again(mix):
    samples, placed = mix
    model = load_model(whisper_model("base"))
    options = TranscribeOptions()
    regions = speech_regions(samples, options.vad)
    alone = [Chunk(s, e, ((s, e),)) for s, e in regions]
    windows = chunk_windows(alone, regions, options)
    encoder = Encoder(model, samples, options.batch_size)
    probs = encoder.detect(windows, ("en", "fr", "es"))
    detected = [max(p, key=p.get) for p in probs]
    truth = [spoken(placed, s) for s, _ in regions]
    assert detected == truth
    passes = encoder.passes
    assert passes <= len(windows)  # batched: several windows per pass
    chunks = [replace(c, language=lang) for c, lang in zip(alone, detected, strict=True)]
    segments = transcribe_chunks(model, samples, "en", chunks, None, options, encoder=encoder)
    assert encoder.passes == passes and encoder.reused == len(windows)
    assert all(text.strip() for text in per_clip(segments, placed))
    assert {s.language for s in segments} == {"en", "fr", "es"}


def test_windows_are_batched_by_similar_length_and_long_ones_left_out():
    windows = [Window(0, 5_000), Window(0, 27_500), Window(0, 6_000), Window(0, 12_000),
               Window(0, 4_000), Window(0, 9_500)]  # fmt: skip
    groups = batches(windows, size=2)
    assert groups == [(4, 0), (2, 5), (3,)]  # 4-5 s, 6-9.5 s, 12 s; 27.5 s does not fit
    assert not fits(windows[1])
    assert all(len(g) <= 2 for g in groups)


def test_an_unclosed_last_segment_keeps_its_words():
    tokenizer = SimpleNamespace(timestamp_begin=1000, eot=999)
    ids = [1000, 5, 6, 1100, 1100, 7, 8]  # <0.00> a b <2.00><2.00> c d (no closing stamp)
    assert batch._split(tokenizer, ids, 4.5) == [(0.0, 2.0, [5, 6]), (2.0, 4.5, [7, 8])]


class _Counting:
    """A stand-in for the model's encoder: outputs of base's shape, detection says fr."""

    def __init__(self):
        self.model = SimpleNamespace(
            detect_language=lambda out: [[("<|fr|>", 0.9), ("<|en|>", 0.1)]] * len(out)
        )

    def feature_extractor(self, samples):
        return np.zeros((80, len(samples) // 160 + 1), dtype=np.float32)

    def encode(self, features):
        return np.zeros((features.shape[0], features.shape[-1] // 2, 512), dtype=np.float32)


def test_kept_encoder_output_stays_within_its_memory_bound(monkeypatch):
    monkeypatch.setattr(batch, "KEEP_BYTES", 3 * 500 * 512 * 4)  # three 10 s windows
    samples = np.zeros(16000 * 120, dtype=np.float32)
    windows = [Window(s, s + 4_000) for s in range(0, 100_000, 10_000)]
    encoder = Encoder(_Counting(), samples, batch_size=4)
    probs = encoder.detect(windows, ("en", "fr"))
    assert all(p == pytest.approx({"fr": 0.9, "en": 0.1}) for p in probs)
    assert len(encoder._kept) == 3 and encoder._bytes <= batch.KEEP_BYTES
