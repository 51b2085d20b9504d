"""Rule and gazetteer mentions (PERSON, CITY, ORG) and their merge with the statistical model.

Pure functions over page text; the spaCy components in components.py call them.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

from ..correct.model import fold_accents
from ..gazetteer import City, District, Gazetteer, norm
from ..lexicon import zipf
from ..wordstats import MIN_SEEN, PLACE_SHARE, WordStats
from .cues import Cues

TOKEN = re.compile(r"[^\s„“”\"»«()\[\],;:!?•\uf000-\uf8ff]+")  # bullets and symbol-font glyphs split
_TRAIL = ".,;:!?'’"

_NAME_PART = re.compile(r"^(?:[A-ZÄÖÜÀ-ÞŁŚŻŹĆŃŠŽČŘĎŤŇ][\w'’\-]*[^\W\d_]|von|van|de|da|di|zu|ter|al|der|den|la|le)$")


@dataclass
class Tok:
    text: str  # stripped of trailing punctuation
    start: int
    end: int
    raw: str


@dataclass
class Mention:
    """One entity found on a page, typed: what the spaCy component hands to extraction."""

    label: str
    start: int
    end: int
    value: str
    confidence: float
    source: str  # rule | gazetteer | model, joined with '+' when several agree
    reason: Optional[str] = None  # why the rule is unsure (dates)
    role: Optional[str] = None  # PERSON
    title: Optional[str] = None  # PERSON
    country: Optional[str] = None  # CITY, DISTRICT
    geonames_id: Optional[int] = None  # CITY
    district_of: Optional[str] = None  # DISTRICT: the city it is a district of
    kind: Optional[str] = None  # ORG: body | authority | company | other; CITY: 'county' (a county's name)
    council: bool = False  # ORG: a council named without its city ('der Stadtrat')


def tokenize(text: str, titles: Mapping[str, str]) -> list[Tok]:
    out = []
    for m in TOKEN.finditer(text):
        raw = m.group(0)
        core = raw.rstrip(_TRAIL) if not raw.endswith(("Dr.", "Prof.", "e.V.", "h.c.")) else raw
        if raw.endswith(".") and (norm(raw) in titles):
            core = raw
        if not core:
            continue
        out.append(Tok(core, m.start(), m.start() + len(core), raw))
    return out


def _is_cap(t: str) -> bool:
    return bool(t) and t[0].isupper() and any(c.islower() for c in t[1:]) if len(t) > 1 else False


# ---------------------------------------------------------------------- cities and districts

_SEPARATOR = re.compile(r"\s*(?:,|;|/|–|-|\bund\b|\bsowie\b|\boder\b|\bbzw\.)\s*")


def is_common(token: str, city: City, lexicon: dict[str, float], words: Optional[WordStats]) -> tuple[bool, bool]:
    """(common, ordinary): is the token as written also a word, and is it an *ordinary* word of
    council language (article, adjective or lower case: 'der Basis', 'man')?

    A frequent word (wordfreq zipf >= 3) naming a small town is common ('Baden', 'Lauf'); council
    usage (scripts/build_council_words.py) adds the ordinary words ('Mitte', 'Kitas', 'Corona') and
    the frequent words that council texts rarely put after a place cue, even if a big city bears
    them ('Essen')."""
    z = zipf(lexicon, token)
    small_word = z >= 3.0 and city.population < 100_000  # 'Baden', 'Lauf': frequent, and no big city
    use = words.use(token) if words is not None else None
    if use is not None and use.seen >= MIN_SEEN:
        if use.ordinary():
            return True, True
        placelike = use.n_cap > 0 and use.after_cue / use.n_cap >= PLACE_SHARE
        return small_word or (z >= 3.0 and not placelike), False
    return small_word, False


def _district_at(cand: str, g: Gazetteer, context: frozenset[str], cued: bool) -> Optional[District]:
    """The district this name is of a city the document names; when cued ('Stadtteil X'), of any;
    a curated name that only a district bears (Neureut, Durlach: no town of that name) needs neither."""
    options = g.districts.get(cand)
    if not options:
        return None
    for d in options:
        if d.city in context:
            return d
    if cued:
        return options[0]
    if len(options) == 1 and options[0].kind != "part" and cand not in g.cities:
        return options[0]
    return None


_CONTEXT: dict[int, tuple[re.Pattern, dict[str, str]]] = {}


def place_context(text: str, g: Gazetteer, cues: Cues) -> frozenset[str]:
    """The cities with districts that a text names: by name ('Karlsruhe', 'Karlsruher'), by
    abbreviation in a compound ('KA-Oststadt'), or through a district only that city has ('Durlach')."""
    if id(g) not in _CONTEXT:
        names: dict[str, str] = {}
        for ds in g.districts.values():
            for d in ds:
                names.setdefault(d.city, d.city)
        for name, ds in g.districts.items():
            if len(ds) == 1 and ds[0].kind != "part" and name not in g.cities:
                names.setdefault(name, ds[0].city)
        alts = sorted(names, key=len, reverse=True)
        rx = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in alts) + r")(?:er|s)?(?!\w)") if alts \
            else re.compile(r"(?!)")
        _CONTEXT[id(g)] = (rx, names)
    rx, names = _CONTEXT[id(g)]
    found = {names[m.group(1)] for m in rx.finditer(text)}
    for abbrev, city in cues.city_abbreviations.items():
        if re.search(rf"(?<!\w){re.escape(abbrev)}-[A-ZÄÖÜ]", text):
            found.add(city)
    return frozenset(found)


def _district_parts(tok: Tok, g: Gazetteer, cues: Cues, context: frozenset[str],
                    cued: bool) -> list[Mention]:
    """A hyphenated token naming a district: 'Karlsruhe-Rintheim' (CITY + DISTRICT), 'KA-Oststadt'
    (the district), 'Neureut-Kirchfeld', 'Neureut-Nord', 'Alt-Neureut' (one district), 'Kinderhaus-Aue'."""
    word = norm(tok.text)
    parts = word.split("-")
    if len(parts) < 2 or not all(parts) or word in g.cities:  # 'Eggenstein-Leopoldshafen' is a town
        return []
    head, rest = parts[0], "-".join(parts[1:])
    s, e = tok.start, tok.end
    rest_start = s + len(head) + 1
    found = _city_and_district(head, s, rest, rest_start, e, g, cues)
    if found:
        return found
    whole = _district_at(word, g, context, cued)
    if whole is not None:
        return [Mention("DISTRICT", s, e, whole.name, 0.9, "gazetteer", country=whole.country, district_of=whole.city)]
    if head in cues.quarter_prefixes:
        d = _district_at(rest, g, context, cued)
        if d is not None:
            return [Mention("DISTRICT", s, e, f"{head}-{rest}", 0.85, "gazetteer", country=d.country,
                            district_of=d.city)]
    d = _district_at(head, g, context, cued)
    if d is not None and len(parts) == 2 and (parts[1] in cues.quarter_suffixes
                                             or any(x.city == d.city for x in g.districts.get(parts[1], []))):
        return [Mention("DISTRICT", s, e, word, 0.85, "gazetteer", country=d.country, district_of=d.city)]
    last = parts[-1]
    d = _district_at(last, g, context, False)
    if d is not None and len(last) >= 3 and (_is_cap(parts[-2]) or parts[-2].isupper()):
        return [Mention("DISTRICT", e - len(last), e, d.name, 0.8, "gazetteer", country=d.country,
                        district_of=d.city)]
    return []


def _city_and_district(head: str, head_start: int, rest: str, rest_start: int, rest_end: int, g: Gazetteer,
                       cues: Cues) -> list[Mention]:
    """'Karlsruhe' + 'Rintheim' -> CITY + DISTRICT, 'KA' + 'Oststadt' -> the DISTRICT: a city (or its
    abbreviation) and one of its districts joined by a hyphen; [] when ``rest`` is no district of that city."""
    abbrev = cues.city_abbreviations.get(head)
    if not (abbrev or head in g.cities):
        return []
    city = abbrev or g.best_city(head).canonical
    d = next((x for x in g.districts.get(rest, []) if x.city == city), None)
    if d is None:
        return []
    out = [] if abbrev else [Mention("CITY", head_start, head_start + len(head), city, 0.95, "gazetteer",
                                     country=g.best_city(head).country, geonames_id=g.best_city(head).geonames_id)]
    return out + [Mention("DISTRICT", rest_start, rest_end, d.name, 0.95, "gazetteer", country=d.country,
                          district_of=d.city)]


_GENERIC_QUARTERS = frozenset({"Innenstadt", "Altstadt"})  # the centre of any town ('die gesamte Innenstadt')


def _quarter_town(name: str) -> bool:
    """'Oststadt', 'Südweststadt', 'Waldstadt': a district named '…stadt' takes an article as any place noun does
    ('in der Oststadt', 'Die Südweststadt ist …'), so council usage calling it ordinary says nothing (the real-gold
    train parts: 10 such misses in 7 documents)."""
    return name.endswith("stadt") and len(name) >= 8 and name not in _GENERIC_QUARTERS


def _district_over_line(text: str, tok: Tok, nxt: Tok, g: Gazetteer, cues: Cues) -> list[Mention]:
    """'Karlsruhe-⏎Wolfartsweier', 'KA-⏎Oststadt': a city and its district hyphenated over a line break, as
    'Karlsruhe-Wolfartsweier' on one line (train7; 10 such breaks in the 1,500 council texts)."""
    between = text[tok.start + len(tok.raw):nxt.start]
    if between.count("\n") != 1 or between.strip():
        return []
    return _city_and_district(norm(tok.raw[:-1]), tok.start, norm(nxt.text), nxt.start, nxt.end, g, cues)


def _names_a_facility(text: str, end: int, last_word: str, cues: Cues) -> bool:
    """'Günter Klotz Anlage', 'Ludwig Guttmann Schule': the name ends in or stands before a facility word
    (``cues.facility_words``), so it names a place called after a person, not the person (train7)."""
    after = re.match(r" ([A-ZÄÖÜ][a-zäöüß]+)", text[end:end + 40])
    return last_word in cues.facility_word_set or bool(after and after.group(1) in cues.facility_word_set)


def _alone_on_line(text: str, m: Mention) -> bool:
    a = text.rfind("\n", 0, m.start) + 1
    b = text.find("\n", m.end)
    b = len(text) if b < 0 else b
    return not text[a:m.start].strip(" \t•-–·*") and not text[m.end:b].strip(" \t,;.")


def _listed(text: str, a: Mention, b: Mention) -> bool:
    """Two places next to each other in a list: 'X, Y', 'X und Y', or one a line."""
    first, second = (a, b) if a.start < b.start else (b, a)
    between = text[first.end:second.start]
    if _SEPARATOR.fullmatch(between):
        return True
    return between.count("\n") == 1 and not between.strip(" \t\n•-–·*,;") and \
        _alone_on_line(text, first) and _alone_on_line(text, second)


def _qualified(text: str, m: Mention, g: Gazetteer, cues: Cues) -> Mention:
    """'Weingarten (Baden)': a town's official name with its region in brackets is one span."""
    q = re.match(r" ?\(([A-ZÄÖÜ][a-zäöüß]+(?:[ /][A-ZÄÖÜa-zäöüß.]+)?)\)", text[m.end:m.end + 30])
    if not q:
        return m
    full = f"{text[m.start:m.end]} ({q.group(1)})"
    if norm(full) in g.cities or q.group(1) in cues.place_qualifier_set:
        m.end += q.end()
        city = g.best_city(full)
        m.value = city.canonical if city is not None else f"{m.value} ({q.group(1)})"
    return m


