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


_PRELOADED: dict[str, dict[str, float]] = {}


def preload(models_dir: str, lexicon: dict[str, float]) -> None:
    """Make `load_lexicon(models_dir)` return this object (startup_cache.py unpickled it)."""
    _PRELOADED[str(Path(models_dir).resolve())] = lexicon


def load_lexicon(models_dir: str) -> dict[str, float]:
    pre = _PRELOADED.get(str(Path(models_dir).resolve()))
    return pre if pre is not None else _load_lexicon(str(models_dir))


@lru_cache(maxsize=4)
def _load_lexicon(models_dir: str) -> dict[str, float]:
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


# ---------------------------------------------------------------- compounds

# Fugen elements between the parts of a German compound (Solidarität-s-partnerschaft, Straße-n-bahn)
FUGEN = ("s", "es", "n", "en", "e", "er", "ens", "ns")
# closed-class words are not compound parts: "undder" is two glued words, not a compound
NOT_PARTS = frozenset(
    ["der", "die", "das", "den", "dem", "des", "und", "oder", "ist", "sind", "war", "wird", "ein", "eine", "einer", "einem", "eines", "einen", "sie", "er", "es", "wir", "ihr", "ich", "du", "man", "sich", "nicht", "auch", "noch", "nur", "als", "wie", "wenn", "dass", "ob", "ich", "mir", "mich", "dir", "dich", "uns", "euch", "ihm", "ihn", "ihnen", "sein", "seine", "ihre", "ihren", "hat", "haben", "sei", "wäre", "zur", "zum", "im", "am", "beim", "vom", "ins", "ans", "aufs"])
# words that end no compound: prepositions and the like ('Bürofür' is two glued words)
NOT_FINAL = frozenset(
    ["für", "von", "vom", "mit", "auf", "aus", "bei", "nach", "über", "unter", "durch", "gegen", "ohne", "um", "zu", "an", "ab", "bis", "seit", "wegen", "vor", "hinter", "neben", "zwischen", "ist", "sind", "hat", "haben", "wird", "werden", "wurde", "kann", "soll", "muss", "aber", "doch", "dann", "denn"])
# endings that wordfreq lists as words ('lich', 'eren', 'eder'): no head of a repaired compound
SUFFIX_LIKE = frozenset(
    ["lich", "isch", "chen", "lein", "heit", "keit", "ung", "ungen", "eren", "eder", "ern", "igen", "ige", "iger", "igem", "igen", "ische", "ischen", "lichen", "licher", "liche", "tum", "nis", "sal", "bar", "sam", "haft", "sten", "ten", "tion", "tionen"])
_COMPOUND_CACHE: dict[tuple[int, bool], dict[str, tuple[str, ...] | None]] = {}


def _part_ok(lexicon: dict[str, float], part: str, final: bool, strict: bool) -> bool:
    if part in NOT_PARTS or (final and part in NOT_FINAL):
        return False
    z = lexicon.get(part)
    if z is None:
        return False
    n = len(part)
    if strict:  # a repair target: common parts of four letters or more, a head of five or more
        return z >= 3.0 and (n >= 5 if final else n >= 4) and not (final and part in SUFFIX_LIKE)
    if n < 3:
        return False
    if n == 3:  # short parts split anything: only frequent ones ('amt', 'rat', 'ort'; not 'ver', 'wei')
        return z >= 4.3
    if n == 4:
        return z >= (3.5 if not final else 4.0)
    return True  # any listed word: a rare part ('feuerung', 'immission') still makes a word


def compound_parts(lexicon: dict[str, float], word: str, strict: bool = False) -> tuple[str, ...] | None:
    """Split a German compound into known words, Fugen attached to the part before them:
    'Solidaritätspartnerschaft' -> ('solidaritäts', 'partnerschaft'). None when no split is found.

    Compounds are in no word list (wordfreq gives `Solidaritätspartnerschaft` zipf 0), so a word
    that splits into listed parts is a word, not an OCR error. Parts are never articles, pronouns
    or conjunctions, and short parts must be frequent; the split with fewest parts wins.
    ``strict`` (for a *repair target*, where a wrong yes changes a word): at most three parts,
    each a common word (zipf >= 3) of at least four letters."""
    if not lexicon:
        return None
    cache = _COMPOUND_CACHE.setdefault((id(lexicon), strict), {})
    w = word.lower()
    if w in cache:
        return cache[w]
    if len(cache) > 200_000:
        cache.clear()
    n = len(w)
    max_parts = 3 if strict else 4
    result: tuple[str, ...] | None = None
    if n >= 7 and w.isalpha():
        # best[i] = fewest-parts split of w[i:], filled from the end
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        for i in range(n - 3, -1, -1):
            cand: tuple[str, ...] | None = None
            for j in range(i + 3, n + 1):
                part = w[i:j]
                if j == n:
                    if i > 0 and _part_ok(lexicon, part, True, strict):
                        opt: tuple[str, ...] | None = (part,)
                    else:
                        continue
                else:
                    if not _part_ok(lexicon, part, False, strict):
                        continue
                    opt = None
                    for k in [0] + [len(f) for f in FUGEN if w.startswith(f, j)]:
                        rest = best[j + k] if j + k < n else None
                        if rest is not None and len(rest) < max_parts and (opt is None or len(rest) + 1 < len(opt)):
                            opt = (w[i:j + k],) + rest
                if opt is not None and (cand is None or len(opt) < len(cand)):
                    cand = opt
            best[i] = cand
        result = best[0] if best[0] is not None and len(best[0]) >= 2 else None
    cache[w] = result
    return result
