"""Start the window: ``readinglist gui`` calls :func:`run`."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from readinglist.app_context import open_library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.worker import Worker

APP_NAME = "readinglist"


def build_main_window(library_dir: Path) -> MainWindow:
    """Open the library on the worker (waiting for it) and return the window, not shown."""
    worker = Worker()
    messages: list[str] = []
    try:
        opened = worker.call(lambda: open_library(library_dir, on_message=messages.append))
    except BaseException:
        worker.shutdown()
        raise
    window = MainWindow(worker, opened)
    worker.setParent(window)
    for message in messages:
        window.statusBar().showMessage(message, 10000)
    return window


def freeze_startup_objects() -> None:
    """Move everything alive after start-up (modules, Qt bindings, the index) out of the
    garbage collector's sight.

    Python's full collections stop every thread; with start-up's objects in them they
    took 80-110 ms, a visible freeze while scrolling a 10k library. Frozen objects are
    still freed by reference counting; only cycles among them would stay.
    """
    gc.collect()
    gc.freeze()


def run(library_dir: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_NAME)
    window = build_main_window(library_dir)
    freeze_startup_objects()
    window.show()
    try:
        return int(app.exec())
    finally:
        window.shutdown()  # when the loop ended without closing the window