def _starts_no_place(text: str, tok: Tok, cues: Cues) -> bool:
    """No city or district can start at this token (most tokens: lower-case words, numbers): its first
    character is ASCII but no capital, and so is the next, so that the normalised form of every span
    starting here begins with that same character (NFC composes nothing with an ASCII neighbour), while
    the loop below takes a span only when its first letter is a capital. Not for the tokens it treats
    otherwise: hyphenated ones and quarter prefixes ('Alt Neureut')."""
    s = tok.start
    c = text[s]
    if not c.isascii() or "A" <= c <= "Z" or c.isspace():
        return False
    if s + 1 < len(text) and not text[s + 1].isascii():
        return False
    return "-" not in tok.text and tok.text not in cues.quarter_prefixes


def find_cities(text: str, toks: list[Tok], g: Gazetteer, lexicon: dict[str, float], cues: Cues,
                words: Optional[WordStats] = None, model_locs: frozenset[tuple[int, int]] = frozenset(),
                context: Optional[frozenset[str]] = None) -> list[Mention]:
    """Cities (CITY) and districts of a city (DISTRICT) named on a page.

    ``words``: council word statistics (a token that is also an ordinary word is a place only with
    evidence: a cue before it, a country after it, a list of places around it, the NER model
    agreeing). ``model_locs``: the NER model's LOC spans. ``context``: the cities the whole document
    names (a district counts as one of its city's only there, or after a district cue)."""
    if context is None:
        context = place_context(text, g, cues)
    out: list[Mention] = []
    pending: list[tuple[int, Mention]] = []  # ordinary words waiting for a list of places around them
    i = 0
    while i < len(toks):
        if _starts_no_place(text, toks[i], cues):
            i += 1
            continue
        prev = toks[i - 1].text if i > 0 else ""
        prev2 = toks[i - 2].text if i > 1 else ""
        prev_raw = toks[i - 1].raw if i > 0 else ""
        district_cued = prev in cues.district_cue_set and prev_raw == prev
        # districts first: 'Durlach', 'Alt Neureut', 'Karlsruhe-Rintheim', 'KA-Oststadt'
        found = _district_parts(toks[i], g, cues, context, district_cued) if "-" in toks[i].text else []
        if not found and i + 1 < len(toks) and toks[i].raw.endswith("-"):
            found = _district_over_line(text, toks[i], toks[i + 1], g, cues)
        if not found:
            for n in (2, 1):
                if i + n > len(toks) or (n > 1 and "\n" in text[toks[i].start:toks[i + n - 1].end]):
                    continue
                cand = norm(text[toks[i].start:toks[i + n - 1].end])
                if n == 2 and toks[i].text in cues.quarter_prefixes:
                    d = _district_at(norm(toks[i + 1].text), g, context, district_cued)
                    if d is not None:
                        found = [Mention("DISTRICT", toks[i].start, toks[i + 1].end, f"{toks[i].text}-{d.name}", 0.85,
                                         "gazetteer", country=d.country, district_of=d.city)]
                        break
                    continue
                d = _district_at(cand, g, context, district_cued)
                if d is not None and _is_cap(cand):
                    ordinary = words is not None and words.ordinary(cand) is True and not _quarter_town(cand)
                    if ordinary and not district_cued:
                        continue
                    found = [Mention("DISTRICT", toks[i].start, toks[i + n - 1].end, d.name,
                                     0.9 if district_cued or d.city in context else 0.8, "gazetteer",
                                     country=d.country, district_of=d.city)]
                    break
        if found:
            out.extend(found)
            i += 1 if found[-1].end <= toks[i].end else 2
            continue
        hit = None
        for n in (4, 3, 2, 1):
            if i + n > len(toks):
                continue
            span = text[toks[i].start:toks[i + n - 1].end]
            if "\n" in span and n > 1:
                continue
            cand = norm(span)
            stem = cand
            if cand not in g.cities and cand.endswith("s") and (words is None or words.ordinary(cand) is not True):
                # genitive: Dresdens, Chmelnyzkyjs; not adjectives (Dresdner) — those name bodies;
                # not a word of its own ('Basis' is no genitive of 'Basi')
                for suf in ("s", "'s"):
                    if cand.endswith(suf) and len(cand) - len(suf) >= 4 and cand[: -len(suf)] in g.cities:
                        stem = cand[: -len(suf)]
                        break
            if stem in g.cities and _is_cap(stem.split()[0]) and cand not in cues.place_set:
                hit = (n, stem)  # a place cue is none itself ('Bundesstadt Bonn': Bern's title)
                break
        if hit is None:
            i += 1
            continue
        n, stem = hit
        city = g.best_city(stem)
        if prev in cues.county_word_set:
            # 'Landkreis Karlsruhe': the county's name, no CITY; kept as kind 'county' so that an office
            # takes it into its name ('Landratsamt Karlsruhe'), then dropped (see without_counties)
            out.append(Mention("CITY", toks[i].start, toks[i + n - 1].end, city.canonical, 0.5, "gazetteer",
                               country=city.country, kind="county"))
            i += n
            continue
        written = norm(text[toks[i].start:toks[i + n - 1].end])
        z = max(zipf(lexicon, stem), zipf(lexicon, written))
        common, ordinary = is_common(written, city, lexicon, words) if n == 1 else (False, False)
        noun_cue = prev in cues.place_noun_set
        cued = prev in cues.place_set or (prev2 in cues.place_set and prev not in cues.determiner_set) \
            or prev in ("-", "–", "/")
        span_end = toks[i + n - 1].end
        after = text[span_end:span_end + 40]
        country_after = re.match(r"\s*[,(]\s*([A-ZÄÖÜ][\w\s'’-]{1,30}?)\s*[),\n.]", after)
        # an ordinary word ('in Hecken', 'Corona' as the model reads it) needs more than a preposition
        # or the NER model: a place noun before it, a country after it, or a list of places around it
        # the NER model's LOC is no evidence for a foreign city's alternate name (GeoNames' many languages): its
        # features include "is a gazetteer city", so it only echoes the gazetteer there ('Fraxinus ornus' ->
        # Fresno, 'neben der Karlsburg' -> Alba Iulia, 'Bibl' -> Byblos). German short forms stay ('Frankfurt'):
        # counted on the council texts, dropping those lost 7 right cities for 4 wrong ones
        model_loc = (toks[i].start, span_end) in model_locs and not common and (city.rank >= 2 or city.country == "DE")
        country_named = bool(country_after and norm(country_after.group(1)) in g.countries)
        evidence = noun_cue or (cued and not ordinary) or model_loc or country_named
        # stray alternate names (a surname listed for a US suburb), words that are also towns,
        # and hamlets are cities only where the text says 'in', 'aus', 'nach' … before them
        needs_cue = common or (city.rank < 2 and city.population < 1_000_000) or \
            (city.population < 20_000 and z >= 1.5) or city.population < 1000
        if city.kind == "alt" and written != norm(city.canonical) and written.isascii() \
                and fold_accents(written) == fold_accents(city.canonical) and city.population < 100_000:
            # the town's own name with its umlaut dropped ('Karstadt' for Karstädt, 'Hochberg' for Höchberg): German
            # text writes the umlaut, so the spelling without it names something else (a store, a margraviate);
            # only a place noun before it or a country after it makes it the town (train6: 3 such mentions, the
            # unlabelled council texts: 1 more, wrong too)
            evidence, needs_cue = noun_cue or country_named, True
        conf = 0.95 if not needs_cue else 0.8
        if len({c.canonical for c in g.cities[stem]}) > 1 and \
                sorted(c.rank for c in g.cities[stem])[-2:] == [city.rank, city.rank]:
            conf = min(conf, 0.8)
        m = Mention("CITY", toks[i].start, span_end, city.canonical, conf, "gazetteer",
                    country=city.country, geonames_id=city.geonames_id)
        if needs_cue and not evidence:
            pending.append((i, m))
            i += 1
            continue
        out.append(_qualified(text, m, g, cues))
        while i < len(toks) and toks[i].start < out[-1].end:
            i += 1
    # a list of places: a word between accepted places is one ('Nancy, Lublin und Halle'), also a
    # list of one place a line
    sure = [c for c in out if c.label == "CITY" and c.confidence >= 0.9]
    for _, m in pending:
        if any(_listed(text, c, m) for c in sure):
            out.append(m)
    out.extend(_caps_letterhead(text, g, cues, out))
    out.extend(_hyphenated_places(text, g, lexicon, words, context, out))
    out.extend(_compound_cities(text, g, lexicon, words, out))
    out.sort(key=lambda x: x.start)
    return out


