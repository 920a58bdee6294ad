"""Machine translation of transcribed sentences between en, fr and es, offline.

Engines: Argos Translate packages (neural, installed from .argosmodel files)
and Apertium (rule-based, from Debian packages). `Engines` maps the user's `--mt`
mode to one engine per direction; `language_tracks` (tracks.py) is the stage.
"""

from __future__ import annotations

from pipeline.translate.apertium import ApertiumEngine
from pipeline.translate.argos import (
    ArgosEngine,
    ArgosPackageInfo,
    install_argos_package,
    list_argos_packages,
)
from pipeline.translate.base import Engine, describe
from pipeline.translate.engines import MT_MODES, Engines, choose_engine
from pipeline.translate.machine import translate_sentences

__all__ = [
    "MT_MODES",
    "ApertiumEngine",
    "ArgosEngine",
    "ArgosPackageInfo",
    "Engine",
    "Engines",
    "choose_engine",
    "describe",
    "install_argos_package",
    "list_argos_packages",
    "translate_sentences",
]
