"""Entry point for the installed `ratsakten` command: the same CLI as cli.py."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("ratsakten_cli", root / "cli.py")
    if spec is None or spec.loader is None:
        sys.exit("cli.py not found beside the pipeline package")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
