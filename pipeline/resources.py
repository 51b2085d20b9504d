"""What every stage reads but no document changes: loaded once per worker, passed explicitly.

The parent process loads one `Resources` and forked workers inherit it (copy-on-write), so a
worker that is replaced starts in milliseconds; a Dask worker loads its own once (executors.py).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Optional

from spacy.language import Language

from .config import Settings
from .correct import Corrector
from .correct import Resources as CorrectionResources
from .errors import EnvironmentProblem
from .gazetteer import Gazetteer, load_gazetteer
from .lexicon import load_lexicon
from .ocr import OcrEngine, TesseractEngine, tesseract_available

EngineFactory = Callable[[], OcrEngine]


@dataclass
class Resources:
    settings: Settings
    engine: OcrEngine
    lexicon: dict[str, float]
    gazetteer: Gazetteer
    nlp: Language
    extra: Optional[Language] = None  # a user's spaCy pipeline whose NER is an extra signal
    learned: dict[str, str] = field(default_factory=dict)  # reviewers' repairs: OCR reading -> value
    page_threads: int = 1  # threads that OCR the pages of one document

    @property
    def correction(self) -> CorrectionResources:
        return CorrectionResources(self.gazetteer, self.lexicon)

    @classmethod
    def load(cls, settings: Settings, engine_factory: Optional[EngineFactory] = None) -> "Resources":
        """Models, gazetteers and the OCR engine, with their first-use costs paid here (~2 s:
        correction indexes, spaCy's lazy tables) so that forked workers inherit them warm."""
        from .extract import nlp as nlp_mod

        os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract's own threads are 4-8x slower on few cores
        engine = engine_factory() if engine_factory else TesseractEngine(settings.lang, settings.psm)
        gazetteer = load_gazetteer(str(settings.models_dir))
        res = cls(settings=settings, engine=engine, lexicon=load_lexicon(str(settings.models_dir)),
                  gazetteer=gazetteer, nlp=nlp_mod.load(str(settings.models_dir)),
                  extra=nlp_mod.load_extra(settings.extra_spacy_model) if settings.extra_spacy_model else None,
                  learned=dict(gazetteer.learned))
        Corrector(res.correction, settings)
        res.nlp("Der Stadtrat Dresden hat am 31. März 2022 beschlossen.")
        return res


def check_environment(settings: Settings) -> None:
    """Tesseract, its language model and models/ are there: checked once, before any file is opened."""
    ok, why = tesseract_available(settings.lang)
    if not ok:
        raise EnvironmentProblem(
            f"{why}. Install it with: sudo apt-get install -y tesseract-ocr tesseract-ocr-{settings.lang} "
            f"(or run `make setup`).")
    if not (settings.models_dir / "gazetteer").is_dir():
        raise EnvironmentProblem(f"models folder {settings.models_dir} has no gazetteer/: "
                                 f"run `python scripts/build_models.py` or use a complete checkout")
