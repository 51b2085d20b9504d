#!/usr/bin/env python3
"""How often a name the NER model alone found is right on real council text -> models/calibration/model_only.json.

    python scripts/measure_model_only.py [--out models/calibration/model_only.json]

Why (issue 16): the calibrator is fitted mostly on generated documents, whose names the model finds
alongside a rule or gazetteer; a PERSON or ORG that only the model found is rare there, and the fitted trees
put such values at 0.99 on real text ('Sozialdienst Kath.' 0.997, train6). The review stage therefore caps
a model-only name's probability at the rate measured here and always flags it (pipeline/review.py).

Data: the real-gold train parts (tests/real_gold, train ... train7), born-digital text through the extraction
stage (evaluation.real_gold.predict). Never the check half (reported only) nor the tune half (the calibrator's
dev). A model-only value is right when the document's gold holds the same label and value (multiset).
The cap is the Laplace-smoothed share right: (right + 1) / (n + 2).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation import real_gold as rg  # noqa: E402

PARTS = ("train", "train2", "train3", "train4", "train5", "train6", "train7")
KINDS = ("PERSON", "ORG")


def measure(parts=PARTS) -> dict:
    counts = {k: Counter() for k in KINDS}
    docs: dict[str, set] = {k: set() for k in KINDS}
    for part in parts:
        for doc in rg.load_gold(part):
            pred = rg.predict(doc.text)
            for kind in KINDS:
                if kind not in doc.labels:
                    continue
                gold = Counter(rg.norm_value(e["value"]) for e in doc.entities if e["label"] == kind)
                rule_found = Counter(rg.norm_value(e["value"]) for e in pred
                                     if e["label"] == kind and e["source"] != "model")
                left = gold - rule_found  # gold values the rules already took
                for e in pred:
                    if e["label"] == kind and e["source"] == "model":
                        v = rg.norm_value(e["value"])
                        ok = left[v] > 0
                        if ok:
                            left[v] -= 1
                        counts[kind]["right" if ok else "wrong"] += 1
                        docs[kind].add(f"{doc.set}/{doc.doc_id}")
    out = {}
    for kind in KINDS:
        r, w = counts[kind]["right"], counts[kind]["wrong"]
        out[kind] = {"right": r, "wrong": w, "documents": len(docs[kind]), "cap": round((r + 1) / (r + w + 2), 3)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "calibration" / "model_only.json")
    args = ap.parse_args(argv)
    kinds = measure()
    payload = {"provenance": {"data": "tests/real_gold parts " + ", ".join(PARTS) + " (born-digital council text, "
                                      "hand-annotated), extraction stage of this commit",
                              "date": dt.date.today().isoformat(), "rule": "cap = (right + 1) / (right + wrong + 2)"},
               "kinds": kinds}
    args.out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(kinds, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
