"""People whose names a German memo prints in Cyrillic or Greek letters ('Олександр Симчишин').

A name is a run of two or three capitalised words of one of these scripts on one line, in German
text (the words around it are not lower-case words of that script: a Cyrillic sentence is no
list of names), none of them a place or country the gazetteer knows. One such word alone counts
only right after an honorific, title or role ('Herr Симчишин'). `value` is the transliteration
(pipeline/translit.py: German Duden transcription for Ukrainian and Russian, ELOT 743 for Greek),
`text` keeps the name as printed.
"""
from __future__ import annotations

import re
from typing import Optional

from ..gazetteer import Gazetteer
from ..translit import cyrillic_language, transliterate
from .cues import Cues
from .entities import Mention

_CYR_NAME = re.compile(r"^[\u0400-\u042F\u0404\u0406\u0407\u0490][\u0430-\u045F\u0454\u0456\u0457\u0491'’ʼ]+"
                       r"(?:-[\u0400-\u042F\u0404\u0406\u0407\u0490][\u0430-\u045F\u0454\u0456\u0457\u0491'’ʼ]+)?$")
_GR_NAME = re.compile(r"^[\u0386\u0388-\u038F\u0391-\u03A9][\u03AC-\u03CE\u0390]+$")
_CYR_LOWER = re.compile(r"^[\u0430-\u045F\u0454\u0456\u0457\u0491]")
_GR_LOWER = re.compile(r"^[\u03AC-\u03CE\u0390]")
MAX_WORDS = 3
CONF_CUED = 0.85  # a role, title or honorific next to it
CONF_PLAIN = 0.75


def _script(word: str) -> Optional[str]:
    if _CYR_NAME.match(word):
        return "cyrillic"
    if _GR_NAME.match(word):
        return "greek"
    return None


def _lower_of(script: str, word: str) -> bool:
    return bool((_CYR_LOWER if script == "cyrillic" else _GR_LOWER).match(word))


def document_language(text: str) -> str:
    """The Cyrillic language a memo's names default to: 'ru' when it speaks of Russia more often
    than of Ukraine, else 'uk'."""
    ru = len(re.findall(r"\b(?:Russland|russisch|Russische|Moskau)", text))
    uk = len(re.findall(r"\b(?:Ukraine|ukrainisch|Ukrainische|Kiew|Kyjiw)", text))
    return "ru" if ru > uk else "uk"


def find_foreign_script_persons(text: str, toks: list, g: Gazetteer, cues: Cues, title_role) -> list[Mention]:
    """PERSON mentions for Cyrillic and Greek names. ``toks``: entities.tokenize(text);
    ``title_role(toks, first, last)`` gives the title and role written next to tokens first..last."""
    titles = set(cues.titles) | set(g.titles)
    honorifics = cues.honorific_set
    out: list[Mention] = []
    lang = None
    i = 0
    while i < len(toks):
        script = _script(toks[i].text)
        if script is None:
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and _script(toks[j + 1].text) == script and \
                text[toks[j].end:toks[j + 1].start] == " " and toks[j].raw == toks[j].text:
            j += 1
        n = j - i + 1
        prev = toks[i - 1].text if i else ""
        nxt = toks[j + 1].text if j + 1 < len(toks) else ""
        cued = prev in honorifics or prev in titles or prev in g.roles
        inside_prose = _lower_of(script, prev) or _lower_of(script, nxt)
        words = [t.text for t in toks[i:j + 1]]
        placey = any(w in g.cities or w in g.countries for w in words)
        if (n >= 2 or cued) and n <= MAX_WORDS and not inside_prose and not placey:
            if lang is None:
                lang = document_language(text)
            name = " ".join(words)
            value = transliterate(name, cyrillic_language(name, lang)) if script == "cyrillic" else transliterate(name)
            title, role = title_role(toks, i, j)
            out.append(Mention("PERSON", toks[i].start, toks[j].end, value,
                               CONF_CUED if (cued or role) else CONF_PLAIN, "rule", title=title, role=role))
        i = j + 1
    return out
