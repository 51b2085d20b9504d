"""Learned repairs: a reviewer's name repair that later runs make without asking.

A reviewer's answer applies to one document; a learned repair applies to every later run, so it
must be (a) a plausible repair of what OCR read, not another word typed over it (the OCR-weighted
score of pipeline/correct.py above a floor, the same number of words, letters only), (b) safe to
keep in a tab-separated file (no tab, newline or other control character, nothing that a
spreadsheet would run as a formula), and (c) signed: who answered and when, so that the
corrections row of every later repair can say whose repair it repeats.

`check_learned` is the one gate: `review_apply` calls it before writing, the corrector when
loading (`read_learned`), so a repair typed into the file by hand gets the same check as one
from the review app. What fails it is a `Rejection`: never written, never applied; the answer
itself still holds for its own document.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .correct import ocr_score
from .gazetteer import norm
from .records import Correction

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one apply at a time is the user's affair
    fcntl = None

log = logging.getLogger("ratsakten.learned")

# Below it, a typed value is not an OCR repair of the reading but another word. 70 is also the
# corrector's floor for considering a candidate (Settings.correct_floor). Real OCR errors of the
# EHRI and FoNDUE scans (evaluation/learned_floor.py; train / dev / test by document): kept
# 75 % / 74 % / 87 % of the word repairs, let in 0 of 65 / 106 / 46 other words of similar length.
# What 65-70 would add is one letter of a three-letter word (aie -> die, der -> des, von -> son):
# function words, where a repair made on every later run without asking does the most harm.
LEARN_FLOOR = 70.0
MAX_WORDS = 3  # the corrector looks learned repairs up over at most three words
# new files; a file's own header wins when appending (models/gazetteer/learned.tsv keeps
# `original corrected source added_at`, which scripts/build_gazetteers.py checks)
COLUMNS = ["original", "corrected", "source", "when", "who", "score"]
FORMULA_START = tuple("=+-@")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # letters, inner hyphen or apostrophe: Müller-Lüdenscheidt


@dataclass(frozen=True)
class LearnedRepair:
    """A repair later runs may make without asking, and whose it is."""
    original: str  # what OCR read (one to three words)
    corrected: str  # what the reviewer says it is
    who: str
    when: str  # ISO 8601, as the answer store records it
    score: float  # ocr_score(original, corrected), the lowest over its words

    @property
    def source(self) -> str:
        return f"review:{self.who}"

    def reason(self) -> str:
        """The corrections row's reason: a learned repair never passes unsigned."""
        return (f"'{self.original}' corrected to '{self.corrected}': learned repair, as {self.who} answered "
                f"at {self.when}")


@dataclass(frozen=True)
class Rejection:
    """A repair that is not learned, and why (shown to whoever applies the answers)."""
    original: str
    corrected: str
    who: str
    when: str
    why: str
    score: float | None = None