def without_counties(places: list[Mention]) -> list[Mention]:
    """The places of find_cities without the names it found only as a county's ('Landkreis Karlsruhe')."""
    return [m for m in places if m.kind != "county"]


_COMPOUND = re.compile(r"(?<![\w-])([A-ZÄÖÜ][a-zäöüß]{2,})-[ \t]*\n?[ \t]*([A-ZÄÖÜ][a-zäöüß]{2,})(?![\w-])")


def _compound_cities(text: str, g: Gazetteer, lexicon: dict[str, float], words: Optional[WordStats],
                     taken: list[Mention]) -> list[Mention]:
    """'Naturschutzzentrum Karlsruhe-Rappenwört', 'Ausbaustrecke Mannheim-Karlsruhe': a large city (100,000+,
    no common word) as a part of a two-part hyphenated name is a city there, when nothing else (a district
    pair 'Karlsruhe-Durlach', a city named so 'Baden-Baden') has taken the compound."""
    out: list[Mention] = []
    for m in _COMPOUND.finditer(text):
        if any(t.start < m.end() and m.start() < t.end for t in taken):
            continue
        for k in (1, 2):
            name = norm(m.group(k))
            if name not in g.cities:
                continue
            city = g.best_city(name)
            if city.population < 100_000 or is_common(name, city, lexicon, words)[0]:
                continue
            out.append(Mention("CITY", m.start(k), m.end(k), city.canonical, 0.85, "gazetteer",
                               country=city.country, geonames_id=city.geonames_id))
    return out


# 'Stadt Karls-\nruhe', 'Stadtamt Dur-\nlach', 'Karls-\nruhe-Durlach': a name hyphenated over a line break
_BROKEN = re.compile(r"(?<![\w-])([A-ZÄÖÜ][a-zäöüß]+)-[ \t]*\n[ \t]*([a-zäöüß]{2,})(?:-([A-ZÄÖÜ][a-zäöüß]+))?(?![\w-])")


def _hyphenated_places(text: str, g: Gazetteer, lexicon: dict[str, float], words: Optional[WordStats],
                       context: frozenset[str], taken: list[Mention]) -> list[Mention]:
    """A city or district whose name a line-break hyphen splits: the joined word must be a place and no
    ordinary word ('Stel-\nle', 'Ba-\nden' stay words: council usage, and for a district zipf < 3 and its
    city named in the document; for a city the test of the main pass, is_common), and a city must be
    large (100,000+) or written whole elsewhere in the text. The span keeps the hyphen
    and the line break; the value is the place's name."""
    out: list[Mention] = []
    for m in _BROKEN.finditer(text):
        joined = norm(m.group(1) + m.group(2))
        if (words is not None and words.ordinary(joined) is True) \
                or any(t.start < m.end(2) and m.start() < t.end for t in taken):
            continue
        d = _district_at(joined, g, context, False)
        if d is not None and d.city in context and zipf(lexicon, joined) < 3.0:
            out.append(Mention("DISTRICT", m.start(), m.end(2), d.name, 0.85, "gazetteer", country=d.country,
                               district_of=d.city))
        elif joined in g.cities:
            city = g.best_city(joined)
            if is_common(joined, city, lexicon, words)[0] or city.population < 100_000 \
                    and not re.search(rf"(?<![\w-]){re.escape(joined)}(?![\w])", text):
                continue
            out.append(Mention("CITY", m.start(), m.end(2), city.canonical, 0.85, "gazetteer",
                               country=city.country, geonames_id=city.geonames_id))
            tail = m.group(3)
            dt = _district_at(norm(tail), g, context | {city.canonical}, True) if tail else None
            if dt is not None and dt.city == city.canonical:
                out.append(Mention("DISTRICT", m.start(3), m.end(3), dt.name, 0.9, "gazetteer",
                                   country=dt.country, district_of=dt.city))
    return out


def _caps_letterhead(text: str, g: Gazetteer, cues: Cues, taken: list[Mention]) -> list[Mention]:
    """'STADT KARLSRUHE': a place noun in capitals and a city's name in capitals after it (letterheads
    of council papers); the gazetteer is written in mixed case, so the name is looked up title-cased."""
    nouns = "|".join(re.escape(n.upper()) for n in cues.place_nouns) or r"(?!)"
    out: list[Mention] = []
    for m in re.finditer(rf"(?<![\w-])(?:{nouns})[ \t]+([A-ZÄÖÜ]{{3,}}(?:-[A-ZÄÖÜ]{{2,}})*)(?![\w-])", text):
        s, e = m.span(1)
        name = norm("-".join(p.capitalize() for p in m.group(1).split("-")))
        if name not in g.cities or any(t.start < e and s < t.end for t in taken):
            continue
        city = g.best_city(name)
        out.append(Mention("CITY", s, e, city.canonical, 0.9, "gazetteer", country=city.country,
                           geonames_id=city.geonames_id))
    return out


