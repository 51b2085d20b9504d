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
import re
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

# how the Ukrainian and Russian names below are printed in Cyrillic (a partner city's official
# sometimes signs or is quoted so; --foreign-script). The Latin forms are the German (Duden)
# transcription, which is the truth `value` either way.
CYRILLIC = {
    "Oleksandr": "Олександр", "Wolodymyr": "Володимир", "Taras": "Тарас", "Mykola": "Микола", "Serhij": "Сергій",
    "Andrij": "Андрій", "Bohdan": "Богдан", "Witalij": "Віталій", "Olena": "Олена", "Iryna": "Ірина",
    "Natalija": "Наталія", "Oksana": "Оксана", "Switlana": "Світлана", "Halyna": "Галина", "Tetjana": "Тетяна",
    "Kowaltschuk": "Ковальчук", "Melnyk": "Мельник", "Bondarenko": "Бондаренко", "Schewtschenko": "Шевченко",
    "Tkatschenko": "Ткаченко", "Hryzenko": "Гриценко", "Symtschyschyn": "Симчишин", "Sadowyj": "Садовий",
    "Kostenko": "Костенко", "Lytwynenko": "Литвиненко", "Pawlenko": "Павленко",
    "Dmitri": "Дмитрий", "Sergej": "Сергей", "Alexej": "Алексей", "Wladimir": "Владимир", "Igor": "Игорь",
    "Juri": "Юрий", "Jelena": "Елена", "Tatjana": "Татьяна", "Swetlana": "Светлана", "Olga": "Ольга",
    "Marina": "Марина", "Sokolow": "Соколов", "Iwanow": "Иванов", "Kusnezow": "Кузнецов", "Morosow": "Морозов",
    "Wolkow": "Волков", "Lebedew": "Лебедев", "Smirnow": "Смирнов", "Sokolowa": "Соколова", "Iwanowa": "Иванова",
    "Kusnezowa": "Кузнецова", "Morosowa": "Морозова", "Wolkowa": "Волкова", "Lebedewa": "Лебедева",
    "Smirnowa": "Смирнова",
}

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

    def __init__(self, rng: random.Random, foreign_script: float = 0.0, script_rng: random.Random | None = None):
        self.rng = rng
        self.used_names: set[str] = set()
        self.link: LinkPlan | None = None  # a linked set's shared facts (--preset linked)
        # share of Ukrainian/Russian officials printed in Cyrillic; drawn from its own generator,
        # so that the rest of a document is the same with and without
        self.foreign_script = foreign_script
        self.script_rng = script_rng or random.Random(0)

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
        printed = name
        if role and lang in ("uk", "ru") and self.foreign_script > 0 and \
                self.script_rng.random() < self.foreign_script and first in CYRILLIC and last in CYRILLIC:
            printed = f"{CYRILLIC[first]} {CYRILLIC[last]}"  # value: the German transcription
        surface = f"{title} {printed}" if title else printed
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
    if w.link is not None:  # a linked set: the city, the partner and the year are the set's
        lk = w.link
        w.ctx = {"home": lk.home, "partner": lk.partner, "year": lk.meeting.year}  # type: ignore[attr-defined]
        return lk.home, lk.partner, lk.meeting.year
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
    if w.link is not None:
        doc_d, ref = w.link.proposal, w.link.ref
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
    if w.link is not None:
        d2 = w.link.meeting
        d1 = doc_d + (d2 - doc_d) / 2
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
    if w.link is not None:
        signer = link_person(w, w.link.mayor, "full")
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
    link: "LinkPlan | None" = None   # --preset linked: the set this document belongs to
    link_role: str | None = None     # proposes | decides | reports
    foreign_script: float = 0.0  # share of Ukrainian/Russian officials printed in Cyrillic


def build_memo(spec: Spec) -> tuple[Memo, Layout, random.Random]:
    rng = random.Random(spec.seed)
    w = Writer(rng, spec.foreign_script, random.Random(spec.seed * 7919 + 15))
    w.link = spec.link
    memo = (GENRES.get(spec.genre) or DECISION_GENRES[spec.genre])(w)
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
            if spec.link is not None:  # the true person: city and full name
                row["person_id"] = getattr(e, "pid", None) or f"{spec.link.home.name}|{e.value}"
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
        if getattr(d, "extended", False):  # decision genres: the full contract fields
            row.update(d.extra)  # type: ignore[attr-defined]
        decs.append(row)
    link = None
    if spec.link is not None:
        lk = spec.link
        link = {"set": lk.set_id, "role": spec.link_role, "reference": lk.ref, "city": lk.home.name,
                "meeting": lk.meeting.isoformat()}
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
        **({"link": link} if link else {}),
    }


# --------------------------------------------------------------------------------------
# Decision genres (--preset decisions): resolution letters, follow-up memos, protocol pages
# --------------------------------------------------------------------------------------
# These genres carry the full decision truth of CONTRACT.md (result, votes_*, unanimous,
# referred_to, reference, mention). They live outside GENRES so that the committed samples and
# every existing `--seed` corpus stay byte-identical.

