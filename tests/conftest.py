"""Fixtures: every test gets its own temporary library, never the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from readinglist.app_context import ENV_HOME, OpenLibrary, open_library
from tests.helpers import shared_digest_path

# CI runs many more examples (HYPOTHESIS_PROFILE=ci, set by scripts/dev under CI).
settings.register_profile("dev", max_examples=100)
# CI is derandomized so that a run that passed passes again; exploring new examples is
# what developers' runs (random, "dev") are for.
settings.register_profile(
    "ci",
    max_examples=1000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Headless always: CI has no display, and a developer's tests must not open windows.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may touch the user's library or config, even by accident."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv(ENV_HOME, raising=False)


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def opened(library_dir: Path) -> Iterator[OpenLibrary]:
    with open_library(library_dir) as lib:
        yield lib


@pytest.fixture
def shared_digest() -> Path:
    return shared_digest_path()


@pytest.fixture
def shared_digest_bytes(shared_digest: Path) -> bytes:
    return shared_digest.read_bytes()
