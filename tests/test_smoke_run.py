"""The scripted smoke run that checks packaged builds works from the checkout, and (opt-in,
``READINGLIST_PACKAGING_TESTS=1``: it takes a minute or more) the PyInstaller build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

SMALL_DIGEST = REPO / "packaging" / "pyinstaller" / "smoke-digest.txt"


# Fast (2 s): the one test that runs readinglist/ui/smoke.py (--check-all-modules).
def test_the_smoke_run_imports_searches_and_exits_0(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "readinglist.ui.smoke", "--library", str(tmp_path / "lib"),
         str(SMALL_DIGEST), "--query", "segmentation", "--timeout", "60"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["ok"] is True
    assert report["platform"] == "offscreen"
    assert report["papers"] == 5
    assert report["rows"] == report["hits"] > 0


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("READINGLIST_PACKAGING_TESTS") != "1",
    reason="builds the PyInstaller app (READINGLIST_PACKAGING_TESTS=1 to run)",
)
def test_pyinstaller_build_passes_its_smoke_test(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "build_pyinstaller.py"),
         "--dist", str(tmp_path / "dist"), "--work", str(tmp_path / "work"),
         "--digest", str(SMALL_DIGEST)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["smoke"]["window"]["ok"] is True
    assert summary["smoke"]["cli_search"]["total"] > 0
