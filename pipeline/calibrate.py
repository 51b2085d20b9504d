"""Calibrated confidence: the probability that a value is right, per kind of value.

One model per kind (PERSON, CITY, ORG, DATE, DISTRICT, decision, result, doc_date, correction; kinds with
too little training data use the pooled `entity` model): a logistic regression over the value's
`Signals` (standardised), with isotonic scaling on top where it lowered the calibration error on
dev. The fitted numbers are stored as JSON (`models/calibration/calibration.json`, no pickles), with
the review threshold chosen per kind on dev so that ≥ 95 % of wrong values fall below it.
Rebuilt by `scripts/train_calibration.py`.

Monotone by construction where it must be: the coefficients of the OCR confidences, the rule's own
confidence and the repair score are never negative (a surer reading never lowers the probability),
and the isotonic map is non-decreasing. Probabilities are clipped to [0.001, 0.999].
"""
from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .signals import Signals

FILE = Path("calibration") / "calibration.json"
WORDFREQ = Path("calibration") / "wordfreq.tsv"
ENTITY_KINDS = ("PERSON", "CITY", "ORG", "DATE", "DISTRICT")
# features whose coefficient may not be negative: more evidence never makes a value less likely right
NON_NEGATIVE = ("rule_confidence", "ocr_min", "ocr_mean", "ocr_geo", "page_confidence")
NON_POSITIVE = ("repair_gap", "low_words", "page_low_share")
P_MIN, P_MAX = 0.001, 0.999


@dataclass
class KindModel:
    """A fitted calibrator for one kind of value."""

    kind: str
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    iso_x: list[float] = field(default_factory=list)  # isotonic map on the logistic output (empty: none)
    iso_y: list[float] = field(default_factory=list)
    threshold: float = 0.6  # needs_review when the probability is below it
    n_train: int = 0
    wrong_train: int = 0
    # gradient-boosted trees (scikit-learn HistGradientBoosting, monotone constraints) instead of the
    # linear part when present: per tree parallel lists feature / threshold / left / right / value
    trees: list[dict] = field(default_factory=list)

    def _tree_sum(self, v: dict[str, float]) -> float:
        x = [v.get(name, 0.0) for name in self.features]
        z = self.intercept
        for left, right, feature, threshold, value in self._tree_lists():
            i = 0
            while left[i] != 0:
                i = left[i] if x[feature[i]] <= threshold[i] else right[i]
            z += value[i]
        return z

    def _tree_lists(self) -> list[tuple[list, list, list, list, list]]:
        """Each tree's lists, looked up once (the trees are read-only after loading)."""
        key = id(self.trees), len(self.trees)
        cached = self.__dict__.get("_trees_cached")
        if cached is None or cached[0] != key:
            cached = (key, [(t["left"], t["right"], t["feature"], t["threshold"], t["value"]) for t in self.trees])
            self.__dict__["_trees_cached"] = cached
        return cached[1]

    def raw(self, s: Signals) -> float:
        v = s.vector()
        if self.trees:
            z = max(-30.0, min(30.0, self._tree_sum(v)))
            return 1.0 / (1.0 + math.exp(-z))
        z = self.intercept
        for name, m, sc, c in zip(self.features, self.mean, self.scale, self.coef):
            z += c * ((v.get(name, 0.0) - m) / sc)
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))

    def probability(self, s: Signals) -> float:
        p = self.raw(s)
        if self.iso_x:
            p = _interp(p, self.iso_x, self.iso_y)
        return min(P_MAX, max(P_MIN, p))

    def to_json(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, d: dict) -> "KindModel":
        m = cls(**d)
        if not (len(m.features) == len(m.mean) == len(m.scale) == len(m.coef)):
            raise ValueError(f"calibrator {m.kind}: feature lists differ in length")
        if any(b < a for a, b in zip(m.iso_y, m.iso_y[1:])) or len(m.iso_x) != len(m.iso_y):
            raise ValueError(f"calibrator {m.kind}: isotonic map is not non-decreasing")
        return m


