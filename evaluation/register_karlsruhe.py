"""How many of the real protocol <-> paper links of Karlsruhe the references stage finds (issue 19).

    python -m evaluation.register_karlsruhe                  # tune half of karlsruhe-oparl + protocols train/dev
    python -m evaluation.register_karlsruhe --errors tune    # the misses of the tune half, to choose by
    python -m evaluation.register_karlsruhe --check          # also the check half and protocols test: once

Truth, two sources, both read straight from their text (born-digital text layer, no OCR):

* ../shared/data/karlsruhe-oparl: the city's OParl Paper records. A paper's `auxiliaryFile` lists
  its files, and among them the "Protokoll TOP n" excerpt of the minutes that dealt with it; the
  paper's `reference` (`2020/0650`) is the link. A link counts as found when find_references reads
  that value in the protocol's text, and as *assigned* when it is also the number the register gives
  the protocol's decisions (the first cued Vorlage/Drucksache of the excerpt, register._assign). The
  papers are split in two halves by a hash of their id (tune / check) before anything is looked at.
* ../shared/data/karlsruhe-protocols: 600 protocol excerpts whose `reference` the dataset's builder
  took from the text and checked against the agenda item of the OParl meeting (train/dev/test split
  by meeting). Weaker truth (not independent of the text), but 600 links instead of ~40.

The other files of a paper (its Antrag, Stellungnahme, Anlagen) are scored too, as a second row: a
register needs them under the same number as well.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Optional

from pipeline.link.references import KINDS_OF_DECISION, find_references, parent
from pipeline.records import Page

ROOT = Path(__file__).resolve().parents[1]


def shared() -> Path:
    env = os.environ.get("RATSAKTEN_SHARED")
    return (Path(env) if env else ROOT.parent / "shared") / "data"


def half(paper_id: str) -> str:
    """tune | check, fixed by the paper id alone (chosen before the data was looked at)."""
    return "tune" if int(hashlib.sha1(paper_id.encode()).hexdigest(), 16) % 2 == 0 else "check"


def _refs(text: str):
    return find_references([Page(number=1, words=[], source="text", text=text)])


def assigned(refs) -> Optional[str]:
    """The number the register gives the excerpt's decisions when the decision row names none: the
    first cued number of a decision kind (register._assign, 'Vorlage: 2020/0650' under the TOP)."""
    cued = [r for r in refs if r.cue and r.kind in KINDS_OF_DECISION]
    return cued[0].value if cued else None


def is_protocol(name: str, text: str) -> bool:
    head = text[:1500]
    return "protokoll" in name.casefold() or ("Niederschrift" in head and "der Tagesordnung" in head)


def oparl_links(data: Optional[Path] = None) -> list[dict]:
    """One row per (paper, file with text) that the OParl records give."""
    base = (data or shared()) / "karlsruhe-oparl" / "docs"
    rows = []
    for path in sorted((base / "papers").glob("*.json")):
        paper = json.loads(path.read_text(encoding="utf-8"))
        files = list(paper.get("auxiliaryFile") or []) + ([paper["mainFile"]] if paper.get("mainFile") else [])
        for f in files:
            fid = f["id"].rsplit("/", 1)[1]
            txt = base / "file-contents" / f"{fid}.txt"
            if not txt.exists():
                continue
            text = txt.read_text(encoding="utf-8")
            rows.append(dict(paper=path.stem, reference=paper["reference"], paper_type=paper.get("paperType"),
                             file=fid, file_name=f.get("name") or "", protocol=is_protocol(f.get("name") or "", text),
                             half=half(path.stem), text=text))
    return rows


def protocol_links(data: Optional[Path] = None) -> list[dict]:
    base = (data or shared()) / "karlsruhe-protocols"
    rows = []
    for line in (base / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        if not g.get("reference"):
            continue
        rows.append(dict(paper=None, reference=g["reference"], file=Path(g["file"]).stem, protocol=True,
                         half=g["split"], text=(base / g["file"]).read_text(encoding="utf-8")))
    return rows


def score(rows: list[dict]) -> dict:
    """found: the paper's number is among the register's numbers of the file (a kind that can carry a
    decision); with parts: or a part of it ('2024/0884/3', which the register files under its parent);
    assigned: it (or a part of it) is the number the file's decisions get."""
    n, found, parts, first, shape = Counter(), Counter(), Counter(), Counter(), Counter()
    misses = []
    for r in rows:
        key = "protocol" if r["protocol"] else "other file"
        refs = [x for x in _refs(r["text"]) if x.kind in KINDS_OF_DECISION]
        values = {x.value for x in refs}
        n[key] += 1
        ok = r["reference"] in values
        found[key] += ok
        with_parts = ok or r["reference"] in {parent(v) for v in values}
        parts[key] += with_parts
        got = assigned(refs)
        first[key] += got is not None and r["reference"] in (got, parent(got))
        if not with_parts or not (got is not None and r["reference"] in (got, parent(got))):
            misses.append(dict(file=r.get("file"), kind=key, gold=r["reference"], found=sorted(values)[:6],
                               assigned=assigned(refs), name=r.get("file_name", "")))
        if not with_parts:
            shape[_shape_note(r["reference"])] += 1
    return dict(n=dict(n), found=dict(found), found_with_parts=dict(parts), assigned=dict(first), misses=misses,
                miss_shapes=dict(shape))


