"""Single-token repair strategies, each a small function ``(token, ctx) -> Fix | Keep | None``.

A strategy answers with a `Fix` (repair or suggestion: the new word and its table row), `KEEP`
(leave the token as it stands and ask no further strategy) or None (no opinion: the next one
decides). `judge_token` runs them in their order. No strategy changes a Word, the document state
or the context: a repaired word is a new Word in the Fix.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from ..records import Correction, Word
from .candidates import Candidate, Candidates, make_plan
from .index import CandidateIndex
from .model import fold_accents, inflection_like, ocr_distance, ocr_key, ocr_score, real_edits
from .settings import CorrectionSettings
from .state import DocumentState
from .tokens import GERMAN, LETTERS, Token, match_case, read_digits, split_affixes, with_trailing_l

NO_LEARNED: Mapping[str, str] = MappingProxyType({})
LEARNED_SCORE = 100.0  # a reviewer's answer is certain
_MIN_LONE_NAME = 4  # a lone name with a real edit is repaired only from this length
_DOC_LENGTH_SLACK = 2  # the document's spelling differs from the token by at most this many letters


@dataclass(frozen=True, slots=True)
class Fix:
    """A strategy's answer: ``words`` stand where ``consumed`` words stood (for a suggestion, the
    original words), and this is the row for the corrections table (offsets set by correct_page)."""

    consumed: int
    words: tuple[Word, ...]
    original: str
    corrected: str
    score: float  # 0-100, rounded to 0.1 as the table shows it
    source: str
    applied: bool
    reason: str = ""  # whether a person must look is the review stage's decision (review.decide)

    def correction(self, page: int, start: int, end: int) -> Correction:
        return Correction(page, start, end, self.original, self.corrected, self.score / 100.0, self.source,
                          self.applied,
                          reason=self.reason)


@dataclass(frozen=True, slots=True)
class Keep:
    """Leave ``consumed`` words as they stand; no further strategy is asked."""

    consumed: int = 1


KEEP = Keep()
Outcome = Fix | Keep | None


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a strategy may consult besides its token."""

    index: CandidateIndex
    candidates: Candidates  # the index's look-ups under these settings
    settings: CorrectionSettings
    learned: Mapping[str, str]  # reviewers' repairs: reading -> correct text
    doc: DocumentState

    @classmethod
    def of(cls, index: CandidateIndex, settings: CorrectionSettings, doc: DocumentState | None = None,
           learned: Mapping[str, str] | None = None) -> Context:
        return cls(index, index.candidates(settings), settings, learned if learned is not None else NO_LEARNED,
                   doc if doc is not None else DocumentState())


def repaired(word: Word, text: str, score: float, source: str) -> Word:
    """The word with its new text, remembering what OCR read (the extract stage reads these fields)."""
    return replace(word, text=text, corrected_from=word.text, correction_score=score, correction_source=source)


def apply(t: Token, ctx: Context, new_text: str, score: float, source: str, why: str = "") -> Fix:
    """Replace the token's word by new_text, with a row that says why."""
    w = t.word
    new = repaired(w, new_text, score, source)
    if source == "learned":  # a reviewer accepted this repair before: do not ask again
        return Fix(1, (new,), w.text, new_text, round(score, 1), source, True,
                   reason=f"'{w.text}' corrected to '{new_text}' as a reviewer did before")
    reason = why or f"corrected to '{new_text}' with score {score:.0f}"
    return Fix(1, (new,), w.text, new_text, round(score, 1), source, True,
               reason=f"OCR confidence {w.confidence:.2f} on '{w.text}'; {reason}")


def suggest(t: Token, new_text: str, best: Candidate, reason: str) -> Fix:
    """A row for a reviewer; the word stays as OCR read it."""
    w = t.word
    return Fix(1, (w,), w.text, new_text, round(best.score, 1), best.source, False,
               reason=reason)


# ---------------------------------------------------------------------------------------------
# the order


