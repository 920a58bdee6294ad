"""pipeline.outputs.read: the one typed reader of index.json and `<session>/<lang>.json`.

Every test starts from an event the pipeline's own writers wrote (tests/web_helpers.py),
then hand-edits one value the way a person or a broken tool might; each hostile value
must be one OutputsError line naming the file and the place.
"""

from __future__ import annotations

import json
import logging
import pickle
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from web_helpers import write_synthetic_event

from pipeline.errors import OutputsError, PipelineError
from pipeline.outputs.layout import FORMAT_VERSION, INDEX_FILE
from pipeline.outputs.read import (
    EventIndex,
    event_dirs,
    read_event,
    read_events,
    read_transcript,
    transcript_path,
)

SECONDS = "expected a number of seconds from 0 to 10000000, got"
OFFSET = "expected a number of seconds from -10000000 to 10000000, got"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One pipeline-written event, copied by `event_dir` for each test to edit."""
    return write_synthetic_event(tmp_path_factory.mktemp("built") / "outputs")


@pytest.fixture
def event_dir(built, tmp_path) -> Path:
    dest = tmp_path / "outputs" / built.name
    shutil.copytree(built, dest, symlinks=True)
    return dest


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def edit_index(event_dir: Path, change: Callable[[dict], object]) -> Path:
    path = event_dir / INDEX_FILE
    data = load(path)
    change(data)
    save(path, data)
    return path


def one_line_error(call: Callable[[], object]) -> str:
    with pytest.raises(OutputsError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# -- what the writers write reads back ---------------------------------------------------


def test_a_pipeline_written_event_reads_back_as_written(event_dir):
    raw = load(event_dir / INDEX_FILE)
    event = read_event(event_dir)
    assert isinstance(event, EventIndex)
    assert raw["format"] == event.format == FORMAT_VERSION
    assert (event.slug, event.folder) == (event_dir.name, event_dir)
    assert (event.title, event.date) == (raw["event"]["title"], raw["event"]["date"])
    assert list(event.languages) == raw["event"]["languages"]
    assert [s.slug for s in event.sessions] == [s["slug"] for s in raw["sessions"]]
    for session, written in zip(event.sessions, raw["sessions"], strict=True):
        assert session.index == written["index"] and session.title == written["title"]
        assert list(session.speakers) == written["speakers"]
        assert session.language == written["language"]
        assert session.recording == written["recording"]
        assert session.start_ms == round(written["start"] * 1000)
        assert session.end_ms == round(written["end"] * 1000)
        assert [e.language for e in session.languages] == list(written["languages"])
        for entry in session.languages:
            info = written["languages"][entry.language]
            assert entry.engine == info["engine"] and entry.is_original == info["is_original"]
            assert entry.provenance == info["provenance"]
            assert entry.original_share == info["original_share"]
            assert dict(entry.files) == info["files"]
            assert all((event_dir / rel).is_file() for rel in entry.files.values())
    assert list(event.recordings) == list(raw["recordings"])
    for name, recording in event.recordings.items():
        written = raw["recordings"][name]
        assert (recording.name, recording.media) == (name, written["media"])
        assert recording.chapters == written["chapters"]
        assert dict(recording.tracks) == written["tracks"]
    assert pickle.loads(pickle.dumps(event)) == event


def test_each_transcript_reads_back_in_milliseconds_with_its_origin(event_dir):
    event = read_event(event_dir)
    for session in event.sessions:
        for entry in session.languages:
            transcript = read_transcript(event, session, entry.language)
            raw = load(transcript_path(event, session, entry.language))
            assert transcript.language == raw["language"] == entry.language
            assert transcript.is_original == raw["is_original"]
            assert len(transcript.segments) == len(raw["segments"]) > 0
            for seg, written in zip(transcript.segments, raw["segments"], strict=True):
                assert seg.text == written["text"]
                assert seg.origin == written["origin"]
                assert seg.origin == ("original" if entry.is_original else "machine")
                assert seg.recording_start_ms == round(written["recording_start"] * 1000)
                assert seg.recording_start_ms - seg.start_ms == session.start_ms
                assert seg.source_text == (written["source_text"] or "")
                assert seg.low_confidence == written["low_confidence"]
                assert [(w.text, w.probability, w.reviewed, w.overlap) for w in seg.words] == [
                    (w["word"], w["probability"], w.get("reviewed", False),
                     w.get("overlap", False))
                    for w in written["words"]
                ]  # fmt: skip
                assert seg.overlap == written["overlap"]
            assert [c.id for c in transcript.cues] == [c["id"] for c in raw["cues"]]
            assert {c.origin for c in transcript.cues} == {c["origin"] for c in raw["cues"]}
            assert pickle.loads(pickle.dumps(transcript)) == transcript


def test_older_outputs_without_format_or_origin_still_read(event_dir):
    """No `format`: version 1. No `origin`: original in its own language, else machine.
    The legacy `recording_tracks` list is ignored."""
    edit_index(event_dir, lambda d: (d.pop("format"), d.update(recording_tracks=[{"x": 1}])))
    event = read_event(event_dir)
    assert event.format == 1
    session = event.sessions[0]
    for entry in session.languages:
        path = transcript_path(event, session, entry.language)
        doc = load(path)
        for item in [*doc["segments"], *doc["cues"]]:
            del item["origin"]
        save(path, doc)
        origins = {s.origin for s in read_transcript(event, session, entry.language).segments}
        assert origins == {"original" if entry.is_original else "machine"}


def test_event_dirs_are_the_folders_holding_an_index(event_dir):
    outputs = event_dir.parent
    (outputs / ".cache").mkdir()
    (outputs / ".cache" / INDEX_FILE).write_text("{}")
    (outputs / "notes").mkdir()
    (outputs / "README.md").write_text("# outputs\n")
    assert event_dirs(outputs) == [event_dir]
    assert event_dirs(outputs / "missing") == []


# -- one clear error per hostile value ---------------------------------------------------


def _set(*keys, value):
    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def _first_recording(field_name: str, value):
    def change(data):
        name = next(iter(data["recordings"]))
        data["recordings"][name][field_name] = value

    return change


def _first_files(ext: str, value):
    def change(data):
        entry = next(iter(data["sessions"][0]["languages"].values()))
        entry["files"][ext] = value

    return change


REC = '["sample-webinar.mp4"]'
HOSTILE_INDEX = {
    "string for seconds": (
        _set("sessions", 2, "start", value="abc"),
        f"sessions[2].start: {SECONDS} 'abc'",
    ),
    "sessions not a list": (_set("sessions", value=5), "sessions: expected a list, got 5"),
    "session not an object": (
        _set("sessions", 1, value="x"),
        "sessions[1]: expected an object, got 'x'",
    ),
    "event missing": (lambda d: d.pop("event"), "event: missing"),
    "title a number": (_set("event", "title", value=7), "event.title: expected a string, got 7"),
    "NaN": (_set("sessions", 0, "end", value=float("nan")), f"sessions[0].end: {SECONDS} nan"),
    "infinity": (
        _set("sessions", 0, "end", value=float("inf")),
        f"sessions[0].end: {SECONDS} inf",
    ),
    "1e308": (_set("sessions", 0, "start", value=1e308), f"sessions[0].start: {SECONDS} 1e+308"),
    "past 10^7 s": (_set("sessions", 0, "start", value=10**7 + 1), f"{SECONDS} 10000001"),
    "huge int": (
        _set("sessions", 0, "index", value=10**30),
        "sessions[0].index: expected a whole number from 0 to 1000000, got a 31-digit number",
    ),
    "negative": (_set("sessions", 1, "end", value=-1.5), f"sessions[1].end: {SECONDS} -1.5"),
    "bool for seconds": (_set("sessions", 0, "start", value=True), f"{SECONDS} true"),
    "share above 1": (
        lambda d: next(iter(d["sessions"][0]["languages"].values())).update(original_share=2),
        "original_share: expected a share from 0 to 1, got 2",
    ),
    "..": (
        _first_recording("media", "../../secret.mp4"),
        f"recordings{REC}.media: expected a path inside the event folder, "
        "got '../../secret.mp4' ('..' segment)",
    ),
    "absolute path": (
        _first_recording("chapters", "/etc/passwd"),
        f"recordings{REC}.chapters: expected a path inside the event folder, "
        "got '/etc/passwd' (absolute path)",
    ),
    "backslash": (_first_files("vtt", "01-x\\en.vtt"), "files.vtt: expected a path"),
    "NUL byte": (_first_recording("media", "media/a\x00.mp4"), "(NUL byte)"),
    "hidden segment": (
        _first_files("json", ".cache/en.json"),
        "files.json: expected a path inside the event folder, got '.cache/en.json' "
        "(hidden name '.cache')",
    ),
    "path not a string": (_first_recording("media", 3), f"recordings{REC}.media: expected a path"),
    "slug ..": (
        _set("sessions", 0, "slug", value=".."),
        "sessions[0].slug: expected a name, got '..' ('..' segment)",
    ),
    "language code with a slash": (
        lambda d: d["sessions"][0]["languages"].update({"../x": {}}),
        "sessions[0].languages[\"../x\"]: expected a name, got '../x' (slash in a name)",
    ),
    "same slug twice": (
        lambda d: d["sessions"][1].update(slug=d["sessions"][0]["slug"]),
        "sessions[1].slug: the same as sessions[0]'s",
    ),
    "unknown format version": (
        _set("format", value=FORMAT_VERSION + 1),
        f"format: version {FORMAT_VERSION + 1} is newer than this webconf reads "
        f"({FORMAT_VERSION}); update webconf",
    ),
    "format a string": (
        _set("format", value="1"),
        "format: expected a whole number from 1 to 1000000, got '1'",
    ),
    "newline in a value": (_set("sessions", 0, "start", value="a\nb"), "got 'a\\nb'"),
}


@pytest.mark.parametrize("case", HOSTILE_INDEX, ids=list(HOSTILE_INDEX))
def test_a_hostile_index_value_is_one_error_naming_file_and_place(event_dir, case):
    change, expected = HOSTILE_INDEX[case]
    path = edit_index(event_dir, change)
    message = one_line_error(lambda: read_event(event_dir, strict=True))
    assert message.startswith(f"{path}: "), message
    assert expected in message, message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not valid JSON (line 1 column 2: "),
        ("[1, 2]", "expected a JSON object, got a list"),
        ('"text"', "expected a JSON object, got 'text'"),
        ("", "not valid JSON (line 1 column 1: "),
        ("[" * 100_000, "not valid JSON"),
        ('{"format": 1' + "0" * 5000 + "}", "not valid JSON (a number too long to read)"),
    ],
    ids=["not JSON", "a list", "a string", "empty", "nested too deeply", "5000 digits"],
)
def test_an_index_that_is_not_a_json_object_names_the_file(event_dir, text, expected):
    path = event_dir / INDEX_FILE
    path.write_text(text, encoding="utf-8")
    message = one_line_error(lambda: read_event(event_dir))
    assert message.startswith(f"{path}: {expected}"), message


def test_non_utf8_and_missing_index_name_the_file(event_dir, tmp_path):
    path = event_dir / INDEX_FILE
    path.write_bytes(b"\xff\xfe{}")
    assert one_line_error(lambda: read_event(event_dir)).startswith(f"{path}: cannot be read (")
    empty = tmp_path / "empty"
    empty.mkdir()
    message = one_line_error(lambda: read_event(empty))
    assert message.startswith(f"{empty / INDEX_FILE}: not found")


def test_a_symlink_leading_out_of_the_event_folder_is_refused(event_dir, tmp_path):
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(b"secret")
    (event_dir / "media" / "out.mp4").symlink_to(secret)
    (event_dir / "media" / "in.mp4").symlink_to(event_dir / "media" / "sample-webinar.mp4")
    edit_index(event_dir, _first_recording("media", "media/in.mp4"))
    assert read_event(event_dir).recordings["sample-webinar.mp4"].media == "media/in.mp4"
    path = edit_index(event_dir, _first_recording("media", "media/out.mp4"))
    message = one_line_error(lambda: read_event(event_dir))
    assert message == (
        f"{path}: recordings{REC}.media: expected a path inside the event folder, "
        "got 'media/out.mp4' (a symlink leads outside the folder)"
    )


def test_a_symlink_into_the_stage_cache_is_refused_whatever_its_name(event_dir):
    (event_dir / ".cache").mkdir(exist_ok=True)
    (event_dir / ".cache" / "stage.mp4").write_bytes(b"cached")
    (event_dir / "media" / "cached.mp4").symlink_to("../.cache/stage.mp4")
    path = edit_index(event_dir, _first_recording("media", "media/cached.mp4"))
    message = one_line_error(lambda: read_event(event_dir))
    assert message == (
        f"{path}: recordings{REC}.media: expected a path inside the event folder, "
        "got 'media/cached.mp4' (a symlink leads to a hidden file)"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("media/" + "z" * 300, "longer than 255 bytes"),
        ("/".join(["d" * 200] * 25), "longer than 4096 bytes"),
        ("media/a\ud800.mp4", "not UTF-8 text"),
    ],
    ids=["a long name", "a long path", "a lone surrogate"],
)
def test_a_path_the_system_would_choke_on_is_one_error(event_dir, value, problem):
    path = event_dir / INDEX_FILE
    data = load(path)
    _first_recording("media", value)(data)
    path.write_text(json.dumps(data), encoding="utf-8")  # \ud800 escaped, as JSON allows
    message = one_line_error(lambda: read_event(event_dir))
    assert message.endswith(f"({problem})")


def test_text_with_a_lone_surrogate_is_refused_naming_its_place(first):
    event, session, path = first
    data = load(path)
    data["segments"][0]["text"] = "caf\ud800"
    path.write_text(json.dumps(data), encoding="utf-8")
    message = one_line_error(lambda: read_transcript(event, session, session.languages[0].language))
    assert message == (
        f"{path}: segments[0].text: expected a string, got a string with a lone surrogate "
        "(not UTF-8)"
    )


def test_an_event_folder_symlinked_from_outside_is_no_event(event_dir, tmp_path, caplog):
    outputs = event_dir.parent
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(event_dir, elsewhere / "private")
    (outputs / "private").symlink_to(elsewhere / "private", target_is_directory=True)
    (outputs / "mirror").symlink_to(event_dir.name, target_is_directory=True)  # inside: kept
    with caplog.at_level(logging.WARNING):
        found = event_dirs(outputs)
    assert outputs / "private" not in found and outputs / "mirror" in found
    assert "private: not an event folder here (a symlink leads outside the folder)" in caplog.text


def test_an_index_json_that_is_a_symlink_out_is_refused(event_dir, tmp_path):
    outside = tmp_path / "elsewhere.json"
    (event_dir / INDEX_FILE).rename(outside)
    (event_dir / INDEX_FILE).symlink_to(outside)
    message = one_line_error(lambda: read_event(event_dir))
    assert message.startswith(f"{event_dir / INDEX_FILE}: not inside the event folder (")


# -- transcripts -------------------------------------------------------------------------


@pytest.fixture
def first(event_dir):
    """(event, first session, path of its first language's JSON)."""
    event = read_event(event_dir)
    session = event.sessions[0]
    return event, session, transcript_path(event, session, session.languages[0].language)


HOSTILE_TRANSCRIPT = {
    "string for seconds": (
        _set("segments", 1, "recording_end", value="soon"),
        f"segments[1].recording_end: {SECONDS} 'soon'",
    ),
    "unknown origin": (
        _set("segments", 0, "origin", value="robot"),
        "segments[0].origin: expected one of original, interpretation, speech-translation, "
        "machine, person, got 'robot'",
    ),
    "cue origin a number": (_set("cues", 2, "origin", value=1), "cues[2].origin: expected one"),
    "missing time": (lambda d: d["segments"][0].pop("start"), "segments[0].start: missing"),
    "text a list": (_set("segments", 0, "text", value=[]), "segments[0].text: expected a string"),
    "flag a string": (
        _set("segments", 0, "reviewed", value="yes"),
        "segments[0].reviewed: expected true or false, got 'yes'",
    ),
    "cues missing": (lambda d: d.pop("cues"), "cues: missing"),
    "negative cue time": (_set("cues", 0, "start", value=-0.001), f"cues[0].start: {SECONDS}"),
    "overlap a number": (
        _set("segments", 0, "overlap", value=1),
        "segments[0].overlap: expected true or false, got 1",
    ),
    "words not a list": (
        _set("segments", 0, "words", value="many"),
        "segments[0].words: expected a list, got 'many'",
    ),
    "word probability above 1": (
        lambda d: d["segments"][0]["words"].append(
            {"start": 0, "end": 0.2, "word": " x", "probability": 7}
        ),
        "segments[0].words[",
    ),
}


@pytest.mark.parametrize("case", HOSTILE_TRANSCRIPT, ids=list(HOSTILE_TRANSCRIPT))
def test_a_hostile_transcript_value_is_one_error_naming_file_and_place(first, case):
    event, session, path = first
    change, expected = HOSTILE_TRANSCRIPT[case]
    doc = load(path)
    change(doc)
    save(path, doc)
    message = one_line_error(lambda: read_transcript(event, session, session.languages[0].language))
    assert message.startswith(f"{path}: {expected}"), message


def test_a_missing_transcript_and_a_session_folder_linked_out(first, tmp_path):
    event, session, path = first
    language = session.languages[0].language
    path.unlink()
    message = one_line_error(lambda: read_transcript(event, session, language))
    assert message == f"{path}: missing (listed in the event's {INDEX_FILE})"
    folder = event.folder / session.slug
    folder.rename(tmp_path / "moved")
    folder.symlink_to(tmp_path / "moved", target_is_directory=True)
    message = one_line_error(lambda: read_transcript(event, session, language))
    assert message.startswith(f"{path}: not inside the event folder (a symlink leads outside")


# -- strict or lenient, by caller --------------------------------------------------------


def test_lenient_readers_skip_a_broken_event_with_one_warning(event_dir, built, caplog):
    outputs = event_dir.parent
    good = outputs / "2020-01-01-another-event"
    shutil.copytree(built, good)
    path = edit_index(event_dir, _set("sessions", 0, "start", value="abc"))
    with caplog.at_level(logging.WARNING, logger="pipeline.outputs.read"):
        assert read_event(event_dir, strict=False) is None
        events = read_events(outputs, strict=False)
    assert [e.slug for e in events] == [good.name]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # one per read of the broken event
    assert all(w.startswith(f"{path}: sessions[0].start: {SECONDS} 'abc'") for w in warnings)
    with pytest.raises(OutputsError, match=r"sessions\[0\]\.start"):
        read_events(outputs, strict=True)
    with pytest.raises(OutputsError, match="no such outputs folder"):
        read_events(outputs / "missing")
    assert read_events(outputs / "missing", strict=False) == []


def test_a_lenient_transcript_read_is_none_with_one_warning(first, caplog):
    event, session, path = first
    path.write_text("{", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="pipeline.outputs.read"):
        assert read_transcript(event, session, session.languages[0].language, strict=False) is None
    (warning,) = [r.getMessage() for r in caplog.records]
    assert warning.startswith(f"{path}: not valid JSON")


def test_a_file_changed_in_place_is_read_again(event_dir):
    assert read_event(event_dir).title
    edit_index(event_dir, _set("event", "title", value="A new title, and longer than before"))
    assert read_event(event_dir).title == "A new title, and longer than before"


def test_outputs_error_is_a_pipeline_error_and_pickles():
    error = OutputsError("outputs/ev/index.json", "expected a list, got 5", "sessions")
    assert isinstance(error, PipelineError)
    assert str(error) == "outputs/ev/index.json: sessions: expected a list, got 5"
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.file, again.place, again.problem) == (
        str(error),
        error.file,
        "sessions",
        error.problem,
    )
    assert str(OutputsError("x.json", "not valid JSON")) == "x.json: not valid JSON"


