"""Where people speak: Silero VAD regions, and the chunks we decode one by one.

VAD runs twice: on the audio as recorded, and on a loudness-normalised copy. On raw
audio a quiet remote speaker after a loud one was missed entirely (a whole FLEURS
sentence at -64 dB); on the normalised copy alone region boundaries moved and WER
rose (en 0.07 -> 0.09 on the sample event). So we keep the raw regions and add the
normalised ones that raw VAD did not see at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.models.locate import offline

SAMPLE_RATE = 16000
VAD_LOUDNESS_FILTER = "dynaudnorm=f=250:g=15:m=100"


@dataclass(frozen=True)
class VadOptions:
    threshold: float = 0.5
    min_silence_ms: int = 500  # a pause this long may end a region
    speech_pad_ms: int = 200
    max_region_ms: int = 25_000
    min_chunk_ms: int = 6000  # shorter speech is merged with the next region
    loudness_filter: str = VAD_LOUDNESS_FILTER


@dataclass(frozen=True)
class Chunk:
    """A span of audio to decode on its own, with the speech regions VAD found in it.

    `language` is the language to decode it in (None: the caller's default).
    """

    start_ms: int
    end_ms: int
    speech: tuple[tuple[int, int], ...]
    language: str | None = None


PIECE_MS = 600_000  # the audio Silero is given at once (see `speech_regions`)
JOIN_MS = 100  # regions this close to a piece boundary on both sides are one


def speech_regions(
    samples: np.ndarray, options: VadOptions = VadOptions()
) -> list[tuple[int, int]]:
    """Silero VAD speech regions in milliseconds, relative to `samples`.

    The audio is given to Silero ten minutes at a time (PIECE_MS): it copies what it
    is given twice over, which for a 3-hour recording was 1.5 GB at once. A region
    cut by a piece's end is joined to the one that goes on from the next piece's
    start. Recordings up to ten minutes are one piece, as before."""
    offline()
    from faster_whisper.vad import VadOptions as SileroOptions
    from faster_whisper.vad import get_speech_timestamps

    vad = SileroOptions(
        threshold=options.threshold,
        min_silence_duration_ms=options.min_silence_ms,
        speech_pad_ms=options.speech_pad_ms,
        max_speech_duration_s=options.max_region_ms / 1000,
    )
    piece = PIECE_MS * SAMPLE_RATE // 1000
    regions: list[tuple[int, int]] = []
    for first in range(0, max(len(samples), 1), piece):
        offset_ms = first * 1000 // SAMPLE_RATE
        part = samples[first : first + piece]
        found = [
            (
                offset_ms + (a + s["start"]) * 1000 // SAMPLE_RATE,
                offset_ms + (a + s["end"]) * 1000 // SAMPLE_RATE,
            )
            for a, b in audible(part)
            for s in get_speech_timestamps(part[a:b], vad, sampling_rate=SAMPLE_RATE)
        ]
        if (
            regions
            and found
            and regions[-1][1] >= offset_ms - JOIN_MS
            and found[0][0] <= offset_ms + JOIN_MS
        ):
            regions[-1] = (regions[-1][0], found.pop(0)[1])  # one region, cut by the piece
        regions += found
    return regions


SILENT_RMS = 1e-4  # -80 dBFS: digital silence, or the dither of a muted line
GATE_MS = 100  # the loudness of the audio is measured in frames this long
SKIP_MS = 10000  # only silences at least this long are not given to Silero
MARGIN_MS = 3000  # of the silence kept on each side of what is heard


def audible(samples: np.ndarray) -> list[tuple[int, int]]:
    """Sample spans of `samples` that are not silent, with MARGIN_MS of silence around.

    Silero costs the same on silence as on speech: a 3-hour recording with 4 minutes of
    speech spent most of its transcription in VAD. Stretches of at least SKIP_MS below
    -80 dBFS cannot hold speech and are skipped; a recording with none (most) is one
    span, given to Silero whole as before. Quiet speech (-64 dB) is far above. Silero
    needs the lead-in: with 1 s of margin its regions moved by ~0.1 s and the 3x sample's
    WER went en 0.084 -> 0.097, fr 0.294 -> 0.275; with 3 s they are as without the gate."""
    frame = GATE_MS * SAMPLE_RATE // 1000
    n = -(-len(samples) // frame)
    if n == 0:
        return []
    padded = np.zeros(n * frame, dtype=np.float32)
    padded[: len(samples)] = samples
    rms = np.sqrt(np.mean(np.square(padded.reshape(n, frame)), axis=1))
    del padded
    loud = np.flatnonzero(rms > SILENT_RMS)
    if len(loud) == 0:
        return []
    skip = SKIP_MS // GATE_MS
    margin = MARGIN_MS * SAMPLE_RATE // 1000
    breaks = np.flatnonzero(np.diff(loud) > skip)
    starts = np.concatenate([[loud[0]], loud[breaks + 1]])
    ends = np.concatenate([loud[breaks], [loud[-1]]]) + 1
    if starts[0] < skip:  # a short silence at either end is kept: Silero's regions
        starts[0] = 0  # near a cut moved when it was trimmed
    if n - ends[-1] < skip:
        ends[-1] = n
    return [
        (max(0, int(a) * frame - margin), min(len(samples), int(b) * frame + margin))
        for a, b in zip(starts, ends, strict=True)
    ]


def merge_regions(
    primary: Sequence[tuple[int, int]], extra: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """`primary` plus the regions of `extra` that overlap none of them."""
    added = [r for r in extra if not any(s < r[1] and r[0] < e for s, e in primary)]
    return sorted([*primary, *added])


def group_chunks(
    regions: Sequence[tuple[int, int]],
    max_chunk_ms: int,
    min_chunk_ms: int = 3000,
    languages: Sequence[str] | None = None,
) -> list[Chunk]:
    """One chunk per speech region; only fragments shorter than `min_chunk_ms` are
    merged with the next region (up to `max_chunk_ms`), and never across a change
    of language (`languages`, one per region).

    Merging whole sentences into one 25 s window measurably made Whisper skip some
    of them, so each pause-delimited region is decoded on its own.
    """
    langs = list(languages) if languages is not None else [None] * len(regions)
    chunks: list[Chunk] = []
    current: list[tuple[int, int]] = []
    current_lang: str | None = None
    for region, lang in zip(regions, langs, strict=True):
        if current and (
            current[-1][1] - current[0][0] >= min_chunk_ms
            or region[1] - current[0][0] > max_chunk_ms
            or lang != current_lang
        ):
            chunks.append(Chunk(current[0][0], current[-1][1], tuple(current), current_lang))
            current = []
        current.append(region)
        current_lang = lang
    if current:
        chunks.append(Chunk(current[0][0], current[-1][1], tuple(current), current_lang))
    return chunks


def slice_ms(samples: np.ndarray, start_ms: int, end_ms: int) -> np.ndarray:
    a = max(0, start_ms * SAMPLE_RATE // 1000)
    b = min(len(samples), end_ms * SAMPLE_RATE // 1000)
    return samples[a:b]


SHARE_WINDOW_MS = 600_000  # VAD runs window by window: bounded memory, a progress step


def speech_share(
    samples: np.ndarray,
    options: VadOptions = VadOptions(speech_pad_ms=0),
    progress: Callable[[int, int], None] | None = None,
) -> float:
    """Share (0-1) of the time Silero VAD hears speech in, e.g. to tell an interpreter
    channel from a silent or music-only stream (`webconf probe`).

    Unpadded regions by default: padding would count the pauses around every region
    as speech. `progress(done_ms, total_ms)` is called after each 10-minute window; a
    region cut at a window's edge loses nothing of its length.
    """
    total = len(samples)
    if total == 0:
        return 0.0
    step = SHARE_WINDOW_MS * SAMPLE_RATE // 1000
    speech_ms = 0
    for start in range(0, total, step):
        window = samples[start : start + step]
        speech_ms += sum(end - begin for begin, end in speech_regions(window, options))
        if progress is not None:
            done = min(total, start + step)
            progress(done * 1000 // SAMPLE_RATE, total * 1000 // SAMPLE_RATE)
    return min(1.0, speech_ms / (total * 1000 / SAMPLE_RATE))
