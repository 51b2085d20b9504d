"""Issue 17 item 4: several small born-digital documents go through spaCy at once (run.process_documents,
executors.next_chunk). The rows must be those of one document at a time; a bad file in a chunk costs only
its own row, in any phase (reading, the shared spaCy pass, a worker that dies or hangs); the result cache
still hits per document.

The PDFs are typeset here with reportlab: short memos naming different cities, so a page whose spaCy doc
took another document's place context would come out differently (Durlach is a district of Karlsruhe,
surer where the document names Karlsruhe: 0.9 in the Karlsruhe memo, 0.8 in the Dresden one)."""
from __future__ import annotations

import dataclasses
import os
import time
import types
from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from pipeline import extract, tables  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.executors import next_chunk, run_forked, run_in_process  # noqa: E402
from pipeline.inputs import InputFile, collect  # noqa: E402
from pipeline.records import DocumentResult  # noqa: E402
from pipeline.run import process_document, process_documents, run  # noqa: E402

MEMOS = {
    "a_karlsruhe.pdf": [["Stadt Karlsruhe", "Karlsruhe, den 12. März 2024", "",
                         "Beschlussvorlage Nr. 2024/0117", "",
                         "Der Gemeinderat beschließt die Sanierung der Schule in Durlach.",
                         "Oberbürgermeister Dr. Frank Mentrup stellt die Vorlage vor."],
                        ["Seite 2", "Herr Mentrup dankt dem Ortschaftsrat Durlach.",
                         "Der Antrag wurde einstimmig angenommen."]],
    "b_dresden.pdf": [["Landeshauptstadt Dresden", "Dresden, den 24. April 2023", "",
                       "Niederschrift über die Sitzung des Stadtrates am 20. April 2023", "",
                       "1. Der Stadtrat beschließt die Partnerschaft mit Chmelnyzkyj.",
                       "Die Stadträtin Anne Schmidt (SPD) berichtet aus Durlach."]],
    "c_short.pdf": [["Stadt Münster", "Münster, den 3. Mai 2022",
                     "Der Rat der Stadt Münster hat am 2. Mai 2022 den Haushalt beschlossen."]],
    "e_leipzig.pdf": [["Stadt Leipzig", "Leipzig, den 5. Juni 2021", "",
                       "Der Stadtrat Leipzig stimmt dem Antrag zu. Frau Dr. Eva Weber (Grüne) spricht."],
                      ["Seite 2", "Abstimmung: 40 Ja-Stimmen, 3 Nein-Stimmen, 2 Enthaltungen."]],
}


def _pdf(path: Path, pages: list[list[str]]) -> None:
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 780
        for line in lines:
            c.setFont("Helvetica", 11)
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()


