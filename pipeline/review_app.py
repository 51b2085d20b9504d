"""The review app: archive staff check flagged values beside the page crop.

    python cli.py review OUT_DIR [--host 127.0.0.1] [--port 0]

A small WSGI application on the standard library's server (no framework, nothing to install).
Pages are rendered on the server and every piece of document text is HTML-escaped (a memo can
contain `<script>`); the only script is /static/app.js (keyboard shortcuts) and the
Content-Security-Policy forbids inline scripts, so escaped or not, memo text never runs.
Answers are POSTs carrying a per-session token; crops are served only from OUT_DIR/crops; requests
for any Host but this machine's names (loopback names, the bound address, the host name, and
--allow-host) are refused however the app is bound, so DNS rebinding through the reviewer's own
browser reads and answers nothing. A client gets READ_TIMEOUT seconds for its whole request and
at most MAX_BODY bytes; at most MAX_HANDLERS requests run at once, the rest wait in a deep backlog.
Answers go straight to OUT_DIR/review.sqlite (pipeline/answers.py); `cli.py apply` writes them
into the tables.
"""
from __future__ import annotations

import getpass
import hashlib
import hmac
import html
import io
import ipaddress
import logging
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, quote, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pyarrow.parquet as pq

from .answers import AnswerStore, match
from .errors import UsageError
from .extract.dates import is_yearless
from .review_apply import is_date_field, normalise, proposal

log = logging.getLogger("ratsakten.review")

COOKIE = "ratsakten_review"
MAX_BODY = 64 * 1024
SECURITY_HEADERS = [
    ("Content-Security-Policy", ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]


def esc(value) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def who_default() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (a container without passwd entry)
        return "reviewer"


# ---------------------------------------------------------------- data

class QueueData:
    """The review table and what the pages show beside it; re-read when the run rewrites it."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self.rows: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.docs: dict[str, dict] = {}
        self.entities: dict[str, dict] = {}
        self.history: dict[str, list[dict]] = {}  # decision_id -> its reference's register rows (issue 19)

    def _read(self, name: str, columns: list[str] | None = None) -> list[dict]:
        path = self.out_dir / f"{name}.parquet"
        if not path.exists():
            return []
        table = pq.read_table(path)
        if columns:
            table = table.select([c for c in columns if c in table.column_names])
        return table.to_pylist()

    def load(self) -> QueueData:
        path = self.out_dir / "review.parquet"
        stamp = path.stat().st_mtime_ns
        with self._lock:
            if stamp == self._stamp:
                return self
            self.rows = self._read("review")
            self.by_id = {r["review_id"]: r for r in self.rows}
            self.docs = {d["doc_id"]: d for d in self._read("documents", ["doc_id", "source_file", "doc_type",
                                                                          "title"])}
            self.entities = {e["entity_id"]: e for e in self._read("entities", ["entity_id", "label", "text",
                                                                                "corrected_from"])}
            self.history = _histories(self._read("register", list(HISTORY_COLUMNS)))
            self._stamp = stamp
        return self

    def label(self, row: dict) -> str | None:
        e = self.entities.get(row["row_id"]) if row["table_name"] == "entities" else None
        return e.get("label") if e else None


HISTORY_COLUMNS = ("reference", "city", "date", "role", "doc_type", "source_file", "doc_id", "decision_id", "item",
                   "result", "votes")


def _histories(register: list[dict]) -> dict[str, list[dict]]:
    """decision_id -> every register row of the decision's (reference, city), in history order (the
    register is written in that order)."""
    groups: dict[tuple, list[dict]] = {}
    for r in register:
        groups.setdefault((r.get("reference"), r.get("city")), []).append(r)
    out: dict[str, list[dict]] = {}
    for rows in groups.values():
        for r in rows:
            if r.get("decision_id"):
                out.setdefault(r["decision_id"], rows)
    return out


def _history_html(rows: list[dict], current: str) -> str:
    """The decision's history beside it: proposal, decision, reports, this row marked."""
    if not rows:
        return ""
    head = f'{esc(rows[0].get("reference"))}' + (f' · {esc(rows[0]["city"])}' if rows[0].get("city") else "")
    cells = []
    for r in rows:
        mark = ' class="current"' if r.get("decision_id") == current else ""
        votes = f' ({esc(r["votes"])})' if r.get("votes") else ""
        doc = quote(str(r.get("doc_id") or ""))
        cells.append(f'<tr{mark}><td>{esc(r.get("date")) or "—"}</td><td>{esc(r.get("role"))}</td>'
                     f'<td>{esc(r.get("doc_type")) or "—"}</td>'
                     f'<td><a href="/doc/{doc}">{esc(r.get("source_file"))}</a></td>'
                     f'<td>{esc(r.get("item"))}</td><td>{esc(r.get("result")) or "—"}{votes}</td></tr>')
    body = "".join(cells)
    return (f'<section class="history" id="history"><h2>History of {head}</h2><table><thead><tr><th>date</th>'
            f'<th>role</th><th>document</th><th>file</th><th>item</th><th>result</th></tr></thead>'
            f'<tbody>{body}</tbody></table></section>')