# -- interpreter channels ----------------------------------------------------------------


@pytest.fixture(scope="module", params=["files", "streams"])
def interpreted(request, tmp_path_factory) -> Path:
    """An event with interpreter channels, as the pipeline's writers publish it."""
    from interpreted_outputs import build_interpreted_event

    folder = tmp_path_factory.mktemp(f"interpreted-{request.param}")
    return build_interpreted_event(folder, request.param).event_dir


@pytest.fixture
def interpreted_dir(interpreted, tmp_path) -> Path:
    dest = tmp_path / "outputs" / interpreted.name
    shutil.copytree(interpreted, dest, symlinks=True)
    return dest


def _channel_fields(entry) -> dict:
    return {
        "language": entry.language,
        "file": entry.file,
        "stream": entry.stream,
        "offset": entry.offset_ms / 1000,
    }


def test_interpreter_channels_read_back_as_written(interpreted_dir):
    raw = load(interpreted_dir / INDEX_FILE)
    event = read_event(interpreted_dir)
    (name,) = raw["recordings"]
    recording = event.recordings[name]
    assert set(recording.channels) == {"es", "en"}
    for code, channel in recording.channels.items():
        written = raw["recordings"][name]["channels"][code]
        assert _channel_fields(channel) == {k: written[k] for k in _channel_fields(channel)}
        assert channel.lag_ms == written["lag_ms"] and isinstance(channel.lag_ms, int)
        assert channel.audio is None  # a recording's channel has no session cut
    interpreted_languages = 0
    for session, written in zip(event.sessions, raw["sessions"], strict=True):
        for entry in session.languages:
            info = written["languages"][entry.language]
            assert dict(entry.shares) == info["shares"]
            assert sum(entry.shares.values()) == pytest.approx(1, abs=0.002)
            if "interpretation" not in info:
                assert entry.interpretation is None
                continue
            channel, expected = entry.interpretation, info["interpretation"]
            assert channel.language == entry.language
            assert _channel_fields(channel) == {k: expected[k] for k in _channel_fields(channel)}
            assert channel.audio == expected["audio"]
            assert channel.audio == f"{session.slug}/session.{channel.language}.m4a"
            assert (interpreted_dir / channel.audio).is_file()
            assert channel.lag_ms == expected["lag_ms"]
            interpreted_languages += "interpretation" in entry.shares
    assert interpreted_languages == 2  # es of session 1, en of session 2
    assert pickle.loads(pickle.dumps(event)) == event


