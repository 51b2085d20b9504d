"""Span strategies, ``(words, i, ctx) -> Fix | Keep | None``: repairs that take or make several words.

A reviewer's repair of two or three words, multi-word names ('Rostow am Dan'), torn words joined
('No vember'), glued words split ('OleksandrSymtschyschyn', 'Interessiertean', 'Büro.des').
Like the single-token strategies they change no Word: a Fix carries the new words.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz import fuzz, process

from ..records import Word, union_bbox
from .model import ocr_distance, ocr_key, ocr_score
from .strategies import LEARNED_SCORE, Context, Fix, Keep, Outcome
from .tokens import ABBREV, GLUE, GLUE_FIRST, LEAKS, SUFFIXLIKE, TWO_LETTER, URLISH, split_affixes

_MULTI_LIMIT = 4  # multi-word names taken from the rapidfuzz search
_MIN_JOINED = 6  # two halves shorter than this together are not joined
_MIN_SPLIT, _MIN_GLUED = 5, 6  # shorter tokens are not split (at a seam / at a glued function word)


def merge(ws: Sequence[Word], text: str, score: float, source: str) -> Word:
    """One word in place of several: their box, their lowest confidence, what OCR read."""
    return Word(text=text, bbox=union_bbox(list(ws)), confidence=min(x.confidence for x in ws), source=ws[0].source,
                line=ws[0].line, block=ws[0].block, corrected_from=" ".join(x.text for x in ws),
                correction_score=score, correction_source=source)


def learned_span(words: Sequence[Word], i: int, ctx: Context) -> Outcome:
    """A reviewer's repair of two or three words ('No vember' -> 'November'), on any layer."""
    if not ctx.learned:
        return None
    for n in (3, 2):
        if i + n > len(words) or any(x.line != words[i].line for x in words[i:i + n]):
            continue
        pre, _c, _p = split_affixes(words[i].text)
        _p2, _c2, post = split_affixes(words[i + n - 1].text)
        text = " ".join(x.text for x in words[i:i + n])
        core = text[len(pre):len(text) - len(post)] if post else text[len(pre):]
        new = ctx.learned.get(core)
        if new is None or new == core:
            continue
        word = merge(words[i:i + n], pre + new + post, LEARNED_SCORE, "learned")
        return Fix(n, (word,), text, word.text, LEARNED_SCORE, "learned", True,
                   reason=f"'{text}' corrected to '{word.text}' as a reviewer did before")
    return None


def multiword_name(words: Sequence[Word], i: int, ctx: Context) -> Outcome:
    """Multi-word names as one span: 'Rostow am Dan' -> 'Rostow am Don', 'sankt Petersburg'.
    An exact multi-word name is kept (Keep), so its words are not repaired one by one."""
    idx, s = ctx.index, ctx.settings
    w = words[i]
    if w.source != "ocr":
        return None
    group = ctx.candidates.head_group(w.text)
    if group is None:
        return None
    for n in (3, 2, 4):
        if n not in group[2]:
            continue
        span = words[i:i + n]
        if len(span) < n or any(x.line != w.line or x.source != "ocr" for x in span):
            continue
        cores = []
        ok = True
        for k, x in enumerate(span):
            p, c, sfx = split_affixes(x.text)
            if not c or (k > 0 and p) or (k < n - 1 and sfx):
                ok = False
                break
            cores.append(c)
        if not ok:
            continue
        text = " ".join(cores)
        if text in idx.names:
            return Keep(n)
        key = ocr_key(text)
        hits: dict[str, float] = {}
        for _k, _s, j in process.extract(key, group[0], scorer=fuzz.ratio, limit=_MULTI_LIMIT,
                                         score_cutoff=s.multiword_cutoff):
            e = idx.entries[group[1][j]]
            if len(e.surface.split()) == n:
                hits[e.surface] = ocr_score(text, e.surface) + e.prior
        if not hits:
            continue
        ranked = sorted(hits.items(), key=lambda kv: -kv[1])
        target = ranked[0][0]
        score = ocr_score(text, target)
        close = len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - s.correct_margin
        # every changed word must be unknown, or the change an OCR confusion ('Dom' for 'Don')
        changed = [(a, b) for a, b in zip(cores, target.split()) if a != b]
        if len(target.split()) != n or not changed:
            continue
        if any(idx.protected(a) and ocr_distance(a, b) >= s.multiword_protected_distance for a, b in changed):
            continue
        original = " ".join(x.text for x in span)
        if score < s.correct_apply or close:
            if score >= s.correct_floor + s.multiword_suggest_above_floor:
                first_pre = split_affixes(span[0].text)[0]
                last_post = split_affixes(span[-1].text)[2]
                return Fix(n, tuple(span), original, first_pre + target + last_post, round(score, 1), "cities",
                           False,
                           reason=f"similar to {target} (score {score:.0f}), below the apply threshold")
            continue
        new_words = []
        for x, new in zip(span, target.split()):
            p, c, sfx = split_affixes(x.text)
            new_words.append(replace(x, text=p + new + sfx, corrected_from=x.text, correction_score=score,
                                     correction_source="cities") if c != new else x)
        return Fix(n, tuple(new_words), original, " ".join(x.text for x in new_words), round(score, 1), "cities",
                   True,
                   reason=f"'{original}' is the place name '{target}' (score {score:.0f})")
    return None


