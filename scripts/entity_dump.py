#!/usr/bin/env python3
"""Dump the entities the extraction stage finds in every council-corpus text, and diff two dumps.

    python scripts/entity_dump.py dump OUT.jsonl [--limit N] [--max-chars 8000] [--every 4]   # one line per text
    python scripts/entity_dump.py diff A.jsonl B.jsonl [--label PERSON] [--sample 30] [--seed 15]

Used to count what a rule changes on unlabelled council text (issue 15): dump before, change the code,
dump after, diff. The diff lists every mention found only before (lost) or only after (gained), per
label, with context, and draws a fixed-seed sample of them to be judged by reading. Texts come from
../shared/data/karlsruhe-protocols/council-corpus.jsonl.gz (RATSAKTEN_SHARED_DATA), each given to the
extraction stage as one text-layer page, as evaluation/real_gold.py does. Documents of tests/real_gold
(any part: tune, check, train) are left out, so that no check text is read through a diff.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.real_gold import data_root, predict  # noqa: E402


def _gold_lines() -> set[int]:
    return {int(p.stem) for p in (ROOT / "tests" / "real_gold" / "council-corpus").glob("*.json")}


def dump(out: Path, limit: int | None, max_chars: int, every: int) -> None:
    path = data_root() / "karlsruhe-protocols" / "council-corpus.jsonl.gz"
    gold = _gold_lines()
    with gzip.open(path, "rt", encoding="utf-8") as fh, out.open("w", encoding="utf-8") as w:
        for line, raw in enumerate(fh):
            if limit is not None and line >= limit:
                break
            text = json.loads(raw)["text"]
            if line % every or line in gold or len(text) > max_chars:
                continue
            ents = [[e["label"], e["start"], e["end"], e["value"]] for e in predict(text)]
            w.write(json.dumps({"line": line, "entities": ents}, ensure_ascii=False) + "\n")


def _load(path: Path) -> dict[int, set[tuple]]:
    out = {}
    for raw in path.open(encoding="utf-8"):
        row = json.loads(raw)
        out[row["line"]] = {tuple(e) for e in row["entities"]}
    return out


def diff(a: Path, b: Path, label: str | None, sample: int, seed: int) -> None:
    before, after = _load(a), _load(b)
    texts = {}
    path = data_root() / "karlsruhe-protocols" / "council-corpus.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line, raw in enumerate(fh):
            if line in before:
                texts[line] = json.loads(raw)["text"]
    changes = []
    for line in sorted(set(before) & set(after)):
        for kind, items in (("lost", before[line] - after[line]), ("gained", after[line] - before[line])):
            for lab, s, e, v in sorted(items, key=lambda x: x[1]):
                if label and lab != label:
                    continue
                t = texts[line]
                ctx = (t[max(0, s - 40):s] + "[" + t[s:e] + "]" + t[e:e + 40]).replace("\n", "⏎")
                changes.append((kind, lab, line, s, e, v, ctx))
    counts = Counter((c[0], c[1]) for c in changes)
    print(f"{len(set(before) & set(after))} texts; changes: " +
          ", ".join(f"{k[1]} {k[0]} {n}" for k, n in sorted(counts.items())))
    for c in changes:
        print(f"{c[0]:6s} {c[1]:8s} {c[2]:>5} {c[5]!r:40s} …{c[6]}…")
    if sample and changes:
        rng = random.Random(seed)
        pick = sorted(rng.sample(range(len(changes)), min(sample, len(changes))))
        print(f"\nsample of {len(pick)} (seed {seed}): " + " ".join(str(i) for i in pick))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--limit", type=int, default=None)
    d.add_argument("--max-chars", type=int, default=8000)
    d.add_argument("--every", type=int, default=1, help="only lines whose number is a multiple of this")
    f = sub.add_parser("diff")
    f.add_argument("a", type=Path)
    f.add_argument("b", type=Path)
    f.add_argument("--label", default=None)
    f.add_argument("--sample", type=int, default=0)
    f.add_argument("--seed", type=int, default=15)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out, args.limit, args.max_chars, args.every)
    else:
        diff(args.a, args.b, args.label, args.sample, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
