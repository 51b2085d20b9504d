"""The review app under attack: forged Host headers for every way of binding it, slow and many
clients, and reviewers' repairs that must not become silent rewrites of every later run.

Each test here failed against the app before issue 16 item 5: the Host check was off for
--host 0.0.0.0 / "" / 127.1 / LOCALHOST, a client could hold a thread forever, the backlog was 5,
and a typed `=1+1` went into the learned gazetteer.
"""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import tables
from pipeline.answers import AnswerStore
from pipeline.learned import LearnedRepair, Rejection, append_learned, check_learned, correction, read_learned
from pipeline.review_app import create_server
from pipeline.review_apply import apply_answers

ROOT = Path(__file__).resolve().parent.parent
DOC = "d5ec000000000001"
WHEN = "2026-01-15T09:30:00+00:00"
SECRET = "Geheimort"  # a value on the item pages: a forged request must never see it


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- an output folder

def _review(i, table_name, row_id, field, value, suggestion, reason):
    return {"review_id": f"{DOC}-r{i:04d}", "doc_id": DOC, "page": 1, "table_name": table_name, "row_id": row_id,
            "field": field, "value": value, "suggestion": suggestion, "confidence": 0.5, "reason": reason,
            "status": "open", "context": f"Besuch aus {SECRET} am 23. Oktober, Donate", "x0": None, "y0": None,
            "x1": None, "y1": None, "crop": None}


@pytest.fixture
def out(tmp_path) -> Path:
    """Three items: a city, a yearless date, an OCR repair of 'onate'."""
    out = tmp_path / "out"
    tables.write_table(out, "documents", [{"doc_id": DOC, "source_file": "memo.pdf", "sha256": "0" * 64,
                                           "n_pages": 1, "text_source": "ocr", "doc_type": "Hausmitteilung",
                                           "title": "Besuch", "doc_date": "2025-03-26", "status": "ok"}])
    ent = {"doc_id": DOC, "page": 1, "start": 11, "needs_review": True, "x0": None, "y0": None, "x1": None,
           "y1": None, "source": "rule", "confidence": 0.5, "corrected_from": None}
    tables.write_table(out, "entities", [
        dict(ent, entity_id=f"{DOC}-e0000", label="CITY", text=SECRET, value=SECRET, end=20, review_reason="model"),
        dict(ent, entity_id=f"{DOC}-e0001", label="DATE", text="23. Oktober", value="XXXX-10-23", end=35,
             review_reason="no year written"),
    ])
    tables.write_table(out, "corrections", [
        {"doc_id": DOC, "page": 1, "start": 37, "end": 42, "original": "onate", "corrected": "Donate", "score": 83.3,
         "source": "lexicon", "applied": False, "needs_review": True, "reason": "similar to Donate"},
        {"doc_id": DOC, "page": 1, "start": 50, "end": 57, "original": "Oresden", "corrected": "Dresden",
         "score": 85.7, "source": "cities", "applied": False, "needs_review": True, "reason": "similar to Dresden"},
    ])
    tables.write_table(out, "review", [
        _review(0, "entities", f"{DOC}-e0000", "value", SECRET, None, "CITY: model only"),
        _review(1, "entities", f"{DOC}-e0001", "value", "XXXX-10-23", None, "DATE: no year written"),
        _review(2, "corrections", f"{DOC}-c0000", "corrected", "onate", "Donate", "similar to Donate"),
        _review(3, "corrections", f"{DOC}-c0001", "corrected", "Oresden", "Dresden", "similar to Dresden"),
    ])
    return out


class Running:
    def __init__(self, out: Path, host: str = "127.0.0.1", **kw) -> None:
        self.server, self.url = create_server(out, host, 0, who="tester", **kw)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve(out):
    running = []

    def start(host: str = "127.0.0.1", **kw) -> Running:
        running.append(Running(out, host, **kw))
        return running[-1]

    yield start
    for r in running:
        r.close()


