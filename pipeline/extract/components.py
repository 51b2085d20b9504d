"""spaCy components of the Ratsakten pipeline, registered with @Language.factory.

`ratsakten_rules` finds dates, cities, organisations and people with rules and gazetteers and
merges the statistical `ner` component's entities into them; each result is a typed `Mention`
on its span (`span._.mention`). `ratsakten_decisions` finds the decision clauses (`doc._.decisions`,
typed `Clause` records) for users of the saved spaCy pipeline; the extract stage disables it and finds
decisions once per document (`find_decisions_pages`), so points run across page breaks. The rule component keeps its cue lists on the instance and saves them
beside the pipeline (`cues.json`, written by scripts/build_models.py).
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..gazetteer import load_gazetteer
from ..lexicon import load_lexicon
from ..wordstats import load_wordstats
from . import entities as E
from .cues import Cues
from .dates import find_dates
from .decisions import find_decisions
from .foreign_names import find_foreign_script_persons

if not Span.has_extension("mention"):
    Span.set_extension("mention", default=None)
if not Doc.has_extension("decisions"):
    Doc.set_extension("decisions", default=None)
if not Doc.has_extension("extra_ents"):
    Doc.set_extension("extra_ents", default=None)
if not Doc.has_extension("mentions"):  # the typed mentions in order (two labels may share one token span)
    Doc.set_extension("mentions", default=None)
if not Doc.has_extension("place_context"):  # the cities the whole document names (set by extract_document)
    Doc.set_extension("place_context", default=None)
if not Doc.has_extension("page_text"):  # the text the doc was made from (set by spacy_docs): doc.text is
    Doc.set_extension("page_text", default=None)  # the same, but spaCy builds it from a Token object per token

SPANS_KEY = "ratsakten"
CUES_FILE = "cues.json"


class RulesComponent:
    def __init__(self, nlp: Language, name: str, models_dir: str) -> None:
        self.name = name
        self.models_dir = models_dir
        self.cues = Cues()  # empty until from_disk (or the build script) gives the lists
        self._g = None
        self._lex = None
        self._words = None

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

    @property
    def words(self):
        if self._words is None:
            self._words = load_wordstats(str(self.models_dir))
        return self._words

    def place_context(self, text: str) -> frozenset[str]:
        """The cities with districts that a text names (see entities.place_context)."""
        return E.place_context(text, self.gazetteer, self.cues)

    def match(self, doc: Doc) -> list[E.Mention]:
        text = doc._.page_text
        if text is None or len(text) != (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0):
            text = doc.text  # a doc made elsewhere (nlp(text), or page_text not its own)
        g, lex, cues = self.gazetteer, self.lexicon, self.cues
        toks = E.tokenize(text, cues.titles)
        mentions: list[E.Mention] = [E.Mention("DATE", d.start, d.end, d.value, d.confidence, "rule", reason=d.reason)
                                     for d in find_dates(text)]
        model = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        model += list(doc._.extra_ents or [])
        locs = frozenset((s, e) for s, e, label in model if label == "LOC")
        context = doc._.place_context if doc._.place_context is not None else self.place_context(text)
        cities = E.find_cities(text, toks, g, lex, cues, words=self.words, model_locs=locs, context=context)
        cities = [c for c in cities if not any(E.overlaps(c, d) for d in mentions)]
        orgs = E.find_orgs(text, toks, g, cities, cues)
        cities = E.without_counties(cities)
        persons = E.find_persons(text, toks, g, lex, orgs + mentions, cues)
        persons += E.signature_persons(text, orgs + mentions + persons, g, cues)
        persons += E.speaker_persons(text, orgs + mentions + persons, g, cues)
        persons += find_foreign_script_persons(
            text, toks, g, cues,
            lambda ts, a, b: E._title_role(text, ts, a, b, g, dict(cues.titles, **g.titles), cues.honorific_set))
        # 'Prof. Dr. Haina Kowaltschuk': a name that is also a town is a name here
        cities = [c for c in cities if not any(E.overlaps(c, p) for p in persons)]
        orgs = E.speaker_parties(text, persons, orgs, g)
        mentions += cities + orgs + persons
        return E.merge_model(text, mentions, model, g, lex, cues, self.words)

    def set_annotations(self, doc: Doc, mentions: list[E.Mention]) -> None:
        spans = []
        kept = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
            if span is None:
                continue
            span._.mention = m
            spans.append(span)
            kept.append(m)
        doc.spans[SPANS_KEY] = spans
        doc._.mentions = kept
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
