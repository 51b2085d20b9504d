"""The stage order, for one document and for a batch; nothing else.

    read -> ocr -> layout -> correct (renders the text) -> extract -> references -> review -> crops
                                                                          (process_document)
    several small documents: read/correct each -> one spaCy pass over all their pages -> the rest of
    each document (extract, references, review, crops)                    (process_documents)
    inputs -> cache -> executor(process_documents) -> tables (+ links across documents)   (run)

Stages are modules that take and return records (pipeline/records.py); the models they read
come in one `Resources` object, loaded once per worker (resources.py); where documents run is the
executor's business (executors.py).
"""
from __future__ import annotations

import dataclasses
import logging
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from . import crops, layout, review, tables, unchanged
from .cache import ResultCache, cache_key, original_text, relevant_learned
from .config import INPUT_SUFFIXES, Settings
from .correct import DocumentState, correct_page
from .errors import DocumentError, EnvironmentProblem, Interrupted, PageError, UsageError
from .executors import Save, one_line, run_dask, run_forked, run_in_process
from .inputs import InputFile, collect
from .link.references import find_references
from .ocr import ocr_page
from .outdir import OutputLock, check_out_dir
from .progress import Progress
from .read import read_document
from .records import DocumentResult, Page, ScanPage, number_rows
from .resources import EngineFactory, Resources, check_environment, learned_for_run

log = logging.getLogger("ratsakten")


# ---------------------------------------------------------------- one document

def process_document(item: InputFile, res: Resources, out_dir: Optional[Path] = None) -> DocumentResult:
    """All stages for one file; a failure becomes a failed result, never an exception."""
    return next(iter(process_documents([item], res, out_dir)))


def process_documents(items: list[InputFile], res: Resources,
                      out_dir: Optional[Path] = None) -> Iterator[DocumentResult]:
    """All stages for several files, their results in the order of `items`, each as soon as it is done.

    Reading and correction run per document; the spaCy pass runs over the pages of several documents
    at once (up to `settings.chunk_pages` pages, so memory stays bounded), then the per-document rest.
    A document's rows are the same as it would get alone (process_document): every page's spaCy doc
    carries its own document's context. A failure costs only its own document, in any phase."""
    from . import extract

    settings = res.settings
    group: list[_Prepared] = []
    pages_held = 0
    for item in items:
        prepared = _Prepared(item, time.perf_counter())
        with _document_errors(prepared.result):
            prepared.pages = _read_and_correct(item, res, prepared.result)
        prepared.seconds = time.perf_counter() - prepared.t0
        group.append(prepared)
        if prepared.result.status != "failed":
            pages_held += len(prepared.pages)
        if pages_held >= settings.chunk_pages:
            yield from _finish_group(group, res, out_dir, extract)
            group, pages_held = [], 0
    yield from _finish_group(group, res, out_dir, extract)


@dataclass
class _Prepared:
    """A document read and corrected, waiting for the spaCy pass of its group."""
    item: InputFile
    t0: float
    pages: list[Page] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    result: DocumentResult = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        item = self.item
        self.result = DocumentResult(doc_id=item.doc_id, source_file=item.source_file, path=str(item.path),
                                     sha256=item.sha256, also_seen_as=list(item.also))


def _finish_group(group: list[_Prepared], res: Resources, out_dir: Optional[Path], extract) -> Iterator[DocumentResult]:
    """One spaCy pass over the pages of the group's documents, then each document's rest, in order.
    When the shared pass fails, each document gets its own pass, so only the one that breaks it fails."""
    live = [p for p in group if p.result.status != "failed"]
    docs: dict[int, list] = {}
    if len(live) > 1:
        t = time.perf_counter()
        try:
            for p, d in zip(live, extract.spacy_docs([p.pages for p in live], res.nlp, res.extra,
                                                     batch_size=res.settings.spacy_batch)):
                docs[id(p)] = d
        except Exception as exc:  # one document breaks the shared pass: the others must not lose their rows
            log.debug("shared spaCy pass failed (%s: %s); one pass per document", type(exc).__name__, one_line(exc))
            docs = {}
        share = (time.perf_counter() - t) / max(1, sum(len(p.pages) for p in live))
        for p in live:
            p.seconds += share * len(p.pages)
    for p in group:
        t = time.perf_counter()
        result = p.result
        if result.status != "failed":
            with _document_errors(result):
                _extract_and_review(p.item, res, out_dir, result, p.pages, docs.get(id(p)))
        if result.status == "failed":
            result.entities, result.decisions, result.corrections, result.review = [], [], [], []
            result.references = []
        result.seconds = p.seconds + time.perf_counter() - t
        yield result


