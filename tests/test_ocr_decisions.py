"""The OCR stage's cheap decisions: skew from ink histograms, and when a second reading is worth a call."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.records import OcrWord


def _text_page(angle: float, speckle: bool = False) -> Image.Image:
    """A 300-dpi-like page of 40 'text lines' (dashes of ink), rotated counter-clockwise by angle."""
    img = Image.new("L", (2000, 2800), 255)
    draw = ImageDraw.Draw(img)
    rng = np.random.default_rng(3)
    for row in range(40):
        y = 300 + row * 55
        x = 250
        while x < 1750:
            w = int(rng.integers(30, 140))
            draw.rectangle((x, y, x + w, y + 22), fill=20)
            x += w + int(rng.integers(15, 30))
    if speckle:  # dust: isolated dark pixels all over the page
        arr = np.asarray(img).copy()
        dots = rng.random(arr.shape) < 0.01
        arr[dots] = 0
        img = Image.fromarray(arr)
    return img.rotate(angle, resample=Image.BICUBIC, fillcolor=255) if angle else img


@pytest.mark.parametrize("angle", [0.0, 2.5, -3.0, 1.0])
def test_skew_is_found_with_its_sign(angle):
    from pipeline.ocr import estimate_skew

    found = estimate_skew(_text_page(angle))
    # estimate_skew names the rotation that straightens the page: -angle
    assert abs(found + angle) <= 0.5, (angle, found)


def test_speckle_does_not_make_skew():
    from pipeline.ocr import estimate_skew

    assert estimate_skew(_text_page(0.0, speckle=True)) == 0.0


def test_blank_page_has_no_skew():
    from pipeline.ocr import estimate_skew

    assert estimate_skew(Image.new("L", (800, 1000), 255)) == 0.0


def _words(n: int, conf: float) -> list[OcrWord]:
    return [OcrWord(f"Wort{i}", 100 + 40 * (i % 10), 300 + 40 * (i // 10), 30, 20, conf, 1, 1 + i // 10)
            for i in range(n)]


def _scan_with_ink():
    from pipeline.records import ScanPage

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    for i in range(30):  # ink inside the fake words' boxes
        x, y = 100 + 40 * (i % 10), 300 + 40 * (i // 10)
        draw.rectangle((x + 2, y + 4, x + 26, y + 16), fill=0)
    draw.rectangle((100, 600, 500, 640), fill=0)  # and a band no word covers
    return ScanPage(1, 144, 192, lambda: (img.copy(), 300.0))


def test_a_confident_reading_is_not_read_again():
    from fakes import FakeEngine

    from pipeline.ocr import ocr_page

    engine = FakeEngine({1: _words(30, 0.95), 2: _words(30, 0.99)})
    page = ocr_page(_scan_with_ink(), engine, 10)
    assert engine.calls == 1 and page.confidence == 0.95


def test_an_unsure_reading_that_left_ink_unread_is_read_again_and_kept_when_better():
    from fakes import FakeEngine

    from pipeline.ocr import ocr_page

    engine = FakeEngine({1: _words(30, 0.80), 2: _words(30, 0.90)})
    page = ocr_page(_scan_with_ink(), engine, 10)
    assert engine.calls == 2 and page.confidence == 0.9
    # a second reading no surer than the first is read but not kept
    engine = FakeEngine({1: _words(30, 0.80), 2: _words(30, 0.81)})
    assert ocr_page(_scan_with_ink(), engine, 10).confidence == 0.8 and engine.calls == 2


def test_wants_second_reading():
    from pipeline import ocr

    assert ocr.wants_second_reading([], 0.0)  # nothing read: always try again
    assert ocr.wants_second_reading(_words(20, 0.80), 0.05)
    assert not ocr.wants_second_reading(_words(20, 0.95), 0.05)  # sure of it
    assert not ocr.wants_second_reading(_words(20, 0.80), 0.0)  # every bit of ink is inside a word


# ---------------------------------------------------------------- which reading comes first

class _Recording:
    """An engine that logs its calls ("plain", "adaptive", "osd") and returns prepared readings."""

    name = "recording"

    def __init__(self, plain: list, adaptive: list | None = None, turn: int = 0) -> None:
        self.plain, self.adaptive, self.turn, self.log = list(plain), list(adaptive or []), turn, []

    def recognize(self, image, dpi, timeout):
        self.log.append("plain")
        return self.plain.pop(0) if self.plain else []

    def recognize_adaptive(self, image, dpi, timeout):
        self.log.append("adaptive")
        return self.adaptive.pop(0) if self.adaptive else []

    def orientation(self, image, dpi, timeout):
        self.log.append("osd")
        return self.turn


def _grainy(img: Image.Image, level: float = 200, sigma: float = 6.0) -> Image.Image:
    """The page on grey, grainy paper (ink stays dark)."""
    arr = np.asarray(img).astype(np.float64)
    rng = np.random.default_rng(5)
    paper = np.where(arr > 128, level + rng.normal(0, sigma, arr.shape), arr)
    return Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8))


def _scan(img: Image.Image):
    from pipeline.records import ScanPage

    return ScanPage(1, img.width * 72 / 300, img.height * 72 / 300, lambda: (img.copy(), 300.0))


def test_paper_noise_tells_grainy_paper_from_clean():
    from pipeline import ocr

    clean, grainy = _text_page(0.0), _grainy(_text_page(0.0))
    assert ocr.paper_noise(clean) < ocr.ADAPTIVE_FIRST_ABOVE < ocr.paper_noise(grainy)
    assert ocr.paper_noise(Image.new("L", (1, 1), 255)) == 0.0


def test_lines_run_down_on_a_page_turned_by_90_degrees_only():
    from pipeline import ocr

    page = _text_page(0.0)
    assert not ocr.lines_run_down(page)
    assert ocr.lines_run_down(page.rotate(90, expand=True))
    assert ocr.lines_run_down(page.rotate(-90, expand=True))
    assert not ocr.lines_run_down(page.rotate(180))
    assert not ocr.lines_run_down(Image.new("L", (50, 60), 255))


def test_a_grainy_gray_page_is_read_adaptive_first_and_once_when_sure():
    from pipeline.ocr import ocr_page

    engine = _Recording(plain=[_words(30, 0.99)], adaptive=[_words(30, 0.93)])
    page = ocr_page(_scan(_grainy(_text_page(0.0))), engine, 10)
    assert engine.log == ["adaptive"] and page.confidence == 0.93


def test_an_unsure_adaptive_first_reading_is_read_plain_and_the_surer_kept():
    from pipeline.ocr import ocr_page

    engine = _Recording(plain=[_words(30, 0.92)], adaptive=[_words(30, 0.80)])
    page = ocr_page(_scan(_grainy(_text_page(0.0))), engine, 10)
    assert engine.log == ["adaptive", "plain"] and page.confidence == 0.92  # plain is sure: kept
    engine = _Recording(plain=[_words(30, 0.70)], adaptive=[_words(30, 0.80)])
    page = ocr_page(_scan(_grainy(_text_page(0.0))), engine, 10)
    assert engine.log == ["adaptive", "plain"] and page.confidence == 0.80  # both unsure: the surer


def _line_words(conf: float, lines: int = 40) -> list[OcrWord]:
    """One word box over each of _text_page's first `lines` lines: a reading that covers the ink."""
    return [OcrWord(f"Zeile{r}", 245, 295 + r * 55, 1650, 32, conf, 1, 1 + r) for r in range(lines)]


