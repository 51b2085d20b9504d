"""Generate synthetic German council memos with their true answers.

Every document is written from the project's own templates, laid out by hand
(so the true text of every page line is known), rendered born-digital with
reportlab and, for scans, rasterised with pypdfium2 and damaged with PIL/numpy.
Beside each file goes ``<file>.truth.json`` (format in ``samples/README.md``).

    python samples/generate.py --out DIR --n N --seed S [--kinds digital,scan,mixed,image]
    python samples/generate.py --out samples --preset samples

Everything is drawn from ``random.Random`` and ``numpy`` generators seeded per
document, so the same arguments give byte-identical truth files and the same
images (PDF files carry no timestamps: reportlab runs with ``invariant=1``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PAGE_W, PAGE_H = A4
NBSP = "\u00a0"

# --------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------

FONT_FILES = {
    "Serif": "DejaVuSerif.ttf",
    "Serif-Bold": "DejaVuSerif-Bold.ttf",
    "Sans": "DejaVuSans.ttf",
    "Sans-Bold": "DejaVuSans-Bold.ttf",
    "Cond": "DejaVuSansCondensed.ttf",
    "Cond-Bold": "DejaVuSansCondensed-Bold.ttf",
    "Mono": "DejaVuSansMono.ttf",
    "Mono-Bold": "DejaVuSansMono-Bold.ttf",
}
_FONTS_READY = False


def register_fonts() -> None:
    """Embed DejaVu (full Unicode, umlauts, Polish/Czech letters); Helvetica is the fallback."""
    global _FONTS_READY
    if _FONTS_READY:
        return
    for name, fname in FONT_FILES.items():
        path = FONT_DIR / fname
        if path.exists():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        else:  # pragma: no cover - only without fonts-dejavu-core
            base = "Courier" if name.startswith("Mono") else "Helvetica"
            pdfmetrics.registerFont(pdfmetrics.getFont(base + ("-Bold" if "Bold" in name else "")))
            FONT_FILES[name] = base
    _FONTS_READY = True


def font_name(family: str, bold: bool = False) -> str:
    name = f"{family}-Bold" if bold else family
    return name if (FONT_DIR / FONT_FILES.get(name, "x")).exists() else (
        ("Courier" if family == "Mono" else "Helvetica") + ("-Bold" if bold else ""))


# --------------------------------------------------------------------------------------
# Vocabulary: cities, people, organisations
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HomeCity:
    name: str          # canonical German name (CITY value)
    prefix: str        # "Landeshauptstadt", "Stadt", ...
    council: str       # council as printed, nominative, without the city
    body: str          # canonical body value (decisions.body, ORG value)
    mayor_role: str    # "Oberbürgermeister" / "Oberbürgermeisterin"
    state: str


PLZ = {"Dresden": "01067", "Leipzig": "04109", "Dortmund": "44135", "Köln": "50667", "Karlsruhe": "76133",
       "Freiburg im Breisgau": "79098", "Stuttgart": "70173", "Nürnberg": "90403", "Erfurt": "99084",
       "Magdeburg": "39104", "Kiel": "24103", "Chemnitz": "09111", "Mainz": "55116", "Bonn": "53111",
       "Münster": "48143", "Hannover": "30159"}

HOME_CITIES = [
    HomeCity("Dresden", "Landeshauptstadt", "Stadtrat", "Stadtrat Dresden", "Oberbürgermeister", "Sachsen"),
    HomeCity("Leipzig", "Stadt", "Ratsversammlung", "Ratsversammlung Leipzig", "Oberbürgermeister", "Sachsen"),
    HomeCity("Dortmund", "Stadt", "Rat der Stadt", "Rat der Stadt Dortmund", "Oberbürgermeister", "Nordrhein-Westfalen"),
    HomeCity("Köln", "Stadt", "Rat der Stadt", "Rat der Stadt Köln", "Oberbürgermeisterin", "Nordrhein-Westfalen"),
    HomeCity("Karlsruhe", "Stadt", "Gemeinderat", "Gemeinderat Karlsruhe", "Oberbürgermeister", "Baden-Württemberg"),
    HomeCity("Freiburg im Breisgau", "Stadt", "Gemeinderat", "Gemeinderat Freiburg im Breisgau", "Oberbürgermeister", "Baden-Württemberg"),
    HomeCity("Stuttgart", "Landeshauptstadt", "Gemeinderat", "Gemeinderat Stuttgart", "Oberbürgermeister", "Baden-Württemberg"),
    HomeCity("Nürnberg", "Stadt", "Stadtrat", "Stadtrat Nürnberg", "Oberbürgermeister", "Bayern"),
    HomeCity("Erfurt", "Landeshauptstadt", "Stadtrat", "Stadtrat Erfurt", "Oberbürgermeister", "Thüringen"),
    HomeCity("Magdeburg", "Landeshauptstadt", "Stadtrat", "Stadtrat Magdeburg", "Oberbürgermeisterin", "Sachsen-Anhalt"),
    HomeCity("Kiel", "Landeshauptstadt", "Ratsversammlung", "Ratsversammlung Kiel", "Oberbürgermeister", "Schleswig-Holstein"),
    HomeCity("Chemnitz", "Stadt", "Stadtrat", "Stadtrat Chemnitz", "Oberbürgermeister", "Sachsen"),
    HomeCity("Mainz", "Landeshauptstadt", "Stadtrat", "Stadtrat Mainz", "Oberbürgermeister", "Rheinland-Pfalz"),
    HomeCity("Bonn", "Bundesstadt", "Rat der Stadt", "Rat der Stadt Bonn", "Oberbürgermeisterin", "Nordrhein-Westfalen"),
    HomeCity("Münster", "Stadt", "Rat der Stadt", "Rat der Stadt Münster", "Oberbürgermeister", "Nordrhein-Westfalen"),
    HomeCity("Hannover", "Landeshauptstadt", "Rat der Landeshauptstadt", "Rat der Landeshauptstadt Hannover", "Oberbürgermeister", "Niedersachsen"),
]


@dataclass(frozen=True)
class Partner:
    name: str       # canonical German exonym (CITY value)
    country: str    # ISO 3166-1 alpha-2
    land: str       # German country name
    lang: str       # name pool for its people
    head: str       # title of the city head, masculine form


PARTNERS = [
    Partner("Chmelnyzkyj", "UA", "Ukraine", "uk", "Bürgermeister"),
    Partner("Schytomyr", "UA", "Ukraine", "uk", "Bürgermeister"),
    Partner("Charkiw", "UA", "Ukraine", "uk", "Bürgermeister"),
    Partner("Lwiw", "UA", "Ukraine", "uk", "Bürgermeister"),
    Partner("Kiew", "UA", "Ukraine", "uk", "Leiter der Stadtadministration"),
    Partner("Odessa", "UA", "Ukraine", "uk", "Leiter der Stadtadministration"),
    Partner("Winnyzja", "UA", "Ukraine", "uk", "Bürgermeister"),
    Partner("Saporischschja", "UA", "Ukraine", "uk", "Leiter der Stadtadministration"),
    Partner("Mykolajiw", "UA", "Ukraine", "uk", "Bürgermeister"),
    Partner("Rostow am Don", "RU", "Russland", "ru", "Leiter der Stadtadministration"),
    Partner("Sankt Petersburg", "RU", "Russland", "ru", "Gouverneur"),
    Partner("Wolgograd", "RU", "Russland", "ru", "Leiter der Stadtadministration"),
    Partner("Breslau", "PL", "Polen", "pl", "Stadtpräsident"),
    Partner("Danzig", "PL", "Polen", "pl", "Stadtpräsident"),
    Partner("Krakau", "PL", "Polen", "pl", "Stadtpräsident"),
    Partner("Posen", "PL", "Polen", "pl", "Stadtpräsident"),
    Partner("Stettin", "PL", "Polen", "pl", "Stadtpräsident"),
    Partner("Straßburg", "FR", "Frankreich", "fr", "Bürgermeister"),
    Partner("Lyon", "FR", "Frankreich", "fr", "Bürgermeister"),
    Partner("Nizza", "FR", "Frankreich", "fr", "Bürgermeister"),
    Partner("Prag", "CZ", "Tschechien", "cs", "Oberbürgermeister"),
    Partner("Pilsen", "CZ", "Tschechien", "cs", "Oberbürgermeister"),
    Partner("Brünn", "CZ", "Tschechien", "cs", "Oberbürgermeister"),
    Partner("Mailand", "IT", "Italien", "it", "Bürgermeister"),
    Partner("Florenz", "IT", "Italien", "it", "Bürgermeister"),
    Partner("Lüttich", "BE", "Belgien", "fr", "Bürgermeister"),
    Partner("Istanbul", "TR", "Türkei", "tr", "Oberbürgermeister"),
    Partner("Tiflis", "GE", "Georgien", "ka", "Bürgermeister"),
    Partner("Kopenhagen", "DK", "Dänemark", "da", "Oberbürgermeister"),
    Partner("Warschau", "PL", "Polen", "pl", "Stadtpräsident"),
]

# first names (f = female, m = male) and surnames per language
NAMES: dict[str, dict[str, list[str]]] = {
    "de": {
        "m": ["Jörg", "Matthias", "Thomas", "Bernd", "Stefan", "Jürgen", "Andreas", "Uwe", "Holger",
              "Sebastian", "Klaus", "Torsten", "Georg", "Wolfgang", "Henrik"],
        "f": ["Anja", "Katrin", "Sabine", "Ulrike", "Heike", "Claudia", "Annekatrin", "Susanne",
              "Birgit", "Christiane", "Dörte", "Kerstin", "Franziska", "Jana", "Marlene"],
        "s": ["Müller", "Schröder", "Köhler", "Weißbach", "Brückner", "Hölzel", "Lehmann", "Günther",
              "Wöhrle", "Schäfer", "Krüger", "Vogt", "Pfeiffer", "Engelhardt", "Strauß", "Böttcher",
              "Hübner", "Zschoche", "Großmann", "Fiedler", "Möller", "Kühn", "Naumann", "Rößler"],
    },
    "uk": {
        "m": ["Oleksandr", "Wolodymyr", "Taras", "Mykola", "Serhij", "Andrij", "Bohdan", "Witalij"],
        "f": ["Olena", "Iryna", "Natalija", "Oksana", "Switlana", "Halyna", "Tetjana"],
        "s": ["Kowaltschuk", "Melnyk", "Bondarenko", "Schewtschenko", "Tkatschenko", "Hryzenko",
              "Symtschyschyn", "Sadowyj", "Kostenko", "Lytwynenko", "Pawlenko"],
    },
    "ru": {
        "m": ["Dmitri", "Sergej", "Alexej", "Wladimir", "Igor", "Juri"],
        "f": ["Jelena", "Tatjana", "Swetlana", "Olga", "Marina"],
        "s": ["Sokolow", "Iwanow", "Kusnezow", "Morosow", "Wolkow", "Lebedew", "Smirnow"],
    },
    "pl": {
        "m": ["Tomasz", "Piotr", "Jacek", "Paweł", "Krzysztof", "Marek"],
        "f": ["Katarzyna", "Agnieszka", "Małgorzata", "Joanna", "Ewa"],
        "s": ["Wiśniewski", "Zieliński", "Kowalczyk", "Nowak", "Lewandowski", "Sutryk", "Dulkiewicz"],
    },
    "cs": {
        "m": ["Jiří", "Tomáš", "Petr", "Martin", "Zdeněk"],
        "f": ["Petra", "Hana", "Lenka", "Markéta"],
        "s": ["Dvořák", "Svoboda", "Novotný", "Procházka", "Černý", "Kučera"],
    },
    "fr": {
        "m": ["Jean-Luc", "François", "Olivier", "Mathieu", "Thierry"],
        "f": ["Hélène", "Camille", "Jeanne", "Sophie", "Élise"],
        "s": ["Rousseau", "Moreau", "Lefèvre", "Girard", "Barseghian", "Dubois", "Lambert"],
    },
    "it": {
        "m": ["Marco", "Giuseppe", "Luca", "Dario"],
        "f": ["Giulia", "Chiara", "Francesca"],
        "s": ["Romano", "Ferrari", "Esposito", "Bianchi", "Conti"],
    },
    "tr": {
        "m": ["Mehmet", "Emre", "Kemal", "Murat"],
        "f": ["Ayşe", "Elif", "Zeynep", "Derya"],
        "s": ["Yılmaz", "Demir", "Kaya", "Şahin", "Öztürk", "Çelik"],
    },
    "ka": {
        "m": ["Giorgi", "Lewan", "Dawit"],
        "f": ["Nino", "Tamar", "Ekaterine"],
        "s": ["Beridse", "Kapanadse", "Gelaschwili", "Lomidse"],
    },
    "da": {
        "m": ["Lars", "Søren", "Mads"],
        "f": ["Mette", "Sofie", "Ida"],
        "s": ["Jensen", "Nielsen", "Sørensen", "Kjær"],
    },
    "en": {
        "m": ["James", "Andrew", "Patrick"],
        "f": ["Sarah", "Emily", "Fiona"],
        "s": ["Mitchell", "O'Connor", "Whitfield", "Campbell"],
    },
    "ar": {
        "m": ["Karim", "Samir", "Omar"],
        "f": ["Leila", "Rania", "Yasmin"],
        "s": ["Haddad", "Mansour", "Khalil", "Nasser"],
    },
    "vi": {
        "m": ["Minh", "Tuan", "Hoang"],
        "f": ["Lan", "Thu", "Mai"],
        "s": ["Nguyen", "Tran", "Pham", "Le"],
    },
}

FEM = {
    "Bürgermeister": "Bürgermeisterin",
    "Oberbürgermeister": "Oberbürgermeisterin",
    "Leiter der Stadtadministration": "Leiterin der Stadtadministration",
    "Stadtpräsident": "Stadtpräsidentin",
    "Gouverneur": "Gouverneurin",
    "Botschafter": "Botschafterin",
    "Generalkonsul": "Generalkonsulin",
    "Stadtrat": "Stadträtin",
    "Beigeordneter": "Beigeordnete",
    "Amtsleiter": "Amtsleiterin",
    "Sachbearbeiter": "Sachbearbeiterin",
    "Pressesprecher": "Pressesprecherin",
    "Leiter des Büros für Städtepartnerschaften": "Leiterin des Büros für Städtepartnerschaften",
    "Vorsitzender": "Vorsitzende",
    "Schriftführer": "Schriftführerin",
}

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]
STAMP_MONTHS = ["JAN.", "FEB.", "MRZ.", "APR.", "MAI", "JUNI", "JULI", "AUG.", "SEP.", "OKT.",
                "NOV.", "DEZ."]
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]

FACTIONS = ["CDU-Fraktion", "SPD-Fraktion", "Fraktion BÜNDNIS 90/DIE GRÜNEN", "FDP-Fraktion",
            "Fraktion DIE LINKE", "Fraktion Freie Wähler"]

COMMITTEES = ["Ausschuss für Wirtschaftsförderung", "Ausschuss für Kultur und Tourismus",
              "Finanzausschuss", "Hauptausschuss", "Ausschuss für Allgemeine Verwaltung",
              "Ältestenrat", "Ausschuss für Bildung und Jugend"]

OFFICES = ["Büro für Städtepartnerschaften", "Amt für Wirtschaftsförderung", "Kulturamt",
           "Büro des Oberbürgermeisters", "Amt für Internationale Beziehungen", "Hauptamt",
           "Amt für Presse- und Öffentlichkeitsarbeit", "Rechtsamt"]

ASSOCIATIONS = [  # (name, grammatical gender) so articles can agree without inflecting the name
    ("Deutsch-Ukrainische Gesellschaft e. V.", "f"), ("Freundeskreis der Partnerstädte e. V.", "m"),
    ("Rat der Gemeinden und Regionen Europas", "m"), ("Deutsch-Polnische Gesellschaft e. V.", "f"),
    ("Städtenetzwerk Eurocities", "n"), ("Kinderhilfswerk UNICEF", "n"),
    ("Partnerschaftsverein Ost-West e. V.", "m"), ("Stiftung Kinderhilfe Europa", "f"),
]
ART_NOM = {"m": "Der ", "f": "Die ", "n": "Das "}
ART_DAT = {"m": "dem ", "f": "der ", "n": "dem "}


# --------------------------------------------------------------------------------------
# Text model: blocks with entity and decision spans
# --------------------------------------------------------------------------------------

@dataclass
class Entity:
    label: str
    value: str
    text: str
    role: str | None = None
    title: str | None = None
    country: str | None = None
    # filled by layout
    page: int = 0
    start: int = 0
    end: int = 0


@dataclass
class Decision:
    item: str | None
    body: str
    decision_date: str | None
    kind: str
    votes: str | None
    outcome: str | None
    text: str
    outcome_status: str | None = None
    page: int = 0


@dataclass
class Block:
    style: str                       # see STYLES
    text: str = ""
    ents: list[tuple[int, int, Entity]] = field(default_factory=list)
    decs: list[tuple[int, Decision]] = field(default_factory=list)
    indent: float = 0.0              # left indent in pt (continuation lines: +hang)
    hang: float = 0.0
    space_before: float = 0.0
    height: float = 0.0              # for 'space', 'stamp', 'signature'
    stamp_lines: list[str] = field(default_factory=list)


class Para:
    """Builds one block's text while recording where the entities are."""

    def __init__(self, style: str = "body", **kw):
        self.block = Block(style=style, **kw)

    def t(self, s: str) -> Para:
        self.block.text += s
        return self

    def e(self, ent: Entity) -> Para:
        start = len(self.block.text)
        self.block.text += ent.text
        self.block.ents.append((start, len(self.block.text), ent))
        for off, inner in getattr(ent, "nested", []):
            inner = Entity(**{k: getattr(inner, k) for k in ("label", "value", "text", "role", "title",
                                                            "country")})
            self.block.ents.append((start + off, start + off + len(inner.text), inner))
        return self

    def d(self, dec: Decision) -> Para:
        """Mark that ``dec`` starts here (its clause follows)."""
        self.block.decs.append((len(self.block.text), dec))
        return self


