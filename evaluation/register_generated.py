"""Links and people on generated linked document sets (issue 19), with the true links.

    python -m evaluation.register_generated --split tune          # look at this one
    python -m evaluation.register_generated --split check         # report this one, once
    python -m evaluation.register_generated --split tune --errors

Each set is one decision of one city: a Beschlussvorlage (the Oberbürgermeister signs it in full), the
minutes that decide it ('Vorsitz: OB <Surname>' or 'Oberbürgermeister <Surname>'), and a follow-up memo
that reports on it ('Herr/Frau <Surname>', its number sometimes as OCR writes it: '\\/2072/23'). Hard
cases are drawn at random: a council member of the same city with the OB's surname speaks in the
minutes; two sets share a surname or a file number in different cities. The templates are written
here (samples/generate.py makes single documents only), so these figures measure the linking on
clean born-digital text, not the extractors on varied layouts.

Every set is rendered as born-digital PDFs and the whole split goes through `pipeline.run` as one
folder, so wrong links across sets are possible and counted.

Links: pairs of documents the register files under one (reference, city), against the pairs of the
same set: precision and recall. People: pairwise precision/recall/F1 over the planted name mentions
the extractor found (a mention without a person_id is a cluster of its own); mentions not found are
reported as mention recall.
"""
from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SPLITS = {"tune": 19_001, "check": 29_001}  # base seeds: a set's seed is base + index, never shared
CITIES = ["Dortmund", "Bochum", "Kassel", "Erfurt", "Magdeburg", "Potsdam", "Rostock", "Kiel", "Mainz", "Bonn",
          "Münster", "Augsburg", "Chemnitz", "Halle", "Braunschweig", "Oldenburg", "Osnabrück", "Göttingen",
          "Würzburg", "Regensburg", "Ulm", "Heilbronn", "Paderborn", "Bielefeld", "Wuppertal", "Krefeld", "Hagen",
          "Siegen", "Trier", "Koblenz", "Jena", "Gera"]  # one city per set: a city has one Oberbürgermeister
SURNAMES = ["Westphal", "Kaminski", "Brückner", "Lehmkuhl", "Dörfler", "Hartwig", "Reinholz", "Pietsch", "Quandt",
            "Stratmann", "Heilmann", "Lüders", "Mertens", "Nowak", "Tiedemann", "Vollmer", "Wendt", "Ohlsen",
            "Zschoche", "Brandenburger", "Kretschmar", "Sievers", "Janssen", "Pohlmann"]
MALE = ["Thomas", "Michael", "Stefan", "Jörg", "Andreas", "Martin", "Ulrich", "Frank", "Dirk", "Matthias"]
FEMALE = ["Sabine", "Katja", "Petra", "Anke", "Claudia", "Birgit", "Julia", "Susanne", "Heike", "Kerstin"]
CLERKS = ["Anna Krüger", "Lena Hoffmann", "Jan Petersen", "Maria Schubert", "Tobias Engel", "Nina Albrecht"]
PARTNERS = ["Chmelnyzkyj", "Saporischschja", "Lwiw", "Czernowitz", "Winnyzja", "Poltawa", "Riwne", "Schytomyr"]


@dataclass
class Planted:
    """A name as written in one document, and whose it is."""
    file: str
    value: str  # the entity value we expect ('Thomas Westphal', 'Westphal')
    person: str  # the true person ('Dortmund|Thomas Westphal')


@dataclass
class LinkedSet:
    index: int
    city: str
    reference: str
    files: dict[str, list[str]] = field(default_factory=dict)  # file name -> lines
    planted: list[Planted] = field(default_factory=list)


def _reference(rng: random.Random, year: int) -> tuple[str, str]:
    """(canonical, as printed in the follow-up memo)."""
    if rng.random() < 0.5:
        value = f"V{rng.randint(1000, 3999)}/{year % 100:02d}"
        printed = "\\/" + value[1:] if rng.random() < 0.3 else value
    else:
        value = f"{year}/{rng.randint(1, 1999):04d}"
        printed = value
    return value, printed


