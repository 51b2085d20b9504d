"""Benchmark of the correction stage (not a timed test): speed, repairs, false corrections, CER.

    .venv/bin/python bench/correct_bench.py [--rounds 3] [--no-real] [--json out.json]

Corpora
- **clean**: true texts (samples/*.truth.json, corpus/correct_bench/*.truth.json if generated,
  the Karlsruhe council texts and the EHRI transcriptions in ../shared/data), fed to the
  corrector as OCR words with confidences drawn from real Tesseract output. Every change is a
  false correction of a correct word.
- **injected**: the same texts, plus sentences naming random cities of the whole gazetteer, with
  realistic OCR damage injected into names (cities, given names, surnames) and ordinary words:
  l/i/1/I, rn/m, cl/d, e/c, n/u, t/l, h/b, ß/B, umlauts invented and dropped, accents lost
  (é→e, ł→t), a letter lost; torn words ('No vember') and glued names ('OleksandrSymtschyschyn').
- **real**: real Tesseract output of the scanned samples (and of the EHRI scans), cached by
  bench/ocr_pages.py, against the true page text.

Measures: repair rate of damaged names (exactly restored), false corrections per 10,000 correct
words (a correct token changed), CER of the page text and of the names (truth spans mapped
through a character alignment) before and after, ms per 1,000-word page (cold: no cached plans;
warm: the process has seen the tokens before).
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rapidfuzz.distance import Levenshtein

from pipeline import layout
from pipeline.config import Settings
from pipeline.correct import CandidateIndex, CorrectionSettings, DocumentState, correct_page
from pipeline.correct.tokens import STRIP as _STRIP
from pipeline.gazetteer import load_gazetteer
from pipeline.lexicon import load_lexicon
from pipeline.records import Page, Word

DATA = ROOT.parent / "shared" / "data"
KARLSRUHE = DATA / "karlsruhe-oparl" / "docs" / "file-contents"
EHRI = DATA / "ehri-typewritten-de"
TRUTH_DIRS = [ROOT / "samples", ROOT / "corpus" / "correct_bench"]


# ------------------------------------------------------------------------------ texts

def _karlsruhe_texts() -> list[str]:
    out = []
    for p in sorted(KARLSRUHE.glob("*.txt")):
        raw = p.read_text(encoding="utf-8", errors="replace")
        # what the layout stage does: 'Fortschrei-' + 'bung', not 'Wohn-' + 'und'
        raw = re.sub(r"(\w)-[ \t]*\n\s*(?!(?:und|oder|bzw|sowie)\b)([a-zäöüß])", r"\1\2", raw)
        lines = [re.sub(r"\s+", " ", line).strip() for line in raw.splitlines()]
        out.append("\n".join(line for line in lines if line))
    return out


def _ehri_texts() -> list[str]:
    if not EHRI.exists():
        return []
    from evaluation.real import alto_text

    return [alto_text(p) for p in sorted(EHRI.glob("*.xml"))]


def _truths() -> list[dict]:
    out = []
    for d in TRUTH_DIRS:
        for p in sorted(d.glob("*.truth.json")):
            out.append(json.loads(p.read_text(encoding="utf-8")))
    return out


def _core(tok: str) -> str:
    return tok.strip(_STRIP)


# ------------------------------------------------------------------------------ pages from text

def page_from_text(text: str, confs: list[float], rng: random.Random, number: int = 1) -> Page:
    words = []
    for n, line in enumerate(text.split("\n")):
        x = 50.0
        for tok in line.split():
            words.append(Word(tok, (x, 100 + 12 * n, x + 5 * len(tok), 110 + 12 * n), rng.choice(confs), "ocr",
                              line=n))
            x += 5 * len(tok) + 4
    return Page(number, words, "ocr")


def correct_text_page(corrector: DocCorrector, page: Page) -> tuple[str, list]:
    page, rows = corrector.correct_page(page)
    return page.text, rows


# ------------------------------------------------------------------------------ scoring helpers

def norm_ws(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _cores(text: str) -> list[str]:
    return [c for c in (_core(t) for t in text.split()) if c]


def _aligned(tokens: list[str], truth: list[str]) -> set[int]:
    """Indexes of the tokens that the token-level alignment with the truth keeps unchanged."""
    good: set[int] = set()
    for op in Levenshtein.opcodes(tokens, truth):
        if op.tag == "equal":
            good.update(range(op.src_start, op.src_end))
    return good


def false_and_repaired(before: str, after: str, truth: str) -> dict:
    """Token level: correct tokens that the corrector changed (false), wrong tokens it made right."""
    b, a, t = _cores(before), _cores(after), _cores(truth)
    good_b, good_a = _aligned(b, t), _aligned(a, t)
    out = Counter()
    out["correct_words"] = sum(1 for i in good_b if any(ch.isalpha() for ch in b[i]))
    out["wrong_words"] = len(b) - len(good_b)
    for op in Levenshtein.opcodes(b, a):
        if op.tag == "equal":
            continue
        region = range(op.src_start, op.src_end)
        after_ok = all(j in good_a for j in range(op.dest_start, op.dest_end))
        n_good = sum(1 for i in region if i in good_b)
        if n_good and not after_ok:
            out["false"] += n_good
            out["false_examples"] = out.get("false_examples", 0)
        elif n_good == len(region) and after_ok and len(region):
            pass  # a correct token re-tokenised the same way
        elif after_ok:
            out["repaired"] += 1
        else:
            out["changed_still_wrong"] += 1
    return out


def false_examples(before: str, after: str, truth: str, limit: int = 20) -> list[tuple[str, str]]:
    b, a, t = _cores(before), _cores(after), _cores(truth)
    good_b, good_a = _aligned(b, t), _aligned(a, t)
    out = []
    for op in Levenshtein.opcodes(b, a):
        if op.tag != "equal" and any(i in good_b for i in range(op.src_start, op.src_end)) and \
                not all(j in good_a for j in range(op.dest_start, op.dest_end)):
            out.append((" ".join(b[op.src_start:op.src_end]), " ".join(a[op.dest_start:op.dest_end])))
    return out[:limit]


def _ws_map(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed text and, for each original offset, its offset in the collapsed text."""
    out, pos_map, prev_space = [], [], True
    for ch in text:
        if ch.isspace():
            pos_map.append(len(out))
            if not prev_space:
                out.append(" ")
            prev_space = True
        else:
            pos_map.append(len(out))
            out.append(ch)
            prev_space = False
    pos_map.append(len(out))
    s = "".join(out).rstrip()
    return s, [min(p, len(s)) for p in pos_map]


