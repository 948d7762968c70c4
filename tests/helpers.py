"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from readinglist.app_context import OpenLibrary

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


# How tests.test_cli.Cli runs a command line when a test does not say: in this process,
# through ``readinglist.cli.main(argv)`` (milliseconds), or in a fresh interpreter (a
# third of a second each). conftest.py sets it for each test: a fresh interpreter only
# for tests marked ``real_process`` (kills, locks held by other processes, pipes).
CLI_IN_PROCESS = True


def seal_template(library_dir: Path) -> Path:
    """Make a closed library safe to copy file by file: the WAL checkpointed into the
    database file and truncated, so that the copy holds every committed change."""
    from readinglist.storage.engine import database_path

    connection = sqlite3.connect(database_path(library_dir))
    try:
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    assert busy == 0, f"{library_dir} is still open: close it before copying it"
    return library_dir


def build_template(root: Path, fill: Callable[[OpenLibrary], object]) -> Path:
    """A library made in ``root`` once (a module's or the session's fixture), filled by
    ``fill``, closed and sealed: tests take a copy each (:func:`copy_library`)."""
    from readinglist.app_context import open_library

    folder = root / "library"
    with open_library(folder) as opened:
        fill(opened)
    return seal_template(folder)


def copy_library(template: Path, target: Path) -> Path:
    """A new library at ``target``: a copy of a sealed template's database and search
    index (6 ms, where creating and filling one takes 0.1-1 s). Its backups stay behind:
    the copy's first opening takes today's backup, as a new library's does."""
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("backups", "*-wal", "*-shm"))
    return target


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
    from readinglist.storage.engine import database_path

    connection = sqlite3.connect(database_path(library_dir))
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@contextlib.contextmanager
def logger_restored() -> Iterator[None]:
    """The ``readinglist`` logger as it was after the block: a command line run in-process
    (``readinglist.cli.main(argv)``) adds a handler for the log file of that test's home,
    which must not outlive the command (no later test may write into this one's home)."""
    logger = logging.getLogger("readinglist")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    try:
        yield
    finally:
        for handler in list(logger.handlers):
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)
        logger.propagate = propagate


def settings_in(folder: Path) -> None:
    """The window's settings (QSettings) in ``folder`` for this test. Qt takes the
    settings folder from XDG_CONFIG_HOME once per process, so without this one test's
    settings (the last export format, a window's size) reach the next test in the same
    worker. Both formats: the app's file is INI (readinglist.ui.window_settings), and
    the export dialog once read the native format's, which setting the INI path alone
    left shared."""
    from PySide6.QtCore import QSettings

    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(folder))


@contextlib.contextmanager
def window_on(
    qtbot: Any, folder: Path, settings_dir: Path, size: tuple[int, int] | None = None
) -> Iterator[Any]:
    """The main window on a library, its settings in ``settings_dir`` (never the
    user's), shown and idle; closed afterwards. Qt loads only for the tests that ask."""

    from readinglist.ui.app import build_main_window

    settings_in(settings_dir)
    window = build_main_window(folder, first_run=False)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitUntil(lambda: not window.busy, timeout=20_000)
    try:
        yield window
    finally:
        window.close()