# points with a strong decision verb: (kind, template); {S} = council as subject
STRONG_POINTS = [
    ("verurteilung", "{S} verurteilt den völkerrechtswidrigen Angriffskrieg Russlands gegen die Ukraine auf das Schärfste."),
    ("verurteilung", "{S} verurteilt die gezielten Angriffe auf Wohnhäuser, Schulen und Krankenhäuser in {partner}."),
    ("verurteilung", "{S} verurteilt jede Form von Hetze und Gewalt gegen Geflüchtete in unserer Stadt."),
    ("willensbekundung", "{S} bekundet {sein} Willen, mit {partner} eine Solidaritätspartnerschaft einzugehen."),
    ("willensbekundung", "{S} bekräftigt die Verbundenheit der Stadt {home} mit den Menschen in {partner}."),
    ("willensbekundung", "{S} bekundet {sein} Willen, die Zusammenarbeit mit {partner} auch in schwierigen Zeiten fortzusetzen."),
    ("aufforderung", "{S} fordert die Bundesregierung auf, die Kommunen bei der Aufnahme Geflüchteter dauerhaft finanziell zu entlasten."),
    ("aufforderung", "{S} fordert die Landesregierung auf, ein Förderprogramm für kommunale Partnerschaften mit der Ukraine aufzulegen."),
    ("aufforderung", "{S} appelliert an alle Bürgerinnen und Bürger, die Hilfsaktionen für {partner} weiter zu unterstützen."),
    ("aufforderung", "{S} fordert {ob} auf, sich beim Deutschen Städtetag für eine gemeinsame Initiative einzusetzen."),
    ("auftrag", "{S} beauftragt die Verwaltung, bis zum {fdate} ein Konzept für den Ausbau der Partnerschaft mit {partner} vorzulegen."),
    ("auftrag", "{S} beauftragt {ob}, gemeinsam mit {assoc_dat} einen Hilfsfonds in Höhe von {amount} Euro einzurichten."),
    ("auftrag", "Die Verwaltung wird beauftragt, die Partnerstadt {partner} beim Wiederaufbau der Wasserversorgung zu unterstützen."),
    ("auftrag", "{S} beauftragt das {office}, jährlich über den Stand der Zusammenarbeit zu berichten."),
    ("beschluss", "{S} beschließt die Aufnahme einer Städtepartnerschaft mit {partner}."),
    ("beschluss", "{S} beschließt, für die Partnerschaftsarbeit im Haushaltsjahr {fy} Mittel in Höhe von {amount} Euro bereitzustellen."),
    ("zustimmung", "{S} stimmt dem Abschluss eines Freundschaftsvertrages mit {partner} zu."),
    ("zustimmung", "{S} stimmt der Beteiligung der Stadt am Programm „Kommunale Partnerschaften“ zu."),
    ("ablehnung", "{S} lehnt eine Kürzung der Mittel für die Städtepartnerschaften ab."),
]
# points without a strong verb (kind beschluss: what the list introduction makes them)
PLAIN_POINTS = [
    "Die Stadt {home} steht fest an der Seite der Menschen in {partner}.",
    "Die Städtepartnerschaft mit {partner} wird fortgeführt und vertieft.",
    "Für Hilfstransporte nach {partner} werden im Haushaltsjahr {fy} Mittel in Höhe von {amount} Euro bereitgestellt.",
    "Der Oberbürgermeister wird gebeten, die Partnerstadt {partner} zu einem Arbeitsbesuch einzuladen.",
    "Die Verwaltung prüft, ob städtische Unternehmen ausgemusterte Fahrzeuge nach {partner} abgeben können, und berichtet bis zum {fdate}.",
    "Die Beflaggung des Rathauses mit den Farben der Ukraine wird bis auf Weiteres beibehalten.",
    "Geflüchtete aus {partner} erhalten freien Eintritt in die städtischen Museen und Bäder.",
    "Ein Runder Tisch „Hilfe für {partner}“ wird eingerichtet; ihm gehören Vertreterinnen und Vertreter der Fraktionen, der Verwaltung und der Vereine an.",
    "Die erforderlichen Mittel werden aus dem Budget des {office} gedeckt.",
    "Ziel ist eine förmliche Städtepartnerschaft innerhalb von zwei Jahren.",
    "Über den Stand der Umsetzung ist dem Rat halbjährlich zu berichten.",
    "Das Engagement der Bürgerinnen und Bürger, der Vereine und der Unternehmen für {partner} verdient Dank und Anerkennung.",
    "Die Stadtwerke unterstützen die Partnerstadt mit technischem Wissen bei der Reparatur der Wasserversorgung.",
    "Eine Delegation des Rates reist im {fmonth} nach {partner}, um die Bedarfe vor Ort zu erheben.",
    "Schulen und Kindertagesstätten werden ermutigt, Patenschaften mit Einrichtungen in {partner} einzugehen.",
    "Die Zusammenarbeit konzentriert sich zunächst auf die Bereiche Energie, Bildung und Gesundheit.",
    "Das {office} koordiniert die Hilfe und ist Ansprechpartner für Vereine und Initiativen.",
    "Die Stadt stellt bis zu 40 Wohnungen für Familien aus {partner} zur Verfügung.",
]
# further sentences of a long point; some carry a second strong verb (the point stays one row)
MORE_SENTENCES = [  # (kind of its verb or None, template)
    (None, "Dabei sind die Erfahrungen der Vereine und Initiativen einzubeziehen."),
    ("aufforderung", "{Er} fordert zugleich die Landesregierung auf, die Kommunen dabei zu unterstützen."),
    ("auftrag", "Die Verwaltung wird beauftragt, hierzu einen Zeitplan vorzulegen."),
    (None, "Die Kosten werden im Rahmen der vorhandenen Haushaltsmittel getragen."),
    (None, "Hierfür werden zusätzlich {amount} Euro bereitgestellt."),
    (None, "{Er} stellt fest, dass die Partnerschaft von der breiten Unterstützung der Bürgerschaft getragen wird."),
    (None, "Ein erster Bericht soll im {fmonth} vorliegen."),
    ("verurteilung", "{Er} verurteilt zugleich alle Versuche, die Hilfe für {partner} zu behindern."),
    (None, "Die Fraktionen werden gebeten, je ein Mitglied für die Lenkungsgruppe zu benennen."),
    (None, "Ehrenamtliche Helferinnen und Helfer sollen dabei besonders unterstützt werden."),
]
SUB_ITEMS = [
    "medizinische Geräte und Generatoren zu beschaffen",
    "Ausbildungsplätze für junge Menschen aus {partner} zu vermitteln",
    "einen Schüleraustausch vorzubereiten",
    "die Kontakte zwischen den Feuerwehren zu vertiefen",
    "eine Übersicht der laufenden Projekte zu veröffentlichen",
    "Spendenkonten der Stadt bekannt zu machen",
]
# narrative mentions of an earlier decision: (kind, template) with {d} the decision date
MENTIONS = [
    ("beschluss", "Bereits am {d} hatte {der_C} eine Resolution zur Solidarität mit {partner} beschlossen."),
    ("beschluss", "Mit Beschluss vom {d} ({ref0}) hat {der_C} die Aufnahme partnerschaftlicher Beziehungen zu {partner} beschlossen."),
    ("zustimmung", "In {seiner} Sitzung am {d} hatte {der_C} der Gründung eines Hilfsfonds für {partner} zugestimmt."),
    ("willensbekundung", "Am {d} hatte {der_C} {sein} Willen bekundet, die Menschen in {partner} zu unterstützen."),
    ("beschluss", "In der {session} vom {d} wurde bereits eine erste Resolution zur Lage in {partner} beschlossen."),
]
LETTER_CLOSINGS = [
    "Ich bitte Sie, die Resolution an die zuständigen Stellen weiterzuleiten.",
    "Wir würden uns freuen, wenn Sie unser Anliegen unterstützen.",
    "Für Ihre Unterstützung danke ich Ihnen im Namen des gesamten Rates.",
    "Eine Ausfertigung der Resolution ist diesem Schreiben beigefügt.",
    "Gern stehe ich Ihnen für ein persönliches Gespräch zur Verfügung.",
    "Unsere Städte verbindet eine lange Freundschaft, die wir gerade jetzt mit Leben füllen wollen.",
]
MEMO_CLOSINGS = [
    "Die nächste Beschlusskontrolle ist für {fmonth} vorgesehen.",
    "Für Rückfragen stehe ich gern zur Verfügung.",
    "Die Verwaltung wird dem Rat im {fmonth} erneut berichten.",
    "Wir bitten um Kenntnisnahme.",
    "Eine Übersicht der Ausgaben ist als Anlage beigefügt.",
    "Insgesamt ist die Umsetzung damit weitgehend abgeschlossen.",
]
REPORTS = {
    "realised": [
        "Die Vereinbarung wurde am {long} in {partner} unterzeichnet.",
        "Der Bericht wurde dem Rat am {long} vorgelegt.",
        "Die Mittel wurden im Haushaltsplan eingestellt und am {num} freigegeben.",
        "Eine Delegation reiste im {month} nach {partner} und übergab die Hilfsgüter.",
        "Das Konzept liegt vor und wird derzeit mit den Partnern abgestimmt.",
        "Der Finanzausschuss hat der Freigabe der Mittel am {long} zugestimmt.",
        "Die Maßnahme ist abgeschlossen.",
    ],
    "changed": [
        "Statt einer Delegationsreise fand am {long} eine Videokonferenz mit {partner} statt.",
        "Die Frist wurde im Einvernehmen mit den Fraktionen bis Ende {yr} verlängert.",
        "Die Zusammenarbeit beschränkt sich vorerst auf Schulen und Krankenhäuser.",
        "Wegen gestiegener Kosten konnte nur ein Teil der Geräte beschafft werden.",
    ],
    "dropped": [
        "Wegen der Sicherheitslage in {partner} wurde das Vorhaben zurückgestellt.",
        "Die Bundesregierung hat die Förderung eingestellt; das Vorhaben entfällt.",
        "Das Vorhaben wurde nicht weiter verfolgt, da die Partnerstadt um Aufschub gebeten hat.",
    ],
    "ongoing": [
        "Die Umsetzung läuft; ein Zwischenbericht folgt im {fmonth}.",
        "Die Gespräche mit {pde} dauern an.",
        "Die Ausschreibung ist veröffentlicht, die Vergabe ist für den {yearless} geplant.",
    ],
}
REPORT_MORE = [
    "Beteiligt waren {assoc_nom} und das {office}.",
    "Die Kosten beliefen sich auf rund {amount} Euro.",
    "Weitere Schritte werden mit der Stadtverwaltung von {partner} abgestimmt.",
    "Über den weiteren Verlauf wird die Verwaltung unterrichten.",
    "Die Rückmeldungen aus {partner} sind durchweg positiv.",
]
NUM_WORDS = {1: "einer", 2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben", 8: "acht",
             9: "neun", 10: "zehn", 11: "elf", 12: "zwölf"}