# ---------------------------------------------------------------- the app

class ReviewApp:
    def __init__(self, out_dir: Path, who: str | None = None, hosts: HostCheck | None = None) -> None:
        self.out_dir = Path(out_dir).resolve()
        if not (self.out_dir / "review.parquet").exists():
            raise UsageError(f"{out_dir} has no review table: run `python cli.py run INPUT... --out {out_dir}` "
                             f"first")
        self.crops = (self.out_dir / "crops").resolve()
        self.store = AnswerStore(self.out_dir)
        self.data = QueueData(self.out_dir)
        self.who = who or who_default()
        self.hosts = hosts or HostCheck(frozenset(), -1)  # answers nothing until create_server knows the port
        self._refused: set[str] = set()
        self._secret = secrets.token_bytes(32)

    # -- plumbing ------------------------------------------------------------------
    def __call__(self, environ, start_response):
        try:
            status, headers, body = self.handle(environ)
        except Exception:  # a bug must show as an error page, not kill the server
            log.exception("review app error")
            status, headers, body = "500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")], \
                b"internal error; see the terminal running the review app"
        start_response(status, headers + SECURITY_HEADERS)
        return [body]

    def csrf_token(self, session: str) -> str:
        return hmac.new(self._secret, session.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def _session(environ) -> str | None:
        try:
            cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        except CookieError:
            return None
        morsel = cookie.get(COOKIE)
        return morsel.value if morsel and morsel.value else None

    def handle(self, environ) -> tuple[str, list, bytes]:
        host = environ.get("HTTP_HOST")
        if not self.hosts.allows(host):
            if len(self._refused) < 32 and host not in self._refused:  # say so once per name, not per request
                self._refused.add(host)
                log.warning("refused a request for Host %r: if that is this machine, start the app with "
                            "--allow-host NAME", host)
            return _text("400 Bad Request", "unexpected Host header: this app answers only to the names of its "
                         "machine (and those given with --allow-host)")
        method = environ.get("REQUEST_METHOD", "GET")
        # wsgiref hands PATH_INFO over percent-decoded, as latin-1
        path = environ.get("PATH_INFO", "/").encode("latin-1", "replace").decode("utf-8", "replace")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        session = self._session(environ)
        new_cookie = None
        if session is None:
            session = secrets.token_urlsafe(24)
            new_cookie = f"{COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict"
        if method == "POST":
            if path != "/answer":
                return _text("404 Not Found", "not found")
            return self.post_answer(environ, session, new_cookie is not None)
        if method not in ("GET", "HEAD"):
            return _text("405 Method Not Allowed", "method not allowed")
        if path.startswith("/crops/"):
            return self.crop(path[len("/crops/"):])
        if path == "/static/app.js":
            return "200 OK", [("Content-Type", "text/javascript; charset=utf-8")], APP_JS.encode()
        if path == "/static/app.css":
            return "200 OK", [("Content-Type", "text/css; charset=utf-8")], APP_CSS.encode()
        if path == "/answers.csv":
            return self.export()
        if path == "/favicon.ico":
            return "204 No Content", [], b""
        data = self.data.load()
        token = self.csrf_token(session)
        if path == "/":
            status, body = "200 OK", self.overview(data)
        elif path.startswith("/doc/") and path[5:] in data.docs:
            status, body = "200 OK", self.document(data, path[5:])
        elif path.startswith("/item/") and path[6:] in data.by_id:
            status, body = "200 OK", self.item(data, data.by_id[path[6:]], token)
        elif path == "/next":
            after = (query.get("after") or [None])[0]
            rid = self.next_open(data, after)
            location = f"/item/{quote(rid)}" if rid else "/?" + urlencode({"finished": "1"})
            return "303 See Other", [("Location", location)] + _cookie(new_cookie), b""
        else:
            return _text("404 Not Found", "not found")
        return status, [("Content-Type", "text/html; charset=utf-8")] + _cookie(new_cookie), body.encode()

    # -- state -----------------------------------------------------------------------
    def answers(self, data: QueueData) -> dict:
        return match(data.rows, self.store.all())

    @staticmethod
    def status(row: dict, answers: dict) -> str:
        a = answers.get(row["review_id"])
        return a.status if a else (row.get("status") or "open")

    def progress(self, data: QueueData, answers: dict) -> tuple[int, int]:
        open_ = sum(self.status(r, answers) == "open" for r in data.rows)
        return len(data.rows) - open_, open_

    def next_open(self, data: QueueData, after: str | None) -> str | None:
        answers = self.answers(data)
        rows = data.rows
        start = 0
        if after in data.by_id:
            start = next(i for i, r in enumerate(rows) if r["review_id"] == after) + 1
        for r in rows[start:] + rows[:start]:
            if r["review_id"] != after and self.status(r, answers) == "open":
                return r["review_id"]
        return None

    # -- pages -----------------------------------------------------------------------
    def _page(self, title: str, data: QueueData, answers: dict, content: str) -> str:
        done, open_ = self.progress(data, answers)
        total = done + open_
        return f"""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} – Ratsakten review</title>
<link rel="stylesheet" href="/static/app.css"><script src="/static/app.js" defer></script></head>
<body><header>
<a class="home" href="/">Ratsakten review</a>
<span class="progress" id="progress"><progress value="{done}" max="{max(total, 1)}"></progress>
<b id="done-count">{done}</b> done / <b id="open-count">{open_}</b> open</span>
<span class="who">reviewer: {esc(self.who)}</span>
<a href="/answers.csv">answers as CSV</a>
</header>
{content}
</body></html>"""

    def overview(self, data: QueueData) -> str:
        answers = self.answers(data)
        per_doc: dict[str, list[dict]] = {}
        for r in data.rows:
            per_doc.setdefault(r["doc_id"], []).append(r)
        lines = []
        for doc_id, rows in per_doc.items():
            doc = data.docs.get(doc_id, {})
            open_ = sum(self.status(r, answers) == "open" for r in rows)
            lines.append(
                f'<tr class="{"open" if open_ else "cleared"}"><td><a href="/doc/{quote(doc_id)}">'
                f'{esc(doc.get("source_file") or doc_id)}</a></td><td>{esc(doc.get("doc_type") or "")}</td>'
                f'<td class="num">{open_}</td><td class="num">{len(rows) - open_}</td></tr>')
        _done, open_ = self.progress(data, answers)
        if not data.rows:
            lead = "<p>Nothing to review: the pipeline was sure of every value.</p>"
        elif open_:
            lead = ('<p><a class="button" id="start" href="/next">Review the next open item</a> '
                    '<span class="hint">or press <kbd>n</kbd></span></p>')
        else:
            lead = ('<p class="finished">All items answered. Write the answers into the tables with '
                    f'<code>python cli.py apply {esc(self.out_dir)}</code>.</p>')
        content = f"""<main class="overview">
<h1>Review queue: {_count(len(per_doc), "document")}, {_count(len(data.rows), "item")}</h1>
{lead}
<table class="docs"><thead><tr><th>Document</th><th>Type</th><th>Open</th><th>Done</th></tr></thead>
<tbody>{"".join(lines)}</tbody></table>
</main>"""
        return self._page("Overview", data, answers, content)

    def document(self, data: QueueData, doc_id: str) -> str:
        answers = self.answers(data)
        doc = data.docs.get(doc_id, {})
        lines = []
        for r in data.rows:
            if r["doc_id"] != doc_id:
                continue
            st = self.status(r, answers)
            lines.append(
                f'<tr class="status-{esc(st)}"><td><a href="/item/{quote(r["review_id"])}">{esc(r["review_id"])}</a>'
                f'</td><td>{esc(st)}</td><td>{esc(r.get("page"))}</td><td>{esc(r["table_name"])}.{esc(r["field"])}'
                f'</td><td><code>{esc(r.get("value"))}</code></td><td><code>{esc(r.get("suggestion"))}</code></td>'
                f'<td>{esc(r.get("reason"))}</td></tr>')
        content = f"""<main class="document">
<h1>{esc(doc.get("source_file") or doc_id)}</h1>
<p class="meta">{esc(doc.get("doc_type") or "")} {esc(doc.get("title") or "")}</p>
<table class="items"><thead><tr><th>Item</th><th>Status</th><th>Page</th><th>Field</th><th>Reading</th>
<th>Suggestion</th><th>Why</th></tr></thead><tbody>{"".join(lines)}</tbody></table>
<p><a id="next" href="/next">Next open item <kbd>n</kbd></a></p>
</main>"""
        return self._page(doc.get("source_file") or doc_id, data, answers, content)

    def item(self, data: QueueData, row: dict, token: str, error: str = "", typed: str | None = None) -> str:
        answers = self.answers(data)
        rid = row["review_id"]
        st = self.status(row, answers)
        doc = data.docs.get(row["doc_id"], {})
        entity = data.entities.get(row["row_id"]) if row["table_name"] == "entities" else None
        crop = row.get("crop") or ""
        if crop.startswith("crops/"):
            figure = (f'<figure class="crop"><img id="crop" src="/{quote(crop)}" '
                      f'alt="the page around the value, its box in red"></figure>')
        else:
            figure = '<p class="nocrop">No crop: the position of this value on the page is unknown.</p>'
        extra = ""
        if entity:
            extra += f'<dt>In the text</dt><dd><code>{esc(entity.get("text"))}</code> ({esc(entity.get("label"))})</dd>'
            if entity.get("corrected_from"):
                extra += f'<dt>OCR read</dt><dd><code>{esc(entity["corrected_from"])}</code></dd>'
        needle = (entity or {}).get("text") or (row.get("value") if row["table_name"] == "corrections" else None)
        answer = answers.get(rid)
        given = ""
        if answer:
            new = "" if answer.status == "rejected" else f": <code>{esc(answer.new)}</code>"
            given = (f'<p class="given">Answered <b class="status-{esc(answer.status)}">{esc(answer.status)}</b>'
                     f'{new} by {esc(answer.who)} at {esc(answer.at)}. Answering again replaces it.</p>')
        label = data.label(row)
        prefill = typed if typed is not None else (answer.new if answer and answer.status == "corrected"
                                                   else _acceptable(row, proposal(row), label))
        is_date = is_date_field(row["table_name"], row["field"], label)
        date_hint = ""
        if is_date:
            missing = (' <span class="hint" id="prefill-hint">no year was written: type the whole date</span>'
                       if not prefill and is_yearless(str(proposal(row) or "")) else "")
            date_hint = ' <span class="hint">YYYY-MM-DD, DD.MM.YYYY, YYYY-MM or YYYY</span>' + missing
        placeholder = ' placeholder="DD.MM.YYYY"' if is_date else ""
        hidden = (f'<input type="hidden" name="review_id" value="{esc(rid)}">'
                  f'<input type="hidden" name="csrf" value="{esc(token)}">')
        err = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
        history = _history_html(data.history.get(row["row_id"], []), row["row_id"]) \
            if row["table_name"] == "decisions" else ""
        content = f"""<main class="item" data-review-id="{esc(rid)}">
<h1>{esc(doc.get("source_file") or row["doc_id"])} <span class="page">page {esc(row.get("page"))}</span></h1>
<p class="meta"><b>{esc(_what(row["table_name"], row["field"], label))}</b>
<span class="field">({esc(row["table_name"])}.{esc(row["field"])})</span> ·
confidence {_num(row.get("confidence"))} · <span id="status" class="status status-{esc(st)}">{esc(st)}</span></p>
<p class="reason" id="reason">{esc(row.get("reason"))}</p>
{figure}
<dl class="values">
<dt>Reading</dt><dd><code id="value">{esc(row.get("value")) or "—"}</code></dd>
{extra}
<dt>Suggestion</dt><dd><code id="suggestion">{esc(row.get("suggestion")) or "—"}</code></dd>
<dt>Context</dt><dd class="context" id="context">{_highlight(row.get("context") or "", needle)}</dd>
</dl>
{history}{given}{err}
<div class="actions">
<form method="post" action="/answer" id="accept-form">{hidden}<input type="hidden" name="action" value="accept">
<button type="submit" class="accept">Accept <kbd>a</kbd></button></form>
<form method="post" action="/answer" id="reject-form">{hidden}<input type="hidden" name="action" value="reject">
<button type="submit" class="reject">Reject <kbd>r</kbd></button></form>
<form method="post" action="/answer" id="correct-form">{hidden}<input type="hidden" name="action" value="correct">
<label for="new">Correction</label> <input id="new" name="new" value="{esc(prefill)}"{placeholder} autocomplete="off"
spellcheck="false"> <button type="submit">Save correction <kbd>Enter</kbd></button>{date_hint}</form>
<a id="next" class="button" href="/next?{urlencode({"after": rid})}">Next <kbd>n</kbd></a>
</div>
<p class="help">Accept: the suggestion (or, without one, the reading) is right. Reject: it is wrong
(a suggestion is dropped; a value without one is cleared). Correction: type the right value.
Keys: <kbd>a</kbd> accept · <kbd>r</kbd> reject · <kbd>e</kbd> edit the correction, <kbd>Enter</kbd>
save it, <kbd>Esc</kbd> leave it · <kbd>n</kbd> next open item.</p>
</main>"""
        return self._page(f"{doc.get('source_file') or row['doc_id']} {rid}", data, answers, content)

    # -- actions -----------------------------------------------------------------------
    def post_answer(self, environ, session: str, fresh_session: bool) -> tuple[str, list, bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            return _text("413 Payload Too Large", "request too large")
        try:
            body = environ["wsgi.input"].read(length) if length > 0 else b""
        except TimeoutError:  # the body never came (or came a byte at a time): the thread is not kept
            return _text("408 Request Timeout", "the request was not received in time")
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        origin = environ.get("HTTP_ORIGIN")
        if origin and origin not in ("null",) and origin.split("://", 1)[-1] != environ.get("HTTP_HOST"):
            return _text("403 Forbidden", "cross-site request refused")
        if fresh_session or not hmac.compare_digest(form.get("csrf", ""), self.csrf_token(session)):
            return _text("403 Forbidden", "missing or wrong form token: reload the page and answer again")
        data = self.data.load()
        row = data.by_id.get(form.get("review_id", ""))
        if row is None:
            return _text("404 Not Found", "no such review item (was the output folder re-run?)")
        action = form.get("action")
        if action == "accept":
            status, new = "accepted", proposal(row)
        elif action == "reject":
            status, new = "rejected", None
        elif action == "correct":
            try:
                new = normalise(row["table_name"], row["field"], form.get("new", ""), data.label(row))
            except ValueError as exc:
                body = self.item(data, row, self.csrf_token(session), error=str(exc), typed=form.get("new", ""))
                return "400 Bad Request", [("Content-Type", "text/html; charset=utf-8")], body.encode()
            status = "accepted" if new == proposal(row) else "corrected"
        else:
            return _text("400 Bad Request", "action must be accept, reject or correct")
        self.store.record(row, status, new, self.who)
        return "303 See Other", [("Location", "/next?" + urlencode({"after": row["review_id"]}))], b""

    def crop(self, rel: str) -> tuple[str, list, bytes]:
        """Only PNG files inside OUT_DIR/crops, after resolving '..' and symlinks."""
        if "\x00" in rel or not rel:
            return _text("404 Not Found", "not found")
        target = (self.crops / rel).resolve()
        if not target.is_relative_to(self.crops) or target.suffix.lower() != ".png" or not target.is_file():
            return _text("404 Not Found", "not found")
        return "200 OK", [("Content-Type", "image/png")], target.read_bytes()

    def export(self) -> tuple[str, list, bytes]:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "answers.csv"
            self.store.export_csv(path)
            body = path.read_bytes()
        return "200 OK", [("Content-Type", "text/csv; charset=utf-8"),
                          ("Content-Disposition", 'attachment; filename="answers.csv"')], body


def _acceptable(row: dict, value: str | None, label: str | None) -> str:
    """Prefill the correction box only with what the form accepts: a yearless 'XXXX-10-23' is not a date
    the reviewer can save, so the box starts empty (with a hint) rather than with a value it refuses."""
    if value is None:
        return ""
    try:
        normalise(row["table_name"], row["field"], value, label)
    except ValueError:
        return ""
    return value


def _text(status: str, message: str) -> tuple[str, list, bytes]:
    return status, [("Content-Type", "text/plain; charset=utf-8")], message.encode()


def _cookie(value: str | None) -> list:
    return [("Set-Cookie", value)] if value else []


WHAT = {("documents", "doc_date"): "Issue date of the document", ("decisions", "decision_date"): "Decision date",
        ("decisions", "body"): "Deciding body", ("decisions", "text"): "Decision clause",
        ("corrections", "corrected"): "OCR repair of a name"}


def _what(table_name: str, field_name: str, label: str | None) -> str:
    """What the item asks about, in words."""
    if table_name == "entities":
        return {"DATE": "Date", "PERSON": "Person", "CITY": "City", "DISTRICT": "District (Stadtteil)",
                "ORG": "Organisation"}.get(label or "", "Entity")
    return WHAT.get((table_name, field_name), f"{table_name}.{field_name}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _num(value) -> str:
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return "—"


def _highlight(context: str, needle: str | None) -> str:
    """The context, escaped, with the reviewed words marked."""
    i = context.find(needle) if needle else -1
    if i < 0:
        return esc(context)
    return esc(context[:i]) + "<mark>" + esc(needle) + "</mark>" + esc(context[i + len(needle):])


# ---------------------------------------------------------------- serving

READ_TIMEOUT = 10.0  # seconds a client may take for its whole request (line, headers, body)
MAX_HANDLERS = 64  # requests handled at once; more wait in the listen queue
BACKLOG = 128  # connections the kernel holds before the app accepts them (the default, 5, resets under load)
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def split_host(value: str) -> tuple[str, int | None] | None:
    """'Name:8080' -> ('name', 8080), '[::1]' -> ('::1', None); None for what no browser sends."""
    value = value.strip()
    if value.startswith("["):
        end = value.find("]")
        host, rest = value[1:end], value[end + 1:]
        if end < 0 or (rest and not rest.startswith(":")):
            return None
        port = rest[1:] if rest else ""
    elif value.count(":") == 1:
        host, port = value.split(":")
    elif ":" in value:  # a bare IPv6 address is not a Host header
        return None
    else:
        host, port = value, ""
    if not host or (port and not (port.isdigit() and len(port) <= 5)):
        return None
    try:
        host = str(ipaddress.ip_address(host)) if ":" in host else host  # [0:0::1] is [::1]
    except ValueError:
        return None
    return host.lower(), int(port) if port else None


@dataclass(frozen=True)
class HostCheck:
    """Which Host headers the app answers. A DNS-rebinding page reaches the app through the
    reviewer's own browser, but under its own name: only names that are this machine's pass."""
    names: frozenset[str]
    port: int

    def allows(self, header: str | None) -> bool:
        got = split_host(header or "")
        if got is None:
            return False
        host, port = got
        return host in self.names and (port if port is not None else 80) == self.port


@dataclass(frozen=True)
class Bind:
    """What --host asks for, resolved: loopback or not is the address's business, not the spelling's."""
    spelling: str
    family: int
    address: str

    @property
    def ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        return ipaddress.ip_address(self.address)

    @property
    def loopback(self) -> bool:
        return self.ip.is_loopback

    @property
    def wildcard(self) -> bool:
        return self.ip.is_unspecified


def resolve_bind(host: str) -> Bind:
    """'' and 0.0.0.0: every IPv4 address; 127.1, LOCALHOST: 127.0.0.1 (IPv4 first, as make_server did)."""
    spelling = (host or "").strip()
    try:
        infos = socket.getaddrinfo(spelling or None, 0, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"--host {spelling!r}: {exc.strerror or exc}") from exc
    infos.sort(key=lambda i: i[0] != socket.AF_INET)
    family, *_rest, sockaddr = infos[0]
    return Bind(spelling, family, str(ipaddress.ip_address(sockaddr[0].split("%")[0])))


def machine_names() -> set[str]:
    """This machine's names and the addresses they resolve to (how a colleague's browser names it)."""
    names = set()
    for name in {socket.gethostname(), socket.getfqdn()}:
        if not name:
            continue
        names.add(name.lower())
        try:
            names.update(str(ipaddress.ip_address(i[4][0].split("%")[0]))
                         for i in socket.getaddrinfo(name, None, type=socket.SOCK_STREAM))
        except (socket.gaierror, UnicodeError, ValueError):
            pass
    return names


def host_check(bind: Bind, port: int, allow: tuple[str, ...] = ()) -> HostCheck:
    """Loopback names, the bound address (as written and as resolved), the machine's names, --allow-host."""
    names = set(LOOPBACK_NAMES) | machine_names()
    if not bind.wildcard:  # '0.0.0.0' is no name a browser can go to
        names.add(bind.address)
        got = split_host(f"[{bind.spelling}]" if ":" in bind.spelling else bind.spelling)
        if got:
            names.add(got[0])
    for value in allow:
        got = split_host(value)
        if got is None or got[1] is not None:
            raise UsageError(f"--allow-host {value!r}: give a host name or address without a port")
        names.add(got[0])
    return HostCheck(frozenset(names), port)


class _DeadlineReader(io.RawIOBase):
    """The client socket as a file that gives up at a deadline: a client that sends its request one
    byte at a time, or never sends the body it announced, holds a thread for READ_TIMEOUT at most."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock, self.timeout = sock, timeout
        self.deadline = time.monotonic() + timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not received in time")
        self.sock.settimeout(min(left, self.timeout))
        try:
            return self.sock.recv_into(buffer)
        finally:
            self.sock.settimeout(self.timeout)  # for writing the answer


class _Server(ThreadingMixIn, WSGIServer):
    """One daemon thread per request, at most `max_handlers` at once; the rest wait in the backlog."""
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = BACKLOG
    max_handlers = MAX_HANDLERS

    def server_activate(self) -> None:
        self._slots = threading.BoundedSemaphore(self.max_handlers)
        super().server_activate()

    def process_request(self, request, client_address) -> None:
        self._slots.acquire()  # blocks the accept loop, not the kernel's queue
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (TimeoutError, ConnectionError)):
            log.debug("%s: %s", client_address[0], exc)
        else:
            log.exception("review app: error with a request from %s", client_address[0])


class _Handler(WSGIRequestHandler):
    timeout = READ_TIMEOUT  # socket timeout for every read and write (StreamRequestHandler.setup)

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, self.timeout))

    def handle(self) -> None:
        try:
            super().handle()
        except (TimeoutError, ConnectionError) as exc:  # a slow or vanished client: drop it
            log.debug("%s: %s", self.client_address[0], exc)
            self.close_connection = True

    def log_message(self, format, *args):
        log.debug("%s - %s", self.address_string(), format % args)


def create_server(out_dir: Path, host: str = "127.0.0.1", port: int = 0, who: str | None = None,
                  allow_hosts: tuple[str, ...] = (), timeout: float = READ_TIMEOUT,
                  max_handlers: int = MAX_HANDLERS) -> tuple[WSGIServer, str]:
    """A bound server (port 0: a free one) and its address; call serve_forever() on it."""
    app = ReviewApp(out_dir, who)
    bind = resolve_bind(host)
    server_class = type("_ReviewServer", (_Server,), {"address_family": bind.family, "max_handlers": max_handlers})
    handler_class = type("_ReviewHandler", (_Handler,), {"timeout": timeout})
    server = make_server(bind.address, port, app, server_class=server_class, handler_class=handler_class)
    port = server.server_port
    app.hosts = host_check(bind, port, tuple(allow_hosts))
    shown = ("127.0.0.1" if bind.family == socket.AF_INET else "::1") if bind.wildcard else bind.address
    return server, f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def serve(out_dir: Path, host: str = "127.0.0.1", port: int = 0, who: str | None = None,
          announce: Callable[[str], None] = print, allow_hosts: tuple[str, ...] = ()) -> None:
    server, url = create_server(out_dir, host, port, who, allow_hosts)
    bind = resolve_bind(host)
    if not bind.loopback:
        announce(f"warning: listening on {bind.address}: anyone who can reach it can change the answers")
        names = sorted(n for n in server.get_app().hosts.names if n not in LOOPBACK_NAMES)
        announce(f"answering to the names {', '.join(names)}; others need --allow-host NAME")
    announce(f"Review app for {Path(out_dir)} at {url}  (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def export_answers(out_dir: Path, path: Path) -> int:
    store = AnswerStore(Path(out_dir))
    if not store.exists:
        raise UsageError(f"no answers yet: {store.path} does not exist")
    return store.export_csv(path)


# ---------------------------------------------------------------- static files

APP_JS = r"""
"use strict";
// Keyboard shortcuts: a accept, r reject, e (or Enter) edit the correction, Enter in it saves,
// Esc leaves it, n next open item.
(function () {
  var sent = false;
  function submit(id) {
    var form = document.getElementById(id);
    if (!form || sent) return;
    sent = true;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    var item = document.querySelector("main.item");
    if (ev.key === "n") {
      var next = document.getElementById("next") || document.getElementById("start");
      if (next) { ev.preventDefault(); window.location.href = next.href; }
    } else if (item && ev.key === "a") {
      ev.preventDefault(); submit("accept-form");
    } else if (item && ev.key === "r") {
      ev.preventDefault(); submit("reject-form");
    } else if (item && (ev.key === "e" || ev.key === "c" || ev.key === "Enter")) {
      var box = document.getElementById("new");
      if (box) { ev.preventDefault(); box.focus(); box.select(); }
    } else if (!item && ev.key === "Enter") {
      var start = document.getElementById("start");
      if (start) { ev.preventDefault(); window.location.href = start.href; }
    }
  });
  document.addEventListener("submit", function () { sent = true; });
})();
"""

APP_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #f6f6f4; }
header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1.2em; background: #26323d; color: #fff; }
header a { color: #fff; }
header .home { font-weight: 600; text-decoration: none; }
header progress { width: 10em; vertical-align: middle; margin-right: .4em; }
main { max-width: 62em; margin: 1.2em auto; padding: 0 1.2em; }
h1 { font-size: 1.3em; margin: .3em 0; }
h1 .page { font-weight: normal; color: #666; font-size: .8em; }
.meta { color: #555; margin: .2em 0; }
.meta b { color: #1d1d1f; }
.field { font-size: .85em; }
.reason { background: #fff7e0; border-left: 4px solid #e0a800; padding: .5em .8em; }
.history table { border-collapse: collapse; font-size: .9em; } .history td, .history th { padding: .2em .6em; text-align: left; border-bottom: 1px solid #ddd; }
.history tr.current { background: #e8f0ff; font-weight: bold; }
figure.crop { margin: 1em 0; }
.crop img { max-width: 100%; border: 1px solid #bbb; background: #fff; }
.nocrop { color: #666; font-style: italic; }
dl.values { display: grid; grid-template-columns: 8em 1fr; gap: .35em 1em; }
dt { font-weight: 600; color: #444; }
dd { margin: 0; }
code { background: #fff; border: 1px solid #ddd; padding: 0 .3em; font-size: 1.05em; }
.context { background: #fff; border: 1px solid #ddd; padding: .4em .6em; white-space: pre-wrap; }
mark { background: #ffe066; }
.actions { display: flex; flex-wrap: wrap; gap: .8em; align-items: center; margin: 1em 0; }
.actions form { margin: 0; }
button, .button { font: inherit; padding: .35em .9em; border: 1px solid #888; border-radius: 4px; background: #fff;
  color: #1d1d1f; text-decoration: none; cursor: pointer; display: inline-block; }
button.accept { background: #dff3e3; border-color: #3a8a4c; }
button.reject { background: #fbe3e1; border-color: #b0413e; }
#new { font: inherit; width: 18em; padding: .3em; }
kbd { font-size: .8em; border: 1px solid #aaa; border-radius: 3px; padding: 0 .3em; background: #f3f3f3; color: #333; }
.help, .hint { color: #666; font-size: .9em; }
.error { color: #9b1c1c; font-weight: 600; }
.given { background: #e8f1fb; padding: .4em .8em; }
.status { font-weight: 600; }
.status-open { color: #8a5a00; } .status-accepted { color: #2f7a3e; }
.status-corrected { color: #1f5fa8; } .status-rejected { color: #9b1c1c; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #ddd; padding: .35em .6em; text-align: left; vertical-align: top; }
td.num { text-align: right; }
tr.cleared td { color: #777; }
.finished { background: #dff3e3; padding: .5em .8em; }
"""