def test_interpreted_segments_and_cues_name_their_channel(interpreted_dir):
    event = read_event(interpreted_dir)
    seen = set()
    for session in event.sessions:
        for entry in session.languages:
            transcript = read_transcript(event, session, entry.language)
            raw = load(transcript_path(event, session, entry.language))
            assert dict(transcript.shares) == raw["shares"] == dict(entry.shares)
            for seg, written in zip(transcript.segments, raw["segments"], strict=True):
                if seg.origin != "interpretation":
                    assert (seg.channel, seg.lag_ms) == (None, None)
                    continue
                seen.add((session.index, seg.language))
                assert "interpretation" in written
                assert seg.channel == replace(entry.interpretation, audio=None, lag_ms=seg.lag_ms)
                assert seg.lag_ms == written["interpretation"]["lag_ms"] > 0
                assert seg.source_language != seg.language and seg.source_text
            for cue, written in zip(transcript.cues, raw["cues"], strict=True):
                assert (cue.channel is not None) == (cue.origin == "interpretation")
                if cue.channel is not None:
                    assert cue.channel.language == written["interpretation"]["language"]
                    assert cue.channel.file == written["interpretation"]["file"]
                    assert cue.channel.lag_ms is None
            assert pickle.loads(pickle.dumps(transcript)) == transcript
    assert seen == {(1, "es"), (2, "en")}


