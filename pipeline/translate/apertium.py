"""Rule-based translation with the Debian `apertium` command (no model download).

Apertium has en<->es and fr<->es pairs, and en<->ca and fr<->ca; en<->fr has no
pair and goes through Spanish or Catalan. Which route a direction takes is not
chosen here by hand: tools/measure_routes.py (`make eval`) scores every route on
held-out FLORES-200 sentences and writes routes.json beside this file, best
first; the engine takes the best route whose modes are installed. All
texts of one call go through one `apertium` process per mode, because start-up
(loading the transducers) costs more than translating a few hundred lines.
Texts are separated by a marker paragraph: a blank line is a hard sentence
boundary for Apertium's text formatter, so no rule can move words across it,
and the marker line itself passes through untouched. The split is checked: a
lost or duplicated marker is a TranslationError, never a shifted subtitle.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pipeline.errors import TranslationError
from pipeline.models.locate import APERTIUM_PACKAGES, debian_versions

Route = tuple[str, ...]  # the modes to chain, e.g. ("eng-cat", "cat-fra")

# Every chain of modes that makes a direction, among the pairs `make models` installs.
CANDIDATE_ROUTES: Mapping[tuple[str, str], tuple[Route, ...]] = {
    ("en", "es"): (("eng-spa",),),
    ("es", "en"): (("spa-eng",),),
    ("fr", "es"): (("fr-es",),),
    ("es", "fr"): (("es-fr",),),
    ("en", "fr"): (("eng-spa", "es-fr"), ("eng-cat", "cat-fra")),
    ("fr", "en"): (("fr-es", "spa-eng"), ("fra-cat", "cat-eng")),
}
ROUTES_FILE = Path(__file__).with_name("routes.json")
# The language a mode translates into, by the mode's target code.
_MODE_LANGUAGES = {"eng": "en", "en": "en", "spa": "es", "es": "es", "fra": "fr", "fr": "fr",
                   "cat": "ca", "ca": "ca"}  # fmt: skip
_REMEDY = "run `make models`"


@functools.lru_cache(maxsize=1)
def measured_routes() -> dict[tuple[str, str], tuple[Route, ...]]:
    """The routes of each direction, best first, as routes.json has them measured;
    the candidates in their own order where the file says nothing."""
    routes = dict(CANDIDATE_ROUTES)
    try:
        doc = json.loads(ROUTES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return routes
    for direction, measured in (doc.get("routes") or {}).items():
        source, _, target = direction.partition("-")
        known = routes.get((source, target), ())
        ranked = tuple(tuple(r["modes"]) for r in measured if tuple(r["modes"]) in known)
        routes[source, target] = ranked + tuple(r for r in known if r not in ranked)
    return routes


def installed_modes(binary: str = "apertium", timeout_s: float = 60.0) -> frozenset[str]:
    """The modes `apertium -l` lists."""
    return _listed_modes(binary, timeout_s)


class ApertiumEngine:
    """The `Engine` for Apertium; see the module docstring for how batches work."""

    name = "apertium"

    def __init__(
        self,
        binary: str = "apertium",
        routes: Mapping[tuple[str, str], Sequence[Sequence[str]]] | None = None,
        timeout_s: float = 600.0,
    ) -> None:
        self.binary = binary
        chosen = measured_routes() if routes is None else routes
        self.routes = {k: tuple(tuple(r) for r in v) for k, v in chosen.items()}
        self.timeout_s = timeout_s
        self._installed: frozenset[str] | None = None
        self._version: str | None = None

    def route(self, source: str, target: str) -> Route:
        """The Apertium modes to chain for source -> target: the best measured route
        whose modes are installed (else the best one, which `check` says is missing)."""
        if source == target:
            return ()
        candidates = self.routes.get((source, target))
        if not candidates:
            raise TranslationError(
                f"apertium has no mode for {source}->{target}; use --mt argos with a package "
                f"for it, added with `webconf models add FILE.argosmodel`"
            )
        try:
            installed = self.installed_modes()
        except TranslationError:
            installed = frozenset()
        return next((r for r in candidates if set(r) <= installed), candidates[0])

    def supports(self, source: str, target: str) -> bool:
        try:
            self.check(source, target)
        except TranslationError:
            return False
        return True

    def describe(self, source: str, target: str) -> str:
        """"apertium", or "apertium (en→ca→fr)" for a route through another language."""
        modes = self.route(source, target)
        if len(modes) < 2:
            return self.name
        between = [_MODE_LANGUAGES.get(m.split("-")[1].split("_")[0], "?") for m in modes[:-1]]
        return f"{self.name} ({'→'.join([source, *between, target])})"

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
        """Each text through the best installed route; unknown words pass unchanged.
        On a route through another language, a word the first pair translated but
        the last does not know ("tempranos" in French, from "early") is not left in
        the pivot language: it goes in as the source word that gave it (`_put_back`)."""
        texts = list(texts)
        if source == target or not texts:
            return texts
        *before, last = self.check(source, target)
        first = (before or [last])[0]
        between = _unhyphenated(first, texts) if first.startswith("eng") else texts
        for mode in before:
            between = self._run_mode(mode, between)
        if before:
            between = self._put_back(before[0], last, texts, between)
        return self._run_mode(last, between)

    def _put_back(self, first: str, last: str, texts: list[str], between: list[str]) -> list[str]:
        """`between` (pivot-language texts) with each word the `last` pair does not
        know replaced by the one word of its source text that the `first` pair
        translates into it (left as it is when none or several do). Measured on the
        590 FLORES-200 devtest sentences, pivot-language words left in the output:
        en->fr (via ca) 107 -> 70, fr->en (via es) 152 -> 53; chrF unchanged. (Asking
        the whole mode instead of its analyser finds words its bilingual dictionary
        lacks too: 65 left en->fr, for 2.5 s more on the sample event.)"""
        unknown = self._unknown_words(last, between)
        if not any(unknown):
            return between
        words = sorted({w for text, u in zip(texts, unknown, strict=True) if u
                        for w in _WORD.findall(text)})  # fmt: skip
        gives: dict[str, set[str]] = {}  # a word alone gives the singular: "temprano"
        for word, said in zip(words, self._run_mode(first, words), strict=True):
            gives.setdefault(_stem(said.strip()), set()).add(word)
        out = []
        for text, pivot, missing in zip(texts, between, unknown, strict=True):
            own = set(_WORD.findall(text))
            for word in missing:
                found = gives.get(_stem(word), set()) & own
                if len(found) == 1:
                    pivot = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", next(iter(found)), pivot)
            out.append(pivot)
        return out

    def _unknown_words(self, mode: str, texts: list[str]) -> list[set[str]]:
        """Per text, the words `mode` does not know. Asked of the mode's own analyser
        (`lt-proc` over its `automorf.bin`, 0.05 s) rather than of the whole mode: the
        Catalan-French mode takes 1.1-1.5 s to start, and asking it twice made the
        sample event's translation 2.5 s slower. Without the analyser's path (another
        install), the whole mode is asked with its marks on."""
        streams = analyse(mode, texts, self.timeout_s)
        if streams is None:
            marked = self._run_mode(mode, texts, marks=True)
            return [{m.group(2) for m in _MARKED_WORD.finditer(t) if len(m.group(1)) == 1}
                    for t in marked]  # fmt: skip
        return [set(_UNKNOWN.findall(stream)) for stream in streams]

    def _run_mode(self, mode: str, texts: list[str], marks: bool = False) -> list[str]:
        """One apertium process for the whole batch; blank texts never reach it, nor
        texts this mode already translated in this process (`_SAID`): French goes
        through `fr-es` for Spanish and again as the first half of the route to
        English, and a re-run after a boundary moved asked it twice for the same
        sentence (two of its eight Apertium processes)."""
        if marks:
            return self._translate_batch(mode, texts, marks)
        with _SAID_LOCK:
            known = {t: _SAID[k] for t in texts if (k := (self.binary, mode, t)) in _SAID}
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        said = self._translate_batch(mode, todo)
        with _SAID_LOCK:  # a batch worker may translate on several threads
            for text, out in zip(todo, said, strict=True):
                known[text] = _SAID[self.binary, mode, text] = out
            while len(_SAID) > _SAID_MAX:
                del _SAID[next(iter(_SAID))]
        return [known[t] for t in texts]

    def _translate_batch(self, mode: str, texts: list[str], marks: bool = False) -> list[str]:
        items, marker = _batch(texts)
        result = [""] * len(texts)
        if not items:
            return result
        payload = f"\n\n{marker}\n\n".join(items.values()) + "\n"
        flags = ["-f", "txt"] if marks else ["-u", "-f", "txt"]
        out = self._call([*flags, mode], payload, what=f"apertium {mode}")
        parts = re.split(
            rf"^[ \t]*[*#@]*{marker}[ \t]*$", out, flags=re.MULTILINE | re.IGNORECASE
        )
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


# Each mode's output per input text in this process, oldest dropped first past the bound
# (about 10 MB of sentences: a 3-hour event in three languages holds under 20 000).
_SAID: dict[tuple[str, str, str], str] = {}
_SAID_MAX = 50_000
_SAID_LOCK = threading.Lock()


@functools.lru_cache(maxsize=8)
def _listed_modes(binary: str, timeout_s: float) -> frozenset[str]:
    """What `apertium -l` lists. Debian's `apertium` script lists its modes folder's
    `*.mode` files, so for that script the folder is read (a process cost 30-80 ms of
    a 0.6 s re-run)."""
    if shutil.which(binary) == "/usr/bin/apertium" and MODES_DIR.is_dir():
        return frozenset(p.stem for p in MODES_DIR.glob("*.mode"))
    out = ApertiumEngine(binary, timeout_s=timeout_s)._call(["-l"], "", what="apertium -l")
    return frozenset(out.split())


# Apertium's marks on a word: * unknown to a pair's analyser, # not generated, @ not in
# the bilingual dictionary (asked for only to find the words a pair does not know).
_MARKED_WORD = re.compile(r"(?<![*#@])([*#@]+)(\w+)")
_UNKNOWN = re.compile(r"\^([^/^$]+)/\*")  # the analyser's stream: ^word/*word$
MODES_DIR = Path("/usr/share/apertium/modes")


def analyse(mode: str, texts: Sequence[str], timeout_s: float = 60.0) -> list[str] | None:
    """Each text as `mode`'s morphological analyser reads it, in Apertium's stream
    format (`^servicios/servicio<n><m><pl>$`, `^word/*word$` when unknown); one
    `lt-proc` for the batch. None when the mode file names no analyser; a failure is
    a TranslationError."""
    analyser = _analyser_command(mode)
    if analyser is None:
        return None
    items, marker = _batch(texts)
    found = [""] * len(texts)
    if not items:
        return found
    payload = f"\n\n{marker}\n\n".join(map(_stream_text, items.values())) + "\n"
    try:
        done = subprocess.run(
            analyser, input=payload, capture_output=True, text=True, encoding="utf-8",
            errors="replace", env=dict(os.environ, LC_ALL="C.UTF-8"), timeout=timeout_s,
            check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        raise TranslationError(f"apertium's analyser for {mode} failed ({exc})") from None
    parts = done.stdout.split(f"^{marker}/*{marker}$")
    if len(parts) != len(items):
        raise TranslationError(f"apertium's analyser for {mode} lost the batch separator")
    for i, part in zip(items, parts, strict=True):
        found[i] = part
    return found


_COMPOUND = re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")


def _unhyphenated(mode: str, texts: list[str]) -> list[str]:
    """English compounds the dictionary lacks ("4-month-old", "well-known") with
    spaces for hyphens. Apertium's English pairs glue such a compound and its noun
    into one word ("4-month-old mice" -> es "ratonesde4meses", ca "ratolinsde4mesos",
    which the next pair cannot read); as words they translate ("des souris de 4
    mois"). Compounds the analyser knows whole ("e-mail", "up-to-date"), any with a
    capital (names, "COVID-19") and numbers alone ("2019-2020", "555-1234") are kept.
    On the 590 FLORES-200 sentences, 54 change: en->fr chrF 49.59 -> 49.67, en->es
    44.06 -> 44.10; words no analyser knows in the output, en->fr 1078 -> 1066."""
    if not any(_COMPOUND.search(text) for text in texts):
        return texts
    streams = analyse(mode, texts)
    if streams is None:
        return texts
    out = []
    for text, stream in zip(texts, streams, strict=True):
        whole = {m.group(1) for m in re.finditer(r"\^([^/^$]+)/(?!\*)", stream)}
        out.append(_COMPOUND.sub(
            lambda m, whole=whole: m.group(0) if m.group(0) in whole
            or not re.search("[a-z]", m.group(0)) else m.group(0).replace("-", " "),
            text))  # fmt: skip
    return out


def _batch(texts: Sequence[str]) -> tuple[dict[int, str], str]:
    """The texts that are not blank, by position, normalised; and a separator line
    none of them holds."""
    items = {i: _normalise(text) for i, text in enumerate(texts)}
    items = {i: text for i, text in items.items() if text}
    return items, _marker(items.values())


def _stream_text(text: str) -> str:
    """Text as Apertium's stream format reads it: its own syntax characters escaped
    (the `apertium` command's deformatter does this before the analyser)."""
    return re.sub(r"([\\^$/<>@*\[\]{}#+~|])", r"\\\1", text)


@functools.lru_cache(maxsize=16)
def _analyser_command(mode: str) -> tuple[str, ...] | None:
    """The first step of `mode` as its mode file gives it: `lt-proc [-w] automorf.bin`."""
    try:
        first = (MODES_DIR / f"{mode}.mode").read_text(encoding="utf-8").split("|")[0]
    except OSError:
        return None
    found = re.fullmatch(r"\s*lt-proc((?:\s+-\w)*)\s+'([^']+\.automorf\.bin)'\s*", first)
    if found is None:
        return None
    return ("lt-proc", *found.group(1).split(), found.group(2))


_WORD = re.compile(r"\w+")


def _stem(word: str) -> str:
    """A word compared without case or plural ending ("tempranos" = "Temprano")."""
    folded = word.casefold()
    return folded[:-1] if folded.endswith("s") and len(folded) > 3 else folded


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
