"""A standalone transcript page: readable offline, linkable by paragraph and time.

Everything the page shows is escaped. With the session audio beside it, a player
sits in the header and the `#t=SECONDS` stamps seek it: a few lines of script in
`transcript.js` beside the page (`SEEK_SCRIPT`, written with it), never inline, so the
page runs under a Content-Security-Policy without 'unsafe-inline'. Without JavaScript
each stamp is still an anchor on its paragraph. The style is one inline `<style>`
block, so a page saved alone stays readable; a server allows exactly that block by
its hash (`style_hash`).
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from urllib.parse import quote

from pipeline.languages import language_name
from pipeline.outputs.layout import SESSION_AUDIO, TRANSCRIPT_SCRIPT
from pipeline.timecode import seconds_fragment, short_clock
from pipeline.types import Event, SessionTrack
from pipeline.writers.base import Writer
from pipeline.writers.paragraphs import UNSURE_WORD, Paragraph, Passage, paragraphs
from pipeline.writers.provenance import (
    about_line,
    composition,
    event_line,
    provenance,
    recording_range,
    review_line,
    session_line,
    speakers_line,
)

STYLE = """\
body{font:1.05rem/1.6 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;\
color:#222;background:#fff}
header{border-bottom:1px solid #ccc;margin-bottom:1.5rem}
h1{font-size:1.5rem;margin:.2rem 0}
.meta{color:#555;margin:.2rem 0}
.provenance{font-style:italic}
.ts{font:0.85rem ui-monospace,monospace;color:#06c;text-decoration:none;margin-right:.5em}
.speaker{font-weight:600}
p:target,p:has(.ts:target){background:#ffd}"""

TRANSCRIPT_STYLE = """
audio{width:100%;margin:.5rem 0}
.legend{font-size:.9rem;color:#555;margin:.2rem 0 .6rem}
.lowconf{text-decoration:underline dotted #c60;text-underline-offset:.2em}
.reviewed{background:#eaf6ea}
mark.unsure{background:#fff1b8;color:inherit}
.mt{color:#555}"""

# `transcript.js`: seeks the player to a stamp's time when it is clicked, and to `#t=`
# in the address on load; the link itself still moves to its paragraph.
SEEK_SCRIPT = """\
(function () {
  var audio = document.getElementById("player");
  if (!audio) return;
  function seek(hash, play) {
    var m = /^#t=(\\d+(?:\\.\\d+)?)$/.exec(hash || "");
    if (!m) return;
    var t = parseFloat(m[1]);
    if (audio.readyState > 0) audio.currentTime = t;
    else audio.addEventListener("loadedmetadata", function () {
      audio.currentTime = t;
    }, {once: true});
    if (play) {
      var p = audio.play();
      if (p && p.catch) p.catch(function () {});
    }
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a.ts") : null;
    if (link) seek(link.getAttribute("href"), true);
  });
  seek(location.hash, false);
})();
"""

LOW_CONFIDENCE_TITLE = "low confidence"
REVIEWED_TITLE = "reviewed by a person"


def style_hash(style: str) -> str:
    """The CSP source (`'sha256-...'`) allowing the `<style>` block `page` writes for
    `style`, and no other inline style."""
    digest = hashlib.sha256(f"\n{style}\n".encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def web_link(url: str) -> str:
    """An external link (the manifest lets only http(s) addresses through), opened
    without handing the page to it."""
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>'


def page(title: str, language: str, body: str, *, style: str = STYLE) -> str:
    """The HTML shell shared with the event index (see `style_hash`)."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(language)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{style}\n</style>\n"
        "</head>\n"
        f"<body>\n{body}</body>\n"
        "</html>\n"
    )


def _passage(passage: Passage, *, mark_translations: bool) -> str:
    """A sentence, wrapped in a span when it is low-confidence, reviewed or translated."""
    classes: list[str] = []
    titles: list[str] = []
    if passage.low_confidence:
        classes.append("lowconf")
        titles.append(LOW_CONFIDENCE_TITLE)
    if passage.reviewed:
        classes.append("reviewed")
        titles.append(REVIEWED_TITLE)
    if mark_translations and not passage.original:
        classes.append("mt")
        titles.append(
            f"machine-translated from {language_name(passage.source_language)} "
            f"by {passage.engine or 'an unknown engine'}"
        )
    text = _marked_words(passage) if passage.unsure_words else escape(passage.text)
    if not classes:
        return text
    return f'<span class="{" ".join(classes)}" title="{escape("; ".join(titles))}">{text}</span>'


def _marked_words(passage: Passage) -> str:
    """The passage with each word the recogniser was unsure of highlighted."""
    out = []
    for said, probability in passage.words:
        space = " " if said[:1].isspace() else ""
        word = escape(" ".join(said.split()))
        if probability < UNSURE_WORD:
            title = f"recognised with probability {probability:.2f}: check it"
            word = f'<mark class="unsure" title="{title}">{word}</mark>'
        out.append(space + word)
    return "".join(out).strip()


def _paragraph(n: int, paragraph: Paragraph, anchor: str | None, mark: bool) -> str:
    secs = seconds_fragment(paragraph.start_ms)
    id_attr = f' id="{escape(anchor)}"' if anchor else ""
    text = " ".join(_passage(p, mark_translations=mark) for p in paragraph.passages)
    if paragraph.turn:  # the first paragraph of a speaker's turn names them
        text = f'<span class="speaker">{escape(paragraph.speaker)}:</span> {text}'
    return (
        f'<p id="p-{n}"><a class="ts"{id_attr} href="#t={secs}">'
        f"[{short_clock(paragraph.start_ms)}]</a> {text}</p>\n"
    )


def _legend(found: list[Paragraph], mark_translations: bool) -> str:
    passages = [p for paragraph in found for p in paragraph.passages]
    items = []
    if any(p.low_confidence for p in passages):
        items.append(
            f'<span class="lowconf" title="{LOW_CONFIDENCE_TITLE}">underlined</span>: '
            "the recogniser was unsure"
        )
    if any(p.reviewed for p in passages):
        items.append(
            f'<span class="reviewed" title="{REVIEWED_TITLE}">shaded</span>: reviewed by a person'
        )
    unsure = sum(p.unsure_words for p in passages)
    if unsure:
        items.append(
            f'<mark class="unsure">highlighted</mark>: {unsure} word{"s" if unsure != 1 else ""} '
            f"recognised with probability under {UNSURE_WORD:g}, to check"
        )
    if mark_translations and any(not p.original for p in passages):
        items.append('<span class="mt">grey</span>: machine-translated passage')
    if not items:
        return ""
    return f'<p class="legend">Legend: {"; ".join(items)}.</p>\n'


def render(track: SessionTrack, event: Event, *, audio: str | None = SESSION_AUDIO) -> str:
    """Header facts, then one `<p id="p-N">` per paragraph led by a `#t=SECONDS` link.

    `audio` is the session audio's address relative to the page (None: no player,
    no script); the page then loads `transcript.js` from beside it, which
    `write_session_track` writes.
    """
    session = track.session
    found = paragraphs(track)
    passages = [p for paragraph in found for p in paragraph.passages]
    mixed = composition(track).kind == "mixed"
    meta = []
    if session.speakers:
        meta.append(f"Speakers: {speakers_line(session)}")
    meta += [
        f"Language: {language_name(track.language)}",
        f"Recording: {recording_range(session)}; times are from the session start",
    ]
    reviewed = sum(p.reviewed for p in passages)
    parts = ["<header>\n"]
    parts.append(f'<p class="meta">{escape(event_line(event))}</p>\n')
    parts.append(f"<h1>{escape(session_line(session))}</h1>\n")
    parts += [f'<p class="meta">{escape(line)}</p>\n' for line in meta]
    if session.links:
        anchors = ", ".join(web_link(link) for link in session.links)
        parts.append(f'<p class="meta">Links: {anchors}</p>\n')
    if event.description:
        parts.append(f'<p class="meta about">{escape(about_line(event))}</p>\n')
    parts.append(f'<p class="meta provenance">{escape(provenance(track))}</p>\n')
    if reviewed:
        noun = "passage" if reviewed == 1 else "passages"
        parts.append(f'<p class="meta">Includes {reviewed} human-reviewed {noun}.</p>\n')
    if line := review_line(track):
        parts.append(f'<p class="meta">{escape(line)}</p>\n')
    parts.append(_legend(found, mixed))
    if audio:
        src = escape(quote(audio))
        parts.append(
            f'<audio id="player" controls preload="metadata" src="{src}">'
            f'<a href="{src}">Session audio</a></audio>\n'
        )
    parts.append("</header>\n<main>\n")
    anchors: set[str] = set()
    for n, paragraph in enumerate(found, start=1):
        anchor = f"t={seconds_fragment(paragraph.start_ms)}"
        parts.append(_paragraph(n, paragraph, None if anchor in anchors else anchor, mixed))
        anchors.add(anchor)
    parts.append("</main>\n")
    if audio:
        parts.append(f'<script src="{TRANSCRIPT_SCRIPT}"></script>\n')
    title = f"{session_line(session)} \u2014 {event.title} ({language_name(track.language)})"
    return page(title, track.language, "".join(parts), style=STYLE + TRANSCRIPT_STYLE)


WRITER = Writer("html", render, options=("audio",))
