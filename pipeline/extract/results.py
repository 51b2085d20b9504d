"""The recorded result of a council decision: category, votes, unanimity and the committee of a referral.

Karlsruhe protocols print the result under "Abstimmungsergebnis:" in many wordings ("Einstimmige
Zustimmung (45 JA-Stimmen)", "Bei 35 Ja-Stimmen und 12 Nein-Stimmen mehrheitlich zugestimmt",
"Keine Abstimmung" with the outcome only in the Beschluss text or the debate). What is pure form
(numbers, "einstimmig", labelled parts such as "Ziffer 1:") is read by rules here. The category is
read by rules where the statement states it, and by a logistic-regression model where it does not
("Keine Abstimmung", a wording the rules do not know, a statement OCR damaged): the model
(``models/results/model.json``, trained by ``scripts/train_results.py`` on the train split only)
sees character n-grams of the statement and the Beschluss text, words of the debate and the rule
readings. It is plain data (weights per feature): loading it runs no code and needs no scikit-learn.

Every function is pure and reads OCR text too: matching runs on a `View` of the text (specks and
hyphenated line breaks removed, lower case, umlauts dropped, ``l``/``1``/``I`` and ``O``/``0``
repaired by context) whose offsets map back into the text given, and keywords are matched with
the letter confusions Tesseract makes (``rn``/``m``, ``e``/``c``, ``n``/``u``, ``t``/``f`` …).
"""
from __future__ import annotations

import bisect
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
# the view: cleaned and folded text with a map back to the original offsets
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s", "é": "e", "è": "e", "í": "i", "ì": "i", "á": "a",
                       "à": "a", "ó": "o", "ú": "u", "—": "-", "–": "-", "\u00ad": "-", "’": "'", "‘": "'",
                       "„": '"', "“": '"', "”": '"', "«": '"', "»": '"'})
_SPECKS = "`'|´^"
_NUM_TOKEN = re.compile(r"(?<![a-z\d])[\doilsbz|]{1,4}(?![a-z\d])")
_SINGLE_ONE = re.compile(r"(?<![a-z\d])[il|](?=\s*-?\s*(?:nein|ja\b|enthaltung|gegenstim|stimme\b))")


@dataclass(frozen=True)
class View:
    """`f` is `text` cleaned and folded; ``pos[i]`` is where ``f[i]`` stands in `text`."""
    text: str
    f: str
    pos: tuple[int, ...]

    def span(self, s: int, e: int) -> tuple[int, int]:
        if e <= s:
            return self.pos[s], self.pos[s]
        return self.pos[s], self.pos[e - 1] + 1

    def orig(self, s: int, e: int) -> str:
        a, b = self.span(s, e)
        return self.text[a:b]


# the characters each step can change; every other character is copied as it is (the steps' rules
# read only a character's neighbours, so a candidate is decided by the same tests as in a full scan)
_FOLD_CAND = re.compile(r"[1!|I0O58]")
_FIRST_CAND = re.compile("[-\u00ad`'´^]")
_SECOND_CAND = re.compile(r"[|.,]")


def _fold_one(s: str, i: int, n: int) -> str:
    """The folded form of s[i] by its neighbours ('AbIehnung', 'V0rlage', 'Apri1', '0ktober')."""
    ch = s[i]
    if 0 < i < n - 1 and s[i - 1].isalpha() and s[i + 1].isalpha() and (s[i - 1].islower() or s[i + 1].islower()):
        if ch in "1!|" or (ch == "I" and s[i - 1].islower()):  # 'AbIehnung', 'Ab1ehnung', 'Er|äuterung'
            return "l"
        if ch in "0O" and (ch == "0" or s[i - 1].islower()):  # 'V0rlage', 'v0n'
            return "o"
    elif ch in "10" and i >= 3 and s[i - 3:i].isalpha() and s[i - 3:i].islower() and \
            (i + 1 == n or not s[i + 1].isalnum()):
        return "l" if ch == "1" else "o"  # 'Apri1', 'Bür0' at the end of a word
    elif ch in "0158" and (i == 0 or not s[i - 1].isalnum()) and s[i + 1:i + 4].isalpha() and \
            s[i + 1:i + 4].islower():
        return {"0": "o", "1": "l", "5": "s", "8": "b"}[ch]  # '0ktober', '5eptember', '8eschluss'
    return ch


