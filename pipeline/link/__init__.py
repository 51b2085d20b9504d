"""Links across documents (issue 19): file numbers, the decision register, people.

    references.py   find_references(pages) -> [Reference]: a per-document stage (cached with the document)
    register.py     register_rows(documents, references, decisions): one row per (reference, document, decision)
    people.py       link_people(entities, documents, pages): person ids and suggestions for review
    orgs.py         link_orgs(entities, documents, decisions, pages): organisations and bodies, org ids

`add_links(data)` runs on the rows of all documents of an output folder -- cached ones and new ones
alike -- right before the tables are written, so a re-run with one new document updates the register
and the people without reading any other document again. It needs nothing but the rows.
"""
from __future__ import annotations

from functools import lru_cache

import pyarrow as pa

from ..config import DEFAULT_MODELS
from .orgs import link_orgs, org_rows
from .people import link_people, load_role_genders, people_rows
from .register import register_rows

S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()

LINK_SCHEMAS: dict[str, pa.Schema] = {
    "references": pa.schema([
        ("doc_id", S), ("reference_id", S), ("page", I), ("start", I), ("end", I), ("text", S), ("value", S),
        ("kind", S), ("confidence", F), ("needs_review", B), ("review_reason", S), ("cue", S), ("own", B),
        ("repaired", S), ("x0", F), ("y0", F), ("x1", F), ("y1", F),
    ]),
    "register": pa.schema([
        ("reference", S), ("city", S), ("kind", S), ("date", S), ("role", S), ("doc_id", S), ("source_file", S),
        ("doc_type", S), ("title", S), ("doc_date", S), ("decision_id", S), ("item", S), ("decision_kind", S),
        ("decision_date", S), ("result", S), ("votes", S), ("outcome", S), ("decision_text", S),
        ("confidence", F), ("n_documents", I),
        ("mention", B), ("votes_yes", I), ("votes_no", I), ("votes_abstain", I), ("referred_to", S),
        ("parent", S), ("result_confidence", F),
    ]),
    "people": pa.schema([
        ("person_id", S), ("name", S), ("city", S), ("variants", S), ("roles", S), ("first_seen", S),
        ("last_seen", S), ("n_documents", I), ("n_mentions", I),
    ]),
    "organisations": pa.schema([
        ("org_id", S), ("name", S), ("city", S), ("kind", S), ("variants", S), ("first_seen", S),
        ("last_seen", S), ("n_documents", I), ("n_mentions", I),
    ]),
}
LINK_TABLES = ("register", "people", "organisations")  # built across documents; `references` rows come per document
# columns the links add to tables of their own (appended at the end: no existing column moves)
LINK_COLUMNS: dict[str, list[tuple[str, pa.DataType]]] = {"entities": [("org_id", S)], "decisions": [("body_org_id", S)]}


@lru_cache(maxsize=1)
def _genders() -> dict[str, str]:
    return load_role_genders(DEFAULT_MODELS)


def add_links(data: dict[str, list[dict]]) -> None:
    """Add the register, people and organisations tables to `data` (the rows of every table, all documents), give
    every PERSON row its person_id (or the candidates a reviewer chooses from), and queue the
    uncertain person links for review."""
    from ..review import person_link_items

    data["register"] = register_rows(data.get("documents", []), data.get("references", []),
                                     data.get("decisions", []))
    links = link_people(data.get("entities", []), data.get("documents", []), data.get("pages", []), _genders())
    data["people"] = people_rows(links)
    suggested = {s.row["entity_id"]: s for s in links.suggestions}
    for row in data.get("entities", []):
        row["person_id"] = links.person_of.get(row.get("entity_id"))
        s = suggested.get(row.get("entity_id"))
        row["person_candidates"] = "; ".join(p.person_id for p in s.candidates) if s else None
    data.setdefault("review", []).extend(person_link_items(links.suggestions, data.get("pages", [])))
    orgs = link_orgs(data.get("entities", []), data.get("documents", []), data.get("decisions", []),
                     data.get("pages", []))
    data["organisations"] = org_rows(orgs)
    for row in data.get("entities", []):
        row["org_id"] = orgs.org_of.get(row.get("entity_id"))
    for row in data.get("decisions", []):
        row["body_org_id"] = orgs.body_of.get(row.get("decision_id"))
