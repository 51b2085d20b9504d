"""Calibration figures on the sets that were never trained on, and the reliability diagram.

    python scripts/report_calibration.py --eval NAME=OUT/evaluation.json ... [--png docs/reliability.png]

Each ``--eval`` is the JSON `cli.py evaluate` wrote (committed samples, a fresh-seed generated set);
the real-gold *check* half (``tests/real_gold/split.json``, born-digital Karlsruhe text, entities
only) and the Karlsruhe protocols' test split (issue date against the recorded meeting date) are run
here through extraction and review. Prints one table per set and draws all of them
into one PNG.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_calibration import karlsruhe_docs, label_karlsruhe, label_real, real_gold_docs  # noqa: E402

from evaluation.reliability import plot  # noqa: E402
from evaluation.samples import calibration_scores  # noqa: E402
from pipeline.config import Settings  # noqa: E402


def table(name: str, cal: dict) -> str:
    lines = [f"{name}", f"  {'kind':<11}{'values':>7}{'wrong':>7}{'flagged':>9}{'wrong fl.':>11}{'ECE':>7}"]
    for k, c in cal.items():
        fr = "–" if c["flag_rate"] is None else f"{100 * c['flag_rate']:.1f}%"
        wf = "–" if c["wrong_flagged_share"] is None else f"{100 * c['wrong_flagged_share']:.1f}%"
        lines.append(f"  {k:<11}{c['values']:>7}{c['wrong']:>7}{fr:>9}{wf:>11}{c['ece']:>7.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", nargs="*", default=[], help="NAME=path/to/evaluation.json")
    ap.add_argument("--png", type=Path, default=ROOT / "docs" / "reliability.png")
    ap.add_argument("--json", type=Path, default=None, help="write all figures here")
    args = ap.parse_args(argv)
    sets: dict[str, dict] = {}
    for spec in args.eval:
        name, _, path = spec.partition("=")
        sets[name] = json.loads(Path(path).read_text(encoding="utf-8"))["calibration"]
    _, rows = label_real(real_gold_docs("check"), Settings(models_dir=ROOT / "models"), decide=True)
    sets["real gold check"] = calibration_scores(rows)
    _, ka_rows = label_karlsruhe(karlsruhe_docs("test"), Settings(models_dir=ROOT / "models"), decide=True)
    sets["Karlsruhe test (doc_date)"] = calibration_scores(ka_rows)
    for name, cal in sets.items():
        print(table(name, cal))
    plot(sets, args.png)
    print(f"reliability diagram -> {args.png}")
    if args.json:
        args.json.write_text(json.dumps(sets, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