def _unsafe(value: str) -> str | None:
    """Why a value may not go into a TSV line that a spreadsheet may open, or None."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):  # tab, newline, NUL, U+2028, bidi marks
            return f"has a control character (U+{ord(ch):04X})"
    if value.startswith(FORMULA_START):
        return f"starts with '{value[0]}' (a spreadsheet formula)"
    return None


def _clean(value: object) -> str:
    """As the gazetteer keys its words (NFC, one apostrophe), so that the check sees what is looked up."""
    return norm(value) if isinstance(value, str) else ""


def check_learned(original: str, corrected: str, who: str, when: str,
                  floor: float = LEARN_FLOOR) -> LearnedRepair | Rejection:
    """Is `corrected` a repair of the OCR reading `original` that later runs may make by themselves?"""
    raw = {"reading": original, "repair": corrected, "reviewer": who, "time": when}
    original, corrected, who, when = (_clean(x) for x in raw.values())

    def no(why: str, score: float | None = None) -> Rejection:
        return Rejection(original, corrected, who, when, why, score)

    for (name, value), clean in zip(raw.items(), (original, corrected, who, when)):
        if not clean:
            return no(f"no {name}")
        bad = _unsafe(value if isinstance(value, str) else "") or _unsafe(clean)  # a tab anywhere, even at the end
        if bad:
            return no(f"{name} {bad}")
    if original.startswith("#"):
        return no("reading starts with '#' (a comment line in the file)")
    try:
        datetime.fromisoformat(when)
    except ValueError:
        return no(f"time '{when}' is not ISO 8601")
    a, b = original.split(), corrected.split()
    if " ".join(a) != original or " ".join(b) != corrected:
        return no("more than one space between words")
    if len(a) != len(b):
        return no(f"{len(b)} word(s) typed for {len(a)} read: an OCR repair keeps the words")
    if len(a) > MAX_WORDS:
        return no(f"more than {MAX_WORDS} words")
    if original == corrected:
        return no("nothing to repair")
    if not any(c.isalpha() for c in original):
        return no("the reading has no letters")
    for word in b:
        if not _NAME_WORD.fullmatch(word):
            return no(f"'{word}' is not letters only")
    score = min(ocr_score(x, y) for x, y in zip(a, b))
    if score < floor:
        return no(f"OCR-weighted similarity {score:.0f} < {floor:.0f}: another word, not a repair of the reading",
                  round(score, 1))
    return LearnedRepair(original, corrected, who, when, round(score, 1))


def correction(repair: LearnedRepair, page: int, original_text: str, corrected_text: str) -> Correction:
    """The corrections row of a learned repair made on a later run: applied, not asked again, signed."""
    return Correction(page, -1, -1, original_text, corrected_text, 1.0, "learned", applied=True,
                      needs_review=False, reason=repair.reason())


# ---------------------------------------------------------------- the file

@dataclass
class LearnedFile:
    """What a learned-repairs file holds: repairs by reading (a later line wins), and what was refused."""
    repairs: dict[str, LearnedRepair] = field(default_factory=dict)
    refused: list[Rejection] = field(default_factory=list)


def _who_when(row: dict) -> tuple[str, str]:
    """who/when, also from the legacy columns: source 'review:NAME', added_at."""
    who = row.get("who") or ""
    source = row.get("source") or ""
    if not who and source.startswith("review:"):
        who = source[len("review:"):]
    return who, row.get("when") or row.get("added_at") or ""


_EXTRA = "\0extra"


def _rows(text: str) -> csv.DictReader:
    lines = (line for line in io.StringIO(text) if not line.startswith("#"))
    return csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, restkey=_EXTRA, restval="")


def read_learned(path: Path, floor: float = LEARN_FLOOR) -> LearnedFile:
    """Every line through check_learned; a line with a stray tab (extra columns) is refused whole."""
    out = LearnedFile()
    path = Path(path)
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as fh:
        for row in _rows(fh.read()):
            who, when = _who_when(row)
            if _EXTRA in row:
                got = Rejection(row.get("original") or "", row.get("corrected") or "", who, when,
                                "wrong number of columns (a tab inside a value)")
            else:
                got = check_learned(row.get("original") or "", row.get("corrected") or "", who, when, floor)
            if isinstance(got, LearnedRepair):
                out.repairs[got.original] = got
            else:
                out.refused.append(got)
    for r in out.refused:
        log.warning("%s: not applying %r -> %r: %s", path, r.original, r.corrected, r.why)
    return out


def _line(header: list[str], repair: LearnedRepair) -> str:
    values = {"original": repair.original, "corrected": repair.corrected, "source": repair.source,
              "when": repair.when, "added_at": repair.when, "who": repair.who, "score": f"{repair.score:.1f}"}
    return "\t".join(values.get(col, "") for col in header) + "\n"


def append_learned(path: Path, repairs: list[LearnedRepair | Rejection]) -> tuple[int, list[Rejection]]:
    """Append the repairs whose reading and repair are not in the file yet; atomic, one writer at a time.

    Each one is checked again here (defused on write as on read): a Rejection, or a repair that
    no longer passes, is returned, never written. Returns (lines written, refused)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    refused: list[Rejection] = []
    good: list[LearnedRepair] = []
    for r in repairs:
        again = check_learned(r.original, r.corrected, r.who, r.when) if isinstance(r, LearnedRepair) else r
        (good if isinstance(again, LearnedRepair) else refused).append(again)
    if not good:
        return 0, refused
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two `apply` at once: neither loses the other's lines
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        first = next((line for line in old.splitlines() if line.strip() and not line.startswith("#")), "")
        header = first.split("\t") if first else COLUMNS
        have = {(_clean(row.get("original")), _clean(row.get("corrected"))) for row in _rows(old)}
        buf = io.StringIO()
        if old and not old.endswith("\n"):
            buf.write("\n")
        if not first:
            buf.write("\t".join(COLUMNS) + "\n")
        n = 0
        for r in good:
            if (r.original, r.corrected) not in have:
                have.add((r.original, r.corrected))
                buf.write(_line(header, r))
                n += 1
        if n:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(old + buf.getvalue(), encoding="utf-8")
            os.replace(tmp, path)
    for r in refused:
        log.warning("not learned: %r -> %r (%r at %r): %s", r.original, r.corrected, r.who, r.when, r.why)
    return n, refused


