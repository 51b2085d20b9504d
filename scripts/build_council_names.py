#!/usr/bin/env python3
"""Surnames real council texts spell with letters the German OCR model drops -> models/gazetteer/council_names.tsv.

    python scripts/build_council_names.py [--data ../shared/data] [--out models/gazetteer/council_names.tsv]

Why: Tesseract's German model reads `Stadtrat Johannes Honné` as `Honne` and `Tom Høyem` as `Hoyem` (real
gold rendered as scans: 15 such misses in the 87 train-part documents, evaluation/real_gold_pipeline.py). A
given-name list cannot help (surnames are an open class), but the council's own born-digital texts spell its
members right, again and again. This script lists the surnames written there right after a given name, an
honorific or a council role (`Johannes Honné`, `Herrn Høyem`, `Stadtrat Honné`) that hold a letter outside
ASCII and the German umlauts, in at least ``--min-docs`` documents; the correction stage
(`pipeline/correct/strategies.py: accented_surname`) puts the letters back into an OCR reading that is the
same name without them.

Input: the same texts as scripts/build_council_words.py (the council corpus minus every document annotated in
tests/real_gold/council-corpus, and the *train*-split protocols): no dev or test protocol, no annotated
document. Columns: ``surname`` (as written), ``plain`` (without its accents: the key OCR readings meet),
``mentions``, ``documents``. Sorted; a rebuild gives the same bytes.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from build_council_words import council_texts  # noqa: E402

from pipeline.correct.model import fold_accents  # noqa: E402

CUES = frozenset({"Herr", "Herrn", "Frau", "Stadtrat", "Stadträtin", "Stadträte", "Dr.", "Prof.", "Kollege",
                  "Kollegin", "Bürgermeister", "Bürgermeisterin", "Ortsvorsteher", "Ortsvorsteherin"})
# the name in a lookahead, so that it can be the cue of the next pair ('Stadtrat Johannes Honné')
PAIR = re.compile(r"(?<![\w.])([A-ZÄÖÜ][\w.ÄÖÜäöüß-]*)[ \t]+(?=([A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'-]+))")
GERMAN = set("ÄÖÜäöüß")


def surnames(texts: list[str], given: set[str], min_docs: int = 2) -> list[tuple[str, str, int, int]]:
    """(surname, plain, mentions, documents) of the accented surnames after a person cue."""
    mentions: Counter = Counter()
    docs: dict[str, set[int]] = defaultdict(set)
    for i, text in enumerate(texts):
        for m in PAIR.finditer(text):
            cue, name = m.groups()
            if cue not in CUES and cue not in given:
                continue
            name = name.rstrip("-'")
            if len(name) < 3 or not any(not c.isascii() and c not in GERMAN for c in name):
                continue
            mentions[name] += 1
            docs[name].add(i)
    rows = [(s, fold_accents(s), mentions[s], len(docs[s])) for s in mentions if len(docs[s]) >= min_docs]
    return sorted(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "gazetteer" / "council_names.tsv")
    ap.add_argument("--min-docs", type=int, default=2)
    a = ap.parse_args(argv)
    given = {x for x in (ROOT / "models" / "gazetteer" / "given_names.txt").read_text(encoding="utf-8").split("\n")
             if x and not x.startswith("#")}
    rows = surnames(council_texts(a.data), given, a.min_docs)
    lines = ["# written by scripts/build_council_names.py: accented surnames of the council's own texts",
             "surname\tplain\tmentions\tdocuments"] + [f"{s}\t{p}\t{n}\t{d}" for s, p, n, d in rows]
    a.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} surnames -> {a.out}")
    for r in rows:
        print("  ", *r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
