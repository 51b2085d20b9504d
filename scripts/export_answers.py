"""Reviewers' answers as further training data for the calibrator (issue 16).

    python scripts/export_answers.py OUT_DIR [--out OUT_DIR/calibration_answers.jsonl]
    python scripts/train_calibration.py ... --answers OUT_DIR/calibration_answers.jsonl

Reads the answers in ``OUT_DIR/review.sqlite`` (the latest answer per item wins) and the finished
documents in ``OUT_DIR/.cache``; for every answered entity, decision, issue date and correction it
writes one JSON line: the value's signals, and whether the reviewer found it right (``accepted``)
or wrong (``corrected`` or ``rejected``), with who answered and when. Page rows are not values and
are left out.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline import calibrate  # noqa: E402
from pipeline.answers import AnswerStore  # noqa: E402
from pipeline.lexicon import load_lexicon  # noqa: E402
from pipeline.records import DocumentResult  # noqa: E402
from pipeline.signals import Signals, collect  # noqa: E402

MODELS = ROOT / "models"


def _results(out_dir: Path) -> dict[str, DocumentResult]:
    out: dict[str, DocumentResult] = {}
    for p in sorted((out_dir / ".cache").glob("*.pkl"), key=lambda p: p.stat().st_mtime):
        try:
            with p.open("rb") as fh:
                r = pickle.load(fh)
        except Exception:  # an entry of an older layout: its document is simply not exported
            continue
        out[r.doc_id] = r  # the newest entry of a document wins
    return out


def _signals(r: DocumentResult, table: str, row_id: str) -> Signals | None:
    if table == "entities":
        return next((e.signals for e in r.entities if e.entity_id == row_id), None)
    if table == "decisions":
        return next((d.signals for d in r.decisions if d.decision_id == row_id), None)
    if table == "corrections":
        return next((c.signals for c in r.corrections if c.correction_id == row_id), None)
    if table == "documents":
        return r.fields.doc_date_signals
    return None


def export(out_dir: Path, path: Path) -> int:
    """Write the answered values as JSON lines; returns how many."""
    answers = {}
    for a in AnswerStore(out_dir).all():  # in order of answering: a later answer supersedes
        answers[(a.table_name, a.row_id, a.field)] = a
    results = _results(out_dir)
    wf, lex = calibrate.load_wordfreq(str(MODELS)), load_lexicon(str(MODELS))
    given = calibrate.load_given_names(str(MODELS))
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for (table, row_id, _field), a in sorted(answers.items()):
            r = results.get(a.doc_id)
            if r is None:
                continue
            collect(r, wf, lex, given)
            s = _signals(r, table, row_id)
            if s is None:
                continue
            fh.write(json.dumps({"kind": s.kind, "right": a.status == "accepted", "status": a.status,
                                 "doc_id": a.doc_id, "row_id": row_id, "who": a.who, "at": a.at,
                                 "signals": dataclasses.asdict(s)}, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_examples(path: Path) -> list[tuple[str, Signals, bool]]:
    """(kind, signals, right) from an export (unknown signal names of a newer layout are dropped)."""
    names = {f.name for f in dataclasses.fields(Signals)}
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            s = Signals(**{k: v for k, v in d["signals"].items() if k in names})
            out.append((d["kind"], s, bool(d["right"])))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if not AnswerStore(args.out_dir).exists:
        print(f"no answers in {args.out_dir}: review with `cli.py review {args.out_dir}` first", file=sys.stderr)
        return 2
    path = args.out or args.out_dir / "calibration_answers.jsonl"
    print(f"{export(args.out_dir, path)} answered values -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
