"""Correction stage: repair OCR damage in names and words, guarded by a German lexicon.

Works on the page's words before the text is rendered, so that boxes and confidences stay
attached. Born-digital text-layer words are exact: only reviewers' learned repairs touch them.

    index = CandidateIndex.build(gazetteer, lexicon)          # once per worker
    settings = CorrectionSettings.from_settings(run_settings)  # once per run
    state = DocumentState()                                    # once per document
    page, corrections = correct_page(page, state, index, settings, learned)  # per arranged page

How a token is judged (OCR words only; strategies.py and spans.py, in the order below):

1. *Protected* tokens are never changed: lexicon words, compounds that split into known words
   (`Solidaritätspartnerschaft`), exact gazetteer names, numbers and file references (`V2072/23`),
   abbreviations and capitals (`THW`, `MÜZ.`), words under four letters, and unknown names the
   document itself spells the same way twice (a surname is not "corrected" towards a city).
2. The others are *candidates*. Their repairs come from the gazetteers (cities, given names,
   countries), the lexicon (words, and compounds re-checked after undoing an OCR confusion:
   `Partnerschäftsurkunde`) and the document's own confident spellings. Lookup is an exact match
   of OCR keys (confusions folded: l/i/1/I/|, rn/m, cl/d, ii/ü, 0/O, ß/B, e/c, umlauts and accents)
   and rapidfuzz over length/first-letter buckets of those keys (index.py, candidates.py).
3. Each repair is scored by a weighted Levenshtein distance in which an OCR confusion costs a
   fraction of an edit (model.py: `ocr_score`), so `Chmeinyzkyj` -> `Chmelnyzkyj` scores 98 and a
   real edit in a short word scores low. Bands: *apply* (score >= `correct_apply`, no rival within
   `correct_margin`), *suggest* (grey band or a close rival: recorded, not applied,
   `needs_review`), *ignore* (below the floor). Every suggestion and repair is a `Correction` row.

Beyond single tokens: glued words are split (`OleksandrSymtschyschyn`, `Interessiertean`,
`Büro.des`), torn words joined (`No vember`, `be kundet`), multi-word names repaired as a span
(`Rostow am Dan`), and rare real words that are a known OCR slip of a far more frequent word
(`Städt`, `fur`, `ln`) put right. Every threshold is a field of `CorrectionSettings`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..records import Correction, Page, Word
from .index import CandidateIndex
from .model import fold_accents, ocr_distance, ocr_key, ocr_score, real_edits
from .settings import CorrectionSettings
from .spans import SPAN_STRATEGIES
from .state import DocumentState
from .strategies import NO_LEARNED, Context, Fix, Keep, judge_token
from .tokens import Token

__all__ = ["CandidateIndex", "CorrectionSettings", "DocumentState", "correct_page", "fold_accents", "ocr_distance",
           "ocr_key", "ocr_score", "real_edits"]


def correct_page(page: Page, state: DocumentState, index: CandidateIndex, settings: CorrectionSettings,
                 learned: Mapping[str, str] = NO_LEARNED) -> tuple[Page, list[Correction]]:
    """The page with its repaired words and rendered text, and a row for every repair and suggestion
    (offsets into the new text). ``state`` learns the page's spellings; the input page is not
    changed, but words no strategy touched are shared with the returned page (whose render() gives
    them their offsets). ``learned``: reviewers' repairs, reading -> correct text (may be empty)."""
    ctx = Context(index, index.candidates(settings), settings, learned, state)
    words = page.words
    state.remember(words)
    current = list(words)  # the words as they stand so far: what a later token sees as its neighbour
    out: list[Word] = []
    placed: list[tuple[int, Fix]] = []  # (position in out of a fix's first word, the fix)
    i = 0
    while i < len(words):
        got = _next(words, current, i, ctx)
        if got is None:
            out.append(words[i])
            i += 1
            continue
        n = got.consumed
        if isinstance(got, Keep):
            out.extend(words[i:i + n])
        else:
            if len(got.words) == n:  # repaired in place, word for word
                current[i:i + n] = got.words
            placed.append((len(out), got))
            out.extend(got.words)
        i += n
    new = replace(page, words=out).render()
    rows = [fix.correction(page.number, out[k].start, out[k + len(fix.words) - 1].end) for k, fix in placed]
    return new, rows


def _next(words: Sequence[Word], current: Sequence[Word], i: int, ctx: Context) -> Fix | Keep | None:
    """What to do at word i: the span strategies, then the token with its neighbours."""
    w = words[i]
    if w.source == "text" and not ctx.learned:
        # a born-digital layer is exact: the span strategies start only at OCR words, and the token
        # strategies keep it (keep_text_layer) after a reviewer's repair (learned_repair), of which there are none
        return None
    cands = ctx.candidates
    if w.source == "ocr" and not ctx.learned and cands.common(w.text) and \
            (i + 1 >= len(words) or cands.common(words[i + 1].text)) and cands.head_group(w.text) is None:
        # a listed word before a listed word: no join, split or name span (fast path); only a rare
        # word may still be an OCR slip of a far commoner one ('fur' for 'für')
        return judge_token(Token.of(w), ctx) if cands.maybe_slip(w.text) else None
    for strategy in SPAN_STRATEGIES:
        got = strategy(words, i, ctx)
        if got is not None:
            return got
    return judge_token(Token.of(w, current[i - 1] if i else None, words[i + 1] if i + 1 < len(words) else None), ctx)
