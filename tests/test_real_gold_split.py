"""The parts of tests/real_gold/split.json (issue 15/16): train, train2 and train3 are for writing rules, tune for
choosing, check for reporting; no document is in two parts, and every listed document has its gold file."""
from __future__ import annotations

import json

import pytest

from evaluation import real_gold as rg


def test_parts_are_disjoint_and_have_files():
    sets = rg.load_split()
    for set_name, parts in sets.items():
        seen: dict[str, str] = {}
        for part, ids in parts.items():
            for doc_id in ids:
                assert doc_id not in seen, f"{set_name}/{doc_id} in {seen.get(doc_id)} and {part}"
                seen[doc_id] = part
                assert (rg.GOLD / set_name / f"{doc_id}.json").exists()
    assert len(sets["karlsruhe-train"]["train2"]) == 10 and len(sets["council-corpus"]["train2"]) == 10
    assert len(sets["karlsruhe-train3"]["train3"]) == 12 and "karlsruhe-train3" in rg.SETS


def test_train3_is_person_only_and_apart_from_every_other_document():
    sets = rg.load_split()
    others = {f"karlsruhe-protocols/texts/{i}.txt" for name, parts in sets.items() if name != "karlsruhe-train3"
              for ids in parts.values() for i in ids}
    for doc_id in sets["karlsruhe-train3"]["train3"]:
        gold = json.loads((rg.GOLD / "karlsruhe-train3" / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert gold["labels"] == ["PERSON"] and gold["source"] not in others


def test_trainall_is_train_plus_train2_plus_train3():
    assert rg._UNIONS["trainall"] == ("train", "train2", "train3") and rg._UNIONS["all"] == ("tune", "check")


def test_errors_are_refused_for_check(capsys):
    with pytest.raises(SystemExit):
        rg.main(["--split", "check", "--errors"])
    assert "check is reported" in capsys.readouterr().err
