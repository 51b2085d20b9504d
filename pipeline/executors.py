"""Where documents run: in this process, in forked worker processes, or as Dask tasks.

Every executor takes the documents to do and a `store` callback, calls `process(item)` (the
stage order in run.py) for each somewhere, and hands every result to `store` as it arrives. A
document that crashes, hangs or eats memory costs only its own row.

The executors that run documents in other processes take a `save` callback too (the result cache):
the worker saves the full result itself and sends back `result.without_words()`, which is all the
tables need, and the executor calls `store(item, result, saved=True)`. The batch process then
neither pickles a result for the cache nor unpickles its words (600 born-digital texts: the batch
process's CPU 7.7 -> 5.7 s, taken from the workers' cores; README "Throughput, measured").

The local executors hand small PDFs over several at a time (`next_chunk`): `process_many(items)`
then runs spaCy over the pages of all of them at once and yields their results in order. A chunk
whose worker dies or runs out of time is tried again one document at a time, so the document that
caused it gets its own failed row and the others their rows.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_any
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import gcutil
from .config import Settings
from .errors import EnvironmentProblem
from .inputs import InputFile, failed_result
from .records import DocumentResult
from .resources import EngineFactory, Resources

log = logging.getLogger("ratsakten")

Process = Callable[[InputFile, Resources, Optional[Path]], DocumentResult]
ProcessMany = Callable[[list[InputFile], Resources, Optional[Path]], Iterable[DocumentResult]]
Store = Callable[..., None]  # store(item, result) or store(item, result, saved=True)
Save = Callable[[str, DocumentResult], bool]  # save(sha256, result) -> saved: the result cache, called in a worker


def one_line(exc: BaseException, limit: int = 300) -> str:
    try:
        text = str(exc).strip()
    except Exception:  # an exception whose message itself fails
        text = ""
    return text.splitlines()[0][:limit] if text else ""


# room a worker always keeps above the address space it inherits: a forked worker of a large parent (a long
# test session reached 4.2 GB with the 4 GB default) was over its cap from the start, so no new mapping could
# be made: its first page thread died in its start-up and the worker hung until the document's time limit
MIN_HEADROOM_MB = 1024


def _mapped_bytes() -> int:
    """This process's address space as the kernel counts it for RLIMIT_AS (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(max_mb: int) -> None:
    """Cap this process's address space: a runaway allocation raises MemoryError instead of
    taking the machine down (Tesseract children inherit the cap). The cap is ``max_mb``, but never
    less than what the process already maps plus MIN_HEADROOM_MB."""
    if not max_mb:
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = max(max_mb << 20, _mapped_bytes() + (MIN_HEADROOM_MB << 20))
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or want < soft:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, ValueError, OSError) as exc:  # not on this platform: the time limit still holds
        log.debug("no memory limit: %s", exc)


# ---------------------------------------------------------------- chunks of small documents

def chunkable(item: InputFile, settings: Settings) -> bool:
    """A PDF small enough to be born-digital text (a scan is larger, and is best read alone)."""
    if item.path.suffix.lower() != ".pdf":
        return False
    try:
        return os.stat(item.path).st_size <= settings.chunk_file_mb * (1 << 20)
    except OSError:  # unreadable: it fails on its own
        return False


