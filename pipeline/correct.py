"""Correction stage: repair OCR damage in names and words, guarded by a German lexicon.

Works on the page's words before the text is rendered, so that boxes and confidences stay
attached. Born-digital text-layer words are exact: only reviewers' learned corrections touch them.

How a token is judged (OCR words only):

1. *Protected* tokens are never changed: lexicon words, compounds that split into known words
   (`Solidaritätspartnerschaft`), exact gazetteer names, numbers and file references (`V2072/23`),
   abbreviations and capitals (`THW`, `MÜZ.`), words under four letters, and unknown names the
   document itself spells the same way twice (a surname is not "corrected" towards a city).
2. The others are *candidates*. Their repairs come from the gazetteers (cities, given names,
   countries), the lexicon (words, and compounds re-checked after undoing an OCR confusion:
   `Partnerschäftsurkunde`) and the document's own confident spellings. Lookup is an exact match
   of OCR keys (confusions folded: l/i/1/I/|, rn/m, cl/d, ii/ü, 0/O, ß/B, e/c, umlauts and accents)
   and rapidfuzz over length/first-letter buckets of those keys.
3. Each repair is scored by a weighted Levenshtein distance in which an OCR confusion costs a
   fraction of an edit (`ocr_score`), so `Chmeinyzkyj` -> `Chmelnyzkyj` scores 98 and a real edit
   in a short word scores low. Bands: *apply* (score >= `correct_apply`, no rival within
   `correct_margin`), *suggest* (grey band or a close rival: recorded, not applied,
   `needs_review`), *ignore* (below the floor). Every suggestion and repair is a `Correction` row.

Beyond single tokens: glued words are split (`OleksandrSymtschyschyn`, `Interessiertean`,
`Büro.des`), torn words joined (`No vember`, `be kundet`), multi-word names repaired as a span
(`Rostow am Dan`), and rare real words that are a known OCR slip of a far more frequent word
(`Städt`, `fur`, `ln`) put right.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .config import Settings
from .gazetteer import KIND_RANK, Gazetteer
from .lexicon import compound_parts
from .records import Correction, Page, Word

# ---------------------------------------------------------------------------------------------
# the OCR character model

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


def _plain_key(s: str) -> str:
    """ocr_key without the multi-letter folds: 'Piisen' must still meet 'Pilsen' (ii is also ü)."""
    return _key_fold(s).translate(_KEY_CHAR)


def _head(key: str, n: int) -> str:
    """Bucket of a key of length n by its start: two letters for long keys, one for short."""
    return key[:2] if n >= 6 else key[:1]


def _tail(key: str, n: int) -> str:
    return key[-2:] if n >= 6 else key[-1:]


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


def _inflection_like(a: str, b: str) -> bool:
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


def _quick_score(a: str, b: str) -> float:
    """A cheap stand-in for ocr_score (C speed): confusions folded away cost 0.3 each."""
    d_key = min(Levenshtein.distance(ocr_key(a), ocr_key(b)), Levenshtein.distance(_plain_key(a), _plain_key(b)))
    d_raw = Levenshtein.distance(fold_accents(a).lower(), fold_accents(b).lower())
    return 100.0 * (1.0 - (d_key + 0.4 * max(0, d_raw - d_key)) / max(len(a), len(b), 1))


# ---------------------------------------------------------------------------------------------
# tokens

_STRIP = "\"'„“”‚‘’»«›‹()[]{}.,;:!?*"
_LETTERS = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$")
_DIGIT_LETTER = {"0": "o", "1": "l", "5": "s", "8": "B", "6": "b"}
_URLISH = re.compile(r"@|www|https?:|\.(de|com|org|net|eu|info)\b", re.IGNORECASE)
# short function words that glue onto a neighbour ("Interessiertean", "aufden")
_GLUE = frozenset(["an", "auf", "aus", "bei", "bis", "das", "dem", "den", "der", "des", "die", "durch", "für", "im", "in", "ist", "mit", "nach", "oder", "sich", "sind", "um", "und", "vom", "von", "vor", "wird", "zu", "zum", "zur", "ihre", "ihren", "ihrer", "seine", "einen", "eine", "einer", "dass", "auch", "nicht", "zwischen", "sowie", "über", "unter", "gegen", "ohne"])
_GLUE_FIRST = frozenset(["der", "die", "das", "den", "dem", "des", "und", "in", "im", "an", "am", "auf", "mit", "von", "vom", "für", "zur", "zum", "bei", "aus", "nach"])
_TWO_LETTER = frozenset(["ab", "am", "an", "da", "du", "eh", "er", "es", "im", "in", "ja", "je", "ob", "so", "um", "wo", "zu"])
# frequent in wordfreq's German list, but English or fragments: no word of their own in a German memo
_LEAKS = frozenset(["be", "no", "the", "to", "of", "and", "for", "my", "me", "we", "he", "is", "it", "on", "at", "by", "or", "as", "if", "you", "are", "but", "can", "one", "out", "get", "has", "had", "his", "its", "our", "who", "how", "new", "now", "two", "way", "use", "may"])
_ABBREV = frozenset(["bzw", "usw", "ggf", "vgl", "etc", "inkl", "ca", "nr", "abs", "dr", "prof", "hr", "fr", "gez", "tel", "str", "bzgl", "evtl", "zzgl", "abt", "az", "ref", "ziff", "anl", "lfd"])
# glued halves that are really suffixes of one word ("Sachbearbeiter|in", "Vorstand|es")
_SUFFIXLIKE = frozenset(["in", "es", "er", "en", "ern", "de", "te", "ten", "ste", "sten", "st"])


@lru_cache(maxsize=1 << 16)
def _split_affixes(token: str) -> tuple[str, str, str]:
    """'„Chmeinyzkyj,' -> ('„', 'Chmeinyzkyj', ',')."""
    core = token.strip(_STRIP)
    if not core:
        return token, "", ""
    i = token.index(core)
    return token[:i], core, token[i + len(core):]


def _match_case(token: str, target: str, is_name: bool) -> str:
    """Give a lexicon word (stored lowercase) the token's initial capital; names keep theirs."""
    if is_name:
        return target
    if token[:1].isupper():
        return target[:1].upper() + target[1:]
    return target


# ---------------------------------------------------------------------------------------------
# the index: every repair target, under its OCR key


@dataclass(slots=True)
class _Entry:
    surface: str
    source: str  # cities | given-names | countries | orgs | lexicon
    prior: float  # small bonus or malus between near-equal candidates
    zipf: float = 0.0
    canon: str = ""  # what the target means: variants of one city are no rivals of each other

    @property
    def is_name(self) -> bool:
        return self.source != "lexicon"