@contextmanager
def _document_errors(result: DocumentResult):
    """A document's failure becomes its failed status and error, never an exception."""
    try:
        yield
    except DocumentError as exc:
        result.status, result.error = "failed", one_line(exc)
    except MemoryError:
        result.status, result.error = "failed", "out of memory while reading the document"
    except RecursionError:
        result.status, result.error = "failed", "broken PDF (objects nested too deeply)"
    except Exception as exc:  # an unexpected bug must not stop the batch
        msg = one_line(exc, 200)
        result.status, result.error = "failed", f"internal error: {type(exc).__name__}{': ' + msg if msg else ''}"
        log.debug("internal error on %s", result.path, exc_info=True)


def _read_and_correct(item: InputFile, res: Resources, result: DocumentResult) -> list[Page]:
    spellings = DocumentState()  # the document's own spellings, across its pages
    pages: list[Page] = []
    for page in read_pages(item, res):
        page, corrections = correct_page(layout.arrange(page), spellings, res.correction_index,
                                         res.correction_settings, res.learned)
        pages.append(page)
        result.corrections.extend(corrections)
    result.pages = pages
    return pages


def _extract_and_review(item: InputFile, res: Resources, out_dir: Optional[Path], result: DocumentResult,
                        pages: list[Page], docs: Optional[list]) -> None:
    from . import extract

    settings = res.settings
    result.learned_used = relevant_learned(original_text(result), res.learned)
    result.entities, result.decisions, result.fields = extract.extract_document(pages, res.nlp, settings,
                                                                                res.extra, docs=docs)
    result.references = find_references(pages, settings)
    number_rows(result)
    review.decide(result, settings)
    result.review = review.build_review(result, settings)
    if out_dir is not None and settings.write_crops:
        try:
            crops.write_crops(item.path, pages, result.review, out_dir)
        except Exception as exc:  # crops only help reviewers: the document's tables stand without them
            log.warning("no review crops for %s: %s: %s", item.source_file, type(exc).__name__, one_line(exc))
    bad_pages = [p for p in pages if p.error]
    if bad_pages and len(bad_pages) == len(pages):
        raise DocumentError(f"no page could be read: {bad_pages[0].error}")


def _ocr(entry: ScanPage, res: Resources) -> Page:
    try:
        return ocr_page(entry, res.engine, res.settings.ocr_timeout)
    except PageError as exc:  # a Tesseract timeout, a page that cannot be rendered
        return Page(number=entry.number, words=[], source="ocr", width=entry.width, height=entry.height,
                    confidence=0.0, error=str(exc))


def read_pages(item: InputFile, res: Resources) -> Iterator[Page]:
    """Pages in order, scans OCR'd. With `res.page_threads` > 1 the scans are OCR'd by that many
    threads (Tesseract runs as a subprocess, so threads keep several cores busy on one long
    document); at most 2 x threads page images are in memory at once (the read stage renders
    them only when the OCR asks)."""
    threads = res.page_threads
    if threads <= 1:
        for entry in read_document(item.path, res.settings, res.lexicon):
            yield _ocr(entry, res) if isinstance(entry, ScanPage) else entry
        return
    window: deque = deque()
    with ThreadPoolExecutor(threads, thread_name_prefix="ocr") as pool:
        for entry in read_document(item.path, res.settings, res.lexicon):
            window.append(pool.submit(_ocr, entry, res) if isinstance(entry, ScanPage) else entry)
            while len(window) > 2 * threads:
                head = window.popleft()
                yield head.result() if isinstance(head, Future) else head
        while window:
            head = window.popleft()
            yield head.result() if isinstance(head, Future) else head


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


