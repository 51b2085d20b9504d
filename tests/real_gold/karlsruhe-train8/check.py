"""Verify the gold of the eighth train part (train8, protocols) against the original texts (stdlib only).

The checks are those of ../karlsruhe-dev/check.py, with this folder's selection rule (../split.json, "train8_why";
../drawn_part.py runs it): karlsruhe-protocols train-split texts sorted by file name, not in the folders
karlsruhe-dev, council-corpus, karlsruhe-train, karlsruhe-train3, karlsruhe-train5, karlsruhe-train6,
karlsruhe-train7, not 612684, 631129 or 675741 (read by the lead in rule diffs before the draw), of <= 8,000
characters, random.Random(20261210).shuffle, the first 12. Labels PERSON, CITY, DISTRICT, DATE.

Run: python tests/real_gold/karlsruhe-train8/check.py   (data from $RATSAKTEN_SHARED_DATA or <repo>/../shared/data)
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import drawn_part  # noqa: E402

RULE = dict(seed=20261210, drawn_after=("karlsruhe-dev", "council-corpus", "karlsruhe-train", "karlsruhe-train3",
                                       "karlsruhe-train5", "karlsruhe-train6", "karlsruhe-train7"),
            read_before=("612684", "631129", "675741"))

if __name__ == "__main__":
    sys.exit(drawn_part.check(HERE, "karlsruhe-protocols-train8", **RULE))
