"""The structure of a council protocol page ("Niederschrift … Punkt N der Tagesordnung").

Header (session date, body, chair), the agenda item and its Vorlage, and the decisions: each
'Beschluss:' block up to its 'Abstimmungsergebnis:', with the result read by `results`.

One decision per agenda item: a Beschluss with numbered points 1., 2., … is one decision, because
the Karlsruhe protocols record one vote for it (train: 367 protocols, numbered points in many, a
vote per point only where the statement says so). Only where the statement lists separately voted
parts ("Ziffer 1: …", "TOP 10.1: …", "a) …", "Änderungsantrag GRÜNE: …") does each part become a
decision of its own; exactly one decision per protocol with a result is `primary`: the item's own.

Matching runs on `results.view` (specks and hyphenated breaks removed, folded, offsets mapped
back), so OCR forms such as "2O. Apri1 2O23", "Punkt l4 der Tagesordnung", "Vorlage: 2O17/O797"
or "Vorsitzendcr:" are read, and every span points into the page as given.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional

from rapidfuzz.distance import Levenshtein

from pipeline.extract import results as res
from pipeline.extract.results import ResultInfo, kw, view

MONTH_NAMES = ["januar", "februar", "marz", "april", "mai", "juni", "juli", "august", "september", "oktober",
               "november", "dezember"]
_MONTH_ABBR = {"jan": 1, "feb": 2, "febr": 2, "mar": 3, "mrz": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
               "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12, "janner": 1, "maerz": 3, "mai": 5}
# digits as OCR reads them ('2B', '2O', '202l'); a value must still hold a real digit
_DG = r"[\dsoilbz]"
_D = rf"(?<![\w.])(?=\S{{0,3}}\d)[0-3oilz]?,?\s?{_DG}"
_Y = rf"[12]\s?[\doilz][.,]?\s?{_DG}[.,]?\s?{_DG}"
_NAMED_DATE = re.compile(rf"(?P<d>{_D})\s?[.,:;]{{0,2}}\s*(?P<mon>[a-z]{{3,11}})\.?,?\s*(?P<y>{_Y})(?![\d])")
_NUM_DATE = re.compile(rf"(?P<d>{_D})\s?[.,]{{1,2}}\s?(?P<m>[01oil]?{_DG})\s?[.,]{{1,2}}\s?(?P<y>{_Y})(?![\d])")
_DIGIT_OF = str.maketrans({"s": "5", "o": "0", "i": "1", "l": "1", "b": "8", "z": "2"})


@dataclass(frozen=True)
class Found:
    """A value read from the page, with where it stands and how sure the reading is."""
    value: str
    start: int
    end: int
    confidence: float = 1.0
    printed: str = ""  # as it stands on the page, where that differs from the value


@dataclass(frozen=True)
class Chair:
    name: Optional[str]  # "Frank Mentrup": no titles, no role
    role: Optional[str]  # "Oberbürgermeister"
    title: Optional[str]  # "Dr."
    start: int
    end: int
    text: str  # the line as printed after the label


@dataclass
class Decision:
    """One decision of an agenda item: the Beschluss text and its recorded result."""
    item: Optional[str]  # agenda number it belongs to
    part: Optional[str]  # label of a separately voted part ("Ziffer 1", "Änderungsantrag GRÜNE"), else None
    primary: bool  # the agenda item's own result
    text: str  # the Beschluss text, whitespace-normalised ("" when only a result is printed)
    start: int  # span of the Beschluss text, or of the result statement where there is no Beschluss
    end: int
    decision_date: Optional[str]  # the session date: a council decides in session
    body: Optional[str]
    reference: Optional[str]
    result: Optional[ResultInfo]
    kind: str = "beschluss"
    confidence: float = 0.0

    def contract_fields(self) -> dict:
        """The columns of the contract's decisions table this record knows (doc_id, decision_id, page,
        outcome and the review columns are the caller's)."""
        r = self.result
        return {"item": self.item, "body": self.body, "decision_date": self.decision_date, "kind": self.kind,
                "text": self.text, "confidence": self.confidence, "result": r.result if r else None,
                "votes_yes": r.votes_yes if r else None, "votes_no": r.votes_no if r else None,
                "votes_abstain": r.votes_abstain if r else None, "unanimous": r.unanimous if r else None,
                "referred_to": r.referred_to if r else None, "reference": self.reference}


