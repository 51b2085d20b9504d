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
from typing import Optional

from ..config import UNPRINTED_RESULT_CONFIDENCE
from ..records import Decision, Page, union_bbox
from . import results as res
from .protocol import parse_protocol

# a Niederschrift/Protokoll names itself near the top, and records a decision or a result
_IS_PROTOCOL = re.compile(r"\b(?:Niederschrift|Protokoll|Sitzungsprotokoll|Ergebnisprotokoll)\b", re.I)
_HAS_RESULT = re.compile(r"\bBeschlu(?:ss|ß)\s*:|\bAbstimmungsergebnis\b", re.I)
SEP = "\n"


def names_protocol(pages: list[Page]) -> bool:
    return bool(pages) and bool(_IS_PROTOCOL.search(pages[0].text[:1500]))


def is_protocol(pages: list[Page]) -> bool:
    """A Niederschrift/Protokoll with a printed decision or result."""
    return names_protocol(pages) and any(_HAS_RESULT.search(p.text) for p in pages)


def _joined(pages: list[Page]) -> tuple[str, list[int]]:
    starts, pos = [], 0
    for p in pages:
        starts.append(pos)
        pos += len(p.text) + len(SEP)
    return SEP.join(p.text for p in pages), starts


def _row(pages: list[Page], starts: list[int], d, s_abs: int, e_abs: int, text: str) -> Decision:
    """One protocol decision as a contract row at the joined-text span [s_abs, e_abs)."""
    i = max(0, bisect.bisect_right(starts, s_abs) - 1)
    page = pages[i]
    s = s_abs - starts[i]
    e = min(e_abs - starts[i], len(page.text))
    r = d.result
    conf = d.confidence
    reason = []
    r_conf = round(r.confidence, 3) if r else None
    if r is None:
        reason.append("a Beschluss block with no recorded result")
    elif not r.text:
        reason.append("no result printed: read from the " + ("Beschluss wording" if d.text else "debate"))
        r_conf = min(r_conf, UNPRINTED_RESULT_CONFIDENCE)
    if d.decision_date is None:
        reason.append("no session date found")
        conf = min(conf, 0.55)
    return Decision(
        page=page.number, item=d.item, body=d.body, decision_date=d.decision_date, kind=d.kind,
        text=text, outcome=None, confidence=round(conf, 3), start=s, end=max(s, e),
        votes=r.text if r and r.text else None, review_reason="; ".join(reason),
        bbox=union_bbox(page.words_in(s, max(s, e))), result=r.result if r else None,
        votes_yes=r.votes_yes if r else None, votes_no=r.votes_no if r else None,
        votes_abstain=r.votes_abstain if r else None, unanimous=r.unanimous if r else None,
        referred_to=r.referred_to if r else None, result_confidence=r_conf,
        reference=d.reference, mention=False, agenda_item=d.item)


def _rows_of(pages: list[Page], starts: list[int], decisions: list) -> list[Decision]:
    return [_row(pages, starts, d, d.start, d.end, d.text or (d.result.text if d.result else "")) for d in decisions]


def protocol_decisions(pages: list[Page]) -> list[Decision]:
    """The protocol's decisions as contract rows, on the page each starts on (page-local offsets)."""
    text, starts = _joined(pages)
    return _rows_of(pages, starts, parse_protocol(text).decisions)


def _part_row(pages: list[Page], starts: list[int], d) -> Decision:
    """A separately voted part ('TOP 10.1: …', 'Änderungsantrag GRÜNE: …') as a row of its own, at its
    statement: the text is the statement as printed, with its label."""
    r = d.result
    text = f"{r.label}: {r.text}" if r.label else r.text
    return _row(pages, starts, d, r.start, max(r.start, r.end), text)


_SENTENCE = re.compile(r"[^.!?\n]*(?:\n(?!\s*\n)[^.!?\n]*)*[.!?]?")


def _debate_row(pages: list[Page], starts: list[int], text: str, d) -> Optional[Decision]:
    """The sentence of the debate that states the result ('Der Gemeinderat nimmt … zur Kenntnis.') as the
    row; the category its wording states outright wins over the model's guess. None where none states it."""
    if d.result is None or d.result.result is None:
        return None
    for m in _SENTENCE.finditer(text, d.start):
        sent = m.group(0)
        if sent.strip() and res._context_has_result(sent):
            row = _row(pages, starts, d, m.start() + len(sent) - len(sent.lstrip()), m.end(),
                       " ".join(sent.split()))
            rule = res.rule_category(sent)
            if rule and rule != row.result:
                row.result = rule
                row.referred_to = res.find_referral(sent, "", sent) if rule == "verweisung" else None
            return row
    return None


def _session_line(text: str, proto) -> bool:
    """Did the reader take the meeting date from the session's own line ('17. Juli 2018, 15:30 Uhr',
    'Sitzung am 24. Juni 2024'), not from a stamp or a letter date?"""
    m = proto.meeting_date
    if m is None:
        return False
    a = text.rfind("\n", 0, m.start) + 1
    b = text.find("\n", m.end)
    line = text[a:b if b >= 0 else len(text)]
    return bool(re.search(r"\bUhr\b|[Ss]itzung\b|\bTagung\b", line))  # also "57. Plenarsitzung, 26.07.2024"


def _point_of(label: Optional[str]) -> Optional[str]:
    """'Ziffer 2' / '2.' / 'b)' → the point number a part names ('Ziffer 1 a)' names no single row)."""
    f = (label or "").strip()
    m = re.fullmatch(r"(?:(?:Ziffer|Ziff\.|Punkt|Nr\.|Beschlusspunkt)\s*)?(\d{1,2})[.)]?|([a-h])\)", f, re.I)
    return (m.group(1) or m.group(2).lower()) if m else None


