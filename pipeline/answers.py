"""Reviewers' answers, kept in OUT_DIR/review.sqlite as they are given.

An append-only log: every click is a row (who, when, what they saw, what they settled on), so
nothing a reviewer decided is ever lost and a later answer to the same item supersedes an
earlier one. The review app writes it; `review_apply` reads it.
"""
from __future__ import annotations

import csv
import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from . import tables

DB_NAME = "review.sqlite"
STATUSES = ("accepted", "corrected", "rejected")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    page INTEGER,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,           -- the value the reviewer was shown (review.value)
    suggestion TEXT,    -- the pipeline's suggestion shown beside it (review.suggestion)
    new TEXT,           -- the value the reviewer settled on; NULL when rejected
    status TEXT NOT NULL CHECK (status IN ('accepted', 'corrected', 'rejected')),
    who TEXT NOT NULL,
    at TEXT NOT NULL    -- ISO 8601, UTC
);
CREATE INDEX IF NOT EXISTS answers_by_review_id ON answers (review_id);
"""


@dataclass(frozen=True)
class Answer:
    id: int
    review_id: str
    doc_id: str
    page: int | None
    table_name: str
    row_id: str
    field: str
    old: str | None
    suggestion: str | None
    new: str | None
    status: str
    who: str
    at: str

    @property
    def fingerprint(self) -> tuple:
        return (self.doc_id, self.table_name, self.field, self.page, self.old, self.suggestion)


COLUMNS = [f.name for f in fields(Answer)]


def fingerprint(row: dict) -> tuple:
    """What a review item shows; survives a re-run that renumbers the queue."""
    page = _clean(row.get("page"))
    return (row["doc_id"], row["table_name"], row["field"], None if page is None else int(page),
            _clean(row.get("value")), _clean(row.get("suggestion")))


def _clean(value):
    """NaN and pandas' missing values as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


class AnswerStore:
    """OUT_DIR/review.sqlite. One connection per call, so threads of the web app can share it."""

    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / DB_NAME

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("PRAGMA synchronous = FULL")  # an answer is on disk when the click returns
        con.executescript(_SCHEMA)
        return con

    def record(self, row: dict, status: str, new: str | None, who: str,
               at: str | None = None) -> Answer:
        """Store one answer to a review row (a dict with the review table's columns)."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        at = at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        page = _clean(row.get("page"))
        values = (row["review_id"], row["doc_id"], None if page is None else int(page), row["table_name"],
                  row["row_id"], row["field"], _clean(row.get("value")), _clean(row.get("suggestion")), new,
                  status, who, at)
        con = self._connect()
        try:
            with con:
                cur = con.execute(
                    "INSERT INTO answers (review_id, doc_id, page, table_name, row_id, field, old, suggestion, "
                    "new, status, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
            return Answer(cur.lastrowid, *values)
        finally:
            con.close()

    def all(self) -> list[Answer]:
        """Every answer ever given, oldest first."""
        if not self.exists:
            return []
        con = self._connect()
        try:
            rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM answers ORDER BY id").fetchall()
        finally:
            con.close()
        return [Answer(*r) for r in rows]

    def export_csv(self, path: Path) -> int:
        """All answers, oldest first, as CSV (UTF-8; spreadsheet formulas defused). Returns the count."""
        answers = self.all()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)

        def write(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(COLUMNS)
                for a in answers:
                    w.writerow([tables._defuse(v) for v in astuple(a)])

        tables._atomic(path, write)
        return len(answers)


def match(rows: Iterable[dict], answers: Iterable[Answer]) -> dict[str, Answer]:
    """The latest answer for each review row, by the row's review_id.

    An answer belongs to the row with its review_id while that row shows the same thing. A re-run
    can renumber the queue (a learned correction removes an item): then the answer follows the row
    that shows what the reviewer saw. Answers whose item is gone are left out (stale)."""
    latest: dict[tuple, Answer] = {}
    for a in answers:
        latest[(a.review_id, a.fingerprint)] = a  # later answers win
    rows = list(rows)
    out: dict[str, Answer] = {}
    used: set[tuple] = set()
    for r in rows:
        key = (r["review_id"], fingerprint(r))
        if key in latest:
            out[r["review_id"]] = latest[key]
            used.add(key)
    spare_answers: dict[tuple, list[Answer]] = defaultdict(list)
    for key, a in sorted(latest.items(), key=lambda kv: kv[0][0]):
        if key not in used:
            spare_answers[a.fingerprint].append(a)
    for r in sorted(rows, key=lambda r: r["review_id"]):
        if r["review_id"] in out:
            continue
        bucket = spare_answers.get(fingerprint(r))
        if bucket:
            out[r["review_id"]] = bucket.pop(0)
    return out