# ---------------------------------------------------------------------- organisations

def _org_patterns(g: Gazetteer, cues: Cues) -> dict[str, list[tuple[list[str], str, str]]]:
    by_first: dict[str, list[tuple[list[str], str, str]]] = {}
    patterns = dict(g.orgs)
    for body in cues.councils:
        patterns.setdefault(body, (body, "body"))
    for p, (canon, kind) in patterns.items():
        words = p.split()
        by_first.setdefault(words[0], []).append((words, canon, kind))
    for pats in by_first.values():
        pats.sort(key=lambda x: -len(x[0]))
    return by_first


# 'SPD-Fraktion', 'CDU-Gemeinderatsfraktion', 'CDU-OR-Fraktion', 'Fraktion KAL / Die PARTEI', 'Fraktion DIE LINKE.'
_FRAKTION = re.compile(r"(?<![\w-])(?:(?:DIE[ \t]+(?=LINKE)|Alternative[ \t]+für[ \t]+|B\W{0,3}90/DIE[ \t]+)?"
                       r"[A-ZÄÖÜ][\wÄÖÜäöü./|]*(?:-[A-ZÄÖÜ][\wÄÖÜ./]*)*"
                       r"-(?:Gemeinderats|Ortschaftsrats|Stadtrats|Kreistags)?[Ff]raktion(?![\w-])"
                       r"|(?:[A-ZÄÖÜ]{2,}|AfD)[ \t]+(?:Gemeinderats|Ortschaftsrats|Stadtrats|Kreistags)?"
                       r"[Ff]raktion(?![\w-])"
                       r"|Fraktion[ \t]+(?:KAL[ \t]*/[ \t]*Die[ \t]+PARTEI|DIE[ \t]+LINKE\.?|Die[ \t]+Linke"
                       r"|[A-ZÄÖÜ0-9][A-ZÄÖÜ0-9/.-]+(?:\s+[A-ZÄÖÜ0-9][A-ZÄÖÜ0-9/.-]+)*))")


def _inflected(word: str, pattern_word: str) -> bool:
    return word == pattern_word or word in (pattern_word + "s", pattern_word + "es")


def _name_follows(toks: list[Tok], j: int, g: Gazetteer) -> bool:
    """'Stadtrat Marco Gottmann': a town that is also a given name, with a capitalised word after it, is a
    person's first name after a role ('Stadtrat' is a councillor here, not the council of Marco)."""
    return toks[j].text in g.given_names and j + 1 < len(toks) and _is_cap(toks[j + 1].text) \
        and toks[j + 1].start - toks[j].end == 1 and toks[j + 1].text not in g.cities


def find_orgs(text: str, toks: list[Tok], g: Gazetteer, cities: list[Mention], cues: Cues) -> list[Mention]:
    """Bodies and organisations; the value is the name as written, without case endings
    ('des Stadtrates' -> 'Stadtrat'), with the city where the text names it."""
    out: list[Mention] = _company_and_heads(text, toks, [], cues, heads=False)
    for m in _FRAKTION.finditer(text):  # before the gazetteer: 'Fraktion DIE LINKE' is one name, not 'DIE LINKE'
        s, e = m.span()
        if "\n" in text[s:e]:
            e = s + text[s:e].index("\n")
        if not any(o.start < e and s < o.end for o in out):
            out.append(Mention("ORG", s, e, text[s:e].rstrip(".,"), 0.85, "rule", kind="body"))
    by_first = _org_patterns(g, cues)
    city_at = {c.start: c for c in cities}
    i = 0
    while i < len(toks):
        t = toks[i].text
        if any(m.start <= toks[i].start < m.end for m in out):
            i += 1
            continue
        matched = None
        for first in (t, t[:-1], t[:-2]):
            for words, canon, kind in by_first.get(first, ()):
                n = len(words)
                if i + n > len(toks) or "\n" in text[toks[i].start:toks[i + n - 1].end]:
                    continue
                if all(_inflected(toks[i + k].text, w) for k, w in enumerate(words)):
                    matched = (n, words, canon, kind)
                    break
            if matched:
                break
        if not matched:
            i += 1
            continue
        n, words, canon, kind = matched
        end_i = i + n - 1
        value = " ".join(words)
        named = False
        j = end_i + 1
        # 'Rat der Stadt Dortmund', 'Stadtrat der Landeshauptstadt Dresden', 'Stadtrat Dresden'
        if j + 2 < len(toks) and toks[j].text in ("der", "von") and re.fullmatch(cues.city_kind, toks[j + 1].text) \
                and toks[j + 2].start in city_at:
            c = city_at[toks[j + 2].start]
            city_end = next(k for k in range(j + 2, len(toks)) if toks[k].end >= c.end)
            value = f"{value} der {toks[j + 1].text} {c.value}" if value == "Rat" else f"{value} {c.value}"
            end_i, named = city_end, True
        elif value.startswith("Rat der") and j < len(toks) and toks[j].start in city_at:
            c = city_at[toks[j].start]
            end_i = next(k for k in range(j, len(toks)) if toks[k].end >= c.end)
            value, named = f"{value} {c.value}", True
        elif j < len(toks) and toks[j].start in city_at and text[toks[end_i].end:toks[j].start] == " " \
                and not _name_follows(toks, j, g):
            c = city_at[toks[j].start]
            end_i = next(k for k in range(j, len(toks)) if toks[k].end >= c.end)
            value, named = f"{value} {c.value}", True
        if " für" in f" {value}" or value in ("Ausschuss", "Amt", "Büro", "Referat", "Dezernat", "Fachbereich"):
            end_i, value = _extend_phrase(text, toks, end_i, value, cues)
        if words[0] in cues.descriptive_org_set or (value in cues.generic_org_set and not named):
            i = end_i + 1
            continue
        if value == "Rat" and not named and (i == 0 or toks[i - 1].text not in ("der", "Der", "des", "dem")):
            i += 1  # 'Rat' alone is advice, 'der Rat' is the council
            continue
        conf = 0.9 if (named or kind == "body" or len(words) > 1) else 0.8
        out.append(Mention("ORG", toks[i].start, toks[end_i].end, value, conf, "gazetteer",
                           kind=kind, council=value in cues.council_set))
        i = end_i + 1
    busy = [(m.start, m.end) for m in out]
    for pat, kind in ((cues.office, "authority"), (_DEZERNAT, "authority")):
        for m in pat.finditer(text):
            s, e = m.span()
            if "\n" in text[s:e]:
                e = s + text[s:e].index("\n")
            if not any(a < e and s < b for a, b in busy):
                value = text[s:e].rstrip(".,")
                if m.lastgroup == "infl":  # 'des Gartenbauamtes' -> 'Gartenbauamt'
                    value = text[s:m.start("infl")]
                if value in cues.generic_org_set:  # 'Ehrenamt', 'Fachausschuss': no particular body
                    continue
                out.append(Mention("ORG", s, e, value, 0.85, "rule", kind=kind))
                busy.append((s, e))
    out.extend(_company_and_heads(text, toks, out, cues, companies=False))
    _office_tails(text, out, cities)
    return out


# 'Verantwortlich: Dez. 6', 'Dezernat 3': a numbered Dezernat is a named office
_DEZERNAT = re.compile(r"(?<![\w-])(?:Dezernat|Dez\.)[ \t]\d{1,2}(?![\d,.]\d)(?!\w)")
# 'Hauptamt - Ratsangelegenheiten –' at a line's end: the office and its division (a footer)
_DIVISION = re.compile(r"[ \t]+[-–][ \t]+[A-ZÄÖÜ][a-zäöüß]{3,}(?=[ \t]*(?:[-–][ \t]*)?(?:\n|$))")


