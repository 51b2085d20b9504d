"""Score the decision finder on generated resolution letters, follow-up memos and protocol pages.

    python -m evaluation.generated_decisions --split train            # rules are written against this
    python -m evaluation.generated_decisions --split dev              # choices are made on this
    python -m evaluation.generated_decisions --split test             # reported once
    python -m evaluation.generated_decisions --split dev --errors 20  # show what went wrong
    python -m evaluation.generated_decisions --split test --ocr 6     # also through real OCR (slow)

The generator (`samples/generate.py --preset decisions`) writes born-digital PDFs with `.truth.json` into a
temporary folder; the finder reads the born-digital truth text of each page (document-level:
`find_decisions_pages`; `--per-page` scores the page-by-page `find_decisions` too). Seed ranges are the
splits: every document seed is `corpus_seed * 100003 + index`, and each split has its own corpus seed,
so no document is in two splits.

Rows are matched per document: first same item with text similarity (rapidfuzz ratio) >= 50, then any
remaining pair with token-set similarity >= 80 (the rule of pipeline/evaluate.py). Reported:
precision / recall / F1 of rows (all, numbered points, mentions), share of documents where every
numbered point was found, exact clause text (ratio >= 95 after whitespace normalisation), kind, mention
flag, outcome (ratio >= 90, and the lenient token-set >= 70 of evaluate.py), reference, result, votes
(all of yes/no/abstain/unanimous equal, where the truth prints any), referred_to, decision date as the
clause writes it, and body / decision_date after `extract._decisions` with the true entities.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Optional

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
SPLITS = {"train": (101, 240), "dev": (202, 150), "test": (303, 150)}  # corpus seed, documents


def _generator():
    spec = importlib.util.spec_from_file_location("samples_generate", ROOT / "samples" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["samples_generate"] = mod
    spec.loader.exec_module(mod)
    return mod


def generate(split: str, out_dir: Path, n: Optional[int] = None, kinds: str = "digital") -> list[Path]:
    """Render the split's documents (born-digital unless `kinds` says otherwise) with their truth files."""
    gen = _generator()
    seed, count = SPLITS[split]
    specs = gen.decision_specs(n or count, seed, kinds.split(","))
    return [gen.render(s, out_dir) for s in specs]


def _norm(s: Any) -> Optional[str]:
    if s is None:
        return None
    s = " ".join(str(s).split())
    return s or None


def _ratio(a: Any, b: Any) -> float:
    return fuzz.ratio(_norm(a) or "", _norm(b) or "")


def match(pred: list[dict], true: list[dict]) -> list[tuple[int, int]]:
    pairs, free_p, free_t = [], set(range(len(pred))), set(range(len(true)))
    cands = []
    for ti, t in enumerate(true):
        for pi, p in enumerate(pred):
            if t.get("item") is not None and str(p.get("item")) == str(t["item"]) and \
                    bool(p.get("mention")) == bool(t.get("mention")):
                r = _ratio(p.get("text"), t.get("text"))
                if r >= 50:
                    cands.append((1, r, pi, ti))
            else:
                r = fuzz.token_set_ratio(_norm(p.get("text")) or "", _norm(t.get("text")) or "")
                if r >= 80:
                    cands.append((0, r, pi, ti))
    for _, _, pi, ti in sorted(cands, key=lambda c: (-c[0], -c[1], c[2], c[3])):
        if pi in free_p and ti in free_t:
            pairs.append((pi, ti))
            free_p.discard(pi)
            free_t.discard(ti)
    return pairs


