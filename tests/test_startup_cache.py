"""The start-up cache (pipeline/startup_cache.py): same objects as a fresh build, rebuilt when an
input changes or the file is damaged."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import startup_cache
from pipeline.correct import CandidateIndex, CorrectionSettings
from pipeline.gazetteer import load_gazetteer
from pipeline.lexicon import load_lexicon

CITIES = ("variant\tcanonical\tcountry\tgeonames_id\tpopulation\tkind\n"
          "Karlsruhe\tKarlsruhe\tDE\t2892794\t313092\tcanonical\n"
          "Ettlingen\tEttlingen\tDE\t2928810\t39339\tcanonical\n")
LEXICON = "word\tzipf\nstadtrat\t3.9\nbeschluss\t4.1\ngemeinderat\t4.0\n"


@pytest.fixture
def models(tmp_path: Path) -> Path:
    base = tmp_path / "models" / "gazetteer"
    base.mkdir(parents=True)
    (base / "cities.tsv").write_text(CITIES, encoding="utf-8")
    (base / "lexicon_de.tsv").write_text(LEXICON, encoding="utf-8")
    (base / "given_names.txt").write_text("Johannes\nMonika\n", encoding="utf-8")
    return tmp_path / "models"


def _files(models: Path) -> list[Path]:
    return sorted((models / startup_cache.CACHE_DIRNAME).glob("startup-*.pickle"))


def _no_build(*_args):
    raise AssertionError("built again although the cache is current")


def test_second_load_reads_the_cache_and_matches_a_fresh_build(models: Path, monkeypatch):
    settings = CorrectionSettings()
    g1, lex1, index1 = startup_cache.load(models, settings)
    assert len(_files(models)) == 1
    monkeypatch.setattr(startup_cache, "_build", _no_build)
    g2, lex2, index2 = startup_cache.load(models, settings)
    assert g2 is not g1  # unpickled, not the first call's objects
    assert g2 == g1 and lex2 == lex1 == {"stadtrat": 3.9, "beschluss": 4.1, "gemeinderat": 4.0}
    assert index2.gazetteer is g2 and index2.lexicon is lex2
    assert [(e.surface, e.source, e.prior, e.zipf) for e in index2.entries] == \
        [(e.surface, e.source, e.prior, e.zipf) for e in index1.entries]
    assert index2.exact == index1.exact and index2.first == index1.first
    # the loaders the spaCy rule component calls hand out the same objects
    assert load_gazetteer(str(models)) is g2 and load_lexicon(str(models)) is lex2
    fresh = CandidateIndex.build(g1, lex1, settings)
    assert "Karlsruhe" in {e.surface for e in fresh.entries} == {e.surface for e in index2.entries}


def test_a_changed_data_file_is_read_again(models: Path):
    g, _, _ = startup_cache.load(models)
    assert "Bruchsal" not in g.cities
    before = _files(models)
    with (models / "gazetteer" / "cities.tsv").open("a", encoding="utf-8") as fh:
        fh.write("Bruchsal\tBruchsal\tDE\t2942073\t44000\tcanonical\n")
    g, _, index = startup_cache.load(models)
    assert "Bruchsal" in g.cities and "Bruchsal" in {e.surface for e in index.entries}
    after = _files(models)
    assert len(after) == 1 and after != before  # the stale file is gone


def test_changed_index_settings_name_another_file(models: Path):
    a = startup_cache.cache_path(models, CorrectionSettings())
    b = startup_cache.cache_path(models, CorrectionSettings(word_min_zipf=CorrectionSettings().word_min_zipf + 0.5))
    assert a != b
    assert startup_cache.cache_path(models, CorrectionSettings()) == a  # and the same inputs the same


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", None])
def test_a_damaged_cache_is_rebuilt_not_fatal(models: Path, damage):
    startup_cache.load(models)
    (path,) = _files(models)
    if damage is None:  # a valid pickle of something else
        import pickle
        damage = pickle.dumps({"cities": 1})
    elif damage == b"":
        damage = path.read_bytes()[: path.stat().st_size // 2]  # truncated mid-write
    path.write_bytes(damage)
    g, lex, index = startup_cache.load(models)
    assert "Karlsruhe" in g.cities and lex["beschluss"] == 4.1 and index.gazetteer is g
    assert startup_cache._read(path)[0] == g  # the file was written again, whole


def test_a_read_only_models_folder_runs_without_the_cache(models: Path, monkeypatch):
    def refuse(*_args):
        raise PermissionError("read-only")

    monkeypatch.setattr(startup_cache, "_write", refuse)
    g, _, _ = startup_cache.load(models)
    assert "Ettlingen" in g.cities and _files(models) == []


def test_writing_the_start_up_cache_keeps_the_result_cache_key(models: Path):
    """The result cache (pipeline/cache.py) keys on the files under models/; the start-up cache is derived from
    them, so writing it must not make the next run miss every cached document."""
    from pipeline.cache import cache_key
    from pipeline.config import Settings

    settings = Settings(models_dir=models)
    before = cache_key(settings)
    startup_cache.load(models, CorrectionSettings())
    assert _files(models)
    assert cache_key(settings) == before
    (models / "gazetteer" / "given_names.txt").write_text("Johannes\nMonika\nPetra\n", encoding="utf-8")
    assert cache_key(settings) != before  # a real input still changes it
