"""Hostile and broken input (issue 8): every bad file gets a clear error row, the batch finishes,
nothing is lost. The corpus is built at test time by tests/hostile/make_corpus.py (see its README).
"""
from __future__ import annotations

import ctypes
import faulthandler
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from PIL import Image

from pipeline import tables
from pipeline.config import INPUT_SUFFIXES, Settings
from pipeline.records import OcrWord
from pipeline.run import run

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(HOSTILE))

import make_corpus  # noqa: E402

RUNNABLE = [c for c in make_corpus.CASES if c.expect in ("read", "failed", "any")]


# ---------------------------------------------------------------- the corpus, once through the batch

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    src = tmp_path_factory.mktemp("hostile")
    make_corpus.build(src)
    out = tmp_path_factory.mktemp("hostile-out")
    t0 = time.monotonic()
    settings = Settings(jobs=2, doc_timeout=120, ocr_timeout=60, use_cache=False, progress=False)
    summary = run([src], out, settings)
    seconds = time.monotonic() - t0
    yield {"src": src, "out": out, "summary": summary, "seconds": seconds,
           "docs": tables.read(out, "documents"), "pages": tables.read(out, "pages")}
    make_corpus.cleanup(src)


def _row(corpus, case):
    docs = corpus["docs"]
    hit = docs[docs.source_file == case.display]
    assert len(hit) == 1, f"{case.display}: {len(hit)} rows in documents"
    return hit.iloc[0]


def test_corpus_has_at_least_25_kinds():
    assert len(make_corpus.CASES) >= 25
    assert len({c.display for c in make_corpus.CASES}) == len(make_corpus.CASES)


@pytest.mark.parametrize("case", RUNNABLE, ids=[c.display[:40] for c in RUNNABLE])
def test_each_bad_input_is_read_or_fails_with_its_reason(corpus, case):
    row = _row(corpus, case)
    if row["status"] == "failed":
        error = row["error"]
        assert isinstance(error, str) and error.strip(), "a failed row needs an error"
        assert "\n" not in error and len(error) < 400, error
        assert not error.startswith("internal error"), f"unclassified failure: {error}"
    if case.expect == "read":
        assert row["status"] == "ok", row["error"]
        if case.pages is not None:
            assert row["n_pages"] == case.pages
    elif case.expect == "failed":
        assert row["status"] == "failed"
        assert case.error.lower() in row["error"].lower(), row["error"]


def test_no_document_is_lost(corpus):
    """Every file in the corpus is a documents row, or recorded beside the row of its twin."""
    docs = corpus["docs"]
    assert len(docs) == len(RUNNABLE)
    assert corpus["summary"].documents == len(RUNNABLE)
    assert corpus["summary"].failed == sum(c.expect == "failed" for c in RUNNABLE)
    assert docs.doc_id.is_unique


def test_duplicate_is_processed_once_with_both_paths(corpus):
    docs = corpus["docs"].set_index("source_file")
    assert "sub/copy_b.pdf" not in docs.index
    assert docs.loc["copy_a.pdf", "also_seen_as"] == "sub/copy_b.pdf"


def test_symlink_loop_and_hidden_files_give_no_rows(corpus):
    names = set(corpus["docs"].source_file)
    assert not any(n.startswith("loop/") for n in names)
    assert ".hidden.pdf" not in names


def test_file_names_survive(corpus):
    names = set(corpus["docs"].source_file)
    assert "Sitzung Überblick März 2024.pdf" in names
    assert "Protokoll_M\\xe4rz_latin1.pdf" in names  # the Latin-1 byte kept visibly


def test_page_errors_are_recorded(corpus):
    docs = corpus["docs"].set_index("source_file")
    pages = corpus["pages"]
    doc_id = docs.loc["truncated.png", "doc_id"]
    mine = pages[pages.doc_id == doc_id]
    assert len(mine) == 1 and "could not be rendered" in mine.iloc[0]["error"]


