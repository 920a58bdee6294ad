"""The layout by stage holds: imports run one way, as ARCHITECTURE.md states them, the
top level keeps only the shared vocabulary, and the CLI starts light."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"


def _listed(heading: str) -> list[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text("utf-8")
    match = re.search(rf"^{re.escape(heading)}: (.+)$", text, re.MULTILINE)
    assert match, f"ARCHITECTURE.md has no line starting {heading!r}"
    return [name.strip() for name in match.group(1).split(",")]


SHARED = _listed("Shared vocabulary")
STAGES = _listed("Stages, in import order")
TOP = _listed("Top")


def _part(module: str) -> str:
    """`pipeline.translate.tracks` -> 'translate'; `pipeline` -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _rank(part: str) -> int:
    if part in SHARED or part in ("", "__main__"):
        return -1
    if part in STAGES:
        return STAGES.index(part)
    return len(STAGES) + TOP.index(part)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every `pipeline` import in a file, function-level ones too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("pipeline")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "pipeline":  # `from pipeline import x`: x may be a part
                found += [(node.lineno, f"pipeline.{a.name}") for a in node.names]
            elif node.module.startswith("pipeline."):
                found.append((node.lineno, node.module))
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        out.append((".".join(rel.parts).removesuffix(".__init__"), path))
    return out


def test_every_part_of_the_package_is_placed_in_the_stated_order():
    parts = {_part(module) for module, _ in _modules()} - {"", "__main__"}
    placed = set(SHARED) | set(STAGES) | set(TOP)
    assert parts <= placed, f"not in ARCHITECTURE.md's import order: {sorted(parts - placed)}"
    assert not placed - parts, f"named in ARCHITECTURE.md but absent: {sorted(placed - parts)}"


def test_no_module_imports_a_later_stage_run_or_cli():
    violations = []
    for module, path in _modules():
        own = _part(module)
        if own in ("", "__main__"):
            continue  # the package face and `python -m pipeline` may name anything
        for line, imported in _imports(path):
            other = _part(imported)
            if other == own:
                continue
            later = _rank(other) > _rank(own)
            if later or (own in SHARED and other not in SHARED and other != ""):
                violations.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {imported}")
    assert not violations, "imports against the stated order:\n" + "\n".join(violations)


def test_the_checker_sees_a_violation():
    """A later-stage import is caught (so the test above can fail)."""
    assert _rank(_part("pipeline.writers.vtt")) > _rank(_part("pipeline.transcribe.vad"))
    assert _rank(_part("pipeline.run.event")) > _rank(_part("pipeline.mux.session"))
    assert _rank(_part("pipeline.cache")) < _rank(_part("pipeline.agenda.manifest"))


def test_the_top_level_keeps_only_the_shared_vocabulary():
    modules = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 12, modules
    stages = {p.stem for p in PACKAGE.glob("*.py")} - set(SHARED) - {"__init__", "__main__"}
    assert stages <= set(STAGES), stages  # a stage small enough to be one module


def _fresh_python(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.pop("ARGOS_DEVICE_TYPE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return result.stdout


def test_the_cli_starts_without_loading_model_or_web_libraries():
    heavy = ("numpy", "ctranslate2", "faster_whisper", "torch", "flask", "tqdm", "ffmpeg")
    code = (
        "import sys, os, pipeline.cli\n"
        "from contextlib import redirect_stdout\n"
        "import io\n"
        "try:\n"
        "    with redirect_stdout(io.StringIO()):\n"
        "        pipeline.cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
        "print(sorted(k for k in os.environ if k.endswith('_OFFLINE') or k.startswith('ARGOS')))\n"
    )
    loaded, switches = _fresh_python(code).splitlines()
    assert loaded == "[]", f"`webconf --help` imported {loaded}"
    assert switches == "[]", f"importing the package set {switches}"


def test_importing_every_module_sets_no_environment_variable():
    names = [m for m, _ in _modules() if not m.endswith("__main__")]
    code = (
        "import importlib, os\n"
        "before = dict(os.environ)\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(set(os.environ) - set(before)))\n"
    )
    assert _fresh_python(code).strip() == "[]"
