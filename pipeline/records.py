"""Typed records passed between stages. Position and confidence travel from the first stage."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    from PIL import Image

    from .signals import Signals

BBox = tuple[float, float, float, float]  # x0, y0 (top), x1, y1 (bottom) in PDF points


@dataclass
class Word:
    text: str
    bbox: Optional[BBox]
    confidence: float  # 0-1; 1.0 for a good text layer
    source: str  # "text" (exact: a born-digital layer) | "ocr" (read by OCR, ours or a text layer's)
    line: int = 0  # line number on the page (layout stage)
    block: int = 0
    corrected_from: Optional[str] = None
    correction_score: Optional[float] = None
    correction_source: Optional[str] = None  # gazetteer or lexicon; 'learned' = a reviewer's earlier answer
    start: int = -1  # offsets into Page.text, set when text is rendered
    end: int = -1


def union_bbox(words: list["Word"]) -> Optional[BBox]:
    """The box around the words that have one (None if none has)."""
    boxes = [w.bbox for w in words if w.bbox]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


@dataclass
class OcrWord:
    """One word as the OCR engine reports it, in pixels of the image it was given."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0-1
    block: int
    line: int  # unique line key within the page


@dataclass
class ScanPage:
    """A page that needs OCR; the image is produced lazily so that pages stream one at a time."""

    number: int
    width: float  # PDF points
    height: float
    render: "Callable[[], tuple[Image.Image, float]]"  # -> (image, dpi)
    reason: str = ""


OCR_SOURCES = ("ocr", "ocr_layer")


@dataclass
class Page:
    number: int  # 1-based
    words: list[Word]
    source: str  # "text" | "ocr" | "ocr_layer" (a text layer made by OCR: its words are OCR words)
    width: float = 0.0  # PDF points
    height: float = 0.0
    text: str = ""
    confidence: Optional[float] = None  # mean OCR word confidence, None for text pages
    rotation: int = 0  # degrees applied before OCR
    skew: float = 0.0
    error: Optional[str] = None  # a page that could not be read (OCR timeout, …)

    @property
    def read_by_ocr(self) -> bool:
        """Its words came from OCR (ours, or an earlier one's text layer): confidences and repair apply."""
        return self.source in OCR_SOURCES

    def render(self) -> "Page":
        """Build the text from the words in order (a space within a line, a newline between lines,
        a blank line between blocks) and give every word its offsets; returns the page."""
        parts: list[str] = []
        pos = 0
        prev: Word | None = None
        for w in self.words:
            if prev is not None:
                sep = " " if w.line == prev.line else ("\n\n" if w.block != prev.block else "\n")
                parts.append(sep)
                pos += len(sep)
            w.start = pos
            parts.append(w.text)
            pos += len(w.text)
            w.end = pos
            prev = w
        self.text = "".join(parts)
        return self

    def words_in(self, start: int, end: int) -> list[Word]:
        """The words overlapping text[start:end] (offsets set by layout.render)."""
        return [w for w in self.words if w.start < end and w.end > start]


@dataclass
class Correction:
    page: int
    start: int
    end: int
    original: str
    corrected: str
    confidence: float  # 0-1, as every confidence in the records (the repair's similarity score / 100)
    source: str
    applied: bool
    needs_review: bool = False
    reason: str = ""
    correction_id: str = ""  # '<doc_id>-c0007', given once by number_rows
    # the calibrated probability that the applied repair is right (set by review.decide; null for suggestions
    # and reviewers' repairs): the `corrections.confidence` column, beside `score` (the repair's similarity)
    probability: Optional[float] = None
    signals: Optional["Signals"] = None  # evidence for the calibrator (pipeline/signals.py), set by review

    @property
    def score(self) -> float:
        """The contract's `corrections.score`: 0-100, rounded to 0.1."""
        return round(self.confidence * 100.0, 1)


@dataclass
class Entity:
    label: str  # DATE | PERSON | CITY | DISTRICT | ORG
    text: str
    value: str
    page: int
    start: int
    end: int
    confidence: float
    needs_review: bool = False
    review_reason: str = ""
    corrected_from: Optional[str] = None
    bbox: Optional[BBox] = None
    role: Optional[str] = None
    title: Optional[str] = None
    country: Optional[str] = None
    geonames_id: Optional[int] = None
    source: str = "rule"  # rule | gazetteer | model | model+rule
    entity_id: str = ""  # '<doc_id>-e0012', given once by number_rows
    signals: Optional["Signals"] = None  # evidence for the calibrator (pipeline/signals.py), set by review
    district_of: Optional[str] = None  # DISTRICT: the city it is a Stadtteil/Ortsteil of