@dataclass
class Protocol:
    meeting_date: Optional[Found]
    meeting: Optional[str]  # "9. Plenarsitzung des Gemeinderates"
    body: Optional[str]  # "Gemeinderat", "Hauptausschuss", "Ortschaftsrat Wettersbach"
    chair: Optional[Chair]
    agenda_number: Optional[Found]
    agenda_items: list[Found]  # every "Punkt N der Tagesordnung" (20, 20.1 …)
    title: Optional[str]
    references: list[Found]  # every Vorlage printed in the head of the item, in order
    decisions: list[Decision] = field(default_factory=list)

    @property
    def reference(self) -> Optional[str]:
        return self.references[0].value if self.references else None

    @property
    def primary(self) -> Optional[Decision]:
        return next((d for d in self.decisions if d.primary), None)

    @property
    def result(self) -> Optional[ResultInfo]:
        p = self.primary
        return p.result if p else None


# ---------------------------------------------------------------------------------------------
# dates
def _month_number(token: str) -> Optional[int]:
    t = token.strip(".").replace("rn", "m")
    if t in MONTH_NAMES:
        return MONTH_NAMES.index(t) + 1
    if t in _MONTH_ABBR:
        return _MONTH_ABBR[t]
    if len(t) < 4:
        return None
    dists = sorted((Levenshtein.distance(t, name), i + 1) for i, name in enumerate(MONTH_NAMES))
    limit = 1 if len(t) <= 5 else 2
    if dists[0][0] <= limit and dists[1][0] > dists[0][0]:
        return dists[0][1]
    return None


def _int(s: str) -> int:
    return int(re.sub(r"[\s.,]", "", s).translate(_DIGIT_OF))


def _valid(y: int, m: Optional[int], d: int) -> Optional[str]:
    if m is None or not 1990 <= y <= 2100:
        return None
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(text: str, start: int = 0, end: Optional[int] = None) -> list[Found]:
    """Full dates ('29. April 2025', '29.04.2025', OCR '2O, Apri1 2O25') in text[start:end], in order."""
    v = view(text)
    a = res._f_index(v, start)
    b = res._f_index(v, len(text) if end is None else end)
    out: list[Found] = []
    for pat, named in ((_NAMED_DATE, True), (_NUM_DATE, False)):
        for m in pat.finditer(v.f, a, b):
            mon = _month_number(m.group("mon")) if named else _int(m.group("m"))
            iso = _valid(_int(m.group("y")), mon, _int(m.group("d")))
            if iso:
                s, e = v.span(m.start(), m.end())
                printed = text[s:e]
                clean = bool(re.fullmatch(r"\d{1,2}\.(?: ?[A-ZÄÖÜ][a-zä]+ |\d{1,2}\.)\d{4}", printed.replace("  ", " ")))
                out.append(Found(iso, s, e, 0.97 if clean else 0.8, "" if clean else printed))
    out.sort(key=lambda f: f.start)
    keep: list[Found] = []
    for f in out:
        if keep and f.start < keep[-1].end:
            continue
        keep.append(f)
    return keep


# ---------------------------------------------------------------------------------------------
# header
_NUMBER = r"\d{1,3}(?:\s?\.\s?\d{1,2}){0,2}"
_AGENDA = re.compile(r"(?:^|\n)[ \t]*(?:" + kw("tagesordnungs") + ")?" + kw("punkt") + r"\s*(?P<n>" + _NUMBER
                     + r")\s+" + kw("der") + r"\s*" + kw("tagesordnung"))
_TOP = re.compile(r"(?:^|\n)[ \t]*(?:" + kw("top") + "|" + kw("tagesordnungspunkt") + r")\s*[:.]?\s*(?P<n>\d{1,3}"
                  r"(?:\.\d{1,2}){0,2})(?!\d)")
_NUMBER_LINE = re.compile(r"(?:^|\n)[ \t]*(?P<n>\d{1,3})\s?\.[ \t]*(?=\n)")
_CALLED = re.compile(r"\b" + kw("ruft") + r"\s+(?:den\s+|die\s+)?" + kw("tagesordnungspunkt") + r"e?\s+(?P<n>\d{1,3}"
                     r"(?:\.\d{1,2})?)")
