"""Review stage: the one place that decides which values a person must check, and the queue.

`decide` sets `needs_review` (and a reason a person understands) on every entity, decision and
correction; `build_review` turns the flagged ones, and an uncertain issue date, into queue items.
No other stage sets `needs_review`.
"""
from __future__ import annotations

from typing import Optional

from . import calibrate
from .config import UNPRINTED_RESULT_CONFIDENCE, Settings
from .lexicon import load_lexicon
from .records import Correction, DocumentResult, Entity, Page, ReviewItem, union_bbox
from .signals import Signals, collect, page_signals

_FOUND_BY = {"model": "found only by the statistical model; no rule or gazetteer agrees",
             "rule": "found by a pattern rule only", "gazetteer": "found by the gazetteer only"}
COMMON_ZIPF = 3.5  # a surface at least this frequent in German is "also a common word"
NAME_KINDS = ("PERSON", "CITY", "DISTRICT", "ORG")


def _why_low(e: Entity) -> str:
    how = _FOUND_BY.get(e.source, "found by " + " and ".join(e.source.split("+")))
    return f"confidence {e.confidence:.2f}: {how}"


def _bare(word: str) -> str:
    return word.strip(".,;:!?()[]\"'„“”‚‘’»«")


def explain(s: Signals, p: Optional[float], extractor_reason: str = "") -> str:
    """Why a person should look, in a reviewer's words, most telling reason first."""
    parts: list[str] = []
    if s.kind == "doc_date" and not s.has_date and not extractor_reason.startswith("no issue date"):
        parts.append("no issue date found")
    if s.kind == "doc_date" and s.date_label_unreadable:
        parts.append("the 'Datum:' field could not be read; the date was taken from elsewhere")
    if s.stamp and s.page_ocr and s.ocr_min < 0.9:
        parts.append("date read from a damaged stamp")
    if s.low_words:
        what = f"'{_bare(s.low_word)}'" if s.low_word else ""
        parts.append(f"OCR unsure of {s.low_words} word{'s' if s.low_words > 1 else ''}"
                     + (f" ({what})" if what and s.low_words == 1 else (f", least sure {what}" if what else "")))
    elif s.page_ocr and s.ocr_min < 0.85:
        parts.append(f"OCR only {s.ocr_min:.0%} sure of a word")
    if s.repaired and not s.learned_repair:
        parts.append(f"OCR repaired (score {s.repair_score:.0f})")
    if s.kind in ("CITY", "DISTRICT", "PERSON") and s.lexicon_zipf >= COMMON_ZIPF and len(s.surface.split()) == 1:
        parts.append(f"'{_bare(s.surface)}' is also a common word")
    if s.kind == "DATE" and s.date_precision == 0:
        parts.append("a year on its own")
    elif s.kind == "DATE" and s.date_precision == 1:
        parts.append("month and year only (a day may have been lost)")
    if s.prior_seen >= 2 and s.prior_wrong > 0.5:
        parts.append(f"'{_bare(s.surface)}' was usually wrong before ({s.prior_seen} times checked)")
    if s.kind == "ORG" and s.value_differs:
        parts.append("name changed from how it is written")
    if s.kind in NAME_KINDS and s.by_model and not (s.by_rule or s.by_gazetteer):
        parts.append("found only by the statistical name model")
    if s.page_ocr and s.page_confidence < 0.75:
        parts.append("the page is poorly legible")
    if extractor_reason:
        parts.append(extractor_reason)
    if s.kind == "correction" and not s.applied:
        parts.append("a suggested repair, not applied")
    if p is not None:
        parts.append(f"estimated {p:.0%} likely right")
    return "; ".join(dict.fromkeys(parts)) or "confidence low"


def _correction_needs_review(c: Correction, page: Page | None, settings: Settings) -> bool:
    """A suggestion always; an applied repair when OCR was unsure of what it repaired; never a
    repair a reviewer made before (used when no calibrator is installed)."""
    if not c.applied:
        return True
    if c.source == "learned" or page is None:
        return False
    words = page.words_in(c.start, c.end)
    return bool(words) and min(w.confidence for w in words) < settings.low_ocr_word