def _decisions_with_true_entities(truth: dict, clauses_by_page: list[list]) -> list[Optional[dict]]:
    """body and decision_date as extract._decisions attaches them, given the true entities."""
    try:
        from pipeline.extract import _decisions
        from pipeline.records import DocFields, Entity, Page
    except Exception:  # pragma: no cover - spaCy missing
        return []
    pages = [Page(number=p["page"], words=[], source="text", text=p["text"]) for p in truth["pages"]]
    ents = [Entity(label=e["label"], text=e["text"], value=e["value"], page=e["page"], start=e["start"],
                   end=e["end"], confidence=1.0) for e in truth["entities"]]
    pairs = [(pages[i], c) for i, cs in enumerate(clauses_by_page) for c in cs]
    decs = _decisions(pairs, ents, DocFields(doc_type=truth.get("doc_type")))
    return [{"body": d.body, "decision_date": d.decision_date} for d in decs]


FIELDS = ("kind", "mention", "reference", "result", "referred_to")
VOTE_KEYS = ("votes_yes", "votes_no", "votes_abstain", "unanimous")


def score_docs(truths: list[dict], per_page: bool = False, attach: bool = True, errors: int = 0) -> dict:
    from pipeline.extract.decisions import canonical_body, find_decisions, find_decisions_pages

    tot: dict[str, float] = defaultdict(float)
    by_genre: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    shown = 0
    for tr in truths:
        texts = [p["text"] for p in tr["pages"]]
        by_page = [find_decisions(t) for t in texts] if per_page else find_decisions_pages(texts)
        pred = []
        for i, cs in enumerate(by_page):
            for c in cs:
                pred.append({"page": i + 1, "item": c.item, "text": c.text, "kind": c.kind, "mention": c.mention,
                             "outcome": c.outcome, "reference": c.reference, "result": c.result,
                             "votes_yes": c.votes_yes, "votes_no": c.votes_no, "votes_abstain": c.votes_abstain,
                             "unanimous": c.unanimous, "votes": c.votes, "referred_to": c.referred_to,
                             "date": c.date, "_body": c.body})
        orgs = [(e["text"], e["value"]) for e in tr["entities"] if e["label"] == "ORG"]
        for p in pred:
            p["body_c"] = canonical_body(p.pop("_body"), orgs) if p.get("_body") else None
        attached = _decisions_with_true_entities(tr, by_page) if attach else []
        for p, a in zip(pred, attached):
            p.update(a)
        true = tr["decisions"]
        pairs = match(pred, true)
        g = by_genre[tr["genre"]]
        for acc in (tot, g):
            acc["docs"] += 1
            acc["n_pred"] += len(pred)
            acc["n_true"] += len(true)
            acc["matched"] += len(pairs)
        pts_true = [i for i, t in enumerate(true) if t.get("item") is not None and not t.get("mention")]
        pts_pred = [i for i, p in enumerate(pred) if p.get("item") is not None and not p.get("mention")]
        men_true = [i for i, t in enumerate(true) if t.get("mention")]
        men_pred = [i for i, p in enumerate(pred) if p.get("mention")]
        matched_t = {ti for _, ti in pairs}
        matched_p = {pi for pi, _ in pairs}
        pair_of = {ti: pi for pi, ti in pairs}
        all_points = all(ti in matched_t and str(pred[pair_of[ti]]["item"]) == str(true[ti]["item"])
                         for ti in pts_true)
        wrong = []
        for acc in (tot, g):
            acc["points_true"] += len(pts_true)
            acc["points_pred"] += len(pts_pred)
            acc["points_matched"] += sum(1 for ti in pts_true if ti in matched_t and pair_of[ti] in pts_pred)
            acc["mentions_true"] += len(men_true)
            acc["mentions_pred"] += len(men_pred)
            acc["mentions_matched"] += sum(1 for ti in men_true if ti in matched_t and pair_of[ti] in men_pred)
            acc["docs_all_points"] += all_points
        for pi, ti in pairs:
            p, t = pred[pi], true[ti]
            checks = {"text_exact": _ratio(p["text"], t["text"]) >= 95,
                      "item": str(p["item"]) == str(t["item"]) if t["item"] is not None else p["item"] is None,
                      "date": p["date"] == t["decision_date"]}
            for f in FIELDS:
                tv = t.get(f) if f != "mention" else bool(t.get("mention"))
                checks[f] = (p.get(f) if f != "mention" else bool(p.get("mention"))) == tv
            if t.get("outcome") is not None or p.get("outcome") is not None:
                po, to = _norm(p.get("outcome")), _norm(t.get("outcome"))
                checks["outcome"] = po is not None and to is not None and fuzz.ratio(po, to) >= 90
                checks["outcome_lenient"] = po is not None and to is not None and fuzz.token_set_ratio(po, to) >= 70
            if any(t.get(k) is not None for k in ("votes_yes", "votes_no", "votes_abstain", "unanimous")) or \
                    any(p.get(k) is not None for k in ("votes_yes", "votes_no", "votes_abstain", "unanimous")):
                checks["votes"] = all(p.get(k) == t.get(k) for k in ("votes_yes", "votes_no", "votes_abstain",
                                                                      "unanimous"))
            if t.get("referred_to") is None:
                checks.pop("referred_to")
            checks["body_canonical"] = p["body_c"] == t["body"]
            if "body" in p:
                checks["body_attached"] = p["body"] == t["body"]
                checks["date_attached"] = p["decision_date"] == t["decision_date"]
            for k, ok in checks.items():
                for acc in (tot, g):
                    acc[f"{k}_n"] += 1
                    acc[f"{k}_ok"] += bool(ok)
                if not ok:
                    pk = {"text_exact": "text", "body_attached": "body", "date_attached": "decision_date",
                          "outcome_lenient": "outcome", "body_canonical": "body_c"}.get(k, k)
                    tk = {"text_exact": "text", "date": "decision_date", "body_attached": "body",
                          "date_attached": "decision_date", "outcome_lenient": "outcome",
                          "body_canonical": "body"}.get(k, k)
                    if k == "votes":
                        pk = tk = None
                    wrong.append((f"{k} (item {t['item']})", p.get(pk) if pk else {x: p.get(x) for x in VOTE_KEYS},
                                  t.get(tk) if tk else {x: t.get(x) for x in VOTE_KEYS}))
        if errors and shown < errors:
            missing = [true[ti] for ti in range(len(true)) if ti not in matched_t]
            extra = [pred[pi] for pi in range(len(pred)) if pi not in matched_p]
            if missing or extra or wrong:
                shown += 1
                print(f"=== {tr['file']} ({tr['genre']})")
                for m in missing:
                    print(f"  MISSING item={m['item']} mention={m.get('mention')} {m['text'][:110]}")
                for e in extra:
                    print(f"  EXTRA   item={e['item']} mention={e['mention']} {e['text'][:110]}")
                for k, pv, tv in [w for w in wrong if not w[0].startswith(("body_attached", "date_attached"))][:8]:
                    print(f"  WRONG {k}: pred={str(pv)[:120]!r}\n{'':14}true={str(tv)[:120]!r}")
    return {"all": _summary(tot), "by_genre": {k: _summary(v) for k, v in sorted(by_genre.items())}}


