from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.agenda.manifest import END_TOLERANCE_MS, load_manifest, resolve_against_media
from pipeline.errors import ManifestError
from pipeline.timecode import parse_time

SAMPLE = Path(__file__).resolve().parents[2] / "recordings" / "sample-event.toml"

TEMPLATE = """\
{top}
[event]
title = "Webinar"
{event}

[[recording]]
file = "talk.mp4"
{recording}

[[session]]
title = "Opening"
start = "00:00:00"
end = "00:10:00"
{session}

[glossary]
keep = ["USOC"]
{glossary}
"""


def write(tmp_path: Path, text: str, files: tuple[str, ...] = ("talk.mp4",)) -> Path:
    for name in files:
        (tmp_path / name).write_bytes(b"")
    path = tmp_path / "event.toml"
    path.write_text(text, encoding="utf-8")
    return path


def manifest(tmp_path: Path, files: tuple[str, ...] = ("talk.mp4",), **extra: str) -> Path:
    parts = dict.fromkeys(("top", "event", "recording", "session", "glossary"), "")
    parts.update(extra)
    return write(tmp_path, TEMPLATE.format(**parts), files)


def problems(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    lines = str(info.value).splitlines()
    assert lines, "a ManifestError must say something"
    for line in lines:
        assert line.startswith(f"{path}: "), line
    return lines


def one_problem(path: Path) -> str:
    lines = problems(path)
    assert len(lines) == 1, lines
    return lines[0]


# -- loading -----------------------------------------------------------------------------


def test_sample_manifest_loads_three_sessions_languages_and_glossary():
    event = load_manifest(SAMPLE)
    assert event.languages == ("en", "fr", "es")
    assert [s.index for s in event.sessions] == [1, 2, 3]
    assert event.sessions[1].start_ms == 118_600 and event.sessions[1].end_ms == 186_100
    assert event.sessions[0].title.startswith("EU rules on the ivory trade")
    assert "Lord Byron" in event.glossary and "USOC" in event.glossary
    (recording,) = event.recordings
    assert recording.file == SAMPLE.parent / "sample-webinar.mp4"
    assert all(s.recording == recording.file for s in event.sessions)
    assert event.slug.startswith("2026-11-28-sample-multilingual-webinar")


def test_languages_default_to_english_french_spanish(tmp_path):
    event = load_manifest(manifest(tmp_path))
    assert event.languages == ("en", "fr", "es")


def test_declared_languages_keep_their_order_without_duplicates(tmp_path):
    event = load_manifest(manifest(tmp_path, event='languages = ["fr", "en", "fr"]'))
    assert event.languages == ("fr", "en")


def test_session_recording_is_implied_when_there_is_only_one_recording(tmp_path):
    event = load_manifest(manifest(tmp_path))
    assert event.sessions[0].recording == (tmp_path / "talk.mp4").resolve()


def test_session_without_end_is_left_open_until_media_is_known(tmp_path):
    text = '[event]\ntitle = "W"\n[[recording]]\nfile = "talk.mp4"\n[[session]]\ntitle = "A"\n'
    event = load_manifest(write(tmp_path, text))
    assert event.sessions[0].start_ms == 0
    assert event.sessions[0].end_ms < 0


# -- times -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ms"),
    [
        ("01:02:03", 3_723_000),
        ("00:21:30.250", 1_290_250),
        ("00:00:01.5", 1_500),
        ("21:30", 1_290_000),
        (" 00:00:07 ", 7_000),
        (dt.time(0, 21, 30), 1_290_000),
        (dt.time(1, 0, 0, 125_000), 3_600_125),
        (90, 90_000),
        (12.5, 12_500),
        (0, 0),
    ],
)
def test_times_parse_as_clock_strings_toml_times_and_seconds(value, ms):
    assert parse_time(value) == ms


@pytest.mark.parametrize(
    "value", ["1:75:00", "00:00:61", "ten", "", "1h", -5, True, float("inf"), float("nan"), None]
)
def test_values_that_are_not_times_are_rejected(value):
    with pytest.raises(ValueError, match="not a time"):
        parse_time(value)