def _office_tails(text: str, orgs: list[Mention], places: list[Mention]) -> None:
    """An office or body found by its ending takes what names it further: the first parts of a
    coordination before it ('Friedhofs- und Bestattungsamt'), its division after a dash at the end of a
    line ('Hauptamt - Ratsangelegenheiten'), or its city or district straight after it ('Stadtamt
    Durlach', 'Schulbeirat der Stadt Karlsruhe'); 'Ortsverwaltung' with a district after it is one too."""
    at = {p.start: p for p in places}

    def free(a: int, b: int, me: Optional[Mention] = None) -> bool:
        return not any(o is not me and o.start < b and a < o.end for o in orgs)

    for m in orgs:
        if m.kind != "authority":
            continue
        c = _COORDINATED.search(text, max(0, m.start - 80), m.start)
        if c is not None and free(c.start(), m.start, m):
            m.value = re.sub(r"\s+", " ", text[c.start():m.start]) + m.value
            m.start = c.start()
        d = _DIVISION.match(text, m.end)
        if d is not None and not text[text.rfind("\n", 0, m.start) + 1:m.start].strip():
            m.end = d.end()
            m.value = re.sub(r"\s+", " ", text[m.start:m.end])
            continue
        if m.value[-1:].isdigit():
            continue
        q = _OF_CITY.match(text, m.end)
        p = at.get(q.end()) if q is not None else at.get(m.end + 1) if text[m.end:m.end + 1] == " " else None
        if p is not None and free(m.end, p.end, m):
            m.value = m.value + re.sub(r"\s+", " ", text[m.end:p.start]) + p.value
            m.end = p.end
    for q in re.finditer(r"(?<![\w-])Ortsverwaltung[ \t]+", text):
        p = at.get(q.end())
        if p is not None and p.label == "DISTRICT" and free(q.start(), p.end):
            orgs.append(Mention("ORG", q.start(), p.end, f"Ortsverwaltung {p.value}", 0.85, "rule", kind="authority"))


# 'Friedhofs- und ' before 'Bestattungsamt', 'Ordnungs- und ' before 'Bürgeramt'
_COORDINATED = re.compile(r"(?<![\w-])(?:[A-ZÄÖÜ][a-zäöüß]+-,?[ \t]+)+(?:und|oder|sowie)[ \t]+$")
# 'Schulbeirat der Stadt Karlsruhe'
_OF_CITY = re.compile(r"[ \t]+der[ \t\n]+(?:Stadt|Gemeinde)[ \t\n]+")


def _ends_org_name(word: str, cues: Cues, titles: bool = True) -> bool:
    """'Beirat für Menschen mit Behinderungen Herr Arno Rügamer', 'Ausschuss für Wirtschafts- Stadträtin
    Ute …': an honorific, a title or a role word starts a person, not more of the body's name (a company
    keeps a title inside it: 'Akademie Dr. Obladen GmbH')."""
    return word in cues.honorific_set or (titles and word in cues.titles) or bool(cues.role_word.search(word))


def _extend_phrase(text: str, toks: list[Tok], end_i: int, value: str, cues: Cues) -> tuple[int, str]:
    """'Ausschuss für' + 'Wirtschaft, Kultur und Tourismus' up to the phrase's end."""
    j = end_i + 1
    last = end_i
    while j < len(toks) and j - end_i <= 7:
        t = toks[j]
        if _ends_org_name(t.text, cues):
            break
        between = text[toks[j - 1].end:t.start]
        # 'Ausschuss für Umwelt und\nGesundheit': a name goes on over a line break after 'und' only
        if "\n" in between and (between.count("\n") > 1 or toks[j - 1].text != "und" or not _is_cap(t.text)) \
                or any(c in between for c in ".;:()[]"):
            break
        if t.text in ("und", "&") and j + 1 < len(toks) and cues.office.fullmatch(toks[j + 1].text):
            break  # 'Ausschuss für öffentliche Einrichtungen und Hauptausschuss': two bodies
        if _is_cap(t.text) or t.text in ("und", "&") and j + 1 < len(toks) and _is_cap(toks[j + 1].text):
            if _is_cap(t.text):
                last = j
            j += 1
            continue
        # 'Ausschuss für öffentliche Einrichtungen': an adjective before a noun of the name
        if _adjective_in_name(text, toks, j):
            j += 1
            continue
        break
    if last > end_i:
        value = value + " " + text[toks[end_i + 1].start:toks[last].end]
    return last, re.sub(r"\s+", " ", value)


def _adjective_in_name(text: str, toks: list[Tok], j: int) -> bool:
    """'Ausschuss für öffentliche Einrichtungen': after 'für'/'und', an inflected adjective and then a
    capitalised noun on the same line belong to the name."""
    return (j > 0 and toks[j - 1].text in ("für", "und") and j + 1 < len(toks)
            and re.fullmatch(r"[a-zäöü]{3,}(?:e|en|er|es)", toks[j].text) is not None
            and text[toks[j].end:toks[j + 1].start] == " " and _is_cap(toks[j + 1].text))


def _company_and_heads(text: str, toks: list[Tok], taken: list[Mention], cues: Cues, heads: bool = True,
                       companies: bool = True) -> list[Mention]:
    out: list[Mention] = []
    busy = [(m.start, m.end) for m in taken]
    for m in (cues.company_suffix.finditer(text) if companies else ()):
        # walk back over capitalised words (and 'der', 'für' … between them) on the same line
        k = next((idx for idx, t in enumerate(toks) if t.start >= m.start()), None)
        if k is None or k == 0:
            continue
        j = k - 1
        first = None
        while j >= 0 and k - j <= 6 and "\n" not in text[toks[j].start:m.start()]:
            word = toks[j].text
            # 'Herrn Dr. Gerhard Keysberg, FIDUCIA IT AG': a comma, an honorific or a role ends the name
            if word in cues.function_caps_set or _ends_org_name(word, cues, titles=False) \
                    or "," in text[toks[j].end:toks[j + 1].start if j + 1 < k else m.start()]:
                break
            if _is_cap(word) or word.isupper():
                first = j
            elif word not in ("der", "des", "für", "und", "von", "&"):
                break
            j -= 1
        if first is None:
            continue
        s, e = toks[first].start, m.end()
        if any(a < e and s < b for a, b in busy):
            continue
        out.append(Mention("ORG", s, e, re.sub(r"\s+", " ", text[s:e]), 0.85, "rule", kind="company"))
        busy.append((s, e))
    for head in (cues.org_heads if heads else ()):
        for m in re.finditer(rf"(?<!\w){re.escape(head)}(?!\w)", text):
            s = m.start()
            if any(a <= s < b for a, b in busy):
                continue
            k = next((idx for idx, t in enumerate(toks) if t.start >= m.end()), None)
            if k is None:
                continue
            last = None
            j = k
            while j < len(toks) and j - k < 6:
                between = text[toks[j - 1].end:toks[j].start] if j > 0 else " "
                if "\n" in between and (between.count("\n") > 1 or j == k or toks[j - 1].text != "und"
                                        or not _is_cap(toks[j].text)) or any(c in between for c in ".;:,()[]"):
                    break
                t = toks[j].text
                if _ends_org_name(t, cues) or t in ("und", "&") and j + 1 < len(toks) \
                        and cues.office.fullmatch(toks[j + 1].text):
                    break
                if _is_cap(t) or t in ("der", "des", "für", "und", "&") or t.isupper():
                    if _is_cap(t) or t.isupper():
                        last = j
                    j += 1
                    continue
                if _adjective_in_name(text, toks, j):
                    j += 1
                    continue
                break
            if last is None:
                continue
            e = toks[last].end
            out.append(Mention("ORG", s, e, re.sub(r"\s+", " ", text[s:e]), 0.8, "rule", kind="other"))
            busy.append((s, e))
    return out


# ---------------------------------------------------------------------- persons

def _role_at(toks: list[Tok], j: int, g: Gazetteer, forward: bool = True) -> Optional[tuple[int, int, str]]:
    """A role phrase starting at token j (roles are matched longest first)."""
    best = None
    for n in (5, 4, 3, 2, 1):
        if j + n > len(toks):
            continue
        phrase = " ".join(t.text for t in toks[j:j + n])
        if phrase in g.roles:
            best = (j, j + n - 1, phrase)
            break
    return best


