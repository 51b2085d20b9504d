"""Tokens: a word's text split into punctuation and core, and the small word lists the strategies use."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..records import Word

STRIP = "\"'„“”‚‘’»«›‹()[]{}.,;:!?*"
LETTERS = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$")
GERMAN = re.compile(r"^[A-Za-zÄÖÜäöüß'\-]+$")  # letters the German OCR model can invent
DIGIT_LETTER = {"0": "o", "1": "l", "5": "s", "8": "B", "6": "b"}
URLISH = re.compile(r"@|www|https?:|\.(de|com|org|net|eu|info)\b", re.IGNORECASE)
# short function words that glue onto a neighbour ("Interessiertean", "aufden")
GLUE = frozenset(["an", "auf", "aus", "bei", "bis", "das", "dem", "den", "der", "des", "die", "durch", "für", "im",
                  "in", "ist", "mit", "nach", "oder", "sich", "sind", "um", "und", "vom", "von", "vor", "wird", "zu",
                  "zum", "zur", "ihre", "ihren", "ihrer", "seine", "einen", "eine", "einer", "dass", "auch", "nicht",
                  "zwischen", "sowie", "über", "unter", "gegen", "ohne"])
GLUE_FIRST = frozenset(["der", "die", "das", "den", "dem", "des", "und", "in", "im", "an", "am", "auf", "mit", "von",
                        "vom", "für", "zur", "zum", "bei", "aus", "nach"])
TWO_LETTER = frozenset(["ab", "am", "an", "da", "du", "eh", "er", "es", "im", "in", "ja", "je", "ob", "so", "um", "wo",
                        "zu"])
# frequent in wordfreq's German list, but English or fragments: no word of their own in a German memo
LEAKS = frozenset(["be", "no", "the", "to", "of", "and", "for", "my", "me", "we", "he", "is", "it", "on", "at", "by",
                   "or", "as", "if", "you", "are", "but", "can", "one", "out", "get", "has", "had", "his", "its",
                   "our", "who", "how", "new", "now", "two", "way", "use", "may"])
ABBREV = frozenset(["bzw", "usw", "ggf", "vgl", "etc", "inkl", "ca", "nr", "abs", "dr", "prof", "hr", "fr", "gez",
                    "tel", "str", "bzgl", "evtl", "zzgl", "abt", "az", "ref", "ziff", "anl", "lfd"])
# glued halves that are really suffixes of one word ("Sachbearbeiter|in", "Vorstand|es")
SUFFIXLIKE = frozenset(["in", "es", "er", "en", "ern", "de", "te", "ten", "ste", "sten", "st"])


@lru_cache(maxsize=1 << 16)
def split_affixes(token: str) -> tuple[str, str, str]:
    """'„Chmeinyzkyj,' -> ('„', 'Chmeinyzkyj', ',')."""
    core = token.strip(STRIP)
    if not core:
        return token, "", ""
    i = token.index(core)
    return token[:i], core, token[i + len(core):]


def core_of(text: str) -> str:
    return split_affixes(text)[1]


def match_case(token: str, target: str, is_name: bool) -> str:
    """Give a lexicon word (stored lowercase) the token's initial capital; names keep theirs."""
    if is_name:
        return target
    if token[:1].isupper():
        return target[:1].upper() + target[1:]
    return target


@lru_cache(maxsize=1 << 16)
def read_digits(core: str) -> str:
    """Digits that stand for letters inside a word ('0dessa', 'Kie1') read as letters; '0' for a
    token that is a number or a reference ('V2072/23', '5-Grenzwert'), which is never a word."""
    if any(c.isdigit() for c in core):
        letters = sum(c.isalpha() for c in core)
        digits = [c for c in core if c.isdigit()]
        if letters < 3 or len(core) < 4 or len(digits) > 1 or digits[0] not in DIGIT_LETTER or \
                not re.fullmatch(r"[^\W\d_]*\d[^\W\d_]*", core):
            return "0"
        out = "".join(DIGIT_LETTER.get(c, c) for c in core)
        return out[:1].upper() + out[1:] if core[0].isdigit() else out
    return core


def with_trailing_l(core: str, post: str) -> tuple[str, str]:
    """'Hölze!' is 'Hölzel' read with an exclamation mark for the l: ('Hölzel', '')."""
    if post[:1] and post[0] in "!|" and core[-1:].isalpha() and core[-1:].islower():
        return core + "l", post[1:]
    return core, post


class Token(NamedTuple):
    """One word as the single-token strategies see it: its punctuation, its core, and the cores of
    the words before and after it (None at a page edge, and on the fast path, which looks at no
    neighbours). A named tuple: one is made for most words of a page, so it must be cheap."""

    word: Word
    pre: str
    core: str
    post: str
    prev_core: str | None = None
    next_core: str | None = None

    @classmethod
    def of(cls, word: Word, prev: Word | None = None, nxt: Word | None = None) -> Token:
        pre, core, post = split_affixes(word.text)
        return cls(word, pre, core, post, core_of(prev.text) if prev is not None else None,
                   core_of(nxt.text) if nxt is not None else None)
