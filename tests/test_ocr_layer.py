"""Text layers made by OCR (issue 15, item 1): detected per page, their words treated as OCR words.

The PDFs are built here with reportlab: a page image with an invisible text layer (render mode 3)
carrying typical OCR damage, the same text as a born-digital layer, and a born-digital layer from
a producer that is an OCR program but with no page image.
"""
from __future__ import annotations

import io

import pytest

pytest.importorskip("reportlab")

from PIL import Image, ImageDraw  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from pipeline.config import DEFAULT_MODELS, Settings  # noqa: E402
from pipeline.correct import CandidateIndex, CorrectionSettings, DocumentState, correct_page  # noqa: E402
from pipeline.gazetteer import load_gazetteer  # noqa: E402
from pipeline.layout import arrange  # noqa: E402
from pipeline.lexicon import load_lexicon  # noqa: E402
from pipeline.read import read_document  # noqa: E402
from pipeline.records import Page  # noqa: E402

LINES = [
    "Der Gemeinderat hat in seiner Sitzung am 14. November 2022 beschlossen,",
    "die Partnerschaft mit der Stadt Chmeinyzkyj in der Ukraine zu vertiefen.",
    "Die Zivilgeselischaft beider Städte wird zu einem Treffen eingeladen.",
    "Die Verwaltung berichtet dem Ausschuss über die Ergebnisse im Frühjahr.",
]


def _page_image() -> Image.Image:
    im = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(im)
    for n, line in enumerate(LINES):
        draw.text((150, 200 + 60 * n), line, fill=0)
    return im


def _pdf(tmp_path, name: str, image: bool, invisible: bool, producer: str = "") -> str:
    path = tmp_path / name
    c = canvas.Canvas(str(path), pagesize=A4)
    if producer:
        c.setProducer(producer)
    width, height = A4
    if image:
        buf = io.BytesIO()
        _page_image().save(buf, format="PNG")
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=width, height=height)
    text = c.beginText(72, height - 96)
    text.setFont("Helvetica", 11)
    if invisible:
        text.setTextRenderMode(3)
    for line in LINES:
        text.textLine(line)
    c.drawText(text)
    c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def models():
    lexicon = load_lexicon(str(DEFAULT_MODELS))
    return lexicon, CandidateIndex.build(load_gazetteer(str(DEFAULT_MODELS)), lexicon)


def _read(path, lexicon) -> Page:
    [page] = list(read_document(path, Settings(use_cache=False), lexicon))
    assert isinstance(page, Page)
    return page


def _corrected(page: Page, index) -> str:
    out, _rows = correct_page(arrange(page), DocumentState(), index, CorrectionSettings.from_settings(Settings()))
    return out.text


def test_invisible_layer_over_a_scan_is_an_ocr_layer_and_is_repaired(tmp_path, models):
    lexicon, index = models
    page = _read(_pdf(tmp_path, "scan-with-layer.pdf", image=True, invisible=True), lexicon)
    assert page.source == "ocr_layer"
    assert page.read_by_ocr
    assert {w.source for w in page.words} == {"ocr"}
    damaged = next(w for w in page.words if w.text == "Chmeinyzkyj")
    known = next(w for w in page.words if w.text == "Gemeinderat")
    assert damaged.confidence < known.confidence < 1.0
    assert 0 < page.confidence < 1
    text = _corrected(page, index)
    assert "Chmelnyzkyj" in text and "Chmeinyzkyj" not in text
    assert "Zivilgesellschaft" in text


def test_born_digital_layer_stays_untouched(tmp_path, models):
    lexicon, index = models
    page = _read(_pdf(tmp_path, "digital.pdf", image=False, invisible=False), lexicon)
    assert page.source == "text"
    assert {w.source for w in page.words} == {"text"}
    assert all(w.confidence == 1.0 for w in page.words)
    text = _corrected(page, index)
    assert "Chmeinyzkyj" in text and "Zivilgeselischaft" in text  # exact as written, even where misspelt


def test_ocr_producer_needs_a_page_image(tmp_path, models):
    lexicon, _ = models
    visible_over_scan = _read(_pdf(tmp_path, "p1.pdf", image=True, invisible=False, producer="ABBYY FineReader 15"),
                              lexicon)
    assert visible_over_scan.source == "ocr_layer"
    no_image = _read(_pdf(tmp_path, "p2.pdf", image=False, invisible=False, producer="ABBYY FineReader 15"), lexicon)
    assert no_image.source == "text"


def test_words_keep_boxes_in_points_from_the_top(tmp_path, models):
    lexicon, _ = models
    page = _read(_pdf(tmp_path, "digital.pdf", image=False, invisible=False), lexicon)
    first = page.words[0]
    assert first.text == "Der"
    x0, top, x1, bottom = first.bbox
    assert 71 <= x0 <= 73 and 80 <= top < bottom <= 100 and x1 > x0
    assert [w.text for w in page.words[:4]] == ["Der", "Gemeinderat", "hat", "in"]
