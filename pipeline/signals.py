"""What the pipeline knows about how sure one value is: typed signals for the calibrator.

Every value (entity, decision, issue date, correction) gets one `Signals` record, collected from
what the earlier stages left on the words, pages and values: the OCR confidence of each word in the
span (minimum, mean and geometric mean: a mean hides the one misread letter), whether a word was
repaired and with what score, which detectors found it (NER model, gazetteer, rule, cue), how
common the surface is as an ordinary word (German lexicon and real council text), the page's OCR
quality, document type, text source, position and length. `pipeline/calibrate.py` turns the
signals into the probability that the value is right.

`collect(doc, wordfreq, lexicon)` is pure and idempotent: a value that already has signals keeps
them (so the extractor's own confidence survives the calibrator overwriting `confidence`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Optional

from .records import Decision, DocumentResult, Page, Word

LOW_WORD = 0.6  # an OCR word below this is one the reviewer is told about ("OCR unsure of 2 letters")
DOC_TYPES = ("Hausmitteilung", "Brief", "Niederschrift", "Beschlussvorlage", "Pressemitteilung", "Webseite",
             "Antrag")
_CORE = re.compile(r"[A-Za-zÄÖÜäöüßÀ-ÿ]+(?:-[A-Za-zÄÖÜäöüßÀ-ÿ]+)*")
_STAMP_MONTH = re.compile(r"\b(?:JAN|FEB|MRZ|MÄR|APR|MAI|JUN|JUL|AUG|SEP|OKT|NOV|DEZ)\b")


@dataclass
class Signals:
    """One value's evidence. Fields are plain numbers and flags so the calibrator can read them."""

    kind: str  # PERSON | CITY | ORG | DATE | DISTRICT | decision | result | doc_date | correction
    rule_confidence: float  # the confidence the extracting rule gave (before calibration)
    surface: str = ""
    ocr_min: float = 1.0  # lowest OCR word confidence in the span (1.0 on a text layer)
    ocr_mean: float = 1.0
    ocr_geo: float = 1.0
    low_words: int = 0  # OCR words below LOW_WORD in the span
    low_word: str = ""  # the least sure of them, for the reason
    n_words: int = 0
    n_chars: int = 0
    repaired: bool = False
    repair_score: float = 100.0  # lowest correction score of a repaired word (100 when none)
    learned_repair: bool = False
    page_ocr: bool = False
    page_confidence: float = 1.0  # page mean OCR confidence (1.0 on a text layer)
    page_low_share: float = 0.0  # share of the page's words below LOW_WORD
    page_words: int = 0
    position: float = 0.0  # start / page text length
    doc_type: str = ""
    mixed_source: bool = False
    lexicon_zipf: float = 0.0  # the most common word of the surface in the German lexicon
    council_count: float = 0.0  # log10(1 + count) of that word in real council text, as written
    lowercase_count: float = 0.0  # log10(1 + count) of its lowercase form (an ordinary adjective, verb)
    lower_initial: bool = False
    upper_share: float = 0.0  # capital letters among letters ('MRZ' stamps, all-caps pages)
    by_model: bool = False
    by_rule: bool = False
    by_gazetteer: bool = False
    repeats: int = 1  # how often the same value occurs in the document
    extractor_doubt: bool = False  # the extractor itself gave a reason to doubt
    stamp: bool = False  # a date in stamp form ('21. MRZ. 2024')
    date_precision: int = 0  # DATE: 0 year, 1 month, 2 day
    yearless: bool = False  # DATE: the text gives no year; the value's year was inferred
    value_differs: bool = False  # the value is not the surface as written (case ending, canonical name)
    odd_chars: float = 0.0  # share of characters that are neither letters, digits, space, '-', '.'
    unknown_words: float = 0.0  # share of the surface's words unknown to the lexicon and council text
    given_name: bool = False  # PERSON: the first word is a known given name
    prior_seen: int = 0  # how often this value (label, value) was judged in training or by reviewers
    prior_wrong: float = 0.0  # the smoothed share of those judgements that found it wrong
    prev_damaged: bool = False  # the word before the span looks misread (digits and letters mixed, odd marks)
    next_damaged: bool = False
    prev_low: float = 1.0  # OCR confidence of the word before / after the span
    next_low: float = 1.0
    # decisions
    has_date: bool = True
    has_body: bool = True
    has_votes: bool = False
    # decision results (kind 'result'): is a result statement printed, does its wording alone say the
    # recorded result (else the results model inferred it from the Beschluss text or the debate)
    result_printed: bool = False
    result_rule_agrees: bool = False
    result_by_model: bool = False
    has_reference: bool = False
    mention: bool = False
    # doc_date: a 'Datum:' label carries a value that did not become the issue date (unreadable or
    # unparsed: '30.5.21'), so the date came from elsewhere in the document
    date_label_unreadable: bool = False
    # corrections
    applied: bool = True
    reviewer_learned: bool = False
    extra: dict[str, float] = field(default_factory=dict)  # signals of issue 14/15 components, if any

    def vector(self) -> dict[str, float]:
        """The numeric features, by name (the calibrator stores which names it was fitted on)."""
        v = {
            "rule_confidence": self.rule_confidence, "ocr_min": self.ocr_min, "ocr_mean": self.ocr_mean,
            "ocr_geo": self.ocr_geo, "low_words": min(self.low_words, 5), "n_words": math.log1p(self.n_words),
            "n_chars": math.log1p(self.n_chars), "repaired": float(self.repaired),
            "repair_gap": (100.0 - self.repair_score) / 100.0, "learned_repair": float(self.learned_repair),
            "page_ocr": float(self.page_ocr), "page_confidence": self.page_confidence,
            "page_low_share": self.page_low_share, "position": self.position, "mixed_source": float(self.mixed_source),
            "lexicon_zipf": self.lexicon_zipf, "council_count": self.council_count,
            "lowercase_count": self.lowercase_count, "lower_initial": float(self.lower_initial),
            "upper_share": self.upper_share, "by_model": float(self.by_model), "by_rule": float(self.by_rule),
            "by_gazetteer": float(self.by_gazetteer), "repeats": math.log1p(self.repeats - 1),
            "extractor_doubt": float(self.extractor_doubt), "stamp": float(self.stamp),
            "has_date": float(self.has_date), "has_body": float(self.has_body), "has_votes": float(self.has_votes),
            "applied": float(self.applied), "reviewer_learned": float(self.reviewer_learned),
            "date_precision": float(self.date_precision), "yearless": float(self.yearless),
            "value_differs": float(self.value_differs), "odd_chars": self.odd_chars,
            "unknown_words": self.unknown_words, "given_name": float(self.given_name),
            "prev_damaged": float(self.prev_damaged), "next_damaged": float(self.next_damaged),
            "prev_low": self.prev_low, "next_low": self.next_low,
            "prior_seen": math.log1p(self.prior_seen), "prior_wrong": self.prior_wrong,
            "result_printed": float(self.result_printed), "result_rule_agrees": float(self.result_rule_agrees),
            "result_by_model": float(self.result_by_model), "has_reference": float(self.has_reference),
            "mention": float(self.mention), "date_label_unreadable": float(self.date_label_unreadable),
        }
        for t in DOC_TYPES:
            v["type_" + t] = float(self.doc_type == t)
        v.update(self.extra)
        return v


