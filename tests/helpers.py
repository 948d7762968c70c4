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
