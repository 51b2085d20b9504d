"""Extraction stage: page texts in, entities, decision clauses and document fields out."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..config import Settings
from ..records import Decision, DocFields, Entity, Page, union_bbox
from . import docfields, protocol_rows
from .components import SPANS_KEY
from .cues import Cues
from .dates import is_yearless, resolve_year
from .decisions import find_decisions_pages

__all__ = ["extract_document", "spacy_docs"]


def _bare(token: str) -> str:
    return token.strip(".,;:!?()[]\"'„“”‚‘’»«")


def _evidence(page: Page, start: int, end: int, base: float,
              settings: Optional[Settings] = None) -> tuple[float, Optional[str], list[str], object]:
    """Combine a rule's confidence with the OCR confidence and corrections of its words.

    A field is as sure as its weakest evidence: the rule, its least confident OCR word (a word
    repaired as a reviewer did before counts as read) and its lowest correction score."""
    s = settings or Settings()
    words = page.words_in(start, end)
    reasons = []
    conf = base
    corrected = [w for w in words if w.corrected_from]
    read = [w for w in words if w.correction_source != "learned"]
    named = None  # the word the OCR reason names
    if page.read_by_ocr and read:
        low = min(read, key=lambda w: w.confidence)
        if low.confidence < s.ocr_trusted:
            cap = s.ocr_floor + (1 - s.ocr_floor) * low.confidence
            conf = min(conf, cap)
            if low.confidence < s.low_ocr_word or cap < s.review_threshold:
                named = low
                reasons.append(f"OCR confidence {low.confidence:.2f} on '{_bare(low.corrected_from or low.text)}'")
    corrected_from = None
    if corrected:
        corrected_from = " ".join(w.corrected_from for w in corrected)
        score = min(w.correction_score or 0 for w in corrected)
        conf = min(conf, score / 100.0)
        for w in corrected:
            what = "corrected" if w is named else f"'{_bare(w.corrected_from)}' corrected"
            how = ("as a reviewer did before" if w.correction_source == "learned"
                   else f"with score {w.correction_score or 0:.0f}")
            reasons.append(f"{what} to '{_bare(w.text)}' {how}")
    return conf, corrected_from, reasons, union_bbox(words)


def spacy_docs(documents: list[list[Page]], nlp: Language, extra: Optional[Language] = None,
               batch_size: int = 64) -> list[list[Doc]]:
    """The spaCy pass over the pages of several documents at once: one `nlp.pipe` over all their
    pages, so the NER's batches are full even when each document has only a page or two. Each page's
    doc carries its own document's place context, so a page's annotations do not depend on which
    documents share its batch. Returns the docs of each document, in order."""
    rules = nlp.get_pipe("ratsakten_rules")
    made = []
    for pages in documents:
        texts = [p.text for p in pages]
        # the cities the whole document names: a district on page 3 belongs to the city of the letterhead
        context = rules.place_context("\n".join(texts)) if hasattr(rules, "place_context") else None
        for t in texts:
            d = nlp.make_doc(t)
            d._.place_context = context
            d._.page_text = t  # what doc.text would give (spaCy's tokens keep every character)
            if extra is not None:
                xd = extra(t)
                d._.extra_ents = [(e.start_char, e.end_char, e.label_) for e in xd.ents
                                  if e.label_ in ("PER", "LOC", "ORG")]
            made.append(d)
    # decisions are found once per document (find_decisions_pages, points run across page breaks);
    # the spaCy component's per-page clauses are for spaCy users of models/spacy, not read here
    skip = [n for n in ("ratsakten_decisions",) if n in nlp.pipe_names]
    docs = list(nlp.pipe(made, batch_size=max(1, batch_size), disable=skip))
    out, at = [], 0
    for pages in documents:
        out.append(docs[at:at + len(pages)])
        at += len(pages)
    return out


def extract_document(pages: list[Page], nlp: Language, settings: Settings,
                     extra: Optional[Language] = None,
                     docs: Optional[list[Doc]] = None) -> tuple[list[Entity], list[Decision], DocFields]:
    """Entities, decisions and fields of one document. `docs` are its pages' spaCy docs when the
    spaCy pass already ran (over several documents, `spacy_docs`); otherwise it runs here."""
    entities: list[Entity] = []
    councils: list[tuple[Entity, bool]] = []
    clauses = []
    texts = [p.text for p in pages]
    rules = nlp.get_pipe("ratsakten_rules")
    if docs is None:
        docs = spacy_docs([pages], nlp, extra, batch_size=16)[0]
    cues: Cues = rules.cues
    for page, doc in zip(pages, docs):
        mentions = doc._.mentions if doc._.mentions is not None else [s._.mention for s in doc.spans[SPANS_KEY]]
        for m in mentions:
            conf, corrected_from, reasons, bbox = _evidence(page, m.start, m.end, m.confidence, settings)
            if m.reason:
                reasons.insert(0, m.reason)
            ent = Entity(label=m.label, text=page.text[m.start:m.end], value=m.value, page=page.number,
                         start=m.start, end=m.end, confidence=round(conf, 3), corrected_from=corrected_from,
                         bbox=bbox, role=m.role, title=m.title, country=m.country, geonames_id=m.geonames_id,
                         source=m.source, district_of=m.district_of)
            ent.review_reason = "; ".join(reasons)
            entities.append(ent)
            if m.label == "ORG":
                councils.append((ent, m.council))
    _merge_spellings(entities)
    _resolve_surnames(entities)
    fields = _doc_fields(pages, entities, cues)
    home = home_city(pages, entities, cues)
    fields.home_city = home
    named = [e.value for e, _ in councils if e.value not in cues.council_set]
    drop = []
    for e, is_council in councils:
        if not is_council or e.value not in cues.council_set:
            continue
        # 'der Rat' is the 'Rat der Stadt Münster' the memo names elsewhere, else the home city's
        full = next((v for v in named if v.startswith(e.value + " ")), None)
        if full is None and home and e.value != "Rat":
            full = f"{e.value} {home}"
        if full is not None:
            e.value = full
        elif e.value == "Rat":
            drop.append(e)
        else:
            e.review_reason = "council of which city? the document names no home city"
            e.confidence = min(e.confidence, 0.55)
    entities = [e for e in entities if not any(e is d for d in drop)]
    _resolve_yearless(entities, fields.doc_date, settings)
    _implausible_dates(entities, fields.doc_date)
    # one row per numbered point, across page breaks (pipeline/extract/decisions.py)
    for page, found in zip(pages, find_decisions_pages(texts)):
        clauses.extend((page, c) for c in found)
    decisions = _decisions(clauses, entities, fields, cues)
    decisions = protocol_rows.merge(pages, decisions)
    entities.sort(key=lambda e: (e.page, e.start, e.label))
    return entities, decisions, fields


def _doc_fields(pages: list[Page], entities: list[Entity], cues: Cues) -> DocFields:
    text = "\n\n".join(p.text for p in pages)
    first = pages[0].text if pages else ""
    f = DocFields(doc_type=docfields.doc_type(text, cues.doc_type_patterns), title=docfields.title(first) or docfields.title(text),
                  references=docfields.references(text))
    best = None
    for e in entities:
        if e.label != "DATE" or len(e.value) != 10 or is_yearless(e.value):
            continue  # a yearless date ('XXXX-05-12') cannot date the document
        page = pages[e.page - 1]
        cue, why = docfields.date_cue(page.text, e.start, e.end)
        if why == "session date" and f.doc_type == "Niederschrift":
            cue = 0.96  # minutes are dated by their session (as OParl dates them)
        if cue == 0.0:
            continue
        # an issue date stands in the head of the first page, or is named as such anywhere
        position = e.start / max(1, len(page.text))
        weak = cue < 0.9
        score = cue - (0.3 if weak and e.page > 1 else 0) - (0.2 if weak and position > 0.35 else 0)
        score -= 0.001 * e.page + 0.0001 * position  # ties: the earlier one
        if best is None or score > best[0]:
            best = (score, e, why)
    if best is not None and best[0] > 0.15:
        score, e, why = best
        f.doc_date = e.value
        f.doc_date_confidence = round(min(score, e.confidence), 3)
        f.doc_date_reason = why
        f.doc_date_page, f.doc_date_bbox, f.doc_date_text = e.page, e.bbox, e.text
        if e.review_reason:
            f.doc_date_reason += "; " + e.review_reason
    else:
        f.doc_date_reason = "no issue date found on the first pages"
    return f


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def _resolve_surnames(entities: list[Entity]) -> None:
    """'Herr Mentrup', 'Stadtrat Mentrup (SPD)': a surname alone is the person the same document
    names in full ('Dr. Frank Mentrup'), so its value is that full name; not a person of its own.
    Only where exactly one full name in the document ends in that surname ('Frau Schmidt' beside
    'Anne Schmidt' and 'Kurt Schmidt' stays 'Schmidt')."""
    full: dict[str, set[str]] = {}
    for e in entities:
        parts = e.value.split()
        if e.label == "PERSON" and len(parts) >= 2:
            full.setdefault(_fold(parts[-1]), set()).add(e.value)
    for e in entities:
        if e.label != "PERSON" or len(e.value.split()) != 1:
            continue
        names = full.get(_fold(e.value), set())
        if len(names) == 1:
            # no review_reason: that is a doubt, and the calibrator reads it as one; text != value shows it
            (e.value,) = names


def _merge_spellings(entities: list[Entity]) -> None:
    """OCR drops diacritics ('Élise' -> 'Elise', 'Çelik' -> 'Celik'): where the same document spells
    a person with them elsewhere, that spelling is the value."""
    people = [e for e in entities if e.label == "PERSON"]
    best: dict[str, str] = {}
    for e in people:
        key = _fold(e.value)
        richer = sum(ord(c) > 127 for c in e.value) > sum(ord(c) > 127 for c in best.get(key, ""))
        if key not in best or richer:
            best[key] = e.value
    for e in people:
        want = best[_fold(e.value)]
        if want != e.value:
            e.corrected_from = e.corrected_from or e.value
            e.review_reason = "; ".join(x for x in (e.review_reason, f"spelled '{want}' elsewhere in the document") if x)
            e.value = want


def home_city(pages: list[Page], entities: list[Entity], cues: Cues) -> Optional[str]:
    """The city whose memo this is: letterhead ('Landeshauptstadt Dresden'), the place-and-date
    line ('Radebeul, den 24. April 2023'), else the German city named most often."""
    cities = [e for e in entities if e.label == "CITY"]
    if not cities:
        return None
    first = pages[0].text
    head_end = sum(len(x) + 1 for x in first.split("\n")[:8])
    for e in cities:
        if e.page != 1 or e.start > head_end:
            continue
        before = first[first.rfind("\n", 0, e.start) + 1:e.start]
        after = first[e.end:e.end + 3]
        if cues.letterhead.fullmatch(before) \
                and (after[:1] in ("\n", ",", "") or after.startswith(" \u00b7")):
            return e.value
    for page in pages:
        for e in cities:
            if e.page == page.number and re.match(r",\s*(?:den\s+)?\d", page.text[e.end:e.end + 8]) and \
                    page.text[page.text.rfind("\n", 0, e.start) + 1:e.start].strip() == "":
                return e.value
    german = [e.value for e in cities if e.country == "DE"]
    if german:
        return max(set(german), key=lambda v: (german.count(v), -german.index(v)))
    return None


def _implausible_dates(entities: list[Entity], doc_date: Optional[str]) -> None:
    """A memo rarely names a date years after it was written: an OCR-misread year ('2027')."""
    if not doc_date or not doc_date[:4].isdigit():  # no date, or a yearless one ('XXXX-05-04')
        return
    limit = int(doc_date[:4]) + 2
    for e in entities:
        if e.label == "DATE" and e.value[:4].isdigit() and int(e.value[:4]) > limit:
            e.confidence = min(e.confidence, 0.5)
            e.review_reason = "; ".join(x for x in (e.review_reason, f"year {e.value[:4]} is more than two years "
                                                    f"after the document date {doc_date}") if x)


def _resolve_yearless(entities: list[Entity], doc_date: Optional[str], settings: Settings) -> None:
    for e in entities:
        if e.label == "DATE" and is_yearless(e.value):
            value, why = resolve_year(e.value, doc_date)
            e.review_reason = why
            e.confidence = min(e.confidence, settings.yearless_date_confidence)
            if value:  # otherwise the value stays 'XXXX-MM-DD': the year is unknown
                e.value = value


def _decisions(clauses, entities: list[Entity], fields: DocFields, cues: Cues) -> list[Decision]:
    out: list[Decision] = []
    dates = [e for e in entities if e.label == "DATE" and len(e.value) == 10]
    bodies = [e for e in entities if e.label == "ORG" and cues.body_word.search(e.value)]
    # a session date stated anywhere ("Sitzung des Stadtrates am 20. April 2023") is the
    # default decision date for clauses that state none
    session = None
    for e in dates:
        page_text = next((c[0].text for c in clauses if c[0].number == e.page), None)
        if page_text is None:
            continue
        before = page_text[max(0, e.start - 80):e.start]
        after = page_text[e.end:e.end + 40]
        if docfields.is_session_date(page_text, e.start) or \
                re.search(r"(?:[Ss]itzung|Beschluss|beschlossen|tagte)\b[^.\n]{0,60}?(?:am|vom|,)\s*$", before) or \
                re.match(r"^[^.\n]{0,25}\b(?:beschlossen|beschloss|zugestimmt|gefasst)\b", after):
            session = e
            break
    for page, c in clauses:
        date = None
        conf = c.confidence
        reason = [c.review_reason] if c.review_reason else []
        if c.date_span:
            date = next((e for e in dates if e.page == page.number and c.date_span[0] <= e.start < c.date_span[1]), None)
        proposal = fields.doc_type in ("Beschlussvorlage", "Antrag")  # not decided yet
        if date is None:  # 'am 20. November 2019 zugestimmt': the date the clause itself gives
            for e in dates:
                if e.page == page.number and c.start <= e.start < c.end and re.match(
                        r"^[^.\n]{0,25}\b(?:beschlossen|beschloss|zugestimmt|gefasst|abgelehnt|vertagt|verwiesen|"
                        r"bekundet|beauftragt|verurteilt)\b", page.text[e.end:e.end + 40]):
                    date = e
                    break
        if date is None and session is not None and not proposal:
            date = session
        if date is None and not proposal:  # a date inside the clause, when nothing says which session
            inside = [e for e in dates if e.page == page.number and c.start <= e.start < c.end]
            date = inside[0] if inside else None
            if date is not None:
                conf = min(conf, 0.6)
                reason.append(f"decision date '{date.text}' guessed from a date in the clause")
        if date is None and not proposal:
            reason.append("no decision date found")
            conf = min(conf, 0.55)
        body = c.body
        if body:
            in_clause = [e for e in bodies if e.page == page.number and c.start <= e.start < c.end]
            if in_clause:
                body = in_clause[0].value
            else:  # 'Der Stadtrat beschließt:' above a list: the body the memo names in full
                same = [e for e in bodies if e.value == body or e.value.startswith(body + " ")]
                prior = [e for e in same if (e.page, e.start) <= (page.number, c.start)]
                pick = prior[-1] if prior else (same[0] if same else None)
                if pick is not None:
                    body = pick.value
        else:
            before = [e for e in bodies if (e.page, e.start) <= (page.number, c.start)]
            if before:
                body = before[-1].value
                conf = min(conf, 0.75)
            elif bodies:
                body = bodies[0].value
                conf = min(conf, 0.65)
            else:
                reason.append("no deciding body found")
                conf = min(conf, 0.55)
        words = page.words_in(c.start, c.end)
        if page.read_by_ocr and words:
            mean = sum(w.confidence for w in words) / len(words)
            if mean < 0.7:
                reason.append(f"mean OCR confidence {mean:.2f} in the clause")
                conf = min(conf, mean)
        out.append(Decision(page=page.number, item=c.item, body=body, decision_date=date.value if date else None,
                            kind=c.kind, text=c.text, outcome=c.outcome, confidence=round(conf, 3),
                            start=c.start, end=c.end, votes=c.votes, review_reason="; ".join(reason),
                            bbox=union_bbox(words), result=None if proposal else c.result,
                            votes_yes=c.votes_yes, votes_no=c.votes_no, votes_abstain=c.votes_abstain,
                            unanimous=c.unanimous, referred_to=c.referred_to, reference=c.reference,
                            mention=c.mention))
    return out
