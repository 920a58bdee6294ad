from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

from track_builders import (
    MIXED_ENGINE,
    at,
    flagged_track,
    make_event,
    make_session,
    mixed_track,
    original_track,
    translated_track,
)

from pipeline.types import Cue, Sentence
from pipeline.writers import html_writer


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.in_main: list[tuple[str, dict[str, str | None]]] = []  # the transcript itself
        self.text: list[str] = []
        self._main = False

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))
        if self._main:
            self.in_main.append((tag, dict(attrs)))
        self._main = self._main or tag == "main"

    def handle_endtag(self, tag):
        self._main = self._main and tag != "main"

    def handle_data(self, data):
        self.text.append(data)


def parse(track, **options) -> Tags:
    tags = Tags()
    tags.feed(html_writer.render(track, make_event(), **options))
    return tags


def spans(tags: Tags) -> list[dict[str, str | None]]:
    """The marks on sentences of the transcript (not those of the legend)."""
    return [attrs for tag, attrs in tags.in_main if tag == "span"]


def test_html_escapes_script_in_text_titles_and_speakers():
    page = html_writer.render(original_track(), make_event())
    # the only script is our own player script, loaded from beside it after the body
    assert page.count("<script") == 1 and "<script>alert" not in page
    assert page.index('<script src="transcript.js">') > page.index("</main>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; deltas." in page
    assert "Rivers &amp; &lt;Deltas&gt;" in page
    assert "Bob &lt;b&gt;" in page
    assert "b" not in {tag for tag, _ in parse(original_track()).starts}


def test_html_declares_language_and_utf8():
    tags = parse(translated_track())
    assert ("html", {"lang": "fr"}) in tags.starts
    assert ("meta", {"charset": "utf-8"}) in tags.starts


def test_paragraphs_have_ids_and_time_links_in_session_seconds():
    tags = parse(original_track())
    paragraphs = [attrs["id"] for tag, attrs in tags.starts if tag == "p" and "id" in attrs]
    links = [
        attrs["href"] for tag, attrs in tags.starts if tag == "a" and attrs.get("class") == "ts"
    ]
    assert paragraphs == ["p-1", "p-2"]
    assert links == ["#t=1", "#t=9"]
    assert "[00:09]" in "".join(tags.text)


def test_html_states_original_or_machine_translation():
    assert "Original transcript (Whisper)" in html_writer.render(original_track(), make_event())
    page = html_writer.render(translated_track(), make_event())
    assert "Machine translation from English by argos en_fr 1.9" in page


def test_time_links_are_anchors_on_their_paragraphs_without_javascript():
    tags = parse(original_track())
    stamps = [attrs for tag, attrs in tags.starts if tag == "a" and attrs.get("class") == "ts"]
    # each #t=SECONDS link points at an id on its own paragraph's stamp
    assert [(a["id"], a["href"]) for a in stamps] == [("t=1", "#t=1"), ("t=9", "#t=9")]


def test_time_anchor_ids_stay_unique_when_paragraphs_start_together():
    session = make_session()
    # all before the session start: both paragraphs (6 + 2 sentences) clamp to 0 s
    sentences = tuple(
        Sentence(session.start_ms - 5000 + n, session.start_ms - 4000, f"S{n}.", "en")
        for n in range(8)
    )
    tags = parse(original_track(session, sentences=sentences, cues=()))
    ids = [attrs["id"] for _, attrs in tags.starts if attrs.get("id")]
    assert len(ids) == len(set(ids))
    stamps = [attrs for tag, attrs in tags.starts if tag == "a" and attrs.get("class") == "ts"]
    assert [a["href"] for a in stamps] == ["#t=0", "#t=0"]


def test_the_seek_script_is_a_file_beside_the_page_never_inline():
    page = html_writer.render(original_track(), make_event())
    tags = parse(original_track())
    (audio,) = [attrs for tag, attrs in tags.starts if tag == "audio"]
    assert audio["src"] == "session.m4a" and "controls" in audio and audio["id"] == "player"
    scripts = [attrs for tag, attrs in tags.starts if tag == "script"]
    assert scripts == [{"src": "transcript.js"}]
    assert page.split('<script src="transcript.js">', 1)[1].startswith("</script>")
    script = html_writer.SEEK_SCRIPT
    assert 'getElementById("player")' in script and "currentTime" in script
    assert "a.ts" in script and "location.hash" in script
    # no external resources: nothing is loaded from elsewhere, no handler attribute
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert not any(name.startswith("on") for _, attrs in tags.starts for name in attrs)


def test_the_inline_style_is_the_one_block_its_hash_allows():
    import base64
    import hashlib
    import re

    page = html_writer.render(original_track(), make_event())
    (block,) = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
    style = html_writer.STYLE + html_writer.TRANSCRIPT_STYLE
    assert html_writer.style_hash(style) == f"'sha256-{digest}'"
    assert " style=" not in page  # no style attribute, which a hash cannot allow


def test_without_audio_there_is_no_player_and_no_script():
    page = html_writer.render(original_track(), make_event(), audio=None)
    assert "<audio" not in page and "<script" not in page
    assert 'href="#t=1"' in page


def test_audio_address_is_escaped_and_url_encoded():
    page = html_writer.render(original_track(), make_event(), audio='a "b"&<c>.m4a')
    assert 'src="a%20%22b%22%26%3Cc%3E.m4a"' in page


def test_low_confidence_and_reviewed_sentences_are_marked_with_a_legend():
    tags = parse(flagged_track())
    marked = spans(tags)
    assert {"class": "reviewed", "title": "reviewed by a person"} in marked
    assert {"class": "lowconf", "title": "low confidence"} in marked
    page = html_writer.render(flagged_track(), make_event())
    assert (
        '<span class="lowconf" title="low confidence">Rivers &lt;script&gt;alert(1)'
        "&lt;/script&gt; &amp; deltas.</span>" in page
    )
    assert sum(attrs.get("class") == "legend" for _, attrs in tags.starts) == 1
    legend_line = next(line for line in page.splitlines() if 'class="legend"' in line)
    assert "unsure" in legend_line and "reviewed by a person" in legend_line
    assert "Includes 1 human-reviewed passage." in page


def test_unflagged_transcripts_have_no_marks_and_no_legend():
    tags = parse(original_track())
    assert spans(tags) == []
    assert not any(attrs.get("class") == "legend" for _, attrs in tags.starts)
    assert "human-reviewed" not in html_writer.render(original_track(), make_event())


def test_reviewed_text_is_no_longer_marked_low_confidence():
    track = flagged_track()
    confirmed = replace(track.sentences[1], reviewed=True)
    track = replace(track, sentences=(track.sentences[0], confirmed, *track.sentences[2:]))
    classes = [attrs["class"] for attrs in spans(parse(track))]
    assert classes == ["reviewed", "reviewed"]


def test_mixed_sessions_state_both_sources_and_mark_translated_passages():
    page = html_writer.render(mixed_track(), make_event())
    assert (
        "Original English transcript (Whisper), with passages machine-translated from French "
        f"by {MIXED_ENGINE}" in page
    )
    marked = spans(parse(mixed_track()))
    assert marked == [{"class": "mt", "title": f"machine-translated from French by {MIXED_ENGINE}"}]
    assert "Hello to all &lt;friends&gt; &amp; guests." in page
    assert "<friends>" not in page


def test_everything_user_written_is_escaped_in_attributes_and_text():
    session = replace(
        make_session(title='Q&A <script>alert("t")</script>'),
        speakers=('<img src=x onerror="y">',),
    )
    sentence = Sentence(
        at(1000), at(2000), "<script>x()</script> & more", "en", low_confidence=True
    )
    cue = Cue(at(1000), at(2000), ("x",), "en")
    track = original_track(session, sentences=(sentence,), cues=(cue,))
    page = html_writer.render(track, make_event((session,)))
    assert page.count("<script") == 1  # ours
    assert "<img" not in page
    assert "Q&amp;A &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;y&quot;&gt;" in page
    assert "&lt;script&gt;x()&lt;/script&gt; &amp; more" in page
