"""Every repair target under its OCR key, and what the stage knows about words and names.

`CandidateIndex.build(gazetteer, lexicon)` once per worker (it takes ~2 s: 170,000 targets);
every document and page then shares it and its caches. Nothing here depends on a document.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..gazetteer import KIND_RANK, Gazetteer
from ..lexicon import compound_parts
from .model import fold_accents, ocr_key, plain_key
from .settings import INDEX_FIELDS, CorrectionSettings
from .tokens import GERMAN

if TYPE_CHECKING:
    from .candidates import Candidates

_LATIN = re.compile(r"^[A-Za-zÀ-ɏ'\- ]+$")
# 'OberbürgermeisterIn', 'AmtsleiterIn': a gender-inclusive spelling is a known role, but never a repair
# target: OCR damage of 'Oberbürgermeisterin' is not repaired into it (4 of 4 such repairs wrong in the
# calibration train sets)
_INNER_CAPITAL = re.compile(r"[a-zß-ÿ][A-ZÀ-Þ]")
_JIY = str.maketrans({"j": "i", "y": "i"})
# real words that are OCR slips of a much more frequent word: (vowel with and without umlaut, i/l ...)
_SLIP_EDITS = [("ä", "a"), ("ö", "o"), ("ü", "u"), ("a", "ä"), ("o", "ö"), ("u", "ü"), ("l", "i"),
               ("i", "l"), ("I", "l"), ("l", "I"), ("rn", "m"), ("c", "e")]
MIN_TARGET_LEN = 4  # shorter names and words are no repair targets (too many meet)
_SLIP_CACHE_MAX = 200_000  # caches are emptied when they grow past this (memory stays bounded)

# priors: small bonuses and maluses that order near-equal candidates (not thresholds: a score
# decides, the prior only ranks). A curated or main city name before a stray alternate one, a big
# city before a village, a common given name before a rare spelling.
_CITY_GOOD_KINDS = ("curated", "exonym", "canonical", "translit")
_CITY_GOOD_KIND, _CITY_OTHER_KIND = 0.5, -1.0
_CITY_BIG, _CITY_BIG_PRIOR = 100_000, 0.5  # population
_CITY_SMALL, _CITY_SMALL_PRIOR = 5_000, -0.5
_CITY_CANONICAL_PRIOR = 0.3  # 'Nürnberg' before 'Nurnberg'
_COUNTRY_PRIOR = 0.5
_ORG_PRIOR, _ORG_ZIPF = 0.3, 3.0


@dataclass(slots=True)
class Entry:
    """One repair target."""

    surface: str
    source: str  # cities | given-names | countries | orgs | lexicon
    prior: float  # small bonus or malus between near-equal candidates
    zipf: float = 0.0
    canon: str = ""  # what the target means: variants of one city are no rivals of each other

    @property
    def is_name(self) -> bool:
        return self.source != "lexicon"


def head(key: str, n: int) -> str:
    """Bucket of a key of length n by its start: two letters for long keys, one for short."""
    return key[:2] if n >= 6 else key[:1]


def tail(key: str, n: int) -> str:
    return key[-2:] if n >= 6 else key[-1:]


Bucket = tuple[list[str], list[int]]  # (OCR keys, entry ids)


def _city_key(c) -> tuple[int, int]:
    return KIND_RANK.get(c.kind, 1), c.population


def _city_prior(best) -> float:
    p = _CITY_GOOD_KIND if best.kind in _CITY_GOOD_KINDS else _CITY_OTHER_KIND
    if best.population >= _CITY_BIG:
        p += _CITY_BIG_PRIOR
    elif best.population < _CITY_SMALL:
        p += _CITY_SMALL_PRIOR
    return p


class CandidateIndex:
    """Repair targets (gazetteer names, lexicon words) under their OCR keys, bucketed for
    rapidfuzz, with the gazetteer and lexicon they came from. Built once per worker; its caches
    (plans, common words, slips, multi-word heads, accented names) are shared by every document."""

    def __init__(self, gazetteer: Gazetteer, lexicon: Mapping[str, float], entries: list[Entry],
                 exact: dict[str, list[int]], first: dict[tuple[str, int], Bucket],
                 last: dict[tuple[str, int], Bucket], multi: dict[str, tuple[list[str], list[int], set[int]]],
                 names: set[str], built_with: tuple) -> None:
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.entries = entries
        self.exact = exact  # ocr_key (and plain_key) -> entry ids
        self.first = first  # (start of key, key length) -> bucket
        self.last = last  # (end of key, key length) -> bucket
        self.multi = multi  # names with spaces under the key of their first word: (keys, ids, word counts)
        self.names = names  # exact surface forms of every gazetteer name (protection)
        self.built_with = built_with  # CorrectionSettings.index_key() of the build
        self._candidates: dict[CorrectionSettings, Candidates] = {}
        self._slips: dict[str, list[tuple[float, str, bool]]] = {}
        self._accented: dict[str, list[str]] | None = None

    @classmethod
    def build(cls, gazetteer: Gazetteer, lexicon: Mapping[str, float],
              settings: CorrectionSettings | None = None) -> CandidateIndex:
        """All repair targets under their OCR keys (only ``settings.word_min_zipf`` matters here)."""
        settings = settings or CorrectionSettings()
        g = gazetteer
        entries: list[Entry] = []
        names: set[str] = set()
        seen: dict[str, int] = {}

        def add(surface: str, source: str, prior: float, zipf: float = 0.0, canon: str = "") -> None:
            low = surface.lower()
            canon = canon or low
            if low in seen:  # one entry per spelling: a name beats a word, a better prior wins
                e = entries[seen[low]]
                if (e.source == "lexicon" and source != "lexicon") or (e.source == source and prior > e.prior):
                    entries[seen[low]] = Entry(surface, source, prior, max(zipf, e.zipf), canon)
                return
            seen[low] = len(entries)
            entries.append(Entry(surface, source, prior, zipf, canon))

        names.update(g.cities)
        for variant, cities in g.cities.items():
            if len(variant) < MIN_TARGET_LEN:
                continue
            best = cities[0] if len(cities) == 1 else max(cities, key=_city_key)
            if best.kind == "alt" and best.population < _CITY_BIG:
                continue  # stray alternate names of small places: more harm than use as targets
            if variant.isupper() or not _LATIN.match(variant):
                continue
            prior = _city_prior(best) + (_CITY_CANONICAL_PRIOR if variant == best.canonical else 0.0)
            # how likely a memo names it: as common as a word, or as a big city (1M people ~ zipf 3.5)
            weight = max(lexicon.get(best.canonical.lower(), 0.0), lexicon.get(variant.lower(), 0.0),
                         math.log10(max(best.population, 1)) - 2.5)
            add(variant, "cities", prior, weight, canon=f"city:{best.canonical}:{best.geonames_id}")
        for name in sorted(g.given_names):  # a set: sorted, so that ties break the same in every process
            names.add(name)
            if len(name) >= MIN_TARGET_LEN and _LATIN.match(name) and not name.isupper():
                z = lexicon.get(name.lower(), 0.0)  # how common a name is: 'Stefan' before 'Stefán'
                # Paweł and Pawel, Tetjana and Tetiana are one name: no rivals of each other
                add(name, "given-names", max(-0.3, min(0.6, (z - 3.0) * 0.3)), z,
                    canon="name:" + fold_accents(name).lower().translate(_JIY))
        for name in g.ambiguous_given:
            names.add(name)
        for variant in g.countries:
            names.add(variant)
            if len(variant) >= MIN_TARGET_LEN and _LATIN.match(variant) and not variant.isupper():
                add(variant, "countries", _COUNTRY_PRIOR)
        for table in (g.orgs, g.roles, g.titles):
            for pattern in table:
                names.add(pattern)
                if " " not in pattern and len(pattern) >= 5 and not pattern.isupper() and _LATIN.match(pattern) \
                        and not _INNER_CAPITAL.search(pattern):
                    add(pattern, "orgs", _ORG_PRIOR, _ORG_ZIPF)
        for word, z in lexicon.items():
            if z >= settings.word_min_zipf and len(word) >= MIN_TARGET_LEN and word.isalpha():
                add(word, "lexicon", max(-1.0, min(1.0, (z - 3.0) * 0.5)), z)

        exact: dict[str, list[int]] = {}
        first: dict[tuple[str, int], Bucket] = {}
        last: dict[tuple[str, int], Bucket] = {}
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
            plain = plain_key(e.surface)
            if plain != key:  # 'Ulrike' must meet 'Ulrlke' too, whose key has no fold for 'rl'
                exact.setdefault(plain, []).append(i)
            n = len(key)
            for table, ch in ((first, head(key, n)), (last, tail(key, n))):
                b = table.setdefault((ch, n), ([], []))
                b[0].append(key)
                b[1].append(i)
        return cls(g, lexicon, entries, exact, first, last, multi, names, settings.index_key())

    # ------------------------------------------------------------------ what a token is
    def zipf(self, word: str) -> float:
        w = word.lower()
        z = self.lexicon.get(w)
        if z is None:
            z = self.lexicon.get(w.replace("ß", "ss"), 0.0)
        return z

    def is_name(self, core: str) -> bool:
        return core in self.names

    def is_word(self, core: str) -> bool:
        """A lexicon word or a compound of listed words (hyphenated: every part known)."""
        if self.zipf(core) > 0:
            return True
        if "-" in core:
            parts = [p for p in core.split("-") if p]
            return bool(parts) and all(self.is_word(p) or self.is_name(p) or p.isupper() or len(p) <= 2
                                       for p in parts)
        return compound_parts(self.lexicon, core) is not None

    def protected(self, core: str) -> bool:
        """A known name or word: never changed (except by a reviewer's learned repair)."""
        return self.is_name(core) or self.is_word(core)

    def compound(self, word: str, strict: bool = False) -> tuple[str, ...] | None:
        return compound_parts(self.lexicon, word, strict=strict)

    def source_of(self, core: str) -> str:
        """Which list a known core comes from (the source of a repair to it)."""
        g = self.gazetteer
        if core in g.cities:
            return "cities"
        if core in g.given_names:
            return "given-names"
        if core in g.countries:
            return "countries"
        return "orgs" if self.is_name(core) else "lexicon"

    # ------------------------------------------------------------------ cached look-ups
    def slip_variants(self, core: str) -> list[tuple[float, str, bool]]:
        """Listed words one OCR slip from the core: [(zipf, word, umlaut slip)] (cached)."""
        got = self._slips.get(core)
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
            if len(self._slips) > _SLIP_CACHE_MAX:
                self._slips.clear()
            self._slips[core] = got
        return got

    def accented_names(self) -> dict[str, list[str]]:
        """Given names with letters the German OCR model drops, under their plain spelling:
        'francois' -> ['François'] (built on first use)."""
        if self._accented is None:
            table: dict[str, list[str]] = {}
            for name in sorted(self.gazetteer.given_names):
                if not name.isascii() and not GERMAN.match(name):
                    table.setdefault(fold_accents(name).lower(), []).append(name)
            self._accented = table
        return self._accented

    def candidates(self, settings: CorrectionSettings) -> Candidates:
        """The candidate look-ups under these settings, with their caches (one object per settings)."""
        got = self._candidates.get(settings)
        if got is None:
            if settings.index_key() != self.built_with:
                built = ", ".join(f"{k}={v}" for k, v in zip(INDEX_FIELDS, self.built_with))
                raise ValueError(f"this index was built with {built}: build one for these correction settings")
            from .candidates import Candidates

            got = self._candidates[settings] = Candidates(self, settings)
        return got

    def clear_caches(self) -> None:
        """Forget every cached look-up (as in a fresh worker right after the build)."""
        self._candidates.clear()
        self._slips.clear()
