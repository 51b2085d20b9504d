"""Evaluate the pipeline on the real material in ../shared/data (slow; not in the default tests).

    python -m evaluation.real --out /tmp/ratsakten-real [--only ehri|karlsruhe] [--no-baseline]

1. **EHRI typewritten scans** (``ehri-typewritten-de``, 14 pages, 1938/39): the pipeline runs on
   the JPEGs; its page text is compared with the hand-corrected ALTO transcription
   (String@CONTENT per TextLine, lines sorted by VPOS). CER (whitespace collapsed) and an
   order-independent bag-of-words F1, because the ALTO reading order differs from top-to-bottom
   in places and the transcription leaves out handwriting and stamps. A bare Tesseract run
   (``deu``, psm 3, same images) is the baseline.
2. **Karlsruhe council protocols** (``karlsruhe-oparl``, 30 "Protokoll TOP n" texts with the
   council's recorded result): each text is typeset into a PDF with reportlab (line for line,
   DejaVu Sans), the pipeline runs on the PDFs, and we score
   - doc_date == meeting date,
   - a decision dated with the meeting date (the decision of the agenda item: same item number,
     else the first decision),
   - the result category (accepted / rejected / referred / noted) of that decision against
     the OParl ``result`` and, separately, against the protocol's own ``Beschluss:`` /
     ``Abstimmungsergebnis:`` lines (the OParl category is coarse and sometimes disagrees
     with the text: see MANIFEST.md).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from .samples import _records, norm_value, norm_ws

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("RATSAKTEN_SHARED_DATA", ROOT.parent / "shared" / "data"))
EHRI = DATA / "ehri-typewritten-de"
KARLSRUHE = DATA / "karlsruhe-oparl"


# ----------------------------------------------------------------------------- EHRI

def alto_text(path: Path) -> str:
    """Page text from ALTO: String@CONTENT joined with spaces per TextLine, lines by VPOS."""
    root = ET.parse(path).getroot()
    lines = []
    for el in root.iter():
        if not el.tag.endswith("TextLine"):
            continue
        words = [s.get("CONTENT", "") for s in el if s.tag.endswith("String")]
        text = " ".join(w for w in words if w).strip()
        if text:
            lines.append((float(el.get("VPOS", 0)), float(el.get("HPOS", 0)), text))
    lines.sort()
    return "\n".join(t for _, _, t in lines)


def cer(pred: str, truth: str) -> tuple[int, int]:
    a, b = norm_ws(pred), norm_ws(truth)
    return Levenshtein.distance(a, b), len(b)


def bow_f1(pred: str, truth: str) -> tuple[int, int, int]:
    tok = lambda s: Counter(re.findall(r"\w+", s.casefold()))
    p, t = tok(pred), tok(truth)
    return sum((p & t).values()), sum(p.values()), sum(t.values())


def tesseract_baseline(image: Path, lang: str = "deu") -> str:
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return pytesseract.image_to_string(str(image), lang=lang, config="--psm 3")


REUSE = False  # --reuse: score the tables of an earlier run instead of running again


def run_pipeline(inputs: list[Path], out_dir: Path) -> dict[str, Any]:
    """Run the project's own pipeline (the same code path as ``cli.py run``)."""
    from pipeline.config import Settings
    from pipeline.run import run

    if REUSE and (out_dir / "documents.parquet").exists():
        return {"seconds": None, "reused": True}

    settings = Settings(use_cache=False, write_crops=False, progress=False)
    t0 = time.perf_counter()
    summary = run(inputs, out_dir, settings)
    return {"seconds": round(time.perf_counter() - t0, 1), "documents": summary.documents,
            "failed": summary.failed}


def _pages_by_file(out_dir: Path) -> dict[str, dict[int, str]]:
    import pandas as pd

    docs = pd.read_parquet(out_dir / "documents.parquet")
    pages = pd.read_parquet(out_dir / "pages.parquet")
    out: dict[str, dict[int, str]] = {}
    for _, d in docs.iterrows():
        name = Path(str(d["source_file"])).name
        sub = pages[pages["doc_id"] == d["doc_id"]]
        out[name] = {int(r["page"]): (r["text"] or "") for _, r in sub.iterrows()}
    return out


def eval_ehri(work: Path, baseline: bool = True) -> dict:
    images = sorted(EHRI.glob("*.jpg"))
    if not images:
        raise FileNotFoundError(f"no EHRI images under {EHRI}")
    out_dir = work / "ehri-out"
    run_info = run_pipeline([EHRI], out_dir)
    texts = _pages_by_file(out_dir)
    rows = []
    tot = {"ours": [0, 0, 0, 0, 0], "tesseract": [0, 0, 0, 0, 0]}
    for img in images:
        truth = alto_text(img.with_suffix(".xml"))
        ours = "\n".join(texts.get(img.name, {}).values())
        row: dict[str, Any] = {"page": img.name, "chars": len(norm_ws(truth))}
        cands = {"ours": ours}
        if baseline:
            cands["tesseract"] = tesseract_baseline(img)
        for key, text in cands.items():
            d, n = cer(text, truth)
            tp, np_, nt = bow_f1(text, truth)
            row[f"cer_{key}"] = round(d / n, 4) if n else None
            for i, v in enumerate((d, n, tp, np_, nt)):
                tot[key][i] += v
        rows.append(row)

    def summary(v):
        d, n, tp, np_, nt = v
        p, r = (tp / np_ if np_ else 0.0), (tp / nt if nt else 0.0)
        return {"cer": d / n if n else None, "bow_f1": 2 * p * r / (p + r) if p + r else 0.0, "chars": n}

    result = {"pages": len(images), "run": run_info, "ours": summary(tot["ours"]), "per_page": rows}
    if baseline:
        result["tesseract"] = summary(tot["tesseract"])
    return result


