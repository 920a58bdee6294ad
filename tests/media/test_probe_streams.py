"""`webconf probe`: every audio stream of real multi-stream files (a C3VOC-like MKV with a
floor, a French and a silent Spanish channel; a Zoom-like interpretation .m4a), and the
manifest blocks it prints, which must load as they are."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from pipeline.agenda.manifest import load_manifest
from pipeline.cli import main
from pipeline.media.decode import decode
from pipeline.media.probe import AudioStream, MediaInfo, probe, stream_duration_ms
from pipeline.media.probe_report import (
    floor_stream,
    guess_language,
    manifest_toml,
    plan_channels,
    probed_file,
    tag_language,
)
from pipeline.transcribe.vad import speech_share
from pipeline.types import Recording

FLEURS = Path(__file__).resolve().parents[3] / "shared" / "speech" / "fleurs"
ZOOM_NAME = "GMT20251128-090000_Recording_audio_interpretation_es.m4a"
TOLERANCE_MS = 60


@pytest.fixture
def webinar(tmp_path, run_ffmpeg):
    """12 s MKV: a video stream, then audio streams 0 = English speech titled Native
    (untagged), 1 = French speech tagged fra titled Translated, 2 = silence tagged spa."""
    path = tmp_path / "webinar.mkv"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=black:s=64x64:r=5",
        "-i", str(FLEURS / "fleurs-en-000.ogg"),
        "-i", str(FLEURS / "fleurs-fr-000.ogg"),
        "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
        "-t", "12", "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "libopus",
        "-metadata:s:a:0", "title=Native",
        "-metadata:s:a:1", "language=fra", "-metadata:s:a:1", "title=Translated",
        "-metadata:s:a:2", "language=spa",
        str(path),
    )  # fmt: skip
    return path


@pytest.fixture
def zoom_es(tmp_path, run_ffmpeg):
    """Spanish speech in a file of its own, untagged, named as Zoom names them."""
    path = tmp_path / ZOOM_NAME
    run_ffmpeg("-i", str(FLEURS / "fleurs-es-000.ogg"), "-c:a", "aac", "-ar", "44100", str(path))
    return path


def _table(out: str, name: str) -> list[list[str]]:
    """The rows under `name`'s header line, split on runs of spaces (up to the blank
    line or the legend in parentheses)."""
    lines = out.splitlines()
    start = lines.index(next(ln for ln in lines if ln.startswith(f"{name}:"))) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip() or line.startswith("("):
            break
        rows.append(line.split())
    return rows


def _toml_text(out: str) -> str:
    return out[out.index("# event languages") :]


def test_probe_reads_each_streams_title_and_duration(webinar):
    info = probe(webinar)
    assert [(s.position, s.index, s.codec, s.channels, s.sample_rate, s.language, s.title)
            for s in info.audio_streams] == [
        (0, 1, "opus", 1, 48000, None, "Native"),
        (1, 2, "opus", 1, 48000, "fra", "Translated"),
        (2, 3, "opus", 2, 48000, "spa", None),
    ]  # fmt: skip
    # Matroska records no stream duration but a DURATION tag: each stream's own length
    lengths = [s.duration_ms for s in info.audio_streams]
    for length, expected in zip(lengths, (10_567, 10_207, 12_000), strict=True):
        assert abs(length - expected) <= TOLERANCE_MS, lengths


def test_an_mp4_tracks_handler_name_is_its_title_unless_the_muxer_wrote_it(tmp_path, run_ffmpeg):
    path = tmp_path / "talk.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=duration=2", "-f", "lavfi", "-i", "sine=duration=2",
        "-map", "0:a", "-map", "1:a", "-c:a", "aac",
        "-metadata:s:a:1", "handler_name=Translated", str(path),
    )  # fmt: skip
    first, second = probe(path).audio_streams
    assert (first.title, second.title) == (None, "Translated")  # first: "SoundHandler"
    assert abs(second.duration_ms - 2000) <= TOLERANCE_MS


@pytest.mark.parametrize(
    ("stream", "ms"),
    [
        ({"duration": "62.5"}, 62_500),
        ({"tags": {"DURATION": "00:01:02.500000000"}}, 62_500),
        ({"tags": {"DURATION-eng": "01:00:00.000000000"}}, 3_600_000),
        ({"tags": {"DURATION": "soon"}}, 0),
        ({}, 0),
    ],
)
def test_a_streams_duration_comes_from_its_field_or_its_matroska_tag(stream, ms):
    assert stream_duration_ms(stream) == ms


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("fra", "fr"), ("fre", "fr"), ("fr", "fr"), ("fr-FR", "fr"), ("FRA", "fr"),
        ("French", "fr"), ("eng", "en"), ("en_US", "en"), ("spa", "es"), ("es-419", "es"),
        ("und", None), ("deu", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_language_tags_map_to_our_codes(tag, code):
    assert tag_language(tag) == code


@pytest.mark.parametrize(
    ("name", "file_name", "code"),
    [
        ("Français", False, "fr"),
        ("Spanish interpretation", False, "es"),
        ("english", False, "en"),
        ("Canal fra", False, "fr"),
        ("Translated-2", False, None),
        ("charla en vivo", False, None),  # a bare code is not a language inside a title
        ("French and Spanish", False, None),
        (ZOOM_NAME, True, "es"),
        ("GMT20251128-090000_Recording_audio_interpretation_Español.m4a", True, "es"),
        ("webinar-fr.m4a", True, "fr"),
        ("webinar.m4a", True, None),
    ],
)
def test_a_title_or_file_name_may_name_the_language(name, file_name, code):
    assert guess_language(name, as_file_name=file_name) == code


def test_speech_share_is_high_for_speech_and_zero_for_silence():
    speech = decode(Recording(FLEURS / "fleurs-fr-000.ogg")).samples
    assert speech_share(speech) > 0.6
    assert speech_share(np.zeros(16000 * 5, dtype=np.float32)) == 0.0
    assert speech_share(np.zeros(0, dtype=np.float32)) == 0.0


def test_probe_prints_the_streams_and_blocks_that_load_as_a_manifest(
    webinar, zoom_es, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["probe", webinar.name, zoom_es.name]) == 0
    out, err = capsys.readouterr()

    rows = _table(out, "webinar.mkv")
    assert rows[0] == ["stream", "codec", "ch", "rate", "duration", "lang", "title", "speech"]
    assert [row[:4] + row[5:7] for row in rows[1:]] == [
        ["0", "opus", "1", "48000", "-", "Native"],
        ["1", "opus", "1", "48000", "fra", "Translated"],
        ["2", "opus", "2", "48000", "spa", "-"],
    ]
    assert rows[3][4].startswith("00:00:12.0")  # hh:mm:ss.mmm; opus pads a few ms
    shares = [int(row[7].rstrip("%")) for row in rows[1:]]
    assert shares[0] > 50 and shares[1] > 50 and shares[2] == 0
    (zoom,) = _table(out, ZOOM_NAME)[1:]
    assert zoom[:6] == ["0", "aac", "1", "44100", zoom[4], "es?"] and int(zoom[7][:-1]) > 50
    assert len([ln for ln in err.splitlines() if "speech in" in ln]) == 4  # one per stream

    text = _toml_text(out)
    data = tomllib.loads(text)
    (recording,) = data["recording"]
    assert recording["file"] == "webinar.mkv" and recording["stream"] == 0
    assert recording["interpretation"] == [
        {"language": "fr", "stream": 1},
        {"language": "es", "file": ZOOM_NAME},  # the silent spa stream is commented out
    ]
    assert "# not used: webinar.mkv stream 2 has no speech (0%)" in text
    assert "# check the language: es guessed from the file name" in text
    assert '# offset = "00:00:00"' in text

    manifest = tmp_path / "event.toml"
    manifest.write_text('[event]\ntitle = "Webinar"\n' + text, encoding="utf-8")
    (loaded,) = load_manifest(manifest).recordings
    assert [(c.language, c.file.name, c.stream) for c in loaded.interpretations] == [
        ("fr", "webinar.mkv", 1),
        ("es", ZOOM_NAME, None),
    ]


def test_event_languages_and_file_names_relative_to_the_manifest(
    webinar, zoom_es, tmp_path, capsys
):
    folder = tmp_path / "event"
    folder.mkdir()
    manifest = folder / "event.toml"
    manifest.write_text(
        '[event]\ntitle = "W"\nlanguages = ["en", "fr"]\n'
        '[[recording]]\nfile = "../webinar.mkv"\n',
        encoding="utf-8",
    )
    assert main(["probe", "--event", str(manifest), "--no-speech", str(webinar), str(zoom_es)]) == 0
    out, err = capsys.readouterr()
    assert err == ""  # nothing decoded
    assert all(row[7] == "-" for row in _table(out, str(webinar))[1:])
    data = tomllib.loads(_toml_text(out))
    (recording,) = data["recording"]
    assert recording["file"] == "../webinar.mkv"
    assert recording["interpretation"] == [{"language": "fr", "stream": 1}]
    assert "webinar.mkv stream 2 is tagged spa: es is not an event language" in out


def _stream(position, language=None, title=None):
    return AudioStream(position, position, "aac", 1, language, 48000, title, 10_000)


def test_one_channel_per_language_and_the_floor_by_its_title(tmp_path):
    info = MediaInfo(
        tmp_path / "talk.mkv",
        10_000,
        (_stream(0, "fra"), _stream(1, None, "Original"), _stream(2, "fre"), _stream(3)),
    )
    streams = probed_file(info, speech={0: 0.5, 1: 0.8, 2: 0.4, 3: 0.05})
    assert floor_stream(streams).stream.position == 1
    floor, found = plan_channels([streams], ["en", "fr", "es"])
    assert [(c.stream.stream.position, c.problem) for c in found] == [
        (0, None),
        (2, "is fr too; talk.mkv stream 0 comes first"),
        (3, "has no language tag (nor a title naming one)"),
    ]
    text = manifest_toml([streams], ["en", "fr", "es"])
    data = tomllib.loads(text)
    assert data["recording"] == [
        {"file": str(tmp_path / "talk.mkv"), "stream": 1,
         "interpretation": [{"language": "fr", "stream": 0}]},
    ]  # fmt: skip
    assert '# language = ""\n# stream = 3' in text  # a template to fill in


def test_a_stream_with_little_speech_is_used_with_a_warning(tmp_path):
    info = MediaInfo(tmp_path / "talk.mkv", 10_000, (_stream(0), _stream(1, "spa")))
    text = manifest_toml([probed_file(info, speech={0: 0.7, 1: 0.04})], ["en", "es"])
    assert "# little speech (4%): the right stream?" in text
    assert tomllib.loads(text)["recording"][0]["interpretation"] == [
        {"language": "es", "stream": 1}
    ]


def _assert_one_line_error(capsys, argv, expected):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith("webconf: error: ") and expected in line
    assert "Traceback" not in err


def test_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    missing = tmp_path / "missing.mp4"
    _assert_one_line_error(capsys, ["probe", str(missing)], f"{missing}: file not found")


def test_a_text_file_is_one_line_and_exit_2(tmp_path, capsys):
    notes = tmp_path / "notes.mp4"
    notes.write_text("meeting notes, not a video\n")
    _assert_one_line_error(capsys, ["probe", str(notes)], "notes.mp4: not a media file")


def test_a_file_without_audio_is_one_line_and_exit_2(tmp_path, run_ffmpeg, capsys):
    video = tmp_path / "slides.mkv"
    run_ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x64:r=5:d=1", "-c:v", "libx264", str(video))
    _assert_one_line_error(capsys, ["probe", str(video)], "slides.mkv: has no audio stream")


def test_unknown_languages_are_a_usage_error(webinar, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["probe", "--languages", "en,de", str(webinar)])
    assert exc.value.code == 2
    assert "drawn from en,fr,es" in capsys.readouterr().err
