"""The output folder: checked before any work, held by one run at a time, files made with the user's umask."""
from __future__ import annotations

import errno
import os
import socket
import time
from pathlib import Path

from .errors import UsageError

LOCK_NAME = ".ratsakten.lock"


def check_out_dir(path: Path) -> None:
    """A usable output folder, or a UsageError that says what is wrong (before anything is read)."""
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            raise UsageError(f"--out {path} is a file, not a folder: give a folder (it is created if missing)")
        if not os.access(path, os.W_OK | os.X_OK):
            raise UsageError(f"--out {path} is not writable for you: choose another folder or fix its permissions")
        return
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"--out {path} cannot be created: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"--out {path} cannot be created: {parent} is not writable for you")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """What a new file gets under the user's umask (0644 under 022): tables are meant to be shared."""
    return 0o666 & ~_umask()


def dir_mode() -> int:
    return 0o777 & ~_umask()


class OutputLock:
    """One run per output folder at a time: an exclusive flock on OUT/.ratsakten.lock, released by
    the kernel when the process ends however it ends (a stale lock cannot outlive its run). The file
    names the holder, for the message the second run prints."""

    def __init__(self, out_dir: Path, what: str = "run") -> None:
        self.path = Path(out_dir) / LOCK_NAME
        self.what = what
        self.fd: int | None = None

    def __enter__(self) -> "OutputLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, file_mode())
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = ""
            try:
                holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
            except OSError:
                pass
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise UsageError(f"{self.path.parent} is in use by another Ratsakten process ({holder or 'unknown'}): "
                                 f"wait for it to finish, or use another --out") from exc
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, {self.what} since "
                      f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            finally:
                os.close(self.fd)  # closing releases the flock
            self.fd = None