def test_outputs_written_before_channels_and_shares_read_with_none(event_dir):
    """Older outputs have no `shares`, `interpretation` or `channels`: none is an error."""

    def strip(data):
        for session in data["sessions"]:
            for entry in session["languages"].values():
                entry.pop("shares", None)
                entry.pop("interpretation", None)
        for recording in data["recordings"].values():
            recording.pop("channels", None)

    edit_index(event_dir, strip)
    event = read_event(event_dir)
    assert all(dict(r.channels) == {} for r in event.recordings.values())
    for session in event.sessions:
        for entry in session.languages:
            assert (dict(entry.shares), entry.interpretation) == ({}, None)
            path = transcript_path(event, session, entry.language)
            doc = load(path)
            doc.pop("shares", None)
            save(path, doc)
            transcript = read_transcript(event, session, entry.language)
            assert dict(transcript.shares) == {}
            assert all(s.channel is None and s.lag_ms is None for s in transcript.segments)
            assert all(c.channel is None for c in transcript.cues)


def _es(change):
    """Edit the Spanish entry of session 1 (the one with an interpreter channel)."""

    def edit(data):
        change(data["sessions"][0]["languages"]["es"])

    return edit


def _channels(change):
    def edit(data):
        change(next(iter(data["recordings"].values()))["channels"])

    return edit


