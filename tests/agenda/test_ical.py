from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.agenda.ical import read_ical
from pipeline.errors import AgendaError

CALENDARS = Path(__file__).resolve().parents[3] / "shared" / "calendars"
HOUR = dt.timedelta(hours=1)


def shared(name: str) -> Path:
    return CALENDARS / name


def write(tmp_path: Path, *events: str, header: str = "", name: str = "agenda.ics") -> Path:
    body = "".join(f"BEGIN:VEVENT\n{event.strip()}\nEND:VEVENT\n" for event in events)
    path = tmp_path / name
    path.write_text(
        f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{header}{body}END:VCALENDAR\n",
        encoding="utf-8",
    )
    return path


def edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """The shared file `name` with `old` replaced by `new`, written into tmp_path."""
    text = shared(name).read_bytes().decode("utf-8")
    assert old in text
    path = tmp_path / name
    path.write_bytes(text.replace(old, new).encode("utf-8"))
    return path


def error(path: Path, timezone: str | None = None) -> str:
    with pytest.raises(AgendaError) as info:
        read_ical(path, timezone)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    return message


def test_shared_calendars_folder_is_found():
    assert shared("example.ics").is_file(), f"shared calendars missing: {CALENDARS}"


# -- shared edge-case files ---------------------------------------------------------------


def test_custom_vtimezone_tzid_gives_new_york_summer_time():
    agenda = read_ical(shared("america_new_york.ics"))
    (item,) = agenda.items
    assert agenda.kind == "iCalendar" and agenda.title == "an event with a custom tz name"
    assert (item.start.hour, item.start.utcoffset()) == (8, -4 * HOUR)
    assert item.start == dt.datetime(2014, 8, 29, 12, tzinfo=dt.UTC)
    assert item.end - item.start == 2 * HOUR
    assert isinstance(item.start.tzinfo, dt.timezone)  # not dateutil's VTIMEZONE object


def test_todos_and_journals_are_ignored_and_iana_tzid_stays_a_zoneinfo():
    agenda = read_ical(shared("issue_1050_calendar_with_events_and_todos.ics"))
    assert [i.title for i in agenda.items] == ["Test Event 1", "Test Event 2"]
    first = agenda.items[0]
    assert first.start.tzinfo == ZoneInfo("America/New_York")
    assert (first.start.hour, first.start.utcoffset()) == (10, -5 * HOUR)
    assert agenda.title == "Test Event 1" and agenda.timezone is None


def test_events_of_every_calendar_in_the_file_are_read(tmp_path):
    assert "'Event 1': has no start (DTSTART)" in error(shared("issue_1050_multiple_calendars.ics"))
    times = "DTSTART:20250101T100000Z\nDTEND:20250101T110000Z\nSUMMARY:Event"
    path = edited(tmp_path, "issue_1050_multiple_calendars.ics", "SUMMARY:Event", times)
    assert [i.title for i in read_ical(path).items] == ["Event 1", "Event 2"]


def test_non_ascii_tzid_with_its_vtimezone_reads_brasilia_offset(tmp_path):
    name = "issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics"
    assert error(shared(name)) == f"{shared(name)}: event #1: has no title"
    path = edited(tmp_path, name, "BEGIN:VEVENT\r\n", "BEGIN:VEVENT\r\nSUMMARY:Reunião\r\n")
    (item,) = read_ical(path).items
    assert (item.title, item.start.hour, item.start.minute) == ("Reunião", 13, 30)
    assert item.start.utcoffset() == -3 * HOUR and item.end - item.start == dt.timedelta(minutes=30)


def test_unicode_calendar_name_description_and_location(tmp_path):
    name = "created_calendar_with_unicode_fields.ics"
    assert "event 'åäö': has a start but no end" in error(shared(name))
    text = shared(name).read_bytes().decode("utf-8")
    first_event_only = text[: text.index("BEGIN:VEVENT", text.index("END:VEVENT"))]
    path = tmp_path / name
    path.write_text(first_event_only + "END:VCALENDAR\r\n", encoding="utf-8")
    agenda = read_ical(path)
    assert agenda.title == "äöü ÄÖÜ €" and agenda.description == "test non ascii: äöü ÄÖÜ €"
    (item,) = agenda.items
    assert item.title == "Non-ASCII Test: ÄÖÜ äöü €" and item.room == "Tribstrül"
    assert item.start == dt.datetime(2010, 10, 10, 10, tzinfo=dt.UTC)