def judge_token(t: Token, ctx: Context) -> Fix | None:
    """One token: a learned repair, else (OCR words only) the first strategy that decides."""
    got = learned_repair(t, ctx) or keep_text_layer(t, ctx) or keep_frequent_word(t, ctx) or trailing_l(t, ctx)
    if got is None:
        t = read_trailing_l(t, ctx)
        got = (accented_surname(t, ctx) or keep_odd_shape(t, ctx) or dotless_i(t, ctx) or keep_foreign_letters(t, ctx)
               or digit_for_letter(t, ctx) or short_slip(t, ctx) or keep_known_name(t, ctx)
               or listed_word(t, ctx) or hyphenated_parts(t, ctx) or compound_slip(t, ctx) or decide(t, ctx))
    return name_guard(t, got, ctx) if isinstance(got, Fix) else None


# ---------------------------------------------------------------------------------------------
# the guard for people's names: a repair that would put another name in a person's place


_HONORIFICS = frozenset({"Herr", "Herrn", "Frau"})
_NAME_SOURCES = frozenset({"cities", "given-names", "countries", "orgs"})  # listed names (not 'document')


def person_cue(core: str | None, ctx: Context) -> bool:
    """A word a person's name follows: a given name, a title, Herr/Frau, a role ('Oberbürgermeister')."""
    if not core:
        return False
    g = ctx.index.gazetteer
    return (core in _HONORIFICS or core in g.given_names or core in g.titles or core + "." in g.titles
            or core in g.roles)


def surname_slot(t: Token, target: str, ctx: Context) -> bool:
    """The token stands where a surname stands: after a person cue ('Frank Mëntrup', 'Herr X'),
    unless it is the given name itself between a cue and a surname ('Dr. Ulrlke Hahn')."""
    if not person_cue(t.prev_core, ctx):
        return False
    nxt = t.next_core
    given_here = target in ctx.index.gazetteer.given_names and nxt is not None and nxt[:1].isupper() and \
        nxt.isalpha() and not nxt.isupper()  # a surname may be a word ('Hahn'), but no party ('SPD')
    return not given_here


def name_guard(t: Token, fix: Fix, ctx: Context) -> Fix:
    """An applied repair in a surname's place (after a given name, title, Herr/Frau or role)
    becomes a suggestion unless the document supports it (spells the target elsewhere, e.g. on a
    role line, or the target is the document's own spelling):

    - a repair into *another* listed name: one that needs a real edit, not only OCR confusions
      undone ('Lenhärt' -> 'Lennart'; but 'Espösito' -> 'Esposito', 'V0gt' -> 'Vogt' stay repairs);
    - any repair of a surname that Tesseract read with confidence of at least ``sure_read``
      (a surname is an open class: a sure reading of an unlisted one is most likely right).

    Given names outside that place (a closed list: 'Plotr' is no name), cities, countries and
    words are not touched; nor reviewers' answers."""
    if not fix.applied or fix.source not in _NAME_SOURCES or len(fix.words) != 1:
        return fix
    w, s = t.word, ctx.settings
    _p, target, _s = split_affixes(fix.words[0].text)
    if not target or ctx.doc.spells(target) or not surname_slot(t, target, ctx):
        return fix
    if real_edits(read_digits(t.core), target)[0] or fix.score < s.correct_apply:
        why = f"'{t.core}' stands where a surname stands and '{target}' is another name the document does not give"
    elif w.confidence >= s.sure_read and read_digits(t.core) == t.core:  # a digit in a name is no spelling
        why = f"OCR is sure of the surname '{t.core}' (confidence {w.confidence:.2f}); the document does not " \
              f"give '{target}'"
    else:
        return fix
    return Fix(fix.consumed, (w,), fix.original, fix.corrected, fix.score, fix.source, False,
               reason=f"{why} (score {fix.score:.0f})")


# ---------------------------------------------------------------------------------------------
# guards: tokens that are never changed


def keep_text_layer(t: Token, ctx: Context) -> Outcome:
    """A born-digital text layer is exact: only reviewers' repairs (learned_repair) apply."""
    return KEEP if t.word.source == "text" or not t.core else None


def keep_frequent_word(t: Token, ctx: Context) -> Outcome:
    """A frequent listed word is no OCR slip (unless a '!' or '|' stands for its final l)."""
    if ctx.candidates.common(t.core) and ctx.index.zipf(t.core) >= ctx.settings.frequent_zipf and \
            t.post[:1] not in ("!", "|"):
        return KEEP
    return None


