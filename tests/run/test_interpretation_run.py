"""Interpreter channels end to end, with the real models, on an event built from real
speech: FLEURS clips on the floor, and Spanish and English channels that render the
floor's sentences (synthesised by espeak-ng from the FLORES-200 reference
translations; see tests/support/interpreted_event.py) with a lag that varies by
sentence, a stretch where the Spanish channel is silent, and one where the floor
speaks Spanish and the console relays it.

The same event runs as one MP4 with three audio streams and as separate files (one
with an offset); a third run with `interpretation="ignore"` gives the machine
translation of the same stretches, to compare with.
"""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import pytest
import webvtt
from interpreted_event import InterpretedEvent, build_interpreted_event
from sacrebleu.metrics import CHRF

from pipeline import RunOptions, run_event
from pipeline.outputs.layout import CACHE_DIR
from pipeline.subtitles.check import check_file
from pipeline.subtitles.profiles import DEFAULT_PROFILE
from pipeline.types import Sentence, SessionTrack

INTERPRETER = "interpretation (human interpreter, transcribed by Whisper)"


class Run:
    def __init__(self, event: InterpretedEvent, out: Path, interpretation: str = "prefer"):
        self.event = event
        self.result = run_event(
            event.manifest, out, RunOptions(show_progress=False, interpretation=interpretation)
        )
        self.dir = self.result.event_dir

    def track(self, session: int, language: str) -> SessionTrack:
        return next(
            t
            for t in self.result.tracks
            if t.session.index == session and t.language == language
        )

    def sentences(self, language: str) -> list[Sentence]:
        return [s for t in self.result.tracks if t.language == language for s in t.sentences]

    def rendering_of(self, language: str, floor_index: int) -> Sentence | None:
        """The track's sentence over the floor sentence (the one overlapping it most)."""
        f = self.event.floor[floor_index]
        best, overlap = None, 0
        for s in self.sentences(language):
            shared = min(s.end_ms, f.end_ms) - max(s.start_ms, f.start_ms)
            if shared > overlap:
                best, overlap = s, shared
        return best


@pytest.fixture(scope="module")
def streams(tmp_path_factory) -> Run:
    event = build_interpreted_event(tmp_path_factory.mktemp("streams"), "streams")
    return Run(event, event.folder / "out")


@pytest.fixture(scope="module")
def files(tmp_path_factory, streams) -> Run:
    event = build_interpreted_event(tmp_path_factory.mktemp("files"), "files")
    out = event.folder / "out"
    # the floor is the same stream of the same bytes: its cached transcript is reused
    shutil.copytree(streams.dir / CACHE_DIR, out / streams.dir.name / CACHE_DIR)
    return Run(event, out)


@pytest.fixture(scope="module")
def ignored(streams) -> Run:
    out = streams.event.folder / "ignored"
    shutil.copytree(streams.dir / CACHE_DIR, out / streams.dir.name / CACHE_DIR)
    return Run(streams.event, out, interpretation="ignore")


def expected_origin(event: InterpretedEvent, language: str, floor_index: int) -> str:
    f = event.floor[floor_index]
    if f.language == language:
        return "original"
    rendered = {r.floor_index for r in event.renderings_of(language)}
    return "interpretation" if floor_index in rendered else "machine"


@pytest.mark.parametrize("layout", ["streams", "files"])
def test_each_stretch_takes_the_floor_then_the_interpreter_then_machine_translation(
    layout, request
):
    run: Run = request.getfixturevalue(layout)
    for language in ("en", "es", "fr"):
        for f in run.event.floor:
            sentence = run.rendering_of(language, f.index)
            assert sentence is not None, (language, f.clip)
            assert sentence.origin == expected_origin(run.event, language, f.index), (
                language,
                f.clip,
                sentence.text,
            )
    # French has no channel: nothing in it is interpretation
    assert all(s.origin != "interpretation" for s in run.sentences("fr"))


def test_the_relayed_floor_is_never_duplicated(streams):
    (relay,) = streams.event.relays
    spanish = [
        s
        for s in streams.sentences("es")
        if s.end_ms > relay.start_ms - 1000 and s.start_ms < relay.end_ms + 1000
    ]
    assert spanish and all(s.origin == "original" for s in spanish)


@pytest.mark.parametrize("layout", ["streams", "files"])
def test_the_lag_is_estimated_within_half_a_second_per_sentence_and_per_channel(
    layout, request
):
    run: Run = request.getfixturevalue(layout)
    index = json.loads((run.dir / "index.json").read_text(encoding="utf-8"))
    channels = index["recordings"]["webinar.mp4"]["channels"]
    for language in ("es", "en"):
        truth = run.event.renderings_of(language)
        for r in truth:
            sentence = run.rendering_of(language, r.floor_index)
            assert sentence is not None and sentence.lag_ms is not None
            assert abs(sentence.lag_ms - r.lag_ms) <= 500, (language, r, sentence.lag_ms)
        median = statistics.median(r.lag_ms for r in truth)
        assert abs(channels[language]["lag_ms"] - median) <= 500
        report = next(c for c in run.result.channels if c.channel.language == language)
        assert report.lag_ms == channels[language]["lag_ms"]


