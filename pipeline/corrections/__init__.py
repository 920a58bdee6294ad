"""Human corrections: machine subtitles are a draft that organisers correct.

A person corrects one session in one language (`webconf correct`, checked first);
it is saved beside the manifest under `corrections/` (never under outputs/), in
recording time, with the session it was made for (`store`). On every run each
correction finds its session by identity, never by agenda position; a corrected
original changes what is translated into the other languages (only the changed
sentences are translated again: the cache), a corrected rendering changes that
language only (`apply`), and the person's cues are written as they are.
"""

from pipeline.corrections.apply import correct_rendered, correct_spoken, is_spoken_in
from pipeline.corrections.intake import Taken, take_correction
from pipeline.corrections.store import (
    CORRECTIONS_DIR,
    Correction,
    SessionCorrections,
    corrections_dir,
    find_session,
    match_corrections,
    read_corrections,
    saved_voices,
    write_correction,
    write_voices,
)

__all__ = [
    "CORRECTIONS_DIR",
    "Correction",
    "SessionCorrections",
    "Taken",
    "correct_rendered",
    "correct_spoken",
    "corrections_dir",
    "find_session",
    "is_spoken_in",
    "match_corrections",
    "read_corrections",
    "saved_voices",
    "take_correction",
    "write_correction",
    "write_voices",
]