def next_chunk(pending: deque, settings: Settings, jobs: int, alone: set) -> list[InputFile]:
    """The next documents for one worker: a run of small PDFs (at most `chunk_docs`, fewer as the queue
    empties, so that the workers finish together), else one document. Documents in `alone` (retried
    after their chunk's worker died or timed out) always go alone."""
    first = pending.popleft()
    chunk = [first]
    if id(first) in alone or not chunkable(first, settings):
        return chunk
    limit = max(1, min(settings.chunk_docs, (len(pending) + 1) // (2 * jobs)))
    while pending and len(chunk) < limit and id(pending[0]) not in alone and chunkable(pending[0], settings):
        chunk.append(pending.popleft())
    return chunk


# ---------------------------------------------------------------- in this process

def run_in_process(todo: list[InputFile], res: Resources, process_many: ProcessMany, out_dir: Optional[Path],
                   store: Store) -> None:
    """In this process, without limits (debugging, tests that patch the stages)."""
    pending = deque(todo)
    while pending:
        chunk = next_chunk(pending, res.settings, 1, set())
        for item, result in zip(chunk, process_many(chunk, res, out_dir)):
            store(item, result)


# ---------------------------------------------------------------- forked worker processes

def _die_with_parent(parent: int) -> None:
    """Linux: the worker gets SIGKILL when the batch process dies (a killed run leaves no workers)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # not Linux: workers end when their pipe closes
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker_main(conn, res: Resources, process_many: ProcessMany, out_dir: Optional[Path], parent: int,
                 save: Optional[Save] = None) -> None:
    """One worker: limits, then chunks of documents until the pipe closes, each document's result sent
    as soon as it is done (saved first and sent without its words, when there is `save`). `res` is the
    parent's, inherited through fork."""
    try:
        os.setpgrp()  # its own process group: a kill reaches the Tesseract it started
    except OSError:
        pass
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limit_memory(res.settings.max_memory_mb)
    conn.send(("ready", None))
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for item, result in zip(chunk, process_many(chunk, res, out_dir)):
            saved = save_here(save, item, result)
            try:
                conn.send(("done", (result.without_words() if saved else result, saved)))
            except (BrokenPipeError, OSError):
                return
            except Exception as exc:  # a result that cannot be pickled
                conn.send(("done", (failed_result(item, f"internal error: result not transferable: {one_line(exc)}"),
                                    False)))


def save_here(save: Optional[Save], item: InputFile, result: DocumentResult) -> bool:
    """Save the result where the worker is; False when there is nothing to save it with, `save` keeps
    no such result (a failed one) or saving failed (the batch process then gets the full result and
    hands it to the cache itself)."""
    if save is None:
        return False
    try:
        return bool(save(item.sha256, result))
    except Exception as exc:  # a full disk, a read-only cache folder: the batch process tries once more
        log.debug("worker could not save the result of %s: %s", item.source_file, one_line(exc))
        return False


def _store(store: Store, item: InputFile, result: DocumentResult, saved: bool) -> None:
    if saved:
        store(item, result, saved=True)
    else:
        store(item, result)


@dataclass
class _Slot:
    proc: multiprocessing.process.BaseProcess
    conn: object
    ready: bool = False
    items: deque = field(default_factory=deque)  # the documents handed over and not yet answered
    deadline: float = 0.0


def run_forked(todo: list[InputFile], jobs: int, res: Resources, process_many: ProcessMany, out_dir: Optional[Path],
               store: Store, save: Optional[Save] = None) -> None:
    """Documents in forked worker processes with a wall-clock and a memory limit each.

    A worker that runs past `doc_timeout` (counted from its last answer) is killed with its Tesseract
    and replaced; one that dies (a crash in C code, the kernel's OOM killer) costs only the document it
    was reading. Either way the document gets a failed row and the batch goes on. When more than one
    document of a chunk was unanswered, they are queued again one by one (the culprit is not known).
    """
    settings = res.settings
    ctx = multiprocessing.get_context("fork")
    pending = deque(todo)
    alone: set[int] = set()  # ids of documents that go alone from now on
    slots: list[_Slot] = []
    start_failures = 0

    def start() -> _Slot:
        parent_conn, child_conn = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child_conn, res, process_many, out_dir, os.getpid(), save),
                           daemon=True)
        proc.start()
        child_conn.close()
        # the models are inherited: a worker that does not report ready in time is an environment problem
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
        if pending or any(s.items for s in slots):
            slots.append(start())

    def lost(slot: _Slot, why: str) -> None:
        """The worker is gone with documents unanswered: one is the culprit; several go again alone."""
        if len(slot.items) == 1:
            item = slot.items.popleft()
            store(item, failed_result(item, why))
            return
        for item in reversed(slot.items):
            alone.add(id(item))
            pending.appendleft(item)
        slot.items.clear()

    # the models loaded so far move to a generation the collector never scans: a worker's collections
    # then do not write to (and so copy) the pages it shares with the parent. The full collection
    # first costs 0.4 s and frees nothing on the loaded models alone, but a caller's earlier work may
    # have left garbage (threads, event loops) that should not be frozen into the workers: with a
    # young-generation-only collection one run of the test suite hung a worker at its first page
    # thread (not understood, so the full collection stays)
    gc.collect()
    gc.freeze()
    for _ in range(jobs):
        slots.append(start())
    try:
        while pending or any(s.items for s in slots):
            for slot in slots:  # hand out work to idle workers
                if slot.ready and not slot.items and pending:
                    chunk = next_chunk(pending, settings, jobs, alone)
                    slot.items.extend(chunk)
                    slot.deadline = time.monotonic() + settings.doc_timeout
                    try:
                        slot.conn.send(chunk)
                    except OSError:  # the worker just died: its sentinel reports it below
                        pass
            if not slots:
                slots.append(start())
            busy = [s.deadline for s in slots if s.items or not s.ready]
            timeout = max(0.0, min(busy) - time.monotonic()) if busy else None
            ready = set(wait_any([s.conn for s in slots] + [s.proc.sentinel for s in slots], timeout=timeout))
            now = time.monotonic()
            for slot in list(slots):
                message = None
                if slot.conn in ready or slot.proc.sentinel in ready:
                    try:
                        if slot.conn.poll():
                            with gcutil.paused():  # a result is ~10,000 small objects (pipeline/gcutil.py)
                                message = slot.conn.recv()
                    except (EOFError, OSError):
                        message = None
                if message is not None:
                    kind, payload = message
                    if kind == "ready":
                        slot.ready = True
                        start_failures = 0
                    elif kind == "done" and slot.items:
                        item = slot.items.popleft()
                        slot.deadline = now + settings.doc_timeout  # the next document's time starts now
                        _store(store, item, *payload)
                    continue
                if slot.proc.sentinel in ready and not slot.proc.is_alive():
                    code = slot.proc.exitcode
                    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                    if slot.items:
                        lost(slot, f"worker process died while reading this document ({how}: crashed, killed "
                                   f"or out of memory)")
                    elif not slot.ready:
                        start_failures += 1
                        if start_failures >= 3:
                            raise EnvironmentProblem(f"worker processes die while starting ({how})")
                    stop(slot)
                    replace(slot)
                    continue
                if not slot.ready and now >= slot.deadline:
                    raise EnvironmentProblem("worker processes did not start in time")
                if slot.items and now >= slot.deadline:
                    stop(slot)
                    lost(slot, f"took longer than the limit of {settings.doc_timeout:.0f} s per document "
                               f"(worker stopped)")
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

