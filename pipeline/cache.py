"""Content-hash cache of finished documents: an unchanged file is not read again.

A document's entry is keyed by its sha256 and by everything that changes results: the code, the
files under models/ and the result-changing settings. Reviewers' learned repairs are not in that
key (each accepted repair would invalidate every document): instead each entry remembers the
learned repairs that could touch its own words, and is redone only when those change.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Optional

from . import __version__, gcutil
from .config import Settings
from .records import DocumentResult

LEARNED_IN_MODELS = Path("gazetteer") / "learned.tsv"


def cache_key(settings: Settings) -> str:
    """Version of everything that changes results: the code, the models' content, the settings."""
    h = hashlib.sha256(__version__.encode())
    base = settings.models_dir
    for p in sorted(base.rglob("*")):
        # models/.cache holds the start-up cache (pipeline/startup_cache.py): derived from the other files
        if p.is_file() and "__pycache__" not in p.parts and ".cache" not in p.relative_to(base).parts \
                and p.relative_to(base) != LEARNED_IN_MODELS:
            st = p.stat()
            h.update(f"{p.relative_to(base)}:{st.st_size}:{int(st.st_mtime)}".encode())
    h.update(settings.result_fingerprint().encode())
    src = Path(__file__).parent
    for p in sorted(src.rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def original_text(result: DocumentResult) -> str:
    """The document's words as read, before any repair (what a learned repair is matched against)."""
    return "\n".join(" ".join(w.corrected_from or w.text for w in p.words) for p in result.pages)


def relevant_learned(text: str, learned: Mapping[str, str]) -> dict[str, str]:
    """The learned repairs whose reading occurs in the text: the only ones that can change it."""
    return {orig: new for orig, new in sorted(learned.items()) if orig and orig in text}


class ResultCache:
    """OUT/.cache/<sha256[:16]>-<key>.pkl, written atomically (a killed run leaves no half entry)."""

    def __init__(self, out_dir: Path, key: str, enabled: bool = True) -> None:
        self.folder = out_dir / ".cache"
        self.key = key
        self.enabled = enabled
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, sha256: str) -> Path:
        return self.folder / f"{sha256[:16]}-{self.key}.pkl"

    def load(self, sha256: str, learned: Mapping[str, str]) -> Optional[DocumentResult]:
        """The cached result, or None when there is none, it cannot be read, or the learned
        repairs that concern its words have changed since it was made."""
        path = self._path(sha256)
        if not self.enabled or not path.exists():
            return None
        try:
            with gcutil.paused(), path.open("rb") as fh:
                result: DocumentResult = pickle.load(fh)
        except Exception:  # an entry of an older layout, or damaged: the document is done again
            return None
        if relevant_learned(original_text(result), learned) != getattr(result, "learned_used", None):
            return None
        return result

    def store(self, sha256: str, result: DocumentResult) -> bool:
        """Keep a finished result (a failed one is tried again next run); True when it was written."""
        if result.status != "ok":
            return False
        path = self._path(sha256)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(result, fh)
        os.replace(tmp, path)
        return True
