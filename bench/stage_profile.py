"""Per-stage pages/s and words/s of born-digital documents in one process (one core).

    PYTHONPATH=. .venv/bin/python bench/stage_profile.py DIR [--n 50] [--chunk-pages 64] [--profile OUT.pstats]

Loads the models once (not counted), then runs the documents of DIR through the stages the batch runs
(pipeline/run.py: process_documents) and prints, per stage, the seconds, pages/s and words/s. The stages
are timed by wrapping the stage functions, so the figures add up to the run (what is left is `other`).
With --profile the run is also profiled with cProfile (the stage timers then carry its overhead too).
"""
from __future__ import annotations

import argparse
import cProfile
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--n", type=int, default=0, help="first n documents (0: all)")
    ap.add_argument("--chunk-pages", type=int, default=64, help="pages per spaCy batch across documents (1: per document)")
    ap.add_argument("--spacy-batch", type=int, default=16, help="pages per nlp.pipe batch")
    ap.add_argument("--profile", type=Path, default=None)
    args = ap.parse_args()

    from pipeline import run as run_mod
    from pipeline import extract, tables
    from pipeline.config import Settings
    from pipeline.inputs import collect
    from pipeline.resources import Resources

    settings = Settings(jobs=1, write_crops=False, use_cache=False, chunk_pages=args.chunk_pages,
                        spacy_batch=args.spacy_batch)
    t0 = time.perf_counter()
    res = Resources.load(settings)
    print(f"start-up (models, not counted below): {time.perf_counter() - t0:.2f} s")
    files = collect([args.dir]).files
    files = files[:args.n] if args.n else files

    spent: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.perf_counter() - t
        return wrapper

    # reading (PDFium/pdfplumber, OCR) is a generator: time each step of it
    orig_read = run_mod.read_pages

    def read_pages(item, r):
        it = orig_read(item, r)
        while True:
            t = time.perf_counter()
            try:
                page = next(it)
            except StopIteration:
                spent["reading"] += time.perf_counter() - t
                return
            spent["reading"] += time.perf_counter() - t
            yield page

    run_mod.read_pages = read_pages
    run_mod.correct_page = timed("correction", run_mod.correct_page)
    run_mod.layout.arrange = timed("layout", run_mod.layout.arrange)
    extract.spacy_docs = timed("spacy", extract.spacy_docs)
    run_mod.spacy_docs = extract.spacy_docs
    extract.extract_document = timed("rules after spaCy (document fields, decisions)", extract.extract_document)
    run_mod.find_references = timed("references", run_mod.find_references)
    run_mod.review.decide = timed("review", run_mod.review.decide)
    run_mod.review.build_review = timed("review", run_mod.review.build_review)

    prof = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    results = list(run_mod.process_documents(files, res, None))
    if prof:
        prof.disable()
    total = time.perf_counter() - t0
    out = Path("/tmp/stage-profile-out")
    out.mkdir(exist_ok=True)
    t = time.perf_counter()
    tables.write_all(out, sorted(results, key=lambda r: (r.source_file, r.doc_id)))
    spent["writing"] = time.perf_counter() - t
    if prof:
        prof.dump_stats(str(args.profile))
    pages = sum(len(r.pages) for r in results)
    words = sum(len(p.words) for r in results for p in r.pages)
    spent["other"] = total - sum(v for k, v in spent.items() if k != "writing")
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(f"process: user {ru.ru_utime:.1f} s, sys {ru.ru_stime:.1f} s, peak RSS {ru.ru_maxrss / 1024:.0f} MiB")
    print(f"{len(results)} documents, {pages} pages, {words} words, {total:.2f} s "
          f"({pages / total:.1f} pages/s), failed {sum(r.status == 'failed' for r in results)}")
    print(f"{'stage':50s} {'s':>7s} {'share':>6s} {'pages/s':>9s} {'words/s':>10s}")
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{name:50s} {s:7.2f} {s / (total + spent['writing']):6.1%} {pages / max(s, 1e-9):9.1f} "
              f"{words / max(s, 1e-9):10.0f}")


if __name__ == "__main__":
    main()
