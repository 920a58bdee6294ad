"""The static site's search: every passage in every language, in one compact script.

`search.js` searches it in the browser, so search works on any static web server
and from disk (`file://`, where a page may run a script beside it but not fetch a
JSON file). The index is a script setting one global, `WEBCONF_SEARCH`:

    events    [{label, slug, date}]
    sessions  [[event, title, replay link (relative to the search page), number]]
    speakers  ["name", ...]
    languages [[code, name], ...]
    passages  [[session, language, start seconds, text, origin, speaker or -1]]

`origin` is one letter: o(riginal), i(nterpretation), m(achine), p(erson). Read
from the same transcripts as the replay pages (`load_passages`). Measured on the
sample event (4 min 17 s in 3 languages, 76 passages): 12 KB, so about 57 KB per
hour of speech and language before the web server's compression.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pipeline.languages import language_name
from pipeline.web.data import Event, load_passages
from pipeline.web.render import SiteLinks

ORIGIN_LETTERS = {"original": "o", "interpretation": "i", "machine": "m", "person": "p"}


def search_index(events: Sequence[Event], page: str, event: Event | None = None) -> str:
    """The index script for the search page at `page` (a path in the site); `event`:
    the page of one event's folder, which links only inside it."""
    links = SiteLinks(page, event)
    speakers: dict[str, int] = {}
    data: dict[str, list] = {"events": [], "sessions": [], "passages": []}
    languages: dict[str, str] = {}
    for e, one in enumerate(events):
        data["events"].append({"label": one.label, "slug": one.slug, "date": one.date})
        for session in one.sessions:
            s = len(data["sessions"])
            data["sessions"].append([e, session.title, links.replay(one, session), session.index])
            for info in session.languages:
                languages.setdefault(info.code, language_name(info.code))
                for p in load_passages(one, session, info.code):
                    who = speakers.setdefault(p.speaker, len(speakers)) if p.speaker else -1
                    data["passages"].append(
                        [s, info.code, round(p.start, 2), p.text, ORIGIN_LETTERS[p.kind], who]
                    )
    data["speakers"] = list(speakers)
    data["languages"] = [[code, name] for code, name in languages.items()]
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"window.WEBCONF_SEARCH = {body};\n"