def is_fragment(part: str, ctx: Context) -> bool:
    """Is this half of a possibly torn word no word of its own? ('vember', 'kundet', 'gebnisse',
    'No', 'Sp'; not 'zu', 'gar', 'her'). wordfreq lists many fragments and English words at low
    frequency, so a listed but rare half still counts as a fragment."""
    idx, s = ctx.index, ctx.settings
    low = part.lower()
    n = len(low)
    if n <= 2:
        return low not in TWO_LETTER
    z = idx.zipf(low)
    if n == 3:
        return z < s.fragment_short_zipf or low in LEAKS
    if idx.is_name(part):
        return False
    return z < s.fragment_zipf and idx.compound(low, strict=True) is None


def join_torn_words(words: Sequence[Word], i: int, ctx: Context) -> Outcome:
    """Torn words: 'No vember' -> 'November', 'be kundet' -> 'bekundet', 'Chmel nyzkyj'."""
    a = words[i]
    if a.source != "ocr" or i + 1 >= len(words) or words[i + 1].line != a.line or words[i + 1].source != "ocr":
        return None
    b = words[i + 1]
    idx, s, common = ctx.index, ctx.settings, ctx.candidates.common
    pa, ca, sa = split_affixes(a.text)
    pb, cb, sb = split_affixes(b.text)
    if sa or pb or not ca.isalpha() or not cb.isalpha() or not cb[0].islower():
        return None
    if len(ca) + len(cb) < _MIN_JOINED or ca.isupper() and len(ca) > 1:
        return None
    joined = ca + cb
    if not idx.is_name(joined) and idx.zipf(joined) < s.join_word_zipf and (common(ca) or common(cb)):
        return None  # only two fragments may make a compound that no list has
    frag_a, frag_b = is_fragment(ca, ctx), is_fragment(cb, ctx)
    if not (frag_a or frag_b):
        return None  # "in dem", "zu lassen", "hier her": two words, whatever they make together
    if idx.is_name(joined):
        source = "gazetteer-join"
    else:
        zj = idx.zipf(joined)
        # a listed fragment must be far rarer than the word it is part of ('gebnisse')
        frag_z = max([idx.zipf(x) for x, f in ((ca, frag_a), (cb, frag_b)) if f and len(x) > 3] or [0.0])
        if zj >= s.join_word_zipf and zj >= frag_z + s.join_fragment_margin or \
                frag_a and frag_b and idx.compound(joined, strict=True) is not None:
            source = "lexicon-join"
        else:
            return None
    word = merge([a, b], pa + joined + sb, s.join_score, source)
    return Fix(2, (word,), f"{a.text} {b.text}", word.text, s.join_score, source, True,
               reason=f"'{a.text} {b.text}' joined to the word '{word.text}'")


def split_glued_words(words: Sequence[Word], i: int, ctx: Context) -> Outcome:
    """Glued words: a given name and a surname ('OleksandrSymtschyschyn'), two words where the
    whole is none ('Interessiertean', 'aufden'), or a speck where the space was ('Büro.des')."""
    w = words[i]
    if w.source != "ocr":
        return None
    s = ctx.settings
    pre, core, post = split_affixes(w.text)
    if len(core) < _MIN_SPLIT or URLISH.search(core):
        return None
    # an inner capital never joins a compound: split before asking the lexicon
    found = _split_speck(core, ctx) or _split_case(core, ctx)
    if found is None and w.confidence < s.sure_read and not ctx.index.protected(core):
        found = _split_glue(core, ctx)  # no visible seam: only where OCR doubts its reading
    if found is None:
        return None
    first, second, source, why = found
    a_text, b_text = pre + first, second + post
    if w.bbox:
        x0, y0, x1, y1 = w.bbox
        cut = x0 + (x1 - x0) * len(a_text) / max(1, len(w.text))
        box_a, box_b = (x0, y0, cut, y1), (cut, y0, x1, y1)
    else:
        box_a = box_b = None
    a = Word(a_text, box_a, w.confidence, w.source, w.line, w.block, corrected_from=w.text,
             correction_score=s.split_score, correction_source=source)
    b = Word(b_text, box_b, w.confidence, w.source, w.line, w.block, corrected_from=w.text,
             correction_score=s.split_score, correction_source=source)
    return Fix(1, (a, b), w.text, f"{a_text} {b_text}", s.split_score, source, True, reason=f"'{w.text}' split: {why}")


