"""Review: confidence rules, answers flowing back into the tables and the learned gazetteer,
and the review app's defences (escaping, crops only from OUT_DIR/crops, CSRF, Host check)."""
from __future__ import annotations

import http.client
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlencode

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from PIL import Image

import cli
from pipeline import review, tables
from pipeline.answers import AnswerStore, match
from pipeline.config import Settings
from pipeline.correct import CandidateIndex, CorrectionSettings, DocumentState, correct_page
from pipeline.extract import _evidence, _resolve_yearless
from pipeline.gazetteer import Gazetteer
from pipeline.records import Correction, Decision, DocFields, DocumentResult, Entity, Page, Word
from pipeline.resources import learned_for_run
from pipeline.review import _why_low
from pipeline.review_app import create_server
from pipeline.review_apply import apply_answers, name_pairs, normalise

DOC = "d0c0000000000001"
XSS = "<script>alert(1)</script>"


# ---------------------------------------------------------------- confidence rules

def _ocr_page(words: list[tuple[str, float]], **corrected) -> Page:
    """One OCR line; corrected = {text: (original, score, source)}."""
    out, pos = [], 0
    for i, (text, conf) in enumerate(words):
        w = Word(text, (50.0 + 60 * i, 100.0, 100.0 + 60 * i, 112.0), conf, "ocr", start=pos, end=pos + len(text))
        if text in corrected:
            w.corrected_from, w.correction_score, w.correction_source = corrected[text]
        out.append(w)
        pos += len(text) + 1
    return Page(1, out, "ocr", text=" ".join(t for t, _ in words))


def test_low_ocr_confidence_and_correction_give_a_readable_reason():
    page = _ocr_page([("in", 0.96), ("Chmelnyzkyj", 0.41)], Chmelnyzkyj=("Chmeinyzkyj", 91.0, "cities"))
    conf, corrected_from, reasons, bbox = _evidence(page, 3, 14, 0.95, Settings())
    assert "; ".join(reasons) == "OCR confidence 0.41 on 'Chmeinyzkyj'; corrected to 'Chmelnyzkyj' with score 91"
    assert conf == pytest.approx(0.35 + 0.65 * 0.41)
    assert corrected_from == "Chmeinyzkyj"
    assert bbox == (110.0, 100.0, 160.0, 112.0)


def test_correction_score_caps_confidence_and_names_both_words():
    page = _ocr_page([("Schytomyr", 0.95)], Schytomyr=("Schytornyr", 89.0, "cities"))
    conf, _, reasons, _ = _evidence(page, 0, 9, 0.95, Settings())
    assert conf == pytest.approx(0.89)
    assert reasons == ["'Schytornyr' corrected to 'Schytomyr' with score 89"]


def test_thresholds_come_from_settings():
    page = _ocr_page([("Dresden", 0.7)])
    assert _evidence(page, 0, 7, 0.95, Settings())[0] == pytest.approx(0.35 + 0.65 * 0.7)
    assert _evidence(page, 0, 7, 0.95, Settings(ocr_floor=0.0))[0] == pytest.approx(0.7)
    assert _evidence(page, 0, 7, 0.95, Settings(ocr_trusted=0.6))[0] == pytest.approx(0.95)
    with pytest.raises(ValueError, match="ocr_floor"):
        Settings(ocr_floor=1.5)


def test_text_layer_and_confident_ocr_do_not_lower_confidence():
    text = _ocr_page([("Dresden", 0.2)])
    text.source = "text"
    assert _evidence(text, 0, 7, 0.9, Settings())[0] == pytest.approx(0.9)
    assert _evidence(_ocr_page([("Dresden", 0.93)]), 0, 7, 0.9, Settings())[:3] == (0.9, None, [])


def test_a_repair_a_reviewer_made_before_is_not_doubted_again():
    page = _ocr_page([("Dresden", 0.3)], Dresden=("Oresden", 100.0, "learned"))
    conf, _, reasons, _ = _evidence(page, 0, 7, 0.95, Settings())
    assert conf == pytest.approx(0.95)
    assert reasons == ["'Oresden' corrected to 'Dresden' as a reviewer did before"]


