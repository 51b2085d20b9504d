"""The rule component's finders on small hand-written texts whose expected mentions sit beside them
(tests/fixtures/extraction/cases.json), and the component's round trip through to_disk/from_disk."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from pipeline.config import DEFAULT_MODELS
from pipeline.extract import entities as E
from pipeline.extract import nlp as nlp_mod
from pipeline.extract.cues import Cues

CASES = json.loads((Path(__file__).parent / "fixtures" / "extraction" / "cases.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rules():
    return nlp_mod.load(str(DEFAULT_MODELS)).get_pipe("ratsakten_rules")


def _found(rules, fn: str, text: str) -> list[E.Mention]:
    g, lex, cues = rules.gazetteer, rules.lexicon, rules.cues
    toks = E.tokenize(text, cues.titles)
    cities = E.find_cities(text, toks, g, lex, cues)
    if fn == "find_cities":
        return E.without_counties(cities)  # as the component hands them on
    orgs = E.find_orgs(text, toks, g, cities, cues)
    if fn == "find_orgs":
        return orgs
    return E.find_persons(text, toks, g, lex, orgs, cues)


@pytest.mark.parametrize("fn,case", [(fn, c) for fn in ("find_persons", "find_cities", "find_orgs")
                                     for c in CASES[fn]], ids=lambda x: x if isinstance(x, str) else x["text"][:40])
def test_finder_on_fixture(rules, fn, case):
    got = _found(rules, fn, case["text"])
    keys = [k for k in ("text", "value", "role", "title", "country") if any(k in e for e in case["expected"])]
    have = [{k: (case["text"][m.start:m.end] if k == "text" else getattr(m, k)) for k in keys} for m in got]
    assert have == case["expected"]


def test_rules_component_round_trips_through_disk(tmp_path):
    """spacy.blank + component + cues -> to_disk -> spacy.load: the same mentions, and the cue
    lists come back from cues.json on the instance (no module state)."""
    built = nlp_mod.load(str(DEFAULT_MODELS)).get_pipe("ratsakten_rules")
    nlp = spacy.blank("de")
    comp = nlp.add_pipe("ratsakten_rules", config={"models_dir": str(DEFAULT_MODELS)})
    comp.cues = Cues.from_dict(built.cues.to_dict())
    text = "Oberbürgermeister Dirk Hilbert empfing am 21. März 2024 in Dresden Gäste aus Chmelnyzkyj."
    doc = nlp(text)
    before = [(s.label_, s.text, s._.mention.value) for s in doc.spans["ratsakten"]]
    assert ("PERSON", "Dirk Hilbert", "Dirk Hilbert") in before and ("CITY", "Chmelnyzkyj", "Chmelnyzkyj") in before
    nlp.to_disk(tmp_path / "p")
    assert (tmp_path / "p" / "ratsakten_rules" / "cues.json").exists()
    again = spacy.load(tmp_path / "p", config={"components": {"ratsakten_rules": {"models_dir": str(DEFAULT_MODELS)}}})
    doc2 = again(text)
    assert [(s.label_, s.text, s._.mention.value) for s in doc2.spans["ratsakten"]] == before
    assert again.get_pipe("ratsakten_rules").cues == comp.cues


def test_cue_lists_are_data_that_decide(tmp_path):
    """Edit cues.json and the saved pipeline decides differently: 'Partnerstadt' stops being a place cue."""
    src = nlp_mod.load(str(DEFAULT_MODELS))
    data = src.get_pipe("ratsakten_rules").cues.to_dict()
    nlp = spacy.blank("de")
    comp = nlp.add_pipe("ratsakten_rules", config={"models_dir": str(DEFAULT_MODELS)})
    comp.cues = Cues.from_dict(data)
    text = "Unsere Partnerstadt Lauf feiert."  # Lauf: a town that is also a common word
    doc = nlp(text)
    assert [s.text for s in doc.spans["ratsakten"] if s.label_ == "CITY"] == ["Lauf"]
    # 'Partnerstadt' is a place cue and, as a noun, one even before an ordinary word: drop it from both
    comp.cues = Cues.from_dict({**data, "place": [w for w in data["place"] if w != "Partnerstadt"],
                                "place_nouns": [w for w in data["place_nouns"] if w != "Partnerstadt"]})
    doc = nlp(text)
    assert [s.text for s in doc.spans["ratsakten"] if s.label_ == "CITY"] == []


def test_unknown_cue_lists_are_refused():
    with pytest.raises(ValueError, match="unknown cue lists"):
        Cues.from_dict({"plaec": ["in"]})
