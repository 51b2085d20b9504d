"""Decision clauses: every point of a resolution, the `Beschluss:` of a protocol item, the quoted points of
a follow-up memo with what became of each, and decisions reported in running text.

A list is found by its structure, not by its verbs: once a paragraph introduces a decision ("Der Rat
beschließt:", "… folgende Resolution beschlossen:", "Beschluss:"), every point numbered in one style
("1.", "1)", "(1)", "a)", "I.", "Punkt 3:") is one row, whatever verb it has, and everything up to the next
point belongs to it (a long point is never split at a second verb). A narrative sentence that only reports
a decision ("hatte … eine Resolution beschlossen") is kept as a row with ``mention = True``: its kind,
date and body are still what analysts want, and the register can file it under role `mentions`.

`find_decisions_pages` sees a document's pages together, so a point may run across a page break; the
per-page `find_decisions` is the same on one page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .dates import find_dates

# --------------------------------------------------------------------------------------------- patterns

# within a decision sentence: any character but a full stop, or a stray point OCR put before a lower-case
# word ('Der Gemeinderat bekundet. seinen Willen', 'stimmt. dem Abschluss … zu')
_IN = r"(?:[^.]|\.(?=\s?[a-zäöü]))"

KINDS: list[tuple[str, re.Pattern]] = [
    ("verurteilung", re.compile(r"\bverurteil(?:t|en|te)\b", re.I)),
    ("willensbekundung", re.compile(rf"\bbekunde(?:t|n|te)\b{_IN}{{0,80}}\bWillen|\bWillen\b[^.]{{0,60}}\bbekundet\b|"
                                    r"\bWillensbekundung|\bbekräftig(?:t|en|te)\b", re.I)),
    ("aufforderung", re.compile(r"\bf[oö]rder(?:t|n|te)\b[^.]{0,200}\bauf\b|\baufgefordert\b|\bappelliert\b", re.I)),
    ("auftrag", re.compile(r"\bbeauftrag(?:t|en|te)\b|\bAuftrag\b", re.I)),
    ("ablehnung", re.compile(r"\blehn(?:t|en|te)\b[^.]{0,150}\bab\b|\babgelehnt\b")),
    ("vertagung", re.compile(r"\bvertag(?:t|en|te)\b", re.I)),
    ("verweisung", re.compile(r"\bverweis(?:t|en)\b(?![^.]{0,40}\bauf\b)|\bverwiesen\b|\bÜberweisung\b", re.I)),
    ("zustimmung", re.compile(rf"\bstimm(?:t|en|te)\b{_IN}{{0,150}}\b(?:zu|ZU)\b|\bzugestimmt\b|\bZustimmung\b|"
                              r"\bEinverstanden\b|\bangenommen\b")),
    ("kenntnisnahme", re.compile(r"\bKenntnisnahme\b|\bKenntnis genommen\b|\bnimmt\b[^.]{0,80}\bzur Kenntnis\b",
                                 re.I)),
    ("beschluss", re.compile(r"\bbeschlie(?:ß|ss)(?:t|en)\b|\bbeschlossen\b|\bBeschluss:", re.I)),
]
_PRESENT = (r"\bbeschlie(?:ß|ss)t\b|\bbeauftragt\b|\bf[oö]rdert\b[^.]{0,200}\bauf\b|\bbekundet\b[^.]{0,80}\bWillen\b|"
            r"\bverurteilt\b|\bstimmt\b[^.]{0,120}\bzu\b|\blehnt\b[^.]{0,120}\bab\b|\bvertagt\b|"
            r"\bverweist\b(?![^.]{0,40}\bauf\b)|\bbekräftigt\b|\bnimmt\b[^.]{0,80}\bzur Kenntnis\b|\bappelliert\b")
_PAST = (r"\bbeschlossen\b|\bbeschloss\b|\bzugestimmt\b|\bstimmte\b[^.]{0,120}\bzu\b|\babgelehnt\b|"
         r"\blehnte\b[^.]{0,120}"
         r"\bab\b|\bbeauftragte\b|\bverurteilte\b|\bverabschiedet\b|\bBeschl(?:uss|üsse)\b[^.]{0,160}\bgefasst\b|"
         r"\bWillen\b[^.]{0,60}\bbekundet\b|\bforderte\b[^.]{0,200}\bauf\b|\bvertagt\b|"
         r"\b(?:in|an)\s+(?:den|die|das)\s+[^.]{0,60}\bverwiesen\b")  # not '…, auf die verwiesen wird'
DECISION_CUE = re.compile(_PRESENT + "|" + _PAST, re.I)
DOUBTFUL_POINT = 0.5  # confidence of a point whose number repeats: below review_threshold, so it is checked
PAST_CUE = re.compile(r"\b(?:hat|hatte|haben|hatten|wurde|wurden|ist|war)\b[^.]{0,200}(?:" + _PAST + r")|"
                      r"\bbeschloss\b|\bstimmte\b|\blehnte\b|\bbeauftragte\b|\bverurteilte\b|\bforderte\b|"
                      r"\b(?:der|die)\s+am\b[^.]{0,120}(?:" + _PAST + r")|(?:" + _PAST +
                      r")\s+(?:hat|hatte|haben|hatten|wurde|wurden)\b", re.I)
# a paragraph ending in ':' with one of these introduces decision points
INTRO_CUE = re.compile(r"\bbeschlie(?:ß|ss)(?:t|en)\b|\bbeschlossen\b|\bBeschl(?:uss|üsse|usses)\w*|\bResolution\b|"
                       r"\bverabschiedet\b|\bgefasst\b|\bWortlaut\b|\bmöge\b[^.:]{0,40}\bbeschließen\b", re.I)
PROPOSAL_CUE = re.compile(r"\bmöge\b[^.:]{0,40}\bbeschließen\b|\bBeschlussvorschlag\b|\bBeschlussantrag\b|"
                          r"\bAntrag an den\b|\bwird gebeten,? (?:zu )?beschließen\b|\bbeantrag(?:t|en)\b", re.I)
# a document that only proposes: its points are not decided yet (no result)
PROPOSAL_TITLE = re.compile(r"^\s*(?:Antrag|Ergänzungsantrag|Änderungsantrag|Dringlichkeitsantrag|Beschlussvorlage|"
                            r"Sitzungsvorlage|BESCHLUSSVORLAGE|Beschlussvorschlag)\s*$", re.M)
FOLLOWUP_CUE = re.compile(r"Beschlusskontrolle|Sachstand|Umsetzung|Anfrage|Erledigung|berichte[nt]?\b|Stand der",
                          re.I)
FOLLOWUP_HEAD = re.compile(r"Beschlusskontrolle|Sachstand|Umsetzung|Anfrage|Erledigung", re.I)

BODY_NOUN = (r"(?:Stadtrat|Gemeinderat|Rat|Kreistag|Stadtverordnetenversammlung|Bürgerschaft|Ratsversammlung|"
             r"Hauptausschuss|Finanzausschuss|Verwaltungsausschuss|Ältestenrat|Ortsbeirat|Ortschaftsrat|Bezirksbeirat|"
             r"Stadtbezirksbeirat|Bezirksvertretung|Magistrat|Ausschuss|[A-ZÄÖÜ][a-zäöüß]+ausschuss)")
_PLACE = r"[A-ZÄÖÜ][\wäöüß-]+(?:\s+(?:im|am|an der|in der|ob der)\s+[A-ZÄÖÜ][\wäöüß-]+)?"
BODY_NAME = (BODY_NOUN + r"(?:\s+(?:der|des)\s+(?:Stadt|Landeshauptstadt|Bundesstadt|Hansestadt|Gemeinde|"
             r"Universitätsstadt|Kreisstadt|Großen Kreisstadt)\s+" + _PLACE +
             r"|\s+für\s+[A-ZÄÖÜ][\wäöüß-]+(?:(?:,\s*|\s+und\s+|\s+)[A-ZÄÖÜ][\wäöüß-]+){0,4})?")
_BODY_FULL = re.compile(BODY_NAME + r"(?:\s+" + _PLACE + r")?")
BODY_SUBJECT = re.compile(r"\b(?P<art>[Dd]er|[Dd]ie|[Dd]as)\s+(?P<body>" + BODY_NAME + r")(?![\wäöüß-])")
# what stands before a body that is the subject ('hat der Rat …', 'den der Rat … gefasst hat', ', der Rat')
_SUBJECT_BEFORE = re.compile(r"(?:^|[,;:(–]\s*|\b(?:hat|hatte|haben|hatten|wird|wurde|ist|war|sich|dass|den|die|das|"
                             r"welche|als|"
                             r"nachdem|sowie|und|legte|beschloss|beschließt|fasste|stimmte|lehnte|verabschiedete|"
                             r"bekundete|beauftragte|forderte|verurteilte|möge)\s+)$")
_VERB_AFTER = re.compile(r"\s+(?:beschließt|beschliesst|hat|hatte|beauftragt|fordert|bekundet|verurteilt|stimmt|lehnt|"
                         r"vertagt|verweist|bekräftigt|nimmt|appelliert|wird|möge|fasste|beschloss)\b")
# 'Stadtratssitzung' is a session, not a body: it names the body it belongs to
SESSION_BODY = re.compile(r"\b(?P<body>Stadtrat|Gemeinderat|Rat|Kreistag|Ortschaftsrat|Ortsbeirat)s"
                          r"(?:sitzung|tagung)\b|"
                          r"\bSitzung\s+(?:des|der)\s+(?P<body2>" + BODY_NOUN + r"(?:es|s)?)\b")

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX"]
_MONTH_WORD = r"(?:Jan|Feb|Mär|Mar|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)[a-zä]*\.?(?:\s|$)"
MARKER = re.compile(
    r"^(?P<junk>[\s'‘’.,:;|>=_~•·-]{0,3}?)(?P<q1>[„\"»]\s*)?"
    r"(?:(?P<word>Punkt|Ziffer|Beschlusspunkt|Nr\.)\s*(?P<wn>\d{1,3})\s*[:.)]?"
    r"|(?P<num>\d{1,3})\.(?!\d)(?!\s*" + _MONTH_WORD + r")"
    r"|(?P<paren>\d{1,3})\)"
    r"|\((?P<pnum>\d{1,3})\)"
    r"|(?P<alpha>[a-z])\)"
    r"|(?P<roman>[IVX]{1,5})\.)"
    r"(?:\s+|[-–.,:;](?=[„\"»])|(?=[„»]))(?P<q2>[„\"»]\s*)?(?=\S)")  # OCR: '3.-„Der', '2.„Der'
ZU_MARKER = re.compile(r"^Zu\s+(?:(?:Punkt|Ziffer|Nr\.|Beschlusspunkt)\s*)?(?P<n>\d{1,3}|[a-z]|[IVX]{1,5})"
                       r"\s*(?:\.\s*:?|:)\s+")
TOP_LINE = re.compile(r"^\s*(?:TOP\s*(?:Ö\s*)?|Tagesordnungspunkt\s+|Punkt\s+(?=\d{1,3}(?:\.\d{1,2})?\s+der\s+"
                      r"Tagesordnung))(?P<n>\d{1,3}(?:\.\d{1,2})?)\b", re.I)
BESCHLUSS_HEAD = re.compile(r"^\s*(?P<h>Beschluss(?:vorschlag|text|antrag|fassung)?|Wortlaut des Beschlusses|"
                            r"Beschlussempfehlung|Antrag an den \w+)\s*:\s*", re.I)
RESULT_HEAD = re.compile(r"^\s*(?:Abstimmungsergebnis|Abstimmung|Ergebnis)\s*:\s*", re.I)
OUTCOME_HEAD = re.compile(
    r"^\s*(?:Stand(?: der Umsetzung)?|Sachstand|Umsetzung(?:sstand)?|Erledigung(?:sstand)?|Vollzug|Status|"
    r"Bericht(?: der Verwaltung)?|Stellungnahme(?: der Verwaltung)?|Antwort(?: der Verwaltung)?|Ergebnis)\s*:\s*", re.I)
CLOSING = re.compile(r"^\s*(?:Mit freundlichen Grüßen|Mit besten Grüßen|Freundliche Grüße|Hochachtungsvoll|"
                     r"Im Auftrag\b|"
                     r"i\.\s?A\.|gez\.|Für die Richtigkeit|Ende des öffentlichen Teils|Anlagen?\s*:|"
                     r"Für Rückfragen|Wir bitten um Kenntnisnahme|Die nächste Beschlusskontrolle|Die Verwaltung wird "
                     r"(?:dem|den|der) \w+ (?:\w+ ){0,3}(?:erneut|weiter) (?:berichten|unterrichten))", re.I)
# a vote printed without a label under a decision ('Einstimmig beschlossen.', 'Gegen 3 Stimmen angenommen.')
RESULT_SENTENCE = re.compile(
    r"^(?:(?:Der|Die|Das)\s+(?:Antrag|Vorlage|Beschlussvorschlag|Beschluss|Resolution)\s+(?:wird|wurde|ist)\s+)?"
    r"[^.\n]{0,100}?\b(?:angenommen|abgelehnt|beschlossen|zugestimmt|vertagt|verwiesen|zur Kenntnis genommen)\s*\.?$|"
    r"^(?:einstimmig|mehrheitlich|\d{1,3}\s*:\s*\d{1,3}(?:\s*:\s*\d{1,3})?)\b[^.\n]{0,80}\.?$", re.I)
# a separately voted part of a result statement: a label, then the result ('Ziffer 1 a): Mehrheitliche Ablehnung
# (4 Ja, 35 Nein)', 'TOP 10.1: vertagt', 'Änderungsantrag GRÜNE: …'); the parts are the protocol reader's
RESULT_PART = re.compile(r"^[^:\n]{1,60}:\s*(?:[^\n]{0,40}?\b(?:einstimmig\w*|mehrheitlich\w*|Zustimmung|"
                         r"zugestimmt|Ablehnung|abgelehnt|Kenntnis\w*|verwiesen|Verweisung|vertagt|Vertagung|"
                         r"erledigt|Zusage|keine Abstimmung|angenommen)\b|\(?\d{1,3}\s*(?:Ja|JA)\b)", re.I)
SUBJECT_LINE = re.compile(r"^\s*(?:Betreff|Betr\.|Gegenstand|Bezug)\s*:")
SALUTATION = re.compile(r"^\s*(?:Sehr geehrte|Liebe[rs]?\b|Hallo\b|Guten Tag\b)")
PAGE_LINE = re.compile(r"^\s*(?:-\s*\d{1,3}\s*-|Seite\s+\d{1,3}(?:\s*(?:von|/)\s*\d{1,3})?|\d{1,3}|"
                       r".{0,60}\bSeite\s+\d{1,3})\s*$")
SESSION_LINE = re.compile(r"(?:Sitzung|Plenarsitzung|Tagung)\b[^\n]{0,60}?\b(?:am|vom)\s*$|Sitzung\s*[:,]\s*$", re.I)
REF_CUE = re.compile(r"(?:[Vv]orlagen?|[Dd]rucksache|Vorlagen-Nr\.?|Vorlage\s+Nr\.?|DS|Ds\.|[Bb]eschluss(?:es)?|"
                     r"\bunter|Antrag(?:\s+Nr\.)?)\s*(?:Nr\.?)?\s*:?\s*$")
REF = re.compile(r"(?<![\w/])(?P<r>(?:\\/|\\\\/|[A-Za-z]{1,4}[-/ ]?)?\d[\dOIl]{1,4}(?:/[\dOIl]{2,5}){1,2}"
                 r"|[A-Z]{1,4}-[A-Z]{1,4}-\d{2,6}|[A-Z]{1,4}/\d{2,5}/\d{2,4})(?![\w/])")

_SENT_END = re.compile(r"(?<=[.!?“”\"])\s+(?=[„\"]?[A-ZÄÖÜ])")
_NO_END = re.compile(r"(?:\b(?:Dr|Prof|Nr|Abs|Art|Ziff|bzw|ca|vgl|St|Hr|Fr|z\.B|u\.a|e\.V|i\.V|Az|Ing)\.|\b\d{1,2}\.|"
                     r"\b[A-Z]\.|\b(?:Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez)\.)$")
_OPEN_Q = "„»‚"
_CLOSE_Q = "“”«‘"


# --------------------------------------------------------------------------------------------- records

@dataclass
class Clause:
    start: int
    end: int
    item: Optional[str]
    kind: str
    text: str
    votes: Optional[str]
    body: Optional[str]
    date_span: Optional[tuple[int, int]]  # where the decision date is written, on this clause's page
    outcome: Optional[str]
    confidence: float
    result: Optional[str] = None  # zustimmung | ablehnung | kenntnisnahme | verweisung | vertagung
    votes_yes: Optional[int] = None
    votes_no: Optional[int] = None
    votes_abstain: Optional[int] = None
    unanimous: Optional[bool] = None
    referred_to: Optional[str] = None
    reference: Optional[str] = None  # the Vorlage/Drucksache the decision belongs to
    mention: bool = False  # a narrative report of a decision, not its text
    date: Optional[str] = None  # the decision date as the text writes it, normalised (YYYY-MM-DD)
    review_reason: str = ""


@dataclass
class Votes:
    result: Optional[str] = None
    yes: Optional[int] = None
    no: Optional[int] = None
    abstain: Optional[int] = None
    unanimous: Optional[bool] = None

    @property
    def legacy(self) -> Optional[str]:
        """The `votes` column as before: 'J Ja, N Nein, E Enthaltung(en)', 'einstimmig', 'mehrheitlich'."""
        if self.yes is not None and self.no is not None:
            s = f"{self.yes} Ja, {self.no} Nein"
            if self.abstain is not None:
                s += f", {self.abstain} Enthaltung" + ("" if self.abstain == 1 else "en")
            return s
        if self.unanimous is True:
            return "einstimmig"
        if self.unanimous is False:
            return "mehrheitlich"
        return None

    def any(self) -> bool:
        return any(v is not None for v in (self.yes, self.no, self.abstain, self.unanimous))


# --------------------------------------------------------------------------------------------- votes

_NUMW = {"kein": 0, "keine": 0, "keiner": 0, "ein": 1, "eine": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3,
         "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12}
_N = r"(\d{1,3}|" + "|".join(sorted(_NUMW, key=len, reverse=True)) + r")"
_YES = [re.compile(_N + r"\s*(?:Ja\b(?:-Stimmen)?|Jastimmen|Stimmen dafür|dafür\b|Für-Stimmen)", re.I),
        re.compile(r"\b(?:Ja|dafür|für|Zustimmung)\s*:\s*(\d{1,3})", re.I)]
_NO = [re.compile(_N + r"\s*(?:Nein\b(?:-Stimmen)?|Neinstimmen|Gegenstimmen?|dagegen\b|Stimmen dagegen)", re.I),
       re.compile(r"\b(?:Nein|dagegen|gegen|Ablehnung)\s*:\s*(\d{1,3})", re.I)]
_ABST = [re.compile(_N + r"\s*(?:Enthaltungen|Enthaltung|Stimmenthaltungen?)\b", re.I),
         re.compile(r"\b(?:Enthaltungen|Enthaltung|Stimmenthaltungen?)\s*:\s*(\d{1,3})", re.I)]
_TRIPLE = re.compile(r"(?<![\d.:/])(\d{1,3})\s*:\s*(\d{1,3})\s*:\s*(\d{1,3})(?![\d:/])")
_ZU = re.compile(r"\bmit\s+(\d{1,3})\s*(?:zu|:|gegen)\s*(\d{1,3})\s+Stimmen\b", re.I)
_RESULT_WORDS = [
    ("ablehnung", re.compile(r"\babgelehnt\b|\bAblehnung\b|\blehnt\b[^.]{0,150}\bab\b", re.I)),
    ("verweisung", re.compile(r"\bverwiesen\b|\bverweist\b(?![^.]{0,40}\bauf\b)|\bVerweisung\b|\büberwiesen\b", re.I)),
    ("vertagung", re.compile(r"\bvertagt\b|\bVertagung\b|\bzurückgestellt\b|\babgesetzt\b", re.I)),
    ("kenntnisnahme", re.compile(r"\bKenntnis\w*\b", re.I)),
    ("zustimmung", re.compile(r"\bangenommen\b|\bbeschlossen\b|\bzugestimmt\b|\bstimmt\b[^.]{0,150}\bzu\b|"
                              r"\bZustimmung\b|\bbeschließt\b|\beinverstanden\b|\bverabschiedet\b|\bgefasst\b", re.I)),
]


def _num(s: str) -> int:
    return int(s) if s.isdigit() else _NUMW[s.lower()]


def parse_votes(text: str) -> Votes:
    """Result and votes as a letter or protocol prints them ('einstimmig bei 2 Enthaltungen', '30:5:2',
    'mit 41 Ja-Stimmen bei 6 Gegenstimmen', 'mehrheitlich abgelehnt'). One small function on purpose: the
    protocol parser (results.parse_result) is meant to replace it."""
    v = Votes()
    t = re.sub(r"\s+", " ", text)
    m = _TRIPLE.search(t)
    if m:
        v.yes, v.no, v.abstain = (int(x) for x in m.groups())
    else:
        m = _ZU.search(t)
        if m:
            v.yes, v.no = int(m.group(1)), int(m.group(2))
        for attr, pats in (("yes", _YES), ("no", _NO), ("abstain", _ABST)):
            if getattr(v, attr) is not None:
                continue
            for pat in pats:
                mm = pat.search(t)
                if mm:
                    setattr(v, attr, _num(mm.group(1)))
                    break
    if re.search(r"\bohne Gegenstimmen?\b", t, re.I) and v.no is None:
        v.no = 0
    if re.search(r"\beinstimmig\b", t, re.I):
        v.unanimous = True
    elif re.search(r"\bmehrheitlich\b|\bmit (?:großer |knapper |breiter )?Mehrheit\b|\bgegen die Stimmen\b", t, re.I):
        v.unanimous = False
    elif v.no is not None:
        v.unanimous = v.no == 0
    for res, pat in _RESULT_WORDS:
        if pat.search(t):
            v.result = res
            break
    return v


def normalise_votes(raw: str) -> str:
    """'12 Ja, .3 Nein, 1 Enthaltung' (OCR specks) -> '12 Ja, 3 Nein, 1 Enthaltung'."""
    legacy = parse_votes(raw).legacy
    return legacy if legacy else re.sub(r"\s+", " ", raw.strip()).lower()


# --------------------------------------------------------------------------------------------- small helpers

def kind_of(segment: str) -> Optional[str]:
    """The kind of the first decision verb in the segment (a long point is what its first verb says)."""
    best = None
    for rank, (kind, pat) in enumerate(KINDS):
        m = pat.search(segment)
        if m and (best is None or (m.start(), rank) < best[0]):
            best = ((m.start(), rank), kind)
    return best[1] if best else None


def is_body_name(value: str) -> bool:
    """'Stadtrat Dresden', 'Rat der Stadt Dortmund', 'Ausschuss für Kultur und Tourismus' — not 'Stadtratssitzung'."""
    return bool(_BODY_FULL.fullmatch(value.strip()))


def canonical_body(body: str, orgs: list[tuple[str, str]]) -> Optional[str]:
    """A body as the document's ORG mentions name it canonically: `orgs` are (surface, value) pairs; the
    surface or value equal ('Stadtrat der Landeshauptstadt Dresden' -> 'Stadtrat Dresden'), else a value that
    is the body plus its place ('Stadtrat' -> 'Stadtrat Dresden'). A word that is no body name gives None."""
    for surface, value in orgs:
        if body in (surface, value):
            return value
    for _, value in orgs:
        if value.startswith(body + " ") and is_body_name(value):
            return value
    return body if is_body_name(body) else None


def body_of(text: str) -> Optional[str]:
    """The deciding body a sentence names as its subject, else the body whose session it names."""
    for m in BODY_SUBJECT.finditer(text):
        capital = m.group("art")[0].isupper()
        if m.group("body").startswith("Bürgerschaft") and not capital:
            continue  # 'der Bürgerschaft' is mostly the citizens
        if capital or _SUBJECT_BEFORE.search(text[max(0, m.start() - 40):m.start()]) or \
                _VERB_AFTER.match(text, m.end()):
            return m.group("body").strip()
    m = SESSION_BODY.search(text)
    if m:
        if m.group("body"):
            return m.group("body")
        b = m.group("body2")
        stem = re.sub(r"e?s$", "", b)
        return stem if re.fullmatch(BODY_NOUN, stem) else b
    return None


def normalise_ref(raw: str) -> Optional[str]:
    """'\\/2072/23' (OCR read V as \\/) -> 'V2072/23'; 'v 2072/23' -> 'V2072/23'; 'VO72/23' -> 'V072/23';
    'A0O547/24' (a zero echoed as O) -> 'A0547/24'."""
    s = raw.strip().replace("\\\\/", "V").replace("\\/", "V")
    s = re.sub(r"^([A-Za-z]{1,4})[ ]", r"\1", s)
    if re.fullmatch(r"[A-Z]{1,4}-[A-Z]{1,4}-\d{2,6}", s):
        return s
    m = re.match(r"^([A-Za-z]{0,4}?)([-/]?)([\dOIl].*)$", s)
    if not m:
        return None
    head, sep, tail = m.group(1).upper(), m.group(2), m.group(3)
    tail = re.sub(r"(\d)([OIl])(?=\d)", lambda mm: mm.group(1) if (mm.group(1), mm.group(2) in "Il") in
                  (("0", False), ("1", True)) else mm.group(0), tail)
    tail = tail.translate(str.maketrans({"O": "0", "I": "1", "l": "1"}))
    if sum(c.isdigit() for c in tail) < 3:
        return None
    return head + sep + tail


def references_in(text: str, cued_only: bool = False) -> list[str]:
    """File numbers of Vorlagen/Drucksachen in the text; digits-only numbers need a cue before them."""
    out = []
    for m in REF.finditer(text):
        raw = m.group("r")
        before = text[max(0, m.start() - 30):m.start()]
        cued = bool(REF_CUE.search(before)) or before.rstrip().endswith("(")
        letters = bool(re.match(r"(?:\\|[A-Za-z])", raw))
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}", raw) or re.match(r"\d{1,3}\.\d", raw):
            continue
        if re.search(r"(?:Zeichen|Az\.?|Aktenzeichen|Gz\.?|Tel\w*|Fax)\s*:?\s*$", before, re.I):
            continue
        if (cued_only and not cued) or (not letters and not cued):
            continue
        ref = normalise_ref(raw)
        if ref and ref not in out:
            out.append(ref)
    return out


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; German abbreviations and ordinals do not end one."""
    out = []
    a = start
    for m in _SENT_END.finditer(text, start, end):
        if _NO_END.search(text[max(a, m.start() - 8):m.start()]):
            continue
        if _inside_quote(text, a, m.start(), end):
            continue  # '„Der Rat beauftragt den. Oberbürgermeister, …“': a speck in a quotation ends nothing
        out.append((a, m.start()))
        a = m.end()
    out.append((a, end))
    return [(x, y) for x, y in out if text[x:y].strip()]


