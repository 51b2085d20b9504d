"""Read stage: a file in, its pages out — text-layer pages with words, or scans to OCR.

Per page we decide whether the PDF text layer is usable; an empty or garbage layer (broken
encodings, a poor invisible OCR layer) sends the page to OCR instead.
"""
from __future__ import annotations

import io
import logging
import re
import threading
from pathlib import Path
from typing import Iterator, Union

from PIL import Image

from .config import SCAN_SUFFIXES, Settings
from .errors import DocumentError
from .lexicon import text_quality
from .pdftext import LayerFacts, page_words
from .records import Page, ScanPage, Word

log = logging.getLogger(__name__)
logging.getLogger("pdfminer").setLevel(logging.ERROR)

PageItem = Union[Page, ScanPage]
PDFIUM_LOCK = threading.Lock()


def _first_line(exc: BaseException, limit: int = 160) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:limit] if text else ""


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
        yield from _read_image(path, settings)
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
    return value if 100 <= value <= 10_000 else 300.0


# Tesseract gains nothing above ~600 dpi and a 3000-dpi scan costs 100x the pixels of a 300-dpi one.
MAX_OCR_DPI = 600.0


def _ocr_scale(width: int, height: int, dpi: float, max_pixels: int) -> float:
    """Factor (<= 1) that brings an image down to at most MAX_OCR_DPI and max_pixels."""
    scale = 1.0
    if dpi > MAX_OCR_DPI:
        scale = 300.0 / dpi
    if width * height * scale * scale > max_pixels:
        scale = (max_pixels / (width * height)) ** 0.5
    return scale


def _read_image(path: Path, settings: Settings) -> Iterator[PageItem]:
    try:
        im = Image.open(path)
        im.size  # noqa: B018 - forces the header parse
        n = getattr(im, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise DocumentError(f"image too large (decompression bomb guard): {_first_line(exc)}") from exc
    except Image.UnidentifiedImageError as exc:
        raise DocumentError("unreadable image: Pillow cannot identify the format") from exc
    except Exception as exc:  # PIL raises many kinds on broken files
        raise DocumentError(f"unreadable image: {type(exc).__name__}: {_first_line(exc)}") from exc
    try:
        if im.width < 16 or im.height < 16:
            raise DocumentError(f"image of {im.width}x{im.height} pixels holds no page")
        if n > settings.max_pages:
            raise DocumentError(f"image file has {n} frames, more than the limit of {settings.max_pages} pages")
        for index in range(n):
            try:
                im.seek(index)
                dpi = _image_dpi(im)
                size = im.size
            except Exception as exc:  # a broken frame in a multi-page TIFF
                raise DocumentError(f"unreadable image frame {index + 1}: {type(exc).__name__}: "
                                    f"{_first_line(exc)}") from exc
            width_pt, height_pt = size[0] * 72 / dpi, size[1] * 72 / dpi

            def render(index: int = index, dpi: float = dpi) -> tuple[Image.Image, float]:
                with Image.open(path) as src:
                    src.seek(index)
                    src.load()
                    frame = src.copy()
                scale = _ocr_scale(frame.width, frame.height, dpi, settings.max_render_pixels)
                if scale < 1.0:
                    if frame.mode not in ("1", "L", "RGB", "RGBA", "LA"):
                        frame = frame.convert("RGBA" if "A" in frame.mode else "RGB")
                    if frame.mode == "1":
                        frame = frame.convert("L")
                    frame = frame.resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))),
                                         Image.Resampling.BOX)
                return frame, dpi * scale

            yield ScanPage(index + 1, width_pt, height_pt, render, reason="image file")
    finally:
        im.close()


# ---------------------------------------------------------------- PDFs

def _check_count(n: int, settings: Settings) -> int:
    if n == 0:
        raise DocumentError("PDF has no pages")
    if n > settings.max_pages:
        raise DocumentError(f"PDF has {n} pages, more than the limit of {settings.max_pages} (Settings.max_pages)")
    return n


def _pdfium_pages(path: Path, settings: Settings) -> tuple[int, str]:
    """Page count from PDFium, which opens damaged files that pdfminer gives up on; (0, why) when
    PDFium cannot open the file at all.

    Checked before pdfminer builds a Page object for every page, so a 20,000-page file fails at once.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        # PDFium's error code is global and may be left over from an earlier file (a zero-page PDF
        # reports the previous file's "Incorrect password"): pdfminer has the last word
        return 0, _first_line(exc).replace("Failed to load document ", "").strip("() .")
    try:
        n = len(pdf)
    finally:
        pdf.close()
    return _check_count(n, settings), ""


def _close(pdf) -> None:
    """pdfplumber's close walks the page tree again, which is what failed on a broken file."""
    try:
        pdf.close()
    except Exception:  # noqa: BLE001 - close the file at least
        stream = getattr(pdf, "stream", None)
        if stream is not None and not getattr(pdf, "stream_is_external", True):
            stream.close()


