"""Machine-readable session file: every time given in session AND recording time."""

from __future__ import annotations

from typing import Any

from pipeline.fsio import to_json_text
from pipeline.timecode import seconds
from pipeline.types import Event, Interpretation, Sentence, SessionTrack, Word
from pipeline.writers.base import Writer
from pipeline.writers.provenance import (
    is_original_sentence,
    original_share,
    provenance,
    review_note,
    shares,
)
from pipeline.writers.timed import session_cues
from pipeline.writers.timing import to_session_ms


def event_dict(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "date": event.date,
        "slug": event.slug,
        "languages": list(event.languages),
        "description": event.description,
    }


def _times(track: SessionTrack, start_ms: int, end_ms: int) -> dict[str, float]:
    """Session times clamped to the session, and the same instants in recording time."""
    session = track.session
    start = to_session_ms(session, start_ms)
    end = max(start, to_session_ms(session, end_ms))
    return {
        "start": seconds(start),
        "end": seconds(end),
        "recording_start": seconds(session.start_ms + start),
        "recording_end": seconds(session.start_ms + end),
    }


def _word(track: SessionTrack, word: Word) -> dict[str, Any]:
    out = {
        **_times(track, word.start_ms, word.end_ms),
        "word": word.text,
        "probability": round(word.probability, 4),
    }
    if word.reviewed:  # a person wrote or confirmed it: the probability is not the point
        out["reviewed"] = True
    if word.speaker:
        out["speaker"] = word.speaker
    if word.overlap:  # said while another person spoke too
        out["overlap"] = True
    return out


def _segment(track: SessionTrack, sentence: Sentence) -> dict[str, Any]:
    original = is_original_sentence(sentence)
    return {
        **_times(track, sentence.start_ms, sentence.end_ms),
        "text": sentence.text.strip(),
        "speaker": sentence.speaker or None,
        "language": sentence.language,
        "source_language": sentence.source_language or sentence.language,
        "source_text": None if original else sentence.source_text,
        "engine": sentence.engine,
        "origin": sentence.origin,
        # unsure recognition that no person has reviewed since
        "low_confidence": sentence.low_confidence and not sentence.reviewed,
        "reviewed": sentence.reviewed,
        # a machine's rendering of text a person reviewed: still not reviewed itself
        "source_reviewed": sentence.source_reviewed,
        # part of it said while another person spoke too (original speech only)
        "overlap": any(word.overlap for word in sentence.words),
        "words": [_word(track, word) for word in sentence.words],
        **_interpretation(sentence.channel, sentence.lag_ms, sentence.origin),
    }


def channel_dict(channel: Interpretation) -> dict[str, Any]:
    """Where an interpreter was heard: the channel's language, file and stream."""
    return {
        "language": channel.language,
        "file": channel.file.name,
        "stream": channel.stream,
        "offset": seconds(channel.offset_ms),
    }


def _interpretation(
    channel: Interpretation | None, lag_ms: int | None, origin: str
) -> dict[str, Any]:
    """`interpretation` for an interpreted segment or cue (with `lag_ms`, how far the
    interpreter ran behind the floor there, for segments); nothing otherwise."""
    if origin != "interpretation" or channel is None:
        return {}
    entry = channel_dict(channel)
    if lag_ms is not None:
        entry["lag_ms"] = lag_ms
    return {"interpretation": entry}


def track_dict(track: SessionTrack, event: Event) -> dict[str, Any]:
    """The JSON document as a dict (segments = sentences, cues = the VTT/SRT cues).

    `is_original`: the track's language is the session's main spoken language;
    `original_share`: the share of its characters that are original speech (a
    session may switch language, so one track can mix original and translated
    segments); `provenance`: the same, as the headers of the other files word it.
    """
    session = track.session
    return {
        "event": event_dict(event),
        "session": {
            "index": session.index,
            "title": session.title,
            "slug": session.slug,
            "speakers": list(session.speakers),
            "links": list(session.links),
            "recording": session.recording.name,
            "start": seconds(session.start_ms),
            "end": seconds(session.end_ms),
        },
        "language": track.language,
        "source_language": track.source_language,
        "is_original": track.is_original,
        "original_share": original_share(track),
        "shares": shares(track),
        "provenance": provenance(track),
        "review": review_note(track) or None,
        "engine": track.engine,
        "segments": [_segment(track, sentence) for sentence in track.sentences],
        "cues": [
            {
                "id": cue.identifier,
                "start": seconds(cue.start_ms),
                "end": seconds(cue.end_ms),
                "recording_start": seconds(cue.recording_start_ms),
                "recording_end": seconds(cue.recording_end_ms),
                "text": cue.text,
                "lines": list(cue.lines),
                "speaker": cue.speaker or None,
                "low_confidence": cue.low_confidence,
                "reviewed": cue.reviewed,
                "origin": cue.origin,
                **_interpretation(cue.channel, None, cue.origin),
            }
            for cue in session_cues(track)
        ],
    }


def render(track: SessionTrack, event: Event) -> str:
    return to_json_text(track_dict(track, event))


WRITER = Writer("json", render)
