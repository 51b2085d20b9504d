"""One validated settings object for a run; thresholds live here, not in the stages."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS = ROOT / "models"
SCAN_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
INPUT_SUFFIXES = (".pdf",) + SCAN_SUFFIXES

# an inferred result (no statement printed: read from the Beschluss wording or the debate) is at most this
# sure, below the review threshold: on train texts with the Beschluss and result blocks cut out, the reader
# still names a result for 198 of 367 and is right for 153 (0.77)
UNPRINTED_RESULT_CONFIDENCE = 0.5


@dataclass
class Settings:
    models_dir: Path = DEFAULT_MODELS
    lang: str = "deu"
    dpi: int = 300  # render resolution for OCR of PDF pages
    max_render_pixels: int = 60_000_000  # a 3000-dpi poster is rendered smaller, not refused
    ocr_timeout: float = 120.0  # seconds per page; a hanging Tesseract is killed
    # limits for hostile input (tests/hostile/README.md): a document over them becomes a failed row
    max_pages: int = 2000  # checked before any page is read: a 20,000-page file fails at once
    doc_timeout: float = 1800.0  # wall-clock seconds per document; the worker is killed and replaced
    max_memory_mb: int = 4096  # address-space limit of each worker process (0: none)
    isolate: bool = True  # documents run in worker processes (limits apply); False: in-process, no limits
    psm: int = 3
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    # routing: a text layer is used when it looks like real text
    min_text_chars: int = 20
    min_letter_ratio: float = 0.55
    min_lexicon_ratio: float = 0.35
    # correction bands (scores 0-100)
    correct_floor: float = 70.0
    correct_apply: float = 88.0
    correct_margin: float = 4.0  # two candidates closer than this: suggest, do not apply
    # review thresholds (confidence 0-1)
    review_threshold: float = 0.60
    low_ocr_word: float = 0.50
    # how a field's confidence combines its evidence (pipeline/extract/__init__.py: _evidence)
    ocr_trusted: float = 0.90  # an OCR word at or above this does not lower the field's confidence
    ocr_floor: float = 0.35  # below it, a field resting on a word of OCR confidence c gets at most
    #                          ocr_floor + (1 - ocr_floor) * c  (c = 0.41 -> 0.62)
    yearless_date_confidence: float = 0.50  # '23. Oktober': the year is guessed or unknown
    extra_spacy_model: str | None = None  # e.g. "de_core_news_lg" as an extra NER signal
    use_cache: bool = True
    write_crops: bool = True
    # how the batch runs and what it writes (no effect on any row)
    executor: str = "local"  # local: worker processes here; dask: documents as tasks on a Dask cluster
    scheduler: str | None = None  # Dask scheduler address; None: a LocalCluster of dask_workers
    dask_workers: int = 0  # 0: as many as jobs
    page_threads: int = 0  # threads that OCR pages of one document; 0: the cores no document uses
    # small PDFs go to a worker several at a time, so spaCy runs over the pages of many documents at once
    chunk_pages: int = 64  # pages of one spaCy pass across documents (bounds a worker's memory); 1: per document
    spacy_batch: int = 16  # pages per nlp.pipe batch inside that pass (larger: more memory, no faster)
    chunk_docs: int = 16  # documents handed to a worker at once (at most)
    chunk_file_mb: float = 2.0  # only PDFs up to this size are chunked (larger ones are likely scans)
    excel_csv: bool = False  # CSV in the German Excel dialect
    partitioned: bool = False  # also a Parquet dataset of parts under OUT/dataset/
    progress: bool = True  # a progress bar or one line per file on stderr
    apply_answers: bool = False  # write reviewers' answers (OUT/review.sqlite) into the new tables
    learned_dir: Path | None = None  # the output folder whose learned.tsv / learned-undone.tsv apply (run sets it)

    # the settings that change results: part of every cached document's key
    RESULT_FIELDS = ("lang", "dpi", "psm", "correct_floor", "correct_apply", "correct_margin", "review_threshold",
                     "extra_spacy_model")

    def __post_init__(self) -> None:
        self.models_dir = Path(self.models_dir)
        if not 50 <= self.dpi <= 1200:
            raise ValueError(f"dpi must be between 50 and 1200, not {self.dpi}")
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {self.jobs}")
        if not 0 < self.correct_floor <= self.correct_apply <= 100:
            raise ValueError("need 0 < correct_floor <= correct_apply <= 100")
        for name in ("review_threshold", "low_ocr_word", "ocr_trusted", "ocr_floor", "yearless_date_confidence"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} is a confidence between 0 and 1, not {getattr(self, name)}")
        if self.ocr_timeout <= 0:
            raise ValueError("ocr_timeout must be positive")
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, not {self.max_pages}")
        if self.doc_timeout <= 0:
            raise ValueError("doc_timeout must be positive")
        if self.executor not in ("local", "dask"):
            raise ValueError(f"unknown executor '{self.executor}' (local or dask)")
        if self.chunk_pages < 1 or self.chunk_docs < 1 or self.spacy_batch < 1 or self.chunk_file_mb < 0:
            raise ValueError("chunk_pages, spacy_batch and chunk_docs must be at least 1, chunk_file_mb not negative")
        if self.dask_workers < 0 or self.page_threads < 0:
            raise ValueError("dask_workers and page_threads must not be negative")
        if self.max_memory_mb and self.max_memory_mb < 512:
            raise ValueError(f"max_memory_mb must be 0 (no limit) or at least 512, not {self.max_memory_mb}")

    @property
    def correction(self):
        """The correction stage's thresholds (pipeline/correct/settings.py), with this run's bands."""
        from .correct.settings import CorrectionSettings

        return CorrectionSettings.from_settings(self)

    def result_fingerprint(self) -> str:
        """The result-changing settings as text, for the cache key."""
        return ";".join(f"{name}={getattr(self, name)}" for name in self.RESULT_FIELDS) + f";{self.correction!r}"
