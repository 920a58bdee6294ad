from __future__ import annotations

from html.parser import HTMLParser

from test_writers_support import make_event, original_track, translated_track

from pipeline.writers import html_writer


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(track) -> Tags:
    tags = Tags()
    tags.feed(html_writer.render(track, make_event()))
    return tags


def test_html_escapes_script_in_text_titles_and_speakers():
    page = html_writer.render(original_track(), make_event())
    assert "<script" not in page
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
    links = [attrs["href"] for tag, attrs in tags.starts if tag == "a"]
    assert paragraphs == ["p-1", "p-2"]
    assert links == ["#t=1", "#t=9"]
    assert "[00:09]" in "".join(tags.text)


def test_html_states_original_or_machine_translation():
    assert "Original transcript (Whisper)" in html_writer.render(original_track(), make_event())
    page = html_writer.render(translated_track(), make_event())
    assert "Machine translation from English by argos en_fr 1.9" in page
