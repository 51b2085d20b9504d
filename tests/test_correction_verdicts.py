"""How the evaluation judges an applied repair (evaluation/samples.score_corrections)."""
from evaluation.samples import score_corrections


def _verdict(original: str, corrected: str, true_text: str, page_text: str) -> bool:
    tr = {"pages": [{"page": 1, "text": true_text}], "entities": []}
    corrs = [{"applied": True, "original": original, "corrected": corrected, "page": 1, "start": 0}]
    return score_corrections(corrs, tr, {1: {"page": 1, "text": page_text}})["verdicts"][0]


def test_punctuation_the_repair_left_alone_is_not_part_of_its_verdict():
    true = "Das Kinderhilfswerk dankt der Oberbürgermeisterin für die Hilfe."
    assert _verdict("‚Kinderhiifswerk", "‚Kinderhilfswerk", true, "Das ‚Kinderhiifswerk dankt")
    assert _verdict("Oberbüngermeistarin,", "Oberbürgermeisterin,", true, "der Oberbüngermeistarin, für")


def test_a_repair_that_is_wrong_stays_wrong():
    true = "Die Delegation von Pilsen kam mit Tomáš Dvořák."
    assert not _verdict("von.Pilsen,", "von. Pilsen,", true, "Delegation von.Pilsen, kam")  # the dot changed too
    assert not _verdict("Tomäs", "Tomas", true, "mit Tomäs Dvořák")
    assert not _verdict("Pilsen", "Pilsen.", true, "von Pilsen kam")  # orig already right
