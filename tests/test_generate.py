"""The sample generator: deterministic, and its truth agrees with what it drew."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("samples_generate", ROOT / "samples" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["samples_generate"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("genre", ["hausmitteilung", "brief", "beschlussvorlage", "niederschrift",
                                   "pressemitteilung", "webseite", "antrag"])
def test_digital_text_and_offsets_match_truth(gen, tmp_path, genre):
    path = gen.render(gen.Spec(3, genre, "digital", "none", seed=99), tmp_path)
    truth = json.loads((tmp_path / (path.name + ".truth.json")).read_text(encoding="utf-8"))
    assert truth["file"] == path.name and truth["doc_type"] and truth["doc_date"]
    pdf = pdfium.PdfDocument(path)
    assert len(pdf) == len(truth["pages"])
    for i, page in enumerate(truth["pages"]):
        text = pdf[i].get_textpage().get_text_range()
        assert " ".join(text.split()) == " ".join(page["text"].split())
    for e in truth["entities"]:
        assert truth["pages"][e["page"] - 1]["text"][e["start"]:e["end"]] == e["text"]
        assert e["label"] in ("DATE", "PERSON", "CITY", "ORG")
    assert truth["decisions"], "every genre carries at least one decision"


def test_same_seed_same_bytes(gen, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    spec = {"index": 1, "genre": "brief", "kind": "mixed", "damage": "light", "seed": 5}
    pa = gen.render(gen.Spec(**spec), a)
    pb = gen.render(gen.Spec(**spec), b)
    assert pa.read_bytes() == pb.read_bytes()
    assert (a / (pa.name + ".truth.json")).read_bytes() == (b / (pb.name + ".truth.json")).read_bytes()
    pdf = pdfium.PdfDocument(pa)
    assert pdf[0].get_textpage().get_text_range().strip() == ""   # page 1 is the scan
    assert pdf[1].get_textpage().get_text_range().strip() != ""   # the rest is text


def test_other_seed_other_document(gen, tmp_path):
    t1 = gen.build_memo(gen.Spec(0, "hausmitteilung", "digital", "none", seed=1))[1].page_texts
    t2 = gen.build_memo(gen.Spec(0, "hausmitteilung", "digital", "none", seed=2))[1].page_texts
    assert t1 != t2