def _repaired_copy(path: Path) -> io.BytesIO:
    """The file as PDFium rewrites it: a fresh xref table and trailer for pdfminer to read."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        buf = io.BytesIO()
        pdf.save(buf)
    finally:
        pdf.close()
    buf.seek(0)
    return buf


def _open_pdf(path: Path, expected_pages: int, settings: Settings):
    """pdfplumber on the file, or on PDFium's repaired copy; None when neither gives the pages.

    expected_pages = 0: PDFium could not open the file, pdfminer alone decides.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    for attempt in ("file", "repaired") if expected_pages else ("file",):
        try:
            source = path if attempt == "file" else _repaired_copy(path)
            pdf = pdfplumber.open(source)
        except PDFPasswordIncorrect as exc:
            raise DocumentError("encrypted PDF: it needs a password to open") from exc
        except RecursionError:
            log.debug("pdfminer: %s nested too deeply (%s)", path, attempt)
            continue
        except Exception as exc:
            inner = " ".join(type(a).__name__ for a in getattr(exc, "args", ()) if isinstance(a, BaseException))
            if "Password" in inner:
                raise DocumentError("encrypted PDF: it needs a password to open") from exc
            log.debug("pdfminer cannot open %s (%s): %s", path, attempt, exc)
            continue
        try:
            n = len(pdf.pages)
        except Exception as exc:  # the page tree is walked lazily
            log.debug("pdfminer cannot walk the pages of %s (%s): %s", path, attempt, exc)
            _close(pdf)
            continue
        if not expected_pages:
            try:
                _check_count(n, settings)
            except DocumentError:
                _close(pdf)
                raise
            return pdf
        if n == expected_pages:
            return pdf
        log.debug("pdfminer sees %d pages in %s, PDFium %d (%s)", n, path, expected_pages, attempt)
        _close(pdf)
    return None


# control characters and lone UTF-16 surrogates (from broken ToUnicode maps) cannot be written as
# UTF-8; each becomes one U+FFFD so offsets stay put and the routing sees a broken layer
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def clean_text(text: str) -> str:
    return _UNWRITABLE.sub("\ufffd", text)


def _layer_words(page) -> list[Word]:
    words = page.extract_words(use_text_flow=False, keep_blank_chars=False, x_tolerance=1.5,
                               y_tolerance=3, extra_attrs=["size"])
    out = []
    for w in words:
        text = clean_text(w["text"])
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


# ---------------------------------------------------------------- text layers made by OCR

# producers and creators that write an OCR text layer (a scanner's or an OCR program's)
OCR_PRODUCERS = re.compile(r"ocrmypdf|tesseract|abbyy|finereader|omnipage|readiris|paper ?capture|"
                           r"scansnap|naps2|kofax|nuance|hocr|\bocr\b|capture ?perfect|docuware|"
                           r"scan(ner)? ?(to|2) ?pdf|iris ?ocr|clearscan", re.I)
# the OCR confusions that turn a German word into a non-word (FINDINGS.md: Chmeinyzkyj, Solldaritäts)
_CONFUSIONS = (("l", "i"), ("i", "l"), ("li", "h"), ("rn", "m"), ("m", "rn"), ("c", "e"), ("e", "c"),
               ("ii", "ü"), ("1", "l"), ("l", "1"), ("0", "o"), ("B", "ß"), ("a", "ä"), ("u", "ü"), ("o", "ö"))
CONFUSION_SHARE = 0.04  # share of long words that are one OCR confusion away from a word: an OCR layer
CONFUSION_MIN = 3  # ... and at least this many of them
OCR_LAYER_KNOWN_CONF = 0.92  # confidence given to an OCR-layer word that is a lexicon word or a number
OCR_LAYER_OTHER_CONF = 0.60  # ... and to any other word (below correction's doubtful_read)


def ocr_producer(pdf) -> str:
    """The document's producer or creator when it is an OCR program or scanner, else ''."""
    try:
        meta = pdf.get_metadata_dict()
    except Exception:  # noqa: BLE001
        return ""
    for key in ("Producer", "Creator"):
        value = str(meta.get(key) or "")
        if OCR_PRODUCERS.search(value):
            return value[:60]
    return ""


def _confusion_word(core: str, lexicon: dict[str, float]) -> bool:
    from .lexicon import is_known

    for a, b in _CONFUSIONS:
        start = core.find(a)
        while start >= 0:
            if is_known(lexicon, core[:start] + b + core[start + len(a):], 2.0):
                return True
            start = core.find(a, start + 1)
    return False


