"""Verify the hand-made gold of karlsruhe-protocols dev against the original texts (stdlib only).

Why: offsets written by hand drift silently; this re-reads every original text and fails loudly on any
mismatch, so the gold can be trusted when scoring the pipeline on it.

Run: python tests/real_gold/karlsruhe-dev/check.py   (data from $RATSAKTEN_SHARED_DATA or <repo>/../shared/data)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SET_NAME = "karlsruhe-protocols-dev"
SPLIT, SEED = "dev", 15  # the selection rule of README.md (karlsruhe-train/check.py reuses this file with its own)
COUNT = 20  # how many of the shuffled candidates the folder holds (karlsruhe-train: 20 train + 10 train2)
TOP_KEYS = {"set", "source", "line", "upstream", "sha256", "chars", "entities"}
BASE_KEYS = {"label", "start", "end", "text", "value"}
EXTRA_KEYS = {  # label -> (required extra keys, optional extra keys)
    "PERSON": ({"role", "title"}, set()),
    "CITY": ({"country"}, set()),
    "DISTRICT": ({"district_of"}, set()),
    "ORG": (set(), set()),
    "DATE": (set(), {"yearless"}),
}
DATE_RX = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def data_root() -> Path:
    env = os.environ.get("RATSAKTEN_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def expected_ids(root: Path) -> list[str]:
    """The documents this folder must hold: the selection rule of README.md, re-run."""
    rows = [json.loads(line) for line in (root / "karlsruhe-protocols" / "gold.jsonl").open(encoding="utf-8")]
    split = [r for r in rows if r["split"] == SPLIT]
    short = sorted((r for r in split if len((root / "karlsruhe-protocols" / r["file"]).read_text(encoding="utf-8")) <= 8000),
                   key=lambda r: r["file"])
    random.Random(SEED).shuffle(short)
    return [Path(r["file"]).stem for r in short[:COUNT]]


def valid_date(value: str) -> bool:
    if not DATE_RX.fullmatch(value):
        return False
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def check_entity(e: dict, text: str, where: str) -> list[str]:
    errs: list[str] = []
    label = e.get("label")
    if label not in EXTRA_KEYS:
        return [f"{where}: unknown label {label!r}"]
    required, optional = EXTRA_KEYS[label]
    keys = set(e)
    if not (BASE_KEYS | required) <= keys:
        errs.append(f"{where}: missing keys {sorted((BASE_KEYS | required) - keys)}")
    if keys - BASE_KEYS - required - optional:
        errs.append(f"{where}: unexpected keys {sorted(keys - BASE_KEYS - required - optional)}")
    start, end = e.get("start"), e.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return errs + [f"{where}: bad span {start}..{end}"]
    if text[start:end] != e.get("text"):
        errs.append(f"{where}: text {e.get('text')!r} != original {text[start:end]!r}")
    if e["text"] != e["text"].strip():
        errs.append(f"{where}: span has outer whitespace {e['text']!r}")
    value = e.get("value")
    if not isinstance(value, str) or not value.strip() or value != " ".join(value.split()):
        errs.append(f"{where}: value must be a non-empty string without extra whitespace: {value!r}")
    elif label == "DATE" and not valid_date(value):
        errs.append(f"{where}: DATE value {value!r} is not a valid YYYY-MM-DD|YYYY-MM|YYYY")
    if label == "DATE" and "yearless" in e and e["yearless"] is not True:
        errs.append(f"{where}: yearless must be true when present")
    if label == "PERSON":
        for k in ("role", "title"):
            if e.get(k) is not None and (not isinstance(e[k], str) or not e[k].strip()):
                errs.append(f"{where}: {k} must be null or a non-empty string")
    if label == "CITY" and not re.fullmatch(r"[A-Z]{2}", str(e.get("country"))):
        errs.append(f"{where}: country must be ISO 3166-1 alpha-2, got {e.get('country')!r}")
    if label == "DISTRICT" and not (isinstance(e.get("district_of"), str) and e["district_of"].strip()):
        errs.append(f"{where}: district_of must be a city name")
    return errs


def check_doc(path: Path, root: Path, counts: Counter) -> list[str]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    name = path.name
    errs: list[str] = []
    if set(doc) != TOP_KEYS:
        errs.append(f"{name}: top-level keys {sorted(doc)} != {sorted(TOP_KEYS)}")
    if doc.get("set") != SET_NAME:
        errs.append(f"{name}: set {doc.get('set')!r} != {SET_NAME!r}")
    if doc.get("source") != f"karlsruhe-protocols/texts/{path.stem}.txt":
        errs.append(f"{name}: source {doc.get('source')!r} does not name {path.stem}.txt")
    if doc.get("line") is not None or doc.get("upstream") is not None:
        errs.append(f"{name}: line/upstream are for corpus documents only, must be null here")
    src = root / str(doc.get("source"))
    if not src.is_file():
        return errs + [f"{name}: original text not found at {src}"]
    text = src.read_text(encoding="utf-8")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != doc.get("sha256"):
        errs.append(f"{name}: sha256 differs from the original text")
    if doc.get("chars") != len(text):
        errs.append(f"{name}: chars {doc.get('chars')} != {len(text)}")
    ents = doc.get("entities", [])
    if "labels" in TOP_KEYS:  # a set annotated label by label lists its labels
        labels = doc.get("labels")
        if not (isinstance(labels, list) and labels and set(labels) <= set(EXTRA_KEYS)):
            errs.append(f"{name}: labels must list the labels annotated")
        elif {e.get("label") for e in ents} - set(labels):
            errs.append(f"{name}: entities of labels not listed in 'labels'")
    for i, e in enumerate(ents):
        errs += check_entity(e, text, f"{name}#{i}")
        counts[e.get("label")] += 1
    spans = [(e.get("start", 0), -e.get("end", 0)) for e in ents]
    if spans != sorted(spans):
        errs.append(f"{name}: entities are not in text order")
    by_label: dict[str, list[tuple[int, int]]] = {}
    for e in ents:
        by_label.setdefault(e.get("label"), []).append((e.get("start", 0), e.get("end", 0)))
    for label, sp in by_label.items():
        sp.sort()
        for (a1, b1), (a2, b2) in zip(sp, sp[1:]):
            if a2 < b1:
                errs.append(f"{name}: overlapping {label} mentions {a1}..{b1} and {a2}..{b2}")
    return errs


def main() -> int:
    root = data_root()
    files = sorted(HERE.glob("*.json"))
    errs: list[str] = []
    want = set(expected_ids(root))
    have = {p.stem for p in files}
    if want != have:
        errs.append(f"folder holds {sorted(have - want)} not selected, misses {sorted(want - have)}")
    counts: Counter = Counter()
    chars = 0
    for p in files:
        errs += check_doc(p, root, counts)
        chars += json.loads(p.read_text(encoding="utf-8")).get("chars", 0)
    print(f"{len(files)} documents, {chars} characters, {sum(counts.values())} mentions")
    for label in sorted(counts):
        print(f"  {label:9s} {counts[label]}")
    for err in errs:
        print("ERROR", err, file=sys.stderr)
    print("OK" if not errs else f"{len(errs)} error(s)")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
