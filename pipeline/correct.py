"""Correction stage: repair OCR damage in names against the gazetteers, guarded by a lexicon.

Works on the page's words before the text is rendered, so that boxes and confidences stay
attached. Every candidate above the floor is recorded; only high, unambiguous ones are applied.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from rapidfuzz import fuzz, process

from .config import Settings
from .gazetteer import Gazetteer
from .lexicon import zipf
from .records import Correction, Page, Word

# OCR confusions folded before comparing: l/i/1/I/|, rn/m, cl/d, ii/ü, 0/O, ß/B, e/c
_FOLDS = [("rn", "m"), ("cl", "d"), ("ii", "u"), ("vv", "w")]
_CHAR_FOLD = str.maketrans({"1": "l", "i": "l", "I": "l", "|": "l", "!": "l", "j": "l", "í": "l",
                            "0": "o", "ß": "b", "c": "e", "ä": "a", "ö": "o", "ü": "u", "5": "s",
                            "é": "e", "è": "e", "y": "v"})
_STRIP = "\"'„“”‚‘’»«()[]{}.,;:!?*"
_GLUED = re.compile(r"^([A-ZÄÖÜ][a-zäöüß]{2,})([A-ZÄÖÜ][a-zäöüß]{2,})$")


def ocr_key(s: str) -> str:
    s = s.lower()
    for a, b in _FOLDS:
        s = s.replace(a, b)
    return s.translate(_CHAR_FOLD)


@dataclass
class _Index:
    names: list[str]
    keys: list[str]
    canon: list[str]
    by_len: dict[int, list[int]] = field(default_factory=dict)


_INDEXES: dict[int, _Index] = {}


def _city_index(g: Gazetteer) -> _Index:
    """Names bucketed by length, built once per gazetteer object (per worker)."""
    if id(g) in _INDEXES:
        return _INDEXES[id(g)]
    names = [n for n in g.cities if len(n) >= 4 and not n.isupper()]
    idx = _Index(names, [ocr_key(n) for n in names], [g.best_city(n).canonical for n in names])
    for i, n in enumerate(names):
        idx.by_len.setdefault(len(n), []).append(i)
    _INDEXES[id(g)] = idx
    return idx


@dataclass
class Resources:
    gazetteer: Gazetteer
    lexicon: dict[str, float]


def _score(a: str, b: str) -> float:
    plain = fuzz.ratio(a, b)
    folded = fuzz.ratio(ocr_key(a), ocr_key(b))
    return max(plain, folded - 2.0)  # folding forgives OCR confusions, at a small price


def _split_affixes(token: str) -> tuple[str, str, str]:
    core = token.strip(_STRIP)
    if not core:
        return token, "", ""
    i = token.index(core)
    return token[:i], core, token[i + len(core):]


def _inflection_stem(core: str, g: Gazetteer) -> tuple[str, str]:
    """'Dresdens' -> ('Dresden', 's') when the stem is a city; otherwise (core, '')."""
    for suf in ("s", "er", "ern"):
        if core.endswith(suf) and core[: -len(suf)] in g.cities:
            return core[: -len(suf)], suf
    return core, ""


class Corrector:
    def __init__(self, res: Resources, settings: Settings) -> None:
        self.res = res
        self.s = settings
        self.index = _city_index(res.gazetteer)

    # -- candidates --------------------------------------------------------------
    def _is_word(self, core: str) -> bool:
        return zipf(self.res.lexicon, core) >= 2.0

    def city_candidates(self, core: str) -> list[tuple[str, str, float]]:
        """[(variant, canonical, score)] best first, one per canonical."""
        idx = self.index
        pool: list[int] = []
        for n in range(len(core) - 2, len(core) + 3):
            pool.extend(idx.by_len.get(n, ()))
        if not pool:
            return []
        keys = [idx.keys[i] for i in pool]
        hits = process.extract(ocr_key(core), keys, scorer=fuzz.ratio, limit=8,
                               score_cutoff=self.s.correct_floor - 5)
        best: dict[str, tuple[str, str, float]] = {}
        for _key, _s, j in hits:
            i = pool[j]
            score = _score(core, idx.names[i])
            canon = idx.canon[i]
            if score >= self.s.correct_floor and (canon not in best or best[canon][2] < score):
                best[canon] = (idx.names[i], canon, score)
        return sorted(best.values(), key=lambda t: -t[2])

    # -- the pass ----------------------------------------------------------------
    def correct_page(self, page: Page) -> list[tuple[Word, Correction]]:
        out: list[tuple[Word, Correction]] = []
        words = page.words
        i = 0
        new_words: list[Word] = []
        while i < len(words):
            w = words[i]
            # torn words: "No vember", "be kundet" -> one word when only the join is German
            if i + 1 < len(words) and words[i + 1].line == w.line:
                joined = self._try_join(w, words[i + 1])
                if joined is not None:
                    word, corr = joined
                    new_words.append(word)
                    out.append((word, corr))
                    i += 2
                    continue
            split = self._try_split(w)
            if split is not None:
                (a, b), corr = split
                new_words.extend([a, b])
                out.append((a, corr))
                i += 1
                continue
            corr = self._try_name(w, page)
            if corr is not None:
                out.append((w, corr))
            new_words.append(w)
            i += 1
        page.words = new_words
        return out

    def _try_name(self, w: Word, page: Page) -> Optional[Correction]:
        pre, core, post = _split_affixes(w.text)
        g = self.res.gazetteer
        if core in g.learned:
            return self._apply(w, pre, core, post, g.learned[core], 100.0, "learned", page)
        if w.source == "text":
            return None  # a born-digital text layer is exact: only reviewers' corrections apply
        if len(core) < 5 or not core[0].isupper() or core in g.cities or not core.isalpha():
            return None
        stem, suffix = _inflection_stem(core, g)
        if stem != core:
            return None
        if self._is_word(core) and w.confidence >= self.s.low_ocr_word:
            return None  # a real word is never "corrected" (Diese -> Dese)
        cands = self.city_candidates(core)
        if not cands:
            return None
        variant, canon, score = cands[0]
        close = len(cands) > 1 and cands[1][2] >= score - self.s.correct_margin
        if score >= self.s.correct_apply and not close and not self._is_word(core):
            return self._apply(w, pre, core, post, variant, score, "cities", page)
        reason = (f"two close candidates: {variant} ({score:.0f}) and {cands[1][0]} ({cands[1][2]:.0f})"
                  if close else f"similar to {variant} (score {score:.0f}), below the apply threshold")
        return Correction(page.number, -1, -1, w.text, pre + variant + post, round(score, 1), "cities",
                          applied=False, needs_review=True, reason=reason)

    def _apply(self, w: Word, pre: str, core: str, post: str, new: str, score: float, source: str,
               page: Page) -> Correction:
        original = w.text
        w.corrected_from = original
        w.correction_score = score
        w.correction_source = source
        w.text = pre + new + post
        if source == "learned":  # a reviewer accepted this repair before: do not ask again
            return Correction(page.number, -1, -1, original, w.text, round(score, 1), source, applied=True,
                              reason=f"'{original}' corrected to '{w.text}' as a reviewer did before")
        return Correction(page.number, -1, -1, original, w.text, round(score, 1), source, applied=True,
                          needs_review=w.confidence < self.s.low_ocr_word,
                          reason=f"OCR confidence {w.confidence:.2f} on '{original}'; corrected to "
                                 f"'{w.text}' with score {score:.0f}")

    def _try_join(self, a: Word, b: Word) -> Optional[tuple[Word, Correction]]:
        pa, ca, _ = _split_affixes(a.text)
        pb, cb, sb = _split_affixes(b.text)
        if pa.strip() or pb or not ca.isalpha() or not cb.isalpha() or not cb[0].islower():
            return None
        if len(ca) + len(cb) < 6:
            return None
        joined = ca + cb
        lex = self.res.lexicon
        if zipf(lex, joined) < 2.5:
            return None
        if zipf(lex, ca) >= 1.5 and zipf(lex, cb) >= 1.5:
            return None  # "in dem" stays two words
        box = None
        if a.bbox and b.bbox:
            box = (a.bbox[0], min(a.bbox[1], b.bbox[1]), b.bbox[2], max(a.bbox[3], b.bbox[3]))
        word = Word(text=pa + joined + sb, bbox=box, confidence=min(a.confidence, b.confidence),
                    source=a.source, line=a.line, block=a.block,
                    corrected_from=f"{a.text} {b.text}", correction_score=90.0)
        corr = Correction(0, -1, -1, f"{a.text} {b.text}", word.text, 90.0, "lexicon-join",
                          applied=True, reason=f"'{a.text} {b.text}' joined to the word '{word.text}'")
        return word, corr

    def _try_split(self, w: Word) -> Optional[tuple[tuple[Word, Word], Correction]]:
        pre, core, post = _split_affixes(w.text)
        m = _GLUED.match(core)
        if not m:
            return None
        first, second = m.group(1), m.group(2)
        g = self.res.gazetteer
        known_first = first in g.given_names or first in g.titles or first in g.roles
        if not known_first or self._is_word(core):
            return None
        a_text, b_text = pre + first, second + post
        if w.bbox:
            x0, y0, x1, y1 = w.bbox
            cut = x0 + (x1 - x0) * len(a_text) / max(1, len(w.text))
            box_a, box_b = (x0, y0, cut, y1), (cut, y0, x1, y1)
        else:
            box_a = box_b = None
        a = Word(a_text, box_a, w.confidence, w.source, w.line, w.block, corrected_from=w.text,
                 correction_score=90.0)
        b = Word(b_text, box_b, w.confidence, w.source, w.line, w.block)
        corr = Correction(0, -1, -1, w.text, f"{a_text} {b_text}", 90.0, "given-names-split",
                          applied=True, reason=f"'{w.text}' split after the given name '{first}'")
        return (a, b), corr


def finish_offsets(page: Page, pairs: list[tuple[Word, Correction]]) -> list[Correction]:
    """After the text is rendered: point each correction at its span in the page text."""
    out = []
    for word, corr in pairs:
        corr.page = page.number
        corr.start = word.start
        end = word.end
        if corr.source == "given-names-split":  # the split covers this word and the next
            idx = page.words.index(word)
            if idx + 1 < len(page.words):
                end = page.words[idx + 1].end
        corr.end = end
        out.append(corr)
    return out
