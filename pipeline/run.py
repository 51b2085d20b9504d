"""Runs the stages in order for each document, isolates failures, writes the tables.

read -> ocr -> layout -> correct -> layout.render -> extract -> review -> tables
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import __version__, crops, layout, review, tables
from .config import INPUT_SUFFIXES, Settings
from .correct import Corrector, Resources, finish_offsets
from .errors import DocumentError, EnvironmentProblem, OcrTimeout, UsageError
from .gazetteer import load_gazetteer
from .lexicon import load_lexicon
from .ocr import OcrEngine, ScanPage, TesseractEngine, ocr_page, tesseract_available
from .read import read_document
from .records import DocumentResult, Page

log = logging.getLogger("ratsakten")


# ---------------------------------------------------------------- inputs

@dataclass
class InputFile:
    path: Path
    source_file: str  # relative to the INPUT it was found under
    sha256: str = ""
    also: list[str] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]


def discover(inputs: Iterable[Path]) -> list[InputFile]:
    """PDFs and scans under the inputs (recursively), without following symlink loops."""
    found: list[InputFile] = []
    for root in inputs:
        root = Path(root)
        if not root.exists():
            raise UsageError(f"input does not exist: {root}")
        if root.is_file():
            found.append(InputFile(root, root.name))
            continue
        seen_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            try:
                st = os.stat(dirpath)
            except OSError:
                dirnames[:] = []
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:  # a symlink loop
                dirnames[:] = []
                continue
            seen_dirs.add(key)
            dirnames.sort()
            for name in sorted(filenames):
                if name.startswith(".") or not name.lower().endswith(INPUT_SUFFIXES):
                    continue
                p = Path(dirpath) / name
                rel = os.path.relpath(p, root)
                found.append(InputFile(p, rel))
    return found


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_environment(settings: Settings) -> None:
    ok, why = tesseract_available(settings.lang)
    if not ok:
        raise EnvironmentProblem(
            f"{why}. Install it with: sudo apt-get install -y tesseract-ocr tesseract-ocr-{settings.lang} "
            f"(or run `make setup`).")
    if not (settings.models_dir / "gazetteer").is_dir():
        raise EnvironmentProblem(f"models folder {settings.models_dir} has no gazetteer/: "
                                 f"run `python scripts/build_models.py` or use a complete checkout")


def models_key(settings: Settings) -> str:
    """Version of everything that changes results: the code version and the models' content."""
    h = hashlib.sha256(__version__.encode())
    base = settings.models_dir
    for p in sorted(base.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            st = p.stat()
            h.update(f"{p.relative_to(base)}:{st.st_size}:{int(st.st_mtime)}".encode())
    for name in ("lang", "dpi", "psm", "correct_floor", "correct_apply", "correct_margin", "review_threshold",
                 "extra_spacy_model"):
        h.update(f"{name}={getattr(settings, name)}".encode())
    src = Path(__file__).parent
    for p in sorted(src.rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- one document

_WORKER: dict = {}


def _init_worker(settings: Settings, engine_factory: Optional[Callable[[], OcrEngine]] = None) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from .extract import nlp as nlp_mod

    _WORKER["settings"] = settings
    _WORKER["engine"] = engine_factory() if engine_factory else TesseractEngine(settings.lang, settings.psm)
    _WORKER["lexicon"] = load_lexicon(str(settings.models_dir))
    _WORKER["gazetteer"] = load_gazetteer(str(settings.models_dir))
    _WORKER["nlp"] = nlp_mod.load(str(settings.models_dir))
    _WORKER["extra"] = nlp_mod.load_extra(settings.extra_spacy_model) if settings.extra_spacy_model else None


def process_document(item: InputFile, out_dir: Optional[Path] = None) -> DocumentResult:
    """All stages for one file; a failure becomes a failed result, never an exception."""
    from .extract import extract_document

    settings: Settings = _WORKER["settings"]
    t0 = time.perf_counter()
    result = DocumentResult(doc_id=item.doc_id, source_file=item.source_file, path=str(item.path),
                            sha256=item.sha256, also_seen_as=list(item.also))
    try:
        lexicon = _WORKER["lexicon"]
        corrector = Corrector(Resources(_WORKER["gazetteer"], lexicon), settings)
        pages: list[Page] = []
        pairs_by_page = []
        for entry in read_document(item.path, settings, lexicon):
            if isinstance(entry, ScanPage):
                try:
                    page = ocr_page(entry, _WORKER["engine"], settings.ocr_timeout)
                except OcrTimeout as exc:
                    page = Page(number=entry.number, words=[], source="ocr", width=entry.width,
                                height=entry.height, confidence=0.0, error=str(exc))
            else:
                page = entry
            layout.arrange(page)
            pairs_by_page.append(corrector.correct_page(page))
            layout.render(page)
            pages.append(page)
        for page, pairs in zip(pages, pairs_by_page):
            result.corrections.extend(finish_offsets(page, pairs))
        result.pages = pages
        entities, decisions, fields = extract_document(pages, _WORKER["nlp"], settings, _WORKER["extra"])
        result.entities, result.decisions, result.fields = entities, decisions, fields
        review.mark(result, settings)
        result.review = review.build_review(result, settings)
        if out_dir is not None and settings.write_crops:
            crops.write_crops(item.path, pages, result.review, out_dir, result.doc_id)
        bad_pages = [p for p in pages if p.error]
        if bad_pages and len(bad_pages) == len(pages):
            raise DocumentError(f"no page could be read: {bad_pages[0].error}")
    except DocumentError as exc:
        result.status, result.error = "failed", str(exc)
    except MemoryError:
        result.status, result.error = "failed", "out of memory while reading the document"
    except Exception as exc:  # an unexpected bug must not stop the batch
        msg = str(exc).splitlines()[0][:200] if str(exc) else ""
        result.status, result.error = "failed", f"internal error: {type(exc).__name__}: {msg}"
        log.debug("internal error on %s", item.path, exc_info=True)
    if result.status == "failed":
        result.entities, result.decisions, result.corrections, result.review = [], [], [], []
    result.seconds = time.perf_counter() - t0
    return result


def _process_in_worker(item: InputFile, out_dir: Optional[Path]) -> DocumentResult:
    return process_document(item, out_dir)


# ---------------------------------------------------------------- the batch

@dataclass
class RunSummary:
    documents: int
    failed: int
    pages: int
    cached: int
    seconds: float
    rows: dict[str, int]
    out_dir: Path


class _Progress:
    def __init__(self, total: int, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.done = 0
        self.total = total
        self.pages = 0
        self.t0 = time.perf_counter()
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", dynamic_ncols=True)

    def update(self, r: DocumentResult, cached: bool) -> None:
        self.done += 1
        self.pages += len(r.pages)
        if self.quiet:
            return
        rate = self.pages / max(1e-6, time.perf_counter() - self.t0)
        if self.bar is not None:
            self.bar.set_postfix(pages=self.pages, pages_s=f"{rate:.2f}")
            self.bar.update(1)
        else:
            state = "cached" if cached else r.status
            extra = f" ({r.error})" if r.error else ""
            print(f"[{self.done}/{self.total}] {r.source_file}: {state}, {len(r.pages)} pages, "
                  f"{r.seconds:.1f} s{extra}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(inputs: list[Path], out_dir: Path, settings: Optional[Settings] = None, quiet: bool = False,
        engine_factory: Optional[Callable[[], OcrEngine]] = None, excel: bool = False) -> RunSummary:
    settings = settings or Settings()
    t0 = time.perf_counter()
    if engine_factory is None:
        check_environment(settings)
    files = discover(inputs)
    # hash, and collapse byte-identical files (the same memo saved twice)
    unique: dict[str, InputFile] = {}
    failed_early: list[DocumentResult] = []
    for f in files:
        try:
            f.sha256 = file_sha256(f.path)
        except OSError as exc:
            f.sha256 = hashlib.sha256(f"unreadable:{f.source_file}".encode()).hexdigest()
            failed_early.append(DocumentResult(f.doc_id, f.source_file, str(f.path), "", status="failed",
                                               error=f"cannot read file: {exc.strerror or exc}"))
            continue
        if f.sha256 in unique:
            unique[f.sha256].also.append(f.source_file)
        else:
            unique[f.sha256] = f
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir = out_dir / ".cache"
    cache_dir.mkdir(exist_ok=True)
    key = models_key(settings)
    results: dict[str, DocumentResult] = {}
    todo: list[InputFile] = []
    cached = 0
    for f in unique.values():
        cpath = cache_dir / f"{f.sha256[:16]}-{key}.pkl"
        if settings.use_cache and cpath.exists():
            try:
                with cpath.open("rb") as fh:
                    r: DocumentResult = pickle.load(fh)
                r.source_file, r.also_seen_as = f.source_file, list(f.also)
                results[f.sha256] = r
                cached += 1
                continue
            except Exception:
                pass
        todo.append(f)
    progress = _Progress(len(unique), quiet)
    for r in results.values():
        progress.update(r, cached=True)

    def store(f: InputFile, r: DocumentResult) -> None:
        results[f.sha256] = r
        if r.status == "ok":
            cpath = cache_dir / f"{f.sha256[:16]}-{key}.pkl"
            tmp = cpath.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(r, fh)
            os.replace(tmp, cpath)
        progress.update(r, cached=False)

    jobs = min(settings.jobs, max(1, len(todo)))
    if jobs <= 1:
        _init_worker(settings, engine_factory)
        for f in todo:
            store(f, process_document(f, out_dir))
    else:
        pending = list(todo)
        while pending:
            with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                     initargs=(settings, engine_factory)) as pool:
                futures = {pool.submit(_process_in_worker, f, out_dir): f for f in pending}
                pending = []
                try:
                    for fut in as_completed(futures):
                        f = futures[fut]
                        store(f, fut.result())
                except BrokenProcessPool:
                    # a worker died (killed, out of memory): fail the unfinished documents one by one
                    # one at a time, the document that kills the worker is the first unfinished one
                    unfinished = [f for f in futures.values() if f.sha256 not in results]
                    if jobs == 1 and unfinished:
                        f = unfinished.pop(0)
                        store(f, DocumentResult(f.doc_id, f.source_file, str(f.path), f.sha256,
                                                status="failed", error="worker process died (killed or out of memory)"))
                    jobs = 1
                    pending = unfinished
    progress.close()
    ordered = sorted(list(results.values()) + failed_early, key=lambda r: (r.source_file, r.doc_id))
    counts = tables.write_all(out_dir, ordered, excel=excel)
    if (out_dir / "review.sqlite").exists():  # reviewers' answers outlive a re-run
        from .review_apply import apply_answers

        try:
            apply_answers(out_dir, settings.models_dir, excel=excel, settings=settings)
        except Exception as exc:  # the tables stand; the answers stay in review.sqlite for `cli.py apply`
            log.warning("reviewers' answers not applied (%s); run `python cli.py apply %s`", exc, out_dir)
    failed = sum(r.status == "failed" for r in ordered)
    return RunSummary(documents=len(ordered), failed=failed, pages=sum(len(r.pages) for r in ordered),
                      cached=cached, seconds=time.perf_counter() - t0, rows=counts, out_dir=out_dir)
