"""Machine translation of transcribed sentences between en, fr and es, offline.

Engines: Argos Translate packages (neural, installed from .argosmodel files)
and Apertium (rule-based, from Debian packages). `choose_engine` maps the
user's `--mt` mode to one; `translate_sentences` does the rest.
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
from pipeline.translate.choose import MT_MODES, choose_engine
from pipeline.translate.sentences import translate_sentences

__all__ = [
    "MT_MODES",
    "ApertiumEngine",
    "ArgosEngine",
    "ArgosPackageInfo",
    "Engine",
    "choose_engine",
    "describe",
    "install_argos_package",
    "list_argos_packages",
    "translate_sentences",
]
