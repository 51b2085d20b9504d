"""Decision points of resolution letters, follow-up memos and protocol pages (pipeline/extract/decisions.py).

Each fixture in tests/fixtures/decisions/ is a page text written for this test (pages split by a form feed)
with the rows expected of it beside it (`NAME.expected.json`: the fields given there must match, in order;
fields not given are not checked). See tests/fixtures/decisions/README.md.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.decisions import (
    Clause,
    body_of,
    canonical_body,
    find_decisions,
    find_decisions_pages,
    is_body_name,
    normalise_ref,
    parse_votes,
)

FIXTURES = Path(__file__).parent / "fixtures" / "decisions"
CASES = sorted(p.stem for p in FIXTURES.glob("*.txt"))


def _rows(pages: list[list[Clause]]) -> list[dict]:
    return [dict(vars(c), page=i + 1) for i, cs in enumerate(pages) for c in cs]


@pytest.mark.parametrize("name", CASES)
def test_fixture(name):
    pages = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").split("\f")
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    rows = _rows(find_decisions_pages(pages))
    assert [r["item"] for r in rows] == [e.get("item", r["item"]) for e, r in zip(expected, rows)] and \
        len(rows) == len(expected), [(r["item"], r["text"][:60]) for r in rows]
    for r, e in zip(rows, expected):
        for key, want in e.items():
            assert r[key] == want, (name, r["item"], key, r[key])


def test_offsets_point_into_the_page():
    pages = (FIXTURES / "page_break.txt").read_text(encoding="utf-8").split("\f")
    for page, cs in zip(pages, find_decisions_pages(pages)):
        for c in cs:
            assert 0 <= c.start < c.end <= len(page)
            assert page[c.start:c.end].split()[0] == c.text.split()[0]


def test_blank_lines_between_paragraphs_give_the_same_rows():
    """OCR and the layout stage put blank lines between blocks; born-digital truth text has none."""
    text = (FIXTURES / "resolution_8_points.txt").read_text(encoding="utf-8")
    spaced = "\n\n".join(text.split("\n"))
    assert [(c.item, c.text) for c in find_decisions(spaced)] == [(c.item, c.text) for c in find_decisions(text)]


def test_only_a_head_gives_no_row():
    for text in ("Beschluss:", "Beschluss:\n", "Der Rat beschließt:", "", "\n\n", "1.", "Beschluss:\n1."):
        assert find_decisions(text) == [], text
    assert find_decisions_pages([]) == []


def test_three_hundred_points():
    text = "Der Gemeinderat beschließt:\n" + "\n".join(f"{i}. Die Maßnahme Nummer {i} wird umgesetzt."
                                                   for i in range(1, 301))
    rows = find_decisions(text)
    assert [c.item for c in rows] == [str(i) for i in range(1, 301)]
    assert rows[299].text == "Die Maßnahme Nummer 300 wird umgesetzt."


def test_a_number_twice_is_two_points_and_no_duplicate():
    text = ("Der Stadtrat beschließt:\n1. Die Stadt tritt dem Netzwerk bei.\n1. Die Mitgliedschaft kostet 500 Euro.\n"
            "2. Die Verwaltung benennt eine Ansprechperson.\n")
    rows = find_decisions(text)
    assert [c.item for c in rows] == ["1", "1", "2"]
    assert "repeats" in rows[1].review_reason and rows[0].review_reason == ""
    same = "Der Stadtrat beschließt:\n1. Die Stadt tritt dem Netzwerk bei.\n1. Die Stadt tritt dem Netzwerk bei.\n"
    assert [(c.item, c.text) for c in find_decisions(same)] == [("1", "Die Stadt tritt dem Netzwerk bei.")]


def test_a_numbered_list_without_introduction_is_no_decision():
    text = "Anlagen:\n1. Lageplan\n2. Kostenschätzung\nTagesordnung\n1. Begrüßung\n2. Bericht des Vorstands\n"
    assert find_decisions(text) == []


@pytest.mark.parametrize("raw,votes", [
    ("einstimmig", (None, None, None, True)),
    ("einstimmig bei 2 Enthaltungen", (None, None, 2, True)),
    ("mit 41 Ja-Stimmen bei 6 Gegenstimmen und 3 Enthaltungen", (41, 6, 3, False)),
    ("30:0:2", (30, 0, 2, True)),
    ("Ja: 12, Nein: 3, Enthaltungen: 1", (12, 3, 1, False)),
    ("bei einer Gegenstimme und drei Enthaltungen", (None, 1, 3, False)),
    ("mehrheitlich gegen die Stimmen der CDU-Fraktion", (None, None, None, False)),
    ("mit 25 zu 14 Stimmen abgelehnt", (25, 14, None, False)),
    ("ohne Gegenstimmen bei 4 Enthaltungen", (None, 0, 4, True)),
    ("zur Kenntnis genommen", (None, None, None, None)),
])
def test_parse_votes(raw, votes):
    v = parse_votes(raw)
    assert (v.yes, v.no, v.abstain, v.unanimous) == votes


@pytest.mark.parametrize("raw,result", [("mit 25 zu 14 Stimmen abgelehnt", "ablehnung"),
                                        ("einstimmig beschlossen", "zustimmung"),
                                        ("in den Finanzausschuss verwiesen", "verweisung"),
                                        ("vertagt", "vertagung"), ("Kenntnisnahme", "kenntnisnahme"),
                                        ("einstimmig", None)])
def test_parse_votes_result(raw, result):
    assert parse_votes(raw).result == result


def test_legacy_votes_string():
    assert parse_votes("30:5:1").legacy == "30 Ja, 5 Nein, 1 Enthaltung"
    assert parse_votes("einstimmig").legacy == "einstimmig"
    assert parse_votes("mit großer Mehrheit").legacy == "mehrheitlich"


@pytest.mark.parametrize("raw,ref", [("V2072/23", "V2072/23"), ("\\/2072/23", "V2072/23"), ("v 2072/23", "V2072/23"),
                                     ("2023/0838", "2023/0838"), ("VO72/23", "V072/23")])
def test_normalise_ref(raw, ref):
    assert normalise_ref(raw) == ref


def test_a_session_is_no_body():
    """'Stadtratssitzung' named the body on a scan: the body is the council whose session it was."""
    assert not is_body_name("Stadtratssitzung")
    assert is_body_name("Stadtrat Dresden") and is_body_name("Rat der Stadt Dortmund")
    assert is_body_name("Ausschuss für Kultur und Tourismus")
    assert body_of("Die Stadtratssitzung hat am 5. Mai beschlossen, die Halle zu sanieren.") == "Stadtrat"
    assert body_of("Die Kosten trägt der Bürgerschaft zuliebe die Stadt.") is None
    orgs = [("Stadtrat der Landeshauptstadt Dresden", "Stadtrat Dresden"), ("Stadtratssitzung", "Stadtratssitzung")]
    assert canonical_body("Stadtrat", orgs) == "Stadtrat Dresden"
    assert canonical_body("Stadtrat der Landeshauptstadt Dresden", orgs) == "Stadtrat Dresden"
    assert canonical_body("Stadtratssitzung", []) is None


def test_saved_spacy_pipeline_gives_the_clauses_to_spacy_users():
    """The extract stage skips `ratsakten_decisions` (it reads whole documents); spaCy users of models/spacy
    still get the points of a page from it."""
    from pipeline.extract import nlp as nlp_mod

    nlp = nlp_mod.load(str(Path(__file__).resolve().parents[1] / "models"))
    text = (FIXTURES / "ocr_lost_markers.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    assert [c.item for c in doc._.decisions] == ["1", "2", "3", "4"]
    assert [c.item for c in doc._.decisions] == [c.item for c in find_decisions_pages([text])[0]]
