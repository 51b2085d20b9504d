#!/usr/bin/env python
"""Train Ratsakten's German statistical NER component (``models/ner/``).

Usage (from the repo root, with the project venv)::

    python scripts/train_ner.py --data ../shared/data/ner-de --out models/ner [--max-minutes N]

What it does
------------
1. Reads four German NER corpora from ``--data`` (see ``shared/data/MANIFEST.md``,
   sections "ner-de" and "ner-de additions") and maps them to the labels
   PER / LOC / ORG / MISC:

   * **GermEval 2014 dev** (``SuperGLEBer/data/NER/Wiki_News/dev.tsv``), outer
     column only. PER/LOC/ORG stay as they are; OTH and every ``*deriv`` /
     ``*part`` subtype (``LOCderiv`` "deutsche", ``ORGpart`` "EU-Kommission" ...)
     become MISC. GermEval scores the subtypes as classes of their own, so
     calling "deutschen" a LOC is a false positive on the benchmark; teaching
     the model an explicit "entity-like, but not PER/LOC/ORG" class keeps those
     tokens out of the three scored classes.
   * **LER** (German court decisions, ``SuperGLEBer/data/NER/Legal/{test,dev}.conll``, pooled):
     PER/RR(judge)/AN(lawyer) -> PER; ST(city)/STR(street)/LD(country)/
     LDS(landscape) -> LOC; ORG/UN(company)/INN(institution)/GRT(court)/
     MRK(brand) -> ORG. The legal-reference classes GS (law), VO, EUN, VS, VT,
     RS (case citation) and LIT (literature) have no GermEval counterpart that
     lines up with their span boundaries ("§ 5 Abs. 2 BImSchG"), so their
     tokens are marked as *missing* annotation: the model gets no gradient
     there (neither "entity" nor "O"). Sentences without any PER/LOC/ORG/MISC
     span are subsampled (``--empty-frac``), because LER is mostly O.
   * **Europeana Newspapers** (``ner-corpora/enp_DE.*.bio/*.bio``), historical
     newspapers with real OCR noise: ``#`` comment lines and page-marker junk
     (``* [**L000...``) are dropped, IOB1-style ``I-`` starts are repaired, typos
     (``B-PEr``, ``I_ORG``, ``B-BER``) normalised, ``I-MISC`` -> MISC, other
     stray tags -> O. The files have no sentence breaks, so the token stream is
     cut into pseudo-sentences after a token ending in ``.``/``!``/``?`` that is
     followed by a capitalised token (never inside an entity; hard limit 60 tokens). Chunks without entities are subsampled like LER.
   * **German Europarl** (``SuperGLEBer/data/NER/EuroParl/{train,dev}.tsv``, parliamentary debates, IOB1,
     NER in column 5): PER/LOC/ORG/MISC as they are. Its own dev split is the Europarl dev set; its
     test split is read only by ``scripts/eval_ner.py``.

   **GermEval 2014 test and Europarl test are never read here** - they are the benchmarks only
   (``scripts/eval_ner.py``).
   Training-only additions (the dev split stays untouched): GermEval sentences
   are seen ``--germeval-repeat`` (2) times per epoch, since GermEval is the
   benchmark domain; whitespace tokens (``\n``, double spaces - what
   ``spacy.blank("de")`` makes of PDF line breaks) are inserted outside
   entities with probability ``--whitespace`` (0.03) so that entities do not run
   on over line breaks; optional mention replacement (``--augment``, off by
   default: it did not help on dev).
2. Holds out ``--dev-frac`` (10 %) of every pooled source (seeded shuffle; Europarl: its dev split)
   as the dev set for early stopping / model selection. The selection score is the weighted mean
   (``--select-weights``: GermEval 2, Europarl 1, LER 0.5, Europeana 0.5 - GermEval is the benchmark
   domain, Europarl the nearest to council language) of the micro F1 over PER/LOC/ORG exact spans on
   each source's dev part.
3. Builds ``spacy.blank("de")`` + one ``ner`` component whose model carries its
   *own* ``spacy.Tok2Vec.v2`` (MultiHashEmbed over NORM/PREFIX/SUFFIX/SHAPE + static vectors +
   MaxoutWindowEncoder, no listener). The static vectors (``scripts/ner_features.py``) are keyed by
   ``LOWER``: 0/1 gazetteer and lexicon features from ``--features`` (models/gazetteer: frequency
   band, given name, city and its size, country, organisation, role, title, city demonym), followed,
   with ``--word-vectors``, by word2vec vectors from ``scripts/train_ner_vectors.py``. They are saved
   in the model's vocab, so a pipeline that sources the component must take the vectors too:
   ``nlp.vocab.vectors = src.vocab.vectors; nlp.add_pipe("ner", source=src)``
   (``pipeline/extract/nlp.py::_add_ner``).
4. Trains with spaCy's Adam (+ parameter averaging), batch-by-words with a
   compounding batch size and dropout 0.1, evaluates every ``--eval-every``
   steps and keeps the best (averaged) weights. Stops at ``--max-minutes`` of
   training wall clock, ``--max-steps`` or after ``--patience`` evaluations
   without improvement, whatever comes first.
5. Writes the best model to ``--out`` (only the final model: no checkpoints),
   plus ``training_info.json`` (data sizes, label mapping, settings, dev
   scores, time). DocBins of the converted data go to ``--work`` (default a
   directory under /tmp), never into the repository.

Reproducibility: all shuffling and initialisation use the fixed seed
``--seed`` (default 20140901). A run limited by wall clock stops at a
machine-dependent step; ``training_info.json`` records the step count and the
best step, so ``--max-minutes 0 --max-steps <steps>`` replays the same
schedule (single-threaded numpy/BLAS; thread limits are set below before
numpy is imported).
"""
from __future__ import annotations