def test_learned_gazetteer_repairs_without_asking():
    g = Gazetteer(learned={"Oresden": "Dresden"})
    page, [corr] = correct_page(Page(1, [Word("Oresden,", None, 0.2, "ocr")], "ocr"), DocumentState(),
                                CandidateIndex.build(g, {}), CorrectionSettings.from_settings(Settings()), g.learned)
    [word] = page.words
    assert (corr.applied, corr.needs_review, corr.source, word.text) == (True, False, "learned", "Dresden,")
    assert word.correction_source == "learned"


def test_yearless_date_and_model_only_names_are_flagged_with_reasons():
    s = Settings()
    e = Entity("DATE", "15. Januar", "XXXX-01-15", 1, 0, 10, 0.95)
    _resolve_yearless([e], "2025-11-26", s)
    assert e.value == "XXXX-01-15" and e.confidence == s.yearless_date_confidence
    assert e.review_reason == "no year written; 01-15 is too far from the document date 2025-11-26"
    near = Entity("DATE", "3. Dezember", "XXXX-12-03", 1, 0, 11, 0.95)
    _resolve_yearless([near], "2025-11-26", Settings(yearless_date_confidence=0.3))
    assert near.value == "2025-12-03" and near.confidence == 0.3
    assert near.review_reason == "no year written; year 2025 taken from the document date 2025-11-26"
    model = Entity("PERSON", "Olena Kowal", "Olena Kowal", 1, 0, 11, 0.55, source="model")
    assert _why_low(model) == "confidence 0.55: found only by the statistical model; no rule or gazetteer agrees"
    both = Entity("ORG", "Stadtrat", "Stadtrat", 1, 0, 8, 0.5, source="rule+model")
    assert _why_low(both) == "confidence 0.50: found by rule and model"


def test_review_rows_show_the_reading_and_the_suggestion():
    page = _ocr_page([("Oresden", 0.95), ("Dresden", 0.3)])
    doc = DocumentResult(DOC, "m.pdf", "m.pdf", "0" * 64, pages=[page], fields=DocFields())
    doc.corrections = [
        Correction(1, 0, 7, "Oresden", "Dresden", 0.857, "cities", applied=False, needs_review=True,
                   reason="similar to Dresden (score 86), below the apply threshold"),
        Correction(1, 8, 15, "Dresdcn", "Dresden", 0.93, "cities", applied=True, needs_review=True,
                   reason="OCR confidence 0.30 on 'Dresdcn'; corrected to 'Dresden' with score 93"),
    ]
    doc.decisions = [Decision(1, "1", "Stadtrat Dresden", None, "beschluss", "Der Stadtrat beschließt.", None, 0.55,
                              start=0, end=7, review_reason="no decision date found")]
    review.decide(doc, Settings())
    rows = review.build_review(doc, Settings())
    by = {(r.table_name, r.field): r for r in rows}
    # no issue date was found: a documents row asks for it, saying so
    undated = by[("documents", "doc_date")]
    assert (undated.value, undated.confidence, undated.row_id) == (None, 0.0, DOC)
    assert undated.reason.startswith("no issue date found")
    assert by[("decisions", "decision_date")].value is None
    applied = [r for r in rows if r.table_name == "corrections"]
    # most likely wrong first (the queue's order), the suggestion always asked
    assert ("Oresden", "Dresden") in [(r.value, r.suggestion) for r in applied]
    assert all(r.bbox is not None for r in applied)


# ---------------------------------------------------------------- hand-made output folder

def _entity(i, label, text, value, confidence, reason="", corrected_from=None, page=1, start=0):
    return {"doc_id": DOC, "entity_id": f"{DOC}-e{i:04d}", "page": page, "label": label, "text": text, "value": value, "start": start,
                "end": start + len(text), "confidence": confidence, "corrected_from": corrected_from,
                "needs_review": bool(reason), "review_reason": reason or None, "x0": 50.0, "y0": 100.0, "x1": 120.0, "y1": 112.0,
                "source": "rule"}