@dataclass
class _Index:
    entries: list[_Entry]
    exact: dict[str, list[int]]  # ocr_key -> entries
    first: dict[tuple[str, int], tuple[list[str], list[int]]]  # (start of key, len) -> (keys, ids)
    last: dict[tuple[str, int], tuple[list[str], list[int]]]  # (end of key, len) -> (keys, ids)
    multi: dict[str, tuple[list[str], list[int], set[int]]]  # names with spaces, under the key of
    #     their first word: (keys, entries, numbers of words)
    names: set[str]  # exact surface forms of every gazetteer name (protection)
    n_keys: int = 0
    plans: dict = field(default_factory=dict)  # (core, floor, apply) -> _Plan, shared by documents
    head_cache: dict = field(default_factory=dict)  # core -> multi-word names it may start
    common: dict = field(default_factory=dict)  # token -> a common word as it stands?
    slips: dict = field(default_factory=dict)  # core -> listed words one OCR slip away
    accented: dict | None = None  # plain spelling -> given names with accents


_LATIN = re.compile(r"^[A-Za-zÀ-ɏ'\- ]+$")
_INDEXES: dict[tuple[int, int], _Index] = {}
_JIY = str.maketrans({"j": "i", "y": "i"})
WORD_MIN_ZIPF = 2.5  # lexicon words below this are kept (not corrected) but are no repair target


def _city_key(c) -> tuple[int, int]:
    return KIND_RANK.get(c.kind, 1), c.population


def _city_prior(best) -> float:
    p = 0.0
    if best.kind in ("curated", "exonym", "canonical", "translit"):
        p += 0.5
    else:
        p -= 1.0
    if best.population >= 100_000:
        p += 0.5
    elif best.population < 5_000:
        p -= 0.5
    return p


def build_index(g: Gazetteer, lexicon: dict[str, float]) -> _Index:
    """All repair targets under their OCR keys, bucketed for rapidfuzz; built once per process."""
    k = (id(g), id(lexicon))
    if k in _INDEXES:
        return _INDEXES[k]
    entries: list[_Entry] = []
    names: set[str] = set()
    seen: dict[str, int] = {}

    def add(surface: str, source: str, prior: float, zipf: float = 0.0, canon: str = "") -> None:
        low = surface.lower()
        canon = canon or low
        if low in seen:  # one entry per spelling: a name beats a word, a better prior wins
            e = entries[seen[low]]
            if (e.source == "lexicon" and source != "lexicon") or (e.source == source and prior > e.prior):
                entries[seen[low]] = _Entry(surface, source, prior, max(zipf, e.zipf), canon)
            return
        seen[low] = len(entries)
        entries.append(_Entry(surface, source, prior, zipf, canon))

    names.update(g.cities)
    for variant, cities in g.cities.items():
        if len(variant) < 4:
            continue
        best = cities[0] if len(cities) == 1 else max(cities, key=_city_key)
        if best.kind == "alt" and best.population < 100_000:
            continue  # stray alternate names of small places: more harm than use as targets
        if variant.isupper() or not _LATIN.match(variant):
            continue
        prior = _city_prior(best) + (0.3 if variant == best.canonical else 0.0)  # 'Nürnberg' before 'Nurnberg'
        # how likely a memo names it: as common as a word, or as a big city (1M people ~ zipf 3.5)
        weight = max(lexicon.get(best.canonical.lower(), 0.0), lexicon.get(variant.lower(), 0.0),
                     math.log10(max(best.population, 1)) - 2.5)
        add(variant, "cities", prior, weight,
            canon=f"city:{best.canonical}:{best.geonames_id}")
    for name in g.given_names:
        names.add(name)
        if len(name) >= 4 and _LATIN.match(name) and not name.isupper():
            z = lexicon.get(name.lower(), 0.0)  # how common a name is: 'Stefan' before 'Stefán'
            # Paweł and Pawel, Tetjana and Tetiana are one name: no rivals of each other
            add(name, "given-names", max(-0.3, min(0.6, (z - 3.0) * 0.3)), z,
                canon="name:" + fold_accents(name).lower().translate(_JIY))
    for name in g.ambiguous_given:
        names.add(name)
    for variant in g.countries:
        names.add(variant)
        if len(variant) >= 4 and _LATIN.match(variant) and not variant.isupper():
            add(variant, "countries", 0.5)
    for table in (g.orgs, g.roles, g.titles):
        for pattern in table:
            names.add(pattern)
            if " " not in pattern and len(pattern) >= 5 and not pattern.isupper() and _LATIN.match(pattern):
                add(pattern, "orgs", 0.3, 3.0)
    for word, z in lexicon.items():
        if z >= WORD_MIN_ZIPF and len(word) >= 4 and word.isalpha():
            add(word, "lexicon", max(-1.0, min(1.0, (z - 3.0) * 0.5)), z)

    exact: dict[str, list[int]] = {}
    first: dict[tuple[str, int], tuple[list[str], list[int]]] = {}
    last: dict[tuple[str, int], tuple[list[str], list[int]]] = {}
    multi: dict[str, tuple[list[str], list[int], set[int]]] = {}
    for i, e in enumerate(entries):
        key = ocr_key(e.surface)
        if not key:
            continue
        if " " in e.surface:
            parts = e.surface.split()
            mb = multi.setdefault(ocr_key(parts[0]), ([], [], set()))
            mb[0].append(key)
            mb[1].append(i)
            mb[2].add(len(parts))
            continue
        exact.setdefault(key, []).append(i)
        plain = _plain_key(e.surface)
        if plain != key:  # 'Ulrike' must meet 'Ulrlke' too, whose key has no fold for 'rl'
            exact.setdefault(plain, []).append(i)
        n = len(key)
        for table, ch in ((first, _head(key, n)), (last, _tail(key, n))):
            b = table.setdefault((ch, n), ([], []))
            b[0].append(key)
            b[1].append(i)
    idx = _Index(entries, exact, first, last, multi, names, len(exact))
    _INDEXES.clear()  # one gazetteer per process in practice; keep memory bounded
    _INDEXES[k] = idx
    return idx


# ---------------------------------------------------------------------------------------------
# the corrector


@dataclass
class Resources:
    gazetteer: Gazetteer
    lexicon: dict[str, float]


@dataclass
class Candidate:
    target: str  # the repaired core, case already matched
    score: float  # ocr_score, 0-100
    source: str  # cities | given-names | countries | orgs | lexicon | document
    rank: float  # score plus the target's prior: orders near-equal candidates
    canon: str = ""  # candidates with one meaning (two spellings of one city) are no rivals
    via: str = "index"  # index | compound (a compound re-checked after undoing a confusion)
    zipf: float = 0.0  # how common the target is as a word or name

    @property
    def key(self) -> str:
        return self.target.lower()

    @property
    def meaning(self) -> str:
        return self.canon or self.key

    @property
    def is_name(self) -> bool:
        return self.source in ("cities", "given-names", "countries", "document")


