"""The archive tests also index an interpreted event (tests/outputs/interpreted_outputs.py)."""

from __future__ import annotations

import sys
from pathlib import Path

OUTPUTS_TESTS = str(Path(__file__).resolve().parents[1] / "outputs")
if OUTPUTS_TESTS not in sys.path:
    sys.path.append(OUTPUTS_TESTS)
