"""Transliteration of Cyrillic and Greek names into Latin letters: small pure functions over tables.

- **Ukrainian and Russian**: the German (Duden) transcription, the one German memos and the press
  use for these names (*Symtschyschyn*, *Kowaltschuk*, *Schewtschenko*, *Sokolow*): so a name
  printed in Cyrillic gets the same `value` as the same name printed in Latin letters elsewhere.
  Ukrainian and Russian differ (г is *h* in Ukrainian, *g* in Russian; и is *y* / *i*): the
  letters decide (і ї є ґ are Ukrainian, ы э ё ъ Russian), then typical endings (-енко, -чук /
  -ов, -ева, -ей); a name with neither takes ``lang`` (default Ukrainian: the partner cities of
  the memos this project reads are mostly Ukrainian).
- **Greek**: ELOT 743 (ISO 843), the Greek state's own romanisation (passports): *Γιώργος
  Παπαδόπουλος* -> *Giorgos Papadopoulos*. Accents are dropped.

No data is downloaded; the tables are below.
"""
from __future__ import annotations

import re
import unicodedata

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
GREEK = re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF]")

_UK_ONLY = set("іїєґІЇЄҐ")
_RU_ONLY = set("ыэёъЫЭЁЪ")

# letters common to both (German Duden transcription); с between vowels is 'ss' (below)
_COMMON = {"а": "a", "б": "b", "в": "w", "д": "d", "ж": "sch", "з": "s", "к": "k", "л": "l", "м": "m",
           "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z",
           "ч": "tsch", "ш": "sch", "щ": "schtsch", "ь": "", "ю": "ju", "я": "ja", "'": "", "’": "", "ʼ": ""}
_UK = dict(_COMMON, **{"г": "h", "ґ": "g", "е": "e", "є": "je", "и": "y", "і": "i", "ї": "ji", "й": "j"})
_RU = dict(_COMMON, **{"г": "g", "е": "e", "ё": "jo", "и": "i", "й": "j", "ъ": "", "ы": "y", "э": "e"})
_VOWELS_CYR = set("аеєиіїоуюяёыэ")

_GREEK = {"α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
          "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
          "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o"}
# digraphs first (ELOT 743): ου, αυ/ευ/ηυ (v before a voiced sound, f otherwise), μπ at the start, γγ, γκ, γξ, γχ
_GREEK_PAIRS = {"ου": "ou", "γγ": "ng", "γξ": "nx", "γχ": "nch"}
_GREEK_VOICELESS = set("θκξπσςτφχψ")


def script_of(text: str) -> str | None:
    """'cyrillic', 'greek' or None (Latin or no letters)."""
    if CYRILLIC.search(text):
        return "cyrillic"
    if GREEK.search(text):
        return "greek"
    return None


_RU_ENDING = re.compile(r"(?:ов|ев|ова|ева|ей)$")  # Соколов, Лебедева, Сергей (Ukrainian: Сергій)
_UK_ENDING = re.compile(r"(?:енко|чук|юк|ишин)$")  # Шевченко, Ковальчук, Симчишин


def cyrillic_language(text: str, default: str = "uk") -> str:
    """'uk' or 'ru' by the letters only one of them has (і ї є ґ / ы э ё ъ), then by typical name
    endings (-енко, -чук / -ов, -ева, -ей); ``default`` when nothing decides."""
    letters = set(text)
    uk, ru = bool(letters & _UK_ONLY), bool(letters & _RU_ONLY)
    if uk != ru:
        return "uk" if uk else "ru"
    words = [w.lower() for w in re.findall(r"[\u0400-\u04FF]+", text)]
    uk = any(_UK_ENDING.search(w) for w in words)
    ru = any(_RU_ENDING.search(w) for w in words)
    if uk != ru:
        return "uk" if uk else "ru"
    return default


def _case(out: str, upper: bool) -> str:
    return out[:1].upper() + out[1:] if upper and out else out


def _cyrillic_word(word: str, table: dict[str, str], lang: str) -> str:
    low = word.lower()
    out = []
    for k, ch in enumerate(low):
        prev = low[k - 1] if k else ""
        nxt = low[k + 1] if k + 1 < len(low) else ""
        if lang == "ru" and ch == "е" and (k == 0 or prev in _VOWELS_CYR or prev in "ьъ"):
            rep = "je"  # Елена -> Jelena
        elif lang == "ru" and ch == "и" and nxt == "й" and k + 2 == len(low):
            rep = "i"  # Юрий -> Juri (the й is dropped below)
        elif lang == "ru" and ch == "й" and prev in "иы" and k + 1 == len(low):
            rep = ""  # -ий / -ый: Дмитрий -> Dmitri
        elif ch == "с" and prev in _VOWELS_CYR and nxt in _VOWELS_CYR:
            rep = "ss"  # Василь -> Wassyl
        elif lang == "uk" and ch == "ь" and nxt == "о":
            rep = "j"  # Тетьяна / Василько: ьо -> jo
        else:
            rep = table.get(ch, ch)
        out.append(_case(rep, word[k].isupper()) if word[k].isupper() else rep)
    return "".join(out)


def _greek_word(word: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    low = plain.lower()
    out = []
    k = 0
    while k < len(low):
        pair = low[k:k + 2]
        upper = plain[k].isupper()
        if pair in _GREEK_PAIRS:
            rep, step = _GREEK_PAIRS[pair], 2
        elif pair in ("αυ", "ευ", "ηυ"):
            after = low[k + 2:k + 3]
            rep = _GREEK[pair[0]] + ("f" if not after or after in _GREEK_VOICELESS else "v")
            step = 2
        elif pair == "μπ" and k == 0:
            rep, step = "b", 2
        elif pair == "γκ" and k == 0:
            rep, step = "g", 2
        elif pair == "γκ":
            rep, step = "nk", 2
        else:
            rep, step = _GREEK.get(low[k], low[k]), 1
        out.append(_case(rep, upper))
        k += step
    return "".join(out)


def transliterate(text: str, lang: str | None = None) -> str:
    """Latin letters for a Cyrillic or Greek text (word by word; other characters as they are).
    ``lang``: 'uk' or 'ru' for Cyrillic with no telling letter (default 'uk')."""
    script = script_of(text)
    if script is None:
        return text
    if script == "greek":
        return re.sub(r"[^\W\d_]+", lambda m: _greek_word(m.group(0)) if GREEK.search(m.group(0)) else m.group(0),
                      text)
    chosen = cyrillic_language(text, lang or "uk")
    table = _UK if chosen == "uk" else _RU
    return re.sub(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*",
                  lambda m: _cyrillic_word(m.group(0), table, chosen) if CYRILLIC.search(m.group(0))
                  else m.group(0), text)
