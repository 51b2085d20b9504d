#!/usr/bin/env python3
"""Dates: dateparser's search_dates against our rules, on the date mentions of the sample truth.

    python bench/dates_bench.py [--truth samples]

Prints recall/precision of the normalised values per document and words/s. The issue asked to try
dateparser first and keep own rules only where it measurably fails; this is the measurement.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.dates import find_dates, resolve_year  # noqa: E402


def normalise_dateparser(text: str, match: str, dt) -> str:
    """dateparser always returns a full datetime: keep only the precision the text shows."""
    import re

    if re.fullmatch(r"\s*(?:seit|im Jahr|ab|bis)?\s*\d{4}\s*", match):
        return f"{dt.year:04d}"
    if not re.search(r"\d{1,2}\.\s?(?:\d|[A-Za-zä])", match):
        return f"{dt.year:04d}-{dt.month:02d}"
    return dt.date().isoformat()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--truth", type=Path, default=ROOT / "samples")
    args = ap.parse_args()
    from dateparser.search import search_dates

    scores = {"rules": collections.Counter(), "dateparser": collections.Counter()}
    secs = {"rules": 0.0, "dateparser": 0.0}
    words = 0
    for f in sorted(args.truth.glob("*.truth.json")):
        t = json.loads(f.read_text(encoding="utf-8"))
        want = collections.Counter(e["value"] for e in t["entities"] if e["label"] == "DATE")
        for page in t["pages"]:
            words += len(page["text"].split())
        text = "\n".join(p["text"] for p in t["pages"])
        t0 = time.perf_counter()
        got = collections.Counter(resolve_year(d.value, t["doc_date"])[0] or d.value for d in find_dates(text))
        secs["rules"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        found = search_dates(text, languages=["de"]) or []
        secs["dateparser"] += time.perf_counter() - t0
        dp = collections.Counter(normalise_dateparser(text, m, d) for m, d in found)
        for name, c in (("rules", got), ("dateparser", dp)):
            scores[name]["tp"] += sum((c & want).values())
            scores[name]["fp"] += sum((c - want).values())
            scores[name]["fn"] += sum((want - c).values())
    print(f"{'method':12} {'precision':>9} {'recall':>7} {'F1':>6} {'words/s':>9}")
    for name, c in scores.items():
        p = c["tp"] / max(1, c["tp"] + c["fp"])
        r = c["tp"] / max(1, c["tp"] + c["fn"])
        f1 = 2 * p * r / max(1e-9, p + r)
        print(f"{name:12} {p:9.3f} {r:7.3f} {f1:6.3f} {words / max(1e-9, secs[name]):9.0f}")


if __name__ == "__main__":
    main()
