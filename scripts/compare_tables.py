#!/usr/bin/env python
"""Compare the tables of two output folders row by row: is a refactor behaviour-preserving?

    python scripts/compare_tables.py OUT_BEFORE OUT_AFTER [--ignore-columns seconds,...] [--show 5]

Prints, per table, the rows only in one of the two and the rows whose values differ (matched by
the table's id columns), and exits 1 when anything differs. Timing columns are ignored by default.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

KEYS = {
    "documents": ["doc_id"],
    "pages": ["doc_id", "page"],
    "entities": ["entity_id"],
    "decisions": ["decision_id"],
    "corrections": ["doc_id", "page", "start", "end", "original"],
    "review": ["review_id"],
}
VOLATILE = {"seconds"}


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9
    return a == b


def _key_value(v):
    """NaN is not equal to itself: as part of a row's key it would match nothing (a table without id
    columns is keyed by all of them)."""
    return None if isinstance(v, float) and math.isnan(v) else v


def compare(before: Path, after: Path, ignore: set[str], show: int) -> int:
    differences = 0
    tables = sorted({p.stem for p in before.glob("*.parquet")} | {p.stem for p in after.glob("*.parquet")})
    for name in tables:
        pa_, pb_ = before / f"{name}.parquet", after / f"{name}.parquet"
        if not pa_.exists() or not pb_.exists():
            print(f"{name}: only in {'after' if not pa_.exists() else 'before'}")
            differences += 1
            continue
        a, b = pd.read_parquet(pa_), pd.read_parquet(pb_)
        cols_a, cols_b = set(a.columns) - ignore, set(b.columns) - ignore
        if cols_a != cols_b:
            print(f"{name}: columns only before {sorted(cols_a - cols_b)}, only after {sorted(cols_b - cols_a)}")
        cols = sorted(cols_a & cols_b)
        keys = [k for k in KEYS.get(name, cols) if k in cols]
        ra = {tuple(_key_value(r[k]) for k in keys): r for r in a[cols].to_dict("records")}
        rb = {tuple(_key_value(r[k]) for k in keys): r for r in b[cols].to_dict("records")}
        gone, new = sorted(set(ra) - set(rb), key=str), sorted(set(rb) - set(ra), key=str)
        changed = []
        for k in sorted(set(ra) & set(rb), key=str):
            diff = [c for c in cols if not _same(ra[k][c], rb[k][c])]
            if diff:
                changed.append((k, diff))
        n = len(gone) + len(new) + len(changed)
        differences += n
        print(f"{name}: {len(a)} vs {len(b)} rows; {len(gone)} only before, {len(new)} only after, "
              f"{len(changed)} changed")
        for k in gone[:show]:
            print(f"   - {k}")
        for k in new[:show]:
            print(f"   + {k}")
        for k, diff in changed[:show]:
            print(f"   ~ {k}: " + "; ".join(f"{c}: {ra[k][c]!r} -> {rb[k][c]!r}"[:300] for c in diff))
    return differences


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--ignore-columns", default="", help="comma-separated extra columns to ignore")
    ap.add_argument("--show", type=int, default=5, help="rows to print per kind of difference")
    args = ap.parse_args(argv)
    ignore = VOLATILE | {c for c in args.ignore_columns.split(",") if c}
    n = compare(args.before, args.after, ignore, args.show)
    print("identical" if n == 0 else f"{n} differences")
    return 0 if n == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
