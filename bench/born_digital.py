"""Throughput helpers: born-digital pages against a bare pdfplumber loop, scans against plain Tesseract.

(bench/throughput.py prints the full table on generated corpora; this one works on real texts and any folder.)

    .venv/bin/python bench/born_digital.py make-digital DIR [--n 40]     # typeset Karlsruhe texts as PDFs
    .venv/bin/python bench/born_digital.py make-scan FILE --pages 100    # a long scan: one sample page repeated
    .venv/bin/python bench/born_digital.py pdfplumber DIR                # the yardstick: extract_words, all cores
    .venv/bin/python bench/born_digital.py tesseract DIR                 # plain tesseract, one process per core
    .venv/bin/python bench/born_digital.py pages DIR                     # how many pages DIR holds
    .venv/bin/python bench/born_digital.py pss -- COMMAND ...            # peak PSS (MiB) of a process tree

Time whole processes from outside, both sides in the same window on the same cores, e.g.
    A: python cli.py run --no-cache -q --no-crops --out /tmp/tp-out DIR
    B: python bench/born_digital.py pdfplumber DIR
and divide DIR's page count by the median wall seconds of each (docs/notes/issue-17.md).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("RATSAKTEN_SHARED_DATA", ROOT.parent / "shared" / "data"))
KARLSRUHE = DATA / "karlsruhe-protocols" / "texts"


def make_digital(out: Path, n: int) -> int:
    """n Karlsruhe protocol texts typeset with reportlab (A4, 11 pt, wrapped), one PDF each."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    out.mkdir(parents=True, exist_ok=True)
    style = getSampleStyleSheet()["BodyText"]
    files = sorted(KARLSRUHE.glob("*.txt"))[:n]
    for f in files:
        text = f.read_text(encoding="utf-8")
        paras = [Paragraph(escape(p).replace("\n", "<br/>"), style) for p in text.split("\n\n") if p.strip()]
        SimpleDocTemplate(str(out / f"{f.stem}.pdf"), pagesize=A4).build(paras)
    return len(files)


def make_scan(src: Path, out: Path, pages: int) -> None:
    """A multi-page TIFF of one scan image repeated (a long scanned document)."""
    from PIL import Image

    with Image.open(src) as im:
        frame = im.convert("L")
    frame.save(out, format="TIFF", save_all=True, append_images=[frame] * (pages - 1), compression="tiff_lzw",
               dpi=frame.info.get("dpi", (300, 300)))


def _pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def _plumber_one(path: str) -> int:
    import pdfplumber

    words = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words += len(page.extract_words())
            page.flush_cache()
    return words


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*") if p.suffix.lower() in suffixes)


def pdfplumber_loop(folder: Path, jobs: int) -> None:
    files = _files(folder, (".pdf",))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        words = sum(pool.map(_plumber_one, files, chunksize=4))
    print(json.dumps({"files": len(files), "words": words, "seconds": round(time.perf_counter() - t0, 2)}))


def _tesseract_one(path: str) -> int:
    with tempfile.TemporaryDirectory(prefix="tp-") as tmp:
        src = path
        if path.lower().endswith(".pdf"):  # the page images at 300 dpi, as plain users would render them
            subprocess.run(["pdftoppm", "-r", "300", "-gray", "-tiff", path, os.path.join(tmp, "p")], check=True)
            pages = sorted(Path(tmp).glob("p*.tif"))
        else:
            pages = [Path(src)]
        for p in pages:
            subprocess.run(["tesseract", str(p), "-", "-l", "deu"], check=True, capture_output=True,
                           env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return len(pages)


def tesseract_loop(folder: Path, jobs: int) -> None:
    files = _files(folder, (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        pages = sum(pool.map(_tesseract_one, files))
    print(json.dumps({"files": len(files), "pages": pages, "seconds": round(time.perf_counter() - t0, 2)}))


def count_pages(folder: Path) -> int:
    from PIL import Image

    total = 0
    for f in _files(folder, (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")):
        if f.lower().endswith(".pdf"):
            total += _pdf_pages(Path(f))
        else:
            with Image.open(f) as im:
                total += getattr(im, "n_frames", 1)
    return total


def _tree_pss(root: int) -> float:
    """PSS in MiB summed over a process and its descendants (shared pages counted once, split)."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as fh:
                todo.extend(int(x) for x in fh.read().split())
        except OSError:
            pass
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total / 1024


def peak_pss(cmd: list[str], every: float = 0.5) -> None:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_pss(proc.pid))
        time.sleep(every)
    print(json.dumps({"peak_pss_mib": round(peak, 1), "seconds": round(time.perf_counter() - t0, 1),
                      "exit": proc.returncode}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["make-digital", "make-scan", "pdfplumber", "tesseract", "pages", "pss"])
    ap.add_argument("path", nargs="?", type=Path)
    ap.add_argument("cmd", nargs="*")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--src", type=Path, default=DATA / "ehri-typewritten-de")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    if args.what == "make-digital":
        print(make_digital(args.path, args.n), "PDFs")
    elif args.what == "make-scan":
        src = args.src if args.src.is_file() else sorted(args.src.rglob("*.jpg"))[0]
        make_scan(src, args.path, args.pages)
    elif args.what == "pdfplumber":
        pdfplumber_loop(args.path, args.jobs)
    elif args.what == "tesseract":
        tesseract_loop(args.path, args.jobs)
    elif args.what == "pages":
        print(count_pages(args.path))
    else:
        peak_pss(([str(args.path)] if args.path else []) + args.cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