def run_dask(todo: list[InputFile], settings: Settings, engine_factory: Optional[EngineFactory], process: Process,
             out_dir: Optional[Path], store: Store, plugin_name: str, save: Optional[Save] = None) -> None:
    """Documents as tasks on a Dask cluster (`settings.scheduler`, or a LocalCluster of
    `settings.dask_workers`), whose workers see the input and output paths (a shared file system)."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed

        from .dask_worker import ResourcesPlugin, dask_task
    except ImportError as exc:
        raise EnvironmentProblem("the dask executor needs `pip install 'dask[distributed]'` "
                                 "(or `pip install -e '.[dask]'`)") from exc
    plugin = ResourcesPlugin(settings, engine_factory, plugin_name)
    if not log.isEnabledFor(logging.DEBUG):  # Dask's own INFO lines (~40 a run) only with -v
        for name in ("distributed", "dask"):
            logging.getLogger(name).setLevel(logging.ERROR)
    cluster = None
    if settings.scheduler:
        client = Client(settings.scheduler)
    else:
        cluster = LocalCluster(n_workers=settings.dask_workers or settings.jobs, threads_per_worker=1,
                               processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        client.register_plugin(plugin, name=plugin_name)
        futures = {client.submit(dask_task, f, process, plugin_name, out_dir, save, key=f"ratsakten-{f.sha256}",
                                 pure=False): f for f in todo}
        for fut in as_completed(futures):
            f = futures[fut]
            try:
                result, saved = fut.result()
            except Exception as exc:  # a worker lost for good: this document fails, the run goes on
                result, saved = failed_result(f, f"dask task failed: {type(exc).__name__}: {one_line(exc)}"), False
            _store(store, f, result, saved)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
