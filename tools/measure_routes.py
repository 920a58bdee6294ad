"""Measure every Apertium route of each direction and write the route table.

For each of the six directions among en/fr/es, every chain of installed Apertium
modes that can make it (the direct pair, through Spanish, through Catalan) is
scored with chrF on held-out FLORES-200 sentences (devtest lines 201-590: the first
200 are kept for `measure_mt.py`, so the choice is never scored on what chose it).
The routes are written best first to pipeline/translate/routes.json, which the
engine reads (`ApertiumEngine.route`: the best route whose modes are installed).

Usage: python tools/measure_routes.py [--check]   (--check: print, write nothing)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import sacrebleu

from pipeline.translate.apertium import (
    CANDIDATE_ROUTES,
    ROUTES_FILE,
    ApertiumEngine,
    installed_modes,
)

FLORES = Path(__file__).resolve().parents[2] / "shared" / "parallel" / "flores200"
FILES = {"en": "eng.txt", "fr": "fra.txt", "es": "spa.txt"}
HELD_OUT = slice(200, 590)


def main(check: bool = False) -> int:
    check = check or "--check" in sys.argv[1:]
    text = {k: (FLORES / v).read_text("utf-8").splitlines()[HELD_OUT] for k, v in FILES.items()}
    installed = installed_modes("apertium")
    table: dict[str, list[dict]] = {}
    print(f"{'direction':10} {'route':28} {'chrF':>6} {'BLEU':>6} {'s':>6}  "
          f"(FLORES-200 devtest lines 201-590, n={len(text['en'])})")
    for (source, target), routes in CANDIDATE_ROUTES.items():
        scored = []
        for modes in routes:
            if not set(modes) <= installed:
                print(f"{source}->{target:6} {' + '.join(modes):28} not installed")
                continue
            engine = ApertiumEngine(routes={(source, target): [list(modes)]})
            began = time.perf_counter()
            hyp = engine.translate(text[source], source, target)
            took = time.perf_counter() - began
            chrf = sacrebleu.corpus_chrf(hyp, [text[target]]).score
            bleu = sacrebleu.corpus_bleu(hyp, [text[target]]).score
            scored.append({"modes": list(modes), "chrf": round(chrf, 2), "bleu": round(bleu, 2)})
            route = " + ".join(modes)
            print(f"{source}->{target:6} {route:28} {chrf:6.1f} {bleu:6.1f} {took:6.1f}")
        scored.sort(key=lambda r: -r["chrf"])
        table[f"{source}-{target}"] = scored
    if not check:
        doc = {"measured_on": "FLORES-200 devtest lines 201-590 (chrF, sacrebleu)",
               "written_by": "tools/measure_routes.py (make eval)", "routes": table}
        ROUTES_FILE.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {ROUTES_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