def span_cer(pred: str, truth: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Levenshtein distance and length of the true spans against the aligned part of pred."""
    tn, tmap = _ws_map(truth)
    pn = norm_ws(pred)
    ops = Levenshtein.opcodes(tn, pn)

    def to_pred(p: int, end: bool) -> int:
        for op in ops:
            if op.src_start <= p < op.src_end or (end and op.src_start < p <= op.src_end):
                if op.tag in ("equal", "replace"):
                    return min(op.dest_end, op.dest_start + (p - op.src_start))
                return op.dest_start if not end else op.dest_end
        return len(pn)

    dist = length = 0
    for s, e in spans:
        ts, te = tmap[s], tmap[e]
        if te <= ts:
            continue
        ps, pe = to_pred(ts, False), to_pred(te, True)
        dist += Levenshtein.distance(tn[ts:te], pn[ps:pe])
        length += te - ts
    return dist, length


# ------------------------------------------------------------------------------ damage model

# (from, to, weight): what Tesseract does to German and foreign names on hard scans
CONFUSIONS = [
    ("l", "i", 6), ("i", "l", 6), ("l", "1", 2), ("I", "l", 2), ("l", "I", 1), ("t", "l", 3),
    ("l", "t", 2), ("f", "t", 1), ("rn", "m", 3), ("m", "rn", 3), ("n", "u", 2), ("u", "n", 2), ("e", "c", 3),
    ("c", "e", 2), ("O", "0", 1), ("o", "0", 0.5), ("cl", "d", 1), ("d", "cl", 1), ("ü", "ii", 1),
    ("ß", "B", 1), ("h", "b", 1), ("b", "h", 0.5), ("a", "ä", 4), ("o", "ö", 4), ("u", "ü", 3),
    ("ä", "a", 3), ("ö", "o", 3), ("ü", "u", 3), ("é", "e", 3), ("è", "e", 2), ("á", "ä", 2), ("ł", "t", 2),
    ("ø", "o", 2), ("ř", "r", 2), ("š", "s", 2), ("ş", "s", 2), ("ç", "g", 1), ("ń", "n", 2), ("ś", "s", 2),
    ("a", "e", 1), ("e", "a", 1), ("o", "a", 1), ("y", "v", 1), ("w", "vv", 0.5), ("S", "5", 0.5),
]


def damage(word: str, rng: random.Random, edits: int = 1) -> str:
    """Apply realistic OCR confusions (or a lost letter) to a word; may return it unchanged."""
    w = word
    for _ in range(edits):
        options = [(a, b, wt) for a, b, wt in CONFUSIONS if a in w[1:] or (a in w and a.isupper())]
        if not options or rng.random() < 0.08:
            if len(w) > 4:
                i = rng.randrange(1, len(w) - 1)
                w = w[:i] + w[i + 1:]
            continue
        a, b, _ = rng.choices(options, weights=[o[2] for o in options])[0]
        spots = [i for i in range(len(w)) if w.startswith(a, i) and (i > 0 or a.isupper())]
        i = rng.choice(spots)
        w = w[:i] + b + w[i + len(a):]
    return w


_DEU = set("abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ")
_DEU_MAP = {"á": "ä", "à": "a", "ó": "ö", "ő": "ö", "ú": "ü", "ű": "ü", "ł": "t", "ø": "o", "Ø": "O"}


def deu_letters(word: str) -> str:
    """What Tesseract's German model makes of letters it does not know (seen on the samples:
    Procházka -> Prochäzka, Paweł -> Pawet, Élise -> Elise, Søren -> Seren)."""
    from pipeline.correct.model import fold_accents

    return "".join(c if c in _DEU or not c.isalpha() else _DEU_MAP.get(c, fold_accents(c)) for c in word)


def city_sentences(g, rng: random.Random, n: int) -> tuple[str, list[tuple[int, int, str]]]:
    """Sentences naming random cities of the whole gazetteer (German names); spans of the names."""
    pool = sorted({c.canonical for cs in g.cities.values() for c in cs
                   if (c.kind in ("curated", "exonym") or c.population >= 50_000 or
                       (c.country == "DE" and c.population >= 10_000))
                   and re.fullmatch(r"[A-Za-zÀ-ɏ' \-]+", c.canonical) and len(c.canonical) >= 4})
    frames = ["Die Delegation aus {} besuchte am Montag die Stadt {}.",
              "Der Rat beschließt die Partnerschaft mit {} und unterstützt {} mit Spenden.",
              "Eine Reise nach {} ist für den Herbst geplant; danach folgt {}.",
              "Der Oberbürgermeister von {} dankte der Stadtverwaltung in {} für die Hilfe."]
    lines, spans, pos = [], [], 0
    for _ in range(n):
        a, b = rng.sample(pool, 2)
        frame = rng.choice(frames)
        i = frame.index("{}")
        line = frame.format(a, b)
        s1 = pos + i
        s2 = pos + line.index(b, i + len(a))
        spans += [(s1, s1 + len(a), a), (s2, s2 + len(b), b)]
        lines.append(line)
        pos += len(line) + 1
    return "\n".join(lines), spans


def inject(text: str, names: list[tuple[int, int, str]], kinds: dict[str, str], rng: random.Random,
           word_rate: float, name_rate: float, tear_rate: float, glue_rate: float):
    """Damage a text. names: (start, end, kind) spans of true names. Returns the damaged text
    (lines kept) and a list of events (kind, true token(s), damaged token(s))."""
    name_at: dict[int, str] = {}
    for s, e, kind in names:
        for m in re.finditer(r"\S+", text[s:e]):
            name_at[s + m.start()] = kind
    out_lines, events = [], []
    pos = 0
    for line in text.split("\n"):
        toks = []
        spans = [(m.start() + pos, m.group(0)) for m in re.finditer(r"\S+", line)]
        k = 0
        while k < len(spans):
            start, tok = spans[k]
            pre, core, post = tok[:len(tok) - len(tok.lstrip(_STRIP))], _core(tok), ""
            post = tok[len(pre) + len(core):] if core else ""
            kind = name_at.get(start)
            if kind is None and core in kinds:
                kind = kinds[core]
            eligible = core.isalpha() and len(core) >= 4 and not core.isupper()
            nxt = spans[k + 1][1] if k + 1 < len(spans) else None
            r = rng.random()
            if kind == "given" and nxt and _core(nxt) == nxt and nxt[:1].isupper() and not post \
                    and r < glue_rate * 20 and _core(nxt).isalpha():
                toks.append(tok + nxt)
                events.append(("glued-name", f"{tok} {nxt}", tok + nxt))
                k += 2
                continue
            if eligible and r < tear_rate and len(core) >= 7:
                cut = rng.randrange(2, len(core) - 3)
                toks.append(pre + core[:cut] + " " + core[cut:] + post)
                events.append(("torn-name" if kind else "torn-word", tok, toks[-1]))
                k += 1
                continue
            if eligible and kind is None and nxt and not post and _core(nxt) == nxt and nxt.isalpha() and \
                    nxt.islower() and r < tear_rate + glue_rate:
                toks.append(tok + nxt)
                events.append(("glued-words", f"{tok} {nxt}", tok + nxt))
                k += 2
                continue
            rate = name_rate if kind else word_rate
            if eligible and rng.random() < rate:
                edits = 2 if len(core) >= 9 and rng.random() < 0.25 else 1
                bad = deu_letters(damage(core, rng, edits))
                if bad != core:
                    toks.append(pre + bad + post)
                    events.append((kind or "word", core, bad))
                    k += 1
                    continue
            toks.append(tok)
            k += 1
        out_lines.append(" ".join(toks))
        pos += len(line) + 1
    return "\n".join(out_lines), events


# ------------------------------------------------------------------------------ runs

class Bench:
    def __init__(self, settings: Settings) -> None:
        t0 = time.perf_counter()
        self.g = load_gazetteer(str(settings.models_dir))
        self.lex = load_lexicon(str(settings.models_dir))
        t1 = time.perf_counter()
        self.cs = CorrectionSettings.from_settings(settings)
        self.index = CandidateIndex.build(self.g, self.lex, self.cs)
        t2 = time.perf_counter()
        self.settings = settings
        self.load_s, self.index_s = t1 - t0, t2 - t1

    def corrector(self) -> DocCorrector:
        return DocCorrector(self)


class DocCorrector:
    """One document's correction as the pipeline runs it: its own state, the shared index."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.state = DocumentState()

    def correct_page(self, page: Page) -> tuple[Page, list]:
        b = self.bench
        return correct_page(page, self.state, b.index, b.cs, b.g.learned)

    def protected(self, core: str) -> bool:
        return self.bench.index.protected(core)


