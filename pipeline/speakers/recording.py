"""The speakers stage for one recording, cached; and one numbering across an event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from pipeline.cache import StageCache, as_list_of, as_spans, stage_key
from pipeline.speakers.encoder import SpeakerEncoder, SpeakerModelInfo
from pipeline.speakers.overlap import SegmentationModelInfo, overlapped
from pipeline.speakers.turns import SAME_SPEAKER, Turn, Voices, speaker_turns
from pipeline.transcribe.recording import AudioSource, Samples, speech_map
from pipeline.transcribe.whisper import TranscribeOptions


def recording_voices(
    source: AudioSource,
    options: TranscribeOptions,
    cache: StageCache,
    model: SpeakerModelInfo,
    encoder: Callable[[], SpeakerEncoder],
    max_speakers: int | None = None,
    samples: Samples | None = None,
    segmentation: SegmentationModelInfo | None = None,
) -> Voices:
    """Speaker turns over the recording's speech regions (the transcribe stage's, read
    back from the cache), and where two people speak at once when the `segmentation`
    model is given; the audio is decoded (unless `samples`, shared with the transcribe
    stage, has it already) and the models loaded only when nothing is cached."""
    samples = samples or Samples(source.recording)
    regions = speech_map(source, options, cache, samples)

    def heard() -> Voices:
        voices = speaker_turns(samples(), regions, encoder().embed, max_speakers)
        if segmentation is None:
            return voices
        return replace(voices, overlaps=overlapped(samples(), regions, segmentation))

    return cache.get_or_compute(
        "speakers",
        stage_key("speakers", source.key(), regions, model.sha256, max_speakers,
                  segmentation.sha256 if segmentation else None),  # fmt: skip
        heard,
        _encode,
        _decode,
    )


def _encode(voices: Voices) -> dict[str, Any]:
    return {
        "turns": [[t.start_ms, t.end_ms, t.speaker] for t in voices.turns],
        "voices": [list(v) for v in voices.voices],
        "overlaps": [[a, b] for a, b in voices.overlaps],
    }


def _decode(value: Any) -> Voices:
    if not isinstance(value, dict):
        raise TypeError("cached speakers must be a table")
    turns = []
    for item in as_list_of(list, value.get("turns")):
        start, end, speaker = item
        if not all(isinstance(x, int) for x in item) or not (start < end and speaker >= 1):
            raise TypeError("a cached turn must be [start, end, speaker]")
        turns.append(Turn(start, end, speaker))
    voices = tuple(tuple(float(x) for x in v) for v in as_list_of(list, value.get("voices")))
    if turns and max(t.speaker for t in turns) > max(len(voices), 1):
        raise TypeError("a cached turn names a voice that is not there")
    overlaps = as_spans(value.get("overlaps", []))
    if any(start >= end for start, end in overlaps):
        raise TypeError("a cached overlap must end after it starts")
    return Voices(tuple(turns), voices, tuple(overlaps))


class EventVoices:
    """One numbering of voices across an event's recordings: a voice that sounds like
    one already heard in an earlier recording (average similarity SAME_SPEAKER or more)
    takes its number; a new voice takes the next one."""

    def __init__(self) -> None:
        self._known: list[np.ndarray] = []

    def numbered(self, voices: Voices) -> tuple[Turn, ...]:
        mapping: dict[int, int] = {}
        taken: set[int] = set()
        for n, vector in enumerate(voices.voices, start=1):
            v = np.asarray(vector)
            scores = [
                (float(v @ known), k)
                for k, known in enumerate(self._known, start=1)
                if k not in taken
            ]
            best = max(scores, default=(-1.0, 0))
            if best[0] >= SAME_SPEAKER:
                mapping[n] = best[1]
            else:
                self._known.append(v)
                mapping[n] = len(self._known)
            taken.add(mapping[n])
        if not voices.voices:  # turns without voices: one unknown speaker
            self._known.append(np.zeros(1))
            mapping = {1: len(self._known)}
        return tuple(Turn(t.start_ms, t.end_ms, mapping[t.speaker]) for t in voices.turns)