_REF = re.compile(r"(?:" + "|".join(kw(w) for w in ("vorlage", "drucksache", "vorlagen-nr", "vorlagennummer"))
                  + r"|\bds\.)\s*(?:nr\.?)?\s*[:;.,]?\s*(?P<r>(?:[a-z]{2,4}\s?/?\s?)?[12](?:[.,]?\d){3}\s?/\s?\d"
                  r"(?:[.,]?\d){2,3}(?:\s?/\s?\d{1,2})?)(?![\d])")
_HEADER_END = re.compile(r"(?:^|\n)[ \t]*(?:(?:" + kw("tagesordnungs") + ")?" + kw("punkt") + r"\s*\d|"
                         + kw("top") + r"\s*\d|" + kw("beschlus") + ")")
_ROLE_WORDS = ["oberburgermeister", "oberburgermeisterin", "burgermeister", "burgermeisterin", "erste", "erster",
               "ortsvorsteher", "ortsvorsteherin", "stellvertretender", "stellvertretende", "stadtrat", "stadtratin",
               "beigeordneter", "beigeordnete", "amtsleiter", "amtsleiterin", "vorsitzender", "vorsitzende"]
_TITLES = re.compile(r"(?:dr|prof|dipl|ing|med|rer|nat|phil|h\.c|mba)\.?(?:-\w+\.?)?[,.]?")


def header_end(text: str) -> int:
    """Where the page head stops: at the first agenda line or Beschluss heading (else 1,500 characters)."""
    v = view(text)
    m = _HEADER_END.search(v.f, 0, res._f_index(v, 3000))
    return v.pos[m.start()] if m else min(len(text), 1500)


def find_meeting_date(text: str) -> Optional[Found]:
    """The session date from the head ('29. April 2025, 15:30 Uhr'): the date on the line with the time,
    else the first full date there; if OCR lost it, the first date of the page (less sure)."""
    end = header_end(text)
    dates = find_dates(text, 0, end)
    if not dates:
        dates = [Found(d.value, d.start, d.end, d.confidence * 0.6, d.printed)
                 for d in find_dates(text, 0, min(len(text), 3000))]
    if not dates:
        return None
    for d in dates:
        line_end = text.find("\n", d.end)
        line = res.fold(text[d.end:line_end if line_end >= 0 else len(text)])
        if re.search(r"\d\s*[:.,;]\s*\d\s?\d\s*" + kw("uhr"), line):
            return d
    return dates[0]


def find_agenda_items(text: str) -> list[Found]:
    v = view(text)
    out = []
    for m in _AGENDA.finditer(v.f):
        s, e = v.span(m.start("n"), m.end("n"))
        out.append(Found(re.sub(r"\s", "", m.group("n")), s, e))
    return out


def find_agenda_number(text: str) -> Optional[Found]:
    """'Punkt 14 der Tagesordnung'; else 'TOP 14'; else the item the chair calls up; else '14.' on its own line."""
    items = find_agenda_items(text)
    if items:
        return items[0]
    v = view(text)
    for pat, conf, limit in ((_TOP, 0.9, None), (_CALLED, 0.8, None), (_NUMBER_LINE, 0.6, header_end(text) + 5)):
        m = pat.search(v.f, 0, len(v.f) if limit is None else res._f_index(v, limit))
        if m:
            s, e = v.span(m.start("n"), m.end("n"))
            return Found(m.group("n"), s, e, conf)
    return None


def find_references(text: str, end: Optional[int] = None) -> list[Found]:
    """Vorlage/Drucksache numbers ('2017/0797', OCR '2O17/O797'), in order. '2025/1201/1' (an amendment)
    is filed under its Vorlage 2025/1201, as the record does; the printed form is kept."""
    v = view(text)
    out = []
    for m in _REF.finditer(v.f, 0, res._f_index(v, len(text) if end is None else end)):
        s, e = v.span(m.start("r"), m.end("r"))
        raw = re.sub(r"\s", "", text[s:e])
        val = re.sub(r"[\s]|(?<=\d)[.,](?=\d)", "", m.group("r"))  # '2024/0,099': a speck, not a digit
        prefix = re.match(r"[a-z]+/?", val)
        if prefix:  # 'ANF2022/2003', 'IV/2022/2012': keep the printed letters
            val = raw[:prefix.end()] + val[prefix.end():]
        core = re.match(r"(?:[A-Za-z]+/?)?\d{4}/\d{3,4}", val)
        value = core.group(0) if core else val
        out.append(Found(value, s, e, 0.97 if raw == val else 0.85, "" if value == raw else raw))
    return out


