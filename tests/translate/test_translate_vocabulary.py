"""The words of web conferences through real Apertium: a speaker is not a loudspeaker."""

from __future__ import annotations

import pytest

from pipeline.translate.apertium import ApertiumEngine
from pipeline.translate.glossary import event_glossary
from pipeline.translate.machine import translate_sentences
from pipeline.translate.vocabulary import WEBCONF_TERMS
from pipeline.types import Event, Sentence, Term

# What moderators say; without the vocabulary Apertium gets a word of each wrong.
SAID = [
    "Our first speaker is from Sweden.",
    "The panel will answer questions in the chat.",
    "The slides will be shared after the webinar.",
    "The moderator thanks the panelists.",
    "Our keynote speaker will open the session.",
    "The speakers answered.",
]
WANTED = {
    "fr": ["intervenant", "table ronde", "Les diapositives", "panélistes",
           "conférencier principal", "Les intervenants"],
    "es": ["ponente", "mesa redonda", "Las diapositivas", "panelistas",
           "ponente principal", "Los ponentes"],
}  # fmt: skip
WRONG = {"fr": ("haut-parleur", "panneau"), "es": ("altavoz", "deslizamientos")}


@pytest.fixture(scope="module")
def engine() -> ApertiumEngine:
    return ApertiumEngine()


def translated(engine, texts, source, target, glossary=WEBCONF_TERMS) -> list[str]:
    sentences = [Sentence(0, 1000, text, source) for text in texts]
    return [s.text for s in translate_sentences(sentences, target, engine, glossary)]


@pytest.mark.parametrize("target", ["fr", "es"])
def test_the_words_of_a_webinar_are_translated_as_organisers_say_them(engine, target):
    bare = " ".join(translated(engine, SAID, "en", target, ()))
    assert any(word in bare for word in WRONG[target]), bare  # what Apertium alone does
    out = translated(engine, SAID, "en", target)
    for line, wanted in zip(out, WANTED[target], strict=True):
        assert wanted in line, (wanted, line)
    assert not any(word in " ".join(out) for word in WRONG[target])


@pytest.mark.parametrize(
    ("source", "text"),
    [("fr", "Les intervenants répondront dans le chat."),
     ("es", "Los ponentes responderán en el chat.")],
)  # fmt: skip
def test_back_into_english_a_speaker_is_a_speaker_and_the_chat_no_cat(engine, source, text):
    (out,) = translated(engine, [text], source, "en")
    assert "speakers" in out and "chat" in out and "cat " not in out, out


def test_the_organisers_form_wins_over_the_vocabulary(engine):
    own = Term((("en", "speaker"), ("fr", "oratrice")), inflected=False)
    event = Event("T", "", ("en", "fr"), (), (), terms=(own,))
    (out,) = translated(engine, ["Our first speaker is from Sweden."], "en", "fr",
                        event_glossary(event))  # fmt: skip
    assert "oratrice" in out and "intervenant" not in out, out
