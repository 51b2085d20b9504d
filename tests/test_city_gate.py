"""find_cities skips the tokens at which no place can start (entities._starts_no_place): the same
places as the loop over every token, on every Karlsruhe protocol text in ../shared/data and on texts
made to sit on the gate's edges (lower-case ASCII next to a combining mark, hyphens, 'Alt', digits)."""
from __future__ import annotations

from functools import lru_cache

import pytest

from evaluation.karlsruhe_protocols import data_dir
from pipeline.config import DEFAULT_MODELS
from pipeline.extract import entities as E


def _as_the_pipeline_does() -> None:
    """The NER runs here in the test process, so limit BLAS to one thread first, as Resources.load does
    before every run: a BLAS thread pool started in the parent and inherited by a later test's forked
    worker hung that worker (test_scale.test_page_threads_keep_page_order, full suite only)."""
    from pipeline.resources import _one_blas_thread

    _one_blas_thread()


@lru_cache(maxsize=1)
def _rules():
    from pipeline.extract import nlp as nlp_mod

    _as_the_pipeline_does()

    return nlp_mod.load(str(DEFAULT_MODELS)).get_pipe("ratsakten_rules")


def _cities(text: str, gate: bool, monkeypatch) -> list:
    r = _rules()
    toks = E.tokenize(text, r.cues.titles)
    locs = frozenset((t.start, t.end) for t in toks[::7])  # some spans the NER model 'agrees' on
    with monkeypatch.context() as m:
        if not gate:
            m.setattr(E, "_starts_no_place", lambda *a: False)
        return E.find_cities(text, toks, r.gazetteer, r.lexicon, r.cues, words=r.words, model_locs=locs,
                             context=r.place_context(text))


EDGES = [
    "in Karlsruhe und in karlsruhe, Durlach-Aue, Alt Neureut, Alt-Neureut, KA-Oststadt",
    "nach Dresdens Partnerstadt a\u0308rhus und Zu\u0308rich, u\u0308berlingen, Überlingen",
    "der Stadtteil Grünwinkel; 3 Mannheim; 2025 Heidelberg; `Bruchsal', „Bretten“",
    "aus Halle (Saale) sowie Weingarten (Baden), Frankfurt am Main und Frankfurt an der Oder",
    "e\u0301vian, éVian, Évian-les-Bains, l'Aquila, L'Aquila, ´s-Hertogenbosch, 's-Hertogenbosch",
]


@pytest.mark.parametrize("text", EDGES)
def test_edge_texts_give_the_places_of_every_token(text, monkeypatch):
    assert _cities(text, True, monkeypatch) == _cities(text, False, monkeypatch)


def test_the_gate_skips_lower_case_and_keeps_capitals_and_hyphens():
    cues = _rules().cues
    text = "in Karlsruhe ä 3 a\u0308 Alt x-y"
    toks = {t.text: t for t in E.tokenize(text, cues.titles)}
    assert E._starts_no_place(text, toks["in"], cues)
    assert E._starts_no_place(text, toks["3"], cues)
    assert not E._starts_no_place(text, toks["Karlsruhe"], cues)
    assert not E._starts_no_place(text, toks["ä"], cues)
    assert not E._starts_no_place(text, toks["a\u0308"], cues)
    assert not E._starts_no_place(text, toks["Alt"], cues)
    assert not E._starts_no_place(text, toks["x-y"], cues)


def test_every_karlsruhe_text_gives_the_places_of_every_token(monkeypatch):
    files = sorted((data_dir() / "texts").glob("*.txt"))
    if not files:
        pytest.skip(f"no Karlsruhe texts in {data_dir()} (set RATSAKTEN_SHARED)")
    found = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        a = _cities(text, True, monkeypatch)
        assert a == _cities(text, False, monkeypatch), f.name
        found += len(a)
    assert found > 0


def test_the_rule_component_reads_the_page_text_it_was_given():
    """spacy_docs hands the page's text along (doc._.page_text) so the component need not build
    doc.text from a Token per token: the same text, and the same mentions as a doc without it."""
    from pipeline.extract import nlp as nlp_mod
    from pipeline.extract import spacy_docs
    from pipeline.records import Page, Word

    _as_the_pipeline_does()
    nlp = nlp_mod.load(str(DEFAULT_MODELS))
    text = "Der Gemeinderat der Stadt Karlsruhe hat am 3. Mai 2022 in Durlach beschlossen.\n  Alt Neureut  "
    page = Page(number=1, words=[Word(text=w, bbox=(0, 0, 1, 1), confidence=1.0, source="text") for w in text.split()], source="text")
    page.text = text
    (doc,), = spacy_docs([[page]], nlp)
    assert doc._.page_text == doc.text == text
    plain = nlp(text)
    assert plain._.page_text is None
    got = [(m.label, m.start, m.end, m.value) for m in doc._.mentions]
    assert got == [(m.label, m.start, m.end, m.value) for m in plain._.mentions]
    assert any(label == "CITY" for label, *_ in got)
    wrong = nlp.make_doc(text)
    wrong._.page_text = text[:-3]  # not its own text: the component reads doc.text instead
    rules = nlp.get_pipe("ratsakten_rules")
    assert [(m.start, m.end) for m in rules.match(wrong)] == [(m.start, m.end) for m in rules.match(nlp.make_doc(text))]


@pytest.mark.parametrize("text,word,kept", [
    ("Gemeine Esche (Fraxinus ornus, 10-15 m hoch)", "Fraxinus", False),  # GeoNames: Latin for Fresno
    ("prominente Lage neben der Karlsburg eng mit dem Denkmalschutz", "Karlsburg", False),  # Alba Iulia
    ("BMP Baumanagement GmbH, Frankfurt a.M. pauschal", "Frankfurt", True),  # a German short form stays
])
def test_the_ner_model_alone_is_no_evidence_for_a_foreign_alternate_name(text, word, kept):
    """The NER model's features include 'is a gazetteer city', so its LOC on a foreign city's alternate
    name only echoes the gazetteer; with no place cue such a name is no CITY."""
    r = _rules()
    toks = E.tokenize(text, r.cues.titles)
    s = text.index(word)
    got = E.find_cities(text, toks, r.gazetteer, r.lexicon, r.cues, words=r.words,
                        model_locs=frozenset({(s, s + len(word))}), context=r.place_context(text))
    assert any(m.start == s for m in got) is kept
