"""Quality floors on the committed samples: the pipeline must not get worse than it is now.

Runs the whole pipeline over samples/ (real Tesseract on the scans, a few minutes), scores it
with pipeline.evaluate and checks each headline number against a floor. The floors are what
the pipeline reached when they were set, minus a small margin for run-to-run noise; raise
them as the pipeline improves (`make test-slow`).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.samples import evaluate, format_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

# (path into the scores, floor, "min" = score must be >= floor / "max" = must be <= floor)
FLOORS = [  # set on 2 cores with the committed samples; measured then: see the comment per line
    (("entities", "DATE", "f1"), 0.90, "min"),          # 0.950
    (("entities", "PERSON", "f1"), 0.83, "min"),        # 0.891
    (("entities", "CITY", "f1"), 0.93, "min"),          # 0.981
    (("entities", "ORG", "f1"), 0.85, "min"),           # 0.910
    (("doc_date", "accuracy"), 0.75, "min"),            # 0.810
    (("doc_type", "accuracy"), 0.90, "min"),            # 0.952
    (("decisions", "recall"), 0.80, "min"),             # 0.872
    (("decisions", "precision"), 0.88, "min"),          # 0.953
    (("decisions", "outcome_accuracy"), 0.90, "min"),   # 0.976
    # calibrated confidence (issue 16): more of the queue, far more of the mistakes in it
    # 0.960 when set; 0.810 on 2026-12-04 (17 of 21 wrong values): extraction fixes removed easy wrong values,
    # and 4 left unflagged are 2 doc_dates of hard scans, a day-only stamp date, a name that lost its accent
    (("flags", "all", "wrong_flagged_share"), 0.78, "min"),  # goal 0.95
    (("flags", "all", "flag_rate"), 0.25, "max"),       # 0.170 (goal <= 0.15)
    (("calibration", "all", "ece"), 0.05, "max"),       # 0.014
    (("cer", "digital", "cer"), 0.005, "max"),          # 0.000
    (("cer", "scan", "cer"), 0.05, "max"),              # 0.039
    (("cer", "damage:hard", "cer"), 0.10, "max"),       # 0.079
]


@pytest.fixture(scope="module")
def sample_scores(tmp_path_factory):
    from pipeline.config import Settings
    from pipeline.run import run

    out = tmp_path_factory.mktemp("samples-out")
    run([SAMPLES], out, Settings(use_cache=False, write_crops=False, progress=False))
    scores = evaluate(out, SAMPLES)
    print(format_report(scores))
    return scores


@pytest.mark.slow
@pytest.mark.parametrize("path,floor,direction", FLOORS, ids=[".".join(p) for p, _, _ in FLOORS])
def test_floor(sample_scores, path, floor, direction):
    value = sample_scores
    for key in path:
        value = value[key]
    assert value is not None, f"{'.'.join(path)} has no value"
    if direction == "min":
        assert value >= floor, f"{'.'.join(path)} = {value:.3f} fell below the floor {floor}"
    else:
        assert value <= floor, f"{'.'.join(path)} = {value:.3f} rose above the ceiling {floor}"


@pytest.mark.slow
def test_every_sample_scored(sample_scores):
    assert sample_scores["documents"]["missing"] == []
    assert sample_scores["documents"]["scored"] >= 20
