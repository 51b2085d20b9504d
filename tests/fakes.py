"""Test doubles: an OCR engine that returns prepared words (tests that must not depend on Tesseract)."""
from __future__ import annotations

from typing import Optional

from PIL import Image

from pipeline.errors import OcrTimeout
from pipeline.records import OcrWord


class FakeEngine:
    """Returns prepared words; for tests that must not depend on Tesseract."""

    name = "fake"

    def __init__(self, pages: Optional[dict[int, list[OcrWord]]] = None, rotate: int = 0,
                 hang: bool = False) -> None:
        self.pages = pages or {}
        self.rotate = rotate
        self.hang = hang
        self.calls = 0

    def recognize(self, image: Image.Image, dpi: float, timeout: float) -> list[OcrWord]:
        self.calls += 1
        if self.hang:
            raise OcrTimeout(f"Tesseract did not finish within {timeout:.0f} s")
        return list(self.pages.get(self.calls, []))

    def orientation(self, image: Image.Image, dpi: float, timeout: float) -> int:
        return self.rotate