def _overlaps(a: Decision, b: Decision) -> bool:
    return a.page == b.page and a.start < max(b.end, b.start + 1) and b.start < max(a.end, a.start + 1)


def _enrich(row: Decision, p: Decision, has_beschluss: bool, stated: bool, session_sure: bool = False,
            text: str = "") -> None:
    """The protocol reader's result onto a point row (which keeps its item, kind and text)."""
    # a row of another agenda item printed in the text ('TOP 11: …' where the reader took TOP 10) keeps its own
    own_vorlage = bool(row.item and p.item and row.item != p.item and re.search(
        r"(?m)^\s*(?:(?:TOP|Tagesordnungspunkt)\s*" + re.escape(row.item) + r"\b|Punkt\s*" + re.escape(row.item) +
        r"\s+der\s+Tagesordnung)", text))  # 'Punkt 1: einstimmig zugestimmt' labels a result, not a TOP
    if has_beschluss or stated or row.result is None:
        row.result, row.result_confidence = p.result, p.result_confidence
        if "no result printed" in (p.review_reason or "") and p.review_reason not in (row.review_reason or ""):
            row.review_reason = "; ".join(x for x in (row.review_reason, p.review_reason) if x)
    for k in ("votes_yes", "votes_no", "votes_abstain", "unanimous", "referred_to"):
        if getattr(p, k) is not None:
            setattr(row, k, getattr(p, k))
    row.votes = row.votes or p.votes
    # the agenda item's Vorlage is the one its Beschluss belongs to, not a number the text cites
    row.reference = (p.reference or row.reference) if has_beschluss and not own_vorlage else \
        (row.reference or p.reference)
    # a council decides in session: a point of the Beschluss block is dated by it, not by a date it names
    # ('nach Vorberatung im Ausschuss am 3. Juli')
    # ('nach Vorberatung im Ausschuss am 3. Juli'), where the reader found the session's own line
    row.decision_date = (p.decision_date or row.decision_date) if has_beschluss and session_sure else \
        (row.decision_date or p.decision_date)
    row.item = row.item or p.item
    # the TOP: the reader's, unless the row is another agenda item's printed in the text
    row.agenda_item = row.item if own_vorlage else (p.agenda_item or row.agenda_item)


def merge(pages: list[Page], rows: list[Decision]) -> list[Decision]:
    """`rows` with the protocol's results on the point rows they belong to (a protocol only).

    The agenda item's own result (the parser's primary one) goes onto every point row its Beschluss text
    overlaps; a result printed alone ("Abstimmungsergebnis: einstimmig") belongs to the nearest row above
    it on its page. A separately voted part never overwrites a row the item's own result is on: a part
    that names a point ("Ziffer 2: …") goes onto that point's row, any other part (an amendment, a sub-item
    "TOP 10.1") becomes a row of its own at its statement; a protocol decision with no point row becomes
    a row of its own."""
    if not names_protocol(pages):
        return rows
    texts, starts = _joined(pages)
    proto = parse_protocol(texts)
    decisions = proto.decisions
    sure = _session_line(texts, proto)
    if not is_protocol(pages):  # minutes of the debate only: a row where a sentence of it states a result
        return sorted(rows + [r for r in (_debate_row(pages, starts, texts, d) for d in decisions) if r],
                      key=lambda d: (d.page, d.start))
    mapped = _rows_of(pages, starts, decisions)
    out = list(rows)
    used: set[int] = set()
    # the agenda item's own result (the reader's primary one), else its first decision; a sub-item's
    # ("TOP 10.1: …") or an amendment's result is a part
    primary = {i for i, d in enumerate(decisions) if d.primary} or {0}
    for i in sorted(range(len(decisions)), key=lambda j: j not in primary):
        d, p = decisions[i], mapped[i]
        stated = bool(d.result and d.result.rule_result)
        overlapping = [r for r in out if not r.mention and _overlaps(r, p)]
        if i in primary:
            cands = [r for r in overlapping if id(r) not in used]
            if not cands and not d.text:
                above = [r for r in out if not r.mention and r.page == p.page and r.end <= p.start and
                         id(r) not in used]
                cands = above[-1:]
            if cands:
                for r in cands if d.text else cands[:1]:
                    used.add(id(r))
                    _enrich(r, p, bool(d.text), stated, sure, texts)
            else:
                out.append(p)
                used.add(id(p))
            continue
        point = _point_of(d.part)
        own = [r for r in overlapping if point is not None and (r.item or "").lower() == point]
        free = [r for r in overlapping if id(r) not in used]
        if not overlapping and not d.text:  # a result printed alone: the nearest row above it
            free = [r for r in out if not r.mention and r.page == p.page and r.end <= p.start and
                    id(r) not in used][-1:]
        if len(own) == 1 and sum(_point_of(x.part) == point for x in decisions) == 1:
            used.add(id(own[0]))
            _enrich(own[0], p, True, stated, sure, texts)
        elif free:
            used.add(id(free[0]))
            _enrich(free[0], p, bool(d.text), stated, sure, texts)
        elif d.result is not None and (overlapping or d.text):
            row = _part_row(pages, starts, d)
            out.append(row)
            used.add(id(row))
        elif not overlapping:
            out.append(p)
            used.add(id(p))
    return sorted(out, key=lambda d: (d.page, d.start))
