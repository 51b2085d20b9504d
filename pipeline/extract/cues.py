"""The cue words and patterns of the rule component, as data.

They are written by `scripts/build_models.py` into the saved pipeline
(`models/spacy/ratsakten_rules/cues.json`) and loaded into the component instance with it; no
module holds them as constants, so a pipeline directory carries everything it decides with.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path


@dataclass
class Cues:
    # words before a place name that say it is one ('in', 'Partnerstadt')
    place: list[str] = field(default_factory=list)
    # of those, the nouns ('Stadt', 'Partnerstadt'): evidence even before a word that is also ordinary
    place_nouns: list[str] = field(default_factory=list)
    # words before a county's name ('Landkreis Karlsruhe', 'des Landratsamtes Rastatt'): the name is the county's,
    # not its city's, so no CITY (77 dropped in the 1,500 council texts and the train protocols, all right;
    # 'Stadtkreis Karlsruhe' is the city itself)
    county_words: list[str] = field(default_factory=list)
    # articles, determiners, contractions ('der', 'im'): 'in der Lage' puts no place after 'in'
    determiners: list[str] = field(default_factory=list)
    # words before a district ('Stadtteil', 'Ortschaftsrat'): the name is a district of some city
    district_cues: list[str] = field(default_factory=list)
    # abbreviations of a city in district compounds ('KA-Oststadt')
    city_abbreviations: dict[str, str] = field(default_factory=dict)
    # 'Alt-Neureut'; 'Neureut-Nord': a named part of a district
    quarter_prefixes: list[str] = field(default_factory=list)
    quarter_suffixes: list[str] = field(default_factory=list)
    # regions in brackets after a town's name that belong to it ('Weingarten (Baden)', 'Halle (Saale)')
    place_qualifiers: list[str] = field(default_factory=list)
    # 'Herr', 'Frau': a name follows
    honorifics: list[str] = field(default_factory=list)
    # capitalised words that end a name ('Stadt', 'Beschluss'): never a surname
    not_surname: list[str] = field(default_factory=list)
    # capitalised function words at a sentence start: no part of a name or company
    function_caps: list[str] = field(default_factory=list)
    # academic titles the gazetteer may lack, as written -> normalised
    titles: dict[str, str] = field(default_factory=dict)
    # stems of role words ('meister', 'präsident') + their endings: 'Oberbürgermeisterin' is a role
    role_stems: list[str] = field(default_factory=list)
    role_endings: list[str] = field(default_factory=list)
    # councils: a bare 'der Stadtrat' names the council of the document's own city
    councils: list[str] = field(default_factory=list)
    # descriptions, not names: reported only when a name or place follows ('Stadtwerke Dresden')
    generic_orgs: list[str] = field(default_factory=list)
    # descriptions even with a place ('die Stadtverwaltung Breslau')
    descriptive_orgs: list[str] = field(default_factory=list)
    # words that start an organisation's name ('Universität', 'Amt für')
    org_heads: list[str] = field(default_factory=list)
    # legal forms that end a company name
    company_suffixes: list[str] = field(default_factory=list)
    # what makes a city a city in a body's name ('Rat der Stadt Dortmund', 'Landeshauptstadt')
    city_kinds: list[str] = field(default_factory=list)
    # endings of office names ('Gartenbauamt', 'Kulturreferat')
    office_endings: list[str] = field(default_factory=list)
    # words that make an organisation a deciding body ('Ausschuss', 'Kreistag')
    body_words: list[str] = field(default_factory=list)
    # what may stand before the home city in a letterhead ('Landeshauptstadt', 'Rat der Stadt')
    letterhead_prefixes: list[str] = field(default_factory=list)
    # document types in the order they are tried: [name, regular expression]
    doc_types: list[list[str]] = field(default_factory=list)
    # abbreviated roles before a surname ('OB Westphal') -> the role they stand for (issue 19)
    role_abbreviations: dict[str, str] = field(default_factory=dict)
    # what a facility named after a person is ('Günter Klotz Anlage', 'Ludwig Guttmann Schule'): no person then
    facility_words: list[str] = field(default_factory=list)

    # ---------------------------------------------------------------- derived, built once
    @cached_property
    def place_set(self) -> frozenset[str]:
        return frozenset(self.place)

    @cached_property
    def place_noun_set(self) -> frozenset[str]:
        return frozenset(self.place_nouns)

    @cached_property
    def county_word_set(self) -> frozenset[str]:
        return frozenset(self.county_words)

    @cached_property
    def place_qualifier_set(self) -> frozenset[str]:
        return frozenset(self.place_qualifiers)

    @cached_property
    def determiner_set(self) -> frozenset[str]:
        return frozenset(self.determiners)

    @cached_property
    def district_cue_set(self) -> frozenset[str]:
        return frozenset(self.district_cues)

    @cached_property
    def honorific_set(self) -> frozenset[str]:
        return frozenset(self.honorifics)

    @cached_property
    def facility_word_set(self) -> frozenset[str]:
        return frozenset(self.facility_words)

    @cached_property
    def not_surname_set(self) -> frozenset[str]:
        return frozenset(self.not_surname)

    @cached_property
    def function_caps_set(self) -> frozenset[str]:
        return frozenset(self.function_caps)

    @cached_property
    def council_set(self) -> frozenset[str]:
        return frozenset(self.councils)

    @cached_property
    def generic_org_set(self) -> frozenset[str]:
        return frozenset(self.generic_orgs)

    @cached_property
    def descriptive_org_set(self) -> frozenset[str]:
        return frozenset(self.descriptive_orgs)

    @cached_property
    def role_word(self) -> re.Pattern:
        stems = "|".join(self.role_stems) or r"(?!)"
        ends = "|".join(self.role_endings)
        return re.compile(rf"(?:{stems})(?:{ends})?$", re.I)

    @cached_property
    def company_suffix(self) -> re.Pattern:
        forms = "|".join(self.company_suffixes) or r"(?!)"
        return re.compile(rf"(?<=\s)(?:{forms})(?=$|[\s.,;:)])")

    @cached_property
    def city_kind(self) -> str:
        return "(?:" + "|".join(re.escape(k) for k in self.city_kinds) + ")"

    @cached_property
    def office(self) -> re.Pattern:
        ends = "|".join(self.office_endings) or r"(?!)"
        # an inflected office ('des Gartenbauamtes') is found too; group 'infl' holds the ending
        return re.compile(rf"(?<![\w-])[A-ZÄÖÜ][a-zäöüß]{{2,}}(?:{ends})(?P<infl>e?s)?(?![\wäöü-])")

    @cached_property
    def body_word(self) -> re.Pattern:
        return re.compile("|".join(self.body_words) or r"(?!)", re.I)

    @cached_property
    def letterhead(self) -> re.Pattern:
        kinds = "|".join(re.escape(k).replace("\\ ", " ") for k in self.letterhead_prefixes) or r"(?!)"
        return re.compile(rf"\s*(?:(?:{kinds})\s+)?")

    @cached_property
    def doc_type_patterns(self) -> list[tuple[str, re.Pattern]]:
        return [(name, re.compile(pattern, re.I | re.M)) for name, pattern in self.doc_types]

    # ---------------------------------------------------------------- data
    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "Cues":
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown cue lists: {sorted(unknown)}")
        cues = cls(**data)
        for name, pattern in cues.doc_types:  # fail at load time, not on the first document
            re.compile(pattern)
        return cues

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Cues":
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