def make_set(index: int, seed: int, taken: dict) -> LinkedSet:
    rng = random.Random(seed)
    city = CITIES[index]
    female = rng.random() < 0.3
    given = rng.choice(FEMALE if female else MALE)
    # a surname two sets share (in different cities) now and then
    surname = taken["surnames"][-1] if taken["surnames"] and rng.random() < 0.25 else rng.choice(SURNAMES)
    taken["surnames"].append(surname)
    year = rng.randint(2019, 2024)
    value, printed = _reference(rng, year)
    if taken["refs"] and rng.random() < 0.2:  # the same number in another city
        value, printed = taken["refs"][-1]
    taken["refs"].append((value, printed))
    role = "Oberbürgermeisterin" if female else "Oberbürgermeister"
    clerk = rng.choice(CLERKS)
    partner = rng.choice(PARTNERS)
    ob = f"{city}|{given} {surname}"
    head = [f"Stadt {city}", f"Der {'Oberbürgermeisterin' if female else 'Oberbürgermeister'}", "Rathausplatz 1",
            f"{rng.randint(10000, 99999)} {city}"]
    d1 = f"{rng.randint(1, 28):02d}.{rng.randint(1, 3):02d}.{year}"
    m = rng.randint(4, 6)
    d2 = f"{rng.randint(1, 28):02d}.{m:02d}.{year}"
    d3 = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year + 1}"
    top = rng.randint(3, 30)
    point = f"Der Rat stimmt der Aufnahme einer Städtepartnerschaft mit {partner} zu."
    s = LinkedSet(index, city, value)
    f1, f2, f3 = f"s{index:03d}_a_vorlage.pdf", f"s{index:03d}_b_niederschrift.pdf", f"s{index:03d}_c_bericht.pdf"
    s.files[f1] = head + [
        "Beschlussvorlage", f"Vorlage Nr.: {value}", f"Datum: {d1}", "Einreicher: Amt für Internationales",
        f"Gegenstand: Städtepartnerschaft mit {partner} (Ukraine)", "Beschlussvorschlag:", "Der Rat der Stadt beschließt:",
        f"1. {point}", "2. Der Rat beauftragt die Verwaltung, jährlich über den Stand zu berichten.",
        "Begründung:", "Die Verwaltung empfiehlt, der Bitte zu entsprechen.", f"{given} {surname}", role]
    s.planted.append(Planted(f1, f"{given} {surname}", ob))
    chair = f"Vorsitz: OB {surname}" if rng.random() < 0.5 else f"Vorsitz: {role} {surname}"
    minutes = head + [
        "Niederschrift", f"Protokoll TOP {top}", f"{rng.randint(2, 12)}. Sitzung des Rates, {d2}", chair,
        f"Schriftführung: {clerk}", f"TOP {top}: Städtepartnerschaft mit {partner}", f"Vorlage: {value}"]
    s.planted.append(Planted(f2, surname, ob))
    s.planted.append(Planted(f2, clerk, f"{city}|{clerk}"))
    if rng.random() < 0.35:  # a council member of the same surname speaks
        other = rng.choice(MALE if female else FEMALE)
        minutes.append(f"Stadträtin {other} {surname} (SPD) begründet den Antrag." if not female else
                       f"Stadtrat {other} {surname} (SPD) begründet den Antrag.")
        s.planted.append(Planted(f2, f"{other} {surname}", f"{city}|{other} {surname}"))
    minutes += ["Beschluss:", point, "Abstimmungsergebnis: einstimmig", "Ende des öffentlichen Teils.", clerk,
                "Schriftführung"]
    s.files[f2] = minutes
    honorific = "Frau" if female else "Herr"
    s.files[f3] = head + [
        "Hausmitteilung", "An: Amt für Internationales", "Von: Büro des Oberbürgermeisters", f"{city}, den {d3}",
        f"Betreff: Beschlusskontrolle zu {printed} – Partnerschaft mit {partner}",
        f"Der Rat der Stadt {city} hat in seiner Sitzung am {d2} unter der Vorlage",
        f"{printed} die folgenden Beschlusspunkte gefasst. Zum Stand der Umsetzung wird wie folgt berichtet:",
        f"1. „{point}“", f"Umsetzung: Vollständig umgesetzt; {honorific} {surname} unterzeichnete die Urkunde.",
        "Für Rückfragen stehe ich gern zur Verfügung.", "Im Auftrag", clerk]
    s.planted.append(Planted(f3, surname, ob))
    s.planted.append(Planted(f3, clerk, f"{city}|{clerk}"))
    return s


def make_sets(split: str, n: int) -> list[LinkedSet]:
    taken: dict = {"surnames": [], "refs": []}
    return [make_set(i, SPLITS[split] + i, taken) for i in range(n)]