def find_persons(text: str, toks: list[Tok], g: Gazetteer, lexicon: dict[str, float],
                 taken: list[Mention], cues: Cues) -> list[Mention]:
    honorifics, not_surname, role_word = cues.honorific_set, cues.not_surname_set, cues.role_word
    titles = dict(cues.titles)
    titles.update(g.titles)
    busy = [(m.start, m.end) for m in taken if m.label != "CITY"]
    out: list[Mention] = []
    i = 0
    while i < len(toks):
        t = toks[i].text
        name_start = None
        if t in g.given_names and _is_cap(t) and (t not in g.ambiguous_given or _cued(toks, i, g, titles, honorifics)):
            name_start = i
        elif t in honorifics or t in titles or (t in g.roles and not role_word.search(toks[i - 1].text if i else "")):
            # 'Frau Dr. Weber', 'Generalkonsul Pawet Dulkiewicz': a name follows an honorific or a role
            k = i + 1
            while k < len(toks) and toks[k].text in titles:
                k += 1
            if k < len(toks) and _is_cap(toks[k].text) and toks[k].text not in not_surname \
                    and toks[k].text not in g.roles and not role_word.search(toks[k].text) \
                    and _broken_role(text, toks, k, g) is None \
                    and _same_line_or_after_title(text, toks, i, k) and toks[i].raw == toks[i].text \
                    and (t not in g.roles or (k + 1 < len(toks) and _is_cap(toks[k + 1].text)
                                              and text[toks[k].end:toks[k + 1].start] == " "
                                              and toks[k].text not in g.cities)
                         or _party_after(text, toks[k].end) and toks[k].text not in g.cities):
                name_start = k
        elif _is_cap(t) and i + 2 < len(toks) and _is_cap(toks[i + 1].text) and \
                text[toks[i].end:toks[i + 1].start] == " " and zipf(lexicon, t) < 3.0 and \
                re.match(r"^\s*[(,]\s*$", text[toks[i + 1].end:toks[i + 2].start]) and \
                (toks[i + 2].text in g.roles or role_word.search(toks[i + 2].text)) and \
                toks[i + 1].text not in g.roles and not role_word.search(toks[i + 1].text):
            name_start = i  # 'Annekatrin Zschoche (Beigeordnete)': a role names the person
        if name_start is None:
            lone = _role_and_surname(text, toks, i, g, lexicon, cues, titles)
            if lone is not None and not any(a < lone.end and lone.start < b for a, b in busy):
                out.append(lone)
            i += 1
            continue
        # extend over capitalised name tokens on the same line
        j = name_start
        end = name_start
        broken = initial = None
        while j + 1 < len(toks) and j + 1 - name_start < 4:
            nxt = toks[j + 1]
            between = text[toks[j].end:nxt.start]
            if j == name_start and _middle_initial(text, toks, j, g, cues):
                initial, end = j + 1, j + 2  # 'Stadtrat Thomas H. Hock (FDP)': the initial stays; the surname
                break  # ends the name (not '1. Thomas H. Hock   Tom Høyem' across a table's column gap)
            if "\n" in between and j == name_start and _name_runs_over_line(text, toks, j, g, lexicon, cues):
                end = j + 1  # 'Prof. Carl\nEngler': a given name ends its line, the surname opens the next
                break
            if j == name_start and _hyphenated_surname(text, toks, j, g, lexicon):
                end, broken = j + 2, j + 1  # 'Dirk Mül-\nler': the surname hyphenated over the line break
                break
            if between.strip() or "\n" in between or toks[j].raw != toks[j].text:
                break
            if not (_is_cap(nxt.text) or nxt.text in _PARTICLES) or \
                    nxt.text in not_surname or nxt.text in g.roles or nxt.text in g.orgs:
                break
            if nxt.text in honorifics:
                break  # 'Frau Michaela Mannhardt Herrn Hannes Ludwig': the next person's honorific ends a name
            if nxt.text in g.cities and zipf(lexicon, nxt.text) < 2 and nxt.text not in g.given_names \
                    and j > name_start:
                break
            end = j + 1
            j += 1
        while end > name_start and toks[end].text in _PARTICLES:
            end -= 1  # 'Herrn Max Rößler von der …': a particle ends no name
        s, e = toks[name_start].start, toks[end].end
        if end == name_start and toks[name_start].text in g.given_names and t not in honorifics \
                and t not in titles:
            i += 1  # a lone given name is not a person mention
            continue
        if any(a < e and s < b for a, b in busy):
            i = end + 1
            continue
        parts = [tk.text for tk in toks[name_start:end + 1]]
        if broken is not None:  # 'Mül-' + 'ler' is one surname, 'Müller'
            parts = [tk.text for tk in toks[name_start:broken]] + [toks[broken].text[:-1] + toks[broken + 1].text]
        if initial is not None:
            parts[initial - name_start] = toks[initial].raw  # 'H.' keeps its point in the value
        if not all(_NAME_PART.match(x) for n, x in enumerate(parts) if n != (initial or 0) - name_start) \
                or parts[0] in cues.function_caps_set:
            i = end + 1  # 'Dr..jana', 'Nach Angaben': OCR debris or prose, not a name
            continue
        if _names_a_facility(text, toks[end].end, parts[-1], cues):
            i = end + 1
            continue
        value = " ".join(parts)
        title, role = _title_role(text, toks, name_start, end, g, titles, honorifics)
        conf = 0.9 if toks[name_start].text in g.given_names else 0.75
        if len(parts) == 1:
            conf = 0.7  # 'Frau Weber': the surname alone
        out.append(Mention("PERSON", s, e, value, conf, "rule", title=title, role=role))
        i = end + 1
    return out


def _middle_initial(text: str, toks: list[Tok], j: int, g: Gazetteer, cues: Cues) -> bool:
    """'Thomas H. Hock': a known given name, one capital letter with its point, and a surname-shaped word,
    single-spaced on one line (issue 15, person7: the FDP councillor's signature and header line; the
    guidelines keep middle initials in the span)."""
    if j + 2 >= len(toks) or toks[j].text not in g.given_names or toks[j].raw != toks[j].text:
        return False
    mid, sur = toks[j + 1], toks[j + 2]
    if not re.fullmatch(r"[A-ZÄÖÜ]\.", mid.raw) or text[toks[j].end:mid.start] != " " \
            or text[mid.start + len(mid.raw):sur.start] != " ":
        return False
    w = sur.text
    return (_is_cap(w) and bool(_NAME_PART.match(w)) and w not in cues.not_surname_set and w not in g.roles
            and w not in g.orgs and w not in cues.honorific_set and not cues.role_word.search(w))


def _same_line_or_after_title(text: str, toks: list[Tok], i: int, k: int) -> bool:
    """The name at k is on the cue's line, or it opens the next line straight after an academic title that
    ends the cue's line ('Herr Dr. \nSchmidt, Sie haben Recht': issue 15, person6)."""
    if "\n" not in text[toks[i].end:toks[k].start]:
        return True
    return k > i + 1 and "\n" not in text[toks[i].end:toks[k - 1].end] \
        and text[toks[k - 1].end:toks[k].start].count("\n") == 1 and not text[toks[k - 1].end:toks[k].start].strip()


_PARTICLES = frozenset({"von", "van", "de", "da", "di", "zu", "ter", "al"})


def _hyphenated_surname(text: str, toks: list[Tok], j: int, g: Gazetteer, lexicon: dict[str, float]) -> bool:
    """'Stadträte Dirk Mül-\nler und …': after a given name on the same line, a capitalised word part ends
    the line with a hyphen and the next line opens with its lower-case rest. The joined word must be a
    rare word (zipf < 2.0) or stand elsewhere in the text as a word, so that 'Otto Normal-\nverbraucher'
    or 'Urban Far-\nming' stay prose (on 1,832 unlabelled train-side texts: 11 such breaks, 9 of them people)."""
    if j + 2 >= len(toks) or toks[j].text not in g.given_names:
        return False
    head, tail = toks[j + 1], toks[j + 2]
    if text[toks[j].end:head.start] != " " or toks[j].raw != toks[j].text or not head.raw.endswith("-") \
            or head.raw.count("-") != 1 or len(head.raw) < 3 or not _is_cap(head.raw):
        return False
    between = text[head.end:tail.start]
    if between.count("\n") != 1 or between.strip() or not re.fullmatch(r"[a-zäöüß]{2,}", tail.text):
        return False
    word = head.raw[:-1] + tail.text
    return zipf(lexicon, word) < 2.0 or bool(re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text))


