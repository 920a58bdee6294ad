"""Command-line registration of `webconf models list|add`."""

from __future__ import annotations

import argparse
from pathlib import Path


def _cmd_models_add(args: argparse.Namespace) -> int:
    from pipeline.models.locate import models_dir
    from pipeline.translate import install_argos_package

    info = install_argos_package(Path(args.file), models_dir())
    print(
        f"installed argos package {info.name} ({info.from_code}->{info.to_code}, "
        f"version {info.version})"
    )
    return 0


def _cmd_models_list(args: argparse.Namespace) -> int:
    from pipeline.errors import ModelMissingError
    from pipeline.models.locate import WHISPER_MODELS, models_dir, whisper_model
    from pipeline.translate import list_argos_packages

    root = models_dir()
    print(f"models directory: {root}")
    for name in WHISPER_MODELS:
        try:
            info = whisper_model(name, root)
            print(f"whisper {name}: {info.path}")
        except ModelMissingError:
            print(f"whisper {name}: not installed (run `make models`)")
    from pipeline.speakers.encoder import speaker_model
    from pipeline.speakers.overlap import segmentation_model

    for label, find in (("speaker encoder", speaker_model),
                        ("speaker segmentation (overlaps)", segmentation_model)):  # fmt: skip
        try:
            print(f"{label}: {find(root).path.parent}")
        except ModelMissingError:
            print(f"{label}: not installed (run `make models`)")
    for pkg in list_argos_packages(root):
        print(f"argos {pkg.from_code}->{pkg.to_code}: {pkg.name} {pkg.version}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser(
        "models",
        help="list or add models",
        description="Manage the models in models/ (or $WEBCONF_MODELS_DIR).",
    )
    msub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    add = msub.add_parser(
        "add",
        help="install an Argos Translate .argosmodel file",
        description="Install an Argos Translate package from a local file.",
    )
    add.add_argument("file", metavar="FILE.argosmodel")
    add.set_defaults(func=_cmd_models_add)
    lst = msub.add_parser(
        "list",
        help="show installed models",
        description="Show the installed Whisper models, speaker models and Argos packages.",
    )
    lst.set_defaults(func=_cmd_models_list)