import os

# Training is single-threaded in practice (thinc CPU ops); keep BLAS pools
# from oversubscribing a 2-core machine shared with other developers.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

SEED = 20140901
LABELS = ("PER", "LOC", "ORG", "MISC")
SCORED = ("PER", "LOC", "ORG")
MISSING = "-"  # pseudo-label: tokens with unknown annotation

GERMEVAL_DEV = "SuperGLEBer/data/NER/Wiki_News/dev.tsv"
GERMEVAL_TEST = "SuperGLEBer/data/NER/Wiki_News/test.tsv"
LER_FILES = ("SuperGLEBer/data/NER/Legal/test.conll", "SuperGLEBer/data/NER/Legal/dev.conll")
EUROPARL_TRAIN = "SuperGLEBer/data/NER/EuroParl/train.tsv"
EUROPARL_DEV = "SuperGLEBer/data/NER/EuroParl/dev.tsv"
EUROPARL_TEST = "SuperGLEBer/data/NER/EuroParl/test.tsv"
EUROPEANA_GLOB = "ner-corpora/enp_DE.*.bio/*.bio"

# Label mappings (documented in the module docstring).
GERMEVAL_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}
LER_MAP = {
    "PER": "PER", "RR": "PER", "AN": "PER",
    "ST": "LOC", "STR": "LOC", "LD": "LOC", "LDS": "LOC",
    "ORG": "ORG", "UN": "ORG", "INN": "ORG", "GRT": "ORG", "MRK": "ORG",
    "GS": MISSING, "VO": MISSING, "EUN": MISSING, "VS": MISSING,
    "VT": MISSING, "RS": MISSING, "LIT": MISSING,
}
EUROPEANA_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC", "BER": "PER"}
EUROPARL_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}

Sentence = tuple[list[str], list[str]]  # words, IOB2 tags with mapped labels


# --------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------
def _split_tag(tag: str) -> tuple[str, str]:
    """'B-LOCderiv' -> ('B', 'LOCderiv'); 'O' or junk -> ('O', '')."""
    tag = tag.strip().replace("_", "-")
    if len(tag) > 2 and tag[0] in "BIbi" and tag[1] == "-":
        return tag[0].upper(), tag[2:]
    return "O", ""


def map_germeval(label: str) -> str:
    if label.endswith(("deriv", "part")):
        return "MISC"
    return GERMEVAL_MAP.get(label, "O")


