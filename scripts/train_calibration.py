"""Train the confidence calibrator (pipeline/calibrate.py) and choose its review threshold.

Training data with truth that is not the test:
  * generated documents with fresh seeds and harder, varied damage (never the committed samples,
    never the fresh test set), made by the commands in GENERATED below and each run through the
    pipeline (``cli.py run DIR --out OUT``); the script reads the finished documents from the run's
    cache (``OUT/.cache/*.pkl``) and the truth beside the inputs;
  * the hand-annotated real documents ``tests/real_gold`` (born-digital Karlsruhe text), *tune* half
    only (``tests/real_gold/split.json``), alternately to fitting (weighted REAL_WEIGHT) and to dev;
    the *check* half is only reported (``scripts/report_calibration.py``); with ``--real-train-weight W``
    also the train parts written for rules (``train``, ``train2``, ``train3``, ``train4``: 87 documents) to
    fitting and to the value prior (leave one document out). The committed model has W = 0: W = 1 with
    train4 was chosen on dev (all dev 20.9 -> 20.3 % flagged at 97 % caught) but on the real-gold check half it
    flagged 97.8 % of the cities (46.9 % of all values, ECE 0.100, was 25.6 % / 0.021), the failure an earlier
    try with the train part showed; it was not kept (README, "Real train parts in the calibrator");
  * optionally reviewers' answers (``scripts/export_answers.py``), added to training.

Per kind a logistic regression, or gradient-boosted trees where they rank dev better, is fitted on
train; isotonic scaling is added where it lowers the calibration error on dev (two-fold on dev);
a value prior (how often the same label and value was wrong in the *other* training documents) is
one of the signals. The review thresholds are chosen on dev so that ≥ 97 % of all dev's wrong values
fall below them (a margin over the 95 % goal): one threshold for every kind, or one per kind chosen
together (``calibrate.allocate_thresholds``), whichever holds up two-fold on dev (``--thresholds auto``,
the default; ``pooled`` / ``allocate`` force one); ``--thresholds-only`` re-chooses the thresholds of
the saved models on dev alone. Output: ``models/calibration/calibration.json``
(with provenance and dev figures) and ``value_prior.tsv``.

    python scripts/train_calibration.py --train-out /tmp/cal/out_train /tmp/cal/out_train2 \
        --train-truth /tmp/cal/gen_train /tmp/cal/gen_train2 --dev-out /tmp/cal/out_dev /tmp/cal/out_dev2 \
        --dev-truth /tmp/cal/gen_dev /tmp/cal/gen_dev2 [--real-train-weight W] [--answers OUT/calibration_answers.jsonl ...]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import pickle
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from evaluation.samples import (  # noqa: E402
    load_truth,
    match_values,
    norm_value,
    norm_ws,
    score_corrections,
    score_decisions,
)
from pipeline import calibrate  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.lexicon import load_lexicon  # noqa: E402
from pipeline.records import DocumentResult, Page, Word, number_rows  # noqa: E402
from pipeline.signals import Signals, collect, page_signals, set_prior, value_key  # noqa: E402
from pipeline.tables import rows as table_rows  # noqa: E402

MODELS = ROOT / "models"
MIN_KIND = 60  # values (and 8 wrong ones) a kind needs for a model of its own; else the pooled one
MIN_WRONG = 8
TARGET = 0.97
THRESHOLDS = "auto"  # pooled or per-kind allocated, and the target, chosen two-fold on dev (_choose_method)
REAL_WEIGHT = 10  # each real tune example counts this many times (they are few, and unlike the generated)
REAL_TRAIN_PARTS = ("train", "train2", "train3", "train4")  # the real_gold parts written for rules (issue 15)
POOR_CER = 0.10  # a page worse than this is "poor text"

Example = tuple[Signals, bool]
GENERATED = {  # how the generated sets of the committed model were made (see the module docstring)
    "train": ["samples/generate.py --out /tmp/cal/gen_train --n 80 --seed 1601 --damages light,medium,hard,hard,severe",
              "samples/generate.py --out /tmp/cal/gen_train2 --n 100 --seed 1604 --damages light,medium,hard,hard,severe"],
    "dev": ["samples/generate.py --out /tmp/cal/gen_dev --n 40 --seed 1602 --damages light,medium,hard,hard,severe",
            "samples/generate.py --out /tmp/cal/gen_dev2 --n 60 --seed 1605 --damages light,medium,hard,hard,severe"],
    "test (never trained or tuned on)": ["samples/generate.py --out /tmp/cal/gen_test --n 30 --seed 1603 "
                                         "--damages light,medium,hard,hard,severe"],
}


def load_results(out_dir: Path) -> list[DocumentResult]:
    out = []
    for p in sorted((out_dir / ".cache").glob("*.pkl")):
        with p.open("rb") as fh:
            out.append(pickle.load(fh))
    return out


def _cer(a: str, b: str) -> float:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(norm_ws(a), norm_ws(b)) / max(1, len(norm_ws(b)))


def label_generated(results: list[DocumentResult], truth: dict[str, dict],
                    keys: list | None = None) -> dict[str, list[Example]]:
    """(signals, right) per kind, for documents whose truth is known. Matching as the evaluation does,
    but rows in reading order (not flagged last): a label must not depend on the flag it trains."""
    wf, lex = calibrate.load_wordfreq(str(MODELS)), load_lexicon(str(MODELS))
    given = calibrate.load_given_names(str(MODELS))
    out: dict[str, list[Example]] = defaultdict(list)
    by_name = {Path(r.source_file.replace("\\", "/")).name: r for r in results}
    for fname, tr in truth.items():
        r = by_name.get(fname)
        if r is None or r.status != "ok":
            continue
        collect(r, wf, lex, given)
        t = table_rows([r])
        for lab in ("DATE", "PERSON", "CITY", "ORG", "DISTRICT"):
            idx = [i for i, e in enumerate(r.entities) if e.label == lab]
            pred = [(i, norm_value(r.entities[i].value)) for i in idx]
            matched, _ = match_values(pred, [norm_value(e["value"]) for e in tr["entities"] if e["label"] == lab], lab)
            for i in idx:
                out[lab].append((r.entities[i].signals, i in matched))
                if keys is not None:
                    keys.append((fname, value_key(lab, r.entities[i].value), r.entities[i].signals, i in matched))
        ds = score_decisions(t["decisions"], tr.get("decisions") or [])
        for i, d in enumerate(r.decisions):
            out["decision"].append((d.signals, i not in ds["wrong_rows"]))
        if r.fields.doc_date is not None:
            out["doc_date"].append((r.fields.doc_date_signals,
                                    norm_value(r.fields.doc_date) == norm_value(tr.get("doc_date"))))
        pages = {p["page"]: p for p in t["pages"]}
        cs = score_corrections(t["corrections"], tr, pages)
        for i, right in cs["verdicts"].items():
            c = r.corrections[i]
            if c.source != "learned":
                out["correction"].append((c.signals, right))
        true_pages = {int(p["page"]): p["text"] for p in tr["pages"]}
        for p in r.pages:
            if p.source == "ocr" and p.number in true_pages:
                mean, low, n = page_signals(p)
                s = Signals(kind="page", rule_confidence=mean, page_ocr=True, page_confidence=mean,
                            page_low_share=low, page_words=n, n_words=n)
                out["page"].append((s, _cer(p.text, true_pages[p.number]) <= POOR_CER))
    return out


def text_page(text: str, number: int = 1) -> Page:
    """A born-digital page from plain text: one word per whitespace token, lines kept."""
    words = []
    for n, line in enumerate(text.split("\n")):
        for tok in line.split():
            words.append(Word(tok, None, 1.0, "text", line=n, block=0))
    return Page(number, words, "text").render()


def real_gold_docs(which: str) -> list[tuple[str, str, dict]]:
    """(set, text, gold) for the real_gold documents of one half ('tune', 'check') or of the train part."""
    split = json.loads((ROOT / "tests" / "real_gold" / "split.json").read_text(encoding="utf-8"))
    data = ROOT.parent / "shared" / "data"
    if not data.exists():
        data = Path("/work/shared/data")
    corpus = None
    out = []
    for setname, halves in split["sets"].items():
        for name in halves.get(which, []):
            gold = json.loads((ROOT / "tests" / "real_gold" / setname / f"{name}.json").read_text(encoding="utf-8"))
            if gold.get("line") is not None:
                if corpus is None:
                    with gzip.open(data / "karlsruhe-protocols" / "council-corpus.jsonl.gz", "rt",
                                   encoding="utf-8") as fh:
                        corpus = [json.loads(line)["text"] for line in fh]
                text = corpus[int(gold["line"])]
            else:
                text = (data / gold["source"]).read_text(encoding="utf-8")
            out.append((setname, text, gold))
    return out


def label_real(docs: list[tuple[str, str, dict]], settings: Settings,
               decide: bool = False) -> tuple[dict[str, list[Example]], list]:
    """Entities of real born-digital text against the hand-annotated gold (multiset per label).
    With `decide`, the review stage runs too and the second value is [(kind, confidence, flagged, right)]."""
    from pipeline.extract import extract_document
    from pipeline.extract import nlp as nlp_mod

    nlp = nlp_mod.load(str(settings.models_dir))
    wf, lex = calibrate.load_wordfreq(str(MODELS)), load_lexicon(str(MODELS))
    given = calibrate.load_given_names(str(MODELS))
    out: dict[str, list[Example]] = defaultdict(list)
    results = []
    for k, (setname, text, gold) in enumerate(docs):
        page = text_page(text)
        r = DocumentResult(doc_id=f"real{k:03d}", source_file=f"{setname}/{gold.get('line') or gold['source']}",
                           path="", sha256="", pages=[page])
        r.entities, r.decisions, r.fields = extract_document([page], nlp, settings)
        number_rows(r)
        collect(r, wf, lex, given)
        if decide:
            from pipeline import review

            review.decide(r, settings)
        for lab in ("DATE", "PERSON", "CITY", "ORG", "DISTRICT"):
            if lab not in gold.get("labels", [lab]):  # a file annotated for some labels only
                continue
            idx = [i for i, e in enumerate(r.entities) if e.label == lab]
            matched, _ = match_values([(i, norm_value(r.entities[i].value)) for i in idx],
                                      [norm_value(e["value"]) for e in gold["entities"] if e["label"] == lab], lab)
            for i in idx:
                e = r.entities[i]
                out[lab].append((e.signals, i in matched))
                if decide:
                    results.append((lab, e.confidence, e.needs_review, i in matched))
    return out, results


def build_prior(train_keys: list, others: list) -> dict:
    """Value prior from the training truth: each training value sees the counts of the *other*
    training documents only (leave one document out), every other value the full counts."""
    total: dict = defaultdict(lambda: [0, 0])
    per_doc: dict = defaultdict(lambda: [0, 0])
    for doc, key, _, right in train_keys:
        total[key][0 if right else 1] += 1
        per_doc[(doc, key)][0 if right else 1] += 1
    for doc, key, s, _ in train_keys:
        r, w = total[key]
        dr, dw = per_doc[(doc, key)]
        set_prior(s, r - dr, w - dw)
    for _, key, s, _ in others:
        set_prior(s, *total.get(key, (0, 0)))
    return {k: (v[0], v[1]) for k, v in total.items()}


def karlsruhe_docs(split: str) -> list[tuple[str, dict]]:
    """(text, gold) of the Karlsruhe protocols of one split (train / dev / test), without the
    real_gold check documents (those stay unseen)."""
    data = ROOT.parent / "shared" / "data"
    if not data.exists():
        data = Path("/work/shared/data")
    base = data / "karlsruhe-protocols"
    check = set(json.loads((ROOT / "tests" / "real_gold" / "split.json").read_text(encoding="utf-8"))
                ["sets"]["karlsruhe-dev"]["check"])
    out = []
    for line in (base / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        if g["split"] == split and Path(g["file"]).stem not in check:
            out.append(((base / g["file"]).read_text(encoding="utf-8"), g))
    return out


def label_karlsruhe(docs: list[tuple[str, dict]], settings: Settings,
                    decide: bool = False) -> tuple[dict[str, list[Example]], list]:
    """The issue date of real minutes against the meeting date the city recorded (doc_date), and the
    recorded result of the excerpt's decision row against the gold category (result)."""
    from pipeline.extract import extract_document
    from pipeline.extract import nlp as nlp_mod

    nlp = nlp_mod.load(str(settings.models_dir))
    wf, lex = calibrate.load_wordfreq(str(MODELS)), load_lexicon(str(MODELS))
    given = calibrate.load_given_names(str(MODELS))
    out: dict[str, list[Example]] = defaultdict(list)
    rows = []
    for k, (text, g) in enumerate(docs):
        page = text_page(text)
        r = DocumentResult(doc_id=f"ka{k:04d}", source_file=g["file"], path="", sha256="", pages=[page])
        r.entities, r.decisions, r.fields = extract_document([page], nlp, settings)
        number_rows(r)
        collect(r, wf, lex, given)
        if decide:
            from pipeline import review

            review.decide(r, settings)
        if r.fields.doc_date is not None:
            right = r.fields.doc_date == g["meeting_date"]
            out["doc_date"].append((r.fields.doc_date_signals, right))
            if decide:
                rows.append(("doc_date", r.fields.doc_date_confidence, bool(r.fields.doc_date_needs_review), right))
        d = karlsruhe_row(r.decisions)
        if d is not None and d.result_signals is not None:
            right = (d.result or "").upper() == g["category"]
            out["result"].append((d.result_signals, right))
            if decide:
                rows.append(("result", d.result_confidence, bool(d.needs_review), right))
    return out, rows