def test_interpreted_cues_start_with_the_floor_sentence_they_render(streams):
    """The interpreter's sentence is placed on the floor sentence it renders (within
    1 s, the lag taken off), and its first cue within the profile's sync of it (a cue
    may start before its words to be read in time: 1.24 s before the floor sentence
    was seen, 0.68 s of it cue lead)."""
    sync = DEFAULT_PROFILE.max_sync_ms
    for language in ("es", "en"):
        cues = [
            c
            for t in streams.result.tracks
            if t.language == language
            for c in t.cues
            if c.origin == "interpretation"
        ]
        for r in streams.event.renderings_of(language):
            f = streams.event.floor[r.floor_index]
            sentence = streams.rendering_of(language, r.floor_index)
            assert sentence is not None and sentence.origin == "interpretation", f.clip
            assert abs(sentence.start_ms - f.start_ms) <= 1000, (language, f.clip)
            first = [c for c in cues if sentence.text.startswith(" ".join(c.text.split()))]
            assert any(abs(c.start_ms - sentence.start_ms) <= sync for c in first), f.clip


def test_interpreted_tracks_keep_the_subtitle_profile_without_overlaps(streams):
    """Every cue conforms but where the text is denser than its time allows: the
    builder then prefers a cue read at up to 1.5 times the limit to one that runs
    into the next speaker's (as it does for machine translation)."""
    cues = conforming = 0
    for vtt in sorted(streams.dir.glob("*/e[ns].vtt")):
        report = check_file(vtt)
        cues, conforming = cues + report.cues, conforming + report.conforming
        for v in report.violations:
            assert v.kind == "reading speed" and v.value < 1.5 * v.limit, (vtt.name, v)
    print(f"{conforming} of {cues} interpreted-track cues within the profile")
    assert cues and conforming >= 0.85 * cues


def test_every_format_says_which_text_is_the_interpreters(streams):
    folder = next(streams.dir.glob("01-*"))
    for ext in ("vtt", "txt", "html"):
        head = (folder / f"es.{ext}").read_text(encoding="utf-8")[:3000]
        assert INTERPRETER.lower() in head.lower(), ext
        assert "machine translation (apertium" in head.lower(), ext
        assert "%" in head, ext  # shares, as the track mixes the two
    doc = json.loads((folder / "es.json").read_text(encoding="utf-8"))
    interpreted = [s for s in doc["segments"] if s["origin"] == "interpretation"]
    assert interpreted and all(
        s["interpretation"]["language"] == "es"
        and s["interpretation"]["file"] == "webinar.mp4"
        and s["interpretation"]["stream"] == 1
        and isinstance(s["interpretation"]["lag_ms"], int)
        for s in interpreted
    )
    cues = [c for c in doc["cues"] if c["origin"] == "interpretation"]
    assert cues and all(c["interpretation"]["stream"] == 1 for c in cues)
    assert doc["shares"]["interpretation"] > 0.5 and doc["shares"]["machine"] > 0
    page = (streams.dir / "index.html").read_text(encoding="utf-8")
    assert INTERPRETER in page and "interpreter audio" in page
    index = json.loads((streams.dir / "index.json").read_text(encoding="utf-8"))
    es = index["sessions"][0]["languages"]["es"]
    assert es["interpretation"]["audio"] == f"{folder.name}/session.es.m4a"
    assert (streams.dir / es["interpretation"]["audio"]).is_file()


def test_ignoring_the_channels_gives_machine_translation_only(ignored):
    assert all(s.origin != "interpretation" for t in ignored.result.tracks for s in t.sentences)
    assert ignored.result.channels == ()


def chrf(run: Run, language: str, floor_indices: list[int]) -> float:
    hypotheses, references = [], []
    for i in floor_indices:
        sentence = run.rendering_of(language, i)
        hypotheses.append(sentence.text if sentence else "")
        references.append(run.event.floor[i].translations[language])
    return CHRF().corpus_score(hypotheses, [references]).score


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_interpreted_track_scores_a_higher_chrf_than_machine_translation(
    streams, ignored, language
):
    rendered = [r.floor_index for r in streams.event.renderings_of(language)]
    interpreted, machine = chrf(streams, language, rendered), chrf(ignored, language, rendered)
    print(f"chrF {language}: interpretation {interpreted:.1f}, machine {machine:.1f}")
    assert interpreted > machine + 5


def test_the_recording_track_in_a_channel_language_reads_as_webvtt(streams):
    cues = webvtt.read(str(streams.dir / "webinar.es.vtt"))
    assert len(cues) > 5