def test_whitespace_in_calendar_property_is_read_past():
    path = shared("issue_351_whitespace_in_property_and_params.ics")
    assert error(path).endswith(
        "event 'Waste Pickup': has a start but no end (DTEND or DURATION);"
        " an agenda item needs both"
    )


def test_utf8_bom_is_accepted_and_the_empty_calendar_refused():
    assert error(shared("bom_calendar.ics")).endswith(": holds no events (VEVENT)")


def test_broken_line_is_one_error_naming_event_and_line():
    message = error(shared("broken_ical.ics"))
    assert "event 'An Event with too many semicolons': a line cannot be read" in message
    assert "DTSTART;;VALUE=DATE-TIME:20140409T093000" in message


def test_file_without_end_vcalendar_is_not_icalendar():
    assert "not an iCalendar file" in error(shared("big_bad_calendar.ics"))


def test_recurrence_id_occurrence_is_refused_clearly():
    assert error(shared("issue_1231_recurrence.ics")) == (
        f"{shared('issue_1231_recurrence.ics')}: event 'Test recurrence' repeats (RECURRENCE-ID);"
        " export the one occurrence to import, recurring events are not expanded"
    )


def test_calendar_of_only_all_day_events_is_refused():
    assert "holds only all-day events (3)" in error(shared("example.ics"))


# -- times -------------------------------------------------------------------------------


def test_floating_time_needs_a_time_zone(tmp_path):
    path = write(tmp_path, "SUMMARY:Talk\nDTSTART:20210325T150000\nDTEND:20210325T160000")
    assert error(path) == (
        f"{path}: event 'Talk' has a floating time (no time zone);"
        " give one with --timezone Europe/Brussels"
    )
    agenda = read_ical(path, "Europe/Brussels")
    assert agenda.timezone == "Europe/Brussels"
    assert agenda.items[0].start.utcoffset() == HOUR


def test_floating_time_uses_known_x_wr_timezone(tmp_path):
    event = "SUMMARY:Talk\nDTSTART:20210701T150000\nDTEND:20210701T160000"
    path = write(tmp_path, event, header="X-WR-TIMEZONE:Europe/Brussels\n")
    agenda = read_ical(path)
    assert agenda.timezone == "Europe/Brussels" and agenda.items[0].start.utcoffset() == 2 * HOUR
    assert read_ical(path, "UTC").items[0].start.utcoffset() == dt.timedelta(0)
    unknown = write(tmp_path, event, header="X-WR-TIMEZONE:Mars/Olympus\n", name="mars.ics")
    assert "X-WR-TIMEZONE 'Mars/Olympus' is not a known time zone" in error(unknown)


def test_unknown_time_zones_are_refused(tmp_path):
    path = write(tmp_path, "SUMMARY:Talk\nDTSTART:20210325T150000Z\nDTEND:20210325T160000Z")
    assert "unknown time zone 'Mars/Olympus'" in error(path, "Mars/Olympus")
    tzid = "DTSTART;TZID=Mars/Olympus:20210325T150000\nDTEND:20210325T160000Z"
    other = write(tmp_path, f"SUMMARY:Talk\n{tzid}", name="tzid.ics")
    assert (
        error(other)
        == f"{other}: event 'Talk': unknown time zone 'Mars/Olympus' (e.g. Europe/Brussels)"
    )


def test_brussels_offset_follows_summer_time(tmp_path):
    path = write(
        tmp_path,
        "SUMMARY:After\nDTSTART;TZID=Europe/Brussels:20210401T150000\nDURATION:PT1H",
        "SUMMARY:Before\nDTSTART;TZID=Europe/Brussels:20210325T150000\nDURATION:PT1H",
    )
    before, after = read_ical(path).items  # in time order, not file order
    assert (before.title, before.start.hour, before.start.utcoffset()) == ("Before", 15, HOUR)
    assert (after.title, after.start.hour, after.start.utcoffset()) == ("After", 15, 2 * HOUR)