def keep_odd_shape(t: Token, ctx: Context) -> Outcome:
    """Abbreviations, headings, stamp months (MÜZ.), numbers, file references (V2072/23), junk."""
    core = t.core
    if len(core) < 2 or (core.isupper() and len(core) > 1) or not LETTERS.match(read_digits(core)):
        return KEEP
    return None


def keep_foreign_letters(t: Token, ctx: Context) -> Outcome:
    """é, ł, ø, ř: the German OCR model does not invent these, so it read them."""
    return None if GERMAN.match(read_digits(t.core)) else KEEP


def keep_known_name(t: Token, ctx: Context) -> Outcome:
    return KEEP if ctx.index.is_name(t.core) else None


# ---------------------------------------------------------------------------------------------
# repairs of one token


def learned_repair(t: Token, ctx: Context) -> Outcome:
    """A reviewer's earlier answer for this reading (also on the text layer)."""
    new = ctx.learned.get(t.core) if t.core else None
    if new is not None and new != t.core:
        return apply(t, ctx, t.pre + new + t.post, LEARNED_SCORE, "learned")
    return None


def trailing_l(t: Token, ctx: Context) -> Outcome:
    """'Hölze!' -> 'Hölzel': a '!' or '|' read for a final l, when that makes a known word or name."""
    idx = ctx.index
    with_l, post_l = with_trailing_l(t.core, t.post)
    if with_l != t.core and not idx.protected(t.core) and idx.protected(with_l):
        return apply(t, ctx, t.pre + with_l + post_l, ocr_score(t.core + t.post[:1], with_l), idx.source_of(with_l),
                     why=f"'{t.post[:1]}' read for a final 'l'")
    return None


def read_trailing_l(t: Token, ctx: Context) -> Token:
    """The token as the later strategies judge it: an unknown 'Hölze!' is judged as 'Hölzel'."""
    with_l, post_l = with_trailing_l(t.core, t.post)
    if with_l != t.core and not ctx.index.protected(t.core):
        return t._replace(core=with_l, post=post_l)
    return t


def dotless_i(t: Token, ctx: Context) -> Outcome:
    """Tesseract's dotless i ('wırd', 'Claudıa'); Turkish names keep theirs."""
    letters = read_digits(t.core)
    if "ı" not in letters:
        return None
    idx = ctx.index
    dotted = letters.replace("ı", "i")
    if idx.protected(dotted) and not idx.protected(t.core):
        return apply(t, ctx, t.pre + dotted + t.post, ocr_score(t.core, dotted), idx.source_of(dotted),
                     why="a dotless 'ı' read for 'i'")
    return KEEP


def digit_for_letter(t: Token, ctx: Context) -> Outcome:
    """'0dessa' -> 'Odessa': a digit read for a letter, when that makes a known word or name."""
    letters = read_digits(t.core)
    if letters != t.core and ctx.index.protected(letters):
        return apply(t, ctx, t.pre + letters + t.post, ocr_score(t.core, letters), ctx.index.source_of(letters),
                     why="a digit read for a letter")
    return None


def _slip(t: Token, ctx: Context, short: bool) -> Outcome:
    """A rare real word that is an OCR slip of a far more frequent one; KEEP for a word of
    ordinary frequency ('würde' stays), None when no slip is found."""
    idx, s = ctx.index, ctx.settings
    core = t.core
    z = idx.zipf(core)
    if z >= s.frequent_zipf or (idx.is_name(core) and z >= s.slip_name_max_zipf):
        return KEEP
    need = s.short_slip_min_zipf if short else 0.0  # a short token becomes only a very common function word
    sure = t.word.confidence >= s.sure_read
    best: tuple[float, str] | None = None
    for zv, v, umlaut in idx.slip_variants(core):
        if sure:  # Tesseract is sure: only a glaring slip ('fur' for 'für')
            far = zv - z >= s.slip_margin_sure or (zv - z >= s.slip_margin and zv >= s.slip_very_common_zipf)
        else:
            far = zv - z >= s.slip_margin or \
                (umlaut and not short and z < s.umlaut_slip_max_zipf and zv >= s.umlaut_slip_min_zipf)
        if zv >= need and far and (best is None or zv > best[0]):
            best = (zv, v)
    if best is None:
        return None
    target = best[1]
    if short and core[:1].islower() and target[:1].isupper():
        target = target.lower()
    return apply(t, ctx, t.pre + target + t.post, ocr_score(core, target), "lexicon",
                 why=f"'{core}' is a rare word, '{target}' a frequent one an OCR slip away")


