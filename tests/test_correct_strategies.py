"""One small case per correction strategy: a token (or words) and a context, and the expected answer.

A tiny hand-made gazetteer and lexicon (built into an index at import, in milliseconds) keep the
numbers exact: a score is 100 minus the OCR-weighted distance per letter, e.g. 'wırd' -> 'wird'
costs 0.1 (a dotless i) over 4 letters: 97.5. tests/test_correct.py runs the whole stage on the
real gazetteers.
"""
from __future__ import annotations

from collections import Counter

import pytest

from pipeline.config import Settings
from pipeline.correct import CandidateIndex, CorrectionSettings, DocumentState, correct_page
from pipeline.correct.spans import join_torn_words, learned_span, multiword_name, split_glued_words
from pipeline.correct.strategies import (
    KEEP,
    Context,
    Fix,
    Keep,
    accented_given_name,
    accented_surname,
    compound_slip,
    decide,
    digit_for_letter,
    dotless_i,
    hyphenated_parts,
    judge_token,
    keep_frequent_word,
    keep_known_name,
    keep_odd_shape,
    keep_text_layer,
    learned_repair,
    listed_word,
    name_slip,
    rare_word_slip,
    read_trailing_l,
    short_slip,
    trailing_l,
)
from pipeline.correct.tokens import Token
from pipeline.gazetteer import City, Gazetteer
from pipeline.records import Page, Word


def _city(name: str, gid: int) -> list[City]:
    return [City(name, "DE", gid, 50_000, "canonical")]


# kept at module level: the lexicon's compound cache is keyed by the dict's id()
LEX = {"die": 7.5, "und": 7.4, "der": 7.4, "des": 7.3, "dem": 7.2, "in": 7.5, "an": 7.0, "am": 7.0, "für": 7.0,
       "wird": 6.8, "würde": 6.0, "stadt": 5.7, "städt": 1.5, "fur": 3.0, "november": 5.0, "büro": 4.5,
       "interessierte": 3.5, "hölzel": 2.0, "klans": 1.5, "klaus": 4.0, "francois": 2.0, "baden": 4.0,
       "ober": 4.0, "burger": 3.0, "meister": 4.5, "oberbürgermeister": 3.8}
G = Gazetteer(cities={name: _city(name, k) for k, name in enumerate(
    ["Karlin", "Kerlin", "Mandelstadt", "Odessa", "Baden-Baden", "Rostow am Don"])},
    given_names={"François", "Oleksandr", "Klaus"}, titles={"Dr.": "Dr."},
    accented_surnames={"honne": "Honné", "baden": "Badén"})
INDEX = CandidateIndex.build(G, LEX)
S = CorrectionSettings()


def ctx(learned: dict[str, str] | None = None, doc: DocumentState | None = None) -> Context:
    return Context.of(INDEX, S, doc, learned)


def word(text: str, conf: float = 0.6, source: str = "ocr", x: float = 0.0) -> Word:
    return Word(text, (x, 0.0, x + 5.0 * len(text), 10.0), conf, source)


def tok(text: str, conf: float = 0.6, source: str = "ocr", prev: str | None = None, nxt: str | None = None) -> Token:
    return Token.of(word(text, conf, source), word(prev) if prev else None, word(nxt) if nxt else None)


def words(text: str, conf: float = 0.6) -> list[Word]:
    out, x = [], 0.0
    for t in text.split():
        out.append(word(t, conf, x=x))
        x += 5.0 * len(t) + 4.0
    return out


def fixed(got) -> tuple:
    """The parts of a Fix a reader checks: (corrected, source, score, applied)."""
    assert isinstance(got, Fix), got
    return got.corrected, got.source, got.score, got.applied


# ---------------------------------------------------------------- guards


def test_text_layer_words_are_kept_and_ocr_words_go_on():
    assert keep_text_layer(tok("Oresden", 1.0, "text"), ctx()) is KEEP
    assert keep_text_layer(tok("Oresden"), ctx()) is None


def test_frequent_words_are_kept_unless_a_bang_stands_for_l():
    assert keep_frequent_word(tok("die"), ctx()) is KEEP
    assert keep_frequent_word(tok("Städt"), ctx()) is None  # rare: may be a slip


