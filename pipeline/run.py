"""Runs the stages in order for each document, isolates failures, writes the tables.

read -> ocr -> layout -> correct -> layout.render -> extract -> review -> tables
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import signal
import stat
import sys
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_any
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from . import __version__, crops, layout, review, tables
from .config import INPUT_SUFFIXES, Settings
from .correct import Corrector, Resources, finish_offsets
from .errors import DocumentError, EnvironmentProblem, PageError, UsageError
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


def display_name(name: str) -> str:
    """A file name as text that can be written: bytes that are not UTF-8 are kept as `\\xe4`."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def discover(inputs: Iterable[Path], unlisted: Optional[list[tuple[InputFile, str]]] = None) -> list[InputFile]:
    """PDFs and scans under the inputs (recursively), without following symlink loops.

    Folders that cannot be listed are appended to `unlisted` with the reason (when given), so that
    no file disappears without a row.
    """
    found: list[InputFile] = []
    for root in inputs:
        root = Path(root)
        if not root.exists() and not root.is_symlink():
            raise UsageError(f"input does not exist: {root}")
        if not root.is_dir():  # a file, a dangling link or a pipe: the batch gives it a row
            found.append(InputFile(root, display_name(root.name)))
            continue

        def not_listed(exc: OSError, root: Path = root) -> None:
            if unlisted is not None and exc.filename:
                rel = display_name(os.path.relpath(exc.filename, root))
                unlisted.append((InputFile(Path(exc.filename), rel + "/"), f"cannot list folder: {exc.strerror}"))

        seen_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=not_listed):
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
                found.append(InputFile(p, display_name(rel)))
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


def limit_memory(max_mb: int) -> None:
    """Cap this process's address space: a runaway allocation raises MemoryError instead of
    taking the machine down (Tesseract children inherit the cap)."""
    if not max_mb:
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = max_mb << 20
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or want < soft:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, ValueError, OSError) as exc:  # not on this platform: the time limit still holds
        log.debug("no memory limit: %s", exc)


def _init_worker(settings: Settings, engine_factory: Optional[Callable[[], OcrEngine]] = None) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from .extract import nlp as nlp_mod

    _WORKER["settings"] = settings
    _WORKER["engine"] = engine_factory() if engine_factory else TesseractEngine(settings.lang, settings.psm)
    _WORKER["lexicon"] = load_lexicon(str(settings.models_dir))
    _WORKER["gazetteer"] = load_gazetteer(str(settings.models_dir))
    _WORKER["nlp"] = nlp_mod.load(str(settings.models_dir))
    _WORKER["extra"] = nlp_mod.load_extra(settings.extra_spacy_model) if settings.extra_spacy_model else None
    # pay the first-use costs (~2 s: correction indexes, spaCy's lazy tables) once, here: forked
    # workers inherit them instead of paying again each
    Corrector(Resources(_WORKER["gazetteer"], _WORKER["lexicon"]), settings)
    _WORKER["nlp"]("Der Stadtrat Dresden hat am 31. März 2022 beschlossen.")


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
        for page in _read_pages(item, settings, lexicon):
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
            try:
                crops.write_crops(item.path, pages, result.review, out_dir, result.doc_id)
            except Exception as exc:  # crops only help reviewers: the document's tables stand without them
                log.warning("no review crops for %s: %s: %s", item.source_file, type(exc).__name__, _one_line(exc))
        bad_pages = [p for p in pages if p.error]
        if bad_pages and len(bad_pages) == len(pages):
            raise DocumentError(f"no page could be read: {bad_pages[0].error}")
    except DocumentError as exc:
        result.status, result.error = "failed", _one_line(exc)
    except MemoryError:
        result.status, result.error = "failed", "out of memory while reading the document"
    except RecursionError:
        result.status, result.error = "failed", "broken PDF (objects nested too deeply)"
    except Exception as exc:  # an unexpected bug must not stop the batch
        msg = _one_line(exc, 200)
        result.status, result.error = "failed", f"internal error: {type(exc).__name__}{': ' + msg if msg else ''}"
        log.debug("internal error on %s", item.path, exc_info=True)
    if result.status == "failed":
        result.entities, result.decisions, result.corrections, result.review = [], [], [], []
    result.seconds = time.perf_counter() - t0
    return result


