#!/usr/bin/env python3
"""Word statistics of real council language -> models/gazetteer/council_words.tsv (issue 15).

    python scripts/build_council_words.py [--data ../shared/data] [--out models/gazetteer/council_words.tsv]

Why: a general word list (wordfreq) says how frequent a string is, not how it is used; city names
are frequent there too. Council texts say how a capitalised word is *used*: an ordinary noun takes
an article or an adjective ("der Basis", "in der Lage", "schönem Wetter"), a function word also
appears in lower case ("man", "auch"), a place follows "in/aus/nach/Stadt" and takes no article.
The extraction stage reads these counts (pipeline/wordstats.py) to decide whether a gazetteer hit
that is also a word needs evidence before it is a place.

Input: the 1,500 documents of karlsruhe-protocols/council-corpus.jsonl.gz except the 20 annotated
in tests/real_gold/council-corpus, and the protocol texts of the *train* split (gold.jsonl). No dev
or test protocol and no annotated document is read. Output rows are sorted; a rebuild gives the
same bytes.

Columns: ``word`` (the capitalised form as written, e.g. ``Basis``), ``n_cap`` (occurrences written
so, not at a sentence or line start), ``n_lower`` (occurrences of the same letters in lower case),
``after_det`` (of ``n_cap``: right after an article, determiner, possessive or article-contraction
such as ``der``/``im``/``unserer``), ``after_adj`` (after another lower-case word that is neither a
determiner nor a preposition: mostly adjectives), ``after_cue`` (after a place cue: ``in``, ``aus``,
``nach``, ``Stadt``, ``Partnerstadt`` …). Kept: words with ``n_cap + n_lower >= 3``.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORD = re.compile(r"[A-Za-zÄÖÜäöüßÀ-ÖØ-öø-ÿĀ-žА-яЁё]+(?:-[A-Za-zÄÖÜäöüßÀ-ÖØ-öø-ÿĀ-žА-яЁё]+)*")
DETERMINERS = frozenset("""der die das den dem des ein eine einer einem eines einen kein keine keiner keinem keines
keinen dieser diese dieses diesem diesen jeder jede jedes jedem jeden unser unsere unserer unserem unseres unseren
ihr ihre ihrer ihrem ihres ihren sein seine seiner seinem seines seinen mein meine meiner meinem dein deine welche
welcher welches welchem welchen im am zum zur vom beim ins ans aufs durchs fürs übers ums""".split())
PREPOSITIONS = frozenset("""ab an auf aus außer bei bis durch für gegen hinter in mit nach neben ohne seit über um
unter von vor während wegen zu zwischen gemäß laut trotz innerhalb außerhalb oberhalb unterhalb entlang samt
sowie und oder bzw sowohl als wie""".split())
# words before a place name that say it is one (as pipeline cues.place, plus Ortsteil words)
PLACE_CUES = frozenset("""in aus nach bei von zwischen Stadt Gemeinde Partnerstadt Hauptstadt Landeshauptstadt
Region Oblast Städtepartnerschaft Stadtteil Ortsteil Ortschaft Stadtbezirk""".split())


def council_texts(data: Path) -> list[str]:
    """The council corpus minus the annotated documents, and the train-split protocols."""
    root = data / "karlsruhe-protocols"
    gold = {int(p.stem) for p in (ROOT / "tests" / "real_gold" / "council-corpus").glob("*.json")}
    texts = []
    with gzip.open(root / "council-corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i not in gold:
                texts.append(json.loads(line)["text"])
    for line in (root / "gold.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["split"] == "train":
            texts.append((root / row["file"]).read_text(encoding="utf-8"))
    return texts


def count(texts: list[str]) -> dict[str, Counter]:
    stats: dict[str, Counter] = {}
    lower: Counter = Counter()
    for text in texts:
        prev = None
        prev_end = 0
        for m in WORD.finditer(text):
            w = m.group(0)
            gap = text[prev_end:m.start()]
            start_of_unit = prev is None or "\n" in gap or re.search(r"[.!?:;•–]\s*$", gap) is not None
            if w[0].islower():
                lower[w] += 1
            elif len(w) > 1 and w[1:].replace("-", "").islower() and not start_of_unit:
                c = stats.setdefault(w, Counter())
                c["n_cap"] += 1
                p = prev if re.fullmatch(r"\s*", gap) or re.fullmatch(r"\s+", gap) else None
                if p is not None:
                    if p in PLACE_CUES:
                        c["after_cue"] += 1
                    elif p in DETERMINERS:
                        c["after_det"] += 1
                    elif p[0].islower() and p not in PREPOSITIONS:
                        c["after_adj"] += 1
            prev, prev_end = w, m.end()
    for w, c in stats.items():
        c["n_lower"] = lower.get(w.lower(), 0)
    # words only ever written in lower case are ordinary words too ('man' at a line start is 'Man')
    for w, n in lower.items():
        cap = w[:1].upper() + w[1:]
        if cap not in stats and n >= 3:
            stats[cap] = Counter(n_lower=n)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "gazetteer" / "council_words.tsv")
    args = ap.parse_args()
    texts = council_texts(args.data)
    stats = count(texts)
    cols = ("n_cap", "n_lower", "after_det", "after_adj", "after_cue")
    lines = ["# council word statistics, built by scripts/build_council_words.py from "
             f"{len(texts)} council texts (karlsruhe-protocols: corpus minus annotated, train protocols)",
             "word\t" + "\t".join(cols)]
    kept = 0
    for w in sorted(stats):
        c = stats[w]
        if c["n_cap"] + c["n_lower"] < 3:
            continue
        lines.append(w + "\t" + "\t".join(str(c[k]) for k in cols))
        kept += 1
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(texts)} texts -> {kept} words -> {args.out}")


if __name__ == "__main__":
    main()
