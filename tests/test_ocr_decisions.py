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
