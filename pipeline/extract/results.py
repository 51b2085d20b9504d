"""The recorded result of a council decision: category, votes, unanimity and the committee of a referral.

Karlsruhe protocols print the result under "Abstimmungsergebnis:" in many wordings ("Einstimmige
Zustimmung (45 JA-Stimmen)", "Bei 35 Ja-Stimmen und 12 Nein-Stimmen mehrheitlich zugestimmt",
"Keine Abstimmung" with the outcome only in the Beschluss text or the debate). What is pure form
(numbers, "einstimmig", labelled parts such as "Ziffer 1:") is read by rules here; the category is
decided by a logistic-regression model (``models/results/model.json``, trained by
``scripts/train_results.py`` on the train split only) over character n-grams of the statement and the
Beschluss text, words of the debate and the rule readings as features. The model is plain data
(weights per feature), so loading it runs no code and needs no scikit-learn.

Every function is pure and works on OCR text too: matching runs on a length-preserving fold
(lower case, umlauts dropped, ``l``/``1``/``I`` and ``O``/``0`` repaired by context), so spans still
point into the text given.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

CATEGORIES = ("zustimmung", "ablehnung", "kenntnisnahme", "verweisung", "vertagung")
MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "results" / "model.json"

# ---------------------------------------------------------------------------------------------
# folding: same length as the input, so a match in the fold is a span in the original
_CHAR_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s", "é": "e", "—": "-", "–": "-",
                            "\u00ad": "-", "’": "'", "‘": "'"})
_NUM_TOKEN = re.compile(r"(?<![a-z\d])[\doil|]{1,4}(?![a-z\d])")
_SINGLE_ONE = re.compile(r"(?<![a-z\d])[il|](?=\s*-?\s*(?:nein|ja\b|enthaltung|gegenstim|stimme\b))")


def fold(text: str) -> str:
    """Lower-cased, umlaut-free text of the same length, with OCR letter/digit confusions repaired."""
    out = list(text)
    for i, ch in enumerate(text):
        # a capital I inside a lower-case word is an l ("AbIehnung"); so are 1 | ! between letters
        if ch in "I1|!" and 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i - 1].islower() \
                and text[i + 1].isalpha():
            out[i] = "l"
        elif ch in "0O" and 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha() \
                and text[i - 1].islower():
            out[i] = "o"
    s = "".join(out).lower()
    if len(s) != len(text):  # some code points change length when lower-cased (İ); keep alignment
        s = "".join(c.lower() if len(c.lower()) == 1 else c for c in "".join(out))
    s = s.translate(_CHAR_FOLD)

    def digits(m: re.Match) -> str:
        tok = m.group(0)
        if not any(c.isdigit() for c in tok):
            return tok
        return tok.replace("o", "0").replace("i", "1").replace("l", "1").replace("|", "1")

    s = _NUM_TOKEN.sub(digits, s)
    return _SINGLE_ONE.sub("1", s)


# ---------------------------------------------------------------------------------------------
# votes
_NUMBER_WORDS = {"ein": 1, "eine": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5,
                 "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwolf": 12}
_NUM = r"(?<![\d:.,/])(?P<n>\d{1,3}|ein(?:e[rm]?)?|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|elf|zwolf)"
_ST = r"stim(?:m|rn)"
_YES = re.compile(_NUM + r"\s*-?\s*(?:ja\b|dafur\b|fur-?\s*" + _ST + r"|pro-?\s*" + _ST + r")")
_YES_B = re.compile(_NUM + r"\s+" + _ST + r"en\s+dafur\b")
_NO = re.compile(_NUM + r"\s*-?\s*(?:nein\b|gegen" + _ST + r"e?n?\b)")
_NO_B = re.compile(_NUM + r"\s+" + _ST + r"en\s+dagegen\b")
_ABST = re.compile(_NUM + r"\s*-?\s*(?:" + _ST + r")?enthaltung(?:en)?\b")
_TRIPLE = re.compile(r"(?<![\d:.,/])(\d{1,3})\s*:\s*(\d{1,3})\s*:\s*(\d{1,3})(?![\d:])(?!\s*uhr)")
_PAIR = re.compile(r"(?<![\d:.,/])(\d{1,3})\s*:\s*(\d{1,3})(?![\d:])\s+" + _ST)
_UNANIMOUS = re.compile(r"\beinst[il](?:m|rn){1,2}(?:ig|e)\w*|\beinhellig\w*|\bohne\s+gegen" + _ST)
_MAJORITY = re.compile(r"\bmehrheit\w*|\bgegen" + _ST)


@dataclass(frozen=True)
class Votes:
    yes: Optional[int] = None
    no: Optional[int] = None
    abstain: Optional[int] = None
    unanimous: Optional[bool] = None
    start: Optional[int] = None  # span of the printed numbers, into the text given
    end: Optional[int] = None

    @property
    def printed(self) -> bool:
        return self.yes is not None or self.no is not None or self.abstain is not None


def _num(tok: str) -> int:
    return int(tok) if tok.isdigit() else _NUMBER_WORDS[tok]


def parse_votes(text: str) -> Votes:
    """Printed vote counts and unanimity of one result statement (no counts are invented)."""
    f = fold(text)
    spans: list[tuple[int, int]] = []
    yes = no = abst = None
    m = _TRIPLE.search(f)
    if m:
        yes, no, abst = (int(m.group(i)) for i in (1, 2, 3))
        spans.append(m.span())
    else:
        p = _PAIR.search(f)
        if p:
            yes, no = int(p.group(1)), int(p.group(2))
            spans.append(p.span())
        for pats, slot in (((_YES, _YES_B), "yes"), ((_NO, _NO_B), "no"), ((_ABST,), "abst")):
            for pat in pats:
                mm = pat.search(f)
                if mm is None:
                    continue
                tok = mm.group("n")
                # a bare "eine"/"ein" only counts next to a vote word that needs a count ("eine Enthaltung")
                val = _num(tok)
                if slot == "yes" and yes is None:
                    yes = val
                elif slot == "no" and no is None:
                    no = val
                elif slot == "abst" and abst is None:
                    abst = val
                spans.append(mm.span())
                break
    unanimous: Optional[bool] = None
    if _UNANIMOUS.search(f):
        unanimous = True
    elif _MAJORITY.search(f) or (no is not None and no > 0):
        unanimous = False
    start = min(s for s, _ in spans) if spans else None
    end = max(e for _, e in spans) if spans else None
    return Votes(yes, no, abst, unanimous, start, end)


# ---------------------------------------------------------------------------------------------
# the wording of a result, read by rules (used as a feature and as the fallback without a model)
_RULES: list[tuple[str, re.Pattern]] = [
    ("vertagung", re.compile(r"\bvertag\w*|\bzuruckgestellt|\bzuruckstell\w*|\babgesetzt|\babsetzung\b|"
                             r"\bverschoben\b")),
    ("verweisung", re.compile(r"\bverwies\w*|\bverweis(?:ung|en|t)\b|\buberwies\w*|\buberweisung\w*|"
                              r"\bverweisungsantrag")),
    ("ablehnung", re.compile(r"\babgelehnt\w*|\bablehnung\w*|\blehnt\b[^.]{0,80}\bab\b")),
    ("kenntnisnahme", re.compile(r"\bkenntnis\w*|\bzur\s+kenntnis")),
    ("zustimmung", re.compile(r"\bzuge(?:s|5)tim(?:m|rn)t\w*|\bzu(?:s|5)tim(?:m|rn)ung\w*|\bbeschlossen\b|"
                              r"\bangenommen\b|\beinverstanden\b|\beinverstandnis\b|\bstim(?:m|rn)t\b[^.]{0,80}\bzu\b|"
                              r"\bbeschliesst\b|\bbeschlie(?:s|ss)t\b|\bgenehmigt\b|\bbestatigt\b|\bgewahlt\b")),
]
_NO_VOTE = re.compile(r"\bkeine\s+ab(?:s|5)tim(?:m|rn)ung\b|\bohne\s+ab(?:s|5)tim(?:m|rn)ung\b|\berledigt\b")
_ANTRAG_SIDE = re.compile(r"anderungsantrag|erganzungsantrag|zusatzantrag|\bantrag\b|gegenantrag|"
                          r"geschaftsordnungsantrag|\bgo-antrag")
_PROCEDURAL = re.compile(r"verweisung|verweisungsantrag|vertagung|absetzung|zuruckstellung")


def rule_category(text: str) -> Optional[str]:
    """Category a result wording states outright, or None ('Keine Abstimmung', nothing recognisable)."""
    f = fold(text)
    hits = []
    for cat, pat in _RULES:
        m = pat.search(f)
        if m:
            hits.append((cat, m.start()))
    if not hits:
        return None
    cats = {c for c, _ in hits}
    # "Verweisungsantrag: mehrheitliche Zustimmung" is a referral; "Absetzung ... abgelehnt" is not
    if "verweisung" in cats and not ("ablehnung" in cats and re.search(r"antrag", f)):
        return "verweisung"
    if "vertagung" in cats and "ablehnung" not in cats:
        return "vertagung"
    cats.discard("vertagung")
    cats.discard("verweisung")
    if not cats:
        return None
    # the first stated category wins ("Mehrheitliche Ablehnung ... zugestimmt" does not occur; order
    # of statement is the order of the record)
    return min((pos, c) for c, pos in hits if c in cats)[1]


# ---------------------------------------------------------------------------------------------
# committees of a referral
_COMMITTEE = (r"(?:[A-ZÄÖÜ][\wäöüß]*-\s*(?:und|u\.)\s+)?[A-ZÄÖÜ][\wäöüß-]*?"
              r"(?:ausschuss|ausschuß|beirat|kommission|gremium|gemeinderat|ortschaftsrat|ältestenrat|Ausschuss)"
              r"(?:\s+(?:für|Eigenbetrieb)(?:\s+(?!verwies|verweis|überwies|zur\b|am\b|vom\b|im\b|keine\b|ohne\b|"
              r"mit\b|nach\b|und\s+(?:dann|die|der|den)\b)[\wäöüßÄÖÜ-]+){1,6})?")
_REFER_PATTERNS = [
    re.compile(r"(?i:verwie(?:s|sen)\w*|verweis(?:ung|en|t)|überwie(?:s|sen)\w*|überweisung)\s+"
               r"(?i:in|an)\s+(?:(?i:den|das|die)\s+)?(?:[a-zäöü]+en\s+)?(?P<c>" + _COMMITTEE + ")"),
    re.compile(r"\b(?i:in|an)\s+(?i:den|das|die)\s+(?:[a-zäöü]+en\s+)?(?P<c>" + _COMMITTEE + r")\s+"
               r"(?:(?i:zur|zu)\s+\w+\s+)?(?i:verwiesen|verweisen|überwiesen|zu\s+verweisen|vertagen)"),
    re.compile(r"(?i:Beratung|Behandlung|Weiterbehandlung|Vorberatung|Verweisung)\s+(?i:im|in\s+den)\s+"
               r"(?P<c>" + _COMMITTEE + ")"),
]


def _dehyphenate(text: str) -> str:
    text = re.sub(r"(?<=[a-zäöüß])-\s*\n\s*(?=[a-zäöüß])", "", text)
    return re.sub(r"\s+", " ", text)


def find_referral(*texts: Optional[str]) -> Optional[str]:
    """The committee a matter was referred to, from the first text that names one."""
    for text in texts:
        if not text:
            continue
        flat = _dehyphenate(text)
        best = None
        for pat in _REFER_PATTERNS:
            m = pat.search(flat)
            if m and (best is None or m.start() < best.start()):
                best = m
        if best:
            name = re.sub(r"\s+(?:und|u\.)$", "", best.group("c").strip(" -"))
            return name
    return None


# ---------------------------------------------------------------------------------------------
# parts of a statement: "Beschlussvorlage: …", "Änderungsantrag GRÜNE: …", "Ziffer 1 a): …", "TOP 10.1: …"
_LABEL = re.compile(
    r"(?:(?<=\n)|^|(?<=[.)]\s))[ \t]*(?P<label>(?:(?:mundliche[rs]?|unveranderte|geanderte|gemeinsame[rs]?)\s+)?"
    r"(?:beschlus+vorlage|beschlus+antrag|beschlus+vorschlag|anderungsantrag|erganzungsantrag|zusatzantrag|"
    r"verweisungsantrag|gegenantrag|antrag|vorlage|ziffer|ziff\.|punkt|nr\.|top|tagesordnungspunkt|teil|"
    r"abschnitt|buchstabe)\b[^:\n]{0,60}?)\s*:(?!\d)")


@dataclass(frozen=True)
class Part:
    label: Optional[str]  # as printed, e.g. "Änderungsantrag GRÜNE"; None for an unlabelled statement
    start: int
    end: int
    text: str


def statement_parts(statement: str) -> list[Part]:
    """Split a result statement into its labelled parts (one part if it has no labels)."""
    f = fold(statement)
    heads = [m for m in _LABEL.finditer(f)]
    if not heads:
        s = len(statement) - len(statement.lstrip())
        return [Part(None, s, len(statement.rstrip()), _flat(statement))] if statement.strip() else []
    parts = []
    first = heads[0].start("label")
    if statement[:first].strip():  # an unlabelled result before the first label ("Bei 26 Ja … Antrag AfD: …")
        s = len(statement) - len(statement.lstrip())
        parts.append(Part(None, s, first, _flat(statement[:first])))
    for i, m in enumerate(heads):
        end = heads[i + 1].start("label") if i + 1 < len(heads) else len(statement)
        body = statement[m.end():end]
        label = _flat(statement[m.start("label"):m.end("label")])
        parts.append(Part(label, m.start("label"), m.start("label") + len(statement[m.start("label"):end].rstrip()),
                          _flat(body)))
    return parts


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"(?<=[a-zäöüß])-\s*\n\s*(?=[a-zäöüß])", "", text)).strip()


def _label_kind(label: Optional[str]) -> str:
    """'main' (the proposal itself), 'item' (TOP n), 'point' (Ziffer n), 'motion' (a party's motion)."""
    if not label:
        return "main"
    f = fold(label)
    if re.match(r"\s*(?:top|tagesordnungspunkt)\b", f):
        return "item"
    if re.match(r"\s*(?:ziffer|ziff\.|punkt|nr\.|teil|abschnitt|buchstabe)\b", f) or re.search(r"\bziffer\b", f):
        return "point"
    if _PROCEDURAL.search(f):
        return "procedural"
    if _ANTRAG_SIDE.search(f) and not re.search(r"beschlus+", f):
        return "motion"
    return "main"


def _label_number(label: Optional[str]) -> Optional[str]:
    m = re.search(r"(\d{1,3}(?:\.\d{1,2})*)", fold(label or ""))
    return m.group(1) if m else None


# ---------------------------------------------------------------------------------------------
# the model
@dataclass
class ResultModel:
    """Multinomial logistic regression over named features, with a temperature for calibration."""
    classes: list[str]
    intercept: list[float]
    weights: dict[str, list[float]]
    temperature: float = 1.0
    config: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> "ResultModel":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["classes"], data["intercept"], data["weights"], data.get("temperature", 1.0),
                   data.get("config", {}))

    def predict_proba(self, feats: dict[str, float]) -> dict[str, float]:
        scores = list(self.intercept)
        for name, val in feats.items():
            w = self.weights.get(name)
            if w is not None:
                for k in range(len(scores)):
                    scores[k] += val * w[k]
        t = self.temperature or 1.0
        top = max(scores)
        exps = [math.exp((s - top) / t) for s in scores]
        z = sum(exps)
        return {c: e / z for c, e in zip(self.classes, exps)}


