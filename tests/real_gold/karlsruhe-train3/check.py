"""Verify the PERSON-only gold of the third train part (train3) against the original texts (stdlib only).

The checks are those of ../karlsruhe-dev/check.py, with this folder's selection rule (README.md; ../drawn_part.py
runs it): karlsruhe-protocols train-split texts of <= 12,000 characters with >= 3 speaker lines, not in the folders
karlsruhe-dev, council-corpus, karlsruhe-train, sorted by file name, random.Random(20261205).shuffle, the first 12.

Run: python tests/real_gold/karlsruhe-train3/check.py   (data from $RATSAKTEN_SHARED_DATA or <repo>/../shared/data)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import drawn_part  # noqa: E402

SPEAKER = re.compile(r"^(Stadtrat|Stadträtin|Bürgermeister|Bürgermeisterin|Der Vorsitzende|Die Vorsitzende)\b.*:",
                     re.M)
RULE = dict(seed=20261205, drawn_after=("karlsruhe-dev", "council-corpus", "karlsruhe-train"), max_chars=12000,
            keep=lambda text: len(SPEAKER.findall(text)) >= 3)

if __name__ == "__main__":
    sys.exit(drawn_part.check(HERE, "karlsruhe-protocols-train3", **RULE))
