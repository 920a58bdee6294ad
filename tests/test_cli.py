"""The command line, run as users run it: a separate process, exit codes and stderr.

None of these reach Whisper: every run fails on its manifest or media before any model
is looked up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


def webconf(*args: str, models: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if models is not None:
        env["WEBCONF_MODELS_DIR"] = str(models)
    return subprocess.run(
        [PYTHON, "-m", "pipeline", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_user_error(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("webconf: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr.splitlines()


def write_manifest(folder: Path, body: str) -> Path:
    path = folder / "event.toml"
    path.write_text('[event]\ntitle = "Webinar"\n' + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--help"], "usage: webconf"),
        (["run", "--help"], "EVENT.toml"),
        (["models", "--help"], "usage: webconf models"),
        (["models", "add", "--help"], "FILE.argosmodel"),
        (["models", "list", "--help"], "usage: webconf models list"),
    ],
)
def test_help_of_every_command_exits_0(args, expected):
    result = webconf(*args)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_run_help_lists_its_options():
    out = webconf("run", "--help").stdout
    for option in ("--out", "--model", "--mt", "--no-audio", "--no-cache", "--quiet"):
        assert option in out


def test_no_command_is_a_usage_error():
    result = webconf()
    assert result.returncode == 2
    assert "usage: webconf" in result.stderr


def test_manifest_naming_a_missing_recording_exits_2_without_traceback(tmp_path):
    path = write_manifest(tmp_path, '[[recording]]\nfile = "missing.mp4"\n')
    (line,) = assert_user_error(webconf("run", str(path), "--out", str(tmp_path / "out")))
    assert f"{path}: [[recording]] 1: file not found" in line
    assert not (tmp_path / "out").exists()


def test_manifest_with_an_unknown_key_exits_2_without_traceback(tmp_path):
    (tmp_path / "talk.mp4").write_bytes(b"")
    path = write_manifest(tmp_path, 'venue = "B"\n[[recording]]\nfile = "talk.mp4"\n')
    (line,) = assert_user_error(webconf("run", str(path), "--out", str(tmp_path / "out")))
    assert "[event]: unknown key 'venue'" in line


def test_several_manifest_mistakes_are_all_printed(tmp_path):
    path = write_manifest(
        tmp_path,
        'room = "B"\n[[recording]]\nfile = "missing.mp4"\n'
        '[[session]]\ntitle = "Talk"\nstart = "00:10:00"\nend = "00:05:00"\n',
    )
    lines = assert_user_error(webconf("run", str(path), "--out", str(tmp_path / "out")))
    assert len(lines) == 3, lines
    assert all(str(path) in line for line in lines)


def test_nonexistent_manifest_exits_2_with_one_line(tmp_path):
    path = tmp_path / "no-such-event.toml"
    (line,) = assert_user_error(webconf("run", str(path), "--out", str(tmp_path / "out")))
    assert line == f"webconf: error: {path}: manifest not found"


def test_invalid_toml_exits_2_naming_the_line(tmp_path):
    path = tmp_path / "event.toml"
    path.write_text('[event]\ntitle = "Webinar\n', encoding="utf-8")
    (line,) = assert_user_error(webconf("run", str(path), "--out", str(tmp_path / "out")))
    assert "invalid TOML" in line and "line 2" in line


def test_recording_that_is_not_media_exits_2_with_one_line(tmp_path):
    (tmp_path / "talk.mp4").write_text("meeting notes, not a video\n")
    path = write_manifest(tmp_path, '[[recording]]\nfile = "talk.mp4"\n')
    (line,) = assert_user_error(webconf("run", str(path), "--out", str(tmp_path / "out")))
    assert "talk.mp4: not a media file" in line


def test_session_past_the_end_of_the_recording_exits_2(tmp_path, make_tone):
    make_tone("talk.wav", seconds=2)
    path = write_manifest(
        tmp_path, '[[recording]]\nfile = "talk.wav"\n[[session]]\ntitle = "Long"\nend = 60\n'
    )
    (line,) = assert_user_error(webconf("run", str(path), "--out", str(tmp_path / "out")))
    assert "[[session]] 1 ('Long')" in line and "beyond the end of talk.wav" in line


def test_models_add_of_a_file_that_is_not_a_zip_exits_2_with_one_line(tmp_path):
    notes = tmp_path / "en_fr.argosmodel"
    notes.write_text("not a package\n")
    models = tmp_path / "models"
    models.mkdir()
    result = webconf("models", "add", str(notes), models=models)
    (line,) = assert_user_error(result)
    assert "en_fr.argosmodel is not an argos package" in line
    assert list(models.iterdir()) == []


def test_models_add_of_a_missing_file_exits_2(tmp_path):
    result = webconf("models", "add", str(tmp_path / "none.argosmodel"), models=tmp_path)
    (line,) = assert_user_error(result)
    assert "none.argosmodel does not exist" in line


def test_models_list_names_the_models_folder_and_what_is_missing(tmp_path):
    result = webconf("models", "list", models=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"models directory: {tmp_path}" in result.stdout
    assert "whisper base: not installed" in result.stdout
    assert "speaker encoder: not installed" in result.stdout
    assert "speaker segmentation (overlaps): not installed" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        "webconf run",
        "webconf check",
        "webconf correct",
        "webconf models add",
        "webconf models list",
    ],
)
def test_every_subcommand_is_documented_in_the_readme(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert command in readme, f"README.md does not mention `{command}`"


def test_a_reader_that_closes_the_pipe_gets_one_line_not_a_traceback(tmp_path):
    import subprocess
    import sys

    track = tmp_path / "en.vtt"
    track.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n", encoding="utf-8")
    files = " ".join([track.name] * 800)
    done = subprocess.run(
        f"cd {tmp_path} && {sys.executable} -m pipeline check {files} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() in ("", "webconf: error: output closed before it was all written")


def test_an_empty_subtitle_file_does_not_pass_check(tmp_path, capsys):
    from pipeline.cli import main

    empty = tmp_path / "fr.srt"
    empty.write_text("", encoding="utf-8")
    assert main(["check", str(empty)]) == 2
    assert "has no cues" in capsys.readouterr().err
