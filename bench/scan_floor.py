"""Scanned pages against the floor (issue 17): one fixed mixed set, and plain Tesseract over its page images.

    PYTHONPATH=$PWD .venv/bin/python bench/scan_floor.py make DIR     # build DIR/input and DIR/pages once
    PYTHONPATH=$PWD .venv/bin/python bench/scan_floor.py floor DIR [--jobs N]

`make` puts into DIR/input what `cli.py run` reads: the 14 EHRI colour JPEGs, 10 FoNDUE PNGs (a seeded
choice of the 25) and 11 generated scanned memos (`samples/generate.py --n 11 --seed 4717 --kinds scan`),
42 pages in all; and into DIR/pages what the floor reads: the image files as they are and every PDF page's
embedded scan at its own resolution (as bench/ocr_accuracy.py gives plain Tesseract), written once as TIFF
with its dpi so the floor pays no rendering.

`floor` runs `tesseract PAGE - -l deu`, one process per core (OMP_THREAD_LIMIT=1) over DIR/pages, and prints
pages and seconds. Time the two sides as whole processes, alternated, on the same cores:

    floor:  python bench/scan_floor.py floor DIR --jobs 2
    ours:   python cli.py run DIR/input --out /tmp/x --no-cache -q --no-crops --jobs 2
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


def floor(folder: Path, jobs: int) -> None:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    pages = sorted((folder / "pages").iterdir())

    def one(p: Path) -> int:
        return len(subprocess.run(["tesseract", str(p), "-", "-l", "deu"], capture_output=True, env=env,
                                  check=True).stdout)

    start = time.perf_counter()
    with cf.ThreadPoolExecutor(jobs) as pool:
        chars = sum(pool.map(one, pages))
    print(f"floor: {len(pages)} pages, {chars} bytes, {time.perf_counter() - start:.1f} s with {jobs} jobs")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["make", "floor"])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    if args.what == "make":
        make(args.folder)
    else:
        floor(args.folder, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
