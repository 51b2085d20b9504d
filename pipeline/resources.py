"""What every stage reads but no document changes: loaded once per worker, passed explicitly.

The parent process loads one `Resources` and forked workers inherit it (copy-on-write), so a
worker that is replaced starts in milliseconds; a Dask worker loads its own once (executors.py).
"""
from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:  # spaCy is imported where a model is loaded: a re-run from the cache never loads it
    from spacy.language import Language

from . import startup_cache
from .config import Settings
from .correct import CandidateIndex, CorrectionSettings
from .errors import EnvironmentProblem
from .gazetteer import Gazetteer
from .ocr import OcrEngine, TesseractEngine, tesseract_available

EngineFactory = Callable[[], OcrEngine]


@dataclass
class Resources:
    settings: Settings
    engine: OcrEngine
    lexicon: dict[str, float]
    gazetteer: Gazetteer
    nlp: Language
    correction_index: CandidateIndex
    correction_settings: CorrectionSettings
    extra: Optional[Language] = None  # a user's spaCy pipeline whose NER is an extra signal
    learned: dict[str, str] = field(default_factory=dict)  # reviewers' repairs: OCR reading -> value
    page_threads: int = 1  # threads that OCR the pages of one document

    @classmethod
    def load(cls, settings: Settings, engine_factory: Optional[EngineFactory] = None) -> "Resources":
        """Models, gazetteers and the OCR engine, with their first-use costs paid here (~2 s:
        correction indexes, spaCy's lazy tables) so that forked workers inherit them warm."""
        from .extract import nlp as nlp_mod

        os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract's own threads are 4-8x slower on few cores
        _one_blas_thread()
        engine = engine_factory() if engine_factory else TesseractEngine(settings.lang, settings.psm)
        correction = settings.correction
        gazetteer, lexicon, index = startup_cache.load(settings.models_dir, correction)
        res = cls(settings=settings, engine=engine, lexicon=lexicon, gazetteer=gazetteer,
                  nlp=nlp_mod.load(str(settings.models_dir)),
                  correction_index=index,
                  correction_settings=correction,
                  extra=nlp_mod.load_extra(settings.extra_spacy_model) if settings.extra_spacy_model else None,
                  learned=learned_for_run(settings))
        res.nlp("Der Stadtrat Dresden hat am 31. März 2022 beschlossen.")
        _warm_lazy_tables(res)
        return res


def _one_blas_thread() -> None:
    """The NER's matrix products run in numpy's BLAS (extract/nlp.py): one thread each, since the
    cores belong to the worker processes (a BLAS thread pool per worker only fights over them and,
    on the small matrices of a page, spends more time waking threads than multiplying)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn brings it; without it BLAS keeps its own default
        return
    threadpool_limits(limits=1, user_api="blas")


def _warm_lazy_tables(res: "Resources") -> None:
    """Tables the stages load on first use, loaded here before the fork: otherwise every worker
    reads them again in its first document (~0.5 s each: the word statistics of the rule component,
    the review stage's calibration tables). All are read-only and memoised by their loaders."""
    from . import calibrate

    models = str(res.settings.models_dir)
    rules = res.nlp.get_pipe("ratsakten_rules") if "ratsakten_rules" in res.nlp.pipe_names else None
    if rules is not None and hasattr(rules, "words"):
        rules.words  # noqa: B018 - the property loads and keeps them
    calibrate.load(models)
    calibrate.load_wordfreq(models)
    calibrate.load_given_names(models)
    calibrate.load_prior(models)


def learned_for_run(settings: Settings) -> dict[str, str]:
    """Reviewers' repairs in force: the promoted ones (models/) and the output folder's, minus the undone."""
    from .learned import repairs_for_run

    return {k: r.corrected for k, r in repairs_for_run(settings.models_dir, settings.learned_dir).items()}


def check_environment(settings: Settings, ocr: bool = True) -> None:
    """Everything a run needs is there, checked once before any file is opened: Tesseract and its
    language model, models/, a --spacy-model, and for Dask the package and the scheduler."""
    if ocr:
        ok, why = tesseract_available(settings.lang)
        if not ok:
            raise EnvironmentProblem(
                f"{why}. Install it with: sudo apt-get install -y tesseract-ocr tesseract-ocr-{settings.lang} "
                f"(or run `make setup`).")
    for sub in ("gazetteer", "spacy"):
        if not (settings.models_dir / sub).is_dir():
            raise EnvironmentProblem(f"models folder {settings.models_dir} has no {sub}/: "
                                     f"run `python scripts/build_models.py` or use a complete checkout")
    if settings.extra_spacy_model:
        import spacy.util

        name = settings.extra_spacy_model
        if not (spacy.util.is_package(name) or Path(name).is_dir()):
            raise EnvironmentProblem(f"spaCy model '{name}' is not installed: install it as a package "
                                     f"(`pip install {name}`), give a folder, or leave out --spacy-model")
    if settings.executor == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise EnvironmentProblem("the dask executor needs `pip install 'dask[distributed]'` "
                                     "(or `pip install -e '.[dask]'`)") from exc
        if settings.scheduler:
            _check_scheduler(settings.scheduler)


def _check_scheduler(address: str, timeout: float = 5.0) -> None:
    """A scheduler that does not answer is said at once, not after Dask's 30-second wait."""
    m = re.fullmatch(r"(?:tcp://)?\[?([^\]/]+?)\]?:(\d+)/?", address.strip())
    if not m:
        raise EnvironmentProblem(f"--scheduler {address} is no address: give it as tcp://HOST:PORT "
                                 f"(what `dask scheduler` prints)")
    host, port = m.group(1), int(m.group(2))
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise EnvironmentProblem(f"no Dask scheduler answers at {address} ({exc.strerror or exc}): start one "
                                 f"with `dask scheduler`, or leave out --scheduler to use a local cluster") from exc