STYLES = {
    # name: (font kind, bold, size, leading, align)
    "lh1": ("head", True, 15, 19, "left"),
    "lh2": ("head", False, 9.5, 12, "left"),
    "lhr": ("head", False, 9, 11.5, "right"),
    "title": ("body", True, 14, 19, "left"),
    "h1": ("body", True, 12, 16, "left"),
    "h2": ("body", True, 10.5, 14, "left"),
    "body": ("body", False, 10.5, 14, "left"),
    "small": ("body", False, 8.5, 11, "left"),
    "right": ("body", False, 10.5, 14, "right"),
    "center": ("body", False, 9, 12, "center"),
    "nav": ("head", False, 8.5, 11, "left"),
}


@dataclass
class Memo:
    genre: str
    doc_type: str
    doc_date: str | None
    title: str
    references: list[str]
    blocks: list[Block]
    family: str = "Serif"          # body font family
    head_family: str = "Sans"
    footer: str | None = None      # e.g. "Seite {p} von {n}"
    stamp: bool = False


# --------------------------------------------------------------------------------------
# Content helpers
# --------------------------------------------------------------------------------------

class Writer:
    """Holds the random source and the vocabulary for one document."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_names: set[str] = set()

    # --- picking ---
    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def person(self, lang: str, role: str | None = None, title_p: float = 0.25,
               gender: str | None = None) -> Entity:
        pool = NAMES[lang]
        for _ in range(50):
            g = gender or self.pick("mf")
            first = self.pick(pool[g])
            last = self.pick(pool["s"])
            if lang == "pl" and g == "f" and last.endswith("ski"):
                last = last[:-1] + "a"
            if lang == "cs" and g == "f" and last.endswith("ý"):
                last = last[:-1] + "á"
            if lang == "ru" and g == "f" and last.endswith("ow"):
                last = last + "a"
            name = f"{first} {last}"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        title = None
        if self.chance(title_p):
            title = self.pick(["Dr.", "Dr.", "Prof. Dr.", "Dipl.-Ing."])
        if role and g == "f":
            role = FEM.get(role, role)
        surface = f"{title} {name}" if title else name
        ent = Entity("PERSON", name, surface, role=role, title=title)
        ent.gender = g  # type: ignore[attr-defined]
        return ent

    def city(self, name: str, country: str = "DE", surface: str | None = None) -> Entity:
        return Entity("CITY", name, surface or name, country=country)

    def org(self, value: str, surface: str | None = None) -> Entity:
        return Entity("ORG", value, surface or value)

    def date_between(self, y0: int, y1: int) -> dt.date:
        start = dt.date(y0, 1, 1).toordinal()
        end = dt.date(y1, 12, 31).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, end))

    # --- dates in all German forms ---
    def date(self, d: dt.date, form: str | None = None, year_for_value: int | None = None) -> Entity:
        form = form or self.pick(["num", "long", "long", "nopad", "short"])
        if form == "num":
            s = d.strftime("%d.%m.%Y")
        elif form == "nopad":
            s = f"{d.day}.{d.month}.{d.year}"
        elif form == "short":
            s = f"{d.day}.{d.month}.{d.year % 100:02d}"
        elif form == "long":
            s = f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
        elif form == "stamp":
            s = f"{d.day:02d}. {STAMP_MONTHS[d.month - 1]} {d.year}"
        elif form == "yearless":
            s = f"{d.day}. {MONTHS[d.month - 1]}"
        elif form == "yearless_num":
            s = f"{d.day}.{d.month}."
        elif form == "month":
            return Entity("DATE", f"{d.year:04d}-{d.month:02d}", f"{MONTHS[d.month - 1]} {d.year}")
        elif form == "year":
            return Entity("DATE", f"{d.year:04d}", str(d.year))
        else:
            raise ValueError(form)
        return Entity("DATE", d.isoformat(), s)


def fmt_votes(yes: int, no: int, abst: int) -> str:
    return f"{yes} Ja, {no} Nein, {abst} Enthaltung{'' if abst == 1 else 'en'}"


def ref_vorlage(w: Writer, year: int) -> str:
    yy = year % 100
    kind = w.pick(["V", "V", "A", "SR", "KA", "DS", "OKAR"])
    if kind == "V":
        return f"V{w.rng.randint(1000, 3999)}/{yy:02d}"
    if kind == "A":
        return f"A{w.rng.randint(100, 999):04d}/{yy:02d}"
    if kind == "SR":
        return f"SR/{w.rng.randint(1, 120):03d}/{year}"
    if kind == "KA":
        return f"{year}/{w.rng.randint(100, 2999):04d}"
    if kind == "DS":
        return f"{w.rng.randint(10, 99)}/{w.rng.randint(100, 999)}"
    return f"{year}/{w.rng.randint(100, 999):04d}"


def ref_az(w: Writer, year: int) -> str:
    return w.pick([
        f"SR/{w.rng.randint(1, 120):03d}/{year}",
        f"OB-{w.rng.randint(1, 40):02d}/{year % 100:02d}",
        f"{w.rng.randint(10, 99)}.{w.rng.randint(1, 9)}-{w.rng.randint(100, 999)}/{year}",
        f"{year}/{w.rng.randint(100, 999):04d}",
    ])


# Decision clauses: (kind, builder) where builder returns the clause text pieces.
def decision_clause(w: Writer, kind: str, council: Entity, partner: Entity, home: HomeCity,
                    persons: list[Entity], year: int) -> list:
    """Return a list of str/Entity fragments forming one decision clause."""
    c = council
    p = partner
    ob = "den Oberbürgermeister" if home.mayor_role == "Oberbürgermeister" else "die Oberbürgermeisterin"
    if kind == "willensbekundung":
        return w.pick([
            ["Der ", c, " bekundet seinen Willen, mit der Stadt ", p,
             " eine Solidaritätspartnerschaft einzugehen."],
            ["Der ", c, " bekundet seinen Willen, die freundschaftlichen Beziehungen zu ", p,
             " zu einer förmlichen Städtepartnerschaft auszubauen."],
            ["Der ", c, " bekundet seinen Willen, die Menschen in ", p,
             " beim Wiederaufbau der kommunalen Infrastruktur zu unterstützen."],
        ])
    if kind == "auftrag":
        return w.pick([
            ["Der ", c, " beauftragt ", ob, ", mit der Stadtverwaltung von ", p,
             " eine Vereinbarung über die Zusammenarbeit vorzubereiten und dem Rat bis zum ",
             w.date(dt.date(year, w.rng.randint(6, 12), w.rng.randint(1, 28)), "long"),
             " zur Beschlussfassung vorzulegen."],
            ["Der ", c, " beauftragt ", ob, ", gemeinsam mit ", *assoc_frags(w, ART_DAT),
             " einen Hilfsfonds in Höhe von ", f"{w.rng.randint(2, 50) * 5000:,}".replace(",", "."),
             " Euro einzurichten."],
            ["Der ", c, " beauftragt ", ob, ", jährlich über den Stand der Partnerschaft mit ", p,
             " zu berichten."],
        ])
    if kind == "aufforderung":
        return w.pick([
            ["Der ", c, " fordert die ", w.org("Bundesregierung"),
             " auf, die Partnerstädte in der Ukraine mit Generatoren und Medizintechnik zu unterstützen."],
            ["Der ", c, " fordert ", ob, " auf, eine Delegation nach ", p,
             " zu entsenden und die Bedarfe vor Ort zu erheben."],
            ["Der ", c, " fordert alle Fraktionen auf, die Partnerschaft mit ", p,
             " parteiübergreifend zu unterstützen."],
        ])
    if kind == "verurteilung":
        return w.pick([
            ["Der ", c, " verurteilt den völkerrechtswidrigen Angriffskrieg Russlands gegen die Ukraine auf das Schärfste."],
            ["Der ", c, " verurteilt die Angriffe auf die zivile Infrastruktur in ", p, "."],
        ])
    if kind == "beschluss":
        return w.pick([
            ["Der ", c, " beschließt die Aufnahme einer Städtepartnerschaft mit ", p, "."],
            ["Der ", c, " beschließt, die Städtepartnerschaft mit ", p,
             " bis auf Weiteres ruhen zu lassen."],
            ["Der ", c, " beschließt, für die Partnerschaftsarbeit mit ", p, " im Haushaltsjahr ",
             str(year + 1), " Mittel in Höhe von ", f"{w.rng.randint(2, 40) * 2500:,}".replace(",", "."),
             " Euro bereitzustellen."],
            ["Der ", c, " beschließt die Einrichtung eines Runden Tisches ", "„Partnerschaft mit ", p, "“."],
        ])
    if kind == "zustimmung":
        return w.pick([
            ["Der ", c, " stimmt dem Abschluss des Partnerschaftsvertrages mit ", p, " zu."],
            ["Der ", c, " stimmt der Verlängerung des Kooperationsabkommens mit ", p, " zu."],
        ])
    if kind == "ablehnung":
        return w.pick([
            ["Der ", c, " lehnt den Antrag auf Beendigung der Städtepartnerschaft mit ", p, " ab."],
            ["Der ", c, " lehnt eine Erhöhung der Zuschüsse für Delegationsreisen nach ", p, " ab."],
        ])
    if kind == "vertagung":
        return [["Der ", c, " vertagt die Entscheidung über die Partnerschaft mit ", p,
                 " auf die nächste Sitzung."],
                ["Der ", c, " vertagt den Tagesordnungspunkt auf Antrag der ",
                 w.org(w.pick(FACTIONS)), "."]][w.rng.randint(0, 1)]
    if kind == "verweisung":
        return ["Der ", c, " verweist die Vorlage zur weiteren Beratung in den ",
                w.org(w.pick(COMMITTEES)), "."]
    raise ValueError(kind)


def assoc_frags(w: Writer, articles: dict) -> list:
    name, gender = w.pick(ASSOCIATIONS)
    return [articles[gender].lower() if articles is ART_DAT else articles[gender], w.org(name)]


def fix_article(frags: list, council_ent: Entity) -> list:
    """'Der Rat der Stadt …' is fine; 'Der Ratsversammlung' is not: repair the article."""
    out = list(frags)
    if council_ent.text.startswith(("Ratsversammlung",)):
        out = ["Die " if f == "Der " else f for f in out]
        out = [f.replace(" seinen Willen", " ihren Willen") if isinstance(f, str) else f for f in out]
    return out


OUTCOMES = {
    "realised": [
        "Umgesetzt. Die Vereinbarung wurde am {d} in {p} unterzeichnet.",
        "Erledigt. Der Bericht wurde dem {c} am {d} vorgelegt.",
        "Umgesetzt. Die Mittel wurden im Haushaltsplan eingestellt und am {d} freigegeben.",
        "Vollständig umgesetzt; eine Delegation reiste am {d} nach {p}.",
    ],
    "changed": [
        "Geändert umgesetzt. Statt einer Delegationsreise fand am {d} eine Videokonferenz mit {p} statt.",
        "Teilweise umgesetzt. Die Frist wurde auf den {d} verlängert.",
        "Mit Änderungen umgesetzt: Die Zusammenarbeit beschränkt sich vorerst auf Schulen und Krankenhäuser.",
    ],
    "dropped": [
        "Nicht umgesetzt. Wegen der Sicherheitslage in {p} wurde das Vorhaben zurückgestellt.",
        "Entfallen. Die {b} hat die Förderung am {d} eingestellt.",
        "Nicht weiter verfolgt, da die Partnerstadt um Aufschub gebeten hat.",
    ],
}


def fill_outcome(w: Writer, tmpl: str, d: dt.date, partner: Partner, council: Entity) -> list:
    """Fragments for an outcome sentence; {d} → DATE, {p} → CITY, {c} → council, {b} → Bundesregierung."""
    frags: list = []
    rest = tmpl
    while rest:
        idx = [(rest.find(k), k) for k in ("{d}", "{p}", "{c}", "{b}") if rest.find(k) >= 0]
        if not idx:
            frags.append(rest)
            break
        pos, key = min(idx)
        frags.append(rest[:pos])
        if key == "{d}":
            frags.append(w.date(d, w.pick(["long", "num"])))
        elif key == "{p}":
            frags.append(w.city(partner.name, partner.country))
        elif key == "{b}":
            frags.append(w.org("Bundesregierung"))
        else:
            if council.text.startswith("Ratsv") and frags and frags[-1].endswith("dem "):
                frags[-1] = frags[-1][:-4] + "der "
            frags.append(Entity("ORG", council.value, council.text))
        rest = rest[pos + 3:]
    return [f for f in frags if f != ""]


def add_frags(para: Para, frags: list) -> None:
    for f in frags:
        if isinstance(f, Entity):
            para.e(f)
        else:
            para.t(f)


def frags_text(frags: list) -> str:
    return "".join(f.text if isinstance(f, Entity) else f for f in frags)


def council_entity(w: Writer, home: HomeCity, with_city: bool | None = None) -> Entity:
    if with_city is None:
        with_city = w.chance(0.5)
    if not with_city:
        return w.org(home.body, "Rat" if home.council.startswith("Rat der") else home.council)
    if home.council.startswith("Rat der"):
        surface = f"{home.council} {home.name}"
    else:
        surface = f"{home.council} der {home.prefix} {home.name}"
    ent = w.org(home.body, surface)
    # the city inside the body's name is a CITY mention of its own (nested span)
    ent.nested = [(len(surface) - len(home.name), w.city(home.name))]  # type: ignore[attr-defined]
    return ent


# --------------------------------------------------------------------------------------
# Letterhead, signature, stamp
# --------------------------------------------------------------------------------------

def letterhead(w: Writer, home: HomeCity, office: str | None, blocks: list[Block]) -> None:
    p = Para("lh1")
    p.t(f"{home.prefix} ").e(w.city(home.name))
    blocks.append(p.block)
    blocks.append(Block("lh2", f"Der {home.mayor_role}" if home.mayor_role == "Oberbürgermeister"
                        else f"Die {home.mayor_role}"))
    if office:
        p = Para("lh2")
        p.e(w.org(office))
        blocks.append(p.block)
    blocks.append(Block("rule", space_before=4))
    if w.chance(0.5):  # sender block on the right: street, postcode + city, phone, mail
        blocks.append(Block("lhr", w.pick(["Rathausplatz 1", "Marktplatz 2", "Dr.-Külz-Ring 19",
                                           "Postfach 12 00 20", "Am Rathaus 4"])))
        p = Para("lhr")
        p.t(f"{PLZ[home.name]} ").e(w.city(home.name))
        blocks.append(p.block)
        blocks.append(Block("lhr", f"Telefon 0{w.rng.randint(200, 999)} {w.rng.randint(100, 999)}-"
                                   f"{w.rng.randint(1000, 9999)}"))
        slug = (home.name.split()[0].lower().replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"))
        blocks.append(Block("lhr", f"partnerschaften@{slug}.de"))


def signature(w: Writer, person: Entity, role: str | None, blocks: list[Block],
              closing: str | None = "Mit freundlichen Grüßen", im_auftrag: bool = False) -> None:
    if closing:
        blocks.append(Block("body", closing, space_before=10))
    if im_auftrag:
        blocks.append(Block("body", "Im Auftrag"))
    blocks.append(Block("signature", height=30))
    p = Para("body")
    p.e(person)
    blocks.append(p.block)
    if role:
        blocks.append(Block("body", role))


def stamp_block(w: Writer, d: dt.date, blocks: list[Block], ents: list[Entity]) -> None:
    ent = w.date(d, "stamp")
    ent.role = "Eingangsstempel"
    top = w.pick(["EINGEGANGEN", "Eingang", "EINGANG", "Posteingang"])
    extra = w.pick(["Büro OB", "Hauptamt", None, "Amt 10", None])
    lines = [top, ent.text] + ([extra] if extra else [])
    b = Block("stamp", height=14 * len(lines) + 16, stamp_lines=lines, space_before=4)
    b.ents.append((-1, -1, ent))
    blocks.append(b)


# --------------------------------------------------------------------------------------
# Filler paragraphs: background text with entities, used to vary length
# --------------------------------------------------------------------------------------

FILLER = [
    "Die Kontakte zwischen {home} und {partner} reichen bis in das Jahr {year} zurück.",
    "Seit {year} finden regelmäßig Schüleraustausche und Fachbesuche statt.",
    "Im {month} besuchte eine Delegation der Stadtverwaltung {partner} und informierte sich über die Lage vor Ort.",
    "{pde} vom {office} koordiniert die Hilfstransporte, die seit {month} in unregelmäßigen Abständen nach {partner} fahren.",
    "Am {long} übergab {pp} eine Dankesurkunde an die Bürgerinnen und Bürger von {home}.",
    "{assoc} unterstützt die Partnerschaft mit Spenden und ehrenamtlicher Arbeit.",
    "Nach Angaben von {pp} wurden in {partner} bislang 14 Schulen und 3 Krankenhäuser mit Generatoren ausgestattet.",
    "Die Stadtverwaltung hat am {num} ein Gespräch mit {pdiplo} geführt.",
    "Zur Vorbereitung tagte am {long} eine Arbeitsgruppe aus Verwaltung, Vereinen und Hochschulen.",
    "Die Kosten für Reisen, Übersetzungen und Veranstaltungen werden aus dem Budget getragen, das dem {office} zur Verfügung steht.",
    "Auch die Partnerstädte {partner2} und {partner3} haben ihre Unterstützung angeboten.",
    "Im Rahmen des Projekts wurden Fachkräfte aus {partner} zu Hospitationen nach {home} eingeladen.",
    "{pde} berichtete im {committee} am {long} über den Stand der Zusammenarbeit.",
    "Die Beteiligten verständigten sich darauf, die Zusammenarbeit zunächst auf die Bereiche Wasserversorgung, Bildung und Kultur zu konzentrieren.",
    "Eine Ausstellung über {partner} ist vom {rangea} bis {rangeb} im Foyer des Rathauses zu sehen.",
    "Die Gesamtkosten werden auf rund 120.000 Euro geschätzt; davon trägt das Land {state} einen Anteil von 50 Prozent.",
    "Bereits im {month} hatte {pp} in einem Schreiben an {pde} um Unterstützung gebeten.",
    "Die nächste Sitzung der gemeinsamen Lenkungsgruppe ist für den {yearless} geplant.",
    "Der Städtepartnerschaftsverein in {home} zählt inzwischen über 200 Mitglieder.",
    "Der Vertrag wurde in deutscher Sprache und in der Landessprache ausgefertigt; beide Fassungen sind gleichermaßen verbindlich.",
    "Über die Ergebnisse wird die Verwaltung den {council} gesondert unterrichten.",
    "Eine Übersicht der bisherigen Projekte ist dieser Mitteilung als Anlage beigefügt.",
    "Mehrere Kindergärten in {home} pflegen inzwischen Brieffreundschaften mit Einrichtungen in {partner}.",
    "Am {long} wurde in {partner} ein gemeinsames Denkmal für die Opfer von Krieg und Gewaltherrschaft eingeweiht.",
    "Die Feuerwehr von {home} hat zwei ausgemusterte Löschfahrzeuge nach {partner} überführt.",
    "Der Kontakt zur Stadtverwaltung von {partner} läuft über {pde}.",
    "Die Volkshochschule bietet seit {month} einen Sprachkurs für Interessierte an.",
    "Am {num} unterzeichneten beide Seiten eine Absichtserklärung über die Zusammenarbeit der Stadtwerke.",
    "Ein Benefizkonzert im Kulturpalast erbrachte am {long} Spenden in Höhe von 18.400 Euro.",
    "Nach Auskunft von {pdiplo} ist eine Reise in die Region derzeit nur eingeschränkt möglich.",
    "Die Hochschulen beider Städte haben im {month} ein Austauschprogramm für Studierende vereinbart.",
    "{pp} dankte in einer Videobotschaft für die Hilfe aus {home}.",
    "Der {committee} hat sich am {long} mit dem Vorhaben befasst und die Vorlage einstimmig empfohlen.",
    "Die Ausstattung der Notunterkünfte in {partner} wurde mit Mitteln des Bundes gefördert.",
    "Für das kommende Jahr ist ein Jugendcamp in {partner3} mit Teilnehmenden aus drei Ländern vorgesehen.",
    "Die Partnerschaftsurkunde wird im Stadtarchiv aufbewahrt und ist dort auf Anfrage einsehbar.",
    "Die Verwaltung schlägt vor, den Austausch zunächst für drei Jahre zu erproben und danach zu bewerten.",
    "Zu den Gästen gehörte auch {pde}.",
    "Ein Sprachmittler begleitete die Delegation während des gesamten Aufenthalts.",
    "Bis zum {yearless} sollen alle beteiligten Ämter ihre Vorschläge einreichen.",
]


def filler_paragraph(w: Writer, ctx: dict, n_sentences: int | None = None) -> Block | None:
    """A paragraph of 2-4 background sentences with tagged entities."""
    p = Para("body", space_before=6)
    unused = [f for f in FILLER if f not in ctx.setdefault("_used", set())]
    if not unused:
        return None
    picks = w.rng.sample(unused, min(len(unused), n_sentences or w.rng.randint(2, 4)))
    ctx["_used"].update(picks)
    for k, tmpl in enumerate(picks):
        if k:
            p.t(" ")
        add_frags(p, fill_template(w, tmpl, ctx))
    return p.block


def fill_template(w: Writer, tmpl: str, ctx: dict) -> list:
    home: HomeCity = ctx["home"]
    partner: Partner = ctx["partner"]
    year: int = ctx["year"]
    out: list = []
    rest = tmpl
    while rest:
        i = rest.find("{")
        if i < 0:
            out.append(rest)
            break
        j = rest.index("}", i)
        if i:
            out.append(rest[:i])
        key = rest[i + 1:j]
        rest = rest[j + 1:]
        if key == "home":
            out.append(w.city(home.name))
        elif key == "partner":
            out.append(w.city(partner.name, partner.country))
        elif key in ("partner2", "partner3"):
            others = [q for q in PARTNERS if q.name != partner.name]
            q = others[(w.rng.randrange(len(others)))]
            out.append(w.city(q.name, q.country))
        elif key == "year":
            out.append(w.date(dt.date(w.rng.randint(1960, year - 1), 1, 1), "year"))
        elif key == "month":
            out.append(w.date(dt.date(w.rng.randint(year - 3, year - 1), w.rng.randint(1, 12), 1), "month"))
        elif key in ("long", "num"):
            out.append(w.date(w.date_between(year - 2, year - 1), key))
        elif key == "yearless":
            d = dt.date(year, w.rng.randint(1, 12), w.rng.randint(1, 28))
            out.append(w.date(d, "yearless"))
        elif key == "rangea":
            d = dt.date(year, w.rng.randint(1, 12), w.rng.randint(1, 18))
            ctx["_range"] = d
            out.append(Entity("DATE", d.isoformat(), f"{d.day}."))
        elif key == "rangeb":
            d = ctx["_range"] + dt.timedelta(days=w.rng.randint(3, 9))
            d = d if d.month == ctx["_range"].month else ctx["_range"] + dt.timedelta(days=1)
            out.append(w.date(d, "long"))
        elif key == "pde":
            role = w.pick(["Beigeordneter", "Amtsleiter", "Sachbearbeiter"])
            per = w.person("de", role, title_p=0.3)
            out.extend([per, f" ({per.role})"])
        elif key == "pp":
            per = w.person(partner.lang, partner.head, title_p=0.15)
            out.extend([per, f", {per.role} von ", w.city(partner.name, partner.country), ","])
            # "…, Bürgermeister von X, …" keeps the sentence grammatical
        elif key == "pdiplo":
            role = w.pick(["Botschafter", "Generalkonsul"])
            per = w.person(partner.lang if partner.lang in NAMES else "de", role, title_p=0.3)
            out.extend([per.role + " ", per])
        elif key == "office":
            out.append(w.org(w.pick(OFFICES)))
        elif key == "assoc":
            out.extend(assoc_frags(w, ART_NOM))
        elif key == "committee":
            out.append(w.org(w.pick(COMMITTEES)))
        elif key == "council":
            ent = council_entity(w, home, with_city=False)
            if ent.text.startswith("Ratsv") and out and isinstance(out[-1], str) and out[-1].endswith("den "):
                out[-1] = out[-1][:-4] + "die "
            out.append(ent)
        elif key == "state":
            out.append(home.state)
        else:
            raise KeyError(key)
    # "…, Bürgermeister von X, ." → drop the comma before a full stop
    for k in range(len(out) - 1):
        if out[k] == "," and isinstance(out[k + 1], str) and out[k + 1][:1] in ".;":
            out[k] = ""
    return [f for f in out if f != ""]


# --------------------------------------------------------------------------------------
# Genres
# --------------------------------------------------------------------------------------

DECISION_KINDS = ["willensbekundung", "auftrag", "aufforderung", "verurteilung", "beschluss",
                  "zustimmung"]


def pick_context(w: Writer):
    home = w.pick(HOME_CITIES)
    partner = w.pick(PARTNERS)
    year = w.rng.randint(2018, 2025)
    w.ctx = {"home": home, "partner": partner, "year": year}  # type: ignore[attr-defined]
    return home, partner, year


def genre_hausmitteilung(w: Writer) -> Memo:
    home, partner, year = pick_context(w)
    doc_d = w.date_between(year, year)
    dec_d = doc_d - dt.timedelta(days=w.rng.randint(60, 400))
    ref = ref_vorlage(w, dec_d.year)
    az = ref_az(w, doc_d.year)
    blocks: list[Block] = []
    office = w.pick(OFFICES)
    letterhead(w, home, office, blocks)
    blocks.append(Block("title", "Hausmitteilung", space_before=8))
    to_office = w.pick([o for o in OFFICES if o != office])
    p = Para("body", space_before=4)
    p.t("An: ").e(w.org(to_office))
    blocks.append(p.block)
    author = w.person("de", "Sachbearbeiter", title_p=0.15)
    p = Para("body")
    p.t("Von: ").e(author)
    blocks.append(p.block)
    if w.chance(0.6):
        p = Para("body")
        p.t("Datum: ").e(w.date(doc_d, w.pick(["num", "num", "nopad", "short"])))
    else:
        p = Para("right", space_before=4)
        p.e(w.city(home.name)).t(", den " if w.chance(0.6) else ", ").e(w.date(doc_d, w.pick(["long", "num"])))
    blocks.append(p.block)
    blocks.append(Block("body", f"Az.: {az}"))
    council_short = council_entity(w, home, with_city=False)
    subj = Para("h2", space_before=10)
    subj.t("Betreff: Beschlusskontrolle zu ").t(ref).t(" vom ").e(w.date(dec_d, "long"))
    subj.t(" – Partnerschaft mit ").e(w.city(partner.name, partner.country))
    blocks.append(subj.block)
    p = Para("body", space_before=8)
    c_full = council_entity(w, home, with_city=True)
    art = "Die " if c_full.text.startswith("Ratsv") else "Der "
    if w.chance(0.5):
        p.t(art).e(c_full).t(" hat in seiner Sitzung am ")
        p.e(w.date(dec_d, w.pick(["long", "num"])))
        p.t(f" unter der Vorlage {ref} die folgenden Beschlusspunkte gefasst. Zum Stand der Umsetzung "
            "wird wie folgt berichtet:")
    else:
        p.t(f"Mit der Vorlage {ref} hat {art.lower()}").e(c_full).t(" am ")
        p.e(w.date(dec_d, w.pick(["long", "num", "nopad"])))
        p.t(" beschlossen (Auszug). Die einzelnen Punkte und ihre Umsetzung:")
    blocks.append(p.block)
    n_items = w.rng.randint(3, 5)
    kinds = w.rng.sample(DECISION_KINDS, n_items)
    decisions = []
    for i, kind in enumerate(kinds, 1):
        council = council_entity(w, home, with_city=False)
        frags = fix_article(decision_clause(w, kind, council, w.city(partner.name, partner.country),
                                            home, [], dec_d.year), council)
        status = w.pick(["realised", "realised", "changed", "dropped"])
        od = dec_d + dt.timedelta(days=w.rng.randint(20, max(21, (doc_d - dec_d).days - 5)))
        out_frags = fill_outcome(w, w.pick(OUTCOMES[status]), od, partner, council_short)
        dec = Decision(str(i), home.body, dec_d.isoformat(), kind, None, frags_text(out_frags),
                       frags_text(frags), outcome_status=status)
        decisions.append(dec)
        p = Para("body", space_before=6, hang=16)
        p.t(f"{i}. „").d(dec)
        add_frags(p, frags)
        p.t("“")
        blocks.append(p.block)
        p = Para("body", indent=16)
        p.t("Stand: " if w.chance(0.5) else "Umsetzung: ")
        add_frags(p, out_frags)
        blocks.append(p.block)
    p = Para("body", space_before=8)
    p.t("Die nächste Beschlusskontrolle ist für ")
    p.e(w.date(dt.date(doc_d.year + 1, w.rng.randint(1, 12), 1), "month"))
    p.t(" vorgesehen. Für Rückfragen stehe ich gern zur Verfügung.")
    blocks.append(p.block)
    blocks.append(Block("anchor"))
    signer = w.person("de", "Leiter des Büros für Städtepartnerschaften", title_p=0.3)
    signature(w, signer, signer.role, blocks, closing=None, im_auftrag=True)
    return Memo("hausmitteilung", "Hausmitteilung", doc_d.isoformat(),
                f"Beschlusskontrolle zu {ref}", [az, ref], blocks)


def genre_brief(w: Writer) -> Memo:
    home, partner, year = pick_context(w)
    doc_d = w.date_between(year, year)
    dec_d = doc_d - dt.timedelta(days=w.rng.randint(7, 90))
    ref = ref_vorlage(w, dec_d.year)
    blocks: list[Block] = []
    letterhead(w, home, w.pick(["Büro des Oberbürgermeisters", "Büro für Städtepartnerschaften"]), blocks)
    head = w.person(partner.lang, partner.head, title_p=0.2)
    blocks.append(Block("space", height=12))
    g = getattr(head, "gender", "m")
    blocks.append(Block("body", "Herrn" if g == "m" else "Frau"))
    p = Para("body")
    p.e(head)
    blocks.append(p.block)
    p = Para("body")
    p.t(f"{head.role} der Stadt ").e(w.city(partner.name, partner.country))
    blocks.append(p.block)
    blocks.append(Block("body", partner.land))
    place_d = Para("right", space_before=14)
    place_d.e(w.city(home.name)).t(", den ").e(w.date(doc_d, "long"))
    blocks.append(place_d.block)
    az = ref_az(w, doc_d.year)
    blocks.append(Block("body", f"Unser Zeichen: {az}"))
    subj = Para("h2", space_before=10)
    subj.t("Partnerschaft zwischen ").e(w.city(home.name)).t(" und ")
    subj.e(w.city(partner.name, partner.country)).t(" – Beschluss vom ")
    subj.e(w.date(dec_d, "num"))
    blocks.append(subj.block)
    sal = ("Sehr geehrter Herr " if g == "m" else "Sehr geehrte Frau ") + head.role.split(" ")[0] + ","
    blocks.append(Block("body", sal, space_before=10))
    p = Para("body", space_before=4)
    p.t("ich freue mich, Ihnen mitteilen zu können, dass der ")
    council = council_entity(w, home, with_city=True)
    p.e(council).t(" in seiner Sitzung am ").e(w.date(dec_d, w.pick(["long", "num"])))
    p.t(f" (Vorlage {ref}) folgenden Beschluss gefasst hat:")
    blocks.append(p.block)
    n_items = w.rng.randint(2, 4)
    kinds = w.rng.sample(["willensbekundung", "auftrag", "beschluss", "zustimmung", "aufforderung"], n_items)
    decisions = []
    numbered = w.chance(0.7)
    for i, kind in enumerate(kinds, 1):
        c = council_entity(w, home, with_city=False)
        frags = fix_article(decision_clause(w, kind, c, w.city(partner.name, partner.country),
                                            home, [], dec_d.year), c)
        dec = Decision(str(i) if numbered else None, home.body, dec_d.isoformat(), kind, None, None,
                       frags_text(frags))
        decisions.append(dec)
        p = Para("body", indent=16, hang=16 if numbered else 0, space_before=4)
        p.t(f"{i}. „" if numbered else "„").d(dec)
        add_frags(p, frags)
        p.t("“")
        blocks.append(p.block)
    blocks.append(Block("anchor"))
    p = Para("body", space_before=8)
    since = w.date(dt.date(w.rng.randint(1959, 2015), 1, 1), "year")
    p.t("Unsere Städte verbindet seit ").e(since).t(" eine lebendige Freundschaft. ")
    visit = dt.date(doc_d.year, w.rng.randint(1, 12), w.rng.randint(1, 28))
    p.t("Gern würde ich Sie am ").e(w.date(visit, "yearless"))
    p.t(" zu einem Arbeitsbesuch in ").e(w.city(home.name)).t(" begrüßen.")
    blocks.append(p.block)
    signer = w.person("de", home.mayor_role, title_p=0.3,
                      gender="f" if home.mayor_role.endswith("in") else "m")
    signature(w, signer, signer.role, blocks)
    return Memo("brief", "Brief", doc_d.isoformat(),
                f"Beschluss zur Partnerschaft mit {partner.name}", [az, ref], blocks)


def genre_vorlage(w: Writer) -> Memo:
    home, partner, year = pick_context(w)
    doc_d = w.date_between(year, year)
    ref = ref_vorlage(w, doc_d.year)
    blocks: list[Block] = []
    letterhead(w, home, None, blocks)
    blocks.append(Block("title", "Beschlussvorlage", space_before=6))
    blocks.append(Block("body", f"Vorlage Nr.: {ref}"))
    p = Para("body")
    p.t("Datum: ").e(w.date(doc_d, w.pick(["num", "nopad"])))
    blocks.append(p.block)
    p = Para("body")
    p.t("Einreicher: ").e(w.org(w.pick(OFFICES)))
    blocks.append(p.block)
    blocks.append(Block("h2", "Beratungsfolge", space_before=8))
    d1 = doc_d + dt.timedelta(days=w.rng.randint(10, 25))
    d2 = d1 + dt.timedelta(days=w.rng.randint(7, 30))
    comm = w.pick(COMMITTEES)
    p = Para("body")
    p.e(w.org(comm)).t(" (Vorberatung) ").e(w.date(d1, "num"))
    blocks.append(p.block)
    p = Para("body")
    council = council_entity(w, home, with_city=False)
    p.e(council).t(" (Beschlussfassung) ").e(w.date(d2, "num"))
    blocks.append(p.block)
    p = Para("h2", space_before=10)
    p.t("Gegenstand: Städtepartnerschaft mit ").e(w.city(partner.name, partner.country))
    p.t(f" ({partner.land})")
    blocks.append(p.block)
    blocks.append(Block("h2", "Beschlussvorschlag:", space_before=8))
    p = Para("body")
    p.t("Der ").e(council_entity(w, home, with_city=False))
    p.t(" beschließt:")
    blocks.append(p.block)
    kinds = w.rng.sample(["beschluss", "auftrag", "zustimmung", "willensbekundung"], w.rng.randint(2, 4))
    for i, kind in enumerate(kinds, 1):
        c = council_entity(w, home, with_city=False)
        frags = fix_article(decision_clause(w, kind, c, w.city(partner.name, partner.country),
                                            home, [], doc_d.year), c)
        dec = Decision(str(i), home.body, None, kind, None, None, frags_text(frags))
        p = Para("body", indent=0, hang=16, space_before=3)
        p.t(f"{i}. ").d(dec)
        add_frags(p, frags)
        blocks.append(p.block)
    blocks.append(Block("h2", "Begründung:", space_before=10))
    since = w.date(dt.date(w.rng.randint(1990, 2019), w.rng.randint(1, 12), 1), "month")
    p = Para("body")
    p.t("Erste Kontakte zwischen ").e(w.city(home.name)).t(" und ").e(w.city(partner.name, partner.country))
    p.t(" bestehen seit ").e(since).t(". ")
    amb = w.person(partner.lang if partner.lang in ("uk", "pl", "cs", "fr") else "de", "Botschafter",
                   title_p=0.3)
    visit_a = w.date_between(doc_d.year - 1, doc_d.year - 1)
    visit_b = visit_a + dt.timedelta(days=w.rng.randint(2, 4))
    if visit_b.month != visit_a.month:
        visit_a = visit_b - dt.timedelta(days=2)
    p.t("Bei einem Besuch vom ").e(Entity("DATE", visit_a.isoformat(), f"{visit_a.day}."))
    p.t(" bis ").e(w.date(visit_b, "long"))
    p.t(" hat ").e(amb).t(f", {amb.role} von {partner.land}, die Bitte um eine Partnerschaft übermittelt. ")
    p.t("Die Verwaltung empfiehlt, dieser Bitte zu entsprechen.")
    blocks.append(p.block)
    blocks.append(Block("anchor"))
    p = Para("body", space_before=6)
    p.t("Finanzielle Auswirkungen: Für ").e(w.date(dt.date(doc_d.year + 1, 1, 1), "year"))
    p.t(f" sind {w.rng.randint(1, 30) * 1000:,} Euro im Teilhaushalt vorgesehen.".replace(",", "."))
    blocks.append(p.block)
    signer = w.person("de", home.mayor_role, title_p=0.3,
                      gender="f" if home.mayor_role.endswith("in") else "m")
    signature(w, signer, signer.role, blocks, closing=None)
    return Memo("beschlussvorlage", "Beschlussvorlage", doc_d.isoformat(),
                f"Städtepartnerschaft mit {partner.name}", [ref], blocks)


def genre_niederschrift(w: Writer) -> Memo:
    home, _, year = pick_context(w)
    meet = w.date_between(year, year)
    doc_d = meet + dt.timedelta(days=w.rng.randint(3, 21))
    blocks: list[Block] = []
    letterhead(w, home, None, blocks)
    n_sitzung = w.rng.randint(3, 60)
    council = council_entity(w, home, with_city=True)
    p = Para("title", space_before=6)
    if w.chance(0.5):
        p.t("Niederschrift")
        blocks.append(p.block)
        p = Para("body")
        p.t("Gremium: ").e(council)
        blocks.append(p.block)
        p = Para("body")
        p.t(f"Sitzung: {n_sitzung}. öffentliche Sitzung am ").e(w.date(meet, "long"))
        blocks.append(p.block)
        title = f"Niederschrift über die {n_sitzung}. Sitzung"
    else:
        top_main = w.rng.randint(3, 25)
        p.t(f"Protokoll TOP {top_main}")
        blocks.append(p.block)
        p = Para("body")
        p.t(f"{n_sitzung}. Plenarsitzung, ").e(w.date(meet, w.pick(["num", "long"])))
        blocks.append(p.block)
        title = f"Protokoll TOP {top_main}"
    chair = w.person("de", home.mayor_role, title_p=0.3, gender="f" if home.mayor_role.endswith("in") else "m")
    p = Para("body", space_before=6)
    p.t("Vorsitz: ").e(chair).t(f", {chair.role}")
    blocks.append(p.block)
    writer = w.person(w.pick(["de", "de", "tr", "vi", "ar", "en"]), "Schriftführer")
    p = Para("body")
    p.t("Schriftführung: ").e(writer)
    blocks.append(p.block)
    blocks.append(Block("body", f"Ort: Ratssaal, Beginn {w.rng.randint(14, 17)}:00 Uhr"))
    n_tops = w.rng.randint(2, 3)
    tops = sorted(w.rng.sample(range(3, 30), n_tops))
    if title.startswith("Protokoll"):
        tops = [int(title.split()[-1])]
    refs = []
    kinds_pool = ["beschluss", "zustimmung", "ablehnung", "vertagung", "verweisung", "auftrag",
                  "verurteilung"]
    for top in tops:
        ref = ref_vorlage(w, meet.year)
        refs.append(ref)
        p2 = w.pick(PARTNERS)
        topic = w.pick(["Städtepartnerschaft mit {p} – Antrag der {f}",
                        "Solidaritätspartnerschaft mit {p}",
                        "Bericht über die Delegationsreise nach {p}",
                        "Zuschuss an den Freundeskreis {p}"])
        p = Para("h2", space_before=12)
        p.t(f"TOP {top}: ")
        fac = w.pick(FACTIONS)
        rest = topic
        while rest:
            cand = [(rest.find(k), k) for k in ("{p}", "{f}") if rest.find(k) >= 0]
            if not cand:
                p.t(rest)
                break
            pos, key = min(cand)
            p.t(rest[:pos])
            p.e(w.city(p2.name, p2.country) if key == "{p}" else w.org(fac))
            rest = rest[pos + 3:]
        blocks.append(p.block)
        blocks.append(Block("body", f"Vorlage: {ref}"))
        spk = w.person(w.pick(["de", "de", "de", "tr", "pl", "it"]), "Stadtrat", title_p=0.2)
        blocks.append(Block("anchor"))
        p = Para("body", space_before=4)
        p.e(spk).t(" (").e(w.org(w.pick(FACTIONS)))
        p.t(") begründet den Antrag und verweist auf die Erfahrungen seit ")
        p.e(w.date(dt.date(w.rng.randint(1975, 2015), 1, 1), "year")).t(".")
        blocks.append(p.block)
        kind = w.pick(kinds_pool)
        c = council_entity(w, home, with_city=False)
        frags = fix_article(decision_clause(w, kind, c, w.city(p2.name, p2.country), home, [],
                                            meet.year), c)
        if kind in ("vertagung", "verweisung"):
            votes = w.pick(["einstimmig", None, fmt_votes(w.rng.randint(20, 40), w.rng.randint(0, 15),
                                                          w.rng.randint(0, 5))])
        else:
            votes = w.pick(["einstimmig", fmt_votes(w.rng.randint(10, 45), w.rng.randint(0, 12),
                                                    w.rng.randint(0, 6)), "mehrheitlich"])
        dec = Decision(str(top), home.body, meet.isoformat(), kind, votes, None, frags_text(frags))
        blocks.append(Block("h2", "Beschluss:", space_before=6))
        p = Para("body")
        p.d(dec)
        add_frags(p, frags)
        blocks.append(p.block)
        if votes:
            if votes in ("einstimmig", "mehrheitlich"):
                surface = votes
            else:
                yes, no, ab = (int(x.split()[0]) for x in votes.split(", "))
                surface = w.pick([votes, (f"{yes} Ja-Stimmen, {no} Nein-Stimmen, {ab} Enthaltung"
                                          f"{'' if ab == 1 else 'en'}"),
                                  f"{yes} Ja / {no} Nein / {ab} Enthaltung{'' if ab == 1 else 'en'}"])
            blocks.append(Block("body", f"Abstimmungsergebnis: {surface}"))
        else:
            blocks.append(Block("body", "Abstimmungsergebnis: ohne Abstimmung"))
    blocks.append(Block("body", w.pick(["Für die Richtigkeit:", "Die Richtigkeit der Niederschrift wird bestätigt.",
                                        "Ende des öffentlichen Teils."]), space_before=12))
    signature(w, chair, "Vorsitz", blocks, closing=None)
    signature(w, writer, "Schriftführung", blocks, closing=None)
    # minutes are dated by their session (as archives and OParl do)
    _ = doc_d
    return Memo("niederschrift", "Niederschrift", meet.isoformat(), title, refs, blocks)


def genre_presse(w: Writer) -> Memo:
    home, partner, year = pick_context(w)
    doc_d = w.date_between(year, year)
    blocks: list[Block] = []
    letterhead(w, home, "Amt für Presse- und Öffentlichkeitsarbeit", blocks)
    nr = f"{w.rng.randint(10, 480)}/{doc_d.year}"
    blocks.append(Block("title", "Pressemitteilung", space_before=6))
    p = Para("body")
    p.t(f"Nr. {nr} · ").e(w.city(home.name)).t(", ").e(w.date(doc_d, w.pick(["num", "long", "nopad"])))
    blocks.append(p.block)
    ob = w.person("de", home.mayor_role, title_p=0.3, gender="f" if home.mayor_role.endswith("in") else "m")
    guest = w.person(partner.lang, partner.head, title_p=0.2)
    headline = Para("h1", space_before=10)
    headline.t("Delegation aus ").e(w.city(partner.name, partner.country)).t(" zu Gast in ").e(w.city(home.name))
    blocks.append(headline.block)
    a = doc_d - dt.timedelta(days=w.rng.randint(3, 20))
    b = a + dt.timedelta(days=w.rng.randint(2, 4))
    if a.month != b.month:
        a = b - dt.timedelta(days=2)
    p = Para("body", space_before=6)
    p.t("Vom ").e(Entity("DATE", a.isoformat(), f"{a.day}.")).t(" bis ").e(w.date(b, "long"))
    p.t(" besuchte eine Delegation unter Leitung von ").e(guest).t(f", {guest.role} von ")
    p.e(w.city(partner.name, partner.country)).t(", die Stadt. ")
    p.e(ob).t(f", {ob.role}, empfing die Gäste im Rathaus.")
    blocks.append(p.block)
    dec_d = doc_d - dt.timedelta(days=w.rng.randint(30, 300))
    council = council_entity(w, home, with_city=w.chance(0.5))
    kind = w.pick(["beschluss", "willensbekundung", "zustimmung"])
    if kind == "beschluss":
        frags = ["Der ", council, " hatte am ", w.date(dec_d, "long"),
                 " beschlossen, die Partnerschaft mit ", w.city(partner.name, partner.country),
                 " auszubauen."]
        clause_frags = frags
    elif kind == "willensbekundung":
        frags = ["Bereits am ", w.date(dec_d, "long"), " hatte der ", council,
                 " seinen Willen bekundet, die Zusammenarbeit mit ",
                 w.city(partner.name, partner.country), " zu vertiefen."]
        clause_frags = frags
    else:
        frags = ["Der ", council, " hatte dem Kooperationsabkommen am ", w.date(dec_d, "long"),
                 " zugestimmt."]
        clause_frags = frags
    if council.text.startswith("Ratsv"):
        frags = [("Die " if f == "Der " else ("die " if f == "der " else f)) if isinstance(f, str) else f
                 for f in frags]
        frags = [f.replace(" seinen Willen", " ihren Willen") if isinstance(f, str) else f for f in frags]
    dec = Decision(None, home.body, dec_d.isoformat(), kind, None, None, frags_text(frags))
    p = Para("body", space_before=6)
    p.d(dec)
    add_frags(p, frags)
    _ = clause_frags
    since = w.date(dt.date(w.rng.randint(1960, 2012), 1, 1), "year")
    p.t(" Die beiden Städte sind seit ").e(since).t(" partnerschaftlich verbunden.")
    blocks.append(p.block)
    quote = w.pick([
        "„Gerade in schwierigen Zeiten zeigt sich, was Partnerschaft bedeutet“, sagte ",
        "„Wir stehen fest an der Seite unserer Freundinnen und Freunde“, betonte ",
        "„Diese Partnerschaft lebt von den Begegnungen der Menschen“, erklärte ",
    ])
    p = Para("body", space_before=6)
    p.t(quote).e(Entity("PERSON", ob.value, ob.value, role=ob.role, title=None)).t(".")
    blocks.append(p.block)
    nxt = dt.date(doc_d.year, min(12, doc_d.month + w.rng.randint(1, 4)), w.rng.randint(1, 28))
    p = Para("body", space_before=6)
    p.t(f"Der Gegenbesuch ist für {WEEKDAYS[nxt.weekday()]} (").e(w.date(nxt, "yearless_num"))
    p.t(") geplant. Interessierte Vereine melden sich beim ").e(w.org("Büro für Städtepartnerschaften")).t(".")
    blocks.append(p.block)
    blocks.append(Block("anchor"))
    contact = w.person("de", "Pressesprecher")
    p = Para("small", space_before=14)
    p.t("Pressekontakt: ").e(contact).t(f", Telefon 0{w.rng.randint(200, 999)} {w.rng.randint(100, 999)}-{w.rng.randint(1000, 9999)}")
    blocks.append(p.block)
    return Memo("pressemitteilung", "Pressemitteilung", doc_d.isoformat(),
                frags_text(["Delegation aus ", partner.name, " zu Gast in ", home.name]), [], blocks,
                family="Sans")


def genre_webseite(w: Writer) -> Memo:
    home, partner, year = pick_context(w)
    doc_d = w.date_between(year, year)
    blocks: list[Block] = []
    p = Para("nav")
    p.t("www.").t(home.name.split()[0].lower().replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"))
    p.t(".de › Rathaus › Internationales › Partnerstädte")
    blocks.append(p.block)
    blocks.append(Block("rule", space_before=2))
    p = Para("title", space_before=8)
    p.e(w.city(partner.name, partner.country)).t(f" ({partner.land})")
    blocks.append(p.block)
    since_y = w.rng.randint(1959, 2015)
    p = Para("h2")
    p.t("Partnerstadt von ").e(w.city(home.name)).t(" seit ").e(w.date(dt.date(since_y, 1, 1), "year"))
    blocks.append(p.block)
    sign = dt.date(since_y, w.rng.randint(1, 12), w.rng.randint(1, 28))
    p = Para("body", space_before=8)
    p.t("Die Partnerschaft wurde am ").e(w.date(sign, "long")).t(" im Rathaus von ")
    p.e(w.city(partner.name, partner.country)).t(" besiegelt. ")
    lo = max(since_y + 1, 1995)
    m = dt.date(w.rng.randint(lo, max(lo, 2016)), w.rng.randint(1, 12), 1)
    p.t("Im ").e(w.date(m, "month")).t(" unterzeichneten ")
    ob = w.person("de", home.mayor_role, title_p=0.3, gender="f" if home.mayor_role.endswith("in") else "m")
    head = w.person(partner.lang, partner.head, title_p=0.1)
    p.e(ob).t(" und ").e(head).t(" eine erneuerte Freundschaftserklärung.")
    blocks.append(p.block)
    dec_d = sign - dt.timedelta(days=w.rng.randint(30, 200))
    council = council_entity(w, home, with_city=True)
    p = Para("body", space_before=6)
    dec = Decision(None, home.body, dec_d.isoformat(), "beschluss", None, None, "")
    frags = ["Den Grundstein legte der ", council, ", der am ", w.date(dec_d, "num"),
             " die Aufnahme der Partnerschaft beschlossen hat."]
    if council.text.startswith("Ratsv"):
        frags = ["Den Grundstein legte die ", council, ", die am ", w.date(dec_d, "num"),
                 " die Aufnahme der Partnerschaft beschlossen hat."]
    dec.text = frags_text(frags)
    p.d(dec)
    add_frags(p, frags)
    blocks.append(p.block)
    blocks.append(Block("anchor"))
    blocks.append(Block("h2", "Termine", space_before=10))
    for _ in range(w.rng.randint(2, 3)):
        ev = dt.date(doc_d.year, w.rng.randint(1, 12), w.rng.randint(1, 28))
        p = Para("body", indent=10)
        p.t(f"{WEEKDAYS[ev.weekday()]} (").e(w.date(ev, "yearless_num")).t("): ")
        p.t(w.pick(["Bürgerreise nach ", "Konzert des Jugendorchesters aus ", "Fotoausstellung über ",
                    "Schüleraustausch mit "]))
        p.e(w.city(partner.name, partner.country))
        blocks.append(p.block)
    contact = w.person(w.pick(["de", "de", partner.lang]), "Sachbearbeiter")
    p = Para("body", space_before=10)
    p.t("Ansprechpartner: ").e(contact).t(", ").e(w.org("Büro für Städtepartnerschaften"))
    blocks.append(p.block)
    p = Para("small", space_before=10)
    p.t("Zuletzt aktualisiert: ").e(w.date(doc_d, "short"))
    blocks.append(p.block)
    return Memo("webseite", "Webseite", doc_d.isoformat(), f"Partnerstadt {partner.name}", [], blocks,
                family="Sans", head_family="Sans")


def genre_antrag(w: Writer) -> Memo:
    """A faction's motion: proposed items (decision_date null), incl. verurteilt / fordert … auf."""
    home, partner, year = pick_context(w)
    doc_d = w.date_between(year, year)
    ref = f"A{w.rng.randint(10, 999):04d}/{doc_d.year % 100:02d}"
    faction = w.pick(FACTIONS)
    blocks: list[Block] = []
    p = Para("lh1")
    p.e(w.org(faction))
    blocks.append(p.block)
    p = Para("lh2")
    c_full = council_entity(w, home, with_city=True)
    p.t("in der " if c_full.text.startswith("Ratsv") else "im ").e(c_full)
    blocks.append(p.block)
    blocks.append(Block("rule", space_before=4))
    blocks.append(Block("title", "Antrag", space_before=8))
    blocks.append(Block("body", f"Antrag Nr. {ref}"))
    p = Para("body")
    p.t("Datum: ").e(w.date(doc_d, w.pick(["num", "nopad", "short"])))
    blocks.append(p.block)
    p = Para("h2", space_before=10)
    p.t("Gegenstand: Solidarität mit unserer Partnerstadt ").e(w.city(partner.name, partner.country))
    blocks.append(p.block)
    p = Para("body", space_before=8)
    c = council_entity(w, home, with_city=False)
    p.t("Die " if c.text.startswith("Ratsv") else "Der ").e(c).t(" möge beschließen:")
    blocks.append(p.block)
    kinds = w.rng.sample(["verurteilung", "aufforderung", "willensbekundung", "auftrag", "beschluss"],
                         w.rng.randint(2, 4))
    for i, kind in enumerate(kinds, 1):
        c = council_entity(w, home, with_city=False)
        frags = fix_article(decision_clause(w, kind, c, w.city(partner.name, partner.country), home, [],
                                            doc_d.year), c)
        dec = Decision(str(i), home.body, None, kind, None, None, frags_text(frags))
        p = Para("body", hang=16, space_before=3)
        p.t(f"{i}. ").d(dec)
        add_frags(p, frags)
        blocks.append(p.block)
    blocks.append(Block("h2", "Begründung:", space_before=10))
    blocks.append(Block("anchor"))
    p = Para("body", space_before=4)
    p.t("Die Partnerschaft besteht seit ").e(w.date(dt.date(w.rng.randint(1965, 2016), 1, 1), "year"))
    p.t(". Gerade jetzt braucht sie ein sichtbares Zeichen des Rates.")
    blocks.append(p.block)
    chair = w.person(w.pick(["de", "de", "tr", "it", "pl"]), "Vorsitzender", title_p=0.3)
    signature(w, chair, "Fraktionsvorsitz" if w.chance(0.5) else chair.role, blocks, closing=None)
    return Memo("antrag", "Antrag", doc_d.isoformat(), f"Solidarität mit {partner.name}", [ref], blocks)