def ocr_conf_distribution(real) -> tuple[list[float], list[float]]:
    good, bad = [], []
    for truth, pages in real:
        tp = {p["page"]: p for p in truth["pages"]}
        for page in pages:
            if page.number not in tp:
                continue
            tset = Counter(_cores(tp[page.number]["text"]))
            for w in page.words:
                c = _core(w.text)
                if not c:
                    continue
                (good if tset.get(c) else bad).append(w.confidence)
    return good or [0.95], bad or [0.5]


def run_clean(bench: Bench, texts: dict[str, list[str]], confs: list[float], rng: random.Random) -> dict:
    out = {}
    for name, docs in texts.items():
        c = Counter()
        examples = []
        for text in docs:
            corr = bench.corrector()
            page = page_from_text(text, confs, rng)
            before = " ".join(w.text for w in page.words)
            after, rows = correct_text_page(corr, page)
            r = false_and_repaired(before, after, text)
            c["correct_words"] += r["correct_words"]
            c["false"] += r["false"]
            c["applied"] += sum(1 for x in rows if x.applied)
            c["suggested"] += sum(1 for x in rows if not x.applied)
            examples += false_examples(before, after, text, 10)
        c["examples"] = examples[:15]
        out[name] = c
    return out


def run_injected(bench: Bench, confs_good, confs_bad, rng: random.Random, rounds: int) -> dict:
    g = bench.g
    truths = _truths()
    given = g.given_names
    tot = Counter()
    by_kind: dict[str, Counter] = defaultdict(Counter)
    cer = Counter()
    fails: dict[str, list] = defaultdict(list)
    karlsruhe = _karlsruhe_texts()
    for rnd in range(rounds):
        docs = []
        for t in truths:
            for p in t["pages"]:
                names = []
                for e in t["entities"]:
                    if e["page"] != p["page"] or e["label"] not in ("CITY", "PERSON"):
                        continue
                    if e["label"] == "CITY":
                        names.append((e["start"], e["end"], "city"))
                    else:
                        for m in re.finditer(r"\S+", e["text"]):
                            tok = _core(m.group(0))
                            if tok in g.titles or m.group(0) in g.titles or tok + "." in g.titles:
                                continue
                            kind = "given" if tok in given else "surname"
                            names.append((e["start"] + m.start(), e["start"] + m.end(), kind))
                docs.append((p["text"], names))
        text, spans = city_sentences(g, rng, 60)
        docs.append((text, [(s, e, "city") for s, e, _ in spans]))
        for text in karlsruhe[:20]:
            docs.append((text, []))
        for text, names in docs:
            damaged, events = inject(text, names, {}, rng, word_rate=0.02, name_rate=0.5,
                                     tear_rate=0.004, glue_rate=0.004)
            page = page_from_text(damaged, confs_good, rng)
            bad_tokens = {b for _k, _t, b in events for b in b.split()}
            for w in page.words:
                if _core(w.text) in bad_tokens or w.text in bad_tokens:
                    w.confidence = rng.choice(confs_bad)
            before = " ".join(w.text for w in page.words)
            corr = bench.corrector()
            after, rows = correct_text_page(corr, page)
            after_cores = Counter(_cores(after))
            r = false_and_repaired(before, after, text)
            tot["correct_words"] += r["correct_words"]
            tot["false"] += r["false"]
            tot["applied"] += sum(1 for x in rows if x.applied)
            tot["suggested"] += sum(1 for x in rows if not x.applied)
            for kind, true, bad in events:
                by_kind[kind]["damaged"] += 1
                true_cores = _cores(true)
                ok = all(after_cores.get(c, 0) > 0 for c in true_cores) and \
                    not any(after_cores.get(b, 0) for b in _cores(bad) if b not in true_cores)
                # also: the damaged form is a real word or known name (unrepairable without context)
                if kind in ("city", "given", "surname", "word"):
                    unrepairable = corr.protected(_core(bad))
                    by_kind[kind]["looks_valid"] += unrepairable
                by_kind[kind]["repaired"] += ok
                if not ok and len(fails[kind]) < 500:
                    fails[kind].append((true, bad))
            for key, s in (("before", before), ("after", after)):
                d = Levenshtein.distance(norm_ws(s), norm_ws(text))
                cer[f"text_{key}_d"] += d
                dn, ln = span_cer(s, text, [(a, b) for a, b, _k in names])
                cer[f"name_{key}_d"] += dn
                if key == "before":
                    cer["text_len"] += len(norm_ws(text))
                    cer["name_len"] += ln
    return {"total": tot, "by_kind": by_kind, "cer": cer, "fails": fails}


