"""Pure parts of the real-data evaluation (the runs themselves are slow and live outside the tests)."""
from __future__ import annotations

from evaluation.real import alto_text, predicted_category, result_category, text_category

ALTO = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page><PrintSpace><TextBlock>
<TextLine VPOS="300" HPOS="10"><String CONTENT="zweite Zeile"/></TextLine>
<TextLine VPOS="100" HPOS="10"><String CONTENT="Wien,"/><String CONTENT="am 5. November 1938."/></TextLine>
<TextLine VPOS="200" HPOS="10"><String CONTENT=""/></TextLine>
</TextBlock></PrintSpace></Page></Layout></alto>"""


def test_alto_lines_sorted_by_vpos(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text(ALTO, encoding="utf-8")
    assert alto_text(p) == "Wien, am 5. November 1938.\nzweite Zeile"


def test_result_categories_of_karlsruhe_wording():
    assert result_category("einstimmig zugestimmt") == "accepted"
    assert result_category("mehrheitlich abgelehnt") == "rejected"
    assert result_category("verwiesen in Planungsausschuss") == "referred"
    assert result_category("Kenntnisnahme") == "noted"
    assert result_category("erledigt durch Stellungnahme der Verwaltung") == "noted"
    # 'Vorberatung im Ausschuss' inside an accepted decision is no referral
    assert result_category("Der Gemeinderat stimmt – nach Vorberatung im Ausschuss – zu") == "accepted"
    assert result_category("Der Gemeinderat beschließt") == "accepted"   # ß survives normalising


def test_vote_line_beats_beschluss_line():
    assert text_category("Der Endbericht wird zur Kenntnis genommen", "Bei 45 Ja-Stimmen zugestimmt") == "accepted"
    assert text_category("Verwiesen in den Ausschuss", "Keine Abstimmung") == "referred"


def test_specific_kind_wins_over_votes():
    assert predicted_category({"kind": "ablehnung", "votes": "mehrheitlich"}) == "rejected"
    assert predicted_category({"kind": "beschluss", "votes": "einstimmig"}) == "accepted"
    assert predicted_category({"kind": "beschluss", "text": "Kenntnisnahme der Stellungnahme"}) == "noted"