GENRES = {
    "hausmitteilung": genre_hausmitteilung,
    "brief": genre_brief,
    "beschlussvorlage": genre_vorlage,
    "niederschrift": genre_niederschrift,
    "pressemitteilung": genre_presse,
    "webseite": genre_webseite,
    "antrag": genre_antrag,
}


# --------------------------------------------------------------------------------------
# Layout: wrap blocks into lines and pages, remembering where every span lands
# --------------------------------------------------------------------------------------

MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 72.0, 62.0, 62.0, 72.0


@dataclass
class Line:
    text: str
    x: float
    y: float             # baseline
    font: str
    size: float
    kind: str = "text"   # text | rule | signature | stamp
    color: tuple = (0, 0, 0)
    extra: dict = field(default_factory=dict)


def style_font(memo: Memo, style: str) -> tuple[str, float, float, str]:
    kind, bold, size, leading, align = STYLES[style]
    fam = memo.head_family if kind == "head" else memo.family
    return font_name(fam, bold), size, leading, align


def wrap(text: str, protected: list[tuple[int, int]], width: float, first_width: float,
         font: str, size: float) -> list[tuple[int, int]]:
    """Greedy wrap at spaces outside protected spans; returns [start, end) per line."""
    breaks = [i for i, ch in enumerate(text) if ch == " "
              and not any(s < i < e for s, e in protected)]
    lines = []
    start = 0
    while start < len(text):
        avail = first_width if not lines else width
        if pdfmetrics.stringWidth(text[start:], font, size) <= avail:
            lines.append((start, len(text)))
            break
        cut = None
        for b in breaks:
            if b <= start:
                continue
            if pdfmetrics.stringWidth(text[start:b], font, size) <= avail:
                cut = b
            else:
                break
        if cut is None:  # a single over-long word: take it whole
            nxt = [b for b in breaks if b > start]
            cut = nxt[0] if nxt else len(text)
        lines.append((start, cut))
        start = cut + 1
    return lines


