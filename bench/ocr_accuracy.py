"""OCR accuracy against plain Tesseract on a fixed tune/check split of real and generated pages.

    OMP_THREAD_LIMIT=1 PYTHONPATH=$PWD .venv/bin/python bench/ocr_accuracy.py [--split tune|check|both]
        [--only ehri,fondue,generated] [--json /tmp/ocracc/result.json] [--legacy /work/main/pipeline/ocr.py]

Per page it scores (a) plain ``tesseract IMG - -l deu`` (PDF pages: the embedded scan image at its own
resolution), (b) our OCR stage alone (``ocr_page`` + ``layout.arrange`` + ``layout.render``) and (c) the
full page text (b + the correction stage, as ``run.process_document`` does it), and prints tune and
check side by side per collection: mean page CER and WER, the worst page delta against plain, pages/s.

The split is made from file names only (seeded shuffle per collection, first half = tune), so it is
fixed before any page is read. Generated documents are split as whole documents.

Tesseract outputs (plain runs and every `recognize` call of our stage) are cached under
/tmp/ocracc-cache keyed by image bytes and settings; the time a call took is cached with it, so
pages/s stays the time Tesseract really needed.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from evaluation.real import alto_text  # noqa: E402
from evaluation.samples import norm_ws  # noqa: E402

DATA = Path(os.environ.get("RATSAKTEN_SHARED_DATA", ROOT.parent / "shared" / "data"))
EHRI = DATA / "ehri-typewritten-de"
FONDUE = DATA / "fondue-art-de"
GENERATED = Path("/tmp/ocracc-gen")  # samples/generate.py --out /tmp/ocracc-gen --n 12 --seed 1701 --kinds scan
GEN_ARGS = ["--n", "12", "--seed", "1701", "--kinds", "scan"]
# more generated pages for tuning only (added after the split, all tune: the check half is unchanged)
GEN_EXTRA = Path("/tmp/ocracc-gen-tune")
GEN_EXTRA_ARGS = ["--n", "16", "--seed", "1702", "--kinds", "scan"]
CACHE = Path(os.environ.get("OCRACC_CACHE", "/tmp/ocracc-cache"))
SPLIT_SEED = 1701
COLLECTIONS = ("ehri", "fondue", "generated", "gen-extra")


# ----------------------------------------------------------------------------- the split

def split_names(names: list[str], seed: int = SPLIT_SEED) -> dict[str, str]:
    """name -> 'tune' | 'check': a seeded shuffle of the sorted names, first half (rounded down) tune."""
    order = sorted(names)
    random.Random(seed).shuffle(order)
    half = len(order) // 2
    return {n: ("tune" if i < half else "check") for i, n in enumerate(order)}


@dataclass
class Item:
    collection: str
    name: str  # page id, unique in its collection
    source: Path  # the input file the pipeline reads
    page: int  # 1-based page in source
    truth: str
    split: str
    rows: dict[str, Any] = field(default_factory=dict)


def _alto_items(collection: str, root: Path, suffix: str) -> list[Item]:
    pairs = [(x, x.with_suffix(suffix)) for x in sorted(root.rglob("*.xml")) if x.with_suffix(suffix).exists()]
    names = {img.relative_to(root).as_posix(): (xml, img) for xml, img in pairs}
    split = split_names(list(names))
    return [Item(collection, n, img, 1, alto_text(xml), split[n]) for n, (xml, img) in sorted(names.items())]


def _generated_items(collection: str, folder: Path, args: list[str], split_all: str = "") -> list[Item]:
    if not any(folder.glob("*.truth.json")):
        subprocess.run([sys.executable, str(ROOT / "samples" / "generate.py"), "--out", str(folder), *args],
                       check=True, stdout=subprocess.DEVNULL)
    truths = {t.name[: -len(".truth.json")]: json.loads(t.read_text(encoding="utf-8"))
              for t in sorted(folder.glob("*.truth.json"))}
    split = {d: split_all for d in truths} if split_all else split_names(list(truths))
    items = []
    for doc, truth in truths.items():
        for p in truth["pages"]:
            if (p.get("render") or {}).get("source") == "scan":
                it = Item(collection, f"{doc}#{p['page']}", folder / doc, int(p["page"]), p["text"], split[doc])
                it.rows["true_rotation"] = int((p.get("render") or {}).get("rotation") or 0)
                items.append(it)
    return items


def collect(collections: tuple[str, ...] = COLLECTIONS) -> list[Item]:
    items: list[Item] = []
    for name, folder in (("ehri", EHRI), ("fondue", FONDUE)):
        if name in collections and not folder.is_dir():  # a worktree under /work/wt has no ../shared
            print(f"warning: {folder} not found, so no {name} pages (set RATSAKTEN_SHARED_DATA)", file=sys.stderr)
    if "ehri" in collections:
        items += _alto_items("ehri", EHRI, ".jpg")
    if "fondue" in collections:
        items += _alto_items("fondue", FONDUE, ".png")
    if "generated" in collections:
        items += _generated_items("generated", GENERATED, GEN_ARGS)
    if "gen-extra" in collections:
        items += _generated_items("gen-extra", GEN_EXTRA, GEN_EXTRA_ARGS, split_all="tune")
    return items


# ----------------------------------------------------------------------------- metrics

_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad¬]\s+(?=[a-zäöüß])")


def dehyphenate(text: str) -> str:
    """'Veran-\\nstaltung' -> 'Veranstaltung' on both sides, so a line-level transcription does not
    count the layout stage's joining of torn words as two errors."""
    return _HYPHEN_BREAK.sub(r"\1", text)


