"""Calibrated confidence and the review queue (issue 16): the calibrator is bounded and monotone,
`decide` flags by the kind's threshold, reasons are in a reviewer's words, the queue puts the most
likely wrong value first, a poor page gets one page row, and bad input gives sane rows."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pipeline import calibrate, review
from pipeline.config import Settings
from pipeline.records import Decision, DocumentResult, Entity, Page, Word, number_rows
from pipeline.signals import Signals, collect

FIX = Path(__file__).parent / "fixtures" / "calibration"
MODELS = Path(__file__).resolve().parents[1] / "models"


def _page(words: list[tuple[str, float]], source: str = "ocr", conf: float | None = None) -> Page:
    ws, pos = [], 0
    for i, (t, c) in enumerate(words):
        ws.append(Word(t, (50.0 + 40 * i, 100.0, 80.0 + 40 * i, 112.0), c, source, start=pos, end=pos + len(t)))
        pos += len(t) + 1
    p = Page(1, ws, source, width=595, height=842, confidence=conf)
    p.text = " ".join(t for t, _ in words)
    return p


def _doc(page: Page, entities: list[Entity]) -> DocumentResult:
    d = DocumentResult("d0c0000000000016", "x.pdf", "x.pdf", "0" * 64, pages=[page], entities=entities)
    number_rows(d)
    return d


def _write_models(tmp_path: Path, threshold: float, intercept: float) -> Path:
    """A models folder whose calibrator says p = sigmoid(intercept) for every entity."""
    m = calibrate.KindModel("entity", ["ocr_min"], [0.0], [1.0], [0.0], intercept, threshold=threshold)
    calibrate.Calibrator({"entity": m}, {"test": True}).save(tmp_path / calibrate.FILE)
    calibrate.load.cache_clear()
    return tmp_path


def test_saved_calibrator_is_bounded_and_monotone_in_ocr_confidence():
    cal = calibrate.load(str(MODELS))
    assert cal is not None, "models/calibration/calibration.json missing: run scripts/train_calibration.py"
    rng = random.Random(16)
    for kind in ("PERSON", "CITY", "ORG", "DATE", "decision", "result", "doc_date", "correction", "page"):
        for _ in range(20):
            base = dict(rule_confidence=rng.random(), page_ocr=True, page_confidence=rng.random(),
                        lexicon_zipf=rng.random() * 6, n_chars=rng.randint(2, 30), n_words=rng.randint(1, 4),
                        by_gazetteer=rng.random() < 0.5, by_model=rng.random() < 0.5)
            probs = []
            for ocr in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
                s = Signals(kind=kind, ocr_min=ocr, ocr_mean=ocr, ocr_geo=ocr, **base)
                p = cal.probability(s)
                assert p is not None and 0.0 < p < 1.0
                probs.append(p)
            assert all(b >= a - 1e-9 for a, b in zip(probs, probs[1:])), (kind, probs)


def test_fit_keeps_sign_constraints_and_isotonic_is_non_decreasing():
    rng = random.Random(3)
    sig, right = [], []
    for _ in range(400):
        ocr = rng.random()
        # a confound: bad OCR words are rarer among the wrong values of this toy set's first half
        s = Signals(kind="CITY", rule_confidence=rng.random(), ocr_min=ocr, ocr_mean=ocr, ocr_geo=ocr,
                    page_ocr=True, lexicon_zipf=rng.random() * 6)
        sig.append(s)
        right.append(rng.random() < 0.2 + 0.7 * ocr - 0.05 * s.lexicon_zipf)
    m = calibrate.fit_kind("CITY", sig, right)
    for name, c in zip(m.features, m.coef):
        if name in calibrate.NON_NEGATIVE:
            assert c >= 0, name
    calibrate.fit_isotonic(m, sig, right)
    assert m.iso_y == sorted(m.iso_y)
    t = calibrate.fit_trees("CITY", sig, right, max_iter=30)
    lo = t.probability(Signals(kind="CITY", rule_confidence=0.5, ocr_min=0.1, ocr_mean=0.1, ocr_geo=0.1, page_ocr=True))
    hi = t.probability(Signals(kind="CITY", rule_confidence=0.5, ocr_min=0.9, ocr_mean=0.9, ocr_geo=0.9, page_ocr=True))
    assert hi >= lo


def test_isotonic_map_that_decreases_is_refused():
    with pytest.raises(ValueError):
        calibrate.KindModel.from_json({"kind": "CITY", "features": [], "mean": [], "scale": [], "coef": [],
                                       "intercept": 0.0, "iso_x": [0.1, 0.9], "iso_y": [0.8, 0.2]})


def test_decide_uses_the_kinds_threshold(tmp_path):
    page = _page([("in", 0.99), ("Bonn", 0.99)])

    def run(threshold: float) -> Entity:
        models = _write_models(tmp_path, threshold, intercept=0.4055)  # p = 0.60
        e = Entity("CITY", "Bonn", "Bonn", 1, 3, 7, 0.9, source="gazetteer")
        review.decide(_doc(page, [e]), Settings(models_dir=models))
        return e

    low = run(0.5)
    assert low.confidence == pytest.approx(0.6, abs=0.01) and not low.needs_review
    high = run(0.7)
    assert high.needs_review and "estimated 60% likely right" in high.review_reason
    calibrate.load.cache_clear()


def test_signals_keep_the_extractors_confidence_when_decide_runs_twice(tmp_path):
    models = _write_models(tmp_path, 0.5, intercept=0.0)
    e = Entity("CITY", "Bonn", "Bonn", 1, 3, 7, 0.93, source="gazetteer")
    doc = _doc(_page([("in", 0.99), ("Bonn", 0.99)]), [e])
    review.decide(doc, Settings(models_dir=models))
    review.decide(doc, Settings(models_dir=models))
    assert e.signals.rule_confidence == 0.93 and e.confidence == 0.5
    calibrate.load.cache_clear()


def test_reasons_in_reviewer_words():
    s = Signals(kind="CITY", rule_confidence=0.9, surface="Mitte", lexicon_zipf=5.0, page_ocr=True, ocr_min=0.4,
                low_words=2, low_word="Mitte")
    why = review.explain(s, 0.31)
    assert "OCR unsure of 2 words" in why and "'Mitte' is also a common word" in why and "31%" in why
    stamp = Signals(kind="DATE", rule_confidence=0.5, surface="14. MRZ. 2028", stamp=True, page_ocr=True, ocr_min=0.6)
    assert "date read from a damaged stamp" in review.explain(stamp, 0.4)
    assert "common word" not in review.explain(Signals(kind="DATE", rule_confidence=0.9, surface="Mai",
                                                       lexicon_zipf=5.0), 0.5)


def test_fixture_wrong_city_on_a_poor_scan_is_flagged():
    fx = json.loads((FIX / "wrong_city.json").read_text(encoding="utf-8"))
    page = _page([tuple(w) for w in fx["words"]], conf=fx["page_confidence"])
    w = page.words[fx["entity"]["word"]]
    ent = fx["entity"]
    e = Entity(ent["label"], ent["text"], ent["value"], 1, w.start, w.end, ent["confidence"], source=ent["source"])
    calibrate.load.cache_clear()
    doc = _doc(page, [e])
    review.decide(doc, Settings(models_dir=MODELS))
    assert e.needs_review is fx["expected"]["needs_review"]
    for part in fx["expected"]["reason_contains"]:
        assert part in e.review_reason
    assert e.confidence < ent["confidence"]  # the rule's 0.85 was not a probability


def test_queue_most_likely_wrong_first_and_one_row_for_a_poor_page():
    calibrate.load.cache_clear()
    noise = [("".join(random.Random(i).choice("xqz|;.,'") for _ in range(5)), 0.2) for i in range(30)]
    page = _page(noise + [("Bonn", 0.95), ("Mitte", 0.3)], conf=0.25)
    n = len(noise)
    bonn, mitte = page.words[n], page.words[n + 1]
    ents = [Entity("CITY", "Bonn", "Bonn", 1, bonn.start, bonn.end, 0.9, source="gazetteer"),
            Entity("CITY", "Mitte", "Mitte", 1, mitte.start, mitte.end, 0.9, source="gazetteer")]
    doc = _doc(page, ents)
    settings = Settings(models_dir=MODELS)
    review.decide(doc, settings)
    items = review.build_review(doc, settings)
    assert [i.table_name for i in items].count("pages") == 1 and items[0].table_name == "pages"
    rest = [i.confidence for i in items[1:]]
    assert rest == sorted(rest)
    assert items[0].review_id.endswith("r0000")


@pytest.mark.parametrize("words", [[], [("ABSCHRIFT", 0.9), ("STADTRAT", 0.9), ("BONN", 0.9), ("DEN", 0.9)]])
def test_bad_input_gives_sane_rows(words):
    calibrate.load.cache_clear()
    page = _page(words, conf=0.9 if words else 0.0)
    doc = _doc(page, [])
    settings = Settings(models_dir=MODELS)
    collect(doc, {}, {})
    review.decide(doc, settings)
    items = review.build_review(doc, settings)
    assert all(0.0 <= i.confidence <= 1.0 for i in items)
    assert any(i.field == "doc_date" for i in items)  # no issue date: asked once
    assert doc.fields.doc_date_needs_review is True


def test_reviewers_answers_export_as_training_rows(tmp_path):
    import pickle
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from export_answers import export, read_examples

    from pipeline.answers import AnswerStore

    calibrate.load.cache_clear()
    page = _page([("in", 0.4), ("Mitte", 0.3), ("und", 0.9), ("Bonn", 0.95)], conf=0.6)
    ents = [Entity("CITY", "Mitte", "Mitte", 1, 3, 8, 0.9, source="gazetteer"),
            Entity("CITY", "Bonn", "Bonn", 1, 13, 17, 0.9, source="gazetteer")]
    doc = _doc(page, ents)
    settings = Settings(models_dir=MODELS)
    review.decide(doc, settings)
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.pkl").write_bytes(pickle.dumps(doc))
    store = AnswerStore(tmp_path)
    base = {"doc_id": doc.doc_id, "page": 1, "table_name": "entities", "field": "value", "suggestion": None}
    store.record(dict(base, review_id="r0", row_id=ents[0].entity_id, value="Mitte"), "rejected", None, "anna")
    store.record(dict(base, review_id="r1", row_id=ents[1].entity_id, value="Bonn"), "corrected", "Bonn", "anna")
    store.record(dict(base, review_id="r1", row_id=ents[1].entity_id, value="Bonn"), "accepted", "Bonn", "ben")
    out = tmp_path / "answers.jsonl"
    assert export(tmp_path, out) == 2
    rows = read_examples(out)
    got = {s.surface: (kind, right) for kind, s, right in rows}
    assert got == {"Mitte": ("CITY", False), "Bonn": ("CITY", True)}  # the later answer superseded
    assert all(s.rule_confidence == 0.9 for _, s, _ in rows)


def _text_page(text: str) -> Page:
    ws, pos = [], 0
    for n, line in enumerate(text.split("\n")):
        for tok in line.split():
            i = text.index(tok, pos)
            ws.append(Word(tok, None, 1.0, "text", start=i, end=i + len(tok), line=n, block=0))
            pos = i + len(tok)
    p = Page(1, ws, "text")
    p.text = text
    return p


def test_an_unreadable_datum_field_is_a_signal():
    from pipeline.signals import date_label_unreadable

    page = _text_page("Hausmitteilung\nDatum: 30.53.21\nBetreff: Sitzung vom 21.11.2020")
    assert date_label_unreadable([page], "21.11.2020")  # the date came from elsewhere
    assert not date_label_unreadable([page], "30.53.21")  # it is the labelled value
    assert not date_label_unreadable([_text_page("Betreff: Sitzung vom 21.11.2020")], "21.11.2020")  # no label


def _decision(votes: str | None, yes: int | None = None) -> Decision:

    return Decision(page=1, item="3", body="Gemeinderat", decision_date="2024-03-19", kind="beschluss",
                    text="Der Gemeinderat beschließt die Vorlage.", outcome=None, confidence=0.9, start=0, end=40,
                    votes=votes, result="zustimmung", votes_yes=yes, result_confidence=0.95)


def test_result_signals_tell_a_printed_result_from_an_inferred_one():
    from pipeline.signals import result_signals

    printed = result_signals(_decision("Einstimmige Zustimmung (40 Ja)", 40), None)
    counted = result_signals(_decision("35 Ja, 12 Nein", 35), None)
    inferred = result_signals(_decision(None), None)
    no_vote = result_signals(_decision("Keine Abstimmung"), None)
    assert printed.result_printed and printed.result_rule_agrees and not printed.result_by_model
    assert counted.result_printed and counted.result_by_model
    assert not inferred.result_printed and inferred.result_by_model
    assert not no_vote.result_printed  # a statement that names no result and gives no vote



def test_the_result_model_judges_minutes_results_not_a_memos_resolution():
    """The `result` calibrator was fitted on protocols' result sections: a memo's resolution point
    without a result statement keeps the old rule; minutes, or a printed result statement, get it."""
    from pipeline.records import DocFields

    def doc_with(doc_type: str, votes: str | None) -> DocumentResult:
        d = _doc(_text_page("Der Gemeinderat beschließt die Vorlage."), [])
        d.decisions = [_decision(votes)]
        d.fields = DocFields(doc_type=doc_type)
        collect(d, {}, {})
        return d

    assert doc_with("Hausmitteilung", None).decisions[0].result_signals is None
    assert doc_with("Hausmitteilung", "einstimmig beschlossen").decisions[0].result_signals is not None
    assert doc_with("Niederschrift", None).decisions[0].result_signals is not None
    assert doc_with("Niederschrift", None).decisions[0].signals is not None  # the decision itself is judged


def test_a_name_only_the_model_found_is_capped_at_its_real_rate_and_always_flagged():
    """issue 16, train6: the fitted trees put 'Sozialdienst Kath.' (the NER model alone, born-digital text) at 0.997;
    on the real-gold train parts such names were right about a third of the time (PERSON), one in ten (ORG):
    models/calibration/model_only.json (scripts/measure_model_only.py) caps them and review always flags them."""
    calibrate.load.cache_clear()
    caps = calibrate.load_model_only(str(MODELS))
    assert 0.0 < caps["PERSON"] < 0.6 and 0.0 < caps["ORG"] < 0.6
    words = [("mit", 1.0), ("Sozialdienst", 1.0), ("Kath.", 1.0), ("Frauen", 1.0), ("und", 1.0), ("Anna", 1.0),
             ("Schmid", 1.0)]
    page = _page(words, source="text")
    model_only = Entity("PERSON", "Sozialdienst Kath", "Sozialdienst Kath", 1, 4, 21, 0.58, source="model")
    agreed = Entity("PERSON", "Anna Schmid", "Anna Schmid", 1, 37, 48, 0.95, source="rule+model")
    doc = _doc(page, [model_only, agreed])
    review.decide(doc, Settings(models_dir=MODELS))
    assert model_only.needs_review and model_only.confidence <= caps["PERSON"]
    assert "statistical name model" in model_only.review_reason
    assert agreed.confidence > caps["PERSON"]  # a name a rule agrees with is judged by the calibrator as before
