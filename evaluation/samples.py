"""Score the contract tables against true answers (``<file>.truth.json``, see samples/README.md).

Library entry points: ``evaluate(out_dir, truth_dir) -> dict`` and ``format_report(scores) -> str``.

How things are matched, and why:

* **Documents** — ``documents.source_file`` basename == truth ``file``. A truth document with
  no row (or a failed row) still counts: all its entities, decisions and pages are misses.
* **Entities** — per document and label, the *multiset* of normalised values (NFC, casefold,
  whitespace collapsed, typographic apostrophes straightened). True positives per value are
  ``min(predicted count, true count)``. Offsets cannot be used: the OCR text of a scan and the
  true text differ, so a span match would punish an OCR slip twice (CER and NER). A multiset
  still counts every mention (a document that names Chmelnyzkyj five times and gets four has
  recall 4/5), which a set would hide. A ``distinct`` variant (set per document) is reported
  too. ORG values get one leniency: ``Stadtrat`` matches ``Stadtrat Dresden`` when the only
  difference is the place name / articles (the body's canonical name is a convention the
  pipeline may not know from a bare ``Stadtrat``).
* **Decisions** — first by (item, decision_date), both equal and item not null; the rest by
  clause similarity (rapidfuzz ``token_set_ratio`` ≥ 80, best first). On matched pairs:
  date, kind, body, votes and outcome accuracy (outcome: both null, or both set and
  ``token_set_ratio`` ≥ 70). Where the truth has the issue-14 columns (``--preset decisions``), also
  result, counts (votes_yes, votes_no, votes_abstain exact, as a triple), unanimous, referred_to,
  reference and mention accuracy on matched pairs; the committed samples' truth has none of them.
* **Corrections** — applied rows only. Right: the corrected string occurs (as whole words) in
  the true page text near the same relative position, and the original does not. False: the
  original occurs there (a correct word was changed) or the corrected string does not.
  Recall is over the true CITY/PERSON names on scanned pages: a name is *fixed* when it is in
  the final text and a right correction produced it, *broken* when it is missing from the
  final text; recall = fixed / (fixed + broken). Names OCR read right are not in the count.
* **CER** — Levenshtein distance / true length per page, both texts with whitespace runs
  collapsed to one space; micro-averaged (sum of distances / sum of lengths).
* **Flags** — values are entity rows, decision rows and doc_date. A value is wrong when it is
  unmatched (entity/decision) or matched with a wrong date/kind (decision) or differs
  (doc_date). Goals: ≥ 0.95 of wrong values flagged, ≤ 0.15 of all values flagged.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

LABELS = ("DATE", "PERSON", "CITY", "ORG")
TABLE_NAMES = ("documents", "pages", "entities", "decisions", "corrections", "review")
FLAG_GOAL_WRONG = 0.95
FLAG_GOAL_RATE = 0.15
DECISION_TEXT_MIN = 80
OUTCOME_MIN = 70
# issue 14 columns, scored on matched decision rows where the truth has them (counts: yes/no/abstain)
RESULT_COLUMNS = ("result", "counts", "unanimous", "referred_to", "reference", "mention")
ORG_STOP = {"der", "die", "das", "des", "den", "dem", "stadt", "landeshauptstadt", "bundesstadt",
            "hansestadt", "e.", "v.", "e.v."}


# ----------------------------------------------------------------------------- loading

def load_truth(truth_dir: Path) -> dict[str, dict]:
    """All ``*.truth.json`` under ``truth_dir`` keyed by the document file name."""
    out: dict[str, dict] = {}
    for path in sorted(Path(truth_dir).rglob("*.truth.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[data.get("file") or path.name[: -len(".truth.json")]] = data
    return out


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """The contract tables (Parquet preferred, CSV fallback, empty frame when absent)."""
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLE_NAMES:
        pq_path, csv_path = Path(out_dir) / f"{name}.parquet", Path(out_dir) / f"{name}.csv"
        if pq_path.exists():
            df = pd.read_parquet(pq_path)
        elif csv_path.exists():
            df = pd.read_csv(csv_path, dtype=str, keep_default_na=False).replace({"": None})
        else:
            df = pd.DataFrame()
        tables[name] = df
    return tables


# ----------------------------------------------------------------------------- normalising

def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()) \
        or v is pd.NA or v is pd.NaT


def norm_value(v: Any) -> str | None:
    if _blank(v):
        return None
    s = unicodedata.normalize("NFC", str(v)).replace("\u00a0", " ")
    s = s.replace("’", "'").replace("‘", "'").replace("`", "'").replace("ʼ", "'")
    return " ".join(s.split()).lower()  # not casefold: ß must stay ß


def norm_ws(text: Any) -> str:
    if _blank(text):
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def norm_item(v: Any) -> str | None:
    s = norm_value(v)
    if s is None:
        return None
    s = re.sub(r"^(top|punkt|nr\.?)\s*", "", s).strip().rstrip(".)").strip()
    return s or None


def norm_votes(v: Any) -> str | None:
    s = norm_value(v)
    if s is None:
        return None
    if "einstimmig" in s:
        return "einstimmig"
    nums = re.findall(r"(\d+)\s*(ja|nein|enthaltung)", s)
    if nums:
        d = {k: n for n, k in nums}
        return f"{d.get('ja', '0')} ja, {d.get('nein', '0')} nein, {d.get('enthaltung', '0')} enth"
    return s


def org_key(v: str) -> frozenset:
    return frozenset(t for t in re.split(r"[\s,]+", v) if t and t not in ORG_STOP)


def org_match(pred: str, true: str) -> bool:
    """Equal, or one name is the other plus a place name (≤ 3 extra tokens, all capitalised places)."""
    if pred == true:
        return True
    a, b = org_key(pred), org_key(true)
    if not a or not b:
        return False
    if a == b:
        return True
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return small < big and len(big - small) <= 3 and not any(t.endswith(("ausschuss", "amt", "büro", "fraktion"))
                                                               for t in big - small)


def prf(tp: int, n_pred: int, n_true: int) -> dict:
    p = tp / n_pred if n_pred else None
    r = tp / n_true if n_true else None
    f = (2 * p * r / (p + r)) if p and r else (0.0 if (p is not None and r is not None) else None)
    return {"tp": tp, "fp": n_pred - tp, "fn": n_true - tp, "n_pred": n_pred, "n_true": n_true,
            "precision": p, "recall": r, "f1": f}


# ----------------------------------------------------------------------------- entity matching

def match_values(pred: list[tuple[Any, str]], true: list[str], label: str) -> tuple[set, int]:
    """Multiset matching of normalised values. ``pred`` is [(row_key, value)].

    Returns the row keys of matched predictions and the number of matches. Exact matches go
    first, then (ORG only) lenient ones.
    """
    remaining = Counter(true)
    matched: set = set()
    leftovers = []
    for key, v in pred:
        if v is not None and remaining[v] > 0:
            remaining[v] -= 1
            matched.add(key)
        else:
            leftovers.append((key, v))
    if label == "ORG":
        for key, v in leftovers:
            if v is None:
                continue
            for t in list(remaining.elements()):
                if org_match(v, t):
                    remaining[t] -= 1
                    matched.add(key)
                    break
    return matched, len(matched)


# ----------------------------------------------------------------------------- main

def _rows(df: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    if df.empty or "doc_id" not in df.columns:
        return pd.DataFrame()
    return df[df["doc_id"] == doc_id]


def _records(df: pd.DataFrame) -> list[dict]:
    if df is None or df.empty:
        return []
    return [{k: (None if _blank(v) else v) for k, v in r.items()} for r in df.to_dict("records")]


def _truthy(v: Any) -> bool:
    if _blank(v):
        return False
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return bool(v)


def evaluate(out_dir: Path, truth_dir: Path) -> dict:
    """Score the tables in ``out_dir`` against every truth file under ``truth_dir``."""
    truth = load_truth(Path(truth_dir))
    t = load_tables(Path(out_dir))
    docs = _records(t["documents"])
    by_file: dict[str, dict] = {}
    for d in docs:
        if d.get("source_file"):
            by_file.setdefault(Path(str(d["source_file"]).replace("\\", "/")).name, d)

    ent_counts = {lab: [0, 0, 0] for lab in LABELS}           # tp, n_pred, n_true (mentions)
    ent_distinct = {lab: [0, 0, 0] for lab in LABELS}
    dd = {"n": 0, "correct": 0}
    dt_ = {"n": 0, "correct": 0}
    refs = [0, 0, 0]
    dec = {"n_true": 0, "n_pred": 0, "matched": 0, "date_ok": 0, "kind_ok": 0, "body_ok": 0,
           "votes_ok": 0, "votes_n": 0, "outcome_ok": 0, "outcome_n": 0, "outcome_set_ok": 0,
           "outcome_set_n": 0, **{f"{c}_{k}": 0 for c in RESULT_COLUMNS for k in ("ok", "n")}}
    cor = {"applied": 0, "right": 0, "false": 0, "considered": 0, "names_fixed": 0, "names_broken": 0,
           "names_total": 0}
    cer_acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # dist, len, pages
    flags = {g: {"values": 0, "flagged": 0, "wrong": 0, "wrong_flagged": 0}
             for g in ("entities", "decisions", "doc_date")}
    per_doc = []
    value_rows: list[tuple[str, float, bool, bool]] = []  # kind, confidence, flagged, right
    missing = []
    review = _records(t["review"])
    review_doc_fields = {(r.get("doc_id"), r.get("table_name"), r.get("field")) for r in review}

    for fname, tr in truth.items():
        row = by_file.get(fname)
        ok = row is not None and (row.get("status") in (None, "ok"))
        doc_id = row["doc_id"] if row is not None else None
        if not ok:
            missing.append(fname)
        damage = (tr.get("render") or {}).get("damage", "none")
        ents = _records(_rows(t["entities"], doc_id)) if ok else []
        decs = _records(_rows(t["decisions"], doc_id)) if ok else []
        pages = {int(p["page"]): p for p in _records(_rows(t["pages"], doc_id))} if ok else {}
        corrs = _records(_rows(t["corrections"], doc_id)) if ok else []
        doc_score: dict[str, Any] = {"file": fname, "doc_id": doc_id, "status": row.get("status") if row else "missing",
                                     "damage": damage, "kind": (tr.get("render") or {}).get("kind")}

        # --- entities
        wrong_ent_keys: set = set()
        doc_ent = {}
        for lab in LABELS:
            true_vals = [norm_value(e["value"]) for e in tr["entities"] if e["label"] == lab]
            pred_rows = [(i, norm_value(e.get("value"))) for i, e in enumerate(ents) if e.get("label") == lab]
            # flagged rows last, so a surplus duplicate is charged to the unflagged row (conservative)
            pred_rows.sort(key=lambda kv: (_truthy(ents[kv[0]].get("needs_review")), ents[kv[0]].get("page") or 0))
            matched, tp = match_values(pred_rows, true_vals, lab)
            wrong_ent_keys |= {k for k, _ in pred_rows if k not in matched}
            ent_counts[lab][0] += tp
            ent_counts[lab][1] += len(pred_rows)
            ent_counts[lab][2] += len(true_vals)
            tset = sorted({v for v in true_vals if v})
            pset = sorted({v for _, v in pred_rows if v})
            _, tpd = match_values([(v, v) for v in pset], tset, lab)
            ent_distinct[lab][0] += tpd
            ent_distinct[lab][1] += len(pset)
            ent_distinct[lab][2] += len(tset)
            doc_ent[lab] = prf(tp, len(pred_rows), len(true_vals))
        doc_score["entities"] = {lab: {k: doc_ent[lab][k] for k in ("tp", "fp", "fn")} for lab in LABELS}
        for i, e in enumerate(ents):
            fl = _truthy(e.get("needs_review"))
            g = flags["entities"]
            g["values"] += 1
            g["flagged"] += fl
            if i in wrong_ent_keys:
                g["wrong"] += 1
                g["wrong_flagged"] += fl

        # --- document fields
        dd["n"] += 1
        pred_date = row.get("doc_date") if ok else None
        date_ok = norm_value(pred_date) == norm_value(tr.get("doc_date"))
        dd["correct"] += date_ok
        doc_score["doc_date"] = {"pred": pred_date, "true": tr.get("doc_date"), "ok": date_ok}
        if ok:
            g = flags["doc_date"]
            fl = (doc_id, "documents", "doc_date") in review_doc_fields
            g["values"] += 1
            g["flagged"] += fl
            if not date_ok:
                g["wrong"] += 1
                g["wrong_flagged"] += fl
        dt_["n"] += 1
        dt_["correct"] += norm_value(row.get("doc_type") if ok else None) == norm_value(tr.get("doc_type"))
        true_refs = Counter(norm_value(r) for r in tr.get("references") or [])
        pred_refs = Counter(norm_value(r) for r in str((row or {}).get("references") or "").split(";")
                            if ok and norm_value(r))
        refs[0] += sum((true_refs & pred_refs).values())
        refs[1] += sum(pred_refs.values())
        refs[2] += sum(true_refs.values())

        # --- decisions
        ds = score_decisions(decs, tr.get("decisions") or [])
        for k in dec:
            dec[k] += ds[k]
        for i, d in enumerate(decs):
            g = flags["decisions"]
            fl = _truthy(d.get("needs_review"))
            g["values"] += 1
            g["flagged"] += fl
            if i in ds["wrong_rows"]:
                g["wrong"] += 1
                g["wrong_flagged"] += fl
        doc_score["decisions"] = {k: ds[k] for k in ("n_true", "n_pred", "matched")}

        # --- page text
        doc_cer = [0, 0]
        for tp_ in tr["pages"]:
            truth_text = norm_ws(tp_["text"])
            pred_text = norm_ws(pages.get(int(tp_["page"]), {}).get("text"))
            dist = Levenshtein.distance(pred_text, truth_text)
            source = (tp_.get("render") or {}).get("source") or ("digital" if damage == "none" else "scan")
            for key in ("all", source, f"damage:{damage}" if source == "scan" else "damage:none"):
                cer_acc[key][0] += dist
                cer_acc[key][1] += len(truth_text)
                cer_acc[key][2] += 1
            doc_cer[0] += dist
            doc_cer[1] += len(truth_text)
        doc_score["cer"] = doc_cer[0] / doc_cer[1] if doc_cer[1] else None

        # --- corrections
        cs = score_corrections(corrs, tr, pages)
        for k in cor:
            cor[k] += cs[k]
        doc_score["corrections"] = {k: cs[k] for k in ("applied", "right", "false", "names_fixed", "names_broken")}
        per_doc.append(doc_score)

        # --- per value: probability, flag, right or wrong (calibration and the queue by kind)
        if ok:
            for i, e in enumerate(ents):
                value_rows.append((str(e.get("label")), _num(e.get("confidence")), _truthy(e.get("needs_review")),
                                   i not in wrong_ent_keys))
            for i, d in enumerate(decs):
                value_rows.append(("decision", _num(d.get("confidence")), _truthy(d.get("needs_review")),
                                   i not in ds["wrong_rows"]))
            if row.get("doc_date") is not None:
                value_rows.append(("doc_date", _num(row.get("doc_date_confidence")),
                                   (doc_id, "documents", "doc_date") in review_doc_fields, date_ok))
            for i, right in cs["verdicts"].items():
                c = corrs[i]
                conf = c.get("confidence")
                value_rows.append(("correction", _num(conf) if conf is not None else _num(c.get("score")) / 100.0,
                                   _truthy(c.get("needs_review")), right))

    def ratio(a, b):
        return a / b if b else None

    ents_out = {lab: prf(*ent_counts[lab]) for lab in LABELS}
    tot = [sum(ent_counts[lab][i] for lab in LABELS) for i in range(3)]
    ents_out["ALL"] = prf(*tot)
    distinct_out = {lab: prf(*ent_distinct[lab]) for lab in LABELS}
    flag_out = {}
    allf = {"values": 0, "flagged": 0, "wrong": 0, "wrong_flagged": 0}
    for g, c in flags.items():
        flag_out[g] = dict(c, wrong_flagged_share=ratio(c["wrong_flagged"], c["wrong"]),
                           flag_rate=ratio(c["flagged"], c["values"]))
        for k in allf:
            allf[k] += c[k]
    flag_out["all"] = dict(allf, wrong_flagged_share=ratio(allf["wrong_flagged"], allf["wrong"]),
                           flag_rate=ratio(allf["flagged"], allf["values"]),
                           goal_wrong_flagged=FLAG_GOAL_WRONG, goal_flag_rate=FLAG_GOAL_RATE)
    return {
        "documents": {"truth": len(truth), "scored": len(truth) - len(missing), "missing": missing,
                      "output_rows": len(docs), "without_truth": sorted(set(by_file) - set(truth))},
        "entities": ents_out,
        "entities_distinct": distinct_out,
        "doc_date": {"n": dd["n"], "correct": dd["correct"], "accuracy": ratio(dd["correct"], dd["n"])},
        "doc_type": {"n": dt_["n"], "correct": dt_["correct"], "accuracy": ratio(dt_["correct"], dt_["n"])},
        "references": prf(*refs),
        "decisions": dict(
            prf(dec["matched"], dec["n_pred"], dec["n_true"]),
            date_accuracy=ratio(dec["date_ok"], dec["matched"]),
            kind_accuracy=ratio(dec["kind_ok"], dec["matched"]),
            body_accuracy=ratio(dec["body_ok"], dec["matched"]),
            votes_accuracy=ratio(dec["votes_ok"], dec["votes_n"]),
            outcome_accuracy=ratio(dec["outcome_ok"], dec["outcome_n"]),
            outcome_accuracy_reported=ratio(dec["outcome_set_ok"], dec["outcome_set_n"]),
            **{f"{c}_accuracy": ratio(dec[f"{c}_ok"], dec[f"{c}_n"]) for c in RESULT_COLUMNS},
            **{f"{c}_n": dec[f"{c}_n"] for c in RESULT_COLUMNS},
        ),
        "corrections": dict(cor, precision=ratio(cor["right"], cor["applied"]),
                            recall=ratio(cor["names_fixed"], cor["names_fixed"] + cor["names_broken"])),
        "cer": {k: {"cer": ratio(v[0], v[1]), "pages": v[2], "chars": v[1]} for k, v in sorted(cer_acc.items())},
        "flags": flag_out,
        "calibration": calibration_scores(value_rows),
        "per_document": per_doc,
    }


def _num(v: Any) -> float:
    try:
        return 0.0 if _blank(v) else float(v)
    except (TypeError, ValueError):
        return 0.0


def calibration_scores(rows: list[tuple[str, float, bool, bool]]) -> dict:
    """Per kind of value and for all: values, flagged share, wrong values flagged, expected
    calibration error of the confidences (10 equal bins), and the reliability bins."""
    from pipeline.calibrate import expected_calibration_error

    groups: dict[str, list] = defaultdict(list)
    for r in rows:
        groups[r[0]].append(r)
        groups["all"].append(r)
    out = {}
    for kind, rs in sorted(groups.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        wrong = [r for r in rs if not r[3]]
        bins = [[0, 0.0, 0] for _ in range(10)]
        for _, p, _, right in rs:
            b = bins[min(9, max(0, int(p * 10)))]
            b[0] += 1
            b[1] += p
            b[2] += right
        out[kind] = {"values": len(rs), "flagged": sum(r[2] for r in rs), "wrong": len(wrong),
                     "wrong_flagged": sum(r[2] for r in wrong),
                     "flag_rate": sum(r[2] for r in rs) / len(rs) if rs else None,
                     "wrong_flagged_share": sum(r[2] for r in wrong) / len(wrong) if wrong else None,
                     "ece": expected_calibration_error([r[1] for r in rs], [r[3] for r in rs]),
                     "bins": [{"n": b[0], "mean_p": b[1] / b[0] if b[0] else None,
                               "accuracy": b[2] / b[0] if b[0] else None} for b in bins]}
    return out


def score_decisions(pred: list[dict], true: list[dict]) -> dict:
    out = {"n_true": len(true), "n_pred": len(pred), "matched": 0, "date_ok": 0, "kind_ok": 0, "body_ok": 0,
           "votes_ok": 0, "votes_n": 0, "outcome_ok": 0, "outcome_n": 0, "outcome_set_ok": 0,
           "outcome_set_n": 0, "wrong_rows": set(), **{f"{c}_{k}": 0 for c in RESULT_COLUMNS for k in ("ok", "n")}}
    free_p = set(range(len(pred)))
    free_t = set(range(len(true)))
    pairs = []
    for ti in sorted(free_t):
        it, td = norm_item(true[ti].get("item")), true[ti].get("decision_date")
        if it is None:
            continue
        for pi in sorted(free_p):
            if norm_item(pred[pi].get("item")) == it and norm_value(pred[pi].get("decision_date")) == norm_value(td):
                pairs.append((pi, ti))
                free_p.discard(pi)
                free_t.discard(ti)
                break
    cands = []
    for ti in free_t:
        for pi in free_p:
            s = fuzz.token_set_ratio(norm_value(pred[pi].get("text")) or "", norm_value(true[ti].get("text")) or "")
            if s >= DECISION_TEXT_MIN:
                cands.append((s, pi, ti))
    for s, pi, ti in sorted(cands, key=lambda c: (-c[0], c[1], c[2])):
        if pi in free_p and ti in free_t:
            pairs.append((pi, ti))
            free_p.discard(pi)
            free_t.discard(ti)
    out["wrong_rows"] |= free_p
    for pi, ti in pairs:
        p, t = pred[pi], true[ti]
        out["matched"] += 1
        date_ok = norm_value(p.get("decision_date")) == norm_value(t.get("decision_date"))
        kind_ok = norm_value(p.get("kind")) == norm_value(t.get("kind"))
        out["date_ok"] += date_ok
        out["kind_ok"] += kind_ok
        pb, tb = norm_value(p.get("body")), norm_value(t.get("body"))
        out["body_ok"] += bool(pb and tb and org_match(pb, tb)) or (pb is None and tb is None)
        if t.get("votes") is not None or p.get("votes") is not None:
            out["votes_n"] += 1
            out["votes_ok"] += norm_votes(p.get("votes")) == norm_votes(t.get("votes"))
        po, to = norm_value(p.get("outcome")), norm_value(t.get("outcome"))
        o_ok = (po is None and to is None) or (po is not None and to is not None
                                               and fuzz.token_set_ratio(po, to) >= OUTCOME_MIN)
        out["outcome_n"] += 1
        out["outcome_ok"] += o_ok
        if to is not None:
            out["outcome_set_n"] += 1
            out["outcome_set_ok"] += o_ok
        if not (date_ok and kind_ok):
            out["wrong_rows"].add(pi)
        for col in RESULT_COLUMNS:
            if col == "counts" and "votes_yes" not in t or col != "counts" and col not in t:
                continue  # a truth without the column (the committed samples predate issue 14)
            out[f"{col}_n"] += 1
            out[f"{col}_ok"] += _result_value(p, col) == _result_value(t, col)
    return out


def _result_value(row: dict, col: str):
    """A result column of a decision row, normalised for comparison (absent or blank: None)."""
    if col == "counts":
        return tuple(None if _blank(row.get(k)) else int(row[k]) for k in ("votes_yes", "votes_no", "votes_abstain"))
    v = row.get(col)
    if col == "mention":
        return _truthy(v)
    if col == "unanimous":
        return None if _blank(v) else _truthy(v)
    return norm_value(v)


def _word_find(needle: str, hay: str) -> list[int]:
    if not needle:
        return []
    pat = r"(?<!\w)" + re.escape(needle) + r"(?!\w)"
    return [m.start() for m in re.finditer(pat, hay)]


def _near(positions: list[int], centre: float, radius: float) -> bool:
    return any(abs(p - centre) <= radius for p in positions)


_EDGE = re.compile(r"^\W+|\W+$")


def _changed_core(orig: str, corr: str) -> tuple[str, str]:
    """A repair is judged on the word it changed: punctuation it left as it was at either end (a speck
    read as `‚` before the word, the comma after it) is not part of its verdict, since the repair never
    touched it (`‚Kinderhiifswerk` -> `‚Kinderhilfswerk` is right where the page reads `Kinderhilfswerk`).
    Punctuation the repair changed stays in (`von.Pilsen` -> `von. Pilsen`)."""
    lead_o, lead_c = re.match(r"^\W*", orig).group(0), re.match(r"^\W*", corr).group(0)
    tail_o, tail_c = re.search(r"\W*$", orig).group(0), re.search(r"\W*$", corr).group(0)
    core_o, core_c = orig[len(lead_o):len(orig) - len(tail_o)], corr[len(lead_c):len(corr) - len(tail_c)]
    if lead_o != lead_c or tail_o != tail_c or not core_o or not core_c:
        return orig, corr
    return core_o, core_c


def score_corrections(corrs: list[dict], tr: dict, pages: dict[int, dict]) -> dict:
    out = {"applied": 0, "right": 0, "false": 0, "considered": len(corrs), "names_fixed": 0,
           "names_broken": 0, "names_total": 0, "verdicts": {}}
    true_pages = {int(p["page"]): p for p in tr["pages"]}
    right_by_page: dict[int, Counter] = defaultdict(Counter)
    for ci, c in enumerate(corrs):
        if not _truthy(c.get("applied")):
            continue
        orig, corr = norm_ws(c.get("original")), norm_ws(c.get("corrected"))
        if orig == corr:
            continue
        orig, corr = _changed_core(orig, corr)
        out["applied"] += 1
        pg = int(c.get("page") or 0)
        tp = true_pages.get(pg)
        if tp is None:
            out["false"] += 1
            out["verdicts"][ci] = False
            continue
        ttext = norm_ws(tp["text"])
        ptext = norm_ws(pages.get(pg, {}).get("text"))
        rel = (int(c.get("start") or 0) / max(1, len(ptext))) if ptext else 0.5
        centre = rel * len(ttext)
        radius = max(300.0, 0.2 * len(ttext))
        corr_near = _near(_word_find(corr, ttext), centre, radius)
        orig_near = _near(_word_find(orig, ttext), centre, radius)
        if corr_near and not orig_near:
            out["right"] += 1
            right_by_page[pg][corr] += 1
            out["verdicts"][ci] = True
        else:
            out["false"] += 1
            out["verdicts"][ci] = False
    # recall over true names on scanned pages
    names_by_page: dict[int, Counter] = defaultdict(Counter)
    for e in tr["entities"]:
        if e["label"] not in ("CITY", "PERSON"):
            continue
        tp = true_pages.get(int(e["page"]))
        if not tp or (tp.get("render") or {}).get("source") != "scan":
            continue
        name = e["value"] if e["label"] == "PERSON" and e["value"] in e["text"] else e["text"]
        names_by_page[int(e["page"])][name] += 1
    for pg, names in names_by_page.items():
        ptext = norm_ws(pages.get(pg, {}).get("text"))
        fixes = right_by_page.get(pg, Counter())
        for name, n_true in names.items():
            n_final = min(n_true, len(_word_find(name, ptext)))
            fixed = min(n_final, sum(k for c, k in fixes.items() if c in name or name in c))
            out["names_total"] += n_true
            out["names_fixed"] += fixed
            out["names_broken"] += n_true - n_final
    return out


# ----------------------------------------------------------------------------- report

def _f(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "–"
    return f"{100 * v:.1f}%" if pct else f"{v:.3f}"


def format_report(scores: dict) -> str:
    """A plain-text table of the headline numbers."""
    lines = []
    d = scores["documents"]
    lines.append(f"Documents: {d['scored']} of {d['truth']} scored"
                 + (f"; missing/failed: {', '.join(d['missing'])}" if d["missing"] else ""))
    lines.append("")
    lines.append(f"{'Entities':<10}{'P':>8}{'R':>8}{'F1':>8}{'TP':>7}{'FP':>7}{'FN':>7}   distinct F1")
    for lab in (*LABELS, "ALL"):
        e = scores["entities"][lab]
        dist = scores["entities_distinct"].get(lab)
        lines.append(f"{lab:<10}{_f(e['precision']):>8}{_f(e['recall']):>8}{_f(e['f1']):>8}"
                     f"{e['tp']:>7}{e['fp']:>7}{e['fn']:>7}   {_f(dist['f1']) if dist else ''}")
    lines.append("")
    dd, dt_, rf = scores["doc_date"], scores["doc_type"], scores["references"]
    lines.append(f"doc_date accuracy   {_f(dd['accuracy'])}  ({dd['correct']}/{dd['n']})")
    lines.append(f"doc_type accuracy   {_f(dt_['accuracy'])}  ({dt_['correct']}/{dt_['n']})")
    lines.append(f"references          P {_f(rf['precision'])}  R {_f(rf['recall'])}  F1 {_f(rf['f1'])}")
    dc = scores["decisions"]
    lines.append(f"decisions           P {_f(dc['precision'])}  R {_f(dc['recall'])}  F1 {_f(dc['f1'])}"
                 f"  ({dc['tp']} matched, {dc['n_pred']} found, {dc['n_true']} true)")
    lines.append(f"  on matched:       date {_f(dc['date_accuracy'])}  kind {_f(dc['kind_accuracy'])}"
                 f"  body {_f(dc['body_accuracy'])}  votes {_f(dc['votes_accuracy'])}"
                 f"  outcome {_f(dc['outcome_accuracy'])} (reported outcomes {_f(dc['outcome_accuracy_reported'])})")
    if any(dc.get(f"{c}_n") for c in RESULT_COLUMNS):
        lines.append("  result columns:   " + "  ".join(f"{c} {_f(dc[f'{c}_accuracy'])} (n {dc[f'{c}_n']})"
                                                      for c in RESULT_COLUMNS))
    else:
        lines.append("  result columns:   not in this truth (result, votes_*, unanimous, referred_to, reference, "
                     "mention)")
    c = scores["corrections"]
    lines.append(f"corrections         P {_f(c['precision'])}  R {_f(c['recall'])}"
                 f"  ({c['right']} right, {c['false']} false of {c['applied']} applied; "
                 f"names fixed {c['names_fixed']}, still broken {c['names_broken']})")
    lines.append("")
    lines.append(f"{'CER':<16}{'CER':>9}{'pages':>7}{'chars':>9}")
    for k, v in scores["cer"].items():
        lines.append(f"{k:<16}{_f(v['cer'], pct=True):>9}{v['pages']:>7}{v['chars']:>9}")
    lines.append("")
    lines.append(f"{'Flags':<12}{'values':>8}{'flagged':>9}{'wrong':>7}{'wrong∧fl':>10}{'wrong fl.':>11}{'rate':>8}")
    for g in ("entities", "decisions", "doc_date", "all"):
        f = scores["flags"][g]
        lines.append(f"{g:<12}{f['values']:>8}{f['flagged']:>9}{f['wrong']:>7}{f['wrong_flagged']:>10}"
                     f"{_f(f['wrong_flagged_share'], True):>11}{_f(f['flag_rate'], True):>8}")
    lines.append(f"goals: wrong values flagged ≥ {FLAG_GOAL_WRONG:.0%}, all values flagged ≤ {FLAG_GOAL_RATE:.0%}")
    cal = scores.get("calibration") or {}
    if cal:
        lines.append("")
        lines.append(f"{'Calibration':<12}{'values':>8}{'wrong':>7}{'flagged':>9}{'wrong fl.':>11}{'ECE':>8}")
        for kind, c in cal.items():
            lines.append(f"{kind:<12}{c['values']:>8}{c['wrong']:>7}{_f(c['flag_rate'], True):>9}"
                         f"{_f(c['wrong_flagged_share'], True):>11}{_f(c['ece']):>8}")
        lines.append("(flagged = needs_review, or a doc_date review row; ECE over 10 equal confidence bins; "
                     "corrections: applied ones)")
    return "\n".join(lines)


def write_json(scores: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(scores, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