@lru_cache(maxsize=4)
def _cached_model(path: str) -> Optional[ResultModel]:
    p = Path(path)
    return ResultModel.load(p) if p.exists() else None


def default_model() -> Optional[ResultModel]:
    """The trained model under models/results/, or None if it has not been built."""
    return _cached_model(str(MODEL_PATH))


def norm_for_features(text: str) -> str:
    """Lossy normal form for n-grams: OCR variants and inflections collapse onto one spelling."""
    t = fold(text)
    t = re.sub(r"-\s*\n\s*", "", t)
    t = t.replace("rn", "m").replace("ii", "u")
    t = re.sub(r"\d", "0", t)
    t = re.sub(r"[^a-z0]+", " ", t)
    return " " + re.sub(r"\s+", " ", t).strip() + " "


def _char_ngrams(text: str, prefix: str, lo: int = 3, hi: int = 5) -> dict[str, float]:
    counts: dict[str, float] = {}
    for word in text.split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            for i in range(0, max(0, len(w) - n) + 1):
                g = w[i:i + n]
                if len(g) == n:
                    counts[prefix + g] = counts.get(prefix + g, 0.0) + 1.0
    return _l2(counts)


def _words(text: str, prefix: str) -> dict[str, float]:
    toks = [t for t in text.split() if len(t) > 1]
    counts: dict[str, float] = {}
    for i, t in enumerate(toks):
        counts[prefix + t] = counts.get(prefix + t, 0.0) + 1.0
        if i + 1 < len(toks):
            b = prefix + t + "_" + toks[i + 1]
            counts[b] = counts.get(b, 0.0) + 1.0
    return _l2(counts)


