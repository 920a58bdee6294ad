"""Speech to text with faster-whisper, chunk by chunk so nothing spoken is dropped.

Whole-file decoding skips sentences and forces one language on a multilingual
recording. We decode each chunk of speech (see speech.py) on its own, in its own
language, with `condition_on_previous_text=False`, pass the result through the
hallucination guards, and re-decode any stretch of detected speech that came back
without text.
"""

from __future__ import annotations

import functools
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from pipeline.errors import ModelMissingError
from pipeline.models.locate import WhisperModelInfo, offline
from pipeline.transcribe.batch import Encoder, Window, timed_segment
from pipeline.transcribe.guards import clean
from pipeline.transcribe.vad import SAMPLE_RATE, Chunk, VadOptions, slice_ms
from pipeline.types import Segment, Word

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranscribeOptions:
    beam_size: int = 5
    max_chunk_ms: int = 25_000
    context_ms: int = 1000  # silence kept around a chunk when decoding it
    retries: int = 2  # extra decodes of a speech stretch that produced no text
    compute_type: str = "int8"
    cpu_threads: int = 2
    # windows decoded at once (see `transcribe.batch`); 0: faster-whisper's own
    # `transcribe`, one chunk at a time in a 30 s window, as before batching
    batch_size: int = 4
    trim_windows: bool = True  # the encoder hears a chunk plus 3 s, not 30 s
    vad: VadOptions = field(default_factory=VadOptions)

    @property
    def decoding(self) -> TranscribeOptions:
        """What decides the words (a cache key's part): not the thread count, which
        changes the speed only (base and tiny.en with 1, 2 and 4 threads: the same
        words, times and probabilities)."""
        return replace(self, cpu_threads=0)


def load_model(info: WhisperModelInfo, options: TranscribeOptions = TranscribeOptions()):
    """The installed model, loaded once per process: a process that runs several events
    (the editor's apply, a batch, the tests) or hears languages with a second model does
    not pay the load (about 1 s for base) again."""
    offline()
    return _loaded(str(info.path), options.compute_type, options.cpu_threads)


@functools.lru_cache(maxsize=4)
def _loaded(path: str, compute_type: str, cpu_threads: int):
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            path,
            device="cpu",
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelMissingError(
            f"cannot load Whisper model from {path} ({exc}); run `make models`"
        ) from None


class Recogniser:
    """An installed Whisper model, loaded on first use and then kept: a run that finds
    everything in the stage cache never loads it."""

    def __init__(self, info: WhisperModelInfo, options: TranscribeOptions) -> None:
        self.info = info
        self.options = options
        self._model = None

    @property
    def sha256(self) -> str:
        return self.info.sha256

    @property
    def multilingual(self) -> bool:
        return self.info.multilingual

    @property
    def model(self):
        if self._model is None:
            self._model = load_model(self.info, self.options)
        return self._model


def _decode(
    model,
    samples: np.ndarray,
    offset_ms: int,
    language: str,
    prompt: str | None,
    options: TranscribeOptions,
    temperature: float | tuple[float, ...] = 0.0,
    task: str = "transcribe",
) -> list[Segment]:
    segments, _ = model.transcribe(
        samples,
        language=language if model.model.is_multilingual else "en",
        task=task,
        beam_size=options.beam_size,
        word_timestamps=True,
        vad_filter=False,
        condition_on_previous_text=False,
        initial_prompt=prompt or None,
        temperature=temperature,
    )
    end_ms = offset_ms + len(samples) * 1000 // SAMPLE_RATE
    found = (
        timed_segment(
            offset_ms,
            end_ms,
            [(w.start, w.end, w.word, w.probability) for w in (seg.words or ())],
            seg.text,
            "en" if task == "translate" else language,
            seg.avg_logprob,
            seg.no_speech_prob,
        )
        for seg in segments
    )
    return [segment for segment in found if segment is not None]


def _uncovered(
    regions: Sequence[tuple[int, int]], segments: Sequence[Segment], min_ms: int = 400
) -> list[tuple[int, int]]:
    """Speech regions with no recognised word inside them."""
    spans = [(w.start_ms, w.end_ms) for s in segments for w in s.words]
    return [
        (start, end)
        for start, end in regions
        if end - start >= min_ms and not any(ws < end and we > start for ws, we in spans)
    ]


def transcribe_chunks(
    model,
    samples: np.ndarray,
    language: str,
    chunks: Sequence[Chunk],
    prompt: str | None | Sequence[str | None],
    options: TranscribeOptions,
    **more: Any,
) -> tuple[Segment, ...]:
    """`transcribe_each` (`more`: its keyword arguments), the segments in one tuple."""
    each = transcribe_each(model, samples, language, chunks, prompt, options, **more)
    return tuple(s for segments in each for s in segments)