# ----------------------------------------------------------------------------- Karlsruhe

CATEGORIES = ("accepted", "rejected", "referred", "noted")


def result_category(*texts: str | None) -> str | None:
    """Map free result wording (OParl result, protocol lines, our kind/votes/outcome) to a category."""
    s = " ".join(str(t) for t in texts if isinstance(t, str) and t).lower()  # not casefold: keeps ß
    if not s.strip():
        return None
    if re.search(r"\bverwiesen\b|\bverweisung\b|\bverweist\b|\bvertag|zurückgestellt|^beratung im", s):
        return "referred"
    if re.search(r"abgelehnt|ablehnung|lehnt\b.*\bab\b|^ablehnung", s):
        return "rejected"
    if re.search(r"kenntnis|keine abstimmung|stellungnahme|erledigt", s):
        return "noted"
    if re.search(r"zustimm|zugestimmt|beschlossen|beschließt|einverstanden|einstimmig|mehrheitlich|"
                 r"angenommen|beschluss|ermächtigt|beauftragt|beruft|befürwortet|stimmt", s):
        return "accepted"
    return None


def text_category(beschluss: str | None, abstimmung: str | None) -> str | None:
    """The protocol's own verdict: a vote result decides; without a vote, the Beschluss line."""
    by_vote = result_category(abstimmung)
    if by_vote in ("accepted", "rejected"):
        return by_vote
    return result_category(beschluss) or by_vote


def predicted_category(dec: dict) -> str:
    """Our decision row as a category: a specific kind wins, then votes/outcome, then the clause."""
    kind = (dec.get("kind") or "").lower()
    if kind in ("ablehnung", "verweisung", "vertagung", "kenntnisnahme"):
        return kind_category(kind)
    by_result = result_category(dec.get("votes"), dec.get("outcome"))
    if by_result in ("rejected", "referred", "noted"):
        return by_result
    by_text = result_category(dec.get("text"))
    if kind in ("", "beschluss") and by_text in ("rejected", "referred", "noted"):
        return by_text
    return "accepted"


def kind_category(kind: str | None) -> str | None:
    return {"ablehnung": "rejected", "verweisung": "referred", "vertagung": "referred",
            "kenntnisnahme": "noted"}.get((kind or "").casefold(), "accepted" if kind else None)


