"""OCR stage: an upright, deskewed page image in, words with boxes (PDF points) and confidences out.

The pipeline talks to an `OcrEngine`, never to Tesseract directly, so tests can use a fake engine.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from typing import Protocol

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from .errors import OcrTimeout, PageError
from .records import OcrWord, Page, ScanPage, Word

# Tesseract is 4-8x slower with its own threads fighting on few cores (FINDINGS.md).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: Image.Image, dpi: float, timeout: float) -> list[OcrWord]: ...

    def orientation(self, image: Image.Image, dpi: float, timeout: float) -> int:
        """Clockwise degrees (0/90/180/270) the page must be rotated to be upright."""
        ...


class TesseractEngine:
    name = "tesseract"

    def __init__(self, lang: str = "deu", psm: int = 3) -> None:
        self.lang = lang
        self.psm = psm

    def version(self) -> str:
        import pytesseract

        return str(pytesseract.get_tesseract_version())

    def _write_tiff(self, image: Image.Image, dpi: float, tmp: str) -> str:
        # A path to an uncompressed TIFF with its dpi is ~1 s/page faster than handing
        # pytesseract a PIL image, and the dpi keeps Tesseract from dropping lines (FINDINGS.md).
        path = os.path.join(tmp, "page.tif")
        # compression given explicitly: a frame copied from a G4 TIFF carries "group4" in its info,
        # which Pillow would otherwise reuse and cannot apply to a gray image
        image.save(path, format="TIFF", dpi=(dpi, dpi), compression="raw")
        return path

    def recognize(self, image: Image.Image, dpi: float, timeout: float) -> list[OcrWord]:
        import pytesseract

        with tempfile.TemporaryDirectory(prefix="ratsakten-") as tmp:
            path = self._write_tiff(image, dpi, tmp)
            try:
                data = pytesseract.image_to_data(
                    path,
                    lang=self.lang,
                    config=f"--psm {self.psm} --dpi {int(round(dpi))}",
                    output_type=pytesseract.Output.DICT,
                    timeout=timeout,
                )
            except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
                if "timeout" in str(exc).lower():
                    raise OcrTimeout(f"Tesseract did not finish within {timeout:.0f} s") from exc
                raise
        words: list[OcrWord] = []
        for i, text in enumerate(data["text"]):
            text = (text or "").strip()
            conf = float(data["conf"][i])
            if not text or conf < 0:
                continue
            key = data["block_num"][i] * 1_000_000 + data["par_num"][i] * 1_000 + data["line_num"][i]
            words.append(
                OcrWord(text, data["left"][i], data["top"][i], data["width"][i], data["height"][i],
                        max(0.0, min(1.0, conf / 100.0)), data["block_num"][i], key)
            )
        return words

    def orientation(self, image: Image.Image, dpi: float, timeout: float) -> int:
        import pytesseract

        small = image
        scale = 1.0
        if dpi > 200:  # OSD needs no more than ~150-200 dpi; halves its time
            scale = 200 / dpi
            small = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
        with tempfile.TemporaryDirectory(prefix="ratsakten-") as tmp:
            path = self._write_tiff(small, dpi * scale, tmp)
            try:
                osd = pytesseract.image_to_osd(
                    path, config=f"--psm 0 --dpi {int(dpi * scale)}",
                    output_type=pytesseract.Output.DICT, timeout=timeout,
                )
            except (pytesseract.TesseractError, RuntimeError):
                return 0  # too little text to tell: leave the page as it is
        if float(osd.get("orientation_conf", 0)) < 2.0:
            return 0
        return int(osd.get("rotate", 0)) % 360


def tesseract_available(lang: str) -> tuple[bool, str]:
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (FileNotFoundError, PermissionError):
        return False, "Tesseract is not installed"
    except subprocess.TimeoutExpired:
        return False, "tesseract --list-langs did not answer"
    langs = set(out.stdout.split()) | set(out.stderr.split())
    if lang not in langs:
        return False, f"Tesseract has no '{lang}' language model"
    return True, ""


# ---------------------------------------------------------------- image preparation

def _gray(image: Image.Image) -> Image.Image:
    if image.mode.startswith(("I", "F")):  # 16-bit and 32-bit scans: scale, do not clip, into 8 bits
        arr = np.asarray(image, dtype=np.float64)
        top = float(arr.max()) if arr.size else 0.0
        if top > 255:
            arr = arr * (255.0 / (65535.0 if top <= 65535 else top))
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        bg = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(bg, image)
    return ImageOps.grayscale(image) if image.mode != "L" else image


def noise_level(gray: Image.Image) -> float:
    """Share of isolated dark pixels: speckle that Tesseract turns into punctuation."""
    small = gray.resize((max(1, gray.width // 2), max(1, gray.height // 2)))
    a = np.asarray(small, dtype=np.int16)
    med = np.asarray(small.filter(ImageFilter.MedianFilter(3)), dtype=np.int16)
    return float((np.abs(a - med) > 60).mean())


def estimate_skew(gray: Image.Image, limit: float = 4.0, step: float = 0.25) -> float:
    """Skew in degrees by projection-profile variance on a median-filtered thumbnail.

    Bounded to +-limit: a naive minAreaRect reads speckle as -90 deg (FINDINGS.md).
    """
    scale = min(1.0, 1000 / max(gray.width, 1))
    small = gray.resize((max(1, int(gray.width * scale)), max(1, int(gray.height * scale))))
    small = small.filter(ImageFilter.MedianFilter(3))
    arr = np.asarray(small)
    if arr.size == 0:
        return 0.0
    thresh = min(160, int(arr.mean() - arr.std())) if arr.std() > 5 else 128
    ink = Image.fromarray(((arr < thresh) * 255).astype(np.uint8))
    if np.asarray(ink).mean() < 0.5:  # (nearly) blank page
        return 0.0
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + 1e-9, step):
        rot = np.asarray(ink.rotate(float(angle), resample=Image.NEAREST, expand=False), dtype=np.float32)
        rows = rot.sum(axis=1)
        score = float(np.var(rows))
        if score > best_score:
            best, best_score = float(angle), score
    return best if abs(best) >= 0.3 else 0.0


# Thresholds of the OCR strategy, measured on the EHRI typewritten scans and the generated hard
# scans (README, "OCR"): a median filter raised real-scan CER from 5.9 % to 8.9 % (at 96 dpi it
# reads thin strokes as speckle), so it is off; OSD is asked only when the upright reading is poor
# (it turned three upright EHRI pages upside down); binarisation is tried only when the reading is
# poor, and kept only when Tesseract is surer of it.
SPECKLE = 1.01  # share of isolated pixels above which a median filter would run: never (see above)
ASK_OSD_BELOW = 0.70  # reading quality below which the page may be turned
RETRY_BINARY_BELOW = 0.80  # mean word confidence below which an Otsu-binarised reading is tried


def prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """Grayscale; a median filter only on heavily speckled pages."""
    gray = _gray(image)
    noise = noise_level(gray)
    if noise > SPECKLE:
        gray = gray.filter(ImageFilter.MedianFilter(3))
    return gray, noise


def binarize(gray: Image.Image) -> Image.Image:
    """Otsu binarisation (helps faded, low-contrast type, FINDINGS.md), never lighter than
    'background minus 60': on a page with a few faint lines on grey speckle Otsu splits the
    speckle instead, and Tesseract then finds no text at all."""
    arr = np.asarray(gray)
    hist = np.bincount(arr.ravel(), minlength=256).astype(np.float64)
    p = hist / max(1.0, hist.sum())
    w = np.cumsum(p)
    mu = np.cumsum(p * np.arange(256))
    between = (mu[-1] * w - mu) ** 2 / (w * (1 - w) + 1e-12)
    t = min(int(np.argmax(between)), int(np.median(arr)) - 60)
    return Image.fromarray(((arr > t) * 255).astype(np.uint8))


def _sideways(raw: list[OcrWord]) -> bool:
    """Tesseract reads a page turned by 90 degrees confidently, but its words stand upright in
    columns (boxes taller than wide), which scrambles the reading order."""
    long = [w for w in raw if len(w.text) >= 4]
    return len(long) >= 5 and sum(w.height > w.width for w in long) > 0.5 * len(long)


def _quality(raw: list[OcrWord]) -> float:
    """Mean confidence, discounted when Tesseract found few words (a sideways page reads as specks)."""
    if not raw:
        return 0.0
    mean = sum(w.conf for w in raw) / len(raw)
    return mean * min(1.0, len(raw) / 15)


# ---------------------------------------------------------------- the stage

def is_blank(gray: Image.Image) -> bool:
    """No ink at all (an empty page, a 1x1 scan): nothing for Tesseract to read.

    Ink is whatever stands out from the page's own background, dark or light (a negative scan)."""
    small = gray.reduce(2) if gray.width >= 2 and gray.height >= 2 else gray
    arr = np.asarray(small, dtype=np.int16)
    if arr.size == 0:
        return True
    ink = np.abs(arr - int(np.median(arr))) > 50
    return int(ink.sum()) <= max(2, arr.size // 100_000)


def _render(scan: ScanPage) -> tuple[Image.Image, float]:
    try:
        image, dpi = scan.render()
        image.load()
    except (MemoryError, PageError):
        raise
    except Exception as exc:  # truncated image data, a page PDFium cannot draw, …
        text = str(exc).strip()
        msg = text.splitlines()[0][:160] if text else ""
        raise PageError(f"page could not be rendered ({type(exc).__name__}{': ' + msg if msg else ''})") from exc
    if image.width < 1 or image.height < 1 or dpi <= 0:
        raise PageError(f"page could not be rendered (empty {image.width}x{image.height} image)")
    return image, dpi


def ocr_page(scan: ScanPage, engine: OcrEngine, timeout: float, detect_orientation: bool = True) -> Page:
    """OCR one page: orientation, skew, recognition; boxes come back in points of the upright page.

    Raises PageError when the page cannot be rendered or Tesseract times out: the page becomes an
    error row and the document goes on.
    """
    image, dpi = _render(scan)
    gray, _noise = prepare(image)
    del image
    if is_blank(gray):  # blank pages skip OSD and Tesseract (saves ~1-2 s each)
        k = 72.0 / dpi
        return Page(number=scan.number, words=[], source="ocr", width=gray.width * k, height=gray.height * k,
                    confidence=0.0)
    upright = gray
    skew = estimate_skew(gray)
    if skew:
        gray = gray.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
    raw = engine.recognize(gray, dpi, timeout)
    rotation = 0
    if detect_orientation and (_quality(raw) < ASK_OSD_BELOW or _sideways(raw)):
        # a page fed sideways or upside down reads as low-confidence debris: ask OSD, and keep
        # the turned reading only if Tesseract is surer of it
        turn = engine.orientation(upright, dpi, timeout)
        if turn:
            turned = upright.rotate(-turn, expand=True, fillcolor=255)
            skew2 = estimate_skew(turned)
            if skew2:
                turned = turned.rotate(skew2, resample=Image.BICUBIC, expand=False, fillcolor=255)
            raw2 = engine.recognize(turned, dpi, timeout)
            upright_now = _sideways(raw) and not _sideways(raw2) and _quality(raw2) > 0.6 * _quality(raw)
            if upright_now or _quality(raw2) > _quality(raw):
                raw, gray, rotation, skew = raw2, turned, turn, skew2
    mean = sum(w.conf for w in raw) / len(raw) if raw else 0.0
    if mean < RETRY_BINARY_BELOW:  # also when nothing was found: faint lines on grey speckle
        raw3 = engine.recognize(binarize(gray), dpi, timeout)
        if _quality(raw3) > _quality(raw) + 0.02:
            raw = raw3
    k = 72.0 / dpi
    width_pt, height_pt = gray.width * k, gray.height * k
    words: list[Word] = []
    line_ids: dict[int, int] = {}
    for w in raw:
        line_no = line_ids.setdefault(w.line, len(line_ids))
        words.append(
            Word(
                text=w.text,
                bbox=(round(w.left * k, 2), round(w.top * k, 2),
                      round((w.left + w.width) * k, 2), round((w.top + w.height) * k, 2)),
                confidence=round(w.conf, 4),
                source="ocr",
                line=line_no,
                block=w.block,
            )
        )
    conf = round(sum(w.confidence for w in words) / len(words), 4) if words else 0.0
    return Page(number=scan.number, words=words, source="ocr", width=width_pt, height=height_pt,
                confidence=conf, rotation=rotation, skew=skew)
