"""Our writers against the shared edge-case subtitle files (../shared/subtitles)."""

from __future__ import annotations

import html
import re
from itertools import pairwise
from pathlib import Path

import pytest
import srt
import webvtt
from track_builders import make_event, make_session, original_track

from pipeline.types import Cue
from pipeline.writers import srt_writer, vtt
from pipeline.writers.srt_writer import srt_safe
from pipeline.writers.timed import clean_lines

# ../shared/ lies beside the project root, on developers' machines and in CI.
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "subtitles"

# the webvtt-py fixtures that webvtt-py itself reads as valid
VALID_VTT = [
    "captions_with_bom.vtt",
    "comments.vtt",
    "cue_tags.vtt",
    "metadata_headers.vtt",
    "metadata_headers_multiline.vtt",
    "netflix_chicas_del_cable.vtt",
    "one_caption.vtt",
    "sample.vtt",
    "styles.vtt",
    "using_identifiers.vtt",
    "youtube_dl.vtt",
]
VALID_SRT = [
    "pysrt/utf-8.srt",
    "pysrt/bom-utf-8.srt",
    "pysrt/no-indexes.srt",
    "pysrt/capability_tester.srt",
    "srt-cdown/ascii.srt",
    "webvtt-py/sample.srt",
]
STRICT_TIMING = re.compile(r"^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$")
SESSION_START = 3_600_000  # an hour into the recording, to prove the offset


def ms(timestamp) -> int:
    return timestamp.in_milliseconds()


def session_track_of(cues: list[tuple[int, int, list[str]]]):
    """The cues as one session starting an hour into the recording."""
    end = max((e for _, e, _ in cues), default=0) + 1000
    session = make_session(start_ms=SESSION_START, end_ms=SESSION_START + end)
    return original_track(
        session,
        cues=tuple(
            Cue(SESSION_START + s, SESSION_START + e, tuple(lines), "en") for s, e, lines in cues
        ),
        sentences=(),
    )


def render_vtt(cues):
    return vtt.render(session_track_of(cues), make_event())


@pytest.mark.parametrize("name", VALID_VTT)
def test_valid_webvtt_fixtures_round_trip_through_our_writer(name):
    source = webvtt.read(str(FIXTURES / "webvtt-py" / name))
    assert source.captions, "fixture should have cues"
    cues = [(ms(c.start_time), ms(c.end_time), c.lines) for c in source.captions]

    text = render_vtt(cues)
    ours = webvtt.from_string(text, strict=True)

    assert [(ms(c.start_time), ms(c.end_time)) for c in ours.captions] == [
        (s, e) for s, e, _ in cues
    ]
    assert [html.unescape(c.raw_text) for c in ours.captions] == [
        "\n".join(clean_lines(lines)) for _, _, lines in cues
    ]
    # cue tags and entities in the source are shown as text, never interpreted
    assert all(c.text == c.raw_text for c in ours.captions)
    timings = [line for line in text.splitlines() if "-->" in line]
    assert len(timings) == len(cues) and all(STRICT_TIMING.match(t) for t in timings)


def _arrow_lines(name: str) -> list[str]:
    """Lines of a WPT file that hold '-->' but are not a cue timing line."""
    lines = (FIXTURES / "wpt-webvtt" / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if "-->" in line and not re.match(r"^\d\d:\d\d:\d\d\.", line)]


def test_wpt_arrow_strings_as_cue_text_stay_text_in_vtt():
    tricky = _arrow_lines("arrows.vtt") + _arrow_lines("ids.vtt")
    assert "-->" in tricky and "foo-->" in tricky and "-->-->" in tricky
    cues = [(n * 1000, n * 1000 + 900, [line]) for n, line in enumerate(tricky)]

    ours = webvtt.from_string(render_vtt(cues), strict=True)

    assert [html.unescape(c.raw_text) for c in ours.captions] == [
        " ".join(line.split()) for line in tricky
    ]


def test_wpt_arrow_strings_as_cue_text_do_not_split_srt_cues():
    tricky = _arrow_lines("arrows.vtt")
    cues = [(n * 1000, n * 1000 + 900, [line]) for n, line in enumerate(tricky)]
    subs = list(srt.parse(srt_writer.render(session_track_of(cues), make_event())))
    assert [s.index for s in subs] == list(range(1, len(tricky) + 1))
    assert all("-->" not in s.content for s in subs)


def test_wpt_whitespace_identifiers_as_cue_text_are_trimmed_or_dropped():
    source = (FIXTURES / "wpt-webvtt" / "ids.vtt").read_text(encoding="utf-8").split("\n\n")
    ids = [block.split("\n")[0] for block in source[1:]]
    assert " leading space" in ids and " " in ids
    cues = [(n * 1000, n * 1000 + 900, [text]) for n, text in enumerate(ids)]
    ours = webvtt.from_string(render_vtt(cues), strict=True)
    expected = [text.strip() for text in ids if text.strip()]
    assert [html.unescape(c.raw_text) for c in ours.captions] == expected


def test_wpt_negative_and_empty_timings_are_never_written():
    source = webvtt.read(str(FIXTURES / "wpt-webvtt" / "timings-negative.vtt"))
    cues = [(ms(c.start_time), ms(c.end_time), c.lines) for c in source.captions]
    assert any(e < s for s, e, _ in cues)
    cues.append((5_000_000, 5_001_000, ["kept"]))

    ours = webvtt.from_string(render_vtt(cues), strict=True)

    assert [(ms(c.start_time), ms(c.end_time), c.text) for c in ours.captions] == [
        (5_000_000, 5_001_000, "kept")
    ]


def test_wpt_omitted_hours_are_written_with_hours():
    source = webvtt.read(str(FIXTURES / "wpt-webvtt" / "timings-omitted-hours.vtt"))
    cues = [(ms(c.start_time), ms(c.end_time), c.lines) for c in source.captions]
    text = render_vtt(cues[:1])
    assert "00:00:00.000 --> 00:00:01.000" in text


def _read_srt(path: Path) -> list[srt.Subtitle]:
    return list(srt.parse(path.read_text(encoding="utf-8-sig")))


@pytest.mark.parametrize("name", VALID_SRT)
def test_srt_fixtures_rewritten_by_our_writer_parse_back_in_order(name):
    source = _read_srt(FIXTURES / name)
    cues = [
        (
            int(s.start.total_seconds() * 1000),
            int(s.end.total_seconds() * 1000),
            s.content.splitlines(),
        )
        for s in source
    ]
    track = session_track_of(cues)

    subs = list(srt.parse(srt_writer.render(track, make_event())))

    assert [s.index for s in subs] == list(range(1, len(subs) + 1))
    for earlier, later in pairwise(subs):
        assert earlier.start < earlier.end <= later.start < later.end
    # nothing is lost but cues that cannot show (no text or no duration)
    kept = sorted(
        ((s, e, lines) for s, e, lines in cues if e > s and clean_lines(lines)),
        key=lambda cue: cue[:2],
    )
    # cue lines are plain text: what players would read as markup is neutralised
    assert " ".join(srt_safe(" ".join(clean_lines(lines))) for *_, lines in kept) == (
        " ".join(" ".join(s.content.splitlines()) for s in subs)
    )
