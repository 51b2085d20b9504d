"""Structure of protocol pages: header, agenda item, Vorlage, chair, decision blocks.

Small pages written for these tests (modelled on the layout of a Karlsruhe 'Niederschrift', not
copied from one), each with its expected answer beside it. ``model=False`` keeps them independent of
the trained model.
"""
from __future__ import annotations

import time

import pytest

from pipeline.extract.protocol import (
    find_agenda_number,
    find_chair,
    find_dates,
    find_meeting_date,
    find_references,
    parse_protocol,
)

PAGE = """
Niederschrift 12. Plenarsitzung des Gemeinderates
14. März 2023, 15:30 Uhr
öffentlich
Bürgersaal, Rathaus am Marktplatz
Vorsitzender: Oberbürgermeister Dr. Hans Beispiel

7.

Punkt 6 der Tagesordnung: Sanierung der Stadtbibliothek – Vergabe der Bau-
leistungen
Vorlage: 2023/0118


Beschluss:
1. Der Gemeinderat beschließt nach Vorberatung im Bauausschuss am 2. März 2023 die Vergabe.
2. Die Verwaltung wird beauftragt, die Verträge zu schließen.


Abstimmungsergebnis:
Bei 38 Ja-Stimmen, 4 Nein-Stimmen und 1 Enthaltung mehrheitlich zugestimmt


Der Vorsitzende ruft Tagesordnungspunkt 6 zur Behandlung auf.

Stadträtin Muster (GRÜNE): Wir stimmen zu.
"""


def test_clean_page():
    p = parse_protocol(PAGE, model=False)
    assert p.meeting_date.value == "2023-03-14"  # the session date, not the committee date in the Beschluss
    assert (p.meeting, p.body) == ("12. Plenarsitzung des Gemeinderates", "Gemeinderat")
    assert (p.chair.name, p.chair.role, p.chair.title) == ("Hans Beispiel", "Oberbürgermeister", "Dr.")
    assert p.agenda_number.value == "6"  # 'Punkt 6', not the running number '7.' above it
    assert p.title == "Sanierung der Stadtbibliothek – Vergabe der Bauleistungen"
    assert p.reference == "2023/0118"
    assert len(p.decisions) == 1  # numbered points voted together are one decision
    d = p.decisions[0]
    assert d.primary and d.item == "6" and d.decision_date == "2023-03-14" and d.reference == "2023/0118"
    assert d.text.startswith("1. Der Gemeinderat beschließt") and "2. Die Verwaltung" in d.text
    assert PAGE[d.start:d.end].startswith("1. Der Gemeinderat")
    r = d.result
    assert (r.result, r.votes_yes, r.votes_no, r.votes_abstain, r.unanimous) == ("zustimmung", 38, 4, 1, False)
    assert PAGE[r.start:r.end] == "Bei 38 Ja-Stimmen, 4 Nein-Stimmen und 1 Enthaltung mehrheitlich zugestimmt"


@pytest.mark.parametrize("text,iso", [
    ("Niederschrift\n20, April 2023, 15:30 Uhr\n", "2023-04-20"),
    ("Niederschrift\n2O.04.2023, 16:30 Uhr\n", "2023-04-20"),
    ("Niederschrift\n2O. Apri1 2O23, 15:30 Uhr\n", "2023-04-20"),
    ("Niederschrift\n3l. 0ktober 2022, 15:30 Uhr\n", "2022-10-31"),
    ("Niederschrift\n7. Marz 2019, 15:30 Uhr\n", "2019-03-07"),  # umlaut lost
    ("Niederschrift\n12. Septernber 2O2l, 15:30 Uhr\n", "2021-09-12"),
    ("Niederschrift\n5. Jull 2020, 15:30 Uhr\n", "2020-07-05"),
    ("Niederschrift\n25.. Januar 2024, 15:30 Uhr\n", "2024-01-25"),
])
def test_ocr_damaged_session_dates(text, iso):
    assert find_meeting_date(text).value == iso


def test_date_on_the_time_line_wins():
    head = "Niederschrift\nSitzung vom 3. Mai 2022 (Nachtrag)\n10. Mai 2022, 15:30 Uhr\nVorsitzende: Frau X"
    assert find_meeting_date(head).value == "2022-05-10"


