"""Terminology: the share of glossary terms written as the organiser specified them.

Eight sentences in the style of the telework webinar's announcement
(../shared/events), each written in English, French and Spanish, hold four Terms
(`[glossary.terms]`) and three kept names. Every sentence is translated in all six
directions twice, without the glossary and with it; a term counts as rendered when its
target form appears in the translation (any case of its first letter). Usage:
python tools/measure_terms.py
"""

from __future__ import annotations

import sys

from pipeline.translate.apertium import ApertiumEngine
from pipeline.translate.glossary import protect
from pipeline.translate.machine import translate_sentences
from pipeline.types import Sentence, Term

TERMS = (
    Term((("en", "public employment services"), ("fr", "services publics de l'emploi"),
          ("es", "servicios públicos de empleo"))),
    Term((("en", "labour market"), ("fr", "marché du travail"), ("es", "mercado laboral"))),
    Term((("en", "World Association of Public Employment Services"),
          ("fr", "Association mondiale des services d'emploi publics"),
          ("es", "Asociación Mundial de los Servicios Públicos de Empleo"))),
    Term((("en", "jobseekers"), ("fr", "demandeurs d'emploi"), ("es", "demandantes de empleo"))),
)  # fmt: skip
KEPT = ("VDAB", "Arbetsförmedlingen", "Eric Boulé")
SENTENCES = {
    "en": [
        "The World Association of Public Employment Services held its webinar on telework.",
        "Telework changes the labour market for jobseekers.",
        "Public employment services kept their essential activities during confinement.",
        "Eric Boulé spoke about the labour market in Quebec.",
        "VDAB and Arbetsförmedlingen are public employment services.",
        "The jobseekers met their advisers online.",
        "The labour market needs new skills.",
        "Members of the World Association of Public Employment Services answered the survey.",
    ],
    "fr": [
        "L'Association mondiale des services d'emploi publics a tenu son webinaire sur le "
        "télétravail.",
        "Le télétravail change le marché du travail pour les demandeurs d'emploi.",
        "Les services publics de l'emploi ont maintenu leurs activités essentielles pendant "
        "le confinement.",
        "Eric Boulé a parlé du marché du travail au Québec.",
        "VDAB et Arbetsförmedlingen sont des services publics de l'emploi.",
        "Les demandeurs d'emploi ont rencontré leurs conseillers en ligne.",
        "Le marché du travail a besoin de nouvelles compétences.",
        "Les membres de l'Association mondiale des services d'emploi publics ont répondu à "
        "l'enquête.",
    ],
    "es": [
        "La Asociación Mundial de los Servicios Públicos de Empleo celebró su seminario web "
        "sobre el teletrabajo.",
        "El teletrabajo cambia el mercado laboral para los demandantes de empleo.",
        "Los servicios públicos de empleo mantuvieron sus actividades esenciales durante el "
        "confinamiento.",
        "Eric Boulé habló del mercado laboral en Quebec.",
        "VDAB y Arbetsförmedlingen son servicios públicos de empleo.",
        "Los demandantes de empleo se reunieron con sus asesores en línea.",
        "El mercado laboral necesita nuevas competencias.",
        "Los miembros de la Asociación Mundial de los Servicios Públicos de Empleo "
        "respondieron a la encuesta.",
    ],
}


def rendered(text: str, form: str) -> bool:
    return form in text or (form[:1].upper() + form[1:]) in text


def report() -> list[str]:
    engine = ApertiumEngine()
    lines = [f"{'direction':10} {'terms without':>14} {'with the glossary':>18}"]
    total = {False: [0, 0], True: [0, 0]}
    for source in SENTENCES:
        for target in SENTENCES:
            if source == target:
                continue
            row = []
            for glossary in (False, True):
                entries = (*KEPT, *TERMS) if glossary else ()
                said = [Sentence(0, 1, text, source) for text in SENTENCES[source]]
                out = translate_sentences(said, target, engine, entries)
                hits = wanted = 0
                for before, after in zip(said, out, strict=True):
                    # what the sentence holds, found as translation finds it (longest first)
                    found = protect(before.text, (*KEPT, *TERMS), source)
                    for said_as, term in zip(found.terms, found.renderings, strict=True):
                        wanted += 1
                        form = term.form(target) if term is not None else said_as
                        hits += rendered(after.text, form or said_as)
                total[glossary][0] += hits
                total[glossary][1] += wanted
                row.append(f"{hits}/{wanted}")
            lines.append(f"{source}->{target:6} {row[0]:>14} {row[1]:>18}")
    share = {g: 100 * h / w for g, (h, w) in total.items()}
    lines.append(f"{'all':10} {share[False]:13.0f}% {share[True]:17.0f}%")
    return lines


def main() -> int:
    print("\n".join(report()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
