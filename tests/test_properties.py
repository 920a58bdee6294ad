"""Properties that must hold for any input, checked with hypothesis: the manifest
parser only ever says ManifestError, times read back as written, cues never overlap
and keep every word, and every subtitle file written reads back to the same text
and times."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from track_builders import make_event, make_session

from pipeline.agenda.manifest import parse_manifest
from pipeline.cues.build import build_cues
from pipeline.errors import ManifestError
from pipeline.subtitles.reader import parse_srt, parse_vtt
from pipeline.timecode import clock_ms, parse_time
from pipeline.types import Cue, Sentence, SessionTrack
from pipeline.writers import srt_writer, vtt
from pipeline.writers.srt_writer import srt_safe
from pipeline.writers.timed import clean_lines, session_cues

# -- the manifest parser: 10,000 generated manifests, no other exception ---------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["en", "fr", "es", "de", "00:01:00", "-00:00:01", "../../x", "talk.mp4"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "title",
                    "date",
                    "languages",
                    "file",
                    "stream",
                    "language",
                    "start",
                    "end",
                    "speakers",
                    "recording",
                    "keep",
                    "offset",
                    "interpretation",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=20,
)
manifests = st.dictionaries(
    st.sampled_from(["event", "recording", "session", "glossary", "other"]), values, max_size=5
)


@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifests)
def test_the_manifest_parser_says_manifest_error_or_gives_an_event(data):
    try:
        parse_manifest(data, Path("/nowhere/event.toml"))
    except ManifestError as exc:
        assert str(exc).strip()
        assert all(line.startswith("/nowhere/event.toml: ") for line in str(exc).splitlines())


# -- times ------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=100 * 3_600_000 - 1))
def test_a_time_written_as_a_timestamp_reads_back_the_same(ms):
    assert parse_time(clock_ms(ms)) == ms


# -- cues ---------------------------------------------------------------------------------------

words = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S"]),
    min_size=1,
    max_size=14,
)


@st.composite
def sentences(draw):
    out, t = [], draw(st.integers(0, 5000))
    for _ in range(draw(st.integers(1, 6))):
        said = draw(st.lists(words, min_size=1, max_size=30))
        length = draw(st.integers(300, 20_000))
        out.append(Sentence(t, t + length, " ".join(said), draw(st.sampled_from(["en", "fr"]))))
        t += length + draw(st.integers(0, 3000))
    return out


@settings(max_examples=300, deadline=None)
@given(sentences())
def test_cues_never_overlap_and_keep_every_word(said):
    cues = build_cues(said)
    assert all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:], strict=False))
    assert all(c.end_ms > c.start_ms for c in cues)
    shown = " ".join(" ".join(c.lines) for c in cues).split()
    assert shown == " ".join(s.text for s in said).split()


# -- writers: what is written reads back -------------------------------------------------------

line_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
    min_size=1,
    max_size=40,
) | st.sampled_from(["-->", "<script>alert(1)</script>", "a &amp; b", "שלום עולם", "🎉 ok", "1"])


@st.composite
def tracks(draw):
    session = make_session()
    cues, t = [], session.start_ms
    for _ in range(draw(st.integers(1, 5))):
        lines = tuple(draw(st.lists(line_text, min_size=1, max_size=2)))
        if not clean_lines(lines):
            continue
        length = draw(st.integers(500, 7000))
        cues.append(Cue(t, t + length, lines, "en"))
        t += length + draw(st.integers(0, 2000))
    return SessionTrack(session, "en", "en", "whisper", (), tuple(cues))


def expected(track: SessionTrack, safe=lambda line: line):
    return [
        (c.start_ms, c.end_ms, tuple(" ".join(safe(line).split()) for line in c.lines))
        for c in session_cues(track)
    ]


def read_back(cues):
    return [(c.start_ms, c.end_ms, tuple(" ".join(x.split()) for x in c.lines)) for c in cues]


@settings(max_examples=300, deadline=None)
@given(tracks())
def test_a_written_vtt_reads_back_to_the_same_text_and_times(track):
    text = vtt.render(track, make_event())
    cues, _ = parse_vtt(text, Path("en.vtt"))
    assert read_back(cues) == expected(track)


@settings(max_examples=300, deadline=None)
@given(tracks())
def test_a_written_srt_reads_back_to_the_same_text_and_times(track):
    text = srt_writer.render(track, make_event())
    assert read_back(parse_srt(text, Path("en.srt"))) == expected(track, srt_safe)
