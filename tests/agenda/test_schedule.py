"""pretalx, frab and hub schedules (real exports in ../shared/schedules) and CSV
agendas, read into items in wall-clock time; each malformed one gets one line."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.agenda.sources import read_agenda
from pipeline.errors import AgendaError

SCHEDULES = Path(__file__).resolve().parents[3] / "shared" / "schedules"
VOC = SCHEDULES / "voc-schedule"
BRUSSELS = ZoneInfo("Europe/Brussels")


def one_line_error(path: Path, **kw) -> str:
    with pytest.raises(AgendaError) as caught:
        read_agenda(path, **kw)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


def test_a_pretalx_export_gives_every_talk_with_its_speakers_room_and_offset():
    agenda = read_agenda(VOC / "pretalx-democon.json")
    assert (agenda.title, agenda.kind, agenda.timezone) == ("DemoCon", "pretalx/frab JSON", "UTC")
    assert len(agenda.items) == 36 and agenda.rooms == ("Gray Room", "Tan Room")
    first = agenda.items[0]
    assert first.title == "Focused 5thgeneration hardware"
    assert first.start == datetime(2020, 12, 14, 9, 0, tzinfo=BRUSSELS)  # +01:00 in the file
    assert first.end - first.start == timedelta(minutes=30)
    assert first.speakers == ("Brian Robinson",) and first.language == "en"
    assert first.links == ("http://localhost/democon/talk/G9JGWY/",)


def test_one_room_on_one_day_is_selected_and_a_wrong_one_names_the_rooms():
    agenda = read_agenda(VOC / "pretalx-democon.json", room="tan room", day=date(2020, 12, 15))
    assert {i.room for i in agenda.items} == {"Tan Room"}
    assert {i.start.date() for i in agenda.items} == {date(2020, 12, 15)}
    assert "rooms: Gray Room, Tan Room" in one_line_error(VOC / "pretalx-democon.json", room="Blue")


def test_a_frab_json_export_reads_in_its_conference_time_zone():
    agenda = read_agenda(VOC / "frab-camp2019.json")
    assert agenda.timezone == "Europe/Berlin"
    opening = agenda.items[0]
    assert opening.title == "Opening Ceremony" and opening.speakers == ("jinxx", "smtw")
    assert opening.start.utcoffset() == timedelta(hours=2)  # summer time
    assert str(opening.start.tzinfo) == "Europe/Berlin"


def test_the_hub_export_with_its_events_beside_the_days_is_read():
    agenda = read_agenda(VOC / "hub-schedule2.json")
    assert [i.title for i in agenda.items][:1] == ["38C3: Opening Ceremony"]
    assert agenda.items[0].speakers[:2] == ("Gabriela Bogk", "Aline Blankertz")
    assert agenda.items[0].end - agenda.items[0].start == timedelta(minutes=30)


def test_an_export_that_breaks_the_schema_but_holds_talks_is_still_read():
    agenda = read_agenda(VOC / "invalid-example.json")  # string ids, extra keys
    assert [i.title for i in agenda.items] == ["Internal Penetration Testing Basics"]


def test_frab_xml_with_offsets_and_without_them():
    minimal = read_agenda(SCHEDULES / "pretalx" / "frab_schedule_minimal.xml")
    assert minimal.items[0].start.utcoffset() == timedelta(hours=2)
    fosdem = SCHEDULES / "sojourner-web" / "fosdem-2018-excerpt.schedule.xml"
    assert "--timezone" in one_line_error(fosdem)  # clock times, no zone named
    agenda = read_agenda(fosdem, timezone="Europe/Brussels")
    assert agenda.items[0].start == datetime(2018, 2, 3, 10, 0, tzinfo=BRUSSELS)
    assert agenda.items[0].speakers == ("Simon Phipps", "Italo Vignoli")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"schedule": {"conference": {"days": [', "not valid JSON"),
        ('{"events": []}', "not a pretalx/frab schedule.json"),
        ('{"schedule": {"conference": {"title": "X", "days": []}}}', "holds no events"),
        ('{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": "T", '
         '"date": "2021-03-25T15:00:00+01:00", "duration": "1h"}]}}]}}}', "not HH:MM"),
        ('{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": "T", '
         '"duration": "00:30"}]}}]}}}', "has no date"),
        ('{"schedule": {"conference": {"time_zone_name": "Mars/Olympus", "days": []}}}',
         "unknown time zone"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_a_malformed_schedule_json_gets_one_line(tmp_path, content, says):
    path = tmp_path / "schedule.json"
    path.write_text(content, encoding="utf-8")
    assert says in one_line_error(path)


def test_truncated_or_foreign_xml_gets_one_line(tmp_path):
    broken = tmp_path / "schedule.xml"
    broken.write_text("<schedule><conference><title>X</title>", encoding="utf-8")
    assert "not valid XML" in one_line_error(broken)
    assert "holds no events" in one_line_error(SCHEDULES / "pretalx" / "frab_schedule_empty.xml")
    other = tmp_path / "other.xml"
    other.write_text("<rss><channel/></rss>", encoding="utf-8")
    assert "not a frab schedule.xml" in one_line_error(other)


def test_a_schedule_of_another_shape_is_refused_in_one_line():
    assert "not a pretalx/frab" in one_line_error(SCHEDULES / "sojourner-web" / "fosdem-2019.json")


TELEWORK = """Title;Start;Duration;Speakers;Language
Telework: from the business model to the transformation of the social relationship to work;15:00;40;Eric Boulé;fr
Impact of the telework development on the organisation of the PES;15:40;00:45;Lenka Kint|Anna Palmgren|Jens Wretling|Camilla Veide;en
Impact on the labour market;16:25;35;Azzeddine Gamraoui|Yahia Rassoul;fr
"""  # noqa: E501  (the announcement's agenda, as a French spreadsheet saves it)


def test_a_spreadsheet_agenda_in_clock_times_on_a_date_in_a_time_zone(tmp_path):
    path = tmp_path / "agenda.csv"
    path.write_text(TELEWORK, encoding="utf-8-sig")
    agenda = read_agenda(path, timezone="Europe/Brussels", day=date(2021, 3, 25))
    assert [len(i.speakers) for i in agenda.items] == [1, 4, 2]
    panel = agenda.items[1]
    assert panel.start == datetime(2021, 3, 25, 15, 40, tzinfo=BRUSSELS)
    assert panel.start.utcoffset() == timedelta(hours=1)  # DST starts on 28 March
    assert panel.end - panel.start == timedelta(minutes=45) and panel.language == "en"
    assert "--date" in one_line_error(path, timezone="Europe/Brussels")
    assert "--timezone" in one_line_error(path, day=date(2021, 3, 25))


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "is empty"),
        ("title,when\nA,15:00\n", "unknown column 'when'"),
        ("title,start\nA,2021-03-25T15:00+01:00\n", "no end or duration column"),
        ("title,start,end\nA,2021-03-25T15:00+01:00,2021-03-25T14:00+01:00\n", "before it starts"),
        ("title,start,end\nA,tomorrow,16:00\n", "is not a date and time"),
        ("title,start,duration\nA,2021-03-25T15:00+01:00,30,extra\n", "4 cells for 3"),
        ("title,start,duration\nA\x00,2021-03-25T15:00+01:00,30\n", "control character"),
    ],
)
def test_a_malformed_csv_agenda_gets_one_line_naming_the_line(tmp_path, content, says):
    path = tmp_path / "agenda.csv"
    path.write_text(content, encoding="utf-8")
    assert says in one_line_error(path)


def test_a_file_we_do_not_read_is_named_with_the_kinds_we_do(tmp_path):
    path = tmp_path / "agenda.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert ".ics (iCalendar)" in one_line_error(path)
    assert "file not found" in one_line_error(tmp_path / "missing.json")