ES = "sessions[0].languages.es"
HOSTILE_CHANNELS = {
    "audio climbing out": (
        _es(lambda e: e["interpretation"].update(audio="../../secret.m4a")),
        f"{ES}.interpretation.audio: expected a path inside the event folder, "
        "got '../../secret.m4a' ('..' segment)",
    ),
    "audio absolute": (
        _es(lambda e: e["interpretation"].update(audio="/etc/passwd")),
        f"{ES}.interpretation.audio: expected a path inside the event folder, "
        "got '/etc/passwd' (absolute path)",
    ),
    "channel of another language": (
        _es(lambda e: e["interpretation"].update(language="fr")),
        f"{ES}.interpretation.language: expected 'es' (the language it is listed under), got 'fr'",
    ),
    "channel not an object": (
        _es(lambda e: e.update(interpretation="es")),
        f"{ES}.interpretation: expected an object, got 'es'",
    ),
    "file with a slash": (
        _es(lambda e: e["interpretation"].update(file="../talk-es.m4a")),
        f"{ES}.interpretation.file: expected a name, got '../talk-es.m4a' (slash in a name)",
    ),
    "file missing": (
        _es(lambda e: e["interpretation"].pop("file")),
        f"{ES}.interpretation.file: missing",
    ),
    "stream a string": (
        _es(lambda e: e["interpretation"].update(stream="1")),
        f"{ES}.interpretation.stream: expected a whole number from 0 to 1000000, got '1'",
    ),
    "stream negative": (
        _es(lambda e: e["interpretation"].update(stream=-1)),
        f"{ES}.interpretation.stream: expected a whole number from 0 to 1000000, got -1",
    ),
    "offset a string": (
        _es(lambda e: e["interpretation"].update(offset="00:00:02")),
        f"{ES}.interpretation.offset: {OFFSET} '00:00:02'",
    ),
    "offset NaN": (
        _es(lambda e: e["interpretation"].update(offset=float("nan"))),
        f"{ES}.interpretation.offset: {OFFSET} nan",
    ),
    "offset -infinity": (
        _es(lambda e: e["interpretation"].update(offset=float("-inf"))),
        f"{ES}.interpretation.offset: {OFFSET} -inf",
    ),
    "lag a float": (
        _es(lambda e: e["interpretation"].update(lag_ms=2.5)),
        f"{ES}.interpretation.lag_ms: expected a whole number of milliseconds from "
        "-3600000 to 3600000, got 2.5",
    ),
    "lag of days": (
        _es(lambda e: e["interpretation"].update(lag_ms=10**9)),
        f"{ES}.interpretation.lag_ms: expected a whole number of milliseconds",
    ),
    "lag a bool": (
        _es(lambda e: e["interpretation"].update(lag_ms=True)),
        f"{ES}.interpretation.lag_ms: expected a whole number of milliseconds",
    ),
    "share above 1": (
        _es(lambda e: e["shares"].update(interpretation=1.5)),
        f"{ES}.shares.interpretation: expected a share from 0 to 1, got 1.5",
    ),
    "share a string": (
        _es(lambda e: e["shares"].update(machine="26 %")),
        f"{ES}.shares.machine: expected a share from 0 to 1, got '26 %'",
    ),
    "share null": (
        _es(lambda e: e["shares"].update(machine=None)),
        f"{ES}.shares.machine: expected a share from 0 to 1, got null",
    ),
    "share key climbing": (
        _es(lambda e: e["shares"].update({"../x": 0.1})),
        f"{ES}.shares[\"../x\"]: expected a name, got '../x' (slash in a name)",
    ),
    "shares a list": (
        _es(lambda e: e.update(shares=[0.5])),
        f"{ES}.shares: expected an object, got a list",
    ),
    "recording channel null": (
        _channels(lambda c: c.update(es=None)),
        'recordings["talk.mp4"].channels.es: expected an object, got null',
    ),
    "recording channel under another language": (
        _channels(lambda c: c.update(fr=c["es"])),
        "recordings[\"talk.mp4\"].channels.fr.language: expected 'fr' (the language it is "
        "listed under), got 'es'",
    ),
    "recording channels a list": (
        lambda d: next(iter(d["recordings"].values())).update(channels=["es"]),
        'recordings["talk.mp4"].channels: expected an object, got a list',
    ),
}


