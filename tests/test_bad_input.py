"""The bad-input suite: every case folder under tests/data/bad/ is run through the library
and through `webconf`, and must give its one line (see tests/data/bad/README.md).

A refusal raises one PipelineError whose text is the line in `expected.txt` (no other
exception, no second line), before any Whisper model is loaded, and writes nothing;
`webconf` prints that line after `webconf: error: `, exits 2, and writes nothing either.
An accepted case (`expected.txt` is `OK`) runs to the end and its outputs are harmless:
every subtitle file reads back, no `-->` outside a timing line, no manifest text as
markup in a page, and the manifest's text kept as written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.agenda.manifest import load_manifest
from pipeline.cli import build_parser
from pipeline.errors import PipelineError
from pipeline.run.event import run_event
from pipeline.run.options import RunOptions
from pipeline.subtitles.check import check_file
from pipeline.subtitles.profiles import get_profile
from pipeline.subtitles.reader import read_subtitles

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
SHARED = BAD / "_shared"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
RUN_ARGS = "run {case}/event.toml --out {out} --model tiny.en -q"
SUBTITLE_ARGS = "check {case}/file.srt"
ACCEPTED = "OK"
REGEX = "re: "
_TIMING = re.compile(r"^\d{2}:\d{2}:\d{2}[.,]\d{3} --> \d{2}:\d{2}:\d{2}[.,]\d{3}")


@dataclass(frozen=True)
class Case:
    """One folder of tests/data/bad/<kind>/<name>: its inputs, command line and line."""

    folder: Path
    args: str  # the command line after `webconf`, with {case} and {out}
    setup: tuple[str, ...]  # actions for what a committed file cannot be (setup.txt)
    expected: str  # the message, "re: <regex>", or OK

    @property
    def id(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}"

    @property
    def accepted(self) -> bool:
        return self.expected == ACCEPTED

    @classmethod
    def read(cls, folder: Path) -> Case:
        args_file, setup_file = folder / "args.txt", folder / "setup.txt"
        kind = folder.parent.name
        default = SUBTITLE_ARGS if kind == "subtitles" else RUN_ARGS
        args = args_file.read_text("utf-8").strip() if args_file.exists() else default
        setup = setup_file.read_text("utf-8").splitlines() if setup_file.exists() else []
        expected = (folder / "expected.txt").read_text("utf-8").rstrip("\n")
        assert "\n" not in expected, f"{folder}: expected.txt holds one line"
        return cls(folder, args, tuple(s for s in setup if s.strip()), expected)


def all_cases() -> list[Case]:
    folders = sorted(p.parent for p in BAD.glob("*/*/expected.txt"))
    return [Case.read(f) for f in folders]


CASES = all_cases()
REFUSALS = [c for c in CASES if not c.accepted]


@dataclass(frozen=True)
class Scene:
    """A case copied into a temp folder: where its inputs and outputs are."""

    root: Path
    case_dir: Path
    out: Path

    def fill(self, text: str) -> str:
        return text.replace("{case}", str(self.case_dir)).replace("{out}", str(self.out))

    def argv(self, case: Case) -> list[str]:
        return [self.fill(a) for a in case.args.split()]

    def matches(self, case: Case, message: str) -> bool:
        if case.expected.startswith(REGEX):
            pattern = case.expected[len(REGEX) :]
            for name, value in (("{case}", self.case_dir), ("{out}", self.out)):
                pattern = pattern.replace(name, re.escape(str(value)))
            return re.fullmatch(pattern, message) is not None
        return message == self.fill(case.expected)


def stage(case: Case, tmp_path: Path) -> Scene:
    """Copy the case (and the shared media beside it) to a temp folder and set it up."""
    root = tmp_path.resolve()
    scene = Scene(root, root / "case", root / "out")
    shutil.copytree(case.folder, scene.case_dir, symlinks=True)
    for shared in SHARED.iterdir():
        if not (scene.case_dir / shared.name).exists():
            shutil.copy(shared, scene.case_dir / shared.name)
    for name in ("expected.txt", "args.txt", "setup.txt"):
        (scene.case_dir / name).unlink(missing_ok=True)
    for folder in scene.case_dir.rglob(".keep"):  # git keeps no empty folder
        folder.unlink()
    for action in case.setup:
        perform(scene, *scene.fill(action).split())
    return scene


def perform(scene: Scene, verb: str, *operands: str) -> None:
    """The setup actions a case may name: `file PATH` (a file where a folder is
    expected), `copy SRC DST` and `symlink TARGET NAME` (inside the case folder)."""
    if verb == "file":
        path = Path(operands[0])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("a file, not a folder\n", encoding="utf-8")
    elif verb == "copy":
        target = scene.case_dir / operands[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(scene.case_dir / operands[0], target)
    elif verb == "symlink":
        os.symlink(operands[0], scene.case_dir / operands[1])
    else:
        raise AssertionError(f"unknown setup action {verb!r}")


def snapshot(root: Path) -> set[tuple[str, bool, int]]:
    """Every path under root, with whether it is a folder and its size."""
    out = set()
    for path in root.rglob("*"):
        stat = path.lstat()
        out.add((str(path.relative_to(root)), path.is_dir(), stat.st_size))
    return out


def run_library(argv: list[str]) -> list[object]:
    """What the command line would do, through the library API."""
    args = build_parser().parse_args(argv)
    if args.command == "run":
        options = RunOptions(model=args.model, show_progress=False)
        return [run_event(args.manifest, args.out, options)]
    if args.command == "check":
        profile = get_profile(args.subtitle_profile)
        return [check_file(Path(f), profile, language=args.language) for f in args.files]
    raise AssertionError(f"no library call for {args.command!r}")


def run_cli(scene: Scene, argv: list[str]) -> subprocess.CompletedProcess[str]:
    # run from the temp folder: a file written relative to the working folder shows up
    return subprocess.run(
        [PYTHON, "-m", "pipeline", *argv],
        cwd=scene.root,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def no_model(monkeypatch):
    """Loading a Whisper model fails the test: refusals come before the model work."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a Whisper model was loaded for a bad input")

    monkeypatch.setattr("pipeline.transcribe.whisper.load_model", refuse)


