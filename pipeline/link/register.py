"""The decision register: what became of each decision, across every document of an output folder.

One row per (reference, document, decision): the Beschlussvorlage that `proposes` it, the minutes that
record how the council `decides`, the memo or letter that `reports` on it (with the outcome), and
any document that only `mentions` the number. Built from the table rows (documents, references,
decisions), so it covers cached documents as well as new ones, and the decisions table's optional
columns (result, votes_yes/no/abstain, unanimous, referred_to, reference: issue 14) flow in when
they are there.

A number is a decision's only where it is unique: `V2072/23` of Dresden is not `V2072/23` of Leipzig,
so every reference is keyed by (value, city); a document whose city is unknown joins the one city
that uses the number, or stands alone.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Optional

from .references import KINDS_OF_DECISION, canonical, parent

ROLES = ("proposes", "decides", "reports", "mentions")
ROLE_ORDER = {r: i for i, r in enumerate(ROLES)}
PROPOSAL_TYPES = ("Beschlussvorlage", "Antrag", "Anfrage")
MINUTES_TYPES = ("Niederschrift",)
# where the decisions table has no `result` column (before issue 14), a decision that was taken
# gets the result its kind says
_KIND_RESULT = {"ablehnung": "ablehnung", "vertagung": "vertagung", "verweisung": "verweisung",
                "kenntnisnahme": "kenntnisnahme"}


def _key(row: dict) -> tuple:
    return (row.get("page") or 0, row.get("start") or 0)


def _assign(decisions: list[dict], refs: list[dict], own: Optional[str]) -> dict[str, list[dict]]:
    """Which of the document's numbers each decision belongs to: the one the decision row names
    (issue 14's `reference`), else the proposal's own number, else the nearest number printed
    before it ('TOP 5 … Vorlage: V2072/23 … Beschluss: …'), else the first. A `mention` row that
    names no number is filed nowhere: a debate's 'hat 2018 beschlossen' is not the agenda item's."""
    out: dict[str, list[dict]] = defaultdict(list)
    values = {r["value"] for r in refs}
    cued = sorted((r for r in refs if r.get("cue")), key=_key) or sorted(refs, key=_key)
    for d in sorted(decisions, key=_key):
        named = d.get("reference")
        if named:
            got = canonical(str(named))
            value = got[0] if got else str(named)
            if value in values or not cued:
                out[value].append(d)
                continue
        if d.get("mention"):
            continue  # told of in passing ('hat 2018 beschlossen'): no number by position, only the one it names
        if own is not None:
            out[own].append(d)
            continue
        before = [r for r in cued if _key(r) <= _key(d)]
        out[(before[-1] if before else cued[0])["value"]].append(d)
    return out


def _role(doc_type: Optional[str], own: bool, has_decisions: bool, cues: set[str]) -> str:
    if doc_type in PROPOSAL_TYPES and (own or has_decisions):
        return "proposes"
    if doc_type in MINUTES_TYPES and (has_decisions or cues & {"vorlage", "drucksache", "antrag"}):
        return "decides"  # the agenda item's Vorlage: what the council dealt with
    if has_decisions or own:
        return "reports"
    return "mentions"


def _result(d: dict, role: str) -> Optional[str]:
    if "result" in d:  # the decisions table has the column: its value, even when empty
        return d["result"]
    if role in ("decides", "reports") and d.get("decision_date"):
        return _KIND_RESULT.get(d.get("kind") or "", "zustimmung")
    return None


def _cities(documents: dict[str, dict], by_doc: dict[str, list[dict]]) -> dict[tuple[str, str], Optional[str]]:
    """(doc_id, value) -> the city the number belongs to."""
    used: dict[str, set[str]] = defaultdict(set)
    for doc_id, refs in by_doc.items():
        city = documents[doc_id].get("city")
        if city:
            for r in refs:
                used[r["value"]].add(city)
    out = {}
    for doc_id, refs in by_doc.items():
        city = documents[doc_id].get("city")
        for r in refs:
            if city:
                out[(doc_id, r["value"])] = city
            else:
                cities = used.get(r["value"], set())
                out[(doc_id, r["value"])] = next(iter(cities)) if len(cities) == 1 else None
    return out


def register_rows(documents: list[dict], references: list[dict], decisions: list[dict]) -> list[dict]:
    """The register from the rows of the documents, references and decisions tables (so it needs no
    document read again). A decision whose document prints no file number has no row here."""
    docs = {d["doc_id"]: d for d in documents if d.get("status", "ok") == "ok"}
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in references:
        if r.get("doc_id") in docs and r.get("kind") in KINDS_OF_DECISION and r.get("value"):
            by_doc[r["doc_id"]].append(r)
    decs_by_doc: dict[str, list[dict]] = defaultdict(list)
    for d in decisions:
        decs_by_doc[d["doc_id"]].append(d)
    cities = _cities(docs, by_doc)
    rows: list[dict] = []
    for doc_id, refs in by_doc.items():
        doc = docs[doc_id]
        doc_type = doc.get("doc_type")
        owns = [r["value"] for r in sorted(refs, key=_key) if r.get("own")]
        own = owns[0] if owns and doc_type in PROPOSAL_TYPES else None
        assigned = _assign(decs_by_doc.get(doc_id, []), refs, own)
        values = list(dict.fromkeys(r["value"] for r in sorted(refs, key=_key)))
        for value in values:
            occ = [r for r in refs if r["value"] == value]
            decs = assigned.get(value, [])
            taken = [d for d in decs if not d.get("mention")]  # a narrative report of an earlier decision is no decision here
            role = _role(doc_type, any(r.get("own") for r in occ), bool(taken), {r.get("kind") for r in occ if r.get("cue")})
            if decs and not taken and role != "proposes":
                role = "reports"  # the document only tells of the decision
            base = dict(reference=value, parent=parent(value), city=cities[(doc_id, value)],
                        kind=next((r["kind"] for r in occ if r.get("cue")), occ[0]["kind"]),
                        doc_id=doc_id, source_file=doc.get("source_file"), doc_type=doc_type,
                        title=doc.get("title"), role=role, doc_date=doc.get("doc_date"),
                        confidence=round(max(float(r.get("confidence") or 0) for r in occ), 3))
            if not decs:
                rows.append(dict(base, date=doc.get("doc_date"), decision_id=None, item=None, decision_kind=None,
                                 decision_date=None, result=None, votes=None, outcome=None, decision_text=None,
                                 mention=None, votes_yes=None, votes_no=None, votes_abstain=None, referred_to=None,
                                 result_confidence=None))
                continue
            for d in decs:
                date = (d.get("decision_date") or doc.get("doc_date")) if role == "decides" else doc.get("doc_date")
                rows.append(dict(base, date=date, decision_id=d.get("decision_id"), item=d.get("item"),
                                 decision_kind=d.get("kind"), decision_date=d.get("decision_date"),
                                 result=_result(d, role), votes=d.get("votes"), outcome=d.get("outcome"),
                                 decision_text=d.get("text"), mention=d.get("mention"), votes_yes=d.get("votes_yes"),
                                 votes_no=d.get("votes_no"), votes_abstain=d.get("votes_abstain"),
                                 referred_to=d.get("referred_to"), result_confidence=d.get("result_confidence")))
    n_docs: dict[tuple, set] = defaultdict(set)
    for r in rows:
        n_docs[(r["reference"], r["city"])].add(r["doc_id"])
    for r in rows:
        r["n_documents"] = len(n_docs[(r["reference"], r["city"])])
    rows.sort(key=history_order)
    return rows


def history_order(r: dict) -> tuple:
    """A reference's history in date order: proposal, decision, reports; undated rows last."""
    return (r.get("reference") or "", r.get("city") or "", r.get("date") or "9999", ROLE_ORDER.get(r.get("role"), 9),
            r.get("source_file") or "", _item_key(r.get("item")))


def _item_key(item) -> tuple:
    s = str(item or "")
    return (0, int(s), "") if s.isdigit() else (1, 0, s)


# ---------------------------------------------------------------- reading it back (cli.py register)

def history(out_dir, reference: Optional[str] = None) -> list[dict]:
    """The register of OUT (all references, or one as printed or typed: `v2072/23` finds `V2072/23`),
    in history order. UsageError when OUT has no register, or not that reference."""
    from pathlib import Path

    import pyarrow.parquet as pq

    from ..errors import UsageError

    path = Path(out_dir) / "register.parquet"
    if not path.exists():
        raise UsageError(f"no register in {out_dir}: run `python cli.py run INPUT... --out {out_dir}` first")
    rows = pq.read_table(path).to_pylist()
    if reference:
        got = canonical(reference)
        value = got[0] if got else reference.strip()
        known = sorted({r["reference"] for r in rows})
        # a Vorlage's history takes in its parts ('2024/0884/3', an amendment to 2024/0884)
        chosen = [r for r in rows if value in (r["reference"], r.get("parent"))] or \
            [r for r in rows if (r["reference"] or "").casefold() == value.casefold()]
        if not chosen:
            import difflib

            close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else f" ({len(known)} references in the register)"
            raise UsageError(f"no reference {value} in {out_dir}{hint}")
        rows = chosen
    return sorted(rows, key=history_order)


def _short(text: Optional[str], n: int = 90) -> str:
    t = " ".join((text or "").split())
    return t if len(t) <= n else t[:n - 1] + "…"


def format_history(rows: list[dict]) -> str:
    """One block per reference: its documents in date order, each with its decisions."""
    lines: list[str] = []
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["reference"], r.get("city")), []).append(r)
    for (ref, city), rs in groups.items():
        n_docs = len({r["doc_id"] for r in rs})
        lines.append(f"{ref}" + (f" · {city}" if city else "") + f" · {n_docs} document{'s' if n_docs != 1 else ''}")
        last = None
        for r in rs:
            head = (r.get("date") or "????-??-??", r["role"], r.get("doc_type") or "?", r.get("source_file") or r["doc_id"])
            if head[:4] != last:
                lines.append(f"  {head[0]:<10}  {head[1]:<8}  {head[2]:<16}  {head[3]}")
                last = head[:4]
            if r.get("decision_id"):
                what = f"{r['item']}. " if r.get("item") else ""
                what += r.get("decision_kind") or "decision"
                if r.get("result"):
                    what += f": {r['result']}"
                if r.get("votes"):
                    what += f" ({r['votes']})"
                detail = r.get("outcome") if r["role"] == "reports" and r.get("outcome") else r.get("decision_text")
                lines.append(f"              {what} — {_short(detail)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n" if lines else ""
