"""The name guard of the correction stage: a person's name is not repaired into another name
unless the document supports it, and a name OCR read surely is only a suggestion.

Cases and expected rows: tests/fixtures/name_guard/cases.json (real gazetteers and lexicon).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_MODELS, Settings
from pipeline.correct import CandidateIndex, CorrectionSettings, DocumentState, correct_page
from pipeline.gazetteer import load_gazetteer
from pipeline.lexicon import load_lexicon
from pipeline.records import Page, Word
from pipeline.review import _correction_needs_review

CASES = json.loads((Path(__file__).parent / "fixtures" / "name_guard" / "cases.json").read_text("utf-8"))["cases"]


@pytest.fixture(scope="module")
def index() -> CandidateIndex:
    return CandidateIndex.build(load_gazetteer(str(DEFAULT_MODELS)), load_lexicon(str(DEFAULT_MODELS)))


def _page(lines: list[str], conf: float) -> Page:
    words = []
    for n, line in enumerate(lines):
        x = 50.0
        for tok in line.split():
            words.append(Word(tok, (x, 100 + 15 * n, x + 6 * len(tok), 110 + 15 * n), conf, "ocr", line=n))
            x += 6 * len(tok) + 4
    return Page(1, words, "ocr")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_name_guard(case, index):
    page, rows = correct_page(_page(case["lines"], case["conf"]), DocumentState(), index,
                              CorrectionSettings.from_settings(Settings()))
    assert [[r.original, r.corrected, r.applied] for r in rows] == case["rows"]
    for r in rows:
        if not r.applied:  # a suggestion: the text keeps what OCR read, and a reviewer is asked
            assert r.original.strip(".,") in page.text.split() or r.original in page.text
            assert _correction_needs_review(r, page, Settings())


@pytest.mark.parametrize("ocr, want", [("Öberbürgermeisterin", "Oberbürgermeisterin"),
                                       ("Batschafterin", "Botschafterin"),
                                       ("(Amtsteiterin)", "(Amtsleiterin)")])
def test_a_feminine_role_is_not_repaired_into_its_inclusive_spelling(ocr, want, index):
    """'OberbürgermeisterIn' is a known role, not a repair target: OCR damage of '…meisterin' is
    repaired into the printed feminine form (in the calibration train sets 4 of 4 repairs into a
    Binnen-I spelling were wrong)."""
    page, rows = correct_page(_page([f"Die {ocr} begrüßte die Gäste."], 0.6), DocumentState(), index,
                              CorrectionSettings.from_settings(Settings()))
    assert [(r.corrected, r.applied) for r in rows] == [(want, True)]
    assert want in page.text.split()
