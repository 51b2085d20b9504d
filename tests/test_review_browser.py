"""The review app end to end in a real browser: Debian's chromium driven by Playwright.

Runs the pipeline on tests/fixtures/review (a scanned memo with three known flags), answers
them in the browser with the keyboard (correct one, accept one, reject one), restarts the app,
finds the answers still there, applies them, checks the Parquet tables and the learned
gazetteer (in a temporary copy of models/), and runs again: the accepted repair is made without
asking and the other answers are re-applied. Saves docs/review-app.png for the README.
"""
from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.answers import AnswerStore

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "review" / "memo_review_scan.pdf"
SCREENSHOT = ROOT / "docs" / "review-app.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _need_browser() -> None:
    if sync_playwright is None:
        pytest.skip("Playwright for Python is not installed: .venv/bin/pip install playwright (or `make test`)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: sudo apt-get install chromium (`make test` installs it)")


def _cli(*args: str) -> subprocess.CompletedProcess:
    res = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=900, check=False)
    assert res.returncode == 0, f"cli.py {' '.join(args)} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
    return res


class ReviewServer:
    """`python cli.py review OUT --port 0` in a subprocess; the address is read from what it prints."""

    def __init__(self, out: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "review", str(out), "--port", "0",
                                      "--user", "archivist"], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in self.proc.stdout], daemon=True).start()
        seen = []
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                self.stop()
                pytest.fail(f"the review app printed no address: {seen}")
            seen.append(line)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.url = m.group(0)
                return

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _rows(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def _known_flags(out: Path) -> dict[str, dict]:
    rows = _rows(out, "review")
    found = {
        "date": [r for r in rows if r["table_name"] == "entities" and "no year written" in (r["reason"] or "")],
        "city": [r for r in rows if r["table_name"] == "corrections" and r["value"] == "Oresden"],
        "stamp": [r for r in rows if r["table_name"] == "entities" and r["value"] == "2026-05"
                  and r["suggestion"] is None and "without its day" in (r["reason"] or "")],
    }
    for key, hits in found.items():
        assert len(hits) == 1, f"fixture flag {key!r} not found once in {[(r['value'], r['reason']) for r in rows]}"
    # a real word, not an OCR-damaged city
    assert not [r for r in rows if (r["value"] or "").startswith("Rechtsamt")]
    return {key: hits[0] for key, hits in found.items()}


def _answer_with_keys(page, url: str, rid: str, keys: list[str], text: str = "") -> None:
    """Open the item, press the keys (typing `text` after them), and wait for the next item."""
    page.goto(f"{url}item/{rid}")
    assert page.locator("main.item").get_attribute("data-review-id") == rid
    for key in keys:
        page.keyboard.press(key)
    if text:
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    page.wait_for_url(lambda u: not u.endswith(f"/item/{rid}"))


def test_review_in_the_browser_flows_back_into_tables_and_gazetteer(tmp_path):
    _need_browser()
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models, ignore=shutil.ignore_patterns("__pycache__"))
    real_learned = (ROOT / "models" / "gazetteer" / "learned.tsv").read_bytes()
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURE, src / FIXTURE.name)
    out = tmp_path / "out"
    _cli("run", str(src), "--out", str(out), "--models", str(models), "--jobs", "1", "--quiet")
    flags = _known_flags(out)
    total = len(_rows(out, "review"))
    date, city, stamp = flags["date"], flags["city"], flags["stamp"]

    app = ReviewServer(out)
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 860})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(app.url)
            assert page.inner_text("#open-count") == str(total)
            assert "memo_review_scan.pdf" in page.inner_text("table.docs")

            # the damaged city: crop, reading, suggestion, context; the screenshot for the README
            page.goto(f"{app.url}item/{city['review_id']}")
            assert page.inner_text("#value") == "Oresden" and page.inner_text("#suggestion") == "Dresden"
            assert page.inner_text("#context mark") == "Oresden"
            assert page.evaluate("document.getElementById('crop').naturalWidth") > 0
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            # the memo's markup is shown as text, never run
            page.goto(f"{app.url}item/{date['review_id']}")
            assert "<script>alert(1)</script>" in page.inner_text("#context")
            assert page.evaluate("document.scripts.length") == 1

            # correct the yearless date (e, type, Enter), accept the city (a), reject the dayless stamp (r)
            _answer_with_keys(page, app.url, date["review_id"], ["e", "Control+A", "Backspace"], "15.01.2026")
            _answer_with_keys(page, app.url, city["review_id"], ["a"])
            _answer_with_keys(page, app.url, stamp["review_id"], ["r"])
            page.goto(app.url)
            assert (page.inner_text("#done-count"), page.inner_text("#open-count")) == ("3", str(total - 3))
            browser.close()
    finally:
        app.stop()
    assert dialogs == []

    # a new start of the app finds every answer
    app = ReviewServer(out)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            for row, status in ((date, "corrected"), (city, "accepted"), (stamp, "rejected")):
                page.goto(f"{app.url}item/{row['review_id']}")
                assert page.inner_text("#status") == status
                assert "by archivist" in page.inner_text("p.given")
            page.goto(app.url)
            assert page.inner_text("#done-count") == "3"
            browser.close()
    finally:
        app.stop()
    answers = AnswerStore(out).all()
    assert [(a.status, a.new, a.who) for a in answers] == [
        ("corrected", "2026-01-15", "archivist"), ("accepted", "Dresden", "archivist"), ("rejected", None, "archivist")]
    _cli("review", str(out), "--export", str(tmp_path / "answers.csv"))
    assert len((tmp_path / "answers.csv").read_text(encoding="utf-8").splitlines()) == 4

    # apply: the tables and the learned gazetteer (of the temporary models copy)
    _cli("apply", str(out), "--models", str(models))
    ents = {e["entity_id"]: e for e in _rows(out, "entities")}
    assert (ents[date["row_id"]]["value"], ents[date["row_id"]]["value_before_review"]) == ("2026-01-15", "XXXX-01-15")
    # the rejected stamp had no suggestion: its value is cleared, the pipeline's kept beside it
    assert (ents[stamp["row_id"]]["value"], ents[stamp["row_id"]]["value_before_review"]) == (None, "2026-05")
    assert ents[stamp["row_id"]]["label"] == "DATE"
    status = {r["review_id"]: r["status"] for r in _rows(out, "review")}
    assert [status[r["review_id"]] for r in (date, city, stamp)] == ["corrected", "accepted", "rejected"]
    corr = {c["original"]: c for c in _rows(out, "corrections")}
    assert corr["Oresden"]["needs_review"] is False and corr["Oresden"]["corrected"] == "Dresden"
    learned = (out / "learned.tsv").read_text(encoding="utf-8")  # the output folder's, not the models'
    assert re.search(r"^Oresden\tDresden\treview:archivist\t\d{4}-", learned, re.MULTILINE)
    # only the accepted repair is learned: nothing from the rejected stamp (nor the corrected date)
    assert len(learned.splitlines()) == 2
    assert "Rechtsamt" not in learned and "MAI" not in learned and "2026-05" not in learned
    assert (ROOT / "models" / "gazetteer" / "learned.tsv").read_bytes() == real_learned

    # the next run repairs 'Oresden' without asking and, asked to, re-applies the other answers
    _cli("run", str(src), "--out", str(out), "--models", str(models), "--jobs", "1", "--quiet", "--apply-answers")
    review = _rows(out, "review")
    assert not [r for r in review if r["value"] == "Oresden"]
    assert [r["status"] for r in review if r["status"] == "open"] == ["open"] * (total - 3)
    learned_fix = [c for c in _rows(out, "corrections") if c["original"] == "Oresden"]
    assert [(c["corrected"], c["source"], c["applied"], c["needs_review"]) for c in learned_fix] == \
        [("Dresden", "learned", True, False)]
    ents = _rows(out, "entities")
    assert any(e["label"] == "CITY" and e["value"] == "Dresden" and e["corrected_from"] == "Oresden" and
               not e["needs_review"] for e in ents)
    date_now = [e for e in ents if e["text"] == "15. Januar"]
    assert [(e["value"], e["value_before_review"]) for e in date_now] == [("2026-01-15", "XXXX-01-15")]
    stamp_now = [e for e in ents if e["text"] == "MAI 2026"]
    assert [(e["label"], e["value"], e["value_before_review"]) for e in stamp_now] == [("DATE", None, "2026-05")]
    by_value = {r["value"]: r["status"] for r in review}
    assert by_value["XXXX-01-15"] == "corrected" and by_value["2026-05"] == "rejected"