def test_unquoted_toml_local_time_is_read_as_a_time(tmp_path):
    session = 'title = "Panel"\nstart = 00:21:30\nend = 00:40:00.5'
    event = load_manifest(manifest(tmp_path, session=f"\n[[session]]\n{session}"))
    panel = event.sessions[1]
    assert (panel.start_ms, panel.end_ms) == (1_290_000, 2_400_500)


def test_infinite_start_is_reported_not_crashed_on(tmp_path):
    path = write(
        tmp_path,
        '[event]\ntitle = "W"\n[[recording]]\nfile = "talk.mp4"\n'
        '[[session]]\ntitle = "Forever"\nstart = inf\n',
    )
    line = one_problem(path)
    assert "[[session]] 1 ('Forever')" in line and "start" in line


# -- mistakes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "where"),
    [
        ("top", "top level"),
        ("event", "[event]"),
        ("recording", "[[recording]] 1"),
        ("session", "[[session]] 1"),
        ("glossary", "[glossary]"),
    ],
)
def test_unknown_key_is_reported_once_with_its_place(tmp_path, place, where):
    line = one_problem(manifest(tmp_path, **{place: 'colour = "blue"'}))
    assert f": {where}: unknown key 'colour'" in line


def test_missing_recording_file_is_reported_with_its_path(tmp_path):
    line = one_problem(manifest(tmp_path, files=()))
    assert "[[recording]] 1" in line
    assert f"file not found: {(tmp_path / 'talk.mp4').resolve()}" in line


def test_session_ending_before_it_starts_is_reported_with_its_title(tmp_path):
    text = TEMPLATE.format(top="", event="", recording="", session="", glossary="").replace(
        'start = "00:00:00"', 'start = "00:20:00"'
    )
    line = one_problem(write(tmp_path, text))
    assert "[[session]] 1 ('Opening')" in line
    assert "end 00:10:00 is not after start 00:20:00" in line


def test_overlapping_sessions_name_the_later_one_and_the_one_it_starts_inside(tmp_path):
    second = '\n[[session]]\ntitle = "Keynote"\nstart = "00:09:00"\nend = "00:30:00"'
    line = one_problem(manifest(tmp_path, session=second))
    assert "[[session]] 2 ('Keynote')" in line
    assert "starts at 00:09:00, inside session 1 (00:00:00-00:10:00)" in line


def test_sessions_on_different_recordings_may_share_times(tmp_path):
    text = (
        '[event]\ntitle = "W"\n'
        '[[recording]]\nfile = "a.mp4"\n[[recording]]\nfile = "b.mp4"\n'
        '[[session]]\ntitle = "A"\nrecording = "a.mp4"\nend = 60\n'
        '[[session]]\ntitle = "B"\nrecording = "b.mp4"\nend = 60\n'
    )
    event = load_manifest(write(tmp_path, text, files=("a.mp4", "b.mp4")))
    assert [s.recording.name for s in event.sessions] == ["a.mp4", "b.mp4"]


def test_session_without_recording_is_reported_when_there_are_two_recordings(tmp_path):
    second = '\n[[recording]]\nfile = "qa.mp4"'
    line = one_problem(manifest(tmp_path, files=("talk.mp4", "qa.mp4"), recording=second))
    assert "[[session]] 1 ('Opening')" in line
    assert "several recordings" in line and "recording =" in line


def test_session_naming_an_unknown_recording_is_reported(tmp_path):
    line = one_problem(manifest(tmp_path, session='recording = "other.mp4"'))
    assert "[[session]] 1 ('Opening')" in line
    assert "'other.mp4' is not one of the [[recording]] files" in line


@pytest.mark.parametrize(
    ("place", "value", "where"),
    [
        ("session", 'language = "de"', "[[session]] 1 ('Opening')"),
        ("recording", 'language = "de"', "[[recording]] 1"),
        ("event", 'languages = ["en", "de"]', "[event]"),
    ],
)
def test_unknown_language_is_reported_with_its_place(tmp_path, place, value, where):
    line = one_problem(manifest(tmp_path, **{place: value}))
    assert f": {where}: " in line and "language" in line


