"""Result statements of council protocols: votes, unanimity, categories, parts, referrals.

The fixture strings are written for these tests (not copied from the Karlsruhe texts); each has its
expected answer beside it. ``model=False`` tests the rules alone; the model tests load
models/results/model.json and are skipped if it has not been built.
"""
from __future__ import annotations

import pytest

from pipeline.extract import results as res
from pipeline.extract.results import (
    fold,
    parse_result,
    parse_results,
    parse_votes,
    primary_result,
    rule_category,
    statement_parts,
    view,
)

# (statement, yes, no, abstain, unanimous)
VOTES = [
    ("Einstimmige Zustimmung (45 JA-Stimmen).", 45, None, None, True),
    ("Abstimmungsergebnis: Einstimmige Zustimmung (45 JA-Stimmen).", 45, None, None, True),
    ("mit 30 Ja-, 12 Nein-Stimmen und 3 Enthaltungen angenommen", 30, 12, 3, False),
    ("bei 2 Enthaltungen zugestimmt", None, None, 2, None),
    ("Der Antrag wurde 12:3:1 angenommen.", 12, 3, 1, False),
    ("Bei 28 Ja-Stimmen und 17 Nein-Stimmen mehrheitlich abgelehnt", 28, 17, None, False),
    ("Mehrheitliche Zustimmung (33 JA, 8 Nein, 2 Enthaltungen)", 33, 8, 2, False),
    ("Bei einer Gegenstimme mehrheitlich beschlossen", None, 1, None, False),
    ("Bei zwei Enthaltungen einstimmig angenommen", None, None, 2, True),
    ("Mehrheitlich zugestimmt (3 Nein)", None, 3, None, False),
    ("Bei 39 Zustimmungen, 2 Enthaltungen und 5 Nein-Stimmen mehrheitlich zugestimmt", 39, 5, 2, False),
    ("mit 20 Stimmen dafür und 9 Stimmen dagegen", 20, 9, None, False),
    ("einstimmig zugestimmt", None, None, None, True),
    ("Keine Abstimmung", None, None, None, None),
    ("Sitzungsbeginn 15:30 Uhr, Zustimmung", None, None, None, None),  # a time is not a vote
    # OCR damage: O/0, l/1, specks, rn for m, a figure glued to the word
    ("Bei 4O Ja-Stimmen und l2 Nein-Stimmen mehrheitlich abgelehnt", 40, 12, None, False),
    ("Mehrheitliche AbIehnung (3 JA, 4l Nein)", 3, 41, None, False),
    ("Einstirnmige Zustimrnung (38 Ja)", 38, None, None, True),
    ("Bei 4S Ja-Stimmen einstimmig zugestimmt", 45, None, None, True),
    ("Einstimmige Zustimmung (41 Ja7", 41, None, None, True),
    ("Bei 36 Ja-Stirnmen, 1 Nein-Stimme und 2 Enthaltungcn", 36, 1, 2, False),
]


@pytest.mark.parametrize("text,yes,no,abstain,unanimous", VOTES)
def test_votes(text, yes, no, abstain, unanimous):
    v = parse_votes(text)
    assert (v.yes, v.no, v.abstain, v.unanimous) == (yes, no, abstain, unanimous)


def test_vote_span_points_into_the_text():
    text = "Abstimmungsergebnis: Bei  33 Ja-Stimmen und 4 Nein-Stimmen zugestimmt"
    v = parse_votes(text)
    assert text[v.start:v.end].startswith("33 Ja") and text[v.start:v.end].endswith("4 Nein")


# (statement, category the wording states or None)
CATEGORIES = [
    ("Einstimmige Zustimmung", "zustimmung"),
    ("Bei 35 Ja-Stimmen mehrheitlich zugestimmt", "zustimmung"),
    ("Mehrheitlich beschlossen", "zustimmung"),
    ("einstimmig angenommen", "zustimmung"),
    ("Mit Stellungnahme einverstanden", "zustimmung"),
    ("Mehrheitliche Ablehnung (4 Ja, 40 Nein)", "ablehnung"),
    ("Bei 9 Ja-Stimmen mehrheitlich abgelehnt.", "ablehnung"),
    ("Kenntnisnahme", "kenntnisnahme"),
    ("Kenntnisnahme, keine Abstimmung", "kenntnisnahme"),
    ("Der Gemeinderat nimmt den Bericht zur Kenntnis.", "kenntnisnahme"),
    ("Verwiesen in den Bauausschuss, keine Abstimmung", "verweisung"),
    ("Verweisungsantrag: Mit 30 Ja-Stimmen mehrheitliche Zustimmung", "verweisung"),
    ("vertagt", "vertagung"),
    ("Der Punkt wurde zurückgestellt.", "vertagung"),
    ("Antrag auf Absetzung: mehrheitlich abgelehnt", "ablehnung"),
    ("Keine Abstimmung", None),
    ("", None),
    # OCR damage
    ("Mehrheit1iche Zustirnmung", "zustimmung"),
    ("Mehrhcitliche Ablehnuug", "ablehnung"),
    ("Kenntnisnahrne", "kenntnisnahme"),
    ("einstimmig zuge-\nstimmt", "zustimmung"),
]