def _l2(counts: dict[str, float]) -> dict[str, float]:
    n = math.sqrt(sum(v * v for v in counts.values()))
    return {k: v / n for k, v in counts.items()} if n else {}


def features(statement: str, beschluss: str = "", context: str = "", *, rule: Optional[str] = None,
             votes: Optional[Votes] = None) -> dict[str, float]:
    """Features of one decision for the category model (the same code at training and at run time)."""
    feats: dict[str, float] = {}
    s = norm_for_features(statement[:400])
    b = norm_for_features(beschluss[:500])
    head, tail = context[:600], (context[600:][-700:] if len(context) > 600 else "")
    feats.update(_char_ngrams(s, "s:"))
    feats.update(_char_ngrams(b, "b:"))
    feats.update(_words(norm_for_features(head), "c:"))
    feats.update(_words(norm_for_features(tail), "e:"))
    votes = votes if votes is not None else parse_votes(statement)
    rs = rule if rule is not None else rule_category(statement)
    feats[f"rule_s={rs}"] = 1.0
    feats[f"rule_b={rule_category(beschluss[:500]) if beschluss.strip() else 'empty'}"] = 1.0
    feats[f"rule_c={rule_category(head) if head.strip() else 'empty'}"] = 0.5
    feats[f"rule_e={rule_category(tail) if tail.strip() else 'empty'}"] = 0.5
    fs = fold(statement)
    if _NO_VOTE.search(fs):
        feats["no_vote"] = 1.0
    if not statement.strip():
        feats["no_statement"] = 1.0
    if votes.printed:
        feats["votes_printed"] = 1.0
    if votes.unanimous is True:
        feats["unanimous"] = 1.0
    elif votes.unanimous is False:
        feats["majority"] = 1.0
    if votes.yes is not None and votes.no is not None:
        feats["yes>no" if votes.yes > votes.no else "yes<=no"] = 1.0
    feats["bias_const"] = 1.0
    return feats


