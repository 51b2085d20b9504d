"""Facts the committed gazetteer files under models/gazetteer/ must hold.

The files are rebuilt by scripts/build_gazetteers.py; these tests read the
committed outputs only (no build, no network).
"""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from pathlib import Path

import pytest

GAZ = Path(__file__).resolve().parent.parent / "models" / "gazetteer"


def _read_tsv(name: str) -> list[dict[str, str]]:
    path = GAZ / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _header(name: str) -> list[str]:
    path = GAZ / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return fh.readline().rstrip("\n").split("\t")


def _lexicon_name() -> str:
    return "lexicon_de.tsv" if (GAZ / "lexicon_de.tsv").exists() else "lexicon_de.tsv.gz"


@pytest.fixture(scope="module")
def cities() -> list[dict[str, str]]:
    return _read_tsv("cities.tsv")


@pytest.fixture(scope="module")
def by_variant(cities) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in cities:
        out[r["variant"]].append(r)
    return out


def _best(by_variant, variant: str) -> dict[str, str]:
    rows = by_variant.get(variant)
    assert rows, f"{variant!r} not in cities.tsv"
    return max(rows, key=lambda r: int(r["population"] or 0))


@pytest.mark.parametrize(
    "name,header",
    [
        ("cities.tsv", ["variant", "canonical", "country", "geonames_id", "population", "kind"]),
        ("exonyms_de.tsv", ["canonical", "geonames_id", "country", "variants"]),
        ("countries.tsv", ["variant", "code"]),
        ("orgs.tsv", ["pattern", "canonical", "kind"]),
        ("roles.tsv", ["role", "gender", "kind"]),
        ("titles.tsv", ["title", "normalised"]),
        ("learned.tsv", ["original", "corrected", "source", "added_at"]),
    ],
)
def test_headers(name, header):
    assert _header(name) == header


def test_lexicon_header():
    assert _header(_lexicon_name()) == ["word", "zipf"]


def test_city_rows_complete(cities):
    kinds = {"canonical", "exonym", "alt", "translit"}
    for r in cities:
        assert r["variant"] and r["canonical"], r
        assert r["kind"] in kinds, r
        assert len(r["country"]) == 2, r
        assert r["geonames_id"].isdigit(), r
        assert r["population"].isdigit(), r
        assert "\u2019" not in r["variant"] and "\u2019" not in r["canonical"], r


def test_every_city_has_canonical_row(cities):
    ids = {r["geonames_id"] for r in cities}
    canon = {r["geonames_id"] for r in cities if r["kind"] == "canonical"}
    assert ids == canon
    # one canonical name per city
    names = defaultdict(set)
    for r in cities:
        names[r["geonames_id"]].add(r["canonical"])
    assert all(len(v) == 1 for v in names.values())


def test_no_duplicate_rows(cities):
    keys = [(r["variant"], r["geonames_id"]) for r in cities]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("variant", ["Khmelnytskyi", "Chmelnyzkyi", "Хмельницький", "Khmelnytskyy",
                                     "Chmelnyzkyj", "Proskurow"])
def test_chmelnyzkyj(by_variant, variant):
    r = _best(by_variant, variant)
    assert r["canonical"] == "Chmelnyzkyj"
    assert r["country"] == "UA"
    assert r["geonames_id"] == "706369"