def _span_words(page: Optional[Page], start: int, end: int) -> list[Word]:
    return page.words_in(start, end) if page is not None and start >= 0 and end > start else []


def _fill_span(s: Signals, page: Optional[Page], words: list[Word]) -> None:
    if page is None:
        return
    s.page_ocr = page.source == "ocr"
    s.page_words = len(page.words)
    if s.page_ocr:
        s.page_confidence = page.confidence if page.confidence is not None else (
            sum(w.confidence for w in page.words) / len(page.words) if page.words else 0.0)
        s.page_low_share = (sum(w.confidence < LOW_WORD for w in page.words) / len(page.words)
                            if page.words else 1.0)
    s.n_words = len(words)
    read = [w for w in words if w.correction_source != "learned"]
    if s.page_ocr and read:
        confs = [max(1e-3, min(1.0, w.confidence)) for w in read]
        s.ocr_min = min(confs)
        s.ocr_mean = sum(confs) / len(confs)
        s.ocr_geo = math.exp(sum(math.log(c) for c in confs) / len(confs))
        low = [w for w in read if w.confidence < LOW_WORD]
        s.low_words = len(low)
        if low:
            s.low_word = min(low, key=lambda w: w.confidence).text
    fixed = [w for w in words if w.corrected_from]
    if fixed:
        s.repaired = True
        s.repair_score = min(w.correction_score or 0.0 for w in fixed)
        s.learned_repair = any(w.correction_source == "learned" for w in fixed)


