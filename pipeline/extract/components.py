"""spaCy components of the Ratsakten pipeline, registered with @Language.factory.

`ratsakten_rules` finds dates, cities, organisations and people with rules and gazetteers and
merges the statistical `ner` component's entities into them; `ratsakten_decisions` finds the
decision clauses. Cue word lists are saved beside the pipeline (cues.json) and can be edited.
"""
from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..gazetteer import load_gazetteer
from ..lexicon import load_lexicon
from . import entities as E
from .dates import find_dates
from .decisions import find_decisions

if not Span.has_extension("rs"):
    Span.set_extension("rs", default=None)
if not Doc.has_extension("decisions"):
    Doc.set_extension("decisions", default=None)
if not Doc.has_extension("extra_ents"):
    Doc.set_extension("extra_ents", default=None)

SPANS_KEY = "ratsakten"


class RulesComponent:
    def __init__(self, nlp: Language, name: str, models_dir: str) -> None:
        self.name = name
        self.models_dir = models_dir
        self.cues = {"place": sorted(E.PLACE_CUES), "honorifics": sorted(E.HONORIFICS),
                     "not_surname": sorted(E.NOT_SURNAME)}
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
        g, lex = self.gazetteer, self.lexicon
        toks = E.tokenize(text)
        mentions: list[E.Mention] = []
        for d in find_dates(text):
            mentions.append(E.Mention("DATE", d.start, d.end, d.value, d.confidence, "rule",
                                      {"reason": d.reason}))
        cities = E.find_cities(text, toks, g, lex)
        dates_busy = [m for m in mentions]
        cities = [c for c in cities if not any(E.overlaps(c, d) for d in dates_busy)]
        orgs = E.find_orgs(text, toks, g, cities)
        persons = E.find_persons(text, toks, g, lex, orgs + mentions)
        # 'Prof. Dr. Haina Kowaltschuk': a name that is also a town is a name here
        cities = [c for c in cities if not any(E.overlaps(c, p) for p in persons)]
        mentions += cities + orgs + persons
        model = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        model += list(doc._.extra_ents or [])
        return E.merge_model(text, mentions, model, g, lex)

    def set_annotations(self, doc: Doc, mentions: list[E.Mention]) -> None:
        spans = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
            if span is None:
                continue
            span._.rs = {"start": m.start, "end": m.end, "value": m.value, "confidence": m.confidence,
                         "source": m.source, **m.meta}
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        doc.ents = filter_spans(spans)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def to_disk(self, path, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cues.json").write_text(json.dumps(self.cues, ensure_ascii=False, indent=1), encoding="utf-8")

    def from_disk(self, path, exclude=tuple()):
        f = Path(path) / "cues.json"
        if f.exists():
            self.cues = json.loads(f.read_text(encoding="utf-8"))
            E.PLACE_CUES.update(self.cues.get("place", []))
            E.HONORIFICS.update(self.cues.get("honorifics", []))
            E.NOT_SURNAME.update(self.cues.get("not_surname", []))
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
