"""Build, save and load the Ratsakten spaCy pipeline (models/spacy)."""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Optional

import spacy
from spacy.language import Language

from ..errors import EnvironmentProblem
from . import components  # noqa: F401 - registers the factories
from .cues import Cues

log = logging.getLogger(__name__)


def _add_ner(nlp: Language, models_dir: Path) -> None:
    """Our trained NER (models/ner, scripts/train_ner.py) goes first, when it is there. It is sourced
    at load time rather than copied into models/spacy, so its weights live once in git. Its tok2vec
    reads gazetteer features from its vocab's static vectors (scripts/ner_features.py), so the
    vectors come along (a pipeline with other vectors of its own would feed it wrong features)."""
    ner_dir = models_dir / "ner"
    if (ner_dir / "config.cfg").exists() and "ner" not in nlp.pipe_names:
        source = spacy.load(ner_dir)
        if source.vocab.vectors.shape[0] and not nlp.vocab.vectors.shape[0]:
            nlp.vocab.vectors = source.vocab.vectors
        elif source.vocab.vectors.shape[0] and nlp.vocab.vectors != source.vocab.vectors:
            log.warning("models/ner: the pipeline has other vectors than the NER model; its features will be wrong")
        nlp.add_pipe("ner", source=source, first=True)


def build(models_dir: Path, cues: Cues, with_ner: bool = True) -> Language:
    """blank German + (our trained NER, if present) + rules (with these cue lists) + decisions."""
    nlp = spacy.blank("de")
    if with_ner:
        _add_ner(nlp, models_dir)
    nlp.add_pipe("ratsakten_rules", config={"models_dir": ""})
    nlp.get_pipe("ratsakten_rules").cues = cues
    nlp.add_pipe("ratsakten_decisions")
    nlp.meta["name"] = "ratsakten_de"
    nlp.meta["description"] = "Ratsakten: rules, gazetteers and a NER model trained on GermEval/LER/Europeana"
    return nlp


def save(models_dir: Path, cues: Cues) -> Path:
    """Write models/spacy: config, meta and one folder per component (the rules' cues.json)."""
    nlp = build(models_dir, cues, with_ner=False)
    out = models_dir / "spacy"
    nlp.to_disk(out)
    return out


def _numpy_gemm(nlp: Language) -> None:
    """The NER's matrix products through numpy's BLAS (OpenBLAS) instead of thinc's bundled BLIS:
    3x the GFLOP/s of BLIS on AVX2 cores (docs/notes/issue-17-speed5.md), and the NER's forward
    pass is mostly these products. Set per layer, so nothing else that uses thinc is affected."""
    if os.environ.get("RATSAKTEN_BLIS"):  # the old path, for comparisons
        return
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if isinstance(node.ops, NumpyOps):
                node.ops = ops


@lru_cache(maxsize=2)
def load(models_dir: str) -> Language:
    path = Path(models_dir) / "spacy"
    if not (path / "config.cfg").exists():
        raise EnvironmentProblem(f"{path} is missing: run `python scripts/build_models.py` "
                                 f"(or use a complete checkout)")
    nlp = spacy.load(path, config={"components": {"ratsakten_rules": {"models_dir": models_dir}}})
    _add_ner(nlp, Path(models_dir))
    _numpy_gemm(nlp)
    return nlp


@lru_cache(maxsize=2)
def load_extra(name: str) -> Optional[Language]:
    """A user's trained pipeline (e.g. de_core_news_lg) whose NER is used as an extra signal."""
    try:
        return spacy.load(name, disable=["parser", "lemmatizer", "attribute_ruler", "tagger", "morphologizer"])
    except OSError as exc:
        raise EnvironmentProblem(f"spaCy model '{name}' is not installed (install it with "
                                 f"`python -m spacy download {name}` on a machine that may download, or leave out "
                                 f"--spacy-model)") from exc
