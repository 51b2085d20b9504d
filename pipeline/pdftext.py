"""A PDF page's text layer through PDFium: words with boxes, and what the layer says about its origin.

PDFium's text pages are ~30x faster than pdfminer (FINDINGS.md); words are the runs of characters
between the spaces and line breaks PDFium reports (it inserts them where the glyphs leave a gap),
boxes in PDF points with y measured from the top of the page, as pdfplumber gives them.

`LayerFacts` carries the signals read.py uses to tell an OCR'd layer (a scanner's invisible text over
the page image) from a born-digital one: the share of invisible characters (text render mode 3), how
much of the page the largest image covers, and the image's resolution.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

from .records import Word

_BREAKS = frozenset(" \t\r\n\x00\u00a0\u2002\u2003\u2009")
_LINE_END_HYPHEN = "\ufffe"  # PDFium's mark for a hyphen that ends a line ("Veran-")
_INVISIBLE = 3  # FPDF_TEXTRENDERMODE_INVISIBLE
_SAMPLE_CHARS = 200  # render mode is asked of at most this many characters per page
# a word: the characters between PDFium's spaces and line breaks; a line-end hyphen ends its word too
# (the next line follows it without a break)
_IN_WORD = "[^" + "".join(re.escape(ch) for ch in sorted(_BREAKS | {_LINE_END_HYPHEN})) + "]"
_WORD = re.compile(f"{_IN_WORD}*{_LINE_END_HYPHEN}|{_IN_WORD}+")


@dataclass
class LayerFacts:
    invisible: float = 0.0  # share of (sampled) characters drawn in render mode 3
    image_cover: float = 0.0  # share of the page area covered by its largest image
    image_dpi: float = 0.0  # that image's resolution (pixels per inch of its drawn width)


def page_words(page, clean=lambda s: s) -> tuple[list[Word], LayerFacts]:
    """Words of one pypdfium2 page (a PdfPage) and the facts about its layer."""
    import pypdfium2.raw as c

    width, height = page.get_size()
    facts = LayerFacts()
    _image_facts(page, width, height, facts)
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        if n <= 0:
            return [], facts
        raw = textpage.raw
        text = textpage.get_text_range(0, n)
        if len(text) != n:  # characters outside the BMP: one UTF-16 unit per character index
            text = "".join(chr(c.FPDFText_GetUnicode(raw, i)) for i in range(n))
        rect = c.FS_RECTF()
        ref = ctypes.byref(rect)
        words: list[Word] = []

        # the loose box spans the font's ascent and descent, as pdfplumber's boxes do: lines of one
        # font size get boxes of one height, which the layout stage's line and block gaps rely on
        box = c.FPDFText_GetLooseCharBox
        for m in _WORD.finditer(text):
            start, end = m.span()
            if not box(raw, start, ref):
                continue
            x0, x1, b, t = rect.left, rect.right, rect.bottom, rect.top
            y0, y1 = (t if t < b else b), (t if t > b else b)  # min and max, as the builtins pick them
            if not box(raw, end - 1, ref):
                continue
            word = clean(m.group(0).replace(_LINE_END_HYPHEN, "-"))
            if not word.strip():
                continue
            left, right, b, t = rect.left, rect.right, rect.bottom, rect.top
            lo, hi = (t if t < b else b), (t if t > b else b)
            x0 = left if left < x0 else x0
            x1 = right if right > x1 else x1
            y0 = lo if lo < y0 else y0
            y1 = hi if hi > y1 else y1
            words.append(Word(text=word, bbox=(round(x0, 2), round(height - y1, 2), round(x1, 2),
                                               round(height - y0, 2)), confidence=1.0, source="text"))
        facts.invisible = _invisible_share(c, raw, text)
        return words, facts
    finally:
        textpage.close()


def _invisible_share(c, raw, text: str) -> float:
    idx = [i for i, ch in enumerate(text) if ch not in _BREAKS]
    if not idx:
        return 0.0
    step = max(1, len(idx) // _SAMPLE_CHARS)
    hidden = seen = 0
    for i in idx[::step]:
        obj = c.FPDFText_GetTextObject(raw, i)
        if not obj:
            continue
        seen += 1
        hidden += c.FPDFTextObj_GetTextRenderMode(obj) == _INVISIBLE
    return hidden / seen if seen else 0.0


def _image_facts(page, width: float, height: float, facts: LayerFacts) -> None:
    import pypdfium2.raw as c

    area = abs(width * height) or 1.0
    try:
        objs = list(page.get_objects(filter=(c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
    except Exception:  # noqa: BLE001 - broken resources: no image facts
        return
    for obj in objs:
        try:
            x0, y0, x1, y1 = obj.get_bounds()
            px_w, _ = obj.get_px_size()
        except Exception:  # noqa: BLE001
            continue
        x0, x1 = max(0.0, min(x0, x1)), min(width, max(x0, x1))
        y0, y1 = max(0.0, min(y0, y1)), min(height, max(y0, y1))
        cover = max(0.0, x1 - x0) * max(0.0, y1 - y0) / area
        if cover > facts.image_cover:
            facts.image_cover = cover
            drawn_in = (x1 - x0) / 72.0
            facts.image_dpi = px_w / drawn_in if drawn_in > 0 else 0.0
