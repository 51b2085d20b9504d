"""Context before gazetteer (issue 15): a word that is also a place is one only with evidence, and a
district of the document's city is a DISTRICT with district_of. Texts and expected mentions are in
tests/fixtures/places/cases.json; the council word statistics are models/gazetteer/council_words.tsv
(scripts/build_council_words.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pipeline import calibrate, review, tables
from pipeline.config import DEFAULT_MODELS, Settings
from pipeline.extract import entities as E
from pipeline.extract import extract_document
from pipeline.extract import nlp as nlp_mod
from pipeline.gazetteer import load_gazetteer
from pipeline.records import DocumentResult, Entity, Page, number_rows
from pipeline.wordstats import WordStats, WordUse, load_wordstats

ROOT = Path(__file__).resolve().parents[1]
CASES = json.loads((Path(__file__).parent / "fixtures" / "places" / "cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def nlp():
    return nlp_mod.load(str(DEFAULT_MODELS))


def _places(nlp, text: str) -> list[dict]:
    page = Page(number=1, words=[], source="text", text=text)
    entities, _, _ = extract_document([page], nlp, Settings())
    out = []
    for e in entities:
        if e.label in ("CITY", "DISTRICT"):
            row = {"label": e.label, "text": e.text, "value": e.value}
            if e.district_of:
                row["district_of"] = e.district_of
            out.append(row)
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:40])
def test_places_on_fixture(nlp, case):
    assert _places(nlp, case["text"]) == case["expected"], case["note"]


@pytest.mark.parametrize("text,word", [("Die Sitzung wird auf Mitte Oktober verschoben.", "Mitte"),
                                       ("Man kann davon ausgehen, dass die Mittel reichen.", "Man"),
                                       ("Nach der Sitzung gab es Musik, Feiern und Essen für alle.", "Essen")])
def test_council_word_statistics_decide(nlp, text, word):
    """Without the council statistics the gazetteer alone makes these words cities; with them not."""
    rules = nlp.get_pipe("ratsakten_rules")
    g, lex, cues = rules.gazetteer, rules.lexicon, rules.cues
    toks = E.tokenize(text, cues.titles)
    bare = E.find_cities(text, toks, g, lex, cues, words=WordStats({}))
    assert word in [text[m.start:m.end] for m in bare]
    assert E.find_cities(text, toks, g, lex, cues, words=rules.words) == []


def test_word_use_thresholds():
    assert WordUse(n_cap=100, after_det=40).ordinary() is True  # 'auf der Basis'
    assert WordUse(n_cap=2, n_lower=300).ordinary() is True  # 'man'
    assert WordUse(n_cap=400, after_det=2, after_cue=90).ordinary() is False  # 'Durlach'
    assert WordUse(n_cap=3).ordinary() is None  # too rare to say
    stats = WordStats({"Basis": WordUse(n_cap=100, after_det=40)})
    assert stats.ordinary("BASIS") is True and stats.ordinary("basis") is True and stats.ordinary("Bonn") is None


def test_council_words_count_and_file(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_council_words as B
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    texts = ["Wir treffen uns in Durlach. Auf der Basis der Zahlen fahren wir nach Durlach und man sieht es.",
             "Das Fest in Durlach, und man feiert auf der Basis von Spenden. Auch in der Basis, wie man weiß."]
    stats = B.count(texts)
    assert (stats["Durlach"]["n_cap"], stats["Durlach"]["after_cue"], stats["Durlach"]["after_det"]) == (3, 3, 0)
    assert (stats["Basis"]["n_cap"], stats["Basis"]["after_det"]) == (3, 3)
    assert stats["Man"]["n_lower"] == 3 and stats["Man"]["n_cap"] == 0  # lower case only: kept from 3 uses
    assert B.count(texts) == stats  # no order or randomness in the counting
    # the file the pipeline reads has the columns the script writes
    (tmp_path / "gazetteer").mkdir()
    (tmp_path / "gazetteer" / "council_words.tsv").write_text(
        "# test\nword\tn_cap\tn_lower\tafter_det\tafter_adj\tafter_cue\nBasis\t100\t0\t40\t0\t0\n", encoding="utf-8")
    assert load_wordstats(str(tmp_path)).ordinary("Basis") is True


def test_committed_tables_know_what_the_pipeline_needs():
    g = load_gazetteer(str(DEFAULT_MODELS))
    assert [d.city for d in g.districts["Durlach"]] == ["Karlsruhe"]
    words = load_wordstats(str(DEFAULT_MODELS))
    assert words.ordinary("Mitte") is True and words.ordinary("Karlsruhe") is False


def test_district_is_calibrated_and_reviewed_like_an_entity():
    """The calibrator has no DISTRICT model: it falls back to the pooled entity model, never crashes."""
    cal = calibrate.load(str(DEFAULT_MODELS))
    assert cal is not None and "DISTRICT" not in cal.models
    assert cal.model_for("DISTRICT") is cal.models["entity"]
    text = "Der Ortschaftsrat Durlach tagt."
    page = Page(number=1, words=[], source="text", text=text)
    e = Entity("DISTRICT", "Durlach", "Durlach", 1, 18, 25, 0.9, source="gazetteer", country="DE",
               district_of="Karlsruhe")
    doc = DocumentResult("d0c0000000000015", "x.pdf", "x.pdf", "0" * 64, pages=[page], entities=[e])
    number_rows(doc)
    review.decide(doc, Settings())
    assert e.signals is not None and e.signals.kind == "DISTRICT"
    assert 0.0 < e.confidence < 1.0 and e.confidence != 0.9  # the calibrated probability, not the rule's


def test_district_of_is_the_last_entities_column():
    """Added after every earlier column (the contract: no column renamed, dropped or moved)."""
    names = [f.name for f in tables.SCHEMAS["entities"]]
    # columns added later still come after it (issue 19: org_id)
    assert names[names.index("value_before_review"):][:2] == ["value_before_review", "district_of"]
    assert names.index("district_of") < names.index("org_id") == len(names) - 1
    page = Page(number=1, words=[], source="text", text="in Durlach")
    e = Entity("DISTRICT", "Durlach", "Durlach", 1, 3, 10, 0.9, source="gazetteer", district_of="Karlsruhe")
    doc = DocumentResult("d0c0000000000015", "x.pdf", "x.pdf", "0" * 64, pages=[page], entities=[e])
    number_rows(doc)
    row = tables.rows([doc])["entities"][0]
    assert (row["label"], row["district_of"]) == ("DISTRICT", "Karlsruhe")