def _name_runs_over_line(text: str, toks: list[Tok], j: int, g: Gazetteer, lexicon: dict[str, float],
                         cues: Cues) -> bool:
    """'… von Karoline Radke, Prof. Carl\nEngler und …', 'Benjamin\nBauer': a known given name that
    closes a line of running text (something stands before it on its line, so it is no list line of
    its own such as a signature block) and a surname-shaped word that opens the next line."""
    tok, nxt = toks[j], toks[j + 1]
    between = text[tok.end:nxt.start]
    if between.count("\n") != 1 or between.strip() or tok.raw != tok.text or tok.text not in g.given_names:
        return False
    line_start = text.rfind("\n", 0, tok.start) + 1
    if not text[line_start:tok.start].strip():
        return False
    w = nxt.text
    # after 'Herrn Dr.' the next line's word is the surname even when it is also a common noun ('Herrn Dr.
    # Eberhard\nFischer'): the honorific or title before the given name says a person is named
    titled = j > 0 and (toks[j - 1].text in cues.honorific_set or toks[j - 1].raw in ("Dr.", "Prof."))
    return (_is_cap(w) and bool(_NAME_PART.match(w)) and w not in g.given_names and w not in cues.not_surname_set
            and w not in cues.function_caps_set and w not in g.roles and not cues.role_word.search(w)
            and w not in g.orgs and w not in g.cities and (zipf(lexicon, w) < 3.0 or titled)
            and ("-" not in w or zipf(lexicon, w.rsplit("-", 1)[1]) < 3.0))  # not 'Erich\nKästner-Schule'


# 'unterzeichnet von:' and the names under it (council motions and inquiries): one name a line or a
# comma-separated line, optionally titled ('Dr. Paul Schmidt, Oliver Schnell, Ellen Fenrich')
_SIGNED = re.compile(r"(?im)^[ \t]*unterzeichnet von:[ \t]*")
_SIG_NAME = re.compile(r"(?:(?:Prof\.|Dr\.)[ \t]+)*(?P<name>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
                       r"(?:[ \t]+(?:von|van|de|zu)){0,2}(?:[ \t]+[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?){1,2})")


def signature_persons(text: str, taken: list[Mention], g: Gazetteer, cues: Cues) -> list[Mention]:
    """The signatories after 'unterzeichnet von:': each item (a line, or a comma-separated part of
    one) that is two or three capitalised name words is a person, whether or not the given-name list
    knows the first name ('Tilman Pfannkuch'). The block ends at the first item that is not a name;
    a role after a comma ('Peter Hepperle, Fraktionsvorsitzender') is the role and ends it."""
    out: list[Mention] = []
    for m in _SIGNED.finditer(text):
        pos = m.end()
        while pos < len(text):
            eol = text.find("\n", pos)
            eol = len(text) if eol < 0 else eol
            line = text[pos:eol]
            if not line.strip():
                if out and out[-1].start >= m.end() or text[m.end():pos].strip():
                    break  # a blank line after the names ends the block
                pos = eol + 1  # blank lines straight after the cue
                continue
            items, stop, cursor = [], False, pos
            for part in line.split(","):
                a = cursor + len(part) - len(part.lstrip())
                b = cursor + len(part.rstrip())
                cursor += len(part) + 1
                if a >= b:
                    continue
                q = _SIG_NAME.fullmatch(text, a, b)
                word = text[a:b]
                if q is None:
                    if items and (word in g.roles or cues.role_word.search(word)):
                        items[-1] = (items[-1][0], items[-1][1], word)
                    stop = True
                    break
                words = q.group("name").split()
                if any(w in g.roles or cues.role_word.search(w) or w in cues.function_caps_set
                       or w in cues.not_surname_set or w in g.orgs for w in words):
                    stop = True
                    break
                titles = text[a:q.start("name")].split()
                items.append((q, " ".join(titles) or None, None))
            for q, title, role in items:
                s, e = q.span("name")
                if not any(t.start < e and s < t.end for t in taken + out):
                    out.append(Mention("PERSON", s, e, " ".join(q.group("name").split()), 0.85, "rule",
                                       title=title, role=role))
            if stop or not items:
                break
            pos = eol + 1
    return out


# a protocol's speaker line or interjection: '(Stadtrat Ehlgötz/CDU: …)', 'Stadtrat Bernhard (AfD): …',
# 'Bürgermeisterin Luczak-Schwarz: …' — at a line start (or after an opening bracket) words up to an optional
# party in brackets or after a slash and the colon: a role, titles, one or two name words (issue 15, person6)
_SPEAKER = re.compile(r"(?m)^[ \t]*\(?[ \t]*(?P<head>[A-ZÄÖÜ][^\n:()/]{0,80}?)"
                      r"(?=[ \t]*(?:\([^()\n]{1,30}\)|/[A-ZÄÖÜ][\w./|-]*)?[ \t]*:)")
_SPEAKER_NAME = re.compile(r"[A-ZÄÖÜ][a-zäöüßéèáàçñøå'’]+(?:-[A-ZÄÖÜ][a-zäöüßéèáàçñøå'’]+)?")


def speaker_persons(text: str, taken: list[Mention], g: Gazetteer, cues: Cues) -> list[Mention]:
    """The speaker of a protocol line is a person whatever the name looks like: a surname that is also a given
    name ('Stadtrat Bernhard (AfD):'), a hyphenated one ('Bürgermeisterin Luczak-Schwarz:'), one joined to its
    party by a slash in an interjection ('(Stadtrat Ehlgötz/CDU: …'). The head must be a known role
    ('Stadtrat', 'Erste Bürgermeisterin'), academic titles, then one or two name words that are no role,
    honorific or function word."""
    out: list[Mention] = []
    for m in _SPEAKER.finditer(text):
        words = [(w.group(0), m.start("head") + w.start()) for w in re.finditer(r"\S+", m.group("head"))]
        n = next((n for n in (3, 2, 1) if n < len(words) and " ".join(w for w, _ in words[:n]) in g.roles), 0)
        if not n:
            continue
        k = n
        while k < len(words) and words[k][0] in cues.titles:
            k += 1
        names = words[k:]
        if not 1 <= len(names) <= 2 or not all(_SPEAKER_NAME.fullmatch(w) for w, _ in names):
            continue
        if any(w in g.roles or cues.role_word.search(w) or w in cues.function_caps_set or w in cues.not_surname_set
               or w in cues.honorific_set or w in g.orgs for w, _ in names):
            continue
        s, e = names[0][1], names[-1][1] + len(names[-1][0])
        if any(t.start < e and s < t.end for t in taken + out):
            continue
        title = " ".join(w for w, _ in words[n:k]) or None
        out.append(Mention("PERSON", s, e, " ".join(w for w, _ in names), 0.8, "rule", title=title,
                           role=" ".join(w for w, _ in words[:n])))
    return out


_PARTY = re.compile(r" ?\((?=[^)]*[A-ZÄÖÜ][^)]*[A-ZÄÖÜ])[A-ZÄÖÜ][\w./|&+ -]{0,24}\.?\)")


def _party_after(text: str, end: int) -> bool:
    """'Stadträtin Fenrich (AfD):', 'Stadtrat Pfannkuch (CDU)': a party in brackets after a role and one
    capitalised word makes that word a surname (two capitals in the bracket: 'CDU', 'GRÜNE', 'AfD',
    'KAL/Die PARTEI'; not a region such as 'Karlsruhe (Baden)')."""
    return _PARTY.match(text, end) is not None


# between a council word used as a role and the name: blanks and academic titles ('Stadtrat Dr. Schmidt')
_ROLE_GAP = re.compile(r"[ \t]*(?:(?:Prof\.|Dr\.|Dr\.-Ing\.|Dipl\.-Ing\.)[ \t]*)*")


def speaker_parties(text: str, persons: list[Mention], orgs: list[Mention], g: Gazetteer) -> list[Mention]:
    """Protocol speaker lines, 'Stadtrat Pfannkuch (CDU)': the party in brackets after a person is an
    ORG (value as written), and the role word before the name ('Stadtrat', read as the council
    named without its city) is no ORG."""
    out = [o for o in orgs
           if not (o.council and text[o.start:o.end] in g.roles
                   and any(p.start > o.end and _ROLE_GAP.fullmatch(text, o.end, p.start) for p in persons))]
    for p in persons:
        q = _PARTY.match(text, p.end)
        if q is None:
            continue
        s = text.index("(", q.start()) + 1
        e = q.end() - 1
        if any(o.start < e and s < o.end for o in out):
            continue
        out.append(Mention("ORG", s, e, text[s:e], 0.8, "rule", kind="other"))
    return out