def test_impossible_dates_are_not_dates():
    assert find_dates("am 31. Februar 2023 und am 45.13.2020") == []


@pytest.mark.parametrize("text,ref", [
    ("Vorlage: 2017/0797\n", "2017/0797"),
    ("Vorlage: 2O17/O797\n", "2017/0797"),
    ("Vor1age: 2Ol7/0797\n", "2017/0797"),
    ("Drucksache: 2021/1407/1\n", "2021/1407"),  # an amendment is filed under its Vorlage
    ("Vorlage: 2024/0,099\n", "2024/0099"),  # a speck between the digits
    ("Vorlage: ANF2022/2003\n", "ANF2022/2003"),
])
def test_references(text, ref):
    assert find_references(text)[0].value == ref


def test_reference_keeps_what_was_printed():
    f = find_references("Vorlage: 2O17/O797")[0]
    assert (f.value, f.printed, f.confidence < 0.97) == ("2017/0797", "2O17/O797", True)


@pytest.mark.parametrize("text,n", [
    ("Punkt 14 der Tagesordnung: Haushalt", "14"),
    ("Punkt l4 der Tages-\nordnung: Haushalt", "14"),
    ("TOP 14: Haushalt\n", "14"),
    ("Niederschrift\n\n14.\n\nHaushalt\n", "14"),
    ("Punkt 20.1 der Tagesordnung: Antrag", "20.1"),
    ("Der Vorsitzende ruft Tagesordnungspunkt 9 zur Behandlung auf.", "9"),
])
def test_agenda_number(text, n):
    assert find_agenda_number(text).value == n


@pytest.mark.parametrize("line,name,role,title", [
    ("Vorsitzender: Oberbürgermeister Dr. Hans Beispiel", "Hans Beispiel", "Oberbürgermeister", "Dr."),
    ("Vorsitzende: Erste Bürgermeisterin Petra Probe-Muster", "Petra Probe-Muster", "Erste Bürgermeisterin", None),
    ("Vorsitz: Ortsvorsteher Karl Test", "Karl Test", "Ortsvorsteher", None),
    ("Vorsitzendcr; 0berbürgermcister Dr. Hans Beispiel", "Hans Beispiel", "0berbürgermcister", "Dr."),
    ("Vorsitzender: Oberbür-\ngermeister Prof. Dr. Anna Beispiel", "Anna Beispiel", "Oberbürgermeister",
     "Prof. Dr."),
])
def test_chair(line, name, role, title):
    c = find_chair("Niederschrift 3. Sitzung\n1. Juni 2021, 15:30 Uhr\n" + line + "\n\nPunkt 1 der Tagesordnung: X")
    assert (c.name, c.role, c.title) == (name, role, title)


def test_ocr_damaged_page():
    noisy = (PAGE.replace("14. März 2023", "l4. Marz 2O23").replace("Vorlage: 2023/0118", "V0rlage: 2O23/Ol18")
             .replace("Abstimmungsergebnis:", "Abstimrnungserqebnis:").replace("Beschluss:", "Beschlu|ss:")
             .replace("38 Ja-Stimmen", "3B Ja-Stirnmen").replace("Punkt 6 der", "Punkt 6 dcr"))
    p = parse_protocol(noisy, model=False)
    assert (p.meeting_date.value, p.reference, p.agenda_number.value) == ("2023-03-14", "2023/0118", "6")
    r = p.result
    assert (r.result, r.votes_yes, r.votes_no, r.votes_abstain) == ("zustimmung", 38, 4, 1)
    assert p.primary.text.startswith("1. Der Gemeinderat")


def test_separately_voted_points_are_decisions_of_their_own():
    page = PAGE.replace("Bei 38 Ja-Stimmen, 4 Nein-Stimmen und 1 Enthaltung mehrheitlich zugestimmt",
                        "Ziffer 1: Einstimmige Zustimmung (43 Ja)\nZiffer 2: Mehrheitliche Ablehnung (10 Ja, 33 Nein)")
    p = parse_protocol(page, model=False)
    assert [(d.part, d.result.result, d.primary) for d in p.decisions] == [
        ("Ziffer 1", "zustimmung", True), ("Ziffer 2", "ablehnung", False)]
    assert all(d.text.startswith("1. Der Gemeinderat") for d in p.decisions)


