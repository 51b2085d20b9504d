"""Protocol rows: the "Beschluss:" block of each agenda item of a Niederschrift, with its recorded result.

`parse_protocol` (pipeline/extract/protocol.py) reads a protocol as one text; here the document's pages
are joined, its decisions are mapped back to a page and offsets on that page, and they replace the
point rows of pipeline/extract/decisions.py that cover the same text (the protocol reader knows the
TOP number, the session date and the result under "Abstimmungsergebnis:"). Point rows elsewhere in
the document (other TOPs, narrative mentions) stay as they are. Nothing here sets needs_review: a
result's confidence travels in `result_confidence` and pipeline/review.decide judges it.
"""
from __future__ import annotations

import bisect
import re

from ..records import Decision, Page, union_bbox
from .protocol import parse_protocol

# a Niederschrift/Protokoll names itself near the top, and records a decision or a result
_IS_PROTOCOL = re.compile(r"\b(?:Niederschrift|Protokoll|Sitzungsprotokoll|Ergebnisprotokoll)\b", re.I)
_HAS_RESULT = re.compile(r"\bBeschlu(?:ss|ß)\s*:|\bAbstimmungsergebnis\b", re.I)
SEP = "\n"


def is_protocol(pages: list[Page]) -> bool:
    if not pages:
        return False
    head = pages[0].text[:1500]
    return bool(_IS_PROTOCOL.search(head)) and any(_HAS_RESULT.search(p.text) for p in pages)


def _joined(pages: list[Page]) -> tuple[str, list[int]]:
    starts, pos = [], 0
    for p in pages:
        starts.append(pos)
        pos += len(p.text) + len(SEP)
    return SEP.join(p.text for p in pages), starts


def protocol_decisions(pages: list[Page]) -> list[Decision]:
    """The protocol's decisions as contract rows, on the page each starts on (page-local offsets)."""
    text, starts = _joined(pages)
    proto = parse_protocol(text)
    out: list[Decision] = []
    for d in proto.decisions:
        i = max(0, bisect.bisect_right(starts, d.start) - 1)
        page = pages[i]
        s = d.start - starts[i]
        e = min(d.end - starts[i], len(page.text))
        r = d.result
        conf = d.confidence
        reason = []
        if r is None:
            reason.append("a Beschluss block with no recorded result")
        if d.decision_date is None:
            reason.append("no session date found")
            conf = min(conf, 0.55)
        text_ = d.text or (r.text if r else "")
        out.append(Decision(
            page=page.number, item=d.item, body=d.body, decision_date=d.decision_date, kind=d.kind,
            text=text_, outcome=None, confidence=round(conf, 3), start=s, end=max(s, e),
            votes=r.text if r and r.text else None, review_reason="; ".join(reason),
            bbox=union_bbox(page.words_in(s, max(s, e))), result=r.result if r else None,
            votes_yes=r.votes_yes if r else None, votes_no=r.votes_no if r else None,
            votes_abstain=r.votes_abstain if r else None, unanimous=r.unanimous if r else None,
            referred_to=r.referred_to if r else None, result_confidence=round(r.confidence, 3) if r else None,
            reference=d.reference, mention=False))
    return out


def _overlaps(a: Decision, b: Decision) -> bool:
    return a.page == b.page and a.start < max(b.end, b.start + 1) and b.start < max(a.end, a.start + 1)


def _enrich(row: Decision, p: Decision, has_beschluss: bool, stated: bool) -> None:
    """The protocol reader's result onto a point row (which keeps its item, kind and text)."""
    if has_beschluss or stated or row.result is None:
        row.result, row.result_confidence = p.result, p.result_confidence
    for k in ("votes_yes", "votes_no", "votes_abstain", "unanimous", "referred_to"):
        if getattr(p, k) is not None:
            setattr(row, k, getattr(p, k))
    row.votes = row.votes or p.votes
    row.reference = row.reference or p.reference
    row.decision_date = row.decision_date or p.decision_date
    row.item = row.item or p.item


def merge(pages: list[Page], rows: list[Decision]) -> list[Decision]:
    """`rows` with the protocol's results on the point rows they belong to (a protocol only).

    A protocol decision whose Beschluss text overlaps a point row gives that row its result; a result
    printed alone ("Abstimmungsergebnis: einstimmig") belongs to the nearest row above it on its page;
    a protocol decision with no point row becomes a row of its own."""
    if not is_protocol(pages):
        return rows
    texts, _ = _joined(pages)
    proto = parse_protocol(texts)
    mapped = protocol_decisions(pages)
    out = list(rows)
    used: set[int] = set()
    for d, p in zip(proto.decisions, mapped):
        cands = [r for r in out if not r.mention and _overlaps(r, p)]
        stated = bool(d.result and d.result.rule_result)
        if not cands and not d.text:
            above = [r for r in out if not r.mention and r.page == p.page and r.end <= p.start and id(r) not in used]
            cands = above[-1:]
        if cands:
            used.add(id(cands[0]))
            _enrich(cands[0], p, bool(d.text), stated)
        else:
            out.append(p)
    return sorted(out, key=lambda d: (d.page, d.start))
