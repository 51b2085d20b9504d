#!/usr/bin/env python3
"""Fuzzing the reader: mutated PDFs and images through `process_document`.

    python tests/hostile/fuzz.py --minutes 10            # the longer run (random seed, printed)
    python tests/hostile/fuzz.py --minutes 10 --seed 7   # repeat a run

The contract under test: every input yields a result — pages, or `status = failed` with a one-line
error — never an exception escaping `process_document`, never a hang, never a dead process.
Each input runs in a forked child with the worker's memory limit and a time limit, so a native
crash or a hang is caught and counted instead of stopping the fuzzer. Any input that breaks the
contract is saved to tests/hostile/regressions/ (named by its hash) and becomes a test in
tests/test_hostile.py. A short, derandomised hypothesis run of the same mutations is part of the
test suite (`hypothesis_run`).

Seeds are small valid files built in memory (text PDFs, object streams, CCITT, JBIG2, encrypted,
PNG, G4 TIFF, JPEG); mutations are bit flips, overwrites, truncations, insertions, deletions,
duplicated ranges and PDF-aware edits (numbers made huge or negative, keywords removed).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import re
import select
import signal
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REGRESSIONS = HERE / "regressions"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/fakes.py

import make_corpus as mc  # noqa: E402

# ---------------------------------------------------------------- seeds


def seeds() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, suffix): small valid inputs of every kind the reader handles."""
    from PIL import Image

    scan = mc.scan_image(dpi=100, width_in=3.0, height_in=0.8)
    bilevel = mc.scan_image(dpi=100, width_in=3.0, height_in=0.8, mode="1")
    tif = io.BytesIO()
    bilevel.save(tif, "TIFF", compression="group4", dpi=(100, 100))
    jpg = io.BytesIO()
    scan.save(jpg, "JPEG", quality=70, dpi=(100, 100))
    small_media = "0 0 300 120"
    objstm = mc.RawPdf()
    catalog, pages = objstm.reserve(), objstm.reserve()
    font = objstm.add(mc.FONT)
    content = objstm.add_stream(b"<< >>", mc.text_content(mc.LINES[:2], y=90))
    kids = [objstm.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [%s] /Resources << /Font << /F1 %d 0 R >> >> "
                       b"/Contents %d 0 R >>" % (pages, small_media.encode(), font, content)) for _ in range(3)]
    objstm.add(b"<< /Type /Pages /Kids [%s] /Count 3 >>" % b" ".join(b"%d 0 R" % k for k in kids), pages)
    objstm.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages, catalog)
    del Image
    return {
        "text.pdf": (mc.text_pdf(media=small_media), ".pdf"),
        "objstm.pdf": (objstm.write_objstm(catalog, set(kids)), ".pdf"),
        "reportlab.pdf": (mc.reportlab_pdf(), ".pdf"),
        "owner_only.pdf": (mc._owner_only(), ".pdf"),
        "ccitt.pdf": (mc.image_pdf(b"/CCITTFaxDecode", mc.g4_strip(bilevel), bilevel.width, bilevel.height, 100,
                                   decode_parms=b"/DecodeParms << /K -1 /Columns %d /Rows %d >>"
                                   % (bilevel.width, bilevel.height)), ".pdf"),
        "jbig2.pdf": (mc.image_pdf(b"/JBIG2Decode", mc.jbig2_generic_mmr(bilevel), bilevel.width, bilevel.height,
                                   100), ".pdf"),
        "flate_image.pdf": (mc.image_pdf(b"/FlateDecode", __import__("zlib").compress(scan.tobytes()), scan.width,
                                         scan.height, 100, bpc=8), ".pdf"),
        "scan.png": (mc.png_bytes(scan, dpi=(100, 100)), ".png"),
        "scan_g4.tif": (tif.getvalue(), ".tif"),
        "scan.jpg": (jpg.getvalue(), ".jpg"),
    }


# ---------------------------------------------------------------- mutations

NASTY_NUMBERS = [b"0", b"-1", b"2147483648", b"99999999999", b"-99999999", b"1e308", b"0.0000001", b"NaN"]
KEYWORDS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"startxref", b"<<", b">>", b"[", b"]",
            b"/Length", b"/Filter", b"/Width", b"/Height", b"/Count", b"/Kids", b"/Parent", b"/Root", b"/Type"]
OPS = ("flip", "overwrite", "truncate", "insert", "delete", "duplicate", "number", "keyword", "splice")