_SPECK_HYPHEN = re.compile(r"^([a-zäöü]{2,4})-([A-ZÄÖÜ][^\W\d_]{3,})$")
_SPECK_PUNCT = re.compile(r"^([^\W\d_]{2,})([.,]{1,3})([^\W\d_]{2,}\.?)$")
_CASE_SEAM = re.compile(r"^([A-ZÄÖÜ][a-zäöüß]+|[a-zäöüß]{2,})([A-ZÄÖÜ][a-zäöüß]{2,})$")


def _split_speck(core: str, ctx: Context) -> tuple[str, str, str, str] | None:
    idx, s, titles = ctx.index, ctx.settings, ctx.index.gazetteer.titles
    m = _SPECK_HYPHEN.match(core)
    if m and m.group(1) in GLUE and idx.is_name(m.group(2)):  # 'in-Schytomyr'
        return m.group(1), m.group(2), "speck-split", f"a speck between '{m.group(1)}' and '{m.group(2)}'"
    m = _SPECK_PUNCT.match(core)
    if not m:
        return None
    left, punct, right = m.groups()
    rcore = right.rstrip(".")
    if not (idx.protected(left) or left in titles or left + "." in titles):
        return None
    if not (idx.protected(rcore) or rcore + "." in titles or rcore in titles):
        return None
    if len(rcore) < 3 and rcore + "." not in titles and idx.zipf(rcore) < s.speck_short_zipf:
        return None
    if left.lower() in ABBREV or left + "." in titles:
        if right[:1].islower() and right[:1].upper() + right[1:] in idx.gazetteer.given_names:
            right = right[:1].upper() + right[1:]  # 'Dr..jana' -> 'Dr. Jana'
        return left + ".", right, "speck-split", f"'{left}.' is an abbreviation before '{right}'"
    if len(left) < 3:
        return None
    if "," in punct:  # a comma without its space ('wurden,die')
        return left + ",", right, "speck-split", f"a comma without a space between '{left}' and '{right}'"
    if rcore[0].islower():
        if idx.zipf(rcore) < s.speck_word_zipf:
            return None
        return left, right, "speck-split", f"a speck between '{left}' and '{right}'"
    return left + ".", right, "speck-split", f"a sentence or title end between '{left}' and '{right}'"


def _split_case(core: str, ctx: Context) -> tuple[str, str, str, str] | None:
    m = _CASE_SEAM.match(core)
    if not m:
        return None
    first, second = m.groups()
    idx = ctx.index
    g = idx.gazetteer
    if idx.zipf(core) >= ctx.settings.case_seam_word_zipf:
        # a word as it stands ('YouTube', 'BürgerInnen', 'PayPal': 15 such tokens in 13 of the 1,500 council texts),
        # not two glued ones: 'You' is a given name, but 'YouTube' read right stays (train6 scan: 'You Tube')
        return None
    if first in g.given_names or first in g.titles or first in g.roles or first in g.ambiguous_given:
        return first, second, "given-names-split", f"after the given name '{first}'"
    if (idx.protected(first) and len(first) >= 2 and idx.protected(second)
            and (len(first) >= 4 or first.lower() in GLUE)):
        return first, second, "lexicon-split", f"'{first}' and '{second}' are words, '{core}' is none"
    return None


def _split_glue(core: str, ctx: Context) -> tuple[str, str, str, str] | None:
    if not core.isalpha() or len(core) < _MIN_GLUED:
        return None
    idx, s = ctx.index, ctx.settings
    found = []
    low = core.lower()
    for cut in range(2, len(core) - 1):
        a, b = low[:cut], low[cut:]
        glue_first = core[0].islower() and a in GLUE_FIRST and len(b) >= 4 and idx.zipf(b) >= s.glue_word_zipf
        # 'Interessierte|an'; not 'einzuladen|den', a participle
        glue_last = b in GLUE and len(a) >= 4 and idx.zipf(a) >= s.glue_word_zipf and \
            not (a.endswith("n") and b.startswith("de"))
        if (glue_first or glue_last) and b not in SUFFIXLIKE:
            found.append(cut)
    if len(found) != 1:
        return None
    cut = found[0]
    return core[:cut], core[cut:], "lexicon-split", f"'{core[:cut]}' and '{core[cut:]}' are words, '{core}' is none"


SPAN_STRATEGIES = (learned_span, multiword_name, join_torn_words, split_glued_words)  # in this order
