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


def merge(pages: list[Page], rows: list[Decision]) -> list[Decision]:
    """`rows` with the protocol's decisions in place of the point rows they cover (a protocol only)."""
    if not is_protocol(pages):
        return rows
    proto = protocol_decisions(pages)
    if not proto:
        return rows
    keep = [r for r in rows if not any(_overlaps(r, p) for p in proto)]
    for p in proto:  # a point row knew the item where the protocol reader did not
        if p.item is None:
            p.item = next((r.item for r in rows if _overlaps(r, p) and r.item), None)
    return sorted(keep + proto, key=lambda d: (d.page, d.start))
