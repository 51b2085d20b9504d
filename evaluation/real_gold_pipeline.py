"""Score the whole pipeline's entities on the hand-made real gold, the texts laid out as PDFs or as scans.

    python -m evaluation.real_gold_pipeline --split train5 --text         # the text alone (the baseline)
    python -m evaluation.real_gold_pipeline --split train5                # born-digital PDFs (text layer)
    python -m evaluation.real_gold_pipeline --split train5 --scan         # medium-damage scans, real Tesseract
    python -m evaluation.real_gold_pipeline --split check --scan --json out.json   # a held-out half: once per change

evaluation/real_gold.py gives each text to the extraction stage as it is, so spans can be compared exactly.
Here every text of a real-gold part is laid out as an A4 PDF the way evaluation/karlsruhe_pipeline.py does
(DejaVu Sans 10 pt, the text's own lines), optionally rendered as an image-only scan with the generator's
"medium" damage (seeded per document), and the folder goes through `pipeline.run` with the default
settings: read, OCR, layout, correction, extraction, review. After OCR the character offsets of the gold no
longer apply, so the score is by **value**: per document and label, the multiset of normalised values the
`entities` table holds against the gold's (``real_gold.norm_value``: the full name of a PERSON, the canonical
name of a CITY, the ISO value of a DATE). A value counts once per mention, so a city named five times must be
found five times. Only the labels a gold file was annotated for are scored.

Parts (tests/real_gold/split.json): rules may be written from the train parts (train … train5, ``--errors``
lists their misses and false values); ``tune`` is for choosing; ``check`` is reported once per change.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from evaluation.karlsruhe_pipeline import run_texts
from evaluation.real_gold import LABELS, SPLITS, STUDY, load_gold, norm_value, predict


@dataclass
class Scores:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # (doc, MISS|FALSE, label, value)
    flags: list[tuple[str, bool, bool]] = field(default_factory=list)  # (label, right, needs_review) per value
    docs: int = 0
    failed: int = 0
    pages: int = 0
    seconds: float = 0.0

    def review(self) -> dict:
        """How the review queue covers the predicted values: share flagged, wrong ones flagged."""
        wrong = [f for _, right, f in self.flags if not right]
        return {"values": len(self.flags), "wrong": len(wrong), "wrong_flagged": sum(wrong),
                "flagged": sum(f for _, _, f in self.flags) / len(self.flags) if self.flags else 0.0}

    def figures(self, label: Optional[str] = None) -> dict:
        labels = [label] if label else list(LABELS)
        tp, fp, fn = (sum(c[k] for k in labels) for c in (self.tp, self.fp, self.fn))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return {"gold": tp + fn, "pred": tp + fp, "P": round(p, 4), "R": round(r, 4),
                "F1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def score_values(doc: str, gold: list[str], pred: list[str], label: str, out: Scores,
                 review: Optional[list[tuple[float, bool]]] = None) -> None:
    """Multiset match of normalised values of one label in one document. ``review``: (confidence,
    needs_review) of each predicted value, in ``pred``'s order; of several predictions of one value the
    most confident count as the right ones, and each is recorded in ``out.flags`` as (label, right, flagged)."""
    g, p = Counter(norm_value(v) for v in gold), Counter(norm_value(v) for v in pred)
    for v in set(g) | set(p):
        hit = min(g[v], p[v])
        out.tp[label] += hit
        out.fn[label] += g[v] - hit
        out.fp[label] += p[v] - hit
        out.errors += [(doc, "MISS", label, v)] * (g[v] - hit) + [(doc, "FALSE", label, v)] * (p[v] - hit)
        if review is not None:
            mine = sorted((r for r, pv in zip(review, pred) if norm_value(pv) == v), key=lambda r: -r[0])
            out.flags += [(label, k < hit, bool(flagged)) for k, (_, flagged) in enumerate(mine)]


def evaluate_text(split: str) -> Scores:
    """The same value score on the extraction stage alone, each text as one text-layer page (as
    evaluation/real_gold.py runs it): the baseline the PDF and scan figures lose against."""
    docs = load_gold(split)
    out = Scores(docs=len(docs))
    t0 = time.perf_counter()
    for d in docs:
        ents = predict(d.text)
        for label in d.labels:
            score_values(f"{d.set}__{d.doc_id}", [e["value"] for e in d.entities if e["label"] == label],
                         [e["value"] for e in ents if e["label"] == label and e["value"]], label, out)
    out.seconds = time.perf_counter() - t0
    return out


def evaluate(split: str, *, scan: bool = False, jobs: int = 0, keep: Optional[Path] = None) -> Scores:
    docs = load_gold(split)
    out = Scores(docs=len(docs))
    names = {f"{d.set}__{d.doc_id}": d for d in docs}
    got = run_texts({name: (d.text, 1000 + k) for k, (name, d) in enumerate(names.items())}, scan=scan, jobs=jobs,
                    keep=keep, tables=("documents", "entities"))
    out.seconds, out.failed, out.pages = got.seconds, got.failed, got.pages
    entities = got.tables["entities"]
    for name, d in names.items():
        ents = entities[entities["doc_id"] == got.doc_of.get(name)]
        for label in d.labels:
            gold = [e["value"] for e in d.entities if e["label"] == label]
            mine = ents[(ents["label"] == label) & ents["value"].notna() & (ents["value"] != "")]
            score_values(name, gold, mine["value"].tolist(), label, out,
                         list(zip(mine["confidence"].tolist(), mine["needs_review"].tolist())))
    return out


def table(s: Scores, title: str) -> str:
    lines = [title, f"documents {s.docs} (failed {s.failed}), pages {s.pages}, {s.seconds:.0f} s",
             f"  {'label':<9}{'gold':>6}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}"]
    for label in (*LABELS, None):
        f = s.figures(label)
        if f["gold"] or f["pred"]:
            lines.append(f"  {label or 'micro':<9}{f['gold']:>6}{f['pred']:>6}{f['P']:>7.3f}{f['R']:>7.3f}{f['F1']:>7.3f}")
    if s.flags:
        r = s.review()
        lines.append(f"review flags: {r['values']} values, {r['wrong']} wrong, {100 * r['flagged']:.1f} % flagged, "
                     f"wrong flagged {r['wrong_flagged']} of {r['wrong']}")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=SPLITS, default="tune")
    ap.add_argument("--scan", action="store_true", help="render the pages as medium-damage scans (Tesseract OCR)")
    ap.add_argument("--text", action="store_true", help="no PDF: the extraction stage on the text (the baseline)")
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--errors", action="store_true", help="list misses and false values (train parts, tune)")
    ap.add_argument("--keep", type=Path, help="keep the PDFs and tables in this folder")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    s = evaluate_text(a.split) if a.text else evaluate(a.split, scan=a.scan, jobs=a.jobs, keep=a.keep)
    how = "the text, extraction stage only" if a.text else \
        f"whole pipeline, {'medium-damage scans' if a.scan else 'born-digital PDFs'}"
    print(table(s, f"real gold {a.split}, {how} (values, multiset per document)"))
    if a.errors:
        if a.split not in STUDY:
            print(f"--errors is for the train parts and tune, not {a.split}", file=sys.stderr)
            return 2
        for e in sorted(s.errors):
            print("  ", *e)
    if a.json:
        figures = {lab or "micro": s.figures(lab) for lab in (*LABELS, None)}
        if s.flags:
            figures["review"] = s.review()
        a.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
