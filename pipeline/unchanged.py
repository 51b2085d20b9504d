"""An unchanged re-run: the same inputs, code, models, settings and tables as the last complete run.

Then there is nothing to read and nothing to write. Loading every cached result and rewriting the
tables would cost ~6 ms per document (600 born-digital texts: 3.7 s after a 35 s first run). The
last complete run leaves `OUT/.cache/unchanged.json`: a fingerprint of what went into its tables,
the size and modification time of every file it left in OUT, and its summary. A run whose
fingerprint and files match it ends at once with that summary. Anything else (a changed, new or
removed input, another cache key, other learned repairs, new reviewers' answers, a table file that
was touched, `--no-cache`) goes the normal way, and that way removes the record before it writes.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Mapping, Optional

from . import tables
from .config import Settings
from .inputs import Inputs

RECORD = Path(".cache") / "unchanged.json"
_SKIP = {".cache", "review.sqlite", "review.sqlite-journal", "review.sqlite-wal", "review.sqlite-shm"}


def fingerprint(key: str, found: Inputs, learned: Mapping[str, str], settings: Settings, out_dir: Path) -> str:
    """What the tables were made from: the cache key, every input (content, names) and every input
    that failed before it was read, the learned repairs, the settings that shape the tables, and the
    reviewers' answers file (applied after writing with --apply-answers)."""
    h = hashlib.sha256(key.encode())
    for f in found.files:
        h.update(json.dumps([f.sha256, f.source_file, sorted(f.also)]).encode())
    for r in found.failed:
        h.update(json.dumps(["failed", r.source_file, r.error]).encode())
    h.update(json.dumps(sorted(learned.items())).encode())
    h.update(json.dumps([settings.excel_csv, settings.partitioned, settings.apply_answers,
                         settings.write_crops]).encode())
    answers = out_dir / "review.sqlite"
    if answers.exists():
        st = answers.stat()
        h.update(json.dumps([st.st_size, st.st_mtime_ns]).encode())
    return h.hexdigest()


def _files(out_dir: Path) -> dict[str, list[int]]:
    """(size, mtime_ns) of every file in OUT, its subfolders included, but the cache and the answers."""
    found: dict[str, list[int]] = {}
    for root, dirs, names in os.walk(out_dir):
        rel_root = Path(root).relative_to(out_dir)
        if rel_root == Path("."):
            dirs[:] = [d for d in dirs if d not in _SKIP]
        for name in names:
            rel = rel_root / name
            if rel_root == Path(".") and (name in _SKIP or name.startswith(".")):
                continue
            st = (Path(root) / name).stat()
            found[rel.as_posix()] = [st.st_size, st.st_mtime_ns]
    return found


def previous(out_dir: Path, fp: str) -> Optional[dict[str, Any]]:
    """The last complete run's summary if it was made from the same fingerprint and its files are as
    it left them; else None."""
    try:
        record = json.loads((out_dir / RECORD).read_text(encoding="utf-8"))
        if record.get("fingerprint") != fp or record.get("files") != _files(out_dir):
            return None
        return dict(record["summary"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget(out_dir: Path) -> None:
    (out_dir / RECORD).unlink(missing_ok=True)


def remember(out_dir: Path, fp: str, summary: Mapping[str, Any]) -> None:
    """Written last, after the tables and the answers: a run cut short before this leaves no record."""
    path = out_dir / RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"fingerprint": fp, "files": _files(out_dir), "summary": dict(summary)})
    tables._atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