def _lower_chars(s: str) -> str:
    """Each character lower-cased on its own (one whose lower case is longer stays as it is).
    str.lower() gives the same where no character's lower case is longer and there is no capital
    sigma (the one character whose lower case depends on its neighbours)."""
    low = s.lower()
    if len(low) == len(s) and "\u03a3" not in s:
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def _fold_chars(s: str) -> str:
    n = len(s)
    out = None
    for m in _FOLD_CAND.finditer(s):
        i = m.start()
        ch = _fold_one(s, i, n)
        if ch != s[i]:
            if out is None:
                out = list(s)
            out[i] = ch
    low = _lower_chars(s if out is None else "".join(out)).translate(_FOLD)

    def digits(m: re.Match) -> str:
        tok = m.group(0)
        nd = sum(c.isdigit() for c in tok)
        if not nd:
            return tok
        tok = tok.replace("o", "0").replace("i", "1").replace("l", "1").replace("|", "1")
        if nd >= 2:  # '202S' is 2025, but '1b' stays a point label
            tok = tok.replace("s", "5").replace("b", "8").replace("z", "2")
        return tok

    return _SINGLE_ONE.sub("1", _NUM_TOKEN.sub(digits, low))


def _dropped(text: str, second: bool) -> list[tuple[int, int]]:
    """The ranges of `text` one cleaning pass drops, in order (see _clean)."""
    drops: list[tuple[int, int]] = []
    n = len(text)
    if not second:
        for m in _FIRST_CAND.finditer(text):
            i = m.start()
            ch = text[i]
            if ch in "-\u00ad":
                if i > 0 and text[i - 1].isalpha():
                    j = i + 1
                    while j < n and text[j] in " \t":
                        j += 1
                    if j < n and text[j] == "\n":
                        k = j + 1
                        while k < n and text[k] in " \t":
                            k += 1
                        if k < n and text[k].isalpha() and text[k].islower():
                            drops.append((i, k))  # 'Abstimmungs-\nergebnis' → 'Abstimmungsergebnis'
            elif (i > 0 and text[i - 1].isalnum()) or (i + 1 < n and text[i + 1].isalnum()):
                drops.append((i, i + 1))  # a speck on a word
    else:
        for m in _SECOND_CAND.finditer(text):
            i = m.start()
            ch = text[i]
            between_letters = 0 < i < n - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
            if ch == "|":
                if not between_letters and ((i > 0 and text[i - 1].isalnum()) or (i + 1 < n and text[i + 1].isalnum())):
                    drops.append((i, i + 1))
            elif between_letters and text[i + 1].islower():
                drops.append((i, i + 1))
    return drops


def _clean(text: str, pos: list[int], second: bool) -> tuple[str, list[int]]:
    """One cleaning pass; `pos` maps `text` to the original offsets. The first pass drops specks
    (`` ` ' ´ ^ ``) and joins hyphenated line breaks; the second decides on what they hid: a ``|``
    between letters is an l, elsewhere a speck; a dot or comma inside a word is a speck.

    Only the few candidate characters are tested (a pass's rules read the text, never its own
    output, and a joined line break spans only blanks, which no rule drops), and the kept stretches
    between the dropped ranges are copied whole."""
    drops = _dropped(text, second)
    if not drops:
        return text, list(pos)
    parts: list[str] = []
    out_pos: list[int] = []
    at = 0
    for a, b in drops:
        parts.append(text[at:a])
        out_pos.extend(pos[at:a])
        at = b
    parts.append(text[at:])
    out_pos.extend(pos[at:])
    return "".join(parts), out_pos


@lru_cache(maxsize=256)
def view(text: str) -> View:
    """The text cleaned of OCR specks and hyphenated line breaks, then folded character by character."""
    s, pos = _clean(text, list(range(len(text))), False)
    s, pos = _clean(s, pos, True)
    pos.append(len(text))
    return View(text, _fold_chars(s), tuple(pos))


def fold(text: str) -> str:
    """The folded, cleaned form of `text` that all matching here runs on."""
    return view(text).f


_KW = {"b": "bh", "c": "ce", "e": "ec", "f": "ft", "g": "gq", "h": "hb", "i": "il", "l": "lit", "n": "nu",
       "r": "rn", "t": "tf", "u": "un", "s": "s5"}


def kw(word: str) -> str:
    """A regex for `word` (folded) that also matches it with Tesseract's letter confusions; inside a word
    of six letters or more a stray ``l`` (a speck read as ``|``) is allowed between letters."""
    return _kw(word, len(word) >= 6 and " " not in word)