def _interp(x: float, xs: list[float], ys: list[float]) -> float:
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    i = bisect.bisect_right(xs, x)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)


@dataclass
class Calibrator:
    models: dict[str, KindModel]
    provenance: dict = field(default_factory=dict)

    def model_for(self, kind: str) -> Optional[KindModel]:
        if kind in self.models:
            return self.models[kind]
        if kind in ENTITY_KINDS or kind not in ("decision", "result", "doc_date", "correction"):
            return self.models.get("entity")
        return None

    def probability(self, s: Signals) -> Optional[float]:
        m = self.model_for(s.kind)
        return None if m is None else m.probability(s)

    def threshold(self, kind: str, default: float) -> float:
        m = self.model_for(kind)
        return default if m is None else m.threshold

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"provenance": self.provenance, "models": {k: m.to_json() for k, m in sorted(self.models.items())}}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Calibrator":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls({k: KindModel.from_json(v) for k, v in data["models"].items()}, data.get("provenance", {}))


@lru_cache(maxsize=4)
def load(models_dir: str) -> Optional[Calibrator]:
    """The saved calibrator, or None when the models folder has none (then rule confidences stand)."""
    path = Path(models_dir) / FILE
    return Calibrator.load(path) if path.exists() else None


@lru_cache(maxsize=4)
def load_wordfreq(models_dir: str) -> dict[str, int]:
    path = Path(models_dir) / WORDFREQ
    out: dict[str, int] = {}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                tok, _, n = line.rstrip("\n").partition("\t")
                if n.isdigit():
                    out[tok] = int(n)
    return out


PRIOR = Path("calibration") / "value_prior.tsv"


