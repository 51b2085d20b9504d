#!/usr/bin/env python3
"""Rebuild models/spacy, the saved Ratsakten spaCy pipeline (a directory you can diff).

    python scripts/build_models.py [--models models]

It combines blank German, the NER component trained by scripts/train_ner.py (models/ner, when
present), and our rule/gazetteer and decision components with their cue lists. The gazetteers
themselves are rebuilt by scripts/build_gazetteers.py.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import nlp as nlp_mod  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=Path, default=ROOT / "models")
    args = ap.parse_args()
    out = args.models / "spacy"
    if out.exists():
        shutil.rmtree(out)
    path = nlp_mod.save(args.models)
    nlp = nlp_mod.load.__wrapped__(str(args.models))
    doc = nlp("Oberbürgermeister Dirk Hilbert empfing am 21. März 2024 in Dresden Gäste aus Chmelnyzkyj.")
    print(f"saved {path}: pipes {nlp.pipe_names}")
    for span in doc.spans["ratsakten"]:
        print(f"  {span.label_:6} {span.text!r} -> {span._.rs['value']!r}")


if __name__ == "__main__":
    main()
