"""What one document has taught the correction stage so far: its own spellings."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..records import Word
from .tokens import LETTERS, split_affixes

_MIN_SPELLING = 4  # shorter capitalised words are not remembered


@dataclass
class DocumentState:
    """One per document, carried across its pages: how often and how surely it spells each
    capitalised word (surnames, places), so that a surname is not 'corrected' towards a city and a
    damaged reading can be put right by the document's confident one ('Lytwynenk0')."""

    counts: Counter[str] = field(default_factory=Counter)  # capitalised OCR cores seen in this document
    conf: dict[str, float] = field(default_factory=dict)  # the best OCR confidence of each

    def remember(self, words: Iterable[Word]) -> None:
        """Count a page's OCR spellings (before it is corrected: its own readings are the evidence)."""
        for w in words:
            if w.source != "ocr":
                continue
            _p, core, _s = split_affixes(w.text)
            if len(core) >= _MIN_SPELLING and core[:1].isupper() and LETTERS.match(core):
                self.counts[core] += 1
                self.conf[core] = max(self.conf.get(core, 0.0), w.confidence)

    def spells(self, text: str) -> bool:
        """Does the document spell this somewhere as it stands?"""
        return self.counts.get(text, 0) > 0