@lru_cache(maxsize=512)
def _kw(word: str, stray: bool) -> str:
    out = []
    i = 0
    while i < len(word):
        ch = word[i]
        i += 1
        if ch == "s" and word[i:i + 1] == "s":  # ss and ß (folded to s) are one letter to OCR and to spelling
            out.append("[s5]{1,2}")
            i += 1
        elif ch == "m":
            out.append("(?:m|rn)")
        elif ch in _KW:
            out.append(f"[{_KW[ch]}]")
        elif ch == " ":
            out.append(r"\s*")
        else:
            out.append(re.escape(ch))
    return ("l?" if stray else "").join(out)


# ---------------------------------------------------------------------------------------------
# votes
_NUMBER_WORDS = {"ein": 1, "eine": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5,
                 "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwolf": 12}
_NUM = r"(?<![\d:.,/])(?P<n>\d{1,3}|ein(?:e[rm]?)?|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|elf|zwolf)"
_NUM_ONLY = r"(?<![\d:.,/])(?P<n>\d{1,3})"
_ST = kw("stim") + "(?:m|rn)?"
_E = r"(?![a-z])"  # a vote word ends at a non-letter (digits and specks may stick to it: '43 Ja9')
_YES = re.compile(_NUM + r"\s*-?\s*(?:ja" + _E + "|" + kw("dafur") + _E + "|" + kw("fur") + "-?\\s*" + _ST + "|pro-?\\s*"
                  + _ST + ")")
_YES_WORD = re.compile(_NUM_ONLY + r"\s*-?\s*" + kw("zustimmung") + "(?:" + kw("en") + ")?" + _E)
_YES_B = re.compile(_NUM + r"\s+" + _ST + r"en\s+" + kw("dafur") + _E)
_NO = re.compile(_NUM + r"\s*-?\s*(?:" + kw("nein") + _E + "|" + kw("gegen") + _ST + "[ec]?[nu]?" + _E + ")")
_NO_B = re.compile(_NUM + r"\s+" + _ST + r"en\s+" + kw("dagegen") + _E)
_ABST = re.compile(_NUM + r"\s*-?\s*(?:" + _ST + ")?" + kw("enthaltung") + "(?:" + kw("en") + ")?" + _E)
_TRIPLE = re.compile(r"(?<![\d:.,/])(\d{1,3})\s*:\s*(\d{1,3})\s*:\s*(\d{1,3})(?![\d:])(?!\s*uhr)")
_PAIR = re.compile(r"(?<![\d:.,/])(\d{1,3})\s*:\s*(\d{1,3})(?![\d:])\s+" + _ST)
_UNANIMOUS = re.compile(r"\b" + kw("einst") + "[il]?" + "(?:m|rn){1,2}" + "(?:[il]g|e)" + r"|\b" + kw("einhellig")
                        + r"|\bohne\s+" + kw("gegen") + _ST)
_MAJORITY = re.compile(r"\b" + kw("mehrheit") + r"|\b" + kw("gegen") + _ST)


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


_VOTE_NUMBER = re.compile(r"(?<![a-z\d])[\dsoilbz]{1,3}(?=\s*-?\s*(?:ja(?![a-z])|" + kw("nein") + "|" + kw("enthalt")
                          + "|" + kw("gegenstim") + "|" + kw("zustimmungen") + "|" + _ST + "))")
_DIGIT_OF = str.maketrans({"s": "5", "o": "0", "i": "1", "l": "1", "b": "8", "z": "2"})


def _vote_numbers(f: str) -> str:
    """'4s ja' → '45 ja', '1b nein' → '18 nein': next to a vote word a token with a digit is a number."""
    return _VOTE_NUMBER.sub(lambda m: m.group(0).translate(_DIGIT_OF) if any(c.isdigit() for c in m.group(0))
                            else m.group(0), f)


def parse_votes(text: str) -> Votes:
    """Printed vote counts and unanimity of one result statement (no count is invented)."""
    v = view(text)
    f = _vote_numbers(v.f)
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
        for pats, slot in (((_YES, _YES_B, _YES_WORD), "yes"), ((_NO, _NO_B), "no"), ((_ABST,), "abst")):
            for pat in pats:
                mm = pat.search(f)
                if mm is None:
                    continue
                val = _num(mm.group("n"))
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
    if not spans:
        return Votes(yes, no, abst, unanimous)
    s, e = v.span(min(a for a, _ in spans), max(b for _, b in spans))
    return Votes(yes, no, abst, unanimous, s, e)


# ---------------------------------------------------------------------------------------------
# the wording of a result, read by rules (a model feature, and the answer where the statement says it)
def _alts(*words: str) -> str:
    return "|".join(r"\b" + kw(w) for w in words)