def _prf(tp: int, n_pred: int, n_true: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_true if n_true else 0.0
    return dict(tp=tp, predicted=n_pred, true=n_true, precision=round(p, 3), recall=round(r, 3),
                f1=round(2 * p * r / (p + r), 3) if p + r else 0.0)


def score(sets: list[LinkedSet], out: Path) -> dict:
    from pipeline import tables

    docs = tables.read(out, "documents")
    file_of = dict(zip(docs.doc_id, docs.source_file))
    set_of = {f: s.index for s in sets for f in s.files}
    reg = tables.read(out, "register")
    groups: dict[tuple, set] = {}
    for r in reg.itertuples():
        groups.setdefault((r.reference, r.city), set()).add(file_of[r.doc_id])
    pred_pairs = {tuple(sorted(p)) for g in groups.values() for p in itertools.combinations(sorted(g), 2)}
    true_pairs = {tuple(sorted(p)) for s in sets for p in itertools.combinations(sorted(s.files), 2)}
    links = _prf(len(pred_pairs & true_pairs), len(pred_pairs), len(true_pairs))
    wrong_links = sorted(p for p in pred_pairs - true_pairs)
    missed_links = sorted(true_pairs - pred_pairs)
    # people: match planted mentions to PERSON rows of their document
    ents = tables.read(out, "entities")
    ents = ents[ents.label == "PERSON"].copy()
    ents["file"] = ents.doc_id.map(file_of)
    found: list[tuple[str, Optional[str], str]] = []  # (true person, predicted person_id, entity_id)
    missing = []
    used: set[str] = set()
    for pl in (p for s in sets for p in s.planted):
        hit = ents[(ents.file == pl.file) & (ents.value == pl.value) & ~ents.entity_id.isin(used)]
        if not len(hit):
            missing.append(pl)
            continue
        row = hit.iloc[0]
        used.add(row.entity_id)
        pid = row.person_id if isinstance(row.person_id, str) else None
        found.append((pl.person, pid, row.entity_id))
    tp = n_pred = n_true = 0
    for (ta, pa, _), (tb, pb, _) in itertools.combinations(found, 2):
        same_true = ta == tb
        same_pred = pa is not None and pa == pb
        tp += same_true and same_pred
        n_pred += same_pred
        n_true += same_true
    people = _prf(tp, n_pred, n_true)
    planted = sum(len(s.planted) for s in sets)
    unlinked = sum(1 for _, pid, _ in found if pid is None)
    return dict(sets=len(sets), documents=len(set_of), links=links, people=people,
                mentions=dict(planted=planted, found=len(found), recall=round(len(found) / planted, 3),
                              without_person_id=unlinked),
                wrong_links=wrong_links[:20], missed_links=missed_links[:20],
                missing_mentions=[(m.file, m.value) for m in missing][:20])


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=sorted(SPLITS), default="tune")
    ap.add_argument("--sets", type=int, default=30)
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--keep", type=Path, help="run into this folder (default: a temporary one)")
    ap.add_argument("--scans", action="store_true",
                    help="minutes and follow-up memos as degraded 200-dpi scans, read by Tesseract (slow)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from make_fixtures import degrade, page_image, text_pdf

    from pipeline.config import Settings
    from pipeline.run import run

    if not 1 <= args.sets <= len(CITIES):
        ap.error(f"--sets: 1 to {len(CITIES)} (one city per set)")
    sets = make_sets(args.split, args.sets)
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        src, out = base / "in", base / "out"
        src.mkdir(parents=True, exist_ok=True)
        for s in sets:
            for k, (name, lines) in enumerate(s.files.items()):
                if args.scans and k > 0:  # the proposal stays born-digital
                    scan = degrade(page_image(lines, 200), seed=SPLITS[args.split] + 7 * s.index + k,
                                   skew=random.Random(s.index * 10 + k).uniform(-1.5, 1.5))
                    scan.save(src / name, "PDF", resolution=200)
                else:
                    text_pdf(lines, src / name)
        run([src], out, Settings(jobs=1, progress=False, write_crops=False))
        result = score(sets, out)
    pd.set_option("display.width", 200)
    print(f"split {args.split}: {result['sets']} sets, {result['documents']} documents"
          + (" (minutes and follow-ups scanned)" if args.scans else ""))
    for key in ("links", "people"):
        print(f"  {key:<7} " + "  ".join(f"{k} {v}" for k, v in result[key].items()))
    print("  mentions " + "  ".join(f"{k} {v}" for k, v in result["mentions"].items()))
    if args.errors:
        for key in ("wrong_links", "missed_links", "missing_mentions"):
            for item in result[key]:
                print(f"  {key}: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
