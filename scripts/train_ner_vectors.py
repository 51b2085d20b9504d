#!/usr/bin/env python
"""Train small word2vec vectors for the NER model on text we may train on (input to scripts/train_ner.py).

Usage (from the repo root, with the project venv and gensim from the ``build`` extra)::

    OMP_THREAD_LIMIT=1 python scripts/train_ner_vectors.py --out /tmp/ner_w2v.npz

Text used (lowercased spaCy ``de`` tokens, as the NER model's vectors are keyed by ``LOWER``):

* ``karlsruhe-protocols/council-corpus.jsonl.gz`` *without* the 20 documents held out for the
  hand-annotated NER test set (rule given in the task: texts of 300-8,000 characters, shuffled with
  ``random.Random(15)``, the first 20);
* ``karlsruhe-protocols/texts/*.txt`` whose ``split`` in ``gold.jsonl`` is ``train``;
* in both, none of the hand-annotated real documents of ``tests/real_gold`` (any part: the train parts
  judge the NER model as unseen text; the vectors of the shipped model, trained before this rule,
  did read the 87 train-part documents);
* the *training* parts of the NER corpora as ``scripts/train_ner.py`` splits them (same seed and dev
  fraction), so no dev sentence and no test split is read.

Why word2vec skip-gram on ~2 M tokens: it is the only distributional signal we can make here (no
pretrained German vectors may be used); it is deterministic with one worker and a fixed seed
(gensim's ``hashfxn`` replaced by a stable hash). Writes an ``.npz`` with ``words`` and ``vectors``
(unit length); train_ner.py joins them with the gazetteer features.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import gzip
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_ner import SEED, load_fixed_splits, load_sources, split_sources  # noqa: E402

HELD_OUT_SEED = 15
HELD_OUT_N = 20
REAL_GOLD = Path(__file__).resolve().parents[1] / "tests" / "real_gold"


def held_out_council(rows: list[dict]) -> set[int]:
    """Indices (file order) of the council documents reserved for the hand-annotated NER test set."""
    lines = [i for i, obj in enumerate(rows) if 300 <= len(obj["text"]) <= 8000]
    random.Random(HELD_OUT_SEED).shuffle(lines)
    return set(lines[:HELD_OUT_N])


def stable_hash(text: str) -> int:
    """Replaces Python's per-process randomised ``hash`` for gensim's vector initialisation."""
    return int.from_bytes(hashlib.md5(text.encode("utf-8")).digest()[:4], "little")


def real_gold_documents(real_gold: Path = REAL_GOLD) -> tuple[set[int], set[str]]:
    """Every hand-annotated real document (``tests/real_gold``, all parts, train parts too): council-corpus
    lines and protocol file names. Their text stays out of the vectors, so that the train parts can judge
    the NER model as unseen text (issue 15) and the tune/check halves stay unseen altogether."""
    lines: set[int] = set()
    files: set[str] = set()
    for path in sorted(real_gold.glob("*/*.json")):
        if path.name == "split.json":
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        if gold.get("line") is not None:
            lines.add(int(gold["line"]))
        elif gold.get("source"):
            files.add(Path(gold["source"]).name)
    return lines, files


def council_texts(protocols: Path, real_gold: Path = REAL_GOLD) -> list[str]:
    with gzip.open(protocols / "council-corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    gold_lines, gold_files = real_gold_documents(real_gold)
    skip = held_out_council(rows) | gold_lines
    texts = [r["text"] for i, r in enumerate(rows) if i not in skip]
    gold = [json.loads(line) for line in open(protocols / "gold.jsonl", encoding="utf-8")]
    for g in sorted(gold, key=lambda g: g["file"]):
        if g["split"] == "train" and Path(g["file"]).name not in gold_files:
            texts.append((protocols / "texts" / Path(g["file"]).name).read_text(encoding="utf-8"))
    return texts


def corpus(data: Path, protocols: Path, dev_frac: float, seed: int) -> list[list[str]]:
    import spacy

    nlp = spacy.blank("de")
    sents: list[list[str]] = []
    for text in council_texts(protocols):
        for para in text.split("\n\n"):
            toks = [t.lower_ for t in nlp.make_doc(" ".join(para.split())) if not t.is_space]
            if len(toks) >= 3:
                sents.append(toks)
    n_council = len(sents)
    train, _, _ = split_sources(load_sources(data), dev_frac, 1.0, seed, load_fixed_splits(data))
    sents += [[w.lower() for w in words] for _, (words, _) in train]
    print(f"{n_council} council paragraphs, {len(sents) - n_council} NER training sentences, "
          f"{sum(map(len, sents)):,} tokens", flush=True)
    return sents


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ner-de"))
    ap.add_argument("--protocols", type=Path, default=Path("../shared/data/karlsruhe-protocols"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--dev-frac", type=float, default=0.10, help="must match train_ner.py's")
    args = ap.parse_args(argv)

    from gensim.models import Word2Vec

    t0 = time.time()
    sents = corpus(args.data, args.protocols, args.dev_frac, args.seed)
    model = Word2Vec(sentences=sents, vector_size=args.dim, window=args.window, min_count=args.min_count,
                     sg=1, negative=10, epochs=args.epochs, workers=1, seed=args.seed, hashfxn=stable_hash)
    words = list(model.wv.index_to_key)
    vecs = model.wv.vectors.astype("float32")
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-8)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, words=np.array(words), vectors=vecs)
    print(f"{len(words):,} words x {args.dim} -> {args.out} in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