def test_invalid_toml_is_one_line_naming_the_file_and_line(tmp_path):
    path = write(tmp_path, '[event]\ntitle = "W"\nlanguages = ["en"\n[[recording]]\n')
    line = one_problem(path)
    assert "invalid TOML" in line and "line 4" in line


def test_missing_manifest_is_reported_as_not_found(tmp_path):
    line = one_problem(tmp_path / "nowhere.toml")
    assert "manifest not found" in line


def test_several_mistakes_are_reported_together_one_per_line(tmp_path):
    path = manifest(
        tmp_path,
        files=(),
        event='colour = "blue"',
        session='language = "de"\n\n[[session]]\ntitle = "Late"\nstart = "00:05:00"\nend = 600',
    )
    lines = problems(path)
    assert len(lines) == 4, lines
    text = "\n".join(lines)
    assert "unknown key 'colour'" in text
    assert "file not found" in text
    assert "language 'de'" in text
    assert "[[session]] 2 ('Late')" in text and "inside session 1" in text


# -- resolving against the media --------------------------------------------------------

MINUTE = 60_000


def agenda(tmp_path: Path, sessions: str, files: tuple[str, ...] = ("talk.mp4",)) -> Path:
    recordings = "".join(f'[[recording]]\nfile = "{f}"\n' for f in files)
    return write(tmp_path, f'[event]\ntitle = "Webinar"\n{recordings}{sessions}', files)


def resolved(path: Path, durations: dict[str, int]):
    """load_manifest, then resolve_against_media with durations given per file name."""
    event = load_manifest(path)
    by_file = {(path.parent / name).resolve(): ms for name, ms in durations.items()}
    return resolve_against_media(event, by_file)


def test_session_ending_beyond_the_recording_is_reported(tmp_path):
    path = agenda(tmp_path, '[[session]]\ntitle = "Long"\nstart = 0\nend = "00:10:00"\n')
    with pytest.raises(ManifestError) as info:
        resolved(path, {"talk.mp4": 5 * MINUTE})
    (line,) = str(info.value).splitlines()
    assert line.startswith(f"{path}: [[session]] 1 ('Long'): ")
    assert "beyond the end of talk.mp4 (00:05:00)" in line


def test_session_starting_after_the_recording_ends_is_reported(tmp_path):
    path = agenda(
        tmp_path,
        '[[session]]\ntitle = "A"\nend = 60\n[[session]]\ntitle = "Ghost"\nstart = "00:07:00"\n',
    )
    with pytest.raises(ManifestError) as info:
        resolved(path, {"talk.mp4": 5 * MINUTE})
    (line,) = str(info.value).splitlines()
    assert "[[session]] 2 ('Ghost')" in line and "after the end of talk.mp4" in line


def test_open_end_runs_to_the_next_session_or_the_recording_end(tmp_path):
    path = agenda(
        tmp_path,
        '[[session]]\ntitle = "Intro"\n[[session]]\ntitle = "Talk"\nstart = "00:02:00"\n',
    )
    event = resolved(path, {"talk.mp4": 5 * MINUTE})
    assert [(s.start_ms, s.end_ms) for s in event.sessions] == [
        (0, 2 * MINUTE),
        (2 * MINUTE, 5 * MINUTE),
    ]


def test_no_sessions_means_one_session_per_recording(tmp_path):
    path = agenda(tmp_path, "", files=("morning.mp4", "afternoon.mp4"))
    event = resolved(path, {"morning.mp4": 3 * MINUTE, "afternoon.mp4": 4 * MINUTE})
    assert [(s.index, s.title, s.start_ms, s.end_ms) for s in event.sessions] == [
        (1, "morning", 0, 3 * MINUTE),
        (2, "afternoon", 0, 4 * MINUTE),
    ]
    assert [s.recording.name for s in event.sessions] == ["morning.mp4", "afternoon.mp4"]


def test_no_sessions_and_one_recording_gives_one_session_named_after_the_event(tmp_path):
    event = resolved(agenda(tmp_path, ""), {"talk.mp4": MINUTE})
    assert [(s.title, s.start_ms, s.end_ms) for s in event.sessions] == [("Webinar", 0, MINUTE)]