def map_ler(label: str) -> str:
    return LER_MAP.get(label, "O")


def map_europeana(label: str) -> str:
    return EUROPEANA_MAP.get(label.upper(), "O")


def normalise_iob(tags: list[tuple[str, str]]) -> list[str]:
    """(prefix, mapped label) pairs -> IOB2 strings; repairs IOB1 'I-' starts."""
    out: list[str] = []
    prev = "O"
    for prefix, label in tags:
        if prefix == "O" or label == "O":
            out.append("O")
            prev = "O"
            continue
        if prefix == "I" and prev == label:
            out.append(f"I-{label}")
        else:
            out.append(f"B-{label}")
        prev = label
    return out


def read_germeval(path: Path) -> list[Sentence]:
    """GermEval 2014 TSV (index, token, outer, nested); outer column only."""
    sents: list[Sentence] = []
    words: list[str] = []
    tags: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 3 or not cols[0].isdigit():  # blank or '#' source line
                if words:
                    sents.append((words, normalise_iob(tags)))
                    words, tags = [], []
                continue
            prefix, label = _split_tag(cols[2])
            words.append(cols[1])
            tags.append((prefix, map_germeval(label) if prefix != "O" else "O"))
    if words:
        sents.append((words, normalise_iob(tags)))
    return sents


def read_europarl(path: Path, mapped: bool = True) -> list[Sentence]:
    """German Europarl NER TSV: token, lemma, POS, chunk, NER (IOB1); blank line between sentences.

    ``mapped=False`` keeps the original labels (for scoring)."""
    sents: list[Sentence] = []
    words: list[str] = []
    tags: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 5:
                if words:
                    sents.append((words, normalise_iob(tags)))
                    words, tags = [], []
                continue
            prefix, label = _split_tag(cols[4])
            words.append(cols[0])
            tags.append((prefix, (EUROPARL_MAP.get(label, "O") if mapped else label) if prefix != "O" else "O"))
    if words:
        sents.append((words, normalise_iob(tags)))
    return sents


def read_ler(path: Path) -> list[Sentence]:
    """LER CoNLL: 'token tag' per line, blank line between sentences (CRLF)."""
    sents: list[Sentence] = []
    words: list[str] = []
    tags: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.strip().split()
            if not cols:
                if words:
                    sents.append((words, normalise_iob(tags)))
                    words, tags = [], []
                continue
            prefix, label = _split_tag(cols[-1]) if len(cols) > 1 else ("O", "")
            words.append(cols[0])
            tags.append((prefix, map_ler(label) if prefix != "O" else "O"))
    if words:
        sents.append((words, normalise_iob(tags)))
    return sents


_EUROPEANA_JUNK = re.compile(r"^\*\s*\[\*\*L\d+")
_SENT_END = {".", "!", "?"}


def read_europeana(path: Path, max_len: int = 60) -> list[Sentence]:
    """Europeana .bio: 'token tag' lines, no sentence breaks -> pseudo-sentences."""
    docs: list[list[tuple[str, tuple[str, str]]]] = [[]]
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if line.startswith("#"):
                if line.startswith("# file:") and docs[-1]:
                    docs.append([])  # new newspaper page
                continue
            if not line.strip() or _EUROPEANA_JUNK.match(line):
                continue
            cols = line.split()
            if len(cols) == 1:
                word, tag = cols[0], "O"
            else:
                word, tag = "".join(cols[:-1]), cols[-1]
            prefix, label = _split_tag(tag)
            docs[-1].append((word, (prefix, map_europeana(label) if prefix != "O" else "O")))
    sents: list[Sentence] = []
    for doc in docs:
        if not doc:
            continue
        words = [w for w, _ in doc]
        tags = normalise_iob([t for _, t in doc])
        start = 0
        for i in range(len(words)):
            nxt = tags[i + 1] if i + 1 < len(words) else "O"
            inside_next = nxt.startswith("I-")
            length = i + 1 - start
            ends = words[i][-1:] in _SENT_END and (i + 1 == len(words) or words[i + 1][:1].isupper())
            cut = (ends and length >= 4) or length >= max_len
            if cut and not inside_next:
                sents.append((words[start : i + 1], tags[start : i + 1]))
                start = i + 1
        if start < len(words):
            sents.append((words[start:], tags[start:]))
    return sents


