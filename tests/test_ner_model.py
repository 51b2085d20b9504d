"""Checks for the shipped statistical NER model (models/ner, built by scripts/train_ner.py) and its
gazetteer feature table (scripts/ner_features.py).

The model checks are skipped when the model directory is absent.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "models" / "ner"
sys.path.insert(0, str(ROOT / "scripts"))

import ner_features  # noqa: E402

TEXT = "Oberbürgermeister Dirk Hilbert traf in Dresden Vertreter der Siemens AG."
TEXTS = [
    TEXT,
    "Der Stadtrat von Karlsruhe beauftragt die Verwaltung, mit der Deutschen Bahn zu verhandeln.",
    "Frau Dr. Anna Schmidt (SPD) fragt nach dem Stand der Sanierung in Leipzig-Grünau.",
]

needs_model = pytest.mark.skipif(not (MODEL_DIR / "meta.json").exists(), reason="models/ner missing")


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(MODEL_DIR)


def _ents(doc):
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


@needs_model
def test_model_is_small_and_has_labels(nlp):
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size <= 60 * 1024 * 1024
    assert nlp.pipe_names == ["ner"]
    assert {"PER", "LOC", "ORG"} <= set(nlp.get_pipe("ner").labels)


@needs_model
def test_finds_person_and_place(nlp):
    doc = nlp(TEXT)
    assert any(e.label_ == "PER" and "Hilbert" in e.text for e in doc.ents), _ents(doc)
    assert any(e.label_ == "LOC" and e.text == "Dresden" for e in doc.ents), _ents(doc)


@needs_model
def test_ner_component_can_be_sourced_alone(nlp):
    """Sourced together with the model's feature vectors, the component gives the same output."""
    other = spacy.blank("de")
    other.vocab.vectors = nlp.vocab.vectors
    other.add_pipe("ner", source=nlp)
    assert other.pipe_names == ["ner"]
    for text in TEXTS:
        assert _ents(other(text)) == _ents(nlp(text))


@needs_model
def test_project_loader_brings_the_vectors(nlp):
    """pipeline.extract.nlp._add_ner must hand the feature vectors over with the component."""
    from pipeline.extract.nlp import _add_ner

    other = spacy.blank("de")
    other.add_pipe("sentencizer")
    _add_ner(other, MODEL_DIR.parent)
    assert other.pipe_names == ["ner", "sentencizer"]
    assert other.vocab.vectors.shape == nlp.vocab.vectors.shape
    for text in TEXTS:
        assert _ents(other(text)) == _ents(nlp(text))


@needs_model
def test_feature_vectors_are_keyed_by_lowercase(nlp):
    from spacy.attrs import LOWER

    vectors = nlp.vocab.vectors
    assert vectors.attr == LOWER
    assert vectors.shape[1] == len(ner_features.FEATURES) + 64  # features + word2vec
    from spacy.strings import get_string_id

    assert vectors.find(key=get_string_id("berlin")) >= 0
    doc = nlp.make_doc("BERLIN Berlin")
    assert [vectors.find(key=t.lower) for t in doc] == [vectors.find(key=get_string_id("berlin"))] * 2


# --- the feature table, on a tiny gazetteer made here -------------------------------------------
GAZ = {
    "lexicon_de.tsv": "word\tzipf\nhaus\t5.1\nberlin\t5.6\nfür\t6.9\n",
    "given_names.txt": "Anna\nMark\n",
    "given_names_ambiguous.txt": "Mark\n",
    "cities.tsv": "variant\tcanonical\tcountry\tgeonames_id\tpopulation\tkind\n"
                  "Berlin\tBerlin\tDE\t1\t3400000\tcanonical\n"
                  "Frankfurt am Main\tFrankfurt am Main\tDE\t2\t650000\tcanonical\n"
                  "Lyon\tLyon\tFR\t3\t500000\tcanonical\n",
    "countries.tsv": "variant\tcode\nFrankreich\tFR\nVereinigte Staaten\tUS\n",
    "orgs.tsv": "pattern\tcanonical\tkind\nAgentur für Arbeit\tAgentur für Arbeit\tauthority\nASB\tASB\tother\n",
    "roles.tsv": "role\tgender\tkind\nBürgermeister\tm\texecutive\nLeiter der Verwaltung\tm\tother\n",
    "titles.tsv": "title\tnormalised\nDr.\tDr.\n",
}
# expected features of lowercased words, from the table above
EXPECTED = {
    "berlin": {"zipf>=5.5", "city", "city_pop>=1e4", "city_pop>=1e5", "city_pop>=1e6", "city_de"},
    "haus": {"zipf4.5-5.5"},
    "für": {"zipf>=5.5"},  # lowercase pattern tokens are not org parts
    "anna": {"given_name"},
    "mark": {"given_name", "given_name_ambiguous"},
    "frankfurt": {"city_part"},
    "lyon": {"city", "city_pop>=1e4", "city_pop>=1e5"},
    "frankreich": {"country"},
    "staaten": {"country_part"},
    "agentur": {"org_part"},
    "asb": {"org"},
    "bürgermeister": {"role"},
    "dr.": {"title"},
    "berliner": {"city_demonym"},
    "lyoner": {"city_demonym"},
    "xyzzy": set(),
}


