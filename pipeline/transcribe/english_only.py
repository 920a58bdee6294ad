"""An English-only model writes English over any speech: a French session comes out as
an English stock phrase stored as the "French original". Sessions declared in another
language are refused from the manifest (`run`); the ones left undeclared are heard
here, before any decoding: one language detection per session by a multilingual model
(when one is installed), over up to 30 s of the session's speech.

Measured with Whisper base on the 15 FLEURS clips and the VoxPopuli clip of
../shared/speech: English speech P(en) 0.73-0.99; French and Spanish speech P(en)
0.001-0.026 with their own language on top at 0.94-0.997. About 0.5 s per session,
plus 1 s to load the detector.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.agenda.sessions import main_session
from pipeline.cache import StageCache, stage_key
from pipeline.errors import ModelMissingError
from pipeline.languages import language_name
from pipeline.media.decode import decode
from pipeline.transcribe.recording import AudioSource, speech_map
from pipeline.transcribe.vad import slice_ms
from pipeline.transcribe.whisper import Recogniser, TranscribeOptions
from pipeline.types import Recording, Session

LISTEN_MS = 30_000  # one Whisper window of the session's speech
NOT_ENGLISH = 0.2  # P(en) under this...
OTHER_SURE = 0.5  # ...with another language on top at least this sure


def undeclared(sessions: Sequence[Session], recording: Recording) -> list[Session]:
    """The sessions whose language the manifest leaves to be heard."""
    return [s for s in sessions if not (s.language or recording.language)]


def session_speech(
    samples: np.ndarray, regions: Sequence[tuple[int, int]], limit_ms: int = LISTEN_MS
) -> np.ndarray:
    """The session's first `limit_ms` of speech, its regions put end to end."""
    parts, left = [], limit_ms
    for start, end in regions:
        if left <= 0:
            break
        take = min(end - start, left)
        parts.append(slice_ms(samples, start, start + take))
        left -= take
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def _heard(detector: Recogniser, speech: np.ndarray) -> dict[str, float]:
    _, _, probs = detector.model.detect_language(audio=speech)
    top = dict(probs[:3])
    top.setdefault("en", dict(probs).get("en", 0.0))
    return {lang: round(float(p), 4) for lang, p in top.items()}


def refuse_other_speech(
    source: AudioSource,
    sessions: Sequence[Session],
    options: TranscribeOptions,
    cache: StageCache,
    detector: Recogniser,
    model: str,
) -> None:
    """ModelMissingError when a session of the recording whose language is not
    declared does not sound English (the recording's VAD is the transcribe stage's,
    cached; the detection is cached too)."""
    unheard = undeclared(sessions, source.recording)
    if not unheard:
        return
    audio: list[np.ndarray] = []

    def samples() -> np.ndarray:
        if not audio:
            audio.append(decode(source.recording).samples)
        return audio[0]

    regions = speech_map(source, options, cache, samples)
    for session in unheard:
        mine = [(s, e) for s, e in regions if main_session(s, e, sessions) == session]
        if not mine:
            continue
        key = stage_key("language", source.key(), detector.sha256, "session", mine)
        heard = cache.get_or_compute(
            "language",
            key,
            lambda mine=mine: _heard(detector, session_speech(samples(), mine)),
            lambda v: v,
            _probabilities,
        )
        top = max(heard, key=heard.get)
        if top != "en" and heard[top] >= OTHER_SURE and heard.get("en", 0.0) < NOT_ENGLISH:
            name = language_name(top)
            raise ModelMissingError(
                f"session {session.index} ({session.title!r}) sounds "
                f"{name if name != top else repr(top)} (Whisper {detector.info.name}: "
                f"{heard[top]:.0%}), but --model {model} knows only English: use a "
                "multilingual model (--model base), or declare the session's language "
                '(language = "en") if it is English'
            )


def _probabilities(value: object) -> dict[str, float]:
    if not isinstance(value, dict) or not value or not all(
        isinstance(k, str) and isinstance(v, (int, float)) for k, v in value.items()
    ):
        raise TypeError("cached language probabilities expected")
    return value
