"""Issue 7: the Dask executor and the partitioned dataset give the same rows as a local run;
a cached re-run does no work; page threads keep the order of pages."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import FIXTURES

from pipeline import tables
from pipeline.config import Settings
from pipeline.run import run

COLS = ["doc_id", "source_file", "n_pages", "text_source", "doc_type", "doc_date", "references", "status", "error"]


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    src = tmp_path_factory.mktemp("good")
    for name in ("memo_digital.pdf", "protocol_scan.pdf", "memo_mixed.pdf"):
        shutil.copy(FIXTURES / "good" / name, src)
    return src


@pytest.fixture(scope="module")
def local_run(good, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    run([good], out, Settings(jobs=2, write_crops=False, progress=False, partitioned=True))
    return out


def test_dask_localcluster_writes_the_same_tables(good, local_run, tmp_path):
    pytest.importorskip("dask.distributed", reason="dask[distributed] not installed")
    out = tmp_path / "dask"
    summary = run([good], out, Settings(jobs=2, write_crops=False, use_cache=False, progress=False,
                                       executor="dask", dask_workers=2))
    assert summary.failed == 0 and summary.documents == 3
    pd.testing.assert_frame_equal(tables.read(out, "documents")[COLS], tables.read(local_run, "documents")[COLS])
    for name in ("pages", "entities", "decisions"):
        pd.testing.assert_frame_equal(tables.read(out, name), tables.read(local_run, name))


def test_partitioned_dataset_reads_as_one_table(local_run):
    for name in ("documents", "entities", "decisions"):
        whole = tables.read(local_run, name)
        parts = pd.read_parquet(local_run / "dataset" / name)
        assert len(parts) == len(whole) > 0
        assert sorted(parts.columns) == sorted(whole.columns)


def test_rerun_is_served_from_the_cache(good, local_run, tmp_path):
    out = tmp_path / "again"
    shutil.copytree(local_run, out)
    summary = run([good], out, Settings(jobs=2, write_crops=False, progress=False))
    assert summary.cached == 3
    pd.testing.assert_frame_equal(tables.read(out, "entities"), tables.read(local_run, "entities"))


def test_page_threads_keep_page_order(good, tmp_path, monkeypatch):
    import pipeline.run as run_mod

    seen = []
    real = run_mod.run_forked

    def spy(todo, jobs, res, *args):
        seen.append(res.page_threads)
        return real(todo, jobs, res, *args)

    monkeypatch.setattr(run_mod, "run_forked", spy)
    out = tmp_path / "one"
    # one document and two jobs: the spare job becomes a second OCR thread on that document
    summary = run([good / "memo_mixed.pdf"], out, Settings(jobs=2, write_crops=False, use_cache=False,
                                                             progress=False))
    assert summary.failed == 0
    assert seen == [2]
    pages = tables.read(out, "pages")
    assert list(pages.page) == [1, 2] and list(pages.text_source) == ["ocr", "text"]
