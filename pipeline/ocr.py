"""OCR stage: an upright, deskewed page image in, words with boxes (PDF points) and confidences out.

The pipeline talks to an `OcrEngine`, never to Tesseract directly, so tests can use a fake engine.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from typing import Protocol

import numpy as np
from PIL import Image, ImageOps

from .errors import OcrTimeout, PageError
from .records import OcrWord, Page, ScanPage, Word

# Tesseract is 4-8x slower with its own threads fighting on few cores (FINDINGS.md).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: Image.Image, dpi: float, timeout: float) -> list[OcrWord]:
        """dpi <= 0: the resolution is unknown. An engine may also offer `recognize_adaptive` (same
        signature: a reading with adaptive thresholding); without it the page is binarised here."""
        ...

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
        if dpi > 0:
            image.save(path, format="TIFF", dpi=(dpi, dpi), compression="raw")
        else:  # resolution unknown: no tag, so Tesseract estimates it from the text size
            image.save(path, format="TIFF", compression="raw")
        return path

    def _read(self, image: Image.Image, dpi: float, timeout: float, extra: str = "") -> list[OcrWord]:
        import pytesseract

        config = f"--psm {self.psm}" + (f" --dpi {int(round(dpi))}" if dpi > 0 else "") + extra
        with tempfile.TemporaryDirectory(prefix="ratsakten-") as tmp:
            path = self._write_tiff(image, dpi, tmp)
            try:
                data = pytesseract.image_to_data(path, lang=self.lang, config=config,
                                                 output_type=pytesseract.Output.DICT, timeout=timeout)
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

    def recognize(self, image: Image.Image, dpi: float, timeout: float) -> list[OcrWord]:
        """Words of a page image; dpi <= 0 means the resolution is unknown (Tesseract estimates it)."""
        return self._read(image, dpi, timeout)

    def recognize_adaptive(self, image: Image.Image, dpi: float, timeout: float) -> list[OcrWord]:
        """The second reading: Tesseract's own Sauvola (adaptive) thresholding instead of global Otsu.
        On faded, noisy scans it recovers the text Otsu loses (bench/ocr_variants.py, README "OCR")."""
        return self._read(image, dpi, timeout, " -c thresholding_method=2")

    def orientation(self, image: Image.Image, dpi: float, timeout: float) -> int:
        import pytesseract

        small = image
        scale = 1.0
        dpi = dpi if dpi > 0 else 300.0
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


def _ink_thumbnail(gray: Image.Image) -> np.ndarray:
    """The ink of a ~1000-pixel-wide thumbnail, despeckled: a 3x3 median filter then a threshold, done as
    a 3x3 majority vote of the thresholded pixels (what the skew and the column/row profile look at)."""
    k = max(1, -(-gray.width // 1000))
    small = gray.reduce(k) if k > 1 else gray
    arr = np.asarray(small)
    if arr.size == 0:
        return np.zeros((0, 0), dtype=bool)
    thresh = min(160, int(arr.mean() - arr.std())) if arr.std() > 5 else 128
    h, w = arr.shape
    dark = np.pad(arr < thresh, 1, mode="edge").astype(np.uint8)
    return sum(dark[i:i + h, j:j + w] for i in range(3) for j in range(3)) >= 5


def estimate_skew(gray: Image.Image, limit: float = 4.0, step: float = 0.25) -> float:
    """Skew in degrees by projection-profile variance of the ink on a ~1000-pixel-wide thumbnail,
    despeckled (a 3x3 median filter).

    Bounded to +-limit: a naive minAreaRect reads speckle as -90 deg (FINDINGS.md). The profile of each
    angle is a histogram of the ink pixels' rotated row numbers, not a rotated image: the same figure as
    rotating the thumbnail 33 times (PIL, nearest neighbour, corners cut) at a tenth of the time
    (~2 s -> ~0.1-0.3 s per 300-dpi page, bench/scan_profile.py).
    """
    ink = _ink_thumbnail(gray)
    if ink.size == 0 or ink.mean() * 255 < 0.5:  # (nearly) blank page
        return 0.0
    h, w = ink.shape
    ys, xs = np.nonzero(ink)
    dx, dy = xs - w / 2, ys - h / 2
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + 1e-9, step):
        a = np.radians(float(angle))  # PIL's rotate(angle): counter-clockwise about the centre
        rows = np.floor(h / 2 - dx * np.sin(a) + dy * np.cos(a)).astype(np.int64)
        rows = rows[(rows >= 0) & (rows < h)]
        score = float(np.var(np.bincount(rows, minlength=h).astype(np.float64)))
        if score > best_score:
            best, best_score = float(angle), score
    return best if abs(best) >= 0.3 else 0.0


# The OCR strategy, chosen on the tune half of bench/ocr_accuracy.py's split (EHRI, FoNDUE and generated
# pages; bench/ocr_variants.py; docs/notes/issue-17.md) and reported on the check half:
# - the floor is what plain `tesseract IMG -` reads: the image as it is (a colour scan stays colour),
#   at the resolution the file states, or none when it states a meaningless one (72/96 dpi headers):
#   Tesseract then estimates it (telling it 300 on a real 96-dpi scan cost 1.8 points);
# - a colour page whose reading leaves much of the ink outside every word box (UNREAD_INK_ABOVE:
#   uncovered ink predicted CER > 10 % with AUC 0.96 on tune, mean confidence 0.73) is read again in
#   gray (Tesseract thresholds each colour channel and reads yellowed paper as ink: 29 % -> 13 % and
#   38 % -> 2 % on two tune pages), and the gray reading is kept only when it covers more of the ink;
# - a reading Tesseract is unsure of (mean word confidence below SECOND_READING_BELOW, or no words:
#   faint lines on grey speckle) is read again with adaptive (Sauvola) thresholding, kept when
#   Tesseract is surer of it and it leaves no more ink unread (generated tune pages 25.8 % -> 6.1 %);
# - deskew only from 2 degrees: below that Tesseract copes and the rotation blurs;
# - a gray page on grainy paper (ADAPTIVE_FIRST_ABOVE) is read adaptive first, plainly only when that is unsure
#   and leaves ink unread (UNREAD_INK_ABOVE): an unsure adaptive reading that covers the ink was kept on every
#   tune page (3 of the 7 re-reads saved, texts unchanged), one that drops lines is saved by the plain reading;
# - OSD before the first reading when the ink stands in columns (SIDEWAYS_PROFILE_ABOVE: a page turned by 90
#   degrees), else only when the reading is debris (ASK_OSD_BELOW: upside down) or stands in columns.
# Gray for every page (it lost 1.8 points on a tune page and dropped ten lines of a check page),
# a median filter, Otsu binarisation of every page, psm 4/6 and a 300-dpi default were measured and lost.
SKEW_MIN = 2.0  # degrees of skew from which the page is rotated straight
# Mean word confidence of the first reading below which OSD is asked (a page upside down): 0.22-0.32 on all 11
# tune pages turned by 180 degrees, 0.57-0.96 on the 22 upright ones (short last pages) that the former trigger
# (0.70 on the confidence discounted by the word count, `_quality`) sent to OSD for nothing; 90-degree turns are
# found before reading (SIDEWAYS_PROFILE_ABOVE) or by the words standing in columns (`_sideways`).
ASK_OSD_BELOW = 0.45
UNREAD_INK_ABOVE = 0.25  # share of ink outside the word boxes above which a colour page is read in gray
KEEP_GRAY_BY = 0.05  # the gray reading must leave this much less ink unread
SECOND_READING_BELOW = 0.88  # mean word confidence below which the adaptive-threshold reading is tried
# ... and the share of ink outside the word boxes above which it is. Swept on the tune half (54 pages,
# 2026-12-04): the adaptive reading fired on 15, was better on 13 (e.g. 8.1 % -> 1.1 %) and worse on none;
# any threshold above 0 skips pages it helps (0.02: 4 calls saved, 3 pages worse; 0.05: 9 saved, 8 worse),
# so it stays at 0: the call pays where Tesseract is unsure, whatever the share of unread ink.
SECOND_READING_UNREAD_ABOVE = 0.0
KEEP_SECOND_BY = 0.02  # the adaptive reading must be this much surer to replace the first
BELIEVABLE_DPI = (100.0, 1200.0)  # a stated resolution outside this is no information
GRAY_CHANNELS_WITHIN = 8  # an RGB image whose channels never differ by more than this is gray
# The variance of the ink per column over that per row, above which a page is taken for turned by 90 degrees
# and OSD is asked before the first reading: 3.36-12.4 on all 15 turned tune pages, at most 2.04 on the 101
# others, upright or upside down (EHRI, FoNDUE, generated: seeds 1701-1703 and 90-degree pages of seeds
# 1705/1707/1708, 2026-12-04)
SIDEWAYS_PROFILE_ABOVE = 2.6
# The paper's grain (`paper_noise`) above which a gray page is read with adaptive thresholding FIRST (and as
# plain Tesseract does only when that reading is unsure and lost ink): faint type on grey speckle, where the plain
# reading is unsure and the adaptive one wins, so one call instead of two. Swept on the tune half (49 gray
# pages, 2026-12-04): adaptive-first on every gray page saves 9 calls but makes 3 pages worse (a FoNDUE page
# 8.2 % -> 17.3 %); any threshold from 0.85 to 2.03 saves 10 calls of 93 with none worse and 2 better;
# clean paper measured 0-0.98, speckled scans 1.33-4.37. Colour pages keep plain first.
ADAPTIVE_FIRST_ABOVE = 1.4


def prepare(image: Image.Image) -> tuple[Image.Image, Image.Image]:
    """(what plain Tesseract reads, gray): a colour scan stays colour for the first reading; modes
    Tesseract cannot take (16-bit, alpha, palette) and RGB images that are gray become 8-bit gray."""
    gray = _gray(image)
    if image.mode == "RGB":
        small = np.asarray(image.reduce(4) if image.width >= 8 and image.height >= 8 else image, dtype=np.int16)
        spread = int((small.max(axis=2) - small.min(axis=2)).max()) if small.size else 0
        if spread > GRAY_CHANNELS_WITHIN:
            return image, gray
    return gray, gray


def unread_ink(gray: Image.Image, raw: list[OcrWord]) -> float:
    """Share of the page's ink outside every word box: text Tesseract did not read (or stamps, rules)."""
    small = gray.reduce(2) if gray.width >= 4 and gray.height >= 4 else gray
    ink = np.asarray(binarize(small)) == 0
    total = int(ink.sum())
    if not total:
        return 0.0
    f = small.width / max(1, gray.width)
    mask = np.zeros_like(ink)
    for w in raw:
        x0, y0 = max(0, int(w.left * f) - 2), max(0, int(w.top * f) - 2)
        x1, y1 = int((w.left + w.width) * f) + 2, int((w.top + w.height) * f) + 2
        mask[y0:y1, x0:x1] = True
    return float((ink & ~mask).sum() / total)