def test_end_within_the_tolerance_is_clamped_to_the_recording_end(tmp_path):
    duration = 5 * MINUTE - 400
    path = agenda(tmp_path, '[[session]]\ntitle = "A"\nend = "00:05:00"\n')
    event = resolved(path, {"talk.mp4": duration})
    assert event.sessions[0].end_ms == duration


def test_end_just_past_the_tolerance_is_reported(tmp_path):
    duration = 5 * MINUTE - END_TOLERANCE_MS - 1
    path = agenda(tmp_path, '[[session]]\ntitle = "A"\nend = "00:05:00"\n')
    with pytest.raises(ManifestError, match="beyond the end"):
        resolved(path, {"talk.mp4": duration})


# -- interpreter channels ---------------------------------------------------------------

CHANNELS = """
stream = 0

[[recording.interpretation]]
language = "fr"
stream = 1

[[recording.interpretation]]
language = "es"
file = "talk-es.m4a"
offset = "00:00:02.500"
"""


def test_interpreter_channels_are_read_as_streams_or_files_with_an_offset(tmp_path):
    event = load_manifest(manifest(tmp_path, ("talk.mp4", "talk-es.m4a"), recording=CHANNELS))
    (recording,) = event.recordings
    fr, es = recording.interpretations
    assert (fr.language, fr.file, fr.stream, fr.offset_ms) == ("fr", recording.file, 1, 0)
    assert (es.language, es.file.name, es.stream, es.offset_ms) == ("es", "talk-es.m4a", None, 2500)
    assert recording.channel("es") == es and recording.channel("en") is None
    assert fr.label == "talk.mp4 stream 1" and es.label == "talk-es.m4a"


def test_a_channel_file_that_started_before_the_recording_has_a_negative_offset(tmp_path):
    text = '[[recording.interpretation]]\nlanguage = "fr"\nfile = "fr.m4a"\noffset = "-00:00:01.5"'
    event = load_manifest(manifest(tmp_path, ("talk.mp4", "fr.m4a"), recording=text))
    assert event.recordings[0].interpretations[0].offset_ms == -1500


@pytest.mark.parametrize(
    ("channels", "expected"),
    [
        ('language = "de"\nstream = 1', "language 'de' is not one of: en, fr, es"),
        (
            'language = "fr"\nstream = 1\n'
            '[[recording.interpretation]]\nlanguage = "fr"\nstream = 2',
            "language 'fr' is given twice",
        ),
        ('language = "fr"\nstream = "one"', "'stream' 'one' must be an audio stream index >= 0"),
        ('language = "fr"\nstream = 0', "audio stream 0 is the floor's own stream"),
        ('language = "fr"', "give 'stream' (another audio stream of this file) or 'file'"),
        ('language = "fr"\nfile = "missing.m4a"', "file not found:"),
        ('language = "fr"\nstream = 1\noffset = "soon"', "offset: 'soon' is not a time"),
        ("stream = 1", "missing 'language'"),
        ('language = "fr"\nstream = 1\nvolume = 3', "unknown key 'volume'"),
    ],
)
def test_each_channel_mistake_is_one_line_naming_the_channel(tmp_path, channels, expected):
    text = f"[[recording.interpretation]]\n{channels}"
    line = one_problem(manifest(tmp_path, recording=text))
    assert "[[recording]] 1" in line and expected in line


# -- values that become paths, headers and tags -------------------------------------------


@pytest.mark.parametrize(
    "date", ['"../../x"', '"/etc"', '"2026-02-30"', '"2026-1-5"', '"2026-11-28/.."', "12"]
)
def test_a_date_that_is_not_a_calendar_date_is_refused(tmp_path, date):
    line = one_problem(manifest(tmp_path, event=f"date = {date}"))
    assert "is not a date (expected YYYY-MM-DD)" in line


def test_a_toml_datetime_becomes_its_date(tmp_path):
    assert (
        load_manifest(manifest(tmp_path, event="date = 2026-11-28T15:00:00")).date == "2026-11-28"
    )


