"""Gazetteer and lexicon features for the NER model, stored as spaCy static vectors.

Why: with ~2k in-domain training sentences the model sees few names. The project already has
lists of given names, cities, countries, bodies, roles and a frequency lexicon
(``models/gazetteer/``). Each lowercased word gets a small 0/1 feature vector (how frequent the word
is in German, is it a given name, a city (and how big), a country, part of an organisation name,
a role, a title, a city demonym ``Berliner``). Words with the same features share one row of the
table, so it costs a few hundred rows plus the key map.

The table is an ordinary ``spacy.Vectors`` keyed by ``LOWER`` (any casing, OCR capitals
included), read by ``MultiHashEmbed(include_static_vectors=true)``: no custom code is needed at
load time. A pipeline that sources the ``ner`` component must also take over these vectors
(``pipeline/extract/nlp.py::_add_ner`` does).
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FEATURES = (
    "zipf<2.5", "zipf2.5-3.5", "zipf3.5-4.5", "zipf4.5-5.5", "zipf>=5.5",
    "given_name", "given_name_ambiguous",
    "city", "city_pop>=1e4", "city_pop>=1e5", "city_pop>=1e6", "city_de", "city_part",
    "country", "country_part",
    "org", "org_part",
    "role", "title",
    "city_demonym",
)
_IDX = {name: i for i, name in enumerate(FEATURES)}
DEMONYM_SUFFIXES = ("er", "ern", "ers")


@dataclass
class Gazetteers:
    """Lowercased lookup sets read from models/gazetteer (see its README)."""

    zipf: dict[str, float] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)
    given_ambiguous: set[str] = field(default_factory=set)
    city_pop: dict[str, int] = field(default_factory=dict)  # single-token variant -> max population
    city_de: set[str] = field(default_factory=set)
    city_part: set[str] = field(default_factory=set)
    city_canonical: set[str] = field(default_factory=set)  # single-token German names, for demonyms
    country: set[str] = field(default_factory=set)
    country_part: set[str] = field(default_factory=set)
    org: set[str] = field(default_factory=set)
    org_part: set[str] = field(default_factory=set)
    role: set[str] = field(default_factory=set)
    title: set[str] = field(default_factory=set)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _lines(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def load_gazetteers(gaz_dir: Path) -> Gazetteers:
    g = Gazetteers()
    for row in _rows(gaz_dir / "lexicon_de.tsv"):
        g.zipf[row["word"].lower()] = float(row["zipf"])
    g.given = {n.lower() for n in _lines(gaz_dir / "given_names.txt")}
    g.given_ambiguous = {n.lower() for n in _lines(gaz_dir / "given_names_ambiguous.txt")}
    for row in _rows(gaz_dir / "cities.tsv"):
        toks = row["variant"].lower().split()
        pop = int(row["population"] or 0)
        if len(toks) == 1:
            g.city_pop[toks[0]] = max(pop, g.city_pop.get(toks[0], 0))
            if row["country"] == "DE":
                g.city_de.add(toks[0])
            if row["kind"] in ("canonical", "exonym") and pop >= 10000:
                g.city_canonical.add(toks[0])
        else:
            g.city_part.update(t for t, orig in zip(toks, row["variant"].split()) if orig[:1].isupper())
    for row in _rows(gaz_dir / "countries.tsv"):
        toks = row["variant"].split()
        if len(toks) == 1:
            g.country.add(toks[0].lower())
        else:
            g.country_part.update(t.lower() for t in toks if t[:1].isupper())
    for row in _rows(gaz_dir / "orgs.tsv"):
        toks = row["pattern"].split()
        if len(toks) == 1:
            g.org.add(toks[0].lower())
        else:
            g.org_part.update(t.lower() for t in toks if t[:1].isupper())
    g.role = {r["role"].lower() for r in _rows(gaz_dir / "roles.tsv") if " " not in r["role"]}
    g.title = {t.lower() for r in _rows(gaz_dir / "titles.tsv") for t in r["title"].split()}
    return g


def features(word: str, g: Gazetteers) -> tuple[int, ...]:
    """Indices of the features that are on for one lowercased word."""
    on = []
    z = g.zipf.get(word)
    if z is not None:
        on.append(min(4, max(0, math.floor(z - 1.5))))  # <2.5, 2.5-3.5, ..., >=5.5
    if word in g.given:
        on.append(_IDX["given_name"])
    if word in g.given_ambiguous:
        on.append(_IDX["given_name_ambiguous"])
    if word in g.city_pop:
        on.append(_IDX["city"])
        pop = g.city_pop[word]
        on += [_IDX[f"city_pop>={t}"] for t, v in (("1e4", 1e4), ("1e5", 1e5), ("1e6", 1e6)) if pop >= v]
    if word in g.city_de:
        on.append(_IDX["city_de"])
    if word in g.city_part:
        on.append(_IDX["city_part"])
    if word in g.country:
        on.append(_IDX["country"])
    if word in g.country_part:
        on.append(_IDX["country_part"])
    if word in g.org:
        on.append(_IDX["org"])
    if word in g.org_part:
        on.append(_IDX["org_part"])
    if word in g.role:
        on.append(_IDX["role"])
    if word in g.title:
        on.append(_IDX["title"])
    if any(word.endswith(s) and word[: -len(s)] in g.city_canonical for s in DEMONYM_SUFFIXES):
        on.append(_IDX["city_demonym"])
    return tuple(sorted(set(on)))


def vocabulary(g: Gazetteers, extra_words=()) -> list[str]:
    """Every lowercased word that can have a feature, sorted (so the table is built the same way each time)."""
    words = set(g.zipf) | g.given | g.given_ambiguous | set(g.city_pop) | g.city_part | g.country
    words |= g.country_part | g.org | g.org_part | g.role | g.title
    words |= {c + s for c in g.city_canonical for s in DEMONYM_SUFFIXES}
    words |= {w.lower() for w in extra_words}
    return sorted(words)


def build_vectors(vocab, gaz_dir: Path, extra_words=(), word_vectors: Path | None = None) -> dict[str, int]:
    """Put the feature table into ``vocab.vectors`` (keyed by LOWER); returns size figures.

    With ``word_vectors`` (an .npz of ``words``/``vectors`` from scripts/train_ner_vectors.py) each of
    those words gets a row of its own: features followed by its vector; the other words keep sharing
    feature-only rows (their vector part is zero)."""
    from spacy.strings import get_string_id
    from spacy.vectors import Vectors

    g = load_gazetteers(gaz_dir)
    wv_words: list[str] = []
    wv = np.zeros((0, 0), dtype="float32")
    if word_vectors is not None:
        with np.load(word_vectors) as npz:
            wv_words, wv = [str(w) for w in npz["words"]], npz["vectors"].astype("float32")
    n_feat = len(FEATURES)
    rows: list[np.ndarray] = []
    keys: dict[int, int] = {}
    for word, vec in zip(wv_words, wv):
        feats = np.zeros(n_feat + wv.shape[1], dtype="float32")
        feats[list(features(word, g))] = 1.0
        feats[n_feat:] = vec
        keys[get_string_id(word)] = len(rows)
        rows.append(feats)
    row_of: dict[tuple[int, ...], int] = {}
    for word in vocabulary(g, extra_words):
        key = get_string_id(word)
        feats = features(word, g)
        if not feats or key in keys:
            continue
        if feats not in row_of:
            row_of[feats] = len(rows)
            vec = np.zeros(n_feat + wv.shape[1], dtype="float32")
            vec[list(feats)] = 1.0
            rows.append(vec)
        keys[key] = row_of[feats]
    data = np.stack(rows) if rows else np.zeros((0, n_feat), dtype="float32")
    vectors = Vectors(strings=vocab.strings, data=data, attr="LOWER", name="ratsakten_gazetteer_features")
    for key, row in keys.items():
        vectors.add(key, row=row)
    vocab.vectors = vectors
    return {"rows": len(rows), "keys": len(keys), "dims": int(data.shape[1]), "word_vectors": len(wv_words)}