def render_protocol_pdf(text: str, path: Path) -> None:
    """Typeset an extracted protocol text line for line (page breaks at ``– n –`` markers)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    ttf = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if ttf.exists():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(ttf)))
        font = "DejaVuSans"
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    size, leading = 10, 13
    y = h - 60
    for raw in text.splitlines():
        line = raw.rstrip()
        if re.fullmatch(r"\s*[–-]\s*\d+\s*[–-]\s*", line):
            c.setFont(font, 9)
            c.drawCentredString(w / 2, 40, line.strip())
            c.showPage()
            y = h - 60
            continue
        if y < 70:
            c.showPage()
            y = h - 60
        c.setFont(font, size)
        while line and pdfmetrics.stringWidth(line, font, size) > w - 130:  # rare over-long line
            cut = len(line)
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > w - 130:
                cut = line.rfind(" ", 0, cut - 1) if line.rfind(" ", 0, cut - 1) > 0 else cut - 1
            c.drawString(70, y, line[:cut])
            y -= leading
            line = line[cut:].lstrip()
        if line:
            c.drawString(70, y, line)
        y -= leading
    c.showPage()
    c.save()


def load_pairs() -> list[dict]:
    path = KARLSRUHE / "DERIVED_protocol_decision_pairs.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def eval_karlsruhe(work: Path) -> dict:
    import pandas as pd

    pairs = load_pairs()
    pdf_dir = work / "karlsruhe-pdf"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    for pr in pairs:
        text = (KARLSRUHE / "docs" / "file-contents" / f"{pr['text_file']}.txt").read_text(encoding="utf-8")
        render_protocol_pdf(text, pdf_dir / f"{pr['text_file']}.pdf")
    out_dir = work / "karlsruhe-out"
    run_info = run_pipeline([pdf_dir], out_dir)
    docs = pd.read_parquet(out_dir / "documents.parquet")
    decs = pd.read_parquet(out_dir / "decisions.parquet")
    rows = []
    n = {"doc_date": 0, "decision_date": 0, "any_decision_date": 0, "found": 0, "cat_oparl": 0, "cat_text": 0,
         "cat_text_n": 0}
    for pr in pairs:
        meet = pr["meeting_start"][:10]
        d = docs[docs["source_file"].map(lambda s: Path(str(s)).stem) == pr["text_file"]]
        doc = _records(d.iloc[:1])[0] if len(d) else {}
        sub = decs[decs["doc_id"] == doc.get("doc_id")] if doc else decs.iloc[0:0]
        recs = _records(sub.sort_values(["page", "start"] if "start" in sub.columns else ["page"]))
        pick = next((r for r in recs if norm_value(r.get("item")) == norm_value(pr["agenda_number"])), None)
        pick = pick or (recs[0] if recs else None)
        truth_oparl = result_category(pr["result"])
        truth_text = text_category(pr.get("beschluss_line"), pr.get("abstimmung_line"))
        pred_cat = predicted_category(pick) if pick else None
        row = {"text_file": pr["text_file"], "meeting": meet, "doc_date": doc.get("doc_date"),
               "decision_date": pick.get("decision_date") if pick else None,
               "kind": pick.get("kind") if pick else None, "votes": pick.get("votes") if pick else None,
               "pred": pred_cat, "oparl": truth_oparl, "text": truth_text, "oparl_result": pr["result"]}
        n["doc_date"] += row["doc_date"] == meet
        n["decision_date"] += row["decision_date"] == meet
        n["any_decision_date"] += any(r.get("decision_date") == meet for r in recs)
        n["found"] += pick is not None
        n["cat_oparl"] += pred_cat == truth_oparl
        if truth_text:
            n["cat_text_n"] += 1
            n["cat_text"] += pred_cat == truth_text
        rows.append(row)
    total = len(pairs)
    return {
        "documents": total, "run": run_info,
        "doc_date_accuracy": n["doc_date"] / total,
        "decision_found": n["found"] / total,
        "decision_date_accuracy": n["decision_date"] / total,
        "any_decision_with_meeting_date": n["any_decision_date"] / total,
        "result_accuracy_vs_oparl": n["cat_oparl"] / total,
        "result_accuracy_vs_protocol_text": n["cat_text"] / n["cat_text_n"] if n["cat_text_n"] else None,
        "truth_agreement_oparl_vs_text": sum(r["oparl"] == r["text"] for r in rows) / total,
        "per_document": rows,
    }


# ----------------------------------------------------------------------------- report

def format_real(res: dict) -> str:
    lines = []
    if "ehri" in res:
        e = res["ehri"]
        lines.append(f"EHRI typewritten scans: {e['pages']} pages, {e['ours']['chars']} GT chars, "
                     f"pipeline {e['run'].get('seconds')} s")
        lines.append(f"  {'':<22}{'CER':>8}{'bag-of-words F1':>18}")
        for key in ("ours", "tesseract"):
            if key in e:
                lines.append(f"  {key:<22}{100 * e[key]['cer']:>7.2f}%{e[key]['bow_f1']:>18.3f}")
        lines.append("  per page (ours / tesseract): " + ", ".join(
            f"{r['page'].replace('EHRI-', '').replace('.jpg', '')} {100 * r['cer_ours']:.1f}"
            + (f"/{100 * r['cer_tesseract']:.1f}" if "cer_tesseract" in r else "") for r in e["per_page"]))
    if "karlsruhe" in res:
        k = res["karlsruhe"]
        lines.append(f"Karlsruhe protocols: {k['documents']} documents, pipeline {k['run'].get('seconds')} s")
        for key in ("doc_date_accuracy", "decision_found", "decision_date_accuracy",
                    "any_decision_with_meeting_date", "result_accuracy_vs_oparl",
                    "result_accuracy_vs_protocol_text", "truth_agreement_oparl_vs_text"):
            v = k[key]
            lines.append(f"  {key:<34}{'–' if v is None else f'{v:.3f}'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Evaluate on the real data in ../shared/data (slow).")
    ap.add_argument("--out", type=Path, default=Path("/tmp/ratsakten-real"), help="work folder")
    ap.add_argument("--only", choices=["ehri", "karlsruhe"], help="run one of the two")
    ap.add_argument("--no-baseline", action="store_true", help="skip the bare Tesseract baseline on EHRI")
    ap.add_argument("--reuse", action="store_true", help="score existing pipeline output in --out, do not rerun")
    args = ap.parse_args(argv)
    global REUSE
    REUSE = args.reuse
    args.out.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {}
    if args.only in (None, "ehri"):
        res["ehri"] = eval_ehri(args.out, baseline=not args.no_baseline)
    if args.only in (None, "karlsruhe"):
        res["karlsruhe"] = eval_karlsruhe(args.out)
    (args.out / "real_scores.json").write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str) + "\n",
                                               encoding="utf-8")
    print(format_real(res))
    print(f"\nJSON: {args.out / 'real_scores.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