def tesseract_dpi(image: Image.Image, dpi: float, from_image_file: bool) -> float:
    """The resolution to tell Tesseract: the render's (PDFs, believable image headers), or 0 (unknown:
    Tesseract estimates it from the text) for an image file whose header states none or a default."""
    if not from_image_file:
        return dpi
    stated = image.info.get("dpi")
    try:
        value = float(stated[0]) if stated else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return dpi if BELIEVABLE_DPI[0] <= value <= BELIEVABLE_DPI[1] else 0.0


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


def paper_noise(gray: Image.Image) -> float:
    """The grain of the paper: standard deviation of the pixels at or above the median grey (the
    background) on a ~1000-pixel-wide thumbnail. Clean paper ~0-1, grey speckle 1.3-4.4 (tune pages)."""
    k = max(1, -(-gray.width // 1000))
    small = gray.reduce(k) if k > 1 else gray
    hist = np.bincount(np.asarray(small).ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if not total:
        return 0.0
    median = int(np.searchsorted(np.cumsum(hist), total / 2))
    values, counts = np.arange(median, 256, dtype=np.float64), hist[median:]
    mean = float((values * counts).sum() / counts.sum())
    return float(np.sqrt((((values - mean) ** 2) * counts).sum() / counts.sum()))


def lines_run_down(gray: Image.Image) -> bool:
    """The page's ink varies far more from column to column than from row to row: its lines run top to
    bottom, as on a sheet turned by 90 degrees (SIDEWAYS_PROFILE_ABOVE)."""
    ink = _ink_thumbnail(gray)
    if ink.size == 0:
        return False
    h, w = ink.shape
    rows = np.var(ink.sum(axis=1) / w)
    cols = np.var(ink.sum(axis=0) / h)
    return bool(rows > 0 and cols / rows > SIDEWAYS_PROFILE_ABOVE)


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


def _mean_conf(raw: list[OcrWord]) -> float:
    return sum(w.conf for w in raw) / len(raw) if raw else 0.0


def wants_second_reading(raw: list[OcrWord], unread: float) -> bool:
    """Whether the adaptive-threshold reading is worth its Tesseract call: nothing was read, or the reading
    left ink unread and Tesseract is unsure of it."""
    if not raw:
        return True
    return unread > SECOND_READING_UNREAD_ABOVE and _mean_conf(raw) < SECOND_READING_BELOW


def _rotate(image: Image.Image, angle: float, expand: bool = False) -> Image.Image:
    resample = Image.NEAREST if expand else Image.BICUBIC  # quarter turns are exact
    return image.rotate(angle, resample=resample, expand=expand, fillcolor="white")


def _straighten(plain: Image.Image, gray: Image.Image) -> tuple[Image.Image, Image.Image, float]:
    """Rotate the page straight when it is skewed by SKEW_MIN or more: (plain, gray, angle)."""
    skew = estimate_skew(gray)
    if abs(skew) < SKEW_MIN:
        return plain, gray, 0.0
    g = _rotate(gray, skew)
    return (g if plain is gray else _rotate(plain, skew)), g, skew


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
    """OCR one page: plain Tesseract's reading of the page as it is (straightened only when badly skewed,
    turned only when its ink profile or the reading says so; read with adaptive thresholding first on
    grainy gray paper), read again only where a measured signal says the first reading lost text; boxes
    in points of the upright page.

    Raises PageError when the page cannot be rendered or Tesseract times out: the page becomes an
    error row and the document goes on.
    """
    image, dpi = _render(scan)
    tess_dpi = tesseract_dpi(image, dpi, scan.reason == "image file")
    plain, gray = prepare(image)
    del image
    if is_blank(gray):  # blank pages skip OSD and Tesseract (saves ~1-2 s each)
        k = 72.0 / dpi
        return Page(number=scan.number, words=[], source="ocr", width=gray.width * k, height=gray.height * k,
                    confidence=0.0)
    upright_plain, upright = plain, gray
    rotation, asked = 0, False
    if detect_orientation and lines_run_down(gray):
        # the ink stands in columns, as on a sheet fed sideways: ask OSD before reading, which saves
        # the upright reading of a turned page (a wrong answer costs one OSD call, see below)
        asked = True
        turn = engine.orientation(upright, dpi, timeout)
        if turn:
            gray = _rotate(upright, -turn, expand=True)
            plain = gray if upright_plain is upright else _rotate(upright_plain, -turn, expand=True)
            rotation = turn
    plain, gray, skew = _straighten(plain, gray)
    adaptive = getattr(engine, "recognize_adaptive", None)
    adaptive_first = adaptive is not None and plain is gray and paper_noise(gray) > ADAPTIVE_FIRST_ABOVE
    raw = adaptive(gray, tess_dpi, timeout) if adaptive_first else engine.recognize(plain, tess_dpi, timeout)
    if rotation and (_mean_conf(raw) < ASK_OSD_BELOW or _sideways(raw)):
        # OSD turned the page and the reading is poor: read the page as it came too and keep the surer
        plain0, gray0, skew0 = _straighten(upright_plain, upright)
        raw0 = engine.recognize(plain0, tess_dpi, timeout)
        if _quality(raw0) > _quality(raw):
            raw, plain, gray, rotation, skew, adaptive_first = raw0, plain0, gray0, 0, skew0, False
    elif detect_orientation and not asked and (_mean_conf(raw) < ASK_OSD_BELOW or _sideways(raw)):
        # a page fed sideways or upside down reads as low-confidence debris: ask OSD, and keep
        # the turned reading only if Tesseract is surer of it
        turn = engine.orientation(upright, dpi, timeout)
        if turn:
            turned_gray = _rotate(upright, -turn, expand=True)
            turned_plain = turned_gray if upright_plain is upright else _rotate(upright_plain, -turn, expand=True)
            turned_plain, turned_gray, skew2 = _straighten(turned_plain, turned_gray)
            raw2 = engine.recognize(turned_plain, tess_dpi, timeout)
            upright_now = _sideways(raw) and not _sideways(raw2) and _quality(raw2) > 0.6 * _quality(raw)
            if upright_now or _quality(raw2) > _quality(raw):
                raw, plain, gray, rotation, skew = raw2, turned_plain, turned_gray, turn, skew2
                adaptive_first = False
    del upright_plain, upright
    unread = unread_ink(gray, raw) if plain is not gray else None  # measured only where a decision needs it
    if unread is not None and unread > UNREAD_INK_ABOVE:  # colour thresholding lost text: the gray reading
        raw_gray = engine.recognize(gray, tess_dpi, timeout)
        unread_gray = unread_ink(gray, raw_gray)
        if unread_gray < unread - KEEP_GRAY_BY:
            raw, unread = raw_gray, unread_gray
    del plain
    if adaptive_first:
        unread_adaptive = unread_ink(gray, raw) if raw and _mean_conf(raw) < SECOND_READING_BELOW else 0.0
        if not raw or unread_adaptive > UNREAD_INK_ABOVE:
            # the adaptive reading is unsure and lost ink: read as plain Tesseract does, then choose exactly as below
            first = engine.recognize(gray, tess_dpi, timeout)
            unread = unread_ink(gray, first)
            if not (wants_second_reading(first, unread) and _mean_conf(raw) > _mean_conf(first) + KEEP_SECOND_BY
                    and unread_adaptive <= unread + KEEP_GRAY_BY):
                raw = first
    elif not raw or _mean_conf(raw) < SECOND_READING_BELOW:
        unread = unread_ink(gray, raw) if unread is None else unread
        if wants_second_reading(raw, unread):  # also when nothing was found: faint lines on grey speckle
            raw3 = (adaptive(gray, tess_dpi, timeout) if adaptive
                    else engine.recognize(binarize(gray), tess_dpi, timeout))
            if _mean_conf(raw3) > _mean_conf(raw) + KEEP_SECOND_BY and unread_ink(gray, raw3) <= unread + KEEP_GRAY_BY:
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
