"""Verify the gold of the fifth train part (train5, protocols) against the original texts (stdlib only).

The checks are those of ../karlsruhe-dev/check.py, with this folder's selection rule (../split.json, "train5_why";
../drawn_part.py runs it): karlsruhe-protocols train-split texts sorted by file name, not in the folders
karlsruhe-dev, council-corpus, karlsruhe-train, karlsruhe-train3, of <= 8,000 characters,
random.Random(20261207).shuffle, the first 12. Labels PERSON, CITY, DISTRICT, DATE.

Run: python tests/real_gold/karlsruhe-train5/check.py   (data from $RATSAKTEN_SHARED_DATA or <repo>/../shared/data)
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import drawn_part  # noqa: E402

RULE = dict(seed=20261207, drawn_after=("karlsruhe-dev", "council-corpus", "karlsruhe-train", "karlsruhe-train3"))

if __name__ == "__main__":
    sys.exit(drawn_part.check(HERE, "karlsruhe-protocols-train5", **RULE))