# ---------------------------------------------------------------------------------------------
@dataclass
class ResultInfo:
    """The recorded result of one decision (or of one separately voted part of it)."""
    result: Optional[str]  # zustimmung | ablehnung | kenntnisnahme | verweisung | vertagung | None
    votes_yes: Optional[int]
    votes_no: Optional[int]
    votes_abstain: Optional[int]
    unanimous: Optional[bool]
    referred_to: Optional[str]
    start: int  # span of the statement in the text given
    end: int
    confidence: float
    text: str = ""  # the statement, whitespace-normalised
    label: Optional[str] = None  # the part label as printed ("Ziffer 1", "Änderungsantrag GRÜNE")
    kind: str = "main"  # main | item | point | motion | procedural
    rule_result: Optional[str] = None  # what the wording alone says
    probabilities: dict[str, float] = field(default_factory=dict)
    source: str = "model"  # model | rule | none
    # what the model saw (statement, Beschluss head, debate head and tail): for training and error lists
    inputs: tuple[str, str, str] = field(default=("", "", ""), repr=False, compare=False)


_AE_HEAD = re.compile(r"(?:^|\n)[ \t]*(?P<h>ab(?:s|5)tim(?:m|rn)ungs(?:-\s*)?ergebni(?:s|5)+e?)"
                      r"(?:[ \t]+(?P<lab>[^:\n]{1,40}?)[ \t]*:|[ \t]*[:;.]?)")
