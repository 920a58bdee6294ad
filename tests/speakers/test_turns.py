"""Speaker turns on real read speech dealt out as a panel (tools/panel_mix.py), scored
against the truth as a diarisation error rate without collar, overlaps counted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from panel_mix import ENGLISH, PANEL, Turn, diarisation_error, panel, read_wav

from pipeline.cache import StageCache
from pipeline.speakers.encoder import SpeakerEncoder, mel_frames, speaker_model
from pipeline.speakers.turns import speaker_turns
from pipeline.transcribe.recording import AudioSource, speech_map
from pipeline.transcribe.whisper import TranscribeOptions
from pipeline.types import Recording


@pytest.fixture(scope="module")
def encoder() -> SpeakerEncoder:
    return SpeakerEncoder(speaker_model())


def heard(path: Path) -> tuple[np.ndarray, list[tuple[int, int]]]:
    x = read_wav(path)
    regions = speech_map(AudioSource(Recording(path), "test"), TranscribeOptions(),
                         StageCache(None), lambda: x)  # fmt: skip
    return x, regions


def found(turns) -> list[Turn]:
    return [Turn(t.start_ms, t.end_ms, str(t.speaker)) for t in turns]


@pytest.mark.parametrize("clips, seed", [(PANEL, 0), (ENGLISH, 1)], ids=["4 voices", "3 English"])
def test_a_panel_is_told_apart_with_the_right_number_of_speakers(clips, seed, encoder, tmp_path):
    truth = panel(clips, tmp_path / "panel.wav", seed=seed)
    samples, regions = heard(tmp_path / "panel.wav")
    turns = speaker_turns(samples, regions, encoder.embed).turns
    scores = diarisation_error(truth, found(turns))
    assert len({t.speaker for t in turns}) == len(clips)
    assert scores["der"] <= 0.15, scores
    assert scores["confusion"] <= 0.05, scores
    assert [t.speaker for t in turns][:1] == [1]  # numbered by first appearance
    assert all(a.end_ms <= b.start_ms for a, b in zip(turns, turns[1:], strict=False))


def test_the_agenda_bounds_the_number_of_speakers(encoder, tmp_path):
    panel(PANEL, tmp_path / "panel.wav", seed=0)
    samples, regions = heard(tmp_path / "panel.wav")
    turns = speaker_turns(samples, regions, encoder.embed, max_speakers=2).turns
    assert len({t.speaker for t in turns}) == 2


def test_one_voice_is_one_speaker(encoder, tmp_path):
    panel(ENGLISH[:1], tmp_path / "one.wav", seed=0)
    samples, regions = heard(tmp_path / "one.wav")
    assert {t.speaker for t in speaker_turns(samples, regions, encoder.embed).turns} == {1}


def test_no_speech_has_no_turns(encoder):
    assert speaker_turns(np.zeros(16000, np.float32), [], encoder.embed).turns == ()


def test_a_pure_tone_lands_in_the_mel_band_of_its_pitch():
    t = np.arange(16000) / 16000
    bands = mel_frames(np.sin(2 * np.pi * 1000 * t).astype(np.float32))
    assert bands.shape == (101, 40)
    # slaney mel: 1 kHz is 15 mel, the bands span 0-~41.3 mel in 41 steps
    assert int(np.argmax(bands[50])) in (13, 14, 15)
