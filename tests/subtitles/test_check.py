"""`webconf check`: subtitle files linted against a profile, and what our writers write
passes it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from cue_material import PRESENTATION, spoken, translations, violations
from test_cli import webconf
from track_builders import make_event, make_session

from pipeline.cues.build import build_cues
from pipeline.errors import SubtitleError
from pipeline.subtitles.check import check_file
from pipeline.subtitles.profiles import PROFILES
from pipeline.subtitles.reader import read_subtitles
from pipeline.types import SessionTrack
from pipeline.writers import srt_writer, vtt

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "subtitles"
FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".vtt", ".srt"))

GOOD = """WEBVTT

NOTE
Language: French

1
00:00:01.000 --> 00:00:04.600
Le comité a adopté le texte,
<i>après un long débat</i> à Bruxelles.

2
00:00:04.683 --> 00:00:06.000
Rivers &amp; deltas &lt;3
"""

BAD = """WEBVTT

NOTE
Language: French

00:00:01.000 --> 00:00:03.000
Cette ligne est vraiment beaucoup trop longue pour un sous-titre

00:00:03.500 --> 00:00:05.000
Beaucoup trop de texte pour si peu de temps à l'écran, hélas

00:00:05.030 --> 00:00:05.400
Court

00:00:05.300 --> 00:00:07.000
Ça chevauche
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


# -- the command -------------------------------------------------------------------------


def test_a_conforming_file_passes_with_exit_0(tmp_path):
    path = write(tmp_path, "good.vtt", GOOD)
    result = webconf("check", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{path}: 100.0 % of 2 cues conform (profile default, fr, 17 characters/s)"
    ]


def test_a_bad_file_lists_every_violation_with_its_time_and_exits_1(tmp_path):
    path = write(tmp_path, "bad.vtt", BAD)
    result = webconf("check", str(path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path}: 0.0 % of 4 cues conform (profile default, fr, 17 characters/s)"
    assert lines[1:] == [
        "  00:00:01.000 line length 64 characters > 42",
        "  00:00:01.000 reading speed 32.0 cps > 17",
        "  00:00:03.500 line length 60 characters > 42",
        "  00:00:03.500 reading speed 40.0 cps > 17",
        "  00:00:05.030 gap 0.030 s < 0.083 s after the previous cue",
        "  00:00:05.030 duration 0.370 s < 0.833 s",
        "  00:00:05.300 overlaps the previous cue by 0.100 s",
    ]


def test_files_are_checked_one_after_the_other(tmp_path):
    good, bad = write(tmp_path, "a.vtt", GOOD), write(tmp_path, "b.vtt", BAD)
    result = webconf("check", str(good), str(bad))
    assert result.returncode == 1
    heads = [line for line in result.stdout.splitlines() if not line.startswith("  ")]
    assert [h.split(":")[0] for h in heads] == [str(good), str(bad)]


def test_another_profile_can_be_chosen(tmp_path):
    # 38-character lines: fine by default, too long for the BBC's 37
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:06.000\n" + "x" * 38 + "\n"
    path = write(tmp_path, "en.vtt", text)
    assert webconf("check", str(path)).returncode == 0
    result = webconf("check", "--subtitle-profile", "bbc", str(path))
    assert result.returncode == 1
    assert "line length 38 characters > 37" in result.stdout


def test_an_unknown_profile_is_a_usage_error(tmp_path):
    path = write(tmp_path, "good.vtt", GOOD)
    result = webconf("check", "--subtitle-profile", "nope", str(path))
    assert result.returncode == 2
    assert "invalid choice: 'nope'" in result.stderr


def test_srt_files_are_checked_too(tmp_path):
    text = "1\n00:00:01,000 --> 00:00:01,500\n<b>Hi</b>\n\n2\n00:00:02,000 --> 00:00:05,000\nOk\n"
    path = write(tmp_path, "talk.en.srt", text)
    result = webconf("check", str(path))
    assert result.returncode == 1
    assert "(profile default, en, 20 characters/s)" in result.stdout
    assert "  00:00:01.000 duration 0.500 s < 0.833 s" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nbad\n", "00:00:0x.000"),
        (b"not a subtitle file at all", "not a valid WebVTT file"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nCaf\xe9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files_exit_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "broken.vtt"
    path.write_bytes(content)
    good = write(tmp_path, "good.vtt", GOOD)
    result = webconf("check", str(path), str(good))
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"webconf: error: {path}")
    assert "Traceback" not in result.stderr
    assert str(good) in result.stdout  # the others are still checked


def test_a_missing_file_exits_2(tmp_path):
    result = webconf("check", str(tmp_path / "none.vtt"))
    assert result.returncode == 2
    assert result.stderr == f"webconf: error: {tmp_path / 'none.vtt'} does not exist\n"


def test_check_has_help_and_is_in_the_readme():
    result = webconf("check", "--help")
    assert result.returncode == 0 and "--subtitle-profile" in result.stdout
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "webconf check" in readme and "--subtitle-profile" in readme


# -- reading -----------------------------------------------------------------------------


def test_text_is_measured_as_displayed(tmp_path):
    # entities and tags do not count: "Rivers & deltas <3" is 18 characters
    subtitles = read_subtitles(write(tmp_path, "good.vtt", GOOD))
    assert subtitles.cues[1].lines == ("Rivers & deltas <3",)
    assert subtitles.cues[0].lines[1] == "après un long débat à Bruxelles."


@pytest.mark.parametrize(
    ("name", "header", "expected"),
    [
        ("x.vtt", "NOTE\nLanguage: English\n\n", "en"),
        ("fr.vtt", "", "fr"),
        ("talk.es.vtt", "", "es"),
        ("talk.vtt", "", None),
        ("talk.vtt", "NOTE\nLanguage: Klingon\n\n", None),
    ],
)
def test_the_language_comes_from_the_header_or_the_name(tmp_path, name, header, expected):
    text = f"WEBVTT\n\n{header}00:00:01.000 --> 00:00:02.000\nHi\n"
    assert read_subtitles(write(tmp_path, name, text)).language == expected


def test_the_language_decides_the_reading_speed(tmp_path):
    # 36 characters in 2 s: 18 cps, fine in English (20), too fast in French (17)
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n" + "x" * 36 + "\n"
    assert check_file(write(tmp_path, "en.vtt", text)).ok
    assert not check_file(write(tmp_path, "fr.vtt", text)).ok
    assert not check_file(write(tmp_path, "en.vtt", text), language="fr").ok


def test_utf16_and_bom_files_are_read(tmp_path):
    path = tmp_path / "fr.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\nÇa va\n", encoding="utf-16")
    assert read_subtitles(path).cues[0].lines == ("Ça va",)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shared_fixtures_are_read_or_refused_in_one_line(path):
    try:
        report = check_file(path)
    except SubtitleError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
    else:
        assert report.cues >= 0 and 0.0 <= report.share <= 1.0
        assert all("\n" not in line for line in report.render())