def mutate(data: bytes, op: str, a: int, b: int, blob: bytes, other: bytes = b"") -> bytes:
    """One deterministic mutation; a and b are arbitrary integers that pick positions."""
    n = len(data)
    if n == 0:
        return blob
    i = a % n
    if op == "flip":
        out = bytearray(data)
        out[i] ^= 1 << (b % 8)
        return bytes(out)
    if op == "overwrite":
        return data[:i] + blob[: n - i] + data[i + len(blob):]
    if op == "truncate":
        return data[:i]
    if op == "insert":
        return data[:i] + blob + data[i:]
    if op == "delete":
        return data[:i] + data[i + 1 + b % 256:]
    if op == "duplicate":
        chunk = data[i:i + 1 + b % 512]
        return data[:i] + chunk * (2 + b % 8) + data[i:]
    if op == "number":
        nums = list(re.finditer(rb"(?<![\w/.])\d+(?![\w.])", data))
        if not nums:
            return data
        m = nums[a % len(nums)]
        return data[:m.start()] + NASTY_NUMBERS[b % len(NASTY_NUMBERS)] + data[m.end():]
    if op == "keyword":
        hits = [m for k in KEYWORDS for m in re.finditer(re.escape(k), data)]
        if not hits:
            return data
        m = sorted(hits, key=lambda m: m.start())[a % len(hits)]
        repl = KEYWORDS[b % len(KEYWORDS)] if b % 3 else b""
        return data[:m.start()] + repl + data[m.end():]
    if op == "splice" and other:
        j = b % len(other)
        return data[:i] + other[j:]
    return data


def random_mutant(rnd: random.Random, pool: dict[str, tuple[bytes, str]]) -> tuple[bytes, str, str]:
    name = rnd.choice(sorted(pool))
    data, suffix = pool[name]
    other = pool[rnd.choice(sorted(pool))][0]
    steps = []
    for _ in range(rnd.choice((1, 1, 1, 2, 2, 3, 5, 8))):
        op = rnd.choice(OPS)
        a, b = rnd.getrandbits(32), rnd.getrandbits(32)
        blob = rnd.randbytes(rnd.choice((1, 2, 4, 16, 64)))
        data = mutate(data, op, a, b, blob, other)
        steps.append(op)
    return data, suffix, f"{name}:{'+'.join(steps)}"


# ---------------------------------------------------------------- checking one input

_READY = False
_RESOURCES = None  # the models, loaded once by _prepare


def _prepare(fake_ocr: bool = True) -> None:
    """Load the models once in this process (children inherit them)."""
    global _READY, _RESOURCES
    if _READY:
        return
    from fakes import FakeEngine

    from pipeline.config import Settings
    from pipeline.records import OcrWord
    from pipeline.resources import Resources

    class _Engine(FakeEngine):
        def recognize(self, image, dpi, timeout):
            return [OcrWord("Stadtrat", 10, 10, 80, 20, 0.9, 1, 1)]

    _RESOURCES = Resources.load(Settings(jobs=1, write_crops=False), (lambda: _Engine()) if fake_ocr else None)
    _READY = True
    # warm every lazy cache once here, so that forked children do not each pay for it (~1.5 s)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ratsakten-fuzz-") as tmp:
        for data, suffix in seeds().values():
            _verdict(data, suffix, Path(tmp))


def _verdict(data: bytes, suffix: str, folder: Path, outcome: list | None = None) -> str | None:
    """None when process_document kept the contract on this input, else what went wrong.
    `outcome` receives (status, error) of the result."""
    from pipeline import tables
    from pipeline.inputs import InputFile
    from pipeline.run import process_document

    digest = hashlib.sha256(data).hexdigest()
    path = folder / f"fuzz-{digest[:16]}{suffix}"
    path.write_bytes(data)
    try:
        item = InputFile(path, path.name, sha256=digest)
        try:
            result = process_document(item, _RESOURCES, None)
        except BaseException as exc:  # noqa: BLE001 - this is the finding
            return f"exception escaped process_document: {type(exc).__name__}: {str(exc)[:200]}"
        if outcome is not None:
            outcome[:] = [result.status, result.error or ""]
        if result.status not in ("ok", "failed"):
            return f"bad status {result.status!r}"
        if result.status == "failed":
            if not result.error or "\n" in result.error:
                return f"failed without a one-line error: {result.error!r}"
        elif not result.pages:
            return "ok without pages"
        try:
            data_rows = tables.rows([result])
            for name in tables.TABLES:
                tables.pa.Table.from_pylist(tables._sanitize(data_rows[name]), schema=tables.SCHEMAS[name])
        except Exception as exc:  # noqa: BLE001
            return f"result cannot be written as tables: {type(exc).__name__}: {str(exc)[:200]}"
        return None
    finally:
        path.unlink(missing_ok=True)