def _review(i, table_name, row_id, field, value, suggestion, reason, context, crop=None):
    return {"review_id": f"{DOC}-r{i:04d}", "doc_id": DOC, "page": 1, "table_name": table_name, "row_id": row_id, "field": field,
                "value": value, "suggestion": suggestion, "confidence": 0.5, "reason": reason, "status": "open", "context": context,
                "x0": 50.0, "y0": 100.0, "x1": 120.0, "y1": 112.0, "crop": crop}


@pytest.fixture
def out(tmp_path) -> Path:
    """An output folder as a run leaves it: six tables, a crop, no answers yet."""
    out = tmp_path / "out"
    text = (f"Besuch aus Chmelnyzkyj. Dr. Matthias Wöhrte kommt am 23. Oktober. Webformular: {XSS} "
            f"Gäste in Oresden. Kosten trägt das Rechtsamt.")
    tables.write_table(out, "documents", [{"doc_id": DOC, "source_file": "memo <b>bold</b>.pdf", "sha256": "0" * 64,
                                               "n_pages": 1, "text_source": "ocr", "doc_type": "Hausmitteilung",
                                               "title": f"Titel {XSS}", "doc_date": None, "status": "ok"}])
    tables.write_table(out, "pages", [{"doc_id": DOC, "page": 1, "text_source": "ocr", "text": text}])
    tables.write_table(out, "entities", [
        _entity(0, "CITY", "Chmelnyzkyj", "Chmelnyzkyj", 0.55, "CITY: OCR confidence 0.30 on 'Chmeinyzkyj'",
                corrected_from="Chmeinyzkyj", start=11),
        _entity(1, "PERSON", "Dr. Matthias Wöhrte", "Matthias Wöhrte", 0.5, "PERSON: OCR confidence 0.25 on 'Wöhrte'",
                start=24),
        _entity(2, "DATE", "23. Oktober", "XXXX-10-23", 0.5,
                "no year written; 10-23 is too far from the document date 2025-03-26", start=53),
        _entity(3, "PERSON", "Kosten", "Kosten", 0.4, "confidence 0.40: found only by the statistical model"),
    ])
    tables.write_table(out, "decisions", [])
    tables.write_table(out, "corrections", [
        {"doc_id": DOC, "page": 1, "start": 110, "end": 117, "original": "Oresden", "corrected": "Dresden", "score": 85.7,
             "source": "cities", "applied": False, "needs_review": True, "reason": "similar to Dresden (score 86)"},
        {"doc_id": DOC, "page": 1, "start": 140, "end": 150, "original": "Rechtsamt.", "corrected": "Rechitsa.", "score": 82.4,
             "source": "cities", "applied": False, "needs_review": True, "reason": "similar to Rechitsa (score 82)"},
    ])
    (out / "crops").mkdir()
    Image.new("RGB", (40, 20), "white").save(out / "crops" / f"{DOC}-r0000.png")
    tables.write_table(out, "review", [
        _review(0, "documents", DOC, "doc_date", None, None, "no issue date found on the first pages", text[:60],
                crop=f"crops/{DOC}-r0000.png"),
        _review(1, "entities", f"{DOC}-e0000", "value", "Chmelnyzkyj", None,
                "CITY: OCR confidence 0.30 on 'Chmeinyzkyj'; corrected to 'Chmelnyzkyj' with score 91", text[:40]),
        _review(2, "entities", f"{DOC}-e0001", "value", "Matthias Wöhrte", None,
                "PERSON: OCR confidence 0.25 on 'Wöhrte'", text[10:60]),
        _review(3, "entities", f"{DOC}-e0002", "value", "XXXX-10-23", None, f"DATE: no year written {XSS}",
                text[40:120]),
        _review(4, "entities", f"{DOC}-e0003", "value", "Kosten", None, "PERSON: model only", text[120:]),
        _review(5, "corrections", f"{DOC}-c0000", "corrected", "Oresden", "Dresden", "similar to Dresden", text[90:]),
        _review(6, "corrections", f"{DOC}-c0001", "corrected", "Rechtsamt.", "Rechitsa.", "similar to Rechitsa",
                text[100:]),
    ])
    return out


