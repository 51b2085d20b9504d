"""Exceptions that carry their exit code; only the CLI edge turns them into one."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    documents_failed = 1
    usage = 2
    interrupted = 130  # SIGINT (Ctrl-C): 128 + 2
    terminated = 143  # SIGTERM: 128 + 15


class RatsaktenError(Exception):
    exit_code: ExitCode = ExitCode.usage


class EnvironmentProblem(RatsaktenError):
    """Tesseract, its German model or models/ is missing: nothing can run."""

    exit_code = ExitCode.usage


class UsageError(RatsaktenError):
    exit_code = ExitCode.usage


class DocumentError(RatsaktenError):
    """One document cannot be read; the batch goes on and records a failed row."""

    exit_code = ExitCode.documents_failed


class PageError(DocumentError):
    """One page cannot be rendered or recognised: that page gets an error, the document goes on."""


class OcrTimeout(PageError):
    pass


class Interrupted(RatsaktenError):
    """SIGINT or SIGTERM during a run: the documents already done are written, a re-run resumes."""

    def __init__(self, signum: int, message: str = "") -> None:
        import signal

        super().__init__(message or f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum
        self.exit_code = ExitCode.interrupted if signum == signal.SIGINT else ExitCode.terminated
