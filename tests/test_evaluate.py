"""The evaluator on hand-made tables: every score must be able to go down."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest

from evaluation.samples import evaluate, format_report, norm_votes, org_match

PAGE1 = ("Landeshauptstadt Dresden\nHausmitteilung\nDatum: 21.03.2024\n"
         "Der Stadtrat hat am 9. Februar 2023 beschlossen:\n"
         "1. „Der Stadtrat bekundet seinen Willen, mit Chmelnyzkyj eine Partnerschaft einzugehen.“\n"
         "Stand: Umgesetzt am 4. Mai 2023.\nDr. Anja Köhler")

TRUTH = {
    "file": "memo.pdf",
    "genre": "hausmitteilung",
    "render": {"kind": "scan", "dpi": 300, "skew_deg": 1.0, "rotation": 0, "damage": "medium"},
    "doc_type": "Hausmitteilung",
    "doc_date": "2024-03-21",
    "title": "Beschlusskontrolle",
    "references": ["V2072/23"],
    "pages": [{"page": 1, "text": PAGE1, "render": {"source": "scan", "dpi": 300, "skew_deg": 1.0,
                                                      "rotation": 0}}],
    "entities": [
        {"label": "CITY", "value": "Dresden", "text": "Dresden", "page": 1},
        {"label": "DATE", "value": "2024-03-21", "text": "21.03.2024", "page": 1},
        {"label": "ORG", "value": "Stadtrat Dresden", "text": "Stadtrat", "page": 1},
        {"label": "DATE", "value": "2023-02-09", "text": "9. Februar 2023", "page": 1},
        {"label": "ORG", "value": "Stadtrat Dresden", "text": "Stadtrat", "page": 1},
        {"label": "CITY", "value": "Chmelnyzkyj", "text": "Chmelnyzkyj", "page": 1},
        {"label": "DATE", "value": "2023-05-04", "text": "4. Mai 2023", "page": 1},
        {"label": "PERSON", "value": "Anja Köhler", "text": "Dr. Anja Köhler", "page": 1},
    ],
    "decisions": [
        {"item": "1", "body": "Stadtrat Dresden", "decision_date": "2023-02-09", "kind": "willensbekundung",
         "votes": None, "outcome": "Umgesetzt am 4. Mai 2023.",
         "text": "Der Stadtrat bekundet seinen Willen, mit Chmelnyzkyj eine Partnerschaft einzugehen.",
         "page": 1},
    ],
}


def perfect_tables(truth: dict) -> dict[str, list[dict]]:
    doc = {"doc_id": "d1", "source_file": "in/" + truth["file"], "status": "ok", "doc_date": truth["doc_date"],
           "doc_type": truth["doc_type"], "references": "; ".join(truth["references"])}
    pages = [{"doc_id": "d1", "page": p["page"], "text": p["text"]} for p in truth["pages"]]
    ents = [{"doc_id": "d1", "entity_id": f"e{i}", "page": e["page"], "label": e["label"], "text": e["text"],
             "value": e["value"], "needs_review": False} for i, e in enumerate(truth["entities"])]
    decs = [{"doc_id": "d1", "decision_id": f"x{i}", "page": d["page"], "item": d["item"], "body": d["body"],
             "decision_date": d["decision_date"], "kind": d["kind"], "text": d["text"], "outcome": d["outcome"],
             "needs_review": False} for i, d in enumerate(truth["decisions"])]
    return {"documents": [doc], "pages": pages, "entities": ents, "decisions": decs,
            "corrections": [], "review": []}


def run(tmp_path: Path, tables: dict[str, list[dict]], truth: dict = TRUTH) -> dict:
    out, tdir = tmp_path / "out", tmp_path / "truth"
    out.mkdir(exist_ok=True)
    tdir.mkdir(exist_ok=True)
    (tdir / (truth["file"] + ".truth.json")).write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    for name, rows in tables.items():
        path = out / f"{name}.parquet"
        if rows:
            pd.DataFrame(rows).to_parquet(path)
        elif path.exists():
            path.unlink()
    return evaluate(out, tdir)


def test_perfect_output_scores_one(tmp_path):
    s = run(tmp_path, perfect_tables(TRUTH))
    for lab in ("DATE", "PERSON", "CITY", "ORG", "ALL"):
        assert s["entities"][lab]["f1"] == pytest.approx(1.0), lab
    assert s["doc_date"]["accuracy"] == 1.0
    assert s["decisions"]["precision"] == 1.0 and s["decisions"]["recall"] == 1.0
    assert s["decisions"]["outcome_accuracy"] == 1.0
    assert s["cer"]["all"]["cer"] == 0.0
    assert s["references"]["f1"] == 1.0
    assert s["documents"]["missing"] == []


def test_known_miss_counted_as_miss(tmp_path):
    t = perfect_tables(TRUTH)
    t["entities"] = [e for e in t["entities"] if e["value"] != "Chmelnyzkyj"]
    s = run(tmp_path, t)
    assert s["entities"]["CITY"]["fn"] == 1
    assert s["entities"]["CITY"]["recall"] == pytest.approx(0.5)
    assert s["entities"]["CITY"]["precision"] == 1.0


def test_repeated_value_counts_each_mention(tmp_path):
    t = perfect_tables(TRUTH)
    # one of the two Stadtrat mentions missing: a set-based score would not notice
    first = next(i for i, e in enumerate(t["entities"]) if e["label"] == "ORG")
    del t["entities"][first]
    s = run(tmp_path, t)
    assert s["entities"]["ORG"]["recall"] == pytest.approx(0.5)
    assert s["entities_distinct"]["ORG"]["recall"] == 1.0


def test_false_positive_lowers_precision(tmp_path):
    t = perfect_tables(TRUTH)
    t["entities"].append({"doc_id": "d1", "entity_id": "fp", "page": 1, "label": "PERSON", "text": "Stand",
                          "value": "Stand Umgesetzt", "needs_review": False})
    s = run(tmp_path, t)
    assert s["entities"]["PERSON"]["precision"] == pytest.approx(0.5)
    assert s["entities"]["PERSON"]["recall"] == 1.0
    assert s["flags"]["entities"]["wrong"] == 1
    assert s["flags"]["entities"]["wrong_flagged_share"] == 0.0


def test_wrong_value_is_not_a_hit(tmp_path):
    t = perfect_tables(TRUTH)
    for e in t["entities"]:
        if e["value"] == "2023-02-09":
            e["value"] = "2023-09-02"
    s = run(tmp_path, t)
    assert s["entities"]["DATE"]["tp"] == 2 and s["entities"]["DATE"]["fp"] == 1 and s["entities"]["DATE"]["fn"] == 1


def test_wrong_doc_date_lowers_accuracy(tmp_path):
    t = perfect_tables(TRUTH)
    t["documents"][0]["doc_date"] = "2023-02-09"
    s = run(tmp_path, t)
    assert s["doc_date"]["accuracy"] == 0.0
    assert s["flags"]["doc_date"]["wrong"] == 1
    # flagging it in the review queue counts as a caught error
    t["review"] = [{"review_id": "r1", "doc_id": "d1", "table_name": "documents", "field": "doc_date",
                    "status": "open"}]
    s = run(tmp_path, t)
    assert s["flags"]["doc_date"]["wrong_flagged_share"] == 1.0


def test_cer_zero_for_identical_and_positive_otherwise(tmp_path):
    t = perfect_tables(TRUTH)
    t["pages"][0]["text"] = PAGE1.replace("\n", "  \n ")  # whitespace only
    assert run(tmp_path, t)["cer"]["all"]["cer"] == 0.0
    t["pages"][0]["text"] = PAGE1.replace("Chmelnyzkyj", "Chmeinyzkyi")
    s = run(tmp_path, t)
    n = len(" ".join(PAGE1.split()))
    assert s["cer"]["all"]["cer"] == pytest.approx(2 / n)
    assert s["cer"]["scan"]["pages"] == 1


def test_missing_document_is_all_misses(tmp_path):
    t = perfect_tables(TRUTH)
    t["documents"][0]["source_file"] = "other.pdf"
    s = run(tmp_path, t)
    assert s["documents"]["missing"] == ["memo.pdf"]
    assert s["entities"]["ALL"]["recall"] == 0.0
    assert s["decisions"]["recall"] == 0.0
    assert s["cer"]["all"]["cer"] == 1.0


def test_decisions_matched_by_item_and_date_or_text(tmp_path):
    t = perfect_tables(TRUTH)
    t["decisions"][0]["text"] = "völlig anders geschrieben"
    assert run(tmp_path, t)["decisions"]["recall"] == 1.0  # item + date still match
    t["decisions"][0]["item"] = None
    assert run(tmp_path, t)["decisions"]["recall"] == 0.0  # nothing left to match on
    t = perfect_tables(TRUTH)
    t["decisions"][0]["item"] = None
    assert run(tmp_path, t)["decisions"]["recall"] == 1.0  # text similarity


def test_extra_decision_and_wrong_outcome(tmp_path):
    t = perfect_tables(TRUTH)
    extra = dict(t["decisions"][0], decision_id="x9", item="7", text="Der Stadtrat vertagt die Sache.")
    t["decisions"].append(extra)
    t["decisions"][0]["outcome"] = "Nicht umgesetzt, das Vorhaben wurde zurückgestellt."
    s = run(tmp_path, t)
    assert s["decisions"]["precision"] == pytest.approx(0.5)
    assert s["decisions"]["recall"] == 1.0
    assert s["decisions"]["outcome_accuracy"] == 0.0


RESULT_COLS = {"result": "zustimmung", "votes_yes": 12, "votes_no": 3, "votes_abstain": None, "unanimous": False,
               "referred_to": None, "reference": "V2072/23", "mention": False}


def test_result_columns_scored_where_the_truth_has_them(tmp_path):
    truth = copy.deepcopy(TRUTH)
    truth["decisions"][0].update(RESULT_COLS)
    t = perfect_tables(truth)
    t["decisions"][0].update(RESULT_COLS)
    dc = run(tmp_path, t, truth)["decisions"]
    for col in ("result", "counts", "unanimous", "referred_to", "reference", "mention"):
        assert dc[f"{col}_accuracy"] == 1.0 and dc[f"{col}_n"] == 1, col
    t["decisions"][0].update(result="ablehnung", votes_no=4, unanimous=None, mention=True)
    dc = run(tmp_path, t, truth)["decisions"]
    for col in ("result", "counts", "unanimous", "mention"):
        assert dc[f"{col}_accuracy"] == 0.0, col
    assert dc["reference_accuracy"] == 1.0
    t["decisions"][0]["votes_no"] = None  # a count the truth has and the row lacks is a miss too
    assert run(tmp_path, t, truth)["decisions"]["counts_accuracy"] == 0.0


def test_result_columns_not_counted_without_truth(tmp_path):
    t = perfect_tables(TRUTH)
    t["decisions"][0].update(RESULT_COLS)
    s = run(tmp_path, t)
    assert s["decisions"]["result_n"] == 0 and s["decisions"]["result_accuracy"] is None
    assert "result columns:   not in this truth" in format_report(s)


def test_corrections_right_and_false(tmp_path):
    t = perfect_tables(TRUTH)
    start = PAGE1.index("Chmelnyzkyj")
    t["corrections"] = [
        {"doc_id": "d1", "page": 1, "start": start, "end": start + 11, "original": "Chmeinyzkyi",
         "corrected": "Chmelnyzkyj", "score": 90.0, "source": "gazetteer", "applied": True},
        {"doc_id": "d1", "page": 1, "start": 0, "end": 7, "original": "Stadtrat",
         "corrected": "Stadtrand", "score": 88.0, "source": "lexicon", "applied": True},
        {"doc_id": "d1", "page": 1, "start": 0, "end": 7, "original": "Datum",
         "corrected": "Datun", "score": 60.0, "source": "lexicon", "applied": False},
    ]
    s = run(tmp_path, t)
    c = s["corrections"]
    assert c["applied"] == 2 and c["right"] == 1 and c["false"] == 1
    assert c["precision"] == pytest.approx(0.5)
    assert c["names_fixed"] == 1 and c["recall"] == 1.0


def test_unfixed_damaged_name_lowers_correction_recall(tmp_path):
    t = perfect_tables(TRUTH)
    t["pages"][0]["text"] = PAGE1.replace("Chmelnyzkyj", "Chmeinyzkyi")
    s = run(tmp_path, t)
    assert s["corrections"]["names_broken"] == 1
    assert s["corrections"]["recall"] == 0.0


def test_flag_rate(tmp_path):
    t = perfect_tables(TRUTH)
    for e in t["entities"][:4]:
        e["needs_review"] = True
    s = run(tmp_path, t)
    assert s["flags"]["entities"]["flag_rate"] == pytest.approx(0.5)


def test_org_leniency_is_narrow():
    assert org_match("stadtrat", "stadtrat dresden")
    assert org_match("rat der stadt dortmund", "rat der stadt dortmund")
    assert not org_match("finanzausschuss", "stadtrat dresden")
    assert not org_match("stadtrat", "ausschuss für kultur stadtrat")


def test_votes_normalised():
    assert norm_votes("12 Ja-Stimmen, 3 Nein-Stimmen, 1 Enthaltung") == norm_votes("12 Ja, 3 Nein, 1 Enthaltung")
    assert norm_votes("einstimmig beschlossen") == "einstimmig"
    assert norm_votes("12 Ja, 3 Nein, 1 Enthaltung") != norm_votes("12 Ja, 4 Nein, 1 Enthaltung")


def test_report_is_a_table(tmp_path):
    truth = copy.deepcopy(TRUTH)
    s = run(tmp_path, perfect_tables(truth), truth)
    text = format_report(s)
    for word in ("DATE", "PERSON", "CITY", "ORG", "doc_date", "decisions", "corrections", "CER", "Flags"):
        assert word in text


def test_cli_evaluate_prints_and_writes_json(tmp_path):
    from click.testing import CliRunner

    import cli

    run(tmp_path, perfect_tables(TRUTH))
    result = CliRunner().invoke(cli.main, ["evaluate", str(tmp_path / "out"), str(tmp_path / "truth")])
    assert result.exit_code == 0, result.output
    assert "doc_date accuracy" in result.output
    scores = json.loads((tmp_path / "out" / "evaluation.json").read_text(encoding="utf-8"))
    assert scores["entities"]["ALL"]["f1"] == 1.0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert CliRunner().invoke(cli.main, ["evaluate", str(tmp_path / "out"), str(empty)]).exit_code == 2
