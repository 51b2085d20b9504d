"""Reviewers' answers flow back: into the tables, and into the learned gazetteer.

- accepted: the pipeline's proposal is right (its suggestion, or its value when it made none).
- corrected: the reviewer's value replaces the pipeline's.
- rejected: the proposal is wrong. A suggestion is dropped (the table keeps what the page says);
  a value with no suggestion is cleared where an empty value is meaningful (a date, a body, an
  entity's value), so that it is not taken for a fact.

A replaced value is kept in FIELD_before_review. Each table is rewritten atomically; applying
again gives the same tables (everything is derived from the pipeline's values in the review rows
and the latest answers), so an interrupted apply is repaired by running it again.

Accepted or corrected name repairs (`corrections` rows, and CITY / PERSON / ORG values whose OCR
reading differs) are appended to OUT_DIR/learned.tsv (this output folder's; `cli.py learned OUT
--promote` copies them into the shared models/gazetteer/learned.tsv), signed with who answered and when,
if pipeline/learned.py's check_learned finds them plausible repairs of what OCR read (and safe to
store); the correction stage applies them without asking on the next run. What fails the check
is not learned (summary.not_learned, and a warning); the answer still holds for its document.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from rapidfuzz import fuzz

from . import tables
from .answers import Answer, AnswerStore, match
from .config import Settings
from .correct import ocr_key
from .learned import OUT_FILE, LearnedRepair, Rejection, append_learned, check_learned, undone

NAME_LABELS = ("CITY", "DISTRICT", "PERSON", "ORG")
# table, field -> the column the answer changes
COLUMN = {("documents", "doc_date"): "doc_date", ("entities", "value"): "value",
          ("decisions", "decision_date"): "decision_date", ("decisions", "body"): "body",
          ("decisions", "text"): "text", ("corrections", "corrected"): "corrected",
          ("entities", "person_id"): "person_id"}
# answered columns without a FIELD_before_review (the pipeline's value is in the review row: empty, with candidates)
NO_BEFORE = {("entities", "person_id")}
_PERSON_ID = re.compile(r"\bP[0-9a-f]{10}\b")
# where an empty value is a meaningful answer to "this is wrong"
CLEARABLE = {("documents", "doc_date"), ("entities", "value"), ("decisions", "decision_date"),
             ("decisions", "body")}
DATE_FIELDS = {("documents", "doc_date"), ("decisions", "decision_date")}
_STRIP = ".,;:!?()[]{}\"'„“”‚‘’»«*"


@dataclass
class ApplySummary:
    answers: int = 0  # items with an answer in review.sqlite
    applied: int = 0  # of them, matched to an item in the current review table
    stale: int = 0  # answers whose item the current run no longer asks about
    learned: int = 0  # rows appended to learned.tsv
    by_status: dict[str, int] = field(default_factory=dict)
    not_learned: list[Rejection] = field(default_factory=list)  # repairs check_learned refused, and why


# ---------------------------------------------------------------- answers as values

def is_date_field(table_name: str, field_name: str, label: str | None = None) -> bool:
    return (table_name, field_name) in DATE_FIELDS or (table_name == "entities" and label == "DATE")


def normalise(table_name: str, field_name: str, typed: str, label: str | None = None) -> str:
    """A typed correction as the table stores it; ValueError with a message a reviewer understands."""
    value = (typed or "").strip()
    if not value:
        raise ValueError("the correction is empty: type the right value, or reject")
    if not (table_name == "decisions" and field_name == "text"):
        value = re.sub(r"\s+", " ", value)
    if is_date_field(table_name, field_name, label):
        return _iso_date(value)
    return value


def _iso_date(value: str) -> str:
    m = re.fullmatch(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})", value)
    if m:
        value = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    m = re.fullmatch(r"(\d{1,2})\.\s?(\d{4})", value)
    if m:
        value = f"{m.group(2)}-{int(m.group(1)):02d}"
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
            return value
        if re.fullmatch(r"\d{4}-\d{2}", value) and 1 <= int(value[5:]) <= 12:
            return value
        if re.fullmatch(r"\d{4}", value):
            return value
    except ValueError:
        pass
    raise ValueError(f"'{value}' is not a date: write YYYY-MM-DD (or DD.MM.YYYY), YYYY-MM or YYYY")


def proposal(row: dict) -> str | None:
    """What accepting a review row accepts: the suggestion, or the value when there is none."""
    return row.get("suggestion") if row.get("suggestion") is not None else row.get("value")


def pipeline_value(row: dict) -> str | None:
    """The value the pipeline wrote into the answered column (a correction's column holds the repair)."""
    return row.get("suggestion") if row["table_name"] == "corrections" else row.get("value")


def answer_value(row: dict, answer: Answer) -> tuple[bool, str | None]:
    """(changes the table?, the column's new value) for an answer to a review row."""
    key = (row["table_name"], row["field"])
    if key == ("entities", "person_id"):
        return person_answer(row, answer)
    if answer.status == "corrected":
        return True, answer.new
    if answer.status == "accepted":
        return True, proposal(row)
    if row.get("suggestion") is None and key in CLEARABLE:  # rejected: the value is wrong
        return True, None
    return False, None


def person_answer(row: dict, answer: Answer) -> tuple[bool, str | None]:
    """A person-link review row (suggestion 'Thomas Westphal (P…); Sabine Westphal (P…)'): accepted links the
    one candidate (with several, accepting says nothing); corrected takes a typed person id, or the name of one
    candidate; rejected leaves the mention linked to no one."""
    from .link.people import fold

    cands = re.findall(r"(.+?) \((P[0-9a-f]{10})\)(?:; |$)", row.get("suggestion") or "")
    if answer.status == "accepted":
        return (True, cands[0][1]) if len(cands) == 1 else (False, None)
    if answer.status == "corrected":
        typed = (answer.new or "").strip()
        m = _PERSON_ID.search(typed)
        if m:
            return True, m.group(0)
        hits = {pid for name, pid in cands if fold(name) == fold(typed)}
        return (True, hits.pop()) if len(hits) == 1 else (False, None)
    return False, None


# ---------------------------------------------------------------- learned gazetteer

def _core(token: str) -> str:
    return token.strip(_STRIP)


def _learnable(original: str, corrected: str) -> bool:
    return (bool(original) and bool(corrected) and original != corrected and original[0] != "#"
            and not re.search(r"\s", original + corrected) and any(c.isalpha() for c in original))


def _similar(a: str, b: str) -> float:
    """As the correction stage scores: OCR confusions (l/i, rn/m, …) forgiven at a small price."""
    return max(fuzz.ratio(a, b), fuzz.ratio(ocr_key(a), ocr_key(b)) - 2.0)


def name_pairs(reading: str, value: str, floor: float = 70.0) -> list[tuple[str, str]]:
    """Word repairs between what OCR read and the right name: ('Dr. Matthias Wöhrte', 'Matthias Wöhrle')
    gives [('Wöhrte', 'Wöhrle')]. Only similar words pair up: a changed name is not an OCR repair."""
    a = [_core(t) for t in reading.split()]
    b = [_core(t) for t in value.split()]
    pairs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "replace" or i2 - i1 != j2 - j1:
            continue
        for x, y in zip(a[i1:i2], b[j1:j2]):
            if _learnable(x, y) and _similar(x, y) >= floor:
                pairs.append((x, y))
    return pairs


def learned_pairs(row: dict, answer: Answer, new: str | None, entity: dict | None,
                  floor: float) -> list[tuple[str, str]]:
    if answer.status not in ("accepted", "corrected") or not new:
        return []
    if row["table_name"] == "corrections":
        original, repaired = _core(row.get("value") or ""), _core(new)
        return [(original, repaired)] if _learnable(original, repaired) else []
    if row["table_name"] == "entities" and row.get("field") != "value":
        return []  # a person link teaches no spelling
    if row["table_name"] == "entities" and entity and entity.get("label") in NAME_LABELS:
        reading = entity.get("corrected_from") or entity.get("text") or ""
        if answer.status == "accepted":  # the pipeline's own repair was right
            target = (entity.get("text") or "") if entity.get("corrected_from") else ""
        else:
            target = new
        # the pipeline's own repair, accepted, was judged similar already; a typed one must be similar
        return name_pairs(reading, target, 0.0 if answer.status == "accepted" else floor) if target else []
    return []


# ---------------------------------------------------------------- the tables

def _read(out_dir: Path, name: str) -> list[dict]:
    path = out_dir / f"{name}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def _excel(out_dir: Path) -> bool:
    try:
        with (out_dir / "review.csv").open("rb") as fh:
            return fh.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return False


def apply_answers(out_dir: Path, models_dir: Path | None = None, excel: bool | None = None,
                  settings: Settings | None = None) -> ApplySummary:
    """Write the answers in OUT_DIR/review.sqlite into OUT_DIR's tables and OUT_DIR/learned.tsv
    (models_dir: whose gazetteer tells names from other words)."""
    out_dir = Path(out_dir)
    settings = settings or Settings()
    models_dir = Path(models_dir) if models_dir is not None else settings.models_dir
    store = AnswerStore(out_dir)
    summary = ApplySummary()
    if not store.exists:
        return summary
    review = _read(out_dir, "review")
    answers = store.all()
    summary.answers = len({(a.review_id, a.fingerprint) for a in answers})
    matched = match(review, answers)
    summary.applied = len(matched)
    summary.stale = summary.answers - len(matched)
    if not matched:
        return summary
    excel = _excel(out_dir) if excel is None else excel
    data = {name: _read(out_dir, name) for name in ("documents", "entities", "decisions", "corrections")}
    index: dict[tuple[str, str], dict] = {}
    for r in data["documents"]:
        index[("documents", r["doc_id"])] = r
    for r in data["entities"]:
        index[("entities", r["entity_id"])] = r
    for r in data["decisions"]:
        index[("decisions", r["decision_id"])] = r
    seen: dict[str, int] = {}
    for r in data["corrections"]:  # tables written before corrections had an id: numbered as they were
        i = seen.get(r["doc_id"], 0)
        seen[r["doc_id"]] = i + 1
        index[("corrections", r.get("correction_id") or f"{r['doc_id']}-c{i:04d}")] = r
    changed: set[str] = set()
    learned: list[LearnedRepair | Rejection] = []
    gazetteer = None
    for row in review:
        answer = matched.get(row["review_id"])
        if answer is None:
            continue
        summary.by_status[answer.status] = summary.by_status.get(answer.status, 0) + 1
        changes, new = answer_value(row, answer)
        target = index.get((row["table_name"], row["row_id"]))
        column = COLUMN.get((row["table_name"], row["field"]))
        if target is not None and column is not None:
            if changes:
                before = pipeline_value(row)
                target[column] = new
                if (row["table_name"], row["field"]) not in NO_BEFORE:
                    target[f"{column}_before_review"] = before if new != before else None
                if row["table_name"] == "entities" and target.get("label") == "CITY" and new:
                    gazetteer = gazetteer or _gazetteer(models_dir)
                    city = gazetteer.best_city(new) if gazetteer else None
                    if city is not None:
                        target["country"], target["geonames_id"] = city.country, city.geonames_id
            if "needs_review" in target:
                target["needs_review"] = False
            changed.add(row["table_name"])
        entity = target if row["table_name"] == "entities" else None
        for original, repaired in learned_pairs(row, answer, new if changes else proposal(row), entity,
                                                settings.correct_floor):
            learned.append(check_learned(original, repaired, answer.who, answer.at))
        row["status"] = answer.status
        row["answer"] = None if answer.status == "rejected" else (new if changes else proposal(row))
        row["answered_by"], row["answered_at"] = answer.who, answer.at
    for name in ("documents", "entities", "decisions", "corrections"):
        if name in changed:
            tables.write_table(out_dir, name, data[name], excel=excel)
    tables.write_table(out_dir, "review", review, excel=excel)
    gone = undone(out_dir)  # taken back with `cli.py learned OUT --undo`: not learned again from the same answer
    learned = [Rejection(r.original, r.corrected, r.who, r.when, "taken back (learned-undone.tsv)")
               if isinstance(r, LearnedRepair) and r.original in gone else r for r in learned]
    summary.learned, summary.not_learned = append_learned(out_dir / OUT_FILE, learned)
    return summary


def _gazetteer(models_dir: Path):
    from .gazetteer import load_gazetteer

    try:
        return load_gazetteer(str(models_dir))
    except Exception:  # noqa: BLE001 - a missing gazetteer only costs the country and GeoNames id
        return None
