"""Document-level fields: type, title, file references and the issue date."""
from __future__ import annotations

import re
from typing import Optional

REF_STRONG = re.compile(r"(?<![\w/])(?:[A-Z]{1,4}[\dOIl]{2,5}/[\dOIl]{2,4}|[A-Z]{1,4}/[\dOIl]{2,5}/[\dOIl]{2,4}|"
                        r"[A-Z]{1,3}-[\dOIl]{2,5}/[\dOIl]{2,4})(?![\w/])")
_DIGIT_FIX = str.maketrans({"O": "0", "I": "1", "l": "1"})


def _ref(raw: str) -> Optional[str]:
    """'A0O547/24' (OCR read a zero as O) -> 'A0547/24'; a token that is mostly letters is no reference."""
    m = re.match(r"^([A-Z]{1,4}[/-]?)(.*)$", raw)
    head, tail = (m.group(1), m.group(2)) if m else ("", raw)
    if sum(c.isdigit() for c in tail) < 0.6 * sum(c.isalnum() for c in tail):
        return None
    # a digit-like letter right after the digit it resembles is an OCR echo ('0O5' -> '05')
    tail = re.sub(r"(\d)([OIl])(?=\d)", lambda mm: mm.group(1) if (mm.group(1), mm.group(2) in "Il") in
                  (("0", False), ("1", True)) else mm.group(0), tail)
    return head + tail.translate(_DIGIT_FIX)
REF_CUED = re.compile(
    r"(?:Vorlage(?:n-Nr\.?|nnummer)?|Drucksache|Az\.?|Aktenzeichen|Beschluss-Nr\.?|Ds\.|Gz\.?|Unser Zeichen)"
    r"\s*:?\s*(?P<ref>[A-Z]{0,4}[/-]?\d[\dOIl]{0,4}(?:[/.-][\dOIl]{1,5}){1,3})(?![\w])")
TITLE_CUE = re.compile(r"^\s*(?:Betreff|Betr\.|Thema|Gegenstand|Titel)\s*:\s*(?P<t>.+)$", re.M | re.I)


def doc_type(text: str, types: list[tuple[str, re.Pattern]]) -> Optional[str]:
    """The first document type whose cue stands nearest the top (cues: `Cues.doc_types`)."""
    head = text[:1500]
    best = None
    for name, pat in types:
        m = pat.search(head)
        if m and (best is None or m.start() < best[1]):
            if name in ("Brief", "Webseite") and best is not None:
                continue
            best = (name, m.start())
    if best is None:
        for name, pat in types:
            if pat.search(text):
                return name
        return None
    # a letter mentioning a 'Beschlussvorlage' is still a letter if it opens as one
    if best[0] in ("Beschlussvorlage", "Niederschrift") and dict(types)["Brief"].search(head) and \
            not re.search(r"^\s*(?:Beschlussvorlage|Niederschrift|Protokoll)", head, re.M):
        return "Brief"
    return best[0]


def title(text: str) -> Optional[str]:
    m = TITLE_CUE.search(text)
    if m:
        t = m.group("t").strip()
        # titles continue on the next line when it is not a new field
        after = text[m.end():].split("\n", 2)
        if len(after) > 1 and after[1].strip() and not re.match(r"^\s*\w+\s*:", after[1]) and len(t) > 40:
            t = t + " " + after[1].strip()
        return t[:300]
    lines = [ln.strip() for ln in text.split("\n")[:25]]
    for i, ln in enumerate(lines):
        if re.match(r"^(?:Hausmitteilung|Pressemitteilung|Beschlussvorlage|Niederschrift|Protokoll)\b", ln, re.I):
            for nxt in lines[i + 1:i + 6]:
                if len(nxt.split()) >= 3 and not re.search(r"\d{1,2}\.\d{1,2}\.\d{2,4}|:\s*$|^(?:An|Von|Datum)\b", nxt):
                    return nxt[:300]
    return None


