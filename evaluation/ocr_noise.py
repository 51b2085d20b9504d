"""Synthetic OCR noise for born-digital text: the confusions FINDINGS.md lists for Tesseract on hard scans.

Used to test the protocol readers for robustness (evaluation) and to augment the result model's
training copies (scripts/train_results.py). Deterministic for a given seed.
"""
from __future__ import annotations

import random
import re

# (what is printed, what OCR reads) — from the measured error list: l/1/I, O/0, rn/m, lost and
# invented umlauts, specks stuck to words, „ “ → ” ‚, broken lines
CONFUSIONS: dict[str, list[str]] = {
    "l": ["1", "I", "|"], "1": ["l", "I"], "I": ["l", "1"], "i": ["l", "í"], "O": ["0"], "0": ["O", "o"],
    "o": ["0"], "m": ["rn"], "e": ["c"], "c": ["e"], "n": ["u"], "u": ["n"], "ä": ["a", "ä"], "ö": ["o"],
    "ü": ["u", "ii"], "a": ["ä"], "S": ["5"], "5": ["S"], "B": ["8"], "8": ["B"], "g": ["q"], "h": ["b"],
    "t": ["f"], "f": ["t"], ".": [",", ""], ",": ["."], ":": [";", "."], "„": ["”", ","], "“": ["”"],
    "ß": ["B", "ss"], "r": ["n"],
}
SPECKS = [".", ",", "'", "|", "`"]


def add_noise(text: str, seed: int = 0, level: float = 0.02) -> str:
    """`level` is the per-character chance of a confusion; specks and broken words scale with it."""
    rng = random.Random(seed)
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if text.startswith("rn", i) and rng.random() < level * 3:
            out.append("m")
            i += 2
            continue
        if ch in CONFUSIONS and rng.random() < level:
            out.append(rng.choice(CONFUSIONS[ch]))
        else:
            out.append(ch)
        if ch.isalnum() and rng.random() < level / 4:
            out.append(rng.choice(SPECKS))
        if ch == " " and rng.random() < level / 6:
            out.append(" ")  # doubled space
        i += 1
    noisy = "".join(out)
    # hyphenate a few long words over a line break, as a narrower OCR line would
    words = list(re.finditer(r"[A-Za-zÄÖÜäöüß]{9,}", noisy))
    cuts = [m for m in words if rng.random() < level * 2]
    for m in reversed(cuts):
        k = m.start() + rng.randint(3, len(m.group(0)) - 3)
        noisy = noisy[:k] + "-\n" + noisy[k:]
    return noisy
