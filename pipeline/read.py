"""Read stage: a file in, its pages out — text-layer pages with words, or scans to OCR.

Per page we decide whether the PDF text layer is usable; an empty or garbage layer (broken
encodings, a poor invisible OCR layer) sends the page to OCR instead.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator, Union

from PIL import Image

from .config import SCAN_SUFFIXES, Settings
from .errors import DocumentError
from .lexicon import text_quality
from .ocr import ScanPage
from .records import Page, Word

log = logging.getLogger(__name__)
logging.getLogger("pdfminer").setLevel(logging.ERROR)

PageItem = Union[Page, ScanPage]


def _sniff(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise DocumentError("empty file (0 bytes)")
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    if path.suffix.lower() in SCAN_SUFFIXES:
        return "image"
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        raise DocumentError("not a PDF: the file is an HTML page")
    raise DocumentError("not a PDF or image file (no %PDF header)")


def count_pages(path: Path) -> int:
    kind = _sniff(path)
    if kind == "image":
        with Image.open(path) as im:
            return getattr(im, "n_frames", 1)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def read_document(path: Path, settings: Settings, lexicon: dict[str, float]) -> Iterator[PageItem]:
    """Yield one item per page in order; scans are rendered only when the OCR stage asks."""
    kind = _sniff(path)
    if kind == "image":
        yield from _read_image(path)
    else:
        yield from _read_pdf(path, settings, lexicon)


# ---------------------------------------------------------------- images

def _image_dpi(im: Image.Image) -> float:
    dpi = im.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    # 72/96 are what tools write when they know nothing; scans are rarely below 150 dpi
    return value if 100 <= value <= 1200 else 300.0


def _read_image(path: Path) -> Iterator[PageItem]:
    try:
        im = Image.open(path)
        im.size  # noqa: B018 - forces the header parse
        n = getattr(im, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise DocumentError(f"image too large (decompression bomb guard): {exc}") from exc
    except Exception as exc:  # PIL raises many kinds on broken files
        raise DocumentError(f"unreadable image: {type(exc).__name__}: {exc}") from exc
    try:
        if im.width < 16 or im.height < 16:
            raise DocumentError(f"image of {im.width}x{im.height} pixels holds no page")
        for index in range(n):
            im.seek(index)
            dpi = _image_dpi(im)
            width_pt, height_pt = im.width * 72 / dpi, im.height * 72 / dpi

            def render(index: int = index, dpi: float = dpi) -> tuple[Image.Image, float]:
                with Image.open(path) as src:
                    src.seek(index)
                    frame = src.copy()
                return frame, dpi

            yield ScanPage(index + 1, width_pt, height_pt, render, reason="image file")
    finally:
        im.close()


# ---------------------------------------------------------------- PDFs

def _open_pdf(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
        n = len(pdf.pages)
    except PDFPasswordIncorrect as exc:
        raise DocumentError("encrypted PDF: it needs a password to open") from exc
    except Exception as exc:
        name = type(exc).__name__
        msg = str(exc).splitlines()[0][:160] if str(exc) else ""
        inner = " ".join(type(a).__name__ for a in getattr(exc, "args", ()) if isinstance(a, BaseException))
        if "password" in msg.lower() or "encrypt" in name.lower() or "Password" in inner:
            raise DocumentError("encrypted PDF: it needs a password to open") from exc
        raise DocumentError(f"broken PDF ({name}{': ' + msg if msg else ''})") from exc
    if n == 0:
        pdf.close()
        raise DocumentError("PDF has no pages")
    return pdf


def _layer_words(page) -> list[Word]:
    words = page.extract_words(use_text_flow=False, keep_blank_chars=False, x_tolerance=1.5,
                               y_tolerance=3, extra_attrs=["size"])
    out = []
    for w in words:
        text = w["text"]
        if not text.strip():
            continue
        out.append(Word(text=text, bbox=(round(w["x0"], 2), round(w["top"], 2), round(w["x1"], 2),
                                         round(w["bottom"], 2)), confidence=1.0, source="text"))
    return out


def layer_verdict(words: list[Word], settings: Settings, lexicon: dict[str, float]) -> str:
    """'' when the text layer is usable, else the reason to OCR the page instead."""
    text = "".join(w.text for w in words)
    if len(text) < settings.min_text_chars:
        return "no text layer" if not text else "almost no text in the layer"
    if "(cid:" in text or text.count("\ufffd") > 2:
        return "text layer with broken font encoding"
    letters = sum(ch.isalpha() for ch in text) / len(text)
    if letters < settings.min_letter_ratio:
        return f"text layer is mostly non-letters ({letters:.0%} letters)"
    plausible, known = text_quality([w.text for w in words], lexicon)
    if plausible < 0.7:
        return f"text layer looks garbled ({plausible:.0%} plausible words)"
    if lexicon and known < settings.min_lexicon_ratio:
        return f"text layer has few real words ({known:.0%} in the lexicon)"
    return ""


def _native_dpi(page, settings: Settings) -> float:
    """The resolution of a full-page scan image, so it is OCR'd at what it was scanned at."""
    best = 0.0
    for img in page.images:
        w_pt = float(img["x1"]) - float(img["x0"])
        if w_pt < page.width * 0.6:
            continue
        src_w = float(img.get("srcsize", (0, 0))[0] or 0)
        if src_w and w_pt:
            best = max(best, src_w / (w_pt / 72.0))
    if 150 <= best <= 600:
        return best
    return float(settings.dpi)


def _read_pdf(path: Path, settings: Settings, lexicon: dict[str, float]) -> Iterator[PageItem]:
    pdf = _open_pdf(path)
    try:
        for index, page in enumerate(pdf.pages):
            number = index + 1
            width, height = float(page.width), float(page.height)
            try:
                words = _layer_words(page)
            except Exception as exc:  # a broken content stream: OCR may still read the page
                words, verdict = [], f"text layer unreadable ({type(exc).__name__})"
            else:
                verdict = layer_verdict(words, settings, lexicon)
            if not verdict:
                yield Page(number=number, words=words, source="text", width=width, height=height)
                continue
            dpi = _native_dpi(page, settings)
            # a 3000-dpi poster is rendered smaller rather than refused
            px = (width * dpi / 72) * (height * dpi / 72)
            if px > settings.max_render_pixels:
                dpi = dpi * (settings.max_render_pixels / px) ** 0.5

            def render(index: int = index, dpi: float = dpi) -> tuple[Image.Image, float]:
                return _render_pdf_page(path, index, dpi), dpi

            yield ScanPage(number, width, height, render, reason=verdict)
            page.flush_cache() if hasattr(page, "flush_cache") else None
    finally:
        pdf.close()


def _render_pdf_page(path: Path, index: int, dpi: float) -> Image.Image:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        bitmap = page.render(scale=dpi / 72.0, grayscale=True)
        image = bitmap.to_pil()
        page.close()
        return image
    finally:
        pdf.close()


def render_page(path: Path, index: int, dpi: float) -> Image.Image:
    """A page image for crops and OCR: PDF pages are rendered, image files read."""
    if _sniff(path) == "image":
        with Image.open(path) as src:
            src.seek(index)
            frame = src.copy()
        return frame
    return _render_pdf_page(path, index, dpi)