def test_duration_gives_the_end(tmp_path):
    path = write(tmp_path, "SUMMARY:Talk\nDTSTART:20210325T150000Z\nDURATION:PT45M")
    (item,) = read_ical(path).items
    assert item.end == dt.datetime(2021, 3, 25, 15, 45, tzinfo=dt.UTC)


def test_all_day_events_even_repeating_are_skipped_beside_timed_ones(tmp_path):
    path = write(
        tmp_path,
        "SUMMARY:Holiday\nDTSTART;VALUE=DATE:20210325\nDTEND;VALUE=DATE:20210326",
        "SUMMARY:Birthday\nDTSTART;VALUE=DATE:20200325\nRRULE:FREQ=YEARLY",
        "SUMMARY:Talk\nDTSTART:20210325T150000Z\nDTEND:20210325T160000Z",
    )
    assert [i.title for i in read_ical(path).items] == ["Talk"]


def test_event_ending_before_it_starts_is_refused(tmp_path):
    path = write(tmp_path, "SUMMARY:Talk\nDTSTART:20210325T150000Z\nDTEND:20210325T140000Z")
    assert error(path).startswith(f"{path}: event 'Talk': ends (2021-03-25T14:00:00+00:00)")


def test_rrule_is_refused_clearly(tmp_path):
    event = "SUMMARY:Weekly\nDTSTART:20210325T150000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY"
    assert "event 'Weekly' repeats (RRULE); export the one occurrence" in error(
        write(tmp_path, event)
    )


# -- fields ------------------------------------------------------------------------------


def test_speakers_room_links_language_and_description(tmp_path):
    path = write(
        tmp_path,
        """
SUMMARY;LANGUAGE=fr:Le commerce de l'ivoire
DTSTART:20210325T150000Z
DTEND:20210325T160000Z
ATTENDEE;CN=Anne Dupont:mailto:anne@example.org
ATTENDEE:mailto:bob@example.org
LOCATION:Room A
URL:https://example.org/talk
DESCRIPTION:Why\\, and how.
""",
        header="X-WR-CALNAME:Webinar\nX-WR-CALDESC:Spring series\n",
    )
    agenda = read_ical(path)
    assert (agenda.title, agenda.description, agenda.rooms) == (
        "Webinar",
        "Spring series",
        ("Room A",),
    )
    (item,) = agenda.items
    assert item.speakers == ("Anne Dupont", "bob@example.org")
    assert (item.language, item.room, item.description) == ("fr", "Room A", "Why, and how.")
    assert item.links == ("https://example.org/talk",)


def test_optional_fields_default_to_empty(tmp_path):
    path = write(tmp_path, "SUMMARY:Talk\nDTSTART:20210325T150000Z\nDTEND:20210325T160000Z")
    (item,) = read_ical(path).items
    assert (item.speakers, item.language, item.room, item.links, item.description) == (
        (),
        None,
        None,
        (),
        "",
    )


# -- unreadable files ----------------------------------------------------------------------


def test_missing_file_is_named(tmp_path):
    assert error(tmp_path / "nope.ics") == f"{tmp_path / 'nope.ics'}: file not found"


def test_non_utf8_bytes_are_refused(tmp_path):
    path = tmp_path / "latin1.ics"
    path.write_bytes("BEGIN:VCALENDAR\nSUMMARY:Réunion\nEND:VCALENDAR\n".encode("latin-1"))
    assert error(path).endswith(": line 2 is not UTF-8 text; save it as UTF-8")


def test_text_that_is_not_icalendar_is_one_line(tmp_path):
    path = tmp_path / "notes.ics"
    path.write_text("hello\nthis is not a calendar\n", encoding="utf-8")
    assert "not a readable iCalendar file" in error(path)
    empty = tmp_path / "empty.ics"
    empty.write_bytes(b"")
    assert "not an iCalendar file" in error(empty)
