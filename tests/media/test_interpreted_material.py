"""The interpreted test event is what it claims to be: the files carry the streams the
manifest names, and the truth (renderings, lags, silences, relays) matches the audio.
Tests of interpretation channels score against that truth, so it must be right."""

from __future__ import annotations

import csv
import hashlib
import tomllib
from pathlib import Path

import numpy as np
import pytest
from interpreted_event import (
    GAP_MS,
    RATE,
    InterpretedEvent,
    build_interpreted_event,
    read_audio,
)

from pipeline.agenda.manifest import load_manifest
from pipeline.media.probe import ffprobe

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "recordings" / "sample-webinar.mp4"
SAMPLE_CHANNELS = ROOT / "recordings" / "sample-webinar.channels.tsv"

TOLERANCE_MS = 60  # AAC priming and frame padding
EDGE_MS = 150  # AAC spreads a little energy around an onset


@pytest.fixture(scope="module", params=["streams", "files"])
def event(request, tmp_path_factory) -> InterpretedEvent:
    return build_interpreted_event(tmp_path_factory.mktemp(request.param), request.param)


def audio_streams(path: Path) -> list[dict]:
    return [s for s in ffprobe(path)["streams"] if s["codec_type"] == "audio"]


def channel_audio(event: InterpretedEvent, channel: str) -> np.ndarray:
    """The channel in recording time: a file with an offset is padded in front."""
    if event.layout == "streams":
        return read_audio(event.recording, event.streams[channel])
    samples = read_audio(event.channel_files[channel])
    lead = np.zeros(event.offsets.get(channel, 0) * RATE // 1000, dtype=np.float32)
    return np.concatenate([lead, samples])


def rms(samples: np.ndarray, start_ms: int, end_ms: int) -> float:
    part = samples[start_ms * RATE // 1000 : end_ms * RATE // 1000].astype(np.float64)
    assert part.size > 0
    return float(np.sqrt(np.mean(part**2)))


def test_streams_carry_the_tags_and_titles_of_a_console_export(event):
    found = audio_streams(event.recording)
    video = [s for s in ffprobe(event.recording)["streams"] if s["codec_type"] == "video"]
    assert len(video) == 1
    assert all(s["codec_name"] == "aac" and s["channels"] == 1 for s in found)
    if event.layout == "streams":
        assert [s["tags"]["language"] for s in found] == ["mul", "spa", "eng"]
        # MP4 keeps a track's title as its handler name
        assert [s["tags"]["handler_name"] for s in found] == [
            "Native",
            "Translated",
            "Translated-2",
        ]
        assert event.streams == {"es": 1, "en": 2} and event.channel_files == {}
    else:
        assert [s["tags"]["language"] for s in found] == ["mul"]
        assert set(event.channel_files) == {"es", "en"}
        for lang, iso in (("es", "spa"), ("en", "eng")):
            (stream,) = audio_streams(event.channel_files[lang])
            assert stream["codec_name"] == "aac" and stream["tags"]["language"] == iso
        assert event.offsets == {"es": 2500}


def test_every_stream_lasts_as_long_as_the_floor_less_its_offset(event):
    assert event.duration_ms == event.sessions[-1][2]
    for stream in audio_streams(event.recording):
        assert abs(float(stream["duration"]) * 1000 - event.duration_ms) <= TOLERANCE_MS
    for lang, path in event.channel_files.items():
        (stream,) = audio_streams(path)
        expected = event.duration_ms - event.offsets.get(lang, 0)
        assert abs(float(stream["duration"]) * 1000 - expected) <= TOLERANCE_MS


def test_manifest_names_the_floor_the_channels_and_the_sessions(event):
    data = tomllib.loads(event.manifest.read_text(encoding="utf-8"))
    assert data["event"]["languages"] == ["en", "fr", "es"]
    (recording,) = data["recording"]
    assert (event.folder / recording["file"]) == event.recording and recording["stream"] == 0
    channels = {c["language"]: c for c in recording["interpretation"]}
    assert set(channels) == {"es", "en"}
    if event.layout == "streams":
        assert {lang: c["stream"] for lang, c in channels.items()} == {"es": 1, "en": 2}
    else:
        for lang, c in channels.items():
            assert event.folder / c["file"] == event.channel_files[lang]
        assert channels["es"]["offset"] == "00:00:02.500" and "offset" not in channels["en"]
    sessions = data["session"]
    assert [s["title"] for s in sessions] == [title for title, _, _ in event.sessions]
    assert sessions[0]["start"] == "00:00:00.000"
    assert sessions[0]["end"] == sessions[1]["start"]
    loaded = load_manifest(event.manifest)  # the pipeline reads it as written
    assert [(s.start_ms, s.end_ms) for s in loaded.sessions] == [
        (start, end) for _, start, end in event.sessions
    ]
    english_end = event.floor[3].end_ms
    french_start = event.floor[4].start_ms
    assert english_end < event.sessions[1][1] < french_start  # the boundary is in the pause


def test_the_floor_is_the_planned_clips_in_order_with_pauses(event):
    clips = [s.clip for s in event.floor]
    assert clips == [
        "fleurs-en-001",
        "fleurs-en-003",
        "fleurs-en-004",
        "fleurs-en-000",
        "fleurs-fr-002",
        "fleurs-fr-004",
        "fleurs-es-003",
    ]
    assert [s.index for s in event.floor] == list(range(len(clips)))
    for before, after in zip(event.floor, event.floor[1:], strict=False):
        assert 1000 <= after.start_ms - before.end_ms <= 2000
    for s in event.floor:
        assert s.language == s.clip.split("-")[1]
        assert s.text and set(s.translations) == {"en", "fr", "es"}
        if s.language == "en":  # FLEURS reads the FLORES-200 sentences
            assert s.translations["en"] == s.text


def test_renderings_lie_in_the_recording_without_overlap_and_with_varied_lags(event):
    lags = []
    for channel in ("es", "en"):
        spans = sorted(
            [(r.start_ms, r.end_ms) for r in event.renderings_of(channel)]
            + [(r.start_ms, r.end_ms) for r in event.relays_of(channel)]
        )
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert start - end >= GAP_MS
        for r in event.renderings_of(channel):
            floor = event.floor[r.floor_index]
            assert 0 < r.start_ms < r.end_ms <= event.duration_ms
            assert floor.language != channel
            assert r.lag_ms == r.start_ms - floor.start_ms
            assert 2000 <= r.lag_ms <= 4500
            assert r.text == floor.translations[channel]
            assert 140 <= r.speed <= 210
            lags.append(r.lag_ms)
    assert max(lags) - min(lags) >= 1000
    rendered = {(r.channel, event.floor[r.floor_index].clip) for r in event.renderings}
    assert {clip for channel, clip in rendered if channel == "es"} == {
        "fleurs-en-001",
        "fleurs-en-003",
        "fleurs-en-000",
        "fleurs-fr-002",
        "fleurs-fr-004",
    }
    assert {clip for channel, clip in rendered if channel == "en"} == {
        "fleurs-fr-002",
        "fleurs-fr-004",
        "fleurs-es-003",
    }
    assert event.silent == (("es", 2),)  # en-004
    assert [(r.channel, r.floor_index) for r in event.relays] == [("es", 6)]  # es-003


def test_channels_sound_where_they_render_and_are_silent_elsewhere(event):
    for channel in ("es", "en"):
        audio = channel_audio(event, channel)
        assert abs(len(audio) * 1000 // RATE - event.duration_ms) <= TOLERANCE_MS
        for r in event.renderings_of(channel):
            assert rms(audio, r.start_ms, r.end_ms) > 0.01, r
    es = channel_audio(event, "es")
    start, end = event.silent_span("es", 2)
    assert end - start >= 3000  # where en-004's rendering would be
    assert rms(es, start + EDGE_MS, end - EDGE_MS) < 1e-4
    en = channel_audio(event, "en")
    first_rendering = min(r.start_ms for r in event.renderings_of("en"))
    assert rms(en, 0, first_rendering - EDGE_MS) < 1e-4  # the English stretch


def test_a_relay_is_the_floor_passed_through_a_little_later(event):
    (relay,) = event.relays
    floor = event.floor[relay.floor_index]
    assert relay.start_ms - floor.start_ms == 200
    assert relay.end_ms - relay.start_ms == floor.end_ms - floor.start_ms
    source = read_audio(event.recording, 0)
    channel = channel_audio(event, relay.channel)
    a = source[floor.start_ms * RATE // 1000 : floor.end_ms * RATE // 1000]
    b = channel[relay.start_ms * RATE // 1000 :][: len(a)]
    correlation = float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))
    assert correlation > 0.9
    gain_db = 20 * np.log10(np.sqrt(np.dot(b, b) / np.dot(a, a)))
    assert gain_db == pytest.approx(-3.0, abs=0.5)


def test_building_twice_gives_the_same_bytes(event, tmp_path):
    again = build_interpreted_event(tmp_path / "again", event.layout)
    for path in sorted(event.folder.iterdir()):
        twin = again.folder / path.name
        assert (
            hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(twin.read_bytes()).digest()
        ), path.name


def test_the_sample_carries_two_synthesized_channels_as_its_truth_says():
    found = audio_streams(SAMPLE)
    assert [s["tags"]["language"] for s in found] == ["mul", "spa", "eng"]
    assert [s["tags"]["handler_name"] for s in found][1:] == ["Translated", "Translated-2"]
    duration = float(found[0]["duration"])
    assert all(abs(float(s["duration"]) - duration) < 0.1 for s in found)
    with SAMPLE_CHANNELS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert {r["channel"] for r in rows} == {"es", "en"}
    for channel in ("es", "en"):
        mine = [r for r in rows if r["channel"] == channel]
        assert [r["kind"] for r in mine].count("relay") == 1
        assert not any("voxpopuli" in r["clip"] for r in mine)
        for before, after in zip(mine, mine[1:], strict=False):
            assert float(after["start_s"]) - float(before["end_s"]) >= GAP_MS / 1000
        for r in mine:
            assert 0 < float(r["start_s"]) < float(r["end_s"]) < duration
            if r["kind"] == "rendering":
                assert 2.0 <= float(r["lag_s"]) <= 4.5 and r["text"]
                assert f"-{channel}-" not in r["clip"]
