"""Ratsakten: German city-council memos (PDFs and scans) into analyst-ready tables."""
from __future__ import annotations

__version__ = "0.1.0"