def test_speakers_and_glossary_terms_refuse_control_characters(tmp_path):
    line = one_problem(manifest(tmp_path, session='speakers = ["Ann\\u0000Lee"]'))
    assert "speakers: contains a control character" in line
    text = TEMPLATE.format(top="", event="", recording="", session="", glossary="")
    bell = write(tmp_path, text.replace('keep = ["USOC"]', 'keep = ["US\\u001bOC"]'))
    assert "[glossary] keep: contains a control character" in one_problem(bell)


def test_a_nul_or_endless_title_is_one_line(tmp_path):
    text = TEMPLATE.format(top="", event="", recording="", session="", glossary="")
    nul = write(tmp_path, text.replace('title = "Webinar"', 'title = "Web\\u0000inar"'))
    assert "[event] title: contains a control character" in one_problem(nul)
    long = write(tmp_path, text.replace('title = "Opening"', f'title = "{"x" * 400}"'))
    assert "is 400 characters long (at most 300)" in one_problem(long)


def test_two_recordings_that_would_publish_under_one_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    text = TEMPLATE.format(top="", event="", recording="", session="", glossary="")
    text = text.replace(
        'file = "talk.mp4"', 'file = "a/talk.mp4"\n\n[[recording]]\nfile = "b/talk.mkv"'
    )
    text = text.replace(
        '[[session]]\ntitle = "Opening"', '[[session]]\ntitle = "Opening"\nrecording = "a/talk.mp4"'
    )
    line = one_problem(write(tmp_path, text, ("a/talk.mp4", "b/talk.mkv")))
    assert "would publish under the same name (talk.*): rename one" in line


def test_a_recording_that_is_a_symlink_loop_or_a_folder_is_one_line(tmp_path):
    (tmp_path / "a.mp4").symlink_to(tmp_path / "b.mp4")
    (tmp_path / "b.mp4").symlink_to(tmp_path / "a.mp4")
    text = TEMPLATE.format(top="", event="", recording="", session="", glossary="")
    loop = write(tmp_path, text.replace('file = "talk.mp4"', 'file = "a.mp4"'), ())
    assert one_problem(loop).endswith("a.mp4 is a symlink loop")
    (tmp_path / "dir.mp4").mkdir()
    folder = write(tmp_path, text.replace('file = "talk.mp4"', 'file = "dir.mp4"'), ())
    assert one_problem(folder).endswith("dir.mp4 is a folder, not a file")


# -- [glossary.terms]: each term's form per language ---------------------------------------


def test_terms_give_their_form_per_language_and_the_key_is_the_missing_one(tmp_path):
    path = manifest(tmp_path, glossary=(
        '[glossary.terms]\n'
        '"public employment services" = { fr = "services publics de l\'emploi", '
        'es = "servicios públicos de empleo" }\n'
        '"Servicios de empleo" = { en = "employment services", fr = "services  d\'emploi" }\n'
        '"Label" = { en = "E", fr = "F", es = "S" }\n'
    ))  # fmt: skip
    first, second, label = load_manifest(path).terms
    assert first.forms == (("en", "public employment services"),
                           ("fr", "services publics de l'emploi"),
                           ("es", "servicios públicos de empleo"))  # fmt: skip
    assert second.form("es") == "Servicios de empleo"  # the one language its table lacks
    assert second.form("fr") == "services d'emploi"  # spaces as one
    assert label.forms == (("en", "E"), ("fr", "F"), ("es", "S"))  # the key is only a name


@pytest.mark.parametrize(
    ("terms", "says"),
    [
        ('"PES" = "services"', "expected its forms"),
        ('"PES" = { de = "Arbeitsamt" }', "'de' is not one of the event's languages"),
        ('"PES" = { fr = "" }', "each form must be a string of text"),
        ('"PES" = { fr = 3 }', "each form must be a string of text"),
        ('"PES" = { fr = "a\\u0007b" }', "contains a control character"),
        ('"" = { fr = "x" }', "a term cannot be empty"),
    ],
)
def test_a_malformed_term_is_one_line(tmp_path, terms, says):
    line = one_problem(manifest(tmp_path, glossary=f"[glossary.terms]\n{terms}\n"))
    assert "[glossary.terms]" in line and says in line, line