_DAMAGED = re.compile(r"(?:\d[A-Za-zÄÖÜäöüß]|[A-Za-zÄÖÜäöüß]\d|[|!\\/{}<>~^_=]|^[IlOo][.,]$|^[IlOo]\d)")


def _word_key(w: Word) -> tuple:
    return (w.text, w.bbox, w.confidence, w.source, w.line, w.block, w.corrected_from, w.correction_score,
            w.correction_source, w.start, w.end)


def _first_index(ws: list[Word]) -> dict[tuple, int]:
    """Each word's position as `ws.index(word)` gives it (the first equal word), in one pass over the
    page instead of one scan per value."""
    first: dict[tuple, int] = {}
    for i, w in enumerate(ws):
        first.setdefault(_word_key(w), i)
    return first


def _fill_context(s: Signals, page: Optional[Page], words: list[Word],
                  index: Optional[dict[tuple, int]] = None) -> None:
    """The words just before and after the span: a misread neighbour often means a value cut short
    ('1O. Dezember 2018' read as 'Dezember 2018')."""
    if page is None or not words:
        return
    ws = page.words
    try:
        if index is None:
            i, j = ws.index(words[0]), ws.index(words[-1])
        else:
            i, j = index[_word_key(words[0])], index[_word_key(words[-1])]
    except (ValueError, KeyError, TypeError):  # TypeError: a box that is not a tuple cannot be a key
        if index is None:
            return
        return _fill_context(s, page, words)
    if i > 0 and ws[i - 1].line == words[0].line:
        s.prev_damaged = bool(_DAMAGED.search(ws[i - 1].text))
        s.prev_low = ws[i - 1].confidence if page.source == "ocr" else 1.0
    if j + 1 < len(ws) and ws[j + 1].line == words[-1].line:
        s.next_damaged = bool(_DAMAGED.search(ws[j + 1].text))
        s.next_low = ws[j + 1].confidence if page.source == "ocr" else 1.0


def _fill_surface(s: Signals, surface: str, wordfreq: dict[str, int], lexicon: dict[str, float]) -> None:
    s.surface = surface
    s.n_chars = len(surface)
    letters = [c for c in surface if c.isalpha()]
    s.upper_share = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    s.lower_initial = bool(letters) and surface.lstrip()[:1].islower()
    odd = [c for c in surface if not (c.isalnum() or c in " -.")]
    s.odd_chars = len(odd) / max(1, len(surface))
    toks = _CORE.findall(surface)
    if toks:
        s.unknown_words = sum(1 for t in toks if lexicon.get(t.lower(), 0.0) < 1.0 and wordfreq.get(t, 0) < 2)
        s.unknown_words /= len(toks)
    best = None
    for tok in toks:
        z = lexicon.get(tok.lower(), lexicon.get(tok.lower().replace("ß", "ss"), 0.0))
        if best is None or z > best[0]:
            best = (z, tok)
    if best is not None:
        s.lexicon_zipf = best[0]
        s.council_count = math.log10(1 + wordfreq.get(best[1], 0))
        s.lowercase_count = math.log10(1 + wordfreq.get(best[1].lower(), 0))


PRIOR_WEIGHT, PRIOR_BASE = 2.0, 0.07  # pseudo-judgements at the overall wrong rate


def value_key(label: str, value: str) -> tuple[str, str]:
    return label, " ".join(str(value).split()).lower()


def set_prior(s: Signals, right: int, wrong: int) -> None:
    s.prior_seen = right + wrong
    s.prior_wrong = (wrong + PRIOR_WEIGHT * PRIOR_BASE) / (right + wrong + PRIOR_WEIGHT)


