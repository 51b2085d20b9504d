"""Old and new correction stage over the same pages: words, page text and every Correction field.

    PYTHONPATH=$PWD .venv/bin/python scripts/compare_corrections.py [--rev 65bd4d0] [--rounds 3] [-v]

The old stage is ``pipeline/correct.py`` as it stood at ``--rev`` (read with ``git show``, loaded
as the module ``pipeline._correct_old``), run as ``pipeline/run.py`` ran it: ``Corrector`` per
document, ``correct_page`` per arranged page, ``Page.render``, ``finish_offsets``. The new one is
``pipeline.correct.correct_page``. Pages:

- every page of the committed samples (``samples/*.truth.json``) and the EHRI scans in
  ../shared/data: text-layer pages as read, scanned pages OCR'd once with ``pipeline.ocr.ocr_page``
  and arranged, pickled under ``--cache`` (default /tmp/compare_corrections);
- the very pages bench/correct_bench.py corrects (recorded while its run_clean, run_injected and
  run_real go, with its seed): clean texts, texts with injected OCR damage, real OCR pages;
- the sample pages again with learned repairs (the first run's repairs as reviewers' answers),
  which takes the paths the fast path skips.

A difference is reported unless it is only the offsets of a row whose old span (found by
``finish_offsets`` searching the text) does not hold the row's text while the new one does: those
are listed as fixed. Exit status 1 when anything else differs.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import json
import os
import pickle
import random
import subprocess
import sys
from collections import Counter
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pipeline import layout
from pipeline.config import Settings
from pipeline.correct import CandidateIndex, CorrectionSettings, DocumentState, correct_page
from pipeline.correct.tokens import split_affixes
from pipeline.gazetteer import load_gazetteer
from pipeline.lexicon import load_lexicon
from pipeline.records import Correction, Page

EHRI = ROOT.parent / "shared" / "data" / "ehri-typewritten-de"
WORD_FIELDS = ("text", "bbox", "confidence", "source", "line", "block", "corrected_from", "correction_score",
               "correction_source", "start", "end")


def load_old(rev: str):
    """pipeline/correct.py at rev, as the module pipeline._correct_old (its relative imports work)."""
    src = subprocess.run(["git", "show", f"{rev}:pipeline/correct.py"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"correct_old_{rev}.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("pipeline._correct_old", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------------------ pages

def _read_file(path: Path, settings: Settings, lexicon) -> list[Page]:
    """Every page of a file as the pipeline has it before correction: read, OCR, arrange."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from pipeline.ocr import ScanPage, TesseractEngine, ocr_page
    from pipeline.read import read_document

    engine = TesseractEngine(settings.lang, settings.psm)
    pages = []
    for entry in read_document(path, settings, lexicon):
        page = ocr_page(entry, engine, settings.ocr_timeout) if isinstance(entry, ScanPage) else entry
        pages.append(layout.arrange(page))
    return pages


def real_docs(cache: Path, settings: Settings, lexicon) -> list[tuple[str, list[Page]]]:
    files = []
    for tpath in sorted((ROOT / "samples").glob("*.truth.json")):
        files.append(tpath.with_name(json.loads(tpath.read_text(encoding="utf-8"))["file"]))
    if EHRI.exists():
        files += sorted(EHRI.glob("*.jpg"))
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    for f in files:
        if not f.exists():
            continue
        cpath = cache / f"{hashlib.sha256(f.read_bytes()).hexdigest()[:20]}.pkl"
        if cpath.exists():
            pages = pickle.loads(cpath.read_bytes())
        else:
            print(f"reading {f.name} (cached afterwards) ...", file=sys.stderr)
            pages = _read_file(f, settings, lexicon)
            cpath.write_bytes(pickle.dumps(pages))
        out.append((f.name, pages))
    return out


class _Recorder:
    """Stands in for bench/correct_bench.py's per-document corrector: keeps a copy of every page the
    bench hands it (one document per corrector) and corrects it with the new stage, so that the
    bench goes on as it would."""

    def __init__(self, bench: _BenchPages) -> None:
        self.bench = bench
        self.pages: list[Page] = []
        self.state = DocumentState()
        bench.docs.append((f"{bench.label}:{len(bench.docs)}", self.pages))

    def correct_page(self, page: Page):
        self.pages.append(copy.deepcopy(page))
        return correct_page(page, self.state, self.bench.index, self.bench.cs, {})

    def protected(self, core: str) -> bool:
        return self.bench.index.protected(core)


