"""Fixtures of the web tests: an outputs folder holding the synthetic sample event."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_helpers import make_outputs


@pytest.fixture
def outputs(tmp_path) -> Path:
    out = tmp_path / "outputs"
    make_outputs(out)
    return out


@pytest.fixture
def event_dir(outputs) -> Path:
    return next(p.parent for p in outputs.glob("*/index.json"))
