"""The one language table: every fact the pipeline knows about a language.

Adding a language means a row here and its lexicons (the segmenter's function words
in `cues/lexicon.py`); translation engines say for themselves which directions they
cover.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as in manifests, file names and JSON
    name: str  # in English, for file headers
    autonym: str  # in the language itself, for language switches
    iso639_2: str  # as media containers tag subtitle streams (mux)
    reading_cps: float  # default profile's reading-speed limit (characters/s)


TABLE: tuple[Language, ...] = (
    Language("en", "English", "English", "eng", 20.0),
    Language("fr", "French", "Français", "fra", 17.0),
    Language("es", "Spanish", "Español", "spa", 17.0),
)

BY_CODE: dict[str, Language] = {lang.code: lang for lang in TABLE}
LANGUAGES: tuple[str, ...] = tuple(BY_CODE)


def language_name(code: str) -> str:
    """English name of a language code; unknown codes are shown as given."""
    lang = BY_CODE.get(code)
    return lang.name if lang else code


def autonym(code: str) -> str:
    """The language's name in itself; unknown codes fall back to `language_name`."""
    lang = BY_CODE.get(code)
    return lang.autonym if lang else language_name(code)


def iso639_2(code: str) -> str:
    """The three-letter code media containers use; unknown codes are kept as given."""
    lang = BY_CODE.get(code)
    return lang.iso639_2 if lang else code


def language_code(name: str) -> str | None:
    """'French', 'fr', 'fr-CA' -> 'fr'; None when not one of our languages."""
    name = name.strip().lower()
    for lang in TABLE:
        if name in (lang.code, lang.name.lower()) or name.split("-")[0] == lang.code:
            return lang.code
    return None