def run_real(bench: Bench, real) -> dict:
    c = Counter()
    examples = {"false": [], "repaired": [], "names_missed": []}
    for truth, pages in real:
        tp = {p["page"]: p for p in truth["pages"]}
        corr = bench.corrector()
        for page0 in pages:
            if page0.number not in tp:
                continue
            t = tp[page0.number]
            truth_text = t["text"]
            page = copy.deepcopy(page0)
            before_page = copy.deepcopy(page0)
            layout.render(before_page)
            before = before_page.text
            after, rows = correct_text_page(corr, page)
            ehri = not truth.get("entities") and truth["file"].startswith("EHRI")
            key = "ehri" if ehri else "samples"
            c[f"{key}_pages"] += 1
            c[f"{key}_text_len"] += len(norm_ws(truth_text))
            c[f"{key}_before_d"] += Levenshtein.distance(norm_ws(before), norm_ws(truth_text))
            c[f"{key}_after_d"] += Levenshtein.distance(norm_ws(after), norm_ws(truth_text))
            # corrections judged against the true page's words (order-free: EHRI's order differs)
            bag = Counter(_cores(truth_text))
            before_bag = Counter(_cores(before))
            for x in rows:
                if not x.applied:
                    c[f"{key}_suggested"] += 1
                    continue
                c[f"{key}_applied"] += 1
                o, n = _cores(x.original), _cores(x.corrected)
                o_true = all(bag.get(w, 0) for w in o)
                n_true = all(bag.get(w, 0) for w in n)
                if o_true and not n_true:
                    c[f"{key}_false"] += 1
                    examples["false"].append((x.original, x.corrected))
                elif n_true and not o_true:
                    c[f"{key}_right"] += 1
                    examples["repaired"].append((x.original, x.corrected))
                else:
                    c[f"{key}_unclear"] += 1
            # correct words: true-page words OCR read right (multiset intersection)
            c[f"{key}_correct_words"] += sum((before_bag & bag).values())
            if ehri:
                continue
            spans = [(e["start"], e["end"]) for e in truth["entities"]
                     if e["label"] in ("CITY", "PERSON") and e["page"] == page0.number]
            for k2, s in (("before", before), ("after", after)):
                d, n = span_cer(s, truth_text, spans)
                c[f"name_{k2}_d"] += d
                if k2 == "before":
                    c["name_len"] += n
            # name occurrences: a damaged name is one OCR did not read; repaired when it is there after
            after_n = norm_ws(after)
            before_n = norm_ws(before)
            names = Counter()
            for e in truth["entities"]:
                if e["label"] in ("CITY", "PERSON") and e["page"] == page0.number:
                    for tok in e["text"].split():
                        tok = _core(tok)
                        if len(tok) >= 3 and tok not in bench.g.titles and tok + "." not in bench.g.titles:
                            names[tok] += 1
            for tok, n in names.items():
                pat = r"(?<!\w)" + re.escape(tok) + r"(?!\w)"
                nb = min(n, len(re.findall(pat, before_n)))
                na = min(n, len(re.findall(pat, after_n)))
                gaz = tok in bench.g.cities or tok in bench.g.given_names
                kind = "gaz" if gaz else "other"
                c[f"names_{kind}_total"] += n
                c[f"names_{kind}_damaged"] += n - nb
                c[f"names_{kind}_repaired"] += max(0, na - nb)
                c[f"names_{kind}_broken"] += max(0, nb - na)
                if na < n and len(examples["names_missed"]) < 40:
                    examples["names_missed"].append(tok)
    return {"counts": c, "examples": examples}


