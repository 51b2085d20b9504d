"""Reading order of OCR words: printed lines, not Tesseract's columns of numbers and prices.

Tesseract (psm 3) cuts a catalogue page or a numbered list into blocks: the entries, the number column
left of them, the price column right of them, and reads block after block, so "15. Kreuz-Kapelle ... 120"
comes out as "Kreuz-Kapelle ...", and much later "15." and "120". Here lines of different blocks that
stand side by side on one baseline are joined when one of them is short (a number, a price, a form
label), and then:

* a page without real text columns (no two *long* lines side by side) is read top to bottom;
* a page with real text columns keeps Tesseract's block order (it knows columns), and only short lines
  of narrow side blocks are joined to their neighbours.

Pure: words with boxes and Tesseract block/line ids in, lines in reading order out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Protocol, Sequence

# A short line: at most this many words and this share of the page's text width (a number, a price, a
# label). Text lines are longer.
SHORT_WORDS = 3
SHORT_WIDTH = 0.30
# two lines stand on one baseline when they share this much of the lower one's height
SAME_LINE = 0.6
# this many pairs of long lines side by side make a page with real text columns
COLUMN_PAIRS = 2


class HasBox(Protocol):
    bbox: Optional[tuple[float, float, float, float]]
    block: int
    line: int


@dataclass
class OrderedLine:
    block: int  # the Tesseract block of the line (of its longest part, for a joined line)
    words: list = field(default_factory=list)  # left to right


@dataclass
class _Line:
    order: int  # position in Tesseract's order
    block: int
    words: list
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def _lines(words: Sequence[HasBox]) -> tuple[list[_Line], list]:
    by_key: dict[int, list] = {}
    unboxed = []
    for w in words:
        if w.bbox is None:
            unboxed.append(w)
        else:
            by_key.setdefault(w.line, []).append(w)
    out = []
    for i, (_, ws) in enumerate(sorted(by_key.items())):
        ws = sorted(ws, key=lambda w: w.bbox[0])
        out.append(_Line(i, ws[0].block, ws, min(w.bbox[0] for w in ws), min(w.bbox[1] for w in ws),
                         max(w.bbox[2] for w in ws), max(w.bbox[3] for w in ws)))
    return out, unboxed


def _beside(a: _Line, b: _Line) -> bool:
    """On one baseline (most of the lower line's height shared) and not overlapping horizontally."""
    if a.x0 < b.x1 and b.x0 < a.x1:
        return False
    shared = min(a.y1, b.y1) - max(a.y0, b.y0)
    return shared >= SAME_LINE * min(a.height, b.height) > 0


def _is_short(ln: _Line, text_width: float) -> bool:
    return len(ln.words) <= SHORT_WORDS and (ln.x1 - ln.x0) <= SHORT_WIDTH * text_width


def _side_blocks(lines: list[_Line], short: dict[int, bool]) -> set[int]:
    """Blocks made only of short lines: number and price columns, labels."""
    blocks: dict[int, list[_Line]] = {}
    for ln in lines:
        blocks.setdefault(ln.block, []).append(ln)
    return {b for b, lns in blocks.items() if all(short[ln.order] for ln in lns)}


def order_lines(words: Sequence[HasBox]) -> list[OrderedLine]:
    """Lines in reading order, each left to right. Words without a box come last, as one line."""
    lines, unboxed = _lines(words)
    out: list[OrderedLine] = []
    if lines:
        text_width = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
        short = {ln.order: _is_short(ln, text_width) for ln in lines}
        pairs = [(a, b) for i, a in enumerate(lines) for b in lines[i + 1:]
                 if a.block != b.block and _beside(a, b)]
        columns = sum(not short[a.order] and not short[b.order] for a, b in pairs) >= COLUMN_PAIRS
        side = _side_blocks(lines, short) if columns else set()
        # each short line (with columns: of a side block) joins the one line beside it that it shares
        # most height with; a joined line holds at most one long line (no chains through a tall speck)
        partner: dict[int, tuple[float, _Line]] = {}
        for a, b in pairs:
            for s_ln, other in ((a, b), (b, a)):
                if short[s_ln.order] and (not columns or s_ln.block in side):
                    shared = min(s_ln.y1, other.y1) - max(s_ln.y0, other.y0)
                    rank = shared + (1e6 if not short[other.order] else 0.0)  # a long line first
                    if s_ln.order not in partner or rank > partner[s_ln.order][0]:
                        partner[s_ln.order] = (rank, other)
        parent = {ln.order: ln.order for ln in lines}
        has_long = {ln.order: not short[ln.order] for ln in lines}

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for order, (_, other) in sorted(partner.items()):
            ra, rb = find(order), find(other.order)
            if ra != rb and not (has_long[ra] and has_long[rb]):
                parent[ra] = rb
                has_long[rb] = has_long[rb] or has_long[ra]
        groups: dict[int, list[_Line]] = {}
        for ln in lines:
            groups.setdefault(find(ln.order), []).append(ln)
        joined = []
        for members in groups.values():
            main = max(members, key=lambda ln: (len(ln.words), ln.x1 - ln.x0))
            ws = sorted((w for ln in members for w in ln.words), key=lambda w: w.bbox[0])
            # a joined line stands where its longest part stood in Tesseract's order
            joined.append((main.order, min(ln.cy for ln in members), OrderedLine(main.block, ws)))
        if columns:
            joined.sort(key=lambda t: t[0])
        else:
            joined.sort(key=lambda t: (t[1], t[0]))
        out = [t[2] for t in joined]
    if unboxed:
        out.append(OrderedLine(unboxed[0].block, list(unboxed)))
    return out