@pytest.mark.parametrize(
    "variant,canonical",
    [
        ("Wrocław", "Breslau"), ("Wroclaw", "Breslau"), ("Strasbourg", "Straßburg"),
        ("Strassburg", "Straßburg"), ("Kyiv", "Kiew"), ("Kyjiw", "Kiew"), ("Київ", "Kiew"),
        ("Kharkiv", "Charkiw"), ("Lviv", "Lwiw"), ("Lemberg", "Lwiw"), ("Zhytomyr", "Schytomyr"),
        ("Vinnytsia", "Winnyzja"), ("Zaporizhzhia", "Saporischschja"), ("Mykolaiv", "Mykolajiw"),
        ("Rostov-on-Don", "Rostow am Don"), ("Rostow am Don", "Rostow am Don"),
        ("Moscow", "Moskau"), ("Gdańsk", "Danzig"), ("Praha", "Prag"), ("Milano", "Mailand"),
        ("Bratislava", "Bratislava"), ("Pressburg", "Bratislava"), ("Ljubljana", "Laibach"),
        ("Königsberg", "Kaliningrad"), ("Czernowitz", "Czernowitz"), ("Chernivtsi", "Czernowitz"),
        ("Xi'an", "Xi'an"), ("Beijing", "Peking"), ("Munich", "München"), ("Köln", "Köln"),
        ("Muenchen", "München"), ("Tbilisi", "Tiflis"), ("Vilnius", "Wilna"),
    ],
)
def test_variant_to_canonical(by_variant, variant, canonical):
    assert _best(by_variant, variant)["canonical"] == canonical


@pytest.mark.parametrize("town", ["Radebeul", "Bautzen", "Görlitz", "Pirna", "Freital", "Meißen",
                                  "Coswig", "Zittau", "Berlin", "Dresden", "Halle (Saale)"])
def test_german_towns(by_variant, town):
    r = _best(by_variant, town)
    assert r["country"] == "DE"


def test_german_short_forms(by_variant):
    assert _best(by_variant, "Halle")["canonical"] == "Halle (Saale)"
    assert _best(by_variant, "Frankfurt")["canonical"] == "Frankfurt am Main"
    assert "Frankfurt (Oder)" in {r["canonical"] for r in by_variant["Frankfurt"]}
    assert _best(by_variant, "Frankfurt/Oder")["canonical"] == "Frankfurt (Oder)"


def test_coverage(cities):
    ids = {r["geonames_id"] for r in cities}
    de = {r["geonames_id"] for r in cities if r["country"] == "DE"}
    assert len(de) > 11_000  # every German place in cities500
    assert len(ids) > 44_000  # + every city >= 15,000 worldwide


def test_population_kept(by_variant):
    assert int(_best(by_variant, "Kiew")["population"]) > 2_000_000
    assert int(_best(by_variant, "Cherson")["population"]) > 200_000


def test_exonyms_curated():
    rows = _read_tsv("exonyms_de.tsv")
    assert len(rows) >= 150
    canon = {r["canonical"] for r in rows}
    for c in ["Kiew", "Charkiw", "Odessa", "Dnipro", "Saporischschja", "Lwiw", "Chmelnyzkyj",
              "Schytomyr", "Winnyzja", "Mykolajiw", "Cherson", "Poltawa", "Tschernihiw",
              "Tscherkassy", "Sumy", "Riwne", "Luzk", "Iwano-Frankiwsk", "Ternopil", "Uschhorod",
              "Czernowitz", "Kropywnyzkyj", "Mariupol", "Krywyj Rih", "Moskau", "Sankt Petersburg",
              "Rostow am Don", "Wolgograd", "Nischni Nowgorod", "Jekaterinburg", "Kaliningrad",
              "Breslau", "Danzig", "Stettin", "Posen", "Krakau", "Warschau", "Prag", "Brünn",
              "Pilsen", "Straßburg", "Mailand", "Rom", "Brüssel", "Lüttich", "Den Haag",
              "Kopenhagen", "Lissabon", "Athen", "Belgrad", "Bukarest", "Tiflis", "Wilna",
              "Reval", "Peking", "Xi'an", "Washington", "New York"]:
        assert c in canon, c
    for r in rows:
        assert r["geonames_id"].isdigit()
        assert "\u2019" not in r["variants"] + r["canonical"]
        assert all(v.strip() == v and v for v in r["variants"].split("|")) or r["variants"] == ""


def test_countries():
    rows = _read_tsv("countries.tsv")
    m = {r["variant"]: r["code"] for r in rows}
    for v, code in [("Ukraine", "UA"), ("Russland", "RU"), ("Polen", "PL"), ("Tschechien", "CZ"),
                    ("Frankreich", "FR"), ("USA", "US"), ("Vereinigte Staaten", "US"),
                    ("Deutschland", "DE"), ("Österreich", "AT"), ("Türkei", "TR"),
                    ("Weißrussland", "BY"), ("Belarus", "BY"), ("Republik Moldau", "MD"),
                    ("Niederlande", "NL"), ("Vereinigtes Königreich", "GB")]:
        assert m.get(v) == code, v