def short_slip(t: Token, ctx: Context) -> Outcome:
    """Tokens of three letters or fewer: only a slip of a very common word ('fur' -> 'für', 'ln' -> 'in')."""
    if len(t.core) > 3:
        return None
    got = _slip(t, ctx, short=True)
    return got if isinstance(got, Fix) else KEEP


def rare_word_slip(t: Token, ctx: Context) -> Outcome:
    """'Städt' -> 'Stadt': a rare listed word an OCR slip from a far more frequent one."""
    return _slip(t, ctx, short=False)


def _accents_read_as(reading: str, name: str) -> bool:
    """The reading is the name where OCR lost its accented letters: each such letter read without its accent or
    as a mark ('Honne', 'Honn&' for 'Honné'); every other letter as written."""
    if len(reading) != len(name):
        return False
    for r, n in zip(reading, name):
        if r == n:
            continue
        if n.isascii() or n in "ÄÖÜäöüß" or (r.isalnum() and r != fold_accents(n)):
            return False
    return True


def accented_surname(t: Token, ctx: Context) -> Outcome:
    """'Stadtrat Honne' -> 'Stadtrat Honné', 'Tom Hoyem' -> 'Tom Høyem': a surname the council's own texts spell
    with letters Tesseract's German model drops (gazetteer.accented_surnames, scripts/build_council_names.py),
    read as the same letters without them (or with a mark in their place), after a person cue (a given name, title, Herr/Frau, a role) or, without
    a cue, where neither the lexicon nor a name list knows the reading."""
    core = t.core
    table = ctx.index.gazetteer.accented_surnames
    target = table.get(core.lower()) if core[:1].isupper() else None
    if target is None and core[:1].isupper() and not core.isalpha():  # 'Honn&': the é read as a mark
        target = next((name for name in table.values() if _accents_read_as(core, name)), None)
    if target is None or target == core or not _accents_read_as(core, target):
        return None
    if not (person_cue(t.prev_core, ctx) or (ctx.index.zipf(core) == 0 and not ctx.index.is_name(core))):
        return None
    return apply(t, ctx, t.pre + target + t.post, ocr_score(core, target), "council-names",
                 why=f"the council's texts spell the surname '{target}' with letters OCR cannot read")


def accented_given_name(t: Token, ctx: Context) -> Outcome:
    """'Francois Moreau' -> 'François Moreau': a listed word that is a given name with its accents
    dropped (Tesseract's German model cannot read ç, ş, ł), next to a surname or after a title.
    Not when the plain spelling is a given name itself ('Elise', 'Pawel')."""
    idx, s, g = ctx.index, ctx.settings, ctx.index.gazetteer
    core = t.core
    if not core[:1].isupper() or idx.zipf(core) >= s.accented_max_zipf or core in g.given_names:
        return None
    names = idx.accented_names().get(core.lower())
    if not names or len(names) != 1:
        return None
    prev, nxt = t.prev_core, t.next_core
    surname_next = nxt is not None and nxt[:1].isupper() and not ctx.candidates.common(nxt) and len(nxt) >= 3
    after_name = prev is not None and (prev in g.given_names or prev in g.titles or
                                       prev.rstrip(".") + "." in g.titles or prev in ("Herr", "Frau"))
    if not (surname_next or after_name):
        return None
    target = names[0]
    return apply(t, ctx, t.pre + target + t.post, ocr_score(core, target), "given-names",
                 why=f"the given name '{target}' with the accents OCR cannot read")


def name_slip(t: Token, ctx: Context) -> Outcome:
    """A rare listed word that is one OCR confusion from a name: 'Klans' -> 'Klaus'."""
    idx, s = ctx.index, ctx.settings
    core = t.core
    z = idx.zipf(core)
    if z >= s.name_slip_max_zipf or not core[:1].isupper() or t.word.confidence >= s.sure_read:
        return None
    plan = ctx.candidates.plan(core)
    if plan is None or not plan.best.is_name or plan.edits or is_close(plan.best, plan.rival, s):
        return None
    best = plan.best
    if ocr_distance(core, best.target) > s.name_slip_max_distance or best.score < s.correct_apply:
        return None
    if best.source == "given-names" and best.zipf < z + s.name_slip_zipf_margin:
        return None  # the name must be commoner than the word
    return apply(t, ctx, t.pre + best.target + t.post, best.score, best.source,
                 why=f"'{core}' is a rare word, '{best.target}' a name an OCR slip away")


