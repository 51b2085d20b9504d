"""Verify the hand-annotated gold of this folder against the original texts (stdlib only).

Why: offsets written by people drift; this re-reads every original text from the shared data, checks
its sha256 and that every mention's `text` is exactly `original[start:end]`, and that labels and values
are well-formed, so a scorer can trust the spans. Run: `python tests/real_gold/council-corpus/check.py`.
Data root: env RATSAKTEN_SHARED_DATA, else `<repo>/../shared/data`.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DOC_KEYS = {"set", "source", "line", "upstream", "sha256", "chars", "entities"}
BASE_KEYS = {"label", "start", "end", "text", "value"}
EXTRA_KEYS = {
    "PERSON": ({"role", "title"}, set()),
    "CITY": ({"country"}, set()),
    "DISTRICT": ({"district_of"}, set()),
    "ORG": (set(), set()),
    "DATE": (set(), {"yearless"}),
}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def data_root() -> Path:
    """Where the read-only shared data lives (env override for other checkouts)."""
    env = os.environ.get("RATSAKTEN_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def load_original(root: Path, doc: dict, cache: dict) -> tuple[str, str | None]:
    """The original text (and its upstream field for corpus lines) named by a gold file."""
    path = root / doc["source"]
    if doc["line"] is None:
        return path.read_text(encoding="utf-8"), None
    if path not in cache:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            cache[path] = [json.loads(line) for line in f]
    row = cache[path][doc["line"]]
    return row["text"], row.get("upstream")


def check_date(value: str) -> str | None:
    """None if `value` is YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date, else the problem."""
    if not DATE_RE.match(value):
        return f"DATE value {value!r} not YYYY-MM-DD|YYYY-MM|YYYY"
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        datetime.date(parts[0], parts[1], parts[2])
    except ValueError:
        return f"DATE value {value!r} is not a calendar date"
    return None


def check_entity(e: dict, original: str) -> list[str]:
    """Problems of one mention: keys, span, value shape."""
    label = e.get("label")
    if label not in EXTRA_KEYS:
        return [f"unknown label {label!r}"]
    required, optional = EXTRA_KEYS[label]
    errors = []
    keys = set(e)
    if not BASE_KEYS | required <= keys:
        errors.append(f"{label} missing keys {sorted(BASE_KEYS | required - keys)}")
    if keys - BASE_KEYS - required - optional:
        errors.append(f"{label} extra keys {sorted(keys - BASE_KEYS - required - optional)}")
    start, end = e.get("start"), e.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(original)):
        return errors + [f"bad span {start}-{end}"]
    if original[start:end] != e.get("text"):
        errors.append(f"text {e.get('text')!r} != original[{start}:{end}] {original[start:end]!r}")
    if e["text"] != e["text"].strip():
        errors.append(f"span {e['text']!r} has outer whitespace")
    value = e.get("value")
    if not isinstance(value, str) or not value.strip() or value != " ".join(value.split()):
        errors.append(f"value {value!r} empty or not whitespace-collapsed")
    elif label == "DATE":
        problem = check_date(value)
        if problem:
            errors.append(problem)
        if "yearless" in e and e["yearless"] is not True:
            errors.append("yearless must be true when present")
    if label == "PERSON":
        for key in ("role", "title"):
            if e.get(key) is not None and not (isinstance(e[key], str) and e[key].strip()):
                errors.append(f"PERSON {key} must be a non-empty string or null")
    if label == "CITY" and not COUNTRY_RE.match(str(e.get("country"))):
        errors.append(f"CITY country {e.get('country')!r} not ISO 3166-1 alpha-2")
    if label == "DISTRICT" and not (isinstance(e.get("district_of"), str) and e["district_of"].strip()):
        errors.append("DISTRICT district_of must be a city name")
    return errors


def check_doc(path: Path, root: Path, cache: dict) -> tuple[list[str], Counter]:
    """Problems of one gold file and its label counts."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    errors = []
    if set(doc) - {"labels"} != DOC_KEYS:
        errors.append(f"document keys {sorted((set(doc) - {'labels'}) ^ DOC_KEYS)} differ from the schema")
    labels = doc.get("labels", sorted(EXTRA_KEYS))  # the train part (issue 15, person4) is PERSON only
    if not (isinstance(labels, list) and labels and set(labels) <= set(EXTRA_KEYS)):
        errors.append("labels must list the labels annotated")
    elif {e.get("label") for e in doc["entities"]} - set(labels):
        errors.append("entities of labels not listed in 'labels'")
    original, upstream = load_original(root, doc, cache)
    if hashlib.sha256(original.encode("utf-8")).hexdigest() != doc["sha256"]:
        errors.append("sha256 differs from the original text")
    if len(original) != doc["chars"]:
        errors.append(f"chars {doc['chars']} != {len(original)}")
    if doc["line"] is not None:
        if upstream != doc["upstream"]:
            errors.append(f"upstream {doc['upstream']!r} != {upstream!r}")
        if path.stem != str(doc["line"]):
            errors.append(f"file name {path.name} does not match line {doc['line']}")
    entities = doc["entities"]
    for n, e in enumerate(entities):
        errors += [f"entity {n}: {msg}" for msg in check_entity(e, original)]
    spans = [(e.get("start", 0), -e.get("end", 0)) for e in entities]
    if spans != sorted(spans):
        errors.append("entities not in text order (start, then longer first)")
    by_label: dict[str, list[dict]] = {}
    for e in entities:
        by_label.setdefault(e.get("label"), []).append(e)
    for label, group in by_label.items():
        group = sorted(group, key=lambda e: e.get("start", 0))
        for a, b in zip(group, group[1:]):
            if b.get("start", 0) < a.get("end", 0):
                errors.append(f"overlapping {label} mentions {a.get('text')!r} and {b.get('text')!r}")
    return [f"{path.name}: {msg}" for msg in errors], Counter(e.get("label") for e in entities)


def main() -> int:
    root = data_root()
    files = sorted(HERE.glob("*.json"), key=lambda p: (len(p.stem), p.stem))
    if not files:
        print(f"no gold files in {HERE}")
        return 1
    cache: dict = {}
    errors: list[str] = []
    total: Counter = Counter()
    for path in files:
        doc_errors, counts = check_doc(path, root, cache)
        errors += doc_errors
        total += counts
        print(f"{path.stem:>6}  " + "  ".join(f"{k}={counts[k]}" for k in sorted(EXTRA_KEYS)))
    print(f"{len(files)} documents, {sum(total.values())} mentions: "
          + ", ".join(f"{k} {total[k]}" for k in sorted(EXTRA_KEYS)))
    for msg in errors:
        print("ERROR", msg)
    print("FAIL" if errors else "OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