_RULES: list[tuple[str, re.Pattern]] = [
    ("vertagung", re.compile(_alts("vertag", "zuruckgestellt", "zuruckstell", "abgesetzt", "absetzung", "verschoben"))),
    ("verweisung", re.compile(_alts("verwies", "verweisung", "verweisen", "uberwies", "uberweisung"))),
    ("ablehnung", re.compile(_alts("abgelehnt", "ablehnung", "abzulehnen") + r"|\blehnt\b[^.]{0,80}\bab\b")),
    ("kenntnisnahme", re.compile(_alts("kenntnis"))),
    ("zustimmung", re.compile(_alts("zugestimmt", "zustimmung", "beschlossen", "angenommen", "einverstanden",
                                    "einverstandnis", "beschliest", "beschliesst", "genehmigt", "bestatigt",
                                    "gewahlt", "zuzustimmen") + r"|\bstim(?:m|rn)t\b[^.]{0,80}\bzu\b")),
]
_NO_VOTE = re.compile(r"\b" + kw("keine abstimmung") + r"|\bohne\s+" + kw("abstimmung") + r"|\b" + kw("erledigt"))
_ANTRAG_SIDE = re.compile(kw("anderungsantrag") + "|" + kw("erganzungsantrag") + "|" + kw("zusatzantrag") + r"|\b"
                          + kw("antrag") + "|" + kw("gegenantrag"))
_PROCEDURAL = re.compile(kw("verweisung") + "|" + kw("vertagung") + "|" + kw("absetzung") + "|"
                         + kw("zuruckstellung"))


def rule_category(text: str) -> Optional[str]:
    """The category a wording states outright, or None ('Keine Abstimmung', nothing recognisable)."""
    f = fold(text)
    hits = []
    for cat, pat in _RULES:
        m = pat.search(f)
        if m:
            hits.append((cat, m.start()))
    if not hits:
        return None
    cats = {c for c, _ in hits}
    # "Verweisungsantrag: mehrheitliche Zustimmung" is a referral; "Antrag auf Absetzung … abgelehnt" is not
    if "verweisung" in cats and not ("ablehnung" in cats and re.search(kw("antrag"), f)):
        return "verweisung"
    if "vertagung" in cats and "ablehnung" not in cats:
        return "vertagung"
    cats -= {"vertagung", "verweisung"}
    if not cats:
        return None
    return min((pos, c) for c, pos in hits if c in cats)[1]  # the category stated first


# ---------------------------------------------------------------------------------------------
# committees of a referral (read from the text as printed: the name is the output)
_COMMITTEE = (r"(?:[A-ZÄÖÜ][\wäöüß]*-\s*(?:und|u\.)\s+)?(?:Ausschuss|Ausschuß|Kommission|[A-ZÄÖÜ][\wäöüß-]*?"
              r"(?:ausschuss|ausschuß|beirat|kommission|gremium|gemeinderat|ortschaftsrat|ältestenrat))"
              r"(?:\s+(?:für|Eigenbetrieb)(?:\s+(?!verwies|verweis|überwies|zur\b|am\b|vom\b|im\b|keine\b|ohne\b|"
              r"mit\b|nach\b|und\s+(?:dann|die|der|den)\b)[\wäöüßÄÖÜ-]+){1,6})?")
_REFER_PATTERNS = [
    re.compile(r"(?i:verwie(?:s|sen)\w*|verweis(?:ung|en|t)|überwie(?:s|sen)\w*|überweisung)(?:\s+[a-zäöü]+){0,3}?\s+"
               r"(?i:in|an)\s+(?:(?i:den|das|die)\s+)?(?:[a-zäöü]+en\s+)?(?P<c>" + _COMMITTEE + ")"),
    re.compile(r"\b(?i:in|an)\s+(?i:den|das|die)\s+(?:[a-zäöü]+en\s+)?(?P<c>" + _COMMITTEE + r")\s+"
               r"(?:(?i:zur|zu)\s+\w+\s+)?(?i:verwiesen|verweisen|überwiesen|zu\s+verweisen|vertagen)"),
    re.compile(r"(?i:Beratung|Behandlung|Weiterbehandlung|Vorberatung|Verweisung)\s+(?i:im|in\s+den)\s+"
               r"(?P<c>" + _COMMITTEE + ")"),
]


def _flat(text: str) -> str:
    """Whitespace-normalised text with hyphenated line breaks joined."""
    return re.sub(r"\s+", " ", re.sub(r"(?<=[a-zäöüß])-[ \t]*\n\s*(?=[a-zäöüß])", "", text)).strip()


