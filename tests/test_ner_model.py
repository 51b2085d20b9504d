"""Checks for the shipped statistical NER model (models/ner, built by scripts/train_ner.py).

Skipped when the model directory is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "ner"
TEXT = "Oberbürgermeister Dirk Hilbert traf in Dresden Vertreter der Siemens AG."
TEXTS = [
    TEXT,
    "Der Stadtrat von Karlsruhe beauftragt die Verwaltung, mit der Deutschen Bahn zu verhandeln.",
    "Frau Dr. Anna Schmidt (SPD) fragt nach dem Stand der Sanierung in Leipzig-Grünau.",
]

pytestmark = pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="models/ner missing")


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(MODEL_DIR)


def _ents(doc):
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def test_model_is_small_and_has_labels(nlp):
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size <= 30 * 1024 * 1024
    assert nlp.pipe_names == ["ner"]
    assert {"PER", "LOC", "ORG"} <= set(nlp.get_pipe("ner").labels)


def test_finds_person(nlp):
    doc = nlp(TEXT)
    assert any(e.label_ == "PER" and "Hilbert" in e.text for e in doc.ents), _ents(doc)


def test_ner_component_can_be_sourced_alone(nlp):
    """The ner component carries its own tok2vec: sourcing it alone must give the same output."""
    other = spacy.blank("de")
    other.add_pipe("ner", source=nlp)
    assert other.pipe_names == ["ner"]
    for text in TEXTS:
        assert _ents(other(text)) == _ents(nlp(text))


def test_sourced_next_to_other_components(nlp):
    other = spacy.blank("de")
    other.add_pipe("sentencizer")
    other.add_pipe("ner", source=nlp)
    doc = other(TEXT)
    assert _ents(doc) == _ents(nlp(TEXT))