def test_the_suite_holds_at_least_60_refusals_and_some_accepted_cases():
    assert len(REFUSALS) >= 60
    assert len(CASES) > len(REFUSALS)
    assert {c.folder.parent.name for c in CASES} >= {"manifest", "media", "outputs", "subtitles"}


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: c.id)
def test_library_refuses_bad_input_with_its_one_line_before_the_model(case, tmp_path, no_model):
    scene = stage(case, tmp_path)
    before = snapshot(scene.root)
    with pytest.raises(PipelineError) as raised:
        run_library(scene.argv(case))
    message = str(raised.value)
    assert scene.matches(case, message), f"\n got: {message}\nwant: {scene.fill(case.expected)}"
    assert snapshot(scene.root) == before, "a refused input wrote something"


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: c.id)
def test_webconf_refuses_bad_input_with_one_line_and_status_2(case, tmp_path):
    scene = stage(case, tmp_path)
    before = snapshot(scene.root)
    result = run_cli(scene, scene.argv(case))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    prefix = "webconf: error: "
    assert lines[0].startswith(prefix), lines[0]
    message = lines[0][len(prefix) :]
    assert scene.matches(case, message), f"\n got: {message}\nwant: {scene.fill(case.expected)}"
    assert snapshot(scene.root) == before, "a refused input wrote something"


ACCEPTED_CASES = [c for c in CASES if c.accepted]


@pytest.mark.parametrize("case", ACCEPTED_CASES, ids=lambda c: c.id)
def test_library_accepts_odd_but_valid_input_and_writes_harmless_outputs(case, tmp_path):
    scene = stage(case, tmp_path)
    case_before = snapshot(scene.case_dir)
    results = run_library(scene.argv(case))
    assert results
    if scene.out.exists():
        assert_harmless_outputs(scene.out)
    if (scene.case_dir / "event.toml").exists():
        assert_kept_verbatim(scene.case_dir / "event.toml")
    assert_nothing_outside(scene, case_before)


@pytest.mark.parametrize("case", ACCEPTED_CASES, ids=lambda c: c.id)
def test_webconf_accepts_odd_but_valid_input(case, tmp_path):
    scene = stage(case, tmp_path)
    case_before = snapshot(scene.case_dir)
    result = run_cli(scene, scene.argv(case))
    assert "Traceback" not in result.stderr, result.stderr
    assert "error" not in result.stderr, result.stderr
    assert result.returncode == 0, (result.returncode, result.stderr)
    if scene.out.exists():
        assert_harmless_outputs(scene.out)
    assert_nothing_outside(scene, case_before)


def assert_nothing_outside(scene: Scene, case_before: set[tuple[str, bool, int]]) -> None:
    """A run writes under --out only (`check` nowhere): the inputs' folder is as it was."""
    assert {p.name for p in scene.root.iterdir()} <= {"case", "out"}
    assert snapshot(scene.case_dir) == case_before


def assert_harmless_outputs(out: Path) -> None:
    """What the manifest's text became in the outputs: subtitle files that read back,
    `-->` only on timing lines, no manifest text as a tag in a page."""
    for path in [*out.rglob("*.vtt"), *out.rglob("*.srt")]:
        read_subtitles(path)
        for line in path.read_text("utf-8").splitlines():
            assert "-->" not in line or _TIMING.match(line), f"{path}: {line}"
    for path in out.rglob("*.html"):
        page = path.read_text("utf-8")
        assert "<script>alert" not in page and "<b>bold" not in page, path


def assert_kept_verbatim(manifest: Path) -> None:
    """Accepted text is kept as written (markup, arrows, right-to-left, emoji)."""
    raw = tomllib.loads(manifest.read_text("utf-8-sig"))
    event = load_manifest(manifest)
    assert event.title == raw["event"]["title"].strip()
    for session, table in zip(event.sessions, raw.get("session", []), strict=True):
        assert session.title == table["title"].strip()
        assert session.speakers == tuple(s.strip() for s in table.get("speakers", ()))
    assert event.glossary == tuple(raw.get("glossary", {}).get("keep", ()))
