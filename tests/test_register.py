"""Issue 19: file numbers as values, the decision register and people across documents.

The linked set is three born-digital memos of one city (proposal -> minutes -> follow-up memo) that
share the Vorlage V2072/23 and name the Oberbürgermeister as 'Thomas Westphal', 'OB Westphal' and
'Herr Westphal'; the expected answers are written beside them here."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from pipeline import tables
from pipeline.config import Settings
from pipeline.link import add_links
from pipeline.link.people import link_people
from pipeline.link.references import canonical, find_references
from pipeline.records import Page
from pipeline.run import run

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from make_fixtures import text_pdf  # noqa: E402

# ---------------------------------------------------------------- references as values


@pytest.mark.parametrize("printed, value, repaired", [
    ("V2072/23", "V2072/23", False),
    ("\\/2072/23", "V2072/23", True),  # as OCR wrote it: the V read as backslash and slash
    ("v2072/23", "V2072/23", True),
    ("V 2072 / 23", "V2072/23", True),
    ("SR/049/2023", "SR/049/2023", False),
    ("2023/0838", "2023/0838", False),
    ("2024/0884/2", "2024/0884/2", False),
    ("2020/0650", "2020/0650", False),
])
def test_canonical_value(printed, value, repaired):
    got = canonical(printed)
    assert got is not None
    assert got[0] == value
    assert bool(got[1]) == repaired


@pytest.mark.parametrize("text", ["Seite 1", "12.03.2024", "Tel. 0231/50-0", "1899/1234"])
def test_what_is_no_file_number(text):
    assert canonical(text) is None


def _page(text: str, number: int = 1) -> Page:
    return Page(number=number, words=[], source="text", text=text)


@pytest.mark.parametrize("text, value, kind", [
    ("Vorlage: V2072/23", "V2072/23", "vorlage"),
    ("Beschlussvorlage Nr. \\/2072/23 zur Partnerschaft", "V2072/23", "vorlage"),
    ("Sitzung Nr. SR/049/2023 des Stadtrates", "SR/049/2023", "sitzung"),
    ("Drucksache 2020/0650", "2020/0650", "drucksache"),
    ("Vorlage Nr.: 2023/0838", "2023/0838", "vorlage"),
    ("Az.: 76.4-370/2025", "76.4-370/2025", "aktenzeichen"),
    ("Drucksache 68/731", "68/731", "drucksache"),
    ("zur Umsetzung des\nBeschlusses 35/876", "35/876", "beschluss"),
    ("Sitzungsvorlage Nr. 49/594", "49/594", "vorlage"),  # seen on the check split (after it was reported)  # a term/number after the genitive
])
def test_find_references_value_and_kind(text, value, kind):
    refs = find_references([_page(text)])
    assert [(r.value, r.kind) for r in refs] == [(value, kind)]
    r = refs[0]
    assert text[r.start:r.end] == r.text


def test_a_repaired_number_is_less_sure_and_an_uncued_one_has_no_kind():
    refs = find_references([_page("Vorlage V2072/23 und Vorlage \\/2072/23, dazu 2023/0838.")])
    plain, repaired, alone = refs
    assert repaired.value == plain.value == "V2072/23"
    assert repaired.confidence < plain.confidence and repaired.repaired
    assert (alone.value, alone.kind, alone.cue) == ("2023/0838", "unbekannt", None)
    # a term/number without a cue is as likely a date or a count: not a reference
    assert find_references([_page("am 19/2024 gezählt")]) == []


def test_an_uncued_number_takes_the_kind_the_document_gives_it_elsewhere():
    refs = find_references([_page("Vorlage V2339/24\n\nBeschlusskontrolle zu V2339/24")])
    assert [r.kind for r in refs] == ["vorlage", "vorlage"]


# ---------------------------------------------------------------- a linked set through the library

HEAD = ["Stadt Dortmund", "Der Oberbürgermeister", "Friedensplatz 1", "44135 Dortmund"]
PROPOSAL = HEAD + [
    "Beschlussvorlage", "Vorlage Nr.: V2072/23", "Datum: 14.02.2023", "Einreicher: Amt für Internationale Beziehungen",
    "Gegenstand: Städtepartnerschaft mit Chmelnyzkyj (Ukraine)", "Beschlussvorschlag:", "Der Rat der Stadt beschließt:",
    "1. Der Rat stimmt der Aufnahme einer Städtepartnerschaft mit Chmelnyzkyj zu.",
    "2. Der Rat beauftragt den Oberbürgermeister, jährlich über den Stand zu berichten.",
    "Begründung:", "Die Verwaltung empfiehlt, der Bitte zu entsprechen.", "Thomas Westphal", "Oberbürgermeister"]
MINUTES = HEAD + [
    "Niederschrift", "Protokoll TOP 5", "7. Sitzung des Rates, 16.03.2023", "Vorsitz: OB Westphal",
    "Schriftführung: Anna Krüger", "TOP 5: Städtepartnerschaft mit Chmelnyzkyj", "Vorlage: V2072/23", "Beschluss:",
    "Der Rat stimmt der Aufnahme einer Städtepartnerschaft mit Chmelnyzkyj zu.", "Abstimmungsergebnis: einstimmig",
    "Ende des öffentlichen Teils.", "Anna Krüger", "Schriftführung"]


def _report(date: str, line: str) -> list[str]:
    return HEAD + [
        "Hausmitteilung", "An: Amt für Internationale Beziehungen", "Von: Büro des Oberbürgermeisters",
        f"Dortmund, den {date}", "Betreff: Beschlusskontrolle zu V2072/23 – Partnerschaft mit Chmelnyzkyj",
        "Der Rat der Stadt Dortmund hat in seiner Sitzung am 16. März 2023 unter der Vorlage",
        "V2072/23 die folgenden Beschlusspunkte gefasst. Zum Stand der Umsetzung wird wie folgt berichtet:",
        "1. „Der Rat stimmt der Aufnahme einer Städtepartnerschaft mit Chmelnyzkyj zu.“", line,
        "Für Rückfragen stehe ich gern zur Verfügung.", "Im Auftrag", "Anna Krüger"]


REPORT = _report("05.02.2024", "Umsetzung: Vollständig umgesetzt; Herr Westphal unterzeichnete die Urkunde am 3. Mai 2023.")
LATER = _report("20.01.2025", "Stand: Erledigt. Eine Delegation reiste am 9. September 2024 nach Chmelnyzkyj.")
SETTINGS = Settings(jobs=1, progress=False, write_crops=False)


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    root = tmp_path_factory.mktemp("linked")
    src, out = root / "in", root / "out"
    src.mkdir()
    for name, lines in (("a_vorlage.pdf", PROPOSAL), ("b_niederschrift.pdf", MINUTES),
                        ("c_beschlusskontrolle.pdf", REPORT)):
        text_pdf(lines, src / name)
    summary = run([src], out, SETTINGS)
    assert (summary.documents, summary.failed) == (3, 0)
    return {"src": src, "out": out, "register": tables.read(out, "register"), "root": root}


def test_the_register_gives_the_history_in_date_order(linked):
    reg = linked["register"]
    mine = reg[reg.reference == "V2072/23"]
    assert set(mine.city) == {"Dortmund"}
    docs = mine.drop_duplicates("doc_id")
    assert list(zip(docs.source_file, docs.role, docs.date)) == [
        ("a_vorlage.pdf", "proposes", "2023-02-14"),
        ("b_niederschrift.pdf", "decides", "2023-03-16"),
        ("c_beschlusskontrolle.pdf", "reports", "2024-02-05"),
    ]
    assert set(mine.n_documents) == {3}
    decides = mine[mine.role == "decides"]
    assert list(decides["item"]) == ["5"]
    assert list(decides.result) == ["zustimmung"]  # the decisions table's result (issue 14)
    assert mine[mine.role == "proposes"].result.isna().all()  # a proposal is not decided yet
    reports = mine[mine.role == "reports"]
    assert reports.outcome.iloc[0].startswith("Vollständig umgesetzt")


def test_the_register_uses_the_decision_rows_reference(linked):
    decs = tables.read(linked["out"], "decisions")
    reg = linked["register"]
    linked_ids = set(reg.decision_id.dropna())
    assert set(decs[decs.reference == "V2072/23"].decision_id) == linked_ids
    assert len(linked_ids) == 4


def test_one_person_for_three_forms_of_the_name(linked):
    out = linked["out"]
    ents = tables.read(out, "entities")
    docs = tables.read(out, "documents").set_index("doc_id").source_file
    westphal = ents[(ents.label == "PERSON") & ents.value.str.endswith("Westphal")].copy()
    westphal["file"] = westphal.doc_id.map(docs)
    assert sorted(zip(westphal.file, westphal.value)) == [
        ("a_vorlage.pdf", "Thomas Westphal"), ("b_niederschrift.pdf", "Westphal"),
        ("c_beschlusskontrolle.pdf", "Westphal")]
    assert westphal.person_id.nunique() == 1 and westphal.person_id.notna().all()
    people = tables.read(out, "people").set_index("person_id")
    p = people.loc[westphal.person_id.iloc[0]]
    assert (p["name"], p.city, p.n_documents, p.first_seen, p.last_seen) == (
        "Thomas Westphal", "Dortmund", 3, "2023-02-14", "2024-02-05")
    assert "Oberbürgermeister" in p.roles
    krueger = ents[(ents.label == "PERSON") & (ents.value == "Anna Krüger")]
    assert krueger.person_id.nunique() == 1 and krueger.person_id.iloc[0] != p.name


def test_new_tables_are_written_as_parquet_and_csv_with_their_columns(linked):
    out = linked["out"]
    for name in ("references", "register", "people"):
        assert list(tables.read(out, name).columns) == tables.SCHEMAS[name].names
        csv = pd.read_csv(out / f"{name}.csv")
        assert list(csv.columns) == tables.SCHEMAS[name].names
        assert len(csv) == len(tables.read(out, name)) > 0


def test_cli_register_prints_the_history(linked):
    res = CliRunner().invoke(cli.main, ["register", str(linked["out"]), "v2072/23"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "V2072/23 · Dortmund · 3 documents"
    heads = [ln.split() for ln in lines if ln.startswith("  20")]
    assert [h[:2] for h in heads] == [["2023-02-14", "proposes"], ["2023-03-16", "decides"],
                                      ["2024-02-05", "reports"]]
    assert "zustimmung (einstimmig)" in res.output
    res = CliRunner().invoke(cli.main, ["register", str(linked["out"]), "V2073/23"])
    assert res.exit_code != 0 and "V2072/23" in res.output  # did you mean


def test_cli_register_without_a_run_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(cli.main, ["register", str(tmp_path)])
    assert res.exit_code == 2 and "cli.py run" in res.output


def test_writing_the_tables_is_all_or_nothing(linked, monkeypatch, tmp_path):
    """A failure while staging the last link table leaves the earlier register in place, no temp files."""
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(linked["out"], out)
    before = (out / "register.parquet").read_bytes()
    real = tables._stage_table

    def failing(out_dir, name, records, excel):
        if name == "people":
            raise OSError("disk full")
        return real(out_dir, name, [] if name == "register" else records, excel)

    monkeypatch.setattr(tables, "_stage_table", failing)
    with pytest.raises(OSError):
        tables.write_all(out, [])
    assert (out / "register.parquet").read_bytes() == before
    assert not list(out.glob(".register.*")) and not list(out.glob(".references.*"))


def test_one_new_document_updates_the_register_without_reprocessing_the_rest(linked):
    import shutil

    src, out = linked["root"] / "in2", linked["root"] / "out2"
    shutil.copytree(linked["src"], src)
    shutil.copytree(linked["out"], out)
    text_pdf(LATER, src / "d_beschlusskontrolle_2025.pdf")
    summary = run([src], out, SETTINGS)
    assert (summary.documents, summary.cached, summary.failed) == (4, 3, 0)
    reg = tables.read(out, "register")
    mine = reg[reg.reference == "V2072/23"].drop_duplicates("doc_id")
    assert list(mine.source_file) == ["a_vorlage.pdf", "b_niederschrift.pdf", "c_beschlusskontrolle.pdf",
                                      "d_beschlusskontrolle_2025.pdf"]
    assert list(mine.role)[-1] == "reports" and list(mine.date)[-1] == "2025-01-20"
    assert set(reg[reg.reference == "V2072/23"].n_documents) == {4}


# ---------------------------------------------------------------- people: ambiguity goes to review


def _person(doc: str, i: int, value: str, role=None) -> dict:
    return dict(doc_id=doc, entity_id=f"{doc}-e{i:04d}", page=1, label="PERSON", text=value, value=value,
                start=0, end=len(value), role=role)


def _doc(doc: str, city: str, date: str) -> dict:
    return dict(doc_id=doc, status="ok", city=city, doc_date=date, doc_type="Hausmitteilung")


def test_a_surname_two_people_share_is_not_linked_but_queued_for_review():
    data = {
        "documents": [_doc("d1", "Dortmund", "2023-01-01"), _doc("d2", "Dortmund", "2023-02-01"),
                      _doc("d3", "Dortmund", "2023-03-01"), _doc("d4", "Bochum", "2023-03-01")],
        "entities": [_person("d1", 0, "Thomas Westphal"), _person("d2", 0, "Sabine Westphal"),
                     _person("d3", 0, "Westphal"), _person("d4", 0, "Westphal")],
        "pages": [dict(doc_id=d, page=1, text="Westphal") for d in ("d1", "d2", "d3", "d4")],
    }
    add_links(data)
    ents = {e["entity_id"]: e for e in data["entities"]}
    thomas, sabine = ents["d1-e0000"]["person_id"], ents["d2-e0000"]["person_id"]
    assert thomas and sabine and thomas != sabine
    ambiguous = ents["d3-e0000"]
    assert ambiguous["person_id"] is None
    assert set(ambiguous["person_candidates"].split("; ")) == {thomas, sabine}
    queued = [r for r in data["review"] if r["row_id"] == "d3-e0000"]
    assert len(queued) == 1 and queued[0]["field"] == "person_id" and queued[0]["status"] == "open"
    assert "Thomas Westphal" in queued[0]["suggestion"] and "Sabine Westphal" in queued[0]["suggestion"]
    # Bochum's Westphal is nobody from Dortmund: a person of its own, not a suggestion
    assert ents["d4-e0000"]["person_id"] not in (None, thomas, sabine)
    assert not [r for r in data["review"] if r["row_id"] == "d4-e0000"]


def test_a_role_that_does_not_fit_rules_a_candidate_out():
    docs = [_doc("d1", "Dortmund", "2023-01-01"), _doc("d2", "Dortmund", "2023-02-01"),
            _doc("d3", "Dortmund", "2023-03-01")]
    ents = [_person("d1", 0, "Thomas Westphal", "Oberbürgermeister"), _person("d2", 0, "Sabine Westphal", "Stadträtin"),
            _person("d3", 0, "Westphal", "Oberbürgermeister")]
    links = link_people(ents, docs, [])
    assert links.person_of["d3-e0000"] == links.person_of["d1-e0000"] != links.person_of["d2-e0000"]
    assert not links.suggestions


# ---------------------------------------------------------------- the register from rows


def _ref(doc: str, value: str, kind="vorlage", cue="Vorlage", own=False, start=0) -> dict:
    return dict(doc_id=doc, value=value, kind=kind, cue=cue, own=own, page=1, start=start, confidence=0.97)


def _dec(doc: str, i: int, reference=None, mention=False, result=None, start=10, **kw) -> dict:
    return dict(doc_id=doc, decision_id=f"{doc}-d{i:04d}", page=1, start=start, item=str(i + 1), kind="zustimmung",
                text="Der Rat stimmt zu.", reference=reference, mention=mention, result=result,
                decision_date=kw.pop("decision_date", None), **kw)


def test_register_rows_roles_results_and_cities():
    from pipeline.link.register import register_rows

    docs = [dict(doc_id="m1", status="ok", city="Dortmund", doc_type="Niederschrift", doc_date="2023-03-20"),
            dict(doc_id="m2", status="ok", city="Dortmund", doc_type="Niederschrift", doc_date="2023-09-01"),
            dict(doc_id="l1", status="ok", city="Leipzig", doc_type="Niederschrift", doc_date="2023-04-01"),
            dict(doc_id="x1", status="ok", city=None, doc_type="Brief", doc_date="2023-05-01")]
    refs = [_ref("m1", "V2072/23"), _ref("m1", "V0001/23", start=50), _ref("m2", "V2072/23"),
            _ref("l1", "V2072/23"), _ref("x1", "V0001/23", kind="unbekannt", cue=None)]
    decs = [_dec("m1", 0, result="vertagung", decision_date="2023-03-16", votes_yes=30, votes_no=2),
            _dec("m1", 1, result="zustimmung", start=60),  # nearest number before it: V0001/23
            _dec("m2", 0, reference="V2072/23", mention=True, result="zustimmung"),
            _dec("l1", 0, reference="V 2072/23", result="ablehnung")]
    rows = register_rows(docs, refs, decs)
    got = [(r["reference"], r["city"], r["doc_id"], r["role"], r["date"], r["result"]) for r in rows]
    assert got == [
        ("V0001/23", "Dortmund", "m1", "decides", "2023-03-20", "zustimmung"),
        ("V0001/23", "Dortmund", "x1", "mentions", "2023-05-01", None),  # no city: joins the one city using it
        ("V2072/23", "Dortmund", "m1", "decides", "2023-03-16", "vertagung"),  # the decision's date
        ("V2072/23", "Dortmund", "m2", "reports", "2023-09-01", "zustimmung"),  # only told of: not decided there
        ("V2072/23", "Leipzig", "l1", "decides", "2023-04-01", "ablehnung"),  # another city's V2072/23
    ]
    first = rows[2]
    assert (first["votes_yes"], first["votes_no"], first["mention"]) == (30, 2, False)
    assert rows[3]["mention"] is True
    assert {(r["reference"], r["city"]): r["n_documents"] for r in rows} == {
        ("V0001/23", "Dortmund"): 2, ("V2072/23", "Dortmund"): 2, ("V2072/23", "Leipzig"): 1}


def test_a_part_number_is_filed_under_its_vorlage(tmp_path):
    from pipeline.link.references import parent
    from pipeline.link.register import history, register_rows

    assert (parent("2024/0884/3"), parent("2024/0884"), parent("V2072/23")) == ("2024/0884", None, None)
    docs = [dict(doc_id="p1", status="ok", city="Karlsruhe", doc_type="Beschlussvorlage", doc_date="2024-10-01"),
            dict(doc_id="m1", status="ok", city="Karlsruhe", doc_type="Niederschrift", doc_date="2024-11-19")]
    refs = [_ref("p1", "2024/0884", own=True), _ref("m1", "2024/0884/3")]
    rows = register_rows(docs, refs, [_dec("m1", 0, result="ablehnung")])
    assert [(r["reference"], r["parent"], r["role"]) for r in rows] == [
        ("2024/0884", None, "proposes"), ("2024/0884/3", "2024/0884", "decides")]
    tables.write_table(tmp_path, "register", rows)
    assert [r["doc_id"] for r in history(tmp_path, "2024/0884")] == ["p1", "m1"]
    assert [r["doc_id"] for r in history(tmp_path, "2024/0884/3")] == ["m1"]


def test_karlsruhe_link_scorer_counts_exact_parts_and_assignment():
    from evaluation.register_karlsruhe import half, score

    text = "Niederschrift\nPunkt 6 der Tagesordnung: X\nVorlage: {}\n\nBeschluss:\nZustimmung"
    rows = [dict(reference="2022/0419", protocol=True, text=text.format("2022/0419")),
            dict(reference="2024/0884", protocol=True, text=text.format("2024/0884/3")),
            dict(reference="2022/0419", protocol=True, text=text.format("2022/0418") + "\nsiehe Vorlage 2022/0419"),
            dict(reference="18751", protocol=False, text="Antrag der KAL")]
    s = score(rows)
    assert s["n"] == {"protocol": 3, "other file": 1}
    assert s["found"] == {"protocol": 2, "other file": 0}
    assert s["found_with_parts"] == {"protocol": 3, "other file": 0}
    assert s["assigned"] == {"protocol": 2, "other file": 0}
    assert s["miss_shapes"] == {"plain number (no year)": 1}
    assert {half(str(i)) for i in range(20)} == {"tune", "check"} and half("39858") == half("39858")


def test_an_abbreviated_role_says_nothing_of_gender():
    """'OB Quandt' is written out as 'Oberbürgermeister' by the extractor: it must not rule out Frau Quandt."""
    docs = [_doc("d1", "Kiel", "2023-01-01"), _doc("d2", "Kiel", "2023-02-01"), _doc("d3", "Kiel", "2023-03-01")]
    pages = [dict(doc_id="d1", page=1, text="Sabine Quandt"), dict(doc_id="d2", page=1, text="Vorsitz: OB Quandt"),
             dict(doc_id="d3", page=1, text="Frau Quandt unterzeichnete.")]
    ents = [_person("d1", 0, "Sabine Quandt"), dict(_person("d2", 0, "Quandt", "Oberbürgermeister"), start=12, end=18),
            dict(_person("d3", 0, "Quandt"), start=5, end=11)]
    links = link_people(ents, docs, pages, {"Oberbürgermeister": "m"})
    assert len({links.person_of.get(f"d{i}-e0000") for i in (1, 2, 3)}) == 1 and not links.suggestions
    pages[1]["text"] = "Vorsitz: Oberbürgermeister Quandt"  # written out, the role is male: no longer Frau Quandt
    ents[1].update(start=27, end=33)
    links = link_people(ents, docs, pages, {"Oberbürgermeister": "m"})
    sabine = links.person_of["d1-e0000"]
    assert links.person_of.get("d2-e0000") == sabine  # no gender known for Sabine: the role alone fits
    assert links.person_of.get("d3-e0000") is None and links.suggestions  # Frau vs. a male role: for review


def test_the_generators_linked_sets_are_deterministic_and_carry_their_truth(tmp_path):
    from evaluation.generated_decisions import _generator
    from evaluation.register_generated import read_truth, true_links

    gen = _generator()
    a, b = gen.linked_specs(6, 19_019, ["digital"]), gen.linked_specs(6, 19_019, ["digital"])
    assert [(s.genre, s.seed, s.link.ref, s.link.home.name, s.link.mayor) for s in a] == \
        [(s.genre, s.seed, s.link.ref, s.link.home.name, s.link.mayor) for s in b]
    assert [s.link_role for s in a[:3]] == ["proposes", "decides", "reports"]
    city_mayor = {}
    for s in a:  # one mayor per city across the corpus
        assert city_mayor.setdefault(s.link.home.name, s.link.mayor) == s.link.mayor
    for s in a[:3]:
        gen.render(s, tmp_path)
    truth = read_truth(tmp_path)
    assert len(truth) == 3 and {t["link"]["set"] for t in truth.values()} == {"L0000"}
    ref, mayor = a[0].link.ref, a[0].link.mayor.pid
    for f, t in truth.items():
        text = "\n".join(p["text"] for p in t["pages"])
        assert ref in text and ref in t["references"]
        assert mayor in {e.get("person_id") for e in t["entities"] if e["label"] == "PERSON"}, f
        for e in t["entities"]:  # every person mention names its true person, and stands where it says
            page = t["pages"][e["page"] - 1]["text"]
            assert page[e["start"]:e["end"]] == e["text"]
            assert e["label"] != "PERSON" or e["person_id"].startswith(t["link"]["city"] + "|")
    assert len(true_links(truth)) == 3  # three documents, one number: three pairs


def test_generator_without_a_link_is_unchanged(tmp_path):
    """The linked preset must not move the committed samples: sample 0 renders byte-identical."""
    from evaluation.generated_decisions import _generator

    gen = _generator()
    spec = gen.preset_samples()[0]
    path = gen.render(spec, tmp_path)
    assert path.read_bytes() == (ROOT / "samples" / path.name).read_bytes()
    assert (tmp_path / (path.name + ".truth.json")).read_text(encoding="utf-8") == \
        (ROOT / "samples" / (path.name + ".truth.json")).read_text(encoding="utf-8")


def test_mention_matching_prefers_the_span_then_the_value_then_the_nearest_surname():
    from evaluation.register_generated import match_mentions

    truth = [dict(page=1, start=10, end=22, value="Jürgen Müller", text="OB Müller"),
             dict(page=1, start=40, end=57, value="Annekatrin Müller", text="Annekatrin Müller"),
             dict(page=1, start=90, end=103, value="Jürgen Müller", text="Jürgen Müller")]
    pred = [dict(page=1, start=13, end=22, value="Müller"), dict(page=1, start=104, end=117, value="Jürgen Müller")]
    got = [p and p["start"] for _, p in match_mentions(truth, pred)]
    assert got == [13, None, 104]  # the missed Annekatrin does not take Jürgen's row


def test_a_surname_the_extractor_wrote_out_is_still_checked_for_role_and_gender():
    """'Oberbürgermeister Böttcher' next to 'Henrik Böttcher (Beigeordneter)': the extractor writes the value out
    as 'Henrik Böttcher'; the mention belongs to the Oberbürgermeister Wolfgang Böttcher of another document."""
    docs = [_doc("d1", "Erfurt", "2023-01-01"), _doc("d2", "Erfurt", "2023-05-01"), _doc("d3", "Erfurt", "2023-06-01")]
    pages = [dict(doc_id="d1", page=1, text="Vorsitz: Oberbürgermeister Böttcher\nWolfgang Böttcher"),
             dict(doc_id="d2", page=1, text="Henrik Böttcher (Beigeordneter) und Oberbürgermeister Böttcher"),
             dict(doc_id="d3", page=1, text="Jana Müller (Amtsleiterin) und Herr Müller")]
    ents = [dict(_person("d1", 0, "Wolfgang Böttcher", "Oberbürgermeister"), text="Böttcher", start=27, end=35),
            dict(_person("d1", 1, "Wolfgang Böttcher"), start=36, end=53),
            dict(_person("d2", 0, "Henrik Böttcher", "Beigeordneter"), start=0, end=15),
            dict(_person("d2", 1, "Henrik Böttcher", "Oberbürgermeister"), text="Böttcher", start=54, end=62),
            dict(_person("d3", 0, "Jana Müller", "Amtsleiterin"), start=0, end=11),
            dict(_person("d3", 1, "Jana Müller"), text="Müller", start=36, end=42)]
    links = link_people(ents, docs, pages, {"Oberbürgermeister": "m", "Amtsleiterin": "f", "Beigeordneter": "m"})
    assert links.person_of["d2-e0001"] == links.person_of["d1-e0001"] != links.person_of["d2-e0000"]
    # 'Herr Müller' is not the Amtsleiterin Jana Müller; no other Müller is known: no link to her
    assert links.person_of.get("d3-e0001") != links.person_of["d3-e0000"]


def test_the_review_app_shows_a_decisions_history_beside_it(linked, tmp_path):
    import http.client
    import re
    import shutil
    import threading

    from pipeline.review_app import create_server

    out = tmp_path / "out"
    shutil.copytree(linked["out"], out)
    decides = linked["register"][linked["register"].role == "decides"].iloc[0]
    item = dict(review_id=f"{decides.doc_id}-r0099", doc_id=decides.doc_id, page=1, table_name="decisions",
                row_id=decides.decision_id, field="text", value="Der Rat stimmt zu.", suggestion=None,
                confidence=0.4, reason="low confidence", status="open", context="")
    import pyarrow.parquet as pq

    tables.write_table(out, "review", pq.read_table(out / "review.parquet").to_pylist() + [item])
    server, _url = create_server(out, "127.0.0.1", 0, who="tester")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        con = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        con.request("GET", f"/item/{item['review_id']}")
        res = con.getresponse()
        page = res.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert res.status == 200
    section = re.search(r'<section class="history" id="history">(.*?)</section>', page, re.S).group(1)
    assert "History of V2072/23 · Dortmund" in section
    rows = re.findall(r"<tr( class=\"current\")?><td>([^<]*)</td><td>([^<]*)</td>", section)
    assert [(d, r) for _, d, r in rows] == [("2023-02-14", "proposes"), ("2023-02-14", "proposes"),
                                            ("2023-03-16", "decides"), ("2024-02-05", "reports")]
    assert [bool(c) for c, _, _ in rows] == [False, False, True, False]


def test_a_mention_that_names_no_number_is_not_filed_by_position():
    from pipeline.link.register import register_rows

    docs = [dict(doc_id="m1", status="ok", city="Karlsruhe", doc_type="Niederschrift", doc_date="2020-07-21")]
    refs = [_ref("m1", "2020/0695", start=0), _ref("m1", "2020/0812", start=40)]
    decs = [_dec("m1", 0, reference="2020/0695", result="zustimmung", start=100),
            _dec("m1", 1, mention=True, result="zustimmung", start=900)]  # 'hat 2018 der Gemeinderat beschlossen'
    rows = register_rows(docs, refs, decs)
    assert [(r["reference"], r["role"], r["decision_id"]) for r in rows] == [
        ("2020/0695", "decides", "m1-d0000"), ("2020/0812", "decides", None)]


@pytest.mark.parametrize("head, expected", [
    ("Stadt Bonn\nDer Oberbürgermeister\nSitzungsniederschrift\nGremium: Rat der Stadt Bonn", "Niederschrift"),
    ("Stadt Kiel\nKulturamt\nBeschlusskontrolle\nBetreff: Beschlusskontrolle zu Beschlussvorlage V1810/18",
     "Hausmitteilung"),
    ("Stadt Kiel\nSachstandsbericht\nBetreff: Sachstandsbericht zu Vorlage Nr. 2021/0443", "Hausmitteilung"),
    ("Stadt Erfurt\nKulturamt\nAntwort auf eine Anfrage\nAn die SPD-Fraktion\nBetreff: Anfrage zur Umsetzung der "
     "Beschlussvorlage V1234/21", "Brief"),
    ("Stadt Erfurt\nBeschlussvorlage\nVorlage Nr.: V1234/21\nGegenstand: Beschlusskontrolle", "Beschlussvorlage"),
])
def test_document_types_the_register_roles_depend_on(head, expected):
    """A Beschlusskontrolle that names its Beschlussvorlage in the subject is no proposal (the register would
    file it as `proposes`); 'Sitzungsniederschrift' is minutes (else the register says `reports`)."""
    import json

    from pipeline.extract.cues import Cues
    from pipeline.extract.docfields import doc_type

    cues = Cues.from_dict(json.loads((ROOT / "models/spacy/ratsakten_rules/cues.json").read_text(encoding="utf-8")))
    assert doc_type(head, cues.doc_type_patterns) == expected


def test_an_office_one_person_holds_goes_to_the_one_known_holder():
    """'Oberbürgermeister Zschoche' in minutes that also name Torsten Zschoche (Schriftführung, no role): both fit,
    but Andreas Zschoche signs as Oberbürgermeister elsewhere (the role on the line below his name)."""
    docs = [_doc("d1", "Leipzig", "2023-01-01"), _doc("d2", "Leipzig", "2023-02-01")]
    pages = [dict(doc_id="d1", page=1, text="Die Vorlage.\nAndreas Zschoche\nOberbürgermeister"),
             dict(doc_id="d2", page=1, text="Vorsitz: Oberbürgermeister Zschoche\nSchriftführung: Torsten Zschoche\n"
                                            "Andreas Zschoche\nVorsitz")]
    ents = [dict(_person("d1", 0, "Andreas Zschoche"), start=13, end=29),
            dict(_person("d2", 0, "Zschoche", "Oberbürgermeister"), start=27, end=35),
            dict(_person("d2", 1, "Torsten Zschoche"), start=52, end=68),
            dict(_person("d2", 2, "Andreas Zschoche"), start=69, end=85)]
    genders = {"Oberbürgermeister": "m"}
    links = link_people(ents, docs, pages, genders)
    assert links.person_of["d2-e0000"] == links.person_of["d1-e0000"] != links.person_of["d2-e0001"]
    assert not links.suggestions
    pages[0]["text"] = "Die Vorlage.\nAndreas Zschoche\nim Auftrag"  # no one known in the office: for review
    links = link_people(ents, docs, pages, genders)
    assert links.person_of.get("d2-e0000") is None and len(links.suggestions) == 1


def _org(doc: str, i: int, value: str, text=None, start=0) -> dict:
    return dict(doc_id=doc, entity_id=f"{doc}-e{i:04d}", page=1, label="ORG", text=text or value, value=value,
                start=start, end=start + len(text or value))


def test_organisations_across_documents():
    """Councils with and without their city, committees in genitive, factions in both word orders, an
    abbreviation defined in parentheses; Kiel's committee of the same name is another; no home city, no link."""
    import json

    from pipeline.link.orgs import link_orgs, org_rows

    expected = json.loads((ROOT / "tests/fixtures/orgs/expected.json").read_text(encoding="utf-8"))
    docs = [_doc("d1", "Dortmund", "2023-01-10"), _doc("d2", "Dortmund", "2023-05-02"), _doc("d3", "Kiel", "2023-02-01"),
            dict(_doc("d4", None, "2023-02-01"))]
    d1 = "Der Rat der Stadt Dortmund hat den Ausschuss für Umwelt und Grün (AUG) beauftragt."
    pages = [dict(doc_id="d1", page=1, text=d1), dict(doc_id="d2", page=1, text=""), dict(doc_id="d3", page=1, text=""),
             dict(doc_id="d4", page=1, text="")]
    ents = [_org("d1", 0, "Rat der Stadt Dortmund", start=4), _org("d1", 1, "Rat der Stadt Dortmund", "Rates"),
            _org("d1", 2, "Ausschuss für Umwelt und Grün", start=d1.index("Ausschuss")),
            _org("d1", 3, "SPD-Fraktion"), _org("d1", 4, "Kulturamt"), _org("d1", 5, "Bundesregierung"),
            _org("d1", 6, "Rat der Gemeinden und Regionen Europas", "Rat"),
            _org("d2", 0, "Rat"), _org("d2", 1, "AUG"), _org("d2", 2, "Fraktion der SPD"),
            _org("d2", 3, "Kulturamtes"), _org("d2", 4, "Stadtrat"),
            _org("d3", 0, "Ausschuss für Umwelt und Grün"), _org("d3", 1, "Rat der Stadt Kiel"),
            _org("d3", 2, "Bundesregierung"), _org("d4", 0, "Hauptausschuss")]
    decs = [dict(doc_id="d2", decision_id="d2-d0001", body="Rat der Stadt Dortmund")]
    links = link_orgs(ents, docs, decs, pages)

    def oid(x: str):
        return links.body_of.get(x[4:]) if x.startswith("dec:") else links.org_of.get(x)

    for group in expected["same"]:
        ids = {oid(x) for x in group}
        assert len(ids) == 1 and None not in ids, group
    for a, b in expected["different"]:
        assert oid(a) != oid(b), (a, b)
    for x in expected["none"]:  # no home city; 'Stadtrat' where the council is a 'Rat der Stadt'
        assert oid(x) is None, x
    rows = {r["org_id"]: r for r in org_rows(links)}
    for x, name in expected["names"].items():
        assert rows[oid(x)]["name"] == name
    rat = rows[oid("d1-e0000")]
    assert (rat["city"], rat["kind"], rat["n_documents"], rat["first_seen"], rat["last_seen"]) == \
        ("Dortmund", "council", 2, "2023-01-10", "2023-05-02")
    assert rows[oid("d1-e0003")]["kind"] == "faction" and rows[oid("d1-e0002")]["kind"] == "committee"