# a capitalised word after a role this common in running text is a noun, not a surname ('Stadt', 'Dank')
_SURNAME_MAX_ZIPF = 5.0


def _role_and_surname(text: str, toks: list[Tok], i: int, g: Gazetteer, lexicon: dict[str, float],
                      cues: Cues, titles: Mapping[str, str]) -> Optional[Mention]:
    """'Oberbürgermeister Westphal', 'Stadträtin Köhler (SPD)', 'OB Westphal': a one-word role, then a
    surname alone (two-word names after a role are found above). The value is the surname; who it is
    across documents is the people stage's question (pipeline/link/people.py)."""
    t = toks[i].text
    abbrev = cues.role_abbreviations.get(t)
    k = i + 1  # 'Oberbürgermeister Dr. Westphal' is found from its title, above
    broken = _broken_role(text, toks, i, g)
    if broken is not None:
        t, k, i = broken, i + 2, i + 1  # 'Bür-\ngermeister Obert': the role hyphenated over the line
    elif (abbrev is None and t not in g.roles) or toks[i].raw != t:
        return None
    if k >= len(toks) or toks[k].text in titles:
        return None
    s = toks[k]
    if text[toks[i].end:s.start] != " " or not _is_cap(s.text) \
            or not _NAME_PART.match(s.text):
        return None
    if s.text in cues.not_surname_set or s.text in cues.function_caps_set or s.text in g.roles \
            or cues.role_word.search(s.text) or s.text in g.cities or s.text[:-1] in g.cities or s.text in g.orgs \
            or s.text in g.districts \
            or s.text in g.given_names or s.text in cues.honorific_set or s.text in cues.role_abbreviations \
            or zipf(lexicon, s.text) >= _SURNAME_MAX_ZIPF or ("-" in s.text and not _double_surname(s.text, g, cues)):
        return None
    if k + 1 < len(toks):  # 'Oberbürgermeister Westphal Thomas'? a capitalised word straight after is no end
        nxt = toks[k + 1]
        if text[s.end:nxt.start] == " " and s.raw == s.text and _is_cap(nxt.text):
            return None
    return Mention("PERSON", s.start, s.end, s.text, 0.7, "rule", role=abbrev or t)


_DOUBLE_NAME = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)+")


def _double_surname(word: str, g: Gazetteer, cues: Cues) -> bool:
    """'Luczak-Schwarz', 'Nida-Rümelin' after a role: a double surname, each part name-shaped and none a place, body or
    role ('Karlsruhe-Durlach', 'CDU-Fraktion', 'Bürgermeister-Wahl' are none; train8)."""
    if not _DOUBLE_NAME.fullmatch(word):
        return False
    parts = word.split("-")
    return not any(x in g.cities or x in g.districts or x in g.orgs or x in g.roles or cues.role_word.search(x)
                   or x in cues.not_surname_set or x in cues.function_caps_set for x in parts)


def _broken_role(text: str, toks: list[Tok], i: int, g: Gazetteer) -> Optional[str]:
    """The role that token i and the next make when a line break splits it ('Herrn Oberbü\nrgermeister',
    the letterhead of the factions' budget motions; 'Bür-\ngermeister Obert'): a capitalised part ends its
    line (a hyphen kept or not) and the next line opens with the lower-case rest (issue 15, person7)."""
    if i + 1 >= len(toks):
        return None
    head, tail = toks[i], toks[i + 1]
    between = text[head.end:tail.start]
    if between.count("\n") != 1 or between.strip() or not head.raw[:1].isupper() or not tail.raw[:1].islower():
        return None
    joined = head.raw[:-1] + tail.text if head.raw.endswith("-") else head.raw + tail.text
    return joined if joined in g.roles else None


def _cued(toks: list[Tok], i: int, g: Gazetteer, titles: dict, honorifics: frozenset[str]) -> bool:
    prev = toks[i - 1].text if i else ""
    return prev in honorifics or prev in titles or prev in g.roles


def _title_role(text: str, toks: list[Tok], s: int, e: int, g: Gazetteer, titles: dict,
                honorifics: frozenset[str]) -> tuple[Optional[str], Optional[str]]:
    """The academic title(s) and the role written next to a name. Honorifics ('Frau', 'Hr.') are
    passed over: they are no title ('Frau Dr. Anna Weber' has the title 'Dr.')."""
    found_titles = []
    k = s - 1
    while k >= 0 and toks[k].text in titles:
        if titles[toks[k].text] not in honorifics:
            found_titles.insert(0, titles[toks[k].text])
        k -= 1
    role = None
    # role before: "Oberbürgermeister (Dr.) Dirk Hilbert", "Leiter der Stadtadministration X, Name"
    for back in range(1, 8):
        j = k - back + 1
        if j < 0:
            break
        if "\n" in text[toks[j].start:toks[s].start] and back > 1:
            break
        r = _role_at(toks, j, g)
        if r and r[1] <= k + 1 and (r[1] >= k - 3):
            role = r[2]
            break
    if role is None:
        # role after: "Dirk Hilbert, Oberbürgermeister der Stadt Dresden"
        j = e + 1
        if j < len(toks) and text[toks[e].end:toks[j].start].strip() in (",", "(", "–", "-"):
            r = _role_at(toks, j, g)
            if r:
                role = r[2]
    return (" ".join(found_titles) or None), role


def person_value(span_text: str, g: Gazetteer, cues: Cues) -> str:
    titles = set(cues.titles) | set(g.titles)
    parts = [p for p in span_text.split() if p not in titles and p not in cues.honorific_set and p not in g.roles]
    return " ".join(parts)


# ---------------------------------------------------------------------- merge

def overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


# found by the statistical model only (GermEval F1 ~0.6): below the review threshold, so a person
# confirms it; agreement with a rule raises a rule's confidence instead
MODEL_ONLY = 0.58


def merge_model(text: str, rules: list[Mention], model: list[tuple[int, int, str]], g: Gazetteer,
                lexicon: dict[str, float], cues: Cues, words_stats: Optional[WordStats] = None) -> list[Mention]:
    """Rules and gazetteers outrank the model for DATE and CITY; the model adds people and
    organisations no list knows, and confirms rule hits (agreement raises confidence)."""
    out = list(rules)
    toks = None
    for s, e, label in model:
        span = text[s:e]
        if "\n" in span:
            continue
        same = [m for m in out if overlaps(m, Mention(label, s, e, "", 0, ""))]
        mapped = {"PER": "PERSON", "ORG": "ORG", "LOC": "CITY"}.get(label)
        if mapped is None:
            continue
        if same:
            for m in same:
                if m.label == mapped:
                    m.confidence = min(0.99, m.confidence + 0.05)
                    m.source = m.source + "+model"
            continue
        if mapped == "CITY":
            continue  # a place no gazetteer knows is not reported as a city
        if mapped == "PERSON":
            value = person_value(span, g, cues)
            words = value.split()
            # the model alone: two or more name-shaped words, none a role ('Stadtpräsident', 'Ratssaal')
            if len(words) < 2 or not all(_NAME_PART.match(w) for w in words) or \
                    any(w in g.roles or cues.role_word.search(w) or w in cues.function_caps_set for w in words):
                continue
            if _names_a_facility(text, e, words[-1], cues):
                continue
            if words_stats is not None and not words[0].isupper() and words[0] not in g.given_names \
                    and words_stats.ordinary(words[0]) is True:
                continue  # 'von Lotus Notes', 'Wolfartsweierer Brücke': a name opens with no ordinary council word
            if toks is None:
                toks = tokenize(text, cues.titles)
            idx = [k for k, t in enumerate(toks) if s <= t.start < e]
            title = role = None
            if idx:
                title, role = _title_role(text, toks, idx[0], idx[-1], g, dict(cues.titles, **g.titles),
                                          cues.honorific_set)
            out.append(Mention("PERSON", s, e, value, MODEL_ONLY, "model", title=title, role=role))
        else:
            span = span.strip(" -–,.;:")
            # 'TOP', 'FDP-', OCR debris in capitals: no organisation name without a lower-case letter
            if len(span) < 4 or not any(c.islower() for c in span):
                continue
            out.append(Mention("ORG", s, s + len(span), re.sub(r"\s+", " ", span), MODEL_ONLY, "model",
                               kind="other"))
    return out