@pytest.mark.parametrize("text,cat", CATEGORIES)
def test_rule_category(text, cat):
    assert rule_category(text) == cat


def test_fold_keeps_offsets_and_repairs_ocr():
    text = "Vorlage: 2O17/O797, Ab1ehnung, Apri1"
    v = view(text)
    assert "2017/0797" in v.f and "ablehnung" in v.f and "april" in v.f
    i = v.f.index("2017")
    assert v.orig(i, i + 9) == "2O17/O797"
    assert fold("Abstimmungs-\n  ergebnis:") == "abstimmungsergebnis:"
    assert fold("Ergeb'nis") == "ergebnis"


def test_parts_of_a_statement():
    st = ("Beschlussvorlage: Bei 41 Ja-Stimmen und 3 Nein-Stimmen mehrheitlich zugestimmt\n"
          "Änderungsantrag SPD: Mehrheitliche Ablehnung (12 Ja, 31 Nein)\n"
          "Ergänzungsantrag FDP: Einstimmige Zustimmung")
    parts = statement_parts(st)
    assert [p.label for p in parts] == ["Beschlussvorlage", "Änderungsantrag SPD", "Ergänzungsantrag FDP"]
    assert parts[1].text == "Mehrheitliche Ablehnung (12 Ja, 31 Nein)"
    assert st[parts[1].start:parts[1].start + 19] == "Änderungsantrag SPD"
    infos = parse_results(st, model=False)
    assert [(i.result, i.kind) for i in infos] == [("zustimmung", "main"), ("ablehnung", "motion"),
                                                   ("zustimmung", "motion")]
    main = primary_result(infos)
    assert main.label == "Beschlussvorlage" and (main.votes_yes, main.votes_no) == (41, 3)


def test_separately_voted_points_any_accepted_is_zustimmung():
    st = "Ziffer 1: Mehrheitliche Ablehnung (6 JA, 37 Nein)\nZiffer 2: Mehrheitliche Zustimmung (25 JA, 19 Nein)"
    infos = parse_results(st, model=False)
    assert [i.kind for i in infos] == ["point", "point"]
    assert primary_result(infos).label == "Ziffer 2"
    all_rejected = "Ziffer 1: abgelehnt\nZiffer 2: Mehrheitliche Ablehnung\nZiffer 3: erledigt, keine Abstimmung"
    assert primary_result(parse_results(all_rejected, model=False)).result == "ablehnung"


def test_letter_parts():
    st = "a) Mehrheitliche Zustimmung (40 JA-Stimmen, 2 Nein-Stimmen)\nb) Einstimmige Zustimmung"
    infos = parse_results(st, model=False)
    assert [i.label for i in infos] == ["a)", "b)"]
    assert (infos[0].votes_yes, infos[0].votes_no) == (40, 2) and infos[1].unanimous is True


def test_joint_items_pick_the_agenda_number():
    st = "TOP 7: Einstimmige Zustimmung.\nTOP 8: Mehrheitliche Ablehnung."
    assert parse_result(st, item="8", model=False).result == "ablehnung"
    assert parse_result(st, item="7", model=False).result == "zustimmung"


def test_accepted_referral_motion_decides_the_item():
    st = "Verweisungsantrag: Mit 29 Ja-Stimmen und 14 Nein-Stimmen mehrheitlich zugestimmt"
    r = parse_result(st, context="Damit ist der Antrag in den Sozialausschuss verwiesen.", model=False)
    assert r.result == "verweisung" and r.referred_to == "Sozialausschuss"