def test_given_names():
    names = (GAZ / "given_names.txt").read_text(encoding="utf-8").split("\n")
    assert names[-1] == ""
    names = set(names[:-1])
    assert len(names) >= 3000
    for n in ["Oleksandr", "Olexander", "Wolodymyr", "Mykola", "Serhij", "Jurij", "Witalij", "Oksana",
              "Olena", "Natalija", "Hans", "Ursula", "Katarzyna", "Jiří", "Mehmet", "Fatma",
              "Mohammed", "François", "Giuseppe", "John", "Elizabeth"]:
        assert n in names, n
    amb = set((GAZ / "given_names_ambiguous.txt").read_text(encoding="utf-8").split())
    assert {"Mark", "Rose", "Wolf", "Ernst", "Will"} <= amb
    assert amb <= names
    assert not {"Peter", "Oleksandr", "Anna"} & amb
    assert not {"Hat", "Seit", "So", "Da"} & names  # frequent German words, not names


def test_orgs_roles_titles():
    orgs = _read_tsv("orgs.tsv")
    pat = {r["pattern"]: r for r in orgs}
    for p in ["Stadtrat", "Gemeinderat", "Rat der Stadt", "Stadtverordnetenversammlung", "Kreistag",
              "Bürgerschaft", "Hauptausschuss", "Ältestenrat", "Ortsbeirat", "Bezirksbeirat",
              "Magistrat", "Stadtverwaltung", "Landtag", "Bundestag", "Bundesrat",
              "Europäisches Parlament", "THW", "IHK", "Handwerkskammer", "DRK", "Deutscher Städtetag",
              "Deutscher Städte- und Gemeindebund", "Volkshochschule", "Stadtwerke", "Sparkasse",
              "Jobcenter", "Polizeidirektion", "Feuerwehr", "Universität"]:
        assert p in pat, p
    assert pat["THW"]["canonical"] == "Technisches Hilfswerk"
    kinds = {"body", "authority", "association", "company", "education", "other"}
    assert {r["kind"] for r in orgs} <= kinds
    assert len(pat) == len(orgs)

    roles = {r["role"]: r for r in _read_tsv("roles.tsv")}
    for r in ["Oberbürgermeister", "Oberbürgermeisterin", "Oberbürgermeister*in", "Bürgermeisterin",
              "Erste Bürgermeisterin", "Beigeordneter", "Beigeordnete", "Stadträtin", "Botschafterin",
              "Generalkonsul", "Leiter der Stadtadministration", "Dezernentin", "Landrätin",
              "Ministerpräsident", "Staatssekretärin", "Abgeordnete", "Vorsitzender",
              "Geschäftsführerin", "Sachbearbeiter", "Gouverneur"]:
        assert r in roles, r
    assert roles["Stadträtin"]["gender"] == "f"
    assert roles["Oberbürgermeister"]["gender"] == "m"

    titles = {r["title"]: r["normalised"] for r in _read_tsv("titles.tsv")}
    for t in ["Dr.", "Dr. med.", "Prof.", "Prof. Dr.", "Dipl.-Ing.", "Mag.", "Ing.", "Dr. h.c."]:
        assert t in titles, t


def test_lexicon():
    rows = _read_tsv(_lexicon_name())
    words = {r["word"]: float(r["zipf"]) for r in rows}
    assert len(words) >= 150_000
    for w in ["verwaltung", "stadtrat", "der", "partnerschaft", "straße", "strasse", "groß"]:
        assert w in words, w
    assert words["der"] > 6
    assert words["straße"] == words["strasse"]


def test_learned_header_only_or_valid():
    rows = _read_tsv("learned.tsv")
    for r in rows:
        assert r["original"] and r["corrected"]


def test_total_size():
    total = sum(p.stat().st_size for p in GAZ.iterdir() if p.is_file())
    assert total < 25 * 1024 * 1024
