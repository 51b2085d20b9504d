"""The Dask side of the dask executor: models loaded once per worker, one document per task.

Imported only when `--executor dask` is used (it needs `dask[distributed]`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from .config import Settings
from .executors import Save, save_here
from .inputs import InputFile
from .records import DocumentResult
from .resources import EngineFactory, Resources


class ResourcesPlugin(WorkerPlugin):
    """Each worker process loads the models once, when it joins, and keeps them on the worker
    object under this plugin's name (several runs with other settings can share a cluster)."""

    def __init__(self, settings: Settings, engine_factory: Optional[EngineFactory], name: str) -> None:
        self.settings = settings
        self.engine_factory = engine_factory
        self.name = name

    def setup(self, worker) -> None:
        res = Resources.load(self.settings, self.engine_factory)
        res.page_threads = 1  # a Dask worker is one core: pages of a document are read in turn
        if not hasattr(worker, "ratsakten"):
            worker.ratsakten = {}
        worker.ratsakten[self.name] = res

    def teardown(self, worker) -> None:
        getattr(worker, "ratsakten", {}).pop(self.name, None)


def dask_task(item: InputFile, process: Callable[[InputFile, Resources, Optional[Path]], DocumentResult],
              plugin: str, out_dir: Optional[Path],
              save: Optional[Save] = None) -> tuple[DocumentResult, bool]:
    """The document's result, saved here and returned without its words when there is `save`
    (executors.py: the client then unpickles a quarter of the bytes); the flag says whether it was saved."""
    result = process(item, get_worker().ratsakten[plugin], out_dir)
    saved = save_here(save, item, result)
    return (result.without_words() if saved else result), saved
