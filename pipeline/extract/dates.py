"""German date expressions in running text and stamps, normalised to ISO 8601.

Rules rather than dateparser: dateparser.search finds no stamps ('21. MRZ. 2024'), splits no
ranges ('vom 4. bis 7. März 2024') and gives full dates for 'Juni 2005' (see bench/dates.py).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from rapidfuzz.distance import Levenshtein

MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feber": 2, "feb": 2, "febr": 2,
    "märz": 3, "maerz": 3, "mär": 3, "mrz": 3, "marz": 3, "april": 4, "apr": 4, "mai": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9,
    "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
}
STAMP_MONTHS = ["JAN", "FEB", "MRZ", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ"]
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
M = rf"(?P<mon>(?:{_MONTH_ALT})\b\.?)"
WEEKDAYS = r"(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag|Mo|Di|Mi|Do|Fr|Sa|So)"

# ordered: the first pattern to claim characters wins
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("range_named", re.compile(
        rf"(?:vom\s+)?(?P<d1>\d{{1,2}})\.\s*(?:bis(?:\s+zum)?|-|–|/)\s*(?P<d2>\d{{1,2}})\.\s*{M}\s*(?P<y>\d{{4}})",
        re.I)),
    ("range_numeric", re.compile(
        r"(?:vom\s+)?(?<![\d.])(?P<d1>\d{1,2})\.\s*(?:bis(?:\s+zum)?|-|–|/)\s*(?P<d2>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b")),
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("numeric", re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4}|\d{2})(?![\d])")),
    # a month name hyphenated at a line break ('15. De-⏎zember 2015', 'Ok-⏎tober 2017'): 15 in 1,500 council texts
    ("named_hyphen", re.compile(r"(?:(?<![\d.])(?P<d>\d{1,2})\.\s*)?\b(?P<a>[A-ZÄÖÜ][a-zäöü]{1,7})-[ \t]*\n[ \t]*"
                                r"(?P<b>[a-zäöü]{2,8})\s+(?P<y>\d{4})\b")),
    ("named", re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}})\.?\s*{M}\s*(?P<y>\d{{4}})\b", re.I)),
    # OCR read a date's point as ':' or ',' ('04.04:2016', '03:10.2020', '14, März 1974', 'Mai:2022'):
    # one point must be left, the year has four digits
    ("ocr_numeric", re.compile(r"(?<![\d.:,])(?P<d>\d{1,2})(?P<s1>[.:,])\s?(?P<m>\d{1,2})(?P<s2>[.:,])\s?"
                               r"(?P<y>(?:19|20)\d{2})(?![\d])")),
    ("ocr_named", re.compile(rf"(?<![\d.:,])(?P<d>\d{{1,2}})(?P<s1>\.\.|[.:,]?)\s*{M}(?P<s2>\s*[:,'’]?\s*)"
                             rf"(?P<y>(?:19|20)\d{{2}})\b", re.I)),
    # a month name with one letter misread ('Oktöber', 'Dezemiber'): day before, year after
    ("ocr_month", re.compile(r"(?<![\d.:,])(?P<d>\d{1,2})\.\s*(?P<mon>[A-ZÄÖÜ][a-zäöüß]{4,9})\s+(?P<y>(?:19|20)\d{2})\b")),
    ("ocr_month_year", re.compile(rf"\b(?P<mon>{_MONTH_ALT})(?:[:'’]\s*|\.(?=\d))(?P<y>(?:19|20)\d{{2}})\b(?![/.,]\d)", re.I)),
    # rubber stamps as OCR reads them: '2 I MÜZ. 2024', '21.MRZ.2024', '2l. APR 2024'
    ("stamp", re.compile(r"(?<![\w.])(?P<d>[0-3OIl|]?\s?[0-9OIl|])\s?\.?\s*(?P<mon>[A-ZÄÖÜ]{3,4})\.?\s*(?P<y>(?:19|20)\d{2})\b")),
    ("named_noyear", re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}})\.\s*{M}(?!\s*\d)", re.I)),
    ("weekday_noyear", re.compile(rf"\b{WEEKDAYS},?\s*\(?(?:den\s+)?(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.\)?(?!\d)")),
    ("am_noyear", re.compile(r"\b(?:am|vom|bis zum|zum)\s+(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?!\s?\d)")),
    # two months sharing one year ('von Juni bis September 2021', 'zwischen März und Oktober 2019', 'Mai bis Mitte Juni
    # 2022'; train8: 28 in 14 of the 1,500 council texts): the first month takes the year too
    ("range_month", re.compile(rf"(?<![\d.])(?<!\d\.\s)\b(?-i:(?=[A-ZÄÖ]))(?P<m1>{_MONTH_ALT})\s+"
                               rf"(?:bis(?:\s+zum)?|und|–|-)\s+(?:(?:Ende|Anfang|Mitte)\s+)?(?-i:(?=[A-ZÄÖ])){M}\s+"
                               rf"(?P<y>(?:1[89]|20)\d{{2}})\b", re.I)),
    ("month_year", re.compile(rf"\b{M}\s+(?P<y>(?:1[89]|20)\d{{2}})\b", re.I)),
    # a year alone only after a temporal word ('seit 1977', 'aus dem Jahr 2019', 'in 2017', 'von 1963', 'für die
    # Jahre 2024 und 2025': a second year joined by und/bis/sowie/oder is a date too); never a split year '2019/20',
    # 'Für 2024 / 2025', nor an amount ('von 2000 Euro')
    ("year", re.compile(r"\b(?P<cue>(?i:seit|im\s+Jahre?|das\s+Jahr|Jahres|"
                        r"Haushaltsjahr(?:es)?|Kalenderjahr|(?:Geschäfts|Wirtschafts)jahr(?:es)?|für|ab|bis|Ende|Anfang|Mitte|"
                        r"Frühjahr|Sommer|Herbst|Winter|Spätsommer|Jahreswechsel|(?:dem|den|die|der)\s+Jahr(?:e|en|es)?(?:\s+von)?|"
                        r"Jahren(?:\s+von)?|in|von|vor|nach|(?:im\s+)?Vergleich\s+zu(?:m\s+Jahr)?|"
                        # train6 (2026-12-08): 'Unterdeckung aus 2017' (on its line: not 'aus' closing a form field
                        # above a table's year column), 'bereits 2016', 'frühestens 2025', 'im HJ 2011'
                        r"aus(?=[ \t]+(?:1[89]|20)\d{2})|bereits|erst|frühestens|spätestens|HJ))(?:\s+|(?P<glued>\.|:\s*))"
                        r"(?P<y>(?:1[89]|20)\d{2})\b(?![/.,]\d)(?!\s+/\s*\d)(?!\s*(?:Euro|EUR|€|Mio|Stück|Personen|Menschen|Plätze|m\b|km\b|qm\b|m²))"
                        r"(?:\s*(?:(?:und|bis|sowie|oder)\s+|[-–]\s*)(?P<y2>(?:1[89]|20)\d{2})\b(?![/.,]\d))?")),
]


@dataclass
class DateMatch:
    start: int
    end: int
    value: str  # YYYY-MM-DD | YYYY-MM | YYYY | XXXX-MM-DD (year unknown)
    confidence: float
    reason: str = ""  # why it needs review, if it does


def _year(y: str) -> Optional[int]:
    n = int(y)
    if len(y) == 2:
        n += 2000 if n <= 49 else 1900
    return n if 1800 <= n <= 2100 else None


# A date written without its year: ISO 8601-2 / EDTF "unspecified digits" (XXXX-01-25). Unlike
# ISO 8601's '--01-25' it survives CSV and spreadsheets unchanged (no leading '-' to defuse).
YEARLESS = "XXXX-"


def is_yearless(value: str) -> bool:
    return value.startswith(YEARLESS)


def _iso(y: Optional[int], m: int, d: int) -> Optional[str]:
    try:
        if y is None:
            dt.date(2000, m, d)  # leap-year safe check
            return f"{YEARLESS}{m:02d}-{d:02d}"
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _month(token: str) -> tuple[Optional[int], bool]:
    """Month number from a name or stamp abbreviation; the flag says it was OCR-repaired."""
    t = token.strip(".").lower()
    if t in MONTHS:
        return MONTHS[t], False
    up = token.strip(".").upper().replace("Ü", "U").replace("Ä", "A").replace("Ö", "O")
    best = [(Levenshtein.distance(up[:3], s), i + 1) for i, s in enumerate(STAMP_MONTHS)]
    best.sort()
    if best[0][0] == 1 and (len(best) < 2 or best[1][0] > 1):
        return best[0][1], True
    return None, False


_LONG_MONTHS = {name: n for name, n in MONTHS.items() if len(name) >= 5}


def _damaged_month(word: str) -> Optional[int]:
    """A written-out month name with one letter misread, added or lost ('Oktöber', 'Dezemiber'), when
    exactly one month is that close; None for a month spelled right (the other patterns read it)."""
    w = word.lower()
    if w in MONTHS:
        return None
    near = {n for name, n in _LONG_MONTHS.items() if Levenshtein.distance(w, name) == 1}
    return near.pop() if len(near) == 1 else None


def _stamp_day(raw: str) -> Optional[int]:
    digits = raw.replace(" ", "").translate(str.maketrans({"O": "0", "I": "1", "l": "1", "|": "1"}))
    return int(digits) if digits.isdigit() and 1 <= int(digits) <= 31 else None


# a yearless date that recurs every year ('zum 1. April eines jeden Jahres', 'am 01.10. eines Kalenderjahres',
# 'bis zum 15. Oktober des jeweiligen Jahres') is a rule, not a calendar date: 20 dropped in the 1,500 council texts
# and the train protocols, all recurring deadlines (a date of one year reads '5. Mai des Jahres 2024': kept)
_RECURRING = re.compile(r"[ \t]*\n?[ \t]*(?:des|eines)\s+(?:jeden\s+|jeweiligen\s+|folgenden\s+)?"
                        r"(?:Kalender|Haushalts|Wirtschafts|Geschäfts|Schul)?[jJ]ahres\b(?!\s*\d)")
# 'zum 1. April und 1. Oktober eines jeden Jahres': the first of two coordinated dates recurs too
_COORDINATED = re.compile(r"\s*(?:und|oder|bzw\.|sowie)\s+(?:zum\s+|am\s+)?")


def _drop_recurring(text: str, dates: list[DateMatch]) -> list[DateMatch]:
    keep: list[DateMatch] = []
    recurring_next: Optional[DateMatch] = None
    for d in reversed(dates):
        if is_yearless(d.value):
            gap = _COORDINATED.match(text, d.end)
            if _RECURRING.match(text, d.end) or (
                    recurring_next is not None and gap is not None and gap.end() == recurring_next.start):
                recurring_next = d
                continue
        recurring_next = None
        keep.append(d)
    return keep[::-1]


def find_dates(text: str) -> list[DateMatch]:
    taken = [False] * (len(text) + 1)
    out: list[DateMatch] = []

    def claim(s: int, e: int) -> bool:
        if any(taken[s:e]):
            return False
        for k in range(s, e):
            taken[k] = True
        return True

    for kind, pat in PATTERNS:
        for m in pat.finditer(text):
            s, e = m.span()
            if any(taken[s:e]):
                continue
            g = m.groupdict()
            found: list[DateMatch] = []
            if kind in ("range_named", "range_numeric"):
                y = _year(g["y"])
                month = _month(g["mon"])[0] if kind == "range_named" else int(g["m"])
                if not month or y is None:
                    continue
                d1s, d1e = m.span("d1")
                v1, v2 = _iso(y, month, int(g["d1"])), _iso(y, month, int(g["d2"]))
                if not v1 or not v2:
                    continue
                found = [DateMatch(d1s, d1e + 1, v1, 0.9), DateMatch(m.start("d2"), e, v2, 0.95)]
            elif kind in ("numeric", "iso"):
                y = _year(g["y"])
                v = _iso(y, int(g["m"]), int(g["d"])) if y else None
                if not v:
                    continue
                conf = 0.95 if len(g["y"]) == 4 else 0.85
                found = [DateMatch(s, e, v, conf)]
            elif kind in ("ocr_numeric", "ocr_named"):
                seps = (g["s1"], g["s2"].strip())
                if kind == "ocr_numeric" and ("." not in seps or seps == (".", ".")):
                    continue
                if kind == "ocr_named" and not ({":", ",", "..", "'", "’"} & set(seps)):
                    continue
                month = int(g["m"]) if kind == "ocr_numeric" else _month(g["mon"])[0]
                y = _year(g["y"])
                v = _iso(y, month, int(g["d"])) if month and y else None
                if not v:
                    continue
                found = [DateMatch(s, e, v, 0.7, f"date '{m.group(0)}' read with a point OCR took for ':' or ','")]
            elif kind == "ocr_month":
                month, y = _damaged_month(g["mon"]), _year(g["y"])
                v = _iso(y, month, int(g["d"])) if month and y else None
                if not v:
                    continue
                found = [DateMatch(s, e, v, 0.6, f"month '{g['mon']}' read as an OCR-damaged month name")]
            elif kind == "ocr_month_year":
                month, y = _month(g["mon"])[0], _year(g["y"])
                if not month or y is None or g["mon"].isupper():
                    continue
                found = [DateMatch(s, e, f"{y:04d}-{month:02d}", 0.7,
                                   f"date '{m.group(0)}' read with a point OCR took for ':' or ','")]
            elif kind == "named_hyphen":
                month = _LONG_MONTHS.get((g["a"] + g["b"]).lower())
                y = _year(g["y"])
                if not month or y is None:
                    continue
                if g["d"]:
                    v = _iso(y, month, int(g["d"]))
                    if not v:
                        continue
                    found = [DateMatch(s, e, v, 0.95)]
                else:
                    found = [DateMatch(m.start("a"), e, f"{y:04d}-{month:02d}", 0.9)]
            elif kind == "named":
                month, repaired = _month(g["mon"])
                y = _year(g["y"])
                v = _iso(y, month, int(g["d"])) if month and y else None
                if not v:
                    continue
                found = [DateMatch(s, e, v, 0.7 if repaired else 0.97,
                                   f"month '{g['mon']}' read as an OCR-damaged month name" if repaired else "")]
            elif kind == "stamp":
                month, repaired = _month(g["mon"])
                day = _stamp_day(g["d"])
                y = _year(g["y"])
                v = _iso(y, month, day) if month and day and y else None
                if not v:
                    continue
                damaged = repaired or not g["d"].replace(" ", "").isdigit() or " " in g["d"].strip()
                conf = 0.55 if damaged else 0.9
                found = [DateMatch(s, e, v, conf,
                                   f"stamp '{m.group(0)}' read with OCR repairs" if damaged else "")]
            elif kind in ("named_noyear", "weekday_noyear", "am_noyear"):
                month = _month(g["mon"])[0] if kind == "named_noyear" else int(g["m"])
                v = _iso(None, month, int(g["d"])) if month else None
                if not v:
                    continue
                # the date only: a weekday or 'am' before it and a bracket after it are outside the span
                ds, de = (s, e) if kind == "named_noyear" else (m.start("d"), m.end("m") + 1)
                found = [DateMatch(ds, de, v, 0.5, "no year written")]
            elif kind == "range_month":
                m1, m2, y = _month(g["m1"])[0], _month(g["mon"])[0], _year(g["y"])
                if not m1 or not m2 or y is None or m1 >= m2:
                    continue
                found = [DateMatch(m.start("m1"), m.end("m1"), f"{y:04d}-{m1:02d}", 0.85),
                         DateMatch(m.start("mon"), e, f"{y:04d}-{m2:02d}", 0.9)]
            elif kind == "month_year":
                month = _month(g["mon"])[0]
                y = _year(g["y"])
                if not month or y is None:
                    continue
                if g["mon"].strip(".").isupper():  # 'MAI 2024': a stamp whose day OCR lost
                    found = [DateMatch(s, e, f"{y:04d}-{month:02d}", 0.5,
                                       f"stamp '{m.group(0)}' without its day: the day may be unreadable")]
                else:
                    found = [DateMatch(s, e, f"{y:04d}-{month:02d}", 0.9)]
            elif kind == "year":
                y = _year(g["y"])
                if y is None:
                    continue
                ys, ye = m.span("y")
                found = [DateMatch(ys, ye, f"{y:04d}", 0.7 if g.get("glued") else 0.8,
                                   f"year after '{m.group(0)[:ys - s]}' (OCR noise between)" if g.get("glued") else "")]
                y2 = _year(g["y2"]) if g.get("y2") else None
                if y2 is not None:
                    found.append(DateMatch(*m.span("y2"), f"{y2:04d}", 0.8))
            if found and claim(s, e):
                out.extend(found)
    out.sort(key=lambda d: d.start)
    return _drop_recurring(text, out)


def resolve_year(value: str, doc_date: Optional[str]) -> tuple[Optional[str], str]:
    """A 'XXXX-MM-DD' value gets the year of the document date, when that is safe."""
    if not is_yearless(value):
        return value, ""
    if not doc_date or len(doc_date) < 10 or not doc_date[:4].isdigit():
        return None, "no year written and no document date to take it from"
    year, dmonth = int(doc_date[:4]), int(doc_date[5:7])
    month = int(value[5:7])
    # a memo of December that mentions '9. Januar' most likely means next year: not safe;
    # memos look ahead more often than back ('die nächste Sitzung am 2. Oktober')
    if not -6 <= month - dmonth <= 9:
        return None, f"no year written; {value[5:]} is too far from the document date {doc_date}"
    iso = _iso(year, month, int(value[8:10]))
    return iso, f"no year written; year {year} taken from the document date {doc_date}"