@lru_cache(maxsize=4)
def load_prior(models_dir: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(label, lower-cased value) -> (right, wrong) judgements (training truth and reviewers' answers)."""
    path = Path(models_dir) / PRIOR
    out: dict[tuple[str, str], tuple[int, int]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
                out[(parts[0], parts[1])] = (int(parts[2]), int(parts[3]))
    return out


def save_prior(path: Path, prior: dict[tuple[str, str], tuple[int, int]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{lab}\t{val}\t{r}\t{w}\n" for (lab, val), (r, w) in sorted(prior.items()) if "\t" not in val
             and "\n" not in val]
    path.write_text("".join(lines), encoding="utf-8")


MODEL_ONLY = Path("calibration") / "model_only.json"


@lru_cache(maxsize=4)
def load_model_only(models_dir: str) -> dict[str, float]:
    """kind -> the probability cap of a name only the NER model found, as measured on real council text
    (scripts/measure_model_only.py); empty when the file is missing."""
    path = Path(models_dir) / MODEL_ONLY
    if not path.exists():
        return {}
    return {k: float(v["cap"]) for k, v in json.loads(path.read_text(encoding="utf-8"))["kinds"].items()}


@lru_cache(maxsize=4)
def load_given_names(models_dir: str) -> frozenset[str]:
    path = Path(models_dir) / "gazetteer" / "given_names.txt"
    if not path.exists():
        return frozenset()
    return frozenset(ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()
                     if ln.strip() and not ln.startswith("#"))


# ----------------------------------------------------------------------------- fitting (training script)

def fit_kind(kind: str, signals: list[Signals], right: list[bool], features: Optional[list[str]] = None,
             c: float = 0.5) -> KindModel:
    """A logistic regression on standardised signals, sign constraints enforced by refitting without
    the offending features."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = features or sorted(signals[0].vector())
    X = np.array([[s.vector().get(n, 0.0) for n in names] for s in signals], dtype=float)
    y = np.array(right, dtype=int)
    keep = [i for i in range(len(names)) if X[:, i].std() > 1e-9]
    for _ in range(len(names)):
        Xk = X[:, keep]
        mean, scale = Xk.mean(axis=0), Xk.std(axis=0)
        scale[scale < 1e-9] = 1.0
        if len(set(y)) < 2:
            coef, icpt = np.zeros(len(keep)), math.log((y.mean() + 0.01) / (1.01 - y.mean()))
            break
        lr = LogisticRegression(C=c, max_iter=2000).fit((Xk - mean) / scale, y)
        coef, icpt = lr.coef_[0], float(lr.intercept_[0])
        bad = [j for j, i in enumerate(keep) if (names[i] in NON_NEGATIVE and coef[j] < 0)
               or (names[i] in NON_POSITIVE and coef[j] > 0)]
        if not bad:
            break
        keep = [i for j, i in enumerate(keep) if j not in bad]
    return KindModel(kind=kind, features=[names[i] for i in keep], mean=[float(v) for v in mean],
                     scale=[float(v) for v in scale], coef=[float(v) for v in coef], intercept=float(icpt),
                     n_train=len(y), wrong_train=int((1 - y).sum()))


def fit_trees(kind: str, signals: list[Signals], right: list[bool], features: Optional[list[str]] = None,
              max_iter: int = 150, seed: int = 0) -> KindModel:
    """Gradient-boosted trees with monotone constraints (OCR confidences and the rule's confidence
    only ever raise the probability; low words, repair gap and the page's low share only lower it)."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    names = features or sorted(signals[0].vector())
    X = np.array([[s.vector().get(n, 0.0) for n in names] for s in signals], dtype=float)
    y = np.array(right, dtype=int)
    cst = [1 if n in NON_NEGATIVE else (-1 if n in NON_POSITIVE else 0) for n in names]
    gb = HistGradientBoostingClassifier(max_iter=max_iter, learning_rate=0.05, max_depth=3, min_samples_leaf=10,
                                        l2_regularization=1.0, monotonic_cst=cst, random_state=seed,
                                        early_stopping=False).fit(X, y)
    trees = []
    for (pred,) in gb._predictors:
        nd = pred.nodes
        trees.append({"feature": [int(v) for v in nd["feature_idx"]],
                      "threshold": [float(v) for v in nd["num_threshold"]],
                      "left": [int(v) if not leaf else 0 for v, leaf in zip(nd["left"], nd["is_leaf"])],
                      "right": [int(v) if not leaf else 0 for v, leaf in zip(nd["right"], nd["is_leaf"])],
                      "value": [float(v) for v in nd["value"]]})
    m = KindModel(kind=kind, features=names, mean=[0.0] * len(names), scale=[1.0] * len(names),
                  coef=[0.0] * len(names), intercept=float(np.ravel(gb._baseline_prediction)[0]), trees=trees,
                  n_train=len(y), wrong_train=int((1 - y).sum()))
    check = gb.predict_proba(X[:50])[:, 1]
    mine = np.array([m.raw(s) for s in signals[:50]])
    if np.abs(check - mine).max() > 1e-6:
        raise AssertionError("stored trees do not reproduce scikit-learn's probabilities")
    return m


def fit_isotonic(model: KindModel, signals: list[Signals], right: list[bool], points: int = 20) -> None:
    """Isotonic scaling of the logistic output (stored as a short non-decreasing map)."""
    import numpy as np
    from sklearn.isotonic import IsotonicRegression

    raw = np.array([model.raw(s) for s in signals])
    iso = IsotonicRegression(y_min=P_MIN, y_max=P_MAX, out_of_bounds="clip").fit(raw, np.array(right, dtype=float))
    xs = np.unique(np.quantile(raw, np.linspace(0, 1, points)))
    ys = np.maximum.accumulate(iso.predict(xs))
    model.iso_x, model.iso_y = [float(v) for v in xs], [float(v) for v in ys]


def expected_calibration_error(probs: list[float], right: list[bool], bins: int = 10) -> Optional[float]:
    """Mean |accuracy − confidence| over equal-width bins, weighted by the bin's share of values."""
    if not probs:
        return None
    acc = [[0, 0.0, 0.0] for _ in range(bins)]
    for p, r in zip(probs, right):
        b = min(bins - 1, int(p * bins))
        acc[b][0] += 1
        acc[b][1] += p
        acc[b][2] += float(r)
    n = len(probs)
    return sum(abs(a[2] - a[1]) for a in acc if a[0]) / n


def choose_threshold(probs: list[float], right: list[bool], wrong_share: float = 0.95) -> float:
    """The lowest threshold under which at least `wrong_share` of the wrong values fall."""
    wrong = sorted(p for p, r in zip(probs, right) if not r)
    if not wrong:
        return min(probs) if probs else 0.0
    k = math.ceil(wrong_share * len(wrong)) - 1
    return float(wrong[k]) + 1e-6


def allocate_thresholds(per_kind: dict[str, list[tuple[float, bool]]], wrong_share: float = 0.95) -> dict[str, float]:
    """One threshold per kind, chosen together so that at least `wrong_share` of ALL the wrong values
    fall below their kind's threshold with the fewest values flagged in all.

    One threshold for every kind is the best queue when every kind's probabilities are equally well
    calibrated. They are not: a kind whose values are nearly all right (decision rows) piles up just
    under a pooled threshold, and flagging them buys few wrong values per flag. Here each kind's
    choices (flag its k least probable values, k = 0 … n) form a curve of (flags, wrong caught); the
    steps of every kind's upper convex hull are taken in order of wrong values caught per flag,
    steepest first, until the share is reached. Ties in probability move together (a threshold
    cannot split them)."""
    steps: list[tuple[float, int, str, int, int]] = []  # (-slope, order, kind, flags after, caught after)
    total_wrong = sum(not r for vals in per_kind.values() for _, r in vals)
    if total_wrong == 0:
        return {k: 0.0 for k in per_kind}
    cuts: dict[str, list[float]] = {}
    order = 0
    for kind, vals in per_kind.items():
        vals = sorted(vals, key=lambda v: v[0])
        # points after each group of equal probability: (flags, caught, threshold that flags exactly them)
        pts = [(0, 0, 0.0)]
        i = 0
        while i < len(vals):
            j = i
            while j < len(vals) and vals[j][0] == vals[i][0]:
                j += 1
            caught = pts[-1][1] + sum(not r for _, r in vals[i:j])
            nxt = vals[j][0] if j < len(vals) else vals[j - 1][0] + 1e-6
            pts.append((j, caught, (vals[j - 1][0] + nxt) / 2 if j < len(vals) else nxt))
            i = j
        hull = [pts[0]]  # upper concave hull of the curve, from (0, 0)
        for p in pts[1:]:
            while len(hull) >= 2 and (hull[-1][1] - hull[-2][1]) * (p[0] - hull[-2][0]) <= (p[1] - hull[-2][1]) * (hull[-1][0] - hull[-2][0]):
                hull.pop()
            hull.append(p)
        cuts[kind] = [0.0]
        for a, b in zip(hull, hull[1:]):
            if b[1] == a[1]:
                break  # the rest of the curve catches nothing more
            cuts[kind].append(b[2])
            steps.append((-(b[1] - a[1]) / (b[0] - a[0]), order, kind, b[0], b[1]))
            order += 1
    need = math.ceil(wrong_share * total_wrong)
    taken: dict[str, int] = {k: 0 for k in per_kind}
    caught = 0
    last_caught: dict[str, int] = {k: 0 for k in per_kind}
    for _, _, kind, _, c in sorted(steps):
        if caught >= need:
            break
        caught += c - last_caught[kind]
        last_caught[kind] = c
        taken[kind] += 1
    return {k: cuts[k][taken[k]] for k in per_kind}