def test_a_reviewers_answer_to_a_person_link_is_applied(tmp_path):
    """`cli.py apply`: accepted with one candidate, corrected by name or by id, rejected (no link), and an
    accepted row with two candidates (says nothing) -- written into entities.person_id."""
    from pipeline.answers import AnswerStore
    from pipeline.review_apply import apply_answers

    a, b = "P0123456789", "Pabcdefabcd"
    two = f"Thomas Westphal ({a}); Sabine Westphal ({b})"
    ents = [dict(_person("d1", i, "Westphal"), person_id=None, person_candidates=f"{a}; {b}") for i in range(5)]
    review = [dict(review_id=f"d1-q{i:04d}", doc_id="d1", page=1, table_name="entities", row_id=f"d1-e{i:04d}",
                   field="person_id", value=None, suggestion=sug, confidence=0.3, reason="PERSON: ...", status="open")
              for i, sug in enumerate([f"Thomas Westphal ({a})", two, two, two, two])]
    tables.write_table(tmp_path, "documents", [_doc("d1", "Dortmund", "2023-01-01")])
    tables.write_table(tmp_path, "entities", ents)
    tables.write_table(tmp_path, "review", review)
    store = AnswerStore(tmp_path)
    for row, status, new in zip(review, ["accepted", "corrected", "corrected", "rejected", "accepted"],
                                [None, "sabine westphal", f"{a}", None, None]):
        store.record(row, status, new, "tester")
    summary = apply_answers(tmp_path)
    assert summary.applied == 5
    got = [r["person_id"] if isinstance(r["person_id"], str) else None
           for r in tables.read(tmp_path, "entities").sort_values("entity_id").to_dict("records")]
    assert got == [a, b, a, None, None]
    assert set(tables.read(tmp_path, "review").status) == {"accepted", "corrected", "rejected"}