def test_an_unsure_adaptive_first_reading_that_covers_the_ink_is_kept_without_a_plain_reading():
    from pipeline.ocr import ocr_page

    engine = _Recording(plain=[_line_words(0.95)], adaptive=[_line_words(0.80)])
    page = ocr_page(_scan(_grainy(_text_page(0.0))), engine, 10)
    assert engine.log == ["adaptive"] and page.confidence == 0.80
    # the same unsure reading, but it dropped half the lines: plain Tesseract's reading is asked for and kept
    engine = _Recording(plain=[_line_words(0.78)], adaptive=[_line_words(0.80, lines=20)])
    page = ocr_page(_scan(_grainy(_text_page(0.0))), engine, 10)
    assert engine.log == ["adaptive", "plain"] and len(page.words) == 40


def test_a_clean_page_is_read_plain_first():
    from pipeline.ocr import ocr_page

    engine = _Recording(plain=[_words(30, 0.95)], adaptive=[_words(30, 0.99)])
    assert ocr_page(_scan(_text_page(0.0)), engine, 10).confidence == 0.95 and engine.log == ["plain"]


def test_a_page_whose_lines_run_down_asks_osd_before_reading():
    from pipeline.ocr import ocr_page

    turned = _text_page(0.0).rotate(-90, expand=True)  # fed sideways, clockwise
    engine = _Recording(plain=[_words(30, 0.95)], turn=270)
    page = ocr_page(_scan(turned), engine, 10)
    assert engine.log == ["osd", "plain"] and page.rotation == 270
    assert page.width < page.height  # the upright page's size
    # OSD says upright: the page is read as it came, and OSD is not asked again for a poor reading
    engine = _Recording(plain=[_words(3, 0.40)], adaptive=[_words(3, 0.40)], turn=0)
    page = ocr_page(_scan(turned), engine, 10)
    assert engine.log[:2] == ["osd", "plain"] and engine.log.count("osd") == 1 and page.rotation == 0


def test_a_poor_reading_after_osd_turned_the_page_is_checked_against_the_page_as_it_came():
    from pipeline.ocr import ocr_page

    turned = _text_page(0.0).rotate(-90, expand=True)
    engine = _Recording(plain=[_words(4, 0.30), _words(30, 0.90)], turn=270)
    page = ocr_page(_scan(turned), engine, 10)
    assert engine.log[:3] == ["osd", "plain", "plain"] and page.rotation == 0 and page.confidence == 0.9


def test_a_short_confident_page_does_not_ask_osd_but_an_upside_down_reading_does():
    from pipeline.ocr import ocr_page

    engine = _Recording(plain=[_words(4, 0.95)], turn=180)  # a last page of four words
    page = ocr_page(_scan(_text_page(0.0)), engine, 10)
    assert engine.log == ["plain"] and page.rotation == 0
    engine = _Recording(plain=[_words(30, 0.30), _words(30, 0.93)], turn=180)  # debris: upside down
    page = ocr_page(_scan(_text_page(0.0)), engine, 10)
    assert engine.log == ["plain", "osd", "plain"] and page.rotation == 180 and page.confidence == 0.93
