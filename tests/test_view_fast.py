"""The view (extract/results.py) is built from its candidate characters only: the same view as the
character-by-character scan it replaced (kept here as the reference), on every Karlsruhe protocol text
in ../shared/data, on the samples' texts, and on random strings of the characters the rules look at."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from evaluation.karlsruhe_protocols import data_dir
from pipeline.extract import results as res


# ---- the reference: the scan as it was before (2026-12-04), character by character
def _fold_chars_ref(s: str) -> str:
    out = list(s)
    n = len(s)
    for i, ch in enumerate(s):
        if 0 < i < n - 1 and s[i - 1].isalpha() and s[i + 1].isalpha() and (s[i - 1].islower() or s[i + 1].islower()):
            if ch in "1!|" or (ch == "I" and s[i - 1].islower()):  # 'AbIehnung', 'Ab1ehnung', 'Er|äuterung'
                out[i] = "l"
            elif ch in "0O" and (ch == "0" or s[i - 1].islower()):  # 'V0rlage', 'v0n'
                out[i] = "o"
        elif ch in "10" and i >= 3 and s[i - 3:i].isalpha() and s[i - 3:i].islower() and \
                (i + 1 == n or not s[i + 1].isalnum()):
            out[i] = "l" if ch == "1" else "o"  # 'Apri1', 'Bür0' at the end of a word
        elif ch in "0158" and (i == 0 or not s[i - 1].isalnum()) and s[i + 1:i + 4].isalpha() and \
                s[i + 1:i + 4].islower():
            out[i] = {"0": "o", "1": "l", "5": "s", "8": "b"}[ch]  # '0ktober', '5eptember', '8eschluss'
    low = "".join(c.lower() if len(c.lower()) == 1 else c for c in out).translate(res._FOLD)

    def digits(m: re.Match) -> str:
        tok = m.group(0)
        nd = sum(c.isdigit() for c in tok)
        if not nd:
            return tok
        tok = tok.replace("o", "0").replace("i", "1").replace("l", "1").replace("|", "1")
        if nd >= 2:  # '202S' is 2025, but '1b' stays a point label
            tok = tok.replace("s", "5").replace("b", "8").replace("z", "2")
        return tok

    return res._SINGLE_ONE.sub("1", res._NUM_TOKEN.sub(digits, low))


def _clean_ref(text: str, pos: list[int], second: bool) -> tuple[str, list[int]]:
    """One cleaning pass; `pos` maps `text` to the original offsets. The first pass drops specks
    (`` ` ' ´ ^ ``) and joins hyphenated line breaks; the second decides on what they hid: a ``|``
    between letters is an l, elsewhere a speck; a dot or comma inside a word is a speck."""
    chars: list[str] = []
    out_pos: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if not second:
            if ch in "-\u00ad" and i > 0 and text[i - 1].isalpha():
                j = i + 1
                while j < n and text[j] in " \t":
                    j += 1
                if j < n and text[j] == "\n":
                    k = j + 1
                    while k < n and text[k] in " \t":
                        k += 1
                    if k < n and text[k].isalpha() and text[k].islower():
                        i = k  # 'Abstimmungs-\nergebnis' → 'Abstimmungsergebnis'
                        continue
            if ch in res._SPECKS and ch != "|" and ((i > 0 and text[i - 1].isalnum()) or (i + 1 < n and text[i + 1].isalnum())):
                i += 1
                continue
        else:
            between_letters = 0 < i < n - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
            if ch == "|" and not between_letters and ((i > 0 and text[i - 1].isalnum()) or
                                                      (i + 1 < n and text[i + 1].isalnum())):
                i += 1
                continue
            if ch in ".," and between_letters and text[i + 1].islower():
                i += 1
                continue
        chars.append(ch)
        out_pos.append(pos[i])
        i += 1
    return "".join(chars), out_pos



def _reference_view(text: str) -> res.View:
    s, pos = _clean_ref(text, list(range(len(text))), False)
    s, pos = _clean_ref(s, pos, True)
    pos.append(len(text))
    return res.View(text, _fold_chars_ref(s), tuple(pos))


def _fresh_view(text: str) -> res.View:
    return res.view.__wrapped__(text)


def _same(text: str) -> None:
    a, b = _reference_view(text), _fresh_view(text)
    assert a.f == b.f, text[:80]
    assert a.pos == b.pos, text[:80]


# every rule of the three steps, with its neighbours, and the characters whose case works otherwise
_ALPHABET = list("aAeElLiIoOsSzZbBnNrRmMtT") + list("0123456789") + list("`'|´^-.,;:!") + \
    ["\u00ad", " ", " ", "\t", "\n", "\n", "ä", "Ö", "ß", "é", "—", "–", "„", "“", "\u03a3", "\u0130", "²", "½", "_"]
_WORDS = ["ja", "nein", "enthaltung", "stimme", "gegenstimmen", "Apri1", "V0rlage", "0ktober", "AbIehnung",
          "Er|äuterung", "Abstimmungs-\nergebnis", "Ver- \n  waltung", "I Nein", "l ja", "202S", "1b", "ΑΣ ", "İstanbul"]


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 60)):
            if rng.random() < 0.3:
                parts.append(rng.choice(_WORDS))
            else:
                parts.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 8))))
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("text", ["", "-", "a-", "a-\n", "a-\nb", "a-\n\tb", "Ver-\n \n b", "'a", "a'", "''",
                                  "|", "a|b", "a|", "A.b", "a.B", "x1", "abc1", "abc0.", "0kto", "1 nein", "ΑΣ",
                                  "İ", "aΣb", "a\u00ad\nb"])
def test_edge_cases_give_the_reference_view(text):
    _same(text)


def test_random_strings_give_the_reference_view():
    for text in _random_texts(3000, seed=20261204):
        _same(text)


def test_every_karlsruhe_text_gives_the_reference_view():
    folder = data_dir() / "texts"
    files = sorted(folder.glob("*.txt"))
    if not files:
        pytest.skip(f"no Karlsruhe texts in {folder} (set RATSAKTEN_SHARED)")
    for f in files:
        _same(f.read_text(encoding="utf-8"))


def test_sample_texts_give_the_reference_view():
    root = Path(__file__).resolve().parents[1] / "samples"
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.glob("*.txt"))]
    import json
    for p in sorted(root.glob("*.truth.json")):
        truth = json.loads(p.read_text(encoding="utf-8"))
        texts += [v for v in _strings(truth)]
    assert texts
    for t in texts:
        _same(t)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
