"""The command line under a user's mistakes and interruptions (issue 18): a clear line and exit 2 for
every usage or environment error, checked before any work; Ctrl-C and SIGTERM keep what is done;
one run per output folder; files a colleague can read; values that keep their meaning in CSV."""
from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import tables
from pipeline.outdir import LOCK_NAME, OutputLock

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _cli(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, **kw)


def _one_clear_line(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    err = proc.stderr.strip()
    assert "Traceback" not in err, err
    assert len(err.splitlines()) <= 3, err  # click's usage errors add a 'Usage:' and a hint line
    for needle in needles:
        assert needle in err, err


@pytest.fixture
def digital(tmp_path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "good" / "memo_digital.pdf", src)
    return src


def test_out_pointing_at_a_file_is_a_usage_error(digital, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    _one_clear_line(_cli("run", str(digital), "--out", str(afile)), "is a file, not a folder")
    _one_clear_line(_cli("run", str(digital), "--out", str(afile / "sub")), "is a file, not a folder")


def test_missing_spacy_model_is_a_usage_error(digital, tmp_path):
    _one_clear_line(_cli("run", str(digital), "--out", str(tmp_path / "o"), "--spacy-model", "de_core_news_lg"),
                    "de_core_news_lg", "not installed")
    assert not (tmp_path / "o").exists()  # checked before any work


def test_unreachable_dask_scheduler_is_said_at_once(digital, tmp_path):
    t0 = time.monotonic()
    proc = _cli("run", str(digital), "--out", str(tmp_path / "o"), "--executor", "dask",
                "--scheduler", "tcp://127.0.0.1:1")
    assert time.monotonic() - t0 < 25  # no 30-second wait for Dask's own timeout
    _one_clear_line(proc, "no Dask scheduler answers at tcp://127.0.0.1:1")


def test_a_folder_without_pdfs_or_scans_says_so(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "memo.docx").write_bytes(b"PK")
    (src / "notes.txt").write_text("x")
    out = tmp_path / "o"
    _one_clear_line(_cli("run", str(src), "--out", str(out)), "no PDF or image files", "nothing to do")
    assert not list(out.glob("*.parquet"))


def test_evaluate_without_tables_is_a_usage_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    _one_clear_line(_cli("evaluate", str(empty), str(ROOT / "samples")), "no tables in")
    assert not (empty / "evaluation.json").exists()


def test_a_second_run_into_the_same_folder_is_refused(digital, tmp_path):
    out = tmp_path / "o"
    with OutputLock(out, "test"):
        _one_clear_line(_cli("run", str(digital), "--out", str(out)), "in use by another Ratsakten process",
                        f"pid {os.getpid()}")
    # a lock file left by a process that is gone holds nothing: the next run goes ahead
    assert (out / LOCK_NAME).exists()
    proc = _cli("run", str(digital), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert len(tables.read(out, "documents")) == 1


def _start(src: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "run", str(src), "--out", str(out), "--jobs", "1"],
                            cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_writes_what_is_done_and_the_rerun_resumes(tmp_path, sig, code):
    src = tmp_path / "in"
    src.mkdir()
    # the born-digital memo first (sorted by name), then scans that take Tesseract seconds each
    shutil.copy(FIXTURES / "good" / "memo_digital.pdf", src / "a_memo_digital.pdf")
    shutil.copy(FIXTURES / "good" / "protocol_scan.pdf", src / "b_protocol_scan.pdf")
    shutil.copy(FIXTURES / "good" / "memo_mixed.pdf", src / "c_memo_mixed.pdf")
    out = tmp_path / "o"
    proc = _start(src, out)
    lines = []
    for line in proc.stderr:  # one progress line per finished document (stderr is not a terminal)
        lines.append(line)
        if line.startswith("[1/3]"):
            proc.send_signal(sig)
            break
    rest = proc.stderr.read()
    assert proc.wait(60) == code, "".join(lines) + rest
    assert "interrupted: " in rest and "run the same command again to resume" in rest, rest
    docs = tables.read(out, "documents")
    assert 1 <= len(docs) < 3 and set(docs.status) == {"ok"}
    again = _cli("run", str(src), "--out", str(out), "--jobs", "1", timeout=300)
    assert again.returncode == 0, again.stderr
    # every document in the interrupted tables comes from the cache; so may one a worker finished (and
    # saved) while the batch process was stopping
    cached = re.search(r"(\d+) cached", again.stderr)
    assert cached and len(docs) <= int(cached.group(1)) < 3, again.stderr
    assert len(tables.read(out, "documents")) == 3


def test_tables_are_made_with_the_users_umask(digital, tmp_path):
    out = tmp_path / "o"
    proc = _cli("run", str(digital), "--out", str(out), "--quiet", preexec_fn=lambda: os.umask(0o022))
    assert proc.returncode == 0, proc.stderr
    for name in ("documents.parquet", "entities.csv", "review.csv"):
        assert (out / name).stat().st_mode & 0o777 == 0o644, name
    proc = _cli("export", str(out), "--format", "oparl", preexec_fn=lambda: os.umask(0o022))
    assert proc.returncode == 0, proc.stderr
    assert (out / "oparl").stat().st_mode & 0o777 == 0o755
    private = tmp_path / "p"
    proc = _cli("run", str(digital), "--out", str(private), "--quiet", preexec_fn=lambda: os.umask(0o077))
    assert (private / "documents.parquet").stat().st_mode & 0o777 == 0o600


def _entity_rows(records: list[dict]) -> list[dict]:
    base = {c: None for c in tables.SCHEMAS["entities"].names}
    return [{**base, **r} for r in records]


def test_values_keep_their_meaning_in_csv(tmp_path):
    rows = _entity_rows([
        dict(doc_id="d", entity_id="d-e0000", page=1, label="DATE", text="25. Januar", value="XXXX-01-25",
             start=0, end=10, confidence=0.5, needs_review=True),
        dict(doc_id="d", entity_id="d-e0001", page=1, label="CITY", text="Dresden", value="Dresden",
             start=20, end=27, confidence=0.95, needs_review=False, geonames_id=2935022, country="DE"),
    ])
    tables.write_table(tmp_path, "entities", rows)
    with (tmp_path / "entities.csv").open(encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert got[0]["value"] == "XXXX-01-25"  # a yearless date is not defused into "'--01-25"
    assert got[1]["geonames_id"] == "2935022" and got[0]["geonames_id"] == ""  # an integer stays one
    assert pd.read_csv(tmp_path / "entities.csv")["page"].dtype.kind == "i"
    excel = tmp_path / "excel"
    tables.write_table(excel, "entities", rows, excel=True)
    raw = (excel / "entities.csv").read_text(encoding="utf-8-sig")
    header, first, second = raw.splitlines()[:3]
    cols = header.split(";")
    assert second.split(";")[cols.index("confidence")] == "0,95"  # German Excel reads it as a number
    assert second.split(";")[cols.index("geonames_id")] == "2935022"


# ---------------------------------------------------------------- learned repairs live in the output folder

def test_a_learned_repair_reruns_only_the_documents_it_changes_and_can_be_undone(tmp_path):
    from pipeline import learned
    from pipeline.config import Settings
    from pipeline.run import run

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in ("0000_hausmitteilung_digital.pdf", "0001_brief_digital.pdf"):  # 'Vogt' only in the first
        shutil.copy(ROOT / "samples" / name, src)
    settings = Settings(jobs=1, progress=False, write_crops=False)
    models_before = (ROOT / "models" / "gazetteer" / "learned.tsv").read_bytes()
    assert run([src], out, settings).cached == 0

    def people() -> set[str]:
        ents = pd.read_parquet(out / "entities.parquet")
        return set(ents[ents.label == "PERSON"].value)

    assert "Dr. Torsten Vogt" in people() or "Torsten Vogt" in people()
    repair = learned.check_learned("Vogt", "Voigt", "archivist", "2026-12-03T10:00:00+00:00")
    assert learned.append_learned(out / learned.OUT_FILE, [repair]) == (1, [])
    summary = run([src], out, settings)
    assert summary.cached == 1  # the letter without 'Vogt' kept its cached result
    assert any(p.endswith("Torsten Voigt") for p in people())
    corr = pd.read_parquet(out / "corrections.parquet")
    assert ((corr.original == "Vogt") & (corr.source == "learned")).any()

    assert learned.undo(out, ROOT / "models", "Vogt") is not None
    assert run([src], out, settings).cached == 1
    assert any(p.endswith("Torsten Vogt") for p in people()) and not any("Voigt" in p for p in people())
    assert (ROOT / "models" / "gazetteer" / "learned.tsv").read_bytes() == models_before  # tracked file untouched


def test_a_dask_run_is_quiet_by_default(digital, tmp_path):
    pytest.importorskip("dask.distributed")
    proc = _cli("run", str(digital), "--out", str(tmp_path / "o"), "--executor", "dask", "--jobs", "1", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "distributed" not in proc.stderr, proc.stderr  # Dask's INFO lines only with -v
    assert len(proc.stderr.strip().splitlines()) <= 2, proc.stderr
