"""Speech of one recording, session by session: where people speak, in which
language, and what they say (VAD, language tags, chunked Whisper decoding), each
step cached under a content hash."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from pipeline.cache import cache_key
from pipeline.context import RunContext
from pipeline.language import assign_languages, majority_language, region_probabilities
from pipeline.media import decode
from pipeline.records import segments_from_json, segments_to_json
from pipeline.sentences import build_sentences
from pipeline.sessions import main_session, split_segments
from pipeline.speech import Chunk, group_chunks, merge_regions, speech_regions
from pipeline.transcribe import STAGE_VERSION, transcribe_chunks
from pipeline.types import Event, Recording, Segment, Sentence, Session


def vocabulary_prompt(event: Event, session: Session) -> str | None:
    """Names Whisper should spell right, as its initial prompt.

    Only the glossary and the speakers' names (the part of each `speakers` entry
    before its first comma): on the sample event, adding whole speaker lines with
    affiliations raised French WER from 0.24 to 0.30, and session titles, often in
    another language than the speech, pull the decoder towards that language.
    """
    names = [re.sub(r"\s*\(.*?\)", "", s.split(",")[0]).strip() for s in session.speakers]
    terms = list(dict.fromkeys(t for t in [*event.glossary, *names] if t))
    if not terms:
        return None
    return (", ".join(terms) + ".")[:400]


class Recogniser:
    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        # English written by Whisper's own speech translation, per session (--mt whisper)
        self.whisper_english: dict[int, tuple[Sentence, ...]] = {}

    def transcribe_recording(
        self, recording: Recording, sessions: Sequence[Session]
    ) -> dict[int, tuple[Segment, ...]]:
        topts = self.ctx.options.transcribe
        source = {"audio": self.ctx.digest(recording.file), "stream": recording.stream}
        audio: dict[str, np.ndarray] = {}

        def samples() -> np.ndarray:
            if "asr" not in audio:
                audio["asr"] = decode(recording).samples
            return audio["asr"]

        def vad() -> list[tuple[int, int]]:
            normalised = decode(recording, topts.vad.loudness_filter).samples
            quiet = speech_regions(normalised, topts.vad)
            return merge_regions(speech_regions(samples(), topts.vad), quiet)

        regions = self.ctx.cache.get_or_compute(
            "vad",
            cache_key("vad", source, topts.vad),
            vad,
            lambda r: [list(x) for x in r],
            lambda r: [tuple(x) for x in r],
        )
        by_session: dict[int, list[tuple[int, int]]] = {s.index: [] for s in sessions}
        for start, end in regions:
            owner = main_session(start, end, sessions)
            if owner is not None:
                by_session[owner.index].append((start, end))

        segments: list[Segment] = []
        total = sum(e - s for r in by_session.values() for s, e in r)
        with self.ctx.bar(total // 1000, f"transcribe {recording.file.name}") as bar:
            for session in sessions:
                session_regions = by_session[session.index]
                if not session_regions:
                    continue
                langs = self.region_languages(source, recording, session, session_regions, samples)
                chunks = group_chunks(
                    session_regions, topts.max_chunk_ms, topts.vad.min_chunk_ms, langs
                )
                main = _main_language(chunks)
                segments += self.decode_session(
                    source,
                    session,
                    chunks,
                    main,
                    samples,
                    "transcribe",
                    lambda ms: bar.update(ms / 1000),
                    regions,
                )
                if self.ctx.options.mt == "whisper" and "en" in self.ctx.event.languages:
                    self.whisper_english[session.index] = self.speech_translation(
                        source, session, chunks, samples, regions
                    )
        return split_segments(segments, sessions)

    def speech_translation(
        self,
        source: dict,
        session: Session,
        chunks: Sequence[Chunk],
        samples: Callable[[], np.ndarray],
        regions: Sequence[tuple[int, int]],
    ) -> tuple[Sentence, ...]:
        """English written by Whisper from the session's non-English speech (--mt whisper)."""
        english: list[Sentence] = []
        for lang in sorted({c.language or "" for c in chunks} - {"en", ""}):
            part = [c for c in chunks if c.language == lang]
            segments = self.decode_session(
                source, session, part, lang, samples, "translate", None, regions
            )
            english += [
                replace(s, source_language=lang, engine="whisper (speech translation)")
                for s in build_sentences(segments)
            ]
        return tuple(english)

    def region_languages(
        self,
        source: dict,
        recording: Recording,
        session: Session,
        regions: Sequence[tuple[int, int]],
        samples: Callable[[], np.ndarray],
    ) -> list[str]:
        """The language of each speech region: declared, or detected region by region."""
        declared = session.language or recording.language
        if declared or not self.ctx.model_info.multilingual:
            return [declared or "en"] * len(regions)
        key = cache_key(
            "language", source, self.ctx.model_info.sha256, regions, self.ctx.event.languages
        )
        probs = self.ctx.cache.get_or_compute(
            "language",
            key,
            lambda: region_probabilities(
                self.ctx.model, samples(), regions, self.ctx.event.languages
            ),
            lambda v: v,
            lambda v: v,
        )
        fallback = majority_language(regions, probs) or self.ctx.event.languages[0]
        return assign_languages(regions, probs, fallback)

    def decode_session(
        self,
        source: dict,
        session: Session,
        chunks: Sequence[Chunk],
        language: str,
        samples: Callable,
        task: str,
        progress: Callable[[int], None] | None,
        speech: Sequence[tuple[int, int]],
    ) -> tuple[Segment, ...]:
        prompt = vocabulary_prompt(self.ctx.event, session) if task == "transcribe" else None
        topts = self.ctx.options.transcribe
        # `speech` (all VAD regions) follows from `source` and `topts`, already in the key.
        key = cache_key(
            task, STAGE_VERSION, source, self.ctx.model_info.sha256, chunks, language, prompt, topts
        )

        def compute() -> tuple[Segment, ...]:
            return transcribe_chunks(
                self.ctx.model,
                samples(),
                language,
                chunks,
                prompt,
                topts,
                progress=progress,
                task=task,
                speech=speech,
            )

        result = self.ctx.cache.get_or_compute(
            task, key, compute, segments_to_json, segments_from_json
        )
        return result


def _main_language(chunks: Sequence[Chunk]) -> str:
    """The language with the most speech time among the chunks."""
    time: dict[str, int] = {}
    for c in chunks:
        time[c.language or ""] = time.get(c.language or "", 0) + c.end_ms - c.start_ms
    return max(time, key=time.get)
