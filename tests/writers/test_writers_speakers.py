"""Speaker turns in every output: VTT voice spans, TXT and HTML paragraphs named at
each turn, JSON segments, words and cues carrying `speaker`."""

from __future__ import annotations

import html
import json

import webvtt
from track_builders import make_event, make_session

from pipeline.cues.build import build_cues
from pipeline.types import Sentence, SessionTrack, Word
from pipeline.writers import html_writer, json_writer, txt, vtt

EVIL = "Jens <b>&</b> Wretling"


def track() -> SessionTrack:
    session = make_session()
    base = session.start_ms

    def said(start: int, text: str, speaker: str) -> Sentence:
        words, t = [], base + start
        for w in text.split():
            words.append(Word(t, t + 300, f" {w}", 0.9, speaker=speaker))
            t += 300
        return Sentence(words[0].start_ms, words[-1].end_ms, text, "en", tuple(words), "en",
                        speaker=speaker)  # fmt: skip

    sentences = (
        said(1000, "We open the meeting on telework now.", EVIL),
        said(3500, "Thank you all for coming today.", EVIL),
        said(6000, "A question from the floor?", "Speaker 3"),
        said(8000, "Yes, go ahead please.", EVIL),
    )
    cues = build_cues(sentences, end_ms=session.end_ms)
    return SessionTrack(session, "en", "en", "whisper", sentences, cues)


def test_a_cue_never_holds_two_speakers():
    cues = track().cues
    assert [c.speaker for c in cues] == [EVIL, EVIL, "Speaker 3", EVIL]


def test_vtt_cues_carry_escaped_voice_spans_that_parse_back():
    text = vtt.render(track(), make_event())
    assert "<v Jens &lt;b&gt;&amp;&lt;/b&gt; Wretling>We open the meeting" in text
    assert "<v Speaker 3>A question from the floor?</v>" in text
    captions = webvtt.from_string(text)
    assert [html.unescape(c.voice) for c in captions] == [EVIL, EVIL, "Speaker 3", EVIL]


def test_txt_names_the_speaker_at_each_turn_only():
    text = txt.render(track(), make_event())
    body = text.split("=" * 10)[-1]
    assert body.count(f"{EVIL}:") == 2 and body.count("Speaker 3:") == 1
    paragraphs = [p for p in body.split("\n\n") if p.strip("=\n")]
    assert [p.split("] ", 1)[1].split(":")[0] for p in paragraphs] == [EVIL, "Speaker 3", EVIL]


def test_html_names_the_speaker_escaped():
    page = html_writer.render(track(), make_event())
    assert '<span class="speaker">Jens &lt;b&gt;&amp;&lt;/b&gt; Wretling:</span>' in page
    assert "<b>&</b>" not in page


def test_json_segments_words_and_cues_carry_the_speaker():
    data = json.loads(json_writer.render(track(), make_event()))
    assert [s["speaker"] for s in data["segments"]] == [EVIL, EVIL, "Speaker 3", EVIL]
    assert {w["speaker"] for w in data["segments"][2]["words"]} == {"Speaker 3"}
    assert [c["speaker"] for c in data["cues"]] == [EVIL, EVIL, "Speaker 3", EVIL]


def test_srt_labels_each_turn_where_the_profile_asks_and_the_label_fits_the_line():
    from pipeline.subtitles.profiles import PROFILES, display_chars
    from pipeline.writers import srt_writer

    bbc = PROFILES["bbc"]
    plain = track()
    labelled = SessionTrack(plain.session, "en", "en", "whisper", plain.sentences,
                            build_cues(plain.sentences, bbc, plain.session.end_ms))  # fmt: skip
    text = srt_writer.render(labelled, make_event())
    firsts = [block.splitlines()[2] for block in text.strip().split("\n\n")]
    assert firsts[0].startswith("JENS <\u200bB>&<\u200b/B> WRETLING: We open")
    labels = [line for line in firsts if "WRETLING: " in line or "SPEAKER 3: " in line]
    assert len(labels) == 3 == len([c for c in labelled.cues if c.label])  # one per turn
    for block in text.strip().split("\n\n"):
        lines = [line.replace("\u200b", "") for line in block.splitlines()[2:]]
        assert all(display_chars([line]) <= bbc.max_line_chars for line in lines)
    # the default profile labels nothing; VTT never shows a label (it has voice spans)
    assert "WRETLING:" not in srt_writer.render(plain, make_event())
    assert "WRETLING:" not in vtt.render(labelled, make_event())


def test_a_corrected_srt_loses_the_labels_it_was_published_with():
    from pipeline.corrections.intake import _unlabelled
    from pipeline.types import Cue

    published = (Cue(0, 1000, ("Hello.",), "en", speaker="Ana Pérez"),)
    cue = Cue(0, 1000, ("ANA PÉREZ: Hello there.", "Second line"), "en")
    assert _unlabelled(cue, published).lines == ("Hello there.", "Second line")
    said = Cue(0, 1000, ("NATO: a treaty.",), "en")
    assert _unlabelled(said, published) == said


def test_words_said_over_another_voice_are_marked_in_json():
    from dataclasses import replace

    plain = track()
    third = plain.sentences[2]
    words = tuple(replace(w, overlap=i < 2) for i, w in enumerate(third.words))
    sentences = (*plain.sentences[:2], replace(third, words=words), *plain.sentences[3:])
    data = json.loads(json_writer.render(replace(plain, sentences=sentences), make_event()))
    assert [s["overlap"] for s in data["segments"]] == [False, False, True, False]
    assert [w.get("overlap", False) for w in data["segments"][2]["words"]] == [
        True, True, False, False, False]  # fmt: skip
    assert all("overlap" not in w for w in data["segments"][0]["words"])