def _ocr(entry: ScanPage, settings: Settings) -> Page:
    try:
        return ocr_page(entry, _WORKER["engine"], settings.ocr_timeout)
    except PageError as exc:  # a Tesseract timeout, a page that cannot be rendered
        return Page(number=entry.number, words=[], source="ocr", width=entry.width, height=entry.height,
                    confidence=0.0, error=str(exc))


def _read_pages(item: InputFile, settings: Settings, lexicon) -> Iterator[Page]:
    """Pages in order. Scans are OCR'd by `page_threads` threads: Tesseract runs as a subprocess,
    so threads keep several cores busy on one long document; at most 2 x threads page images are
    in memory at once (the read stage renders them only when the OCR asks)."""
    threads = _WORKER.get("page_threads", 1)
    if threads <= 1:
        for entry in read_document(item.path, settings, lexicon):
            yield _ocr(entry, settings) if isinstance(entry, ScanPage) else entry
        return
    window: deque = deque()
    with ThreadPoolExecutor(threads, thread_name_prefix="ocr") as pool:
        for entry in read_document(item.path, settings, lexicon):
            window.append(pool.submit(_ocr, entry, settings) if isinstance(entry, ScanPage) else entry)
            while len(window) > 2 * threads:
                head = window.popleft()
                yield head.result() if isinstance(head, Future) else head
        while window:
            head = window.popleft()
            yield head.result() if isinstance(head, Future) else head


def _one_line(exc: BaseException, limit: int = 300) -> str:
    try:
        text = str(exc).strip()
    except Exception:  # an exception whose message itself fails
        text = ""
    return text.splitlines()[0][:limit] if text else ""


def _failed(item: InputFile, error: str) -> DocumentResult:
    return DocumentResult(item.doc_id, item.source_file, str(item.path), item.sha256, status="failed",
                          error=error, also_seen_as=list(item.also))


# ---------------------------------------------------------------- worker processes