@pytest.mark.parametrize("case", HOSTILE_CHANNELS, ids=list(HOSTILE_CHANNELS))
def test_a_hostile_channel_value_is_one_error_naming_file_and_place(interpreted_dir, case):
    change, expected = HOSTILE_CHANNELS[case]
    path = edit_index(interpreted_dir, change)
    message = one_line_error(lambda: read_event(interpreted_dir, strict=True))
    assert message.startswith(f"{path}: "), message
    assert expected in message, message


def test_a_channel_file_that_started_before_the_recording_has_a_negative_offset(
    interpreted_dir,
):
    def early(data):
        data["sessions"][0]["languages"]["es"]["interpretation"]["offset"] = -1.25
        next(iter(data["recordings"].values()))["channels"]["es"].pop("offset")

    edit_index(interpreted_dir, early)
    event = read_event(interpreted_dir)
    assert event.sessions[0].language_entry("es").interpretation.offset_ms == -1250
    (recording,) = event.recordings.values()
    assert recording.channels["es"].offset_ms == 0  # no offset: it starts with the recording


def test_a_session_audio_linked_out_of_the_event_is_refused(interpreted_dir, tmp_path):
    event = read_event(interpreted_dir)
    audio = event.sessions[0].language_entry("es").interpretation.audio
    (tmp_path / "secret.m4a").write_bytes(b"secret")
    (interpreted_dir / audio).unlink()
    (interpreted_dir / audio).symlink_to(tmp_path / "secret.m4a")
    message = one_line_error(lambda: read_event(interpreted_dir))
    assert f"{ES}.interpretation.audio: expected a path inside the event folder" in message
    assert "(a symlink leads outside the folder)" in message


