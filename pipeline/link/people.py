"""Who is who across documents: `Thomas Westphal`, `Dr. Thomas Westphal`, `OB Westphal` and `Herr Westphal`
in three documents are one person.

    link_people(entities, documents, pages, roles_gender) -> PeopleLinks

Rules, in order (each only within one city: the home city of the document that names the person):

1. Full names (`Vorname Nachname`) are one person when they are the same name, diacritics and OCR
   confusions folded (`Élise`/`Elise`, `Wöhrle`/`Wöhrte` are not folded: only letters OCR confuses).
2. A surname alone, or a role with a surname, belongs to the one person of that surname the same
   document names in full; else to the one person of that surname in the city. A role or a gender
   (`Herr`, `Frau`, `Oberbürgermeisterin`) that does not fit rules a candidate out.
3. When more than one candidate fits, or the only candidate's role or gender does not fit, the
   mention is linked to no one: it becomes a suggestion for review (pipeline/review.py).
4. Surnames that no full name explains are one person per city and compatible role.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..correct.model import ocr_key

# offices one person of a city holds at a time (role_base form)
SINGLE_OFFICES = {"oberburgermeister", "landrat", "stadtdirektor", "stadtprasident"}
# roles that say who chairs, not which office: compatible with any office
_CHAIR = {"vorsitzender", "vorsitz", "sitzungsleiter", "sitzungsleitung"}
_FEMININE_E = ("Beigeordnete", "Vorsitzende", "Abgeordnete", "Beauftragte", "Angestellte", "Bevollmächtigte")


def fold(s: str) -> str:
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return s.replace("ß", "ss").casefold()


def load_role_genders(models_dir: Path) -> dict[str, str]:
    """roles.tsv: role -> m | f | x | n."""
    path = Path(models_dir) / "gazetteer" / "roles.tsv"
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        parts = line.split("\t")
        if i and len(parts) >= 2:
            out[parts[0]] = parts[1]
    return out


def role_base(role: Optional[str]) -> Optional[str]:
    """The office a role names, without its gender: 'Stadträtin' -> 'stadtrat', 'Vorsitzende' -> 'vorsitzender'."""
    if not role:
        return None
    words = role.split()
    w = words[0]
    if w in _FEMININE_E:
        w += "r"
    elif w.endswith("in") and len(w) > 5 and not w.endswith("ein"):
        w = w[:-2]
        if w.endswith("rät"):
            w = w[:-3] + "rat"
    return fold(" ".join([w] + words[1:]))


def role_gender(role: Optional[str], genders: dict[str, str]) -> Optional[str]:
    if not role:
        return None
    g = genders.get(role) or genders.get(role.split()[0])
    if g in ("m", "f"):
        return g
    if g is None and role.split()[0].endswith("in") and role_base(role) != fold(role.split()[0]):
        return "f"
    return None


def roles_compatible(a: Optional[str], b: Optional[str]) -> bool:
    if not a or not b or a == b:
        return True
    return a in _CHAIR or b in _CHAIR


@dataclass
class Mention:
    row: dict
    city: Optional[str]
    date: Optional[str]
    given: str  # folded given names ('' for a surname alone)
    surname: str  # folded
    role: Optional[str]  # role_base
    gender: Optional[str]
    doc_id: str

    @property
    def full(self) -> bool:
        return bool(self.given)


@dataclass
class Person:
    key: tuple
    city: Optional[str]
    mentions: list[Mention] = field(default_factory=list)
    person_id: str = ""

    @property
    def surname(self) -> str:
        return self.mentions[0].surname

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.mentions if m.role}

    @property
    def gender(self) -> Optional[str]:
        gs = {m.gender for m in self.mentions if m.gender}
        return gs.pop() if len(gs) == 1 else None

    def fits(self, m: Mention) -> bool:
        if m.gender and self.gender and m.gender != self.gender:
            return False
        if m.role and self.roles and not any(roles_compatible(m.role, r) for r in self.roles):
            return False
        return True


@dataclass
class Suggestion:
    """A mention that could be someone we know, but not surely: for a reviewer."""

    row: dict
    candidates: list[Person]
    reason: str
    mention: Optional["Mention"] = None


@dataclass
class PeopleLinks:
    people: list[Person]
    person_of: dict[str, str]  # entity_id -> person_id
    suggestions: list[Suggestion]


def _gender_cue(row: dict, pages: dict[tuple[str, int], str]) -> Optional[str]:
    text = pages.get((row["doc_id"], int(row.get("page") or 0)), "")
    before = text[max(0, int(row.get("start") or 0) - 25):int(row.get("start") or 0)]
    m = re.search(r"\b(Herrn?|Frau)\s+(?:(?:Dr|Prof)\.\s*)*$", before)
    if m:
        return "f" if m.group(1) == "Frau" else "m"
    return None


# 'OB Quandt' says nothing of gender: the extractor writes the role out as 'Oberbürgermeister'
_ABBREVIATED_ROLE = re.compile(r"(?<![\w-])(?:OB|OBM|BM|StR)\s+$")


def _abbreviated_role(row: dict, pages: dict[tuple[str, int], str]) -> bool:
    text = pages.get((row["doc_id"], int(row.get("page") or 0)), "")
    start = int(row.get("start") or 0)
    return bool(_ABBREVIATED_ROLE.search(text[max(0, start - 6):start]))


_NOT_NAMES = {"herr", "herrn", "frau", "ob", "obm", "obin", "bm", "bmin", "str", "strin"}


def _names_given(row: dict) -> bool:
    """Whether the text as printed names a given name: the extractor writes the value of 'Oberbürgermeister
    Böttcher' out as the full name another mention of the document has ('Henrik Böttcher', a Beigeordneter);
    such a mention is a surname alone here, so that its role and gender are checked against the candidates."""
    text = row.get("text")
    if not text:
        return True
    role = {fold(w) for w in (row.get("role") or "").split()}
    words = [w for w in re.findall(r"[\w'-]+\.?", text)
             if not w.endswith(".") and fold(w) not in _NOT_NAMES and fold(w) not in role]
    return len(words) >= 2


def _mention(row: dict, doc: dict, pages, genders) -> Optional[Mention]:
    value = (row.get("value") or "").strip()
    parts = [p for p in value.split() if p]
    if not parts:
        return None
    surname = fold(parts[-1])
    given = " ".join(fold(p) for p in parts[:-1]) if _names_given(row) else ""
    role = row.get("role") or _role_below(row, pages, genders)
    gender = _gender_cue(row, pages) or (None if _abbreviated_role(row, pages) else role_gender(role, genders))
    return Mention(row=row, city=doc.get("city"), date=doc.get("doc_date"), given=given, surname=surname,
                   role=role_base(role), gender=gender, doc_id=row["doc_id"])


def _role_below(row: dict, pages: dict[tuple[str, int], str], genders: dict[str, str]) -> Optional[str]:
    """A signature: the name alone on its line, the next line a role and nothing else ('Oberbürgermeister')."""
    text = pages.get((row["doc_id"], int(row.get("page") or 0)), "")
    start, end = int(row.get("start") or 0), int(row.get("end") or 0)
    if not text or end > len(text):
        return None
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0 or text[end:line_end].strip() or re.search(r"\w{3,}", text[line_start:start].replace("Dr.", "")
                                                                  .replace("Prof.", "")):
        return None
    nxt = text[line_end + 1:].split("\n", 1)[0].strip()
    return nxt if nxt in genders else None


def _okey(s: str) -> str:
    return ocr_key(s)


def link_people(entities: list[dict], documents: list[dict], pages: list[dict],
                genders: Optional[dict[str, str]] = None) -> PeopleLinks:
    genders = genders or {}
    docs = {d["doc_id"]: d for d in documents if d.get("status", "ok") == "ok"}
    page_text = {(p["doc_id"], int(p["page"])): p.get("text") or "" for p in pages}
    mentions = []
    for row in entities:
        if row.get("label") != "PERSON" or row.get("doc_id") not in docs:
            continue
        m = _mention(row, docs[row["doc_id"]], page_text, genders)
        if m is not None:
            mentions.append(m)
    # 1. full names, by city and name with OCR confusions folded
    people: dict[tuple, Person] = {}
    for m in mentions:
        if m.full:
            key = (m.city, _okey(m.given), _okey(m.surname))
            people.setdefault(key, Person(key, m.city)).mentions.append(m)
    by_surname: dict[tuple, list[Person]] = defaultdict(list)
    for p in people.values():
        by_surname[(p.city, _okey(p.surname))].append(p)
    in_doc: dict[tuple, list[Person]] = defaultdict(list)
    for p in people.values():
        for d in {m.doc_id for m in p.mentions}:
            in_doc[(d, _okey(p.surname))].append(p)
    # 2./3. surnames alone
    suggestions: list[Suggestion] = []
    pending: dict[tuple, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.full:
            continue
        local = in_doc.get((m.doc_id, _okey(m.surname)), [])
        fitting = [p for p in local if p.fits(m)]
        if len(fitting) == 1:
            fitting[0].mentions.append(m)
            continue
        if len(fitting) > 1:
            suggestions.append(Suggestion(m.row, fitting, f"'{m.row.get('text')}' could be any of "
                                                          f"{len(fitting)} people this document names", m))
            continue
        city_wide = by_surname.get((m.city, _okey(m.surname)), [])
        fitting = [p for p in city_wide if p.fits(m)]
        if len(fitting) == 1:
            fitting[0].mentions.append(m)
        elif fitting:
            suggestions.append(Suggestion(m.row, fitting, f"'{m.row.get('text')}' could be any of {len(fitting)} "
                                                          f"people named {m.row.get('value')} in {m.city or 'this city'}", m))
        elif city_wide:
            suggestions.append(Suggestion(m.row, city_wide, f"'{m.row.get('text')}' ({m.row.get('role') or 'no role'}) "
                                                            "does not fit the role or gender of the person of that name"))
        else:
            pending[(m.city, _okey(m.surname))].append(m)
    # 3b. an office one person holds at a time ('Oberbürgermeister Köhler' where Stefan and Jürgen Köhler fit):
    # the one candidate already known in that office, from the links made so far
    known_roles = {id(p): p.roles for p in people.values()}
    for sg in list(suggestions):
        m = sg.mention
        if m is None or m.role not in SINGLE_OFFICES:
            continue
        holders = [p for p in sg.candidates if m.role in known_roles.get(id(p), set())]
        if len(holders) == 1:
            holders[0].mentions.append(m)
            suggestions.remove(sg)
    # 4. surnames no full name explains: one person per compatible role
    for (city, sur), ms in pending.items():
        groups: list[Person] = []
        for m in sorted(ms, key=lambda m: m.role is None):  # roles first, so a bare surname sees them all
            fitting = [p for p in groups if p.fits(m)]
            if len(fitting) == 1:
                fitting[0].mentions.append(m)
            elif not fitting:
                groups.append(Person((city, "", sur, m.role or ""), city, [m]))
            else:
                suggestions.append(Suggestion(m.row, fitting, f"'{m.row.get('text')}' could be any of {len(fitting)} "
                                                              f"people named {m.row.get('value')}"))
        for p in groups:
            people[p.key] = p
    out = sorted(people.values(), key=lambda p: (p.city or "", p.key))
    person_of: dict[str, str] = {}
    for p in out:
        p.person_id = person_id(p)
        for m in p.mentions:
            person_of[m.row["entity_id"]] = p.person_id
    return PeopleLinks(out, person_of, suggestions)


def display_name(p: Person) -> str:
    """The fullest, most often written name; with diacritics where a document has them."""
    full = [m.row["value"] for m in p.mentions if m.full] or [m.row["value"] for m in p.mentions]
    counts = Counter(full)
    return max(counts, key=lambda v: (len(v.split()), counts[v], sum(ord(c) > 127 for c in v), v))


def person_id(p: Person) -> str:
    key = f"{p.city or ''}|{fold(display_name(p))}|{p.key[3] if len(p.key) > 3 else ''}"
    return "P" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _variant(m: Mention) -> str:
    text = m.row.get("text") or m.row.get("value") or ""
    if not m.full and m.row.get("role"):
        return f"{m.row['role']} {text}"
    return f"{m.row['title']} {text}" if m.row.get("title") else text


def people_rows(links: PeopleLinks) -> list[dict]:
    rows = []
    for p in links.people:
        dates = sorted(m.date for m in p.mentions if m.date)
        roles: dict[str, list[str]] = defaultdict(list)
        for m in p.mentions:
            if m.row.get("role"):
                roles[m.row["role"]].append(m.date or "")
        role_text = "; ".join(
            f"{r} ({min(d for d in ds if d)}" + (f" – {max(ds)}" if max(ds) != min(d for d in ds if d) else "") + ")"
            if any(ds) else r for r, ds in sorted(roles.items(), key=lambda kv: min(d or "9999" for d in kv[1])))
        rows.append(dict(person_id=p.person_id, name=display_name(p), city=p.city,
                         variants="; ".join(sorted(set(_variant(m) for m in p.mentions))),
                         roles=role_text or None, first_seen=dates[0] if dates else None,
                         last_seen=dates[-1] if dates else None,
                         n_documents=len({m.doc_id for m in p.mentions}), n_mentions=len(p.mentions)))
    return rows
