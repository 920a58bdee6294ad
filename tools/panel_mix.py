"""Multi-speaker test recordings from real read speech, with the truth in RTTM.

FLEURS and VoxPopuli clips are each read by one person, and clips in different
languages by different people, so a clip cut into pieces at its quietest moments and
the pieces of several clips dealt out in turns make a panel whose speakers are known:
turns with short gaps, some overlapping the previous one by a fraction of a second,
and a short interjection. Used by the speaker tests and `make eval`.
"""

from __future__ import annotations

import random
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared"
SPEECH = SHARED / "speech"
RATE = 16000
FRAME = RATE // 50  # 20 ms, to find quiet moments and trim silence
LEVEL = 0.05  # RMS of every voice (-26 dBFS)
_QUIET = 0.1  # a frame 20 dB under the loud speech (90th percentile) is a pause

# Four people, each clip one reader: different languages, so different people.
PANEL = ("voxpopuli/voxpopuli-en-000", "fleurs/fleurs-fr-001", "fleurs/fleurs-es-001",
         "fleurs/fleurs-en-002")  # fmt: skip
# Three English readers (one language: the voices, not the language, must tell them
# apart); their pairwise voice similarity is 0.45-0.68, below one reader's 0.85+.
ENGLISH = ("voxpopuli/voxpopuli-en-000", "fleurs/fleurs-en-000", "fleurs/fleurs-en-002")


@dataclass(frozen=True)
class Turn:
    start_ms: int
    end_ms: int
    speaker: str


def load(clip: str) -> np.ndarray:
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(SPEECH / f"{clip}.ogg"), "-f", "f32le", "-ac", "1",
         "-ar", str(RATE), "pipe:"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    x = np.frombuffer(out, dtype=np.float32).copy()
    # at one level, as a conference platform's gain control delivers voices (FLEURS
    # clips range from -62 to -22 dBFS)
    return x * np.float32(LEVEL / max(float(np.sqrt(np.mean(trimmed(x) ** 2))), 1e-6))


def _energy(x: np.ndarray) -> np.ndarray:
    n = len(x) // FRAME
    return np.sqrt(np.mean(x[: n * FRAME].reshape(n, FRAME) ** 2, axis=1))


def trimmed(x: np.ndarray) -> np.ndarray:
    """Without the leading and trailing silence (see _QUIET)."""
    e = _energy(x)
    loud = np.flatnonzero(e > _QUIET * np.percentile(e, 90))
    if not len(loud):
        return x[:0]
    return x[loud[0] * FRAME : (loud[-1] + 1) * FRAME]


def _voiced(x: np.ndarray, pause_ms: int = 300) -> list[tuple[int, int]]:
    """Sample spans of `x` without its pauses of `pause_ms` or more (frames under 1/20
    _QUIET), as a forced alignment would mark the speech."""
    e = _energy(x)
    loud = e > _QUIET * np.percentile(e, 90)
    spans: list[list[int]] = []
    for i in np.flatnonzero(loud):
        if spans and i - spans[-1][1] < pause_ms // 20:
            spans[-1][1] = i + 1
        else:
            spans.append([i, i + 1])
    return [(a * FRAME, b * FRAME) for a, b in spans]


def pieces(x: np.ndarray, rng: random.Random, shortest_s: float = 2.5, longest_s: float = 8.0
           ) -> list[np.ndarray]:  # fmt: skip
    """`x` cut at its quietest 20 ms near every few seconds, each piece trimmed."""
    e = _energy(x)
    out, at = [], 0
    while at < len(e):
        target = at + int(rng.uniform(shortest_s, longest_s) * 50)
        if target + int(shortest_s * 50) >= len(e):
            cut = len(e)
        else:
            lo, hi = target - 25, min(target + 25, len(e) - 1)
            cut = lo + int(np.argmin(e[lo:hi]))
        piece = trimmed(x[at * FRAME : cut * FRAME])
        if len(piece) > RATE // 2:
            out.append(piece)
        at = cut
    return out


