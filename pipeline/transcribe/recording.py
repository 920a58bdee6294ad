"""The transcribe stage: the speech of one recording, session by session.

Where people speak (VAD), in which language (per speech region), and what they say
(chunked Whisper decoding); each step is cached under a content hash whose key holds
the stage versions of `pipeline.cache.STAGE_VERSIONS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from pipeline.agenda.sessions import main_session, split_segments
from pipeline.cache import StageCache, as_list_of, as_spans, stage_key
from pipeline.media.decode import decode
from pipeline.transcribe.batch import Encoder
from pipeline.transcribe.language_id import (
    MIN_DETECT_MS,
    assign_languages,
    majority_language,
)
from pipeline.transcribe.vad import Chunk, group_chunks, merge_regions, speech_regions
from pipeline.transcribe.vocabulary import terms_between, terms_to_prime, vocabulary_prompt
from pipeline.transcribe.whisper import (
    Recogniser,
    TranscribeOptions,
    chunk_windows,
    transcribe_each,
)
from pipeline.types import Recording, Segment, Session, SessionTranscript, Word

Regions = list[tuple[int, int]]
Progress = Callable[[int, int], None]  # (milliseconds of speech decoded, of all)


@dataclass(frozen=True)
class AudioSource:
    """One audio channel of a recording, with its content hash (part of every key)."""

    recording: Recording
    digest: str

    def key(self) -> dict[str, Any]:
        return {"audio": self.digest, "stream": self.recording.stream}


@dataclass(frozen=True)
class SpeechRequest:
    """What the event asks of the transcribe stage beyond the decoding options."""

    languages: tuple[str, ...]  # the event's: language ID chooses among these
    glossary: tuple[str, ...] = ()  # names Whisper should spell right
    speech_translation: bool = False  # also Whisper's own English (--mt whisper)
    # where glossary terms are known to be said, (start ms, end ms, term) in this
    # audio's time: an interpreter's channel primed from what the floor said (None:
    # from what each chunk sounds like, see `transcribe.vocabulary`)
    said: tuple[tuple[int, int, str], ...] | None = None


class Samples:
    """The recording's samples, decoded on first use only (a fully cached run decodes
    nothing). The run hands one to the transcribe and the speakers stage of a
    recording, so that it is decoded once (a second decode was 10 s of a 3-hour
    recording's 47 s), and drops it after."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self._samples = None

    def __call__(self):
        if self._samples is None:
            self._samples = decode(self.recording).samples
        return self._samples


@dataclass(frozen=True)
class _Decoder:
    """What every decode of one recording shares."""

    source: AudioSource
    options: TranscribeOptions
    cache: StageCache
    recogniser: Recogniser
    samples: Samples
    speech: tuple[tuple[int, int], ...]  # every VAD region of the recording

    def decode(
        self,
        chunks: Sequence[Chunk],
        language: str,
        prompts: Sequence[str | None],
        task: str = "transcribe",
        progress: Callable[[int], None] | None = None,
        encoder: Encoder | None = None,
    ) -> list[tuple[Segment, ...]]:
        """Each chunk's segments, each chunk (with its prompt) cached on its own: after
        an agenda edit only the chunks that changed (near a moved boundary, say) are
        decoded again."""
        # `speech` follows from `source` and `options`, already in the key; a chunk's
        # window and context follow from it and the chunk.
        keys = [
            stage_key(
                "transcribe",
                task,
                self.source.key(),
                self.recogniser.sha256,
                chunk,
                chunk.language or language,
                prompt,
                self.options.decoding,
            )
            for chunk, prompt in zip(chunks, prompts, strict=True)
        ]

        def missing(indices: list[int]) -> list[tuple[Segment, ...]]:
            if progress is not None:  # what the cache holds counts as done
                held = set(range(len(chunks))) - set(indices)
                progress(sum(chunks[i].end_ms - chunks[i].start_ms for i in held))
            return transcribe_each(
                self.recogniser.model,
                self.samples(),
                language,
                [chunks[i] for i in indices],
                [prompts[i] for i in indices],
                self.options,
                progress=progress,
                task=task,
                speech=self.speech,
                encoder=encoder,
            )

        return self.cache.get_or_compute_many(
            "transcribe" if task == "transcribe" else "speech-translation",
            keys,
            missing,
            segments_to_json,
            segments_from_json,
        )


def transcribe_recording(
    audio: AudioSource,
    sessions: Sequence[Session],
    options: TranscribeOptions,
    cache: StageCache,
    recogniser: Recogniser,
    request: SpeechRequest,
    progress: Progress | None = None,
    samples: Samples | None = None,
) -> tuple[SessionTranscript, ...]:
    """Every session of one recording, transcribed (sessions without speech get no
    segments); `progress(done_ms, total_ms)` follows the speech decoded. `samples`:
    the recording's audio, when the caller shares it with another stage."""
    samples = samples or Samples(audio.recording)
    regions = speech_map(audio, options, cache, samples)
    by_session: dict[int, Regions] = {s.index: [] for s in sessions}
    for start, end in regions:
        owner = main_session(start, end, sessions)
        if owner is not None:
            by_session[owner.index].append((start, end))
    decoder = _Decoder(audio, options, cache, recogniser, samples, tuple(regions))
    total = sum(e - s for r in by_session.values() for s, e in r)
    done = 0

    def advance(ms: int, more: int = 0) -> None:  # `more`: work found on the way
        nonlocal done, total
        done += ms
        total += more
        if progress is not None:
            progress(done, total)

    segments: list[Segment] = []
    translations: dict[int, tuple[Segment, ...]] = {}
    for session in sessions:
        session_regions = by_session[session.index]
        if not session_regions:
            continue
        langs, encoder = region_languages(
            audio, session, session_regions, request.languages, decoder
        )
        chunks = group_chunks(
            session_regions, options.max_chunk_ms, options.vad.min_chunk_ms, langs
        )
        language = _main_language(chunks)
        if request.said is None:
            names = [vocabulary_prompt((), session)] * len(chunks)
        else:
            names = [
                vocabulary_prompt(
                    terms_between(request.said, request.glossary, c.start_ms, c.end_ms),
                    session,
                )
                for c in chunks
            ]
        heard = decoder.decode(chunks, language, names, progress=advance, encoder=encoder)
        if request.said is None:
            heard = primed(decoder, session, chunks, language, heard, request.glossary,
                           advance, encoder)  # fmt: skip
        segments += [s for each in heard for s in each]
        del encoder
        if request.speech_translation and "en" in request.languages:
            translations[session.index] = speech_translation(decoder, chunks)
    per_session = split_segments(segments, sessions)
    return tuple(
        SessionTranscript(
            session=s,
            segments=per_session[s.index],
            speech_translation=translations.get(s.index) if request.speech_translation else None,
        )
        for s in sessions
    )


def primed(
    decoder: _Decoder,
    session: Session,
    chunks: Sequence[Chunk],
    language: str,
    heard: list[tuple[Segment, ...]],
    glossary: Sequence[str],
    advance: Callable[..., None],
    encoder: Encoder | None,
) -> list[tuple[Segment, ...]]:
    """The chunks as heard, those with a near miss of a glossary term decoded again
    primed with the terms they come close to (see `transcribe.vocabulary`)."""
    terms = [terms_to_prime(" ".join(s.text for s in each), glossary) for each in heard]
    again = [i for i, near in enumerate(terms) if near]
    if not again:
        return heard
    advance(0, sum(chunks[i].end_ms - chunks[i].start_ms for i in again))
    redone = decoder.decode(
        [chunks[i] for i in again],
        language,
        [vocabulary_prompt(terms[i], session) for i in again],
        progress=advance,
        encoder=encoder,
    )
    out = list(heard)
    for i, each in zip(again, redone, strict=True):
        out[i] = each
    return out


def speech_map(
    audio: AudioSource, options: TranscribeOptions, cache: StageCache, samples: Callable
) -> Regions:
    """Speech regions of the whole recording: VAD on the raw and on loudness-normalised
    audio (see `transcribe.vad`)."""

    def vad() -> Regions:
        normalised = decode(audio.recording, options.vad.loudness_filter).samples
        quiet = speech_regions(normalised, options.vad)
        del normalised  # gone before the recording itself is decoded: one copy at a time
        return merge_regions(speech_regions(samples(), options.vad), quiet)

    return cache.get_or_compute(
        "vad",
        stage_key("vad", audio.key(), options.vad),
        vad,
        lambda r: [list(x) for x in r],
        as_spans,
    )


def region_languages(
    audio: AudioSource,
    session: Session,
    regions: Regions,
    languages: Sequence[str],
    decoder: _Decoder,
) -> tuple[list[str], Encoder | None]:
    """The language of each speech region: declared, or detected region by region;
    and the encoder that heard them (None if nothing was encoded), whose output
    decoding reuses where a chunk is one region."""
    declared = session.language or audio.recording.language
    recogniser = decoder.recogniser
    if declared or not recogniser.multilingual:
        return [declared or "en"] * len(regions), None
    encoder: Encoder | None = None
    alone = [Chunk(s, e, ((s, e),)) for s, e in regions]
    windows = chunk_windows(alone, decoder.speech, decoder.options)

    def detect(indices: list[int]) -> list[dict[str, float]]:
        nonlocal encoder
        heard = [i for i in indices if regions[i][1] - regions[i][0] >= MIN_DETECT_MS]
        probs: dict[int, dict[str, float]] = {i: {} for i in indices}
        if heard:
            options = decoder.options
            encoder = Encoder(
                recogniser.model, decoder.samples(), options.batch_size, options.trim_windows
            )
            found = encoder.detect([windows[i] for i in heard], languages)
            probs.update(zip(heard, found, strict=True))
        return [probs[i] for i in indices]

    # one entry per region (its window is in the key): an agenda edit that moves
    # regions to another session detects nothing again
    keys = [
        stage_key("language", audio.key(), recogniser.sha256, r, w, tuple(languages))
        for r, w in zip(regions, windows, strict=True)
    ]
    probs = decoder.cache.get_or_compute_many("language", keys, detect, dict, _probabilities)
    fallback = majority_language(regions, probs) or languages[0]
    return assign_languages(regions, probs, fallback, main=fallback), encoder


def _probabilities(value: Any) -> dict[str, float]:
    """A cached detection: {language: probability}; TypeError for anything else."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, (int, float)) for k, v in value.items()
    ):
        raise TypeError("a cached language detection must map languages to probabilities")
    return value


def speech_translation(decoder: _Decoder, chunks: Sequence[Chunk]) -> tuple[Segment, ...]:
    """Whisper's English of the session's non-English speech (--mt whisper), each
    segment marked with the language it was spoken in."""
    english: list[Segment] = []
    for lang in sorted({c.language or "" for c in chunks} - {"en", ""}):
        part = [c for c in chunks if c.language == lang]
        english += [
            replace(s, source_language=lang, origin="speech-translation")
            for each in decoder.decode(part, lang, [None] * len(part), task="translate")
            for s in each
        ]
    return tuple(english)


def _main_language(chunks: Sequence[Chunk]) -> str:
    """The language with the most speech time among the chunks."""
    time: dict[str, int] = {}
    for c in chunks:
        time[c.language or ""] = time.get(c.language or "", 0) + c.end_ms - c.start_ms
    return max(time, key=time.get)


def segments_to_json(segments: tuple[Segment, ...]) -> list[dict[str, Any]]:
    return [asdict(s) for s in segments]


def segments_from_json(raw: list[dict[str, Any]]) -> tuple[Segment, ...]:
    """Segments back from the cache; TypeError for anything else (recomputed)."""
    for s in as_list_of(dict, raw):
        as_list_of(dict, s.get("words"))
    return tuple(
        Segment(**{**s, "words": tuple(Word(**w) for w in s["words"])}) for s in raw
    )