def run(inputs: list[Path], out_dir: Path, settings: Optional[Settings] = None,
        engine_factory: Optional[EngineFactory] = None) -> RunSummary:
    """Process the inputs into the tables in out_dir (every option is in `settings`;
    `engine_factory` replaces Tesseract in tests).

    Usage and environment problems are found before any file is read. One run holds out_dir at a
    time. On SIGINT/SIGTERM the documents already done are written and `Interrupted` is raised."""
    settings = settings or Settings()
    if settings.learned_dir is None:
        settings = dataclasses.replace(settings, learned_dir=Path(out_dir))
    t0 = time.perf_counter()
    check_out_dir(out_dir)
    check_environment(settings, ocr=engine_factory is None)
    with OutputLock(out_dir), _stop_on_signals() as signals:
        found = collect(inputs)
        if not found.files and not found.failed:
            raise UsageError(f"no PDF or image files ({', '.join('*' + s for s in INPUT_SUFFIXES)}) found under "
                             f"{', '.join(str(p) for p in inputs)}: nothing to do")
        key = cache_key(settings)
        cache = ResultCache(out_dir, key, settings.use_cache)
        learned = learned_for_run(settings)
        fp = unchanged.fingerprint(key, found, learned, settings, out_dir)
        same = unchanged.previous(out_dir, fp) if settings.use_cache else None
        if same is not None:  # nothing to read, nothing to write: the tables are those of the last run
            log.info("inputs, models and tables unchanged since the last run: nothing to do")
            return RunSummary(**same, cached=same["documents"] - same["failed"],
                              seconds=time.perf_counter() - t0, out_dir=out_dir)
        unchanged.forget(out_dir)
        results: dict[str, DocumentResult] = {}
        todo: list[InputFile] = []
        for f in found.files:
            r = cache.load(f.sha256, learned)
            if r is None:
                todo.append(f)
                continue
            r.source_file, r.also_seen_as = f.source_file, list(f.also)
            results[f.sha256] = r
        cached = len(results)
        progress = Progress(len(found.files), settings.progress)
        for r in results.values():
            progress.update(r, cached=True)

        def store(f: InputFile, r: DocumentResult, saved: bool = False) -> None:
            results[f.sha256] = r
            if not saved:  # a worker that saved the result sends it without its words (executors.py)
                cache.store(f.sha256, r)
            progress.update(r, cached=False)

        interrupted: Optional[Interrupted] = None
        try:
            _execute(todo, settings, engine_factory, out_dir, store, key, cache.store)
        except Interrupted as exc:  # the documents done so far are written below; a re-run resumes
            interrupted = exc
        signals.disarm()  # a second Ctrl-C must not cut the tables short (they are atomic anyway)
        progress.close()
        ordered = sorted(list(results.values()) + found.failed, key=lambda r: (r.source_file, r.doc_id))
        counts = tables.write_all(out_dir, ordered, excel=settings.excel_csv)
        if settings.partitioned:
            tables.write_dataset(out_dir / "dataset", ordered)
        if interrupted is not None:
            raise Interrupted(interrupted.signum, f"interrupted: {len(results)} of {len(found.files)} documents "
                                                  f"done and written to {out_dir}; run the same command again "
                                                  f"to resume (finished documents are not read again)")
        _answers(out_dir, settings)
        failed = sum(r.status == "failed" for r in ordered)
        summary = {"documents": len(ordered), "failed": failed, "pages": sum(len(r.pages) for r in ordered),
                   "rows": counts}
        if settings.use_cache:
            unchanged.remember(out_dir, fp, summary)
    return RunSummary(**summary, cached=cached, seconds=time.perf_counter() - t0, out_dir=out_dir)


def _execute(todo: list[InputFile], settings: Settings, engine_factory: Optional[EngineFactory],
             out_dir: Path, store, key: str, save: Optional[Save] = None) -> None:
    """Hand the documents to the executor the settings name (`save`: the result cache, for executors
    whose workers save results themselves)."""
    if not todo:
        return
    if settings.executor == "dask":
        run_dask(todo, settings, engine_factory, process_document, out_dir, store, plugin_name=f"ratsakten-{key}",
                 save=save)
        return
    jobs = min(settings.jobs, len(todo))
    try:
        res = Resources.load(settings, engine_factory)
    except (MemoryError, OSError, ValueError, ImportError) as exc:
        raise EnvironmentProblem(f"cannot load the models: {type(exc).__name__}: {one_line(exc)}") from exc
    # fewer documents than cores (one 500-page scan): the spare cores OCR pages of the same document
    res.page_threads = settings.page_threads or max(1, settings.jobs // jobs)
    if settings.isolate:
        run_forked(todo, jobs, res, process_documents, out_dir, store, save)
    else:
        run_in_process(todo, res, process_documents, out_dir, store)


class _Signals:
    def __init__(self) -> None:
        self.armed = True

    def disarm(self) -> None:
        self.armed = False

    def handler(self, signum, frame) -> None:
        if self.armed:
            self.armed = False
            raise Interrupted(signum)


@contextmanager
def _stop_on_signals():
    """SIGINT and SIGTERM raise `Interrupted` once (in the main thread only: elsewhere, e.g. inside
    a caller's thread, the default handling stays)."""
    state = _Signals()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    old = {sig: signal.signal(sig, state.handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield state
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _answers(out_dir: Path, settings: Settings) -> None:
    """Reviewers' answers go into the tables only when asked (`apply_answers`, `cli.py apply`)."""
    if not (out_dir / "review.sqlite").exists():
        return
    if not settings.apply_answers:
        log.warning("reviewers' answers in %s are not in these new tables: run `python cli.py apply %s` "
                    "(or run with --apply-answers)", out_dir / "review.sqlite", out_dir)
        return
    from .review_apply import apply_answers

    try:
        apply_answers(out_dir, settings.models_dir, excel=settings.excel_csv, settings=settings)
    except Exception as exc:  # the tables stand; the answers stay in review.sqlite for `cli.py apply`
        log.warning("reviewers' answers not applied (%s); run `python cli.py apply %s`", exc, out_dir)
