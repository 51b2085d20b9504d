"""How well does the learned-repair gate (pipeline/learned.py) tell an OCR repair from another word?

    .venv/bin/python evaluation/learned_floor.py OCR_DIR [--splits train,dev] [--json out.json]

OCR_DIR holds plain Tesseract text of the real scans in ../shared/data (`tesseract IMG - -l deu
--psm 3`, one `<folder>__<image stem>.txt` per page; evaluation.real.tesseract_baseline).
Word pairs come from aligning each page's OCR words with its hand-corrected ALTO transcription:
- repair: an OCR word and the true word it stands for, where they differ and the true word is
  letters only (what a reviewer types when repairing a name): the gate should let it in;
- other word: the same OCR word with another letters-only word of the same page, of about the
  same length (what a reviewer types when the value is wrong, or an attacker types): it should not.

Split by document before looking (pages of one document stay together):
train = FoNDUE 1874 Aarau + EHRI BF-*, dev = EHRI ET-WL1375B189 + NISKO-19391207,
test = FoNDUE 1886 Basel + EHRI NISKO-19391112.
"""
from __future__ import annotations

import argparse
import difflib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.real import DATA, alto_text  # noqa: E402
from pipeline.correct.model import ocr_score  # noqa: E402
from pipeline.learned import _NAME_WORD, LEARN_FLOOR, LearnedRepair, check_learned  # noqa: E402
from pipeline.review_apply import _STRIP  # noqa: E402

FLOORS = [50, 55, 60, 65, 70, 75, 80, 85]
WHEN = "2026-01-01T00:00:00+00:00"


def split_of(folder: str, stem: str) -> str:
    if folder == "1874_Aarau_joyeux" or stem.startswith("EHRI-BF-"):
        return "train"
    if stem.startswith(("EHRI-ET-WL1375B189", "EHRI-NISKO-19391207")):
        return "dev"
    return "test"


def _words(text: str) -> list[str]:
    return [w for w in (t.strip(_STRIP) for t in text.split()) if w]


def page_pairs(ocr: str, truth: str, seed: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(repairs, other words) of one page."""
    a, b = _words(ocr), _words(truth)
    repairs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            repairs += [(x, y) for x, y in zip(a[i1:i2], b[j1:j2])
                        if x != y and _NAME_WORD.fullmatch(y) and any(c.isalpha() for c in x)]
    vocab = sorted({w for w in b if _NAME_WORD.fullmatch(w)})
    rng = random.Random(seed)
    others = []
    for x, y in repairs:
        pool = [w for w in vocab if abs(len(w) - len(y)) <= 2 and w.casefold() != y.casefold()]
        if pool:
            others.append((x, rng.choice(pool)))
    return repairs, others


def collect(ocr_dir: Path) -> dict[str, dict[str, list[tuple[str, str]]]]:
    out: dict[str, dict[str, list]] = {s: {"repair": [], "other": []} for s in ("train", "dev", "test")}
    for txt in sorted(ocr_dir.glob("*__*.txt")):
        folder, stem = txt.stem.split("__", 1)
        base = DATA / folder if folder.startswith("ehri") else DATA / "fondue-art-de" / folder
        alto = base / f"{stem}.xml"
        if not alto.exists():
            continue
        repairs, others = page_pairs(txt.read_text(encoding="utf-8"), alto_text(alto), txt.stem)
        split = split_of(folder, stem)
        out[split]["repair"] += repairs
        out[split]["other"] += others
    return out


def rate(pairs: list[tuple[str, str]], floor: float) -> float:
    return sum(ocr_score(x, y) >= floor for x, y in pairs) / max(len(pairs), 1)


def gate(pairs: list[tuple[str, str]]) -> float:
    return sum(isinstance(check_learned(x, y, "eval", WHEN), LearnedRepair) for x, y in pairs) / max(len(pairs), 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ocr_dir", type=Path)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--splits", default="train,dev,test", help="which splits to score (test once, at the end)")
    args = ap.parse_args(argv)
    data = {k: v for k, v in collect(args.ocr_dir).items() if k in args.splits.split(",")}
    res: dict = {}
    for split, d in data.items():
        res[split] = {"repairs": len(d["repair"]), "other_words": len(d["other"]),
                      "kept_by_floor": {f: round(rate(d["repair"], f), 3) for f in FLOORS},
                      "other_by_floor": {f: round(rate(d["other"], f), 3) for f in FLOORS},
                      "gate_repairs_learned": round(gate(d["repair"]), 3),
                      "gate_other_learned": round(gate(d["other"]), 3)}
    print(f"floor in use: {LEARN_FLOOR:.0f}")
    print(f"{'split':6} {'pairs':>6} " + " ".join(f"{f:>11}" for f in FLOORS) + "   gate(repair/other)")
    for split, r in res.items():
        cells = " ".join(f"{r['kept_by_floor'][f]:>5.3f}/{r['other_by_floor'][f]:<5.3f}" for f in FLOORS)
        print(f"{split:6} {r['repairs']:>6} {cells}   {r['gate_repairs_learned']:.3f}/{r['gate_other_learned']:.3f}")
    print("cells: share of true repairs kept / share of other words let in, at each ocr_score floor")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