def test_scans_in_odd_encodings_are_ocrd(corpus):
    docs = corpus["docs"].set_index("source_file")
    pages = corpus["pages"].set_index("doc_id")
    for name in ("jbig2_scan.pdf", "ccitt_g4_scan.pdf", "rotate_90_scan.pdf", "poster_3000dpi.pdf",
                 "scan_3000dpi.png", "cmyk.jpg", "gray16.png", "palette_alpha.png", "png_named.pdf"):
        text = pages.loc[docs.loc[name, "doc_id"], "text"]
        assert "Stadtrat" in text or "Dresden" in text, (name, text)


def test_tables_are_readable_and_defused(corpus):
    out = corpus["out"]
    for name in tables.TABLES:
        pq.read_table(out / f"{name}.parquet")
        csv = pd.read_csv(out / f"{name}.csv", keep_default_na=False)
        assert list(csv.columns) == tables.SCHEMAS[name].names
    docs = corpus["docs"].set_index("source_file")
    pages = pd.read_csv(out / "pages.csv", keep_default_na=False).set_index("doc_id")
    text = pages.loc[docs.loc["formula_cells.pdf", "doc_id"], "text"]
    assert text.startswith("'=HYPERLINK"), text[:40]
    parquet_text = corpus["pages"].set_index("doc_id").loc[docs.loc["formula_cells.pdf", "doc_id"], "text"]
    assert parquet_text.startswith("=HYPERLINK")  # Parquet keeps the true text


def test_corpus_run_is_bounded(corpus):
    # 20,000 pages, bombs and deep nesting included: the whole corpus in well under a minute of work
    assert corpus["seconds"] < 150, corpus["seconds"]
    docs = corpus["docs"].set_index("source_file")
    assert docs.loc["pages_20000.pdf", "seconds"] < 5


def test_huge_pages_are_rendered_within_the_pixel_cap(tmp_path):
    """A 100 x 30 inch scanned page: PDFium's own page size decides the render resolution."""
    import zlib

    from pipeline.read import _render_pdf_page_at

    img = make_corpus.scan_image(dpi=200)
    path = tmp_path / "poster_huge_page.pdf"
    path.write_bytes(make_corpus.image_pdf(b"/FlateDecode", zlib.compress(img.tobytes()), img.width, img.height, 8,
                                           bpc=8))
    image, dpi = _render_pdf_page_at(path, 0, 300, max_pixels=2_000_000)
    assert image.width * image.height <= 2_000_000 * 1.01
    assert 20 < dpi < 30
    assert abs(image.width - 100 * dpi) < 3


def test_readme_table_lists_every_case():
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    for case in make_corpus.CASES:
        assert f"`{case.display}`" in readme, case.display
    assert make_corpus.readme_table() in readme, "README table is stale: python tests/hostile/make_corpus.py --readme"


# ---------------------------------------------------------------- spreadsheet safety

def _doc_row(**kw):
    base = dict(doc_id="0" * 16, source_file="x.pdf", sha256="0" * 64, n_pages=1, status="ok")
    base.update(kw)
    return base


def test_csv_cells_that_spreadsheets_would_run_are_defused(tmp_path):
    values = ["=1+1", "+49 351", "-2", "@SUM(A1)", "\tx", "\rx", "Dresden", "ä=b"]
    recs = [_doc_row(doc_id=f"{i:016d}", title=v) for i, v in enumerate(values)]
    tables.write_table(tmp_path, "documents", recs)
    csv = pd.read_csv(tmp_path / "documents.csv", keep_default_na=False, dtype=str)
    assert list(csv.title) == ["'=1+1", "'+49 351", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "Dresden", "ä=b"]
    assert list(tables.read(tmp_path, "documents").title) == values  # Parquet is not touched