def iob_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 tags -> [(start, end_exclusive, label)]; tolerant of IOB1 starts."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, lab = (tag[0], tag[2:]) if tag != "O" and len(tag) > 2 else ("O", None)
        if start is not None and (prefix != "I" or lab != label):
            spans.append((start, i, label))
            start, label = None, None
        if prefix in ("B", "I") and start is None:
            start, label = i, lab
    return spans


def has_entity(sent: Sentence) -> bool:
    return any(t.startswith("B-") and t[2:] != MISSING for t in sent[1])


def load_sources(data: Path) -> dict[str, list[Sentence]]:
    """Sentence pools that ``split_sources`` splits by a seeded shuffle."""
    sources = {
        "germeval_dev": read_germeval(data / GERMEVAL_DEV),
        "ler": [s for f in LER_FILES for s in read_ler(data / f)],
        "europeana": [],
    }
    for path in sorted(data.glob(EUROPEANA_GLOB)):
        sources["europeana"].extend(read_europeana(path))
    return sources


def load_fixed_splits(data: Path) -> dict[str, tuple[list[Sentence], list[Sentence]]]:
    """Sources that come with their own train/dev split (test stays unread)."""
    return {"europarl": (read_europarl(data / EUROPARL_TRAIN), read_europarl(data / EUROPARL_DEV))}


# --------------------------------------------------------------------------
# spaCy conversion
# --------------------------------------------------------------------------
def to_doc(vocab, sent: Sentence):
    """Sentence -> Doc with entities; MISSING spans get unknown (not O) annotation."""
    from spacy.tokens import Doc, Span

    words, tags = sent
    doc = Doc(vocab, words=words)
    ents, missing = [], []
    for start, end, label in iob_to_spans(tags):
        if label == MISSING:
            missing.append(Span(doc, start, end))
        else:
            ents.append(Span(doc, start, end, label=label))
    doc.set_ents(ents, missing=missing, default="outside")
    return doc


CONFIG_TEMPLATE = """
[nlp]
lang = "de"
pipeline = ["ner"]
batch_size = 256

[components]

[components.ner]
factory = "ner"
moves = null
update_with_oracle_cut_size = 100
incorrect_spans_key = null
scorer = {{"@scorers":"spacy.ner_scorer.v1"}}

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = {hidden}
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

{embed}

[components.ner.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {width}
depth = {depth}
window_size = 1
maxout_pieces = 3

[training]
seed = {seed}
dropout = {dropout}

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = {learn_rate}

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = {batch_stop}
compound = 1.001
"""


EMBED_MULTIHASH = """[components.ner.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [{rows_norm}, {rows_other}, {rows_other}, {rows_shape}]
include_static_vectors = {static}"""

# Character variant: embeddings of the first/last nC/2 UTF-8 bytes + hashed NORM.
EMBED_CHAR = """[components.ner.model.tok2vec.embed]
@architectures = "spacy.CharacterEmbed.v2"
width = {width}
rows = {rows_norm}
nM = 64
nC = 8
include_static_vectors = false
feature = "NORM"
"""


