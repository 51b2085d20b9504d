"""Which single-pass OCR variant reads the *tune* pages best, and which page signals predict a bad reading.

    OMP_THREAD_LIMIT=1 PYTHONPATH=$PWD .venv/bin/python bench/ocr_variants.py [--variants a,b] [--split tune]

Runs only on the tune half of bench/ocr_accuracy.py's split (the check half is for the final figures).
Each variant is one Tesseract pass over a prepared image (`tesseract` via pytesseract's image_to_data,
cached under /tmp/ocracc-cache/variants); the words go through `layout.arrange` + `layout.render` as
in the pipeline, so only the image preparation and the Tesseract settings differ. Prints mean page CER
per collection per variant, and the rank correlation / AUC of page signals against the CER of the
default reading.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np
import ocr_accuracy as acc
from PIL import Image, ImageFilter

from pipeline import layout, ocr
from pipeline.records import Page, Word

CACHE = acc.CACHE / "variants"


def tesseract_data(image: Image.Image | Path, dpi: float | None, psm: int, lang: str = "deu",
                   extra: str = "") -> dict[str, Any]:
    """image_to_data of an image (written as an uncompressed TIFF, with dpi unless None) or of a file as
    it is; cached by content and settings. Returns the data dict and the seconds it took."""
    import pytesseract

    if isinstance(image, Path):
        h = hashlib.sha1(image.read_bytes()).hexdigest()[:24]
    else:
        h = acc._image_key(image)
    key = hashlib.sha1(f"{h}|{dpi}|{psm}|{lang}|{extra}".encode()).hexdigest()[:24]
    path = CACHE / f"{key}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="ocrvar-") as tmp:
        if isinstance(image, Path):
            src = str(image)
        else:
            src = os.path.join(tmp, "page.tif")
            if dpi:
                image.save(src, format="TIFF", dpi=(dpi, dpi), compression="raw")
            else:
                image.save(src, format="TIFF", compression="raw")
        config = f"--psm {psm}" + (f" --dpi {int(round(dpi))}" if dpi else "") + (f" {extra}" if extra else "")
        t0 = time.perf_counter()
        data = pytesseract.image_to_data(src, lang=lang, config=config, output_type=pytesseract.Output.DICT)
        seconds = time.perf_counter() - t0
    rec = {"data": data, "seconds": round(seconds, 3)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return rec


def to_words(data: dict[str, list]) -> list[ocr.OcrWord]:
    out = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = data["block_num"][i] * 1_000_000 + data["par_num"][i] * 1_000 + data["line_num"][i]
        out.append(ocr.OcrWord(text, data["left"][i], data["top"][i], data["width"][i], data["height"][i],
                               max(0.0, min(1.0, conf / 100.0)), data["block_num"][i], key))
    return out


def page_text(raw: list[ocr.OcrWord], scale: float = 1.0) -> tuple[str, Page]:
    """Words -> page text through the layout stage (boxes in pixels / scale: only ratios matter)."""
    words = []
    ids: dict[int, int] = {}
    for w in raw:
        words.append(Word(w.text, (w.left / scale, w.top / scale, (w.left + w.width) / scale,
                                   (w.top + w.height) / scale), w.conf, "ocr", ids.setdefault(w.line, len(ids)),
                          w.block))
    page = Page(1, words, "ocr")
    layout.arrange(page)
    layout.render(page)
    return page.text, page


# ----------------------------------------------------------------------------- variants

def source_image(item: acc.Item) -> tuple[Image.Image, float]:
    """The page image and the resolution the pipeline believes it has (read.py's rules)."""
    from pipeline.read import _image_dpi

    if item.source.suffix.lower() == ".pdf":
        return acc.page_image(item)
    im = Image.open(item.source)
    im.load()
    return im, _image_dpi(im)


def size_dpi(im: Image.Image) -> float:
    """Resolution if the page is A4/letter-sized: the short side is ~8.3 in."""
    return min(im.width, im.height) / 8.3


def deskew(gray: Image.Image) -> tuple[Image.Image, float]:
    skew = ocr.estimate_skew(gray)
    if skew:
        gray = gray.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
    return gray, skew


Variant = Callable[[acc.Item], tuple[Any, Any, int, float, str]]  # -> (image or path, dpi or None, psm, scale, cfg)


def v_plain(item):
    """The file as it is, dpi from its header (= `tesseract IMG -`)."""
    if item.source.suffix.lower() == ".pdf":
        im, dpi = acc.page_image(item)
        return im, dpi, 3, 1.0, ""
    return item.source, None, 3, 1.0, ""


def header_dpi(item: acc.Item, im: Image.Image) -> float | None:
    """The resolution the file states if it is believable (100-1200), else None: let Tesseract estimate
    it from the text. A PDF page's scan image has its resolution from the page geometry."""
    if item.source.suffix.lower() == ".pdf":
        return acc.page_image(item)[1]
    dpi = im.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 100 <= value <= 1200 else None


def sauvola(gray: Image.Image, dpi: float, k: float = 0.34, window_in: float = 0.33) -> Image.Image:
    """Sauvola thresholding as Tesseract's thresholding_method=2 does it (window 0.33 in, k 0.34)."""
    a = np.asarray(gray, dtype=np.float64)
    half = max(3, int(window_in * dpi) // 2)
    pad = np.pad(a, half + 1, mode="reflect")
    ii = pad.cumsum(0).cumsum(1)
    ii2 = (pad * pad).cumsum(0).cumsum(1)
    h, w = a.shape
    n = (2 * half + 1) ** 2
    y0, x0 = np.arange(h), np.arange(w)
    y1, x1 = y0 + 2 * half + 1, x0 + 2 * half + 1

    def box(t):
        return t[y1][:, x1] - t[y0][:, x1] - t[y1][:, x0] + t[y0][:, x0]

    m = box(ii) / n
    var = np.maximum(box(ii2) / n - m * m, 0)
    thr = m * (1 + k * (np.sqrt(var) / 128.0 - 1))
    return Image.fromarray(np.where(a > thr, 255, 0).astype(np.uint8))


def v_prep(dpi_rule: str, psm: int = 3, skew: bool = False, binar: bool = False, up: float = 0.0,
           median: bool = False, color: bool = False, extra: str = "", sauv: bool = False,
           skew_min: float = 0.0) -> Variant:
    def run(item):
        im, dpi = source_image(item)
        hdr = header_dpi(item, im)
        gray = im.convert("RGB") if color else ocr._gray(im)
        if median:
            gray = gray.filter(ImageFilter.MedianFilter(3))
        if skew:
            angle = ocr.estimate_skew(gray)
            if angle and abs(angle) >= skew_min:
                gray = gray.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        d = {"pipeline": dpi, "none": None, "size": size_dpi(gray), "300": 300.0, "hdr": hdr}[dpi_rule]
        if item.source.suffix.lower() == ".pdf" and dpi_rule in ("none", "size"):
            d = dpi  # the PDF's own image resolution is known
        scale = 1.0
        if up and (d or size_dpi(gray)) < up:
            scale = 2.0
            gray = gray.resize((gray.width * 2, gray.height * 2), Image.LANCZOS)
            d = d * 2 if d else None
        if binar:
            gray = ocr.binarize(gray)
        if sauv:
            gray = sauvola(gray, d or size_dpi(gray))
        return gray, d, psm, scale, extra
    return run


VARIANTS: dict[str, Variant] = {
    "plain": v_plain,
    "gray_pipedpi": v_prep("pipeline"),
    "gray_nodpi": v_prep("none"),
    "gray_sizedpi": v_prep("size"),
    "color_hdr": v_prep("hdr", color=True),
    "gray_hdr": v_prep("hdr"),
    "gray_hdr_skew": v_prep("hdr", skew=True),
    "gray_hdr_psm4": v_prep("hdr", psm=4),
    "gray_hdr_psm6": v_prep("hdr", psm=6),
    "gray_hdr_psm1": v_prep("hdr", psm=1),
    "gray_hdr_bin": v_prep("hdr", binar=True),
    "gray_hdr_up200": v_prep("hdr", up=200),
    "gray_hdr_median": v_prep("hdr", median=True),
    "gray_pipedpi_skew": v_prep("pipeline", skew=True),
    "gray_hdr_tm1": v_prep("hdr", extra="-c thresholding_method=1"),
    "gray_hdr_tm2": v_prep("hdr", extra="-c thresholding_method=2"),
    "gray_hdr_sauv": v_prep("hdr", sauv=True),
    "gray_hdr_tm2_skew": v_prep("hdr", skew=True, extra="-c thresholding_method=2"),
    "gray_hdr_skew2": v_prep("hdr", skew=True, skew_min=2.0),
    "gray_hdr_tm2_skew2": v_prep("hdr", skew=True, skew_min=2.0, extra="-c thresholding_method=2"),
}


def run_variant(name: str, items: list[acc.Item]) -> list[dict[str, Any]]:
    rows = []
    for it in items:
        img, dpi, psm, scale, extra = VARIANTS[name](it)
        rec = tesseract_data(img, dpi, psm, extra=extra)
        raw = to_words(rec["data"])
        text, page = page_text(raw, scale)
        rows.append({"item": it, "text": text, "raw": raw, "page": page, "seconds": rec["seconds"],
                     "cer": acc.cer(text, it.truth), "cer_hn": acc.cer(text, it.truth, hyphen_neutral=True)})
    return rows


# ----------------------------------------------------------------------------- signals

def signals(raw: list[ocr.OcrWord], lexicon: dict[str, float]) -> dict[str, float]:
    from pipeline.lexicon import WORD_RE, is_known

    if not raw:
        return {"mean_conf": 0.0, "min_line_conf": 0.0, "low_share": 1.0, "nonword_share": 1.0,
                "lineh_cv": 0.0, "words": 0.0, "short_share": 1.0}
    confs = np.array([w.conf for w in raw])
    by_line: dict[int, list[float]] = {}
    heights: dict[int, int] = {}
    for w in raw:
        by_line.setdefault(w.line, []).append(w.conf)
        heights[w.line] = max(heights.get(w.line, 0), w.height)
    line_conf = [float(np.mean(v)) for v in by_line.values() if len(v) >= 3] or [float(confs.mean())]
    alpha = [w.text for w in raw if WORD_RE.fullmatch(w.text.strip(".,;:!?\"'()„“”-")) and len(w.text) >= 4]
    cores = [w.strip(".,;:!?\"'()„“”-") for w in alpha]
    nonword = sum(not is_known(lexicon, c) for c in cores) / max(1, len(cores))
    hs = np.array(list(heights.values()), dtype=float)
    return {
        "mean_conf": float(confs.mean()),
        "min_line_conf": float(min(line_conf)),
        "low_share": float((confs < 0.6).mean()),
        "nonword_share": float(nonword),
        "lineh_cv": float(hs.std() / hs.mean()) if hs.mean() else 0.0,
        "words": float(len(raw)),
        "short_share": float(np.mean([len(w.text) <= 2 for w in raw])),
    }


def spearman(x: list[float], y: list[float]) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    if np.std(rx) == 0 or np.std(ry) == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def auc(score: list[float], positive: list[bool]) -> float:
    """P(score of a positive page > score of a negative page), ties count half."""
    pos = [s for s, p in zip(score, positive) if p]
    neg = [s for s, p in zip(score, positive) if not p]
    if not pos or not neg:
        return float("nan")
    wins = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg)
    return wins / (len(pos) * len(neg))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--split", default="tune", choices=["tune", "check"])
    ap.add_argument("--only", default=",".join(acc.COLLECTIONS))
    ap.add_argument("--pages", action="store_true")
    ap.add_argument("--signals", default="", help="variant whose reading the page signals are computed on")
    ap.add_argument("--pair", default="", help="A,B: signals of A that predict B reads better; choosers")
    ap.add_argument("--trigger", type=float, default=2.0, help="with --pair: read B only below this mean conf")
    args = ap.parse_args(argv)
    global TRIGGER
    TRIGGER = args.trigger
    items = [i for i in acc.collect(tuple(args.only.split(","))) if i.split == args.split]
    # a turned page is OSD's business (ocr_page asks it only then): the variants here read pages as they are
    items = [i for i in items if not i.rows.get("true_rotation")]
    if args.pair:
        pair_report(items, *args.pair.split(","), show=args.pages)
        return 0
    names = [v for v in args.variants.split(",") if v]
    results = {}
    for name in names:
        results[name] = run_variant(name, items)
        print(f"... {name}", file=sys.stderr, flush=True)
    cols = sorted({i.collection for i in items})
    print(f"{'variant':<24}" + "".join(f"{c:>11}" for c in cols) + f"{'real':>9}{'real hn':>9}{'s/page':>8}")
    for name in names:
        rows = results[name]
        line = f"{name:<24}"
        for c in cols:
            sub = [r["cer"] for r in rows if r["item"].collection == c]
            line += f"{100 * np.mean(sub):>10.2f}%"
        real = [r for r in rows if r["item"].collection in ("ehri", "fondue")]
        line += f"{100 * np.mean([r['cer'] for r in real]):>8.2f}%" if real else f"{'':>9}"
        line += f"{100 * np.mean([r['cer_hn'] for r in real]):>8.2f}%" if real else f"{'':>9}"
        line += f"{np.mean([r['seconds'] for r in rows]):>8.2f}"
        print(line)
    if args.pages:
        print(f"\n{'page':<50}" + "".join(f"{n[:14]:>15}" for n in names))
        for k, it in enumerate(items):
            print(f"{it.collection[:3] + ' ' + it.name[-45:]:<50}"
                  + "".join(f"{100 * results[n][k]['cer']:>15.2f}" for n in names))
    if args.signals:
        from pipeline.config import Settings
        from pipeline.lexicon import load_lexicon

        lex = load_lexicon(str(Settings().models_dir))
        rows = results[args.signals]
        sig = [signals(r["raw"], lex) for r in rows]
        y = [r["cer"] for r in rows]
        print(f"\nsignals of '{args.signals}' vs its page CER ({len(rows)} pages): Spearman rho, AUC for CER > X")
        print(f"{'signal':<16}{'rho':>7}" + "".join(f"{'AUC>' + str(x) + '%':>10}" for x in (3, 5, 10)))
        for key in sig[0]:
            s = [d[key] for d in sig]
            # orient so that a larger value means a worse page
            sign = 1 if spearman(s, y) >= 0 else -1
            line = f"{key:<16}{spearman(s, y):>7.2f}"
            for x in (0.03, 0.05, 0.10):
                line += f"{auc([sign * v for v in s], [c > x for c in y]):>10.2f}"
            print(line)
        if args.pages:
            for r, d in zip(rows, sig):
                print(f"  {r['item'].name[-40:]:<42}{100 * r['cer']:6.2f}  " + " ".join(
                    f"{k}={v:.3f}" for k, v in d.items()))
    return 0



# ----------------------------------------------------------------------------- analysis helpers (imported by
# the exploratory snippets in the report; not part of the pipeline)

def uncovered_ink(gray: Image.Image, raw: list[ocr.OcrWord]) -> float:
    """Share of the page's ink outside every word box: text Tesseract did not read (or stamps, rules)."""
    small = gray.reduce(2) if gray.width >= 4 else gray
    arr = np.asarray(small)
    ink = np.asarray(ocr.binarize(small)) == 0
    mask = np.zeros_like(ink)
    for w in raw:
        x0, y0 = max(0, w.left // 2 - 2), max(0, w.top // 2 - 2)
        x1, y1 = (w.left + w.width) // 2 + 2, (w.top + w.height) // 2 + 2
        mask[y0:y1, x0:x1] = True
    total = int(ink.sum())
    del arr
    return float((ink & ~mask).sum() / total) if total else 0.0


def lexicon_score(raw: list[ocr.OcrWord], lexicon: dict[str, float]) -> tuple[int, int]:
    """(letters in lexicon words, letters in other alphabetic words) over words of 3+ letters."""
    from pipeline.lexicon import WORD_RE, compound_parts, is_known

    known = other = 0
    for w in raw:
        for m in WORD_RE.finditer(w.text):
            core = m.group(0)
            if len(core) < 3:
                continue
            if is_known(lexicon, core) or compound_parts(lexicon, core):
                known += len(core)
            else:
                other += len(core)
    return known, other


TRIGGER = 2.0  # --trigger: pass B only where A's mean word confidence is below this (2 = always)


def pair_report(items: list[acc.Item], a_name: str, b_name: str, show: bool) -> None:
    from pipeline.config import Settings
    from pipeline.lexicon import load_lexicon

    lex = load_lexicon(str(Settings().models_dir))
    ra, rb = run_variant(a_name, items), run_variant(b_name, items)
    feats, rows = [], []
    for it, a, b in zip(items, ra, rb):
        img_a = VARIANTS[a_name](it)[0]
        img_a = ocr._gray(Image.open(img_a)) if isinstance(img_a, Path) else img_a
        f = signals(a["raw"], lex)
        f["uncovered_ink"] = uncovered_ink(img_a, a["raw"])
        ka, oa = lexicon_score(a["raw"], lex)
        kb, ob = lexicon_score(b["raw"], lex)
        mb = float(np.mean([w.conf for w in b["raw"]])) if b["raw"] else 0.0
        unc_b = uncovered_ink(img_a, b["raw"])
        choose = {
            "A": False, "B": True,
            "conf": mb > f["mean_conf"] + 0.02,
            "known": kb > ka,
            "net": kb - ob > ka - oa,
            "ink": unc_b < f["uncovered_ink"] - 0.05,
            "net|ink": (kb - ob > ka - oa) or unc_b < f["uncovered_ink"] - 0.3,
            "conf+guard": mb > f["mean_conf"] + 0.02 and kb >= 0.97 * ka and unc_b <= f["uncovered_ink"] + 0.05,
        }
        fire = not a["raw"] or f["mean_conf"] < TRIGGER
        choose = {k: (v and fire) if k != "A" else False for k, v in choose.items()}
        feats.append(f)
        rows.append((it, a["cer"], b["cer"], choose, (ka, oa, kb, ob, f["mean_conf"], mb, f["uncovered_ink"], unc_b)))
    print(f"\nA = {a_name}, B = {b_name} on {len(items)} pages")
    print(f"{'chooser':<10}{'mean CER':>10}{'real':>8}{'gen':>8}{'picks B':>9}{'>1pt worse than best':>22}")
    for key in rows[0][3]:
        cers = [b if ch[key] else a for _, a, b, ch, _ in rows]
        real = [c for c, r in zip(cers, rows) if r[0].collection in ("ehri", "fondue")]
        gen = [c for c, r in zip(cers, rows) if r[0].collection not in ("ehri", "fondue")]
        bad = sum(c > min(a, b) + 0.01 for c, (_, a, b, _, _) in zip(cers, rows))
        print(f"{key:<10}{100 * np.mean(cers):>9.2f}%{100 * np.mean(real):>7.2f}%"
              f"{100 * np.mean(gen) if gen else float('nan'):>7.2f}%{sum(r[3][key] for r in rows):>9}{bad:>22}")
    helps = [b < a - 0.01 for _, a, b, _, _ in rows]
    print(f"\nsignals of A vs 'B better by > 1 pt' ({sum(helps)} of {len(rows)} pages) and vs A's CER > 5 % / 10 %")
    print(f"{'signal':<16}{'rho(CER)':>9}{'AUC helps':>11}{'AUC >5%':>9}{'AUC >10%':>10}")
    ya = [a for _, a, _, _, _ in rows]
    for key in feats[0]:
        s = [d[key] for d in feats]
        rho = spearman(s, ya)
        sign = 1 if rho >= 0 else -1
        print(f"{key:<16}{rho:>9.2f}{auc([sign * v for v in s], helps):>11.2f}"
              f"{auc([sign * v for v in s], [c > 0.05 for c in ya]):>9.2f}"
              f"{auc([sign * v for v in s], [c > 0.10 for c in ya]):>10.2f}")
    if show:
        for (it, a, b, ch, x), f in zip(rows, feats):
            print(f"  {it.name[-38:]:<40}A {100 * a:6.2f} B {100 * b:6.2f}  known/other A {x[0]}/{x[1]} B {x[2]}/{x[3]}"
                  f"  conf {x[4]:.3f}/{x[5]:.3f}  unc {x[6]:.3f}/{x[7]:.3f} words {f['words']:.0f}")


if __name__ == "__main__":
    sys.exit(main())
