"""File numbers as first-class values: every Vorlage, Drucksache, Antrag, session number and
Aktenzeichen on a page, in one canonical form, with where it stands and how sure we are.

    find_references(pages, settings) -> [Reference]       (a stage of its own, after extract)
    canonical(text) -> (value, repairs) | None            (also for what a user types: `cli.py register OUT v2072/23`)

Canonical forms (the shapes council systems print; the letters of a prefix are kept as printed):

    V2072/23  A0547/24   letters, number, two-digit year      (Dresden, Leipzig …)
    SR/049/2023          letters / number / year              (session and Stadtrat numbers)
    2023/0838  2024/0884/2   year / number [/ part]           (Karlsruhe and other SessionNet cities)
    OB-19/24             letters - number / year              (office file numbers)
    76.4-370/2025        plan number - number / year          (Aktenzeichen)
    68/731               term / number, only after a cue      (Drucksache of a Wahlperiode)

OCR spellings are repaired where the repair is unambiguous: `\\/2072/23` and `v2072/23` -> `V2072/23`,
letters in digit runs (`2O23/O838`), spaces around the slash, and -- only right after a cue such as
`Vorlage` -- a slash read as a digit (`202072033` -> `2020/2033`), at a confidence that sends it to review.
"""
from __future__ import annotations

import re
from typing import Optional

from ..config import Settings
from ..records import Page, Reference, union_bbox

# ---------------------------------------------------------------- cues

# the word in front of a number says what it is
_CUES: list[tuple[str, str]] = [
    (r"(?:Beschluss|Informations|Mitteilungs|Sitzungs)?[Vv]orlagen?(?:-?(?:Nr\.?|[Nn]ummer))?(?:\s+Nr\.?)?", "vorlage"),
    (r"Drucksachen?(?:-?(?:Nr\.?|[Nn]ummer))?(?:\s+Nr\.?)?|Drs\.|DS", "drucksache"),
    (r"Antrag(?:s)?(?:-?(?:Nr\.?|[Nn]ummer)|\s+Nr\.?)|Anfrage(?:-?Nr\.?|\s+Nr\.?)", "antrag"),
    (r"Az\.?|Aktenzeichen|Gz\.?|Geschäftszeichen|(?:Unser|Ihr)\s+Zeichen|Zeichen", "aktenzeichen"),
    (r"Sitzungs(?:-?Nr\.?|nummer)|Sitzung\s+Nr\.?", "sitzung"),
    (r"Beschluss(?:-?Nr\.?|nummer|\s+Nr\.?)|Beschlusses", "beschluss"),  # 'Umsetzung des Beschlusses 35/876'
]
CUE = re.compile("|".join(f"(?P<c{i}>(?<![\\w-])(?:{p}))" for i, (p, _) in enumerate(_CUES)))
# between a cue and its number: a colon, spaces (aligned forms print many), at most one line break
_GAP = re.compile(r"[ \t]*:?[ \t]*(?:\n[ \t]*)?")
# a cue counts for a number when it ends at most this many characters before it on the same line
_CUE_REACH = 14
KINDS_OF_DECISION = ("vorlage", "drucksache", "antrag", "sitzung", "beschluss", "unbekannt")

# ---------------------------------------------------------------- shapes

_D = "[0-9OIl]"  # a digit as OCR may print it
_SHAPES = re.compile(
    r"(?<![\w/\\.-])(?P<ref>"
    rf"(?P<lv>(?:[A-ZÄÖÜ]{{1,4}}|\\/|v)[ ]?{_D}{{3,5}}[ ]?/[ ]?{_D}{{2}})(?![\d/])"  # V2072/23
    rf"|(?P<ls>[A-Z]{{1,4}}[ ]?/[ ]?{_D}{{2,4}}[ ]?/[ ]?{_D}{{4}})"  # SR/049/2023
    rf"|(?P<yn>(?:19|20)[0-9O]{{2}}[ ]?/[ ]?{_D}{{4}}(?:/[0-9]{{1,2}})?)"  # 2023/0838, 2024/0884/2
    rf"|(?P<ld>[A-Z]{{1,3}}-{_D}{{2,5}}/{_D}{{2,4}})"  # OB-19/24
    r"|(?P<az>[0-9]{1,3}(?:\.[0-9]{1,3}){1,2}-[0-9]{2,5}/[0-9]{2,4})"  # 76.4-370/2025
    r"|(?P<tn>[0-9]{1,2}/[0-9]{3,5})"  # 68/731 (cued only)
    r")(?![\w/]|\.\d)")
