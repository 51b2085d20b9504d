"""Where a scanned page's time goes: per page and stage, in one process (issue 17).

    OMP_THREAD_LIMIT=1 PYTHONPATH=$PWD .venv/bin/python bench/scan_profile.py DIR [--json OUT]

For every file of DIR it runs the stages as `run.process_document` does and times each step of the OCR
stage (render, image preparation, blank check, skew, every Tesseract call with the reason it was made,
unread-ink measurements, the column/row ink profile and the paper's grain) and the document stages (layout,
correction, extraction, references, review).
Tesseract calls go through bench/ocr_accuracy.py's caching engine, so the seconds reported for a call are
what Tesseract needed when it really ran (a re-run of this script is fast and reports the same figures).
Start-up (`Resources.load`) is timed once. Table writing is not included (once per run, not per page).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ocr_accuracy import CachingEngine  # noqa: E402

STEPS = ("render", "prepare", "blank", "skew", "profile", "noise", "unread_ink", "binarize")


class Recorder:
    """Times the OCR stage's helpers (patched in pipeline.ocr) and labels every Tesseract call."""

    def __init__(self) -> None:
        self.page: dict[str, Any] = {}

    def reset(self) -> None:
        self.page = {"steps": defaultdict(float), "calls": [], "tess": 0.0}

    def wrap(self, mod: Any, name: str, step: str) -> None:
        fn = getattr(mod, name)

        def timed(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.page["steps"][step] += time.perf_counter() - t0

        setattr(mod, name, timed)


class LabelledEngine:
    """Names each call: first reading, OSD, turned reading, gray re-read, Sauvola re-read; a Sauvola reading
    made first is "sauvola-first" and the plain reading after it "plain-after-sauvola"."""

    def __init__(self, engine: CachingEngine, rec: Recorder) -> None:
        self.engine, self.rec, self.name = engine, rec, engine.name
        if hasattr(engine, "recognize_adaptive"):
            self.recognize_adaptive = self._adaptive

    def _call(self, label: str, fn, *a: Any) -> Any:
        before = self.engine.seconds
        out = fn(*a)
        self.rec.page["calls"].append(label)
        self.rec.page["tess"] += self.engine.seconds - before
        self.rec.page.setdefault("tess_by", Counter())[label] += self.engine.seconds - before
        return out

    def recognize(self, image, dpi, timeout):
        calls = self.rec.page["calls"]
        if not calls:
            label = "first"
        elif calls[-1] == "osd" and self.rec.page.get("turn"):
            label = "turned"
        elif "sauvola-first" in calls and "plain-after-sauvola" not in calls:
            label = "plain-after-sauvola"
        elif image.mode == "L":
            label = "gray"
        else:
            label = "binarized"
        return self._call(label, self.engine.recognize, image, dpi, timeout)

    def _adaptive(self, image, dpi, timeout):
        calls = self.rec.page["calls"]
        label = "sauvola-first" if not calls or calls == ["osd"] else "sauvola"
        return self._call(label, self.engine.recognize_adaptive, image, dpi, timeout)

    def orientation(self, image, dpi, timeout):
        turn = self._call("osd", self.engine.orientation, image, dpi, timeout)
        self.rec.page["turn"] = turn
        return turn


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from pipeline import layout, ocr, review
    from pipeline.config import Settings
    from pipeline.correct import DocumentState, correct_page
    from pipeline.extract import extract_document
    from pipeline.inputs import collect
    from pipeline.link.references import find_references
    from pipeline.read import read_document
    from pipeline.errors import PageError
    from pipeline.records import Page, ScanPage, number_rows
    from pipeline.resources import Resources

    settings = Settings(use_cache=False, write_crops=False, jobs=1, ocr_timeout=900)
    res = Resources.load(settings)
    startup = time.perf_counter() - t0
    rec = Recorder()
    for name, step in (("prepare", "prepare"), ("is_blank", "blank"), ("estimate_skew", "skew"),
                       ("lines_run_down", "profile"), ("paper_noise", "noise"), ("unread_ink", "unread_ink"),
                       ("binarize", "binarize")):
        rec.wrap(ocr, name, step)
    engine = LabelledEngine(CachingEngine(res.engine), rec)
    orig_render = ocr._render

    def render(scan):
        t = time.perf_counter()
        try:
            return orig_render(scan)
        finally:
            rec.page["steps"]["render"] += time.perf_counter() - t

    ocr._render = render

    pages_out: list[dict[str, Any]] = []
    docs_out: list[dict[str, Any]] = []
    items = collect([args.folder]).files
    for item in items:
        doc = {"file": item.source_file, "layout": 0.0, "correct": 0.0}
        pages = []
        state = DocumentState()
        d0 = time.perf_counter()
        for entry in read_document(item.path, settings, res.lexicon):
            if isinstance(entry, ScanPage):
                rec.reset()
                p0, w0 = time.perf_counter(), engine.engine.wall
                try:
                    page = ocr.ocr_page(entry, engine, settings.ocr_timeout)
                except PageError as exc:  # a timeout on a loaded machine: an error page, as run.py makes it
                    page = Page(number=entry.number, words=[], source="ocr", width=entry.width,
                                height=entry.height, confidence=0.0, error=str(exc))
                wall = time.perf_counter() - p0
                engine_wall = engine.engine.wall - w0  # the calls as run now (cache reads are fast)
                row = {"file": item.source_file, "page": entry.number, "calls": rec.page["calls"],
                       "tesseract_s": round(rec.page["tess"], 3),
                       "tesseract_by": {k: round(v, 3) for k, v in rec.page.get("tess_by", {}).items()},
                       **{s: round(rec.page["steps"].get(s, 0.0), 4) for s in STEPS}}
                # the stage's own Python time: wall minus the (cached) engine calls; the steps are part of it
                row["ocr_python_s"] = round(wall - engine_wall, 4)
                pages_out.append(row)
            else:
                page = entry
            l0 = time.perf_counter()
            page = layout.arrange(page)
            l1 = time.perf_counter()
            page, _ = correct_page(page, state, res.correction_index, res.correction_settings, res.learned)
            doc["layout"] += l1 - l0
            doc["correct"] += time.perf_counter() - l1
            pages.append(page)
        e0 = time.perf_counter()
        from pipeline.records import DocumentResult

        result = DocumentResult(doc_id=item.doc_id, source_file=item.source_file, path=str(item.path),
                                sha256=item.sha256)
        result.pages = pages
        result.entities, result.decisions, result.fields = extract_document(pages, res.nlp, settings, res.extra)
        e1 = time.perf_counter()
        result.references = find_references(pages, settings)
        number_rows(result)
        review.decide(result, settings)
        result.review = review.build_review(result, settings)
        e2 = time.perf_counter()
        doc.update(pages=len(pages), extract=e1 - e0, refs_review=e2 - e1, total=e2 - d0)
        docs_out.append(doc)
        print(f"{item.source_file}: {len(pages)} pages, calls "
              f"{[r['calls'] for r in pages_out if r['file'] == item.source_file]}", file=sys.stderr, flush=True)

    n = len(pages_out)
    calls = Counter(c for r in pages_out for c in r["calls"])
    tess = sum(r["tesseract_s"] for r in pages_out)
    tess_by: Counter = Counter()
    for r in pages_out:
        tess_by.update(r["tesseract_by"])
    print(f"\nstart-up (Resources.load): {startup:.2f} s")
    print(f"scanned pages: {n}; Tesseract calls {sum(calls.values())} = {sum(calls.values()) / max(1, n):.2f} per page: "
          + ", ".join(f"{k} {v}" for k, v in calls.most_common()))
    print(f"Tesseract seconds (as really run): {tess:.1f} = {tess / max(1, n):.2f} s/page; by reason: "
          + ", ".join(f"{k} {v:.1f}" for k, v in tess_by.most_common()))
    for s in STEPS:
        tot = sum(r[s] for r in pages_out)
        print(f"  {s:<11} {tot:7.2f} s = {1000 * tot / max(1, n):6.0f} ms/page")
    tot = sum(r["ocr_python_s"] for r in pages_out)
    print(f"  OCR stage's own Python (all of the above and the rest) {tot:.2f} s = {1000 * tot / max(1, n):.0f} ms/page")
    for key in ("layout", "correct", "extract", "refs_review"):
        tot = sum(d[key] for d in docs_out)
        print(f"  {key:<11} {tot:7.2f} s = {1000 * tot / max(1, n):6.0f} ms/page")
    if args.json:
        args.json.write_text(json.dumps({"startup": startup, "pages": pages_out, "docs": docs_out}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
