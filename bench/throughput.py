#!/usr/bin/env python3
"""Throughput benchmark (issue 7): prints one table; timing stays out of pass/fail tests.

    python bench/throughput.py [--docs 20] [--jobs N] [--repeat 3] [--big-pages 500] [--skip ...]

On the same generated scanned corpus (>= 40 pages) and the same cores it measures:
  floor      bare `tesseract IMG - -l deu` over the same page images, all cores busy
  ours       `cli.py run` (no cache) -> ratio ours / floor (goal <= 1.10)
  ocrmypdf   `ocrmypdf -l deu --skip-text --jobs N` + `pdftotext` (installed only in a bench venv)
  textlayer  born-digital pages/s: ours vs a plain pdfplumber extract_words loop
  rerun      re-run on unchanged input / first run (goal <= 3 %)
  bigscan    peak memory (PSS summed over the process tree) on a --big-pages scanned PDF at --jobs 2 (goal <= 1 GB)
  dask       --executor dask on a LocalCluster with 2 workers vs 1
Medians of --repeat runs; the machine is printed with the table.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WORK = Path(os.environ.get("RATSAKTEN_BENCH", "/tmp/ratsakten-bench"))


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def generate(kind: str, n: int, seed: int) -> Path:
    out = WORK / f"corpus-{kind}-{n}-{seed}"
    if not (out / ".done").exists():
        shutil.rmtree(out, ignore_errors=True)
        sh([PY, str(ROOT / "samples" / "generate.py"), "--out", str(out), "--n", str(n), "--seed", str(seed),
            "--kinds", kind])
        (out / ".done").write_text("ok")
    return out


def pdfs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".pdf", ".png", ".tif", ".tiff", ".jpg"))


def page_images(corpus: Path) -> list[Path]:
    """The page images the OCR floor reads: each page at its native resolution as a TIFF with dpi."""
    import pypdfium2 as pdfium
    from PIL import Image

    out = corpus.parent / (corpus.name + "-pages")
    if (out / ".done").exists():
        return sorted(out.glob("*.tif"))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for f in pdfs(corpus):
        if f.suffix.lower() != ".pdf":
            with Image.open(f) as im:
                for i in range(getattr(im, "n_frames", 1)):
                    im.seek(i)
                    dpi = float((im.info.get("dpi") or (300, 300))[0]) or 300
                    im.convert("L").save(out / f"{f.stem}-{i + 1:03d}.tif", dpi=(dpi, dpi), compression="raw")
            continue
        pdf = pdfium.PdfDocument(str(f))
        for i in range(len(pdf)):
            img = pdf[i].render(scale=300 / 72, grayscale=True).to_pil()
            img.save(out / f"{f.stem}-{i + 1:03d}.tif", dpi=(300, 300), compression="raw")
        pdf.close()
    (out / ".done").write_text("ok")
    return sorted(out.glob("*.tif"))


def floor(images: list[Path], jobs: int) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(p: Path) -> None:
        subprocess.run(["tesseract", str(p), "-", "-l", "deu"], check=True, capture_output=True, env=env)

    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - t0


class RssSampler:
    """Peak of the summed memory (PSS) of a process and all its descendants (workers included)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(d.name))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def _loop(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in self._tree():
                # PSS, not RSS: forked workers share the parent's model pages (copy-on-write), and
                # summing RSS would count those pages once per process
                try:
                    for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def stop(self) -> int:
        self._stop.set()
        self.thread.join()
        return self.peak


def ours(inputs: list[Path], out: Path, jobs: int, cache: bool = False, extra: list[str] | None = None,
         rss: bool = False) -> tuple[float, int]:
    if not cache:
        shutil.rmtree(out, ignore_errors=True)
    cmd = [PY, str(ROOT / "cli.py"), "run", *map(str, inputs), "--out", str(out), "--jobs", str(jobs), "--quiet",
           "--no-crops"] + (extra or [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = RssSampler(proc.pid) if rss else None
    _, err = proc.communicate()
    dt = time.perf_counter() - t0
    peak = sampler.stop() if sampler else 0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"run failed ({proc.returncode}): {err[-2000:]}")
    return dt, peak


def ocrmypdf_env() -> Path | None:
    venv = WORK / "venv-ocrmypdf"
    exe = venv / "bin" / "ocrmypdf"
    if not exe.exists():
        try:
            sh([sys.executable, "-m", "venv", str(venv)])
            sh([str(venv / "bin" / "pip"), "install", "-q", "ocrmypdf"])
        except subprocess.CalledProcessError as exc:
            print(f"  (OCRmyPDF could not be installed: {exc.stderr[-300:]})", file=sys.stderr)
            return None
    return exe


def ocrmypdf_time(exe: Path, inputs: list[Path], jobs: int) -> float:
    tmp = WORK / "ocrmypdf-out"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    env = dict(os.environ, PATH=f"{exe.parent}:{os.environ['PATH']}")
    t0 = time.perf_counter()
    for f in inputs:
        if f.suffix.lower() != ".pdf":
            continue
        out = tmp / f.name
        subprocess.run([str(exe), "-l", "deu", "--skip-text", "--jobs", str(jobs), "--output-type", "pdf",
                        "--optimize", "0", "-q", str(f), str(out)], check=True, capture_output=True, env=env)
        subprocess.run(["pdftotext", str(out), str(out.with_suffix(".txt"))], check=True, capture_output=True)
    return time.perf_counter() - t0


def pdfplumber_loop(inputs: list[Path]) -> tuple[float, int]:
    import pdfplumber

    n = 0
    t0 = time.perf_counter()
    for f in inputs:
        if f.suffix.lower() != ".pdf":
            continue
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_words()
                n += 1
    return time.perf_counter() - t0, n


def n_pages(inputs: list[Path]) -> int:
    import pypdfium2 as pdfium
    from PIL import Image

    total = 0
    for f in inputs:
        if f.suffix.lower() == ".pdf":
            pdf = pdfium.PdfDocument(str(f))
            total += len(pdf)
            pdf.close()
        else:
            with Image.open(f) as im:
                total += getattr(im, "n_frames", 1)
    return total


def big_scan(pages: int) -> Path:
    """A long scanned PDF made of the scan corpus' pages repeated (PDFium copies the page objects)."""
    import pypdfium2 as pdfium

    out = WORK / f"bigscan-{pages}.pdf"
    if out.exists():
        return out
    src = [p for p in pdfs(generate("scan", 12, 7)) if p.suffix == ".pdf"]
    big = pdfium.PdfDocument.new()
    i = 0
    while len(big) < pages:
        doc = pdfium.PdfDocument(str(src[i % len(src)]))
        big.import_pages(doc, [0])
        doc.close()
        i += 1
    big.save(str(out))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20, help="scanned documents in the corpus (>= 40 pages)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--big-pages", type=int, default=500)
    ap.add_argument("--skip", default="", help="comma list of: ocrmypdf,textlayer,rerun,bigscan,dask")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    WORK.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []
    scan = generate("scan", args.docs, 11)
    inputs = pdfs(scan)
    pages = n_pages(inputs)
    images = page_images(scan)
    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"jobs {args.jobs}; corpus {len(inputs)} scanned documents, {pages} pages", flush=True)

    fl = statistics.median(floor(images, args.jobs) for _ in range(args.repeat))
    rows.append(("bare tesseract (floor)", f"{fl:.1f} s", f"{pages / fl:.2f} pages/s"))
    out = WORK / "out-scan"
    runs = [ours([scan], out, args.jobs)[0] for _ in range(args.repeat)]
    ou = statistics.median(runs)
    rows.append(("ratsakten run", f"{ou:.1f} s", f"{pages / ou:.2f} pages/s; ours/floor {ou / fl:.2f} (goal <= 1.10)"))

    if "rerun" not in skip:
        re_runs = [ours([scan], out, args.jobs, cache=True)[0] for _ in range(args.repeat)]
        rr = statistics.median(re_runs)
        rows.append(("re-run, unchanged input", f"{rr:.2f} s", f"{100 * rr / ou:.1f} % of the first run (goal <= 3 %)"))
    if "ocrmypdf" not in skip:
        exe = ocrmypdf_env()
        if exe is not None and shutil.which("pdftotext"):
            om = statistics.median(ocrmypdf_time(exe, inputs, args.jobs) for _ in range(args.repeat))
            rows.append(("ocrmypdf + pdftotext", f"{om:.1f} s", f"ours is {om / ou:.2f}x faster (goal >= 2x)"))
        else:
            rows.append(("ocrmypdf + pdftotext", "n/a", "OCRmyPDF or pdftotext (poppler-utils) missing"))
    if "textlayer" not in skip:
        dig = generate("digital", max(20, args.docs), 13)
        dinputs = pdfs(dig)
        pl, npl = min(pdfplumber_loop(dinputs) for _ in range(args.repeat))
        od = statistics.median(ours([dig], WORK / "out-digital", 1)[0] for _ in range(args.repeat))
        rows.append(("text layer: pdfplumber loop", f"{pl:.2f} s", f"{npl / pl:.1f} pages/s (1 core)"))
        rows.append(("text layer: ratsakten run", f"{od:.2f} s", f"{npl / od:.1f} pages/s (1 job, incl. start-up "
                                                                  f"and extraction)"))
    if "bigscan" not in skip:
        big = big_scan(args.big_pages)
        dt, peak = ours([big], WORK / "out-big", 2, rss=True)
        rows.append((f"{args.big_pages}-page scan, --jobs 2", f"{dt:.0f} s", f"peak memory (PSS) {peak / 2**20:.0f} MB "
                                                                            f"(goal <= 1024 MB)"))
    if "dask" not in skip:
        try:
            d1 = ours([scan], WORK / "out-dask1", 1, extra=["--executor", "dask", "--dask-workers", "1"])[0]
            d2 = ours([scan], WORK / "out-dask2", 2, extra=["--executor", "dask", "--dask-workers", "2"])[0]
            rows.append(("dask LocalCluster 1 worker", f"{d1:.1f} s", ""))
            rows.append(("dask LocalCluster 2 workers", f"{d2:.1f} s", f"speed-up {d1 / d2:.2f}x"))
        except Exception as exc:  # noqa: BLE001
            rows.append(("dask", "n/a", str(exc)[:120]))

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':{width}}  {'time':>9}  result")
    for name, t, res in rows:
        print(f"{name:{width}}  {t:>9}  {res}")
    (WORK / "throughput.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