# right after a cue, one token that no shape takes: a slash read as 7, 1, l or | ('202072033', 'v2072123')
_LOST_SLASH = re.compile(r"(?P<ref>(?:(?P<p>[A-Z]{1,4}|\\/|v)(?P<a>[0-9OIl]{4})|(?P<y>(?:19|20)[0-9]{2}))"
                         r"[71l|](?P<b>[0-9OIl]{2,4}))(?![\w/])")
_DIGIT = str.maketrans({"O": "0", "I": "1", "l": "1"})


def _digits(part: str) -> tuple[str, bool]:
    fixed = part.translate(_DIGIT)
    return fixed, fixed != part


def canonical(text: str) -> Optional[tuple[str, list[str]]]:
    """The canonical value of a file number as printed or typed, and what was repaired on the way;
    None if it is no file number of a known shape."""
    raw = text.strip()
    compact = re.sub(r"\s+", "", raw)
    m = _SHAPES.fullmatch(compact)
    if m is None:
        m2 = _LOST_SLASH.fullmatch(compact)
        if m2 is None:
            return None
        return _lost_slash(m2)
    repairs: list[str] = []
    if compact != raw:
        repairs.append("spaces")
    kind = next(k for k in ("lv", "ls", "yn", "ld", "az", "tn") if m.group(k))
    if kind == "lv":
        head = re.match(r"^(\\/|v|[A-ZÄÖÜ]{1,4})", compact).group(1)
        rest = compact[len(head):]
        if head in ("\\/", "v"):
            repairs.append(f"'{head}' read as V")
            head = "V"
        num, year = rest.split("/")
        num, a = _digits(num)
        year, b = _digits(year)
        if a or b:
            repairs.append("letters in digits")
        return f"{head}{num}/{year}", repairs
    if kind in ("ls", "ld"):
        sep = "/" if kind == "ls" else "-"
        head, rest = compact.split(sep, 1)
        fixed, changed = _digits(rest)
        if changed:
            repairs.append("letters in digits")
        return f"{head}{sep}{fixed}", repairs
    fixed, changed = _digits(compact)
    if changed:
        repairs.append("letters in digits")
    if kind == "yn" and not 1950 <= int(fixed[:4]) <= 2099:
        return None
    return fixed, repairs


def parent(value: str) -> Optional[str]:
    """The Vorlage a part number belongs to: `2024/0884/3` (an amendment, the third part) is part of
    `2024/0884`; None for a number without a part."""
    m = re.fullmatch(r"((?:19|20)\d{2}/\d{4})/\d{1,2}", value)
    return m.group(1) if m else None


def _lost_slash(m: re.Match) -> tuple[str, list[str]]:
    if m.group("y"):
        b, _ = _digits(m.group("b"))
        return f"{m.group('y')}/{b}", ["slash read as a digit"]
    head = "V" if m.group("p") in ("\\/", "v") else m.group("p")
    a, _ = _digits(m.group("a"))
    b, _ = _digits(m.group("b"))
    return f"{head}{a}/{b}", ["slash read as a digit"]


def _shape_kind(value: str) -> str:
    """What an uncued number probably is, from its shape alone."""
    if re.fullmatch(r"[A-Z]{1,3}-\d+/\d+|\d{1,3}(?:\.\d{1,3}){1,2}-\d+/\d+", value):
        return "aktenzeichen"
    return "unbekannt"


def _cue_before(text: str, start: int) -> Optional[tuple[str, str, int]]:
    """(cue text, kind, cue start) of a cue ending just before `start` (same line, or the line above
    when that line ends with the cue)."""
    window_start = max(0, start - 60)
    best = None
    for m in CUE.finditer(text, window_start, start):
        gap = text[m.end():start]
        if len(gap) > _CUE_REACH + (gap.count("\n") and 40):
            continue
        if not _GAP.fullmatch(gap) and not re.fullmatch(r"[ \t]*:?[ \t]*(?:\n[ \t]*)?[(„\"]?", gap):
            continue
        i = int(m.lastgroup[1:])
        best = (m.group(0), _CUES[i][1], m.start())
    return best


