"""Decision clauses: numbered and quoted resolution items, 'Beschluss:' blocks and sentences
with decision verbs; their deciding body, date, kind, votes and the outcome a follow-up reports."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

KINDS: list[tuple[str, re.Pattern]] = [
    ("verurteilung", re.compile(r"\bverurteil(?:t|en|te)\b", re.I)),
    ("willensbekundung", re.compile(r"\bbekunde(?:t|n|te)\b.*\bWillen|\bWillen\b[^.]{0,60}\bbekundet\b|\bWillensbekundung|\bbekräftig(?:t|en)\b", re.I | re.S)),
    ("aufforderung", re.compile(r"\bf[oö]rder(?:t|n|te)\b.*\bauf\b|\baufgefordert\b|\bappelliert\b", re.I | re.S)),
    ("auftrag", re.compile(r"\bbeauftrag(?:t|en|te)\b|\bwird beauftragt\b|\bAuftrag\b", re.I)),
    ("ablehnung", re.compile(r"\blehn(?:t|en|te)\b.*\bab\b|\babgelehnt\b", re.I | re.S)),
    ("vertagung", re.compile(r"\bvertag(?:t|en|te)\b", re.I)),
    ("verweisung", re.compile(r"\bverweis(?:t|en)\b(?![^.]{0,40}\bauf\b)|\bverwiesen\b|\bÜberweisung\b", re.I)),
    ("zustimmung", re.compile(r"\bstimm(?:t|en|te)\b.*\bzu\b|\bzugestimmt\b|\bZustimmung\b|\bEinverstanden\b|"
                              r"\bangenommen\b", re.I | re.S)),
    ("kenntnisnahme", re.compile(r"\bKenntnisnahme\b|\bKenntnis genommen\b|\bnimmt\b[^.]{0,80}\bzur Kenntnis\b",
                                 re.I)),
    ("beschluss", re.compile(r"\bbeschlie(?:ß|ss)(?:t|en)\b|\bbeschlossen\b|\bBeschluss:", re.I)),
]
DECISION_CUE = re.compile(
    r"\bbeschlie(?:ß|ss)t\b|\bhat\b[^.]{0,80}\bbeschlossen\b|\bbeschlossen\b|\bbeauftrag(?:t|te)\b|"
    r"\bf[oö]rder(?:t|te)\b[^.]{0,200}\bauf\b|\bbekunde(?:t|te)\b[^.]{0,80}\bWillen\b|\bverurteil(?:t|te)\b|"
    r"\bstimm(?:t|te)\b[^.]{0,120}\bzu\b|\blehn(?:t|te)\b[^.]{0,120}\bab\b|\bvertag(?:t|te)\b|"
    r"\bzugestimmt\b|\bWillen\b[^.]{0,60}\bbekundet\b|\babgelehnt\b|\bvertagt\b|"
    r"\bverweis(?:t)\b(?![^.]{0,40}\bauf\b)|\bverwiesen\b|\bBeschl(?:uss|üsse)\s+gefasst\b|\bfolgende[nr]?\s+Beschl", re.I)
BODY_SUBJECT = re.compile(
    r"\b(?:[Dd]er|[Dd]ie|[Dd]as)\s+(?P<body>(?:Stadtrat|Gemeinderat|Rat|Kreistag|Stadtverordnetenversammlung|"
    r"Bürgerschaft|Hauptausschuss|Ausschuss|Ortsbeirat|Bezirksbeirat|Magistrat|Verwaltungsausschuss|"
    r"Ältestenrat|Stadtbezirksbeirat)[^.,:;\n]{0,60}?)\s+(?:beschließt|beschliesst|hat|beauftragt|fordert|"
    r"bekundet|verurteilt|stimmt|lehnt|vertagt|verweist|bekräftigt)\b")
VOTES = re.compile(
    r"(?P<v>einstimmig(?:\s+(?:angenommen|beschlossen|abgelehnt))?|mehrheitlich(?:\s+(?:angenommen|beschlossen|abgelehnt))?|"
    r"\d+\s*Ja(?:-Stimmen)?\W{1,4}\d+\s*Nein(?:-Stimmen)?(?:\W{1,4}\d+\s*Enthaltung(?:en)?)?|"
    r"\d+\s*:\s*\d+\s*:\s*\d+)", re.I)
SESSION_DATE_CUE = re.compile(
    r"(?:Sitzung|Stadtratssitzung|Ratssitzung|Gemeinderatssitzung|Beschluss|beschlossen|Tagung)\b[^.\n]{0,40}?"
    r"\b(?:am|vom)\s*$", re.I)
_MONTH_WORD = (r"(?:Jan|Feb|Mär|Mar|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)[a-zä]*\.?(?:\s|$)")
ITEM = re.compile(r"^[ \t]*[„\"»]?\s*(?:Punkt\s+)?(?P<n>\d{1,2}|[a-h])[.);,:]\s+(?=[„\"»]?[A-ZÄÖÜ])"
                  rf"(?!{_MONTH_WORD}|\d)", re.M)
OUTCOME_CUE = re.compile(
    r"^\s*(?:Umsetzung|Stand(?: der Umsetzung)?|Sachstand|Ergebnis|Erledigung|Realisierung|Vollzug|"
    r"Bericht|Status)\s*:|\b(?:wurde[n]?|ist|sind)\b[^.]{0,80}\b(?:umgesetzt|realisiert|erledigt|"
    r"durchgeführt|abgeschlossen|eingerichtet|übergeben|unterzeichnet|geändert|gestrichen|zurückgestellt|"
    r"nicht weiterverfolgt|entfallen|erfolgt)\b|\bfand\b[^.]{0,60}\bstatt\b|\bentfällt\b", re.I)
TOP_LINE = re.compile(r"^[ \t]*(?:TOP|Tagesordnungspunkt|Punkt)\s+(?P<n>\d{1,3}(?:\.\d{1,2})?)\b[^\n]*", re.M)
OUTCOME_HEAD = re.compile(r"^\s*(?:Umsetzung|Stand(?: der Umsetzung)?|Sachstand|Ergebnis|Erledigung|Vollzug)\s*:",
                          re.I | re.M)
BESCHLUSS_HEAD = re.compile(r"^\s*(?:Beschluss(?:vorschlag|text|antrag)?|Beschlussfassung)\s*:\s*", re.I | re.M)


@dataclass
class Clause:
    start: int
    end: int
    item: Optional[str]
    kind: str
    text: str
    votes: Optional[str]
    body: Optional[str]
    date_span: Optional[tuple[int, int]]  # where a decision date is written
    outcome: Optional[str]
    confidence: float


def normalise_votes(raw: str) -> str:
    """'12 Ja, .3 Nein, 1 Enthaltung' (OCR specks) -> '12 Ja, 3 Nein, 1 Enthaltung'."""
    nums = re.findall(r"\d+", raw)
    if re.search(r"Ja", raw) and len(nums) >= 2:
        out = f"{nums[0]} Ja, {nums[1]} Nein"
        if len(nums) >= 3:
            out += f", {nums[2]} Enthaltung" + ("en" if nums[2] != "1" else "")
        return out
    if re.fullmatch(r"\d+\s*:\s*\d+\s*:\s*\d+", raw.strip()):
        a, b, c = nums[:3]
        return f"{a} Ja, {b} Nein, {c} Enthaltung" + ("en" if c != "1" else "")
    return re.sub(r"\s+", " ", raw.strip()).lower()


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans, with numbered items starting their own paragraph."""
    cuts = {0, len(text)}
    for m in re.finditer(r"\n\s*\n", text):
        cuts.add(m.end())
    for m in ITEM.finditer(text):
        cuts.add(m.start())
    for m in BESCHLUSS_HEAD.finditer(text):
        cuts.add(m.start())
    for m in TOP_LINE.finditer(text):
        cuts.add(m.start())
        cuts.add(m.end())
    for m in re.finditer(OUTCOME_HEAD.pattern + r"|^\s*Abstimmungsergebnis\s*:", text, re.M | re.I):
        cuts.add(m.start())
    pts = sorted(cuts)
    spans = []
    for a, b in zip(pts, pts[1:]):
        seg = text[a:b]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            spans.append((a + lead, a + len(seg.rstrip())))
    return spans


