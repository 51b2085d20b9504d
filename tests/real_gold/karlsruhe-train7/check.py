"""Verify the gold of the seventh train part (train7, protocols) against the original texts (stdlib only).

The checks are those of ../karlsruhe-dev/check.py (loaded from there), with this folder's selection rule
(../split.json, "train7_why"): karlsruhe-protocols train-split texts sorted by file name, not in the folders
karlsruhe-dev, council-corpus, karlsruhe-train, karlsruhe-train3, karlsruhe-train5, karlsruhe-train6, not
612684 or 631129 (read by the lead in rule diffs before the draw), of <= 8,000 characters,
random.Random(20261209).shuffle, the first 12. Labels PERSON, CITY, DISTRICT, DATE.

Run: python tests/real_gold/karlsruhe-train7/check.py   (data from $RATSAKTEN_SHARED_DATA or <repo>/../shared/data)
"""
from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("karlsruhe_dev_check", HERE.parent / "karlsruhe-dev" / "check.py")
dev_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dev_check)
dev_check.HERE = HERE
dev_check.SET_NAME = "karlsruhe-protocols-train7"
dev_check.TOP_KEYS = dev_check.TOP_KEYS | {"labels"}

SEED, COUNT, MAX_CHARS = 20261209, 12, 8000
DRAWN_AFTER = ("karlsruhe-dev", "council-corpus", "karlsruhe-train", "karlsruhe-train3", "karlsruhe-train5",
               "karlsruhe-train6")
READ_BEFORE = {"612684", "631129"}


def expected_ids(root: Path) -> list[str]:
    """The rule fixed before any of these protocols was read, re-run."""
    taken = set()  # the folders that existed when train5 was drawn (a later folder must not shift the draw)
    for folder in DRAWN_AFTER:
        for path in (HERE.parent / folder).glob("*.json"):
            taken.add(json.loads(path.read_text(encoding="utf-8")).get("source"))
    rows = [json.loads(line) for line in (root / "karlsruhe-protocols" / "gold.jsonl").open(encoding="utf-8")]
    cands = []
    for r in sorted((r for r in rows if r["split"] == "train"), key=lambda r: r["file"]):
        if f"karlsruhe-protocols/{r['file']}" in taken or Path(r["file"]).stem in READ_BEFORE:
            continue
        if len((root / "karlsruhe-protocols" / r["file"]).read_text(encoding="utf-8")) <= MAX_CHARS:
            cands.append(Path(r["file"]).stem)
    random.Random(SEED).shuffle(cands)
    return cands[:COUNT]


dev_check.expected_ids = expected_ids

if __name__ == "__main__":
    sys.exit(dev_check.main())