@dataclass
class Decision:
    page: int
    item: Optional[str]
    body: Optional[str]
    decision_date: Optional[str]
    kind: str
    text: str
    outcome: Optional[str]
    confidence: float
    start: int = -1
    end: int = -1
    votes: Optional[str] = None
    needs_review: bool = False
    review_reason: str = ""
    bbox: Optional[BBox] = None
    decision_id: str = ""  # '<doc_id>-d0003', given once by number_rows
    # issue 14: the recorded result of the decision (pipeline/extract/results.py), its votes as printed
    result: Optional[str] = None  # zustimmung | ablehnung | kenntnisnahme | verweisung | vertagung
    votes_yes: Optional[int] = None
    votes_no: Optional[int] = None
    votes_abstain: Optional[int] = None
    unanimous: Optional[bool] = None
    referred_to: Optional[str] = None  # the committee of a Verweisung
    result_confidence: Optional[float] = None  # of `result`; review.decide queues it below the threshold
    reference: Optional[str] = None  # the Vorlage/Drucksache the decision belongs to
    mention: bool = False  # a narrative report of an earlier decision, not a decision made here
    # the TOP (Tagesordnungspunkt) of a protocol row; `item` stays the point number within its Beschluss
    agenda_item: Optional[str] = None
    signals: Optional["Signals"] = None  # evidence for the calibrator (pipeline/signals.py), set by review
    result_signals: Optional["Signals"] = None  # evidence for the recorded `result` (kind 'result'), set by review


@dataclass
class DocFields:
    doc_type: Optional[str] = None
    title: Optional[str] = None
    doc_date: Optional[str] = None
    doc_date_confidence: float = 0.0
    doc_date_reason: str = ""
    doc_date_page: Optional[int] = None
    doc_date_bbox: Optional[BBox] = None
    doc_date_text: Optional[str] = None
    references: list[str] = field(default_factory=list)
    home_city: Optional[str] = None  # the city whose memo this is (letterhead, place-and-date line)
    doc_date_needs_review: Optional[bool] = None  # set by review.decide (None: decide has not run)
    doc_date_signals: Optional["Signals"] = None  # evidence for the calibrator, set by review


@dataclass
class Reference:
    """One file number as it stands on a page (issue 19): Vorlage, Drucksache, Antrag, session number,
    Aktenzeichen. `value` is the canonical form (`V2072/23`, `2023/0838`, `SR/049/2023`); `text` is
    what the page says (`\\/2072/23`)."""

    page: int
    start: int
    end: int
    text: str
    value: str
    kind: str  # vorlage | drucksache | antrag | sitzung | aktenzeichen | nummer | unbekannt
    confidence: float
    cue: Optional[str] = None  # the word that names it ('Vorlage', 'Az.'), None when it stands alone
    repaired: Optional[str] = None  # what was repaired to reach the canonical form (OCR digits, slash)
    own: bool = False  # the document's own number (in its head, 'Vorlage Nr.:', 'Antrag Nr.')
    needs_review: bool = False
    review_reason: str = ""
    bbox: Optional[BBox] = None
    reference_id: str = ""  # '<doc_id>-f0002', given once by number_rows


@dataclass
class ReviewItem:
    doc_id: str
    page: Optional[int]
    table_name: str
    row_id: str
    field: str
    value: Optional[str]
    suggestion: Optional[str]
    confidence: float
    reason: str
    bbox: Optional[BBox] = None
    context: str = ""
    status: str = "open"
    crop: Optional[str] = None  # PNG path relative to the output folder
    review_id: str = ""  # '<doc_id>-r0004', given when the queue is built


@dataclass
class DocumentResult:
    """Everything the pipeline learned about one input file."""

    doc_id: str
    source_file: str
    path: str
    sha256: str
    pages: list[Page] = field(default_factory=list)
    status: str = "ok"
    error: Optional[str] = None
    fields: DocFields = field(default_factory=DocFields)
    entities: list[Entity] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    also_seen_as: list[str] = field(default_factory=list)
    seconds: float = 0.0
    learned_used: dict[str, str] = field(default_factory=dict)  # learned repairs that could touch its words
    references: list[Reference] = field(default_factory=list)  # file numbers on its pages (issue 19)

    @property
    def text_source(self) -> Optional[str]:
        kinds = {p.source for p in self.pages}
        if not kinds:
            return None
        return kinds.pop() if len(kinds) == 1 else "mixed"

    @property
    def ocr_confidence(self) -> Optional[float]:
        vals = [p.confidence for p in self.pages if p.read_by_ocr and p.confidence is not None]
        return round(sum(vals) / len(vals), 4) if vals else None

    def without_words(self) -> "DocumentResult":
        """A copy whose pages carry no words: all the tables need (pages.text is kept). A worker that has
        put the full result in the cache sends this to the batch process, a quarter of the bytes and
        of the objects to unpickle."""
        return replace(self, pages=[replace(p, words=[]) for p in self.pages])


def number_rows(doc: DocumentResult) -> None:
    """Give every entity, decision and correction its row id, once: every later stage (review,
    crops, tables, answers) uses these ids and never renumbers."""
    for i, e in enumerate(doc.entities):
        e.entity_id = f"{doc.doc_id}-e{i:04d}"
    for i, d in enumerate(doc.decisions):
        d.decision_id = f"{doc.doc_id}-d{i:04d}"
    for i, c in enumerate(doc.corrections):
        c.correction_id = f"{doc.doc_id}-c{i:04d}"
    for i, ref in enumerate(getattr(doc, "references", [])):
        ref.reference_id = f"{doc.doc_id}-f{i:04d}"
