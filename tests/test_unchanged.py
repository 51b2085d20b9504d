"""An unchanged re-run ends at once with the last run's tables (pipeline/unchanged.py); any change goes the
normal way: a touched table, a new input, --no-cache."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import run as run_mod
from pipeline.cache import ResultCache
from pipeline.config import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def corpus(tmp_path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "good" / "memo_digital.pdf", src)
    shutil.copy(FIXTURES / "bad" / "empty.pdf", src)  # a failed document is part of the tables too
    return src


def _settings(**kw) -> Settings:
    return Settings(jobs=1, write_crops=False, progress=False, **kw)


def _stats(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in out.iterdir() if p.is_file()
            and p.suffix in (".parquet", ".csv")}


def _count_loads(monkeypatch) -> list[str]:
    loads: list[str] = []
    real = ResultCache.load

    def counting(self, sha256, learned):
        loads.append(sha256)
        return real(self, sha256, learned)

    monkeypatch.setattr(ResultCache, "load", counting)
    return loads


def test_an_unchanged_rerun_reads_and_writes_nothing_and_reports_the_same(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = run_mod.run([corpus], out, _settings())
    before = _stats(out)
    loads = _count_loads(monkeypatch)
    again = run_mod.run([corpus], out, _settings())
    assert loads == []  # no cached result was even read
    assert _stats(out) == before  # no table was written again
    assert (again.documents, again.failed, again.pages, again.rows) == \
        (first.documents, first.failed, first.pages, first.rows)
    assert again.failed == 1 and again.cached == 1


def test_a_touched_table_a_new_input_or_no_cache_goes_the_normal_way(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_mod.run([corpus], out, _settings())
    loads = _count_loads(monkeypatch)
    (out / "entities.csv").write_text((out / "entities.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    run_mod.run([corpus], out, _settings())
    assert len(loads) == 2  # each input was looked up in the cache and the tables written anew
    assert (out / "entities.csv").read_text(encoding="utf-8").count("\n\n") == 0
    shutil.copy(FIXTURES / "good" / "memo_mixed.pdf", corpus)
    grown = run_mod.run([corpus], out, _settings())
    assert grown.documents == 3 and len(loads) == 5
    run_mod.run([corpus], out, _settings())  # unchanged again: no lookup
    assert len(loads) == 5
    fresh = run_mod.run([corpus], out, _settings(use_cache=False))
    assert fresh.cached == 0 and fresh.documents == 3
