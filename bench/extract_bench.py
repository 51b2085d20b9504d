#!/usr/bin/env python3
"""Extraction throughput: words per second per core of the spaCy pipeline + decision and field
logic, on the true page texts of the samples (no OCR). Target: >= 5,000 words/s per core.

    python bench/extract_bench.py [--truth samples] [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import layout  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.extract import extract_document  # noqa: E402
from pipeline.extract import nlp as nlp_mod  # noqa: E402
from pipeline.records import Page, Word  # noqa: E402


def pages_of(truth: dict) -> list[Page]:
    pages = []
    for p in truth["pages"]:
        words = []
        for n, line in enumerate(p["text"].split("\n")):
            for tok in line.split():
                words.append(Word(tok, None, 1.0, "text", line=n))
        pages.append(layout.render(Page(p["page"], words, "text")))
    return pages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--truth", type=Path, default=ROOT / "samples")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    settings = Settings()
    t0 = time.perf_counter()
    nlp = nlp_mod.load(str(settings.models_dir))
    load_s = time.perf_counter() - t0
    docs = [pages_of(json.loads(f.read_text(encoding="utf-8"))) for f in sorted(args.truth.glob("*.truth.json"))]
    words = sum(len(p.text.split()) for d in docs for p in d)
    extract_document(docs[0], nlp, settings)  # warm caches
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for d in docs:
            extract_document(d, nlp, settings)
        runs.append(time.perf_counter() - t0)
    med = statistics.median(runs)
    print(f"pipeline: {nlp.pipe_names} (load {load_s:.2f} s)")
    print(f"{len(docs)} documents, {words} words; median of {args.repeat}: {med:.3f} s -> {words / med:,.0f} words/s on one core")


if __name__ == "__main__":
    main()