def find_referral(*texts: Optional[str]) -> Optional[str]:
    """The committee a matter was referred to, from the first text that names one."""
    for text in texts:
        if not text:
            continue
        flat = _flat(text)
        best = None
        for pat in _REFER_PATTERNS:
            m = pat.search(flat)
            if m and (best is None or m.start() < best.start()):
                best = m
        if best:
            return re.sub(r"\s+(?:und|u\.)$", "", best.group("c").strip(" -"))
    return None


# ---------------------------------------------------------------------------------------------
# parts of a statement: "Beschlussvorlage: …", "Änderungsantrag GRÜNE: …", "Ziffer 1 a): …", "TOP 10.1: …"
_LABEL_WORDS = ("beschlussvorlage", "beschlussantrag", "beschlussvorschlag", "anderungsantrag", "erganzungsantrag",
                "zusatzantrag", "verweisungsantrag", "gegenantrag", "antrag", "vorlage", "ziffer", "ziff.", "punkt",
                "nr.", "top", "tagesordnungspunkt", "teil", "abschnitt", "buchstabe")
_LABEL = re.compile(
    r"(?:(?<=\n)|^|(?<=[.)]\s))[ \t]*(?P<label>(?:(?:" + "|".join(kw(w) for w in (
        "mundlicher", "mundliche", "unveranderte", "geanderte", "gemeinsamer")) + r")\s+)?(?:"
    + "|".join(kw(w) for w in _LABEL_WORDS) + r")\b[^:\n]{0,60}?)\s*:(?!\d)"
    r"|(?:(?<=\n)|^)[ \t]*(?P<letter>[a-h]\)|\d{1,2}[.)])[ \t]+(?=[a-z])")


@dataclass(frozen=True)
class Part:
    label: Optional[str]  # as printed, e.g. "Änderungsantrag GRÜNE"; None for an unlabelled statement
    start: int
    end: int
    text: str


def statement_parts(statement: str) -> list[Part]:
    """Split a result statement into its labelled parts (one part if it has no labels)."""
    v = view(statement)
    heads = list(_LABEL.finditer(v.f))
    if not heads:
        if not statement.strip():
            return []
        s = len(statement) - len(statement.lstrip())
        return [Part(None, s, len(statement.rstrip()), _flat(statement))]
    parts = []
    cuts = []
    for m in heads:
        g = "label" if m.group("label") else "letter"
        ls, le = v.span(m.start(g), m.end(g))
        _, body_start = v.span(m.start(), m.end())
        cuts.append((ls, le, body_start))
    if statement[:cuts[0][0]].strip():  # an unlabelled result before the first label ("Bei 26 Ja … Antrag AfD: …")
        s = len(statement) - len(statement.lstrip())
        parts.append(Part(None, s, len(statement[:cuts[0][0]].rstrip()), _flat(statement[:cuts[0][0]])))
    for i, (ls, le, bs) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(statement)
        label = _flat(statement[ls:le])
        parts.append(Part(label, ls, ls + len(statement[ls:end].rstrip()), _flat(statement[bs:end])))
    return parts


def _label_kind(label: Optional[str]) -> str:
    """main (the proposal itself), item (TOP n), point (Ziffer n, a)), motion (a party's), procedural."""
    if not label:
        return "main"
    f = fold(label)
    if re.match(r"\s*(?:" + kw("top") + "|" + kw("tagesordnungspunkt") + r")\b", f):
        return "item"
    if re.match(r"\s*(?:[a-h]\)|\d{1,2}[.)])\s*$", f) or re.match(
            r"\s*(?:" + "|".join(kw(w) for w in ("ziffer", "ziff", "punkt", "nr", "teil", "abschnitt", "buchstabe"))
            + r")\b", f) or re.search(r"\b" + kw("ziffer"), f):
        return "point"
    if _PROCEDURAL.search(f):
        return "procedural"
    if _ANTRAG_SIDE.search(f) and not re.search(kw("beschlu") + "s", f):
        return "motion"
    return "main"


def _label_number(label: Optional[str]) -> Optional[str]:
    m = re.search(r"(\d{1,3}(?:\.\d{1,2})*)", fold(label or ""))
    return m.group(1) if m else None


