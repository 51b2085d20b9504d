"""Score the protocol readers on the 600 Karlsruhe protocol excerpts, straight from their text.

    python -m evaluation.karlsruhe_protocols                      # train and dev table
    python -m evaluation.karlsruhe_protocols --errors dev         # what went wrong on dev, to choose by
    python -m evaluation.karlsruhe_protocols --noise 0.02         # the same under synthetic OCR noise
    python -m evaluation.karlsruhe_protocols --split test         # the test split: once, at the end

Gold is the city's OParl record (../shared/data/karlsruhe-protocols/gold.jsonl), not the text:
category, meeting date, Vorlage, chair and agenda number per excerpt. Printed votes have no OParl
field; they are scored against the hand-checked list in tests/fixtures/karlsruhe_votes/.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from rapidfuzz import fuzz

from evaluation.ocr_noise import add_noise
from pipeline.extract import results as res
from pipeline.extract.protocol import Protocol, parse_protocol

ROOT = Path(__file__).resolve().parents[1]
VOTES_DIR = ROOT / "tests" / "fixtures" / "karlsruhe_votes"
FIELDS = ("category", "decision_dated", "meeting_date", "reference", "chair", "agenda_number", "votes")


def data_dir() -> Path:
    env = os.environ.get("RATSAKTEN_SHARED")
    base = Path(env) if env else ROOT.parent / "shared"
    return base / "data" / "karlsruhe-protocols"


def load_gold(split: Optional[str] = None, data: Optional[Path] = None) -> list[dict]:
    data = data or data_dir()
    rows = [json.loads(line) for line in (data / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if split is None or r["split"] == split]


def file_id(row: dict) -> str:
    return Path(row["file"]).stem


def load_votes(split: Optional[str] = None) -> list[dict]:
    rows = []
    for path in sorted(VOTES_DIR.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


@dataclass
class Outcome:
    """Per-field hits and misses for one split, with the misses kept for the error list."""
    n: Counter = field(default_factory=Counter)
    hit: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)
    confusion: Counter = field(default_factory=Counter)
    confidences: list[tuple[float, bool]] = field(default_factory=list)  # (category confidence, right)

    def add(self, name: str, ok: bool, fid: str, gold, pred, note: str = "") -> None:
        self.n[name] += 1
        self.hit[name] += int(ok)
        if not ok:
            self.errors.append({"file": fid, "field": name, "gold": gold, "pred": pred, "note": note})

    def score(self, name: str) -> Optional[float]:
        return self.hit[name] / self.n[name] if self.n[name] else None


def _norm_label(label: Optional[str]) -> str:
    return re.sub(r"[^a-z0-9]", "", res.fold(label or ""))


def _decision_for(proto: Protocol, label: Optional[str]):
    if label is None:
        unl = [d for d in proto.decisions if d.part is None and d.result is not None]
        return unl[0] if unl else proto.primary
    want = _norm_label(label)
    labelled = [d for d in proto.decisions if d.part is not None]
    for d in labelled:
        if _norm_label(d.part) == want:
            return d
    # OCR may damage the label ('Ändcrungsanträg FW|FÜR'): the closest label, if it is close
    best = max(labelled, key=lambda d: fuzz.ratio(_norm_label(d.part), want), default=None)
    if best is not None and fuzz.ratio(_norm_label(best.part), want) >= 80:
        return best
    return None


def evaluate(split: str, *, noise: float = 0.0, model: Optional[res.ResultModel] | bool = True,
             data: Optional[Path] = None) -> Outcome:
    data = data or data_dir()
    out = Outcome()
    votes_by_file: dict[str, list[dict]] = {}
    for v in load_votes(split):
        votes_by_file.setdefault(v["file"], []).append(v)
    for row in load_gold(split, data):
        fid = file_id(row)
        text = (data / row["file"]).read_text(encoding="utf-8")
        if noise:
            text = add_noise(text, seed=int(fid) if fid.isdigit() else 0, level=noise)
        proto = parse_protocol(text, model=model)
        score_protocol(out, fid, row, proto, votes_by_file.get(fid, []))
    return out


def score_protocol(out: Outcome, fid: str, row: dict, proto: Protocol, votes: list[dict]) -> None:
    r = proto.result
    pred_cat = r.result.upper() if r and r.result else None
    note = f"statement={r.text[:80]!r} rule={r.rule_result} p={r.confidence}" if r else "no result"
    out.add("category", pred_cat == row["category"], fid, row["category"], pred_cat, note)
    out.confusion[(row["category"], pred_cat)] += 1
    out.confidences.append((r.confidence if r else 0.0, pred_cat == row["category"]))
    primary = proto.primary
    out.add("decision_dated", bool(primary and primary.decision_date == row["meeting_date"]), fid,
            row["meeting_date"], primary.decision_date if primary else None)
    md = proto.meeting_date.value if proto.meeting_date else None
    out.add("meeting_date", md == row["meeting_date"], fid, row["meeting_date"], md)
    if row.get("reference"):
        out.add("reference", proto.reference == row["reference"], fid, row["reference"], proto.reference,
                f"all printed: {[f.printed or f.value for f in proto.references]}")
    if row.get("chair"):
        name = proto.chair.name if proto.chair else None
        out.add("chair", name == row["chair"], fid, row["chair"], name)
    ag = proto.agenda_number.value if proto.agenda_number else None
    out.add("agenda_number", ag == str(row["agenda_number"]), fid, row["agenda_number"], ag,
            f"items: {[f.value for f in proto.agenda_items]}")
    for v in votes:
        d = _decision_for(proto, v.get("part"))
        got = (d.result.votes_yes, d.result.votes_no, d.result.votes_abstain) if d and d.result else None
        want = (v["yes"], v["no"], v["abstain"])
        out.add("votes", got == want, fid, list(want), list(got) if got else None, f"part={v.get('part')!r}")


def table(outcomes: dict[str, Outcome]) -> str:
    splits = list(outcomes)
    lines = [f"{'field':<16}" + "".join(f"{s:>18}" for s in splits)]
    for name in FIELDS:
        cells = []
        for s in splits:
            o = outcomes[s]
            sc = o.score(name)
            cells.append(f"{'-' if sc is None else f'{sc:.3f}'} ({o.hit[name]}/{o.n[name]})".rjust(18))
        lines.append(f"{name:<16}" + "".join(cells))
    cells = []
    for s in splits:
        conf = outcomes[s].confidences
        mean = sum(c for c, _ in conf) / len(conf) if conf else 0.0
        cells.append(f"{mean:.3f}".rjust(18))
    lines.append(f"{'mean confidence':<16}" + "".join(cells) + "   (of the category; compare its accuracy)")
    return "\n".join(lines)


def as_dict(o: Outcome) -> dict:
    return {name: {"score": None if o.score(name) is None else round(o.score(name), 4), "hits": o.hit[name],
                   "n": o.n[name]} for name in FIELDS}


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["train", "dev", "test"], action="append",
                    help="split(s) to score; default train and dev (test only when named)")
    ap.add_argument("--errors", choices=["train", "dev"], help="print the error list of this split")
    ap.add_argument("--noise", type=float, default=0.0, help="per-character OCR confusion rate (0 = clean)")
    ap.add_argument("--rules-only", action="store_true", help="no model: the category from the wording rules")
    ap.add_argument("--json", type=Path, help="also write the scores as JSON here")
    args = ap.parse_args(argv)
    splits = args.split or ["train", "dev"]
    if args.errors and args.errors not in splits:
        splits.append(args.errors)
    model = False if args.rules_only else True
    if model and res.default_model() is None:
        print("no model at models/results/model.json (run scripts/train_results.py); using the rules", file=sys.stderr)
    outcomes = {s: evaluate(s, noise=args.noise, model=model) for s in splits}
    print(f"Karlsruhe protocols, from text{' + OCR noise %.3f' % args.noise if args.noise else ''}"
          f"{' (rules only)' if args.rules_only else ''}")
    print(table(outcomes))
    if args.errors:
        o = outcomes[args.errors]
        print(f"\nerrors on {args.errors}:")
        for e in o.errors:
            print(f"  {e['file']} {e['field']:<14} gold={e['gold']!r} pred={e['pred']!r} {e['note']}")
        print("\ncategory confusion (gold → predicted):")
        for (g, p), k in sorted(o.confusion.items(), key=lambda kv: -kv[1]):
            if g != p:
                print(f"  {g} → {p}: {k}")
    if args.json:
        args.json.write_text(json.dumps({s: as_dict(o) for s, o in outcomes.items()}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