def references(text: str) -> list[str]:
    refs: list[str] = []
    for m in REF_STRONG.finditer(text):
        ref = _ref(m.group(0))
        if ref and ref not in refs:
            refs.append(ref)
    for m in REF_CUED.finditer(text):
        r = _ref(m.group("ref")) or ""
        if r and r not in refs and not re.fullmatch(r"\d{1,2}\.\d{1,2}(\.\d{2,4})?", r):
            refs.append(r)
    return refs


ISSUE_CUES = [
    (re.compile(r"\b(?:Datum|Date)\s*:?\s*$", re.I), 0.97, "Datum field"),
    (re.compile(r"(?:^|[-–·|:;]\s*|\s{2,})[A-ZÄÖÜ][\w.\-]*(?:\s(?:am|an der|im|in|ob der|a\.)?\s?[A-ZÄÖÜ(][\w.()\-]*){0,3},\s*"
                r"(?:den\s+|am\s+|im\s+)?$"), 0.95, "place-and-date line"),
    (re.compile(r"\b(?:Niederschrift|Protokoll|Bericht)\b[^\n]{0,40}\b(?:am|vom)\s*$", re.I), 0.0, ""),
    (re.compile(r"\b(?:gefertigt|erstellt|ausgefertigt|aufgestellt)\s+(?:am)?\s*$", re.I), 0.93, "drawn-up date"),
    (re.compile(r"\b(?:Zuletzt\s+)?(?:aktualisiert|geändert|Stand|Veröffentlicht|Erstellt|Ausgabe)"
                r"(?:\s+am)?\s*:?\s*$", re.I), 0.9, "publication date"),
]
AFTER_CUES = re.compile(r"^\s*(?:gefertigt|erstellt|ausgefertigt|aufgestellt)\b", re.I)
SESSION = re.compile(r"(?:Sitzung|sitzung|Tagung|Versammlung)\b[^\n]{0,30}(?:am|vom|,)\s*$|"
                     r"\b(?:Termin|Sitzungstag|Sitzungsdatum|Tag der Sitzung)\s*:?\s*$")
SESSION_LINE = re.compile(r"(?:[Ss]itzung|Tagung)\b[^\n]{0,80}$")


def is_session_date(text: str, start: int) -> bool:
    """'Sitzung am 20. April 2023', 'Plenarsitzung, 24.09.2018', 'Termin: 18.10.2011', or a date
    opening the line under 'Niederschrift 11. Plenarsitzung des Gemeinderates'."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if SESSION.search(before):
        return True
    if before.strip() == "":
        prev_start = text.rfind("\n", 0, max(0, line_start - 1)) + 1
        return bool(SESSION_LINE.search(text[prev_start:max(prev_start, line_start - 1)]))
    return False
RECEIPT = re.compile(r"\b(?:Eingang|Eingegangen|Posteingang|Eing\.|Empfangen)\b", re.I)
BODY_DATE = re.compile(r"\b(?:am|vom|bis|seit|zum|ab|bis zum|den|im|Frist|bis spätestens)\s*$", re.I)


def date_cue(text: str, start: int, end: int) -> tuple[float, str]:
    """How strongly the words around a date say 'this is the document's issue date'."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    line_end = text.find("\n", end)
    after = text[end:line_end if line_end >= 0 else len(text)]
    prev_lines = text[max(0, text.rfind("\n", 0, max(0, line_start - 1)) + 1):line_start]
    if AFTER_CUES.match(after) or re.search(r"\bwurde\s+am\s*$", before) and re.match(r"^\s*(?:gefertigt|erstellt)", after):
        return 0.93, "drawn-up date"
    for pat, score, why in ISSUE_CUES:
        if pat.search(before):
            if score == 0.0:
                break
            return score, why
    if RECEIPT.search(prev_lines) or RECEIPT.search(before):
        return 0.4, "receipt stamp (Eingang), not the issue date"
    if is_session_date(text, start):
        return 0.3, "session date"
    if BODY_DATE.search(before):
        return 0.0, "a date in the text"
    if before.strip() == "" and after.strip() in ("", ".") :
        return 0.8, "date on its own line"
    return 0.25, "first date in the document"