def confusion_share(words: list[Word], lexicon: dict[str, float]) -> tuple[float, int]:
    """(share, count) of words of 6+ letters not in the lexicon that one OCR confusion makes a word."""
    from .lexicon import WORD_RE, compound_parts, is_known

    if not lexicon:
        return 0.0, 0
    long = [m.group(0) for m in (WORD_RE.fullmatch(w.text.strip(".,;:!?()\"'„“”‚‘’-")) for w in words) if m]
    long = [c for c in long if len(c) >= 6]
    hits = sum(1 for c in long if not is_known(lexicon, c) and not compound_parts(lexicon, c)
               and _confusion_word(c, lexicon))
    return (hits / len(long) if long else 0.0), hits


def layer_origin(words: list[Word], facts: LayerFacts, producer: str, lexicon: dict[str, float]) -> str:
    """'' for a born-digital text layer, else why the layer looks made by OCR."""
    if facts.invisible >= 0.5 and facts.image_cover >= 0.36:
        return "invisible text over a page image"
    if producer and facts.image_cover >= 0.36:
        return f"OCR producer ({producer})"
    if facts.image_cover >= 0.85:
        return "text over a full-page image"
    share, hits = confusion_share(words, lexicon)
    if hits >= CONFUSION_MIN and share >= CONFUSION_SHARE:
        return f"OCR-confusion non-words ({hits}, {share:.0%} of long words)"
    return ""


def ocr_layer_page(number: int, words: list[Word], width: float, height: float, lexicon: dict[str, float],
                   origin: str) -> Page:
    """A text layer made by OCR: its words are OCR words (correction and review apply), with a confidence
    estimated from the lexicon (the layer carries none)."""
    from .lexicon import WORD_RE, is_known

    out = []
    for w in words:
        core = w.text.strip(".,;:!?()\"'„“”‚‘’-")
        m = WORD_RE.fullmatch(core)
        known = not m or len(core) < 4 or is_known(lexicon, core) or not lexicon
        out.append(Word(text=w.text, bbox=w.bbox, source="ocr",
                        confidence=OCR_LAYER_KNOWN_CONF if known else OCR_LAYER_OTHER_CONF))
    conf = round(sum(w.confidence for w in out) / len(out), 4) if out else 0.0
    log.debug("page %d: text layer made by OCR (%s)", number, origin)
    return Page(number=number, words=out, source="ocr_layer", width=width, height=height, confidence=conf)


def _native_dpi(page, settings: Settings) -> float:
    """The resolution of a full-page scan image, so it is OCR'd at what it was scanned at."""
    best = 0.0
    try:
        images = page.images
    except Exception:  # broken resources: the default resolution will do
        images = []
    for img in images:
        w_pt = float(img["x1"]) - float(img["x0"])
        if w_pt < page.width * 0.6:
            continue
        src_w = float(img.get("srcsize", (0, 0))[0] or 0)
        if src_w and w_pt:
            best = max(best, src_w / (w_pt / 72.0))
    if 150 <= best <= 600:
        return best
    return float(settings.dpi)


def _scan_page(path: Path, index: int, width: float, height: float, dpi: float, settings: Settings,
               reason: str) -> ScanPage:
    # a 3000-dpi poster is rendered smaller rather than refused
    px = (width * dpi / 72) * (height * dpi / 72)
    if px > settings.max_render_pixels:
        dpi = dpi * (settings.max_render_pixels / px) ** 0.5

    def render(index: int = index, dpi: float = dpi) -> tuple[Image.Image, float]:
        return _render_pdf_page_at(path, index, dpi, settings.max_render_pixels)

    return ScanPage(index + 1, width, height, render, reason=reason)


def _read_pdf(path: Path, settings: Settings, lexicon: dict[str, float]) -> Iterator[PageItem]:
    """PDFium reads the text layer (words, boxes, render modes, images); pdfminer only where PDFium cannot
    open the file or its words of a page are unusable (pdfminer decodes some broken fonts PDFium does not)."""
    import pypdfium2 as pdfium

    n, pdfium_error = _pdfium_pages(path, settings)
    if not n:
        yield from _read_pdf_pdfminer(path, n, pdfium_error, settings, lexicon)
        return
    pdf = pdfium.PdfDocument(str(path))
    plumber = None  # opened only for a page PDFium's words do not serve
    try:
        producer = ocr_producer(pdf)
        for index in range(n):
            with PDFIUM_LOCK:
                try:
                    page = pdf[index]
                except pdfium.PdfiumError as exc:
                    raise DocumentError(f"broken PDF (page {index + 1} cannot be loaded: {_first_line(exc)})") from exc
                try:
                    width, height = (float(v) for v in page.get_size())
                    try:
                        words, facts = page_words(page, clean_text)
                    except Exception as exc:  # noqa: BLE001 - a broken content stream: pdfminer, then OCR
                        log.debug("PDFium cannot read the text of %s page %d: %s", path, index + 1, exc)
                        words, facts = [], LayerFacts()
                finally:
                    page.close()
            verdict = layer_verdict(words, settings, lexicon)
            if verdict and words:  # PDFium found text it cannot decode well: try pdfminer's reading
                if plumber is None:
                    plumber = _open_pdf(path, n, settings) or False
                if plumber:
                    try:
                        words2 = _layer_words(plumber.pages[index])
                    except Exception:  # noqa: BLE001
                        words2 = []
                    if not layer_verdict(words2, settings, lexicon):
                        words, verdict = words2, ""
            if not verdict:
                origin = layer_origin(words, facts, producer, lexicon)
                if origin:
                    yield ocr_layer_page(index + 1, words, width, height, lexicon, origin)
                else:
                    yield Page(number=index + 1, words=words, source="text", width=width, height=height)
                continue
            dpi = facts.image_dpi if facts.image_cover >= 0.36 and 150 <= facts.image_dpi <= 600 else float(settings.dpi)
            yield _scan_page(path, index, width, height, dpi, settings, verdict)
    finally:
        with PDFIUM_LOCK:
            pdf.close()
        if plumber:
            _close(plumber)


