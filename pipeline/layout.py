"""Layout stage: words into lines and reading order, German de-hyphenation, and the page text.

`arrange` orders words and joins words torn at line ends; `render` builds `Page.text` and gives
every word its character offsets, so that boxes and confidences can be found for any span.
"""
from __future__ import annotations

import re
import statistics

from .reading_order import order_lines
from .records import Page, Word

HYPHENS = "-\u00ad\u2010\u2011"
# words after a line-end hyphen that show the hyphen is a suspended compound ("Vor- und Nachteile")
CONJUNCTIONS = {"und", "oder", "bzw", "bzw.", "sowie", "wie", "als", "bis", "u.", "&"}
_LOWER_START = re.compile(r"^[a-zäöüß]")


def _group_text_lines(words: list[Word]) -> list[list[Word]]:
    """Cluster text-layer words into lines by vertical overlap (pdfplumber gives no line ids)."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bbox[1] if w.bbox else 0, w.bbox[0] if w.bbox else 0)):
        if w.bbox is None:
            lines.append([w])
            continue
        top, bottom = w.bbox[1], w.bbox[3]
        mid = (top + bottom) / 2
        if lines and lines[-1][0].bbox:
            ref = lines[-1]
            rtop = min(x.bbox[1] for x in ref)
            rbot = max(x.bbox[3] for x in ref)
            if rtop <= mid <= rbot:
                ref.append(w)
                continue
        lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w.bbox[0] if w.bbox else 0)
    return lines


def _group_ocr_lines(words: list[Word]) -> list[list[Word]]:
    # Tesseract's own block/line order is its reading order (it knows columns), except that number and
    # price columns beside the entries are put back into their printed lines (reading_order.py)
    lines = order_lines(words)
    for line in lines:
        for w in line.words:
            w.block = line.block
    return [line.words for line in lines]


def _join_hyphenated(lines: list[list[Word]]) -> None:
    """Join `Veran-` + `staltung` across a line end, in place; keep `IT-` + `Cluster` hyphenated."""
    for i in range(len(lines) - 1):
        if not lines[i] or not lines[i + 1]:
            continue
        last, first = lines[i][-1], lines[i + 1][0]
        t = last.text
        if len(t) < 2 or t[-1] not in HYPHENS or not t[-2].isalpha():
            continue
        nxt = first.text
        if nxt.lower() in CONJUNCTIONS or not nxt[:1].isalpha():
            continue
        if _LOWER_START.match(nxt):
            joined = t[:-1] + nxt  # a word torn by the line break
        else:
            joined = t[:-1] + "-" + nxt  # a real hyphenated compound: Online-Konferenz
        merged = Word(
            text=joined,
            bbox=last.bbox,
            confidence=min(last.confidence, first.confidence),
            source=last.source,
            line=last.line,
            block=last.block,
        )
        lines[i][-1] = merged
        lines[i + 1].pop(0)


def arrange(page: Page) -> Page:
    """Put words into reading order with line numbers; join hyphenated line ends."""
    if page.source == "ocr":
        lines = _group_ocr_lines(page.words)
    else:
        lines = _group_text_lines(page.words)
    _join_hyphenated(lines)
    words: list[Word] = []
    heights = [w.bbox[3] - w.bbox[1] for line in lines for w in line if w.bbox]
    line_h = statistics.median(heights) if heights else 10.0
    block = 0
    prev_bottom = None
    prev_block = None
    for n, line in enumerate(x for x in lines if x):
        top = min((w.bbox[1] for w in line if w.bbox), default=None)
        bottom = max((w.bbox[3] for w in line if w.bbox), default=None)
        ocr_block = line[0].block if page.source == "ocr" else None
        gap = (top - prev_bottom) if (top is not None and prev_bottom is not None) else 0
        if n and (gap > 0.9 * line_h or (ocr_block is not None and ocr_block != prev_block)):
            block += 1
        for w in line:
            w.line = n
            w.block = block
            words.append(w)
        prev_bottom = bottom if bottom is not None else prev_bottom
        prev_block = ocr_block
    page.words = words
    return page


def render(page: Page) -> Page:
    """The page text from its words in order, with every word's offsets (see Page.render)."""
    return page.render()
