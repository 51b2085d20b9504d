"""Inputs: the files a run was given, found, hashed and de-duplicated, before any page is read."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .config import INPUT_SUFFIXES
from .errors import UsageError
from .records import DocumentResult


@dataclass
class InputFile:
    path: Path
    source_file: str  # relative to the INPUT it was found under
    sha256: str = ""
    also: list[str] = field(default_factory=list)  # byte-identical copies found elsewhere

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]


@dataclass
class Inputs:
    """What a run will process: one InputFile per distinct content, plus the files that failed
    before they could be read (unlistable folders, pipes, unreadable files), each with its reason."""

    files: list[InputFile]
    failed: list[DocumentResult]
    found: int  # files found, duplicates included


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


def collect(inputs: Iterable[Path]) -> Inputs:
    """Discover, hash, and collapse byte-identical files (the same memo saved twice) into one."""
    unlisted: list[tuple[InputFile, str]] = []
    files = discover(inputs, unlisted)
    unique: dict[str, InputFile] = {}
    failed: list[DocumentResult] = []

    def fail(f: InputFile, error: str) -> None:
        f.sha256 = hashlib.sha256(f"unreadable:{f.source_file}".encode("utf-8", "backslashreplace")).hexdigest()
        failed.append(DocumentResult(f.doc_id, f.source_file, display_name(str(f.path)), "", status="failed",
                                     error=error))

    for f, why in unlisted:
        fail(f, why)
    for f in files:
        try:
            st = os.stat(f.path)
            if not stat.S_ISREG(st.st_mode):  # opening a named pipe would block the batch for ever
                fail(f, "not a regular file (a folder, named pipe, device or socket)")
                continue
            f.sha256 = file_sha256(f.path)
        except OSError as exc:
            fail(f, f"cannot read file: {exc.strerror or exc}")
            continue
        if f.sha256 in unique:
            unique[f.sha256].also.append(f.source_file)
        else:
            unique[f.sha256] = f
    return Inputs(list(unique.values()), failed, len(files) + len(unlisted))


def failed_result(item: InputFile, error: str) -> DocumentResult:
    """The row of a document that could not be processed."""
    return DocumentResult(item.doc_id, item.source_file, str(item.path), item.sha256, status="failed",
                          error=error, also_seen_as=list(item.also))
