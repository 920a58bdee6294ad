"""The speakers stage: who speaks when in a recording, and under which name.

`turns` finds speaker turns from voice embeddings (`encoder`); `names` gives each
numbered voice its name from the agenda and the manifest; `label_words` puts the name
on every word, from which sentences, cues and every output carry it.
"""

from pipeline.speakers.names import label_words, speaker_names, voice_problems
from pipeline.speakers.turns import Turn, Voices, speaker_turns

__all__ = ["Turn", "Voices", "label_words", "speaker_names", "speaker_turns", "voice_problems"]
