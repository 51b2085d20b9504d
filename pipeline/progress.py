"""Progress on stderr: a bar on a terminal, one line per file otherwise, nothing when asked."""
from __future__ import annotations

import sys
import time

from .records import DocumentResult


class Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None
        self.done = 0
        self.total = total
        self.pages = 0
        self.t0 = time.perf_counter()
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", dynamic_ncols=True)

    def update(self, r: DocumentResult, cached: bool) -> None:
        self.done += 1
        self.pages += len(r.pages)
        if not self.enabled:
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