@dataclass
class _Plan:
    """What to do with one token: the best candidate, its closest rival of another meaning, and
    how many real (non-OCR) edits the repair needs."""
    best: Candidate
    rival: Candidate | None = None
    edits: int = 0
    indels: int = 0


# OCR confusions undone one at a time when a compound (not in any list) is re-checked
_EDITS = [("ä", "a"), ("ö", "o"), ("ü", "u"), ("a", "ä"), ("o", "ö"), ("u", "ü"), ("i", "l"), ("l", "i"),
          ("t", "l"), ("l", "t"), ("c", "e"), ("e", "c"), ("rn", "m"), ("m", "rn"), ("cl", "d"), ("ii", "ü"),
          ("n", "u"), ("u", "n"), ("f", "t"), ("t", "f"), ("h", "b"), ("b", "h"), ("1", "l"), ("0", "o"),
          ("ß", "B"), ("B", "ß"), ("ii", "i")]
# real words that are OCR slips of a much more frequent word: (vowel with and without umlaut, i/l ...)
_SLIP_EDITS = [("ä", "a"), ("ö", "o"), ("ü", "u"), ("a", "ä"), ("o", "ö"), ("u", "ü"), ("l", "i"),
               ("i", "l"), ("I", "l"), ("l", "I"), ("rn", "m"), ("c", "e")]
_GERMAN = re.compile(r"^[A-Za-zÄÖÜäöüß'\-]+$")
DOUBTFUL_READ = 0.70  # below it, a real edit may repair a word (62 % of misread words, 1.6 % of right ones)
SURE_READ = 0.90  # Tesseract confidence above which a word is taken as read right (95 % of right
#                   words are above it, 78 % of misread ones below): only OCR-confusion repairs
#                   of names apply to such a word; anything riskier is only suggested