def test_motion_and_second_heading():
    page = PAGE.replace(
        "Bei 38 Ja-Stimmen, 4 Nein-Stimmen und 1 Enthaltung mehrheitlich zugestimmt",
        "Mehrheitliche Zustimmung\n\nAbstimmungsergebnis Änderungsantrag:\nBei 5 Ja-Stimmen und 38 Nein-Stimmen "
        "mehrheitlich abgelehnt.")
    p = parse_protocol(page, model=False)
    assert [(d.part, d.result.result, d.primary) for d in p.decisions] == [
        (None, "zustimmung", True), ("Änderungsantrag", "ablehnung", False)]
    assert p.decisions[1].text == "" and (p.decisions[1].result.votes_yes, p.decisions[1].result.votes_no) == (5, 38)


def test_no_beschluss_but_a_result():
    page = ("Niederschrift 4. Sitzung Hauptausschuss\n2. Mai 2022, 16:30 Uhr\nVorsitz: Oberbürgermeister Hans "
            "Beispiel\n\nPunkt 3 der Tagesordnung: Bericht der Stadtwerke\nVorlage: 2022/0301\n\n"
            "Der Vorsitzende ruft Tagesordnungspunkt 3 auf und stellt fest, der Hauptausschuss habe "
            "Kenntnis genommen.\n")
    p = parse_protocol(page, model=False)
    assert p.result.result == "kenntnisnahme" and p.primary.text == "" and p.primary.decision_date == "2022-05-02"


def test_a_protocol_with_no_result():
    page = ("Niederschrift 4. Sitzung Hauptausschuss\n2. Mai 2022, 16:30 Uhr\n\nPunkt 3 der Tagesordnung: "
            "Bericht\n\nDer Vorsitzende ruft Tagesordnungspunkt 3 auf.\n\nStadtrat Probe (FDP): Ich habe eine "
            "Frage zum Zeitplan.\n")
    p = parse_protocol(page, model=False)
    assert p.decisions == [] and p.result is None and p.meeting_date.value == "2022-05-02"


def test_a_page_of_only_beschluss():
    for page in ("Beschluss:", "Beschluss:\n", "\n  Beschluss:  \n\n"):
        p = parse_protocol(page, model=False)
        assert p.decisions == [] and p.result is None and p.meeting_date is None


def test_empty_and_odd_pages_do_not_crash():
    for page in ("", " ", "\n\n\n", "Abstimmungsergebnis:", "Abstimmungsergebnis:\n\nAbstimmungsergebnis:",
                 "::::", "Punkt der Tagesordnung", "Vorlage: /", "–" * 500):
        p = parse_protocol(page, model=False)
        assert p.result is None or p.result.result in (None, "zustimmung", "ablehnung", "kenntnisnahme",
                                                       "verweisung", "vertagung")


def test_a_300_point_list_is_one_decision_and_fast():
    points = "\n".join(f"{i}. Der Gemeinderat beschließt Maßnahme {i}." for i in range(1, 301))
    page = PAGE.replace("1. Der Gemeinderat beschließt nach Vorberatung im Bauausschuss am 2. März 2023 die "
                        "Vergabe.\n2. Die Verwaltung wird beauftragt, die Verträge zu schließen.", points)
    t = time.perf_counter()
    p = parse_protocol(page, model=False)
    assert time.perf_counter() - t < 5
    assert len(p.decisions) == 1 and p.primary.text.count("beschließt Maßnahme") == 300
    assert p.primary.result.votes_yes == 38


def test_a_point_numbered_1_twice():
    page = PAGE.replace("2. Die Verwaltung wird beauftragt", "1. Die Verwaltung wird beauftragt")
    p = parse_protocol(page, model=False)
    assert len(p.decisions) == 1 and p.primary.text.count("1. ") == 2 and p.result.result == "zustimmung"