def karlsruhe_row(decisions: list) -> object:
    """The decision row a Karlsruhe excerpt's gold result belongs to, chosen without gold as
    evaluation/karlsruhe_pipeline.choose_row does: the first non-mention row with a result."""
    own = sorted((d for d in decisions if not d.mention), key=lambda d: (d.page, d.start))
    return next((d for d in own if d.result is not None), None)


def _merge(*sets: dict[str, list[Example]]) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = defaultdict(list)
    for s in sets:
        for k, v in s.items():
            out[k].extend(v)
    return out


def _two_fold_iso_gain(model: calibrate.KindModel, dev: list[Example]) -> float:
    """ECE without isotonic minus ECE with it, two-fold on dev (positive: isotonic helps)."""
    import copy

    a, b = dev[0::2], dev[1::2]
    raw_probs, iso_probs, labels = [], [], []
    for fit, held in ((a, b), (b, a)):
        m = copy.deepcopy(model)
        calibrate.fit_isotonic(m, [s for s, _ in fit], [y for _, y in fit])
        raw_probs += [model.probability(s) for s, _ in held]
        iso_probs += [m.probability(s) for s, _ in held]
        labels += [y for _, y in held]
    return (calibrate.expected_calibration_error(raw_probs, labels) or 0) - (
        calibrate.expected_calibration_error(iso_probs, labels) or 0)