@dataclass
class Layout:
    pages: list[list[Line]]
    page_texts: list[str]
    entities: list[Entity]
    decisions: list[Decision]


def layout(memo: Memo) -> Layout:
    register_fonts()
    pages: list[list[Line]] = [[]]
    page_lines_text: list[list[str]] = [[]]
    page_char = [0]           # running char count of page text (for offsets)
    y = PAGE_H - MARGIN_T
    text_w = PAGE_W - MARGIN_L - MARGIN_R
    entities: list[Entity] = []
    decisions: list[Decision] = []
    bottom = MARGIN_B + (16 if memo.footer else 0)

    def new_page():
        nonlocal y
        pages.append([])
        page_lines_text.append([])
        page_char.append(0)
        y = PAGE_H - MARGIN_T

    def add_text_line(s: str, x: float, yy: float, font: str, size: float, **kw) -> int:
        """Add a line; returns its char offset in the page text."""
        off = page_char[-1] + (1 if page_lines_text[-1] else 0)
        pages[-1].append(Line(s.replace(NBSP, " "), x, yy, font, size, **kw))
        page_lines_text[-1].append(s.replace(NBSP, " "))
        page_char[-1] = off + len(s)
        return off

    for block in memo.blocks:
        if block.style == "anchor":
            continue
        if block.style == "space":
            y -= block.height
            continue
        if block.style == "rule":
            y -= block.space_before
            pages[-1].append(Line("", MARGIN_L, y, "", 0, kind="rule"))
            y -= 10
            continue
        if block.style == "signature":
            if y - block.height < bottom:
                new_page()
            pages[-1].append(Line("", MARGIN_L, y - block.height + 8, "", 0, kind="signature",
                                  extra={"h": block.height}))
            y -= block.height
            continue
        if block.style == "stamp":
            y -= block.space_before
            if y - block.height < bottom:
                new_page()
            sy = y - 12
            box_w = 150
            x0 = PAGE_W - MARGIN_R - box_w - 10
            for i, s in enumerate(block.stamp_lines):
                off = add_text_line(s, x0 + 10, sy - i * 14, font_name("Mono", True), 11,
                                    kind="stamp", color=(0.75, 0.1, 0.12),
                                    extra={"box": (x0, y - block.height + 4, box_w, block.height - 4)}
                                    if i == 0 else {})
                for _, _, ent in block.ents:
                    if ent.text == s:
                        ent.page = len(pages)
                        ent.start, ent.end = off, off + len(s)
                        entities.append(ent)
            y -= block.height
            continue
        font, size, leading, align = style_font(memo, block.style)
        y -= block.space_before
        protected = [(s, e) for s, e, _ in block.ents]
        x_first = MARGIN_L + block.indent
        x_rest = MARGIN_L + block.indent + block.hang
        spans = wrap(block.text, protected, text_w - block.indent - block.hang,
                     text_w - block.indent, font, size)
        line_offsets = []
        for li, (s, e) in enumerate(spans):
            if y - leading < bottom - 4:
                new_page()
            y -= leading
            seg = block.text[s:e]
            if align == "right":
                x = PAGE_W - MARGIN_R - pdfmetrics.stringWidth(seg, font, size)
            elif align == "center":
                x = (PAGE_W - pdfmetrics.stringWidth(seg, font, size)) / 2
            else:
                x = x_first if li == 0 else x_rest
            off = add_text_line(seg, x, y, font, size)
            line_offsets.append((s, e, len(pages), off))
        y -= max(0.0, leading * 0.15)

        def locate(pos: int, line_offsets: list = line_offsets) -> tuple[int, int]:
            for s, e, pg, off in line_offsets:
                if s <= pos <= e:
                    return pg, off + (pos - s)
            s, e, pg, off = line_offsets[-1]
            return pg, off + (e - s)

        for s, e, ent in block.ents:
            pg, off = locate(s)
            ent.page = pg
            ent.start, ent.end = off, off + (e - s)
            entities.append(ent)
        for pos, dec in block.decs:
            pg, _ = locate(pos)
            dec.page = pg
            decisions.append(dec)

    if memo.footer:
        n = len(pages)
        for i, pl in enumerate(pages):
            s = memo.footer.format(p=i + 1, n=n)
            font = font_name(memo.family)
            x = (PAGE_W - pdfmetrics.stringWidth(s, font, 8.5)) / 2
            off = page_char[i] + (1 if page_lines_text[i] else 0)
            pl.append(Line(s, x, MARGIN_B - 20, font, 8.5))
            page_lines_text[i].append(s)
            page_char[i] = off + len(s)
    texts = ["\n".join(lines) for lines in page_lines_text]
    return Layout(pages, texts, entities, decisions)


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------

