"""Council bodies, offices, parties and letterhead cities as council papers write them, and where an
organisation's name ends next to a person (issue 15, person5). Texts, labels and expected mentions:
tests/fixtures/council_names/cases.json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_MODELS, Settings
from pipeline.extract import extract_document
from pipeline.extract import nlp as nlp_mod
from pipeline.records import Page

CASES = json.loads((Path(__file__).parent / "fixtures" / "council_names" / "cases.json")
                   .read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def nlp():
    return nlp_mod.load(str(DEFAULT_MODELS))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["note"][:50])
def test_council_names_on_fixture(nlp, case):
    page = Page(number=1, words=[], source="text", text=case["text"])
    entities, _, _ = extract_document([page], nlp, Settings())
    got = [[e.text, e.value] for e in sorted(entities, key=lambda e: e.start) if e.label == case["label"]]
    assert got == case["expected"], case["note"]
