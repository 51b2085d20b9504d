"""The contract's tables: schemas, rows from results, atomic Parquet + CSV writing.

The six per-document tables, the `references` table (file numbers, issue 19), and the tables built
across all documents (register, people: pipeline/link/) right before everything is written."""
from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from typing import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .link import LINK_COLUMNS, LINK_SCHEMAS, LINK_TABLES, add_links
from .outdir import file_mode
from .records import DocumentResult

S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", S), ("source_file", S), ("sha256", S), ("n_pages", I), ("text_source", S),
        ("ocr_confidence", F), ("doc_type", S), ("title", S), ("doc_date", S), ("references", S),
        ("status", S), ("error", S), ("doc_date_confidence", F), ("also_seen_as", S), ("seconds", F),
        ("city", S),
    ]),
    "pages": pa.schema([
        ("doc_id", S), ("page", I), ("text_source", S), ("ocr_confidence", F), ("text", S),
        ("rotation", I), ("skew", F), ("width", F), ("height", F), ("error", S),
    ]),
    "entities": pa.schema([
        ("doc_id", S), ("entity_id", S), ("page", I), ("label", S), ("text", S), ("value", S),
        ("start", I), ("end", I), ("confidence", F), ("corrected_from", S), ("needs_review", B),
        ("review_reason", S), ("x0", F), ("y0", F), ("x1", F), ("y1", F), ("role", S), ("title", S),
        ("country", S), ("geonames_id", I), ("source", S), ("person_id", S), ("person_candidates", S),
    ]),
    "decisions": pa.schema([
        ("doc_id", S), ("decision_id", S), ("page", I), ("item", S), ("body", S), ("decision_date", S),
        ("kind", S), ("text", S), ("outcome", S), ("confidence", F), ("needs_review", B),
        ("review_reason", S), ("votes", S), ("start", I), ("end", I),
        ("result", S), ("votes_yes", I), ("votes_no", I), ("votes_abstain", I), ("unanimous", B),
        ("referred_to", S), ("result_confidence", F), ("reference", S), ("mention", B),
    ]),
    "corrections": pa.schema([
        ("doc_id", S), ("page", I), ("start", I), ("end", I), ("original", S), ("corrected", S),
        ("score", F), ("source", S), ("applied", B), ("needs_review", B), ("reason", S), ("correction_id", S),
        ("confidence", F),
    ]),
    "review": pa.schema([
        ("review_id", S), ("doc_id", S), ("page", I), ("table_name", S), ("row_id", S), ("field", S),
        ("value", S), ("suggestion", S), ("confidence", F), ("reason", S), ("status", S),
        ("context", S), ("x0", F), ("y0", F), ("x1", F), ("y1", F), ("crop", S),
    ]),
}
# Reviewers' answers (pipeline/review_apply.py): a corrected field keeps its pipeline value in
# FIELD_before_review; the review row records the answer, who gave it and when.
REVIEWED_FIELDS = {"documents": ("doc_date",), "entities": ("value",),
                   "decisions": ("decision_date", "body", "text"), "corrections": ("corrected",)}
for _name, _fields in REVIEWED_FIELDS.items():
    for _field in _fields:
        SCHEMAS[_name] = SCHEMAS[_name].append(pa.field(f"{_field}_before_review", S))
SCHEMAS["review"] = pa.schema(list(SCHEMAS["review"]) + [("answer", S), ("answered_by", S), ("answered_at", S)])
# Columns added later go after all of these, so that no existing column moves (the contract).
# issue 15: entities.district_of, the city a DISTRICT (Stadtteil, Ortsteil) belongs to
SCHEMAS["entities"] = SCHEMAS["entities"].append(pa.field("district_of", S))
SCHEMAS.update(LINK_SCHEMAS)  # references, register, people (issue 19)
for _name, _cols in LINK_COLUMNS.items():  # entities.org_id, decisions.body_org_id (issue 19)
    for _col, _type in _cols:
        SCHEMAS[_name] = SCHEMAS[_name].append(pa.field(_col, _type))
# issue 14: decisions.agenda_item, the TOP a protocol row belongs to (`item` is the point within it)
SCHEMAS["decisions"] = SCHEMAS["decisions"].append(pa.field("agenda_item", S))
TABLES = list(SCHEMAS)


def _box(b):
    return (None, None, None, None) if not b else tuple(round(float(v), 2) for v in b)