# ---------------------------------------------------------------------------------------------
# the model
@dataclass
class ResultModel:
    """Multinomial logistic regression over named features, with a temperature for calibration.

    `decision` says how it meets the rules: "hybrid" (the rule where the statement states the
    category, the model elsewhere) or "model" (the model always); `rule_confidence` is the measured
    accuracy of the rule when the model agrees / disagrees with it (out-of-fold on train)."""
    classes: list[str]
    intercept: list[float]
    weights: dict[str, list[float]]
    temperature: float = 1.0
    config: dict = field(default_factory=dict)
    decision: str = "hybrid"
    rule_confidence: dict = field(default_factory=lambda: {"agree": 0.97, "disagree": 0.6})

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> "ResultModel":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["classes"], data["intercept"], data["weights"], data.get("temperature", 1.0),
                   data.get("config", {}), data.get("decision", "hybrid"),
                   data.get("rule_confidence", {"agree": 0.97, "disagree": 0.6}))

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
    t = fold(text).replace("rn", "m")
    t = re.sub(r"\d", "0", t)
    t = re.sub(r"[^a-z0]+", " ", t)
    return " " + re.sub(r"\s+", " ", t).strip() + " "


def _char_ngrams(text: str, prefix: str, lo: int = 3, hi: int = 5) -> dict[str, float]:
    counts: dict[str, float] = {}
    for word in text.split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            for i in range(0, len(w) - n + 1):
                g = prefix + w[i:i + n]
                counts[g] = counts.get(g, 0.0) + 1.0
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
    """Features of one decision for the category model (the same code at training and at run time).

    `context` is the debate after the statement, cut to its first 600 and last 700 characters."""
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
    if _NO_VOTE.search(fold(statement)):
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
    start: int  # span of the statement (part) in the text given
    end: int
    confidence: float
    text: str = ""  # the statement, whitespace-normalised
    label: Optional[str] = None  # the part label as printed ("Ziffer 1", "Änderungsantrag GRÜNE")
    kind: str = "main"  # main | item | point | motion | procedural
    rule_result: Optional[str] = None  # what the wording alone says
    probabilities: dict[str, float] = field(default_factory=dict)
    source: str = "model"  # rule | model | none
    # what the model saw (statement, Beschluss head, debate head and tail): for training and error lists
    inputs: tuple[str, str, str] = field(default=("", "", ""), repr=False, compare=False)


_AE_HEAD = re.compile(r"(?:^|\n)[ \t]*(?P<h>" + kw("abstimmungsergebnis") + "(?:se)?)"
                      r"(?:[ \t]+(?P<lab>[^:\n]{1,40}?)[ \t]*:|[ \t]*[:;.]?)")
_SPEAKER = (r"(?:" + kw("der") + "|" + kw("die") + r")\s+" + kw("vorsitzende") + r"|" + "|".join(
    kw(w) for w in ("stadtrat", "stadtratin", "stadtrate", "ortschaftsrat", "ortschaftsratin", "burgermeister",
                    "oberburgermeister")) + r"|" + kw("zur beurkundung"))
_STOP_LINE = re.compile(r"^[ \t]*(?:" + _SPEAKER + r")\b|^[ \t]*-\s*\d+\s*-\s*$|^[ \t]*" + kw("abstimmungsergebni")
                        + r"|^[ \t]*" + kw("beschlus") + r"s?\s*[:;]", re.M)
BESCHLUSS_HEAD = re.compile(r"(?:^|\n)[ \t]*(?P<h>" + kw("beschlus") + "s?e?)(?![a-z\\d])[ \t]*[:;.]?[ \t]*")


@dataclass(frozen=True)
class StatementSpan:
    head: int  # where the 'Abstimmungsergebnis' heading starts
    start: int  # the statement after it
    end: int
    label: Optional[str]  # "Änderungsantrag" in "Abstimmungsergebnis Änderungsantrag:"


def statement_spans(text: str) -> list[StatementSpan]:
    """Every 'Abstimmungsergebnis' statement of a page, in order."""
    v = view(text)
    out: list[StatementSpan] = []
    for m in _AE_HEAD.finditer(v.f):
        sp = _statement_after(v, m)
        if out and sp.head < out[-1].end:
            continue
        out.append(sp)
    return out