def _connect(port: int, family: int = socket.AF_INET, timeout: float = 10.0) -> socket.socket:
    addr = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    return socket.create_connection((addr, port), timeout=timeout)


def _raw(port: int, request: bytes, family: int = socket.AF_INET) -> tuple[int, bytes]:
    """Send the bytes as they are (no client fixes the Host header up) and read the whole answer."""
    with _connect(port, family) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    assert m, data[:200]
    return int(m.group(1)), data


def _get(port: int, path: str, host: str | None, family: int = socket.AF_INET) -> tuple[int, bytes]:
    head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "") + "Connection: close\r\n\r\n"
    return _raw(port, head.encode("latin-1"), family)


def _post(port: int, host: str, body: str, cookie: str = "", family: int = socket.AF_INET) -> tuple[int, bytes]:
    head = (f"POST /answer HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body.encode())}\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") +
            "Connection: close\r\n\r\n")
    return _raw(port, head.encode("latin-1") + body.encode(), family)


# ---------------------------------------------------------------- Host allowlist

BINDS = ["0.0.0.0", "", "127.1", "LOCALHOST", "127.0.0.1", "localhost"] + (["::1", "::"] if _has_ipv6_loopback() else [])


@pytest.mark.parametrize("bind", BINDS, ids=lambda b: repr(b))
def test_forged_host_headers_are_refused_however_the_app_is_bound(serve, bind):
    app = serve(bind)
    port = app.port
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    forged = [f"evil.example:{port}", "evil.example", f"127.0.0.1.nip.io:{port}", f"localhost.evil.example:{port}",
              f"localtest.me:{port}", f"localhost:{port + 1}", f"evil.example:{port}@localhost",
              f"localhost:{port}, evil.example:{port}", "", "[::1", f"::1:{port}", f"0.0.0.0:{port}"]
    if bind != "127.1":  # the address as --host wrote it is one of the app's names
        forged.append(f"127.1:{port}")
    for host in forged + [None]:
        for path in ("/", f"/item/{DOC}-r0000", "/answers.csv", "/static/app.js"):
            status, body = _get(port, path, host, family)
            assert status == 400, (bind, host, path, status)
            assert SECRET.encode() not in body
    # the rebinding page cannot answer either, not even with a session and token it got legitimately
    own = "[::1]" if ":" in bind else "127.0.0.1"
    status, page = _get(port, f"/item/{DOC}-r0000", f"{own}:{port}", family)
    assert status == 200 and SECRET.encode() in page
    cookie = re.search(rb"Set-Cookie: (ratsakten_review=[^;]+)", page).group(1).decode()
    token = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
    form = f"review_id={DOC}-r0000&action=accept&csrf={token}"
    assert _post(port, f"evil.example:{port}", form, cookie, family)[0] == 400
    assert AnswerStore(app.server.get_app().out_dir).all() == []
    assert _post(port, f"{own}:{port}", form, cookie, family)[0] == 303  # the same answer from the app's own page
    # the reviewer's own browser, under every loopback name
    for host in (f"localhost:{port}", f"LocalHost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}",
                 f"{socket.gethostname()}:{port}"):
        assert _get(port, "/", host, family)[0] == 200, (bind, host)


def test_allow_host_adds_a_name_and_only_that(serve):
    app = serve("0.0.0.0", allow_hosts=("review.archiv.example", "10.1.2.3"))
    port = app.port
    for host in (f"review.archiv.example:{port}", f"Review.Archiv.Example:{port}", f"10.1.2.3:{port}"):
        assert _get(port, "/", host)[0] == 200, host
    for host in (f"archiv.example:{port}", f"review.archiv.example:{port + 1}", f"x.review.archiv.example:{port}",
                 f"10.1.2.4:{port}"):
        assert _get(port, "/", host)[0] == 400, host