@pytest.mark.parametrize("text,expected", [("THW", KEEP), ("V2072/23", KEEP), ("x", KEEP), ("Chmeinyzkyj", None)])
def test_abbreviations_numbers_and_references_are_kept(text, expected):
    assert keep_odd_shape(tok(text), ctx()) is expected


def test_exact_names_are_kept():
    assert keep_known_name(tok("Karlin"), ctx()) is KEEP
    assert keep_known_name(tok("Korlin"), ctx()) is None


# ---------------------------------------------------------------- single-token repairs


def test_learned_repair_is_certain_and_not_asked_again():
    got = learned_repair(tok("Oresden,", 1.0, "text"), ctx({"Oresden": "Dresden"}))
    assert fixed(got) == ("Dresden,", "learned", 100.0, True)
    [new] = got.words
    assert (new.text, new.corrected_from, new.correction_source) == ("Dresden,", "Oresden,", "learned")
    assert learned_repair(tok("Oresden,"), ctx()) is None


def test_trailing_bang_read_as_l():
    # '!' for 'l' costs 0.25 over 6 letters: 95.8
    assert fixed(trailing_l(tok("Hölze!"), ctx())) == ("Hölzel", "lexicon", 95.8, True)
    unknown = tok("Wurze!")  # no word 'Wurzel' here: judged on as 'Wurzel'
    assert trailing_l(unknown, ctx()) is None
    assert (read_trailing_l(unknown, ctx()).core, read_trailing_l(unknown, ctx()).post) == ("Wurzel", "")


def test_dotless_i():
    assert fixed(dotless_i(tok("wırd"), ctx())) == ("wird", "lexicon", 97.5, True)
    assert dotless_i(tok("Kılıç"), ctx()) is KEEP  # a Turkish name keeps its ı
    assert dotless_i(tok("wird"), ctx()) is None


def test_digit_for_letter():
    # '0' for 'O' costs 0.25 over 6 letters: 95.8
    assert fixed(digit_for_letter(tok("0dessa"), ctx())) == ("Odessa", "cities", 95.8, True)
    assert digit_for_letter(tok("Odessa"), ctx()) is None


def test_short_slip_only_to_a_very_common_word():
    # u for ü: an umlaut lost costs 0.3 over 3 letters: 90
    assert fixed(short_slip(tok("fur"), ctx())) == ("für", "lexicon", 90.0, True)
    assert short_slip(tok("ab"), ctx()) is KEEP  # short, no slip: kept
    assert short_slip(tok("Städt"), ctx()) is None  # not short: no opinion


def test_rare_word_slip():
    # 'städt' (zipf 1.5) is an umlaut slip of 'stadt' (5.7), also when OCR is sure (margin 3.5)
    assert fixed(rare_word_slip(tok("Städt"), ctx())) == ("Stadt", "lexicon", 94.0, True)
    assert fixed(rare_word_slip(tok("Städt", 0.95), ctx()))[0] == "Stadt"
    assert rare_word_slip(tok("würde"), ctx()) is KEEP  # ordinary frequency: never a slip
    assert rare_word_slip(tok("Klans"), ctx()) is None  # no listed word a slip away: ask on


def test_name_slip():
    # n for u costs 0.5 over 5 letters: 90; 'Klaus' (4.0) is commoner than 'klans' (1.5)
    assert fixed(name_slip(tok("Klans"), ctx())) == ("Klaus", "given-names", 90.0, True)
    assert name_slip(tok("Klans", 0.95), ctx()) is None  # Tesseract is sure of it


def test_accented_given_name_needs_a_person_context():
    # c for ç: an accent lost costs 0.3 over 8 letters: 96.2
    assert fixed(accented_given_name(tok("Francois", nxt="Moreau"), ctx())) == ("François", "given-names", 96.2, True)
    assert fixed(accented_given_name(tok("Francois", prev="Dr."), ctx()))[0] == "François"
    assert accented_given_name(tok("Francois"), ctx()) is None
    assert accented_given_name(tok("Francois", nxt="die"), ctx()) is None


