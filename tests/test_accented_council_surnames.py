"""scripts/build_council_names.py: the accented surnames after a person cue, in at least two documents, and the
gazetteer that reads its table back (plain lower-case spelling -> the council's spelling)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from build_council_names import surnames  # noqa: E402

from pipeline.config import DEFAULT_MODELS  # noqa: E402
from pipeline.gazetteer import load_gazetteer  # noqa: E402


def test_accented_surnames_after_a_person_cue_in_two_documents():
    texts = ["Antrag von Stadtrat Johannes Honné (GRÜNE) und Herrn Müller", "Johannes Honné, Tom Høyem",
             "Herr Høyem sprach. Café Noé", "Die Stadträtin Zoë sagte"]
    got = {s: (p, n, d) for s, p, n, d in surnames(texts, given={"Johannes", "Tom"})}
    # Müller: umlauts only; Noé: no cue before it; Zoë: one document
    assert got == {"Honné": ("Honne", 2, 2), "Høyem": ("Hoyem", 2, 2)}


def test_the_committed_table_is_read_into_the_gazetteer():
    g = load_gazetteer(str(DEFAULT_MODELS))
    assert g.accented_surnames.get("honne") == "Honné"
    assert all(plain == plain.lower() and plain != name for plain, name in g.accented_surnames.items())
