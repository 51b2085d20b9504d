"""The shared body of the protocol parts' check.py (karlsruhe-train3, -train5, -train6, -train7; stdlib only).

Each such part was drawn from the karlsruhe-protocols *train* split by a rule fixed before any text was read:
train texts sorted by file name, not in the folders that existed when the part was drawn (a later folder must
not shift the draw), not read before (``read_before``), within ``max_chars`` and passing ``keep``, shuffled by
``random.Random(seed)``, the first ``count``. ``check(...)`` re-runs that rule and the checks of
../karlsruhe-dev/check.py (spans, sha256, values) on the folder's files.
"""
from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from typing import Callable, Iterable, Optional

GOLD = Path(__file__).resolve().parent


def _dev_check():
    spec = importlib.util.spec_from_file_location("karlsruhe_dev_check", GOLD / "karlsruhe-dev" / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drawn_ids(root: Path, seed: int, drawn_after: Iterable[str], count: int = 12, max_chars: int = 8000,
              read_before: Iterable[str] = (), keep: Optional[Callable[[str], bool]] = None) -> list[str]:
    """The part's protocol ids as its rule draws them from the shared data under ``root``."""
    taken = set()
    for folder in drawn_after:
        for path in (GOLD / folder).glob("*.json"):
            taken.add(json.loads(path.read_text(encoding="utf-8")).get("source"))
    skip = set(read_before)
    rows = [json.loads(line) for line in (root / "karlsruhe-protocols" / "gold.jsonl").open(encoding="utf-8")]
    cands = []
    for r in sorted((r for r in rows if r["split"] == "train"), key=lambda r: r["file"]):
        if f"karlsruhe-protocols/{r['file']}" in taken or Path(r["file"]).stem in skip:
            continue
        text = (root / "karlsruhe-protocols" / r["file"]).read_text(encoding="utf-8")
        if len(text) <= max_chars and (keep is None or keep(text)):
            cands.append(Path(r["file"]).stem)
    random.Random(seed).shuffle(cands)
    return cands[:count]


def check(here: Path, set_name: str, **rule) -> int:
    """Run ../karlsruhe-dev/check.py's checks on ``here`` with this part's draw rule (``drawn_ids`` keywords)."""
    dev_check = _dev_check()
    dev_check.HERE = here
    dev_check.SET_NAME = set_name
    dev_check.TOP_KEYS = dev_check.TOP_KEYS | {"labels"}
    dev_check.expected_ids = lambda root: drawn_ids(root, **rule)
    return dev_check.main()