def _statement_after(v: View, m: re.Match) -> StatementSpan:
    f = v.f
    lab = None
    if m.group("lab") and re.search(r"[a-z]{3}", m.group("lab")):
        lab = _flat(v.orig(m.start("lab"), m.end("lab")))
    # the statement runs to the first blank line after content, a speaker line or the next heading
    seen = False
    s_f = m.end()
    end_f = s_f
    first_f = None
    for line in re.finditer(r"[^\n]*(?:\n|$)", f[s_f:]):
        ls, le = s_f + line.start(), s_f + line.end()
        if ls >= len(f) or ls == le:
            break
        if not f[ls:le].strip():
            if seen:
                break
            continue
        if _STOP_LINE.match(f[ls:le]):
            break
        if first_f is None:
            first_f = ls + len(f[ls:le]) - len(f[ls:le].lstrip())
        seen = True
        end_f = ls + len(f[ls:le].rstrip())
        if end_f - s_f > 1200:
            break
    head = v.pos[m.start("h")]
    if not seen:
        p = v.span(s_f, s_f)[0]
        return StatementSpan(head, p, p, lab)
    s, e = v.span(first_f, end_f)
    return StatementSpan(head, s, e, lab)


def beschluss_block(text: str, start: int) -> str:
    """A Beschluss block with no 'Abstimmungsergebnis' after it: up to the first speaker line."""
    v = view(text)
    fs = _f_index(v, start)
    m = _STOP_LINE.search(v.f, fs)
    end = v.pos[m.start()] if m else len(text)
    return text[start:end].strip()


def _f_index(v: View, orig: int) -> int:
    """The first position of the view at or after original offset `orig`."""
    return bisect.bisect_left(v.pos, orig)


def beschluss_heads(text: str, lo: int = 0, hi: Optional[int] = None) -> list[tuple[int, int]]:
    """(heading start, text start) of every 'Beschluss:' heading in text[lo:hi], in original offsets."""
    v = view(text)
    a, b = _f_index(v, lo), _f_index(v, len(text) if hi is None else hi)
    return [(v.pos[m.start("h")], v.pos[m.end()]) for m in BESCHLUSS_HEAD.finditer(v.f, a, b)]


def beschluss_before(text: str, lo: int, hi: int) -> str:
    """Text of the last 'Beschluss:' block in text[lo:hi] (empty if there is none)."""
    heads = beschluss_heads(text, lo, hi)
    return text[heads[-1][1]:hi].strip() if heads else ""


def _info(part: Part, offset: int, beschluss: str, context: str, model: Optional[ResultModel]) -> ResultInfo:
    votes = parse_votes(part.text)
    kind = _label_kind(part.label)
    rule = rule_category(part.text)
    if kind == "procedural" and rule == "zustimmung":
        rule = rule_category(part.label or "") or rule  # "Verweisungsantrag: … Zustimmung" is a referral
    st = f"{part.label}: {part.text}" if part.label else part.text
    ctx = context if len(context) <= 1300 else context[:600] + "\n" + context[-700:]
    probs: dict[str, float] = {}
    result, conf, source = rule, (0.9 if rule else 0.0), "rule"
    if model is not None:
        probs = model.predict_proba(features(st, beschluss, ctx, rule=rule, votes=parse_votes(st)))
        best = max(probs, key=probs.get)
        if model.decision == "hybrid" and rule is not None:
            conf = model.rule_confidence["agree" if best == rule else "disagree"]
        else:
            result, conf, source = best, probs[best], "model"
    elif rule is None and part.label is None:
        # no model: 'Keine Abstimmung' takes the Beschluss text ("Kenntnisnahme", "Verwiesen in …"), else the debate
        result = rule_category(beschluss[:1500]) or (rule_category(context) if _context_has_result(context) else None)
        conf = 0.6 if result else 0.0
    if result is None:
        source = "none"
    referred = find_referral(part.text, beschluss, context) if result == "verweisung" else None
    return ResultInfo(result, votes.yes, votes.no, votes.abstain, votes.unanimous, referred, offset + part.start,
                      offset + part.end, round(conf, 4), part.text, part.label, kind, rule,
                      {k: round(p, 4) for k, p in probs.items()}, source, (st, beschluss[:500], ctx))


def statement_results(statement: str, offset: int = 0, *, head_label: Optional[str] = None, beschluss: str = "",
                      context: str = "", model: Optional[ResultModel] = None) -> list[ResultInfo]:
    """The results of one statement (one per separately voted part); spans are `offset` + position."""
    parts = statement_parts(statement)
    if not parts:
        if not (beschluss.strip() or context.strip()):
            return []
        # no statement printed: the Beschluss text and the debate carry the result, if anything does
        if model is None and not (rule_category(beschluss) or _context_has_result(context)):
            return []
        if model is not None and not beschluss.strip() and not _context_has_result(context):
            return []
        return [_info(Part(None, 0, 0, ""), offset, beschluss, context, model)]
    if head_label:
        parts = [Part(p.label or head_label, p.start, p.end, p.text) for p in parts]
    if len(parts) == 1:
        return [_info(parts[0], offset, beschluss, context, model)]
    # several parts: each separately voted part is a result of its own
    return [_info(p, offset, beschluss if _label_kind(p.label) in ("main", "point", "item") else "", context, model)
            for p in parts]