def panel(
    clips: tuple[str, ...],
    out: Path,
    seed: int = 0,
    overlap_share: float = 0.2,
    longest_s: int = 30,
) -> list[Turn]:
    """A 16 kHz mono WAV of the clips' pieces dealt out in turns, round-robin with a
    shuffled order each round (at most `longest_s` of each clip, so that no voice
    drowns the others); returns the truth (and writes it as RTTM beside `out`).
    Gaps of 0.2-1.2 s; `overlap_share` of the turns start 0.3-0.8 s before the previous
    ends; one 1-1.5 s interjection by another speaker."""
    rng = random.Random(seed)
    queues = {Path(c).name: pieces(trimmed(load(c))[: longest_s * RATE], rng) for c in clips}
    order: list[tuple[str, np.ndarray]] = []
    while any(queues.values()):
        names = [n for n, q in queues.items() if q]
        rng.shuffle(names)
        if order and len(names) > 1 and names[0] == order[-1][0]:
            names.append(names.pop(0))
        order += [(n, queues[n].pop(0)) for n in names]
    # one interjection: the first half-second-plus of a later piece, said mid-panel
    k = len(order) // 2
    others = [n for n, _ in order if n not in (order[k][0], order[k - 1][0])]
    if others:
        donor = next(p for n, p in order if n == others[0])
        length = int(rng.uniform(1.0, 1.5) * RATE)
        loudest = int(np.argmax(np.convolve(_energy(donor), np.ones(length // FRAME), "valid")))
        order.insert(k, (others[0], trimmed(donor[loudest * FRAME :][:length])))
    t = RATE  # a second of silence first
    placed: list[tuple[int, str, np.ndarray]] = []
    for i, (name, piece) in enumerate(order):
        if i and rng.random() < overlap_share:
            t -= int(rng.uniform(0.3, 0.8) * RATE)
        placed.append((t, name, piece))
        t += len(piece) + int(rng.uniform(0.2, 1.2) * RATE)
    mix = np.zeros(t + RATE, dtype=np.float32)
    for start, _, piece in placed:
        mix[start : start + len(piece)] += piece
    mix /= max(1.0, float(np.abs(mix).max()) / 0.9)
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((mix * 32767).astype("<i2").tobytes())
    truth = [
        Turn((s + a) * 1000 // RATE, (s + b) * 1000 // RATE, n)
        for s, n, p in placed
        for a, b in _voiced(p)
    ]
    write_rttm(truth, out.with_suffix(".rttm"), out.stem)
    return truth


def read_wav(path: Path) -> np.ndarray:
    """A panel as written by `panel`: 16-bit samples as float32 in [-1, 1)."""
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768


def write_rttm(turns: list[Turn], path: Path, name: str) -> None:
    path.write_text(
        "".join(
            f"SPEAKER {name} 1 {t.start_ms / 1000:.3f} {(t.end_ms - t.start_ms) / 1000:.3f} "
            f"<NA> <NA> {t.speaker} <NA> <NA>\n"
            for t in turns
        ),
        encoding="utf-8",
    )


def diarisation_error(truth: list[Turn], found: list[Turn], collar_ms: int = 0,
                      step_ms: int = 10) -> dict[str, float]:  # fmt: skip
    """NIST-style diarisation error rate on a 10 ms grid, overlaps scored (each
    reference speaker at a moment counts), speakers mapped one-to-one to maximise the
    time they agree. `collar_ms` around every reference boundary is not scored.
    Returns der, miss, false_alarm, confusion as shares of the reference speech."""
    end = max([t.end_ms for t in truth] + [t.end_ms for t in found]) // step_ms + 1
    ref_names = sorted({t.speaker for t in truth})
    hyp_names = sorted({t.speaker for t in found})
    ref = np.zeros((len(ref_names), end), dtype=bool)
    hyp = np.zeros((len(hyp_names), end), dtype=bool)
    for t in truth:
        ref[ref_names.index(t.speaker), t.start_ms // step_ms : t.end_ms // step_ms] = True
    for t in found:
        hyp[hyp_names.index(t.speaker), t.start_ms // step_ms : t.end_ms // step_ms] = True
    scored = np.ones(end, dtype=bool)
    if collar_ms:
        c = collar_ms // step_ms
        for t in truth:
            for edge in (t.start_ms // step_ms, t.end_ms // step_ms):
                scored[max(0, edge - c) : edge + c] = False
    ref, hyp = ref[:, scored], hyp[:, scored]
    n_ref, n_hyp = ref.sum(0), hyp.sum(0)
    agree = (ref[:, None, :] & hyp[None, :, :]).sum(2).astype(float)  # (ref, hyp)
    mapping = _best_mapping(agree)
    correct = np.zeros(ref.shape[1], dtype=int)
    for r, h in mapping:
        correct += ref[r] & hyp[h]
    total = n_ref.sum()
    miss = np.maximum(n_ref - n_hyp, 0).sum()
    false_alarm = np.maximum(n_hyp - n_ref, 0).sum()
    confusion = (np.minimum(n_ref, n_hyp) - correct).sum()
    return {
        "der": (miss + false_alarm + confusion) / total,
        "miss": miss / total,
        "false_alarm": false_alarm / total,
        "confusion": confusion / total,
    }


def _best_mapping(agree: np.ndarray) -> list[tuple[int, int]]:
    """The one-to-one reference -> hypothesis mapping with the most agreement
    (exhaustive over the small speaker counts of the test panels, greedy beyond)."""
    import itertools

    r, h = agree.shape
    if min(r, h) <= 6 and max(r, h) <= 8:
        best, pairs = -1.0, []
        if r <= h:
            for perm in itertools.permutations(range(h), r):
                score = sum(agree[i, perm[i]] for i in range(r))
                if score > best:
                    best, pairs = score, [(i, perm[i]) for i in range(r)]
        else:
            for perm in itertools.permutations(range(r), h):
                score = sum(agree[perm[j], j] for j in range(h))
                if score > best:
                    best, pairs = score, [(perm[j], j) for j in range(h)]
        return pairs
    pairs, used_r, used_h = [], set(), set()
    for i, j in sorted(np.ndindex(r, h), key=lambda ij: -agree[ij]):
        if i not in used_r and j not in used_h:
            pairs.append((i, j))
            used_r.add(i)
            used_h.add(j)
    return pairs