_STOP_LINE = re.compile(r"^[ \t]*(?:der|die)\s+vorsitzende\b|^[ \t]*(?:stadtrat|stadtratin|stadtrate|ortschaftsrat"
                        r"|burgermeister\w*|oberburgermeister\w*)\b|^[ \t]*zur\s+beurkundung|^[ \t]*-\s*\d+\s*-\s*$|"
                        r"^[ \t]*ab(?:s|5)tim(?:m|rn)ungsergebni|^[ \t]*beschlus(?:s|5)\s*[:;]", re.M)


@dataclass(frozen=True)
class StatementSpan:
    head: int  # where the 'Abstimmungsergebnis' heading starts
    start: int  # the statement after it
    end: int
    label: Optional[str]  # "Änderungsantrag" in "Abstimmungsergebnis Änderungsantrag:"


def statement_spans(text: str) -> list[StatementSpan]:
    """Every 'Abstimmungsergebnis' statement of a page, in order."""
    out: list[StatementSpan] = []
    pos = 0
    while True:
        sp = statement_span(text, pos)
        if sp is None:
            return out
        out.append(sp)
        pos = max(sp.end, sp.start, pos + 1)


def statement_span(text: str, start: int = 0) -> Optional[StatementSpan]:
    """The statement after the first 'Abstimmungsergebnis' heading at or after `start`."""
    f = fold(text)
    m = _AE_HEAD.search(f, start)
    if not m:
        return None
    lab = (text[m.start("lab"):m.end("lab")].strip() or None) if m.group("lab") else None
    s = m.end()
    # the statement runs to the first blank line after content, a speaker line or the next heading
    seen = False
    end = s
    for line in re.finditer(r"[^\n]*(?:\n|$)", text[s:]):
        ls, le = s + line.start(), s + line.end()
        if ls >= len(text) or ls == le:
            break
        if not text[ls:le].strip():
            if seen:
                break
            continue
        if _STOP_LINE.match(f[ls:le]):
            break
        seen = True
        end = ls + len(text[ls:le].rstrip())
        if end - s > 1200:
            break
    if seen:
        s += len(text[s:end]) - len(text[s:end].lstrip())
    head = m.start("h") - (len(text[:m.start("h")]) - len(text[:m.start("h")].rstrip(" \t")))
    return StatementSpan(head, s, end if seen else s, lab)