class Corrector:
    """One per document: remembers the document's spellings across its pages."""

    def __init__(self, res: Resources, settings: Settings) -> None:
        self.res = res
        self.s = settings
        self.lex = res.lexicon
        self.g = res.gazetteer
        self.index = build_index(res.gazetteer, res.lexicon)
        self.doc_counts: Counter[str] = Counter()  # capitalised cores seen in this document
        self._context: tuple[str | None, str | None] = (None, None)  # the cores before and after
        self.doc_conf: dict[str, float] = {}

    # ------------------------------------------------------------------ knowledge
    def zipf(self, word: str) -> float:
        w = word.lower()
        z = self.lex.get(w)
        if z is None:
            z = self.lex.get(w.replace("ß", "ss"), 0.0)
        return z

    def is_name(self, core: str) -> bool:
        return core in self.index.names

    def is_word(self, core: str) -> bool:
        """A lexicon word or a compound of listed words (hyphenated: every part known)."""
        if self.zipf(core) > 0:
            return True
        if "-" in core:
            parts = [p for p in core.split("-") if p]
            return bool(parts) and all(self.is_word(p) or self.is_name(p) or p.isupper() or len(p) <= 2
                                       for p in parts)
        return compound_parts(self.lex, core) is not None

    def protected(self, core: str) -> bool:
        return self.is_name(core) or self.is_word(core)

    # ------------------------------------------------------------------ candidates
    def _lookup(self, core: str) -> list[Candidate]:
        """Gazetteer and lexicon targets near the core, scored, best first, one per target."""
        idx = self.index
        key = ocr_key(core)
        if len(key) < 3:
            return []
        hits: dict[int, float] = {}
        for k in {key, _plain_key(core)}:
            for i in idx.exact.get(k, ()):
                hits[i] = 101.0
        cutoff = 72.0 if len(key) >= 6 else 75.0
        nk = len(key)
        for table, edge, lengths in ((idx.first, _head, range(nk - 2, nk + 3)), (idx.last, _tail, range(nk - 1, nk + 2))):
            for n in lengths:
                bucket = table.get((edge(key, n), n))
                if not bucket:
                    continue
                for _k, sc, j in process.extract(key, bucket[0], scorer=fuzz.ratio, limit=15,
                                                 score_cutoff=cutoff):
                    i = bucket[1][j]
                    if sc > hits.get(i, 0.0):
                        hits[i] = sc
        # the weighted OCR distance is dear: only for the best few by a quick estimate
        ids = sorted(hits, key=lambda i: -hits[i])[:30]
        quick = {i: _quick_score(core, idx.entries[i].surface) + idx.entries[i].prior for i in ids}
        ids = sorted(ids, key=lambda i: -quick[i])[:6]
        lower = core[:1].islower() and core[:1] not in "l1"  # 'lstanbul' is 'Istanbul' read with l
        best: dict[str, Candidate] = {}
        for i in ids:
            e = idx.entries[i]
            if lower and e.is_name:
                continue  # a lowercase word is no name ('sonal' is not 'Sonal')
            target = _match_case(core, e.surface, e.is_name)
            if target == core:
                continue
            score = ocr_score(core, target, self.s.correct_floor - 10)
            cand = Candidate(target, score, e.source, score + e.prior, e.canon, zipf=e.zipf)
            old = best.get(cand.key)
            if old is None or cand.rank > old.rank:
                best[cand.key] = cand
        return sorted(best.values(), key=lambda c: -c.rank)

    def _compound_repairs(self, core: str) -> list[Candidate]:
        """Undo one OCR confusion (or every umlaut) and see whether a compound of common words
        appears: 'Partnerschäftsurkunde' -> 'Partnerschaftsurkunde'."""
        if len(core) < 8:
            return []
        variants: set[str] = set()
        for a, b in _EDITS:
            start = 0
            while True:
                i = core.find(a, start)
                if i < 0:
                    break
                variants.add(core[:i] + b + core[i + len(a):])
                start = i + 1
        variants.add(core.translate(str.maketrans("äöü", "aou")))
        out = []
        for v in variants:
            if v != core and compound_parts(self.lex, v, strict=True) is not None:
                s = ocr_score(core, v)
                out.append(Candidate(v, s, "lexicon", s, via="compound", zipf=2.5))
        return sorted(out, key=lambda c: -c.rank)

    def _plan(self, core: str) -> _Plan | None:
        """Best repair of an unprotected core, with its closest rival (cached per process)."""
        ck = (core, self.s.correct_floor, self.s.correct_apply)
        plans = self.index.plans
        if ck in plans:
            return plans[ck]
        cands = self._lookup(core)
        have = {c.key for c in cands}
        if not cands or cands[0].score < self.s.correct_apply:
            for c in self._compound_repairs(core):
                if c.key not in have:
                    cands.append(c)
                    have.add(c.key)
            cands.sort(key=lambda c: -c.rank)
        plan = None
        if cands and cands[0].score >= self.s.correct_floor:
            plan = self._make_plan(core, cands[0], cands[1:])
        if len(plans) > 100_000:
            plans.clear()
        plans[ck] = plan
        return plan

    @staticmethod
    def _make_plan(core: str, best: Candidate, others: list[Candidate]) -> _Plan:
        rival = next((c for c in others if c.meaning != best.meaning and c.key != best.key), None)
        edits, indels = real_edits(core, best.target)
        return _Plan(best, rival, edits, indels)

    # ------------------------------------------------------------------ the pass
    def correct_page(self, page: Page) -> list[tuple[Word, Correction]]:
        """Repair the page's words in place; returns (word, correction) for every row."""
        out: list[tuple[Word, Correction]] = []
        words = page.words
        self._remember(words)
        new_words: list[Word] = []
        i = 0
        common = self._common
        has_learned = bool(self.g.learned)
        while i < len(words):
            w = words[i]
            if w.source == "ocr" and not has_learned and common(w.text) and \
                    (i + 1 >= len(words) or common(words[i + 1].text)) and self._head_group(w.text) is None:
                # a listed word before a listed word: no join, split or name span (fast path); only
                # a rare word may still be an OCR slip of a far commoner one ('fur' for 'für')
                if self._maybe_slip(w.text):
                    corr = self._try_name(w, page)
                    if corr is not None:
                        out.append((w, corr))
                new_words.append(w)
                i += 1
                continue
            learned = self._try_learned_span(words, i, page) if has_learned else None
            if learned is not None:
                n, word, corr = learned
                new_words.append(word)
                out.append((word, corr))
                i += n
                continue
            if w.source == "ocr":
                span = self._try_multiword(words, i, page)
                if span is not None:
                    n, span_words, corr = span
                    new_words.extend(span_words)
                    if corr is not None:
                        out.append((span_words[0], corr))
                    i += n
                    continue
                if i + 1 < len(words) and words[i + 1].line == w.line and words[i + 1].source == "ocr":
                    joined = self._try_join(w, words[i + 1], page)
                    if joined is not None:
                        word, corr = joined
                        new_words.append(word)
                        out.append((word, corr))
                        i += 2
                        continue
                split = self._try_split(w, page)
                if split is not None:
                    (a, b), corr = split
                    new_words.extend([a, b])
                    out.append((a, corr))
                    i += 1
                    continue
            self._context = (_split_affixes(words[i - 1].text)[1] if i else None,
                             _split_affixes(words[i + 1].text)[1] if i + 1 < len(words) else None)
            corr = self._try_name(w, page)
            self._context = (None, None)
            if corr is not None:
                out.append((w, corr))
            new_words.append(w)
            i += 1
        page.words = new_words
        return out

    def _common(self, text: str) -> bool:
        """A token that is a listed German word as it stands ('Stadt', 'die', 'beschließt,'): no join
        or split concerns it (cached per process)."""
        c = self.index.common.get(text)
        if c is None:
            _p, core, _s = _split_affixes(text)
            c = core.isalpha() and not any(ch.isupper() for ch in core[1:]) and \
                self.zipf(core) >= (3.0 if len(core) > 3 else 4.3) and core.lower() not in _LEAKS
            if len(self.index.common) > 200_000:
                self.index.common.clear()
            self.index.common[text] = c
        return c

    def _maybe_slip(self, text: str) -> bool:
        _p, core, post = _split_affixes(text)
        return self.zipf(core) < 4.5 or post[:1] in ("!", "|")

    def _head_group(self, text: str):
        """The multi-word names this token may start, or None."""
        idx = self.index
        pre, head, _post = _split_affixes(text)
        if not head or pre.strip("„‚\"'"):
            return None
        if head in idx.head_cache:
            return idx.head_cache[head]
        if len(idx.head_cache) > 100_000:
            idx.head_cache.clear()
        # a lowercase common word ('die', 'in', 'am') starts no name; 'sankt Petersburg' may
        group = idx.multi.get(ocr_key(head))
        if head[:1].islower() and self.zipf(head) >= 4.0:
            group = None
        idx.head_cache[head] = group
        return group

    def _remember(self, words: list[Word]) -> None:
        """The document's own spellings of capitalised words (surnames, places)."""
        for w in words:
            if w.source != "ocr":
                continue
            _p, core, _s = _split_affixes(w.text)
            if len(core) >= 4 and core[:1].isupper() and _LETTERS.match(core):
                self.doc_counts[core] += 1
                self.doc_conf[core] = max(self.doc_conf.get(core, 0.0), w.confidence)

    # ------------------------------------------------------------------ single tokens
    def _try_name(self, w: Word, page: Page) -> Correction | None:
        """One token: a learned repair, else (OCR words only) a gazetteer, lexicon or document repair."""
        pre, core, post = _split_affixes(w.text)
        learned = self.g.learned.get(core) if core else None
        if learned is not None and learned != core:
            return self._apply(w, pre + learned + post, 100.0, "learned", page)
        if w.source == "text" or not core:
            return None  # a born-digital text layer is exact: only reviewers' corrections apply
        if self._common(core) and self.zipf(core) >= 4.5 and post[:1] not in ("!", "|"):
            return None
        with_l, post_l = self._trailing_l(core, post)
        if with_l != core and not self.protected(core):
            if self.protected(with_l):  # 'Hölze!' -> 'Hölzel'
                return self._apply(w, pre + with_l + post_l, ocr_score(core + post[:1], with_l),
                                   self._source_of(with_l), page, why=f"'{post[:1]}' read for a final 'l'")
            core, post = with_l, post_l
        if len(core) < 2 or (core.isupper() and len(core) > 1):
            return None  # abbreviations, headings, stamp months (MÜZ.)
        letters = self._letters(core)
        if not _LETTERS.match(letters):
            return None  # numbers, file references (V2072/23), mixed junk
        if "ı" in letters:  # Tesseract's dotless i ('wırd', 'Claudıa'); Turkish names keep theirs
            dotted = letters.replace("ı", "i")
            if self.protected(dotted) and not self.protected(core):
                return self._apply(w, pre + dotted + post, ocr_score(core, dotted), self._source_of(dotted), page,
                                   why="a dotless 'ı' read for 'i'")
            return None
        if not _GERMAN.match(letters):
            return None  # é, ł, ø, ř: the German OCR model does not invent these, so it read them
        if letters != core and self.protected(letters):  # '0dessa' -> 'Odessa'
            return self._apply(w, pre + letters + post, ocr_score(core, letters), self._source_of(letters), page,
                               why="a digit read for a letter")
        if len(core) <= 3:
            return self._try_slip(w, pre, core, post, page, short=True)
        if self.is_name(core):
            return None
        if self.zipf(core) > 0:
            return self._try_accented_name(w, pre, core, post, page) or self._try_slip(w, pre, core, post, page)
        if "-" in core or "'" in core:
            return None if self.is_word(core) else self._try_parts(w, pre, core, post, page)
        if compound_parts(self.lex, core) is not None:
            return self._try_compound_slip(w, pre, core, post, page)
        return self._decide(w, pre, letters, post, page, original_core=core)

    def _source_of(self, core: str) -> str:
        if core in self.g.cities:
            return "cities"
        if core in self.g.given_names:
            return "given-names"
        if core in self.g.countries:
            return "countries"
        return "orgs" if self.is_name(core) else "lexicon"

    @staticmethod
    def _letters(core: str) -> str:
        """Digits that stand for letters inside a word ('0dessa', 'Kie1') read as letters."""
        if any(c.isdigit() for c in core):
            letters = sum(c.isalpha() for c in core)
            digits = [c for c in core if c.isdigit()]
            if letters < 3 or len(core) < 4 or len(digits) > 1 or digits[0] not in _DIGIT_LETTER or \
                    not re.fullmatch(r"[^\W\d_]*\d[^\W\d_]*", core):
                return "0"  # a number, a file reference, '5-Grenzwert': never a word
            out = "".join(_DIGIT_LETTER.get(c, c) for c in core)
            return out[:1].upper() + out[1:] if core[0].isdigit() else out
        return core

    @staticmethod
    def _trailing_l(core: str, post: str) -> tuple[str, str]:
        """'Hölze!' is 'Hölzel' read with an exclamation mark for the l."""
        if post[:1] and post[0] in "!|" and core[-1:].isalpha() and core[-1:].islower():
            return core + "l", post[1:]
        return core, post

    def _try_compound_slip(self, w: Word, pre: str, core: str, post: str, page: Page) -> Correction | None:
        """A token that splits into listed words ('Ober|burger|meister', 'Warse|hau') but is an OCR
        confusion away from a common listed word or a name ('Oberbürgermeister', 'Warschau')."""
        weak = compound_parts(self.lex, core, strict=True) is None
        if weak:  # rare or short parts: a near name or common word is the likelier reading
            plan = self._plan(core)
            if plan is not None and plan.edits == 0 and plan.best.score >= 92.0 and \
                    (plan.best.is_name or self.zipf(plan.best.target) >= 3.5) and \
                    not self._close(plan.best, plan.rival) and w.confidence < SURE_READ:
                return self._apply(w, pre + plan.best.target + post, plan.best.score, plan.best.source, page,
                                   why=f"'{core}' splits only into rare words; '{plan.best.target}' is an OCR "
                                       f"slip away")
        idx = self.index
        best: tuple[float, _Entry] | None = None
        for i in idx.exact.get(ocr_key(core), ()):
            e = idx.entries[i]
            if e.source == "lexicon" and e.zipf < 3.0:
                continue
            target = _match_case(core, e.surface, e.is_name)
            if target == core:
                continue
            d = ocr_distance(core, target)
            if d <= 0.35 and (best is None or d < best[0]):
                best = (d, e)
        if best is None:
            return None
        target = _match_case(core, best[1].surface, best[1].is_name)
        return self._apply(w, pre + target + post, ocr_score(core, target), best[1].source, page,
                           why=f"'{core}' splits into words but is one OCR slip from '{target}'")

    def _decide(self, w: Word, pre: str, core: str, post: str, page: Page,
                original_core: str | None = None) -> Correction | None:
        """Apply, suggest or ignore the best repair of an unknown token."""
        seen_core = original_core or core
        plan = self._plan(core)
        doc = self._doc_candidate(seen_core, w.confidence)
        if doc is not None and (plan is None or (doc.key != plan.best.key and doc.score >= plan.best.score - 1)):
            others = [plan.best] if plan is not None else []
            plan = self._make_plan(core, doc, others)
        if plan is None:
            return None
        best, rival = plan.best, plan.rival
        edits = plan.edits
        # the document names one of the two elsewhere ('Krakau' three lines up): that one it is
        if rival is not None and self._in_doc(rival) and not self._in_doc(best) and \
                rival.score >= best.score - self.s.correct_margin:
            best, rival = rival, best
            edits = real_edits(core, best.target)[0]
        doc_backed = self._in_doc(best) and (rival is None or not self._in_doc(rival))
        # an unknown word the document spells the same way elsewhere is its spelling (a surname is
        # not "corrected" to a city), unless the repair only undoes OCR confusions (a scan can drop
        # every umlaut the same way: 'Oberburgermeister')
        if self.doc_counts.get(seen_core, 0) >= 2 and edits and best.source != "document":
            return None
        close = self._close(best, rival) and not doc_backed
        sure = w.confidence >= SURE_READ
        if best.is_name:
            ok = best.score >= self.s.correct_apply and (edits == 0 or not sure)
            # one lost or wrong letter in a longer name, with no other name anywhere near
            lone = rival is None or rival.rank < best.rank - 7 or self._dominates(best, rival) or doc_backed
            ok = ok or (best.score >= 80.0 and edits <= 1 and lone and not sure and len(core) >= 4)
        elif sure:  # Tesseract is sure: only a cheap slip in a long word ('Zivilgeselischaft')
            ok = best.score >= 96.0 and edits == 0 and best.via != "compound"
        else:
            ok = best.score >= self.s.correct_apply
            if edits:  # a real edit in a word: long words, a doubtful reading, no inflection
                ok = ok and best.score >= 90.0 and w.confidence < DOUBTFUL_READ and \
                    not _inflection_like(core, best.target)
        new_text = pre + best.target + post
        if ok and not close:
            return self._apply(w, new_text, best.score, best.source, page)
        if best.score < self._suggest_floor(best):
            return None
        if close:
            reason = (f"two close candidates: {best.target} ({best.score:.0f}) and {rival.target} "
                      f"({rival.score:.0f})")
        elif sure and best.score >= self.s.correct_apply:
            reason = f"OCR is sure of '{w.text}' (confidence {w.confidence:.2f}); similar to {best.target} " \
                     f"(score {best.score:.0f})"
        else:
            reason = f"similar to {best.target} (score {best.score:.0f}), below the apply threshold"
        return Correction(page.number, -1, -1, w.text, new_text, round(best.score, 1), best.source,
                          applied=False, needs_review=True, reason=reason)

    def _in_doc(self, c: Candidate | None) -> bool:
        """Does the document spell this candidate somewhere as it stands?"""
        return c is not None and self.doc_counts.get(c.target, 0) > 0

    def _close(self, best: Candidate, rival: Candidate | None) -> bool:
        """A rival within the margin makes the repair ambiguous, unless it is far rarer
        ('Sabine' before 'Sabiye')."""
        if rival is None or rival.rank < best.rank - self.s.correct_margin:
            return False
        return not self._dominates(best, rival)

    @staticmethod
    def _dominates(best: Candidate, rival: Candidate) -> bool:
        """Far more common as a word or name (zipf): 'Warschau' over 'Wachau', 'Freiburg' over
        'Freyburg', 'bereits' over 'breites'."""
        return best.zipf >= rival.zipf + 1.0 and best.zipf >= 2.5

    def _suggest_floor(self, best: Candidate) -> float:
        # a grey-band word repair is only worth a reviewer's time when it is near the apply band
        return max(self.s.correct_floor, 80.0 if best.source == "lexicon" else self.s.correct_floor)

    def _doc_candidate(self, core: str, conf: float) -> Candidate | None:
        """A spelling this document gives confidently or repeatedly ('Lytwynenk0' -> 'Lytwynenko')."""
        if not core[:1].isupper():
            return None
        best: Candidate | None = None
        mine = self.doc_counts.get(core, 0)
        for other, n in self.doc_counts.items():
            if other == core or abs(len(other) - len(core)) > 2 or other[:1].upper() != core[:1].upper():
                continue
            if n <= mine or self.doc_conf.get(other, 0.0) < max(SURE_READ, conf):
                continue  # the document's usual spelling, read more surely than this one
            if self.protected(other):
                continue  # only unknown names; words and listed names have their own sources
            s = ocr_score(core, other)
            if s >= self.s.correct_apply and (best is None or s > best.score):
                best = Candidate(other, s, "document", s + 0.5)
        return best

    def _try_slip(self, w: Word, pre: str, core: str, post: str, page: Page,
                  short: bool = False) -> Correction | None:
        """A rare real word that is an OCR slip of a far more frequent one: 'Städt' -> 'Stadt',
        'fur' -> 'für', 'ln' -> 'in'. Never for words of ordinary frequency ('würde' stays)."""
        z = self.zipf(core)
        if z >= 4.5 or (self.is_name(core) and z >= 3.0):
            return None
        need = 5.0 if short else 0.0  # a short token becomes only a very common function word
        best: tuple[float, str] | None = None
        for zv, v, umlaut in self._slip_variants(core):
            if w.confidence >= SURE_READ:  # Tesseract is sure: only a glaring slip ('fur' for 'für')
                far = zv - z >= 3.5 or (zv - z >= 2.5 and zv >= 6.0)
            else:
                far = zv - z >= 2.5 or (umlaut and not short and z < 3.0 and zv >= 4.0)
            if zv >= need and far and (best is None or zv > best[0]):
                best = (zv, v)
        if best is None:
            return self._try_name_slip(w, pre, core, post, page, z) if not short else None
        target = best[1]
        if short and core[:1].islower() and target[:1].isupper():
            target = target.lower()
        score = ocr_score(core, target)
        return self._apply(w, pre + target + post, score, "lexicon", page,
                           why=f"'{core}' is a rare word, '{target}' a frequent one an OCR slip away")

    def _accented(self) -> dict[str, list[str]]:
        """Given names with letters the German OCR model drops, under their plain spelling:
        'francois' -> ['François'] (built once)."""
        idx = self.index
        if idx.accented is None:
            table: dict[str, list[str]] = {}
            for name in self.g.given_names:
                if not name.isascii() and not _GERMAN.match(name):
                    table.setdefault(fold_accents(name).lower(), []).append(name)
            idx.accented = table
        return idx.accented

    def _try_accented_name(self, w: Word, pre: str, core: str, post: str, page: Page) -> Correction | None:
        """'Francois Moreau' -> 'François Moreau': a listed word that is a given name with its
        accents dropped (Tesseract's German model cannot read ç, ş, ł), next to a surname or
        after a title. Not when the plain spelling is a given name itself ('Elise', 'Pawel')."""
        if not core[:1].isupper() or self.zipf(core) >= 3.5 or core in self.g.given_names:
            return None
        names = self._accented().get(core.lower())
        if not names or len(names) != 1:
            return None
        prev, nxt = self._context
        surname_next = nxt is not None and nxt[:1].isupper() and not self._common(nxt) and len(nxt) >= 3
        after_name = prev is not None and (prev in self.g.given_names or prev in self.g.titles or
                                           prev.rstrip(".") + "." in self.g.titles or prev in ("Herr", "Frau"))
        if not (surname_next or after_name):
            return None
        target = names[0]
        return self._apply(w, pre + target + post, ocr_score(core, target), "given-names", page,
                           why=f"the given name '{target}' with the accents OCR cannot read")

    def _slip_variants(self, core: str) -> list[tuple[float, str, bool]]:
        """Listed words one OCR slip from the core: [(zipf, word, umlaut slip)] (cached)."""
        cache = self.index.slips
        got = cache.get(core)
        if got is None:
            got = []
            for a, b in _SLIP_EDITS:
                i = core.find(a)
                while i >= 0:
                    v = core[:i] + b + core[i + len(a):]
                    zv = self.zipf(v)
                    if zv > 0:
                        got.append((zv, v, a in "äöüaou" and b in "äöüaou"))
                    i = core.find(a, i + 1)
            if len(cache) > 200_000:
                cache.clear()
            cache[core] = got
        return got

    def _try_name_slip(self, w: Word, pre: str, core: str, post: str, page: Page,
                       z: float) -> Correction | None:
        """A rare listed word that is one OCR confusion from a name: 'Klans' -> 'Klaus'."""
        if z >= 3.0 or not core[:1].isupper() or w.confidence >= SURE_READ:
            return None
        plan = self._plan(core)
        if plan is None or not plan.best.is_name or plan.edits or self._close(plan.best, plan.rival):
            return None
        best = plan.best
        if ocr_distance(core, best.target) > 0.5 or best.score < self.s.correct_apply:
            return None
        if best.source == "given-names" and best.zipf < z + 1.0:
            return None  # the name must be commoner than the word
        return self._apply(w, pre + best.target + post, best.score, best.source, page,
                           why=f"'{core}' is a rare word, '{best.target}' a name an OCR slip away")

    def _try_parts(self, w: Word, pre: str, core: str, post: str, page: Page) -> Correction | None:
        """Hyphenated or apostrophe names: the whole against the gazetteer ('Baden-Badcn')."""
        plan = self._plan(core)
        if plan is None or not plan.best.is_name:
            return None
        return self._decide(w, pre, core, post, page)

    def _apply(self, w: Word, new_text: str, score: float, source: str, page: Page,
               why: str = "") -> Correction:
        original = w.text
        w.corrected_from = original
        w.correction_score = score
        w.correction_source = source
        w.text = new_text
        if source == "learned":  # a reviewer accepted this repair before: do not ask again
            return Correction(page.number, -1, -1, original, w.text, round(score, 1), source, applied=True,
                              reason=f"'{original}' corrected to '{w.text}' as a reviewer did before")
        reason = why or f"corrected to '{w.text}' with score {score:.0f}"
        return Correction(page.number, -1, -1, original, w.text, round(score, 1), source, applied=True,
                          needs_review=w.confidence < self.s.low_ocr_word,
                          reason=f"OCR confidence {w.confidence:.2f} on '{original}'; {reason}")

    # ------------------------------------------------------------------ spans
    def _try_learned_span(self, words: list[Word], i: int, page: Page
                          ) -> tuple[int, Word, Correction] | None:
        """A reviewer's repair of two or three words ('No vember' -> 'November')."""
        if not self.g.learned:
            return None
        for n in (3, 2):
            if i + n > len(words) or any(x.line != words[i].line for x in words[i:i + n]):
                continue
            pre, _c, _p = _split_affixes(words[i].text)
            _p2, _c2, post = _split_affixes(words[i + n - 1].text)
            text = " ".join(x.text for x in words[i:i + n])
            core = text[len(pre):len(text) - len(post)] if post else text[len(pre):]
            new = self.g.learned.get(core)
            if new is None or new == core:
                continue
            word = self._merge(words[i:i + n], pre + new + post)
            word.correction_score, word.correction_source = 100.0, "learned"
            return n, word, Correction(page.number, -1, -1, text, word.text, 100.0, "learned", applied=True,
                                       reason=f"'{text}' corrected to '{word.text}' as a reviewer did before")
        return None

    @staticmethod
    def _merge(ws: list[Word], text: str) -> Word:
        boxes = [x.bbox for x in ws if x.bbox]
        box = None
        if boxes:
            box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                   max(b[3] for b in boxes))
        return Word(text=text, bbox=box, confidence=min(x.confidence for x in ws), source=ws[0].source,
                    line=ws[0].line, block=ws[0].block, corrected_from=" ".join(x.text for x in ws))

    def _try_multiword(self, words: list[Word], i: int, page: Page
                       ) -> tuple[int, list[Word], Correction | None] | None:
        """Multi-word names as one span: 'Rostow am Dan' -> 'Rostow am Don', 'sankt Petersburg'.
        An exact multi-word name is consumed unchanged, so its words are not repaired one by one."""
        idx = self.index
        w = words[i]
        group = self._head_group(w.text)
        if group is None:
            return None
        for n in (3, 2, 4):
            if n not in group[2]:
                continue
            span = words[i:i + n]
            if len(span) < n or any(x.line != w.line or x.source != "ocr" for x in span):
                continue
            cores = []
            ok = True
            for k, x in enumerate(span):
                p, c, s = _split_affixes(x.text)
                if not c or (k > 0 and p) or (k < n - 1 and s):
                    ok = False
                    break
                cores.append(c)
            if not ok:
                continue
            text = " ".join(cores)
            if text in idx.names:
                return n, span, None
            key = ocr_key(text)
            hits: dict[str, float] = {}
            for _k, _s, j in process.extract(key, group[0], scorer=fuzz.ratio, limit=4, score_cutoff=80):
                e = idx.entries[group[1][j]]
                if len(e.surface.split()) == n:
                    hits[e.surface] = ocr_score(text, e.surface) + e.prior
            if not hits:
                continue
            ranked = sorted(hits.items(), key=lambda kv: -kv[1])
            target = ranked[0][0]
            score = ocr_score(text, target)
            close = len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - self.s.correct_margin
            # every changed word must be unknown, or the change an OCR confusion ('Dom' for 'Don')
            changed = [(a, b) for a, b in zip(cores, target.split()) if a != b]
            if len(target.split()) != n or not changed:
                continue
            if any(self.protected(a) and ocr_distance(a, b) >= 1.0 for a, b in changed):
                continue
            if score < self.s.correct_apply or close:
                if score >= self.s.correct_floor + 10:
                    first_pre = _split_affixes(span[0].text)[0]
                    last_post = _split_affixes(span[-1].text)[2]
                    corr = Correction(page.number, -1, -1, " ".join(x.text for x in span),
                                      first_pre + target + last_post, round(score, 1), "cities", applied=False,
                                      needs_review=True,
                                      reason=f"similar to {target} (score {score:.0f}), below the apply threshold")
                    return n, span, corr
                continue
            original = " ".join(x.text for x in span)
            for x, new in zip(span, target.split()):
                p, c, s = _split_affixes(x.text)
                if c != new:
                    x.corrected_from, x.correction_score, x.correction_source = x.text, score, "cities"
                    x.text = p + new + s
            corr = Correction(page.number, -1, -1, original, " ".join(x.text for x in span), round(score, 1),
                              "cities", applied=True, needs_review=min(x.confidence for x in span) < self.s.low_ocr_word,
                              reason=f"'{original}' is the place name '{target}' (score {score:.0f})")
            return n, span, corr
        return None

    def _fragment(self, part: str) -> bool:
        """Is this half of a possibly torn word no word of its own? ('vember', 'kundet', 'gebnisse',
        'No', 'Sp'; not 'zu', 'gar', 'her'). wordfreq lists many fragments and English words at low
        frequency, so a listed but rare half still counts as a fragment."""
        low = part.lower()
        n = len(low)
        if n <= 2:
            return low not in _TWO_LETTER
        z = self.zipf(low)
        if n == 3:
            return z < 4.3 or low in _LEAKS
        if self.is_name(part):
            return False
        return z < 3.0 and compound_parts(self.lex, low, strict=True) is None

    def _try_join(self, a: Word, b: Word, page: Page) -> tuple[Word, Correction] | None:
        """Torn words: 'No vember' -> 'November', 'be kundet' -> 'bekundet', 'Chmel nyzkyj'."""
        pa, ca, sa = _split_affixes(a.text)
        pb, cb, sb = _split_affixes(b.text)
        if sa or pb or not ca.isalpha() or not cb.isalpha() or not cb[0].islower():
            return None
        if len(ca) + len(cb) < 6 or ca.isupper() and len(ca) > 1:
            return None
        joined = ca + cb
        if not self.is_name(joined) and self.zipf(joined) < 3.0 and (self._common(ca) or self._common(cb)):
            return None  # only two fragments may make a compound that no list has
        frag_a, frag_b = self._fragment(ca), self._fragment(cb)
        if not (frag_a or frag_b):
            return None  # "in dem", "zu lassen", "hier her": two words, whatever they make together
        if self.is_name(joined):
            source = "gazetteer-join"
        else:
            zj = self.zipf(joined)
            # a listed fragment must be far rarer than the word it is part of ('gebnisse')
            frag_z = max([self.zipf(x) for x, f in ((ca, frag_a), (cb, frag_b)) if f and len(x) > 3] or [0.0])
            if zj >= 3.0 and zj >= frag_z + 1.0 or frag_a and frag_b and compound_parts(self.lex, joined, strict=True) is not None:
                source = "lexicon-join"
            else:
                return None
        word = self._merge([a, b], pa + joined + sb)
        word.correction_score, word.correction_source = 95.0, source
        corr = Correction(page.number, -1, -1, f"{a.text} {b.text}", word.text, 95.0, source, applied=True,
                          needs_review=word.confidence < self.s.low_ocr_word,
                          reason=f"'{a.text} {b.text}' joined to the word '{word.text}'")
        return word, corr

    def _try_split(self, w: Word, page: Page) -> tuple[tuple[Word, Word], Correction] | None:
        """Glued words: a given name and a surname ('OleksandrSymtschyschyn'), two words where the
        whole is none ('Interessiertean', 'aufden'), or a speck where the space was ('Büro.des')."""
        pre, core, post = _split_affixes(w.text)
        if len(core) < 5 or _URLISH.search(core):
            return None
        # an inner capital never joins a compound: split before asking the lexicon
        found = self._split_speck(core) or self._split_case(core)
        if found is None and w.confidence < SURE_READ and not self.protected(core):
            found = self._split_glue(core)  # no visible seam: only where OCR doubts its reading
        if found is None:
            return None
        first, second, source, why = found
        a_text, b_text = pre + first, second + post
        if w.bbox:
            x0, y0, x1, y1 = w.bbox
            cut = x0 + (x1 - x0) * len(a_text) / max(1, len(w.text))
            box_a, box_b = (x0, y0, cut, y1), (cut, y0, x1, y1)
        else:
            box_a = box_b = None
        a = Word(a_text, box_a, w.confidence, w.source, w.line, w.block, corrected_from=w.text,
                 correction_score=90.0, correction_source=source)
        b = Word(b_text, box_b, w.confidence, w.source, w.line, w.block, corrected_from=w.text,
                 correction_score=90.0, correction_source=source)
        corr = Correction(page.number, -1, -1, w.text, f"{a_text} {b_text}", 90.0, source, applied=True,
                          needs_review=w.confidence < self.s.low_ocr_word, reason=f"'{w.text}' split: {why}")
        return (a, b), corr

    def _split_speck(self, core: str) -> tuple[str, str, str, str] | None:
        m = re.match(r"^([a-zäöü]{2,4})-([A-ZÄÖÜ][^\W\d_]{3,})$", core)
        if m and m.group(1) in _GLUE and self.is_name(m.group(2)):  # 'in-Schytomyr'
            return m.group(1), m.group(2), "speck-split", f"a speck between '{m.group(1)}' and '{m.group(2)}'"
        m = re.match(r"^([^\W\d_]{2,})([.,]{1,3})([^\W\d_]{2,}\.?)$", core)
        if not m:
            return None
        left, punct, right = m.groups()
        rcore = right.rstrip(".")
        if not (self.protected(left) or left in self.g.titles or left + "." in self.g.titles):
            return None
        if not (self.protected(rcore) or rcore + "." in self.g.titles or rcore in self.g.titles):
            return None
        if len(rcore) < 3 and rcore + "." not in self.g.titles and self.zipf(rcore) < 5.5:
            return None
        if left.lower() in _ABBREV or left + "." in self.g.titles:
            if right[:1].islower() and right[:1].upper() + right[1:] in self.g.given_names:
                right = right[:1].upper() + right[1:]  # 'Dr..jana' -> 'Dr. Jana'
            return left + ".", right, "speck-split", f"'{left}.' is an abbreviation before '{right}'"
        if len(left) < 3:
            return None
        if "," in punct:  # a comma without its space ('wurden,die')
            return left + ",", right, "speck-split", f"a comma without a space between '{left}' and '{right}'"
        if rcore[0].islower():
            if self.zipf(rcore) < 3.0:
                return None
            return left, right, "speck-split", f"a speck between '{left}' and '{right}'"
        return left + ".", right, "speck-split", f"a sentence or title end between '{left}' and '{right}'"

    def _split_case(self, core: str) -> tuple[str, str, str, str] | None:
        m = re.match(r"^([A-ZÄÖÜ][a-zäöüß]+|[a-zäöüß]{2,})([A-ZÄÖÜ][a-zäöüß]{2,})$", core)
        if not m:
            return None
        first, second = m.groups()
        g = self.g
        if first in g.given_names or first in g.titles or first in g.roles or first in g.ambiguous_given:
            return first, second, "given-names-split", f"after the given name '{first}'"
        if (self.protected(first) and len(first) >= 2 and self.protected(second)
                and (len(first) >= 4 or first.lower() in _GLUE)):
            return first, second, "lexicon-split", f"'{first}' and '{second}' are words, '{core}' is none"
        return None

    def _split_glue(self, core: str) -> tuple[str, str, str, str] | None:
        if not core.isalpha() or len(core) < 6:
            return None
        found = []
        low = core.lower()
        for cut in range(2, len(core) - 1):
            a, b = low[:cut], low[cut:]
            glue_first = core[0].islower() and a in _GLUE_FIRST and len(b) >= 4 and self.zipf(b) >= 3.0
            # 'Interessierte|an'; not 'einzuladen|den', a participle
            glue_last = b in _GLUE and len(a) >= 4 and self.zipf(a) >= 3.0 and \
                not (a.endswith("n") and b.startswith("de"))
            if (glue_first or glue_last) and b not in _SUFFIXLIKE:
                found.append(cut)
        if len(found) != 1:
            return None
        cut = found[0]
        return core[:cut], core[cut:], "lexicon-split", f"'{core[:cut]}' and '{core[cut:]}' are words, '{core}' is none"


def finish_offsets(page: Page, pairs: list[tuple[Word, Correction]]) -> list[Correction]:
    """After the text is rendered: point each correction at its span in the page text
    (a split or a multi-word repair covers several words)."""
    out = []
    position = {id(w): k for k, w in enumerate(page.words)}
    for word, corr in pairs:
        corr.page = page.number
        corr.start = word.start
        end = word.end
        k = position.get(id(word))
        if k is not None:
            target = corr.corrected if corr.applied else corr.original
            j = k
            while page.text[corr.start:end] != target and j + 1 < len(page.words) and \
                    page.words[j + 1].line == word.line and j - k < 4:
                j += 1
                end = page.words[j].end
            if page.text[corr.start:end] != target:
                end = word.end
        corr.end = end
        out.append(corr)
    return out
