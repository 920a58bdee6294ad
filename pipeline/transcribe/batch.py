"""Decoding many windows of speech at once: trimmed encoder input, batched beam search.

faster-whisper's `transcribe` gives the encoder 30 s of audio whatever the chunk's
length, and decodes one window at a time. Our chunks are 3-27 s. On the sample
webinar (195 s of speech in 20 chunks, base int8, 2 cores), decoding the same
windows one by one took 19.0 s (20.4 s through `transcribe`); with the encoder given
the window plus 3 s of padding instead of 30 s, 13.4 s; and four windows of similar
length at a time, 8.5 s, WER en 0.068 / fr 0.299 / es 0.092 against 0.068 / 0.318 /
0.076. With no padding Whisper looped on English (WER 0.81): the 3 s (TAIL_FRAMES)
is what lets it close the last segment. Packing several chunks into one 30 s window
instead (12 windows for 20) took 17.3 s and skipped a sentence that had to be decoded
again: the encoder's cost follows the audio it is given, so trimming does what packing
would, without the risk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.transcribe.vad import SAMPLE_RATE
from pipeline.types import Segment, Word

FRAMES_PER_S = 100  # Whisper's feature frames (10 ms)
WINDOW_FRAMES = 3000  # the 30 s the encoder was trained on
TAIL_FRAMES = 300  # padding after a window's audio, see the module docstring
SIMILAR_FRAMES = 500  # windows batched together differ by at most 5 s in length
PREPEND = "\"'“¿([{-"
APPEND = "\"'.。,，!！?？:：”)]}、"


@dataclass(frozen=True)
class Window:
    """A stretch of the recording decoded at once (recording milliseconds)."""

    start_ms: int
    end_ms: int

    def frames(self) -> int:
        return (self.end_ms - self.start_ms) * FRAMES_PER_S // 1000


def fits(window: Window) -> bool:
    """Whether the window fits one encoder pass with its padding."""
    return window.frames() + TAIL_FRAMES <= WINDOW_FRAMES


def batches(windows: Sequence[Window], size: int) -> list[tuple[int, ...]]:
    """Indices of the windows that `fit`, in groups encoded and decoded together:
    lengths within SIMILAR_FRAMES of each other, so little is padding."""
    order = sorted((i for i, w in enumerate(windows) if fits(w)), key=lambda i: windows[i].frames())
    groups: list[list[int]] = []
    for i in order:
        group = groups[-1] if groups else None
        if group and len(group) < size and (
            windows[i].frames() - windows[group[0]].frames() <= SIMILAR_FRAMES
        ):
            group.append(i)
        else:
            groups.append([i])
    return [tuple(g) for g in groups]


KEEP_BYTES = 256 * 2**20  # encoder outputs kept between language detection and decoding
DETECT_FRAMES = 1000  # the least the encoder hears for language detection: 10 s


class Encoder:
    """Whisper's encoder over windows of one recording, each window encoded once.

    Language detection encodes each speech region's window, at least 10 s of it
    (DETECT_FRAMES): on the 15 FLEURS clips cut to 1.6, 3 and 6 s and whole, and a
    2.3 s region after hold music, 10 s windows found the language 52 times of 61 (30 s
    windows: 53) in a quarter of the time; with only the region's own frames, 51, and
    the region after the hold music came out French. It keeps the output, up to
    KEEP_BYTES (about 40 minutes of speech for base), so memory stays bounded; a
    chunk whose window is a region's own (most chunks) is then decoded from it, with
    no second encoder pass. Windows not kept are encoded when decoded."""

    def __init__(
        self, model, samples: np.ndarray, batch_size: int, trim: bool = True
    ) -> None:
        self.model = model
        self.samples = samples
        self.batch_size = max(1, batch_size)
        self.trim = trim  # False: every window padded to 30 s, as faster-whisper does
        self.passes = 0  # encoder calls, for the tests and the benchmark
        self.reused = 0  # windows decoded from a kept output
        self._kept: dict[Window, tuple[np.ndarray, int]] = {}
        self._bytes = 0

    def _encode(self, windows: Sequence[Window], least: int = 0):
        """One encoder pass over windows of similar length: (output, feature frames)."""
        features = [_features(self.model, self.samples, w) for w in windows]
        lengths = [f.shape[-1] for f in features]
        frames = min(WINDOW_FRAMES, max(max(lengths) + TAIL_FRAMES, least))
        frames = frames if self.trim else WINDOW_FRAMES
        frames += frames % 2  # the encoder's convolution halves the frames
        stacked = np.stack([np.pad(f, ((0, 0), (0, frames - f.shape[-1]))) for f in features])
        self.passes += 1
        return self.model.encode(stacked), lengths

    def detect(self, windows: Sequence[Window], allowed: Sequence[str]) -> list[dict[str, float]]:
        """Per window, language probabilities restricted to `allowed` (renormalised)."""
        out: list[dict[str, float]] = [{} for _ in windows]
        longest = (WINDOW_FRAMES - TAIL_FRAMES) * 1000 // FRAMES_PER_S
        windows = [  # a region too long for one pass is judged by its first 27 s
            w if fits(w) else Window(w.start_ms, w.start_ms + longest) for w in windows
        ]
        for group in batches(windows, self.batch_size):
            output, lengths = self._encode([windows[i] for i in group], DETECT_FRAMES)
            hidden = np.asarray(output)
            found = self.model.model.detect_language(output)
            for k, (i, results) in enumerate(zip(group, found, strict=True)):
                probs = {t[2:-2]: p for t, p in results if t[2:-2] in allowed}
                total = sum(probs.values()) or 1.0
                out[i] = {lang: probs.get(lang, 0.0) / total for lang in allowed}
                if self._bytes + hidden[k].nbytes <= KEEP_BYTES:
                    self._kept[windows[i]] = (hidden[k].copy(), lengths[k])
                    self._bytes += hidden[k].nbytes
        return out

    def decode(
        self,
        windows: Sequence[Window],
        languages: Sequence[str],
        prompts: Sequence[str | None],
        beam_size: int,
        task: str = "transcribe",
    ) -> Iterator[tuple[int, list[Segment]]]:
        """(index, segments) for every window that `fits`, batch by batch, each in its
        language with its prompt; times are recording times. Temperature 0 only: a
        stretch that comes back empty is the caller's to decode again. Kept outputs
        are used, then freed."""
        # CTranslate2 batches only prompts of one length: one prompt per batch
        by_prompt: dict[str | None, list[int]] = {}
        for i, prompt in enumerate(prompts):
            by_prompt.setdefault(prompt, []).append(i)
        for prompt, indices in by_prompt.items():
            yield from self._decode_some(windows, indices, languages, prompt, beam_size, task)

    def _decode_some(self, windows, indices, languages, prompt, beam_size, task):
        kept: dict[int, list[int]] = {}  # encoder length -> windows kept with it
        for i in indices:
            if windows[i] in self._kept:
                kept.setdefault(self._kept[windows[i]][0].shape[0], []).append(i)
        for same in kept.values():
            for at in range(0, len(same), self.batch_size):
                group = same[at : at + self.batch_size]
                held = [self._kept.pop(windows[i]) for i in group]
                self._bytes -= sum(h.nbytes for h, _ in held)
                self.reused += len(group)
                output = _storage(np.stack([h for h, _ in held]))
                yield from self._decode(windows, group, output, [n for _, n in held],
                                        languages, prompt, beam_size, task)  # fmt: skip
        done = {i for same in kept.values() for i in same}
        left = [i for i in indices if i not in done]
        for group in batches([windows[i] for i in left], self.batch_size):
            group = [left[k] for k in group]
            output, lengths = self._encode([windows[i] for i in group])
            yield from self._decode(windows, group, output, lengths, languages, prompt,
                                    beam_size, task)  # fmt: skip

    def _decode(self, windows, group, output, lengths, languages, prompt, beam_size, task):
        decoded = _decode_batch(self.model, [windows[i] for i in group], output, lengths,
                                [languages[i] for i in group], prompt, beam_size, task)  # fmt: skip
        return zip(group, decoded, strict=True)


def _storage(array: np.ndarray):
    import ctranslate2

    return ctranslate2.StorageView.from_array(np.ascontiguousarray(array))


def _features(model, samples: np.ndarray, window: Window) -> np.ndarray:
    a = window.start_ms * SAMPLE_RATE // 1000
    b = window.end_ms * SAMPLE_RATE // 1000
    return model.feature_extractor(samples[a:b])[..., :-1]


def _decode_batch(
    model, windows: list[Window], output, lengths: list[int], languages: list[str],
    prompt: str | None, beam_size: int, task: str,
) -> list[list[Segment]]:  # fmt: skip
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    multilingual = model.model.is_multilingual
    languages = [lang if multilingual else "en" for lang in languages]
    tokenizers = {
        lang: Tokenizer(model.hf_tokenizer, multilingual, task=task, language=lang)
        for lang in set(languages)
    }
    some = next(iter(tokenizers.values()))
    previous = some.encode(" " + prompt.strip()) if prompt else []
    results = model.model.generate(
        output,
        [model.get_prompt(tokenizers[lang], previous) for lang in languages],
        beam_size=beam_size,
        max_length=model.max_length,
        return_scores=True,
        return_no_speech_prob=True,
        suppress_blank=True,
        suppress_tokens=list(get_suppressed_tokens(some, [-1])),
        max_initial_timestamp_index=50,  # faster-whisper's: text starts within 1 s
    )
    hidden = np.asarray(output) if len(windows) > 1 else None
    out = []
    for k, (window, language, frames, result) in enumerate(
        zip(windows, languages, lengths, results, strict=True)
    ):
        tokenizer = tokenizers[language]
        ids = result.sequences_ids[0]
        avg_logprob = result.scores[0] * len(ids) / (len(ids) + 1)
        if result.no_speech_prob > 0.6 and avg_logprob < -1.0:
            out.append([])  # faster-whisper's own rule: nobody speaks in this window
            continue
        pieces = [
            {"seek": 0, "start": start, "end": end, "tokens": text}
            for start, end, text in _split(tokenizer, ids, frames / FRAMES_PER_S)
        ]
        if pieces:  # aligned one by one: faster-whisper carries state across a batch
            one = output if hidden is None else _storage(hidden[k : k + 1])
            model.add_word_timestamps([pieces], tokenizer, one, [frames], PREPEND, APPEND, 0.0)
        out.append(
            _segments(pieces, tokenizer, window, language, task, avg_logprob,
                      result.no_speech_prob)  # fmt: skip
        )
    return out


def _split(tokenizer, ids: list[int], seconds: float) -> list[tuple[float, float, list[int]]]:
    """(start s, end s, text tokens) between Whisper's timestamp tokens; text left
    open at the end (no closing timestamp) runs to the window's end."""
    begin = tokenizer.timestamp_begin
    pieces: list[tuple[float, float, list[int]]] = []
    text: list[int] = []
    start = 0.0
    for token in ids:
        if token >= begin:
            at = (token - begin) * 0.02
            if text:
                pieces.append((start, at, text))
                text = []
            start = at
        elif token < tokenizer.eot:
            text.append(token)
    if text:
        pieces.append((start, max(start, seconds), text))
    return pieces