def _info(part: Part, offset: int, beschluss: str, context: str, model: Optional[ResultModel],
          statement_for_model: Optional[str] = None, rule_override: Optional[str] = None) -> ResultInfo:
    votes = parse_votes(part.text)
    kind = _label_kind(part.label)
    rule = rule_override if rule_override is not None else rule_category(part.text)
    if kind == "procedural" and rule == "zustimmung":
        rule = rule_category(part.label or "") or rule  # "Verweisungsantrag: … Zustimmung" is a referral
    probs: dict[str, float] = {}
    source = "rule"
    result = rule
    conf = 0.9 if rule else 0.0
    if rule is None and model is None and part.label is None:
        # 'Keine Abstimmung': the Beschluss text ("Kenntnisnahme", "Verwiesen in …") or the debate says it
        result = rule_category(beschluss[:1500]) or (rule_category(context) if _context_has_result(context) else None)
        conf = 0.6 if result else 0.0
    st = statement_for_model if statement_for_model is not None else \
        (f"{part.label}: {part.text}" if part.label else part.text)
    ctx = context if len(context) <= 1300 else context[:600] + "\n" + context[-700:]
    if model is not None:
        probs = model.predict_proba(features(st, beschluss, ctx, rule=rule, votes=parse_votes(st)))
        best = max(probs, key=probs.get)
        result, conf, source = best, probs[best], "model"
    elif result is None:
        conf, source = 0.0, "none"
    referred = None
    if result == "verweisung":
        referred = find_referral(part.text, beschluss, context)
    return ResultInfo(result, votes.yes, votes.no, votes.abstain, votes.unanimous, referred, offset + part.start,
                      offset + part.end, round(conf, 4), part.text, part.label, kind, rule,
                      {k: round(v, 4) for k, v in probs.items()}, source, (st, beschluss[:500], ctx))