def _die_with_parent(parent: int) -> None:
    """Linux: the worker gets SIGKILL when the batch process dies (a killed run leaves no workers)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # not Linux: workers end when their pipe closes
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker_main(conn, settings: Settings, engine_factory, out_dir: Optional[Path], parent: int) -> None:
    """One worker: limits, models, then documents one at a time until the pipe closes."""
    try:
        os.setpgrp()  # its own process group: a kill reaches the Tesseract it started
    except OSError:
        pass
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    limit_memory(settings.max_memory_mb)
    try:
        if _WORKER.get("settings") is not settings:  # normally inherited, loaded, from the parent
            _init_worker(settings, engine_factory)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        conn.send(("init_failed", f"{type(exc).__name__}: {_one_line(exc)}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        result = process_document(item, out_dir)
        try:
            conn.send(("done", result))
        except (BrokenPipeError, OSError):
            return
        except Exception as exc:  # a result that cannot be pickled
            conn.send(("done", _failed(item, f"internal error: result not transferable: {_one_line(exc)}")))


@dataclass
class _Slot:
    proc: multiprocessing.process.BaseProcess
    conn: object
    ready: bool = False
    item: Optional[InputFile] = None
    deadline: float = 0.0


def _run_isolated(todo: list[InputFile], jobs: int, settings: Settings, engine_factory,
                  out_dir: Optional[Path], store: Callable[[InputFile, DocumentResult], None]) -> None:
    """Documents in worker processes with a wall-clock and a memory limit each.

    A worker that runs past `doc_timeout` is killed with its Tesseract and replaced; one that dies
    (a crash in C code, the kernel's OOM killer) costs only the document it was reading. Either way
    the document gets a failed row and the batch goes on.
    """
    # The models are loaded once here and inherited by every forked worker (copy-on-write): a worker
    # that is killed and replaced is ready again in milliseconds, not the seconds loading takes.
    try:
        _init_worker(settings, engine_factory)
    except (MemoryError, OSError, ValueError, ImportError) as exc:
        raise EnvironmentProblem(f"cannot load the models: {type(exc).__name__}: {_one_line(exc)}") from exc
    ctx = multiprocessing.get_context("fork")
    pending = deque(todo)
    slots: list[_Slot] = []
    start_failures = 0

    def start() -> _Slot:
        parent_conn, child_conn = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child_conn, settings, engine_factory, out_dir, os.getpid()),
                           daemon=True)
        proc.start()
        child_conn.close()
        # loading the models takes seconds; a worker that never gets there is an environment problem
        return _Slot(proc, parent_conn, deadline=time.monotonic() + max(600.0, settings.doc_timeout))

    def stop(slot: _Slot) -> None:
        try:
            os.killpg(slot.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        slot.proc.kill()
        slot.proc.join(5)
        slot.conn.close()

    def replace(slot: _Slot) -> None:
        slots.remove(slot)
        if pending or any(s.item for s in slots):
            slots.append(start())

    for _ in range(jobs):
        slots.append(start())
    try:
        while pending or any(s.item for s in slots):
            for slot in slots:  # hand out work to idle workers
                if slot.ready and slot.item is None and pending:
                    slot.item = pending.popleft()
                    slot.deadline = time.monotonic() + settings.doc_timeout
                    try:
                        slot.conn.send(slot.item)
                    except OSError:  # the worker just died: its sentinel reports it below
                        pass
            if not slots:
                slots.append(start())
            busy = [s.deadline for s in slots if s.item is not None or not s.ready]
            timeout = max(0.0, min(busy) - time.monotonic()) if busy else None
            ready = set(wait_any([s.conn for s in slots] + [s.proc.sentinel for s in slots], timeout=timeout))
            now = time.monotonic()
            for slot in list(slots):
                message = None
                if slot.conn in ready or slot.proc.sentinel in ready:
                    try:
                        if slot.conn.poll():
                            message = slot.conn.recv()
                    except (EOFError, OSError):
                        message = None
                if message is not None:
                    kind, payload = message
                    if kind == "ready":
                        slot.ready = True
                        start_failures = 0
                    elif kind == "done":
                        item, slot.item = slot.item, None
                        store(item, payload)
                    elif kind == "init_failed":
                        raise EnvironmentProblem(f"worker processes cannot start: {payload}")
                    continue
                if slot.proc.sentinel in ready and not slot.proc.is_alive():
                    code = slot.proc.exitcode
                    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                    if slot.item is not None:
                        store(slot.item, _failed(slot.item, f"worker process died while reading this document "
                                                            f"({how}: crashed, killed or out of memory)"))
                        slot.item = None
                    elif not slot.ready:
                        start_failures += 1
                        if start_failures >= 3:
                            raise EnvironmentProblem(f"worker processes die while starting ({how})")
                    stop(slot)
                    replace(slot)
                    continue
                if not slot.ready and now >= slot.deadline:
                    raise EnvironmentProblem("worker processes did not finish loading the models in time")
                if slot.item is not None and now >= slot.deadline:
                    item, slot.item = slot.item, None
                    stop(slot)
                    store(item, _failed(item, f"took longer than the limit of {settings.doc_timeout:.0f} s "
                                              f"per document (worker stopped)"))
                    replace(slot)
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except (OSError, ValueError):
                pass
        for slot in slots:
            slot.proc.join(2)
            if slot.proc.is_alive():
                stop(slot)


# ---------------------------------------------------------------- Dask (many machines)

def _dask_task(item: InputFile, settings: Settings, engine_factory, out_dir: Optional[Path]) -> DocumentResult:
    """One document on a Dask worker; the models load once per worker process, on its first task."""
    if _WORKER.get("models_dir") != str(settings.models_dir):
        _init_worker(settings, engine_factory)
        _WORKER["models_dir"] = str(settings.models_dir)
        _WORKER["page_threads"] = 1
    _WORKER["settings"] = settings
    return process_document(item, out_dir)


def _run_dask(todo: list[InputFile], settings: Settings, engine_factory, out_dir: Optional[Path],
              store: Callable[[InputFile, DocumentResult], None], scheduler: Optional[str], n_workers: int) -> None:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise EnvironmentProblem("the dask executor needs `pip install 'dask[distributed]'` "
                                 "(or `pip install -e '.[dask]'`)") from exc
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=n_workers or settings.jobs, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        futures = {client.submit(_dask_task, f, settings, engine_factory, out_dir, key=f"ratsakten-{f.sha256}",
                                 pure=False): f for f in todo}
        for fut in as_completed(futures):
            f = futures[fut]
            try:
                result = fut.result()
            except Exception as exc:  # a worker lost for good: this document fails, the run goes on
                result = _failed(f, f"dask task failed: {type(exc).__name__}: {_one_line(exc)}")
            store(f, result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


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
        engine_factory: Optional[Callable[[], OcrEngine]] = None, excel: bool = False,
        executor: str = "local", scheduler: Optional[str] = None, dask_workers: int = 0,
        partitioned: bool = False) -> RunSummary:
    """Process the inputs into the tables in out_dir.

    executor "local": worker processes on this machine (`settings.jobs`); "dask": documents are
    tasks on a Dask distributed cluster (`scheduler` address, or a LocalCluster of `dask_workers`),
    whose workers must see the input and output paths (a shared file system). `partitioned` also
    writes each table as a Parquet dataset of parts under out_dir/dataset/ for very large runs."""
    if executor not in ("local", "dask"):
        raise UsageError(f"unknown executor '{executor}' (local or dask)")
    settings = settings or Settings()
    t0 = time.perf_counter()
    if engine_factory is None:
        check_environment(settings)
    unlisted: list[tuple[InputFile, str]] = []
    files = discover(inputs, unlisted)
    # hash, and collapse byte-identical files (the same memo saved twice)
    unique: dict[str, InputFile] = {}
    failed_early: list[DocumentResult] = []

    def fail_early(f: InputFile, error: str) -> None:
        f.sha256 = hashlib.sha256(f"unreadable:{f.source_file}".encode("utf-8", "backslashreplace")).hexdigest()
        failed_early.append(DocumentResult(f.doc_id, f.source_file, display_name(str(f.path)), "", status="failed",
                                           error=error))

    for f, why in unlisted:
        fail_early(f, why)
    for f in files:
        try:
            st = os.stat(f.path)
            if not stat.S_ISREG(st.st_mode):  # opening a named pipe would block the batch for ever
                fail_early(f, "not a regular file (a folder, named pipe, device or socket)")
                continue
            f.sha256 = file_sha256(f.path)
        except OSError as exc:
            fail_early(f, f"cannot read file: {exc.strerror or exc}")
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
    # fewer documents than cores (one 500-page scan): the spare cores OCR pages of the same document
    _WORKER["page_threads"] = max(1, settings.jobs // jobs) if executor == "local" else 1
    if not todo:
        pass
    elif executor == "dask":
        _run_dask(todo, settings, engine_factory, out_dir, store, scheduler, dask_workers)
    elif settings.isolate:
        _run_isolated(todo, jobs, settings, engine_factory, out_dir, store)
    else:  # in-process, one at a time, without limits (debugging, tests that patch the stages)
        _init_worker(settings, engine_factory)
        for f in todo:
            store(f, process_document(f, out_dir))
    progress.close()
    ordered = sorted(list(results.values()) + failed_early, key=lambda r: (r.source_file, r.doc_id))
    counts = tables.write_all(out_dir, ordered, excel=excel)
    if partitioned:
        tables.write_dataset(out_dir / "dataset", ordered)
    if (out_dir / "review.sqlite").exists():  # reviewers' answers outlive a re-run
        from .review_apply import apply_answers

        try:
            apply_answers(out_dir, settings.models_dir, excel=excel, settings=settings)
        except Exception as exc:  # the tables stand; the answers stay in review.sqlite for `cli.py apply`
            log.warning("reviewers' answers not applied (%s); run `python cli.py apply %s`", exc, out_dir)
    failed = sum(r.status == "failed" for r in ordered)
    return RunSummary(documents=len(ordered), failed=failed, pages=sum(len(r.pages) for r in ordered),
                      cached=cached, seconds=time.perf_counter() - t0, rows=counts, out_dir=out_dir)
