"""The cyclic garbage collector paused while many small objects are unpickled.

Unpickling a document's result makes ~10,000 objects (pages, words, boxes). The collector's
generation counts fill as they are made, and each full collection walks every object alive,
including all the results read before, so a batch's cost grows with its square: 600 cached
born-digital results load in 2.6 s with the collector on and 0.8 s with it paused (2026-12-07).
Nothing unpickled here forms a reference cycle that must be freed at once.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection inside the block (the state before it is restored after it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
