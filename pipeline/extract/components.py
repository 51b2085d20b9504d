"""spaCy components of the Ratsakten pipeline, registered with @Language.factory.

`ratsakten_rules` finds dates, cities, organisations and people with rules and gazetteers and
merges the statistical `ner` component's entities into them; each result is a typed `Mention`
on its span (`span._.mention`). `ratsakten_decisions` finds the decision clauses (`doc._.decisions`,
typed `Clause` records). The rule component keeps its cue lists on the instance and saves them
beside the pipeline (`cues.json`, written by scripts/build_models.py).
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..gazetteer import load_gazetteer
from ..lexicon import load_lexicon
from . import entities as E
from .cues import Cues
from .dates import find_dates
from .decisions import find_decisions

if not Span.has_extension("mention"):
    Span.set_extension("mention", default=None)
if not Doc.has_extension("decisions"):
    Doc.set_extension("decisions", default=None)
if not Doc.has_extension("extra_ents"):
    Doc.set_extension("extra_ents", default=None)

SPANS_KEY = "ratsakten"
CUES_FILE = "cues.json"


class RulesComponent:
    def __init__(self, nlp: Language, name: str, models_dir: str) -> None:
        self.name = name
        self.models_dir = models_dir
        self.cues = Cues()  # empty until from_disk (or the build script) gives the lists
        self._g = None
        self._lex = None

    @property
    def gazetteer(self):
        if self._g is None:
            self._g = load_gazetteer(str(self.models_dir))
        return self._g

    @property
    def lexicon(self):
        if self._lex is None:
            self._lex = load_lexicon(str(self.models_dir))
        return self._lex

    def match(self, doc: Doc) -> list[E.Mention]:
        text = doc.text
        g, lex, cues = self.gazetteer, self.lexicon, self.cues
        toks = E.tokenize(text, cues.titles)
        mentions: list[E.Mention] = [E.Mention("DATE", d.start, d.end, d.value, d.confidence, "rule", reason=d.reason)
                                     for d in find_dates(text)]
        cities = E.find_cities(text, toks, g, lex, cues)
        cities = [c for c in cities if not any(E.overlaps(c, d) for d in mentions)]
        orgs = E.find_orgs(text, toks, g, cities, cues)
        persons = E.find_persons(text, toks, g, lex, orgs + mentions, cues)
        # 'Prof. Dr. Haina Kowaltschuk': a name that is also a town is a name here
        cities = [c for c in cities if not any(E.overlaps(c, p) for p in persons)]
        mentions += cities + orgs + persons
        model = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        model += list(doc._.extra_ents or [])
        return E.merge_model(text, mentions, model, g, lex, cues)

    def set_annotations(self, doc: Doc, mentions: list[E.Mention]) -> None:
        spans = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
            if span is None:
                continue
            span._.mention = m
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc.ents = filter_spans(spans)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def to_disk(self, path, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.cues.save(path / CUES_FILE)

    def from_disk(self, path, exclude=tuple()):
        f = Path(path) / CUES_FILE
        if f.exists():
            self.cues = Cues.load(f)
        return self


@Language.factory("ratsakten_rules", default_config={"models_dir": ""})
def make_rules(nlp: Language, name: str, models_dir: str) -> RulesComponent:
    return RulesComponent(nlp, name, models_dir)


class DecisionsComponent:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.decisions = find_decisions(doc.text)
        return doc


@Language.factory("ratsakten_decisions", default_config={})
def make_decisions(nlp: Language, name: str) -> DecisionsComponent:
    return DecisionsComponent(nlp, name)
