"""The words of web conferences, as interpreters and organisers write them.

Apertium knows "speaker" as a loudspeaker ("haut-parleur", "altavoz"), a panel as a
board ("panneau"), the chat as a cat, and leaves "webinar", "slides" or "attendees"
untranslated: of 13 things moderators say, 12 came out with such a word into
French (tests/translate/test_translate_vocabulary.py). These Terms join every glossary
after the organiser's own (`event_glossary`, `webconf translate`), so a manifest
that gives another form for one of them wins. Each is matched in one number only
(`inflected=False`): the singular and the plural are two Terms.
"""

from __future__ import annotations

from pipeline.types import Term


def _term(en: str, fr: str, es: str) -> Term:
    return Term((("en", en), ("fr", fr), ("es", es)), inflected=False)


WEBCONF_TERMS: tuple[Term, ...] = (
    _term("keynote speaker", "conférencier principal", "ponente principal"),
    _term("keynote speakers", "conférenciers principaux", "ponentes principales"),
    _term("speaker", "intervenant", "ponente"),
    _term("speakers", "intervenants", "ponentes"),
    _term("panel", "table ronde", "mesa redonda"),
    _term("panels", "tables rondes", "mesas redondas"),
    _term("panelist", "panéliste", "panelista"),
    _term("panelists", "panélistes", "panelistas"),
    _term("panellist", "panéliste", "panelista"),
    _term("panellists", "panélistes", "panelistas"),
    _term("moderator", "modérateur", "moderador"),
    _term("moderators", "modérateurs", "moderadores"),
    _term("webinar", "webinaire", "seminario web"),
    _term("webinars", "webinaires", "seminarios web"),
    _term("web conference", "webconférence", "conferencia web"),
    _term("web conferences", "webconférences", "conferencias web"),
    _term("slide", "diapositive", "diapositiva"),
    _term("slides", "diapositives", "diapositivas"),
    _term("attendees", "participants", "participantes"),
    _term("breakout room", "salle de sous-groupe", "sala de grupo"),
    _term("breakout rooms", "salles de sous-groupe", "salas de grupos"),
    _term("Q&A", "questions-réponses", "preguntas y respuestas"),
    _term("chat", "chat", "chat"),
)
