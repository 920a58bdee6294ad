"""Outputs folders for the replay-page, archive and mux tests.

`make_outputs(dest)` writes the sample event with the pipeline's own writers: the
committed sample recording, its agenda, and a few hand-written sentences per session
and language (the original, and machine translations of it). It never reads
outputs/, so results do not depend on whether `make run` has run; it takes a
fraction of a second. Tests read what they expect from the files.

`add_evil_event(outputs)` adds a copy of the event whose title, a session title,
a transcript passage, a subtitle cue and a chapter contain `<script>` markup.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SLUG = "2026-11-28-sample-multilingual-webinar-trade-rules-travel-and-sport"
MANIFEST = ROOT / "recordings" / "sample-event.toml"

EVIL = "<script>alert(1)</script>"
EVIL_SLUG = "2026-11-29-evil-event"

# Three sentences per session, in each language (the same meaning across languages).
SENTENCES = {
    "en": [
        "Ivory exports from the EU are banned.",
        "Domestic trade needs a certificate.",
        "The rules were tightened in 2017.",
        "The accident took place in mountainous terrain.",
        "The team won the relay in record time.",
        "Accreditation opens next Monday.",
        "Check the travel advice before you leave.",
        "Many travellers write blogs about Sintra.",
        "The funeral was held in Mashhad.",
    ],
    "fr": [
        "Les exportations d'ivoire depuis l'UE sont interdites.",
        "Le commerce intérieur exige un certificat.",
        "Les règles ont été renforcées en 2017.",
        "L'accident a eu lieu en terrain montagneux.",
        "L'équipe a gagné le relais en un temps record.",
        "L'accréditation ouvre lundi prochain.",
        "Consultez les conseils aux voyageurs avant de partir.",
        "Beaucoup de voyageurs écrivent des blogs sur Sintra.",
        "Les funérailles ont eu lieu à Mashhad.",
    ],
    "es": [
        "Las exportaciones de marfil desde la UE están prohibidas.",
        "El comercio interior exige un certificado.",
        "Las normas se endurecieron en 2017.",
        "El accidente ocurrió en terreno montañoso.",
        "El equipo ganó el relevo en un tiempo récord.",
        "La acreditación abre el próximo lunes.",
        "Consulte los consejos de viaje antes de salir.",
        "Muchos viajeros escriben blogs sobre Sintra.",
        "El funeral se celebró en Mashhad.",
    ],
}
SPOKEN = ("en", "fr", "es")  # the sample's sessions: English, then French, then Spanish


def make_outputs(dest: Path) -> Path:
    """An outputs folder in `dest` holding the sample event; returns the event folder."""
    dest.mkdir(parents=True, exist_ok=True)
    return write_synthetic_event(dest)


def write_synthetic_event(dest: Path) -> Path:
    """The sample event as the pipeline writes it, from hand-written sentences."""
    from pipeline.agenda.manifest import load_manifest, resolve_against_media
    from pipeline.media.probe import probe
    from pipeline.run.event import write_event_files
    from pipeline.types import Cue, Sentence, SessionTrack
    from pipeline.writers import IndexEntry, write_session_track

    event = load_manifest(MANIFEST)
    event = resolve_against_media(
        event, {r.file: probe(r.file).duration_ms for r in event.recordings}
    )
    event_dir = dest / event.slug
    entries, recording_cues = [], {}
    for n, session in enumerate(event.sessions):
        spoken = session.language or SPOKEN[n % 3]
        for language in event.languages:
            sentences, cues = [], []
            for k in range(3):
                start = session.start_ms + 2000 + k * 9000
                end = start + 7000
                i = n * 3 + k
                original = language == spoken
                sentences.append(
                    Sentence(
                        start_ms=start,
                        end_ms=end,
                        text=SENTENCES[language][i],
                        language=language,
                        source_language=spoken,
                        source_text="" if original else SENTENCES[spoken][i],
                        engine="whisper" if original else "apertium",
                        low_confidence=(k == 2 and original),
                        origin="original" if original else "machine",
                    )
                )
                cues.append(
                    Cue(
                        start,
                        end,
                        (SENTENCES[language][i],),
                        language,
                        origin="original" if original else "machine",
                    )
                )
            track = SessionTrack(
                session=session,
                language=language,
                source_language=spoken,
                engine="whisper" if language == spoken else "apertium",
                sentences=tuple(sentences),
                cues=tuple(cues),
            )
            paths = write_session_track(track, event, event_dir / session.slug)
            entries.append(IndexEntry.from_written(track, paths, event_dir))
            recording_cues.setdefault((session.recording, language), []).extend(cues)
    write_event_files(event, event_dir, entries, recording_cues)
    return event_dir


def read_index(event_dir: Path) -> dict:
    return json.loads((event_dir / "index.json").read_text(encoding="utf-8"))


def segments(event_dir: Path, session_slug: str, language: str) -> list[dict]:
    path = event_dir / session_slug / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))["segments"]


VOICES = ("Ana Ruiz", "Jean Dupont")  # add_voices_and_doubts: who says each sentence
UNSURE = 0.3  # ... and the probability of the one word of each session it doubts


def add_voices_and_doubts(event_dir: Path) -> list[tuple[str, float]]:
    """Give the event's sentences speakers (VOICES, taking turns) and its original
    sentences recognised words, the second word of each session's first sentence
    doubted (probability UNSURE); returns (session slug, that word's recording
    start) for each session."""
    index = read_index(event_dir)
    doubted = []
    for session in index["sessions"]:
        for language in index["event"]["languages"]:
            path = event_dir / session["slug"] / f"{language}.json"
            data = json.loads(path.read_text(encoding="utf-8"))
            for k, seg in enumerate(data["segments"]):
                seg["speaker"] = VOICES[k % 2]
                if seg["origin"] != "original":
                    continue
                words = seg["text"].split()
                step = (seg["end"] - seg["start"]) / len(words)
                shift = seg["recording_start"] - seg["start"]
                seg["words"] = [
                    {
                        "start": round(seg["start"] + n * step, 3),
                        "end": round(seg["start"] + (n + 1) * step, 3),
                        "word": f" {word}",
                        "probability": UNSURE if (k, n) == (0, 1) else 0.9,
                        "speaker": VOICES[k % 2],
                    }
                    for n, word in enumerate(words)
                ]
                if k == 0:
                    doubted.append((session["slug"], round(seg["start"] + step + shift, 3)))
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return doubted


def add_evil_event(outputs: Path, source: Path) -> Path:
    """Copy the event in `source` to EVIL_SLUG with `<script>` in its user-supplied text."""
    dest = outputs / EVIL_SLUG
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".cache", "*.sqlite*"))
    index = read_index(dest)
    index["event"]["title"] = f"Evil event {EVIL}"
    index["event"]["slug"] = EVIL_SLUG
    first = index["sessions"][0]
    first["title"] = f"Session {EVIL} title"
    first["speakers"] = [f"Speaker {EVIL}"]
    (dest / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")

    slug = first["slug"]
    for language in index["event"]["languages"]:
        path = dest / slug / f"{language}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["segments"][0]["text"] = f"Passage {EVIL} zebrafish"
        data["session"]["title"] = first["title"]
        data["event"]["title"] = index["event"]["title"]
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for name, recording in index["recordings"].items():
        for track in [*recording["tracks"].values(), recording["chapters"]]:
            path = dest / track
            blocks = path.read_text(encoding="utf-8").split("\n\n")
            cue = next(i for i, b in enumerate(blocks) if "-->" in b)
            lines = blocks[cue].split("\n")
            timing = next(i for i, line in enumerate(lines) if "-->" in line)
            blocks[cue] = "\n".join([*lines[: timing + 1], f"Cue {EVIL} for {name}"])
            path.write_text("\n\n".join(blocks), encoding="utf-8")
    return dest


# -- a small HTML tree, to read our pages in tests ------------------------------------

VOID = {"meta", "link", "source", "track", "input", "br", "img", "hr", "wbr", "area", "base"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return "".join(parts)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list:
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and all(node.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}> in the page"
        return found[0]


def parse_html(text: str) -> Node:
    from html.parser import HTMLParser

    root = Node("#document", {})

    class Builder(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.current = root

        def handle_starttag(self, tag, attrs):
            node = Node(tag, dict(attrs), self.current)
            self.current.children.append(node)
            if tag not in VOID:
                self.current = node

        def handle_startendtag(self, tag, attrs):
            self.current.children.append(Node(tag, dict(attrs), self.current))

        def handle_endtag(self, tag):
            node = self.current
            while node is not root and node.tag != tag:
                node = node.parent
            assert node is not root, f"stray </{tag}>"
            self.current = node.parent

        def handle_data(self, data):
            self.current.children.append(data)

    builder = Builder()
    builder.feed(text)
    builder.close()
    assert builder.current is root, f"unclosed <{builder.current.tag}>"
    return root


def tsec(seconds: float) -> str:
    """How pages write a time in seconds (as `#t=` and data-start)."""
    return f"{round(seconds * 1000) / 1000:.3f}".rstrip("0").rstrip(".") or "0"
