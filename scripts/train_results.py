#!/usr/bin/env python
"""Train the result-category model of ``pipeline/extract/results.py`` (``models/results/``).

Usage (from the repo root, with the project venv)::

    python scripts/train_results.py                 # train with the chosen settings, write the model
    python scripts/train_results.py --select        # the settings grid, scored on dev (to choose by)

Data: ../shared/data/karlsruhe-protocols (``RATSAKTEN_SHARED`` points elsewhere), **train split only**
for fitting; dev only scores the settings grid and the final model; test is never read here.

One example per train protocol: the item's own result statement (the primary part of it, with its
label), the Beschluss text, the debate around it and the rule readings, as ``results.features``
computes them at run time. Each protocol is also seen as ``--noise-copies`` copies with synthetic
OCR noise (evaluation/ocr_noise.py), parsed again from the noisy text, so the n-grams of damaged
words are learnt too; and once more without its statement (weight ``--dropout``), so that a page
whose "Abstimmungsergebnis" OCR lost still gets its result from the Beschluss text and the debate.

The learner is scikit-learn's multinomial LogisticRegression over a DictVectorizer. The fitted
weights are written as plain JSON (feature → one weight per class), with a temperature fitted on
out-of-fold predictions of a 5-fold split of train grouped by meeting, so that the probability is
calibrated. Deterministic: no randomness but the seeded noise.
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

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from evaluation import karlsruhe_protocols as kp
from evaluation.ocr_noise import add_noise
from pipeline.extract import results as res
from pipeline.extract.protocol import parse_protocol

CLASSES = list(res.CATEGORIES)
# chosen with --select on dev (see models/results/metrics.json, "selection")
DEFAULTS = {"C": 3.0, "class_weight": None, "noise_copies": 2, "noise_level": 0.03, "dropout": 0.5, "min_df": 2}


def protocol_examples(row: dict, data: Path, noise_copies: int, noise_level: float) -> list[tuple[dict, float, bool]]:
    """(features, weight, is_original) for one train protocol and its noisy copies."""
    fid = kp.file_id(row)
    text = (data / row["file"]).read_text(encoding="utf-8")
    variants = [(text, True)]
    for k in range(noise_copies):
        variants.append((add_noise(text, seed=int(fid) * 31 + k, level=noise_level), False))
    out = []
    for variant, original in variants:
        proto = parse_protocol(variant, model=False)
        r = proto.result
        if r is None:
            continue
        st, b, c = r.inputs
        out.append((res.features(st, b, c, rule=r.rule_result, votes=res.parse_votes(st)), 1.0, original))
        if original:
            out.append((res.features("", b, c, rule=None, votes=res.Votes()), -1.0, False))  # dropout copy
    return out


def build(rows: list[dict], data: Path, cfg: dict) -> tuple[list[dict], list[str], list[float], list[bool], list[str]]:
    feats, labels, weights, original, groups = [], [], [], [], []
    for row in rows:
        for f, w, orig in protocol_examples(row, data, cfg["noise_copies"], cfg["noise_level"]):
            if w < 0:
                if not cfg["dropout"]:
                    continue
                w = cfg["dropout"]
            feats.append(f)
            labels.append(row["category"].lower())
            weights.append(w)
            original.append(orig)
            groups.append(row["meeting_date"])
    return feats, labels, weights, original, groups


def prune(feats: list[dict], original: list[bool], min_df: int) -> list[dict]:
    df: Counter = Counter()
    for f, o in zip(feats, original):
        if o:
            df.update(f.keys())
    keep = {k for k, v in df.items() if v >= min_df}
    return [{k: v for k, v in f.items() if k in keep} for f in feats]


def fit(feats: list[dict], labels: list[str], weights: list[float], cfg: dict) -> tuple[DictVectorizer, LogisticRegression]:
    vec = DictVectorizer(sort=True)
    X = vec.fit_transform(feats)
    clf = LogisticRegression(C=cfg["C"], class_weight=cfg["class_weight"], max_iter=5000)
    clf.fit(X, labels, sample_weight=np.asarray(weights))
    return vec, clf


def to_model(vec: DictVectorizer, clf: LogisticRegression, temperature: float, cfg: dict) -> res.ResultModel:
    classes = list(clf.classes_)
    coef = clf.coef_
    if coef.shape[0] == 1:  # two classes only: sklearn stores one row
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
    # every category gets a column, also those train never shows (they get no evidence)
    full = [c for c in CLASSES if c in classes] + [c for c in CLASSES if c not in classes]
    idx = {c: classes.index(c) for c in classes}
    weights = {}
    for j, name in enumerate(vec.feature_names_):
        w = [float(coef[idx[c], j]) if c in idx else 0.0 for c in full]
        if max(abs(x) for x in w) >= 1e-3:
            weights[name] = [round(x, 4) for x in w]
    icpt = clf.intercept_ if len(clf.intercept_) == len(classes) else np.array([-clf.intercept_[0] / 2,
                                                                                 clf.intercept_[0] / 2])
    intercept = [round(float(icpt[idx[c]]), 4) if c in idx else -20.0 for c in full]
    return res.ResultModel(full, intercept, weights, temperature, dict(cfg))


def oof_temperature(feats, labels, weights, original, groups, cfg) -> tuple[float, float, float]:
    """Temperature minimising the NLL of out-of-fold predictions on the original train examples."""
    feats, labels, weights = list(feats), list(labels), list(weights)
    n_groups = len(set(groups))
    gkf = GroupKFold(n_splits=min(5, n_groups))
    logits, gold = [], []
    for tr, te in gkf.split(feats, labels, groups):
        vec, clf = fit([feats[i] for i in tr], [labels[i] for i in tr], [weights[i] for i in tr], cfg)
        te = [i for i in te if original[i]]
        if not te:
            continue
        X = vec.transform([feats[i] for i in te])
        dec = clf.decision_function(X)
        for row, i in zip(dec, te):
            full = {c: -20.0 for c in CLASSES}
            if np.ndim(row) == 0:
                full[clf.classes_[0]], full[clf.classes_[1]] = -row / 2, row / 2
            else:
                for c, v in zip(clf.classes_, row):
                    full[c] = float(v)
            logits.append([full[c] for c in CLASSES])
            gold.append(CLASSES.index(labels[i]))
    L = np.asarray(logits)
    y = np.asarray(gold)
    acc = float((L.argmax(1) == y).mean())

    def nll(t: float) -> float:
        z = L / t
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    grid = [round(0.25 + 0.05 * k, 2) for k in range(56)]  # 0.25 … 3.0
    best = min(grid, key=nll)
    return best, acc, nll(best)


def train(cfg: dict, data: Path, with_temperature: bool = True) -> tuple[res.ResultModel, dict]:
    rows = kp.load_gold("train", data)
    feats, labels, weights, original, groups = build(rows, data, cfg)
    feats = prune(feats, original, cfg["min_df"])
    info: dict = {"n_protocols": len(rows), "n_examples": len(feats), "labels": dict(Counter(
        lab for lab, o in zip(labels, original) if o))}
    t = 1.0
    if with_temperature:
        t, cv_acc, cv_nll = oof_temperature(feats, labels, weights, original, groups, cfg)
        info.update({"cv5_category_accuracy": round(cv_acc, 4), "cv5_nll_at_temperature": round(cv_nll, 4)})
    vec, clf = fit(feats, labels, weights, cfg)
    model = to_model(vec, clf, t, cfg)
    info["temperature"] = t
    info["n_features"] = len(model.weights)
    return model, info


def dev_scores(model: res.ResultModel | bool, data: Path, noise: float = 0.0) -> dict:
    return kp.as_dict(kp.evaluate("dev", model=model, noise=noise, data=data))


def select(data: Path) -> list[dict]:
    grid = []
    for C in (0.3, 1.0, 3.0, 10.0):
        for cw in (None, "balanced"):
            for copies in (0, 2):
                for dropout in (0.0, 0.5):
                    cfg = dict(DEFAULTS, C=C, class_weight=cw, noise_copies=copies, dropout=dropout)
                    model, _ = train(cfg, data, with_temperature=False)
                    clean = dev_scores(model, data)["category"]["score"]
                    noisy = dev_scores(model, data, noise=0.03)["category"]["score"]
                    row = {"C": C, "class_weight": cw, "noise_copies": copies, "dropout": dropout,
                           "dev_category": clean, "dev_category_noise_0.03": noisy}
                    print(json.dumps(row), flush=True)
                    grid.append(row)
    return grid


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=kp.data_dir())
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "results")
    ap.add_argument("--select", action="store_true", help="score the settings grid on dev; write nothing")
    ap.add_argument("--C", type=float, default=DEFAULTS["C"])
    ap.add_argument("--noise-copies", type=int, default=DEFAULTS["noise_copies"])
    ap.add_argument("--dropout", type=float, default=DEFAULTS["dropout"])
    args = ap.parse_args(argv)
    if args.select:
        grid = select(args.data)
        (args.out / "selection.json").write_text(json.dumps(grid, indent=1), encoding="utf-8")
        return 0
    cfg = dict(DEFAULTS, C=args.C, noise_copies=args.noise_copies, dropout=args.dropout)
    model, info = train(cfg, args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    payload = {"format": "ratsakten-result-model/1", "classes": model.classes, "intercept": model.intercept,
               "temperature": model.temperature, "config": cfg, "weights": dict(sorted(model.weights.items()))}
    (args.out / "model.json").write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                                         encoding="utf-8")
    metrics = {
        "dataset": "karlsruhe-protocols (github.com/maxliesegang/karlsruhe-oparl-syndication @ 71162e4f69)",
        "trained_on": "train", "date": dt.date.today().isoformat(), "config": cfg, "train": info,
        "scores": {"dev": dev_scores(model, args.data), "dev_ocr_noise_0.03": dev_scores(model, args.data, 0.03),
                   "dev_rules_only": dev_scores(False, args.data)},
        "note": "dev scored the settings grid (selection.json) and this model; test is scored once, "
                "by evaluation/karlsruhe_protocols.py --split test, and never fed back",
    }
    sel = args.out / "selection.json"
    if sel.exists():
        metrics["selection"] = json.loads(sel.read_text(encoding="utf-8"))
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: metrics[k] for k in ("train", "scores")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

