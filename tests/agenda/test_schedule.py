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
        ("title,when\nA,15:00\n", "no start column (not read: 'when')"),
        ("title,start,time,end\nA,15:00,15:00,16:00\n", "'start' and 'time' both give the start"),
        ("title,date,start,end\nA,25/03/2021,15:00,16:00\n", "write it 2021-03-25"),
        ("title,start,end\nA,13 pm,16:00\n", "is not a date and time"),
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


SHEETS = {  # one agenda as organisers' sheets write it, in three languages
    "en": "Session,Date,Time,Presenters,Status\n"
          "Opening,2021-03-25,3 PM - 3:40 PM,Eric Boulé,confirmed\n"
          "Panel,2021-03-25,3:40 pm to 4:25 pm,Lenka Kint; Jens Wretling,tbc\n",
    "fr": "Titre;Heure de début;Heure de fin;Intervenants;Langue;Statut\n"
          "Opening;15h;15h40;Eric Boulé;fr;confirmé\n"
          "Panel;15h40;16h25;Lenka Kint|Jens Wretling;en;à confirmer\n",
    "es": "Título\tFecha\tHora\tPonentes\tIdioma\tSala\n"
          "Opening\t2021-03-25\t15:00 - 15:40\tEric Boulé\tfr\tSala A\n"
          "Panel\t2021-03-25\t15:40 - 16:25\tLenka Kint|Jens Wretling\ten\tSala A\n",
}  # fmt: skip


@pytest.mark.parametrize("language", SHEETS)
def test_a_sheet_with_its_own_column_names_is_read(tmp_path, language):
    path = tmp_path / "agenda.csv"
    path.write_text(SHEETS[language], encoding="utf-8")
    agenda = read_agenda(path, timezone="Europe/Brussels", day=date(2021, 3, 25))
    opening, panel = agenda.items
    assert opening.start == datetime(2021, 3, 25, 15, 0, tzinfo=BRUSSELS)
    assert (opening.end, panel.start) == (datetime(2021, 3, 25, 15, 40, tzinfo=BRUSSELS),) * 2
    assert panel.end == datetime(2021, 3, 25, 16, 25, tzinfo=BRUSSELS)
    assert panel.speakers == ("Lenka Kint", "Jens Wretling")
    assert agenda.ignored == {"en": ("Status",), "fr": ("Statut",), "es": ()}[language]


def test_a_row_date_places_clock_times_without_the_date_option(tmp_path):
    path = tmp_path / "agenda.csv"
    path.write_text(SHEETS["es"], encoding="utf-8")
    agenda = read_agenda(path, timezone="Europe/Brussels")  # no --date: the sheet has one
    assert agenda.items[0].start == datetime(2021, 3, 25, 15, 0, tzinfo=BRUSSELS)
    assert agenda.items[0].room == "Sala A"


def test_a_file_we_do_not_read_is_named_with_the_kinds_we_do(tmp_path):
    path = tmp_path / "agenda.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert ".ics (iCalendar)" in one_line_error(path)
    assert "file not found" in one_line_error(tmp_path / "missing.json")