def cer(pred: str, truth: str, hyphen_neutral: bool = False) -> float:
    a, b = norm_ws(pred), norm_ws(truth)
    if hyphen_neutral:
        a, b = dehyphenate(a), dehyphenate(b)
    return Levenshtein.distance(a, b) / max(1, len(b))


def wer(pred: str, truth: str) -> float:
    a, b = norm_ws(pred).split(), norm_ws(truth).split()
    return Levenshtein.distance(a, b) / max(1, len(b))


# ----------------------------------------------------------------------------- page images

def page_image(item: Item) -> tuple[Image.Image, float]:
    """What plain Tesseract is given: an image file as it is, a PDF page's embedded scan at its own
    resolution (the largest image on the page), else the page rendered at 300 dpi."""
    if item.source.suffix.lower() != ".pdf":
        im = Image.open(item.source)
        im.load()
        return im, 0.0  # 0: let Tesseract read the file's own header
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(str(item.source))
    try:
        page = pdf[item.page - 1]
        width_pt = page.get_size()[0]
        best = None
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
            x0, _, x1, _ = obj.get_bounds()
            if x1 - x0 >= 0.6 * width_pt and (best is None or obj.get_px_size()[0] > best[1][0]):
                best = (obj, obj.get_px_size(), x1 - x0)
        if best is not None:
            im = best[0].get_bitmap(render=False).to_pil()
            return im, best[1][0] / (best[2] / 72.0)
        return page.render(scale=300 / 72.0).to_pil(), 300.0
    finally:
        pdf.close()


def _image_key(im: Image.Image, *extra: Any) -> str:
    h = hashlib.sha1()
    h.update(f"{im.mode}{im.size}{extra}".encode())
    h.update(im.tobytes())
    return h.hexdigest()[:24]


