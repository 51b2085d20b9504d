"""Review stage: every value the pipeline is unsure of becomes a queue item with a reason."""
from __future__ import annotations

from .config import Settings
from .records import DocumentResult, ReviewItem, union_bbox


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
    for i, e in enumerate(doc.entities):
        if not e.needs_review:
            continue
        page = pages.get(e.page)
        items.append(ReviewItem(doc.doc_id, e.page, "entities", f"{doc.doc_id}-e{i:04d}", "value", e.value,
                                None, e.confidence, f"{e.label}: {e.review_reason}", e.bbox,
                                _context(page.text, e.start, e.end) if page else ""))
    for i, d in enumerate(doc.decisions):
        if not d.needs_review:
            continue
        page = pages.get(d.page)
        field, value = _decision_field(d)
        items.append(ReviewItem(doc.doc_id, d.page, "decisions", f"{doc.doc_id}-d{i:04d}", field,
                                value, None, d.confidence, d.review_reason or "low confidence", d.bbox,
                                _context(page.text, d.start, d.end, 40) if page else ""))
    for i, c in enumerate(doc.corrections):
        if not c.needs_review:
            continue
        page = pages.get(c.page)
        bbox = None
        if page:
            bbox = union_bbox(page.words_in(c.start, c.end))
        # value: what OCR read; suggestion: the repair (proposed, or applied when c.applied)
        items.append(ReviewItem(doc.doc_id, c.page, "corrections", f"{doc.doc_id}-c{i:04d}", "corrected",
                                c.original, c.corrected, c.score / 100.0,
                                c.reason or "correction uncertain", bbox,
                                _context(page.text, c.start, c.end) if page else ""))
    return items


def mark(doc: DocumentResult, settings: Settings) -> None:
    for d in doc.decisions:
        d.needs_review = d.confidence < settings.review_threshold
        if d.needs_review and not d.review_reason:
            d.review_reason = f"low confidence {d.confidence:.2f}"
