"""Document-level fields: type, title, file references and the issue date."""
from __future__ import annotations

import re
from typing import Optional

DOC_TYPES = [
    ("Hausmitteilung", re.compile(r"\bHausmitteilung\b", re.I)),
    ("Beschlussvorlage", re.compile(r"\bBeschlussvorlage\b|\bVorlage\s+Nr\b|\bVorlagen-Nr\b", re.I)),
    ("Niederschrift", re.compile(r"\bNiederschrift\b|\bProtokoll\b|\bSitzungsprotokoll\b", re.I)),
    ("Pressemitteilung", re.compile(r"\bPressemitteilung\b|\bPresseinformation\b|\bMedieninformation\b", re.I)),
    ("Webseite", re.compile(r"\bStartseite\b|\bwww\.|https?://|Sie sind hier", re.I)),
    ("Brief", re.compile(r"\bSehr geehrte[rn]?\b|\bMit freundlichen Grüßen\b|\bHochachtungsvoll\b", re.I)),
]
REF_STRONG = re.compile(r"(?<![\w/])(?:[A-Z]{1,4}\d{2,5}/\d{2,4}|[A-Z]{1,4}/\d{2,5}/\d{2,4}|[A-Z]{1,3}-\d{2,5}/\d{2,4})(?![\w/])")
REF_CUED = re.compile(
    r"(?:Vorlage(?:n-Nr\.?|nnummer)?|Drucksache|Az\.?|Aktenzeichen|Beschluss-Nr\.?|Nr\.|Ds\.|Gz\.?|Unser Zeichen)"
    r"\s*:?\s*(?P<ref>[A-Z]{0,4}[/-]?\d{1,5}(?:[/.-]\d{1,5}){1,3})")
TITLE_CUE = re.compile(r"^\s*(?:Betreff|Betr\.|Thema|Gegenstand|Titel)\s*:\s*(?P<t>.+)$", re.M | re.I)


def doc_type(text: str) -> Optional[str]:
    head = text[:1500]
    best = None
    for name, pat in DOC_TYPES:
        m = pat.search(head)
        if m and (best is None or m.start() < best[1]):
            if name in ("Brief", "Webseite") and best is not None:
                continue
            best = (name, m.start())
    if best is None:
        for name, pat in DOC_TYPES:
            if pat.search(text):
                return name
        return None
    # a letter mentioning a 'Beschlussvorlage' is still a letter if it opens as one
    if best[0] in ("Beschlussvorlage", "Niederschrift") and DOC_TYPES[5][1].search(head) and \
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
        if m.group(0) not in refs:
            refs.append(m.group(0))
    for m in REF_CUED.finditer(text):
        r = m.group("ref")
        if r not in refs and not re.fullmatch(r"\d{1,2}\.\d{1,2}(\.\d{2,4})?", r):
            refs.append(r)
    return refs


def date_cue(text: str, start: int) -> tuple[float, str]:
    """How much the words before a date say 'this is the issue date'."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if re.search(r"\bDatum\s*:?\s*$", before, re.I):
        return 0.97, "Datum field"
    if re.match(r"^\s*[A-ZÄÖÜ][\w.\- ]{1,40},\s*(?:den\s+|am\s+)?$", before):
        return 0.95, "place-and-date line"
    if re.search(r"\b(?:Sitzung|vom|am|bis|seit|zum|ab)\s*$", before, re.I):
        return 0.0, "a date in the text"
    if before.strip() == "":
        return 0.8, "date on its own line"
    if re.search(r"\b(?:Stand|Erstellt|Ausgabe|Dresden|Berlin)\b", before):
        return 0.7, "date in the header"
    return 0.3, "first date in the document"
