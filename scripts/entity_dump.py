#!/usr/bin/env python3
"""Dump the entities the extraction stage finds in every council-corpus text, and diff two dumps.

    python scripts/entity_dump.py dump OUT.jsonl [--limit N] [--max-chars 8000] [--every 4]   # one line per text
    python scripts/entity_dump.py diff A.jsonl B.jsonl [--label PERSON] [--sample 30] [--seed 15]
    add --protocols to both: the Karlsruhe *train*-split protocols (debate, speaker lines) instead of the corpus

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


def _protocols():
    """(id, text) of the Karlsruhe train-split protocols outside every folder of tests/real_gold (issue 15,
    person6: unlabelled debate text for people rules; dev/test protocols are never read)."""
    root = data_root() / "karlsruhe-protocols"
    taken = {json.loads(p.read_text(encoding="utf-8")).get("source")
             for p in (ROOT / "tests" / "real_gold").glob("*/*.json") if p.name != "split.json"}
    rows = [json.loads(raw) for raw in (root / "gold.jsonl").open(encoding="utf-8")]
    for r in sorted((r for r in rows if r["split"] == "train"), key=lambda r: r["file"]):
        if f"karlsruhe-protocols/{r['file']}" not in taken:
            yield int(Path(r["file"]).stem), (root / r["file"]).read_text(encoding="utf-8")


def _corpus():
    path = data_root() / "karlsruhe-protocols" / "council-corpus.jsonl.gz"
    gold = _gold_lines()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line, raw in enumerate(fh):
            if line not in gold:
                yield line, json.loads(raw)["text"]


def dump(out: Path, limit: int | None, max_chars: int, every: int, protocols: bool = False) -> None:
    with out.open("w", encoding="utf-8") as w:
        for n, (line, text) in enumerate(_protocols() if protocols else _corpus()):
            if limit is not None and n >= limit:
                break
            if (n if protocols else line) % every or len(text) > max_chars:
                continue
            ents = [[e["label"], e["start"], e["end"], e["value"]] for e in predict(text)]
            w.write(json.dumps({"line": line, "entities": ents}, ensure_ascii=False) + "\n")


def _load(path: Path) -> dict[int, set[tuple]]:
    out = {}
    for raw in path.open(encoding="utf-8"):
        row = json.loads(raw)
        out[row["line"]] = {tuple(e) for e in row["entities"]}
    return out


def diff(a: Path, b: Path, label: str | None, sample: int, seed: int, protocols: bool = False) -> None:
    before, after = _load(a), _load(b)
    texts = {line: text for line, text in (_protocols() if protocols else _corpus()) if line in before}
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
    for p in (d, f):
        p.add_argument("--protocols", action="store_true",
                       help="Karlsruhe train-split protocols outside tests/real_gold instead of the council corpus")
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out, args.limit, args.max_chars, args.every, args.protocols)
    else:
        diff(args.a, args.b, args.label, args.sample, args.seed, args.protocols)
    return 0


if __name__ == "__main__":
    sys.exit(main())