def _summary(acc: dict[str, float]) -> dict[str, Any]:
    def div(a: float, b: float) -> Optional[float]:
        return round(a / b, 4) if b else None

    p, r = div(acc["matched"], acc["n_pred"]), div(acc["matched"], acc["n_true"])
    out: dict[str, Any] = {
        "docs": int(acc["docs"]), "n_true": int(acc["n_true"]), "n_pred": int(acc["n_pred"]),
        "precision": p, "recall": r, "f1": round(2 * p * r / (p + r), 4) if p and r else None,
        "points_precision": div(acc["points_matched"], acc["points_pred"]),
        "points_recall": div(acc["points_matched"], acc["points_true"]),
        "docs_every_point_found": div(acc["docs_all_points"], acc["docs"]),
        "mentions_precision": div(acc["mentions_matched"], acc["mentions_pred"]),
        "mentions_recall": div(acc["mentions_matched"], acc["mentions_true"]),
    }
    for k in ("text_exact", "item", "kind", "mention", "outcome", "outcome_lenient", "reference", "result", "votes",
              "referred_to", "date", "body_canonical", "body_attached", "date_attached"):
        out[k] = div(acc[f"{k}_ok"], acc[f"{k}_n"])
        out[f"{k}_n"] = int(acc[f"{k}_n"])
    return out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=list(SPLITS), required=True)
    ap.add_argument("--n", type=int, help="fewer documents than the split has")
    ap.add_argument("--per-page", action="store_true", help="score the page-by-page find_decisions instead")
    ap.add_argument("--errors", type=int, default=0, help="print the first N documents with errors")
    ap.add_argument("--ocr", type=int, default=0, help="also score N documents as damaged scans through Tesseract")
    ap.add_argument("--ocr-damage", default="medium", choices=["light", "medium", "hard"])
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(args.split, Path(tmp), args.n)
        truths = [json.loads(Path(str(p) + ".truth.json").read_text(encoding="utf-8")) for p in paths]
        res = {"split": args.split, "corpus_seed": SPLITS[args.split][0], "text": "born-digital truth text",
               "mode": "per-page" if args.per_page else "document",
               **score_docs(truths, per_page=args.per_page, errors=args.errors)}
        if args.ocr:
            scans = Path(tmp) / "scans"
            scans.mkdir()
            gen = _generator()
            seed, _ = SPLITS[args.split]
            specs = [s for s in gen.decision_specs(args.ocr * 8, seed, ["scan"]) if s.damage == args.ocr_damage]
            spaths = [gen.render(s, scans) for s in specs[:args.ocr]]
            res["ocr_medium"] = score_docs(_ocr_scans(spaths, Path(tmp)), attach=False, errors=args.errors)["all"]
            res["ocr_damage"] = args.ocr_damage
    _print(res)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def _ocr_scans(paths: list[Path], work: Path) -> list[dict]:
    """Scans: OCR the image pages (the truth text stays the born-digital one it was made from)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    out = []
    import pypdfium2 as pdfium
    for path in paths:
        tr = json.loads(Path(str(path) + ".truth.json").read_text(encoding="utf-8"))
        pdf = pdfium.PdfDocument(path)
        for i, p in enumerate(tr["pages"]):
            img = work / f"{path.stem}_{i}.tif"
            dpi = (tr["render"].get("dpi") or 300)
            pdf[i].render(scale=dpi / 72).to_pil().convert("L").save(img, dpi=(dpi, dpi))
            p["text"] = subprocess.run(["tesseract", str(img), "-", "-l", "deu", "--psm", "3"], env=env,
                                       capture_output=True, text=True, check=False).stdout
        out.append(tr)
    return out


def _print(res: dict) -> None:
    a = res["all"]
    print(f"split {res['split']} (corpus seed {res['corpus_seed']}), {a['docs']} documents, {res['mode']}")
    keys = ["precision", "recall", "f1", "points_precision", "points_recall", "docs_every_point_found",
            "mentions_precision", "mentions_recall", "text_exact", "item", "kind", "mention", "outcome",
            "outcome_lenient", "reference", "result", "votes", "referred_to", "date", "body_canonical", "body_attached",
            "date_attached"]
    genres = list(res["by_genre"])
    print(f"{'':26}{'all':>8}" + "".join(f"{g[:14]:>16}" for g in genres) + ("   ocr_medium" if "ocr_medium" in res
                                                                             else ""))
    for k in keys:
        row = [a.get(k)] + [res["by_genre"][g].get(k) for g in genres]
        cells = "".join(f"{'' if v is None else f'{v:.3f}':>16}" for v in row[1:])
        extra = res.get("ocr_medium", {}).get(k) if "ocr_medium" in res else None
        print(f"{k:26}{'' if row[0] is None else f'{row[0]:.3f}':>8}{cells}" +
              (f"{'' if extra is None else f'{extra:.3f}':>13}" if "ocr_medium" in res else ""))


if __name__ == "__main__":
    sys.exit(main())
