"""Decision rows on odd input, end to end through pipeline.run (issue 14): a protocol that records no
result, a page of only "Beschluss:", a 300-point list, a point numbered "1." twice. The rows must stay
sane (no failed document, unique ids, no row made of a heading or running into the next item, no
invented votes), and what a person should check is flagged."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.karlsruhe_pipeline import _generator, text_pdf
from pipeline.config import Settings
from pipeline.extract.decisions import find_decisions

HEAD = "Stadt Radebeul\nNiederschrift über die Sitzung des Stadtrates am 20. April 2023\n\n"
MEMO = ("Landeshauptstadt Dresden\nHausmitteilung\nDatum: 21.03.2024\n\n"
        "Der Stadtrat hat in seiner Sitzung am 31.03.2022 folgenden Beschluss gefasst:\n")
DUP = ("1. Der Stadtrat bekundet seinen Willen zur Partnerschaft mit Chmelnyzkyj.\n"
       "1. Der Oberbürgermeister wird beauftragt, eine Veranstaltung durchzuführen.\n"
       "2. Die Verwaltung berichtet dem Stadtrat bis Ende 2022.\n")
CASES = {
    # a Beschluss block, but no "Abstimmungsergebnis" and no vote: the next TOP is debate only
    "no_result": HEAD + "TOP 4 Städtepartnerschaft mit Straßburg\nBeschluss:\n"
                        "Der Stadtrat stimmt der Aufnahme einer Städtepartnerschaft mit Straßburg zu.\n\n"
                        "TOP 5 Verschiedenes\nHerr Müller fragt nach dem Stand der Sanierung der Turnhalle.\n",
    "no_decision": HEAD + "TOP 5 Verschiedenes\nHerr Müller fragt nach dem Stand der Sanierung der Turnhalle. "
                          "Die Verwaltung antwortet schriftlich.\n",
    # minutes of the debate only, but the debate states the result
    "debate_result": HEAD + "TOP 6 Bericht zur Partnerschaft mit Straßburg\n"
                            "Herr Müller berichtet über die Reise nach Straßburg im März.\n"
                            "Der Stadtrat hat den Bericht zur Kenntnis genommen.\n",
    "only_beschluss": "Beschluss:\n",
    # a protocol whose second page holds nothing but the heading
    "beschluss_alone_on_page_2": HEAD + "TOP 4 Haushalt\nDer Stadtrat berät den Haushalt.\n" + "\n" * 70
                                 + "Beschluss:\n",
    "list300": MEMO + "".join(f"{i}. Der Oberbürgermeister wird beauftragt, die Maßnahme Nummer {i} umzusetzen.\n"
                              for i in range(1, 301)),
    "dup_one": MEMO + DUP,
}


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    from pipeline.run import run

    base = tmp_path_factory.mktemp("bad_input")
    src = base / "in"
    src.mkdir()
    gen = _generator()
    for name, text in CASES.items():
        (src / f"{name}.pdf").write_bytes(text_pdf(text, gen))
    run([src], base / "out", Settings(use_cache=False, write_crops=False, progress=False, jobs=1))
    docs = pd.read_parquet(base / "out" / "documents.parquet")
    dec = pd.read_parquet(base / "out" / "decisions.parquet")
    dec["name"] = dec["doc_id"].map(docs.set_index("doc_id")["source_file"].map(lambda s: Path(s).stem))
    return {"documents": docs, "decisions": dec}


def _rows(tables, name: str) -> pd.DataFrame:
    dec = tables["decisions"]
    return dec[dec["name"] == name].sort_values(["page", "start"])


def test_every_document_is_read_and_ids_are_unique(tables):
    docs = tables["documents"]
    assert sorted(Path(s).stem for s in docs["source_file"]) == sorted(CASES)
    assert (docs["status"] == "ok").all(), docs[["source_file", "status", "error"]].values
    dec = tables["decisions"]
    assert dec["decision_id"].is_unique
    assert (dec["start"] <= dec["end"]).all()
    assert dec["text"].str.contains(r"[^\W\d_]{3}", regex=True).all()  # no row of a bare number or heading


def test_protocol_without_a_recorded_result(tables):
    rows = _rows(tables, "no_result")
    assert len(rows) == 1
    r = rows.iloc[0]
    assert r["item"] == "4" and r["decision_date"] == "2023-04-20"
    assert "Straßburg" in r["text"] and "TOP 5" not in r["text"] and "Müller" not in r["text"]
    for col in ("votes_yes", "votes_no", "votes_abstain", "unanimous", "referred_to"):
        assert pd.isna(r[col]), col  # nothing printed, nothing invented
    assert r["result"] is not None and r["needs_review"]  # read from the wording, not printed: a person checks
    assert "no result printed" in r["review_reason"]
    assert len(_rows(tables, "no_decision")) == 0  # debate only, no result stated: no decision row


def test_debate_only_protocol_with_a_stated_result(tables):
    rows = _rows(tables, "debate_result")
    assert len(rows) == 1
    r = rows.iloc[0]
    assert r["item"] == "6" and r["result"] == "kenntnisnahme" and r["decision_date"] == "2023-04-20"
    assert r["needs_review"] and "read from the debate" in r["review_reason"]
    assert r["result_confidence"] <= 0.5


@pytest.mark.parametrize("name", ["only_beschluss", "beschluss_alone_on_page_2"])
def test_a_heading_alone_gives_no_row(tables, name):
    assert len(_rows(tables, name)) == 0


def test_a_300_point_list_gives_300_rows_in_order(tables):
    rows = _rows(tables, "list300")
    assert rows["item"].tolist() == [str(i) for i in range(1, 301)]
    for item, text in zip(rows["item"], rows["text"]):
        assert f"Nummer {item} umzusetzen" in text and text.count("Nummer") == 1, (item, text)
    assert rows["page"].nunique() > 1  # the list runs across page breaks
    assert not rows["review_reason"].fillna("").str.contains("repeats").any()  # calibrated flags may queue some; none for a repeat
    assert (rows["decision_date"] == "2022-03-31").all()


def test_a_number_given_twice_is_flagged(tables):
    rows = _rows(tables, "dup_one")
    assert rows["item"].tolist() == ["1", "1", "2"]
    assert rows["needs_review"].tolist()[1] and not rows["review_reason"].fillna("").iloc[[0, 2]].str.contains("repeats").any()
    assert "item number 1 repeats" in rows.iloc[1]["review_reason"]


def test_a_repeated_number_lowers_the_point_confidence_only():
    rows = find_decisions("Der Stadtrat beschließt:\n" + DUP)
    assert [c.item for c in rows] == ["1", "1", "2"]
    assert rows[1].confidence < Settings().review_threshold <= min(rows[0].confidence, rows[2].confidence)
