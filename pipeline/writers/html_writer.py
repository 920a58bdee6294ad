"""A standalone transcript page: readable offline, linkable by paragraph and time."""

from __future__ import annotations

from html import escape

from pipeline.types import Event, SessionTrack
from pipeline.writers.base import Writer
from pipeline.writers.labels import (
    event_line,
    language_name,
    provenance,
    recording_range,
    session_line,
    speakers_line,
)
from pipeline.writers.paragraphs import paragraphs
from pipeline.writers.timing import seconds_fragment, short_clock

STYLE = """\
body{font:1.05rem/1.6 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;\
color:#222;background:#fff}
header{border-bottom:1px solid #ccc;margin-bottom:1.5rem}
h1{font-size:1.5rem;margin:.2rem 0}
.meta{color:#555;margin:.2rem 0}
.provenance{font-style:italic}
.ts{font:0.85rem ui-monospace,monospace;color:#06c;text-decoration:none;margin-right:.5em}
p:target{background:#ffd}"""


def page(title: str, language: str, body: str, *, style: str = STYLE) -> str:
    """The HTML shell shared with the event index."""
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


def render(track: SessionTrack, event: Event) -> str:
    """Header facts, then one `<p id="p-N">` per paragraph led by a `#t=SECONDS` link."""
    session = track.session
    meta = [event_line(event)]
    if session.speakers:
        meta.append(f"Speakers: {speakers_line(session)}")
    meta += [
        f"Language: {language_name(track.language)}",
        f"Recording: {recording_range(session)}; times are from the session start",
    ]
    parts = ["<header>\n"]
    parts.append(f'<p class="meta">{escape(meta[0])}</p>\n')
    parts.append(f"<h1>{escape(session_line(session))}</h1>\n")
    parts += [f'<p class="meta">{escape(line)}</p>\n' for line in meta[1:]]
    parts.append(f'<p class="meta provenance">{escape(provenance(track))}</p>\n')
    parts.append("</header>\n<main>\n")
    for n, paragraph in enumerate(paragraphs(track), start=1):
        secs = seconds_fragment(paragraph.start_ms)
        parts.append(
            f'<p id="p-{n}"><a class="ts" href="#t={secs}">[{short_clock(paragraph.start_ms)}]'
            f"</a> {escape(paragraph.text)}</p>\n"
        )
    parts.append("</main>\n")
    title = f"{session_line(session)} \u2014 {event.title} ({language_name(track.language)})"
    return page(title, track.language, "".join(parts))


WRITER = Writer("html", render)
