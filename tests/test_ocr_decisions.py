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
