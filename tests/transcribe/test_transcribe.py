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


def test_long_digital_silence_is_not_given_to_silero(english_audio, monkeypatch):
    """A minute of digital silence between the clips is skipped (Silero costs as much
    on silence as on speech), and the speech found is the same, a minute later."""
    import pipeline.transcribe.vad as vad

    samples, _ = english_audio
    gap = 60 * 16000
    spans = clip_spans()
    cut = spans[1][1] * 16 + 750 * 16  # in the pause after the second clip
    longer = np.concatenate([samples[:cut], np.zeros(gap, np.float32), samples[cut:]])
    heard = vad.audible(longer)
    margins = 2 * vad.MARGIN_MS * 16
    assert len(heard) == 2 and sum(b - a for a, b in heard) <= len(samples) + margins
    import faster_whisper.vad as silero  # speech_regions imports it when called

    given: list[int] = []
    real = silero.get_speech_timestamps

    def counted(audio, *args, **kwargs):
        given.append(len(audio))
        return real(audio, *args, **kwargs)

    monkeypatch.setattr(silero, "get_speech_timestamps", counted)
    found = speech_regions(longer, VadOptions())
    assert sum(given) <= len(samples) + margins  # the silent minute was never given
    before = speech_regions(samples, VadOptions())
    moved = [(s - 60_000, e - 60_000) if s >= cut // 16 else (s, e) for s, e in found]
    assert len(moved) == len(before)
    for (a, b), (c, d) in zip(moved, before, strict=True):
        assert abs(a - c) <= 100 and abs(b - d) <= 100


def test_vad_in_pieces_finds_the_same_speech_and_joins_what_a_piece_cut(
    english_audio, monkeypatch
):
    """Long recordings are given to Silero ten minutes at a time (bounded memory):
    with 7 s pieces over this 50 s of speech, every region still covers what the
    one-piece pass found, and a region cut at a piece's end is one region again."""
    import pipeline.transcribe.vad as vad

    samples, _ = english_audio
    whole = speech_regions(samples, VadOptions())
    monkeypatch.setattr(vad, "PIECE_MS", 7000)
    pieces = speech_regions(samples, VadOptions())

    def covered(regions, span):
        return sum(max(0, min(e, span[1]) - max(s, span[0])) for s, e in regions)

    for span in whole:
        assert covered(pieces, span) >= 0.95 * (span[1] - span[0]), (span, pieces)
    boundaries = range(7000, len(samples) * 1000 // 16000, 7000)
    for (_, end), (start, _) in zip(pieces, pieces[1:], strict=False):
        assert not any(end >= b - vad.JOIN_MS and start <= b + vad.JOIN_MS for b in boundaries)


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


def test_short_or_uncertain_regions_take_the_language_around_them():
    regions = [(0, 5000), (5200, 5800), (6000, 9000), (12_000, 22_000), (22_200, 23_000)]
    probs = [
        {"en": 0.95, "fr": 0.05},
        {},
        {"en": 0.4, "fr": 0.6},  # 3 s of weak evidence: no reason to switch
        {"en": 0.03, "fr": 0.97},  # 10 s of strong evidence: a switch
        {},
    ]
    assert assign_languages(regions, probs, fallback="es") == ["en", "en", "en", "fr", "fr"]
    assert assign_languages([(0, 1000)], [{}], fallback="es") == ["es"]


def test_a_change_of_language_goes_to_the_longer_pause():
    regions = [(0, 10_000), (10_200, 11_000), (12_500, 22_500)]
    probs = [{"en": 0.97, "fr": 0.03}, {}, {"en": 0.03, "fr": 0.97}]
    assert assign_languages(regions, probs, fallback="en") == ["en", "en", "fr"]
    regions[1] = (11_300, 12_300)  # now the long pause is before it
    assert assign_languages(regions, probs, fallback="en") == ["en", "fr", "fr"]


def test_one_noisy_region_does_not_split_a_speech_into_languages():
    # an English speech in noise: one 4 s region misheard as French, one 3 s as Spanish
    regions = [(i * 5000, i * 5000 + 4000) for i in range(8)]
    sure = {"en": 0.9, "fr": 0.05, "es": 0.05}
    probs = [sure] * 8
    probs[2] = {"en": 0.25, "fr": 0.7, "es": 0.05}
    probs[5] = {"en": 0.3, "fr": 0.1, "es": 0.6}
    assert assign_languages(regions, probs, fallback="en") == ["en"] * 8


def test_a_speaker_who_answers_in_another_language_is_still_caught():
    # an English question, a Spanish answer of one sentence after a pause, English again
    regions = [(0, 8000), (9000, 17_000), (18_000, 24_000)]
    probs = [
        {"en": 0.95, "es": 0.04, "fr": 0.01},
        {"en": 0.05, "es": 0.93, "fr": 0.02},
        {"en": 0.9, "es": 0.08, "fr": 0.02},
    ]
    assert assign_languages(regions, probs, fallback="en") == ["en", "es", "en"]


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


def test_a_session_starts_in_another_language_than_its_main_one_only_on_evidence():
    # an English speech in a crowd: its first region heard as English at 0.52 (Spanish
    # 0.46), the second as Spanish at 0.70, the rest English
    regions = [(0, 20_900), (21_300, 39_700), *((40_000 + i * 25_000, 64_000 + i * 25_000)
                                                for i in range(4))]  # fmt: skip
    probs = [{"en": 0.52, "es": 0.46, "fr": 0.02}, {"en": 0.25, "es": 0.7, "fr": 0.05}]
    probs += [{"en": 0.97, "es": 0.02, "fr": 0.01}] * 4
    assert assign_languages(regions, probs, "en")[:2] == ["es", "es"]  # a free start
    assert assign_languages(regions, probs, "en", main="en") == ["en"] * 6