def _inside_quote(text: str, a: int, pos: int, end: int) -> bool:
    """Is pos inside a „…“ quotation that opened after a and closes before end (within the paragraph)?"""
    depth = 0
    for ch in text[a:pos]:
        if ch in "„»":
            depth += 1
        elif ch in "“”«\"" and depth:
            depth -= 1
    if depth <= 0:
        return False
    close = re.search(r"[“”«\"]|\n\s*\n", text[pos:end])
    return bool(close) and close.group(0) in "“”«\""


def _flat(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# what OCR leaves after a line's last word on a scan (speckle read as ': Ri', '; \\', '! : i i'): one to
# three tokens of punctuation or of one or two letters; never a point marker ('1.', 'a)')
_OCR_TAIL = re.compile(r"(?:\s+(?:[^\w\s]{1,3}|[A-Za-zÄÖÜäöü][a-zäöü]?))+$")


def _ends_colon(text: str) -> bool:
    """Does the text end with ':' (an introduction), also where OCR left a speckle tail after it?"""
    f = _flat(text)
    return f.endswith(":") or (":" in f[-12:] and _OCR_TAIL.sub("", f).endswith(":"))


# 'folgenden Beschluss gefasst hat.' / 'wie folgt beschlossen!': the words announce what follows, so the
# sentence introduces the points below it also where OCR read its colon as '.', '!' or ';'
_ANNOUNCE = re.compile(r"\bfolgende[nrs]?\s+(?:Beschl\w*|Resolution|Antr[aä]g\w*|Wortlaut)\b|\bwie\s+folgt\b", re.I)


def _announces(flat: str, nxt: Optional["_Para"]) -> bool:
    """A last sentence that announces the decision text and ends in '.', '!' or ';', above a quoted or
    numbered paragraph."""
    if nxt is None or not re.search(r"[.!;]$", flat):
        return False
    last = flat[flat.rfind(". ", 0, len(flat) - 1) + 1:]
    if not _ANNOUNCE.search(last):
        return False
    return _opening_quote(nxt.text) is not None or _marker(nxt.lines[0].text) is not None


def _roman_value(s: str) -> Optional[int]:
    return ROMAN.index(s) + 1 if s in ROMAN else None


def _first_date(text: str) -> Optional[tuple[int, int, str]]:
    for d in find_dates(text):
        if len(d.value) == 10:
            return d.start, d.end, d.value
    return None


def _last_date(text: str) -> Optional[tuple[int, int, str]]:
    full = [d for d in find_dates(text) if len(d.value) == 10]
    return (full[-1].start, full[-1].end, full[-1].value) if full else None


# --------------------------------------------------------------------------------------------- text model

@dataclass
class _Line:
    page: int
    start: int  # offsets into the joined document text
    end: int
    text: str
    skip: bool = False  # page number, running head: not part of any clause


@dataclass
class _Para:
    lines: list[_Line]

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


@dataclass
class _Marker:
    style: str
    value: str
    ordinal: int
    end: int  # offset in the line after the marker (and an opening quote)
    quoted: bool


# OCR reads a point's number as a letter ('ı.' for 1., 'A.' for 4.) or its period as a comma ('3,'); trusted
# only before an opening quote, the way a follow-up memo or resolution letter quotes its points
OCR_MARKER = re.compile(r"^(?P<junk>[\s'‘’.,:;|>=_~•·-]{0,3}?)(?P<n>[\dIlıiAS|]{1,2})(?P<p>[.,])\s*(?P<q>[„\"»])\s*(?=\S)")
_OCR_DIGIT = str.maketrans({"I": "1", "l": "1", "ı": "1", "i": "1", "|": "1", "A": "4", "S": "5"})


def _ocr_marker(line: str) -> Optional[_Marker]:
    m = OCR_MARKER.match(line)
    if not m:
        return None
    digits = m.group("n").translate(_OCR_DIGIT)
    if not digits.isdigit() or int(digits) == 0 or (digits == m.group("n") and m.group("p") == "."):
        return None  # a plain '3. „' is MARKER's
    return _Marker("num", digits, int(digits), m.end(), True)


# Inside an open numbered list OCR damages a point's number further ('{.', '[36]', 'ws .„Der', '2: ‚Der', '5..,Der');
# such a prefix is a marker only there, and only with evidence that a point starts (see _Finder._loose_marker)
LOOSE_MARKER = re.compile(r"^[\s'‘’.,:;|>=_~•·-]{0,3}(?P<tok>[^\s„\"»‚]{1,4}?)\s?(?P<p>[.,:;\]]{1,3}|(?<=\d)(?=\s*[„»‚]))"
                          r"\s*['‘’,.]*\s*(?P<q>[„\"»‚]{1,2}\s*)?(?=(?P<w>[A-ZÄÖÜ][\wäöüß]*))")
# ('[37 „Die …': a number whose point OCR lost, before the point's opening quote; its last character a digit)
_LOOSE_DIGIT = str.maketrans({"I": "1", "l": "1", "ı": "1", "i": "1", "|": "1", "{": "1", "[": "1", "!": "1",
                              "A": "4", "S": "5", "Z": "2", "z": "2", "O": "0", "o": "0", "B": "8", "G": "6"})


def _loose_number(line: str) -> Optional[int]:
    """The number a damaged marker reads as ('{.' → 1, 'A.' → 4), or None."""
    m = LOOSE_MARKER.match(line)
    if not m or sum(ch.isalnum() for ch in m.group("tok")) > 2:
        return None
    digits = re.sub(r"[^\w{\[|!]", "", m.group("tok")).translate(_LOOSE_DIGIT)
    return int(digits) if digits.isdigit() else None


def _opening_quote(text: str) -> Optional[int]:
    """Where the paragraph's opening quote is, also behind up to three characters of scan debris ("‘: „Der")."""
    m = re.match(r"\s*[^\w\s„\"»‚]{0,3}\s*([„\"»‚])(?=\s*[A-ZÄÖÜ])", text)
    return m.start(1) if m else None


def _first_word(text: str) -> str:
    m = re.match(r"[\s„\"»‚]*([A-ZÄÖÜ][\wäöüß-]*)", text)
    return m.group(1) if m else ""


def _marker(line: str) -> Optional[_Marker]:
    m = MARKER.match(line)
    if not m:
        return _ocr_marker(line)
    quoted = bool(m.group("q1") or m.group("q2"))
    if m.group("word"):
        return _Marker("word", m.group("wn"), int(m.group("wn")), m.end(), quoted)
    if m.group("num"):
        rest = line[m.end():]
        if re.match(r"(?:FC|Bundesliga|Klasse|Liga|Vorsitzende|Stock|OG)\b", rest):
            return None
        return _Marker("num", m.group("num"), int(m.group("num")), m.end(), quoted)
    if m.group("paren"):
        return _Marker("paren", m.group("paren"), int(m.group("paren")), m.end(), quoted)
    if m.group("pnum"):
        return _Marker("pnum", m.group("pnum"), int(m.group("pnum")), m.end(), quoted)
    if m.group("alpha"):
        return _Marker("alpha", m.group("alpha"), ord(m.group("alpha")) - 96, m.end(), quoted)
    r = _roman_value(m.group("roman"))
    return _Marker("roman", m.group("roman"), r, m.end(), quoted) if r else None


def _lines(texts: list[str]) -> tuple[str, list[_Line], list[int]]:
    doc = "\n".join(texts)
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    lines: list[_Line] = []
    for p, (t, base) in enumerate(zip(texts, starts)):
        page_lines = []
        off = 0
        for seg in t.split("\n"):
            page_lines.append(_Line(p, base + off, base + off + len(seg), seg))
            off += len(seg) + 1
        content = [ln for ln in page_lines if ln.text.strip()]
        for ln in content[:2] + content[-2:]:
            if PAGE_LINE.match(ln.text) and len(ln.text.strip()) < 70:
                ln.skip = True
        for ln in content:  # a running head inside a page ('Ergänzende Erläuterungen      Seite 10', 'Seite 3 von 5')
            if re.match(r"^\s*(?:-\s*\d{1,3}\s*-|Seite\s+\d{1,3}(?:\s*(?:von|/)\s*\d{1,3})?|.{0,60}\S\s{5,}Seite\s+"
                        r"\d{1,3})\s*$", ln.text):
                ln.skip = True
        lines.extend(page_lines)
    return doc, lines, starts


WIDTH_QUANTILE = 0.95  # a page's full line: this quantile of its line lengths (in characters)
FIT_SLACK = 0.0  # proportional fonts: a line may end this much (of the full width) short of the margin
LAST_REPORT_PARAS = 99  # after the last point, its report runs this many paragraphs (or to a closing formula)


def _full_width(lines: list[_Line]) -> float:
    """Characters in a full line of this page; a short page has too few lines for a quantile: its longest."""
    lens = sorted(len(ln.text.rstrip()) for ln in lines if len(ln.text.strip()) >= 30 and not ln.skip)
    if not lens:
        return 80.0
    if len(lens) < 12:
        return float(max(70, lens[-1]))
    return float(max(70, lens[int(WIDTH_QUANTILE * (len(lens) - 1))]))


def _starts_block(text: str) -> bool:
    return bool(_marker(text) or TOP_LINE.match(text) or BESCHLUSS_HEAD.match(text) or RESULT_HEAD.match(text) or
                OUTCOME_HEAD.match(text) or ZU_MARKER.match(text) or CLOSING.match(text))


def _paragraphs(lines: list[_Line]) -> list[_Para]:
    """Lines into paragraphs: a blank line, a marker or head, a line ending in ':' or a short line that ends a
    sentence close a paragraph (born-digital text has no blank lines; the short last line is the cue)."""
    widths: dict[int, float] = {}
    for p in {ln.page for ln in lines}:
        widths[p] = _full_width([ln for ln in lines if ln.page == p])
    paras: list[_Para] = []
    cur: list[_Line] = []
    prev: Optional[_Line] = None
    for ln in lines:
        if ln.skip:
            continue
        t = ln.text.strip()
        if not t:
            if cur:
                paras.append(_Para(cur))
                cur = []
            prev = None
            continue
        brk = False
        if cur and prev is not None:
            pt = prev.text.rstrip()
            short = len(pt) < 0.8 * widths[prev.page]
            # the first word of this line would have fitted on the last: that line ended its paragraph
            fitted = len(pt) + 1 + len(t.split()[0]) <= widths[prev.page] * (1 - FIT_SLACK)
            if _starts_block(t) or pt.endswith(":") or SALUTATION.match(t) or SALUTATION.match(prev.text) or \
                    SUBJECT_LINE.match(t):
                brk = True
            elif fitted and re.search(r"[.!?“”\"]$", pt):
                brk = True
            elif short and not re.search(r"[,;\-–]$", pt) and len(pt) < 0.55 * widths[prev.page] and \
                    not re.match(r"[a-zäöüß]", t):
                brk = True  # a heading, a name, a date line
        if brk:
            paras.append(_Para(cur))
            cur = []
        cur.append(ln)
        prev = ln
    if cur:
        paras.append(_Para(cur))
    return _glue_fragments(paras)


# a sentence's last word or quote that OCR set apart by a blank line ('… mit Krakau' / '“' / 'ZU.')
_FRAGMENT = re.compile(r"[“”\"'‚‘’„»«]*(?:[a-zäöüß][\w-]{1,7}|(?i:zu|ab|auf|an|vor|fest|bei|ein))?[.!?,;]?[“”\"'‚‘’»«]*[a-z]?")


def _glue_fragments(paras: list[_Para]) -> list[_Para]:
    """A paragraph that is only such a fragment continues the paragraph before it when that one's sentence
    has not ended."""
    out: list[_Para] = []
    for para in paras:
        t = para.text.strip()
        if out and len(para.lines) == 1 and len(t) <= 10 and _FRAGMENT.fullmatch(t) and \
                not re.search(r"[.!?:;]$", out[-1].text.strip().strip("“”\"'‚‘’„»« ")) and \
                out[-1].lines[-1].page == para.lines[0].page:
            out[-1] = _Para(out[-1].lines + para.lines)
            continue
        out.append(para)
    return out


# --------------------------------------------------------------------------------------------- the finder

@dataclass
class _Point:
    item: Optional[str]
    start: int
    spans: list[tuple[int, int]] = field(default_factory=list)  # point text pieces (document offsets)
    out_spans: list[tuple[int, int]] = field(default_factory=list)  # what became of it
    quoted: bool = False
    closed: bool = False  # its quotation has ended
    depth: int = 0
    review: str = ""


@dataclass
class _List:
    style: Optional[str]  # marker style of its points; 'none' for one unnumbered point
    next: int  # ordinal the next point must have
    date: Optional[tuple[int, int, str]]  # (doc start, doc end, ISO) where the decision date is written
    body: Optional[str]
    reference: Optional[str]
    votes: Votes
    result: Optional[str]
    followup: bool  # a report: text after a quoted point is what became of it
    points: list[_Point] = field(default_factory=list)
    subjectless: bool = False  # 'Der Rat' above the list, points start with the verb
    target: Optional[_Point] = None  # the point whose report is being read
    absorbed: list[tuple[int, Clause]] = field(default_factory=list)  # sentences that were part of the intro


class _Finder:
    """One pass over a document's paragraphs: protocol items, lists after an introduction, running text."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.doc, self.lines, self.starts = _lines(texts)
        self.paras = _paragraphs(self.lines)
        self.skips = [(ln.start, ln.end) for ln in self.lines if ln.skip]
        self.out: list[tuple[int, Clause]] = []  # (doc offset of start, clause)
        self.protocol = any(TOP_LINE.match(p.lines[0].text) for p in self.paras)
        self.session = self._session_date()
        self.gremium = self._gremium()
        self.head_refs = self._head_refs()
        self.head_followup = self._head_followup()
        self.proposal_doc = not self.protocol and bool(PROPOSAL_TITLE.search(self.doc[:600]))
        self.last_group: list[Clause] = []  # the rows of the list or 'Beschluss:' just read

    # ---- positions
    def page_of(self, pos: int) -> int:
        p = 0
        for i, s in enumerate(self.starts):
            if s <= pos:
                p = i
        return p

    def span_text(self, a: int, b: int) -> str:
        """Document text of [a, b) without page-number lines."""
        parts, pos = [], a
        for s, e in self.skips:
            if e <= a or s >= b:
                continue
            parts.append(self.doc[pos:max(pos, s)])
            pos = max(pos, e)
        parts.append(self.doc[pos:b])
        joined = re.sub(r"(?<=[a-zäöüß])-\s*\n\s*(?=[a-zäöüß])", "", " ".join(parts))  # 'vor-\ngetragen'
        return _flat(joined)

    # ---- document-level facts
    def _session_date(self) -> Optional[tuple[int, int, str]]:
        """The date in the head line that names the session (or in the line after it)."""
        head = self.doc[:2500]
        for m in re.finditer(r"[^\n]+", head):
            if re.search(r"\b(?:Sitzung|Plenarsitzung|Tagung|Niederschrift|Protokoll)\b", m.group(0), re.I):
                nxt = head.find("\n", m.end() + 1)
                d = _first_date(head[m.start():nxt if nxt > 0 else len(head)])
                if d:
                    return m.start() + d[0], m.start() + d[1], d[2]
        return None

    def _gremium(self) -> Optional[str]:
        """The body whose minutes these are: 'Gremium: …', else a body named in the head before the first item."""
        m = re.search(r"^\s*Gremium\s*:\s*(?P<g>[^\n]+)$", self.doc[:3000], re.M)
        if m:
            return _flat(m.group("g"))
        if self.protocol:
            first_top = next((p.start for p in self.paras if TOP_LINE.match(p.lines[0].text)), 0)
            m = re.search(r"(?<![\wäöüß-])(?P<g>" + BODY_NAME + r")(?![\wäöüß-])", self.doc[:first_top])
            if m and not m.group("g").startswith("Rat ") or (m and " der " in m.group("g")):
                return _flat(m.group("g"))
        m = re.search(r"Sitzung\s+(?:des|der)\s+(?P<g>" + BODY_NOUN + r"(?:es|s)?)\b", self.doc[:3000])
        if m:
            return re.sub(r"(rat)e?s$|(ausschuss)es$", r"\1\2", m.group("g"))
        return None

    def _head_paras(self) -> list[_Para]:
        out = []
        for p in self.paras[:30]:
            if _ends_colon(p.text) and INTRO_CUE.search(p.text):
                break
            out.append(p)
        return out

    def _head_refs(self) -> list[str]:
        """Vorlage numbers of the subject line ('Betreff: … zu Vorlage V2072/23', '… (Drucksache 2023/0838)')."""
        out: list[str] = []
        for p in self._head_paras():
            subject = bool(re.match(r"\s*(?:Betreff|Betr\.|Gegenstand|Thema)\s*:", p.text, re.I))
            for a, b in sentences(self.doc, p.start, p.end):
                t = self.doc[a:b]
                if DECISION_CUE.search(_cue(t)) and _first_date(t):
                    continue  # a sentence about a dated decision: its number is that decision's
                for r in references_in(t, cued_only=not subject):
                    if r not in out:
                        out.append(r)
        return out

    def _head_followup(self) -> bool:
        """A title or subject line that says this reports on decisions (Beschlusskontrolle, Sachstand, Anfrage)."""
        for p in self._head_paras():
            t = p.text
            if (len(p.lines) <= 2 or re.match(r"\s*(?:Betreff|Betr\.)", t)) and FOLLOWUP_HEAD.search(t):
                return True
        return False

    # ---- emitting
    def emit(self, start: int, end: int, item: Optional[str], kind: str, text: str, body: Optional[str],
             date: Optional[tuple[int, int, str]], conf: float, *, outcome: Optional[str] = None,
             votes: Optional[Votes] = None, result: Optional[str] = None, reference: Optional[str] = None,
             referred_to: Optional[str] = None, mention: bool = False, review: str = "") -> Clause:
        if not re.search(r"[^\W\d_]{3}", text):
            return Clause(0, 0, item, kind, text, None, body, None, outcome, conf)  # '1.' alone: no clause
        page = self.page_of(start)
        s_local = start - self.starts[page]
        e_local = min(len(self.texts[page]), end - self.starts[page])
        v = votes or Votes()
        date_span = None
        if date is not None and self.page_of(date[0]) == page:
            date_span = (date[0] - self.starts[page], date[1] - self.starts[page])
        c = Clause(s_local, max(s_local, e_local), item, kind, text, v.legacy, body, date_span, outcome, conf,
                   result=result, votes_yes=v.yes, votes_no=v.no, votes_abstain=v.abstain, unanimous=v.unanimous,
                   referred_to=referred_to, reference=reference, mention=mention, date=date[2] if date else None,
                   review_reason=review)
        self.out.append((start, c))
        return c

    # ---- running text
    def running(self, a0: int, b0: int, top: Optional[str], top_ref: Optional[str]) -> list[tuple[int, Clause]]:
        """Decision sentences outside lists (a protocol's 'Der Rat stimmt zu.', a press release's 'hatte …
        beschlossen'); returns what it emitted."""
        n0 = len(self.out)
        for a, b in sentences(self.doc, a0, b0):
            sent = self.span_text(a, b)
            cue = _cue(sent)
            if sent.endswith("?") or sent.endswith(":") or not DECISION_CUE.search(cue):
                continue
            body = body_of(sent)
            passive = re.search(r"\bwurden?\b[^.]{0,160}\b(?:beschlossen|verabschiedet|gefasst|zugestimmt|abgelehnt|"
                                r"vertagt)\b", cue)
            if body is None and not passive and not (self.protocol and top):
                continue
            mention = bool(PAST_CUE.search(cue)) and not re.search(_PRESENT, cue)
            d = _first_date(sent)
            if self.protocol and not mention:
                date = self.session
            else:
                date = None
                if d:
                    m = re.search(re.escape(sent[d[0]:d[1]]), self.doc[a:b])
                    date = (a + m.start(), a + m.end(), d[2]) if m else (a, a, d[2])
            refs = references_in(sent)
            v = parse_votes(sent)
            res = v.result or ("zustimmung" if mention else None)
            if not mention and not self.protocol:
                res = _clause_result(sent, kind_of(cue) or "beschluss")
            self.emit(a, b, top if self.protocol else None, kind_of(cue) or "beschluss", sent,
                      body or (self.gremium if self.protocol else None), date, 0.7 if mention else 0.75,
                      votes=v, result=res, reference=refs[0] if refs else (top_ref if not mention else None),
                      referred_to=_referred_to(sent) if res == "verweisung" else None, mention=mention)
        return self.out[n0:]

    # ---- lists
    def open_list(self, intro_text: str, intro_start: int, proposal: bool, earlier: list[tuple[int, Clause]],
                  prev: Optional[_Para], recent: list[tuple[int, Clause]], top_ref: Optional[str],
                  intro_para: Optional[tuple[int, int]] = None) -> _List:
        """`earlier`: decision sentences of the intro paragraph before its last sentence; `recent`: those of the
        paragraph just before. The ones that say when this decision was taken belong to the introduction."""
        d = _last_date(intro_text)
        date = (intro_start + d[0], intro_start + d[1], d[2]) if d else None
        absorbed: list[tuple[int, Clause]] = []
        if date is None:
            for pos, c in reversed(earlier):
                if c.date:
                    date = self._date_of(pos, c)
                    break
        if date is None and intro_para is not None and intro_para[0] < intro_start:
            a, b = intro_para[0], intro_start  # 'Der Beschluss, den der Rat am … gefasst hat. Dazu:'
            dd = _last_date(self.doc[a:b])
            if dd and (body_of(self.doc[a:b]) or DECISION_CUE.search(_cue(self.doc[a:b]))):
                date = (a + dd[0], a + dd[1], dd[2])
        if date is None and recent and recent[-1][1].date:
            pos, c = recent[-1]
            date = self._date_of(pos, c)
            absorbed.append(recent[-1])
            self.out = [x for x in self.out if x[1] is not c]
        context_body = None
        if date is None and prev is not None and body_of(prev.text) and not _marker(prev.lines[0].text):
            dd = _last_date(self.doc[prev.start:prev.end])
            if dd:  # 'Der Rat hat sich am … befasst.' above 'Beschluss:'
                date = (prev.start + dd[0], prev.start + dd[1], dd[2])
                context_body = body_of(prev.text)
        if date is None and self.protocol:
            date = self.session
        keep = [(p, c) for p, c in earlier if c.date and date and c.date != date[2]]
        absorbed += [(p, c) for p, c in earlier if (p, c) not in keep]
        self.out.extend(keep)
        refs = references_in(intro_text)
        if not refs:
            for _, c in absorbed:
                if c.reference:
                    refs = [c.reference]
        if not refs and intro_para is not None:  # 'Betreff: … V2072/23' run into the introduction
            for a, b in sentences(self.doc, intro_para[0], intro_start):
                t = self.doc[a:b]
                if not (DECISION_CUE.search(_cue(t)) and _first_date(t) and (a, b) not in
                        [(p, p + len(c.text)) for p, c in absorbed]):
                    refs = refs or references_in(t, cued_only=True)
        reference = refs[0] if refs else (top_ref or (self.head_refs[0] if self.head_refs else None))
        votes = parse_votes(intro_text)
        for _, c in absorbed:
            if not votes.any() and (c.votes_yes is not None or c.unanimous is not None):
                votes = Votes(None, c.votes_yes, c.votes_no, c.votes_abstain, c.unanimous)
        proposal = proposal or self.proposal_doc
        result = None if proposal else (votes.result if votes.result in ("ablehnung", "vertagung", "verweisung")
                                        else "zustimmung")
        votes.result = None
        followup = self.head_followup or bool(FOLLOWUP_CUE.search(intro_text))
        body = body_of(intro_text) or next((c.body for _, c in absorbed if c.body), None) or context_body or \
            (self.gremium if self.protocol else None)
        return _List(None, 1, date, body, reference, votes, result, followup, absorbed=absorbed)

    def _date_of(self, pos: int, c: Clause) -> tuple[int, int, str]:
        page = self.page_of(pos)
        if c.date_span:
            return self.starts[page] + c.date_span[0], self.starts[page] + c.date_span[1], c.date or ""
        return pos, pos, c.date or ""

    def close_list(self, lst: _List) -> None:
        n0 = len(self.out)
        self._close_points(lst)
        self.last_group = [c for _, c in self.out[n0:]]

    def _close_points(self, lst: _List) -> None:
        seen: set[tuple[Optional[str], str]] = set()
        for pt in lst.points:
            text = _flat(" ".join(self.span_text(a, b) for a, b in pt.spans))
            if pt.quoted:
                text = text.strip("„“”\"»« ")
            if not text or (pt.item, text) in seen:
                continue
            seen.add((pt.item, text))
            outcome = _flat(" ".join(self.span_text(a, b) for a, b in pt.out_spans)) or None
            if outcome:
                outcome = OUTCOME_HEAD.sub("", outcome, count=1).strip() or None
            cue = _cue(text)
            kind = kind_of(cue) or "beschluss"
            body = None if lst.subjectless else body_of(text)
            end = pt.spans[-1][1] if pt.spans else pt.start
            conf = 0.85 if lst.style else 0.75
            if pt.review:  # a number given twice: a typo, an OCR slip or a lost point; a person decides
                conf = min(conf, DOUBTFUL_POINT)
            self.emit(pt.start, end, pt.item, kind, text, body or lst.body, lst.date, conf,
                      outcome=outcome, votes=lst.votes, result=lst.result, reference=lst.reference,
                      review=pt.review)
        lst.points = []

    def run(self) -> None:
        paras = self.paras
        lst: Optional[_List] = None
        top: Optional[str] = None
        top_ref: Optional[str] = None
        pending_head = False  # 'Beschluss:' on a line of its own
        proposal = False
        result_next = False
        in_result = False  # just after 'Abstimmungsergebnis:': its separately voted parts follow
        recent: list[tuple[int, Clause]] = []  # decision sentences of the paragraph before
        prev: Optional[_Para] = None
        head_prev: Optional[_Para] = None
        k = 0
        while k < len(paras):
            para = paras[k]
            k += 1
            first, text = para.lines[0].text, para.text
            last_prev, prev = prev, para
            # -- protocol structure
            tm = TOP_LINE.match(first)
            if tm:
                lst = self._close(lst)
                top, pending_head, proposal, recent = tm.group("n"), False, False, []
                self.last_group = []
                refs = references_in(text, cued_only=True)
                top_ref = refs[0] if refs else None
                continue
            if top and re.match(r"\s*(?:Vorlage|Drucksache|Sitzungsvorlage|Vorlagen?-Nr|Beschlussvorlage)\b", first):
                refs = references_in(text, cued_only=True)
                top_ref = top_ref or (refs[0] if refs else None)
                continue
            rm = RESULT_HEAD.match(first)
            if rm and (top is not None or (lst is not None and not lst.followup)):
                lst = self._close(lst)
                rest = text[rm.end():]
                if rest.strip():
                    self._apply_result(rest)
                else:
                    result_next = True
                in_result = True
                continue
            if result_next:
                result_next = False
                self._apply_result(text)
                continue
            if in_result and RESULT_PART.match(_flat(text)) and len(_flat(text)) <= 240:
                continue  # 'Ziffer 2: Mehrheitliche Zustimmung (26 Ja, 18 Nein)': a part of the result, not a point
            in_result = False
            if CLOSING.match(first):
                lst = self._close(lst)
                continue
            hm = BESCHLUSS_HEAD.match(first)
            if hm and not (lst is not None and lst.points and lst.target is None and not lst.followup and
                           not _marker(first)):
                lst = self._close(lst)
                proposal = bool(PROPOSAL_CUE.search(hm.group("h") + ":"))
                rest_start = para.start + hm.end()
                if not self.doc[rest_start:para.end].strip():
                    pending_head, head_prev = True, last_prev
                    prev = last_prev
                    continue
                para = _Para([_Line(para.lines[0].page, rest_start, para.lines[0].end, first[hm.end():])] +
                             para.lines[1:])
                first, text = para.lines[0].text, para.text
                pending_head = True
            # -- inside a list
            if lst is not None:
                handled, ended = self._list_para(lst, para, paras, k)
                if handled:
                    continue
                if ended:
                    lst = self._close(lst)
            flat = _flat(text)
            mk = _marker(first)
            nxt = paras[k] if k < len(paras) else None
            intro = (_ends_colon(flat) or _announces(flat, nxt)) and not mk and \
                (bool(INTRO_CUE.search(flat)) or self._reports_on_quoted_points(flat, nxt))
            # -- 'Beschluss:' then a list, or the clause itself
            if pending_head:
                if _looks_like_heading(para) and not mk:  # 'Beschluss:' / 'Antrag an den Gemeinderat' / list
                    proposal = proposal or bool(PROPOSAL_CUE.search(flat))
                    continue
                pending_head = False
                if mk or intro or (_loose_number(first) == 1 and
                                   DECISION_CUE.search(_cue(_flat(text[:300])))):
                    lst = self._open_from(para, paras, k, proposal or bool(PROPOSAL_CUE.search(flat)),
                                          head_prev or last_prev, recent, top_ref, intro)
                    continue
                k = self._head_clause(para, paras, k, top, top_ref, proposal)
                continue
            # -- an introduction opens a list
            if intro:
                lst = self._open_from(para, paras, k, bool(PROPOSAL_CUE.search(flat)), last_prev, recent, top_ref,
                                      True)
                recent = []
                continue
            # -- 'Der Stadtrat der Stadt X' on a line of its own above points that start with their verb
            if k < len(paras) and _marker(paras[k].lines[0].text) and \
                    re.fullmatch(r"(?:Der|Die|Das)\s+" + BODY_NAME + r"(?:\s+" + _PLACE + r")?", flat):
                lst = self.open_list(flat, para.start, False, [], last_prev, recent, top_ref)
                lst.subjectless = True
                continue
            if self.last_group and len(flat) <= 160 and RESULT_SENTENCE.match(flat) and body_of(flat) is None:
                self._apply_result(flat)  # 'Gegen die Stimmen der Fraktion X angenommen.' under a decision
                self.last_group = []
                continue
            self.last_group = []
            recent = self.running(para.start, para.end, top, top_ref)
        self._close(lst)

    def _close(self, lst: Optional[_List]) -> None:
        if lst is not None:
            self.close_list(lst)
        return None

    def _open_from(self, para: _Para, paras: list[_Para], k: int, proposal: bool, prev: Optional[_Para],
                   recent: list[tuple[int, Clause]], top_ref: Optional[str], intro: bool) -> _List:
        """Open a list at an introduction paragraph, or at its first point (after 'Beschluss:')."""
        if not intro:
            lst = self.open_list("", para.start, proposal, [], prev, recent, top_ref)
            lst.body = lst.body or self.gremium
            self._list_para(lst, para, paras, k)
            return lst
        sents = sentences(self.doc, para.start, para.end)
        last_a = sents[-1][0] if sents else para.start
        earlier = self.running(para.start, last_a, None, top_ref) if last_a > para.start else []
        self.out = self.out[:len(self.out) - len(earlier)]
        return self.open_list(self.doc[last_a:para.end], last_a, proposal, earlier, prev, recent, top_ref,
                              (para.start, para.end))

    def _apply_result(self, text: str) -> None:
        """'Abstimmungsergebnis: …' belongs to the clause(s) of the item just decided."""
        if not self.out:
            return
        v = parse_votes(text)
        last = self.out[-1][1]
        group = [c for c in self.last_group if not c.mention] or \
            [c for _, c in self.out if c.item == last.item and not c.mention and c.votes is None] or [last]
        for c in group:
            if v.any():
                c.votes, c.votes_yes, c.votes_no, c.votes_abstain, c.unanimous = (v.legacy, v.yes, v.no, v.abstain,
                                                                                 v.unanimous)
            if v.result and v.result != "zustimmung":
                c.result = v.result
            elif v.result == "zustimmung" or v.any():
                c.result = c.result or "zustimmung"
            if c.result == "verweisung" and not c.referred_to:
                c.referred_to = _referred_to(text) or _referred_to(c.text)

    def _head_clause(self, para: _Para, paras: list[_Para], k: int, top: Optional[str], top_ref: Optional[str],
                     proposal: bool) -> int:
        """The clause after 'Beschluss:' runs to the result line, the next head or item; returns where it ends."""
        end, j = para.end, k
        while j < len(paras):
            t = paras[j].lines[0].text
            if _starts_block(t) or _looks_like_heading(paras[j]):
                break
            end = paras[j].end
            j += 1
        text = self.span_text(para.start, end)
        if text:
            cue = _cue(text)
            kind = kind_of(cue) or "beschluss"
            v = parse_votes(text)
            res = None if proposal or self.proposal_doc else _clause_result(text, kind)
            refs = references_in(text)
            c = self.emit(para.start, end, top, kind, text, body_of(text) or self.gremium,
                          self.session if self.protocol else None, 0.85, votes=v if v.any() else None, result=res,
                          reference=top_ref or (refs[0] if refs else (self.head_refs[0] if self.head_refs else None)),
                          referred_to=_referred_to(text) if res == "verweisung" else None)
            self.last_group = [c]
        return j

    def _ahead(self, lst: _List, paras: list[_Para], k: int) -> bool:
        """Is another point (or 'Zu n' report) of this list still to come before the list's text ends?"""
        for j in range(k, min(len(paras), k + 60)):
            t = paras[j].lines[0].text
            mk = _marker(t)
            if mk and mk.style == lst.style and mk.ordinal in (lst.next, lst.next - 1):
                return True
            if mk is None and lst.style == "num" and _loose_number(t) == lst.next:
                return True
            if lst.target is not None and ZU_MARKER.match(t):
                return True
            if TOP_LINE.match(t) or CLOSING.match(t) or BESCHLUSS_HEAD.match(t) or RESULT_HEAD.match(t):
                return False
            if not mk and _ends_colon(paras[j].text) and INTRO_CUE.search(paras[j].text):
                return False
        return False

    def _list_para(self, lst: _List, para: _Para, paras: list[_Para], k: int) -> tuple[bool, bool]:
        """Feed one paragraph to an open list; returns (taken, list ended)."""
        first = para.lines[0].text
        mk = _marker(first)
        cur = lst.points[-1] if lst.points else None
        doubt = ""
        if mk is None:
            mk, doubt = self._loose_marker(lst, para, cur)
        # 'Zu 3.:' — the report on point 3
        zu = ZU_MARKER.match(first)
        if zu and lst.points and not (mk and mk.quoted):
            target = next((p for p in lst.points if p.item == zu.group("n")), None)
            if target is not None:
                target.out_spans.append((para.start + zu.end(), para.end))
                lst.target, lst.followup = target, True
                return True, False
        if mk and mk.style == "num" and mk.ordinal == 2 and lst.style == "roman" and len(lst.points) == 1 and \
                lst.points[0].item == "I" and not self._has_sub_items(lst.points[0]):
            lst.style, lst.points[0].item = "num", "1"  # 'I.' then '2.': the first number was a '1.' OCR read as 'I'
        if mk and self._is_next(lst, mk, cur):
            if not lst.points and _flat(para.text).endswith("?"):
                self._abandon(lst)  # a list of questions, not of decisions
                return False, True
            lst.style = lst.style or mk.style
            pt = _Point(mk.value, para.start + mk.end, quoted=mk.quoted)
            if cur is not None and cur.quoted and not cur.closed and not mk.quoted:
                pt.quoted, pt.depth, cur.closed = True, cur.depth, True  # one quotation around the whole list
            if mk.ordinal == lst.next - 1:
                pt.review = f"item number {mk.value} repeats"
            pt.review = pt.review or doubt
            lst.points.append(pt)
            lst.next, lst.target = mk.ordinal + 1, None
            self._feed(lst, pt, para.start + mk.end, para.end)
            return True, False
        if mk and lst.style == mk.style and mk.ordinal == 1 and cur is not None:
            return False, True  # a new list starts
        if cur is None and not mk and k < len(paras) and _marker(paras[k].lines[0].text) and \
                re.fullmatch(r"(?:Der|Die|Das)\s+" + BODY_NAME + r"(?:\s+" + _PLACE + r")?", _flat(para.text)):
            lst.subjectless = True  # 'Der Rat der Stadt X' above points that start with their verb
            lst.body = body_of(_flat(para.text) + " beschließt") or lst.body
            return True, False
        if cur is None:
            if lst.style is None and not mk and not lst.subjectless and not _flat(para.text).endswith("?") and \
                    re.search(r"[.!“”\"]$", para.text.strip()) and not _looks_like_heading(para):
                q = _opening_quote(para.text)
                lead = q if q is not None else len(para.text) - len(para.text.lstrip())
                pt = _Point(None, para.start + lead, quoted=q is not None)
                lst.points.append(pt)
                lst.style = "none"
                self._feed(lst, pt, para.start + lead + (1 if pt.quoted else 0), para.end)
                return True, False
            self._abandon(lst)
            return False, True
        oh = OUTCOME_HEAD.match(first)
        if oh and not (cur.quoted and not cur.closed):
            lst.followup = True
            if para.text[oh.end():].strip():
                cur.out_spans.append((para.start + oh.end(), para.end))
                lst.target = cur
            else:
                lst.target = None  # a section head ('Bericht der Verwaltung:'): reports follow as 'Zu n'
            return True, False
        if mk and mk.style != lst.style and lst.target is None and not (cur.quoted and cur.closed):
            self._feed(lst, cur, para.start, para.end)  # a sub-item (a) b) under 1.)
            return True, False
        if cur.quoted and not cur.closed:
            self._feed(lst, cur, para.start, para.end)
            return True, False
        body = para.text.strip()
        if lst.style == "none" and cur.quoted and cur.closed and body[:1] in '„"»' and \
                self._point_evidence(lst, body, False):
            pt = _Point(None, para.start + para.text.index(body[0]), quoted=True)  # the next quoted paragraph
            lst.points.append(pt)
            lst.target = None
            self._feed(lst, pt, pt.start + 1, para.end)
            return True, False
        if self._unnumbered_point(lst, para, cur, paras, k):
            pt = _Point(str(lst.next), para.start, quoted=para.text.lstrip()[:1] in _OPEN_Q + '"',
                        review="point number not printed (inferred from its neighbours)")
            lst.points.append(pt)
            lst.next, lst.target = lst.next + 1, None
            lead = len(para.text) - len(para.text.lstrip())
            self._feed(lst, pt, para.start + lead + (1 if pt.quoted else 0), para.end)
            return True, False
        tgt = lst.target
        if tgt is None and cur.quoted and cur.closed and (lst.followup or self._ahead(lst, paras, k)):
            tgt = cur  # the first paragraph after a quoted point reports on it
        if tgt is not None:
            if _looks_like_heading(para) and not self._ahead(lst, paras, k):
                return False, True
            if self._ahead(lst, paras, k) or len(tgt.out_spans) < LAST_REPORT_PARAS:
                tgt.out_spans.append((para.start, para.end))
                lst.target, lst.followup = tgt, True
                return True, False
            return False, True
        if self._ahead(lst, paras, k) or not re.search(r"[.!?:;“”\"]$", self.doc[cur.spans[-1][0]:cur.spans[-1][1]]
                                                          .rstrip() if cur.spans else "."):
            cur.spans.append((para.start, para.end))  # a continuation of a long point ('2. folgende' / 'Satzung')
            return True, False
        if re.match(r"[a-zäöüß]", para.text.lstrip()) and not lst.followup:
            cur.spans.append((para.start, para.end))
            return True, False
        return False, True

    def _reports_on_quoted_points(self, flat: str, nxt: Optional[_Para]) -> bool:
        """'Zum Stand der Umsetzung wird wie folgt berichtet:' above a numbered, quoted point, in a memo whose
        head says it reports on decisions: an introduction also where OCR garbled its 'Beschlusspunkte'."""
        if nxt is None or not self.head_followup or not FOLLOWUP_CUE.search(flat):
            return False
        mk = _marker(nxt.lines[0].text)
        return mk is not None and mk.quoted and mk.ordinal == 1

    def _has_sub_items(self, pt: _Point) -> bool:
        """Did a paragraph of this point start with a marker of its own ('I. Antrag …' above '1. Der …')?"""
        return any(_marker(self.doc[a:b].lstrip()) is not None for a, b in pt.spans[1:])

    def _point_evidence(self, lst: _List, text: str, quoted: bool) -> bool:
        """Does this paragraph read like the next point of the list: quoted as the others are, starting with
        the word the earlier points start with ('Der Stadtrat …'), or with a decision verb?"""
        return (quoted and (not lst.points or any(p.quoted for p in lst.points))) or \
            (_first_word(text) in self._point_starts(lst)) or bool(DECISION_CUE.search(_cue(_flat(text[:300]))))

    def _point_starts(self, lst: _List) -> set[str]:
        """The first words the list's points start with ('Der' of 'Der Stadtrat …')."""
        return {_first_word(self.span_text(*p.spans[0])) for p in lst.points if p.spans} - {""}

    def _loose_marker(self, lst: _List, para: _Para, cur: Optional[_Point]) -> tuple[Optional[_Marker], str]:
        """A point number OCR damaged beyond `_marker`, read only inside a numbered list (or the list an
        introduction opened) and only where the paragraph reads like a point; returns the marker with the
        list's next number, and a review reason when the printed number does not read as that number."""
        if lst.style not in ("num", None) or (lst.style is None and cur is not None) or lst.subjectless:
            return None, ""
        first = para.lines[0].text
        if lst.style is None and _loose_number(first) is None:
            return None, ""  # "‘: „Der Rat …": debris before a quote opens no numbered list
        m = LOOSE_MARKER.match(first)
        if not m or sum(ch.isalnum() for ch in m.group("tok")) > 2:
            return None, ""
        rest = para.text[m.end():]
        if not self._point_evidence(lst, rest, bool(m.group("q"))):
            return None, ""
        tok = m.group("tok")
        doubt = "" if _loose_number(first) == lst.next else f"point number read as '{tok.strip()}'"
        quoted = bool(m.group("q")) or first[:m.end()].endswith(",")  # '5..,Der': the comma is a damaged '„'
        return _Marker("num", str(lst.next), lst.next, m.end(), quoted), doubt

    def _unnumbered_point(self, lst: _List, para: _Para, cur: _Point, paras: list[_Para], k: int) -> bool:
        """A point whose number OCR lost entirely: in a numbered list, after a finished point, a paragraph that
        starts as the list's points do, followed within three paragraphs by the number after the next."""
        if lst.style != "num" or lst.subjectless or not cur.spans or _marker(para.lines[0].text):
            return False
        if not re.search(r"[.!“”\"]\s*$", self.span_text(*cur.spans[-1])):
            return False
        quoted = para.text.lstrip()[:1] in _OPEN_Q + '"'
        if lst.followup and not quoted:
            return False  # a report paragraph, not a point
        if _first_word(para.text) not in self._point_starts(lst):
            return False
        for j in range(k, min(len(paras), k + 3)):
            nxt = paras[j].lines[0].text
            mk = _marker(nxt)
            n = mk.ordinal if mk is not None and mk.style == "num" else None if mk is not None else _loose_number(nxt)
            if mk is not None or n is not None:
                return n == lst.next + 1
        return False

    @staticmethod
    def _is_next(lst: _List, mk: _Marker, cur: Optional[_Point]) -> bool:
        if lst.style is None:
            return mk.ordinal == 1 or cur is None
        if mk.style != lst.style:
            return False
        return mk.ordinal == lst.next or (mk.ordinal == lst.next - 1 and cur is not None)

    def _abandon(self, lst: _List) -> None:
        """Not a list of decisions after all: the sentences the introduction took are rows again."""
        self.out.extend(x for x in lst.absorbed if x not in self.out)
        lst.absorbed = []

    def _feed(self, lst: _List, pt: _Point, a: int, b: int) -> None:
        """Point text from a to b; for a quoted point only up to its closing quote (the rest is the report)."""
        if not pt.quoted or pt.closed:
            pt.spans.append((a, b))
            return
        depth = pt.depth or 1
        for i in range(a, b):
            ch = self.doc[i]
            if ch in _OPEN_Q:
                depth += 1
            elif ch in _CLOSE_Q or ch == '"':
                depth -= 1
                if depth == 0:
                    pt.spans.append((a, i))
                    pt.closed, pt.depth = True, 0
                    rest = self.doc[i + 1:b]
                    lead = len(rest) - len(rest.lstrip())
                    frag = rest.strip()
                    if frag and len(frag.split()) <= 2 and len("".join(frag.split())) <= 10 and \
                            all(_FRAGMENT.fullmatch(t) for t in frag.split()) and \
                            not re.search(r"[.!?:;]\s*$", self.doc[a:i]):
                        pt.spans.append((i + 1 + lead, i + 1 + lead + len(frag)))  # '… mit Krakau“ ZU.'
                        return
                    if rest.strip() and (lst.followup or OUTCOME_HEAD.match(rest[lead:])):
                        pt.out_spans.append((i + 1 + lead, b))  # '„…“ Stand: …' on the same line
                        lst.target, lst.followup = pt, True
                    return
        pt.depth = depth
        pt.spans.append((a, b))


def _looks_like_heading(p: _Para) -> bool:
    t = p.text.strip()
    return len(p.lines) == 1 and len(t) < 60 and not re.search(r"[.;,!?“”\"]$", t)


def _cue(text: str) -> str:
    """The text with the full stops of dates, ordinals and abbreviations taken out, so that '[^.]' in a
    cue pattern does not stop at '31. Dezember' or 'e. V.'."""
    t = re.sub(r"(?<=\d)\.", "", text)
    return re.sub(r"\b(?:e\.\s?V|Nr|Dr|Prof|bzw|ca|vgl|z\.\s?B|u\.\s?a|Abs|Art|Ziff)\.",
                  lambda m: m.group(0).replace(".", ""), t)


def _clause_result(text: str, kind: str) -> str:
    if kind in ("ablehnung", "vertagung", "verweisung", "kenntnisnahme"):
        return kind
    r = parse_votes(text).result
    return r if r in ("ablehnung", "vertagung", "verweisung", "kenntnisnahme") else "zustimmung"


def _referred_to(text: str) -> Optional[str]:
    """'verweist die Vorlage … in den Finanzausschuss' -> 'Finanzausschuss'."""
    m = re.search(r"\b(?:in|an)\s+(?:den|die|das)\s+(?P<b>" + BODY_NAME + r")", text)
    return m.group("b").strip() if m else None


# --------------------------------------------------------------------------------------------- public API

def find_decisions_pages(texts: list[str]) -> list[list[Clause]]:
    """Decision clauses of a document, per page (a clause belongs to the page it starts on)."""
    if not texts:
        return []
    f = _Finder(texts)
    f.run()
    out: list[list[Clause]] = [[] for _ in texts]
    seen: set[tuple[int, int, int, str]] = set()
    for pos, c in sorted(f.out, key=lambda x: x[0]):
        page = f.page_of(pos)
        key = (page, c.start, c.end, c.text)
        if key in seen:
            continue
        seen.add(key)
        out[page].append(c)
    return out


def find_decisions(text: str, proposal: bool = False) -> list[Clause]:
    """Decision clauses of one page. `proposal`: a Beschlussvorlage, whose items are not yet decided."""
    out = find_decisions_pages([text])[0]
    if proposal:
        for c in out:
            c.result = None
    return out