def draw_pdf(lay: Layout, rng: random.Random, typewriter: bool = False,
             stamp: bool = True) -> bytes:
    """Born-digital PDF. ``typewriter`` draws glyph by glyph with uneven ink (scans only)."""
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle("")
    c.setAuthor("")
    c.setProducer("Ratsakten samples")
    for page in lay.pages:
        for ln in page:
            if ln.kind == "rule":
                c.setLineWidth(0.6)
                c.line(MARGIN_L, ln.y, PAGE_W - MARGIN_R, ln.y)
                continue
            if ln.kind == "signature":
                draw_signature(c, ln.x + 5, ln.y, rng)
                continue
            if ln.kind == "stamp":
                if not stamp:
                    continue
                c.setFillColorRGB(*ln.color)
                c.setStrokeColorRGB(*ln.color)
                if "box" in ln.extra:
                    bx, by, bw, bh = ln.extra["box"]
                    c.setLineWidth(1.4)
                    c.roundRect(bx, by, bw, bh, 6)
                c.setFont(ln.font, ln.size)
                c.drawString(ln.x, ln.y, ln.text)
                c.setFillColorRGB(0, 0, 0)
                c.setStrokeColorRGB(0, 0, 0)
                continue
            if typewriter:
                draw_typewriter(c, ln, rng)
            else:
                c.setFont(ln.font, ln.size)
                c.drawString(ln.x, ln.y, ln.text)
        c.showPage()
    c.save()
    return buf.getvalue()


