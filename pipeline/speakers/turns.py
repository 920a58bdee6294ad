"""Who speaks when: speaker turns over a recording's speech regions.

1. Voice embeddings of 1.6 s windows every HOP_MS over each speech region (shorter
   regions: one window of their own length).
2. Speakers: agglomerative clustering of the windows (average cosine similarity, stop
   under SAME_SPEAKER), so their number is estimated, not given; at most `max_speakers`
   when the agenda bounds it; voices heard for under MIN_SPEAKER_MS in all are folded
   into the nearest speaker. Then two rounds of assigning every window to its nearest
   speaker and re-averaging.
3. Turns: every FRAME_MS of speech scored against each speaker by the windows covering
   it; a Viterbi path with a cost for changing speaker (lower across a pause) smooths
   the choice, so a turn can change inside a sentence but one odd window does not.
Speakers are numbered by when they are first heard in the recording.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.speakers.encoder import SAMPLE_RATE, WINDOW_MS

HOP_MS = 800  # windows overlap by half: DER on the test panels as with 400 ms (at most
# 0.059 / 0.073 vs 0.062 / 0.087) for half the embeddings; with 1200 ms one English
# panel in seven lost a voice, with 1600 ms five in seven did
FRAME_MS = 100
SHORTEST_MS = 400  # regions shorter than this are not embedded; they take their neighbours'
SAME_SPEAKER = 0.66  # average cosine similarity under which two groups are two people
MIN_SPEAKER_MS = 3000
SWITCH_COST = 6.0  # in frame scores (cosine similarity x 10) per change of speaker
QUIET = 0.1  # a frame 20 dB under the region's loud speech (90th percentile)...
PAUSE_MS = 300  # ...in a run this long is a pause, not part of a turn
MOST_WINDOWS = 900  # windows clustered at once; the rest are assigned to the speakers found

Embed = Callable[[np.ndarray], np.ndarray]  # (n, samples) windows -> (n, dim) unit vectors


@dataclass(frozen=True)
class Turn:
    start_ms: int
    end_ms: int
    speaker: int  # 1, 2, ... in order of first appearance in the recording


@dataclass(frozen=True)
class Voices:
    """A recording's speaker turns, and each speaker's voice (the unit mean of their
    windows' embeddings, speaker n at n - 1), to know them again in another recording."""

    turns: tuple[Turn, ...]
    voices: tuple[tuple[float, ...], ...]
    overlaps: tuple[tuple[int, int], ...] = ()  # (start ms, end ms): two people at once


@dataclass(frozen=True)
class _Windows:
    start_ms: np.ndarray  # (n,)
    end_ms: np.ndarray
    vectors: np.ndarray  # (n, dim)


def speaker_turns(
    samples: np.ndarray,
    regions: Sequence[tuple[int, int]],
    embed: Embed,
    max_speakers: int | None = None,
) -> Voices:
    """Turns covering the speech of `regions` (ms, in order), one speaker each,
    numbered from 1 by first appearance."""
    regions = [(a, b) for a, b in regions if b > a]
    if not regions:
        return Voices((), ())
    windows = _embed_windows(samples, regions, embed)
    if len(windows.vectors) == 0:
        return Voices(tuple(Turn(a, b, 1) for a, b in regions), ())
    centroids = _speakers(windows, max_speakers)
    turns, order = _turns(regions, windows, centroids, _pauses(samples, regions))
    voices = tuple(tuple(round(float(v), 5) for v in centroids[k]) for k in order)
    return Voices(turns, voices)


def _embed_windows(samples: np.ndarray, regions: Sequence[tuple[int, int]], embed: Embed
                   ) -> _Windows:  # fmt: skip
    full, short = [], []
    for a, b in regions:
        if b - a >= WINDOW_MS:
            last = b - WINDOW_MS
            starts = list(range(a, last, HOP_MS)) + [last]
            full += [(s, s + WINDOW_MS) for s in starts]
        elif b - a >= SHORTEST_MS:
            short.append((a, b))
    spans = full + short
    if not spans:
        return _Windows(np.zeros(0, int), np.zeros(0, int), np.zeros((0, 1), np.float32))
    vectors = []
    if full:
        vectors.append(embed(np.stack([_slice(samples, a, b, WINDOW_MS) for a, b in full])))
    for a, b in short:
        vectors.append(embed(_slice(samples, a, b, b - a)[None, :]))
    order = np.argsort([a for a, _ in spans], kind="stable")
    vectors = np.concatenate(vectors)[order]
    starts = np.array([spans[i][0] for i in order])
    ends = np.array([spans[i][1] for i in order])
    return _Windows(starts, ends, vectors)


def _slice(samples: np.ndarray, a: int, b: int, length_ms: int) -> np.ndarray:
    n = length_ms * SAMPLE_RATE // 1000
    piece = samples[a * SAMPLE_RATE // 1000 :][:n]
    return np.pad(piece, (0, n - len(piece))) if len(piece) < n else piece


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-8)


def _speakers(windows: _Windows, max_speakers: int | None) -> np.ndarray:
    """(speakers, dim) unit centroids."""
    vectors = windows.vectors
    durations = np.minimum(windows.end_ms - windows.start_ms, HOP_MS).astype(float)
    picked = np.arange(len(vectors))
    if len(picked) > MOST_WINDOWS:
        picked = np.linspace(0, len(vectors) - 1, MOST_WINDOWS).round().astype(int)
    labels = _agglomerate(vectors[picked], max_speakers)
    centroids = np.stack([_unit(vectors[picked][labels == k].mean(0)) for k in np.unique(labels)])
    for _ in range(2):
        nearest = np.argmax(vectors @ centroids.T, axis=1)
        # each window stands for HOP_MS of speech (or its own length when shorter)
        heard = np.array([durations[nearest == k].sum() for k in range(len(centroids))])
        keep = heard >= MIN_SPEAKER_MS
        if not keep.any():
            keep[np.argmax(heard)] = True
        centroids = centroids[keep]
        nearest = np.argmax(vectors @ centroids.T, axis=1)
        centroids = np.stack(
            [
                _unit(vectors[nearest == k].mean(0)) if (nearest == k).any() else centroids[k]
                for k in range(len(centroids))
            ]
        )
    return _merged(centroids, vectors)


SAME_VOICE = 0.80  # two speakers whose mean voices are this alike are one person


def _merged(centroids: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Speakers whose mean voices are SAME_VOICE alike, merged (one reader recorded on
    different days came out as three speakers; two different people's mean voices were
    at most 0.73 alike in the test material)."""
    while len(centroids) > 1:
        sim = centroids @ centroids.T
        np.fill_diagonal(sim, -1.0)
        i, j = divmod(int(np.argmax(sim)), len(centroids))
        if sim[i, j] < SAME_VOICE:
            break
        nearest = np.argmax(vectors @ centroids.T, axis=1)
        both = (nearest == i) | (nearest == j)
        joined = _unit(vectors[both].mean(0)) if both.any() else _unit(centroids[i] + centroids[j])
        centroids = np.vstack([np.delete(centroids, [i, j], axis=0), joined[None, :]])
    return centroids


def _agglomerate(vectors: np.ndarray, max_speakers: int | None) -> np.ndarray:
    """Average-linkage clustering on cosine similarity: cluster labels, (n,)."""
    n = len(vectors)
    sim = (vectors @ vectors.T).astype(np.float64)
    np.fill_diagonal(sim, -np.inf)
    size = np.ones(n)
    label = np.arange(n)
    clusters = n
    while clusters > 1:
        flat = int(np.argmax(sim))
        i, j = divmod(flat, n)
        if sim[i, j] < SAME_SPEAKER and (max_speakers is None or clusters <= max_speakers):
            break
        merged = (size[i] * sim[i] + size[j] * sim[j]) / (size[i] + size[j])
        sim[i], sim[:, i] = merged, merged
        sim[i, i] = -np.inf
        sim[j], sim[:, j] = -np.inf, -np.inf
        size[i] += size[j]
        label[label == j] = i
        clusters -= 1
    _, compact = np.unique(label, return_inverse=True)
    return compact


def _frames(regions: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(t, min(t + FRAME_MS, b)) for a, b in regions for t in range(a, b, FRAME_MS)]


def _pauses(samples: np.ndarray, regions: Sequence[tuple[int, int]]) -> np.ndarray:
    """Per frame of `_frames(regions)`: in a pause of PAUSE_MS or more, where the audio
    is QUIET (20 dB) under the region's loud speech, or at a region's quiet edge. VAD
    regions keep pauses of up to a second inside, and 200 ms of padding (they are cut
    for decoding, not for who speaks): turns without them scored a diarisation error of
    0.10 on the test panels, with them 0.20 (all false alarm)."""
    quiet: list[np.ndarray] = []
    shortest = PAUSE_MS // FRAME_MS
    for a, b in regions:
        rms = np.array([_rms(samples, t, min(t + FRAME_MS, b)) for t in range(a, b, FRAME_MS)])
        low = rms < QUIET * np.percentile(rms, 90)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], low.astype(np.int8), [0]])))
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            inside = start > 0 and end < len(low)
            if inside and end - start < shortest:
                low[start:end] = False  # a breath between words, part of the turn
        quiet.append(low)
    return np.concatenate(quiet) if quiet else np.zeros(0, dtype=bool)


def _rms(samples: np.ndarray, a: int, b: int) -> float:
    x = samples[a * SAMPLE_RATE // 1000 : b * SAMPLE_RATE // 1000]
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def _turns(
    regions: Sequence[tuple[int, int]],
    windows: _Windows,
    centroids: np.ndarray,
    pauses: np.ndarray,
) -> tuple[tuple[Turn, ...], list[int]]:
    """Viterbi over FRAME_MS frames of all regions, in order; pauses left out. Also
    the centroid of each speaker number, in number order."""
    frames = _frames(regions)
    mid = np.array([(a + b) / 2 for a, b in frames])
    sims = windows.vectors @ centroids.T  # (windows, speakers)
    # each frame: the windows covering it (else the nearest window)
    first = np.searchsorted(windows.end_ms, mid, side="right")  # windows ending after mid
    score = np.zeros((len(frames), len(centroids)))
    starts, ends = windows.start_ms, windows.end_ms
    for f, m in enumerate(mid):
        lo = first[f]
        hi = lo
        while hi < len(starts) and starts[hi] <= m:
            hi += 1
        covering = [w for w in range(max(0, lo - 8), hi) if starts[w] <= m < ends[w]]
        if not covering:
            covering = [int(np.argmin(np.minimum(abs(starts - m), abs(ends - m))))]
        score[f] = sims[covering].mean(0)
    score *= 10.0
    k = len(centroids)
    total = score[0].copy()
    back = np.zeros((len(frames), k), dtype=np.int64)
    for f in range(1, len(frames)):
        pause = frames[f][0] - frames[f - 1][1]
        cost = SWITCH_COST / (1.0 + pause / 500.0)
        stay = total
        move = total.max() - cost
        best_other = int(np.argmax(total))
        back[f] = np.where(stay >= move, np.arange(k), best_other)
        total = np.maximum(stay, move) + score[f]
    path = np.zeros(len(frames), dtype=np.int64)
    path[-1] = int(np.argmax(total))
    for f in range(len(frames) - 1, 0, -1):
        path[f - 1] = back[f][path[f]]
    # runs of one speaker, numbered by first appearance
    number: dict[int, int] = {}
    turns: list[Turn] = []
    for (a, b), who, pause in zip(frames, path, pauses, strict=True):
        if pause:
            continue
        speaker = number.setdefault(int(who), len(number) + 1)
        if turns and turns[-1].speaker == speaker and a - turns[-1].end_ms <= 0:
            turns[-1] = Turn(turns[-1].start_ms, b, speaker)
        else:
            turns.append(Turn(a, b, speaker))
    return tuple(turns), list(number)