_CHAIR = re.compile(r"(?:^|\n)[ \t]*(?:" + kw("der") + r"\s+|" + kw("die") + r"\s+)?(?:" + kw("vorsitzender") + "|"
                    + kw("vorsitzende") + "|" + kw("vorsitz") + r")[ \t]*[:;.][ \t]*")


def find_chair(text: str) -> Optional[Chair]:
    """'Vorsitzender: Oberbürgermeister Dr. Frank Mentrup' → name, role and title."""
    v = view(text)
    m = _CHAIR.search(v.f, 0, res._f_index(v, header_end(text)))
    if not m:
        return None
    line_end = v.f.find("\n", m.end())
    line_end = len(v.f) if line_end < 0 else line_end
    if not v.f[m.end():line_end].strip():  # 'Vorsitzender:' with the name on the next line
        nxt = v.f.find("\n", line_end + 1)
        line_end = len(v.f) if nxt < 0 else nxt
    s, e = v.span(m.end(), line_end)
    rest = text[s:e].strip()
    if not rest:
        return None
    return _chair(rest, s + (len(text[s:e]) - len(text[s:e].lstrip())))


_ROLE_RE = re.compile("|".join(kw(r) for r in _ROLE_WORDS))


def _is_role(tok: str) -> bool:
    t = re.sub(r"[^a-z]", "", res.fold(tok))
    if len(t) < 4:
        return False
    return bool(_ROLE_RE.fullmatch(t)) or min(Levenshtein.distance(t, r) for r in _ROLE_WORDS) <= (
        1 if len(t) <= 6 else 2)


def _clean_name(tok: str) -> str:
    return re.sub(r"[`'´^|]", "", tok).strip(",;.") if not re.fullmatch(r"[A-ZÄÖÜ]\.", tok) else tok


def _chair(rest: str, start: int) -> Chair:
    toks = res._flat(rest).split()
    role, title, name = [], [], []
    for tok in toks:
        ft = res.fold(tok).strip(",")
        if not name and not title and _is_role(tok):
            role.append(tok)
        elif _TITLES.fullmatch(ft):
            title.append(tok.rstrip(","))
        elif not name and tok[:1].islower():
            role.append(tok)
        else:
            name.append(_clean_name(tok))
    return Chair(" ".join(n for n in name if n) or None, " ".join(role) or None, " ".join(title) or None, start,
                 start + len(rest), rest)


def find_body(text: str) -> tuple[Optional[str], Optional[str]]:
    """('9. Plenarsitzung des Gemeinderates', 'Gemeinderat') from the 'Niederschrift' line."""
    v = view(text)
    m = re.search(kw("niederschrift") + r"[ \t,.]+(?P<m>[^\n]{3,90})", v.f[:res._f_index(v, header_end(text))])
    if not m:
        return None, None
    meeting = res._flat(v.orig(m.start("m"), m.end("m")))
    b = re.search(kw("sitzung") + r"\s+(?:des\s+|der\s+)?(?P<b>[^\n,]{3,60})", m.group("m"))
    body = None
    if b:
        raw = res._flat(v.orig(m.start("m") + b.start("b"), m.start("m") + b.end("b")))
        body = re.sub(r"(?<=rat)e?s$", "", raw)  # "Gemeinderates" → "Gemeinderat"
    return meeting, body