def draw_signature(c, x: float, y: float, rng: random.Random) -> None:
    c.setStrokeColorRGB(0.1, 0.15, 0.45)
    c.setLineWidth(1.1)
    p = c.beginPath()
    p.moveTo(x, y)
    cx = x
    for _ in range(rng.randint(3, 6)):
        nx = cx + rng.uniform(12, 28)
        p.curveTo(cx + rng.uniform(0, 10), y + rng.uniform(4, 16), nx - rng.uniform(0, 10),
                  y - rng.uniform(2, 10), nx, y + rng.uniform(-3, 3))
        cx = nx
    c.drawPath(p, stroke=1, fill=0)
    c.setStrokeColorRGB(0, 0, 0)


def draw_typewriter(c, ln: Line, rng: random.Random) -> None:
    """Monospace glyphs with jittered baseline and uneven, faint ink."""
    font = font_name("Mono", "Bold" in ln.font)
    size = ln.size
    adv = pdfmetrics.stringWidth("M", font, size)
    x = ln.x
    base_ink = rng.uniform(0.25, 0.45)
    for ch in ln.text:
        if ch != " ":
            ink = min(0.7, max(0.0, base_ink + rng.uniform(-0.15, 0.2)))
            c.setFillColorRGB(ink, ink, ink)
            c.setFont(font, size)
            c.drawString(x + rng.uniform(-0.25, 0.25), ln.y + rng.uniform(-0.45, 0.45), ch)
        x += adv
    c.setFillColorRGB(0, 0, 0)


