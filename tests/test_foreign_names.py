"""Names in Cyrillic and Greek letters are people, with their transliteration as value.

Texts and expected mentions: tests/fixtures/foreign_names/cases.json; the transliteration
tables are checked on the names the sample generator writes in Latin letters.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_MODELS, Settings
from pipeline.extract import extract_document
from pipeline.extract import nlp as nlp_mod
from pipeline.records import Page
from pipeline.translit import cyrillic_language, script_of, transliterate

CASES = json.loads((Path(__file__).parent / "fixtures" / "foreign_names" / "cases.json")
                   .read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def nlp():
    return nlp_mod.load(str(DEFAULT_MODELS))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["note"])
def test_foreign_script_people(nlp, case):
    page = Page(number=1, words=[], source="text", text=case["text"])
    entities, _, _ = extract_document([page], nlp, Settings())
    got = [[e.text, e.value] for e in entities if e.label == "PERSON" and script_of(e.text)]
    assert got == case["expected"], case["note"]
    if not case["expected"]:  # no other label takes the foreign words either
        assert not [e for e in entities if e.label == "PERSON" and script_of(e.text)]


@pytest.mark.parametrize("cyr,latin", [
    ("Олександр Симчишин", "Oleksandr Symtschyschyn"), ("Тетяна Ковальчук", "Tetjana Kowaltschuk"),
    ("Сергій Шевченко", "Serhij Schewtschenko"), ("Наталія Гриценко", "Natalija Hryzenko"),
    ("Віталій Садовий", "Witalij Sadowyj"), ("Щербак", "Schtscherbak"),
])
def test_ukrainian_duden(cyr, latin):
    assert transliterate(cyr) == latin


@pytest.mark.parametrize("cyr,latin", [
    ("Дмитрий Кузнецов", "Dmitri Kusnezow"), ("Елена Лебедева", "Jelena Lebedewa"), ("Юрий Морозов", "Juri Morosow"),
    ("Татьяна Смирнова", "Tatjana Smirnowa"),
])
def test_russian_duden(cyr, latin):
    assert cyrillic_language(cyr) == "ru"
    assert transliterate(cyr) == latin


def test_greek_elot():
    assert transliterate("Γιώργος Παπαδόπουλος") == "Giorgos Papadopoulos"
    assert transliterate("Ευάγγελος Μπακογιάννης") == "Evangelos Bakogiannis"


def test_latin_text_is_unchanged():
    assert transliterate("Frank Mentrup") == "Frank Mentrup" and script_of("Mentrup") is None
