"""Regenerate the README's measured figures from the current code, in one command (`make figures`).

Each figure block of README.md sits between two markers,

    <!-- figures:NAME -->
    ...generated...
    <!-- /figures:NAME -->

and is rewritten here from a fresh run: NAME is one of BLOCKS below. Nothing else of the README
is touched; a block whose marker is missing is reported, not invented. `--check` only reports
which blocks would change (exit 1 if any), for a reviewer who wants to know whether the README
still says what the code does. `--only NAME` rewrites one block; `--bench` also runs the (slower)
per-stage benchmarks in bench/ and pastes their summary lines.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PY = sys.executable


def _cli(*args: str) -> str:
    proc = subprocess.run([PY, str(ROOT / "cli.py"), *args], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"cli.py {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()[-400:]}")
    return proc.stdout + proc.stderr


class Runs:
    """The runs the blocks read, each made once, on first use."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self._scores: dict | None = None
        self._oparl: str | None = None

    @property
    def out(self) -> Path:
        return self.work / "samples-out"

    def scores(self) -> dict:
        if self._scores is None:
            _cli("run", "samples", "--out", str(self.out), "--no-cache", "--quiet")
            _cli("evaluate", str(self.out), "samples", "--json", str(self.work / "evaluation.json"))
            self._scores = json.loads((self.work / "evaluation.json").read_text(encoding="utf-8"))
        return self._scores

    def oparl(self) -> str:
        if self._oparl is None:
            self.scores()
            self._oparl = _cli("export", str(self.out), "--format", "oparl", "--input", "samples").strip()
        return self._oparl


def _f(x: float) -> str:
    return f"{x:.3f}"


def block_samples(runs: Runs) -> str:
    s = runs.scores()
    e = s["entities"]
    labels = [k for k in ("DATE", "PERSON", "CITY", "ORG", "DISTRICT") if k in e]
    d, c, fl = s["decisions"], s["corrections"], s["flags"]["all"]
    cer = s["cer"]
    rows = [
        ("entities F1: " + " / ".join(labels), " / ".join(_f(e[k]["f1"]) for k in labels)
         + f" (all: P {_f(e['ALL']['precision'])}, R {_f(e['ALL']['recall'])})"),
        ("doc_date accuracy / doc_type accuracy", f"{_f(s['doc_date']['accuracy'])} / {_f(s['doc_type']['accuracy'])}"),
        ("references F1", _f(s["references"]["f1"])),
        ("decisions P / R / F1", f"{_f(d['precision'])} / {_f(d['recall'])} / {_f(d['f1'])}; on matched: date "
         f"{_f(d['date_accuracy'])}, body {_f(d['body_accuracy'])}, outcome {_f(d['outcome_accuracy'])}"),
        ("corrections applied: precision", f"{_f(c['precision'])} ({c['right']} right, {c['false']} false of "
         f"{c['applied']})"),
        ("page CER: born-digital / scans / hard scans",
         " / ".join(f"{100 * cer[k]['cer']:.1f} %" for k in ("digital", "scan", "damage:hard") if k in cer)),
        ("flags: values flagged / wrong values flagged",
         f"{100 * fl['flag_rate']:.1f} % (goal ≤ 15 %) / {100 * fl['wrong_flagged_share']:.1f} % (goal ≥ 95 %)"),
    ]
    n = s["documents"]["scored"]
    head = f"Samples ({n} documents, {date.today().isoformat()}, `make figures`):\n\n| measure | score |\n|---|---|\n"
    return head + "\n".join(f"| {a} | {b} |" for a, b in rows)


def block_oparl(runs: Runs) -> str:
    line = runs.oparl()
    m = re.search(r":\s*(.*?);", line)
    objects = m.group(1) if m else line
    total = sum(int(x) for x in re.findall(r"\b[A-Z]\w+ (\d+)", objects))
    sys.path.insert(0, str(ROOT))
    from evaluation.oparl_validate import validate_export

    report = validate_export(runs.out / "oparl")
    return (f"On the {runs.scores()['documents']['scored']} samples: {total} objects exported ({objects}); "
            f"{report.objects} validated, counting those inside list pages: **{len(report.problems)} validation "
            f"errors**")


def block_bench(runs: Runs) -> str:
    lines = []
    for script in ("bench/extract_bench.py", "bench/correct_bench.py", "bench/dates_bench.py"):
        proc = subprocess.run([PY, str(ROOT / script)], cwd=ROOT, capture_output=True, text=True)
        tail = [x for x in (proc.stdout.strip().splitlines() or ["(no output)"]) if x.strip()][-3:]
        lines.append(f"- `{script}`:\n" + "\n".join(f"  `{x.strip()}`" for x in tail))
    return "\n".join(lines)


BLOCKS = {"samples": block_samples, "oparl": block_oparl, "bench": block_bench}
SLOW = {"bench"}


def rewrite(text: str, name: str, body: str) -> tuple[str, bool]:
    pat = re.compile(rf"(<!-- figures:{name} -->\n)(.*?)(\n<!-- /figures:{name} -->)", re.S)
    m = pat.search(text)
    if not m:
        return text, False
    return text[:m.start(2)] + body + text[m.end(2):], True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="report blocks that would change; change nothing")
    ap.add_argument("--only", choices=sorted(BLOCKS), help="one block")
    ap.add_argument("--bench", action="store_true", help="also the bench/ summaries (slow)")
    args = ap.parse_args(argv)
    names = [args.only] if args.only else [n for n in BLOCKS if n not in SLOW or args.bench]
    text = README.read_text(encoding="utf-8")
    changed = []
    with tempfile.TemporaryDirectory(prefix="ratsakten-figures-") as tmp:
        runs = Runs(Path(tmp))
        for name in names:
            if f"<!-- figures:{name} -->" not in text:
                print(f"README has no block '{name}' (add <!-- figures:{name} --> … <!-- /figures:{name} -->)")
                continue
            new, _ = rewrite(text, name, BLOCKS[name](runs))
            if new != text:
                changed.append(name)
            text = new
    if args.check:
        print("would change: " + (", ".join(changed) or "nothing"))
        return 1 if changed else 0
    README.write_text(text, encoding="utf-8")
    print("rewritten: " + (", ".join(changed) or "nothing (already current)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