HOSTILE_INTERPRETED_TRANSCRIPT = {
    "segment lag a string": (
        lambda d: d["segments"][0]["interpretation"].update(lag_ms="2 s"),
        "segments[0].interpretation.lag_ms: expected a whole number of milliseconds",
    ),
    "segment channel file a path": (
        lambda d: d["segments"][0]["interpretation"].update(file="/tmp/x.m4a"),
        "segments[0].interpretation.file: expected a name, got '/tmp/x.m4a' (slash in a name)",
    ),
    "cue channel without a language": (
        lambda d: d["cues"][0]["interpretation"].pop("language"),
        "cues[0].interpretation.language: missing",
    ),
    "transcript share negative": (
        lambda d: d["shares"].update(interpretation=-0.1),
        "shares.interpretation: expected a share from 0 to 1, got -0.1",
    ),
}


@pytest.mark.parametrize(
    "case", HOSTILE_INTERPRETED_TRANSCRIPT, ids=list(HOSTILE_INTERPRETED_TRANSCRIPT)
)
def test_a_hostile_interpreted_transcript_value_is_one_error(interpreted_dir, case):
    event = read_event(interpreted_dir)
    session = event.sessions[0]
    path = transcript_path(event, session, "es")
    change, expected = HOSTILE_INTERPRETED_TRANSCRIPT[case]
    doc = load(path)
    change(doc)
    save(path, doc)
    message = one_line_error(lambda: read_transcript(event, session, "es"))
    assert message.startswith(f"{path}: {expected}"), message
