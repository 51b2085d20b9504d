"""How capitalised words are used in real council language (models/gazetteer/council_words.tsv).

Built by scripts/build_council_words.py from the Karlsruhe council corpus and the train-split
protocols. A gazetteer says that `Basis`, `Mitte`, `Lage` or `Man` are places somewhere; council
texts say they are ordinary words here: they take articles and adjectives ("auf der Basis",
"Mitte Oktober", "in der Lage") or appear in lower case ("man"). Such a token is a place only with
evidence (pipeline/extract/entities.py). Loaded once per process.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

FILE = "council_words.tsv"

# thresholds, read off the train-split census of gazetteer hits (docs/notes/issue-15.md): real
# places take an article or adjective in < 4 % of their uses (Karlsruhe 0.3 %, Durlach 0.4 %,
# Stuttgart 0 %), ordinary nouns in 12-65 % (Corona 12 %, Halle 14 %, Basis 36 %, Zoo 52 %)
MIN_SEEN = 5  # fewer uses say nothing
LOWER_SHARE = 0.3  # 'man', 'auch', 'waren': written in lower case this often
DET_SHARE = 0.12  # 'der Basis', 'im Zoo'
DET_ADJ_SHARE = 0.25  # 'schönem Wetter', 'bei Flora und Fauna'
# a place follows a place cue ('in Essen', 'Stadt Karlsruhe') in >= 15 % of its uses (Karlsruhe 61 %,
# Mannheim 21 %, Durlach 20 %); the noun 'Essen' in 2 %
PLACE_SHARE = 0.1


@dataclass(frozen=True)
class WordUse:
    n_cap: int = 0
    n_lower: int = 0
    after_det: int = 0
    after_adj: int = 0
    after_cue: int = 0

    @property
    def seen(self) -> int:
        return self.n_cap + self.n_lower

    def ordinary(self) -> Optional[bool]:
        """True: an ordinary word in council language; False: used like a name; None: too rare to say."""
        if self.seen < MIN_SEEN:
            return None
        if self.n_lower / self.seen >= LOWER_SHARE:
            return True
        if self.n_cap and (self.after_det / self.n_cap >= DET_SHARE
                           or (self.after_det + self.after_adj) / self.n_cap >= DET_ADJ_SHARE):
            return True
        return False


@dataclass
class WordStats:
    words: dict[str, WordUse]

    def use(self, word: str) -> Optional[WordUse]:
        w = word[:1].upper() + word[1:] if word[:1].islower() else word
        hit = self.words.get(w)
        if hit is None and w.isupper() and len(w) > 1:
            hit = self.words.get(w[:1] + w[1:].lower())
        return hit

    def ordinary(self, word: str) -> Optional[bool]:
        u = self.use(word)
        return None if u is None else u.ordinary()


@lru_cache(maxsize=4)
def load_wordstats(models_dir: str) -> WordStats:
    path = Path(models_dir) / "gazetteer" / FILE
    words: dict[str, WordUse] = {}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(("#", "word\t")):
                    continue
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 6:
                    continue
                try:
                    words[parts[0]] = WordUse(*(int(x) for x in parts[1:]))
                except ValueError:
                    continue
    return WordStats(words)
