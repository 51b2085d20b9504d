"""The OCR character model: which letters Tesseract reads as one another, and what that costs.

Pure functions and their tables, no state: `ocr_key` folds confusions so that a damaged and a
right spelling meet in a dict, `ocr_distance` / `ocr_score` price a repair (an OCR confusion costs
a fraction of a real edit), `real_edits` counts the edits no confusion explains.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

# letters OCR reads as one another at a small cost; multi-letter confusions (rn/m) further down
_SPECIAL_FOLD = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
                 "ı": "i", "đ": "d", "Đ": "D", "ß": "ss", "ẞ": "SS"}


def _accent_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch:
            table[cp] = base
    for ch, base in _SPECIAL_FOLD.items():
        table[ord(ch)] = base
    return table


_ACCENTS = _accent_table()


def fold_accents(s: str) -> str:
    """'Małgorzata' -> 'Malgorzata', 'Städt' -> 'Stadt', 'Kjær' -> 'Kjaer' (accents and umlauts off)."""
    s = s.translate(_ACCENTS)
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


# ocr_key: one spelling for everything OCR confuses, so damaged and right forms meet in a dict
_KEY_MULTI = [("rn", "m"), ("cl", "d"), ("ii", "u"), ("vv", "w")]
# (only the commonest confusions: a coarser key makes too many words meet; n/u, t/l, h/b are
# found by the fuzzy search over keys and priced by ocr_distance)
_KEY_CHAR = str.maketrans({"1": "l", "i": "l", "|": "l", "!": "l", "0": "o", "c": "e", "5": "s", "8": "b"})


_KEY_ACCENTS = {**_ACCENTS, ord("ß"): "b", ord("ẞ"): "b"}  # ß is read as B: 'StraBburg'


def _key_fold(s: str) -> str:
    s = s.translate(_KEY_ACCENTS)
    if s.isascii():
        return s.lower()
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).lower()


def ocr_key(s: str) -> str:
    """Fold OCR confusions: 'Chmeinyzkyj' and 'Chmelnyzkyj' share the key 'ehmelnyzkyj'."""
    s = _key_fold(s)
    for a, b in _KEY_MULTI:
        s = s.replace(a, b)
    return s.translate(_KEY_CHAR)


def plain_key(s: str) -> str:
    """ocr_key without the multi-letter folds: 'Piisen' must still meet 'Pilsen' (ii is also ü)."""
    return _key_fold(s).translate(_KEY_CHAR)


def _pairs(groups: Iterable[tuple[str, float]]) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for chars, cost in groups:
        for a in chars:
            for b in chars:
                if a != b:
                    out[(a, b)] = min(cost, out.get((a, b), 9.0))
    return out


# single-character confusions and their cost (a real substitution costs 1.0)
_SUB = _pairs([
    ("liI1|!íìj", 0.25), ("ıi", 0.1), ("0OoQ", 0.25), ("eéèêëc", 0.4), ("tlf", 0.5), ("łt", 0.5),
    ("ij", 0.4), ("nuü", 0.5), ("hb", 0.5), ("vyu", 0.5), ("gqç", 0.4), ("S5s", 0.4), ("B8ß", 0.4),
    ("Z2", 0.5), ("ae", 0.6), ("ao", 0.6), ("eo", 0.6), ("nm", 0.7), ("&e", 0.5),
])
# multi-letter confusions, both directions: (OCR side, true side, cost)
# (not ss/ß nor ae/ä: those are spellings a document chose, never an OCR slip)
_MULTI = [("rn", "m", 0.35), ("cl", "d", 0.4), ("ii", "ü", 0.35), ("ii", "u", 0.5), ("li", "h", 0.5),
          ("vv", "w", 0.35), ("in", "m", 0.5), ("ri", "n", 0.5), ("ni", "m", 0.5), ("B", "ß", 0.3),
          ("nn", "m", 0.6)]
_MULTI += [(b, a, c) for a, b, c in _MULTI]
_MULTI_BY_END: dict[str, list[tuple[str, str, float]]] = {}
for _a, _b, _c in _MULTI:
    _MULTI_BY_END.setdefault(_a[-1], []).append((_a, _b, _c))
_CHEAP_INDEL = set(".,'’‘`´^:;!|")
_SUB_CACHE: dict[tuple[str, str], float] = {}


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    key = (a, b)
    c = _SUB_CACHE.get(key)
    if c is None:
        c = _SUB.get(key, 1.0)
        if c > 0.1 and a.lower() == b.lower():
            c = 0.1  # case only
        elif c > 0.3 and fold_accents(a).lower() == fold_accents(b).lower():
            c = 0.3  # accent or umlaut lost or invented: á/ä/a, ł/l, ş/s
        _SUB_CACHE[key] = c
    return c


def _indel(ch: str) -> float:
    return 0.4 if ch in _CHEAP_INDEL else 1.0


_INF = float("inf")


def ocr_distance(a: str, b: str, limit: float = _INF) -> float:
    """Levenshtein distance where OCR confusions cost a fraction of an edit (rn/m 0.35, l/i 0.25,
    an umlaut invented 0.3, case 0.1). Banded (a repair never shifts letters far); returns a
    value above ``limit`` as soon as the distance must exceed it."""
    n, m = len(a), len(b)
    band = abs(n - m) + 2
    ends_a: dict[int, list[str]] = {}
    for i in range(1, n + 1):
        for pat, _o, _c in _MULTI_BY_END.get(a[i - 1], ()):
            if i >= len(pat) and a[i - len(pat):i] == pat:
                ends_a.setdefault(i, []).append(pat)
    prev = [_INF] * (m + 1)
    prev[0] = 0.0
    for j in range(1, min(m, band) + 1):
        prev[j] = prev[j - 1] + _indel(b[j - 1])
    rows = [prev]
    for i in range(1, n + 1):
        ca = a[i - 1]
        cur = [_INF] * (m + 1)
        if i <= band:
            cur[0] = prev[0] + _indel(ca)
        pats = ends_a.get(i)
        lo, hi = max(1, i - band), min(m, i + band)
        row_min = cur[0]
        for j in range(lo, hi + 1):
            cb = b[j - 1]
            best = prev[j - 1] + (0.0 if ca == cb else _sub_cost(ca, cb))
            x = prev[j] + _indel(ca)
            best = min(best, x)
            x = cur[j - 1] + _indel(cb)
            best = min(best, x)
            if pats:
                for pat in pats:
                    for pa, pb, c in _MULTI_BY_END[pat[-1]]:
                        if pa == pat and j >= len(pb) and b[j - len(pb):j] == pb:
                            x = rows[i - len(pa)][j - len(pb)] + c
                            best = min(best, x)
            cur[j] = best
            row_min = min(row_min, best)
        if row_min > limit:
            return row_min
        rows.append(cur)
        prev = cur
    return prev[m]


def real_edits(a: str, b: str) -> tuple[int, int]:
    """(edits that are no OCR confusion, of which insertions or deletions) on the path with fewest
    such edits: 'Warschu' -> 'Warschau' is (1, 1), 'Chmeinyzkyj' -> 'Chmelnyzkyj' (0, 0)."""
    n, m = len(a), len(b)
    ends_a: dict[int, list[str]] = {}
    for i in range(1, n + 1):
        for pat, _o, _c in _MULTI_BY_END.get(a[i - 1], ()):
            if i >= len(pat) and a[i - len(pat):i] == pat:
                ends_a.setdefault(i, []).append(pat)

    def indel(ch: str) -> tuple[int, int]:
        return (0, 0) if ch in _CHEAP_INDEL else (1, 1)

    prev = [(0, 0)] * (m + 1)
    for j in range(1, m + 1):
        d = indel(b[j - 1])
        prev[j] = (prev[j - 1][0] + d[0], prev[j - 1][1] + d[1])
    rows = [prev]
    for i in range(1, n + 1):
        ca = a[i - 1]
        d = indel(ca)
        cur = [(prev[0][0] + d[0], prev[0][1] + d[1])] + [(0, 0)] * m
        pats = ends_a.get(i)
        for j in range(1, m + 1):
            cb = b[j - 1]
            real = 0 if ca == cb or _sub_cost(ca, cb) < 1.0 else 1
            best = (prev[j - 1][0] + real, prev[j - 1][1])
            x = (prev[j][0] + d[0], prev[j][1] + d[1])
            best = min(best, x)
            e = indel(cb)
            x = (cur[j - 1][0] + e[0], cur[j - 1][1] + e[1])
            best = min(best, x)
            if pats:
                for pat in pats:
                    for pa, pb, _c in _MULTI_BY_END[pat[-1]]:
                        if pa == pat and j >= len(pb) and b[j - len(pb):j] == pb:
                            x = rows[i - len(pa)][j - len(pb)]
                            best = min(best, x)
            cur[j] = best
        rows.append(cur)
        prev = cur
    return prev[m]


def inflection_like(a: str, b: str) -> bool:
    """Do a and b differ like two forms of one word (Rückganges/Rückgangs, Grenzwert/Grenzwerte)?
    Then the token is more likely a form the lexicon lacks than an OCR error."""
    x, y = a.lower(), b.lower()
    for op in Levenshtein.editops(x, y):
        if op.tag == "delete":
            ch, rest = x[op.src_pos], len(x) - op.src_pos
        elif op.tag == "insert":
            ch, rest = y[op.dest_pos], len(y) - op.dest_pos
        else:
            continue
        if ch in "es" or (rest <= 2 and ch in "nrmt"):
            return True
    return False


def ocr_score(a: str, b: str, floor: float = 0.0) -> float:
    """0-100: 100 minus the OCR-weighted distance per letter of the longer word (0 when below
    ``floor``, which lets the distance stop early)."""
    if a == b:
        return 100.0
    n = max(len(a), len(b), 1)
    d = ocr_distance(a, b, (1.0 - floor / 100.0) * n if floor else _INF)
    return max(0.0, 100.0 * (1.0 - d / n))


def quick_score(a: str, b: str) -> float:
    """A cheap stand-in for ocr_score (C speed): confusions folded away cost 0.3 each."""
    d_key = min(Levenshtein.distance(ocr_key(a), ocr_key(b)), Levenshtein.distance(plain_key(a), plain_key(b)))
    d_raw = Levenshtein.distance(fold_accents(a).lower(), fold_accents(b).lower())
    return 100.0 * (1.0 - (d_key + 0.4 * max(0, d_raw - d_key)) / max(len(a), len(b), 1))