def listed_word(t: Token, ctx: Context) -> Outcome:
    """A word the lexicon lists is kept, unless it is a known OCR slip: an accented given name,
    a far commoner word, or a name."""
    if ctx.index.zipf(t.core) <= 0:
        return None
    return accented_given_name(t, ctx) or rare_word_slip(t, ctx) or name_slip(t, ctx) or KEEP


def hyphenated_parts(t: Token, ctx: Context) -> Outcome:
    """Hyphenated or apostrophe names: the whole against the gazetteer ('Baden-Badcn')."""
    core = t.core
    if "-" not in core and "'" not in core:
        return None
    if ctx.index.is_word(core):
        return KEEP
    plan = ctx.candidates.plan(core)
    if plan is None or not plan.best.is_name:
        return KEEP
    return decide(t, ctx, core) or KEEP


def compound_slip(t: Token, ctx: Context) -> Outcome:
    """A token that splits into listed words ('Ober|burger|meister', 'Warse|hau') but is an OCR
    confusion away from a common listed word or a name ('Oberbürgermeister', 'Warschau')."""
    idx, s = ctx.index, ctx.settings
    core = t.core
    if idx.compound(core) is None:
        return None
    if idx.compound(core, strict=True) is None:  # rare or short parts: a near name or common word is likelier
        plan = ctx.candidates.plan(core)
        if plan is not None and plan.edits == 0 and plan.best.score >= s.compound_slip_min_score and \
                (plan.best.is_name or idx.zipf(plan.best.target) >= s.compound_slip_word_zipf) and \
                not is_close(plan.best, plan.rival, s) and t.word.confidence < s.sure_read:
            return apply(t, ctx, t.pre + plan.best.target + t.post, plan.best.score, plan.best.source,
                         why=f"'{core}' splits only into rare words; '{plan.best.target}' is an OCR slip away")
    best = None
    for i in idx.exact.get(ocr_key(core), ()):
        e = idx.entries[i]
        if e.source == "lexicon" and e.zipf < s.compound_slip_target_zipf:
            continue
        target = match_case(core, e.surface, e.is_name)
        if target == core:
            continue
        d = ocr_distance(core, target)
        if d <= s.compound_slip_max_distance and (best is None or d < best[0]):
            best = (d, e)
    if best is None:
        return KEEP
    target = match_case(core, best[1].surface, best[1].is_name)
    return apply(t, ctx, t.pre + target + t.post, ocr_score(core, target), best[1].source,
                 why=f"'{core}' splits into words but is one OCR slip from '{target}'")


# ---------------------------------------------------------------------------------------------
# the main decision: an unknown token against the gazetteers, the lexicon and the document


def is_close(best: Candidate, rival: Candidate | None, s: CorrectionSettings) -> bool:
    """A rival within the margin makes the repair ambiguous, unless it is far rarer
    ('Sabine' before 'Sabiye')."""
    if rival is None or rival.rank < best.rank - s.correct_margin:
        return False
    return not dominates(best, rival, s)


def dominates(best: Candidate, rival: Candidate, s: CorrectionSettings) -> bool:
    """Far more common as a word or name (zipf): 'Warschau' over 'Wachau', 'Freiburg' over
    'Freyburg', 'bereits' over 'breites'."""
    return best.zipf >= rival.zipf + s.dominate_zipf_margin and best.zipf >= s.dominate_min_zipf