def test_excel_csv_is_semicolon_and_bom(tmp_path):
    recs = [_doc_row(title="Städtepartnerschaft; Chmelnyzkyj", references="V2072/23; SR/049/2023")]
    tables.write_table(tmp_path, "documents", recs, excel=True)
    raw = (tmp_path / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n" if b"\r\n" in raw else b"\n")[0].decode()
    assert header.split(";")[:3] == ["doc_id", "source_file", "sha256"]
    back = pd.read_csv(tmp_path / "documents.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert back.loc[0, "title"] == "Städtepartnerschaft; Chmelnyzkyj"
    assert list(back.columns) == tables.SCHEMAS["documents"].names


def test_cli_excel_csv_flag(tmp_path):
    from click.testing import CliRunner

    import cli

    src = tmp_path / "in"
    src.mkdir()
    os.symlink("missing.pdf", src / "Überblick März.pdf")  # fails before any model is loaded: a fast test
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.main, ["run", str(src), "--out", str(out), "--excel-csv", "--quiet"])
    assert result.exit_code == 1, result.output
    for name in tables.TABLES:
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf" + b";".join(n.encode() for n in tables.SCHEMAS[name].names[:2]))
    docs = pd.read_csv(out / "documents.csv", sep=";", encoding="utf-8-sig")
    assert docs.loc[0, "source_file"] == "Überblick März.pdf"


def test_pillow_bomb_guard_stays_on():
    import pipeline.ocr  # noqa: F401 - importing the stages must not switch the guard off
    import pipeline.read  # noqa: F401

    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS <= 200_000_000


def test_unwritable_characters_do_not_cost_the_tables(tmp_path):
    recs = [_doc_row(source_file="bad\udce4name.pdf", title="nul\x00 and \ud800 surrogate")]
    tables.write_table(tmp_path, "documents", recs)
    back = tables.read(tmp_path, "documents")
    assert back.loc[0, "title"] == "nul\ufffd and \ufffd surrogate"
    pd.read_csv(tmp_path / "documents.csv")


# ---------------------------------------------------------------- fault injection: OCR engines and workers

def _scan(path: Path, width_px: int) -> None:
    """A small scan whose pixel width tells the fault-injecting engine what to do."""
    img = make_corpus.scan_image(dpi=200)
    canvas = Image.new("L", (width_px, img.height), 255)
    canvas.paste(img, (0, 0))
    canvas.save(path, dpi=(200, 200))


BEHAVIOUR = {800: "ok", 810: "hang", 820: "memory", 830: "sigkill", 840: "segfault"}


class FaultEngine:
    """Like OCRmyPDF's tesseract_crash / tesseract_simulate_oom_killer: misbehaves on cue."""

    name = "fault"

    def recognize(self, image, dpi, timeout):
        what = BEHAVIOUR.get(image.width, "ok")
        if what == "hang":  # ignores its own timeout, as a wedged native library would
            time.sleep(3600)
        elif what == "memory":
            hog = bytearray(6 << 30)  # 6 GB: only the worker's address-space limit stops this
            return [OcrWord(str(len(hog)), 0, 0, 1, 1, 1.0, 1, 1)]
        elif what == "sigkill":  # the kernel's OOM killer
            os.kill(os.getpid(), signal.SIGKILL)
        elif what == "segfault":  # a crash in C code
            faulthandler.disable()  # pytest's traceback dump of the dying worker is only noise here
            ctypes.string_at(0)
        return [OcrWord("Stadtrat", 60, 40, 200, 30, 0.95, 1, 1), OcrWord("Dresden", 270, 40, 180, 30, 0.95, 1, 1)]

    def orientation(self, image, dpi, timeout):
        return 0


def test_worker_limits_hang_memory_and_crashes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for width, what in BEHAVIOUR.items():
        _scan(src / f"{what}.png", width)
    shutil.copy(FIXTURES / "good" / "memo_digital.pdf", src / "memo_digital.pdf")
    out = tmp_path / "out"
    before = resource.getrlimit(resource.RLIMIT_AS)
    t0 = time.monotonic()
    settings = Settings(jobs=2, doc_timeout=6, max_memory_mb=3072, use_cache=False, write_crops=False, progress=False)
    summary = run([src], out, settings, engine_factory=FaultEngine)
    elapsed = time.monotonic() - t0
    docs = tables.read(out, "documents").set_index("source_file")
    assert summary.documents == 6
    assert docs.loc["ok.png", "status"] == "ok"
    assert docs.loc["memo_digital.pdf", "status"] == "ok"
    assert "took longer than the limit of 6 s" in docs.loc["hang.png", "error"]
    assert docs.loc["memory.png", "error"] == "out of memory while reading the document"
    assert "worker process died" in docs.loc["sigkill.png", "error"] and "signal 9" in docs.loc["sigkill.png", "error"]
    assert "worker process died" in docs.loc["segfault.png", "error"]
    assert "signal 11" in docs.loc["segfault.png", "error"]
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # the limits stay in the workers
    assert elapsed < 90


FAKE_TESSERACT = """#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.3.0"; exit 0 ;;
  --list-langs) printf 'List of available languages (2):\\ndeu\\nosd\\n'; exit 0 ;;
esac
echo $$ >> "$(dirname "$0")/pids"
exec sleep 60
"""


def test_hanging_tesseract_costs_one_page_not_the_document(tmp_path, monkeypatch):
    """A real TesseractEngine against a fake `tesseract` on PATH that never answers."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "tesseract"
    fake.write_text(FAKE_TESSERACT)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "good" / "memo_mixed.pdf", src)  # page 1 scanned, page 2 born-digital
    shutil.copy(FIXTURES / "good" / "memo_digital.pdf", src)
    _scan(src / "scan.png", 800)
    out = tmp_path / "out"
    settings = Settings(jobs=2, ocr_timeout=1.5, use_cache=False, write_crops=False, progress=False)
    t0 = time.monotonic()
    summary = run([src], out, settings)
    assert time.monotonic() - t0 < 60
    docs = tables.read(out, "documents").set_index("source_file")
    pages = tables.read(out, "pages")
    mixed = pages[pages.doc_id == docs.loc["memo_mixed.pdf", "doc_id"]].set_index("page")
    assert docs.loc["memo_mixed.pdf", "status"] == "ok"
    assert mixed.loc[1, "error"] == "Tesseract did not finish within 2 s"
    assert "Chmelnyzkyj" in mixed.loc[2, "text"] and pd.isna(mixed.loc[2, "error"])
    assert docs.loc["memo_digital.pdf", "status"] == "ok"
    assert docs.loc["scan.png", "status"] == "failed"
    assert docs.loc["scan.png", "error"] == "no page could be read: Tesseract did not finish within 2 s"
    assert summary.failed == 1
    pids = [int(p) for p in (bin_dir / "pids").read_text().split()]
    assert len(pids) >= 2  # recognition of both scanned pages (OSD is asked only after a poor reading)
    assert not [p for p in pids if _alive(p)], "a timed-out Tesseract was left running"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
    except OSError:
        return False
    return state != "Z"


# ---------------------------------------------------------------- fuzzing (bounded; tests/hostile/fuzz.py runs longer)

@pytest.mark.filterwarnings("ignore")
def test_fuzz_reader_bounded(tmp_path):
    """Mutated PDFs and images through process_document: a result every time, never an exception
    or a hang (hypothesis, derandomised so CI is repeatable; at most 20 s of inputs)."""
    import fuzz

    stats = fuzz.hypothesis_run(tmp_path, seconds=20, max_examples=300)
    assert stats["tried"] >= 30, stats
    assert stats["crashes"] == [], stats["crashes"]


REGRESSION_FILES = sorted(p for p in (HOSTILE / "regressions").glob("*") if p.suffix.lower() in INPUT_SUFFIXES)
# besides the saved findings, a fixed set of mutants (the same bytes on every run) is replayed, so
# the regression check always runs: each was a passing input when it was added, and must stay one
FIXED_MUTANTS = range(8)


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=lambda p: p.name)
def test_fuzz_regressions(path, tmp_path):
    """Inputs that once crashed or hung the reader (saved by fuzz.py) stay fixed."""
    import fuzz

    verdict = fuzz.check_one(path.read_bytes(), path.suffix, tmp_path, timeout=30)
    assert verdict is None, verdict


@pytest.mark.parametrize("seed", FIXED_MUTANTS)
def test_fixed_mutants_keep_the_contract(seed, tmp_path):
    """Deterministic mutants of the fuzz seeds: a failed row or an ok row, never a crash or hang."""
    import random

    import fuzz

    data, suffix, how = fuzz.random_mutant(random.Random(seed), fuzz.seeds())
    outcome: list = []
    verdict = fuzz.check_one(data, suffix, tmp_path, timeout=30, outcome=outcome)
    assert verdict is None, f"{how}: {verdict}"
    assert outcome and outcome[0] in ("ok", "failed"), outcome


# ---------------------------------------------------------------- atomic outputs: SIGKILL at any moment

def _snapshot(out: Path) -> dict[str, pd.DataFrame]:
    """Every table, read back; raises if any Parquet or CSV file is damaged."""
    snap = {}
    for name in tables.TABLES:
        df = pq.read_table(out / f"{name}.parquet").to_pandas()
        pd.read_csv(out / f"{name}.csv", keep_default_na=False)
        if "seconds" in df.columns:
            df = df.drop(columns=["seconds"])
        snap[name] = df.reset_index(drop=True)
    return snap


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
        return True
    except AssertionError:
        return False


def _cli(src: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "run", str(src), "--out", str(out), "--jobs", "2",
                             "--quiet", "--no-crops", *extra], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def test_sigkill_at_any_moment_leaves_complete_tables(tmp_path):
    small, full = tmp_path / "small", tmp_path / "full"
    small.mkdir()
    full.mkdir()
    shutil.copy(FIXTURES / "good" / "memo_digital.pdf", small)
    for sub in ("good", "bad"):
        for p in sorted((FIXTURES / sub).glob("*.pdf")):
            if p.name != "protocol_scan.pdf":  # the slowest OCR; memo_mixed keeps a scanned page
                shutil.copy(p, full / f"{sub}_{p.name}")
    ref, out = tmp_path / "ref", tmp_path / "out"

    # the uninterrupted run, and the "previous" tables (a different, smaller input), side by side
    t0 = time.monotonic()
    ref_run, small_run = _cli(full, ref), _cli(small, out)
    assert ref_run.wait(120) == 1
    full_seconds = time.monotonic() - t0
    assert small_run.wait(120) == 0
    expected, previous = _snapshot(ref), _snapshot(out)
    assert not _same(expected["documents"], previous["documents"])

    rnd = random.Random(8)
    delays = sorted(rnd.uniform(0.3, 0.6 * full_seconds) for _ in range(3))
    kills = 0
    for delay in [*delays, "while-writing"]:
        proc = _cli(full, out, "--no-cache")
        if delay == "while-writing":  # the narrowest window: staged temp files beside the tables
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                if any(p.name.startswith(".") and ".parquet." in p.name for p in out.iterdir()):
                    break
                time.sleep(0.001)
        else:
            time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(30)
        snap = _snapshot(out)  # every table readable after every kill
        for name in tables.TABLES:
            if not (_same(snap[name], previous[name]) or _same(snap[name], expected[name])):
                pd.testing.assert_frame_equal(snap[name], expected[name], check_dtype=False,
                                              obj=f"{name} after a kill at {delay}")
        previous = snap
    assert kills >= 2, "the runs finished before they could be killed"

    # the next run completes and gives the same tables as the uninterrupted one
    proc = _cli(full, out)
    assert proc.wait(120) == 1, proc.stderr.read().decode()[-2000:]
    final = _snapshot(out)
    for name in tables.TABLES:
        pd.testing.assert_frame_equal(final[name], expected[name], check_dtype=False, obj=name)