def test_the_command_over_every_shared_fixture_never_crashes():
    result = webconf("check", *map(str, FIXTURE_FILES))
    assert result.returncode == 2  # some are invalid on purpose
    assert "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert errors and all(line.startswith("webconf: error: ") for line in errors)
    checked = [line for line in result.stdout.splitlines() if not line.startswith("  ")]
    assert len(checked) + len(errors) == len(FIXTURE_FILES)


# -- what the pipeline writes passes -----------------------------------------------------


def track_of(sentences, language: str, source_language: str = "en") -> SessionTrack:
    start, end = sentences[0].start_ms - 500, sentences[-1].end_ms + 2000
    session = make_session(index=1, start_ms=start, end_ms=end)
    return SessionTrack(
        session=session,
        language=language,
        source_language=source_language,
        engine="whisper" if language == source_language else "apertium",
        sentences=tuple(sentences),
        cues=build_cues(sentences, PROFILES["default"], session.end_ms),
    )


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_subtitles_our_writers_write_pass_the_check(tmp_path, language):
    track = track_of(spoken(language, PRESENTATION)[:80], language, language)
    event = make_event(sessions=(track.session,))
    for writer, name in ((vtt, f"{language}.vtt"), (srt_writer, f"{language}.srt")):
        path = write(tmp_path, name, writer.render(track, event))
        report = check_file(path)
        assert report.language == language
        assert report.ok, report.render()
        assert report.cues == len(track.cues)


@pytest.mark.parametrize("language", ["fr", "es"])
def test_writing_translated_cues_adds_no_violation(tmp_path, language):
    # (these FLORES translations hold a few forced reading-speed misses: see test_cues)
    track = track_of(translations(language, PRESENTATION)[:80], language)
    event = make_event(sessions=(track.session,))
    offset = track.session.start_ms
    expected = [replace(v, start_ms=v.start_ms - offset) for v in violations(track.cues)]
    assert {v.kind for v in expected} <= {"reading speed"}
    for writer, name in ((vtt, f"{language}.vtt"), (srt_writer, f"{language}.srt")):
        report = check_file(write(tmp_path, name, writer.render(track, event)))
        assert list(report.violations) == expected
        assert report.share >= 0.97


def test_a_full_recording_track_keeps_the_gap_between_sessions(tmp_path):
    # two sessions back to back, the second one's speech starting right at the boundary
    sentences = spoken("en", PRESENTATION)[:40]
    boundary = sentences[20].start_ms
    first = track_of(sentences[:20], "en")
    first = replace(first, session=replace(first.session, end_ms=boundary))
    first = replace(first, cues=build_cues(first.sentences, "default", boundary))
    second_session = make_session(index=2, start_ms=boundary, end_ms=sentences[-1].end_ms + 2000)
    second_cues = build_cues(sentences[20:], "default", second_session.end_ms)
    path = vtt.write_recording_track(
        [*first.cues, *second_cues], "en", tmp_path / "rec.en.vtt", title="t", note="n"
    )
    report = check_file(path)
    assert report.ok, report.render()


def test_a_chapters_track_is_recognised_and_not_held_to_subtitle_norms(tmp_path):
    from pipeline.subtitles.check import check_file

    path = tmp_path / "talk.chapters.vtt"
    path.write_text(
        "WEBVTT\n\nNOTE\nChapters track for talk.mp4: one cue per agenda session.\n\n"
        "01-opening\n00:00:00.000 --> 00:21:30.000\nOpening: a title far longer than "
        "forty-two characters\n",
        encoding="utf-8",
    )
    report = check_file(path)
    assert report.chapters and report.ok
    assert "not checked" in report.render()[0]
