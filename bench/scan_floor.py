"""Scanned pages against the floor (issue 17): one fixed mixed set, and plain Tesseract over its page images.

    PYTHONPATH=$PWD .venv/bin/python bench/scan_floor.py make DIR     # build DIR/input and DIR/pages once
    PYTHONPATH=$PWD .venv/bin/python bench/scan_floor.py floor DIR [--jobs N] [--pdf-only]
    PYTHONPATH=$PWD .venv/bin/python bench/scan_floor.py ocrmypdf DIR [--jobs N] [--exe PATH]

`make` puts into DIR/input what `cli.py run` reads: the 14 EHRI colour JPEGs, 10 FoNDUE PNGs (a seeded
choice of the 25) and 11 generated scanned memos (`samples/generate.py --n 11 --seed 4717 --kinds scan`),
42 pages in all; and into DIR/pages what the floor reads: the image files as they are and every PDF page's
embedded scan at its own resolution (as bench/ocr_accuracy.py gives plain Tesseract), written once as TIFF
with its dpi so the floor pays no rendering.

`floor` runs `tesseract PAGE - -l deu`, one process per core (OMP_THREAD_LIMIT=1) over DIR/pages, and prints
pages and seconds. Time the two sides as whole processes, alternated, on the same cores:

    floor:  python bench/scan_floor.py floor DIR --jobs 2
    ours:   python cli.py run DIR/input --out /tmp/x --no-cache -q --no-crops --jobs 2

`ocrmypdf` runs `ocrmypdf -l deu --skip-text --output-type pdf --optimize 0` and `pdftotext` over the PDFs of
DIR/input (the generated memos; also in DIR/input-pdf for `cli.py run`), N documents at a time with `--jobs 1`
each, which keeps both cores busy on one- and two-page memos. OCRmyPDF is not a project dependency: install it
in a venv of its own (`python -m venv V && V/bin/pip install ocrmypdf`; it needs ghostscript and, for the text,
poppler-utils). With `--pdf-only` the floor reads only those PDFs' pages.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("RATSAKTEN_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEED = 4717
FONDUE_PAGES = 10
GENERATED_DOCS = 11


def make(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from ocr_accuracy import Item, page_image

    inp, pages = folder / "input", folder / "pages"
    if (folder / ".done").exists():
        print(f"{folder}: already made")
        return
    shutil.rmtree(folder, ignore_errors=True)
    inp.mkdir(parents=True)
    pages.mkdir()
    sources = sorted((DATA / "ehri-typewritten-de").glob("*.jpg"))
    fondue = sorted((DATA / "fondue-art-de").glob("*/*.png"))
    sources += sorted(random.Random(SEED).sample(fondue, FONDUE_PAGES))
    for src in sources:
        (inp / src.name).symlink_to(src)
        (pages / src.name).symlink_to(src)
    gen = folder / "generated"
    subprocess.run([sys.executable, str(ROOT / "samples" / "generate.py"), "--out", str(gen), "--n",
                    str(GENERATED_DOCS), "--seed", str(SEED), "--kinds", "scan"], check=True, stdout=subprocess.DEVNULL)
    import pypdfium2 as pdfium

    for pdf in sorted(gen.glob("*.pdf")):
        (inp / pdf.name).symlink_to(pdf)
        n = len(pdfium.PdfDocument(str(pdf)))
        for i in range(1, n + 1):
            im, dpi = page_image(Item("generated", f"{pdf.name}#{i}", pdf, i, "", "check"))
            im.save(pages / f"{pdf.stem}_p{i}.tif", format="TIFF", dpi=(dpi, dpi), compression="raw")
    (folder / ".done").write_text("ok")
    print(f"{folder}: {len(list(inp.iterdir()))} input files, {len(list(pages.iterdir()))} pages")


def _pdf_input(folder: Path) -> list[Path]:
    pdfs = sorted(p for p in (folder / "input").iterdir() if p.suffix.lower() == ".pdf")
    sub = folder / "input-pdf"
    if not sub.exists():
        sub.mkdir()
        for p in pdfs:
            (sub / p.name).symlink_to(p.resolve())
    return pdfs


def floor(folder: Path, jobs: int, pdf_only: bool = False) -> None:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    pages = sorted((folder / "pages").iterdir())
    if pdf_only:
        stems = {p.stem for p in _pdf_input(folder)}
        pages = [p for p in pages if p.suffix == ".tif" and p.stem.rsplit("_p", 1)[0] in stems]

    def one(p: Path) -> int:
        return len(subprocess.run(["tesseract", str(p), "-", "-l", "deu"], capture_output=True, env=env,
                                  check=True).stdout)

    start = time.perf_counter()
    with cf.ThreadPoolExecutor(jobs) as pool:
        chars = sum(pool.map(one, pages))
    print(f"floor: {len(pages)} pages, {chars} bytes, {time.perf_counter() - start:.1f} s with {jobs} jobs")


def ocrmypdf(folder: Path, jobs: int, exe: str) -> None:
    import tempfile

    env = dict(os.environ, OMP_THREAD_LIMIT="1", PATH=f"{Path(exe).parent}:{os.environ['PATH']}")
    pdfs = _pdf_input(folder)
    with tempfile.TemporaryDirectory(prefix="scanfloor-ocrmypdf-") as tmp:
        def one(p: Path) -> int:
            out = Path(tmp) / p.name
            subprocess.run([exe, "-l", "deu", "--skip-text", "--jobs", "1", "--output-type", "pdf",
                            "--optimize", "0", "-q", str(p), str(out)], check=True, capture_output=True, env=env)
            txt = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True).stdout
            return len(txt)

        start = time.perf_counter()
        with cf.ThreadPoolExecutor(jobs) as pool:
            chars = sum(pool.map(one, pdfs))
    print(f"ocrmypdf: {len(pdfs)} PDFs, {chars} bytes, {time.perf_counter() - start:.1f} s with {jobs} at a time")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["make", "floor", "ocrmypdf"])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--pdf-only", action="store_true", help="floor: only the pages of the PDFs in DIR/input")
    ap.add_argument("--exe", default=shutil.which("ocrmypdf") or "ocrmypdf", help="the ocrmypdf executable")
    args = ap.parse_args(argv)
    if args.what == "make":
        make(args.folder)
    elif args.what == "floor":
        floor(args.folder, args.jobs, args.pdf_only)
    else:
        ocrmypdf(args.folder, args.jobs, args.exe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