def plain_tesseract(item: Item, lang: str = "deu") -> dict[str, Any]:
    """`tesseract IMG - -l deu` (cached): text and seconds."""
    if item.source.suffix.lower() != ".pdf":
        key = hashlib.sha1(item.source.read_bytes()).hexdigest()[:24]
    else:
        im, dpi = page_image(item)
        key = _image_key(im, dpi)
    path = CACHE / "plain" / f"{key}-{lang}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="ocracc-") as tmp:
        if item.source.suffix.lower() == ".pdf":
            src = Path(tmp) / "page.png"
            im.save(src, dpi=(dpi, dpi))
        else:
            src = item.source
        t0 = time.perf_counter()
        out = subprocess.run(["tesseract", str(src), "-", "-l", lang], capture_output=True, text=True,
                             env={**os.environ, "OMP_THREAD_LIMIT": "1"}, timeout=600)
        seconds = time.perf_counter() - t0
    rec = {"text": out.stdout, "seconds": round(seconds, 3), "stderr": out.stderr[-500:]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return rec


class CachingEngine:
    """Wraps an OcrEngine: `recognize` and `orientation` results are cached on disk by image bytes and
    the engine's settings; `seconds` adds up the time the real calls took (cached or not)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.name = engine.name
        self.seconds = 0.0  # what the calls took when they really ran
        self.wall = 0.0  # what they took now (cache reads are fast)
        self.calls = 0
        if hasattr(engine, "recognize_adaptive"):  # only engines that have it: ocr_page asks with getattr
            self.recognize_adaptive = self._recognize_adaptive

    def _settings(self) -> str:
        return json.dumps({k: v for k, v in sorted(vars(self.engine).items()) if isinstance(v, (int, float, str))})

    def _cached(self, kind: str, image: Image.Image, dpi: float, kwargs: dict, fn: Callable[[], Any],
                encode: Callable[[Any], Any], decode: Callable[[Any], Any]) -> Any:
        start = time.perf_counter()
        key = _image_key(image, kind, round(dpi, 3), self._settings(), sorted(kwargs.items()))
        path = CACHE / "engine" / f"{key}.json"
        self.calls += 1
        if path.exists():
            rec = json.loads(path.read_text(encoding="utf-8"))
            self.seconds += rec["seconds"]
            self.wall += time.perf_counter() - start
            return decode(rec["value"])
        t0 = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - t0
        self.seconds += seconds
        self.wall += time.perf_counter() - start
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"seconds": round(seconds, 3), "value": encode(value)}, ensure_ascii=False),
                        encoding="utf-8")
        return value

    def recognize(self, image: Image.Image, dpi: float, timeout: float, **kwargs: Any) -> list:
        from pipeline.ocr import OcrWord

        return self._cached("recognize", image, dpi, kwargs,
                            lambda: self.engine.recognize(image, dpi, timeout, **kwargs),
                            lambda ws: [vars(w) for w in ws], lambda rows: [OcrWord(**r) for r in rows])

    def _recognize_adaptive(self, image: Image.Image, dpi: float, timeout: float) -> list:
        from pipeline.ocr import OcrWord

        return self._cached("recognize_adaptive", image, dpi, {},
                            lambda: self.engine.recognize_adaptive(image, dpi, timeout),
                            lambda ws: [vars(w) for w in ws], lambda rows: [OcrWord(**r) for r in rows])

    def orientation(self, image: Image.Image, dpi: float, timeout: float, **kwargs: Any) -> int:
        return self._cached("orientation", image, dpi, kwargs,
                            lambda: self.engine.orientation(image, dpi, timeout, **kwargs), int, int)

    def __getattr__(self, name: str) -> Any:  # psm, lang, … of the wrapped engine
        if name.startswith("recognize") or name.startswith("_") or name == "engine":
            raise AttributeError(name)
        return getattr(self.engine, name)


# ----------------------------------------------------------------------------- our stage

def load_ocr_module(path: Optional[Path]):
    """pipeline.ocr, or another copy of it (e.g. main's) loaded into the pipeline package."""
    import pipeline.ocr

    if path is None:
        return pipeline.ocr
    spec = importlib.util.spec_from_file_location("pipeline._bench_ocr", path)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "pipeline"
    spec.loader.exec_module(mod)
    return mod


class Ours:
    """Our OCR stage and the correction stage, as run.process_document runs them."""

    def __init__(self, ocr_mod) -> None:
        from pipeline.config import Settings
        from pipeline.correct import CandidateIndex
        from pipeline.gazetteer import load_gazetteer
        from pipeline.lexicon import load_lexicon

        self.ocr = ocr_mod
        self.settings = Settings(use_cache=False, write_crops=False)
        self.lexicon = load_lexicon(str(self.settings.models_dir))
        self.correction = self.settings.correction
        self.index = CandidateIndex.build(load_gazetteer(str(self.settings.models_dir)), self.lexicon,
                                          self.correction)
        self.engine = CachingEngine(ocr_mod.TesseractEngine(self.settings.lang, self.settings.psm))
        self._scans: dict[Path, dict[int, Any]] = {}
        self._states: dict[Path, Any] = {}

    def _scan(self, item: Item):
        from pipeline.read import read_document

        if item.source not in self._scans:
            self._scans[item.source] = {e.number: e for e in read_document(item.source, self.settings, self.lexicon)}
        return self._scans[item.source][item.page]

    def run(self, item: Item) -> dict[str, Any]:
        from pipeline import layout
        from pipeline.correct import DocumentState, correct_page

        scan = self._scan(item)
        before, wall_before, calls_before = self.engine.seconds, self.engine.wall, self.engine.calls
        t0 = time.perf_counter()
        page = self.ocr.ocr_page(scan, self.engine, self.settings.ocr_timeout)
        layout.arrange(page)
        t1 = time.perf_counter()
        stage = copy.deepcopy(page).render()
        t2 = time.perf_counter()
        # one DocumentState per document, pages in order (it remembers a document's words)
        state = self._states.setdefault(item.source, DocumentState())
        page, rows = correct_page(page, state, self.index, self.correction)
        t3 = time.perf_counter()
        tess, wall = self.engine.seconds - before, self.engine.wall - wall_before
        return {
            "stage_text": stage.text, "full_text": page.text,
            "stage_seconds": (t1 - t0) - wall + tess + (t2 - t1),
            "correct_seconds": t3 - t2, "tesseract_calls": self.engine.calls - calls_before,
            "corrections": [(c.original, c.corrected) for c in rows if c.applied],
            "confidence": page.confidence, "rotation": page.rotation, "skew": page.skew,
        }


# ----------------------------------------------------------------------------- report

def _fmt_table(rows: list[dict[str, Any]]) -> str:
    cols = ("plain", "stage", "full")
    out = []
    head = f"{'collection':<11}{'split':<7}{'pages':>6}" + "".join(f"{c + ' CER':>11}" for c in cols)
    head += "".join(f"{c + ' WER':>11}" for c in cols) + f"{'CER/plain':>10}{'worst Δ':>9}{'>1pt':>6}"
    head += f"{'p/s plain':>10}{'p/s stage':>10}{'p/s full':>9}"
    out.append(head)
    for r in rows:
        line = f"{r['collection']:<11}{r['split']:<7}{r['pages']:>6}"
        line += "".join(f"{100 * r['cer_' + c]:>10.2f}%" for c in cols)
        line += "".join(f"{100 * r['wer_' + c]:>10.2f}%" for c in cols)
        line += f"{r['ratio_full']:>10.3f}{100 * r['worst_full']:>+8.2f}{r['over1_full']:>6}"
        line += f"{r['pps_plain']:>10.3f}{r['pps_stage']:>10.3f}{r['pps_full']:>9.3f}"
        out.append(line)
    return "\n".join(out)


def summarise(items: list[Item]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[Item]] = {}
    for it in items:
        groups.setdefault((it.collection, it.split), []).append(it)
        if it.collection in ("ehri", "fondue"):
            groups.setdefault(("real", it.split), []).append(it)
    out = []
    order = [(c, s) for c in (*COLLECTIONS, "real") for s in ("tune", "check")]
    for key in order:
        its = groups.get(key)
        if not its:
            continue
        n = len(its)
        row: dict[str, Any] = {"collection": key[0], "split": key[1], "pages": n}
        for c in ("plain", "stage", "full"):
            row["cer_" + c] = sum(i.rows["cer_" + c] for i in its) / n
            row["cer_hn_" + c] = sum(i.rows["cer_hn_" + c] for i in its) / n
            row["wer_" + c] = sum(i.rows["wer_" + c] for i in its) / n
        deltas = [i.rows["cer_full"] - i.rows["cer_plain"] for i in its]
        row["ratio_full"] = row["cer_full"] / row["cer_plain"] if row["cer_plain"] else float("nan")
        row["ratio_stage"] = row["cer_stage"] / row["cer_plain"] if row["cer_plain"] else float("nan")
        row["worst_full"] = max(deltas)
        row["worst_stage"] = max(i.rows["cer_stage"] - i.rows["cer_plain"] for i in its)
        row["over1_full"] = sum(d > 0.01 for d in deltas)
        row["pps_plain"] = n / max(1e-9, sum(i.rows["sec_plain"] for i in its))
        row["pps_stage"] = n / max(1e-9, sum(i.rows["sec_stage"] for i in its))
        row["pps_full"] = n / max(1e-9, sum(i.rows["sec_stage"] + i.rows["sec_correct"] for i in its))
        out.append(row)
    return out


def evaluate(items: list[Item], ours: Ours, progress: bool = True) -> None:
    for k, it in enumerate(items, 1):
        plain = plain_tesseract(it)
        res = ours.run(it)
        for key, text in (("plain", plain["text"]), ("stage", res["stage_text"]), ("full", res["full_text"])):
            it.rows["cer_" + key] = cer(text, it.truth)
            it.rows["cer_hn_" + key] = cer(text, it.truth, hyphen_neutral=True)
            it.rows["wer_" + key] = wer(text, it.truth)
        it.rows.update(sec_plain=plain["seconds"], sec_stage=res["stage_seconds"], sec_correct=res["correct_seconds"],
                       corrections=res["corrections"], calls=res["tesseract_calls"], confidence=res["confidence"], rotation=res["rotation"],
                       skew=res["skew"], texts={"plain": plain["text"], "stage": res["stage_text"],
                                                "full": res["full_text"]})
        if progress:
            r = it.rows
            print(f"[{k}/{len(items)}] {it.collection}/{it.split} {it.name}: plain {100 * r['cer_plain']:.2f} "
                  f"stage {100 * r['cer_stage']:.2f} full {100 * r['cer_full']:.2f}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["tune", "check", "both"], default="both")
    ap.add_argument("--only", default=",".join(COLLECTIONS), help="comma-separated collections")
    ap.add_argument("--json", type=Path, help="write per-page rows (with texts) here")
    ap.add_argument("--legacy", type=Path, help="score this copy of ocr.py instead of pipeline/ocr.py")
    ap.add_argument("--pages", action="store_true", help="print every page's CERs")
    args = ap.parse_args(argv)
    items = collect(tuple(c.strip() for c in args.only.split(",") if c.strip()))
    if args.split != "both":
        items = [i for i in items if i.split == args.split]
    ours = Ours(load_ocr_module(args.legacy))
    evaluate(items, ours)
    summary = summarise(items)
    print(_fmt_table(summary))
    print("\nhyphen-neutral CER (torn words joined on both sides):")
    for r in summary:
        print(f"  {r['collection']:<11}{r['split']:<7} plain {100 * r['cer_hn_plain']:.2f}%  "
              f"stage {100 * r['cer_hn_stage']:.2f}%  full {100 * r['cer_hn_full']:.2f}%")
    if args.pages:
        for it in items:
            r = it.rows
            print(f"  {it.collection:<10}{it.split:<6}{it.name:<48} plain {100 * r['cer_plain']:6.2f} "
                  f"stage {100 * r['cer_stage']:6.2f} full {100 * r['cer_full']:6.2f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"summary": summary, "pages": [
            {"collection": i.collection, "name": i.name, "split": i.split, **i.rows} for i in items]},
            ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
