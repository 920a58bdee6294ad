"""A manifest that points at its agenda (`[event] agenda`): sessions placed in the
recordings by wall-clock time when the event runs, items outside them listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_import import silent_recording
from test_schedule import TELEWORK

from pipeline.agenda.manifest import load_manifest, resolve_against_media
from pipeline.errors import ManifestError
from pipeline.media.channels import check_media


def resolved(manifest: Path):
    event = load_manifest(manifest)
    media = check_media(event)
    return resolve_against_media(event, media.durations_ms, media.started)


def write(folder: Path, recordings: str, event: str = "") -> Path:
    (folder / "agenda.csv").write_text(TELEWORK, encoding="utf-8")
    path = folder / "event.toml"
    path.write_text(
        '[event]\ntitle = "Telework"\ndate = "2021-03-25"\nagenda = "agenda.csv"\n'
        f'timezone = "Europe/Brussels"\n{event}\n{recordings}',
        encoding="utf-8",
    )
    return path


def test_sessions_come_from_the_agenda_placed_by_the_containers_time(tmp_path):
    silent_recording(tmp_path / "webinar.m4a", 3000, "2021-03-25T13:58:30Z")
    event = resolved(write(tmp_path, '[[recording]]\nfile = "webinar.m4a"\n'))
    assert [(s.title[:17], s.start_ms, s.end_ms) for s in event.sessions] == [
        ("Telework: from th", 90_000, 2_490_000),
        ("Impact of the tel", 2_490_000, 3_000_000),
    ]
    assert event.sessions[0].language == "fr" and len(event.sessions[1].speakers) == 4
    (note,) = event.notes
    assert "'Impact on the labour market' is outside every recording" in note


def test_a_start_in_the_manifest_wins_over_the_container_and_reads_the_event_zone(tmp_path):
    silent_recording(tmp_path / "webinar.m4a", 3000, "2021-03-25T13:58:30Z")
    started = '[[recording]]\nfile = "webinar.m4a"\nstarted = 2021-03-25T15:00:00\n'
    event = resolved(write(tmp_path, started))  # 15:00 Brussels, a local TOML time
    assert [s.start_ms for s in event.sessions] == [0, 2_400_000]


def test_each_item_goes_to_the_recording_that_was_running(tmp_path):
    silent_recording(tmp_path / "part1.m4a", 2460, "2021-03-25T14:00:00Z")  # to 15:41
    silent_recording(tmp_path / "part2.m4a", 3600, "2021-03-25T14:39:00Z")  # from 15:39
    two = '[[recording]]\nfile = "part1.m4a"\n\n[[recording]]\nfile = "part2.m4a"\n'
    event = resolved(write(tmp_path, two))
    assert [(s.recording.name, s.start_ms) for s in event.sessions] == [
        ("part1.m4a", 0), ("part2.m4a", 60_000), ("part2.m4a", 2_760_000),
    ]  # fmt: skip
    assert event.notes == ()


def test_several_recordings_that_do_not_say_when_they_started_are_refused(tmp_path):
    silent_recording(tmp_path / "part1.m4a", 60, None)
    silent_recording(tmp_path / "part2.m4a", 60, None)
    two = '[[recording]]\nfile = "part1.m4a"\n\n[[recording]]\nfile = "part2.m4a"\n'
    with pytest.raises(ManifestError, match="part1.m4a does not say when it started"):
        resolved(write(tmp_path, two))


def test_one_recording_without_a_start_begins_at_the_first_item_and_a_note_says_so(tmp_path):
    silent_recording(tmp_path / "webinar.m4a", 3000, None)
    event = resolved(write(tmp_path, '[[recording]]\nfile = "webinar.m4a"\n'))
    assert event.sessions[0].start_ms == 0
    assert "taken as the first item's start" in event.notes[0]


def test_an_agenda_and_sessions_both_or_a_missing_agenda_are_manifest_errors(tmp_path):
    silent_recording(tmp_path / "webinar.m4a", 60, None)
    both = '[[recording]]\nfile = "webinar.m4a"\n\n[[session]]\ntitle = "A"\nstart = 0\n'
    with pytest.raises(ManifestError, match="remove \\[\\[session\\]\\]"):
        load_manifest(write(tmp_path, both))
    path = write(tmp_path, '[[recording]]\nfile = "webinar.m4a"\n')
    (tmp_path / "agenda.csv").unlink()
    with pytest.raises(ManifestError, match="agenda.csv: file not found"):
        load_manifest(path)


def test_an_agenda_of_several_rooms_needs_the_room_that_was_recorded(tmp_path):
    silent_recording(tmp_path / "webinar.m4a", 60, None)
    schedule = Path(__file__).resolve().parents[3] / "shared" / "schedules" / "voc-schedule"
    path = tmp_path / "event.toml"
    path.write_text(
        f'[event]\ntitle = "DemoCon"\ndate = "2020-12-14"\n'
        f'agenda = "{schedule}/pretalx-democon.json"\n\n'
        '[[recording]]\nfile = "webinar.m4a"\nstarted = 2020-12-14T09:00:00+01:00\n',
        encoding="utf-8",
    )
    with pytest.raises(ManifestError, match="2 rooms \\(Gray Room, Tan Room\\)"):
        resolved(path)
    text = path.read_text(encoding="utf-8").replace("\n\n", '\nroom = "Gray Room"\n\n', 1)
    path.write_text(text, encoding="utf-8")
    (first,) = resolved(path).sessions  # the recording lasts one minute
    assert (first.title, first.start_ms, first.end_ms) == (
        "Focused 5thgeneration hardware", 0, 60_000,
    )  # fmt: skip