def collect(doc: DocumentResult, wordfreq: dict[str, int], lexicon: dict[str, float],
            given_names: frozenset[str] = frozenset(),
            prior: Optional[dict[tuple[str, str], tuple[int, int]]] = None) -> None:
    """Attach `signals` to every value of the document that has none yet. `prior`: (label, value) ->
    (times judged right, times judged wrong) in training and by reviewers."""
    pages = {p.number: p for p in doc.pages}
    doc_type = doc.fields.doc_type or ""
    mixed = doc.text_source == "mixed"
    values: dict[tuple[str, str], int] = {}
    indexes: dict[int, Optional[dict[tuple, int]]] = {}  # page number -> _first_index of its words
    for e in doc.entities:
        values[(e.label, e.value)] = values.get((e.label, e.value), 0) + 1
    for e in doc.entities:
        if e.signals is not None:
            continue
        page = pages.get(e.page)
        s = Signals(kind=e.label, rule_confidence=float(e.confidence), doc_type=doc_type, mixed_source=mixed)
        words = _span_words(page, e.start, e.end)
        _fill_span(s, page, words)
        if page is not None and page.number not in indexes:
            try:
                indexes[page.number] = _first_index(page.words)
            except TypeError:  # an unhashable field: the plain scan
                indexes[page.number] = None
        _fill_context(s, page, words, indexes.get(page.number) if page is not None else None)
        _fill_surface(s, e.text, wordfreq, lexicon)
        if page is not None and page.text:
            s.position = e.start / max(1, len(page.text))
        src = set((e.source or "").split("+"))
        s.by_model, s.by_rule, s.by_gazetteer = "model" in src, "rule" in src, "gazetteer" in src
        s.repeats = values.get((e.label, e.value), 1)
        s.extractor_doubt = bool(e.review_reason)
        s.stamp = e.label == "DATE" and bool(_STAMP_MONTH.search(e.text))
        if e.label == "DATE":
            s.date_precision = {4: 0, 7: 1}.get(len(e.value), 2)
            s.yearless = not re.search(r"\d{2,4}\s*$", e.text.strip().rstrip(".)")) or bool(
                re.search(r"\d{1,2}\.\d{1,2}\.\)?$", e.text.strip()))
        s.value_differs = " ".join(e.value.split()).lower() != " ".join(e.text.split()).lower()
        first = _CORE.findall(e.text)
        s.given_name = e.label == "PERSON" and bool(first) and first[0] in given_names
        set_prior(s, *((prior or {}).get(value_key(e.label, e.value), (0, 0))))
        e.signals = s
    for d in doc.decisions:
        if d.signals is not None:
            continue
        page = pages.get(d.page)
        s = Signals(kind="decision", rule_confidence=float(d.confidence), doc_type=doc_type, mixed_source=mixed)
        _fill_span(s, page, _span_words(page, d.start, d.end))
        s.n_chars = len(d.text or "")
        if page is not None and page.text and d.start >= 0:
            s.position = d.start / max(1, len(page.text))
        s.has_date, s.has_body, s.has_votes = d.decision_date is not None, d.body is not None, d.votes is not None
        s.extractor_doubt = bool(d.review_reason)
        s.has_reference, s.mention = bool(d.reference), bool(d.mention)
        d.signals = s
    for d in doc.decisions:
        if d.result_signals is not None or d.result is None:
            continue
        if doc_type != "Niederschrift" and not (d.votes or "").strip():
            continue  # the result model knows minutes' result sections; a memo's resolution keeps the old rule
        page = pages.get(d.page)
        d.result_signals = result_signals(d, page, doc_type, mixed)
    f = doc.fields
    if f.doc_date_signals is None:
        s = Signals(kind="doc_date", rule_confidence=float(f.doc_date_confidence if f.doc_date else 0.0),
                    doc_type=doc_type, mixed_source=mixed, has_date=f.doc_date is not None)
        page = pages.get(f.doc_date_page) if f.doc_date_page else None
        date_ent = next((e for e in doc.entities if e.label == "DATE" and e.page == f.doc_date_page
                         and e.text == f.doc_date_text), None)
        if date_ent is not None and date_ent.signals is not None:
            for name in ("ocr_min", "ocr_mean", "ocr_geo", "low_words", "low_word", "n_words", "repaired",
                         "repair_score", "learned_repair", "position", "stamp", "upper_share", "prev_damaged",
                         "next_damaged", "prev_low", "next_low", "date_precision", "yearless"):
                setattr(s, name, getattr(date_ent.signals, name))
            s.n_chars = len(f.doc_date_text or "")
        if page is not None:
            s.page_ocr = page.source == "ocr"
            s.page_words = len(page.words)
            if s.page_ocr and page.words:
                s.page_confidence = page.confidence if page.confidence is not None else 0.0
                s.page_low_share = sum(w.confidence < LOW_WORD for w in page.words) / len(page.words)
        s.extractor_doubt = "; " in (f.doc_date_reason or "")
        s.date_label_unreadable = date_label_unreadable(doc.pages, f.doc_date_text)
        f.doc_date_signals = s
    for c in doc.corrections:
        if c.signals is not None:
            continue
        page = pages.get(c.page)
        s = Signals(kind="correction", rule_confidence=float(c.score) / 100.0, doc_type=doc_type, mixed_source=mixed,
                    applied=bool(c.applied), reviewer_learned=c.source == "learned")
        words = _span_words(page, c.start, c.end)
        _fill_span(s, page, words)
        # the repaired word itself reads as corrected: its OCR confidence is what was read
        if words and s.page_ocr:
            confs = [max(1e-3, w.confidence) for w in words]
            s.ocr_min, s.ocr_mean = min(confs), sum(confs) / len(confs)
            s.ocr_geo = math.exp(sum(math.log(x) for x in confs) / len(confs))
            s.low_words = sum(x < LOW_WORD for x in confs)
        _fill_surface(s, c.original, wordfreq, lexicon)
        if page is not None and page.text:
            s.position = c.start / max(1, len(page.text))
        s.by_gazetteer = "gazetteer" in (c.source or "")
        s.by_rule = "lexicon" in (c.source or "")
        c.signals = s