def _read_pdf_pdfminer(path: Path, n: int, pdfium_error: str, settings: Settings,
                       lexicon: dict[str, float]) -> Iterator[PageItem]:
    pdf = _open_pdf(path, n, settings)
    if pdf is None:
        if not n:
            if "password" in pdfium_error.lower():
                raise DocumentError("encrypted PDF: it needs a password to open")
            raise DocumentError(f"broken PDF ({pdfium_error}; pdfminer cannot parse it either)")
        # pdfminer cannot parse the file but PDFium can render it: every page is OCR'd
        yield from _read_pdf_by_rendering(path, n, settings)
        return
    try:
        for index in range(len(pdf.pages)):
            try:
                page = pdf.pages[index]
                width, height = float(page.width), float(page.height)
            except Exception as exc:  # a page pdfminer cannot even size
                raise DocumentError(f"broken PDF (page {index + 1}: {type(exc).__name__}: {_first_line(exc)})") from exc
            try:
                words = _layer_words(page)
            except Exception as exc:  # a broken content stream: OCR may still read the page
                words, verdict = [], f"text layer unreadable ({type(exc).__name__})"
            else:
                verdict = layer_verdict(words, settings, lexicon)
            if not verdict:
                yield Page(number=index + 1, words=words, source="text", width=width, height=height)
                continue
            dpi = _native_dpi(page, settings)
            yield _scan_page(path, index, width, height, dpi, settings, verdict)
            page.flush_cache() if hasattr(page, "flush_cache") else None
    finally:
        _close(pdf)


def _read_pdf_by_rendering(path: Path, n: int, settings: Settings) -> Iterator[PageItem]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        sizes = []
        for i in range(n):
            try:
                sizes.append(pdf.get_page_size(i))
            except pdfium.PdfiumError as exc:  # counted in the page tree, but not there
                raise DocumentError(f"broken PDF (page {i + 1} cannot be loaded: {_first_line(exc)})") from exc
    finally:
        pdf.close()
    for index, (width, height) in enumerate(sizes):
        yield _scan_page(path, index, float(width), float(height), float(settings.dpi), settings,
                         "text layer unreadable (pdfminer cannot parse the file)")


# PDFium's own page size decides the bitmap: pdfminer may have read a different (broken) MediaBox
RENDER_PIXEL_CAP = 60_000_000


def _render_pdf_page_at(path: Path, index: int, dpi: float, max_pixels: int = RENDER_PIXEL_CAP
                        ) -> tuple[Image.Image, float]:
    """The page rendered at dpi, or smaller when that would exceed max_pixels; returns the dpi used."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # PDFium is not thread-safe; rendering is short next to OCR
        return _render_locked(pdfium, path, index, dpi, max_pixels)


def _render_locked(pdfium, path: Path, index: int, dpi: float, max_pixels: int) -> tuple[Image.Image, float]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        width, height = page.get_size()
        px = abs(width * height) * (dpi / 72.0) ** 2
        if px > max_pixels:
            dpi = dpi * (max_pixels / px) ** 0.5
        bitmap = page.render(scale=dpi / 72.0, grayscale=True)
        image = bitmap.to_pil()
        page.close()
        return image, dpi
    finally:
        pdf.close()


def _render_pdf_page(path: Path, index: int, dpi: float) -> Image.Image:
    return _render_pdf_page_at(path, index, dpi)[0]


def render_page(path: Path, index: int, dpi: float) -> Image.Image:
    """A page image for crops and OCR: PDF pages are rendered, image files read."""
    if _sniff(path) == "image":
        with Image.open(path) as src:
            src.seek(index)
            frame = src.copy()
        return frame
    return _render_pdf_page(path, index, dpi)
