"""Every threshold of the correction stage, named, documented and validated in one place.

Scores are 0-100 (`ocr_score`), reading confidences 0-1 (Tesseract's word confidence), word
frequencies are zipf values from the lexicon (wordfreq: 7 is 'die', 3 a rare word, 0 unlisted).
The values are the ones the stage was tuned with (bench/correct_bench.py); change them there.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

# which fields hold which kind of number (validated in __post_init__)
_CONFIDENCES = ("sure_read", "doubtful_read", "low_ocr_word")
_SCORES = ("correct_floor", "correct_apply", "correct_margin", "lookup_cutoff_long", "lookup_cutoff_short",
           "lookup_score_slack", "lone_name_min_score", "sure_word_min_score", "word_edit_min_score",
           "word_suggest_floor", "lone_rank_margin", "doc_candidate_slack", "document_prior",
           "compound_slip_min_score", "multiword_cutoff", "multiword_suggest_above_floor", "join_score",
           "split_score")
_ZIPFS = ("word_min_zipf", "compound_zipf", "common_zipf", "common_short_zipf", "frequent_zipf",
          "name_head_max_zipf", "slip_name_max_zipf", "short_slip_min_zipf", "slip_margin", "slip_margin_sure",
          "slip_very_common_zipf", "umlaut_slip_max_zipf", "umlaut_slip_min_zipf", "accented_max_zipf",
          "name_slip_max_zipf", "name_slip_zipf_margin", "compound_slip_word_zipf", "compound_slip_target_zipf",
          "dominate_zipf_margin", "dominate_min_zipf", "fragment_zipf", "fragment_short_zipf", "join_word_zipf",
          "join_fragment_margin", "speck_word_zipf", "speck_short_zipf", "glue_word_zipf",
          "case_seam_word_zipf")
_DISTANCES = ("name_slip_max_distance", "compound_slip_max_distance", "multiword_protected_distance")
_COUNTS = ("lone_name_max_edits", "doc_spelling_count")
# fields the index is built with (CandidateIndex.build): another value needs another index
INDEX_FIELDS = ("word_min_zipf",)


@dataclass(frozen=True)
class CorrectionSettings:
    # ---- bands (also in pipeline/config.py::Settings, whose values from_settings() takes)
    correct_floor: float = 70.0  # below this score a repair is ignored: no row at all
    correct_apply: float = 88.0  # at or above it a repair is applied (rules below permitting); between: suggested
    correct_margin: float = 4.0  # two candidates of other meanings closer than this: suggest, do not apply
    low_ocr_word: float = 0.50  # an applied repair of a word read below this confidence still needs review

    # ---- how sure Tesseract was of the word (confidence 0-1)
    sure_read: float = 0.90  # at or above: taken as read right (95 % of right words are above it, 78 % of
    #                          misread ones below); only OCR-confusion repairs of names apply to such a
    #                          word, anything riskier is only suggested
    doubtful_read: float = 0.70  # below: a real edit (no OCR confusion) may repair a word
    #                              (62 % of misread words, 1.6 % of right ones)

    # ---- the index and the lookup (pipeline/correct/index.py, candidates.py)
    word_min_zipf: float = 2.5  # lexicon words rarer than this are kept when read, but are no repair target
    lookup_cutoff_long: float = 72.0  # rapidfuzz ratio of OCR keys a target of a key of 6+ letters needs
    lookup_cutoff_short: float = 75.0  # the same for shorter keys
    lookup_score_slack: float = 10.0  # ocr_score stops early below correct_floor minus this
    compound_zipf: float = 2.5  # the frequency a compound repair target counts with (it is in no list)
    common_zipf: float = 3.0  # a token of 4+ letters this frequent is a common word as it stands
    common_short_zipf: float = 4.3  # the same for tokens of three letters or fewer
    frequent_zipf: float = 4.5  # a word this frequent is never an OCR slip of another
    name_head_max_zipf: float = 4.0  # a lowercase word this frequent starts no multi-word name ('die', 'am')

    # ---- the main decision for an unknown token (strategies.decide)
    doc_candidate_slack: float = 1.0  # the document's own spelling wins when within this score of the best target
    doc_spelling_count: int = 2  # an unknown word spelled so often in the document is its spelling: kept
    lone_name_min_score: float = 80.0  # a name with one real edit and no rival near applies from this score
    lone_name_max_edits: int = 1  # ... with at most this many real (non-OCR) edits
    lone_rank_margin: float = 7.0  # ... when every rival ranks at least this much lower
    sure_word_min_score: float = 96.0  # a word Tesseract is sure of is repaired only at this score (no real edit)
    word_edit_min_score: float = 90.0  # a word repair that needs a real edit: at least this score
    word_suggest_floor: float = 80.0  # a grey-band word (not name) repair is suggested only from this score
    dominate_zipf_margin: float = 1.0  # a candidate this much more common than its rival is no close call
    dominate_min_zipf: float = 2.5  # ... if it is at least this common
    document_prior: float = 0.5  # rank bonus of the document's own spelling over its score

    # ---- slips: rare real words an OCR confusion away from a far commoner one (strategies.*_slip)
    slip_name_max_zipf: float = 3.0  # a listed name at least this common as a word is no slip
    short_slip_min_zipf: float = 5.0  # a token of 1-3 letters becomes only a word this common ('fur' -> 'für')
    slip_margin: float = 2.5  # the repaired word must be this much more frequent
    slip_margin_sure: float = 3.5  # ... on a word Tesseract is sure of
    slip_very_common_zipf: float = 6.0  # ... or slip_margin if the repair is this common
    umlaut_slip_max_zipf: float = 3.0  # an umlaut slip repairs a word rarer than this ...
    umlaut_slip_min_zipf: float = 4.0  # ... to a word at least this common
    accented_max_zipf: float = 3.5  # a word this common is no given name that lost its accents
    name_slip_max_zipf: float = 3.0  # a word this common is no slip of a name ('Klans' -> 'Klaus')
    name_slip_max_distance: float = 0.5  # ... and the name at most this OCR distance away
    name_slip_zipf_margin: float = 1.0  # ... and a given name must be this much more common than the word
    compound_slip_min_score: float = 92.0  # a compound of rare parts yields to a near name or word from here
    compound_slip_word_zipf: float = 3.5  # ... if that word is at least this common
    compound_slip_target_zipf: float = 3.0  # a lexicon word this rare is no target of a compound slip
    compound_slip_max_distance: float = 0.35  # a compound of common parts yields to a target this close

    # ---- spans (strategies.multiword_name, join_torn_words, split_glued_words)
    multiword_cutoff: float = 80.0  # rapidfuzz ratio a multi-word name needs to be a candidate
    multiword_protected_distance: float = 1.0  # a known word in a name span changes only below this distance
    multiword_suggest_above_floor: float = 10.0  # a span below the apply band is suggested above floor + this
    fragment_zipf: float = 3.0  # a half of 4+ letters rarer than this is a fragment of a torn word
    fragment_short_zipf: float = 4.3  # the same for a half of three letters
    join_word_zipf: float = 3.0  # two halves join into a listed word at least this common
    join_fragment_margin: float = 1.0  # ... that is this much more common than a listed fragment
    join_score: float = 95.0  # the score a join is recorded with
    split_score: float = 90.0  # the score a split is recorded with
    speck_word_zipf: float = 3.0  # a lowercase word after a speck ('Büro.des') must be this common
    speck_short_zipf: float = 5.5  # ... a word of one or two letters this common
    glue_word_zipf: float = 3.0  # a word a function word is glued to ('Interessiertean') must be this common
    case_seam_word_zipf: float = 3.0  # a word with an inner capital this common is one word ('YouTube'), not split

    def __post_init__(self) -> None:
        for name in _CONFIDENCES:
            _check(name, getattr(self, name), 0.0, 1.0, "a confidence")
        for name in _SCORES:
            _check(name, getattr(self, name), 0.0, 100.0, "a score")
        for name in _ZIPFS:
            _check(name, getattr(self, name), 0.0, 9.0, "a zipf frequency")
        for name in _DISTANCES:
            _check(name, getattr(self, name), 0.0, 10.0, "an OCR distance")
        for name in _COUNTS:
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} is a count, not {value!r}")
        if not 0 < self.correct_floor <= self.correct_apply <= 100:
            raise ValueError("need 0 < correct_floor <= correct_apply <= 100")
        if self.doubtful_read > self.sure_read:
            raise ValueError("need doubtful_read <= sure_read")
        if self.slip_margin > self.slip_margin_sure:
            raise ValueError("need slip_margin <= slip_margin_sure: a sure reading needs the larger margin")
        named = _CONFIDENCES + _SCORES + _ZIPFS + _DISTANCES + _COUNTS
        missing = {f.name for f in fields(self)} - set(named)
        if missing:  # a new field must say what kind of number it is
            raise TypeError(f"unvalidated fields: {sorted(missing)}")

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> CorrectionSettings:
        """The correction settings of a run's Settings (its bands and low_ocr_word), defaults otherwise."""
        values = {name: getattr(settings, name) for name in ("correct_floor", "correct_apply", "correct_margin",
                                                             "low_ocr_word") if hasattr(settings, name)}
        values.update(overrides)
        return cls(**values)

    def index_key(self) -> tuple:
        """The values an index is built with: settings that differ here need another index."""
        return tuple(getattr(self, name) for name in INDEX_FIELDS)


def _check(name: str, value: Any, lo: float, hi: float, kind: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise ValueError(f"{name} is {kind} between {lo:g} and {hi:g}, not {value!r}")
