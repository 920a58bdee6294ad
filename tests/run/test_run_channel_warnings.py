"""A channel that cannot be the floor's interpreter is said before the long work."""

from __future__ import annotations

from pipeline import RunOptions, run_event
from pipeline.cli import main


def write_event(tmp_path, make_tone):
    make_tone("talk.wav", seconds=30)
    make_tone("talk-es.m4a", seconds=6, hz=660)
    manifest = tmp_path / "event.toml"
    manifest.write_text(
        '[event]\ntitle = "Tones"\n\n[[recording]]\nfile = "talk.wav"\n\n'
        '[[recording.interpretation]]\nlanguage = "es"\nfile = "talk-es.m4a"\n',
        encoding="utf-8",
    )
    return manifest


def test_a_short_channel_is_warned_about_before_transcription(tmp_path, make_tone):
    manifest = write_event(tmp_path, make_tone)
    heard: list[str] = []
    result = run_event(
        manifest, tmp_path / "out", RunOptions(show_progress=False), warn=heard.append
    )
    assert len(heard) == 1 and "much shorter than the floor" in heard[0]
    assert result.warnings == tuple(heard)


def test_the_cli_prints_the_warning_as_one_line_and_goes_on(tmp_path, make_tone, capsys):
    manifest = write_event(tmp_path, make_tone)
    assert main(["run", str(manifest), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    warnings = [line for line in err if line.startswith("webconf: warning: ")]
    assert len(warnings) == 1 and err[0] == warnings[0]  # before any stage ended
    # -q: only errors and the final line
    assert main(["run", str(manifest), "--out", str(tmp_path / "out"), "-q"]) == 0
    quiet = capsys.readouterr()
    assert quiet.err == "" and len(quiet.out.splitlines()) == 1