def decide(doc: DocumentResult, settings: Settings) -> None:
    """Set confidence (the calibrated probability that the value is right) and needs_review (below
    the kind's threshold chosen on dev) on every value. Without a saved calibrator the extractor's
    confidences stand and `settings.review_threshold` decides."""
    models = str(settings.models_dir)
    cal = calibrate.load(models)
    collect(doc, calibrate.load_wordfreq(models), load_lexicon(models), calibrate.load_given_names(models),
            calibrate.load_prior(models))
    pages = {p.number: p for p in doc.pages}
    model_only_cap = calibrate.load_model_only(models)

    def judge(s: Signals) -> tuple[Optional[float], bool]:
        p = cal.probability(s) if cal is not None else None
        if s.kind in model_only_cap and s.by_model and not (s.by_rule or s.by_gazetteer):
            # a name the NER model alone found: the calibrator's generated training data holds too few to judge
            # them, so the rate measured on real council text caps it, and a person always looks
            return min(s.rule_confidence if p is None else p, model_only_cap[s.kind]), True
        if p is None:
            return None, s.rule_confidence < settings.review_threshold
        return p, p < cal.threshold(s.kind, settings.review_threshold)

    for e in doc.entities:
        p, flag = judge(e.signals)
        if p is not None:
            e.confidence = round(p, 3)
        e.needs_review = flag
        if flag:
            e.review_reason = explain(e.signals, p, e.review_reason) if cal is not None else (
                e.review_reason or _why_low(e))
    for d in doc.decisions:
        p, flag = judge(d.signals)
        if p is not None:
            d.confidence = round(p, 3)
        d.needs_review = flag
        if flag:
            d.review_reason = explain(d.signals, p, d.review_reason) if cal is not None else (
                d.review_reason or f"low confidence {d.confidence:.2f}")
        rp = cal.probability(d.result_signals) if cal is not None and d.result_signals is not None else None
        if rp is not None:  # kind 'result': the calibrated probability that the recorded result is right
            if not (d.votes or "").strip():  # no result statement at all: a guess, as the extractor capped it
                rp = min(rp, UNPRINTED_RESULT_CONFIDENCE)
            d.result_confidence = round(rp, 3)
            if rp < cal.threshold("result", settings.review_threshold):
                d.needs_review = True
                why = (f"result '{d.result}' " + ("as printed" if d.result_signals.result_rule_agrees else
                       "inferred, no result statement printed" if not d.result_signals.result_printed else
                       "read by the results model from the statement") + f"; estimated {rp:.0%} likely right")
                d.review_reason = f"{d.review_reason}; {why}" if d.review_reason else why
        elif d.result_confidence is not None and d.result_confidence < settings.review_threshold:
            d.needs_review = True  # the recorded result is a guess (results model unsure)
            why = f"result '{d.result}' uncertain ({d.result_confidence:.2f})"
            d.review_reason = f"{d.review_reason}; {why}" if d.review_reason else why
    f = doc.fields
    p, flag = judge(f.doc_date_signals)
    if p is not None and f.doc_date is not None:
        f.doc_date_confidence = round(p, 3)
    f.doc_date_needs_review = flag or f.doc_date is None
    if f.doc_date_needs_review and cal is not None:
        f.doc_date_reason = explain(f.doc_date_signals, p if f.doc_date else None, f.doc_date_reason)
    for c in doc.corrections:
        if cal is None or not c.applied or c.source == "learned":
            c.needs_review = _correction_needs_review(c, pages.get(c.page), settings)
            if cal is not None and c.needs_review:
                c.reason = explain(c.signals, None, c.reason)
            continue
        p, flag = judge(c.signals)
        c.probability = round(p, 3) if p is not None else None
        c.needs_review = flag
        if flag:
            c.reason = explain(c.signals, p, c.reason)
    for ref in getattr(doc, "references", []):  # file numbers (issue 19): a repaired or badly read one
        ref.needs_review = ref.confidence < settings.review_threshold
        if ref.needs_review and not ref.review_reason:
            ref.review_reason = f"low confidence {ref.confidence:.2f}"


def poor_pages(doc: DocumentResult, settings: Settings) -> list[tuple[Page, float]]:
    """OCR pages whose text is probably poor (values on them may be missing, not only wrong), with
    the probability that the text is good."""
    cal = calibrate.load(str(settings.models_dir))
    model = cal.models.get("page") if cal is not None else None
    out = []
    for page in doc.pages:
        if page.source != "ocr":
            continue
        mean, low, n = page_signals(page)
        s = Signals(kind="page", rule_confidence=mean, page_ocr=True, page_confidence=mean, page_low_share=low,
                    page_words=n, n_words=n)
        if model is not None:
            p = model.probability(s)
            if p < model.threshold:
                out.append((page, p))
        elif n == 0 or mean < 0.6:
            out.append((page, mean))
    return out


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
    flag_date = f.doc_date_needs_review if f.doc_date_needs_review is not None else (
        f.doc_date is None or f.doc_date_confidence < settings.review_threshold)
    for page, p in poor_pages(doc, settings):
        items.append(ReviewItem(doc.doc_id, page.number, "pages", f"{doc.doc_id}-p{page.number}", "text", None, None,
                                p, f"page {page.number} is poorly legible: values on it may be missing, not only "
                                f"wrong (estimated {p:.0%} likely good text)", None, _context(page.text, 0, 0, 200)))
    if flag_date:
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
                                c.original, c.corrected,
                                c.probability if c.probability is not None else c.confidence,
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
    # most likely wrong first: the expected benefit of checking a value is the chance it is wrong
    # (page rows first: a poor page can hide values no other row shows)
    items.sort(key=lambda it: (it.table_name != "pages", it.confidence))
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