def _article_forms(council: Entity) -> dict:
    fem = council.text.startswith("Ratsv")
    return {"Der": "Die" if fem else "Der", "der": "die" if fem else "der", "dem": "der" if fem else "dem",
            "Er": "Sie" if fem else "Er", "sein": "ihren" if fem else "seinen", "seiner": "ihrer" if fem else "seiner"}


def point_frags(w: Writer, tmpl: str, home: HomeCity, extra: dict | None = None) -> list:
    """Fragments of one template: {S} council subject, {Er}/{sein}/{der_C} agreement, own keys, else fill_template."""
    ctx = w.ctx  # type: ignore[attr-defined]
    extra = extra or {}
    out: list = []
    rest = tmpl
    own = ("S", "Er", "sein", "seiner", "der_C", "ob", "amount", "fy", "fdate", "fmonth", "assoc_dat", "assoc_nom",
           "yr", "session", "ref0", "d")
    council = extra.get("council") or council_entity(w, home, with_city=w.chance(0.3))
    forms = _article_forms(council)
    while rest:
        i = rest.find("{")
        if i < 0:
            out.extend(fill_template(w, rest, ctx))
            break
        j = rest.index("}", i)
        key = rest[i + 1:j]
        if key not in own:
            # hand the piece up to the next own key to fill_template
            k = j + 1
            while True:
                nxt = rest.find("{", k)
                if nxt < 0 or rest[nxt + 1:rest.index("}", nxt)] in own:
                    break
                k = rest.index("}", nxt) + 1
            piece, rest = (rest, "") if nxt < 0 else (rest[:nxt], rest[nxt:])
            out.extend(fill_template(w, piece, ctx))
            continue
        if i:
            out.extend(fill_template(w, rest[:i], ctx))
        rest = rest[j + 1:]
        if key == "S":
            out.extend([forms["Der"] + " ", council])
        elif key == "der_C":
            out.extend([forms["der"] + " ", council])
        elif key in ("Er", "sein", "seiner"):
            out.append(forms[key])
        elif key == "ob":
            out.append("den Oberbürgermeister" if home.mayor_role == "Oberbürgermeister" else "die Oberbürgermeisterin")
        elif key == "amount":
            out.append(f"{w.rng.randint(2, 60) * 2500:,}".replace(",", "."))
        elif key == "fy":
            out.append(w.date(dt.date(ctx["year"] + 1, 1, 1), "year"))
        elif key == "yr":
            out.append(w.date(dt.date(ctx["year"] + 1, 1, 1), "year"))
        elif key == "fdate":
            out.append(w.date(dt.date(ctx["year"] + 1, w.rng.randint(1, 12), w.rng.randint(1, 28)), "long"))
        elif key == "assoc_dat":
            out.extend(assoc_frags(w, ART_DAT))
        elif key == "assoc_nom":
            name, gender = w.pick(ASSOCIATIONS)
            out.extend([ART_NOM[gender].lower(), w.org(name)])
        elif key == "fmonth":
            out.append(w.date(dt.date(ctx["year"] + 1, w.rng.randint(1, 12), 1), "month"))
        elif key == "session":
            out.append({"Stadtrat": "Stadtratssitzung", "Gemeinderat": "Gemeinderatssitzung",
                        "Ratsversammlung": "Sitzung der Ratsversammlung"}.get(home.council, "Ratssitzung"))
        elif key == "ref0":
            out.append(extra["ref0"])
        elif key == "d":
            out.append(w.date(extra["d"], w.pick(["long", "num", "nopad"])))
    return [f for f in out if f != ""]


def vote_phrase(w: Writer, pool: str = "letter") -> tuple[str, dict]:
    """A printed vote and its truth: unanimous, counts where printed, the legacy `votes` string."""
    yes, no, ab = w.rng.randint(18, 60), w.rng.randint(0, 15), w.rng.randint(0, 6)
    form = w.pick(["einstimmig", "einstimmig_ab", "mehrheitlich", "mehrheit_gegen", "counts", "counts_words",
                   "counts", "colon", "mit_zu"] + (["ja_nein_colon", "dafuer"] if pool == "protocol" else []))
    t: dict = {"votes_yes": None, "votes_no": None, "votes_abstain": None, "unanimous": None}
    en = f"Enthaltung{'' if ab == 1 else 'en'}"
    if form == "einstimmig":
        s, t["unanimous"] = "einstimmig", True
    elif form == "einstimmig_ab":
        ab = max(ab, 1)
        s = f"einstimmig bei {ab} Enthaltung{'' if ab == 1 else 'en'}"
        t.update(unanimous=True, votes_abstain=ab)
    elif form == "mehrheitlich":
        s, t["unanimous"] = w.pick(["mehrheitlich", "mit großer Mehrheit", "mit Mehrheit"]), False
    elif form == "mehrheit_gegen":
        s, t["unanimous"] = f"mehrheitlich gegen die Stimmen der {w.pick(FACTIONS)}", False
    elif form == "counts":
        s = w.pick([f"mit {yes} Ja-Stimmen bei {no} Gegenstimmen und {ab} {en}",
                    f"mit {yes} Ja-Stimmen, {no} Nein-Stimmen und {ab} {en}"])
        t.update(votes_yes=yes, votes_no=no, votes_abstain=ab)
    elif form == "counts_words":
        no, ab = max(1, min(no, 12)), max(1, min(ab, 12))
        s = f"bei {NUM_WORDS[no] if no > 1 else 'einer'} Gegenstimme{'n' if no > 1 else ''} und " \
            f"{NUM_WORDS[ab] if ab > 1 else 'einer'} Enthaltung{'en' if ab > 1 else ''}"
        t.update(votes_no=no, votes_abstain=ab)
    elif form == "colon":
        s = f"mit {yes}:{no}:{ab} Stimmen"
        t.update(votes_yes=yes, votes_no=no, votes_abstain=ab)
    elif form == "mit_zu":
        s = f"mit {yes} zu {no} Stimmen"
        t.update(votes_yes=yes, votes_no=no)
    elif form == "ja_nein_colon":
        s = f"Ja: {yes}, Nein: {no}, Enthaltungen: {ab}"
        t.update(votes_yes=yes, votes_no=no, votes_abstain=ab)
    else:
        s = f"{yes} dafür, {no} dagegen, {ab} {en}"
        t.update(votes_yes=yes, votes_no=no, votes_abstain=ab)
    if t["unanimous"] is None and t["votes_no"] is not None:
        t["unanimous"] = t["votes_no"] == 0
    t["votes"] = legacy_votes(t)
    return s, t


def legacy_votes(t: dict) -> str | None:
    """The `votes` column as before: 'J Ja, N Nein, E Enthaltung(en)', 'einstimmig', 'mehrheitlich'."""
    if t.get("votes_yes") is not None and t.get("votes_no") is not None:
        s = f"{t['votes_yes']} Ja, {t['votes_no']} Nein"
        if t.get("votes_abstain") is not None:
            s += f", {t['votes_abstain']} Enthaltung{'' if t['votes_abstain'] == 1 else 'en'}"
        return s
    if t.get("unanimous") is True:
        return "einstimmig"
    if t.get("unanimous") is False:
        return "mehrheitlich"
    return None


def new_decision(item: str | None, body: str, date: str | None, kind: str, text: str, **kw) -> Decision:
    votes = kw.pop("votes", None)
    d = Decision(item, body, date, kind, votes, kw.pop("outcome", None), text, kw.pop("outcome_status", None))
    d.extended = True  # type: ignore[attr-defined]
    d.extra = {"result": None, "votes_yes": None, "votes_no": None, "votes_abstain": None, "unanimous": None,  # type: ignore[attr-defined]
               "referred_to": None, "reference": None, "mention": False}
    d.extra.update(kw)  # type: ignore[attr-defined]
    return d


