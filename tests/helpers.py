"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DIGEST = REPO.parent / "shared" / "digests" / "000_2ccd13dbd19ccc3f.txt"
SHARED_DIGEST_PAPERS = 211
FIRST_TITLE = "View-Consistent Hierarchical 3D Segmentation Using Ultrametric Feature Fields"
LAST_TITLE = "Randomly Initialized Subnetworks with Iterative Weight Recycling"


def shared_digest_path() -> Path:
    """The real digest beside the checkout: an error on CI when missing, else a skip."""
    if not SHARED_DIGEST.is_file():
        message = f"shared digest not found at {SHARED_DIGEST}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DIGEST


# "Never raises, always terminates" properties run 10,000 examples on CI (the issue's
# minimum), each allowed a generous 5 s so that a runaway (a regex that backtracks
# forever) fails instead of hanging.
ROBUSTNESS_EXAMPLES_CI = 10_000
ROBUSTNESS_DEADLINE_MS = 5_000


def robustness_examples() -> int:
    return ROBUSTNESS_EXAMPLES_CI if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 200


def make_first_schema_library(library_dir: Path) -> None:
    """A library at schema 0001 (the first release) holding one annotated paper."""
    from readinglist.storage import engine as engine_module

    engine = engine_module.create_library_engine(library_dir)
    engine_module.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO papers (title, abstract, title_key, status, priority, rating, notes,"
            " added_at, updated_at) VALUES ('Old Paper', 'Kept. Intact.', 'old paper', 'read',"
            " 'high', 4, 'my notes', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    engine.dispose()


def database_dump(library_dir: Path) -> list[str]:
    """Every row of every table, as SQL: two equal dumps are two equal libraries."""
    import sqlite3

    from readinglist.storage.engine import database_path

    connection = sqlite3.connect(database_path(library_dir))
    try:
        return list(connection.iterdump())
    finally:
        connection.close()