def test_accented_surname_from_the_council_texts():
    # é for e: an accent lost costs 0.3 over 5 letters: 94
    assert fixed(accented_surname(tok("Honne", prev="Klaus"), ctx())) == ("Honné", "council-names", 94.0, True)
    assert fixed(accented_surname(tok("Honne"), ctx()))[0] == "Honné"  # a word no list knows
    assert fixed(judge_token(tok("Honne,", prev="Klaus"), ctx()))[0] == "Honné,"  # in the stage's order
    assert judge_token(tok("Honne", source="text", prev="Klaus"), ctx()) is None  # a text layer is exact
    assert accented_surname(tok("Baden"), ctx()) is None  # a lexicon word needs a person cue before it
    assert fixed(accented_surname(tok("Baden", prev="Klaus"), ctx()))[0] == "Badén"
    assert accented_surname(tok("Honné", prev="Klaus"), ctx()) is None  # already right
    assert accented_surname(tok("Hanne", prev="Klaus"), ctx()) is None  # another name: not the same letters
    assert fixed(accented_surname(tok("Honn&", prev="Klaus"), ctx()))[0] == "Honné"  # the é read as a mark
    assert fixed(judge_token(tok("Honn&", prev="Klaus"), ctx()))[0] == "Honné"  # before the odd-shape guard
    assert accented_surname(tok("H&nne", prev="Klaus"), ctx()) is None  # a mark for a plain letter


def test_listed_word_is_kept_unless_a_slip():
    assert fixed(listed_word(tok("Klans"), ctx()))[0] == "Klaus"  # through name_slip
    assert listed_word(tok("Hölzel"), ctx()) is KEEP
    assert listed_word(tok("Korlin"), ctx()) is None  # not listed


def test_hyphenated_name_repaired_as_a_whole():
    # c for e costs 0.4 over 11 letters: 96.4
    assert fixed(hyphenated_parts(tok("Baden-Badcn"), ctx())) == ("Baden-Baden", "cities", 96.4, True)
    assert hyphenated_parts(tok("Baden-Baden"), ctx()) is KEEP
    assert hyphenated_parts(tok("Badcn"), ctx()) is None


def test_compound_slip():
    # 'Ober|burger|meister' splits into common words but is an umlaut from 'Oberbürgermeister': 98.2
    got = compound_slip(tok("Oberburgermeister"), ctx())
    assert fixed(got) == ("Oberbürgermeister", "lexicon", 98.2, True)
    assert "one OCR slip from" in got.reason
    assert compound_slip(tok("Oberkarlin"), ctx()) is None  # no compound
    assert compound_slip(tok("Bürostadt"), ctx()) is KEEP  # a compound, no target near


def test_decide_applies_suggests_or_ignores():
    assert fixed(decide(tok("Mandelstaxt"), ctx())) == ("Mandelstadt", "cities", 90.9, True)
    sure = decide(tok("Mandelstaxt", 0.95), ctx())  # a real edit on a sure reading: only suggested
    assert fixed(sure) == ("Mandelstadt", "cities", 90.9, False)
    assert sure.reason == "OCR is sure of 'Mandelstaxt' (confidence 0.95); similar to Mandelstadt (score 91)"
    close = decide(tok("Korlin"), ctx())  # one a/e/o confusion from both Karlin and Kerlin
    assert not close.applied and close.reason.startswith("two close candidates")
    assert decide(tok("Qwertz"), ctx()) is None  # below the floor: no row


def test_decide_takes_the_documents_confident_spelling():
    doc = DocumentState(Counter({"Kowalski": 3}), {"Kowalski": 0.95})
    # l for i costs 0.25 over 8 letters: 96.9
    assert fixed(decide(tok("Kowalskl"), ctx(doc=doc))) == ("Kowalski", "document", 96.9, True)
    assert decide(tok("Kowalskl"), ctx()) is None


def test_judge_token_runs_the_strategies_in_order():
    assert fixed(judge_token(tok("0dessa,"), ctx()))[0] == "Odessa,"
    assert judge_token(tok("die"), ctx()) is None
    assert judge_token(tok("Chmeinyzkyj", 1.0, "text"), ctx()) is None


# ---------------------------------------------------------------- spans


def test_learned_span():
    ws = words("der Ver trag")  # boxes: der 0-15, Ver 19-34, trag 38-58
    got = learned_span(ws, 1, ctx({"Ver trag": "Vertrag"}))
    assert fixed(got) == ("Vertrag", "learned", 100.0, True) and got.consumed == 2
    [new] = got.words
    assert new.corrected_from == "Ver trag" and new.bbox == (19.0, 0.0, 58.0, 10.0)  # from der|Ver to trag
    assert learned_span(ws, 1, ctx()) is None


