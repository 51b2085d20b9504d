"""Read-only language resources shared by several stages (loaded once per process)."""
from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

WORD_RE = re.compile(r"[A-Za-zÄÖÜäöüßÀ-ÿĀ-žА-яЁёІіЇїЄєҐґ]+")


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


@lru_cache(maxsize=4)
def load_lexicon(models_dir: str) -> dict[str, float]:
    """German word -> zipf frequency (lowercase; wordfreq writes ß as ss, both forms are kept)."""
    base = Path(models_dir) / "gazetteer"
    for name in ("lexicon_de.tsv.gz", "lexicon_de.tsv"):
        path = base / name
        if path.exists():
            out: dict[str, float] = {}
            with _open_text(path) as fh:
                for line in fh:
                    if line.startswith(("#", "word\t")):
                        continue
                    word, _, zipf = line.rstrip("\n").partition("\t")
                    try:
                        out[word] = float(zipf)
                    except ValueError:
                        continue
            return out
    return {}


def zipf(lexicon: dict[str, float], word: str) -> float:
    w = word.lower()
    if w in lexicon:
        return lexicon[w]
    return lexicon.get(w.replace("ß", "ss"), 0.0)


def is_known(lexicon: dict[str, float], word: str, min_zipf: float = 1.0) -> bool:
    return zipf(lexicon, word) >= min_zipf


@lru_cache(maxsize=1 << 16)
def _plausible(token: str) -> bool:
    letters = sum(ch.isalpha() for ch in token)
    if letters < max(1, len(token) * 0.6):
        return False
    low = token.lower()
    if not re.search(r"[aeiouyäöüáéíóúàèìòù]", low):
        return len(token) <= 3
    if re.search(r"(.)\1\1", low):
        return False
    # mixed case inside a word ("bEi", "FrAnk") is typical of broken encodings
    inner = token[1:]
    if any(c.isupper() for c in inner) and any(c.islower() for c in inner) and not token.isupper():
        return "-" in token or bool(re.match(r"^[A-ZÄÖÜ][a-zäöüß]+[A-ZÄÖÜ][a-zäöüß]+$", token))
    return True


def text_quality(tokens: list[str], lexicon: dict[str, float]) -> tuple[float, float]:
    """(share of plausible word tokens, share of lexicon words) among alphabetic tokens."""
    alpha = [t for t in (WORD_RE.search(t) for t in tokens) if t]
    words = [m.group(0) for m in alpha if len(m.group(0)) >= 3]
    if not words:
        return 0.0, 0.0
    plausible = sum(_plausible(w) for w in words) / len(words)
    if not lexicon:
        return plausible, plausible
    known = sum(is_known(lexicon, w) for w in words) / len(words)
    return plausible, known
