"""The structure of a council protocol page ("Niederschrift … Punkt N der Tagesordnung").

Header (session date, body, chair), the agenda item and its Vorlage, and the decisions: each
'Beschluss:' block up to its 'Abstimmungsergebnis:', with the result read by `results`.

One decision per agenda item: a Beschluss with numbered points 1., 2., … is one decision, because
the Karlsruhe protocols record one vote for it. Only where the statement itself lists separately
voted parts ("Ziffer 1: …", "TOP 10.1: …", "Änderungsantrag GRÜNE: …") does each part become a
decision of its own; exactly one decision per protocol is marked `primary`: the item's own result.

Matching runs on `results.fold` (same length as the text), so OCR forms such as "2O. Apri1 2O23",
"Punkt l4 der Tagesordnung" or "Vorlage: 2O17/O797" are read and every span points into the page.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional

from rapidfuzz.distance import Levenshtein

from pipeline.extract import results as res
from pipeline.extract.results import ResultInfo, fold

MONTH_NAMES = ["januar", "februar", "marz", "april", "mai", "juni", "juli", "august", "september", "oktober",
               "november", "dezember"]
_MONTH_ABBR = {"jan": 1, "feb": 2, "febr": 2, "mar": 3, "mrz": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
               "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12, "jänner": 1, "janner": 1, "maerz": 3}
_OCR_DIGIT = str.maketrans({"o": "0", "O": "0", "D": "0", "I": "1", "l": "1", "i": "1", "|": "1", "!": "1",
                            "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2"})
_D = r"[0-3OoDIl|]?\s?[0-9OoDIl|!]"
_Y = r"[12Il|][0-9OoDIl|]{3}"
_NAMED_DATE = re.compile(rf"(?<![\w.])(?P<d>{_D})\s*[.,:;]?\s*(?P<mon>[A-Za-zÄÖÜäöü][A-Za-zÄÖÜäöü1|0]{{2,10}})\.?,?\s*"
                         rf"(?P<y>{_Y})(?![\d])")
_NUM_DATE = re.compile(rf"(?<![\w.])(?P<d>{_D})\s?[.,]\s?(?P<m>[0-1OoIl|]?[0-9OoIl|])\s?[.,]\s?(?P<y>{_Y})(?![\d])")


@dataclass(frozen=True)
class Found:
    """A value read from the page, with where it stands and how sure the reading is."""
    value: str
    start: int
    end: int
    confidence: float = 1.0
    printed: str = ""  # as it stands on the page, when that differs from the value


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
    start: int  # span of the Beschluss text, or of the result statement when there is no Beschluss
    end: int
    decision_date: Optional[str]  # the session date: council decisions are taken in the session
    body: Optional[str]
    reference: Optional[str]
    result: Optional[ResultInfo]
    kind: str = "beschluss"
    confidence: float = 0.0


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
    t = token.strip(".").lower().translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u", "1": "l", "|": "l",
                                                         "0": "o"}))
    if t in MONTH_NAMES:
        return MONTH_NAMES.index(t) + 1
    if t in _MONTH_ABBR:
        return _MONTH_ABBR[t]
    if t == "mai":
        return 5
    if len(t) < 4:
        return None
    dists = sorted((Levenshtein.distance(t, name), i + 1) for i, name in enumerate(MONTH_NAMES))
    limit = 1 if len(t) <= 5 else 2
    if dists[0][0] <= limit and (len(dists) < 2 or dists[1][0] > dists[0][0]):
        return dists[0][1]
    return None


def _digits(s: str) -> Optional[int]:
    s = re.sub(r"\s", "", s).translate(_OCR_DIGIT)
    return int(s) if s.isdigit() else None


def _valid(y: Optional[int], m: Optional[int], d: Optional[int]) -> Optional[str]:
    if None in (y, m, d) or not (1990 <= y <= 2100):  # type: ignore[operator]
        return None
    try:
        return dt.date(y, m, d).isoformat()  # type: ignore[arg-type]
    except ValueError:
        return None


def find_dates(text: str, start: int = 0, end: Optional[int] = None) -> list[Found]:
    """Full dates ('29. April 2025', '29.04.2025', OCR '2O, Apri1 2O25') in text[start:end], in order."""
    end = len(text) if end is None else end
    out: list[Found] = []
    for pat, named in ((_NAMED_DATE, True), (_NUM_DATE, False)):
        for m in pat.finditer(text, start, end):
            mon = _month_number(m.group("mon")) if named else _digits(m.group("m"))
            iso = _valid(_digits(m.group("y")), mon, _digits(m.group("d")))
            if iso:
                clean = bool(re.fullmatch(r"\d{1,2}", m.group("d").strip())) and m.group("y").isdigit()
                out.append(Found(iso, m.start(), m.end(), 0.97 if clean else 0.8))
    out.sort(key=lambda f: f.start)
    keep: list[Found] = []
    for f in out:
        if keep and f.start < keep[-1].end:
            continue
        keep.append(f)
    return keep


# ---------------------------------------------------------------------------------------------
# header
_AGENDA = re.compile(r"(?:^|\n)[ \t]*(?:tagesordnungs)?punkt\s*(?P<n>\d{1,3}(?:\s?\.\s?\d{1,2}){0,2})\s+der\s+tages-?\s*"
                     r"(?:\n\s*)?ordnung")
_TOP = re.compile(r"(?:^|\n)[ \t]*(?:top|tagesordnungspunkt)\s*[:.]?\s*(?P<n>\d{1,3}(?:\.\d{1,2}){0,2})(?![\d])")
_NUMBER_LINE = re.compile(r"(?:^|\n)[ \t]*(?P<n>\d{1,3})\s?\.[ \t]*(?=\n)")
_CALLED = re.compile(r"\bruft\s+(?:den\s+|die\s+)?tagesordnungspunkte?\s+(?P<n>\d{1,3}(?:\.\d{1,2})?)")
_REF = re.compile(r"(?:vorlage|drucksache|vorlagen-?nr\.?|ds\.)\s*(?:nr\.?)?\s*[:;.,]?\s*"
                  r"(?P<r>(?:[a-z]{2,4}\s?/?\s?)?[12]\d{3}\s?/\s?\d{3,4}(?:\s?/\s?\d{1,2})?)")
_BODY = re.compile(r"niederschrift\b[^\n]*?\b(?:sitzung|plenarsitzung)\s+(?:des\s+|der\s+)?(?P<b>[^\n,]{3,60})")
_HEADER_END = re.compile(r"(?:^|\n)[ \t]*(?:(?:tagesordnungs)?punkt\s*\d|top\s*\d|beschlus)")
_ROLE_WORDS = re.compile(r"(?:ober)?burgermeister(?:in)?|ortsvorsteher(?:in)?|stellvertret\w*|erste[r]?|"
                         r"stadtrat|stadtratin|beigeordnete[r]?|amtsleiter(?:in)?|vorsitzende[r]?", re.I)
_CHAIR_LABELS = ("vorsitz", "vorsitzender", "vorsitzende", "der vorsitzende", "die vorsitzende")


def header_end(text: str) -> int:
    """Where the page head stops: at the first agenda line or Beschluss heading (or 1,500 characters)."""
    m = _HEADER_END.search(fold(text[:3000]))
    return m.start() if m else min(len(text), 1500)


def find_meeting_date(text: str) -> Optional[Found]:
    """The session date from the head ('29. April 2025, 15:30 Uhr'); the first full date there."""
    end = header_end(text)
    dates = find_dates(text, 0, end)
    if not dates:  # the head lost its date to OCR: the first date of the page, less sure
        dates = [Found(d.value, d.start, d.end, d.confidence * 0.6) for d in find_dates(text, 0, min(len(text), 3000))]
    if not dates:
        return None
    # a date on a line with a time ('15:30 Uhr') is the session's
    for d in dates:
        line_end = text.find("\n", d.end)
        line = text[d.end:line_end if line_end >= 0 else len(text)]
        if re.search(r"\d\s*[:.]\s*\d\d\s*uhr", fold(line)):
            return d
    return dates[0]


def find_agenda_items(text: str) -> list[Found]:
    f = fold(text)
    return [Found(re.sub(r"\s", "", m.group("n")), m.start("n"), m.end("n")) for m in _AGENDA.finditer(f)]


def find_agenda_number(text: str) -> Optional[Found]:
    """'Punkt 14 der Tagesordnung'; else 'TOP 14'; else the item the chair calls; else '14.' on its own line."""
    items = find_agenda_items(text)
    if items:
        return items[0]
    f = fold(text)
    m = _TOP.search(f)
    if m:
        return Found(m.group("n"), m.start("n"), m.end("n"), 0.9)
    m = _CALLED.search(f)
    if m:
        return Found(m.group("n"), m.start("n"), m.end("n"), 0.8)
    m = _NUMBER_LINE.search(f, 0, header_end(text) + 5)
    if m:
        return Found(m.group("n"), m.start("n"), m.end("n"), 0.6)
    return None


def find_references(text: str, end: Optional[int] = None) -> list[Found]:
    """Vorlage/Drucksache numbers ('2017/0797', OCR '2O17/O797'), normalised, in order."""
    f = fold(text if end is None else text[:end])
    out = []
    for m in _REF.finditer(f):
        raw = re.sub(r"\s", "", text[m.start("r"):m.end("r")])
        val = re.sub(r"\s", "", m.group("r"))
        prefix = re.match(r"[a-z]+/?", val)
        if prefix:  # 'ANF2022/2003', 'IV/2022/2012': keep the printed letters
            val = raw[:prefix.end()] + val[prefix.end():]
        # '2025/1201/1' is the first amendment of Vorlage 2025/1201: the record files it under the Vorlage
        core = re.match(r"(?:[A-Za-z]+/?)?\d{4}/\d{3,4}", val)
        value = core.group(0) if core else val
        clean = re.sub(r"\s", "", raw) == val
        out.append(Found(value, m.start("r"), m.end("r"), 0.97 if clean else 0.85, "" if value == raw else raw))
    return out


def find_chair(text: str) -> Optional[Chair]:
    """'Vorsitzender: Oberbürgermeister Dr. Frank Mentrup' → name, role and title."""
    end = header_end(text)
    for lm in re.finditer(r"[^\n]+", text[:end]):
        line = lm.group(0)
        sep = re.search(r"[:;]", line)
        if not sep:
            continue
        label = fold(line[:sep.start()]).strip(" .")
        if not label or len(label) > 20:
            continue
        if min(Levenshtein.distance(label, lab) for lab in _CHAIR_LABELS) > (1 if len(label) <= 8 else 2):
            continue
        rest = line[sep.end():].strip()
        if not rest:
            continue
        start = lm.start() + sep.end() + (len(line[sep.end():]) - len(line[sep.end():].lstrip()))
        return _chair(rest, start)
    return None


def _chair(rest: str, start: int) -> Chair:
    toks = rest.split()
    role, title, name = [], [], []
    for tok in toks:
        ft = fold(tok).strip(",")
        if not name and _ROLE_WORDS.fullmatch(ft.strip(".")):
            role.append(tok)
        elif re.fullmatch(r"(?:dr|prof|dipl|ing|med|rer|nat|phil|h\.c|mba)\.?(?:-\w+\.?)?[,.]?", ft):
            title.append(tok.rstrip(","))
        elif not name and tok[:1].islower():
            role.append(tok)
        else:
            name.append(tok.strip(","))
    return Chair(" ".join(name) or None, " ".join(role) or None, " ".join(title) or None, start,
                 start + len(rest), rest)


def find_body(text: str) -> tuple[Optional[str], Optional[str]]:
    """('9. Plenarsitzung des Gemeinderates', 'Gemeinderat') from the 'Niederschrift' line."""
    end = header_end(text)
    f = fold(text[:end])
    m = re.search(r"niederschrift[ \t]+(?P<m>[^\n]{3,90})", f)
    if not m:
        return None, None
    meeting = text[m.start("m"):m.end("m")].strip()
    b = _BODY.search(f)
    body = None
    if b:
        raw = text[b.start("b"):b.end("b")].strip()
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
        if not ln or re.match(r"(?i)(?:vorlage|antrag|anfrage|änderungsantrag|ergänzungsantrag|dazu|punkt|"
                              r"beschluss|\d+(?:\.\d+)+\s)", ln):
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
    head = res._BESCHLUSS_HEAD.search(fold(text[:first_block]))
    refs = find_references(text, head.start() if head else first_block)
    proto = Protocol(date, meeting, body, chair, agenda, items, find_title(text, agenda), refs)
    proto.decisions = _decisions(text, proto, spans, model)
    return proto


def _decisions(text: str, proto: Protocol, spans: list[res.StatementSpan],
               model: Optional[res.ResultModel] | bool) -> list[Decision]:
    mdl = res.default_model() if model is True else (model or None)
    item = proto.agenda_number.value if proto.agenda_number else None
    date = proto.meeting_date.value if proto.meeting_date else None
    ref = proto.reference
    f = fold(text)
    groups: list[tuple[str, int, int, list[ResultInfo]]] = []
    if spans:
        prev = 0
        for i, sp in enumerate(spans):
            b_text, b_start, b_end = _beschluss_span(text, f, prev, sp.head)
            nxt = spans[i + 1].head if i + 1 < len(spans) else len(text)
            infos = res._statement_results(text[sp.start:sp.end], sp.start, sp.label, b_text, text[sp.end:nxt],
                                           item, mdl)
            if not infos and b_text:
                infos = res._statement_results("", sp.start, sp.label, b_text, text[sp.end:nxt], item, mdl)
            groups.append((b_text, b_start, b_end, infos))
            prev = sp.end
    else:
        head = res._BESCHLUSS_HEAD.search(f)
        if head:
            b_text = res.beschluss_block(text, head.end())
            b_start = head.end() + (len(text[head.end():]) - len(text[head.end():].lstrip()))
            b_end = b_start + len(b_text)
            infos = res._statement_results("", b_start, None, b_text, text[b_end:], item, mdl)
            groups.append((b_text, b_start, b_end, infos))
        else:
            infos = res._statement_results("", 0, None, "", text[header_end(text):], item, mdl)
            if infos:
                groups.append(("", infos[0].start, infos[0].end, infos))
    decisions: list[Decision] = []
    all_infos = [i for g in groups for i in g[3]]
    primary = res.primary_result(all_infos, item)
    for b_text, b_start, b_end, infos in groups:
        if not infos:
            if b_text:
                decisions.append(Decision(item, None, False, _flat(b_text), b_start, b_end, date, proto.body, ref,
                                          None, confidence=0.0))
            continue
        for info in infos:
            part_item = res._label_number(info.label) if info.kind == "item" else item
            has_b = bool(b_text) and info.kind in ("main", "point", "item")
            s, e = (b_start, b_end) if has_b else (info.start, info.end)
            decisions.append(Decision(part_item, info.label, info is primary, _flat(b_text) if has_b else "", s, e,
                                      date, proto.body, ref, info, confidence=info.confidence))
    return decisions


def _beschluss_span(text: str, f: str, lo: int, hi: int) -> tuple[str, int, int]:
    last = None
    for m in res._BESCHLUSS_HEAD.finditer(f, lo, hi):
        last = m
    if last is None:
        return "", hi, hi
    raw = text[last.end():hi]
    s = last.end() + (len(raw) - len(raw.lstrip()))
    e = last.end() + len(raw.rstrip())
    return text[s:e], s, e


def _flat(text: str) -> str:
    return re.sub(r"[ \t]+", " ", re.sub(r"[ \t]*\n[ \t]*", "\n", text)).strip()
