"""Review stage: the one place that decides which values a person must check, and the queue.

`decide` sets `needs_review` (and a reason a person understands) on every entity, decision and
correction; `build_review` turns the flagged ones, and an uncertain issue date, into queue items.
No other stage sets `needs_review`.
"""
from __future__ import annotations

from .config import Settings
from .records import Correction, DocumentResult, Entity, Page, ReviewItem, union_bbox

_FOUND_BY = {"model": "found only by the statistical model; no rule or gazetteer agrees",
             "rule": "found by a pattern rule only", "gazetteer": "found by the gazetteer only"}


def _why_low(e: Entity) -> str:
    how = _FOUND_BY.get(e.source, "found by " + " and ".join(e.source.split("+")))
    return f"confidence {e.confidence:.2f}: {how}"


def _correction_needs_review(c: Correction, page: Page | None, settings: Settings) -> bool:
    """A suggestion always; an applied repair when OCR was unsure of what it repaired; never a
    repair a reviewer made before."""
    if not c.applied:
        return True
    if c.source == "learned" or page is None:
        return False
    words = page.words_in(c.start, c.end)
    return bool(words) and min(w.confidence for w in words) < settings.low_ocr_word


def decide(doc: DocumentResult, settings: Settings) -> None:
    """Set needs_review on every value from its confidence (and on corrections from their kind)."""
    pages = {p.number: p for p in doc.pages}
    for e in doc.entities:
        e.needs_review = e.confidence < settings.review_threshold
        if e.needs_review and not e.review_reason:
            e.review_reason = _why_low(e)
    for d in doc.decisions:
        d.needs_review = d.confidence < settings.review_threshold
        if d.needs_review and not d.review_reason:
            d.review_reason = f"low confidence {d.confidence:.2f}"
        if d.result_confidence is not None and d.result_confidence < settings.review_threshold:
            d.needs_review = True  # the recorded result is a guess (results model unsure)
            why = f"result '{d.result}' uncertain ({d.result_confidence:.2f})"
            d.review_reason = f"{d.review_reason}; {why}" if d.review_reason else why
    for c in doc.corrections:
        c.needs_review = _correction_needs_review(c, pages.get(c.page), settings)


def _context(text: str, start: int, end: int, width: int = 80) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def _decision_field(d) -> tuple[str, object]:
    """The column a reviewer can fix: the missing or guessed date, the missing body, else the clause."""
    if d.decision_date is None or "decision date" in (d.review_reason or ""):
        return "decision_date", d.decision_date
    if d.body is None:
        return "body", None
    return "text", d.text


def build_review(doc: DocumentResult, settings: Settings) -> list[ReviewItem]:
    items: list[ReviewItem] = []
    pages = {p.number: p for p in doc.pages}
    f = doc.fields
    if f.doc_date is None or f.doc_date_confidence < settings.review_threshold:
        items.append(ReviewItem(doc.doc_id, f.doc_date_page or 1, "documents", doc.doc_id, "doc_date",
                                f.doc_date, None, f.doc_date_confidence,
                                f.doc_date_reason or "issue date uncertain", f.doc_date_bbox,
                                _context(pages[f.doc_date_page].text, 0, 0, 200)
                                if f.doc_date_page in pages else ""))
    for e in doc.entities:
        if not e.needs_review:
            continue
        page = pages.get(e.page)
        items.append(ReviewItem(doc.doc_id, e.page, "entities", e.entity_id, "value", e.value,
                                None, e.confidence, f"{e.label}: {e.review_reason}", e.bbox,
                                _context(page.text, e.start, e.end) if page else ""))
    for d in doc.decisions:
        if not d.needs_review:
            continue
        page = pages.get(d.page)
        field, value = _decision_field(d)
        items.append(ReviewItem(doc.doc_id, d.page, "decisions", d.decision_id, field,
                                value, None, d.confidence, d.review_reason or "low confidence", d.bbox,
                                _context(page.text, d.start, d.end, 40) if page else ""))
    for c in doc.corrections:
        if not c.needs_review:
            continue
        page = pages.get(c.page)
        bbox = None
        if page:
            bbox = union_bbox(page.words_in(c.start, c.end))
        # value: what OCR read; suggestion: the repair (proposed, or applied when c.applied)
        items.append(ReviewItem(doc.doc_id, c.page, "corrections", c.correction_id, "corrected",
                                c.original, c.corrected, c.confidence,
                                c.reason or "correction uncertain", bbox,
                                _context(page.text, c.start, c.end) if page else ""))
    for i, item in enumerate(items):
        item.review_id = f"{doc.doc_id}-r{i:04d}"
    return items