def parse_results(text: str, *, beschluss: Optional[str] = None, context: Optional[str] = None,
                  item: Optional[str] = None, model: Optional[ResultModel] | bool = True) -> list[ResultInfo]:
    """Every result in `text`: one per separately voted part. `text` is either a whole protocol page
    (its 'Abstimmungsergebnis:' blocks are found) or just a result statement."""
    mdl = default_model() if model is True else (model or None)
    spans = statement_spans(text)
    if not spans:
        head = _BESCHLUSS_HEAD.search(fold(text))
        if head or len(text) > 600 or (beschluss is None and context is None and _STOP_LINE.search(fold(text))):
            # a page without a printed statement: its Beschluss block and debate are the only evidence
            b = beschluss if beschluss is not None else (beschluss_block(text, head.end()) if head else "")
            c = context if context is not None else text[head.end() + len(b) if head else 0:]
            return _statement_results("", 0, None, b, c, item, mdl)
        return _statement_results(text, 0, None, beschluss or "", context or "", item, mdl)
    out: list[ResultInfo] = []
    prev_end = 0
    for i, sp in enumerate(spans):
        # on a page: the Beschluss block before the heading and the debate after it are the evidence
        b = beschluss if beschluss is not None else beschluss_before(text, prev_end, sp.head)
        nxt = spans[i + 1].head if i + 1 < len(spans) else len(text)
        c = context if context is not None else text[sp.end:nxt]
        out.extend(_statement_results(text[sp.start:sp.end], sp.start, sp.label, b, c, item, mdl))
        prev_end = sp.end
    return out


_BESCHLUSS_HEAD = re.compile(r"(?:^|\n)[ \t]*(?P<h>b[ec]sch[l1i|]u(?:s|5){1,2}e?)(?![a-z\d])[ \t]*[:;.]?[ \t]*")


def beschluss_block(text: str, start: int) -> str:
    """A Beschluss block with no 'Abstimmungsergebnis' after it: up to the first speaker line."""
    m = _STOP_LINE.search(fold(text), start)
    return text[start:m.start() if m else len(text)].strip()


