"""Bumping one stage's code version recomputes that stage and what follows from it,
and nothing before it (fake models, real audio, real VAD, a real stage cache)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeEngines, FakeRecogniser, FakeWhisper

from pipeline import cache as cache_module
from pipeline.cache import StageCache
from pipeline.fsio import sha256_file
from pipeline.transcribe.recording import AudioSource, SpeechRequest, transcribe_recording
from pipeline.transcribe.whisper import TranscribeOptions
from pipeline.translate.tracks import language_tracks
from pipeline.types import Recording, Session

CLIP = Path(__file__).resolve().parents[2] / "shared" / "speech" / "fleurs" / "fleurs-en-004.ogg"


UNBATCHED = TranscribeOptions(batch_size=0)  # the fake answers like faster-whisper's transcribe


def run_stages(folder: Path) -> dict[str, int]:
    """Transcribe and translate the clip; misses per stage folder of the cache."""
    cache = StageCache(folder)
    written = {p.name: len(list(p.glob("*.json"))) for p in folder.glob("*")}
    source = AudioSource(Recording(CLIP), sha256_file(CLIP))
    agenda = (Session(1, "S1", CLIP, 0, 20_000),)
    request = SpeechRequest(languages=("en", "fr"))
    (transcript,) = transcribe_recording(
        source, agenda, UNBATCHED, cache, FakeRecogniser(FakeWhisper()), request
    )
    language_tracks(transcript, ("en", "fr"), FakeEngines(), cache)
    now = {p.name: len(list(p.glob("*.json"))) for p in folder.glob("*")}
    return {stage: now[stage] - written.get(stage, 0) for stage in now}


@pytest.mark.parametrize(
    ("bumped", "recomputed"),
    [
        ("translate", {"translate"}),
        ("transcribe", {"transcribe", "translate"}),
        ("language", {"language", "transcribe", "translate"}),
        ("vad", {"vad", "language", "transcribe", "translate"}),
    ],
)
def test_a_bumped_stage_and_the_stages_after_it_are_recomputed(
    tmp_path, monkeypatch, bumped, recomputed
):
    first = run_stages(tmp_path)
    assert set(first) == {"vad", "language", "transcribe", "translate"}
    assert run_stages(tmp_path) == dict.fromkeys(first, 0)  # all read back
    version, inputs = cache_module.STAGE_VERSIONS[bumped]
    monkeypatch.setitem(cache_module.STAGE_VERSIONS, bumped, (version + 1, inputs))
    again = run_stages(tmp_path)
    assert {stage for stage, new in again.items() if new} == recomputed


def test_every_cached_stage_has_a_version_and_reads_only_earlier_stages():
    order = list(cache_module.STAGE_VERSIONS)
    for stage, (version, inputs) in cache_module.STAGE_VERSIONS.items():
        assert isinstance(version, int) and version >= 1
        assert all(order.index(i) < order.index(stage) for i in inputs), stage
