"""`webconf agenda show`: the resolved timeline, in recording and wall-clock time, with
where each time came from."""

from __future__ import annotations

from test_import import silent_recording
from test_resolve import write

from pipeline.cli import main


def test_the_timeline_shows_both_clocks_links_and_the_items_left_out(tmp_path, capsys):
    silent_recording(tmp_path / "webinar.m4a", 3000, "2021-03-25T13:58:30Z")
    manifest = write(tmp_path, '[[recording]]\nfile = "webinar.m4a"\n')
    assert main(["agenda", "show", str(manifest)]) == 0
    out = capsys.readouterr().out
    assert "wall-clock times in Europe/Brussels" in out
    assert "webinar.m4a: started 2021-03-25 14:58:30 +01:00 (container creation_time)" in out
    assert "   1  00:01:30 - 00:41:30   15:00 - 15:40   from the agenda   Telework:" in out
    assert "speakers: Lenka Kint, Anna Palmgren, Jens Wretling, Camilla Veide" in out
    assert "outside every recording (not transcribed):\n  16:25  Impact on the labour market" in out


def test_sessions_written_in_the_manifest_get_the_wall_clock_of_the_recording(tmp_path, capsys):
    silent_recording(tmp_path / "talk.m4a", 120, None)
    manifest = tmp_path / "event.toml"
    manifest.write_text(
        '[event]\ntitle = "Talk"\ntimezone = "Europe/Brussels"\n\n'
        '[[recording]]\nfile = "talk.m4a"\n'
        "started = 2021-10-31T02:59:00+02:00\n\n"  # a minute before summer time ends
        '[[session]]\ntitle = "Opening"\nstart = "00:01:00"\n',
        encoding="utf-8",
    )
    assert main(["agenda", "show", str(manifest)]) == 0
    out = capsys.readouterr().out
    assert "talk.m4a: started 2021-10-31 02:59:00 +02:00 (manifest)" in out
    # a minute later the clocks say 02:00 again, in winter time
    assert "   1  00:01:00 - 00:02:00   02:00 - 02:01   from the manifest   Opening" in out


def test_a_recording_that_does_not_say_when_it_started_shows_no_wall_clock(tmp_path, capsys):
    silent_recording(tmp_path / "talk.m4a", 60, None)
    manifest = tmp_path / "event.toml"
    manifest.write_text('[event]\ntitle = "Talk"\n\n[[recording]]\nfile = "talk.m4a"\n')
    assert main(["agenda", "show", str(manifest)]) == 0
    out = capsys.readouterr().out
    assert "talk.m4a: start not known (set [[recording]] started)" in out
    assert "00:00:00 - 00:01:00   -   from the manifest   Talk" in out
