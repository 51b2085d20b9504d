"""Start-up cache: the gazetteer, the lexicon and the correction index, pickled once.

Building them from models/gazetteer/*.tsv takes ~4 s per run (170,000 repair targets under their OCR
keys); unpickling the built objects takes ~0.8 s. The cache file sits in models/.cache/ (not committed)
and is named by a hash of everything the objects are built from: every file in models/gazetteer, the
source of the modules that build them (gazetteer, lexicon, learned, correct/*), the index settings and
the Python version. A change to any of them names another file, which is built on first use; a file
that cannot be read (truncated, corrupt, another pickle) is rebuilt, never fatal; a models folder that
cannot be written just goes without the cache.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from . import gazetteer as gazetteer_mod
from . import gcutil
from . import lexicon as lexicon_mod
from .correct import CandidateIndex, CorrectionSettings
from .gazetteer import Gazetteer

CACHE_DIRNAME = ".cache"
PREFIX = "startup-"
_PACKAGE = Path(__file__).resolve().parent
_SOURCES = ("gazetteer.py", "lexicon.py", "learned.py", "correct")


def _hash_file(h, path: Path) -> None:
    h.update(path.name.encode() + b"\0")
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)


def cache_key(models_dir: Path, settings: CorrectionSettings) -> str:
    """Hash of the inputs of the three objects: data files, building code, index settings, Python."""
    h = hashlib.sha256()
    h.update(f"{sys.version_info[:3]}|{pickle.HIGHEST_PROTOCOL}|{settings.index_key()!r}".encode())
    base = Path(models_dir) / "gazetteer"
    for path in sorted(base.iterdir()) if base.is_dir() else []:
        if path.is_file():
            _hash_file(h, path)
    for name in _SOURCES:
        target = _PACKAGE / name
        for path in sorted(target.glob("*.py")) if target.is_dir() else [target]:
            _hash_file(h, path)
    return h.hexdigest()[:32]


def cache_path(models_dir: Path, settings: CorrectionSettings) -> Path:
    return Path(models_dir) / CACHE_DIRNAME / f"{PREFIX}{cache_key(models_dir, settings)}.pickle"


def _build(models_dir: str, settings: CorrectionSettings) -> tuple[Gazetteer, dict[str, float], CandidateIndex]:
    # from the files, past the loaders' own per-process memo (a changed file must be read again)
    g = gazetteer_mod._load_gazetteer.__wrapped__(models_dir)
    lex = lexicon_mod._load_lexicon.__wrapped__(models_dir)
    return g, lex, CandidateIndex.build(g, lex, settings)


def _read(path: Path):
    with gcutil.paused(), path.open("rb") as fh:  # 170,000 small objects: the collector would walk them again and again
        value = pickle.load(fh)
    g, lex, index = value
    if not (isinstance(g, Gazetteer) and isinstance(lex, dict) and isinstance(index, CandidateIndex)
            and index.gazetteer is g and index.lexicon is lex):
        raise ValueError("not a start-up cache")
    return g, lex, index


def _write(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers see the old file or the whole new one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in path.parent.glob(f"{PREFIX}*.pickle"):  # caches of other inputs are stale
        if old != path:
            old.unlink(missing_ok=True)


def load(models_dir: str | Path, settings: CorrectionSettings | None = None,
         use_cache: bool = True) -> tuple[Gazetteer, dict[str, float], CandidateIndex]:
    """(gazetteer, lexicon, correction index) for models_dir, from the cache when it is current.

    The gazetteer and lexicon are registered with their loaders, so that `load_gazetteer` and
    `load_lexicon` (the spaCy rule component) return these same objects."""
    settings = settings or CorrectionSettings()
    models = str(models_dir)
    value = None
    path = None
    if use_cache:
        try:
            path = cache_path(Path(models), settings)
        except OSError:
            path = None
        if path is not None and path.is_file():
            try:
                value = _read(path)
            except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, whatever the damage
                value = None
    if value is None:
        value = _build(models, settings)
        if path is not None:
            try:
                _write(path, value)
            except OSError:
                pass  # a read-only models folder: run without the cache
    g, lex, _ = value
    gazetteer_mod.preload(models, g)
    lexicon_mod.preload(models, lex)
    return value