def build_config(args) -> str:
    embed = (EMBED_CHAR if args.embed == "char" else EMBED_MULTIHASH).format(
        static="true" if args.features else "false", width=args.width, rows_norm=args.rows_norm, rows_other=args.rows_other,
        rows_shape=max(1000, args.rows_other // 2))
    return CONFIG_TEMPLATE.format(
        embed=embed, width=args.width, depth=args.depth, hidden=args.hidden,
        rows_norm=args.rows_norm, rows_other=args.rows_other,
        rows_shape=max(1000, args.rows_other // 2),
        seed=args.seed, dropout=args.dropout, learn_rate=args.learn_rate,
        batch_stop=args.batch_stop,
    )


# --------------------------------------------------------------------------
# Scoring (exact outer spans, PER/LOC/ORG)
# --------------------------------------------------------------------------
def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score_spans(gold: Iterable[set], pred: Iterable[set], labels=SCORED) -> dict:
    counts = {lab: [0, 0, 0] for lab in labels}
    for g, p in zip(gold, pred):
        for lab in labels:
            gl = {s for s in g if s[2] == lab}
            pl = {s for s in p if s[2] == lab}
            counts[lab][0] += len(gl & pl)
            counts[lab][1] += len(pl - gl)
            counts[lab][2] += len(gl - pl)
    out = {lab: prf(*c) for lab, c in counts.items()}
    out["micro"] = prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    return out


def predict_spans(nlp, sents: list[Sentence], batch_size: int = 256) -> Iterator[set]:
    from spacy.tokens import Doc

    docs = (Doc(nlp.vocab, words=w) for w, _ in sents)
    for doc in nlp.pipe(docs, batch_size=batch_size):
        yield {(e.start, e.end, e.label_) for e in doc.ents}


def gold_spans(sents: list[Sentence]) -> list[set]:
    return [{s for s in iob_to_spans(t) if s[2] != MISSING} for _, t in sents]


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------
def augment_mentions(train_pairs, frac, seed):
    """Mention replacement: copies of training sentences whose PER/LOC/ORG spans are
    swapped for random mentions of the same label from the same source's training
    part (no cross-domain mixing, no dev/test mentions). GermEval copies are
    always made when frac > 0, other sources' with probability frac."""
    rng = random.Random(f"{seed}-augment")
    pool: dict[tuple[str, str], list[list[str]]] = {}  # (source, label) -> mentions
    for name, (words, tags) in train_pairs:
        for start, end, lab in iob_to_spans(tags):
            if lab in SCORED:
                pool.setdefault((name, lab), []).append(words[start:end])
    out = []
    for name, (words, tags) in train_pairs:
        spans = [sp for sp in iob_to_spans(tags) if sp[2] in SCORED]
        if not spans or (name != "germeval_dev" and rng.random() >= frac):
            continue
        new_w, new_t, pos = [], [], 0
        for start, end, lab in spans:
            new_w += words[pos:start]
            new_t += tags[pos:start]
            mention = rng.choice(pool[(name, lab)])
            new_w += mention
            new_t += [f"B-{lab}"] + [f"I-{lab}"] * (len(mention) - 1)
            pos = end
        new_w += words[pos:]
        new_t += tags[pos:]
        out.append((name + "_aug", (new_w, new_t)))
    return out


WHITESPACE_TOKENS = ("\n", "\n\n", " ", "\n ", " \n \n", "\t")


def add_whitespace_tokens(train_pairs, prob, seed):
    """Insert whitespace tokens (as the German tokenizer makes them from line breaks
    and double spaces in PDF text) after a token with probability ``prob``, never
    inside an entity, tagged O: otherwise the model, which never saw them, lets
    entities run on over trailing line breaks."""
    rng = random.Random(f"{seed}-whitespace")
    out = []
    for name, (words, tags) in train_pairs:
        new_w, new_t = [], []
        for i, (w, t) in enumerate(zip(words, tags)):
            new_w.append(w)
            new_t.append(t)
            nxt = tags[i + 1] if i + 1 < len(tags) else "O"
            if not nxt.startswith("I-") and rng.random() < prob:
                new_w.append(rng.choice(WHITESPACE_TOKENS))
                new_t.append("O")
        out.append((name, (new_w, new_t)))
    return out


def split_sources(sources, dev_frac, empty_frac, seed, fixed=None):
    """Seeded dev hold-out per pooled source; ``fixed`` sources bring their own (train, dev)."""
    train, dev, stats = [], [], {}
    fixed = fixed or {}
    for name in sorted({*sources, *fixed}):
        rng = random.Random(f"{seed}-{name}")  # split independent of the other sources
        if name in fixed:
            train_part, dev_part = list(fixed[name][0]), list(fixed[name][1])
            sents = train_part + dev_part
        else:
            sents = list(sources[name])
            rng.shuffle(sents)
            n_dev = round(len(sents) * dev_frac)
            dev_part, train_part = sents[:n_dev], sents[n_dev:]
        kept = [s for s in train_part
                if name in ("germeval_dev", "europarl") or has_entity(s) or rng.random() < empty_frac]
        train.extend((name, s) for s in kept)
        dev.extend((name, s) for s in dev_part)
        ents = lambda ss: sum(1 for s in ss for sp in iob_to_spans(s[1]) if sp[2] in SCORED)
        stats[name] = {
            "sentences_total": len(sents),
            "tokens_total": sum(len(s[0]) for s in sents),
            "train_sentences": len(kept),
            "train_tokens": sum(len(s[0]) for s in kept),
            "train_per_loc_org_spans": ents(kept),
            "dev_sentences": len(dev_part),
            "dev_tokens": sum(len(s[0]) for s in dev_part),
            "dev_per_loc_org_spans": ents(dev_part),
        }
    return train, dev, stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ner-de"))
    ap.add_argument("--out", type=Path, default=Path("models/ner"))
    ap.add_argument("--work", type=Path, default=None,
                    help="scratch dir for DocBins/checkpoints (default: a fresh dir under /tmp)")
    ap.add_argument("--max-minutes", type=float, default=0.0,
                    help="training wall-clock budget in minutes (0 = unlimited)")
    ap.add_argument("--max-steps", type=int, default=4400, help="0 = unlimited")
    ap.add_argument("--patience", type=int, default=6, help="evaluations without improvement")
    ap.add_argument("--eval-every", type=int, default=400, help="steps between dev evaluations")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--dev-frac", type=float, default=0.10)
    ap.add_argument("--empty-frac", type=float, default=0.25,
                    help="share of LER/Europeana training sentences without entities to keep")
    ap.add_argument("--sources", default="germeval_dev,ler,europeana,europarl")
    ap.add_argument("--select-weights", default="germeval_dev=2,europarl=1,ler=0.5,europeana=0.5",
                    help="weights of the sources' dev micro F1 in the selection score")
    ap.add_argument("--features", type=Path, default=Path("models/gazetteer"),
                    help="gazetteer dir for the static feature vectors (scripts/ner_features.py); '' = none")
    ap.add_argument("--word-vectors", default="auto",
                    help=".npz from scripts/train_ner_vectors.py, appended to the feature vectors; 'auto' "
                         "(default) trains them first into the work dir with that script's defaults; 'none' = off")
    ap.add_argument("--protocols", type=Path, default=Path("../shared/data/karlsruhe-protocols"),
                    help="council text for --word-vectors auto")
    ap.add_argument("--germeval-repeat", type=int, default=2,
                    help="how often each GermEval-dev training sentence appears per epoch")
    ap.add_argument("--augment", type=float, default=0.0,
                    help="mention-replacement copies: every GermEval sentence with entities, "
                         "this share of the other sources' (0 = off)")
    ap.add_argument("--whitespace", type=float, default=0.03,
                    help="probability of inserting a whitespace token after a training token")
    ap.add_argument("--embed", choices=("multihash", "char"), default="multihash")
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--rows-norm", type=int, default=20000)
    ap.add_argument("--rows-other", type=int, default=10000)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--learn-rate", type=float, default=0.001)
    ap.add_argument("--batch-stop", type=int, default=1000)
    args = ap.parse_args(argv)
    if args.features is not None and str(args.features) in ("", "."):
        args.features = None
    if str(args.word_vectors).lower() in ("none", ""):
        args.word_vectors = None

    import spacy
    from spacy.tokens import Doc, DocBin
    from spacy.training import Example
    from spacy.util import fix_random_seed, load_config_from_str, registry

    t_start = time.time()
    fix_random_seed(args.seed)
    rng = random.Random(args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="ratsakten_ner_"))
    work.mkdir(parents=True, exist_ok=True)

    wanted = [s.strip() for s in args.sources.split(",") if s.strip()]
    pooled = {k: v for k, v in load_sources(args.data).items() if k in wanted}
    fixed = {k: v for k, v in load_fixed_splits(args.data).items() if k in wanted}
    sources = sorted({*pooled, *fixed})
    weights = {k: float(v) for k, v in (kv.split("=") for kv in args.select_weights.split(","))}
    train_pairs, dev_pairs, stats = split_sources(pooled, args.dev_frac, args.empty_frac, args.seed, fixed)
    if args.augment > 0:
        aug = augment_mentions(train_pairs, args.augment, args.seed)
        stats["augmented_copies"] = len(aug)
        train_pairs += aug
    if args.whitespace > 0:
        train_pairs = add_whitespace_tokens(train_pairs, args.whitespace, args.seed)
    print("data:", json.dumps(stats, indent=1))

    if args.word_vectors == "auto":
        import train_ner_vectors

        args.word_vectors = work / "word_vectors.npz"
        train_ner_vectors.main(["--data", str(args.data), "--protocols", str(args.protocols),
                                "--out", str(args.word_vectors), "--seed", str(args.seed),
                                "--dev-frac", str(args.dev_frac)])
    elif args.word_vectors is not None:
        args.word_vectors = Path(args.word_vectors)

    config = load_config_from_str(build_config(args))
    nlp = spacy.blank("de")
    if args.features:
        from ner_features import build_vectors

        words = {w for _, (ws, _) in train_pairs for w in ws}
        stats["feature_vectors"] = build_vectors(nlp.vocab, args.features, words, args.word_vectors)
    nlp.add_pipe("ner", config={k: v for k, v in config["components"]["ner"].items() if k != "factory"})
    ner = nlp.get_pipe("ner")
    for lab in LABELS:
        ner.add_label(lab)

    # Convert to DocBins in the scratch dir (kept out of the repo).
    train_docs = [to_doc(nlp.vocab, s) for _, s in train_pairs]
    dev_sents = [s for _, s in dev_pairs]
    DocBin(docs=train_docs, store_user_data=False).to_disk(work / "train.spacy")
    DocBin(docs=[to_doc(nlp.vocab, s) for s in dev_sents]).to_disk(work / "dev.spacy")
    train_docs = list(DocBin().from_disk(work / "train.spacy").get_docs(nlp.vocab))
    examples = []
    for (name, _), doc in zip(train_pairs, train_docs):
        ex = Example(Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc]), doc)
        examples.extend([ex] * (args.germeval_repeat if name == "germeval_dev" else 1))
    print(f"train examples/epoch: {len(examples)}  dev sentences: {len(dev_sents)}  work dir: {work}")

    T = registry.resolve(config["training"])
    optimizer = T["optimizer"]
    batcher = T["batcher"]
    nlp.initialize(lambda: examples[:2000], sgd=optimizer)

    dev_gold = gold_spans(dev_sents)
    dev_names = [n for n, _ in dev_pairs]

    def evaluate() -> dict:
        with nlp.use_params(optimizer.averages):
            pred = list(predict_spans(nlp, dev_sents))
        res = {"all": score_spans(dev_gold, pred)}
        for name in sources:
            idx = [i for i, n in enumerate(dev_names) if n == name]
            res[name] = score_spans([dev_gold[i] for i in idx], [pred[i] for i in idx])["micro"]
        return res

    best_dir = work / "model-best"
    best = {"f": -1.0, "step": 0}
    history = []
    step, epoch, no_improve = 0, 0, 0
    t_train = time.time()
    budget = args.max_minutes * 60 if args.max_minutes > 0 else float("inf")
    losses: dict[str, float] = {}
    stop_reason = None
    while stop_reason is None:
        epoch += 1
        rng.shuffle(examples)
        for batch in batcher(examples):
            nlp.update(batch, drop=args.dropout, sgd=optimizer, losses=losses)
            step += 1
            elapsed = time.time() - t_train
            out_of_time = elapsed >= budget
            if step % args.eval_every == 0 or out_of_time or (args.max_steps and step >= args.max_steps):
                res = evaluate()
                # Selection score: mean over sources of PER/LOC/ORG micro F1, so that the
                # big Europeana dev part does not drown GermEval (news/wiki) and LER (legal).
                f = round(sum(weights.get(n, 1.0) * res[n]["f"] for n in sources)
                          / sum(weights.get(n, 1.0) for n in sources), 4)
                history.append({"step": step, "epoch": epoch, "minutes": round(elapsed / 60, 2),
                                "loss": round(float(losses.get("ner", 0.0)), 1), "dev_score": f,
                                "dev_all_f": res["all"]["micro"]["f"],
                                **{k: v["f"] for k, v in res.items() if k != "all"}})
                print(f"step {step:6d} ep {epoch:3d} {elapsed/60:6.1f}min loss {losses.get('ner', 0):9.1f} "
                      f"dev score {f:.4f} all={res['all']['micro']['f']:.3f} "
                      + " ".join(f"{k}={v['f']:.3f}" for k, v in res.items() if k != "all"), flush=True)
                losses = {}
                if f > best["f"]:
                    best = {"f": f, "step": step, "epoch": epoch, "dev": res}
                    no_improve = 0
                    with nlp.use_params(optimizer.averages):
                        nlp.to_disk(best_dir)
                else:
                    no_improve += 1
                if no_improve >= args.patience:
                    stop_reason = f"patience ({args.patience} evals without improvement)"
            if out_of_time:
                stop_reason = stop_reason or f"time budget ({args.max_minutes} min)"
            if args.max_steps and step >= args.max_steps:
                stop_reason = stop_reason or f"max steps ({args.max_steps})"
            if stop_reason:
                break
    train_minutes = (time.time() - t_train) / 60
    print(f"stopped: {stop_reason}; best dev score {best['f']:.4f} at step {best['step']}")

    # Final model: the best checkpoint, with metadata; nothing else.
    final = spacy.load(best_dir)
    final.meta.update({
        "name": "ratsakten_ner_de",
        "version": "0.2.0",
        "description": "German NER (PER/LOC/ORG/MISC) for Ratsakten; ner component with its own "
                       "tok2vec (sourceable together with the vocab's vectors: gazetteer features"
                       + (" + word2vec" if args.word_vectors else "") + ", keyed by LOWER). Trained by "
                       "scripts/train_ner.py on GermEval 2014 dev, LER, Europeana Newspapers DE and "
                       "German Europarl train.",
        "sources": [
            {"name": "GermEval 2014 NER (dev split)", "license": "CC-BY 4.0"},
            {"name": "LER - German Legal Entity Recognition (test and dev splits)", "license": "CC-BY 4.0"},
            {"name": "Europeana Newspapers NER corpora (German)", "license": "CC0"},
            {"name": "German Europarl NER (Faruqui & Pado 2010), train split", "license": "see upstream"},
            {"name": "models/gazetteer (project lists)", "license": "see models/gazetteer/README.md"},
        ],
        "license": "CC-BY 4.0 (training data)",
    })
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    final.to_disk(args.out)
    if args.features:
        # spaCy 3.8 writes the vectors' key attribute only for floret tables but reads it for any:
        # without it the LOWER-keyed feature table would be looked up by ORTH after loading.
        from spacy.attrs import LOWER

        cfg_path = args.out / "vocab" / "vectors.cfg"
        cfg = json.loads(cfg_path.read_text())
        cfg["attr"] = LOWER
        cfg_path.write_text(json.dumps(cfg, indent=2) + "\n")
    info = {
        "seed": args.seed,
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "data": stats,
        "label_mapping": {"germeval": {**GERMEVAL_MAP, "*deriv/*part": "MISC"},
                          "ler": LER_MAP, "europeana": EUROPEANA_MAP, "europarl": EUROPARL_MAP,
                          MISSING: "missing annotation"},
        "train_examples_per_epoch": len(examples),
        "steps": step, "epochs": epoch, "stop_reason": stop_reason,
        "best": best, "history": history,
        "train_minutes": round(train_minutes, 2),
        "total_minutes": round((time.time() - t_start) / 60, 2),
        "spacy_version": spacy.__version__,
    }
    (args.out / "training_info.json").write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"saved {args.out} ({size / 1e6:.1f} MB), training {train_minutes:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