def _flag_rate_at(m: calibrate.KindModel, dev: list[Example]) -> float:
    """Share of dev values flagged when the threshold catches TARGET of the wrong ones."""
    probs = [m.probability(s) for s, _ in dev]
    labels = [y for _, y in dev]
    if not any(not y for y in labels):
        return 0.0
    t = calibrate.choose_threshold(probs, labels, TARGET)
    return sum(p < t for p in probs) / len(probs)


def _model_key(models: dict[str, calibrate.KindModel], kind: str) -> str | None:
    """The model that judges a kind of value: its own, the pooled `entity` one for an entity label
    without one (as Calibrator.model_for decides), else none."""
    if kind in models:
        return kind
    return "entity" if kind in calibrate.ENTITY_KINDS and "entity" in models else None


def _thresholds(by_model: dict[str, list[tuple[float, bool]]], how: str, target: float) -> dict[str, float]:
    if how == "allocate":
        return calibrate.allocate_thresholds(by_model, target)
    pooled = [v for vals in by_model.values() for v in vals]
    t = calibrate.choose_threshold([p for p, _ in pooled], [y for _, y in pooled], target)
    return {k: t for k in by_model}


def _choose_method(by_model: dict[str, list[tuple[float, bool]]], report: dict,
                   block: int = 25) -> tuple[str, float]:
    """THRESHOLDS = "auto": the way of choosing thresholds that generalises, judged on dev alone. Two-fold
    on dev (alternate blocks of `block` values of each kind, which keeps a document's values mostly
    together): thresholds chosen on one fold are applied to the other. Of pooled / allocated at the
    targets TARGET … 0.995, the one whose held-out share of wrong values flagged is ≥ TARGET with the
    fewest held-out flags; none: the safest (highest held-out share)."""
    folds = [{k: [v for i, v in enumerate(vals) if (i // block) % 2 == f] for k, vals in by_model.items()}
             for f in (0, 1)]
    cands = []
    for how in ("pooled", "allocate"):
        for target in sorted({TARGET, 0.98, 0.99, 0.995}):
            flagged = caught = n = wrong = 0
            for fit, held in ((folds[0], folds[1]), (folds[1], folds[0])):
                thr = _thresholds(fit, how, target)
                for k, vals in held.items():
                    t = thr.get(k, 0.0)
                    flagged += sum(p < t for p, _ in vals)
                    caught += sum(p < t for p, y in vals if not y)
                    n += len(vals)
                    wrong += sum(not y for _, y in vals)
            cands.append((how, target, caught / max(1, wrong), flagged / max(1, n)))
    report["threshold_choice (two-fold on dev)"] = [
        {"how": h, "target": t, "held_out_wrong_flagged": round(r, 4), "held_out_flagged": round(f, 4)}
        for h, t, r, f in cands]
    for h, t, r, f in cands:
        print(f"  thresholds {h:<9} target {t:.3f}: held-out wrong flagged {r:.3f}, flagged {f:.3f}")
    ok = [c for c in cands if c[2] >= TARGET]
    best = min(ok, key=lambda c: c[3]) if ok else max(cands, key=lambda c: (c[2], -c[3]))
    return best[0], best[1]


def set_thresholds(models: dict[str, calibrate.KindModel], dev: dict[str, list[Example]], report: dict) -> None:
    """The review thresholds, chosen on dev (every kind except `page`, whose threshold is 0.5).

    THRESHOLDS = "allocate": one threshold per model, chosen together so that TARGET of all dev's wrong
    values are flagged with the fewest flags (calibrate.allocate_thresholds); "pooled": one threshold
    for every kind, the lowest under which TARGET of all dev's wrong values fall; "auto": whichever of
    the two, at whichever target, holds up two-fold on dev (_choose_method)."""
    by_model: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for k in (*calibrate.ENTITY_KINDS, "decision", "result", "doc_date", "correction"):
        key = _model_key(models, k)
        if key is not None:
            by_model[key] += [(models[key].probability(s), y) for s, y in dev.get(k, [])]
    if not by_model:
        return
    how, target = (THRESHOLDS, TARGET) if THRESHOLDS != "auto" else _choose_method(dict(by_model), report)
    chosen = _thresholds(dict(by_model), how, target)
    report["thresholds"] = {"how": how, "target": target}
    for k, m in models.items():
        if k == "page":
            continue
        m.threshold = round(chosen.get(k, chosen.get("entity", m.threshold)), 6)
        report.setdefault(k, {})["threshold"] = m.threshold


def train(train: dict[str, list[Example]], dev: dict[str, list[Example]]) -> tuple[dict, dict]:
    models: dict[str, calibrate.KindModel] = {}
    report: dict[str, dict] = {}
    pooled_train = [x for k in calibrate.ENTITY_KINDS for x in train.get(k, [])]
    kinds = {"entity": (pooled_train, [x for k in calibrate.ENTITY_KINDS for x in dev.get(k, [])])}
    for k in (*calibrate.ENTITY_KINDS, "decision", "result", "doc_date", "correction", "page"):
        tr_k, dv_k = train.get(k, []), dev.get(k, [])
        wrong = sum(not y for _, y in tr_k)
        if len(tr_k) >= MIN_KIND and wrong >= MIN_WRONG or (k not in calibrate.ENTITY_KINDS and tr_k):
            kinds[k] = (tr_k, dv_k)
    for k, (tr_k, dv_k) in kinds.items():
        m = calibrate.fit_kind(k, [s for s, _ in tr_k], [y for _, y in tr_k])
        learner = "logistic"
        if len(tr_k) >= 150 and sum(not y for _, y in tr_k) >= 15 and dv_k:
            gb = calibrate.fit_trees(k, [s for s, _ in tr_k], [y for _, y in tr_k])
            if _flag_rate_at(gb, dv_k) < _flag_rate_at(m, dv_k) - 0.01:
                m, learner = gb, "trees"
        iso = False
        if len(dv_k) >= 30 and sum(not y for _, y in dv_k) >= 5 and _two_fold_iso_gain(m, dv_k) > 0:
            calibrate.fit_isotonic(m, [s for s, _ in dv_k], [y for _, y in dv_k])
            iso = True
        probs = [m.probability(s) for s, _ in dv_k]
        labels = [y for _, y in dv_k]
        if k == "page":
            m.threshold = 0.5
        elif dv_k and any(not y for y in labels):
            m.threshold = round(calibrate.choose_threshold(probs, labels, TARGET), 4)
        else:  # no wrong value on dev to choose by: the entity pool's threshold is set below
            m.threshold = -1.0
        models[k] = m
        report[k] = {"learner": learner, "train": len(tr_k), "train_wrong": sum(not y for _, y in tr_k), "dev": len(dv_k),
                     "dev_wrong": sum(not y for y in labels), "isotonic": iso, "threshold": m.threshold}
    import copy

    for k in calibrate.ENTITY_KINDS:  # the pooled model where it ranks a label's dev values better
        dv_k = dev.get(k, [])
        if not dv_k or not any(not y for _, y in dv_k):
            continue
        if k not in models or _flag_rate_at(models["entity"], dv_k) < _flag_rate_at(models[k], dv_k) - 0.01:
            m = copy.deepcopy(models["entity"])
            m.kind = k
            labels = [y for _, y in dv_k]
            m.threshold = round(calibrate.choose_threshold([m.probability(s) for s, _ in dv_k], labels, TARGET), 4)
            models[k] = m
            kinds[k] = (kinds["entity"][0], dv_k)
            report[k] = {"learner": "pooled", "train": len(kinds["entity"][0]),
                         "train_wrong": sum(not y for _, y in kinds["entity"][0]), "dev": len(dv_k),
                         "dev_wrong": sum(not y for y in labels), "isotonic": bool(m.iso_x), "threshold": m.threshold}
    for k, m in models.items():
        if m.threshold < 0:
            m.threshold = models["entity"].threshold if k in calibrate.ENTITY_KINDS else 0.6
            report[k]["threshold"] = m.threshold
    set_thresholds(models, dev, report)
    allp = []
    for k in (*calibrate.ENTITY_KINDS, "decision", "result", "doc_date", "correction"):
        m = models.get(k) or (models["entity"] if k in calibrate.ENTITY_KINDS else None)
        if m is not None:
            allp += [(m.probability(s) < m.threshold, y) for s, y in dev.get(k, [])]
    wrong_all = [f for f, y in allp if not y]
    report["all (dev)"] = {"learner": "", "train": 0, "train_wrong": 0, "dev": len(allp), "dev_wrong": len(wrong_all),
                           "isotonic": "", "threshold": None, "dev_ece": None,
                           "dev_flag_rate": sum(f for f, _ in allp) / len(allp) if allp else None,
                           "dev_wrong_flagged": sum(wrong_all) / len(wrong_all) if wrong_all else None}
    for k, m in models.items():
        dv_k = kinds[k][1] if k != "entity" else kinds["entity"][1]
        probs = [m.probability(s) for s, _ in dv_k]
        labels = [y for _, y in dv_k]
        wrong = [p for p, y in zip(probs, labels) if not y]
        report[k].update(dev_ece=calibrate.expected_calibration_error(probs, labels),
                         dev_flag_rate=sum(p < m.threshold for p in probs) / len(probs) if probs else None,
                         dev_wrong_flagged=sum(p < m.threshold for p in wrong) / len(wrong) if wrong else None)
    return models, report


def rechoose_thresholds(path: Path, dev: dict[str, list[Example]], args: argparse.Namespace) -> int:
    """--thresholds-only: the saved models keep their fits; only their thresholds are chosen again on dev
    (recorded in the provenance with the dev sets used)."""
    cal = calibrate.Calibrator.load(path)
    before = {k: m.threshold for k, m in cal.models.items()}
    report: dict = {}
    set_thresholds(cal.models, dev, report)
    rows = [(cal.models[key].probability(s), y, key) for k in dev if k != "page"
            for key in [_model_key(cal.models, k)] if key is not None for s, y in dev[k]]
    print(f"{'kind':<11}{'before':>9}{'after':>9}{'dev':>7}{'wrong':>7}{'flag':>7}{'wr.fl':>7}")
    for k, m in sorted(cal.models.items()):
        mine = [(p, y) for p, y, key in rows if key == k]
        wrong = [p for p, y in mine if not y]
        print(f"{k:<11}{before[k]:>9.4f}{m.threshold:>9.4f}{len(mine):>7}{len(wrong):>7}"
              f"{sum(p < m.threshold for p, _ in mine) / max(1, len(mine)):>7.3f}"
              f"{sum(p < m.threshold for p in wrong) / max(1, len(wrong)):>7.3f}")
    flagged = [p < cal.models[key].threshold for p, _, key in rows]
    wrong_fl = [f for f, (_, y, _) in zip(flagged, rows) if not y]
    print(f"all dev: {len(rows)} values, {len(wrong_fl)} wrong, flagged {sum(flagged) / max(1, len(rows)):.3f}, "
          f"wrong flagged {sum(wrong_fl) / max(1, len(wrong_fl)):.3f}")
    cal.provenance["thresholds"] = {"chosen": dt.date.today().isoformat(), **report.get("thresholds", {}),
                                    "two_fold": report.get("threshold_choice (two-fold on dev)"),
                                    "dev": [str(t) for t in args.dev_truth] + (["real_gold tune odd positions",
                                            "karlsruhe dev"] if not args.no_real else [])}
    cal.save(path)
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train-out", type=Path, nargs="+", default=[], help="pipeline output folders (train)")
    ap.add_argument("--train-truth", type=Path, nargs="+", default=[], help="their inputs with truth, same order")
    ap.add_argument("--dev-out", type=Path, nargs="+", required=True)
    ap.add_argument("--dev-truth", type=Path, nargs="+", required=True)
    ap.add_argument("--answers", type=Path, nargs="*", default=[],
                    help="training rows exported from reviewers' answers (scripts/export_answers.py JSONL)")
    ap.add_argument("--no-real", action="store_true", help="leave out the real_gold tune half")
    ap.add_argument("--real-train-weight", type=int, default=0,
                    help=f"also fit on the real_gold train parts ({', '.join(REAL_TRAIN_PARTS)}), each example this many "
                         "times (0, the committed model's: not at all)")
    ap.add_argument("--no-prior", action="store_true", help="no value prior (how often a value was wrong in training)")
    ap.add_argument("--out", type=Path, default=MODELS / "calibration" / "calibration.json")
    ap.add_argument("--target", type=float, default=None, help="share of dev's wrong values below the threshold")
    ap.add_argument("--thresholds", choices=("auto", "allocate", "pooled"), default="auto",
                    help="allocate: one threshold per kind, chosen together; pooled: one for all kinds; auto (default): "
                         "whichever, at whichever target, generalises best two-fold on dev")
    ap.add_argument("--thresholds-only", action="store_true",
                    help="keep the saved models (--out), choose only their thresholds on dev (no train sets needed)")
    args = ap.parse_args(argv)
    global TARGET, THRESHOLDS
    TARGET = args.target if args.target is not None else TARGET
    THRESHOLDS = args.thresholds
    if not args.thresholds_only and not args.train_out:
        ap.error("--train-out and --train-truth are needed unless --thresholds-only")
    settings = Settings(models_dir=MODELS)
    train_keys: list = []
    dev_keys: list = []
    if len(args.train_out) != len(args.train_truth) or len(args.dev_out) != len(args.dev_truth):
        ap.error("give one truth folder per output folder")
    gen_train = _merge(*(label_generated(load_results(o), load_truth(t), train_keys)
                         for o, t in zip(args.train_out, args.train_truth)))
    gen_dev = _merge(*(label_generated(load_results(o), load_truth(t), dev_keys)
                       for o, t in zip(args.dev_out, args.dev_truth)))
    real_fit: dict = {}
    real_dev: dict = {}
    if not args.no_real:
        tune = real_gold_docs("tune")
        # not the train part (35 documents, issue 15): tried 2026-12-04, its 3 wrong CITY values (x REAL_WEIGHT,
        # and in the value prior) flagged every real city of the tune half's odd positions (dev: 28.6 % -> 51.2 %
        # of values flagged, ECE 0.056 -> 0.145), so it was not kept
        real_fit, _ = label_real(tune[0::2], settings)
        real_dev, _ = label_real(tune[1::2], settings)
    real_train: dict = {}
    if not args.no_real and args.real_train_weight and not args.thresholds_only:
        for part in REAL_TRAIN_PARTS:
            for k, (setname, text, gold) in enumerate(real_gold_docs(part)):
                one, _ = label_real([(setname, text, gold)], settings)
                for kind, ex in one.items():
                    real_train.setdefault(kind, []).extend(ex)
                    if kind in calibrate.ENTITY_KINDS:  # in the value prior, leave-one-document-out like the generated
                        train_keys += [(f"real-{part}-{k}", value_key(s.kind, s.surface), s, y) for s, y in ex]
    real_keys = [(None, value_key(s.kind, s.surface), s, y) for part in (real_fit, real_dev)
                 for k, ex in part.items() for s, y in ex if k in calibrate.ENTITY_KINDS]
    if args.thresholds_only:  # the saved models' value prior, as their dev values saw it when they were fitted
        saved = calibrate.load_prior(str(args.out.parent.parent)) if not args.no_prior else {}  # PRIOR is models-relative
        for _, key, s, _ in dev_keys + real_keys:
            set_prior(s, *saved.get(key, (0, 0)))
        prior = saved
    else:
        prior = build_prior(train_keys, dev_keys + real_keys) if not args.no_prior else {}
    answers: dict[str, list[Example]] = defaultdict(list)
    for path in args.answers:
        from export_answers import read_examples

        for kind, s, right in read_examples(path):
            answers[kind].append((s, right))
    ka_train: dict = {}
    ka_dev: dict = {}
    if not args.no_real:
        if not args.thresholds_only:
            ka_train, _ = label_karlsruhe(karlsruhe_docs("train"), settings)
        ka_dev, _ = label_karlsruhe(karlsruhe_docs("dev"), settings)
    real_weighted = _merge({k: v * REAL_WEIGHT for k, v in real_fit.items()},
                           {k: v * args.real_train_weight for k, v in real_train.items()})
    if args.thresholds_only:
        return rechoose_thresholds(args.out, _merge(gen_dev, real_dev, ka_dev), args)
    models, report = train(_merge(gen_train, real_weighted, ka_train, answers), _merge(gen_dev, real_dev, ka_dev))
    for name, part in (("generated dev", gen_dev), ("real dev", real_dev), ("Karlsruhe dev (doc_date, result)", ka_dev)):
        rows = []
        for k, ex in part.items():
            m = models.get(k) or (models["entity"] if k in calibrate.ENTITY_KINDS else None)
            if m is not None and k != "page":
                rows += [(m.probability(s), y, m.threshold) for s, y in ex]
        wrong = [r for r in rows if not r[1]]
        if rows:
            print(f"{name}: {len(rows)} values, {len(wrong)} wrong, flagged {sum(p < t for p, _, t in rows) / len(rows):.3f}, "
                  f"wrong flagged {sum(p < t for p, _, t in wrong) / max(1, len(wrong)):.3f}, ECE "
                  f"{calibrate.expected_calibration_error([r[0] for r in rows], [r[1] for r in rows]):.3f}")
    prov = {"built": dt.date.today().isoformat(), "script": "scripts/train_calibration.py",
            "train": {"generated": {"folders": [str(t) for t in args.train_truth],
                                    "documents": sum(len(load_truth(t)) for t in args.train_truth),
                                    "command": GENERATED["train"]},
                      "real_gold": ("tests/real_gold tune half, even positions (split.json)" if real_fit else None) if not real_train else f"tests/real_gold tune half, even positions, x{REAL_WEIGHT}; train parts {', '.join(REAL_TRAIN_PARTS)}, x{args.real_train_weight}",
                      "karlsruhe": "karlsruhe-protocols train split, doc_date vs meeting_date, result vs category" if ka_train else None,
                      "answers": [str(p) for p in args.answers]},
            "dev": {"generated": {"folders": [str(t) for t in args.dev_truth],
                                  "documents": sum(len(load_truth(t)) for t in args.dev_truth),
                                  "command": GENERATED["dev"]},
                    "real_gold": "tests/real_gold tune half, odd positions" if real_dev else None,
                    "karlsruhe": "karlsruhe-protocols dev split, doc_date vs meeting_date, result vs category" if ka_dev else None},
            "target_wrong_flagged_on_dev": TARGET, "poor_page_cer": POOR_CER, "per_kind": report}
    calibrate.Calibrator(models, prov).save(args.out)
    calibrate.save_prior(args.out.parent / calibrate.PRIOR.name, prior)
    print(f"{'kind':<11}{'model':>9}{'train':>7}{'wrong':>7}{'dev':>6}{'wrong':>7}{'iso':>5}{'thr':>8}{'ECE':>7}"
          f"{'flag':>7}{'wr.fl':>7}")
    for k, r in report.items():
        if not isinstance(r, dict) or "learner" not in r:
            continue  # the threshold choice, printed above

        def f(v):
            return "   –" if v is None else f"{v:.3f}"
        print(f"{k:<11}{r['learner']:>9}{r['train']:>7}{r['train_wrong']:>7}{r['dev']:>6}{r['dev_wrong']:>7}"
              f"{str(r['isotonic'])[:1]:>5}"
              f"{f(r['threshold']):>8}{f(r['dev_ece']):>7}{f(r['dev_flag_rate']):>7}{f(r['dev_wrong_flagged']):>7}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
