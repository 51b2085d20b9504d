"""Gazetteers under models/gazetteer (cities, organisations, roles, titles, given names).

Data files, rebuilt by scripts/build_gazetteers.py; loaded once per process.
"""
from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


def norm(s: str) -> str:
    if s.isascii() and "`" not in s:  # the fast path (most tokens): no apostrophe to map, NFC is the identity
        return s.strip()
    return unicodedata.normalize("NFC", s.translate(APOSTROPHES)).strip()


KIND_RANK = {"exonym": 3, "curated": 3, "canonical": 2, "translit": 2, "alt": 1}


@dataclass(frozen=True)
class City:
    canonical: str
    country: Optional[str]
    geonames_id: Optional[int]
    population: int
    kind: str = "canonical"  # how this surface form names the city: canonical|exonym|translit|alt

    @property
    def rank(self) -> int:
        return KIND_RANK.get(self.kind, 1)


@dataclass(frozen=True)
class District:
    """A Stadtteil, Ortsteil or Ortschaft of a city (districts.tsv, scripts/build_districts.py)."""

    name: str
    city: str
    country: Optional[str]
    kind: str = "stadtteil"


@dataclass
class Gazetteer:
    cities: dict[str, list[City]] = field(default_factory=dict)  # variant -> candidates
    orgs: dict[str, tuple[str, str]] = field(default_factory=dict)  # pattern -> (canonical, kind)
    roles: dict[str, str] = field(default_factory=dict)  # role -> kind
    titles: dict[str, str] = field(default_factory=dict)
    given_names: set[str] = field(default_factory=set)
    ambiguous_given: set[str] = field(default_factory=set)
    countries: dict[str, str] = field(default_factory=dict)
    learned: dict[str, str] = field(default_factory=dict)  # reviewers' accepted corrections
    districts: dict[str, list[District]] = field(default_factory=dict)  # name -> the cities it is a district of
    # surnames the council's own texts spell with letters OCR drops, under their plain lower-case spelling
    # ('honne' -> 'Honné'; council_names.tsv, scripts/build_council_names.py)
    accented_surnames: dict[str, str] = field(default_factory=dict)

    def best_city(self, variant: str) -> Optional[City]:
        cands = self.cities.get(norm(variant))
        if not cands:
            return None
        # a curated German exonym beats a main name, which beats a stray alternate name
        # ('Florenz' is also an alternate name of an Egyptian town)
        return max(cands, key=lambda c: (c.rank, c.population))

    @property
    def version_files(self) -> list[str]:
        return ["cities.tsv", "exonyms_de.tsv", "orgs.tsv", "roles.tsv", "titles.tsv",
                "given_names.txt", "learned.tsv", "districts.tsv", "council_words.tsv", "council_names.tsv"]


def _rows(path: Path):
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _int(value: Optional[str]) -> Optional[int]:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def load_learned(path: Path) -> dict[str, str]:
    """Reviewers' accepted repairs, OCR reading -> value, each through learned.check_learned (a
    line typed in by hand gets the same gate as one from the review app). Cheap: a run that finds
    every document in its cache reads only this."""
    from .learned import read_learned  # learned.py builds on this module: imported when used
    return {norm(r.original): norm(r.corrected) for r in read_learned(path).repairs.values()}


_PRELOADED: dict[str, Gazetteer] = {}


def _models_key(models_dir: str) -> str:
    return str(Path(models_dir).resolve())


def preload(models_dir: str, gazetteer: Gazetteer) -> None:
    """Make `load_gazetteer(models_dir)` return this object (startup_cache.py unpickled it)."""
    _PRELOADED[_models_key(models_dir)] = gazetteer


def load_gazetteer(models_dir: str) -> Gazetteer:
    pre = _PRELOADED.get(_models_key(models_dir))
    return pre if pre is not None else _load_gazetteer(str(models_dir))


@lru_cache(maxsize=4)
def _load_gazetteer(models_dir: str) -> Gazetteer:
    base = Path(models_dir) / "gazetteer"
    g = Gazetteer()
    for row in _rows(base / "cities.tsv"):
        variant, canonical = norm(row.get("variant") or ""), norm(row.get("canonical") or "")
        if not variant or not canonical:
            continue
        city = City(canonical, (row.get("country") or None), _int(row.get("geonames_id")),
                    _int(row.get("population")) or 0, row.get("kind") or "alt")
        bucket = g.cities.setdefault(variant, [])
        if city not in bucket:
            bucket.append(city)
    for row in _rows(base / "exonyms_de.tsv"):
        canonical = norm(row.get("canonical") or "")
        if not canonical:
            continue
        gid = _int(row.get("geonames_id"))
        pop = max((c.population for c in g.cities.get(canonical, []) if c.geonames_id == gid), default=0)
        city = City(canonical, row.get("country") or None, gid, pop or 100_000, "curated")
        for variant in [canonical] + (row.get("variants") or "").split("|"):
            variant = norm(variant)
            if variant:
                bucket = g.cities.setdefault(variant, [])
                if city not in bucket:
                    bucket.append(city)
    for row in _rows(base / "districts.tsv"):
        name, city = norm(row.get("district") or ""), norm(row.get("city") or "")
        if name and city:
            g.districts.setdefault(name, []).append(District(name, city, row.get("country") or None,
                                                             row.get("kind") or "stadtteil"))
    for name in sorted({d.city for ds in g.districts.values() for d in ds if d.kind != "part"} - set(g.cities)):
        # a curated district's town that GeoNames lacks (Stutensee, a merger of 1975): known, but small
        g.cities[name] = [City(name, "DE", None, 0, "curated")]
    for row in _rows(base / "orgs.tsv"):
        if row.get("pattern"):
            g.orgs[norm(row["pattern"])] = (norm(row.get("canonical") or row["pattern"]), row.get("kind") or "")
    for row in _rows(base / "roles.tsv"):
        if row.get("role"):
            g.roles[norm(row["role"])] = row.get("kind") or ""
    for row in _rows(base / "titles.tsv"):
        if row.get("title"):
            g.titles[norm(row["title"])] = norm(row.get("normalised") or row["title"])
    for row in _rows(base / "countries.tsv"):
        if row.get("variant"):
            g.countries[norm(row["variant"])] = row.get("code") or ""
    g.learned.update(load_learned(base / "learned.tsv"))
    for row in _rows(base / "council_names.tsv"):
        if row.get("surname") and row.get("plain"):
            g.accented_surnames[norm(row["plain"]).lower()] = norm(row["surname"])
    for name in ("given_names.txt", "given_names_ambiguous.txt"):
        path = base / name
        if path.exists():
            target = g.given_names if name == "given_names.txt" else g.ambiguous_given
            target.update(norm(x) for x in path.read_text(encoding="utf-8").split("\n")
                          if x.strip() and not x.startswith("#"))
    return g