def _own(cue: Optional[str], page: Page, start: int) -> bool:
    """The document's own number: 'Vorlage Nr.: …', 'Antrag Nr. …' in the head of the first page."""
    if not cue or page.number != 1:
        return False
    return bool(re.search(r"Nr\.?|[Nn]ummer", cue)) and start < max(1500, len(page.text) // 3)


def _ocr_cap(page: Page, start: int, end: int, settings: Settings) -> tuple[float, str]:
    """As _evidence does for entities: a number is as sure as its least confident OCR word."""
    if page.source != "ocr":
        return 1.0, ""
    words = [w for w in page.words_in(start, end) if w.correction_source != "learned"]
    if not words:
        return 1.0, ""
    low = min(w.confidence for w in words)
    if low >= settings.ocr_trusted:
        return 1.0, ""
    cap = settings.ocr_floor + (1 - settings.ocr_floor) * low
    return cap, f"OCR confidence {low:.2f}"


def find_references(pages: list[Page], settings: Optional[Settings] = None) -> list[Reference]:
    """Every file number on the pages, in reading order."""
    settings = settings or Settings()
    out: list[Reference] = []
    for page in pages:
        text = page.text
        taken: list[tuple[int, int]] = []
        for m in _SHAPES.finditer(text):
            s, e = m.span("ref")
            got = canonical(m.group("ref"))
            if got is None or "\n" in m.group("ref"):
                continue
            value, repairs = got
            cue = _cue_before(text, s)
            if m.group("tn") and cue is None:
                continue  # '19/2024' alone is as likely a date or a count
            if m.group("tn") and cue and cue[1] not in ("drucksache", "vorlage", "antrag", "beschluss"):
                continue
            out.append(_make(page, s, e, value, repairs, cue, settings))
            taken.append((s, e))
        for cm in CUE.finditer(text):  # a damaged number right after a cue
            gap = _GAP.match(text, cm.end())
            pos = gap.end() if gap else cm.end()
            tok = re.match(r"\S+", text[pos:])
            if not tok or any(a < pos + tok.end() and pos < b for a, b in taken):
                continue
            word = tok.group(0).rstrip(".,;:)")
            lm = _LOST_SLASH.fullmatch(word)
            if lm is None:
                continue
            value, repairs = _lost_slash(lm)
            s, e = pos, pos + len(word)
            cue = (cm.group(0), _CUES[int(cm.lastgroup[1:])][1], cm.start())
            out.append(_make(page, s, e, value, repairs, cue, settings))
            taken.append((s, e))
    out.sort(key=lambda r: (r.page, r.start))
    _kinds_from_document(out)
    return out


def _make(page: Page, s: int, e: int, value: str, repairs: list[str], cue, settings: Settings) -> Reference:
    kind = cue[1] if cue else _shape_kind(value)
    conf = 0.97 if cue else 0.9
    reasons = []
    if repairs:
        if "slash read as a digit" in repairs:
            conf = min(conf, 0.55)
        elif any(r != "spaces" for r in repairs):
            conf = min(conf, 0.8)
        reasons.append(f"'{page.text[s:e]}' read as {value}: " + ", ".join(repairs))
    cap, why = _ocr_cap(page, s, e, settings)
    if cap < conf:
        conf = cap
        if why:
            reasons.append(why)
    words = page.words_in(s, e)
    return Reference(page=page.number, start=s, end=e, text=page.text[s:e], value=value, kind=kind,
                     confidence=round(conf, 3), cue=cue[0] if cue else None,
                     repaired=", ".join(repairs) or None, own=_own(cue[0] if cue else None, page, s),
                     review_reason="; ".join(reasons), bbox=union_bbox(words))


def _kinds_from_document(refs: list[Reference]) -> None:
    """A number the document names without a cue ('Beschlusskontrolle zu V2339/24') is what the same
    number is where a cue names it ('Vorlage V2339/24')."""
    cued: dict[str, str] = {}
    for r in refs:
        if r.cue and r.value not in cued:
            cued[r.value] = r.kind
    for r in refs:
        if r.cue is None and r.value in cued:
            r.kind = cued[r.value]