_SENT_END = re.compile(r"(?<=[.!?“”\"])\s+(?=[„\"]?[A-ZÄÖÜ])")
_NO_END = re.compile(r"(?:\b(?:Dr|Prof|Nr|Abs|Art|Ziff|bzw|ca|vgl|St|Hr|Fr|z\.B|u\.a|e\.V|i\.V|Az)\.|\b\d{1,2}\.|"
                     r"\b(?:Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez)\.)$")


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; German abbreviations and ordinals do not end one."""
    out = []
    a = start
    for m in _SENT_END.finditer(text, start, end):
        if _NO_END.search(text[max(a, m.start() - 8):m.start()]):
            continue
        out.append((a, m.start()))
        a = m.end()
    out.append((a, end))
    return [(x, y) for x, y in out if text[x:y].strip()]


def kind_of(segment: str) -> Optional[str]:
    for kind, pat in KINDS:
        if pat.search(segment):
            return kind
    return None


def _clause(text: str, s: int, e: int, item_m, top: Optional[str], kind: str, flat: str, body: Optional[str],
            conf: float) -> Clause:
    votes_m = VOTES.search(flat)
    seg = text[s:e]
    date_span = None
    for m in re.finditer(r"(?:Sitzung|Stadtratssitzung|Ratssitzung|Gemeinderatssitzung|Beschluss|beschlossen)"
                         r"\b[^.\n]{0,40}?\b(?:am|vom)\s+", seg):
        date_span = (s + m.end(), s + min(len(seg), m.end() + 25))
        break
    clause_text = re.sub(r"\s+", " ", seg[item_m.end():] if item_m else seg).strip()
    clause_text = re.sub(r"^[\W_]+(?=[A-ZÄÖÜ])", "", clause_text).strip("„“\"»« ")
    return Clause(s, e, item_m.group("n") if item_m else top, kind, clause_text,
                  normalise_votes(votes_m.group("v")) if votes_m else None, body, date_span, None, conf)


def find_decisions(text: str, proposal: bool = False) -> list[Clause]:
    """Decision clauses of one page. `proposal`: a Beschlussvorlage, whose items are not yet decided."""
    paras = _paragraphs(text)
    out: list[Clause] = []
    intro_kind: Optional[str] = None
    intro_body: Optional[str] = None
    in_list_mode = False  # numbered items follow a 'Der Stadtrat beschließt:' line
    after_head = False
    top: Optional[str] = None
    for s, e in paras:
        seg = text[s:e]
        top_m = TOP_LINE.match(seg)
        if top_m:
            top = top_m.group("n")
            after_head = in_list_mode = False
            continue
        flat = re.sub(r"\s+", " ", seg)
        item_m = ITEM.match(seg)
        head_m = BESCHLUSS_HEAD.match(seg)
        if re.match(r"^\s*Abstimmungsergebnis\s*:", seg, re.I):
            v = VOTES.search(seg)
            if out and v and not out[-1].votes:
                out[-1].votes = normalise_votes(v.group("v"))
            continue
        out_m = OUTCOME_HEAD.match(seg)
        if out_m:
            if out and out[-1].outcome is None:
                out[-1].outcome = re.sub(r"\s+", " ", seg[out_m.end():]).strip()
            continue
        if head_m:
            after_head = True
            rest = seg[head_m.end():]
            if not rest.strip():
                continue
            s = s + head_m.end() + (len(rest) - len(rest.lstrip()))
            seg = text[s:e]
            flat = re.sub(r"\s+", " ", seg)
            item_m = ITEM.match(seg)
        body_m = BODY_SUBJECT.search(flat)
        cue = DECISION_CUE.search(flat)
        if cue and flat.rstrip().endswith(":") and not item_m:
            intro_kind = kind_of(flat) or "beschluss"
            intro_body = body_m.group("body").strip() if body_m else None
            in_list_mode = True
            continue
        quoted = seg.lstrip()[:1] in ("„", '"', "»", "‚")
        in_list = (item_m is not None or quoted) and in_list_mode
        if not (cue or in_list or after_head):
            # Beschlusskontrolle: a plain paragraph after a decision reports what became of it
            if out and out[-1].outcome is None and OUTCOME_CUE.search(flat) and not item_m:
                out[-1].outcome = flat.strip()
            if not item_m and not OUTCOME_CUE.search(flat):
                in_list_mode = False
            after_head = False
            continue
        after_head = False
        if not item_m and not in_list and cue:
            # running text: the clause is the sentence that decides, not the paragraph around it
            for a, b in sentences(text, s, e):
                sent = re.sub(r"\s+", " ", text[a:b])
                if DECISION_CUE.search(sent):
                    bm = BODY_SUBJECT.search(sent)
                    out.append(_clause(text, a, b, None, top, kind_of(sent) or "beschluss", sent,
                                       bm.group("body").strip() if bm else None, 0.75))
            continue
        kind = kind_of(flat) or intro_kind or "beschluss"
        body = body_m.group("body").strip() if body_m else (intro_body if in_list else None)
        conf = 0.85 if (cue and (body or in_list)) else (0.75 if cue or in_list else 0.6)
        out.append(_clause(text, s, e, item_m, top, kind, flat, body, conf))
    return out
