"""Organisations and bodies across documents: `Rat der Stadt Dortmund`, `Rat` and `Rates` in Dortmund's
memos, and the decisions' body `Rat der Stadt Dortmund`, are one body; `Finanzausschuss` of Kiel is not
Dortmund's.

    link_orgs(entities, documents, decisions, pages) -> OrgLinks

Conservative rules (an unsure link is no link: org_id stays null):

1. A council with its city (`Rat der Stadt Dortmund`, `Stadtrat der Landeshauptstadt Magdeburg`,
   `Gemeinderat Karlsruhe`) is the council of that city, whatever form and case it takes.
2. A council word alone (`Rat`, `Rates`, `Stadtrat`, `Gemeinderat`) is the council of the document's home
   city: `Rat` when that city has one council known (or none yet), the others when the kind is the
   same. No home city: no link.
3. Any other name (committees, offices, factions, associations) is one organisation per home city and
   name, genitive and spelling folded (`Ausschusses für` = `Ausschuss für`, `Ausschuß`, `SPD-Fraktion` =
   `Fraktion der SPD`); federal and European bodies (`Bundesregierung`) are one for all cities.
4. An abbreviation defined in parentheses right after a name (`Ausschuss für Umwelt und Grün (AUG)`)
   is that organisation wherever the same city's documents write it alone.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Optional

from .people import fold

COUNCIL_WORDS = {"rat": "rat", "stadtrat": "stadtrat", "gemeinderat": "gemeinderat", "ratsversammlung": "ratsversammlung",
                 "kreistag": "kreistag", "burgerschaft": "burgerschaft", "stadtverordnetenversammlung": "stadtverordnetenversammlung"}
_GENITIVE = {"rates": "rat", "rats": "rat", "stadtrates": "stadtrat", "stadtrats": "stadtrat", "gemeinderates": "gemeinderat",
             "gemeinderats": "gemeinderat", "kreistages": "kreistag", "kreistags": "kreistag"}
_COUNCIL = re.compile(r"^(?:der|die|des|dem|den)?\s*(?P<kind>\w+?)(?:\s+der\s+(?:Stadt|Landeshauptstadt|Bundesstadt|Hansestadt|"
                      r"Universitätsstadt|Gemeinde|Freien und Hansestadt|Großen Kreisstadt))?(?:\s+(?P<city>[A-ZÄÖÜ][\w.-]*"
                      r"(?:\s+(?:im|am|an der|in der|ob der)?\s*[A-ZÄÖÜ][\w.-]*){0,2}))?$")
_NATIONAL = re.compile(r"^(?:Bundes|Deutsche[rsn]?\s|Europäische|EU-)")
_ACRONYM = re.compile(r"\s*\((?P<a>[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{1,7})\)")
_GEN_WORDS = {"ausschusses": "ausschuss", "ausschuß": "ausschuss", "ausschusses,": "ausschuss", "buros": "buro",
              "amtes": "amt", "amts": "amt", "beirates": "beirat", "beirats": "beirat", "referates": "referat",
              "dezernates": "dezernat"}


@dataclass
class Org:
    key: tuple
    city: Optional[str]
    kind: str  # council | committee | faction | office | other
    mentions: list[dict] = field(default_factory=list)  # (row, doc) pairs as dicts: value, date, doc_id
    org_id: str = ""


@dataclass
class OrgLinks:
    orgs: list[Org]
    org_of: dict[str, str]  # entity_id -> org_id
    body_of: dict[str, str]  # decision_id -> org_id


def council(value: str) -> Optional[tuple[str, Optional[str]]]:
    """(kind, city or None) when `value` names a council: 'Rat der Stadt Dortmund' -> ('rat', 'Dortmund')."""
    m = _COUNCIL.match(" ".join((value or "").split()))
    if not m:
        return None
    word = fold(m.group("kind"))
    kind = COUNCIL_WORDS.get(word) or _GENITIVE.get(word)
    if kind is None:
        return None
    return kind, m.group("city")


def name_key(value: str) -> str:
    """Folded name: case, diacritics, genitive of the head word, spacing, 'e.V.', faction word order."""
    v = " ".join((value or "").replace("–", "-").split())
    v = re.sub(r"\s*-\s*", "-", v)
    v = re.sub(r"\be\.\s*V\.", "e.V.", v)
    m = re.match(r"^(?:die\s+)?(?P<p>[\w/ ]+?)-(?:Stadtrats|Ratsfraktion|Fraktion)$", v, re.I) or \
        re.match(r"^Fraktion\s+(?:der\s+|des\s+)?(?P<p>.+)$", v, re.I)
    if m:
        v = f"Fraktion {m.group('p')}"
    words = [_GEN_WORDS.get(fold(w)) or re.sub(r"(amt|rat|referat|dezernat|ausschuss)e?s$", r"\1", fold(w))
             for w in re.sub(r"^(?:der|die|das|des|dem|den)\s+", "", v, flags=re.I).split()]
    return " ".join(words)


def org_kind(value: str) -> str:
    if council(value):
        return "council"
    k = name_key(value)
    if "fraktion" in k:
        return "faction"
    if "ausschuss" in k or re.search(r"(?:beirat|altestenrat|kommission)\b", k):
        return "committee"
    if re.search(r"(?:amt|referat|dezernat)\b", k) or k.startswith(("buro ", "amt ", "dezernat ")):
        return "office"
    return "other"


def _key(value: str, home: Optional[str], councils: dict[str, set[str]]) -> Optional[tuple]:
    c = council(value)
    if c:
        kind, city = c
        if city:
            return ("council", city, kind)
        if not home:
            return None
        known = councils.get(home, set())
        if kind == "rat" and len(known) <= 1:
            return ("council", home, next(iter(known)) if known else "rat")
        if kind in known or not known:
            return ("council", home, kind)
        return None  # 'Stadtrat' where the city's council is a 'Rat der Stadt': a person's role, or another body
    if _NATIONAL.match(value or ""):
        return ("org", None, name_key(value))
    if not home:
        return None
    return ("org", home, name_key(value))


def link_orgs(entities: list[dict], documents: list[dict], decisions: list[dict], pages: list[dict]) -> OrgLinks:
    docs = {d["doc_id"]: d for d in documents if d.get("status", "ok") == "ok"}
    page_text = {(p["doc_id"], int(p["page"])): p.get("text") or "" for p in pages}
    ents = [e for e in entities if e.get("label") == "ORG" and e.get("doc_id") in docs and e.get("value")]
    decs = [d for d in decisions if d.get("doc_id") in docs and d.get("body")]
    # the councils each city has under its own name (rule 2 needs them all first)
    councils: dict[str, set[str]] = defaultdict(set)
    for v in [e["value"] for e in ents] + [d["body"] for d in decs]:
        c = council(v)
        if c and c[1]:
            councils[c[1]].add(c[0])
    orgs: dict[tuple, Org] = {}
    acronyms: dict[tuple, tuple] = {}  # (city, acronym) -> key

    def add(value: str, row: dict, key: tuple) -> str:
        o = orgs.get(key)
        if o is None:
            o = orgs[key] = Org(key, key[1], "council" if key[0] == "council" else org_kind(value))
        doc = docs[row["doc_id"]]
        o.mentions.append(dict(value=value, doc_id=row["doc_id"], date=doc.get("doc_date")))
        return o.key

    ent_key: dict[str, tuple] = {}
    later: list[dict] = []
    for e in ents:
        home = docs[e["doc_id"]].get("city")
        text = page_text.get((e["doc_id"], int(e.get("page") or 0)), "")
        a = _ACRONYM.match(text, int(e.get("end") or 0)) if text and e.get("end") is not None else None
        if re.fullmatch(r"[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{1,7}", e["value"]) and e["value"].upper() == e["value"]:
            later.append(e)  # an acronym alone: after all definitions are known
            continue
        key = _key(e["value"], home, councils)
        if key is None:
            continue
        ent_key[e["entity_id"]] = add(e["value"], e, key)
        if a and home:
            prev = acronyms.setdefault((home, a.group("a")), key)
            if prev != key:
                acronyms[(home, a.group("a"))] = ("ambiguous",)
    for e in later:
        home = docs[e["doc_id"]].get("city")
        key = acronyms.get((home, e["value"]))
        if key and key != ("ambiguous",):
            ent_key[e["entity_id"]] = add(e["value"], e, key)
    dec_key: dict[str, tuple] = {}
    for d in decs:
        key = _key(d["body"], docs[d["doc_id"]].get("city"), councils)
        if key is not None:
            dec_key[d["decision_id"]] = add(d["body"], d, key)
    out = sorted(orgs.values(), key=lambda o: (o.city or "", o.key))
    for o in out:
        o.org_id = "O" + hashlib.sha1("|".join(str(k) for k in o.key).encode("utf-8")).hexdigest()[:10]
    ids = {o.key: o.org_id for o in out}
    return OrgLinks(out, {k: ids[v] for k, v in ent_key.items()}, {k: ids[v] for k, v in dec_key.items()})


def display_name(o: Org) -> str:
    """The longest form written most often ('Rat der Stadt Dortmund' over 'Rat')."""
    counts = Counter(m["value"] for m in o.mentions)
    return max(counts, key=lambda v: (len(v.split()) >= 2, counts[v], len(v), v))


def org_rows(links: OrgLinks) -> list[dict]:
    rows = []
    for o in links.orgs:
        dates = sorted(m["date"] for m in o.mentions if m.get("date"))
        rows.append(dict(org_id=o.org_id, name=display_name(o), city=o.city, kind=o.kind,
                         variants="; ".join(sorted({m["value"] for m in o.mentions})),
                         first_seen=dates[0] if dates else None, last_seen=dates[-1] if dates else None,
                         n_documents=len({m["doc_id"] for m in o.mentions}), n_mentions=len(o.mentions)))
    return rows
