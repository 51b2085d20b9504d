#!/usr/bin/env python
"""Score the NER model in ``models/ner`` on the GermEval 2014 and German Europarl *test* splits.

Usage (from the repo root, with the project venv)::

    python scripts/eval_ner.py [--model models/ner] [--data ../shared/data/ner-de] [--out models/ner/metrics.json]

Europarl (``SuperGLEBer/data/NER/EuroParl/test.tsv``, 858 sentences, IOB1) is scored the same way:
PER/LOC/ORG exact spans, gold tokens, MISC ignored.

GermEval scoring: outer column of ``SuperGLEBer/data/NER/Wiki_News/test.tsv`` (5,100
sentences), gold tokenisation (the model is run on a Doc built from the gold
tokens), exact span match (start, end and label must all agree), per label
for PER, LOC and ORG plus micro average over the three. Gold ``*deriv`` /
``*part`` / OTH spans are separate classes in GermEval and not scored; a
predicted PER/LOC/ORG span on them counts as a false positive of that label.
Predicted MISC spans are ignored.

Writes ``metrics.json`` (default inside the model directory) and prints a table.
This split is never used for training (see ``scripts/train_ner.py``).
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_ner import EUROPARL_TEST, GERMEVAL_TEST, SCORED, iob_to_spans, predict_spans, read_europarl, score_spans


def read_germeval_raw(path: Path) -> list[tuple[list[str], list[str]]]:
    """GermEval TSV -> (words, outer IOB tags with the *original* labels)."""
    sents, words, tags = [], [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 3 or not cols[0].isdigit():
                if words:
                    sents.append((words, tags))
                    words, tags = [], []
                continue
            words.append(cols[1])
            tags.append(cols[2])
    if words:
        sents.append((words, tags))
    return sents


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=Path("models/ner"))
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ner-de"))
    ap.add_argument("--out", type=Path, default=None, help="default: <model>/metrics.json")
    args = ap.parse_args(argv)

    import spacy

    nlp = spacy.load(args.model)
    sets = {
        "germeval2014_test": ("GermEval 2014 NER test (SuperGLEBer/data/NER/Wiki_News/test.tsv), outer spans, "
                              "exact match, gold tokenisation", read_germeval_raw(args.data / GERMEVAL_TEST)),
        "europarl_test": ("German Europarl NER test (SuperGLEBer/data/NER/EuroParl/test.tsv, Faruqui & Pado 2010), "
                          "exact match, gold tokenisation", read_europarl(args.data / EUROPARL_TEST, mapped=False)),
    }
    results = {}
    for key, (desc, sents) in sets.items():
        gold = [set(iob_to_spans(tags)) for _, tags in sents]  # labels like LOCderiv never match
        t0 = time.time()
        pred = list(predict_spans(nlp, sents))
        secs = time.time() - t0
        res = score_spans(gold, pred, SCORED)
        n_tokens = sum(len(w) for w, _ in sents)
        print(f"{key}: {len(sents)} sentences, {n_tokens} tokens, {n_tokens / secs:,.0f} tokens/s")
        print(f"{'label':6s} {'P':>7s} {'R':>7s} {'F1':>7s} {'gold':>6s} {'pred':>6s}")
        for lab in (*SCORED, "micro"):
            r = res[lab]
            print(f"{lab:6s} {r['p']:7.4f} {r['r']:7.4f} {r['f']:7.4f} "
                  f"{r['tp'] + r['fn']:6d} {r['tp'] + r['fp']:6d}")
        results[key] = {"benchmark": desc, "split": "test", "sentences": len(sents), "tokens": n_tokens,
                        "tokens_per_second": round(n_tokens / secs), "scores": res}

    out = args.out or (args.model / "metrics.json")
    metrics = {
        "date": time.strftime("%Y-%m-%d"),
        "labels": list(SCORED),
        "model": nlp.meta.get("name"),
        "model_version": nlp.meta.get("version"),
        "note": "test splits, read once per final candidate; never used for training or selection",
        **results,
    }
    out.write_text(json.dumps(metrics, indent=1) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