def beschluss_before(text: str, lo: int, hi: int) -> str:
    """Text of the last 'Beschluss:' block in text[lo:hi] (empty if there is none)."""
    f = fold(text[:hi])
    last = None
    for m in _BESCHLUSS_HEAD.finditer(f, lo):
        last = m
    return text[last.end():hi].strip() if last else ""


def _statement_results(statement: str, offset: int, head_label: Optional[str], beschluss: str, context: str,
                       item: Optional[str], model: Optional[ResultModel]) -> list[ResultInfo]:
    parts = statement_parts(statement)
    if not parts:
        if not (beschluss.strip() or context.strip()):
            return []
        # no statement printed: the Beschluss text and the debate carry the result, if anything does
        rule = rule_category(beschluss) or (rule_category(context) if _context_has_result(context) else None)
        if rule is None and not (beschluss.strip() and model is not None):
            return []
        part = Part(None, 0, 0, "")
        return [_info(part, offset, beschluss, context, model, rule_override=rule)]
    if head_label:
        parts = [Part(p.label or head_label, p.start, p.end, p.text) for p in parts]
    if len(parts) == 1:
        return [_info(parts[0], offset, beschluss, context, model)]
    # several parts: each separately voted part is a result of its own; the model sees the part only
    return [_info(p, offset, beschluss if _label_kind(p.label) in ("main", "point", "item") else "",
                  context, model) for p in parts]


_CONTEXT_RESULT = re.compile(r"kenntnis\s+genommen|kenntnisnahme\s+fest|\bverwiesen\b|zustimmung\s+fest|"
                             r"einstim(?:m|rn)ig\b|\bzugestimmt\b|\babgelehnt\b|\bvertagt\b|einverstanden")


def _context_has_result(context: str) -> bool:
    return bool(_CONTEXT_RESULT.search(fold(context)))


def primary_result(results: list[ResultInfo], item: Optional[str] = None) -> Optional[ResultInfo]:
    """The result of the agenda item as a whole, from its parts.

    The proposal's own vote wins over motions on it; a TOP label matching `item` wins among TOP
    labels; separately voted points (Ziffer 1, 2 …) give Zustimmung if any point was accepted (the
    record calls that 'teilweise zugestimmt'), else the category most of them share; an accepted
    referral or adjournment motion decides the item.
    """
    if not results:
        return None
    if len(results) == 1:
        return results[0]
    for r in results:
        if r.kind == "procedural" and r.rule_result in ("zustimmung", "verweisung", "vertagung") and \
                r.result not in ("ablehnung",):
            return r
    items = [r for r in results if r.kind == "item"]
    if items and item:
        for r in items:
            if _label_number(r.label) == item:
                return r
    mains = [r for r in results if r.kind == "main"]
    points = [r for r in results if r.kind == "point"]
    if mains and not points:
        # "Beschlussvorlage (außer Wahlordnung)" and "(Wahlordnung)": the first main part stands for them
        return mains[0]
    group = points or mains or items
    if group:
        cats = [r.result for r in group if r.result]
        if "zustimmung" in cats:
            return next(r for r in group if r.result == "zustimmung")
        if cats:
            top = max(set(cats), key=lambda c: (cats.count(c), -cats.index(c)))
            return next(r for r in group if r.result == top)
        return group[0]
    return results[0]


def parse_result(text: str, *, beschluss: Optional[str] = None, context: Optional[str] = None,
                 item: Optional[str] = None, model: Optional[ResultModel] | bool = True) -> Optional[ResultInfo]:
    """The recorded result of the decision in `text` (a statement or a protocol page), or None.

    `beschluss` and `context` (the debate around it) are evidence for the model when the statement
    says only 'Keine Abstimmung'; `item` picks the right part of a joint vote ('TOP 9: …, TOP 10: …').
    Pass ``model=False`` for the rules alone.
    """
    return primary_result(parse_results(text, beschluss=beschluss, context=context, item=item, model=model), item)