@pytest.mark.parametrize("text,committee", [
    ("Verwiesen in den Planungsausschuss", "Planungsausschuss"),
    ("Verwiesen in den Ausschuss für Umwelt und Gesundheit", "Ausschuss für Umwelt und Gesundheit"),
    ("teilt mit, der Antrag werde ohne Aussprache in den Haupt- und Finanzausschuss verwiesen.",
     "Haupt- und Finanzausschuss"),
    ("dann verweisen wir das in den Jugendhilfe-\nausschuss", "Jugendhilfeausschuss"),
    ("Der Antrag wurde aus der Sitzung vom 3. Mai verwiesen.", None),
])
def test_referral(text, committee):
    assert res.find_referral(text) == committee


def test_no_statement_uses_the_beschluss_text():
    r = parse_result("", beschluss="Verwiesen in den Kulturausschuss", context="Der Vorsitzende ruft auf.",
                     model=False)
    assert r.result == "verweisung" and r.referred_to == "Kulturausschuss"
    r = parse_result("Keine Abstimmung", beschluss="Kenntnisnahme von der Stellungnahme der Verwaltung",
                     model=False)
    assert r.result == "kenntnisnahme"


def test_a_page_with_no_result_gives_none():
    page = ("Der Vorsitzende ruft Tagesordnungspunkt 3 auf.\n\nStadträtin Weber (SPD): Wir haben dazu noch "
            "Fragen zur Finanzierung, die wir gern im Ausschuss besprechen würden.\n")
    assert parse_result(page, model=False) is None
    assert parse_result("", model=False) is None
    assert parse_results("   \n ", model=False) == []


def test_page_mode_finds_beschluss_and_statement():
    page = ("Punkt 4 der Tagesordnung: Neubau einer Sporthalle\nVorlage: 2023/0456\n\n"
            "Beschluss:\nDer Gemeinderat stimmt dem Neubau zu.\n\nAbstimmungsergebnis:\n"
            "Bei 44 Ja-Stimmen und 2 Enthaltungen mehrheitlich zugestimmt\n\n\nDer Vorsitzende ruft Punkt 4 auf.\n")
    r = parse_result(page, model=False)
    assert (r.result, r.votes_yes, r.votes_no, r.votes_abstain, r.unanimous) == ("zustimmung", 44, None, 2, False)
    assert page[r.start:r.end] == "Bei 44 Ja-Stimmen und 2 Enthaltungen mehrheitlich zugestimmt"
    assert r.inputs[1].startswith("Der Gemeinderat stimmt")


# ---------------------------------------------------------------------------------------------
# the trained model
needs_model = pytest.mark.skipif(res.default_model() is None, reason="models/results/model.json not built")


@needs_model
def test_model_loads_as_data_and_is_deterministic():
    m = res.default_model()
    assert m.classes == list(res.CATEGORIES) and m.decision in ("hybrid", "model")
    assert 0.2 <= m.temperature <= 3.0
    f = res.features("Keine Abstimmung", "Kenntnisnahme", "stellt fest, der Gemeinderat habe Kenntnis genommen")
    assert m.predict_proba(f) == m.predict_proba(f)
    assert abs(sum(m.predict_proba(f).values()) - 1) < 1e-9


@needs_model
@pytest.mark.parametrize("statement,beschluss,context,cat", [
    ("Keine Abstimmung", "Kenntnisnahme", "Der Vorsitzende stellt fest, der Gemeinderat habe Kenntnis genommen.",
     "kenntnisnahme"),
    ("Keine Abstimmung", "Verwiesen in den Bauausschuss",
     "Der Vorsitzende teilt mit, der Antrag werde ohne Aussprache in den Bauausschuss verwiesen.", "verweisung"),
    ("keine Abstimmung", "Einverstanden mit der Stellungnahme der Verwaltung", "Damit ist der Antrag erledigt.",
     "zustimmung"),
    ("", "Kenntnisnahme von der Stellungnahme der Verwaltung", "Es gibt keine Wortmeldungen.", "kenntnisnahme"),
])
def test_model_reads_results_the_statement_does_not_state(statement, beschluss, context, cat):
    r = parse_result(statement, beschluss=beschluss, context=context)
    assert r.result == cat and r.source == "model" and 0 < r.confidence <= 1


@needs_model
def test_model_keeps_explicit_statements():
    for st, cat in [("Mehrheitliche Ablehnung (5 Ja, 40 Nein)", "ablehnung"), ("Kenntnisnahme", "kenntnisnahme"),
                    ("Bei 40 Ja-Stimmen einstimmig zugestimmt", "zustimmung")]:
        assert parse_result(st, beschluss="Der Gemeinderat beschließt die Satzung.").result == cat