@dataclass
class _BenchPages:
    g: object
    index: CandidateIndex
    cs: CorrectionSettings
    label: str = ""
    docs: list = field(default_factory=list)

    def corrector(self) -> _Recorder:
        return _Recorder(self)


def bench_docs(real: list[tuple[str, list[Page]]], g, index: CandidateIndex, cs: CorrectionSettings, rounds: int,
               seed: int) -> list[tuple[str, list[Page]]]:
    """Exactly the pages bench/correct_bench.py corrects (its run_clean, run_injected and run_real,
    with its seed and its confidence model), recorded as it runs."""
    import correct_bench as cb

    names = {n: pages for n, pages in real}
    bench_real = []  # what bench/ocr_pages.load gives: (truth, scanned pages) of samples, then EHRI
    for t in cb._truths():
        if t["file"] in names and any((p.get("render") or {}).get("source") == "scan" for p in t["pages"]):
            bench_real.append((t, [p for p in names[t["file"]] if p.source == "ocr"]))
    if EHRI.exists():
        from evaluation.real import alto_text

        for xml in sorted(EHRI.glob("*.xml")):
            img = xml.with_suffix(".jpg")
            if img.name in names:
                bench_real.append(({"file": img.name, "pages": [{"page": 1, "text": alto_text(xml)}],
                                    "entities": []}, names[img.name]))
    rng = random.Random(seed)
    good, bad = cb.ocr_conf_distribution(bench_real) if bench_real else ([0.95], [0.5])
    b = _BenchPages(g, index, cs)
    texts = {"samples truth": [p["text"] for t in cb._truths() for p in t["pages"]],
             "Karlsruhe council texts": cb._karlsruhe_texts(), "EHRI transcriptions": cb._ehri_texts()}
    b.label = "clean"
    cb.run_clean(b, texts, good, rng)
    b.label = "injected"
    cb.run_injected(b, good, bad, rng, rounds)
    b.label = "real"
    if bench_real:
        cb.run_real(b, bench_real)
    return b.docs


# ------------------------------------------------------------------------------ runs

def run_old(old, g, lexicon, settings: Settings, pages: list[Page]) -> list[tuple[Page, list[Correction]]]:
    corrector = old.Corrector(old.Resources(g, lexicon), settings)
    out = []
    for page in pages:
        page = copy.deepcopy(page)
        pairs = corrector.correct_page(page)
        page.render()
        out.append((page, old.finish_offsets(page, pairs)))
    return out


def run_new(index: CandidateIndex, cs: CorrectionSettings, learned, pages: list[Page]
            ) -> list[tuple[Page, list[Correction]]]:
    state = DocumentState()
    return [correct_page(copy.deepcopy(page), state, index, cs, learned) for page in pages]


# ------------------------------------------------------------------------------ the diff

def _target(c: Correction) -> str:
    return c.corrected if c.applied else c.original


@dataclass
class Report:
    pages: int = 0
    words: int = 0
    rows: int = 0
    diffs: list[str] = field(default_factory=list)
    offset_fixes: list[str] = field(default_factory=list)
    new_span_wrong: list[str] = field(default_factory=list)
    sources: Counter = field(default_factory=Counter)