def document_candidate(core: str, conf: float, ctx: Context) -> Candidate | None:
    """A spelling this document gives confidently and more often ('Lytwynenk0' -> 'Lytwynenko')."""
    if not core[:1].isupper():
        return None
    s, doc = ctx.settings, ctx.doc
    best: Candidate | None = None
    mine = doc.counts.get(core, 0)
    n_core, first = len(core), core[:1].upper()
    surer = max(s.sure_read, conf)
    conf_of = doc.conf.get
    for other, n in doc.counts.items():
        if other == core or abs(len(other) - n_core) > _DOC_LENGTH_SLACK or other[:1].upper() != first:
            continue
        if n <= mine or conf_of(other, 0.0) < surer:
            continue  # the document's usual spelling, read more surely than this one
        if ctx.index.protected(other):
            continue  # only unknown names; words and listed names have their own sources
        sc = ocr_score(core, other)
        if sc >= s.correct_apply and (best is None or sc > best.score):
            best = Candidate(other, sc, "document", sc + s.document_prior)
    return best


def _in_doc(c: Candidate | None, doc: DocumentState) -> bool:
    return c is not None and doc.spells(c.target)


def decide(t: Token, ctx: Context, core: str | None = None) -> Outcome:
    """Apply, suggest or ignore the best repair of an unknown token. ``core`` is what is looked up
    (default: the token's core with digits read as letters); the token's own core is what the
    document is asked about."""
    s, doc, w = ctx.settings, ctx.doc, t.word
    seen_core = t.core
    core = read_digits(t.core) if core is None else core
    plan = ctx.candidates.plan(core)
    mine = document_candidate(seen_core, w.confidence, ctx)
    if mine is not None and (plan is None or (mine.key != plan.best.key and
                                              mine.score >= plan.best.score - s.doc_candidate_slack)):
        plan = make_plan(core, mine, [plan.best] if plan is not None else [])
    if plan is None:
        return None
    best, rival = plan.best, plan.rival
    edits = plan.edits
    # the document names one of the two elsewhere ('Krakau' three lines up): that one it is
    if rival is not None and _in_doc(rival, doc) and not _in_doc(best, doc) and \
            rival.score >= best.score - s.correct_margin:
        best, rival = rival, best
        edits = real_edits(core, best.target)[0]
    doc_backed = _in_doc(best, doc) and (rival is None or not _in_doc(rival, doc))
    # an unknown word the document spells the same way elsewhere is its spelling (a surname is
    # not "corrected" to a city), unless the repair only undoes OCR confusions (a scan can drop
    # every umlaut the same way: 'Oberburgermeister')
    if doc.counts.get(seen_core, 0) >= s.doc_spelling_count and edits and best.source != "document":
        return None
    close = is_close(best, rival, s) and not doc_backed
    sure = w.confidence >= s.sure_read
    if best.is_name:
        ok = best.score >= s.correct_apply and (edits == 0 or not sure)
        # one lost or wrong letter in a longer name, with no other name anywhere near
        lone = rival is None or rival.rank < best.rank - s.lone_rank_margin or dominates(best, rival, s) or \
            doc_backed
        ok = ok or (best.score >= s.lone_name_min_score and edits <= s.lone_name_max_edits and lone and not sure
                    and len(core) >= _MIN_LONE_NAME)
    elif sure:  # Tesseract is sure: only a cheap slip in a long word ('Zivilgeselischaft')
        ok = best.score >= s.sure_word_min_score and edits == 0 and best.via != "compound"
    else:
        ok = best.score >= s.correct_apply
        if edits:  # a real edit in a word: long words, a doubtful reading, no inflection
            ok = ok and best.score >= s.word_edit_min_score and w.confidence < s.doubtful_read and \
                not inflection_like(core, best.target)
    new_text = t.pre + best.target + t.post
    if ok and not close:
        return apply(t, ctx, new_text, best.score, best.source)
    # a grey-band word repair is only worth a reviewer's time when it is near the apply band
    floor = max(s.correct_floor, s.word_suggest_floor if best.source == "lexicon" else s.correct_floor)
    if best.score < floor:
        return None
    if close:
        reason = (f"two close candidates: {best.target} ({best.score:.0f}) and {rival.target} "
                  f"({rival.score:.0f})")
    elif sure and best.score >= s.correct_apply:
        reason = f"OCR is sure of '{w.text}' (confidence {w.confidence:.2f}); similar to {best.target} " \
                 f"(score {best.score:.0f})"
    else:
        reason = f"similar to {best.target} (score {best.score:.0f}), below the apply threshold"
    return suggest(t, new_text, best, reason)