class _Hang(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _Hang()


def check_in_process(data: bytes, suffix: str, folder: Path, timeout: float = 20.0) -> str | None:
    """Fast check without a child process; a hang is caught by SIGALRM (Python code only)."""
    _prepare()
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return _verdict(data, suffix, folder)
    except _Hang:
        return f"hang: more than {timeout:.0f} s"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check_one(data: bytes, suffix: str, folder: Path, timeout: float = 30.0, max_memory_mb: int = 4096,
              outcome: list | None = None) -> str | None:
    """Check one input in a forked child with the worker's memory limit: native crashes and hangs
    are caught too. `outcome` receives (status, error) when the contract held."""
    from pipeline.executors import limit_memory

    _prepare()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(rfd)
        code = 0
        try:
            limit_memory(max_memory_mb)
            outcome: list = []
            verdict = _verdict(data, suffix, folder, outcome)
            text = f"CRASH {verdict}" if verdict else "PASS " + " ".join(outcome)
            os.write(wfd, text.encode("utf-8", "replace")[:4000])
        except BaseException:  # noqa: BLE001
            code = 3
        finally:
            os._exit(code)
    os.close(wfd)
    deadline = time.monotonic() + timeout
    chunks = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return f"hang: more than {timeout:.0f} s"
            ready, _, _ = select.select([rfd], [], [], left)
            if ready:
                chunk = os.read(rfd, 4096)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(rfd)
    if os.WIFSIGNALED(status):
        return f"process died: signal {os.WTERMSIG(status)}"
    if os.WEXITSTATUS(status):
        return f"process exited with {os.WEXITSTATUS(status)}"
    text = b"".join(chunks).decode("utf-8", "replace")
    if text.startswith("PASS "):
        if outcome is not None:
            outcome[:] = text[5:].split(" ", 1) + [""] * (text[5:].count(" ") == 0)
        return None
    return text.removeprefix("CRASH ") or "no answer from the child"


def save_regression(data: bytes, suffix: str, verdict: str) -> Path:
    REGRESSIONS.mkdir(exist_ok=True)
    path = REGRESSIONS / f"{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    path.write_bytes(data)
    with (REGRESSIONS / "FOUND.md").open("a", encoding="utf-8") as fh:
        fh.write(f"- `{path.name}`: {verdict}\n")
    return path


# ---------------------------------------------------------------- the bounded run inside pytest

def hypothesis_run(folder: Path, seconds: float = 40, max_examples: int = 400) -> dict:
    """Derandomised hypothesis run; stops generating after `seconds`. Returns counts and crashes."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    _prepare()
    pool = seeds()
    names = sorted(pool)
    stats: dict = {"tried": 0, "crashes": []}
    t_end = time.monotonic() + seconds
    step = st.tuples(st.sampled_from(OPS), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
                     st.binary(min_size=1, max_size=64))

    @settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(name=st.sampled_from(names), other=st.sampled_from(names), steps=st.lists(step, min_size=1, max_size=5))
    def one(name, other, steps):
        if time.monotonic() > t_end:
            return
        data, suffix = pool[name]
        for op, a, b, blob in steps:
            data = mutate(data, op, a, b, blob, pool[other][0])
        stats["tried"] += 1
        verdict = check_in_process(data, suffix, folder)
        if verdict is not None:
            stats["crashes"].append((name, [s[0] for s in steps], verdict))
            save_regression(data, suffix, verdict)

    one()
    return stats


# ---------------------------------------------------------------- the longer command

def main() -> int:
    warnings.filterwarnings("ignore")  # Pillow's complaints about the mutants it is fed
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=5.0, help="how long to fuzz")
    ap.add_argument("--seed", type=int, default=None, help="random seed (printed when not given)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per input before it counts as a hang")
    ap.add_argument("--no-save", action="store_true", help="do not write regressions")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    rnd = random.Random(seed)
    import tempfile

    pool = seeds()
    _prepare()
    counts = {"tried": 0, "ok": 0, "failed": 0, "unclassified": 0, "crashes": 0}
    t_end = time.monotonic() + args.minutes * 60
    print(f"fuzzing for {args.minutes:g} min, seed {seed}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ratsakten-fuzz-") as tmp:
        folder = Path(tmp)
        from pipeline.inputs import InputFile  # noqa: F401 - imported before forking

        while time.monotonic() < t_end:
            data, suffix, how = random_mutant(rnd, pool)
            outcome: list = []
            verdict = check_one(data, suffix, folder, timeout=args.timeout, outcome=outcome)
            counts["tried"] += 1
            if outcome:
                counts[outcome[0]] = counts.get(outcome[0], 0) + 1
                if outcome[1].startswith("internal error"):  # kept the contract, but no clear reason
                    counts["unclassified"] += 1
                    print(f"unclassified {how}: {outcome[1][:160]}", flush=True)
            if verdict:
                counts["crashes"] += 1
                where = "not saved" if args.no_save else save_regression(data, suffix, f"{how}: {verdict}")
                print(f"CRASH {how}: {verdict} ({where})", flush=True)
            if counts["tried"] % 200 == 0:
                print(f"  {counts['tried']} inputs, {counts['crashes']} crashes", flush=True)
    print(f"fuzz inputs tried: {counts['tried']} (ok {counts['ok']}, failed {counts['failed']}, of which "
          f"unclassified 'internal error' {counts['unclassified']}), crashes: {counts['crashes']} (seed {seed})")
    return 1 if counts["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
