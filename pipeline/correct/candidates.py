"""Repair candidates of a token: index look-up, compounds re-checked, the best repair and its rival.

One `Candidates` per (index, settings), kept by the index (`index.candidates(settings)`), so that
its caches are shared by every document of a worker. Everything here is a pure function of the
token, the index and the settings: the caches never change an answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from .index import head, tail
from .model import ocr_key, ocr_score, plain_key, quick_score, real_edits
from .settings import CorrectionSettings
from .tokens import LEAKS, match_case, split_affixes

if TYPE_CHECKING:
    from .index import CandidateIndex

# OCR confusions undone one at a time when a compound (not in any list) is re-checked
_EDITS = [("ä", "a"), ("ö", "o"), ("ü", "u"), ("a", "ä"), ("o", "ö"), ("u", "ü"), ("i", "l"), ("l", "i"),
          ("t", "l"), ("l", "t"), ("c", "e"), ("e", "c"), ("rn", "m"), ("m", "rn"), ("cl", "d"), ("ii", "ü"),
          ("n", "u"), ("u", "n"), ("f", "t"), ("t", "f"), ("h", "b"), ("b", "h"), ("1", "l"), ("0", "o"),
          ("ß", "B"), ("B", "ß"), ("ii", "i")]
_EXACT_HIT = 101.0  # an exact key match sorts before every fuzzy one
_FUZZY_LIMIT = 15  # best keys taken from each rapidfuzz bucket
_QUICK_TOP = 30  # candidates given the quick score
_SCORED_TOP = 6  # candidates given the (dear) weighted OCR score
_LONG_KEY = 6  # keys of this length or more use lookup_cutoff_long
_MIN_COMPOUND = 8  # shorter tokens are not re-checked as compounds
_PLAN_CACHE_MAX = _HEAD_CACHE_MAX = 100_000  # caches are emptied past these sizes (memory stays bounded)
_TOKEN_CACHE_MAX = 200_000


@dataclass
class Candidate:
    target: str  # the repaired core, case already matched
    score: float  # ocr_score, 0-100
    source: str  # cities | given-names | countries | orgs | lexicon | document
    rank: float  # score plus the target's prior: orders near-equal candidates
    canon: str = ""  # candidates with one meaning (two spellings of one city) are no rivals
    via: str = "index"  # index | compound (a compound re-checked after undoing a confusion)
    zipf: float = 0.0  # how common the target is as a word or name

    @property
    def key(self) -> str:
        return self.target.lower()

    @property
    def meaning(self) -> str:
        return self.canon or self.key

    @property
    def is_name(self) -> bool:
        return self.source in ("cities", "given-names", "countries", "document")


@dataclass
class Plan:
    """What to do with one token: the best candidate, its closest rival of another meaning, and
    how many real (non-OCR) edits the repair needs."""

    best: Candidate
    rival: Candidate | None = None
    edits: int = 0
    indels: int = 0


def make_plan(core: str, best: Candidate, others: list[Candidate]) -> Plan:
    rival = next((c for c in others if c.meaning != best.meaning and c.key != best.key), None)
    edits, indels = real_edits(core, best.target)
    return Plan(best, rival, edits, indels)


class Candidates:
    """The look-ups of one index under one CorrectionSettings, cached."""

    def __init__(self, index: CandidateIndex, settings: CorrectionSettings) -> None:
        self.index = index
        self.settings = settings
        self._plans: dict[str, Plan | None] = {}
        self._common: dict[str, bool] = {}
        self._heads: dict[str, tuple[list[str], list[int], set[int]] | None] = {}

    # ------------------------------------------------------------------ tokens
    def common(self, text: str) -> bool:
        """A token that is a listed German word as it stands ('Stadt', 'die', 'beschließt,'): no join
        or split concerns it."""
        c = self._common.get(text)
        if c is None:
            s = self.settings
            _p, core, _s = split_affixes(text)
            c = core.isalpha() and not any(ch.isupper() for ch in core[1:]) and \
                self.index.zipf(core) >= (s.common_zipf if len(core) > 3 else s.common_short_zipf) and \
                core.lower() not in LEAKS
            if len(self._common) > _TOKEN_CACHE_MAX:
                self._common.clear()
            self._common[text] = c
        return c

    def maybe_slip(self, text: str) -> bool:
        """Could this listed word be an OCR slip at all (rare enough, or a '!' read for a final l)?"""
        _p, core, post = split_affixes(text)
        return self.index.zipf(core) < self.settings.frequent_zipf or post[:1] in ("!", "|")

    def head_group(self, text: str) -> tuple[list[str], list[int], set[int]] | None:
        """The multi-word names this token may start, or None."""
        pre, first, _post = split_affixes(text)
        if not first or pre.strip("„‚\"'"):
            return None
        if first in self._heads:
            return self._heads[first]
        if len(self._heads) > _HEAD_CACHE_MAX:
            self._heads.clear()
        # a lowercase common word ('die', 'in', 'am') starts no name; 'sankt Petersburg' may
        group = self.index.multi.get(ocr_key(first))
        if first[:1].islower() and self.index.zipf(first) >= self.settings.name_head_max_zipf:
            group = None
        self._heads[first] = group
        return group

    # ------------------------------------------------------------------ candidates
    def lookup(self, core: str) -> list[Candidate]:
        """Gazetteer and lexicon targets near the core, scored, best first, one per target."""
        idx, s = self.index, self.settings
        key = ocr_key(core)
        if len(key) < 3:
            return []
        hits: dict[int, float] = {}
        for k in {key, plain_key(core)}:
            for i in idx.exact.get(k, ()):
                hits[i] = _EXACT_HIT
        cutoff = s.lookup_cutoff_long if len(key) >= _LONG_KEY else s.lookup_cutoff_short
        nk = len(key)
        for table, edge, lengths in ((idx.first, head, range(nk - 2, nk + 3)), (idx.last, tail, range(nk - 1, nk + 2))):
            for n in lengths:
                bucket = table.get((edge(key, n), n))
                if not bucket:
                    continue
                for _k, sc, j in process.extract(key, bucket[0], scorer=fuzz.ratio, limit=_FUZZY_LIMIT,
                                                 score_cutoff=cutoff):
                    i = bucket[1][j]
                    if sc > hits.get(i, 0.0):
                        hits[i] = sc
        # the weighted OCR distance is dear: only for the best few by a quick estimate
        ids = sorted(hits, key=lambda i: -hits[i])[:_QUICK_TOP]
        quick = {i: quick_score(core, idx.entries[i].surface) + idx.entries[i].prior for i in ids}
        ids = sorted(ids, key=lambda i: -quick[i])[:_SCORED_TOP]
        lower = core[:1].islower() and core[:1] not in "l1"  # 'lstanbul' is 'Istanbul' read with l
        best: dict[str, Candidate] = {}
        for i in ids:
            e = idx.entries[i]
            if lower and e.is_name:
                continue  # a lowercase word is no name ('sonal' is not 'Sonal')
            target = match_case(core, e.surface, e.is_name)
            if target == core:
                continue
            score = ocr_score(core, target, s.correct_floor - s.lookup_score_slack)
            cand = Candidate(target, score, e.source, score + e.prior, e.canon, zipf=e.zipf)
            old = best.get(cand.key)
            if old is None or cand.rank > old.rank:
                best[cand.key] = cand
        return sorted(best.values(), key=lambda c: -c.rank)

    def compound_repairs(self, core: str) -> list[Candidate]:
        """Undo one OCR confusion (or every umlaut) and see whether a compound of common words
        appears: 'Partnerschäftsurkunde' -> 'Partnerschaftsurkunde'."""
        if len(core) < _MIN_COMPOUND:
            return []
        variants: set[str] = set()
        for a, b in _EDITS:
            start = 0
            while True:
                i = core.find(a, start)
                if i < 0:
                    break
                variants.add(core[:i] + b + core[i + len(a):])
                start = i + 1
        variants.add(core.translate(str.maketrans("äöü", "aou")))
        out = []
        for v in variants:
            if v != core and self.index.compound(v, strict=True) is not None:
                sc = ocr_score(core, v)
                out.append(Candidate(v, sc, "lexicon", sc, via="compound", zipf=self.settings.compound_zipf))
        return sorted(out, key=lambda c: -c.rank)

    def plan(self, core: str) -> Plan | None:
        """Best repair of an unprotected core, with its closest rival (cached)."""
        plans = self._plans
        if core in plans:
            return plans[core]
        s = self.settings
        cands = self.lookup(core)
        have = {c.key for c in cands}
        if not cands or cands[0].score < s.correct_apply:
            for c in self.compound_repairs(core):
                if c.key not in have:
                    cands.append(c)
                    have.add(c.key)
            cands.sort(key=lambda c: -c.rank)
        plan = None
        if cands and cands[0].score >= s.correct_floor:
            plan = make_plan(core, cands[0], cands[1:])
        if len(plans) > _PLAN_CACHE_MAX:
            plans.clear()
        plans[core] = plan
        return plan
