"""Per-kind review thresholds chosen together (pipeline/calibrate.allocate_thresholds)."""
from pipeline.calibrate import allocate_thresholds, choose_threshold


def _flags(per_kind, thr):
    flagged = sum(p < thr[k] for k, vals in per_kind.items() for p, _ in vals)
    caught = sum(p < thr[k] for k, vals in per_kind.items() for p, r in vals if not r)
    return flagged, caught


def test_a_kind_whose_wrong_values_cost_many_flags_is_left_for_cheaper_ones():
    # ORG: 9 wrong values among its 12 least probable, and one more among the few ORG values near 0.985;
    # decision: 1 wrong row hidden among 40 rows at 0.97-0.99
    org = [(0.1 + 0.02 * i, i >= 9) for i in range(12)] + [(0.984, True), (0.985, False), (0.986, True)]
    org += [(0.995, True)] * 30
    dec = [(0.97 + 0.0005 * i, i != 10) for i in range(40)]
    per_kind = {"ORG": org, "decision": dec}
    thr = allocate_thresholds(per_kind, 0.9)  # 10 of the 11 wrong values
    flagged, caught = _flags(per_kind, thr)
    assert caught == 10
    assert flagged == 14  # ORG up to its wrong value at 0.985
    assert not any(p < thr["decision"] for p, _ in dec)  # no decision row is worth its flag here
    # one pooled threshold reaches the same share only through the decision rows
    pooled = choose_threshold([p for v in per_kind.values() for p, _ in v], [r for v in per_kind.values() for _, r in v], 0.9)
    assert _flags(per_kind, {"ORG": pooled, "decision": pooled}) == (23, 10)


def test_the_share_is_reached_even_when_it_needs_an_expensive_kind():
    org = [(0.1, False)] * 5 + [(0.9, True)] * 5
    dec = [(0.97 + 0.001 * i, i != 30) for i in range(40)]
    per_kind = {"ORG": org, "decision": dec}
    thr = allocate_thresholds(per_kind, 1.0)
    flagged, caught = _flags(per_kind, thr)
    assert caught == 6
    assert flagged == 5 + 31  # the 5 sure-wrong ORG values and decision rows up to the wrong one


def test_ties_move_together_and_no_wrong_values_flag_nothing():
    per_kind = {"CITY": [(0.5, False), (0.5, True), (0.9, True)]}
    thr = allocate_thresholds(per_kind, 0.95)
    assert _flags(per_kind, thr) == (2, 1)
    assert allocate_thresholds({"CITY": [(0.5, True)]}, 0.95) == {"CITY": 0.0}
