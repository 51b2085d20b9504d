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
    for c in doc.corrections:
        c.needs_review = _correction_needs_review(c, pages.get(c.page), settings)
    for ref in getattr(doc, "references", []):  # file numbers (issue 19): a repaired or badly read one
        ref.needs_review = ref.confidence < settings.review_threshold
        if ref.needs_review and not ref.review_reason:
            ref.review_reason = f"low confidence {ref.confidence:.2f}"


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
                                c.original, c.corrected, c.score / 100.0,
                                c.reason or "correction uncertain", bbox,
                                _context(page.text, c.start, c.end) if page else ""))
    for ref in getattr(doc, "references", []):
        if not ref.needs_review:
            continue
        page = pages.get(ref.page)
        # value: what the page says; suggestion: the file number it was read as
        items.append(ReviewItem(doc.doc_id, ref.page, "references", ref.reference_id, "value", ref.text,
                                ref.value, ref.confidence, f"{ref.kind}: {ref.review_reason}", ref.bbox,
                                _context(page.text, ref.start, ref.end) if page else ""))
    for i, item in enumerate(items):
        item.review_id = f"{doc.doc_id}-r{i:04d}"
    return items


def person_link_items(suggestions, pages: list[dict]) -> list[dict]:
    """Review rows for person links the people stage could not make surely (pipeline/link/people.py):
    a surname that fits several people of the city, or one person whose role or gender does not fit.
    They are rows of the review table (ids '<doc_id>-q0001'); the entity's person_id stays empty
    until a reviewer decides, and its `person_candidates` lists whom it could be."""
    from .link.people import display_name

    texts = {(p["doc_id"], int(p["page"])): p.get("text") or "" for p in pages}
    rows: list[dict] = []
    counter: dict[str, int] = {}
    for s in sorted(suggestions, key=lambda s: s.row.get("entity_id") or ""):
        e = s.row
        i = counter.get(e["doc_id"], 0)
        counter[e["doc_id"]] = i + 1
        text = texts.get((e["doc_id"], int(e.get("page") or 0)), "")
        names = "; ".join(f"{display_name(p)} ({p.person_id})" for p in s.candidates)
        rows.append(dict(review_id=f"{e['doc_id']}-q{i:04d}", doc_id=e["doc_id"], page=e.get("page"),
                         table_name="entities", row_id=e.get("entity_id"), field="person_id", value=None,
                         suggestion=names, confidence=round(1.0 / max(1, len(s.candidates) + 1), 3),
                         reason=f"PERSON: {s.reason}", status="open",
                         context=_context(text, int(e.get("start") or 0), int(e.get("end") or 0)) if text else "",
                         x0=e.get("x0"), y0=e.get("y0"), x1=e.get("x1"), y1=e.get("y1"), crop=None))
    return rows
