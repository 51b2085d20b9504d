"""Word frequencies from real council text, for the calibrator's "is this also an ordinary word" signal.

Counts every token of the Karlsruhe council corpus (``karlsruhe-protocols/council-corpus.jsonl.gz``)
as written (case kept) and writes ``models/calibration/wordfreq.tsv`` (``token<TAB>count``, count ≥ 2)
with its provenance in ``wordfreq.json``. The 20 documents hand-annotated as gold
(``tests/real_gold/council-corpus``) are left out, so the signal never saw the gold texts.

    python scripts/build_wordfreq.py [--data ../shared/data] [--out models/calibration]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r"[A-Za-zÄÖÜäöüßÀ-ÿ]+(?:-[A-Za-zÄÖÜäöüßÀ-ÿ]+)*")


def gold_lines(repo: Path) -> set[int]:
    out = set()
    for p in (repo / "tests" / "real_gold" / "council-corpus").glob("*.json"):
        out.add(int(json.loads(p.read_text(encoding="utf-8"))["line"]))
    return out


def count(corpus: Path, skip: set[int]) -> tuple[Counter, int, int]:
    counts: Counter = Counter()
    docs = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i in skip:
                continue
            docs += 1
            counts.update(TOKEN.findall(json.loads(line)["text"]))
    return counts, docs, sum(counts.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "models" / "calibration")
    args = ap.parse_args(argv)
    corpus = args.data / "karlsruhe-protocols" / "council-corpus.jsonl.gz"
    skip = gold_lines(REPO)
    counts, docs, tokens = count(corpus, skip)
    args.out.mkdir(parents=True, exist_ok=True)
    kept = sorted(((t, n) for t, n in counts.items() if n >= 2), key=lambda kv: (-kv[1], kv[0]))
    (args.out / "wordfreq.tsv").write_text("".join(f"{t}\t{n}\n" for t, n in kept), encoding="utf-8")
    meta = {"source": "karlsruhe-protocols/council-corpus.jsonl.gz",
            "source_sha256": hashlib.sha256(corpus.read_bytes()).hexdigest(),
            "documents": docs, "left_out_gold_lines": sorted(skip), "tokens": tokens,
            "types_kept": len(kept), "min_count": 2, "built": dt.date.today().isoformat(),
            "script": "scripts/build_wordfreq.py"}
    (args.out / "wordfreq.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"{len(kept)} types from {docs} documents ({tokens} tokens)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
