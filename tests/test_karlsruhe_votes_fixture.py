"""The hand-typed vote truth (tests/fixtures/karlsruhe_votes) agrees with its own printed strings.

Step 3 of that README: every typed count occurs in its printed string next to its kind of vote, and
every figure in the printed string was typed. This checks the typing, not the reading.
"""

import json
import re
from pathlib import Path

import pytest

VOTES_DIR = Path(__file__).parent / "fixtures" / "karlsruhe_votes"
FIELDS = {"file", "split", "part", "yes", "no", "abstain", "printed"}
NUMBER_WORDS = {1: "eine[rnms]?", 2: "zwei", 3: "drei"}
KIND = {
    "yes": r"(Ja\b|JA\b|Ja-|JA-|Ja\d|Zustimmung)",
    "no": r"(Nein|NEIN|Gegenstimme)",
    "abstain": r"Enthaltung",
}


def _rows() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(VOTES_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append((path.stem, json.loads(line)))
    return out


def count_problems(row: dict) -> list[str]:
    """What in a row's typed counts its printed string does not bear out (empty when all agree)."""
    printed = row["printed"]
    problems = []
    for key, kind in KIND.items():
        value = row[key]
        if value is None:
            continue
        number = str(value) if value not in NUMBER_WORDS else f"({value}|{NUMBER_WORDS[value]})"
        if not re.search(rf"(?<!\d)\b{number}\s+{kind}", printed, re.IGNORECASE):
            problems.append(f"{key}={value} not printed")
    typed = {row[k] for k in KIND if row[k] is not None}
    # a digit glued to a word is a misprint, not a count ("(43 Ja9" in dev 679622)
    for figure in {int(x) for x in re.findall(r"(?<![^\W\d])\d+", printed)} - typed:
        problems.append(f"printed figure {figure} not typed")
    return problems


def test_fixture_files_cover_the_three_splits():
    assert {p.stem for p in VOTES_DIR.glob("*.jsonl")} == {"train", "dev", "test"}


@pytest.mark.parametrize("stem,row", _rows(), ids=lambda x: x if isinstance(x, str) else x["file"])
def test_row_is_well_formed_and_counts_are_printed(stem, row):
    assert set(row) == FIELDS
    assert row["split"] == stem
    assert re.fullmatch(r"\d+", row["file"])
    assert any(row[k] is not None for k in KIND)
    assert count_problems(row) == []


def test_check_catches_a_mistyped_count():
    row = {"yes": 38, "no": 2, "abstain": None, "printed": "mehrheitlich zugestimmt (38 Ja, 1 Nein)"}
    assert count_problems(row) == ["no=2 not printed", "printed figure 1 not typed"]
    row = {"yes": 42, "no": None, "abstain": 1, "printed": "Bei 42 Ja-Stimmen und einer Enthaltung"}
    assert count_problems(row) == []
    row = {"yes": 1, "no": None, "abstain": None, "printed": "Bei 42 Ja-Stimmen und einer Enthaltung"}
    assert count_problems(row) == ["yes=1 not printed", "printed figure 42 not typed"]
    assert count_problems({"yes": 43, "no": None, "abstain": None, "printed": "Einstimmige Zustimmung (43 Ja9"}) == []
