"""Rule-based translation with the Debian `apertium` command (no model download).

Apertium has en<->es and fr<->es pairs; en<->fr goes through Spanish. All
texts of one call go through one `apertium` process per mode, because start-up
(loading the transducers) costs more than translating a few hundred lines.
Texts are separated by a marker paragraph: a blank line is a hard sentence
boundary for Apertium's text formatter, so no rule can move words across it,
and the marker line itself passes through untouched. The split is checked: a
lost or duplicated marker is a TranslationError, never a shifted subtitle.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence

from pipeline.errors import TranslationError
from pipeline.models.locate import APERTIUM_PACKAGES, debian_versions

DEFAULT_MODES: Mapping[tuple[str, str], str] = {
    ("en", "es"): "eng-spa",
    ("es", "en"): "spa-eng",
    ("fr", "es"): "fr-es",
    ("es", "fr"): "es-fr",
}
PIVOT = "es"
_REMEDY = "run `make models`"


class ApertiumEngine:
    """The `Engine` for Apertium; see the module docstring for how batches work."""

    name = "apertium"

    def __init__(
        self,
        binary: str = "apertium",
        modes: Mapping[tuple[str, str], str] | None = None,
        timeout_s: float = 600.0,
    ) -> None:
        self.binary = binary
        self.modes = dict(DEFAULT_MODES if modes is None else modes)
        self.timeout_s = timeout_s
        self._installed: frozenset[str] | None = None
        self._version: str | None = None

    def route(self, source: str, target: str) -> tuple[str, ...]:
        """The Apertium modes to chain for source -> target, pivoting through Spanish."""
        if source == target:
            return ()
        if (source, target) in self.modes:
            return (self.modes[source, target],)
        first, second = self.modes.get((source, PIVOT)), self.modes.get((PIVOT, target))
        if first and second:
            return (first, second)
        raise TranslationError(
            f"apertium has no mode for {source}->{target}; use --mt argos with a package for "
            f"it, added with `webconf models add FILE.argosmodel`"
        )

    def supports(self, source: str, target: str) -> bool:
        try:
            self.check(source, target)
        except TranslationError:
            return False
        return True

    def describe(self, source: str, target: str) -> str:
        if source == target or (source, target) in self.modes:
            return self.name
        return f"{self.name} ({source}→{PIVOT}→{target})"

    def version(self) -> str:
        """The installed Debian packages (the program and its language data), part of
        every translation cache key: an Apertium upgrade translates again."""
        if self._version is None:
            versions = debian_versions(APERTIUM_PACKAGES)
            self._version = " ".join(f"{pkg}={v}" for pkg, v in versions.items())
        return self._version

    def installed_modes(self) -> frozenset[str]:
        """Modes `apertium -l` lists; asked once per process and binary (a run has an
        engine per direction: six calls took 0.1 s of a 1.2 s re-run)."""
        if self._installed is None:
            self._installed = _listed_modes(self.binary, self.timeout_s)
        return self._installed

    def check(self, source: str, target: str) -> tuple[str, ...]:
        """The modes for source -> target; TranslationError saying what is missing."""
        modes = self.route(source, target)
        installed = self.installed_modes()
        for mode in modes:
            if mode not in installed:
                raise TranslationError(f"apertium mode '{mode}' is not installed; {_REMEDY}")
        return modes

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        texts = list(texts)
        if source == target or not texts:
            return texts
        for mode in self.check(source, target):
            texts = self._run_mode(mode, texts)
        return texts

    def _run_mode(self, mode: str, texts: list[str]) -> list[str]:
        """One apertium process for the whole batch; blank texts never reach it."""
        items = {i: _normalise(text) for i, text in enumerate(texts)}
        items = {i: text for i, text in items.items() if text}
        result = [""] * len(texts)
        if not items:
            return result
        marker = _marker(items.values())
        payload = f"\n\n{marker}\n\n".join(items.values()) + "\n"
        out = self._call(["-u", "-f", "txt", mode], payload, what=f"apertium {mode}")
        parts = re.split(rf"^[ \t]*{marker}[ \t]*$", out, flags=re.MULTILINE | re.IGNORECASE)
        if len(parts) != len(items):
            raise TranslationError(
                f"apertium {mode} returned {len(parts)} texts for {len(items)}; "
                "the batch separator was lost, please report this input"
            )
        for i, part in zip(items, parts, strict=True):
            result[i] = _normalise(part)
        return result

    def _call(self, args: list[str], payload: str, what: str) -> str:
        env = dict(os.environ, LC_ALL="C.UTF-8")
        try:
            proc = subprocess.run(
                [self.binary, *args],
                input=payload,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=env,
                timeout=self.timeout_s,
                check=False,
            )
        except FileNotFoundError:
            raise TranslationError(
                f"the `{self.binary}` command is not installed; {_REMEDY}"
            ) from None
        except subprocess.TimeoutExpired:
            raise TranslationError(
                f"{what} did not finish within {self.timeout_s:.0f} s; "
                "split the recording or use --mt argos"
            ) from None
        if proc.returncode != 0:
            # Apertium prints "Mode x does not exist" on stdout, other failures on stderr.
            detail = (proc.stderr.strip() or proc.stdout.strip() or "no message").splitlines()[0]
            if "does not exist" in detail:
                raise TranslationError(f"apertium mode '{args[-1]}' is not installed; {_REMEDY}")
            raise TranslationError(f"{what} failed ({detail}); check the install with {_REMEDY}")
        return proc.stdout


@functools.lru_cache(maxsize=8)
def _listed_modes(binary: str, timeout_s: float) -> frozenset[str]:
    out = ApertiumEngine(binary, timeout_s=timeout_s)._call(["-l"], "", what="apertium -l")
    return frozenset(out.split())


def _normalise(text: str) -> str:
    """One line per non-blank input line, inner spaces collapsed.

    Apertium keeps single line breaks in place but a blank line would look
    like our separator paragraph, so blank lines inside a text are dropped.
    """
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _marker(texts: Iterable[str]) -> str:
    """A separator line that occurs in none of the texts (survives every mode as is)."""
    joined = "\n".join(texts).upper()
    n = 0
    while f"ZZSEP{n}ZZ" in joined:
        n += 1
    return f"ZZSEP{n}ZZ"