@pytest.fixture
def models(tmp_path) -> Path:
    m = tmp_path / "models"
    (m / "gazetteer").mkdir(parents=True)
    (m / "gazetteer" / "learned.tsv").write_text("original\tcorrected\tsource\tadded_at\n", encoding="utf-8")
    return m


def _rows(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def _answer(out: Path, i: int, status: str, new=None, who="tester"):
    row = next(r for r in _rows(out, "review") if r["review_id"] == f"{DOC}-r{i:04d}")
    return AnswerStore(out).record(row, status, new, who)


# ---------------------------------------------------------------- apply

def test_normalise_typed_values():
    assert normalise("documents", "doc_date", " 26.03.2025 ") == "2025-03-26"
    assert normalise("entities", "value", "10.2025", "DATE") == "2025-10"
    assert normalise("entities", "value", " Matthias   Wöhrle ", "PERSON") == "Matthias Wöhrle"
    for bad in ("2025-13-01", "31.02.2025", "im Oktober"):
        with pytest.raises(ValueError, match="not a date"):
            normalise("decisions", "decision_date", bad)
    with pytest.raises(ValueError, match="empty"):
        normalise("entities", "value", "  ", "CITY")


def test_name_pairs_learn_only_ocr_repairs():
    assert name_pairs("Dr. Matthias Wöhrte", "Matthias Wöhrle") == [("Wöhrte", "Wöhrle")]
    assert name_pairs("Chmeinyzkyj,", "Chmelnyzkyj") == [("Chmeinyzkyj", "Chmelnyzkyj")]
    assert name_pairs("Stadtrat", "Stadtrat Dortmund") == []
    assert name_pairs("Müller", "Schmidt") == []  # another name, not a repair


def test_apply_writes_answers_into_tables_and_learned_gazetteer(out, models):
    _answer(out, 0, "corrected", normalise("documents", "doc_date", "26.03.2025"))
    _answer(out, 1, "accepted", "Chmelnyzkyj")
    _answer(out, 2, "corrected", "Matthias Wöhrle")
    _answer(out, 3, "corrected", "2025-10-23")
    _answer(out, 4, "rejected")
    _answer(out, 5, "accepted", "Dresden")
    _answer(out, 6, "rejected")
    summary = apply_answers(out, models)
    assert (summary.applied, summary.stale) == (7, 0)
    assert summary.by_status == {"accepted": 2, "corrected": 3, "rejected": 2}

    doc = _rows(out, "documents")[0]
    assert (doc["doc_date"], doc["doc_date_before_review"]) == ("2025-03-26", None)
    ents = {e["entity_id"][-1]: e for e in _rows(out, "entities")}
    assert (ents["0"]["value"], ents["0"]["value_before_review"], ents["0"]["needs_review"]) == \
        ("Chmelnyzkyj", None, False)
    assert (ents["1"]["value"], ents["1"]["value_before_review"]) == ("Matthias Wöhrle", "Matthias Wöhrte")
    assert ents["1"]["text"] == "Dr. Matthias Wöhrte"  # the page text is what it is
    assert (ents["2"]["value"], ents["2"]["value_before_review"]) == ("2025-10-23", "XXXX-10-23")
    assert (ents["3"]["value"], ents["3"]["value_before_review"]) == (None, "Kosten")  # rejected: cleared
    corr = _rows(out, "corrections")
    assert [(c["corrected"], c["applied"], c["needs_review"]) for c in corr] == \
        [("Dresden", False, False), ("Rechitsa.", False, False)]
    rev = {r["review_id"][-1]: r for r in _rows(out, "review")}
    assert [rev[k]["status"] for k in "0123456"] == \
        ["corrected", "accepted", "corrected", "corrected", "rejected", "accepted", "rejected"]
    assert (rev["3"]["answer"], rev["3"]["answered_by"]) == ("2025-10-23", "tester")
    assert rev["6"]["answer"] is None and rev["6"]["value"] == "Rechtsamt."
    # CSV beside the Parquet, with the same columns
    header = (out / "entities.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == [f.name for f in tables.SCHEMAS["entities"]] and "value_before_review" in header

    # learned into the output folder's own file; the tracked models/ stay as they were
    assert (models / "gazetteer" / "learned.tsv").read_text(encoding="utf-8") == "original\tcorrected\tsource\tadded_at\n"
    learned = (out / "learned.tsv").read_text(encoding="utf-8").splitlines()
    pairs = [tuple(line.split("\t")[:3]) for line in learned[1:]]
    assert pairs == [("Chmeinyzkyj", "Chmelnyzkyj", "review:tester"), ("Wöhrte", "Wöhrle", "review:tester"),
                     ("Oresden", "Dresden", "review:tester")]
    assert learned_for_run(Settings(models_dir=models, learned_dir=out)) == {
        "Chmeinyzkyj": "Chmelnyzkyj", "Wöhrte": "Wöhrle", "Oresden": "Dresden"}


def test_apply_is_idempotent_and_a_later_answer_wins(out, models):
    _answer(out, 3, "corrected", "2025-10-22")
    _answer(out, 3, "corrected", "2025-10-23")
    _answer(out, 5, "accepted", "Dresden")
    apply_answers(out, models)
    written = [name for name in tables.TABLES if (out / f"{name}.parquet").exists()]  # the fixture's tables
    first = {name: _rows(out, name) for name in written}
    learned = (out / "learned.tsv").read_text(encoding="utf-8")
    summary = apply_answers(out, models)
    assert summary.learned == 0
    assert {name: _rows(out, name) for name in written} == first
    assert (out / "learned.tsv").read_text(encoding="utf-8") == learned
    ent = next(e for e in first["entities"] if e["entity_id"].endswith("2"))
    assert (ent["value"], ent["value_before_review"]) == ("2025-10-23", "XXXX-10-23")


def test_answers_follow_their_item_when_a_rerun_renumbers_the_queue(out, models):
    _answer(out, 3, "corrected", "2025-10-23")
    _answer(out, 5, "accepted", "Dresden")
    # the re-run repaired 'Oresden' by itself (learned) and dropped item 5; the items after it moved up
    rows = [r for r in _rows(out, "review") if r["review_id"] != f"{DOC}-r0005"]
    for i, r in enumerate(rows):
        r["review_id"] = f"{DOC}-r{i:04d}"
    tables.write_table(out, "review", rows)
    matched = match(rows, AnswerStore(out).all())
    assert {k: a.new for k, a in matched.items()} == {f"{DOC}-r0003": "2025-10-23"}
    summary = apply_answers(out, models)
    assert (summary.applied, summary.stale) == (1, 1)
    rev = {r["review_id"]: r["status"] for r in _rows(out, "review")}
    assert rev[f"{DOC}-r0005"] == "open"  # was r0006 (Rechtsamt): not answered, not touched


def test_export_and_apply_commands(out, models, tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli.main, ["apply", str(out), "--models", str(models)])
    assert res.exit_code == 2 and "no answers" in res.output
    _answer(out, 1, "accepted", "Chmelnyzkyj")
    _answer(out, 6, "rejected", who="=HYPERLINK(1)")
    res = runner.invoke(cli.main, ["review", str(out), "--export", str(tmp_path / "answers.csv")])
    assert res.exit_code == 0, res.output
    lines = (tmp_path / "answers.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,review_id,doc_id,page,table_name,row_id,field,old,suggestion,new,status,who,at"
    assert len(lines) == 3 and ",'=HYPERLINK(1)," in lines[2]  # a formula is defused
    res = runner.invoke(cli.main, ["apply", str(out), "--models", str(models)])
    assert res.exit_code == 0, res.output
    assert "2 answers applied (1 accepted, 1 rejected)" in res.output
    assert "1 corrections learned (" in res.output
    for name in ("review", "apply"):
        assert runner.invoke(cli.main, [name, "--help"]).output.count("Usage") == 1


def test_answers_survive_in_sqlite(out):
    _answer(out, 1, "accepted", "Chmelnyzkyj")
    again = AnswerStore(out).all()  # a new connection: what the next start of the app sees
    assert [(a.review_id, a.status, a.new, a.who) for a in again] == [(f"{DOC}-r0001", "accepted", "Chmelnyzkyj",
                                                                       "tester")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", again[0].at)


# ---------------------------------------------------------------- the app over HTTP

@pytest.fixture
def app(out):
    server, _url = create_server(out, "127.0.0.1", 0, who="tester")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, out
    server.shutdown()
    server.server_close()


def _get(server, path: str, cookie: str = "", host: str | None = None):
    con = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    headers = {"Cookie": cookie} if cookie else {}
    if host:
        headers["Host"] = host
    con.request("GET", path, headers=headers)  # http.client sends the path as given: no '..' clean-up
    res = con.getresponse()
    return res.status, dict(res.getheaders()), res.read()


def _post(server, path: str, form: dict, cookie: str = "", origin: str | None = None):
    con = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    if origin:
        headers["Origin"] = origin
    con.request("POST", path, body=urlencode(form), headers=headers)
    res = con.getresponse()
    return res.status, dict(res.getheaders()), res.read()


def _session(server, path: str) -> tuple[str, str, str]:
    """(cookie, csrf token, page html) as a browser gets them."""
    status, headers, body = _get(server, path)
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    page = body.decode()
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    return cookie, token.group(1) if token else "", page


def test_document_text_is_escaped_everywhere(app):
    server, _ = app
    for path in ("/", f"/doc/{DOC}", f"/item/{DOC}-r0003"):
        status, headers, body = _get(server, path)
        page = body.decode()
        assert status == 200
        assert XSS not in page and "<b>bold</b>" not in page
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
    page = _get(server, f"/item/{DOC}-r0003")[2].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, in the context and the reason
    assert page.count("<script") == 1 and '<script src="/static/app.js" defer></script>' in page
    assert "memo &lt;b&gt;bold&lt;/b&gt;.pdf" in _get(server, "/")[2].decode()


def test_item_page_shows_crop_reading_suggestion_and_context(app):
    server, _ = app
    page = _get(server, f"/item/{DOC}-r0000")[2].decode()
    assert f'<img id="crop" src="/crops/{DOC}-r0000.png"' in page
    page = _get(server, f"/item/{DOC}-r0005")[2].decode()
    assert '<code id="value">Oresden</code>' in page and '<code id="suggestion">Dresden</code>' in page
    assert "<mark>Oresden</mark>" in page
    assert '<b id="done-count">0</b> done / <b id="open-count">7</b> open' in page


def test_crops_only_from_the_crops_folder(app, tmp_path):
    server, out = app
    status, headers, body = _get(server, f"/crops/{DOC}-r0000.png")
    assert status == 200 and headers["Content-Type"] == "image/png" and body[:4] == b"\x89PNG"
    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    os.symlink(tmp_path / "secret.png", out / "crops" / "link.png")
    for path in ("/crops/../review.parquet", "/crops/..%2Freview.parquet", "/crops/%2e%2e/%2e%2e/secret.png",
                 "/crops/../../secret.png", "/crops//etc/passwd", "/crops/%2Fetc%2Fpasswd", "/crops/link.png",
                 "/crops/", "/crops/x%00.png", "/crops/../crops/../review.csv"):
        status, _, body = _get(server, path)
        assert status == 404, path
        assert b"secret" not in body


def test_answers_need_a_session_token(app):
    server, out = app
    form = {"review_id": f"{DOC}-r0001", "action": "accept"}
    assert _post(server, "/answer", form)[0] == 403  # no session, no token
    cookie, token, _ = _session(server, f"/item/{DOC}-r0001")
    assert _post(server, "/answer", form, cookie)[0] == 403  # no token
    assert _post(server, "/answer", dict(form, csrf="0" * 64), cookie)[0] == 403  # wrong token
    other_cookie, other_token, _ = _session(server, "/")
    assert other_token == "" and other_cookie != cookie
    assert _post(server, "/answer", dict(form, csrf=token), other_cookie)[0] == 403  # another session's token
    port = server.server_port
    assert _post(server, "/answer", dict(form, csrf=token), cookie, origin="http://evil.example")[0] == 403
    assert AnswerStore(out).all() == []
    status, headers, _ = _post(server, "/answer", dict(form, csrf=token), cookie, origin=f"http://127.0.0.1:{port}")
    assert status == 303 and headers["Location"] == f"/next?after={DOC}-r0001"
    assert [(a.status, a.new, a.who) for a in AnswerStore(out).all()] == [("accepted", "Chmelnyzkyj", "tester")]
    assert _get(server, "/", host=f"evil.example:{port}")[0] == 400  # DNS rebinding


def test_a_bad_correction_is_refused_with_a_message(app):
    server, out = app
    cookie, token, _ = _session(server, f"/item/{DOC}-r0003")
    status, _, body = _post(server, "/answer", {"review_id": f"{DOC}-r0003", "action": "correct",
                                                "new": f"im Oktober {XSS}", "csrf": token}, cookie)
    assert status == 400
    assert "is not a date" in body.decode() and XSS not in body.decode()
    status, _, _ = _post(server, "/answer", {"review_id": f"{DOC}-r0003", "action": "correct",
                                             "new": "23.10.2025", "csrf": token}, cookie)
    assert status == 303
    assert [(a.status, a.new) for a in AnswerStore(out).all()] == [("corrected", "2025-10-23")]
    # the next open item skips what is answered
    status, headers, _ = _get(server, f"/next?after={DOC}-r0002", cookie)
    assert headers["Location"] == f"/item/{DOC}-r0004"
    page = _get(server, f"/item/{DOC}-r0003", cookie)[2].decode()
    assert 'id="status" class="status status-corrected"' in page and "<code>2025-10-23</code>" in page


# ---------------------------------------------------------------- learned repairs: where they live, undo, promote

def test_learned_repairs_can_be_undone_and_are_not_learned_again(out, models):
    _answer(out, 5, "accepted", "Dresden")
    assert apply_answers(out, models).learned == 1
    assert learned_for_run(Settings(models_dir=models, learned_dir=out)) == {"Oresden": "Dresden"}
    got = CliRunner().invoke(cli.main, ["learned", str(out), "--models", str(models)])
    assert got.exit_code == 0 and got.output.startswith("Oresden\tDresden\ttester\t") and "\there" in got.output

    got = CliRunner().invoke(cli.main, ["learned", str(out), "--models", str(models), "--undo", "Oresden"])
    assert got.exit_code == 0, got.output
    assert learned_for_run(Settings(models_dir=models, learned_dir=out)) == {}
    assert "Oresden" not in (out / "learned.tsv").read_text(encoding="utf-8")
    # the same answer applied again does not bring it back
    again = apply_answers(out, models)
    assert again.learned == 0 and [r.why for r in again.not_learned] == ["taken back (learned-undone.tsv)"]
    assert learned_for_run(Settings(models_dir=models, learned_dir=out)) == {}
    # nothing to undo: a usage error, exit 2
    got = CliRunner().invoke(cli.main, ["learned", str(out), "--models", str(models), "--undo", "Oresden"])
    assert got.exit_code == 2 and "no learned repair of 'Oresden'" in got.output


def test_promoted_repairs_apply_to_every_output_folder_and_can_be_masked_in_one(out, models, tmp_path):
    _answer(out, 5, "accepted", "Dresden")
    apply_answers(out, models)
    got = CliRunner().invoke(cli.main, ["learned", str(out), "--models", str(models), "--promote"])
    assert got.exit_code == 0 and "1 learned repairs promoted" in got.output
    other = tmp_path / "other"
    other.mkdir()
    assert learned_for_run(Settings(models_dir=models, learned_dir=other)) == {"Oresden": "Dresden"}
    CliRunner().invoke(cli.main, ["learned", str(other), "--models", str(models), "--undo", "Oresden"])
    assert learned_for_run(Settings(models_dir=models, learned_dir=other)) == {}  # masked here only
    assert learned_for_run(Settings(models_dir=models, learned_dir=out)) == {"Oresden": "Dresden"}