_CONTEXT_RESULT = re.compile(r"\b" + kw("kenntnis genommen") + r"|\b" + kw("kenntnisnahme") + r"\b[^.]{0,30}\bfest\b|\b"
                             + kw("verwiesen") + r"\b|\b" + kw("zustimmung") + r"\b[^.]{0,20}\bfest\b|\b"
                             + kw("zugestimmt") + r"\b|\b" + kw("abgelehnt") + r"\b|\b" + kw("vertagt") + r"\b|\b"
                             + kw("einverstanden"))


def _context_has_result(context: str) -> bool:
    return bool(_CONTEXT_RESULT.search(fold(context)))


def primary_result(results: list[ResultInfo], item: Optional[str] = None) -> Optional[ResultInfo]:
    """The result of the agenda item as a whole, from its parts.

    An accepted referral or adjournment motion decides the item; a TOP label matching `item` wins
    among TOP labels; the proposal's own vote wins over motions on it; separately voted points
    (Ziffer 1, 2 …) give Zustimmung if any point was accepted (the record calls that 'teilweise
    zugestimmt'), else the category most of them share.
    """
    if not results:
        return None
    if len(results) == 1:
        return results[0]
    for r in results:
        if r.kind == "procedural" and r.result in ("verweisung", "vertagung"):
            return r
    items = [r for r in results if r.kind == "item"]
    if items and item:
        for r in items:
            if _label_number(r.label) == item:
                return r
    mains = [r for r in results if r.kind == "main" and r.result is not None]
    points = [r for r in results if r.kind == "point"]
    if mains and not points:
        return mains[0]  # "Beschlussvorlage (außer Wahlordnung)" and "(Wahlordnung)": the first stands for both
    group = points or mains or items
    if group:
        cats = [r.result for r in group if r.result]
        if "zustimmung" in cats:
            return next(r for r in group if r.result == "zustimmung")
        if cats:
            top = max(set(cats), key=lambda c: (cats.count(c), -cats.index(c)))
            return next(r for r in group if r.result == top)
        return group[0]
    return next((r for r in results if r.result is not None), results[0])


def parse_results(text: str, *, beschluss: Optional[str] = None, context: Optional[str] = None,
                  model: Optional[ResultModel] | bool = True) -> list[ResultInfo]:
    """Every result in `text`, one per separately voted part. `text` is a protocol page (its
    'Abstimmungsergebnis:' blocks are found, with the Beschluss before and the debate after each)
    or just a result statement."""
    mdl = default_model() if model is True else (model or None)
    spans = statement_spans(text)
    if not spans:
        heads = beschluss_heads(text)
        if heads or len(text) > 600 or (beschluss is None and context is None and _STOP_LINE.search(fold(text))):
            # a page without a printed statement: its Beschluss block and debate are the only evidence
            b = beschluss if beschluss is not None else (beschluss_block(text, heads[0][1]) if heads else "")
            c = context if context is not None else (text[heads[0][1] + len(b):] if heads else text)
            return statement_results("", 0, beschluss=b, context=c, model=mdl)
        return statement_results(text, 0, beschluss=beschluss or "", context=context or "", model=mdl)
    out: list[ResultInfo] = []
    prev_end = 0
    for i, sp in enumerate(spans):
        b = beschluss if beschluss is not None else beschluss_before(text, prev_end, sp.head)
        nxt = spans[i + 1].head if i + 1 < len(spans) else len(text)
        c = context if context is not None else text[sp.end:nxt]
        out.extend(statement_results(text[sp.start:sp.end], sp.start, head_label=sp.label, beschluss=b, context=c,
                                     model=mdl))
        prev_end = sp.end
    return out


def parse_result(text: str, *, beschluss: Optional[str] = None, context: Optional[str] = None,
                 item: Optional[str] = None, model: Optional[ResultModel] | bool = True) -> Optional[ResultInfo]:
    """The recorded result of the decision in `text` (a statement or a protocol page), or None.

    `beschluss` and `context` (the debate around it) are evidence for the model where the statement
    says only 'Keine Abstimmung'; `item` picks the right part of a joint vote ('TOP 9: …, TOP 10: …').
    ``model=False`` gives the rules alone.
    """
    return primary_result(parse_results(text, beschluss=beschluss, context=context, model=model), item)
