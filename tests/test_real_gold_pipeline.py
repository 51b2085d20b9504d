"""evaluation/real_gold_pipeline.py scores by value, as a multiset per document and label: a value found
once where the gold names it twice is one hit and one miss; a value the gold lacks is a false value."""
from __future__ import annotations

from evaluation.real_gold_pipeline import Scores, score_values


def test_values_match_as_a_multiset():
    s = Scores()
    score_values("d", ["Karlsruhe", "Karlsruhe", "Köln"], ["Karlsruhe", "Fresno"], "CITY", s)
    assert (s.tp["CITY"], s.fp["CITY"], s.fn["CITY"]) == (1, 1, 2)
    assert sorted(e[1:] for e in s.errors) == [("FALSE", "CITY", "fresno"), ("MISS", "CITY", "karlsruhe"),
                                               ("MISS", "CITY", "köln")]
    f = s.figures("CITY")
    assert (f["P"], f["R"], f["F1"]) == (0.5, 0.3333, 0.4)


def test_values_are_compared_normalised():
    s = Scores()
    score_values("d", ["Frank  Mentrup", "Gemeinderat Karlsruhe"], ["frank mentrup", "Gemeinderat Karlsruhe"], "X", s)
    assert (s.tp["X"], s.fp["X"], s.fn["X"]) == (2, 0, 0)


def test_the_most_confident_predictions_of_a_value_count_as_the_right_ones():
    s = Scores()
    score_values("d", ["Karlsruhe"], ["Karlsruhe", "Karlsruhe", "Fresno"], "CITY", s,
                 [(0.6, True), (0.99, False), (0.9, False)])
    assert sorted(s.flags) == [("CITY", False, False), ("CITY", False, True), ("CITY", True, False)]
    r = s.review()
    assert (r["values"], r["wrong"], r["wrong_flagged"]) == (3, 2, 1) and abs(r["flagged"] - 1 / 3) < 1e-9