def find_title(text: str, item: Optional[Found]) -> Optional[str]:
    if item is None:
        return None
    line_end = text.find("\n", item.end)
    rest = text[item.end:line_end if line_end >= 0 else len(text)]
    m = re.search(r":\s*(.+)", rest)
    if not m:
        return None
    title = m.group(1).strip()
    # the title runs on over broken lines until 'Vorlage:', 'Antrag:', 'Anfrage:' or a blank line
    pos = line_end + 1 if line_end >= 0 else len(text)
    for lm in re.finditer(r"[^\n]*\n?", text[pos:pos + 600]):
        ln = lm.group(0).strip()
        if not ln or re.match(r"(?:vorlage|antrag|anfrage|anderungsantrag|erganzungsantrag|dazu|punkt|beschlus|"
                              r"\d+(?:\.\d+)+\s)", res.fold(ln)):
            break
        title = (title[:-1] if title.endswith("-") and ln[:1].islower() else title + " ") + ln
    return re.sub(r"\s+", " ", title).strip() or None


# ---------------------------------------------------------------------------------------------
def parse_protocol(text: str, *, model: Optional[res.ResultModel] | bool = True) -> Protocol:
    """The structure of one protocol page (see the module docstring). Never raises on odd input."""
    date = find_meeting_date(text)
    meeting, body = find_body(text)
    chair = find_chair(text)
    items = find_agenda_items(text)
    agenda = items[0] if items else find_agenda_number(text)
    spans = res.statement_spans(text)
    first_block = spans[0].head if spans else len(text)
    heads = res.beschluss_heads(text, 0, first_block)
    refs = find_references(text, heads[0][0] if heads else first_block)
    proto = Protocol(date, meeting, body, chair, agenda, items, find_title(text, agenda), refs)
    proto.decisions = _decisions(text, proto, spans, model)
    return proto


def _decisions(text: str, proto: Protocol, spans: list[res.StatementSpan],
               model: Optional[res.ResultModel] | bool) -> list[Decision]:
    mdl = res.default_model() if model is True else (model or None)
    item = proto.agenda_number.value if proto.agenda_number else None
    date = proto.meeting_date.value if proto.meeting_date else None
    ref = proto.reference
    groups: list[tuple[str, int, int, list[ResultInfo]]] = []
    if spans:
        prev = 0
        for i, sp in enumerate(spans):
            b_text, b_start, b_end = _beschluss_span(text, prev, sp.head)
            nxt = spans[i + 1].head if i + 1 < len(spans) else len(text)
            context = text[sp.end:nxt]
            infos = res.statement_results(text[sp.start:sp.end], sp.start, head_label=sp.label, beschluss=b_text,
                                          context=context, model=mdl)
            groups.append((b_text, b_start, b_end, infos))
            prev = sp.end
    else:
        heads = res.beschluss_heads(text)
        if heads:
            b_start = heads[0][1]
            b_text = res.beschluss_block(text, b_start)
            b_start = text.find(b_text, b_start) if b_text else b_start
            b_end = b_start + len(b_text)
            infos = res.statement_results("", b_start, beschluss=b_text, context=text[b_end:], model=mdl)
            groups.append((b_text, b_start, b_end, infos))
        else:
            he = header_end(text)
            infos = res.statement_results("", he, context=text[he:], model=mdl)
            if infos:
                groups.append(("", he, he, infos))
    decisions: list[Decision] = []
    primary = res.primary_result([i for g in groups for i in g[3]], item)
    for b_text, b_start, b_end, infos in groups:
        if not infos:
            if b_text.strip():
                decisions.append(Decision(item, None, False, _flat(b_text), b_start, b_end, date, proto.body, ref,
                                          None, confidence=0.0))
            continue
        for info in infos:
            part_item = res._label_number(info.label) if info.kind == "item" else item
            has_b = bool(b_text) and info.kind in ("main", "point", "item")
            s, e = (b_start, b_end) if has_b else (info.start, info.end)
            decisions.append(Decision(part_item or item, info.label, info is primary, _flat(b_text) if has_b else "",
                                      s, e, date, proto.body, ref, info, confidence=info.confidence))
    return decisions


def _beschluss_span(text: str, lo: int, hi: int) -> tuple[str, int, int]:
    heads = res.beschluss_heads(text, lo, hi)
    if not heads:
        return "", hi, hi
    start = heads[-1][1]
    raw = text[start:hi]
    s = start + (len(raw) - len(raw.lstrip()))
    e = start + len(raw.rstrip())
    return text[s:e], s, e


def _flat(text: str) -> str:
    return re.sub(r"[ \t]+", " ", re.sub(r"[ \t]*\n[ \t]*", "\n", text)).strip()