def rows(results: Iterable[DocumentResult], links: bool = True) -> dict[str, list[dict]]:
    """Every table's rows; with `links`, also the register and people across these documents."""
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    for r in results:
        f = r.fields
        out["documents"].append(dict(
            doc_id=r.doc_id, source_file=r.source_file, sha256=r.sha256, n_pages=len(r.pages) if r.pages else 0,
            text_source=r.text_source, ocr_confidence=r.ocr_confidence, doc_type=f.doc_type, title=f.title,
            doc_date=f.doc_date, references="; ".join(f.references) if f.references else None, status=r.status,
            error=r.error, doc_date_confidence=f.doc_date_confidence if f.doc_date else None,
            also_seen_as="; ".join(r.also_seen_as) or None, seconds=round(r.seconds, 3),
            city=getattr(f, "home_city", None)))
        for p in r.pages:
            out["pages"].append(dict(doc_id=r.doc_id, page=p.number, text_source=p.source,
                                     ocr_confidence=p.confidence, text=p.text, rotation=p.rotation,
                                     skew=p.skew, width=round(p.width, 2), height=round(p.height, 2),
                                     error=p.error))
        for e in r.entities:
            x0, y0, x1, y1 = _box(e.bbox)
            out["entities"].append(dict(
                doc_id=r.doc_id, entity_id=e.entity_id, page=e.page, label=e.label, text=e.text,
                value=e.value, start=e.start, end=e.end, confidence=e.confidence, corrected_from=e.corrected_from,
                needs_review=e.needs_review, review_reason=e.review_reason or None, x0=x0, y0=y0, x1=x1, y1=y1,
                role=e.role, title=e.title, country=e.country, geonames_id=e.geonames_id, source=e.source,
                district_of=e.district_of))
        for d in r.decisions:
            out["decisions"].append(dict(
                doc_id=r.doc_id, decision_id=d.decision_id, page=d.page, item=d.item, body=d.body,
                decision_date=d.decision_date, kind=d.kind, text=d.text, outcome=d.outcome,
                confidence=d.confidence, needs_review=d.needs_review, review_reason=d.review_reason or None,
                votes=d.votes, start=d.start, end=d.end, result=d.result, votes_yes=d.votes_yes,
                votes_no=d.votes_no, votes_abstain=d.votes_abstain, unanimous=d.unanimous,
                referred_to=d.referred_to, result_confidence=d.result_confidence, reference=d.reference,
                mention=d.mention, agenda_item=d.agenda_item))
        for c in r.corrections:
            out["corrections"].append(dict(
                doc_id=r.doc_id, correction_id=c.correction_id, page=c.page, start=c.start, end=c.end,
                original=c.original, corrected=c.corrected, score=c.score, source=c.source, applied=c.applied,
                needs_review=c.needs_review, reason=c.reason or None, confidence=c.probability))
        for ref in getattr(r, "references", []):
            x0, y0, x1, y1 = _box(ref.bbox)
            out["references"].append(dict(
                doc_id=r.doc_id, reference_id=ref.reference_id, page=ref.page, start=ref.start, end=ref.end,
                text=ref.text, value=ref.value, kind=ref.kind, confidence=ref.confidence,
                needs_review=ref.needs_review, review_reason=ref.review_reason or None, cue=ref.cue, own=ref.own,
                repaired=ref.repaired, x0=x0, y0=y0, x1=x1, y1=y1))
        for v in r.review:
            x0, y0, x1, y1 = _box(v.bbox)
            out["review"].append(dict(
                review_id=v.review_id, doc_id=r.doc_id, page=v.page, table_name=v.table_name,
                row_id=v.row_id, field=v.field, value=v.value, suggestion=v.suggestion,
                confidence=round(v.confidence, 3), reason=v.reason, status=v.status, context=v.context,
                x0=x0, y0=y0, x1=x1, y1=y1, crop=v.crop))
    if links:
        add_links(out)
    return out


def frame(name: str, records: list[dict]) -> pd.DataFrame:
    schema = SCHEMAS[name]
    table = pa.Table.from_pylist(records, schema=schema)
    return table.to_pandas()


