"""People within a document (issue 15 part 3): a surname alone resolves to the full name the same
document gives, and protocol speaker lines ('Stadträtin Fenrich (AfD):') name a person. Texts and
expected mentions: tests/fixtures/people/cases.json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_MODELS, Settings
from pipeline.extract import _resolve_surnames, extract_document
from pipeline.extract import nlp as nlp_mod
from pipeline.records import Entity, Page

CASES = json.loads((Path(__file__).parent / "fixtures" / "people" / "cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def nlp():
    return nlp_mod.load(str(DEFAULT_MODELS))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:40])
def test_people_on_fixture(nlp, case):
    page = Page(number=1, words=[], source="text", text=case["text"])
    entities, _, _ = extract_document([page], nlp, Settings())
    got = [[e.text, e.value] for e in entities if e.label == "PERSON"]
    assert got == case["expected"], case["note"]


def test_resolution_folds_diacritics_and_keeps_the_span():
    full = Entity("PERSON", "Jürgen Çelik", "Jürgen Çelik", 1, 0, 12, 0.95)
    alone = Entity("PERSON", "Celik", "Celik", 1, 30, 35, 0.7)
    org = Entity("ORG", "Celik", "Celik", 1, 40, 45, 0.7)
    _resolve_surnames([full, alone, org])
    assert (alone.text, alone.value, alone.start, alone.end) == ("Celik", "Jürgen Çelik", 30, 35)
    assert org.value == "Celik" and not alone.review_reason  # only people; a resolution is no doubt


def test_speaker_line_party_is_an_org_and_the_role_is_not(nlp):
    text = "Stadtrat Pfannkuch (CDU) teilt mit, dass die Arbeit ruht. Der Stadtrat beschließt."
    page = Page(number=1, words=[], source="text", text=text)
    entities, _, _ = extract_document([page], nlp, Settings())
    orgs = [(e.text, e.start) for e in entities if e.label == "ORG"]
    assert ("CDU", text.index("CDU")) in orgs
    assert ("Stadtrat", 0) not in orgs  # the speaker's role
    assert ("Stadtrat", text.rindex("Stadtrat")) in orgs  # 'Der Stadtrat beschließt': the council