def _forget(bench: Bench) -> None:
    """Empty every cache the correction stage keeps, as in a fresh worker after the index build."""
    from pipeline import lexicon
    from pipeline.correct import tokens

    bench.index.clear_caches()
    lexicon._COMPOUND_CACHE.clear()
    tokens.split_affixes.cache_clear()
    tokens.read_digits.cache_clear()


def speed(bench: Bench, real, rng: random.Random, runs: int = 10) -> dict:
    """ms per 1,000-word page of real OCR words, cold (no cached plans) and warm."""
    words = [w for _t, pages in real for p in pages for w in p.words]
    if len(words) < 1000:
        words = words * (1000 // max(1, len(words)) + 1)
    pages = []
    for k in range(runs):
        start = (k * 997) % max(1, len(words) - 1000)
        pages.append(Page(1, copy.deepcopy(words[start:start + 1000]), "ocr"))
    cold, warm = [], []
    for p in pages:
        _forget(bench)
        q = copy.deepcopy(p)
        corr = bench.corrector()
        t = time.process_time()  # CPU time of this process: one core, whatever else runs
        corr.correct_page(q)
        cold.append((time.process_time() - t) * 1000)
        q = copy.deepcopy(p)
        corr = bench.corrector()
        t = time.process_time()
        corr.correct_page(q)
        warm.append((time.process_time() - t) * 1000)
    return {"cold_ms": statistics.median(cold), "warm_ms": statistics.median(warm),
            "cold_max_ms": max(cold), "words": 1000, "runs": runs}


def _pct(a: float, b: float) -> str:
    return f"{100 * a / b:.1f} %" if b else "–"


def _per10k(a: float, b: float) -> str:
    return f"{10000 * a / b:.2f}" if b else "–"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="rounds of injected damage (different seeds)")
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--no-real", action="store_true", help="skip real Tesseract output (needs OCR once)")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print examples of failures")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    bench = Bench(Settings())
    print(f"resources: lexicon+gazetteer {bench.load_s:.2f} s, correction index {bench.index_s:.2f} s "
          f"({len(bench.index.entries):,} targets)")
    real = []
    if not args.no_real:
        import ocr_pages

        dirs = [d for d in TRUTH_DIRS if d.exists()] + ([EHRI] if EHRI.exists() else [])
        real = ocr_pages.load(dirs)
    good, bad = ocr_conf_distribution(real) if real else ([0.95], [0.5])
    results: dict = {}

    sp = speed(bench, real, rng) if real else None
    results["speed"] = sp

    texts = {"samples truth": [p["text"] for t in _truths() for p in t["pages"]],
             "Karlsruhe council texts": _karlsruhe_texts(),
             "EHRI transcriptions": _ehri_texts()}
    clean = run_clean(bench, texts, good, rng)
    results["clean"] = {k: {kk: vv for kk, vv in v.items() if kk != "examples"} for k, v in clean.items()}
    inj = run_injected(bench, good, bad, rng, args.rounds)
    results["injected"] = {"total": dict(inj["total"]), "by_kind": {k: dict(v) for k, v in inj["by_kind"].items()},
                           "cer": dict(inj["cer"])}
    rr = run_real(bench, real) if real else None
    if rr:
        results["real"] = dict(rr["counts"])

    # ---------------------------------------------------------------- the table
    rows = []
    if sp:
        rows.append(("speed", "1,000-word OCR page, cold (no cached tokens)", f"{sp['cold_ms']:.1f} ms"))
        rows.append(("speed", "1,000-word OCR page, warm (tokens seen before)", f"{sp['warm_ms']:.1f} ms"))
    for name, c in clean.items():
        rows.append(("clean", f"{name}: false corrections / 10k correct words ({c['correct_words']:,} words)",
                     f"{_per10k(c['false'], c['correct_words'])} ({c['false']})"))
        rows.append(("clean", f"{name}: suggestions / 10k words", _per10k(c["suggested"], c["correct_words"])))
    bk = inj["by_kind"]
    gaz = Counter()
    for k in ("city", "given"):
        gaz.update(bk.get(k, Counter()))
    rows.append(("injected", f"gazetteer names repaired (cities + given names, {gaz['damaged']} damaged)",
                 _pct(gaz["repaired"], gaz["damaged"])))
    rows.append(("injected", "  of those whose damage is not itself a valid word/name",
                 _pct(gaz["repaired"] - 0, gaz["damaged"] - gaz["looks_valid"]) if gaz["looks_valid"] else
                 _pct(gaz["repaired"], gaz["damaged"])))
    for k in ("city", "given", "surname", "word", "glued-name", "torn-word", "torn-name", "glued-words"):
        if k in bk:
            rows.append(("injected", (f"  {k}: repaired ({bk[k]['damaged']} damaged, "
                                      f"{bk[k].get('looks_valid', 0)} look valid)"),
                         _pct(bk[k]["repaired"], bk[k]["damaged"])))
    t = inj["total"]
    rows.append(("injected", f"false corrections / 10k correct words ({t['correct_words']:,} words)",
                 f"{_per10k(t['false'], t['correct_words'])} ({t['false']})"))
    ce = inj["cer"]
    rows.append(("injected", "text CER before -> after",
                 f"{_pct(ce['text_before_d'], ce['text_len'])} -> {_pct(ce['text_after_d'], ce['text_len'])}"))
    rows.append(("injected", "name CER before -> after",
                 f"{_pct(ce['name_before_d'], ce['name_len'])} -> {_pct(ce['name_after_d'], ce['name_len'])}"))
    if rr:
        c = rr["counts"]
        rows.append(("real", f"samples: {c['samples_pages']} scanned pages, text CER before -> after",
                     (f"{_pct(c['samples_before_d'], c['samples_text_len'])} -> "
                      f"{_pct(c['samples_after_d'], c['samples_text_len'])}")))
        rows.append(("real", "samples: name CER before -> after",
                     f"{_pct(c['name_before_d'], c['name_len'])} -> {_pct(c['name_after_d'], c['name_len'])}"))
        rows.append(("real", (f"samples: gazetteer name occurrences damaged by OCR / repaired "
                              f"(of {c['names_gaz_total']})"),
                     f"{c['names_gaz_damaged']} / {c['names_gaz_repaired']} (broken {c['names_gaz_broken']})"))
        rows.append(("real", f"samples: other name words (surnames) damaged / repaired (of {c['names_other_total']})",
                     f"{c['names_other_damaged']} / {c['names_other_repaired']} (broken {c['names_other_broken']})"))
        for key in ("samples", "ehri"):
            if c[f"{key}_pages"]:
                rows.append(("real", (f"{key}: applied {c[f'{key}_applied']}: right {c[f'{key}_right']}, "
                                      f"false {c[f'{key}_false']}, unclear {c[f'{key}_unclear']}; suggested "
                                      f"{c[f'{key}_suggested']}"),
                             f"{_per10k(c[f'{key}_false'], c[f'{key}_correct_words'])} false / 10k"))
        if c["ehri_pages"]:
            rows.append(("real", f"EHRI: {c['ehri_pages']} real typewritten pages, CER before -> after",
                         (f"{_pct(c['ehri_before_d'], c['ehri_text_len'])} -> "
                          f"{_pct(c['ehri_after_d'], c['ehri_text_len'])}")))
    w1 = max(len(r[1]) for r in rows)
    print(f"\n{'corpus':<9} {'measure':<{w1}}  value")
    print("-" * (w1 + 28))
    for a, b, v in rows:
        print(f"{a:<9} {b:<{w1}}  {v}")
    if args.verbose:
        print("\nfalse corrections on clean text:")
        for name, c in clean.items():
            for ex in c["examples"]:
                print(f"  [{name}] {ex[0]!r} -> {ex[1]!r}")
        print("\ninjected damage not repaired:")
        for k, v in inj["fails"].items():
            print(f"  {k}: " + ", ".join(f"{a}->{b}" for a, b in v[:12]))
        if rr:
            print("\nreal OCR: false:", rr["examples"]["false"][:30])
            print("real OCR: repaired:", rr["examples"]["repaired"][:60])
            print("real OCR: names still missing:", rr["examples"]["names_missed"])
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