def compare(name: str, old_out, new_out, rep: Report) -> None:
    for n, ((po, ro), (pn, rn)) in enumerate(zip(old_out, new_out)):
        where = f"{name} p{po.number}"
        rep.pages += 1
        rep.words += len(pn.words)
        rep.rows += len(rn)
        if po.text != pn.text:
            rep.diffs.append(f"{where}: page text differs")
        wo = [tuple(getattr(w, f) for f in WORD_FIELDS) for w in po.words]
        wn = [tuple(getattr(w, f) for f in WORD_FIELDS) for w in pn.words]
        if wo != wn:
            k = next((k for k, (a, b) in enumerate(zip(wo, wn)) if a != b), min(len(wo), len(wn)))
            rep.diffs.append(f"{where}: words differ from word {k}: {wo[k:k + 1]} vs {wn[k:k + 1]} "
                             f"({len(wo)} vs {len(wn)} words)")
        for c in rn:
            rep.sources[c.source] += 1
            if pn.text[c.start:c.end] != _target(c):
                rep.new_span_wrong.append(f"{where}: {c.original!r} -> {c.corrected!r} at {c.start}:{c.end} "
                                          f"holds {pn.text[c.start:c.end]!r}")
        if len(ro) != len(rn):
            rep.diffs.append(f"{where}: {len(ro)} vs {len(rn)} corrections")
            continue
        for a, b in zip(ro, rn):
            if astuple(a) == astuple(b):
                continue
            if astuple(replace(a, start=b.start, end=b.end)) == astuple(b):
                old_span, new_span = po.text[a.start:a.end], pn.text[b.start:b.end]
                if old_span != _target(a) and new_span == _target(b):
                    rep.offset_fixes.append(f"{where}: {a.original!r} -> {a.corrected!r} ({a.source}): old "
                                            f"{a.start}:{a.end} held {old_span!r}, new {b.start}:{b.end} holds "
                                            f"{new_span!r}")
                    continue
            rep.diffs.append(f"{where}: correction differs:\n    old {a}\n    new {b}")


def learned_from(outputs) -> dict[str, str]:
    """Reviewers' answers as the old stage would have been given them: the repairs it made (single
    tokens, and the two-word joins, which the learned-span strategy then takes)."""
    learned = {}
    for _page, rows in outputs:
        for c in rows:
            if not c.applied or c.source == "learned":
                continue
            o, n = split_affixes(c.original)[1], split_affixes(c.corrected)[1]
            if o and n and o != n and len(c.original.split()) <= 2 and len(c.corrected.split()) == 1:
                learned[o] = n
    return learned


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rev", default="65bd4d0", help="git revision of the old pipeline/correct.py")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/compare_corrections"), help="arranged pages, pickled")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of injected damage")
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every difference")
    args = ap.parse_args(argv)

    old = load_old(args.rev)
    settings = Settings()
    g = load_gazetteer(str(settings.models_dir))
    lexicon = load_lexicon(str(settings.models_dir))
    cs = CorrectionSettings.from_settings(settings)
    index = CandidateIndex.build(g, lexicon, cs)

    real = real_docs(args.cache, settings, lexicon)
    groups = {"samples+EHRI (read, OCR, arrange)": real,
              "bench pages (clean, injected damage, real)": bench_docs(real, g, index, cs, args.rounds, args.seed)}
    failed = False
    first_real = []
    for label, docs in groups.items():
        rep = Report()
        for name, pages in docs:
            old_out = run_old(old, g, lexicon, settings, pages)
            new_out = run_new(index, cs, g.learned, pages)
            compare(name, old_out, new_out, rep)
            if label.startswith("samples"):
                first_real.append((name, pages, old_out))
        failed |= _print(label, rep, args.verbose)

    # learned repairs: the old stage reads them from the gazetteer, the new one takes them apart
    learned = learned_from([x for _n, _p, out in first_real for x in out])
    g_learned = replace(g, learned=learned)
    rep = Report()
    for name, pages, _out in first_real:
        compare(name, run_old(old, g_learned, lexicon, settings, pages), run_new(index, cs, learned, pages), rep)
    failed |= _print(f"samples+EHRI with {len(learned)} learned repairs", rep, args.verbose)
    return 1 if failed else 0


def _print(label: str, rep: Report, verbose: bool) -> bool:
    print(f"\n{label}: {rep.pages} pages, {rep.words:,} words, {rep.rows} corrections "
          f"({', '.join(f'{k} {v}' for k, v in rep.sources.most_common())})")
    print(f"  differences: {len(rep.diffs)}")
    for d in rep.diffs[: None if verbose else 20]:
        print("   ", d)
    print(f"  offsets fixed (old finish_offsets fell back to a wrong span): {len(rep.offset_fixes)}")
    for d in rep.offset_fixes:
        print("   ", d)
    print(f"  new rows whose span does not hold their text: {len(rep.new_span_wrong)}")
    for d in rep.new_span_wrong[: None if verbose else 20]:
        print("   ", d)
    return bool(rep.diffs or rep.new_span_wrong)


if __name__ == "__main__":
    raise SystemExit(main())