def through_register(rows: list[dict]) -> dict:
    """The whole way: extract (main's decision rows with their `reference`), references, register,
    one file at a time as a text page. A protocol link counts when the register files a decision of
    the protocol under the paper's number (or a part of it) with role `decides`."""
    from pipeline.config import Settings
    from pipeline.extract import extract_document
    from pipeline.link.register import register_rows
    from pipeline.resources import Resources

    settings = Settings()
    res = Resources.load(settings)
    n = hit = with_decision = 0
    misses = []
    for r in rows:
        if not r["protocol"]:
            continue
        page = Page(number=1, words=[], source="text", text=r["text"])
        _ents, decisions, fields = extract_document([page], res.nlp, settings, res.extra)
        refs = find_references([page], settings)
        doc = dict(doc_id=r["file"], status="ok", city="Karlsruhe", doc_type=fields.doc_type, doc_date=fields.doc_date,
                   source_file=r["file"])
        drows = [dict(doc_id=r["file"], decision_id=f"{r['file']}-d{i:04d}", page=d.page, start=d.start, item=d.item,
                      kind=d.kind, text=d.text, reference=d.reference, result=d.result, mention=d.mention,
                      decision_date=d.decision_date) for i, d in enumerate(decisions)]
        rrows = [dict(doc_id=r["file"], value=x.value, kind=x.kind, cue=x.cue, own=x.own, page=x.page, start=x.start,
                      confidence=x.confidence) for x in refs]
        reg = register_rows([doc], rrows, drows)
        mine = [x for x in reg if r["reference"] in (x["reference"], x.get("parent")) and x["role"] == "decides"]
        n += 1
        hit += bool(mine)
        with_decision += any(x.get("decision_id") for x in mine)
        if not any(x.get("decision_id") for x in mine):
            misses.append(dict(file=r["file"], gold=r["reference"], doc_type=fields.doc_type,
                               register=[(x["reference"], x["role"], x.get("decision_id")) for x in reg][:6]))
    return dict(n=n, decides_row=hit, decides_with_decision=with_decision, misses=misses)


def _shape_note(ref: str) -> str:
    return "plain number (no year)" if ref.isdigit() else "year/number"


def _fmt(label: str, s: dict) -> list[str]:
    out = []
    for key in ("protocol", "other file"):
        n = s["n"].get(key, 0)
        if not n:
            continue
        f, p, a = s["found"].get(key, 0), s["found_with_parts"].get(key, 0), s["assigned"].get(key, 0)
        out.append(f"{label:<30} {key:<10} {n:>4}  found {f / n:.3f}  with parts {p:>4} ({p / n:.3f})"
                   f"  assigned {a / n:.3f}")
    return out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="also score the check half and the protocols test split")
    ap.add_argument("--errors", choices=["tune", "train", "dev"], help="list the misses of that part")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    ap.add_argument("--register", action="store_true",
                    help="also the whole way through extract and the register (karlsruhe-oparl protocols; ~1 min)")
    args = ap.parse_args(argv)
    oparl = oparl_links()
    prot = protocol_links()
    parts = {"karlsruhe-oparl tune half": [r for r in oparl if r["half"] == "tune"],
             "karlsruhe-protocols train": [r for r in prot if r["half"] == "train"],
             "karlsruhe-protocols dev": [r for r in prot if r["half"] == "dev"]}
    if args.check:
        parts["karlsruhe-oparl check half"] = [r for r in oparl if r["half"] == "check"]
        parts["karlsruhe-protocols test"] = [r for r in prot if r["half"] == "test"]
    figures = {}
    print(f"{'part':<30} {'files':<10} {'n':>4}")
    for label, rows in parts.items():
        s = score(rows)
        figures[label] = {k: v for k, v in s.items() if k != "misses"}
        for line in _fmt(label, s):
            print(line)
        if s["miss_shapes"]:
            print(f"{'':<30} not found, by shape: {s['miss_shapes']}")
    if args.register:
        for label in [k for k in parts if k.startswith("karlsruhe-oparl")]:
            t = through_register(parts[label])
            figures[label]["register"] = {k: v for k, v in t.items() if k != "misses"}
            print(f"{label:<30} register: {t['n']} protocols, a decides row under the paper's number "
                  f"{t['decides_row']} ({t['decides_row'] / max(1, t['n']):.3f}), with the protocol's decision "
                  f"{t['decides_with_decision']} ({t['decides_with_decision'] / max(1, t['n']):.3f})")
            if args.errors and label.endswith(args.errors + " half"):
                for m in t["misses"]:
                    print("  " + json.dumps(m, ensure_ascii=False))
    if args.errors:
        label = {"tune": "karlsruhe-oparl tune half", "train": "karlsruhe-protocols train",
                 "dev": "karlsruhe-protocols dev"}[args.errors]
        for m in score(parts[label])["misses"]:
            print(json.dumps(m, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
