from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def fixture_run(tmp_path_factory):
    """Run the CLI once over the fixture corpus (real Tesseract on the scans)."""
    import cli

    src = tmp_path_factory.mktemp("in")
    for sub in ("good", "bad"):
        shutil.copytree(FIXTURES / sub, src / sub)
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli.main, ["run", str(src), "--out", str(out), "--jobs", "2", "--quiet"])
    return {"result": result, "out": out, "src": src}
