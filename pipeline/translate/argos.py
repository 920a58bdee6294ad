"""Neural translation with Argos Translate packages, run without argostranslate.

An `.argosmodel` file is a zip of one folder holding `metadata.json`, a
CTranslate2 model in `model/` and a `sentencepiece.model`. argostranslate
itself would split text with stanza/minisbd sentence models that it downloads
on first use, which an offline pipeline cannot allow, and our input is
already whole sentences. So this module does what argostranslate's
`apply_packaged_translation` does after sentence splitting: SentencePiece
pieces in, `translate_batch` with the package's target prefix, pieces out.

Packages live in `models_dir/argos/<from>_<to>/`, one per direction.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import ModelMissingError, TranslationError
from pipeline.models.locate import offline

log = logging.getLogger(__name__)

PIVOT = "en"
ADD_HINT = "`webconf models add FILE.argosmodel`"
# Sentence-splitter models some packages carry; never used here, so not extracted.
_SKIPPED_FOLDERS = frozenset({"stanza", "minisbd", "spacy"})
_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")


@dataclass(frozen=True)
class ArgosPackageInfo:
    from_code: str
    to_code: str
    version: str
    name: str
    path: Path
    target_prefix: str = ""

    @property
    def direction(self) -> str:
        return f"{self.from_code}_{self.to_code}"

    def describe(self) -> str:
        return f"argos {self.direction} {self.version}".rstrip()


def argos_dir(models_dir: Path) -> Path:
    return models_dir / "argos"


def _read_metadata(raw: bytes | str, where: str) -> dict[str, Any]:
    try:
        meta = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise TranslationError(
            f"metadata.json in {where} is not valid JSON; get the package file again"
        ) from None
    if not isinstance(meta, dict):
        raise TranslationError(f"metadata.json in {where} is not a JSON object; get it again")
    for key in ("from_code", "to_code"):
        if not isinstance(meta.get(key), str) or not _CODE.fullmatch(meta[key]):
            raise TranslationError(
                f"metadata.json in {where} has no valid {key}; this is not a translation package"
            )
    if meta.get("type", "translate") != "translate":
        raise TranslationError(
            f"{where} is an argos '{meta['type']}' package, not a translation package"
        )
    return meta


def _info(meta: dict[str, Any], path: Path) -> ArgosPackageInfo:
    return ArgosPackageInfo(
        from_code=meta["from_code"],
        to_code=meta["to_code"],
        version=str(meta.get("package_version", "")),
        name=str(meta.get("name", "")),
        path=path,
        target_prefix=str(meta.get("target_prefix", "") or ""),
    )


def _member_parts(name: str, archive: str) -> tuple[str, ...]:
    """The path parts of a zip member, refusing anything that could leave the target."""
    parts = PurePosixPath(name).parts
    unsafe = "\\" in name or name.startswith("/") or ".." in parts or (parts and ":" in parts[0])
    if unsafe:
        raise TranslationError(f"{archive} has an unsafe member path '{name}'; not installing it")
    return tuple(p for p in parts if p != ".")


def install_argos_package(path: Path, models_dir: Path) -> ArgosPackageInfo:
    """Check an `.argosmodel` file and install it, replacing the same direction.

    Files are unpacked into a temporary folder next to the destination and
    swapped in by rename, so a failed install leaves the old package working.
    """
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise TranslationError(f"{path} does not exist; give the path of a .argosmodel file")
    if not zipfile.is_zipfile(path):
        raise TranslationError(f"{label} is not an argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as zf:
            return _install_from_zip(zf, label, argos_dir(models_dir))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise TranslationError(f"{label} is a damaged zip archive ({exc}); get it again") from None


def _install_from_zip(zf: zipfile.ZipFile, label: str, root: Path) -> ArgosPackageInfo:
    members = [(info, _member_parts(info.filename, label)) for info in zf.infolist()]
    tops = {parts[0] for _, parts in members if parts}
    if len(tops) != 1 or any(len(parts) < 2 and not info.is_dir() for info, parts in members):
        raise TranslationError(
            f"{label} must hold exactly one top folder; this is not an argos package"
        )
    top = tops.pop()
    files = {parts[1:]: info for info, parts in members if len(parts) > 1 and not info.is_dir()}
    if ("metadata.json",) not in files:
        raise TranslationError(f"{label} has no {top}/metadata.json; this is not an argos package")
    meta = _read_metadata(zf.read(files[("metadata.json",)]), label)
    if ("model", "model.bin") not in files:
        raise TranslationError(f"{label} has no CTranslate2 model ({top}/model/model.bin)")
    if ("sentencepiece.model",) not in files:
        detail = "it uses BPE, which is not supported" if ("bpe.model",) in files else "none"
        raise TranslationError(f"{label} has no sentencepiece.model ({detail}); use a newer one")

    dest = root / f"{meta['from_code']}_{meta['to_code']}"
    try:
        _extract_and_swap(zf, files, label, root, dest)
    except OSError as exc:
        raise TranslationError(
            f"cannot install {label} into {dest} ({exc}); check free space and permissions"
        ) from None
    return _info(meta, dest)


def _extract_and_swap(
    zf: zipfile.ZipFile,
    files: dict[tuple[str, ...], zipfile.ZipInfo],
    label: str,
    root: Path,
    dest: Path,
) -> None:
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
    try:
        package = staging / "package"
        for parts, info in files.items():
            if parts[0] in _SKIPPED_FOLDERS:
                continue
            target = package.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
        _check_sentencepiece(package / "sentencepiece.model", label)
        old = staging / "old"
        if dest.exists():
            dest.rename(old)
        try:
            package.rename(dest)
        except OSError:
            if old.exists():
                old.rename(dest)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_sentencepiece(model: Path, label: str) -> None:
    import sentencepiece as spm

    try:
        spm.SentencePieceProcessor(model_file=str(model))
    except (OSError, RuntimeError) as exc:
        raise TranslationError(f"{label}: sentencepiece.model does not load ({exc})") from None


def read_argos_package(package_dir: Path) -> ArgosPackageInfo:
    """The info of one installed package folder; TranslationError if it is broken."""
    meta_path = package_dir / "metadata.json"
    if not meta_path.is_file() or not (package_dir / "model" / "model.bin").is_file():
        raise TranslationError(
            f"{package_dir} is not a complete argos package; reinstall it with {ADD_HINT}"
        )
    return _info(_read_metadata(meta_path.read_bytes(), str(package_dir)), package_dir)


def list_argos_packages(models_dir: Path) -> list[ArgosPackageInfo]:
    """Installed packages, sorted by direction; broken folders are logged and skipped."""
    root = argos_dir(models_dir)
    if not root.is_dir():
        return []
    found = []
    for child in sorted(root.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            found.append(read_argos_package(child))
        except TranslationError as exc:
            log.warning("skipping argos package: %s", exc)
    return sorted(found, key=lambda p: (p.from_code, p.to_code))


class _Loaded:
    """A package's translator and tokenizer, loaded together once."""

    def __init__(self, info: ArgosPackageInfo) -> None:
        offline()
        import ctranslate2
        import sentencepiece as spm

        self.info = info
        try:
            self.translator = ctranslate2.Translator(
                str(info.path / "model"), device="cpu", inter_threads=1, intra_threads=2
            )
            self.sp = spm.SentencePieceProcessor(model_file=str(info.path / "sentencepiece.model"))
        except (OSError, RuntimeError, ValueError) as exc:
            raise TranslationError(
                f"cannot load argos package {info.direction} ({exc}); reinstall it with {ADD_HINT}"
            ) from None

    def translate(self, lines: list[str]) -> list[str]:
        prefix = self.info.target_prefix
        pieces = [self.sp.encode(line, out_type=str) for line in lines]
        try:
            results = self.translator.translate_batch(
                pieces,
                target_prefix=[[prefix]] * len(pieces) if prefix else None,
                beam_size=4,
                num_hypotheses=1,
                length_penalty=0.2,
                replace_unknowns=True,
                max_batch_size=32,
            )
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(
                f"argos {self.info.direction} failed ({exc}); reinstall it with {ADD_HINT}"
            ) from None
        out = []
        for result in results:
            tokens = list(result.hypotheses[0]) if result.hypotheses else []
            if prefix and tokens and tokens[0] == prefix:
                tokens = tokens[1:]
            out.append(self.sp.decode(tokens).replace("▁", " ").strip())
        return out