def _defuse(value):
    """Spreadsheets run cells that start with = + - @ as formulas: prefix a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# lone surrogates (undecodable file names, broken PDF text) cannot be encoded as UTF-8 and NUL breaks
# CSV readers: each becomes one U+FFFD, so that offsets into page text stay valid
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")


def _writable(value: str) -> str:
    if value.isascii() and "\x00" not in value:
        return value
    return _UNWRITABLE.sub("\ufffd", value)


def _sanitize(records: list[dict]) -> list[dict]:
    """Rows that Parquet and CSV can hold: one bad character must not cost the whole batch its tables."""
    out = []
    for rec in records:
        fixed = None
        for key, value in rec.items():
            if isinstance(value, str):
                clean = _writable(value)
                if clean != value:
                    fixed = fixed if fixed is not None else dict(rec)
                    fixed[key] = clean
        out.append(fixed if fixed is not None else rec)
    return out


def _stage(path: Path, write) -> str:
    """Write to a hidden temporary file beside path and flush it to disk; returns its name."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, file_mode())  # mkstemp makes it 0600: tables are meant to be shared
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _commit(staged: list[tuple[str, Path]]) -> None:
    """Rename staged files into place (atomic each), then make the renames durable."""
    for tmp, path in staged:
        os.replace(tmp, path)
    for folder in {path.parent for _, path in staged}:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def _atomic(path: Path, write) -> None:
    """Readers see the old file or the new one, never a half-written one (a run killed with SIGKILL)."""
    _commit([(_stage(path, write), path)])


def _stage_table(out_dir: Path, name: str, records: list[dict], excel: bool) -> list[tuple[str, Path]]:
    schema = SCHEMAS[name]
    table = pa.Table.from_pylist(_sanitize(records), schema=schema)
    staged = []
    try:
        path = out_dir / f"{name}.parquet"
        staged.append((_stage(path, lambda tmp: pq.write_table(table, tmp)), path))
        # integer columns stay integers in CSV even with empty cells ('2825297', not '2825297.0')
        df = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        for col in df.columns:
            if df[col].dtype == object or str(df[col].dtype).startswith("str"):
                df[col] = df[col].map(_defuse)
        path = out_dir / f"{name}.csv"
        # CRLF line ends (RFC 4180): the csv module quotes a cell only for characters of the line
        # terminator, so with "\n" a bare "\r" in page text went unquoted and split the row
        if excel:  # German Excel: ';' between cells, decimal commas, and a BOM so that umlauts open right
            staged.append((_stage(path, lambda tmp: df.to_csv(tmp, index=False, sep=";", decimal=",",
                                                              encoding="utf-8-sig", lineterminator="\r\n")), path))
        else:
            staged.append((_stage(path, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8",
                                                              lineterminator="\r\n")), path))
    except BaseException:
        _discard(staged)
        raise
    return staged


def _discard(staged: list[tuple[str, Path]]) -> None:
    for tmp, _path in staged:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def write_table(out_dir: Path, name: str, records: list[dict], excel: bool = False) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    _commit(_stage_table(out_dir, name, records, excel))


def write_all(out_dir: Path, results: list[DocumentResult], excel: bool = False) -> dict[str, int]:
    """All files are written to temporary names first and renamed only when every one is
    complete, so a run killed at any moment leaves the previous complete tables in place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = rows(results)
    staged: list[tuple[str, Path]] = []
    try:
        for name in TABLES:
            staged.extend(_stage_table(out_dir, name, data[name], excel))
    except BaseException:
        _discard(staged)
        raise
    _commit(staged)
    _remove_stale_temps(out_dir)
    return {name: len(v) for name, v in data.items()}


def _remove_stale_temps(out_dir: Path, older_than: float = 600.0) -> None:
    """Temporary files a killed run left behind (only old ones: another run may be writing now)."""
    now = time.time()
    for name in TABLES:
        for pattern in (f".{name}.parquet.*", f".{name}.csv.*"):
            for p in out_dir.glob(pattern):
                try:
                    if now - p.stat().st_mtime > older_than:
                        p.unlink()
                except OSError:
                    pass


def read(out_dir: Path, name: str) -> pd.DataFrame:
    return pq.read_table(Path(out_dir) / f"{name}.parquet").to_pandas()


def write_dataset(folder: Path, results: list[DocumentResult], docs_per_part: int = 1000) -> None:
    """Each table as a Parquet dataset (one part per `docs_per_part` documents) that pandas, DuckDB
    and Dask read as one: `pd.read_parquet(folder / "entities")`, `FROM 'dataset/entities/*.parquet'`."""
    import shutil

    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    everything = rows(results)  # links are made across all documents, then the rows split into parts
    for part, start in enumerate(range(0, max(1, len(results)), docs_per_part)):
        ids = {r.doc_id for r in results[start:start + docs_per_part]}
        data = {name: (everything[name] if part == 0 else []) if name in LINK_TABLES else
                [x for x in everything[name] if x.get("doc_id") in ids] for name in TABLES}
        for name in TABLES:
            (tmp / name).mkdir(parents=True, exist_ok=True)
            table = pa.Table.from_pylist(_sanitize(data[name]), schema=SCHEMAS[name])
            pq.write_table(table, tmp / name / f"part-{part:05d}.parquet")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)