def test_multiword_name():
    ws = words("Rostow am Dan und")
    got = multiword_name(ws, 0, ctx())
    # a for o costs 0.6 over 13 letters: 95.4
    assert fixed(got) == ("Rostow am Don", "cities", 95.4, True) and got.consumed == 3
    assert got.words[0] is ws[0] and got.words[2].corrected_from == "Dan"
    assert multiword_name(words("Rostow am Don"), 0, ctx()) == Keep(3)
    assert multiword_name(words("Karlin am Dan"), 0, ctx()) is None


def test_join_torn_words():
    got = join_torn_words(words("No vember"), 0, ctx())
    assert fixed(got) == ("November", "lexicon-join", 95.0, True) and got.consumed == 2
    assert join_torn_words(words("in dem"), 0, ctx()) is None


@pytest.mark.parametrize("text,conf,expected", [
    ("OleksandrSymtschyschyn", 0.6, ("Oleksandr Symtschyschyn", "given-names-split", 90.0, True)),
    ("Büro.des", 0.6, ("Büro des", "speck-split", 90.0, True)),
    ("Interessiertean", 0.6, ("Interessierte an", "lexicon-split", 90.0, True)),
    ("Interessiertean", 0.95, None),  # no visible seam and OCR is sure of it
])
def test_split_glued_words(text, conf, expected):
    got = split_glued_words([word(text, conf)], 0, ctx())
    assert (fixed(got) if got is not None else None) == expected


def test_split_cuts_the_box_by_letters():
    a, b = split_glued_words([word("OleksandrSymtschyschyn")], 0, ctx()).words
    assert (a.bbox, b.bbox) == ((0.0, 0.0, 45.0, 10.0), (45.0, 0.0, 110.0, 10.0))
    assert a.corrected_from == b.corrected_from == "OleksandrSymtschyschyn"


# ---------------------------------------------------------------- the page


def test_correct_page_builds_a_new_page_and_right_offsets():
    page = Page(1, words("die No vember OleksandrSymtschyschyn Korlin Mande1stadt"), "ocr")
    new, rows = correct_page(page, DocumentState(), INDEX, S)
    assert new.text == "die November Oleksandr Symtschyschyn Korlin Mandelstadt"
    assert [w.text for w in page.words] == ["die", "No", "vember", "OleksandrSymtschyschyn", "Korlin",
                                            "Mande1stadt"]  # the input page is not edited
    assert [(r.original, r.applied) for r in rows] == [("No vember", True), ("OleksandrSymtschyschyn", True),
                                                       ("Korlin", False), ("Mande1stadt", True)]
    for r in rows:
        assert new.text[r.start:r.end] == (r.corrected if r.applied else r.original)


def test_document_state_counts_capitalised_ocr_spellings():
    state = DocumentState()
    state.remember(words("Kowalski sagte, Kowalski. die") + [word("Kowalski", 1.0, "text")])
    assert state.counts == Counter({"Kowalski": 2}) and state.spells("Kowalski")


# ---------------------------------------------------------------- settings


def test_settings_are_validated():
    with pytest.raises(ValueError, match="correct_floor <= correct_apply"):
        CorrectionSettings(correct_floor=90.0, correct_apply=80.0)
    with pytest.raises(ValueError, match="sure_read is a confidence"):
        CorrectionSettings(sure_read=1.5)
    with pytest.raises(ValueError, match="lone_name_max_edits is a count"):
        CorrectionSettings(lone_name_max_edits=1.5)


def test_settings_from_the_run_settings():
    cs = CorrectionSettings.from_settings(Settings(correct_apply=92.0, low_ocr_word=0.4))
    assert (cs.correct_floor, cs.correct_apply, cs.low_ocr_word, cs.sure_read) == (70.0, 92.0, 0.4, 0.90)


def test_an_index_serves_only_the_settings_it_was_built_for():
    with pytest.raises(ValueError, match="word_min_zipf=2.5"):
        INDEX.candidates(CorrectionSettings(word_min_zipf=3.0))
    assert INDEX.candidates(CorrectionSettings(correct_apply=92.0)) is not INDEX.candidates(S)
