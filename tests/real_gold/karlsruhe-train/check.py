"""Verify the hand-made gold of karlsruhe-protocols train against the original texts (stdlib only).

The checks are those of ../karlsruhe-dev/check.py (loaded from there), with this folder's selection rule
(train split, seed 20261204, the first 30 candidates: 20 'train' + 10 'train2', see README.md) and its `labels` key (each file lists the labels annotated).

Run: python tests/real_gold/karlsruhe-train/check.py   (data from $RATSAKTEN_SHARED_DATA or <repo>/../shared/data)
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("karlsruhe_dev_check", HERE.parent / "karlsruhe-dev" / "check.py")
dev_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dev_check)
dev_check.HERE = HERE
dev_check.SET_NAME = "karlsruhe-protocols-train"
dev_check.SPLIT, dev_check.SEED = "train", 20261204
dev_check.COUNT = 30  # the first 20 are split.json's "train", the next 10 "train2" (issue 15, person5)
dev_check.TOP_KEYS = dev_check.TOP_KEYS | {"labels"}

if __name__ == "__main__":
    sys.exit(dev_check.main())