@pytest.fixture()
def gaz_dir(tmp_path):
    for name, text in GAZ.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_features_of_words(gaz_dir):
    g = ner_features.load_gazetteers(gaz_dir)
    for word, want in EXPECTED.items():
        got = {ner_features.FEATURES[i] for i in ner_features.features(word, g)}
        assert got == want, word


def test_build_vectors_shares_rows_and_reads_any_case(gaz_dir):
    nlp = spacy.blank("de")
    sizes = ner_features.build_vectors(nlp.vocab, gaz_dir, extra_words=["Lyoner", "Xyzzy"])
    vectors = nlp.vocab.vectors
    # 22 words with a feature: the 15 of EXPECTED + main, vereinigte, arbeit (name parts) and
    # berlinern, berliners, lyonern, lyoners (demonym forms); 'xyzzy' has none and gets no key.
    assert sizes["keys"] == 22
    # one row per distinct feature set: frankfurt/main, vereinigte/staaten, agentur/arbeit and the
    # six demonym forms share theirs
    assert sizes["rows"] == 14
    row = vectors.find(key="berlin")
    on = {ner_features.FEATURES[i] for i, v in enumerate(vectors.data[row]) if v}
    assert on == EXPECTED["berlin"]
    doc = nlp("BERLIN und Berlin")
    assert [vectors.find(key=t.lower_) >= 0 for t in doc] == [True, False, True]  # 'und' not in the lexicon


def test_council_hold_out_keeps_the_annotation_set_out(tmp_path):
    """scripts/train_ner_vectors.py must drop exactly the 20 documents reserved for the NER test set."""
    import gzip
    import json
    import random

    import train_ner_vectors

    lengths = [100, 9000] + [300 + 50 * i for i in range(30)]  # 2 never eligible, 30 eligible
    rows = [{"upstream": f"doc{i}", "text": "x" * n} for i, n in enumerate(lengths)]
    with gzip.open(tmp_path / "council-corpus.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "1.txt").write_text("Protokoll train", encoding="utf-8")
    (tmp_path / "texts" / "2.txt").write_text("Protokoll test", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text(json.dumps({"file": "texts/1.txt", "split": "train"}) + "\n"
                                         + json.dumps({"file": "texts/2.txt", "split": "test"}) + "\n")
    eligible = list(range(2, 32))
    random.Random(15).shuffle(eligible)
    reserved = {rows[i]["text"] for i in eligible[:20]}
    texts = train_ner_vectors.council_texts(tmp_path, real_gold=tmp_path / "no_gold")
    assert len(texts) == 32 - 20 + 1
    assert "x" * 100 in texts and "x" * 9000 in texts
    assert not reserved & set(texts)
    assert "Protokoll train" in texts and "Protokoll test" not in texts


def test_vector_text_leaves_out_every_hand_annotated_document(tmp_path):
    """The real_gold train parts judge the NER model as unseen text, so their text (council-corpus
    lines and protocol files alike) must not reach the word vectors either."""
    import gzip
    import json

    import train_ner_vectors

    rows = [{"text": f"Dokument {i} " + "x" * 100} for i in range(5)]  # under 300 characters: not in the NER hold-out
    with gzip.open(tmp_path / "council-corpus.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    (tmp_path / "texts").mkdir()
    for name in ("1", "2"):
        (tmp_path / "texts" / f"{name}.txt").write_text(f"Protokoll {name}", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps({"file": f"texts/{n}.txt", "split": "train"}) + "\n"
                                                 for n in ("1", "2")))
    gold = tmp_path / "real_gold"
    (gold / "council-corpus").mkdir(parents=True)
    (gold / "karlsruhe-train").mkdir()
    (gold / "split.json").write_text("{}")
    (gold / "council-corpus" / "3.json").write_text(json.dumps({"line": 3, "entities": []}))
    (gold / "karlsruhe-train" / "2.json").write_text(json.dumps({"source": "karlsruhe-protocols/texts/2.txt"}))
    texts = train_ner_vectors.council_texts(tmp_path, real_gold=gold)
    assert rows[3]["text"] not in texts and "Protokoll 2" not in texts
    assert "Protokoll 1" in texts
    assert [t.split()[1] for t in texts if t.startswith("Dokument")] == ["0", "1", "2", "4"]