def typewriter_fits(lay: Layout) -> bool:
    """Mono glyphs are wider than the layout font: only use typewriter if lines still fit."""
    for page in lay.pages:
        for ln in page:
            if ln.kind == "text":
                font = font_name("Mono", "Bold" in ln.font)
                w = pdfmetrics.stringWidth("M", font, ln.size) * len(ln.text)
                if ln.x + w > PAGE_W - 20:
                    return False
    return True


DAMAGE = {
    # dpi choices, max skew, blur radius, gaussian noise sigma, speck density, jpeg quality, fade
    "light": {"dpi": (300,), "skew": 0.5, "blur": 0.0, "noise": 4.0, "specks": 0.00002, "jpeg": 85, "fade": 0.0},
    "medium": {"dpi": (240, 300), "skew": 1.5, "blur": 0.7, "noise": 14.0, "specks": 0.0002, "jpeg": 50,
               "fade": 0.25},
    "hard": {"dpi": (200,), "skew": 3.0, "blur": 1.1, "noise": 24.0, "specks": 0.0006, "jpeg": 30,
             "fade": 0.45},
    # not in the committed samples: for calibration training sets (harder and more varied)
    "severe": {"dpi": (150, 200), "skew": 3.5, "blur": 1.4, "noise": 30.0, "specks": 0.001, "jpeg": 22,
               "fade": 0.55},
}
DEFAULT_DAMAGES = ("light", "medium", "medium", "hard")


def rasterise(pdf_bytes: bytes, page_index: int, dpi: int) -> Image.Image:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        page = doc[page_index]
        img = page.render(scale=dpi / 72.0).to_pil()
        page.close()
    finally:
        doc.close()
    return img.convert("RGB")


def damage_page(img: Image.Image, level: str, skew: float, rotation: int, seed: int,
                keep_colour: bool) -> Image.Image:
    """Graded scan damage: fade, blur, skew, noise, specks, JPEG artefacts, rotation."""
    p = DAMAGE[level]
    nrng = np.random.default_rng(seed)
    if not keep_colour:
        img = img.convert("L")
    arr = np.asarray(img).astype(np.float32)
    if p["fade"]:
        arr = 255 - (255 - arr) * (1 - p["fade"] * nrng.uniform(0.6, 1.0))
    # uneven illumination: a soft gradient across the page
    h, w = arr.shape[:2]
    grad = np.linspace(0, nrng.uniform(0, 14 if level != "light" else 5), w, dtype=np.float32)
    arr = arr - (grad[None, :, None] if arr.ndim == 3 else grad[None, :])
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if p["blur"]:
        img = img.filter(ImageFilter.GaussianBlur(p["blur"] * nrng.uniform(0.7, 1.2)))
    if skew:
        fill = (255, 255, 255) if img.mode == "RGB" else 255
        img = img.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    arr = np.asarray(img).astype(np.float32)
    arr = arr + nrng.normal(0, p["noise"], arr.shape).astype(np.float32)
    n_specks = int(p["specks"] * h * w)
    ys = nrng.integers(0, h, n_specks)
    xs = nrng.integers(0, w, n_specks)
    arr[ys, xs] = 20
    if level in ("hard", "severe"):  # a few bigger blobs
        for _ in range(int(n_specks / 40)):
            y0, x0 = int(nrng.integers(2, h - 3)), int(nrng.integers(2, w - 3))
            arr[y0 - 1:y0 + 2, x0 - 1:x0 + 2] = 40
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=p["jpeg"])
    img = Image.open(io.BytesIO(buf.getvalue()))
    img.load()
    if rotation:
        img = img.rotate(-rotation, expand=True)  # clockwise, as a sheet put in sideways
    return img


