#!/usr/bin/env python3
"""Rebuild models/spacy, the saved Ratsakten spaCy pipeline (a directory you can diff).

    python scripts/build_models.py [--models models]

It combines blank German, the NER component trained by scripts/train_ner.py (models/ner, sourced
at load time), and our rule/gazetteer and decision components. The rule component's cue lists
are defined here, as the data they are, and saved beside the pipeline
(`models/spacy/ratsakten_rules/cues.json`); the pipeline reads them from there, never from code.
The gazetteers themselves are rebuilt by scripts/build_gazetteers.py.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import nlp as nlp_mod  # noqa: E402
from pipeline.extract.cues import Cues  # noqa: E402

CUES = Cues(
    place=["Bundesstadt", "Gemeinde", "Hansestadt", "Hauptstadt", "Kreisstadt", "Landeshauptstadt", "Oblast",
           "Partnerstadt", "Region", "Richtung", "Stadt", "Städtepartnerschaft", "aus", "bei", "in", "nach", "von",
           "zwischen"],
    place_nouns=["Bundesstadt", "Gemeinde", "Hansestadt", "Hauptstadt", "Kreisstadt", "Landeshauptstadt", "Oblast",
                 "Partnerstadt", "Region", "Stadt", "Städtepartnerschaft"],
    county_words=["Landkreis", "Landkreises", "Landratsamt", "Landratsamtes"],
    determiners=["am", "ans", "beim", "das", "dem", "den", "der", "des", "die", "diese", "diesem", "diesen", "dieser",
                 "dieses", "ein", "eine", "einem", "einen", "einer", "eines", "im", "ins", "jede", "jedem", "jeden",
                 "jeder", "kein", "keine", "keinem", "keinen", "keiner", "unsere", "unserem", "unserer", "vom", "zum",
                 "zur"],
    district_cues=["Bürgerverein", "Bürgervereins", "Ortschaft", "Ortschaftsrat", "Ortschaftsrates", "Ortschaftsrats",
                   "Ortsteil", "Ortsteils", "Ortsverwaltung", "Ortsvorsteher", "Ortsvorsteherin", "Stadtbezirk",
                   "Stadtteil", "Stadtteils", "Stadtteile", "Stadtteilen", "Stadtviertel"],
    city_abbreviations={"KA": "Karlsruhe"},
    quarter_prefixes=["Alt"],
    place_qualifiers=["Baden", "Elbe", "Erzgebirge", "Hessen", "Holstein", "Lahn", "Main", "Mosel", "Oberpfalz", "Oder",
                      "Oldenburg", "Pfalz", "Rheinland", "Saale", "Sachsen", "Thüringen", "Westfalen", "Württemberg"],
    quarter_suffixes=["Mitte", "Nord", "Nordost", "Nordwest", "Ost", "Süd", "Südost", "Südwest", "West"],
    honorifics=["Frau", "Frauen", "Herr", "Herren", "Herrn",
                # 'der Kollege Kalmbach', 'Kollegin Schütz' (protocol debate; issue 15, person6)
                "Kollege", "Kollegen", "Kollegin"],
    not_surname=["Am", "Bei", "Beschluss", "Bürgermeister", "Bürgermeisterin", "Das", "Der", "Die", "Für", "Im",
                 "Erste", "Erster",  # 'Erste Bürgermeisterin' is a role (issue 15, person6)
                 "Landeshauptstadt", "Mit", "Oberbürgermeister", "Partnerstadt", "Rat", "Sehr", "Sitzung", "Stadt",
                 "Stadtrat", "Und", "Vom", "Zum", "Zur"],
    function_caps=["Am", "Auch", "Aus", "Bei", "Beim", "Das", "Dem", "Den", "Der", "Des", "Die", "Diese", "Dieser",
                   "Ein", "Eine", "Einer", "Für", "Im", "Mit", "Nach", "Und", "Unser", "Unsere", "Vom", "Von",
                   "Zum", "Zur",
                   # greetings and thanks at a sentence start ('Vielen Dank', issue 15, person5)
                   "Besten", "Guten", "Herzlichen", "Herzliche", "Liebe", "Lieber", "Schönen", "Vielen",
                   # the formal possessive after an address ('Herr Oberbürgermeister, Ihre Einlassungen'; person6)
                   "Ihr", "Ihre", "Ihrem", "Ihren", "Ihrer", "Ihres"],
    titles={"Dr.": "Dr.", "Prof.": "Prof.", "Dr.-Ing.": "Dr.-Ing.", "Dipl.-Ing.": "Dipl.-Ing.", "Mag.": "Mag.",
            "Ing.": "Ing.", "Dr.med.": "Dr. med.", "h.c.": "h.c.", "PD": "PD", "Dres.": "Dres."},
    role_stems=["präsident", "meister", "direktor", "leiter", "vorsitzende", "sprecher", "konsul", "botschafter",
                "minister", "sekretär", "beauftragte", "referent", "dezernent", "beigeordnete", "landrat",
                "stadtrat", "stadträtin", "gouverneur", "kanzler"],
    role_endings=["in", "innen", "en", "er", "r"],
    councils=["Bürgerschaft", "Gemeinderat", "Kreistag", "Magistrat", "Ortschaftsrat", "Rat", "Samtgemeinderat",
              "Stadtbezirksrat", "Stadtrat", "Stadtverordnetenversammlung", "Verbandsgemeinderat"],
    generic_orgs=["Arbeitsgruppe", "Botschaft", "Feuerwehr", "Fraktion", "Freundeskreis", "Förderverein",
                  "Gymnasium", "Hochschule", "Jobcenter", "Kammer", "Landtag", "Lenkungsgruppe", "Ministerium",
                  "Partnerschaftsverein", "Partnerstadt", "Polizei", "Rathaus", "Schule", "Sparkasse",
                  "Stadtbibliothek", "Stadtverwaltung", "Stadtwerke", "Stiftung", "Städtepartnerschaftsverein",
                  "Universität", "Verband", "Verein", "Verwaltung", "Volkshochschule", "Wirtschaftsförderung",
                  # words on an office or body ending that name no particular one (issue 15, person5)
                  "Ehrenamt", "Elternbeirat", "Fachamt", "Fachausschuss", "Sanierungsbeirat"],
    descriptive_orgs=["Freundeskreis", "Förderverein", "Partnerschaftsverein", "Stadtverwaltung",
                      "Städtepartnerschaftsverein", "Verwaltung"],
    org_heads=["Universität", "Hochschule", "Technische Universität", "Fachhochschule", "Ministerium", "Landratsamt",
               "Regierungspräsidium", "Amt für", "Ausschuss für", "Ausschusses für", "Ausschuß für", "Stiftung",
               "Verein", "Verband", "Kammer", "Botschaft", "Generalkonsulat"],
    company_suffixes=["AG", r"GmbH(?:\s*&\s*Co\.\s*KG)?", r"e\.\s?V\.", "eG", "KG", "SE", "mbH", "gGmbH", "KGaA"],
    city_kinds=["Stadt", "Landeshauptstadt", "Hansestadt", "Gemeinde", "Bundesstadt", "Universitätsstadt",
                "Kreisstadt", "Großen Kreisstadt"],
    # 'Planungsausschuss', 'Schulbeirat': a compound on a body word names one body (issue 15, person5)
    office_endings=["amt", "referat", "dezernat", "ausschuss", "beirat"],
    body_words=[r"rat\b", r"Rat\b", "Ausschuss", "ausschuss", "Kreistag", "Versammlung", "versammlung",
                "Bürgerschaft", "Magistrat", "beirat", "Beirat", "Stadtrat", "Gemeinderat"],
    letterhead_prefixes=["Landeshauptstadt", "Hansestadt", "Stadt", "Gemeinde", "Große Kreisstadt", "Bundesstadt",
                         "Universitätsstadt", "Kreisstadt", "Magistrat der Stadt", "Rat der Stadt"],
    role_abbreviations={"OB": "Oberbürgermeister", "OBin": "Oberbürgermeisterin", "OBM": "Oberbürgermeister",
                        "BM": "Bürgermeister", "BMin": "Bürgermeisterin", "StR": "Stadtrat", "StRin": "Stadträtin",
                        # 'OR Kehrle (CDU)', '- OR Miersch': members listed by an Ortschaft (issue 15, person7)
                        "OR": "Ortschaftsrat"},
    facility_words=["Allee", "Anlage", "Brücke", "Grundschule", "Gymnasium", "Halle", "Park", "Platz", "Realschule",
                    "Schule", "Stadion", "Straße"],
    doc_types=[
        # an answer to a faction's inquiry is a letter even when it names a Vorlage (before the others: the
        # generic letter cues below only count when no other type's cue is found)
        ["Brief", r"^\s*Antwort auf (?:eine|die|Ihre) Anfrage\b"],
        ["Hausmitteilung", r"\bHausmitteilung\b|^\s*(?:Beschlusskontrolle|Sachstandsbericht)\b"],
        ["Antrag", r"^\s*Antrag\b|\bAntrag\s+Nr\b|\bmöge beschließen\b"],
        ["Beschlussvorlage", r"\bBeschlussvorlage\b|\bVorlage\s+Nr\b|\bVorlagen-Nr\b"],
        ["Niederschrift", r"\bNiederschrift\b|\bProtokoll\b|\bSitzungsprotokoll\b|\bSitzungsniederschrift\b"],
        ["Pressemitteilung", r"\bPressemitteilung\b|\bPresseinformation\b|\bMedieninformation\b"],
        ["Webseite", r"\bStartseite\b|\bwww\.|https?://|Sie sind hier"],
        ["Brief", r"\bSehr geehrte[rn]?\b|\bMit freundlichen Grüßen\b|\bHochachtungsvoll\b"],
    ],
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=Path, default=ROOT / "models")
    args = ap.parse_args()
    out = args.models / "spacy"
    if out.exists():
        shutil.rmtree(out)
    path = nlp_mod.save(args.models, CUES)
    nlp = nlp_mod.load.__wrapped__(str(args.models))
    doc = nlp("Oberbürgermeister Dirk Hilbert empfing am 21. März 2024 in Dresden Gäste aus Chmelnyzkyj.")
    print(f"saved {path}: pipes {nlp.pipe_names}")
    for span in doc.spans["ratsakten"]:
        print(f"  {span.label_:6} {span.text!r} -> {span._.mention.value!r}")


if __name__ == "__main__":
    main()