@pytest.fixture(scope="module")
def memos(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("memos")
    for name, pages in MEMOS.items():
        _pdf(src / name, pages)
    (src / "d_broken.pdf").write_bytes(b"%PDF-1.4\n this is no PDF at all \n%%EOF\n")
    return src


@pytest.fixture(scope="module")
def res():
    from pipeline.resources import Resources

    return Resources.load(Settings(jobs=1, use_cache=False, write_crops=False, progress=False))


def _same(a: DocumentResult, b: DocumentResult) -> bool:
    return dataclasses.replace(a, seconds=0.0) == dataclasses.replace(b, seconds=0.0)


def _files(src: Path) -> list[InputFile]:
    return sorted(collect([src]).files, key=lambda f: f.source_file)


def test_a_chunk_gives_the_rows_of_one_document_at_a_time(memos, res, monkeypatch):
    files = _files(memos)
    assert [f.source_file for f in files] == ["a_karlsruhe.pdf", "b_dresden.pdf", "c_short.pdf", "d_broken.pdf",
                                              "e_leipzig.pdf"]
    alone = [process_document(f, res) for f in files]
    passes = []
    real = extract.spacy_docs

    def spy(documents, *a, **k):
        passes.append(len(documents))
        return real(documents, *a, **k)

    monkeypatch.setattr(extract, "spacy_docs", spy)
    together = list(process_documents(files, res))
    assert passes == [4]  # one spaCy pass over the four readable documents
    assert [r.source_file for r in together] == [f.source_file for f in files]
    for a, b in zip(alone, together):
        assert _same(a, b), a.source_file
    # the rows are real ones, and the broken file has its own error row
    by = {r.source_file: r for r in together}
    assert by["d_broken.pdf"].status == "failed" and by["d_broken.pdf"].error
    assert all(by[n].status == "ok" and by[n].entities for n in MEMOS)
    durlach = [e for e in by["a_karlsruhe.pdf"].entities if e.value == "Durlach"]
    assert durlach and all(e.district_of == "Karlsruhe" for e in durlach)
    # the context is each document's own: Karlsruhe's does not reach the Dresden memo in the same pass
    other = [e for e in by["b_dresden.pdf"].entities if e.value == "Durlach"]
    assert other and max(e.confidence for e in other) < min(e.confidence for e in durlach)
    assert by["b_dresden.pdf"].fields.doc_date == "2023-04-20"  # minutes are dated by their session


def test_a_pass_holds_at_most_chunk_pages_plus_one_document(memos, res, monkeypatch):
    files = [f for f in _files(memos) if f.source_file != "d_broken.pdf"]  # 2 + 1 + 1 + 2 pages
    passes = []
    real = extract.spacy_docs

    def spy(documents, *a, **k):
        passes.append(sum(len(d) for d in documents))
        return real(documents, *a, **k)

    monkeypatch.setattr(extract, "spacy_docs", spy)
    small = dataclasses.replace(res, settings=dataclasses.replace(res.settings, chunk_pages=3))
    list(process_documents(files, small))
    # groups close once they hold >= 3 pages: [2 + 1], then [1 + 2]
    assert passes == [3, 3]


def test_a_document_that_breaks_the_shared_pass_fails_alone(memos, res, monkeypatch):
    files = [f for f in _files(memos) if f.source_file != "d_broken.pdf"]
    alone = {f.source_file: process_document(f, res) for f in files}
    real = extract.spacy_docs

    def breaks_on_munster(documents, *a, **k):
        if any("Münster" in p.text for pages in documents for p in pages):
            raise ValueError("component failed")
        return real(documents, *a, **k)

    monkeypatch.setattr(extract, "spacy_docs", breaks_on_munster)
    together = list(process_documents(files, res))
    by = {r.source_file: r for r in together}
    assert by["c_short.pdf"].status == "failed"
    assert by["c_short.pdf"].error == "internal error: ValueError: component failed"
    assert not by["c_short.pdf"].entities
    for name in ("a_karlsruhe.pdf", "b_dresden.pdf", "e_leipzig.pdf"):
        assert _same(by[name], alone[name]), name


def _item(tmp_path: Path, name: str, size: int = 100) -> InputFile:
    p = tmp_path / name
    p.write_bytes(b"x" * size)
    return InputFile(p, name, sha256=name.ljust(16, "0"))


def test_next_chunk_takes_small_pdfs_only_and_shrinks_at_the_end(tmp_path):
    from collections import deque

    s = Settings(chunk_docs=4, chunk_file_mb=0.001)  # 1,048 bytes
    small = [_item(tmp_path, f"s{i}.pdf") for i in range(10)]
    scan = _item(tmp_path, "scan.png")
    big = _item(tmp_path, "big.pdf", size=5000)
    pending = deque(small[:5] + [scan] + small[5:7] + [big] + small[7:])
    chunks = []
    while pending:
        chunks.append([f.source_file for f in next_chunk(pending, s, 1, set())])
    assert chunks == [["s0.pdf", "s1.pdf", "s2.pdf", "s3.pdf"], ["s4.pdf"], ["scan.png"], ["s5.pdf", "s6.pdf"],
                      ["big.pdf"], ["s7.pdf"], ["s8.pdf"], ["s9.pdf"]]
    # a document retried alone is never chunked again
    pending = deque(small)
    assert [f.source_file for f in next_chunk(pending, s, 1, {id(small[1])})] == ["s0.pdf"]
    assert [f.source_file for f in next_chunk(pending, s, 1, {id(small[1])})] == ["s1.pdf"]


def _fake_process_many(items, res, out_dir):
    for item in items:
        if item.source_file.startswith("crash"):
            os._exit(3)
        if item.source_file.startswith("hang"):
            time.sleep(60)
        yield DocumentResult(item.doc_id, item.source_file, str(item.path), item.sha256)


@pytest.mark.parametrize("culprit, error", [("crash.pdf", "worker process died"),
                                            ("hang.pdf", "took longer than the limit of 2 s")])
def test_a_lost_chunk_is_tried_again_one_document_at_a_time(tmp_path, culprit, error):
    names = ["a.pdf", "b.pdf", culprit, "c.pdf", "d.pdf", "e.pdf", "f.pdf", "g.pdf"]
    todo = [_item(tmp_path, n) for n in names]
    res = types.SimpleNamespace(settings=Settings(jobs=1, doc_timeout=2, max_memory_mb=0, chunk_docs=4))
    stored: dict[str, DocumentResult] = {}
    run_forked(todo, 1, res, _fake_process_many, None, lambda f, r: stored.__setitem__(f.source_file, r))
    assert sorted(stored) == sorted(names)
    assert error in stored[culprit].error and stored[culprit].status == "failed"
    assert all(stored[n].status == "ok" for n in names if n != culprit)


def test_in_process_executor_chunks_in_order(tmp_path):
    todo = [_item(tmp_path, f"{c}.pdf") for c in "abcdefgh"]
    seen, stored = [], []

    def many(items, res, out_dir):
        seen.append(len(items))
        return _fake_process_many(items, res, out_dir)

    run_in_process(todo, types.SimpleNamespace(settings=Settings(chunk_docs=16)), many, None,
                   lambda f, r: stored.append((f.source_file, r.source_file)))
    assert stored == [(f.source_file, f.source_file) for f in todo]
    assert max(seen) > 1 and sum(seen) == len(todo)


def test_the_result_cache_hits_per_document(memos, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for f in memos.iterdir():
        (src / f.name).write_bytes(f.read_bytes())
    out = tmp_path / "out"
    settings = Settings(jobs=1, write_crops=False, progress=False)
    first = run([src], out, settings)
    assert first.documents == 5 and first.failed == 1 and first.cached == 0
    entities = tables.read(out, "entities")
    again = run([src], out, settings)
    assert again.cached == 4  # a failed document is not cached: it is tried again
    _pdf(src / "c_short.pdf", [["Stadt Münster", "Münster, den 4. Mai 2022", "Der Rat tagte."]])
    changed = run([src], out, settings)
    assert changed.cached == 3 and changed.documents == 5
    after = tables.read(out, "entities")
    docs = tables.read(out, "documents").set_index("source_file")
    keep = after.doc_id != docs.loc["c_short.pdf", "doc_id"]
    before = entities[entities.doc_id.isin(after[keep].doc_id)]
    assert len(before) == keep.sum() > 0
    assert list(before.entity_id) == list(after[keep].entity_id)


def _worded_process_many(items, res, out_dir):
    from pipeline.records import Page, Word

    for item in items:
        words = [Word("Karlsruhe", (0, 0, 10, 10), 1.0, "text"), Word("tagt", (12, 0, 20, 10), 1.0, "text")]
        yield DocumentResult(item.doc_id, item.source_file, str(item.path), item.sha256,
                             pages=[Page(1, words, "text", text="Karlsruhe tagt")])


def test_a_worker_saves_the_full_result_and_sends_it_without_words(tmp_path):
    """The worker puts the full result in the cache itself; the batch process gets the copy without
    words (the tables need none) and is told it is saved, so it does not pickle it again."""
    import pickle

    todo = [_item(tmp_path, f"{c}.pdf") for c in "abc"]
    res = types.SimpleNamespace(settings=Settings(jobs=1, doc_timeout=30, max_memory_mb=0, chunk_docs=4))
    saved_dir = tmp_path / "saved"
    saved_dir.mkdir()

    def save(sha256, result):  # runs in the worker process
        (saved_dir / f"{result.source_file}.pkl").write_bytes(pickle.dumps(result))
        return True

    got = {}
    run_forked(todo, 1, res, _worded_process_many, None,
               lambda f, r, saved=False: got.__setitem__(f.source_file, (r, saved)), save)
    assert sorted(got) == ["a.pdf", "b.pdf", "c.pdf"]
    for name, (result, saved) in got.items():
        assert saved is True
        assert result.pages[0].text == "Karlsruhe tagt" and result.pages[0].words == []
        full = pickle.loads((saved_dir / f"{name}.pkl").read_bytes())
        assert [w.text for w in full.pages[0].words] == ["Karlsruhe", "tagt"]


def test_a_worker_that_cannot_save_sends_the_full_result(tmp_path):
    todo = [_item(tmp_path, "a.pdf")]
    res = types.SimpleNamespace(settings=Settings(jobs=1, doc_timeout=30, max_memory_mb=0))

    def save(sha256, result):
        raise OSError("No space left on device")

    got = {}
    run_forked(todo, 1, res, _worded_process_many, None,
               lambda f, r, saved=False: got.__setitem__(f.source_file, (r, saved)), save)
    result, saved = got["a.pdf"]
    assert saved is False and [w.text for w in result.pages[0].words] == ["Karlsruhe", "tagt"]


def test_the_cache_a_forked_run_leaves_holds_every_word(memos, tmp_path):
    """A run with worker processes: its cache entries are the full results (a learned repair is matched
    against their words), and a run from that cache writes the same tables."""
    import pickle

    from pipeline.cache import original_text

    out = tmp_path / "out"
    run([memos], out, Settings(jobs=2, write_crops=False, progress=False))
    entries = sorted((out / ".cache").glob("*.pkl"))
    results = {r.source_file: r for r in (pickle.loads(p.read_bytes()) for p in entries)}
    assert sorted(results) == sorted(MEMOS)  # the broken PDF is not cached
    assert all(r.pages and all(p.words for p in r.pages) for r in results.values())
    assert "Frank Mentrup" in original_text(results["a_karlsruhe.pdf"])
    first = {t: (out / f"{t}.csv").read_bytes() for t in ("pages", "entities", "decisions", "corrections")}
    docs = (out / "documents.csv").read_text(encoding="utf-8-sig").splitlines()
    (out / ".cache" / "unchanged.json").unlink(missing_ok=True)  # a run from the cache, not "nothing to do"
    run([memos], out, Settings(jobs=2, write_crops=False, progress=False))
    assert {t: (out / f"{t}.csv").read_bytes() for t in first} == first
    again = (out / "documents.csv").read_text(encoding="utf-8-sig").splitlines()
    # the broken PDF is read again (failures are not cached), so only its seconds may differ
    assert [r for r in again if ",failed," not in r] == [r for r in docs if ",failed," not in r]