def images_to_pdf(images: list[Image.Image], dpis: list[int]) -> bytes:
    """Image-only PDF, one page per image, page size from its dpi."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for img, dpi in zip(images, dpis):
        one = io.BytesIO()
        img.save(one, "PDF", resolution=float(dpi), quality=80)
        src = pdfium.PdfDocument(one.getvalue())
        out.import_pages(src)
        src.close()
    buf = io.BytesIO()
    out.save(buf)
    out.close()
    return stabilise_pdf(buf.getvalue())


def stabilise_pdf(data: bytes) -> bytes:
    """PDFium stamps the save time and a random /ID: pin both (same byte length, xref stays valid)."""
    import hashlib
    import re

    data = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20240101000000", data)
    m = re.search(rb"/ID\[<([0-9A-F]{32})><([0-9A-F]{32})>\]", data)
    if m:
        body = data[:m.start()] + data[m.end():]
        digest = hashlib.md5(body).hexdigest().upper().encode()
        data = data[:m.start()] + b"/ID[<" + digest + b"><" + digest + b">]" + data[m.end():]
    return data


def merge_pdfs(parts: list[tuple[bytes, list[int]]]) -> bytes:
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    srcs = []
    for data, pages in parts:
        src = pdfium.PdfDocument(data)
        srcs.append(src)
        out.import_pages(src, pages=pages)
    buf = io.BytesIO()
    out.save(buf)
    out.close()
    for s in srcs:
        s.close()
    return stabilise_pdf(buf.getvalue())


# --------------------------------------------------------------------------------------
# One document end to end
# --------------------------------------------------------------------------------------

@dataclass
class Spec:
    index: int
    genre: str
    kind: str                 # digital | scan | mixed | image
    damage: str               # none | light | medium | hard
    seed: int
    rotate_page: int | None = None   # page number (1-based) turned 90/180, scans only
    rotation: int = 0
    typewriter: bool = False
    image_format: str = "png"  # png | tiff (kind == image)


def build_memo(spec: Spec) -> tuple[Memo, Layout, random.Random]:
    rng = random.Random(spec.seed)
    w = Writer(rng)
    memo = GENRES[spec.genre](w)
    if spec.genre != "webseite" and rng.random() < 0.6:
        memo.footer = rng.choice(["Seite {p} von {n}", "- {p} -", "Seite {p}"])
    if spec.genre in ("hausmitteilung", "brief", "niederschrift") and rng.random() < 0.5:
        memo.family = rng.choice(["Serif", "Sans", "Cond"])
    if spec.kind in ("scan", "mixed", "image") and memo.doc_date and rng.random() < 0.7:
        d = dt.date.fromisoformat(memo.doc_date) + dt.timedelta(days=rng.randint(1, 9))
        extra: list[Entity] = []
        stamp_blocks: list[Block] = []
        stamp_block(w, d, stamp_blocks, extra)
        # after the letterhead rule (or the first block)
        idx = next((i for i, b in enumerate(memo.blocks) if b.style == "rule"), 0) + 1
        memo.blocks[idx:idx] = stamp_blocks
        memo.stamp = True
    target = 2 if spec.kind == "mixed" else rng.choice([1, 1, 2, 2, 3])
    if spec.kind == "image" and spec.image_format == "png":
        target = 1
    lay = layout(memo)
    anchors = [i for i, b in enumerate(memo.blocks) if b.style == "anchor"]
    for _ in range(12):
        if len(lay.pages) >= target or not anchors:
            break
        at = rng.choice(anchors)
        para = filler_paragraph(w, w.ctx)
        if para is None:
            break
        memo.blocks.insert(at, para)
        anchors = [i for i, b in enumerate(memo.blocks) if b.style == "anchor"]
        lay = layout(memo)
    return memo, lay, rng


def render(spec: Spec, out_dir: Path) -> Path:
    memo, lay, _ = build_memo(spec)
    n_pages = len(lay.pages)
    ext = {"png": ".png", "tiff": ".tif"}[spec.image_format] if spec.kind == "image" else ".pdf"
    name = f"{spec.index:04d}_{spec.genre}_{spec.kind}" + (
        f"_{spec.damage}" if spec.damage != "none" else "") + ext
    path = out_dir / name
    typewriter = spec.typewriter and typewriter_fits(lay)
    digital = draw_pdf(lay, random.Random(spec.seed + 1), typewriter=False, stamp=False)
    page_render: list[dict] = []
    p = DAMAGE.get(spec.damage)
    drng = random.Random(spec.seed + 2)
    dpi = drng.choice(p["dpi"]) if p else None
    skews = [round(drng.uniform(-p["skew"], p["skew"]), 2) if p else 0.0 for _ in range(n_pages)]
    scan_pages = {"digital": [], "scan": list(range(n_pages)), "image": list(range(n_pages)),
                  "mixed": [0]}[spec.kind]
    images: list[Image.Image] = []
    if scan_pages:
        scan_src = draw_pdf(lay, random.Random(spec.seed + 1), typewriter=typewriter, stamp=True)
        for i in scan_pages:
            img = rasterise(scan_src, i, dpi)
            rot = spec.rotation if spec.rotate_page == i + 1 else 0
            keep_colour = memo.stamp and i == 0 and spec.kind != "image"
            images.append(damage_page(img, spec.damage, skews[i], rot, spec.seed * 31 + i, keep_colour))
    for i in range(n_pages):
        if i in scan_pages:
            page_render.append({"source": "scan", "dpi": dpi, "skew_deg": skews[i],
                                "rotation": spec.rotation if spec.rotate_page == i + 1 else 0})
        else:
            page_render.append({"source": "digital"})
    if spec.kind == "digital":
        path.write_bytes(digital)
    elif spec.kind == "scan":
        path.write_bytes(images_to_pdf(images, [dpi] * len(images)))
    elif spec.kind == "mixed":
        scanned = images_to_pdf(images, [dpi])
        path.write_bytes(merge_pdfs([(scanned, [0]), (digital, list(range(1, n_pages)))]))
    else:  # image
        if spec.image_format == "png":
            # bilevel like a fax/office scanner: small files, hard edges
            if len(images) > 1:
                raise ValueError("png output is single-page")
            bw = images[0].convert("L").point(lambda v: 255 if v > 150 else 0, mode="1")
            bw.save(path, "PNG", dpi=(dpi, dpi), optimize=True)
        else:
            gray = [im.convert("L") for im in images]
            gray[0].save(path, "TIFF", dpi=(dpi, dpi), compression="tiff_jpeg", quality=75,
                         save_all=True, append_images=gray[1:])
    truth = make_truth(spec, memo, lay, path.name, dpi, skews, page_render)
    (out_dir / (path.name + ".truth.json")).write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def make_truth(spec: Spec, memo: Memo, lay: Layout, fname: str, dpi: int | None,
               skews: list[float], page_render: list[dict]) -> dict:
    scanned = [r for r in page_render if r["source"] == "scan"]
    render_info = {
        "kind": spec.kind,
        "dpi": dpi if scanned else None,
        "skew_deg": max((abs(r["skew_deg"]) for r in scanned), default=0.0),
        "rotation": spec.rotation if spec.rotate_page else 0,
        "damage": spec.damage,
        "typewriter": bool(spec.typewriter and scanned),
        "stamp": memo.stamp,
    }
    pages = []
    for i, text in enumerate(lay.page_texts, 1):
        pages.append({"page": i, "text": text, "render": page_render[i - 1]})
    ents = []
    for e in sorted(lay.entities, key=lambda e: (e.page, e.start)):
        row = {"label": e.label, "value": e.value, "text": e.text, "page": e.page,
               "start": e.start, "end": e.end}
        assert lay.page_texts[e.page - 1][e.start:e.end] == e.text, (fname, e)
        if e.label == "PERSON":
            row["role"] = e.role
            row["title"] = e.title
        if e.label == "CITY":
            row["country"] = e.country
        if e.label == "DATE" and e.role:
            row["role"] = e.role
        ents.append(row)
    decs = []
    for d in lay.decisions:
        row = {"item": d.item, "body": d.body, "decision_date": d.decision_date, "kind": d.kind,
               "votes": d.votes, "outcome": d.outcome, "text": d.text, "page": d.page}
        if d.outcome_status:
            row["outcome_status"] = d.outcome_status
        decs.append(row)
    return {
        "file": fname,
        "genre": memo.genre,
        "render": render_info,
        "doc_type": memo.doc_type,
        "doc_date": memo.doc_date,
        "title": memo.title,
        "references": memo.references,
        "pages": pages,
        "entities": ents,
        "decisions": decs,
    }


# --------------------------------------------------------------------------------------
# Corpus plans
# --------------------------------------------------------------------------------------

def random_specs(n: int, seed: int, kinds: list[str], start: int = 0,
                 damages: tuple[str, ...] = DEFAULT_DAMAGES) -> list[Spec]:
    rng = random.Random(seed)
    genres = list(GENRES)
    specs = []
    for i in range(start, start + n):
        kind = rng.choice(kinds)
        damage = "none" if kind == "digital" else rng.choice(list(damages))
        genre = genres[i % len(genres)] if n >= len(genres) else rng.choice(genres)
        s = Spec(i, genre, kind, damage, seed=seed * 100_003 + i)
        if kind in ("scan", "image") and rng.random() < 0.15:
            s.rotate_page, s.rotation = 1, rng.choice([90, 180])
        if kind in ("scan", "mixed", "image") and rng.random() < 0.25:
            s.typewriter = True
        if kind == "image":
            s.image_format = rng.choice(["png", "tiff"])
        specs.append(s)
    return specs


def preset_samples() -> list[Spec]:
    """The committed set: every genre, every render kind, every damage level."""
    plan = [
        # genre, kind, damage, extras
        ("hausmitteilung", "digital", "none", {}),
        ("brief", "digital", "none", {}),
        ("niederschrift", "digital", "none", {}),
        ("beschlussvorlage", "scan", "light", {}),
        ("pressemitteilung", "image", "medium", {"image_format": "png"}),
        ("webseite", "mixed", "medium", {}),
        ("hausmitteilung", "scan", "hard", {}),
        ("brief", "scan", "medium", {"typewriter": True}),
        ("niederschrift", "mixed", "hard", {}),
        ("beschlussvorlage", "digital", "none", {}),
        ("pressemitteilung", "digital", "none", {}),
        ("webseite", "digital", "none", {}),
        ("hausmitteilung", "mixed", "light", {}),
        ("brief", "image", "hard", {"image_format": "tiff"}),
        ("niederschrift", "scan", "medium", {"rotate_page": 1, "rotation": 180}),
        ("pressemitteilung", "scan", "hard", {"typewriter": True}),
        ("beschlussvorlage", "scan", "medium", {"rotate_page": 1, "rotation": 90}),
        ("webseite", "image", "light", {"image_format": "png"}),
        ("hausmitteilung", "scan", "medium", {"typewriter": True}),
        ("niederschrift", "digital", "none", {}),
        ("antrag", "scan", "hard", {}),
    ]
    specs = []
    for i, (genre, kind, damage, extra) in enumerate(plan):
        s = Spec(i, genre, kind, damage, seed=20240321 + 7919 * i, **extra)
        specs.append(s)
    return specs


def fit_image_specs(specs: list[Spec]) -> list[Spec]:
    """PNG output is single-page: fall back to TIFF when a memo runs longer."""
    for s in specs:
        if s.kind == "image" and s.image_format == "png":
            _, lay, _ = build_memo(s)
            if len(lay.pages) > 1:
                s.image_format = "tiff"
    return specs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="output folder (created)")
    ap.add_argument("--n", type=int, default=20, help="number of documents")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed")
    ap.add_argument("--kinds", default="digital,scan,mixed,image",
                    help="comma-separated render kinds to draw from")
    ap.add_argument("--preset", choices=["samples"], help="the committed sample set (ignores --n/--seed)")
    ap.add_argument("--only", type=int, nargs="*", help="only these document indexes")
    ap.add_argument("--damages", default=",".join(DEFAULT_DAMAGES),
                    help="comma-separated damage levels scans draw from (light, medium, hard, severe)")
    args = ap.parse_args(argv)
    damages = tuple(d.strip() for d in args.damages.split(",") if d.strip())
    if set(damages) - set(DAMAGE):
        ap.error(f"unknown damage levels: {', '.join(sorted(set(damages) - set(DAMAGE)))}")
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    bad = set(kinds) - {"digital", "scan", "mixed", "image"}
    if bad:
        ap.error(f"unknown kinds: {', '.join(sorted(bad))}")
    args.out.mkdir(parents=True, exist_ok=True)
    specs = preset_samples() if args.preset else random_specs(args.n, args.seed, kinds, damages=damages)
    if args.only:
        specs = [s for s in specs if s.index in set(args.only)]
    specs = fit_image_specs(specs)
    for s in specs:
        path = render(s, args.out)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