def _segments(
    pieces: list[dict], tokenizer, window: Window, language: str, task: str, avg_logprob: float,
    no_speech_prob: float,
) -> list[Segment]:  # fmt: skip
    found = (
        timed_segment(
            window.start_ms,
            window.end_ms,
            [(w["start"], w["end"], w["word"], w["probability"]) for w in piece.get("words", ())],
            tokenizer.decode(piece["tokens"]),
            "en" if task == "translate" else language,
            avg_logprob,
            no_speech_prob,
        )
        for piece in pieces
    )
    return [segment for segment in found if segment is not None]


def timed_segment(
    offset_ms: int,
    end_ms: int,
    words: Sequence[tuple[float, float, str, float]],
    text: str,
    language: str,
    avg_logprob: float,
    no_speech_prob: float,
) -> Segment | None:
    """A decoded segment in recording time: its words, (start s, end s, text,
    probability) within a window starting at `offset_ms`, kept inside the window;
    None when it holds no word."""
    timed = tuple(
        Word(
            start_ms=_clamp(offset_ms + round(start * 1000), offset_ms, end_ms),
            end_ms=_clamp(offset_ms + round(end * 1000), offset_ms, end_ms),
            text=word,
            probability=round(float(probability), 3),
        )
        for start, end, word, probability in words
        if word.strip()
    )
    if not timed:
        return None
    return Segment(
        start_ms=timed[0].start_ms,
        end_ms=timed[-1].end_ms,
        text=text.strip(),
        language=language,
        words=timed,
        avg_logprob=round(float(avg_logprob), 3),
        no_speech_prob=round(float(no_speech_prob), 3),
    )


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