def transcribe_each(
    model,
    samples: np.ndarray,
    language: str,
    chunks: Sequence[Chunk],
    prompt: str | None | Sequence[str | None],
    options: TranscribeOptions,
    progress: Callable[[int], None] | None = None,
    task: str = "transcribe",
    speech: Sequence[tuple[int, int]] | None = None,
    encoder: Encoder | None = None,
) -> list[tuple[Segment, ...]]:
    """Each chunk's segments, decoded on its own; speech that yielded no text is
    decoded again.

    `samples` is the whole recording; chunk times are recording times. A chunk is
    decoded in its own `language` when it has one, else in `language`, primed with
    `prompt` (one for all chunks, or one per chunk). `speech` is
    every speech region of the recording (default: the chunks' own), so that the
    silence added around a chunk never reaches into someone else's speech, and text
    outside speech is dropped. With task="translate" Whisper writes English.
    `encoder` holds what language detection encoded, for the windows that are the
    same (`chunk_windows`).
    """
    regions = sorted(speech if speech is not None else [r for c in chunks for r in c.speech])
    windows = chunk_windows(chunks, regions, options)
    languages = [c.language or language for c in chunks]
    prompts = [prompt] * len(chunks) if prompt is None or isinstance(prompt, str) else prompt
    decoded: dict[int, list[Segment]] = {}
    found: Iterator[tuple[int, list[Segment]]] = iter(())
    if options.batch_size:
        encoder = encoder or Encoder(model, samples, options.batch_size, options.trim_windows)
        found = encoder.decode(windows, languages, prompts, options.beam_size, task)
    for i, segments in found:
        decoded[i] = segments
        if progress:
            progress(chunks[i].end_ms - chunks[i].start_ms)
    out: list[tuple[Segment, ...]] = []
    for i, (chunk, window) in enumerate(zip(chunks, windows, strict=True)):
        if i not in decoded:  # unbatched, or longer than one encoder window
            piece = slice_ms(samples, window.start_ms, window.end_ms)
            decoded[i] = _decode(model, piece, window.start_ms, languages[i], prompts[i],
                                 options, task=task)  # fmt: skip
            if progress:
                progress(chunk.end_ms - chunk.start_ms)
        segments = clean(decoded.pop(i), regions)
        for gap_start, gap_end in _uncovered(chunk.speech, segments):
            segments += _redecode(model, samples, gap_start, gap_end, languages[i],
                                  options, task)  # fmt: skip
        out.append(tuple(sorted((snap_onsets(s, regions) for s in segments), key=_start)))
    return out


def chunk_windows(
    chunks: Sequence[Chunk], regions: Sequence[tuple[int, int]], options: TranscribeOptions
) -> list[Window]:
    """Each chunk with up to `context_ms` of the pause around it.

    Whisper reads a chunk better with some silence around it (measured: English WER
    0.15 -> 0.08 on FLEURS clips); it is taken from the pause only, so that it never
    reaches into someone else's speech."""
    ends = [e for _, e in regions]
    starts = [s for s, _ in regions]
    out = []
    for chunk in chunks:
        before = bisect_right(ends, chunk.start_ms)
        after = bisect_left(starts, chunk.end_ms)
        lo = ends[before - 1] if before else 0
        hi = starts[after] if after < len(starts) else chunk.end_ms + options.context_ms
        start = max(lo, chunk.start_ms - options.context_ms)
        end = max(chunk.end_ms, min(hi, chunk.end_ms + options.context_ms))
        out.append(Window(start, end))
    return out


def _start(segment: Segment) -> int:
    return segment.start_ms


def snap_onsets(segment: Segment, regions: Sequence[tuple[int, int]]) -> Segment:
    """Words Whisper starts in silence start where VAD hears the speech begin.

    Whisper's first word of a chunk often starts in the silence added around it: on
    FLEURS clips up to 1.1 s before the speaker does, so a subtitle (and the
    interpreter lag measured from it) came early. A VAD region's start (Silero's
    onset less its 200 ms pad) was within 0.25 s of the energy onset on the same clips.
    """
    starts = [s for s, _ in regions]
    words = []
    for word in segment.words:
        i = bisect_right(starts, word.start_ms)
        inside = i and regions[i - 1][1] > word.start_ms
        if not inside and i < len(regions) and regions[i][0] < word.end_ms:
            onset = min(regions[i][0], word.end_ms - 1)
            word = Word(max(word.start_ms, onset), word.end_ms, word.text, word.probability)
        words.append(word)
    if all(a is b for a, b in zip(words, segment.words, strict=True)):
        return segment
    return replace(segment, words=tuple(words), start_ms=words[0].start_ms)


def _redecode(
    model,
    samples: np.ndarray,
    start: int,
    end: int,
    language: str,
    options: TranscribeOptions,
    task: str,
) -> list[Segment]:
    """Give a silent stretch of speech more chances: alone, unprompted, then sampled."""
    pad = 300
    piece_start = max(0, start - pad)
    piece = slice_ms(samples, piece_start, end + pad)
    attempts = [0.0, (0.2, 0.4, 0.6), (0.8, 1.0)][: options.retries + 1]
    for temperature in attempts:
        found = _decode(model, piece, piece_start, language, None, options, temperature, task)
        # keep only what lies in the stretch: the padding may repeat the neighbours
        found = clean(found, [(start, end)])
        if found:
            return found
    log.warning(
        "speech at %.1f-%.1f s produced no text after %d attempts",
        start / 1000,
        end / 1000,
        len(attempts),
    )
    return []
