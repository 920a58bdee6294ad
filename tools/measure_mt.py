"""Translation quality per direction on FLORES-200 devtest (../shared/parallel/flores200).

Prints chrF and BLEU (sacrebleu) for the engine `--mt` picks for each of the six
directions among en/fr/es. Usage: python tools/measure_mt.py [N_SENTENCES] [MT_MODE]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import sacrebleu

from pipeline.models.locate import models_dir
from pipeline.translate import choose_engine, describe

FLORES = Path(__file__).resolve().parents[2] / "shared" / "parallel" / "flores200"
FILES = {"en": "eng.txt", "fr": "fra.txt", "es": "spa.txt"}


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    mode = sys.argv[2] if len(sys.argv) > 2 else "auto"
    report(n, mode)
    return 0


def report(n: int, mode: str) -> None:
    text = {k: (FLORES / v).read_text("utf-8").splitlines()[:n] for k, v in FILES.items()}
    print(f"{'direction':10} {'engine':32} {'chrF':>6} {'BLEU':>6} {'s':>6}  (n={n})")
    for source in FILES:
        for target in FILES:
            if source == target:
                continue
            engine = choose_engine(mode, source, target, models_dir())
            t = time.perf_counter()
            hyp = engine.translate(text[source], source, target)
            took = time.perf_counter() - t
            chrf = sacrebleu.corpus_chrf(hyp, [text[target]]).score
            bleu = sacrebleu.corpus_bleu(hyp, [text[target]]).score
            label = describe(engine, source, target)
            print(f"{source}->{target:6} {label:32} {chrf:6.1f} {bleu:6.1f} {took:6.1f}")


TATOEBA = FLORES.parent / "tatoeba"
PAIRS = {("en", "fr"): "eng-fra", ("en", "es"): "eng-spa", ("fr", "es"): "fra-spa"}
SUFFIX = {"en": "eng", "fr": "fra", "es": "spa"}


def tatoeba_report(n: int = 1000) -> None:
    """chrF and BLEU of every Apertium route per direction on the first `n` Tatoeba
    pairs (short everyday sentences, unlike FLORES's news): the route `webconf` takes
    first, then the others."""
    from pipeline.translate.apertium import ApertiumEngine

    engine = ApertiumEngine()
    print(f"{'direction':10} {'route':28} {'chrF':>6} {'BLEU':>6}  (Tatoeba, n={n})")
    for (a, b), stem in PAIRS.items():
        side = {x: (TATOEBA / f"{stem}.{SUFFIX[x]}").read_text("utf-8").splitlines()[:n]
                for x in (a, b)}  # fmt: skip
        for source, target in ((a, b), (b, a)):
            chosen = engine.route(source, target)
            routes = [chosen, *(r for r in engine.routes[source, target] if r != chosen)]
            for modes in routes:
                one = ApertiumEngine(routes={(source, target): [modes]})
                hyp = one.translate(side[source], source, target)
                chrf = sacrebleu.corpus_chrf(hyp, [side[target]]).score
                bleu = sacrebleu.corpus_bleu(hyp, [side[target]]).score
                mark = "" if modes == chosen else " (not taken)"
                print(f"{source}->{target:6} {' + '.join(modes) + mark:28} {chrf:6.1f} {bleu:6.1f}")


if __name__ == "__main__":
    sys.exit(main())
