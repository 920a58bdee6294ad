"""Two events written as `webconf run` writes them (index.json and <lang>.json per
session), for the archive tests of the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

LANGS = ("en", "fr", "es")

FORUM = "2026-01-15-remote-work-forum"
SPORT = "2026-02-01-sport-day"


def _doc(event: dict, session: dict, lang: str, passages: list[dict]) -> dict:
    segments, cues = [], []
    for n, p in enumerate(passages, 1):
        spoken = p.get("spoken", session["language"])
        start, end = p["at"]
        shift = p.get("shift", {}).get(lang, 0.0)
        start, end = start + shift, end + shift
        text = p["text"][lang]
        times = {
            "start": round(start - session["start"], 3),
            "end": round(end - session["start"], 3),
            "recording_start": start,
            "recording_end": end,
        }
        segments.append(
            {
                **times,
                "text": text,
                "language": lang,
                "source_language": spoken,
                "source_text": None if lang == spoken else p["text"][spoken],
                "engine": "whisper" if lang == spoken else "apertium",
                "low_confidence": False,
                "reviewed": False,
                "words": [],
            }
        )
        cues.append(
            {"id": f"{lang}-{n}", **times, "text": text, "lines": [text],
             "low_confidence": False, "reviewed": False}
        )  # fmt: skip
    original = lang == session["language"]
    return {
        "event": event,
        "session": {k: session[k] for k in ("index", "title", "slug", "speakers", "start", "end")}
        | {"recording": "talk.mp4"},
        "language": lang,
        "source_language": session["language"],
        "is_original": original,
        "original_share": 1.0 if original else 0.0,
        "provenance": "Original transcript (Whisper)" if original else "Machine translation",
        "engine": "whisper" if original else "apertium",
        "segments": segments,
        "cues": cues,
    }


def write_event(
    root: Path, slug: str, title: str, sessions: list[dict], date: str = "2026-01-15"
) -> Path:
    """An event folder as `webconf run` writes it (only the files the archive reads)."""
    event_dir = root / slug
    event = {"title": title, "date": date, "slug": slug, "languages": list(LANGS)}
    entries = []
    for session in sessions:
        folder = event_dir / session["slug"]
        folder.mkdir(parents=True, exist_ok=True)
        languages = {}
        for lang in LANGS:
            doc = _doc(event, session, lang, session["passages"])
            (folder / f"{lang}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
            languages[lang] = {
                "engine": doc["engine"],
                "is_original": doc["is_original"],
                "source_language": session["language"],
                "files": {"json": f"outputs/{slug}/{session['slug']}/{lang}.json"},
            }
        entries.append(
            {k: session[k] for k in ("index", "title", "slug", "speakers", "language")}
            | {"recording": "talk.mp4", "start": session["start"], "end": session["end"]}
            | {"languages": languages}
        )
    index = {"event": event, "sessions": entries, "recording_tracks": [], "recordings": {}}
    (event_dir / "index.json").write_text(json.dumps(index, ensure_ascii=False), "utf-8")
    return event_dir


def forum_sessions() -> list[dict]:
    return [
        {
            "index": 1,
            "slug": "01-le-teletravail",
            "title": "Le télétravail",
            "speakers": ["Amélie Dupont"],
            "language": "fr",
            "start": 0.0,
            "end": 120.0,
            "passages": [
                {
                    "at": (10.0, 14.5),
                    "text": {
                        "fr": "Le télétravail change nos habitudes depuis 2020.",
                        "en": "Telework changes our habits since 2020.",
                        "es": "El teletrabajo cambia nuestros hábitos desde 2020.",
                    },
                },
                {
                    "at": (15.0, 19.0),
                    "text": {
                        "fr": 'Elle a dit « bonjour » puis "au revoir" <script>alert(1)</script>',
                        "en": 'She said "hello" then "goodbye" <script>alert(1)</script>',
                        "es": 'Dijo "hola" y luego "adiós" <script>alert(1)</script>',
                    },
                },
            ],
        },
        {
            "index": 2,
            "slug": "02-ivory-rules",
            "title": "Rules on ivory",
            "speakers": ["Jane Roe", "John Doe"],
            "language": "en",
            "start": 120.0,
            "end": 240.0,
            "passages": [
                {
                    "at": (130.0, 135.0),
                    "text": {
                        "en": "The rules on ivory are strict.",
                        "fr": "Les règles sur l'ivoire sont strictes.",
                        "es": "Las reglas sobre el marfil son estrictas.",
                    },
                },
                {
                    "at": (140.0, 146.0),
                    "shift": {"es": 0.25},  # a corrected translation, timed a bit later
                    "text": {
                        "en": "The French word teletravail is often written without accents.",
                        "fr": "Le mot teletravail s'écrit souvent sans accents.",
                        "es": "La palabra francesa teletravail se escribe sin acentos.",
                    },
                },
            ],
        },
    ]


def sport_sessions() -> list[dict]:
    return [
        {
            "index": 1,
            "slug": "01-deporte",
            "title": "Deporte y teletrabajo",
            "speakers": [],
            "language": "es",
            "start": 0.0,
            "end": 60.0,
            "passages": [
                {
                    "at": (5.0, 9.0),
                    "text": {
                        "es": "El teletrabajo también llegó al deporte.",
                        "en": "Telework also reached sport.",
                        "fr": "Le télétravail est aussi arrivé au sport.",
                    },
                }
            ],
        }
    ]


def write_two_events(root: Path) -> Path:
    """An outputs folder with the forum and the sport day, as the pipeline writes them."""
    write_event(root, FORUM, "Remote work forum", forum_sessions())
    write_event(root, SPORT, "Sport day", sport_sessions(), date="2026-02-01")
    return root
