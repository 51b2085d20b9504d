"""Real Tesseract output of scanned sample pages, cached, for the correction benchmark.

    .venv/bin/python bench/ocr_pages.py samples corpus/correct_bench

Reads every file that has a ``.truth.json`` beside it, OCRs its scanned pages exactly as the
pipeline does (read -> ocr -> layout.arrange, no correction) and pickles the pages under
``corpus/.ocr_cache/`` (git-ignored), keyed by the file's hash. Later runs read the cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "corpus" / ".ocr_cache"


def _key(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:20]


def _ocr_file(path: str) -> list:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from pipeline import layout
    from pipeline.config import Settings
    from pipeline.lexicon import load_lexicon
    from pipeline.ocr import TesseractEngine, ocr_page
    from pipeline.read import read_document
    from pipeline.records import ScanPage

    settings = Settings()
    lexicon = load_lexicon(str(settings.models_dir))
    engine = TesseractEngine(settings.lang, settings.psm)
    pages = []
    for entry in read_document(Path(path), settings, lexicon):
        if isinstance(entry, ScanPage):
            page = ocr_page(entry, engine, settings.ocr_timeout)
            layout.arrange(page)
            pages.append(page)
    return pages


def _alto_truths(d: Path) -> list[tuple[dict, Path]]:
    """EHRI-style folders: a scan beside its ALTO transcription, one page each."""
    from evaluation.real import alto_text

    out = []
    for xml in sorted(d.glob("*.xml")):
        img = next((xml.with_suffix(s) for s in (".jpg", ".png", ".tif") if xml.with_suffix(s).exists()), None)
        if img is not None:
            out.append(({"file": img.name, "pages": [{"page": 1, "text": alto_text(xml),
                                                      "render": {"source": "scan"}}], "entities": []}, img))
    return out


def load(dirs: list[Path], jobs: int = 2) -> list[tuple[dict, list]]:
    """[(truth, [arranged OCR pages])] for every truth file under dirs with a scanned page
    (``*.truth.json`` beside generated samples, or ALTO ``*.xml`` beside real scans)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    items = []
    for d in dirs:
        for truth, img in _alto_truths(Path(d)):
            items.append((truth, img, CACHE / f"{_key(img)}.pkl"))
        for tpath in sorted(Path(d).glob("*.truth.json")):
            truth = json.loads(tpath.read_text(encoding="utf-8"))
            if not any((p.get("render") or {}).get("source") == "scan" for p in truth["pages"]):
                continue
            src = tpath.with_name(truth["file"])
            if src.exists():
                items.append((truth, src, CACHE / f"{_key(src)}.pkl"))
    todo = [str(src) for _, src, c in items if not c.exists()]
    if todo:
        print(f"OCR of {len(todo)} files (cached afterwards) ...", file=sys.stderr)
        with ProcessPoolExecutor(jobs) as pool:
            for src, pages in zip(todo, pool.map(_ocr_file, todo)):
                cpath = CACHE / f"{_key(Path(src))}.pkl"
                with cpath.open("wb") as fh:
                    pickle.dump(pages, fh)
    out = []
    for truth, _src, cpath in items:
        with cpath.open("rb") as fh:
            out.append((truth, pickle.load(fh)))
    return out


if __name__ == "__main__":
    got = load([Path(a) for a in sys.argv[1:]] or [ROOT / "samples"])
    print(f"{len(got)} files, {sum(len(p) for _, p in got)} scanned pages")