class ArgosEngine:
    """The `Engine` for installed Argos packages: direct, or pivoting through English.

    Models load on first use of a direction and stay loaded for the process.
    """

    name = "argos"

    def __init__(self, models_dir: Path) -> None:
        self.models_dir = Path(models_dir)
        self.packages = {(p.from_code, p.to_code): p for p in list_argos_packages(self.models_dir)}

    def route(self, source: str, target: str) -> tuple[ArgosPackageInfo, ...] | None:
        if (source, target) in self.packages:
            return (self.packages[source, target],)
        first, second = self.packages.get((source, PIVOT)), self.packages.get((PIVOT, target))
        if first and second and PIVOT not in (source, target):
            return (first, second)
        return None

    def supports(self, source: str, target: str) -> bool:
        return source == target or self.route(source, target) is not None

    def describe(self, source: str, target: str) -> str:
        legs = self.route(source, target) or ()
        if len(legs) == 2:
            versions = " + ".join(f"{p.direction} {p.version}".rstrip() for p in legs)
            return f"{self.name} {versions} ({source}→{PIVOT}→{target})"
        return legs[0].describe() if legs else self.name

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        texts = list(texts)
        if source == target or not texts:
            return texts
        legs = self.route(source, target)
        if legs is None:
            raise ModelMissingError(missing_message(source, target, self.models_dir))
        for info in legs:
            texts = self._translate_leg(info, texts)
        return texts

    def _load(self, info: ArgosPackageInfo) -> _Loaded:
        return _loaded(info)

    def _translate_leg(self, info: ArgosPackageInfo, texts: list[str]) -> list[str]:
        """Translate line by line (as argostranslate does with paragraphs), in one batch."""
        lines: list[str] = []
        shapes: list[list[int | None]] = []  # per text: index into `lines`, None = blank line
        for text in texts:
            shape: list[int | None] = []
            for line in text.splitlines() or [""]:
                if line.strip():
                    shape.append(len(lines))
                    lines.append(line.strip())
                else:
                    shape.append(None)
            shapes.append(shape)
        translated = self._load(info).translate(lines) if lines else []
        if len(translated) != len(lines):
            raise TranslationError(
                f"argos {info.direction} returned {len(translated)} lines for {len(lines)}"
            )
        return [
            "\n".join("" if i is None else translated[i] for i in shape).strip("\n")
            for shape in shapes
        ]


@functools.lru_cache(maxsize=8)
def _loaded(info: ArgosPackageInfo) -> _Loaded:
    """A package's model, loaded once per process (a batch worker runs many events);
    a package installed again under another version is another entry."""
    return _Loaded(info)


def missing_message(source: str, target: str, models_dir: Path) -> str:
    return (
        f"no argos package for {source}->{target} in {argos_dir(models_dir)}; "
        f"add one with {ADD_HINT}"
    )
