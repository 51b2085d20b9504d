"""The parts of tests/real_gold/split.json (issue 15/16): train, train2, train3 and train4 are for writing rules,
tune for choosing, check for reporting; no document is in two parts, and every listed document has its gold file."""
from __future__ import annotations

import gzip
import json
import random
import re

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


def test_train4_is_person_and_date_drawn_by_its_rule():
    """train4 (person7): re-draw it by the rule in split.json's train4_why, excluding the council documents that
    were in tests/real_gold before it, and check its files carry PERSON and DATE only."""
    sets = rg.load_split()
    train4 = sets["council-corpus"]["train4"]
    path = rg.data_root() / "karlsruhe-protocols" / "council-corpus.jsonl.gz"
    if not path.exists():
        pytest.skip("shared data not found (set RATSAKTEN_SHARED_DATA)")
    later = ("train4", "train5", "train6", "train7", "train8")
    before = {int(i) for part, ids in sets["council-corpus"].items() if part not in later for i in ids}
    people = re.compile(r"\b(Herr|Frau|Herrn|Oberbürgermeister(in)?|Bürgermeister(in)?|Stadtr(at|ätin)|Dr\.)"
                        r"\s+[A-ZÄÖÜ]")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    lines = [i for i, t in enumerate(texts)
             if 300 <= len(t) <= 8000 and i not in before and len(people.findall(t)) >= 2]
    random.Random(20261206).shuffle(lines)
    assert [int(i) for i in train4] == sorted(lines[:20])
    for doc_id in train4:
        gold = json.loads((rg.GOLD / "council-corpus" / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert gold["labels"] == ["PERSON", "DATE"]
        assert {e["label"] for e in gold["entities"]} <= {"PERSON", "DATE"}


def test_trainall_is_train_plus_train2_plus_train3_plus_train4():
    assert rg._UNIONS["trainall"] == ("train", "train2", "train3", "train4") and rg._UNIONS["all"] == ("tune", "check")


def test_errors_are_refused_for_check(capsys):
    with pytest.raises(SystemExit):
        rg.main(["--split", "check", "--errors"])
    assert "check is reported" in capsys.readouterr().err


FOUR_LABEL_PARTS = ("train6", "train7", "train8")  # in the order they were drawn (train5's corpus rule is in split.json)


def _redrawn_four_label_part(part: str, seed: int, exclude: frozenset[int] = frozenset()) -> None:
    """A four-label part of 24 council documents and 12 protocols: re-draw its council documents by the rule in
    split.json's <part>_why (lines of 300-8,000 characters in no council-corpus part drawn before it and not in
    ``exclude``, ``random.Random(seed)``, the first 24) and check every file names PERSON, CITY, DISTRICT, DATE
    and no ORG mention."""
    sets = rg.load_split()
    path = rg.data_root() / "karlsruhe-protocols" / "council-corpus.jsonl.gz"
    if not path.exists():
        pytest.skip("shared data not found (set RATSAKTEN_SHARED_DATA)")
    later = FOUR_LABEL_PARTS[FOUR_LABEL_PARTS.index(part):]  # this part and those drawn after it
    before = {int(i) for name, ids in sets["council-corpus"].items() if name not in later for i in ids}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lengths = [len(json.loads(line)["text"]) for line in fh]
    lines = [i for i, n in enumerate(lengths) if 300 <= n <= 8000 and i not in before and i not in exclude]
    random.Random(seed).shuffle(lines)
    assert [int(i) for i in sets["council-corpus"][part]] == sorted(lines[:24])
    files = [rg.GOLD / "council-corpus" / f"{i}.json" for i in sets["council-corpus"][part]]
    files += [rg.GOLD / f"karlsruhe-{part}" / f"{i}.json" for i in sets[f"karlsruhe-{part}"][part]]
    assert len(files) == 36
    for f in files:
        gold = json.loads(f.read_text(encoding="utf-8"))
        assert gold["labels"] == ["PERSON", "CITY", "DISTRICT", "DATE"]
        assert {e["label"] for e in gold["entities"]} <= {"PERSON", "CITY", "DISTRICT", "DATE"}


def test_train6_is_drawn_by_its_rule_and_carries_four_labels():
    """train6 (2026-12-08): seed 20261208."""
    _redrawn_four_label_part("train6", 20261208)


# council-corpus lines the lead had read parts of (rule diffs of 2026-12-08) before train7 was drawn
READ_BEFORE_TRAIN7 = {5, 33, 37, 107, 134, 160, 192, 193, 262, 263, 305, 328, 373, 415, 426, 427, 429, 528, 531, 533,
                      561, 592, 602, 618, 652, 666, 670, 679, 699, 748, 751, 811, 812, 835, 905, 955, 1055, 1078, 1113,
                      1125, 1129, 1147, 1153, 1180, 1186, 1199, 1202, 1244, 1284, 1285, 1308, 1312, 1314, 1369, 1381,
                      1392, 1403, 1404, 1441, 1462, 1472}


def test_train7_is_drawn_by_its_rule_and_carries_four_labels():
    """train7 (2026-12-08, later): seed 20261209, leaving out the lines the lead had read that day."""
    _redrawn_four_label_part("train7", 20261209, frozenset(READ_BEFORE_TRAIN7))


# and the lines read after train7 was drawn, before train8 was
READ_BEFORE_TRAIN8 = READ_BEFORE_TRAIN7 | {381, 389, 413, 489, 807, 808, 1076, 1401}


def test_train8_is_drawn_by_its_rule_and_carries_four_labels():
    """train8 (2026-12-08, last): seed 20261210, leaving out the lines the lead had read that day."""
    _redrawn_four_label_part("train8", 20261210, frozenset(READ_BEFORE_TRAIN8))
