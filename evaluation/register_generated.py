"""Links and people on the generator's linked document sets (issue 19), against their true links.

    python -m evaluation.register_generated --split tune                      # look at this one
    python -m evaluation.register_generated --split check                     # report this one, once
    python -m evaluation.register_generated --split tune --kinds scan --damages medium --sets 4   # OCR'd
    python -m evaluation.register_generated --split tune --errors

The sets come from `samples/generate.py --preset linked` (`linked_specs`): each set is a Beschlussvorlage,
the minutes of the meeting that decides it (the set's number is one of several agenda items) and a
Beschlusskontrolle or answer, written by the generator's own genres with their layouts and wording, and
rendered as the generator renders (born-digital, or scans with a damage level, read by Tesseract).
A city has one mayor for the whole split, written in full, by role, as 'OB <Surname>' or 'Herr/Frau
<Surname>'; now and then a councillor with the mayor's surname speaks; a number recurs in another city.

The whole split goes through `pipeline.run` as one folder, so wrong links across sets are possible and
counted.

Organisations: pairwise P/R/F1 of entities.org_id over the true ORG mentions found (truth: the
generator's value per home city; a council's value names its city).

Links: pairs of documents the register files under one (reference, city), against the pairs whose truth
files print one reference in the same city: precision and recall. Roles: each set document's register
role under the set's number against the truth's `link.role`. People: pairwise precision/recall/F1 over
the true PERSON mentions the extractor found (a mention without a person_id is a cluster of its own;
truth person = city and full name); mentions not found are reported as mention recall.
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
# corpus seeds, fresh (the committed samples use none); `fresh` measures a change made after `check` was reported
SPLITS = {"tune": 19_019, "check": 29_019, "fresh": 39_019}


def generate(split: str, out_dir: Path, n_sets: int, kinds: str = "digital", damages: str = "light,medium,medium,hard",
             start: int = 0) -> list[Path]:
    """Render `n_sets` linked sets of the split with their truth files."""
    from evaluation.generated_decisions import _generator

    gen = _generator()
    specs = gen.linked_specs(n_sets + start, SPLITS[split], kinds.split(","), tuple(damages.split(",")))
    return [gen.render(s, out_dir) for s in specs[3 * start:]]


def read_truth(folder: Path) -> dict[str, dict]:
    return {p.name[:-len(".truth.json")]: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.truth.json"))}


def _prf(tp: int, n_pred: int, n_true: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_true if n_true else 0.0
    return dict(tp=tp, predicted=n_pred, true=n_true, precision=round(p, 3), recall=round(r, 3),
                f1=round(2 * p * r / (p + r), 3) if p + r else 0.0)


def _digits(ref: str) -> str:
    return re.sub(r"\D", "", ref or "")


def true_links(truth: dict[str, dict]) -> set[tuple[str, str]]:
    """Pairs of files that print one reference in the same city."""
    groups: dict[tuple[str, str], set[str]] = {}
    for f, t in truth.items():
        for ref in t.get("references") or []:
            groups.setdefault((ref, t["link"]["city"]), set()).add(f)
    return {p for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


def _surname(value: str) -> str:
    return (value or "").split()[-1].casefold() if (value or "").split() else ""


def _fold(s: str) -> str:
    return " ".join((s or "").split()).casefold()


def match_mentions(truth_ments: list[dict], pred: list[dict], same=None) -> list[tuple[dict, Optional[dict]]]:
    """Pair every true mention of one document with at most one predicted PERSON row of its page, in three
    passes: an overlapping span with the same surname (the text layer has the truth's offsets, mostly); then
    the same full value; then the same surname. Within a pass the nearest start wins (OCR'd text and a
    text layer in another order shift the offsets)."""
    used: set[int] = set()
    out: dict[int, dict] = {}
    same = same or (lambda t, p: _surname(p["value"]) == _surname(t["value"]))
    tests = [
        lambda t, p: p["start"] < t["end"] and t["start"] < p["end"] and same(t, p),
        lambda t, p: _fold(p["value"]) == _fold(t["value"]),
        same,
    ]
    for test in tests:
        for i, t in enumerate(truth_ments):
            if i in out:
                continue
            cands = [j for j, p in enumerate(pred) if j not in used and p["page"] == t["page"] and test(t, p)]
            if cands:
                j = min(cands, key=lambda j: abs(int(pred[j]["start"]) - int(t["start"])))
                used.add(j)
                out[i] = pred[j]
    return [(t, out.get(i)) for i, t in enumerate(truth_ments)]


def score(truth: dict[str, dict], out: Path) -> dict:
    from pipeline import tables

    docs = tables.read(out, "documents")
    file_of = dict(zip(docs.doc_id, docs.source_file))
    reg = tables.read(out, "register")
    groups: dict[tuple, set] = {}
    for r in reg.itertuples():
        groups.setdefault((r.reference, r.city), set()).add(file_of[r.doc_id])
    pred_pairs = {tuple(sorted(p)) for g in groups.values() for p in itertools.combinations(sorted(g), 2)}
    gold = true_links(truth)
    links = _prf(len(pred_pairs & gold), len(pred_pairs), len(gold))
    # roles: the register row of each set document under the set's number (same digits, same city)
    roles_ok, role_errors = 0, []
    for f, t in truth.items():
        lk = t["link"]
        rows = reg[(reg.doc_id.map(file_of) == f) & (reg.city == lk["city"])
                   & (reg.reference.map(_digits) == _digits(lk["reference"]))]
        got = sorted(set(rows.role))
        if got == [lk["role"]]:
            roles_ok += 1
        else:
            role_errors.append((f, lk["role"], got))
    # people
    ents = tables.read(out, "entities")
    ents = ents[ents.label == "PERSON"]
    by_file: dict[str, list[dict]] = {}
    for r in ents.sort_values(["page", "start"]).to_dict("records"):
        by_file.setdefault(file_of[r["doc_id"]], []).append(r)
    found: list[tuple[str, Optional[str]]] = []
    missing = []
    n_true = 0
    for f, t in truth.items():
        seen = set()
        ments = []
        for e in t["entities"]:
            key = (e["page"], e["start"], e["end"])
            if e["label"] == "PERSON" and key not in seen:
                seen.add(key)
                ments.append(e)
        n_true += len(ments)
        for tm, pm in match_mentions(ments, by_file.get(f, [])):
            if pm is None:
                missing.append((f, tm["text"]))
                continue
            pid = pm.get("person_id")
            found.append((tm["person_id"], pid if isinstance(pid, str) else None))
    people = _pairs(found)
    orgs = _org_scores(truth, tables.read(out, "entities"), file_of)
    wrong = [(a, b) for a, b in pred_pairs - gold]
    return dict(sets=len({t["link"]["set"] for t in truth.values()}), documents=len(truth), links=links,
                roles=dict(correct=roles_ok, documents=len(truth), accuracy=round(roles_ok / max(len(truth), 1), 3)),
                people=people, organisations=orgs["pairs"], org_mentions=orgs["mentions"],
                mentions=dict(true=n_true, found=len(found), recall=round(len(found) / max(n_true, 1), 3),
                              without_person_id=sum(1 for _, p in found if p is None)),
                wrong_links=sorted(wrong)[:20], missed_links=sorted(gold - pred_pairs)[:20],
                role_errors=role_errors[:20], missing_mentions=missing[:30],
                person_errors=_person_errors(found)[:20])


def _org_truth(t: dict, e: dict) -> str:
    """The true organisation: the generator's value (a council's value names its city), per home city;
    federal bodies are one."""
    return e["value"] if e["value"].startswith("Bundes") else f"{t['link']['city']}|{e['value']}"


def _pairs(found: list[tuple[str, Optional[str]]]) -> dict:
    tp = n_pred = n_same = 0
    for (ta, pa), (tb, pb) in itertools.combinations(found, 2):
        same_pred = pa is not None and pa == pb
        tp += ta == tb and same_pred
        n_pred += same_pred
        n_same += ta == tb
    return _prf(tp, n_pred, n_same)


def _org_scores(truth: dict[str, dict], ents, file_of: dict) -> dict:
    """Pairwise P/R/F1 of `entities.org_id` over the true ORG mentions the extractor found."""
    from pipeline.link.orgs import name_key

    ents = ents[ents.label == "ORG"]
    by_file: dict[str, list[dict]] = {}
    for r in ents.sort_values(["page", "start"]).to_dict("records"):
        by_file.setdefault(file_of[r["doc_id"]], []).append(r)
    found: list[tuple[str, Optional[str]]] = []
    n_true = 0
    for f, t in truth.items():
        seen, ments = set(), []
        for e in t["entities"]:
            if e["label"] == "ORG" and (e["page"], e["start"]) not in seen:
                seen.add((e["page"], e["start"]))
                ments.append(e)
        n_true += len(ments)
        for tm, pm in match_mentions(ments, by_file.get(f, []),
                                     same=lambda a, b: name_key(a["value"]) == name_key(b["value"])):
            if pm is not None:
                oid = pm.get("org_id")
                found.append((_org_truth(t, tm), oid if isinstance(oid, str) else None))
    return dict(pairs=_pairs(found), mentions=dict(true=n_true, found=len(found),
                                                   without_org_id=sum(1 for _, o in found if o is None)))


def _person_errors(found: list[tuple[str, Optional[str]]]) -> list[str]:
    """True persons split over several ids, and ids holding several true persons."""
    by_true: dict[str, set] = {}
    by_pred: dict[str, set] = {}
    for t, p in found:
        by_true.setdefault(t, set()).add(p)
        if p:
            by_pred.setdefault(p, set()).add(t)
    out = [f"split: {t} -> {sorted(map(str, ps))}" for t, ps in by_true.items() if len(ps) > 1]
    out += [f"merged: {p} <- {sorted(ts)}" for p, ts in by_pred.items() if len(ts) > 1]
    return out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=sorted(SPLITS), default="tune")
    ap.add_argument("--sets", type=int, default=30)
    ap.add_argument("--start", type=int, default=0, help="skip the split's first sets (a fresh part of it)")
    ap.add_argument("--kinds", default="digital", help="render kinds the documents draw from (digital, scan, mixed, image)")
    ap.add_argument("--damages", default="light,medium,medium,hard", help="damage levels scans draw from")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--keep", type=Path, help="run into this folder (default: a temporary one)")
    args = ap.parse_args(argv)
    from pipeline.config import Settings
    from pipeline.run import run

    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        src, out = base / "in", base / "out"
        src.mkdir(parents=True, exist_ok=True)
        paths = generate(args.split, src, args.sets, args.kinds, args.damages, args.start)
        truth = {p.name: json.loads((src / (p.name + ".truth.json")).read_text(encoding="utf-8")) for p in paths}
        run(paths, out, Settings(jobs=1, progress=False, write_crops=False))
        result = score(truth, out)
    result.update(split=args.split, kinds=args.kinds, damages=args.damages, start=args.start)
    print(f"split {args.split}: {result['sets']} sets, {result['documents']} documents (kinds {args.kinds}"
          + (f", damages {args.damages})" if args.kinds != "digital" else ")"))
    for key in ("links", "roles", "people", "mentions", "organisations", "org_mentions"):
        print(f"  {key:<8} " + "  ".join(f"{k} {v}" for k, v in result[key].items()))
    if args.errors:
        for key in ("wrong_links", "missed_links", "role_errors", "person_errors", "missing_mentions"):
            for item in result[key]:
                print(f"  {key}: {item}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
