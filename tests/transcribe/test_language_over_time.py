"""Language over time on real speech in noise: one language per speech, unless the
speaker really switches (issue 12, point 4). Real FLEURS and VoxPopuli speech, real
Whisper base, the stage's own VAD and language decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from mixes import FLEURS, Placed, build_mix, over_noise

from pipeline.cache import StageCache
from pipeline.fsio import sha256_file
from pipeline.models.locate import whisper_model
from pipeline.transcribe import language_id
from pipeline.transcribe.recording import (
    AudioSource,
    Samples,
    _Decoder,
    region_languages,
    speech_map,
)
from pipeline.transcribe.whisper import Recogniser, TranscribeOptions
from pipeline.types import Recording, Session

VOXPOPULI = FLEURS.parent / "voxpopuli"
ENGLISH = [*sorted(FLEURS.glob("fleurs-en-*.ogg")), VOXPOPULI / "voxpopuli-en-000.ogg"]
LANGUAGES = ("en", "fr", "es")


def heard(wav: Path, placed: list[Placed], cache: StageCache) -> list[tuple[str, str]]:
    """(language spoken, language decided) for each speech region of `wav`."""
    source = AudioSource(Recording(wav), sha256_file(wav))
    options = TranscribeOptions()
    samples = Samples(source.recording)
    regions = speech_map(source, options, cache, samples)
    recogniser = Recogniser(whisper_model("base"), options)
    decoder = _Decoder(source, options, cache, recogniser, samples, tuple(regions))
    session = Session(1, "Talk", wav, 0, 10**9)
    decided, _ = region_languages(source, session, regions, LANGUAGES, decoder)
    return [(_spoken(region, placed), lang) for region, lang in zip(regions, decided, strict=True)]


def _spoken(region: tuple[int, int], placed: list[Placed]) -> str:
    overlap: dict[str, int] = {}
    for clip in placed:
        both = min(region[1], clip.end_ms) - max(region[0], clip.start_ms)
        overlap[clip.language] = overlap.get(clip.language, 0) + max(both, 0)
    return max(overlap, key=overlap.get)


def without_smoothing(monkeypatch) -> None:
    """Each region on its own: a change of language costs nothing."""
    monkeypatch.setattr(language_id, "SWITCH_NATS", 0.0)
    monkeypatch.setattr(language_id, "PAUSE_DISCOUNT_PER_S", 0.0)


@pytest.fixture(scope="module")
def english_in_a_crowd(tmp_path_factory):
    """Six English speeches (96 s) with four people talking French and Spanish 10 dB
    under them: Whisper hears the second of five regions as Spanish (0.67 against
    0.33). Other crowds are not all this kind: in 8 of 12 (seeds 0-5, 10 and 12 dB)
    Whisper heard a whole 6-25 s region as French or Spanish at 0.8-0.98, which no
    smoothing over neighbours undoes (docs/benchmarks.md, "Language over time")."""
    folder = tmp_path_factory.mktemp("crowd")
    placed = build_mix(ENGLISH, folder / "speech.wav")
    over_noise(folder / "speech.wav", folder / "crowd.wav", snr_db=10, noise="babble", seed=3)
    return folder / "crowd.wav", placed


def test_a_speech_in_a_crowd_keeps_its_language(english_in_a_crowd, tmp_path, monkeypatch):
    wav, placed = english_in_a_crowd
    cache = StageCache(tmp_path)  # the second pass reads the detections back
    with monkeypatch.context() as m:
        without_smoothing(m)
        alone = heard(wav, placed, cache)
    assert {spoken for spoken, _ in alone} == {"en"}
    assert any(decided != "en" for _, decided in alone), alone  # the noise fools Whisper
    smoothed = heard(wav, placed, cache)
    assert all(decided == "en" for _, decided in smoothed), (alone, smoothed)


def test_an_answer_in_another_language_is_caught_in_noise(tmp_path):
    """An English talk, a Spanish answer after a pause, English again, in pink noise
    10 dB under the speech."""
    clips = [*ENGLISH[:3], FLEURS / "fleurs-es-002.ogg", *ENGLISH[3:5]]
    placed = build_mix(clips, tmp_path / "speech.wav", gap_ms=2000)
    over_noise(tmp_path / "speech.wav", tmp_path / "noisy.wav", snr_db=10, noise="pink")
    decisions = heard(tmp_path / "noisy.wav", placed, StageCache(None))
    assert [spoken for spoken, _ in decisions].count("es") >= 1
    assert all(spoken == decided for spoken, decided in decisions), decisions
