"""What the interpreters said: each channel transcribed in its declared language.

A channel is decoded like the floor (VAD, chunks, the same hallucination guards) but
never language-detected: the manifest says what the interpreter speaks. The whole
channel is one stretch in its own time; its segments are then moved to recording
time (its offset) and handed to every session they may belong to, with room for the
interpreter's lag past the session's end: which floor sentence each one renders is
decided later, by `translate.interpretation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.cache import StageCache
from pipeline.transcribe.recording import (
    AudioSource,
    Progress,
    SpeechRequest,
    transcribe_recording,
)
from pipeline.transcribe.vocabulary import said_terms
from pipeline.transcribe.whisper import Recogniser, TranscribeOptions
from pipeline.types import (
    ChannelTranscript,
    Interpretation,
    Segment,
    Session,
    SessionTranscript,
    Word,
)

# Interpreters run 2-4 s behind; a channel sentence this far past a session's end may
# still render its last floor sentence.
MAX_LAG_MS = 10_000
_WHOLE_CHANNEL_MS = 10**12


def transcribe_channel(
    channel: Interpretation,
    digest: str,
    sessions: Sequence[Session],
    options: TranscribeOptions,
    cache: StageCache,
    recogniser: Recogniser,
    glossary: Sequence[str] = (),
    progress: Progress | None = None,
    floor: Sequence[Segment] = (),
) -> tuple[Segment, ...]:
    """The channel's speech in recording time, every segment marked as interpretation.
    Where the `floor` (its segments, recording time) said a glossary term, the channel
    is primed with it from then until `MAX_LAG_MS` later."""
    speakers = tuple(dict.fromkeys(name for s in sessions for name in s.speakers))
    whole = Session(
        index=1,
        title=f"interpretation ({channel.language})",
        recording=channel.file,
        start_ms=0,
        end_ms=_WHOLE_CHANNEL_MS,
        speakers=speakers,
        language=channel.language,
    )
    spans = [(s.start_ms, s.end_ms + MAX_LAG_MS, s.text) for s in floor]
    said = tuple(
        (a - channel.offset_ms, b - channel.offset_ms, term)
        for a, b, term in said_terms(spans, glossary)
    )
    request = SpeechRequest(languages=(channel.language,), glossary=tuple(glossary), said=said)
    # Channels are decoded in 30 s windows, batched: with trimmed windows the test
    # event's Spanish channel read one sentence differently, and its first cue came
    # 1.08 s before the floor sentence it renders (tests/run/test_interpretation_run.py
    # holds 1 s); in 30 s windows it reads as faster-whisper's own decoding did.
    untrimmed = replace(options, trim_windows=False)
    (heard,) = transcribe_recording(
        AudioSource(channel.audio(), digest), [whole], untrimmed, cache, recogniser, request,
        progress,
    )  # fmt: skip
    return tuple(
        shifted
        for segment in heard.segments
        if (shifted := _to_recording_time(segment, channel)) is not None
    )


def _to_recording_time(segment: Segment, channel: Interpretation) -> Segment | None:
    offset = channel.offset_ms
    words = tuple(
        Word(w.start_ms + offset, w.end_ms + offset, w.text, w.probability)
        for w in segment.words
        if w.start_ms + offset >= 0
    )
    if not words:
        return None
    return replace(
        segment,
        start_ms=words[0].start_ms,
        end_ms=words[-1].end_ms,
        words=words,
        language=channel.language,
        origin="interpretation",
    )


def with_channels(
    transcripts: Sequence[SessionTranscript],
    heard: Sequence[tuple[Interpretation, tuple[Segment, ...]]],
) -> tuple[SessionTranscript, ...]:
    """Each session's transcript with what every channel said from its start to
    `MAX_LAG_MS` past its end (a segment may reach two sessions)."""
    out = []
    for transcript in transcripts:
        session = transcript.session
        channels = tuple(
            ChannelTranscript(
                channel=channel,
                segments=tuple(
                    s
                    for s in segments
                    if s.end_ms > session.start_ms and s.start_ms < session.end_ms + MAX_LAG_MS
                ),
            )
            for channel, segments in heard
        )
        out.append(replace(transcript, channels=channels))
    return tuple(out)