MARKER_STYLES = ["num", "num", "num", "paren", "alpha", "roman", "punkt", "pnum"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def marker(style: str, i: int) -> tuple[str, str]:
    """Printed marker and the item value for point i (1-based)."""
    if style == "num":
        return f"{i}. ", str(i)
    if style == "paren":
        return f"{i}) ", str(i)
    if style == "pnum":
        return f"({i}) ", str(i)
    if style == "alpha":
        return f"{'abcdefghijkl'[i - 1]}) ", "abcdefghijkl"[i - 1]
    if style == "roman":
        return f"{ROMAN[i - 1]}. ", ROMAN[i - 1]
    return f"Punkt {i}: ", str(i)


def build_points(w: Writer, home: HomeCity, n: int, subjectless: bool) -> list[tuple[str, list[list]]]:
    """n points: (kind, [sentence fragments, ...]); sentences after the first make a point long."""
    points = []
    strong = list(STRONG_POINTS)
    plain = list(PLAIN_POINTS)
    w.rng.shuffle(strong)
    w.rng.shuffle(plain)
    council = council_entity(w, home, with_city=False)
    if subjectless:  # 'Der Rat' stands above the list: every point starts with its verb
        strong = [x for x in strong if x[1].startswith("{S} ")]
    for _ in range(n):
        if not strong:
            strong = [x for x in STRONG_POINTS if x[1].startswith("{S} ")]
        if subjectless or not plain or w.chance(0.45):
            kind, tmpl = strong.pop()
            if subjectless:
                tmpl = tmpl[len("{S} "):]
        elif plain:
            kind, tmpl = "beschluss", plain.pop()
        else:
            kind, tmpl = "beschluss", "Die Stadt {home} steht fest an der Seite der Menschen in {partner}."
        sents = [point_frags(w, tmpl, home, {"council": council})]
        strong_first = kind != "beschluss" or tmpl in {t for _, t in STRONG_POINTS} or subjectless
        if w.chance(0.3):
            for more_kind, more in w.rng.sample(MORE_SENTENCES, w.rng.randint(1, 3)):
                sents.append(point_frags(w, more, home, {"council": council}))
                if more_kind and not strong_first:  # the kind is that of the first strong verb
                    kind, strong_first = more_kind, True
        points.append((kind, sents))
    return points


def _sub_items(w: Writer, home: HomeCity) -> list[list]:
    picks = w.rng.sample(SUB_ITEMS, w.rng.randint(2, 3))
    out = []
    for k, s in enumerate(picks):
        end = "," if k < len(picks) - 2 else (" und" if k == len(picks) - 2 else ".")
        out.append(point_frags(w, s + end, home))
    return out


def genre_resolution_letter(w: Writer) -> Memo:
    """A letter that transmits a council resolution of 1-12 points, numbered in one of six styles."""
    home, partner, year = pick_context(w)
    doc_d = w.date_between(year, year)
    dec_d = doc_d - dt.timedelta(days=w.rng.randint(5, 60))
    ref = ref_vorlage(w, dec_d.year) if w.chance(0.7) else None
    blocks: list[Block] = []
    letterhead(w, home, w.pick(["Büro des Oberbürgermeisters", "Büro für Städtepartnerschaften", None]), blocks)
    to = w.pick(["partner", "bund", "land"])
    if to == "partner":
        head = w.person(partner.lang, partner.head, title_p=0.2)
        g = getattr(head, "gender", "m")
        blocks.append(Block("body", "Herrn" if g == "m" else "Frau", space_before=12))
        p = Para("body")
        p.e(head)
        blocks.append(p.block)
        p = Para("body")
        p.t(f"{head.role} der Stadt ").e(w.city(partner.name, partner.country))
        blocks.append(p.block)
        sal = ("Sehr geehrter Herr " if g == "m" else "Sehr geehrte Frau ") + head.role.split(" ")[0] + ","
    else:
        org = "Bundesregierung" if to == "bund" else "Staatskanzlei"
        blocks.append(Block("body", "An die" if to == "bund" else "An die", space_before=12))
        p = Para("body")
        p.e(w.org(org))
        blocks.append(p.block)
        sal = "Sehr geehrte Damen und Herren,"
    place_d = Para("right", space_before=12)
    place_d.e(w.city(home.name)).t(", den " if w.chance(0.7) else ", ").e(w.date(doc_d, w.pick(["long", "num"])))
    blocks.append(place_d.block)
    az = ref_az(w, doc_d.year)
    if w.chance(0.6):
        blocks.append(Block("body", f"Unser Zeichen: {az}"))
    subj = Para("h2", space_before=10)
    subj.t(w.pick(["Resolution des Rates zur Partnerschaft mit ", "Solidarität mit ", "Beschluss zur Städtepartnerschaft mit "]))
    subj.e(w.city(partner.name, partner.country))
    if ref and w.chance(0.6):
        subj.t(f" ({w.pick(['Vorlage', 'Drucksache', 'Vorlage Nr.'])} {ref})")
        ref_printed = True
    else:
        ref_printed = False
    blocks.append(subj.block)
    blocks.append(Block("body", sal, space_before=10))
    council_full = council_entity(w, home, with_city=True)
    forms = _article_forms(council_full)
    decisions: list[Decision] = []
    # preamble: background, sometimes a mention of an earlier decision
    blocks.append(Block("anchor"))
    if w.chance(0.45):
        kind, tmpl = w.pick(MENTIONS)
        d0 = dec_d - dt.timedelta(days=w.rng.randint(90, 700))
        ref0 = ref_vorlage(w, d0.year)
        c0 = council_entity(w, home, with_city=w.chance(0.4))
        frags = point_frags(w, tmpl, home, {"council": c0, "d": d0, "ref0": ref0})
        dec = new_decision(None, home.body, d0.isoformat(), kind, frags_text(frags), result="zustimmung",
                           reference=ref0 if "{ref0}" in tmpl else None, mention=True)
        p = Para("body", space_before=6)
        p.d(dec)
        add_frags(p, frags)
        if w.chance(0.5):
            p.t(" ").t(w.pick(["Die Lage hat sich seither weiter verschärft.", "Seitdem ist viel geschehen.",
                                "Daran knüpft der neue Beschluss an."]))
        blocks.append(p.block)
        decisions.append(dec)
    # the introduction of the list
    vote_s, vt = vote_phrase(w) if w.chance(0.4) else ("", {})
    date_e = w.date(dec_d, w.pick(["long", "num", "nopad"]))
    intro = w.pick(["beschliesst", "sitzung", "sitzung_votes", "mitteilen", "beschluss_head", "wortlaut", "bare_body"])
    if vote_s and intro not in ("sitzung_votes", "mitteilen"):
        intro = "sitzung_votes"
    refbit = f" ({ref})" if ref and not ref_printed and w.chance(0.6) else ""
    if refbit:
        ref_printed = True
    p = Para("body", space_before=6)
    subjectless = False
    if intro == "beschliesst":
        p.t(w.pick(["Am ", f"In {forms['seiner']} Sitzung am "]))
        p.e(date_e).t(f"{refbit} hat {forms['der']} ").e(council_full).t(" eine Resolution verabschiedet, "
                                                                           "deren Wortlaut ich Ihnen gern übermittle.")
        blocks.append(p.block)
        p = Para("body", space_before=6)
        p.t(f"{forms['Der']} ").e(council_entity(w, home, with_city=False)).t(" beschließt:")
    elif intro in ("sitzung", "sitzung_votes"):
        p.t(f"{forms['Der']} ").e(council_full).t(f" hat in {forms['seiner']} Sitzung am ").e(date_e).t(refbit)
        if vote_s:
            p.t(f" {vote_s}")
        p.t(w.pick([" folgende Resolution beschlossen:", " die folgende Resolution verabschiedet:",
                    " folgenden Beschluss gefasst:", " beschlossen:"]))
    elif intro == "mitteilen":
        p.t(f"Ich darf Ihnen mitteilen, dass {forms['der']} ").e(council_full).t(" am ").e(date_e).t(refbit)
        if vote_s:
            p.t(f" {vote_s}")
        p.t(" folgende Resolution beschlossen hat:")
    elif intro == "beschluss_head":
        p.t(f"{forms['Der']} ").e(council_full).t(" hat sich am ").e(date_e).t(refbit)
        p.t(" mit der Lage in ").e(w.city(partner.name, partner.country)).t(" befasst.")
        blocks.append(p.block)
        p = Para("h2", space_before=6)
        p.t(w.pick(["Beschluss:", "Beschlusstext:", "Wortlaut des Beschlusses:"]))
    elif intro == "wortlaut":
        p.t("Die Resolution, die ").t(f"{forms['der']} ").e(council_full).t(" am ").e(date_e).t(refbit)
        p.t(" beschlossen hat, hat folgenden Wortlaut:")
    else:  # 'Der Stadtrat der Stadt X' on a line of its own, points go on in lower case
        p.t(f"In {forms['seiner']} Sitzung am ").e(date_e).t(refbit).t(f" hat {forms['der']} ")
        p.e(council_entity(w, home, with_city=False)).t(" folgende Resolution verabschiedet:")
        blocks.append(p.block)
        p = Para("body", space_before=6)
        p.t(f"{forms['Der']} ").e(council_entity(w, home, with_city=True))
        subjectless = True
    blocks.append(p.block)
    n = w.pick([1, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 12])
    style = w.pick(MARKER_STYLES)
    quoted = w.chance(0.2)  # each point in quotes
    points = build_points(w, home, n, subjectless)
    reference = ref if ref_printed else None
    for i, (kind, sents) in enumerate(points, 1):
        mk, item = marker(style, i) if n > 1 or w.chance(0.7) else ("", None)
        body_frags: list = []
        for k, s in enumerate(sents):
            if k:
                body_frags.append(" ")
            body_frags.extend(s)
        subs = _sub_items(w, home) if style in ("num", "paren", "pnum", "roman") and w.chance(0.12) and \
            frags_text(sents[-1]).endswith(".") else []
        if subs:  # the last sentence opens the sub-items: '…, zu prüfen, ob …:' -> ':' and a) b) c)
            last = body_frags[-1]
            if isinstance(last, str) and last.endswith("."):
                body_frags[-1] = last[:-1] + " und insbesondere"
                body_frags.append(":")
        text = frags_text(body_frags)
        sub_texts = [f"{'abc'[k]}) " + frags_text(s) for k, s in enumerate(subs)]
        full = " ".join([text] + sub_texts)
        dec = new_decision(item, home.body, dec_d.isoformat(), kind, full, result="zustimmung", reference=reference,
                           **{k: v for k, v in vt.items()})
        decisions.append(dec)
        p = Para("body", space_before=4, hang=16 if mk else 0)
        p.t(mk + ("„" if quoted else "")).d(dec)
        add_frags(p, body_frags)
        if quoted and not subs:
            p.t("“")
        blocks.append(p.block)
        for k, s in enumerate(subs):
            p = Para("body", indent=16, hang=14)
            p.t(f"{'abc'[k]}) ")
            add_frags(p, s)
            if quoted and k == len(subs) - 1:
                p.t("“")
            blocks.append(p.block)
    blocks.append(Block("anchor"))
    for c in w.rng.sample(LETTER_CLOSINGS, w.rng.randint(1, 2)):
        p = Para("body", space_before=8)
        add_frags(p, point_frags(w, c, home))
        blocks.append(p.block)
    signer = w.person("de", home.mayor_role, title_p=0.3, gender="f" if home.mayor_role.endswith("in") else "m")
    signature(w, signer, signer.role, blocks)
    memo = Memo("resolutionsbrief", "Brief", doc_d.isoformat(), f"Resolution zur Partnerschaft mit {partner.name}",
                [r for r in (az, ref) if r], blocks)
    return memo


def _report_frags(w: Writer, home: HomeCity, marks: list | None = None) -> tuple[str, list[list]]:
    """A report on one point: status and 1-2 paragraphs of 1-3 sentences. `marks` collects
    (paragraph, fragment index, sentence fragments) of sentences that report a committee's decision."""
    status = w.pick(["realised", "realised", "changed", "dropped", "ongoing"])
    paras = []
    more = w.rng.sample(REPORT_MORE, len(REPORT_MORE))
    for k in range(1 if w.chance(0.75) else 2):
        sents = [w.pick(REPORTS[status])] if k == 0 else []
        for _ in range(w.rng.randint(0 if k == 0 else 1, 2)):
            sents.append(more.pop())
        frags: list = []
        for j, s in enumerate(sents):
            if j:
                frags.append(" ")
            sf = point_frags(w, s, home)
            if marks is not None and "zugestimmt" in s:
                marks.append((len(paras), len(frags), sf))
            frags.extend(sf)
        paras.append(frags)
    return status, paras


OUTCOME_HEADS = ["Stand:", "Sachstand:", "Umsetzung:", "Stand der Umsetzung:", "Bericht der Verwaltung:",
                 "Stellungnahme der Verwaltung:", "Antwort:", "Erledigungsstand:"]
QUOTE_STYLES = ["num_out", "num_in", "beschlusspunkt", "punkt", "ziffer", "num_out", "bare"]


def genre_followup(w: Writer) -> Memo:
    """Beschlusskontrolle / Sachstandsbericht / answer to an inquiry: quoted points, each followed by a report."""
    home, partner, year = pick_context(w)
    doc_d = w.date_between(year, year)
    dec_d = doc_d - dt.timedelta(days=w.rng.randint(60, 500))
    ref = ref_vorlage(w, dec_d.year)
    if w.link is not None:
        doc_d, dec_d, ref = w.link.followup, w.link.meeting, w.link.ref
    variant = w.pick(["kontrolle", "kontrolle", "sachstand", "anfrage", "zu_n", "fragen"])
    blocks: list[Block] = []
    office = w.pick(OFFICES)
    letterhead(w, home, office, blocks)
    title = {"kontrolle": "Beschlusskontrolle", "sachstand": "Sachstandsbericht", "anfrage": "Antwort auf eine Anfrage",
             "zu_n": "Sachstandsbericht", "fragen": "Antwort auf eine Anfrage"}[variant]
    blocks.append(Block("title", title if variant != "kontrolle" or w.chance(0.5) else "Hausmitteilung", space_before=8))
    p = Para("body", space_before=4)
    p.t("An: ").e(w.org(w.pick([o for o in OFFICES if o != office]))) if variant in ("kontrolle", "sachstand", "zu_n") \
        else p.t("An die ").e(w.org(w.pick(FACTIONS)))
    blocks.append(p.block)
    p = Para("body")
    p.t("Datum: ").e(w.date(doc_d, w.pick(["num", "nopad", "long"])))
    blocks.append(p.block)
    council_full = council_entity(w, home, with_city=True)
    forms = _article_forms(council_full)
    refword = w.pick(["Vorlage", "Drucksache", "Beschlussvorlage", "Vorlage Nr."])
    subj = Para("h2", space_before=10)
    subj.t(w.pick(["Betreff: ", "Betr.: ", ""]))
    if variant in ("anfrage", "fragen"):
        fac = w.pick(FACTIONS)
        subj.t("Anfrage der ").e(w.org(fac)).t(" vom ").e(w.date(doc_d - dt.timedelta(days=w.rng.randint(10, 40)), "num"))
        subj.t(f" zur Umsetzung des Beschlusses {ref}")
    else:
        subj.t(f"{title} zu {refword} {ref} – Partnerschaft mit ").e(w.city(partner.name, partner.country))
    blocks.append(subj.block)
    decisions: list[Decision] = []
    blocks.append(Block("anchor"))
    date_e = w.date(dec_d, w.pick(["long", "num", "nopad"]))
    if variant == "fragen":
        # the inquiry's numbered questions are no decisions; the decision is only mentioned
        p = Para("body", space_before=6)
        kind = "beschluss"
        frags = [f"{forms['Der']} ", council_full, f" hat in {forms['seiner']} Sitzung am ", date_e,
                 f" unter {ref} die Aufnahme einer Solidaritätspartnerschaft mit ", w.city(partner.name, partner.country),
                 " beschlossen."]
        dec = new_decision(None, home.body, dec_d.isoformat(), kind, frags_text(frags), result="zustimmung",
                           reference=ref, mention=True)
        p.d(dec)
        add_frags(p, frags)
        p.t(" Die Fragen der Fraktion beantworte ich wie folgt:")
        blocks.append(p.block)
        decisions.append(dec)
        qs = ["Wie ist der Stand der Umsetzung?", "Welche Kosten sind bisher entstanden?",
              "Welche Projekte sind für das kommende Jahr geplant?", "Wer ist in der Verwaltung zuständig?",
              "Wann wird der Rat erneut unterrichtet?"]
        for i, q in enumerate(w.rng.sample(qs, w.rng.randint(2, 4)), 1):
            p = Para("body", space_before=6, hang=16)
            p.t(f"{i}. {q}")
            blocks.append(p.block)
            marks: list = []
            _, paras = _report_frags(w, home, marks)
            for pi, frags in enumerate(paras):
                p = Para("body", indent=16)
                at = {fi: sf for mp, fi, sf in marks if mp == pi}
                for fi, f in enumerate(frags):
                    if fi in at:  # an answer that reports a committee's decision: a mention of its own
                        d_ent = next(x for x in at[fi] if isinstance(x, Entity) and x.label == "DATE")
                        p.d(new_decision(None, "Finanzausschuss", d_ent.value, "zustimmung", frags_text(at[fi]),
                                         result="zustimmung", mention=True))
                    add_frags(p, [f])
                blocks.append(p.block)
        return _followup_end(w, home, blocks, doc_d, ref, title, decisions)
    p = Para("body", space_before=6)
    if variant == "anfrage":
        p.t("Die Anfrage bezieht sich auf den Beschluss, den ").t(f"{forms['der']} ").e(council_full).t(" am ").e(date_e)
        p.t(f" unter {refword} {ref} gefasst hat. Zu den einzelnen Beschlusspunkten berichte ich wie folgt:")
    else:
        tmpl = w.pick([f"{forms['Der']} |C| hat in {forms['seiner']} Sitzung am |D| unter {refword} {ref} folgende Beschlüsse gefasst:",
                       f"Mit {refword} {ref} hat {forms['der']} |C| am |D| beschlossen:",
                       f"{forms['Der']} |C| hat am |D| ({ref}) beschlossen:",
                       f"Zum Stand der Umsetzung des Beschlusses {ref}, den {forms['der']} |C| am |D| gefasst hat, wird berichtet:"])
        for part in re.split(r"(\|[CD]\|)", tmpl):
            if part == "|C|":
                p.e(council_full)
            elif part == "|D|":
                p.e(date_e)
            elif part:
                p.t(part)
    blocks.append(p.block)
    n = w.rng.randint(1, 8)
    points = build_points(w, home, n, subjectless=False)
    qstyle = w.pick(QUOTE_STYLES)
    head_p = w.pick([0.0, 0.5, 1.0])
    head = w.pick(OUTCOME_HEADS)
    pdecs = []
    for i, (kind, sents) in enumerate(points, 1):
        body_frags: list = []
        for k, s in enumerate(sents):
            if k:
                body_frags.append(" ")
            body_frags.extend(s)
        status, paras = _report_frags(w, home)
        outcome = " ".join(frags_text(f) for f in paras) if variant != "zu_n" else None
        dec = new_decision(str(i), home.body, dec_d.isoformat(), kind, frags_text(body_frags), outcome=outcome,
                           outcome_status=status, result="zustimmung", reference=ref)
        pdecs.append((dec, status, paras))
        decisions.append(dec)
        p = Para("body", space_before=6, hang=16)
        pre = {"num_out": f"{i}. „", "num_in": f"„{i}. ", "beschlusspunkt": f"Beschlusspunkt {i}: „",
               "punkt": f"Punkt {i}: „", "ziffer": f"Ziffer {i}: „", "bare": f"Beschlusspunkt {i}: "}[qstyle]
        if variant == "zu_n":  # the points first, as one quoted block; the reports after, as 'Zu 1.:'
            pre = (f"„{i}. " if i == 1 else f"{i}. ")
        p.t(pre).d(dec)
        add_frags(p, body_frags)
        if (variant != "zu_n" and qstyle != "bare") or (variant == "zu_n" and i == n):
            p.t("“")
        blocks.append(p.block)
        if variant == "zu_n":
            continue
        for k, frags in enumerate(paras):
            p = Para("body", indent=16, space_before=2)
            if k == 0 and (qstyle == "bare" or w.chance(head_p)):
                p.t(head + " ")
            add_frags(p, frags)
            blocks.append(p.block)
    if variant == "zu_n":
        blocks.append(Block("h2", w.pick(["Sachstand:", "Stand der Umsetzung:", "Bericht der Verwaltung:"]), space_before=8))
        for i, (dec, status, paras) in enumerate(pdecs, 1):
            dec.outcome = " ".join(frags_text(f) for f in paras)
            for k, frags in enumerate(paras):
                p = Para("body", space_before=4 if k == 0 else 2, hang=16 if k == 0 else 0)
                if k == 0:
                    p.t(w.pick([f"Zu {i}.: ", f"Zu {i}: ", f"Zu Punkt {i}: ", f"Zu Ziffer {i}: "]))
                add_frags(p, frags)
                blocks.append(p.block)
    return _followup_end(w, home, blocks, doc_d, ref, title, decisions)


def _followup_end(w: Writer, home: HomeCity, blocks: list[Block], doc_d: dt.date, ref: str, title: str,
                  decisions: list[Decision]) -> Memo:
    if w.link is not None:  # the mayor of the proposal and the minutes, by surname or role
        lk = w.link
        p = Para("body", space_before=8)
        fill = {"partner": lk.partner.name, "long": f"{lk.signed.day}. {MONTHS[lk.signed.month - 1]} {lk.signed.year}"}
        head, tail = (x.format(**fill) for x in w.pick(FOLLOWUP_MAYOR))
        p.t(head).e(link_person(w, lk.mayor, w.pick(["honorific", "honorific", "role", "abbrev", "role_title"])))
        p.t(tail)
        blocks.append(p.block)
    for c in w.rng.sample(MEMO_CLOSINGS, w.rng.randint(1, 2)):
        p = Para("body", space_before=8)
        add_frags(p, point_frags(w, c, home))
        blocks.append(p.block)
    signer = w.person("de", w.pick(["Leiter des Büros für Städtepartnerschaften", "Beigeordneter", "Amtsleiter"]),
                      title_p=0.3)
    if w.link is not None:
        signer = link_person(w, w.link.clerk, "full")
    signature(w, signer, signer.role, blocks, closing=None, im_auftrag=w.chance(0.5))
    doc_type = "Brief" if title.startswith("Antwort") else "Hausmitteilung"
    return Memo("beschlusskontrolle", doc_type, doc_d.isoformat(), f"{title} zu {ref}", [ref], blocks)


PROTOCOL_STYLES = ["dresden", "karlsruhe", "nrw", "leipzig", "bayern"]


def genre_protocol(w: Writer) -> Memo:
    """Minutes in one of five cities' styles: TOP / 'Punkt N der Tagesordnung' / 'Tagesordnungspunkt N', results
    and votes in varied spellings, Verweisung, Vertagung, Kenntnisnahme."""
    home, _, year = pick_context(w)
    meet = w.date_between(year, year)
    style = w.pick(PROTOCOL_STYLES)
    committee = w.pick(COMMITTEES) if w.chance(0.25) else None
    lk = w.link
    if lk is not None:  # the council decides the set's proposal on the set's meeting day
        meet, committee = lk.meeting, None
    body_value = committee or home.body
    blocks: list[Block] = []
    letterhead(w, home, None, blocks)
    n_s = w.rng.randint(3, 60)
    gremium = w.org(committee) if committee else council_entity(w, home, with_city=True)
    p = Para("title", space_before=6)
    if style == "karlsruhe":
        p.t("Niederschrift")
        blocks.append(p.block)
        p = Para("body")
        p.t(f"über die {n_s}. öffentliche Sitzung – ").e(gremium)
        p.t(" – am ").e(w.date(meet, "long"))
    else:
        p.t(w.pick(["Niederschrift", "Protokoll", "Sitzungsniederschrift"]))
        blocks.append(p.block)
        p = Para("body")
        p.t("Gremium: ").e(gremium)
        blocks.append(p.block)
        p = Para("body")
        p.t(f"Sitzung: {n_s}. Sitzung am ").e(w.date(meet, w.pick(["long", "num"])))
    blocks.append(p.block)
    chair = w.person("de", home.mayor_role, title_p=0.3, gender="f" if home.mayor_role.endswith("in") else "m")
    p = Para("body", space_before=4)
    if lk is not None:
        form = w.pick(["role", "abbrev", "full", "role_full", "role_title"])
        p.t("Vorsitz: ").e(link_person(w, lk.mayor, form))
        blocks.append(p.block)
        p = Para("body")
        p.t(w.pick(["Schriftführung: ", "Schriftführer/in: ", "Protokoll: "])).e(link_person(w, lk.clerk, "full"))
        chair = link_person(w, lk.mayor, "full")
    else:
        p.t("Vorsitz: ").e(chair)
    blocks.append(p.block)
    decisions: list[Decision] = []
    tops = sorted(w.rng.sample(range(2, 40), w.rng.randint(2, 4)))
    if lk is not None and lk.top not in tops:
        tops = sorted(tops[1:] + [lk.top])
    results = ["zustimmung", "zustimmung", "ablehnung", "kenntnisnahme", "verweisung", "vertagung"]
    subj_word = council_entity(w, home, with_city=False) if not committee else w.org(committee)
    fem = subj_word.text.startswith("Ratsv")
    for top in tops:
        ref = ref_vorlage(w, meet.year)
        partner = w.pick(PARTNERS)
        linked_top = lk is not None and top == lk.top
        if linked_top:
            ref, partner = lk.ref, lk.partner
        topic = w.pick(["Städtepartnerschaft mit |P|", "Zuschuss an den Freundeskreis |P|", "Bericht über die Reise nach |P|",
                        "Hilfstransporte nach |P|", "Solidaritätspartnerschaft mit |P|"])
        p = Para("h2", space_before=12)
        head = {"dresden": f"TOP {top}: ", "karlsruhe": f"Punkt {top} der Tagesordnung: ", "nrw": f"Tagesordnungspunkt {top}: ",
                "leipzig": f"TOP {top} ", "bayern": f"TOP {top} – "}[style]
        p.t(head)
        a, b = topic.split("|P|")
        p.t(a).e(w.city(partner.name, partner.country)).t(b)
        blocks.append(p.block)
        blocks.append(Block("body", {"dresden": f"Vorlage: {ref}", "karlsruhe": f"Vorlage: {ref}", "nrw": f"Drucksache {ref}",
                                     "leipzig": f"Vorlage: {ref}", "bayern": f"Sitzungsvorlage Nr. {ref}"}[style]))
        blocks.append(Block("anchor"))
        if w.chance(0.6) or (linked_top and lk.namesake):
            spk = w.person(w.pick(["de", "de", "tr", "pl"]), "Stadtrat", title_p=0.2)
            if linked_top and lk.namesake:  # a councillor with the mayor's surname speaks
                spk = link_person(w, lk.namesake, "role_full")
            p = Para("body", space_before=4)
            p.e(spk).t(" (").e(w.org(w.pick(FACTIONS))).t(") begründet den Antrag.")
            blocks.append(p.block)
        res = w.pick(results)
        if linked_top:
            res = "zustimmung"
        art = "Die " if fem else "Der "
        c = subj_word
        committee2 = w.pick([x for x in COMMITTEES if x != committee])
        kind = res if res in ("ablehnung", "kenntnisnahme", "verweisung", "vertagung") else w.pick(["beschluss", "zustimmung"])
        referred = None
        if res == "zustimmung" and kind == "beschluss":
            frags = [art, c, " beschließt, die Partnerschaft mit ", w.city(partner.name, partner.country), " fortzuführen."]
        elif res == "zustimmung":
            frags = [art, c, " stimmt der Vorlage ", ref, " zu."]
        elif res == "ablehnung":
            if w.chance(0.5):
                kind = "beschluss"
                frags = [art, c, " beschließt, den Zuschuss an den Freundeskreis zu erhöhen."]
            else:
                frags = [art, c, " lehnt den Antrag der ", w.org(w.pick(FACTIONS)), " ab."]
        elif res == "kenntnisnahme":
            frags = [art, c, " nimmt den Bericht der Verwaltung zur Kenntnis."]
        elif res == "verweisung":
            referred = committee2
            frags = w.pick([[art, c, " verweist die Vorlage zur weiteren Beratung in den ", w.org(committee2), "."],
                            ["Die Vorlage wird in den ", w.org(committee2), " verwiesen."]])
        else:
            frags = w.pick([["Die Beratung wird auf die nächste Sitzung vertagt."],
                            [art, c, " vertagt die Entscheidung auf Antrag der ", w.org(w.pick(FACTIONS)), "."]])
        votes_s, vt = ("", {})
        if res in ("zustimmung", "ablehnung") or (res in ("verweisung", "vertagung") and w.chance(0.5)):
            votes_s, vt = vote_phrase(w, "protocol")
        head_line = {"dresden": "Beschluss:", "karlsruhe": "Beschluss:", "nrw": "Beschlussfassung:",
                     "leipzig": "Beschluss:", "bayern": "Beschluss:"}[style]
        dec = new_decision(str(top), body_value, meet.isoformat(), kind, frags_text(frags), result=res,
                           referred_to=referred, reference=ref, **{k: v for k, v in vt.items()})
        decisions.append(dec)
        inline = style == "leipzig"
        if not inline:
            blocks.append(Block("h2", head_line, space_before=6))
            p = Para("body")
        else:
            p = Para("body", space_before=6)
            p.t(head_line + " ")
        p.d(dec)
        add_frags(p, frags)
        blocks.append(p.block)
        res_word = {"zustimmung": w.pick(["angenommen", "beschlossen", "zugestimmt"]), "ablehnung": "abgelehnt",
                    "verweisung": "verwiesen", "vertagung": "vertagt", "kenntnisnahme": "zur Kenntnis genommen"}[res]
        label = w.pick(["Abstimmungsergebnis:", "Abstimmung:", "Ergebnis:"])
        if res == "kenntnisnahme":
            if w.chance(0.5):
                blocks.append(Block("body", f"{label} Kenntnisnahme"))
            continue
        if votes_s:
            line = w.pick([f"{label} {votes_s} {res_word}", f"{label} {res_word} ({votes_s})",
                           f"{label} {votes_s}"] if res != "ablehnung" else
                          [f"{label} {votes_s} abgelehnt", f"{label} abgelehnt ({votes_s})"])
            blocks.append(Block("body", line))
        elif res in ("verweisung", "vertagung") and w.chance(0.5):
            blocks.append(Block("body", f"{label} {res_word}"))
    blocks.append(Block("body", w.pick(["Für die Richtigkeit:", "Ende des öffentlichen Teils."]), space_before=12))
    signature(w, chair, "Vorsitz", blocks, closing=None)
    return Memo("protokoll", "Niederschrift", meet.isoformat(), f"Niederschrift über die {n_s}. Sitzung",
                [d.extra["reference"] for d in decisions], blocks)  # type: ignore[attr-defined]


DECISION_GENRES = {
    "resolutionsbrief": genre_resolution_letter,
    "beschlusskontrolle": genre_followup,
    "protokoll": genre_protocol,
}


# --------------------------------------------------------------------------------------
# Linked document sets (--preset linked, issue 19): proposal -> minutes -> follow-up memo
# --------------------------------------------------------------------------------------
# One set is one decision of one city: the Beschlussvorlage (genre_vorlage), the minutes of the
# meeting that decides it (genre_protocol, the set's number as one of its agenda items) and a
# Beschlusskontrolle or answer (genre_followup) on it. The genres draw everything else as they always
# do; `Writer.link` only fixes what the three documents share. A city has one mayor (and one
# councillor of the mayor's surname, when it has one) for the whole corpus, so people recur across
# sets too; the mayor is written in full, by role, as 'OB <Surname>', as 'Herr/Frau <Surname>'.

@dataclass(frozen=True)
class LinkPerson:
    given: str
    surname: str
    gender: str  # m | f
    role: str | None
    title: str | None
    city: str

    @property
    def pid(self) -> str:
        """The true person: city and full name (one person per city and name in the generated world)."""
        return f"{self.city}|{self.given} {self.surname}"


@dataclass
class LinkPlan:
    set_id: str
    home: HomeCity
    partner: Partner
    ref: str
    proposal: dt.date
    meeting: dt.date
    followup: dt.date
    signed: dt.date
    top: int
    mayor: LinkPerson
    clerk: LinkPerson
    namesake: LinkPerson | None = None  # a councillor with the mayor's surname speaks in the minutes


LINK_GENRES = [("beschlussvorlage", "proposes"), ("protokoll", "decides"), ("beschlusskontrolle", "reports")]
FOLLOWUP_MAYOR = [  # (before, after) the mayor's mention in a follow-up memo
    ("", " hat die Vereinbarung am {long} in {partner} unterzeichnet."),
    ("Die Urkunde wurde am {long} von ", " unterzeichnet."),
    ("Bei einem Besuch in {partner} am {long} übergab ", " die Hilfsgüter persönlich."),
    ("Der Bericht wurde ", " am {long} vorgelegt."),
]


def link_person(w: Writer, lp: LinkPerson, form: str) -> Entity:
    """One mention of a set's person: full | role | abbrev | role_full | role_title | honorific."""
    full = f"{lp.given} {lp.surname}"
    titled = f"{lp.title} {full}" if lp.title else full
    role = lp.role or ""
    surface = {
        "full": titled,
        "role": f"{role} {lp.surname}",
        "abbrev": f"{'OB' if role.startswith('Oberbürgermeister') else role} {lp.surname}",
        "role_full": f"{role} {titled}",
        "role_title": f"{role} {lp.title + ' ' if lp.title else ''}{lp.surname}",
        "honorific": f"{'Frau' if lp.gender == 'f' else 'Herr'} {lp.title + ' ' if lp.title else ''}{lp.surname}",
    }[form]
    ent = Entity("PERSON", full, surface.strip(), role=lp.role, title=lp.title)
    ent.gender = lp.gender  # type: ignore[attr-defined]
    ent.pid = lp.pid  # type: ignore[attr-defined]
    w.used_names.add(full)
    return ent


def _link_person(rng: random.Random, city: str, role: str | None, gender: str | None = None,
                 surname: str | None = None, avoid: str | None = None) -> LinkPerson:
    pool = NAMES["de"]
    g = gender or rng.choice("mf")
    given = rng.choice([n for n in pool[g] if n != avoid])
    title = rng.choice(["Dr.", "Dr.", "Prof. Dr."]) if rng.random() < 0.25 else None
    return LinkPerson(given, surname or rng.choice(pool["s"]), g, FEM.get(role, role) if role and g == "f" else role,
                      title, city)


def linked_specs(n_sets: int, seed: int, kinds: list[str], damages: tuple[str, ...] = ("light", "medium", "medium", "hard"),
                 start: int = 0) -> list[Spec]:
    """Three documents per set (proposal, minutes, follow-up); set k has document indexes 3k..3k+2 and
    document seeds `seed * 100_003 + index`, so seed ranges serve as tune/check splits."""
    rng = random.Random(seed)
    mayors: dict[str, LinkPerson] = {}
    namesakes: dict[str, LinkPerson | None] = {}
    clerks: dict[str, list[LinkPerson]] = {}
    taken: set[tuple[str, str]] = set()
    last_ref: tuple[str, str, int] | None = None
    specs = []
    for k in range(start, start + n_sets):
        home = rng.choice(HOME_CITIES)
        city = home.name
        if city not in mayors:
            g = "f" if home.mayor_role.endswith("in") else "m"
            mayors[city] = _link_person(rng, city, "Oberbürgermeister", g)
            m = mayors[city]
            namesakes[city] = (_link_person(rng, city, "Stadtrat", surname=m.surname, avoid=m.given)
                               if rng.random() < 0.35 else None)
            clerks[city] = [_link_person(rng, city, rng.choice(["Amtsleiter", "Sachbearbeiter",
                                                                "Leiter des Büros für Städtepartnerschaften"]))
                            for _ in range(2)]
        year = rng.randint(2018, 2024)
        share = bool(last_ref and last_ref[1] != city and (last_ref[0], city) not in taken and rng.random() < 0.15)
        if share:  # the same number in another city (a different decision), in the same year
            year = last_ref[2]  # type: ignore[index]
        proposal = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        meeting = proposal + dt.timedelta(days=rng.randint(20, 60))
        followup = meeting + dt.timedelta(days=rng.randint(90, 500))
        signed = meeting + dt.timedelta(days=rng.randint(10, 60))
        w = Writer(rng)
        if share:
            ref = last_ref[0]  # type: ignore[index]
        else:
            ref = ref_vorlage(w, proposal.year)
            while (ref, city) in taken:
                ref = ref_vorlage(w, proposal.year)
        taken.add((ref, city))
        last_ref = (ref, city, year)
        plan = LinkPlan(f"L{k:04d}", home, rng.choice(PARTNERS), ref, proposal, meeting, followup, signed,
                        rng.randint(3, 30), mayors[city], rng.choice(clerks[city]),
                        namesakes[city] if namesakes[city] and rng.random() < 0.6 else None)
        for j, (genre, role) in enumerate(LINK_GENRES):
            index = 3 * k + j
            kind = rng.choice(kinds)
            damage = "none" if kind == "digital" else rng.choice(list(damages))
            s = Spec(index, genre, kind, damage, seed=seed * 100_003 + index)
            s.link, s.link_role = plan, role
            if kind == "image":
                s.image_format = "tiff"
            specs.append(s)
    return specs


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


def decision_specs(n: int, seed: int, kinds: list[str], start: int = 0) -> list[Spec]:
    """The decision genres (letters, follow-ups, protocols); one document seed per index, so that seed
    ranges can serve as train/dev/test splits (see evaluation/generated_decisions.py)."""
    genres = list(DECISION_GENRES)
    specs = []
    for i in range(start, start + n):
        doc_seed = seed * 100_003 + i
        rng = random.Random(doc_seed)
        kind = rng.choice(kinds)
        damage = "none" if kind == "digital" else rng.choice(["light", "medium", "medium", "hard"])
        s = Spec(i, genres[i % len(genres)], kind, damage, seed=doc_seed)
        if kind in ("scan", "mixed", "image") and rng.random() < 0.2:
            s.typewriter = True
        if kind == "image":
            s.image_format = "tiff"
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
    ap.add_argument("--preset", choices=["samples", "decisions", "linked"],
                    help="samples: the committed sample set (ignores --n/--seed); decisions: resolution letters, "
                         "follow-up memos and protocol pages with full decision truth (uses --n/--seed); "
                         "linked: --n sets of proposal, minutes and follow-up memo with the true links and "
                         "person ids (truth key 'link', entities' 'person_id')")
    ap.add_argument("--only", type=int, nargs="*", help="only these document indexes")
    ap.add_argument("--damages", default=",".join(DEFAULT_DAMAGES),
                    help="comma-separated damage levels scans draw from (light, medium, hard, severe)")
    ap.add_argument("--foreign-script", type=float, default=0.0,
                    help="share of Ukrainian/Russian partner officials printed in Cyrillic (default 0)")
    args = ap.parse_args(argv)
    damages = tuple(d.strip() for d in args.damages.split(",") if d.strip())
    if set(damages) - set(DAMAGE):
        ap.error(f"unknown damage levels: {', '.join(sorted(set(damages) - set(DAMAGE)))}")
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    bad = set(kinds) - {"digital", "scan", "mixed", "image"}
    if bad:
        ap.error(f"unknown kinds: {', '.join(sorted(bad))}")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.preset == "samples":
        specs = preset_samples()
    elif args.preset == "decisions":
        specs = decision_specs(args.n, args.seed, kinds)
    elif args.preset == "linked":
        specs = linked_specs(args.n, args.seed, kinds, damages)
    else:
        specs = random_specs(args.n, args.seed, kinds, damages=damages)
    if args.only:
        specs = [s for s in specs if s.index in set(args.only)]
    specs = fit_image_specs(specs)
    for s in specs:
        s.foreign_script = args.foreign_script
        path = render(s, args.out)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