def test_review_command_takes_allow_host(out):
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "review", str(out), "--host", "127.1", "--port",
                             "0", "--allow-host", "review.archiv.example", "--allow-host", "alias.example"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "http://" not in line:
            line = proc.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        assert _get(port, "/", f"review.archiv.example:{port}")[0] == 200
        assert _get(port, "/", f"alias.example:{port}")[0] == 200
        assert _get(port, "/", f"evil.example:{port}")[0] == 400
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bad = subprocess.run([sys.executable, str(ROOT / "cli.py"), "review", str(out), "--allow-host", "x.example:80"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "without a port" in bad.stderr


# ---------------------------------------------------------------- slow and many clients

def _closed_within(s: socket.socket, seconds: float) -> bytes:
    """What the server sent before closing; fails if it is still open after `seconds`."""
    s.settimeout(seconds)
    data = b""
    try:
        while chunk := s.recv(65536):
            data += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for more than {seconds} s")
    return data


def test_a_body_that_never_comes_is_dropped_while_others_are_served(serve):
    app = serve(timeout=3.0)
    host = f"127.0.0.1:{app.port}"
    silent = _connect(app.port)
    silent.sendall(f"POST /answer HTTP/1.1\r\nHost: {host}\r\nContent-Length: 200\r\n\r\n".encode())
    trickle = _connect(app.port)
    trickle.sendall(b"G")
    start = time.monotonic()
    stop = threading.Event()

    def drip():
        for ch in f"ET / HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode() + b"a" * 100:
            if stop.wait(0.2):
                return
            try:
                trickle.send(bytes([ch]))
            except OSError:
                return

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    t = time.monotonic()
    assert _get(app.port, "/", host)[0] == 200  # another client, served while the two are held
    assert time.monotonic() - t < 2.5
    answer = _closed_within(silent, 6.0)
    assert answer.startswith(b"HTTP/1.0 408") or answer == b""
    _closed_within(trickle, 6.0)  # a byte every 0.2 s (28 s in all) does not reset the clock
    assert time.monotonic() - start < 7.0
    stop.set()
    silent.close()
    trickle.close()


def test_handler_threads_are_bounded_and_the_queue_drains(serve):
    before = threading.active_count()
    app = serve(timeout=2.0, max_handlers=4)
    slow = [_connect(app.port) for _ in range(10)]
    for s in slow:
        s.sendall(b"GET / HTTP/1.1\r\n")  # and nothing more
    time.sleep(0.5)
    assert threading.active_count() - before <= 1 + 4  # the serve loop and four handlers
    t = time.monotonic()
    assert _get(app.port, "/", f"127.0.0.1:{app.port}")[0] == 200  # waits its turn, then is answered
    assert time.monotonic() - t < 2.0 * 3 + 2  # at most three rounds of slow clients ahead of it
    for s in slow:
        s.close()


def test_a_hundred_connections_at_once_are_all_answered(out):
    server, _url = create_server(out, "127.0.0.1", 0, who="tester")
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        # before the app accepts anything: the kernel must queue them all (a backlog of 5 drops them)
        waiting = []
        for _ in range(100):
            waiting.append(socket.create_connection(("127.0.0.1", port), timeout=1.0))
        thread.start()
        for s in waiting:
            s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert [_closed_within(s, 20.0)[:12] for s in waiting] == [b"HTTP/1.0 200"] * 100
        for s in waiting:
            s.close()
        # and a hundred clients in parallel
        results: list[int] = []
        lock = threading.Lock()

        def client():
            status, _ = _get(port, f"/item/{DOC}-r0001", f"localhost:{port}")
            with lock:
                results.append(status)

        threads = [threading.Thread(target=client) for _ in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert results == [200] * 100
    finally:
        if thread.is_alive():  # shutdown() waits for a serve loop that was started
            server.shutdown()
        server.server_close()


def test_an_announced_body_larger_than_the_limit_is_refused_unread(serve):
    app = serve()
    status, _ = _raw(app.port, f"POST /answer HTTP/1.1\r\nHost: 127.0.0.1:{app.port}\r\n"
                               f"Content-Length: {10 ** 9}\r\n\r\n".encode())
    assert status == 413


# ---------------------------------------------------------------- the date item's edit box

def test_a_yearless_date_is_not_prefilled_with_what_the_form_refuses(serve):
    app = serve()
    host = f"127.0.0.1:{app.port}"
    status, page = _get(app.port, f"/item/{DOC}-r0001", host)
    assert status == 200
    box = re.search(rb'<input id="new" name="new" value="([^"]*)"', page).group(1)
    assert box == b""  # not 'XXXX-10-23'
    assert b"no year was written: type the whole date" in page and b'placeholder="DD.MM.YYYY"' in page
    # a prefill that is there is one the form takes: the city keeps its name
    status, page = _get(app.port, f"/item/{DOC}-r0000", host)
    assert re.search(rb'<input id="new" name="new" value="([^"]*)"', page).group(1) == SECRET.encode()
    cookie = re.search(rb"Set-Cookie: (ratsakten_review=[^;]+)", page).group(1).decode()
    token = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
    assert _post(app.port, host, f"review_id={DOC}-r0000&action=correct&new={SECRET}&csrf={token}", cookie)[0] == 303


# ---------------------------------------------------------------- learned repairs

@pytest.mark.parametrize("original, typed, why", [
    ("onate", "=1+1", "formula"),
    ("onate", "+Donate", "formula"),
    ("Oresden", "@Dresden", "formula"),
    ("Oresden", "Dres\tden", "control character"),
    ("Oresden", "Dresden\t", "control character"),
    ("Oresden", "Dres\nden", "control character"),
    ("Oresden", "Dresden\r\nx\tDresden", "control character"),
    ("Oresden", "Dresden\u2028", "control character"),
    ("Oresden", "Dresden Sachsen Ost", "word(s) typed for 1 read"),
    ("Müller", "Schmidt", "similarity"),
    ("Rechtsamt", "Rechitsa", "similarity"),
    ("der", "des", "similarity"),
    ("Oresden", "Dresd3n", "letters only"),
    ("Oresden", "Oresden", "nothing to repair"),
    ("#Oresden", "Dresden", "comment"),
])
def test_an_implausible_or_unsafe_repair_is_not_learned(original, typed, why):
    got = check_learned(original, typed, "archivist", WHEN)
    assert isinstance(got, Rejection) and why in got.why, got


def test_a_plausible_repair_is_learned_with_who_and_when():
    for original, typed in (("Oresden", "Dresden"), ("Chmeinyzkyj", "Chmelnyzkyj"), ("Wöhrte", "Wöhrle"),
                            ("onate", "Donate"), ("Kijiw Oblast", "Kyjiw Oblast")):
        got = check_learned(original, typed, "archivist", WHEN)
        assert isinstance(got, LearnedRepair), got
        assert (got.original, got.corrected, got.who, got.when) == (original, typed, "archivist", WHEN)
        assert got.score >= 70
    for who, when in (("", WHEN), ("arch\tivist", WHEN), ("=cmd", WHEN), ("archivist", ""),
                      ("archivist", "yesterday")):
        assert isinstance(check_learned("Oresden", "Dresden", who, when), Rejection), (who, when)


def test_the_corrections_row_of_a_learned_repair_says_whose_it_is():
    repair = check_learned("Oresden", "Dresden", "archivist", WHEN)
    row = correction(repair, 3, "Oresden,", "Dresden,")
    assert (row.page, row.original, row.corrected, row.source, row.applied, row.needs_review) == \
        (3, "Oresden,", "Dresden,", "learned", True, False)
    assert row.reason == f"'Oresden' corrected to 'Dresden': learned repair, as archivist answered at {WHEN}"


def test_the_file_is_defused_on_read_and_on_write(tmp_path):
    path = tmp_path / "learned.tsv"
    path.write_text("original\tcorrected\tsource\tadded_at\n"
                    f"Oresden\tDresden\treview:archivist\t{WHEN}\n"  # a legacy line: who from source
                    f"onate\t=1+1\treview:mallory\t{WHEN}\n"
                    f"Wöhrte\tWöhr\tle\treview:mallory\t{WHEN}\n"  # a tab inside the repair
                    f"Müller\tSchmidt\treview:mallory\t{WHEN}\n"
                    "Dresdcn\tDresden\tgazetteer\t\n", encoding="utf-8")  # unsigned
    got = read_learned(path)
    assert {k: (r.corrected, r.who, r.when) for k, r in got.repairs.items()} == \
        {"Oresden": ("Dresden", "archivist", WHEN)}
    assert sorted(r.original for r in got.refused) == sorted(["Dresdcn", "Müller", "onate", "Wöhrte"])
    # written: only what passes, even when handed a repair that skipped the check
    forged = LearnedRepair("onate", "=1+1", "mallory", WHEN, 100.0)
    tabbed = LearnedRepair("Oresden", "Dres\tden", "mallory", WHEN, 100.0)
    good = check_learned("Chmeinyzkyj", "Chmelnyzkyj", "archivist", WHEN)
    old = path.read_text(encoding="utf-8")
    n, refused = append_learned(path, [forged, tabbed, good, check_learned("onate", "=1+1", "m", WHEN)])
    assert n == 1 and [r.corrected for r in refused] == ["=1+1", "Dres\tden", "=1+1"]
    # one line more, in the file's own (legacy) columns; the lines there are kept, and refused on read
    assert path.read_text(encoding="utf-8") == old + f"Chmeinyzkyj\tChmelnyzkyj\treview:archivist\t{WHEN}\n"
    assert sorted(read_learned(path).repairs) == ["Chmeinyzkyj", "Oresden"]
    assert append_learned(path, [good]) == (0, [])  # already there
    # a new file gets the columns with who and when
    fresh = tmp_path / "new" / "learned.tsv"
    assert append_learned(fresh, [good]) == (1, [])
    assert fresh.read_text(encoding="utf-8").splitlines() == [
        "original\tcorrected\tsource\twhen\twho\tscore",
        f"Chmeinyzkyj\tChmelnyzkyj\treview:archivist\t{WHEN}\tarchivist\t97.7"]
    assert read_learned(fresh).repairs["Chmeinyzkyj"].who == "archivist"


def test_apply_learns_a_plausible_repair_and_keeps_a_typed_formula_out(out, tmp_path):
    models = tmp_path / "models"
    (models / "gazetteer").mkdir(parents=True)
    (models / "gazetteer" / "learned.tsv").write_text("original\tcorrected\tsource\tadded_at\n", encoding="utf-8")
    rows = {r["review_id"]: r for r in pq.read_table(out / "review.parquet").to_pylist()}
    store = AnswerStore(out)
    store.record(rows[f"{DOC}-r0002"], "corrected", "=1+1", "mallory")  # the attack: onate -> =1+1
    store.record(rows[f"{DOC}-r0003"], "accepted", "Dresden", "archivist")
    summary = apply_answers(out, models)
    assert summary.learned == 1
    assert [(r.original, r.corrected, r.who) for r in summary.not_learned] == [("onate", "=1+1", "mallory")]
    lines = (out / "learned.tsv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith("Oresden\tDresden\treview:archivist\t20")
    learned = read_learned(out / "learned.tsv")
    assert list(learned.repairs) == ["Oresden"] and learned.refused == []
    # the answer still holds for its own document: the table says what the reviewer typed
    corr = pq.read_table(out / "corrections.parquet").to_pylist()
    assert [c["corrected"] for c in corr] == ["=1+1", "Dresden"]
    assert "'=1+1" in (out / "corrections.csv").read_text(encoding="utf-8")  # defused in the CSV