_DATE_LABEL = re.compile(r"^[ \t]*(?:Datum|Date)[ \t]*:[ \t]*(\S[^\n]*)$", re.M | re.I)


def date_label_unreadable(pages: list[Page], doc_date_text: Optional[str]) -> bool:
    """A 'Datum:' label with a value on its line that is not where the issue date was read
    ('Datum: 30.5.21' left unparsed, the date then taken from a 'vom …' in the text)."""
    values = [m.group(1) for p in pages for m in _DATE_LABEL.finditer(p.text or "")]
    if not values:
        return False
    return not (doc_date_text and any(doc_date_text.strip() in v for v in values))


def result_signals(d: Decision, page: Optional[Page], doc_type: str = "", mixed: bool = False) -> Signals:
    """Evidence for a decision's recorded result: printed or inferred, and the results model's own
    probability (`result_confidence`)."""
    from .extract.results import rule_category

    s = Signals(kind="result", rule_confidence=float(d.result_confidence if d.result_confidence is not None else 0.0),
                doc_type=doc_type, mixed_source=mixed, surface=d.votes or "")
    statement = (d.votes or "").strip()
    _fill_span(s, page, _span_words(page, d.start, d.end))
    s.n_chars = len(statement)
    stated = rule_category(statement) if statement else None
    s.has_votes = d.votes_yes is not None or bool(d.unanimous)
    # printed: the statement names a result or gives the vote ('Keine Abstimmung' alone does neither)
    s.result_printed = stated is not None or s.has_votes
    s.result_rule_agrees = stated is not None and stated == d.result
    s.result_by_model = not s.result_rule_agrees
    s.has_date, s.has_body = d.decision_date is not None, d.body is not None
    s.has_reference, s.mention = bool(d.reference), bool(d.mention)
    if page is not None and page.text and d.start >= 0:
        s.position = d.start / max(1, len(page.text))
    return s


def page_signals(page: Page) -> tuple[float, float, int]:
    """(mean OCR confidence, share of words below LOW_WORD, words) of an OCR page."""
    if not page.words:
        return 0.0, 1.0, 0
    mean = page.confidence if page.confidence is not None else sum(w.confidence for w in page.words) / len(page.words)
    return mean, sum(w.confidence < LOW_WORD for w in page.words) / len(page.words), len(page.words)