# ---------------------------------------------------------------- where they live

# A run's learned repairs come from two files: the output folder's own (OUT/learned.tsv, written
# by `cli.py apply`, never tracked by git) and the promoted ones every output folder shares
# (models/gazetteer/learned.tsv, written only by `cli.py learned OUT --promote`). A reading a
# user took back (`cli.py learned OUT --undo READING`) is listed in OUT/learned-undone.tsv: it is
# not applied in that folder, and `apply` does not learn it again from the same answer.
OUT_FILE = "learned.tsv"
UNDONE_FILE = "learned-undone.tsv"
MODELS_FILE = Path("gazetteer") / "learned.tsv"
UNDONE_COLUMNS = ["original", "when"]


def undone(out_dir: Path | None) -> set[str]:
    """The readings taken back in this output folder."""
    path = Path(out_dir) / UNDONE_FILE if out_dir is not None else None
    if path is None or not path.exists():
        return set()
    return {_clean(row.get("original")) for row in _rows(path.read_text(encoding="utf-8"))} - {""}


def repairs_for_run(models_dir: Path, out_dir: Path | None) -> dict[str, LearnedRepair]:
    """Reading -> repair: the promoted ones, then the output folder's (which win), minus the undone."""
    got = dict(read_learned(Path(models_dir) / MODELS_FILE).repairs)
    if out_dir is not None:
        got.update(read_learned(Path(out_dir) / OUT_FILE).repairs)
    for reading in undone(out_dir):
        got.pop(reading, None)
    return got


def undo(out_dir: Path, models_dir: Path, reading: str, when: str | None = None) -> LearnedRepair | None:
    """Take a learned repair back in OUT: drop its lines from OUT/learned.tsv and list the reading in
    OUT/learned-undone.tsv (so a promoted repair is masked too and `apply` does not learn it again).
    Returns the repair that was in force, or None (nothing to undo; nothing written)."""
    out_dir = Path(out_dir)
    reading = _clean(reading)
    was = repairs_for_run(models_dir, out_dir).get(reading)
    if was is None:
        return None
    path = out_dir / OUT_FILE
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        data = [i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
        body = set(data[1:])  # the first data line is the header
        kept = [line for i, line in enumerate(lines) if i not in body or _clean(line.split("\t", 1)[0]) != reading]
        if len(kept) != len(lines):
            _write_atomic(path, "".join(kept))
    undone_path = out_dir / UNDONE_FILE
    old = undone_path.read_text(encoding="utf-8") if undone_path.exists() else "\t".join(UNDONE_COLUMNS) + "\n"
    if not old.endswith("\n"):
        old += "\n"
    when = when or datetime.now().astimezone().isoformat(timespec="seconds")
    _write_atomic(undone_path, old + f"{reading}\t{when}\n")
    return was


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def promote(out_dir: Path, models_dir: Path) -> tuple[int, list[Rejection]]:
    """Copy OUT's learned repairs (not the undone ones) into the shared models/gazetteer/learned.tsv."""
    mine = read_learned(Path(out_dir) / OUT_FILE).repairs
    gone = undone(out_dir)
    return append_learned(Path(models_dir) / MODELS_FILE, [r for k, r in mine.items() if k not in gone])
