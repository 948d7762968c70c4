"""Start the window: ``readinglist gui`` calls :func:`run`."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from readinglist.app_context import open_library
from readinglist.app_logging import configure_logging
from readinglist.storage.shared_url import read_locator
from readinglist.ui.app_icons import app_icon, desktop_file_name
from readinglist.ui.crash_dialog import CrashReporter, install_crash_reporter
from readinglist.ui.main_window import MainWindow
from readinglist.ui.pauses import settle_after_startup
from readinglist.ui.single_instance import SingleInstance
from readinglist.ui.worker import Worker

APP_NAME = "readinglist"


def build_main_window(library_dir: Path, first_run: bool | None = None) -> MainWindow:
    """Open the library on the worker (waiting for it) and return the window, not shown.

    A missing search index is not built first (half a minute at 20k papers): the window
    opens on the database and builds it in a child process (ui/index_build.py).

    ``first_run``: the library folder did not exist before (None: look now, before the
    library is opened and creates it); the window then says where it made the library.
    """
    if first_run is None:
        first_run = not library_dir.expanduser().exists()
    worker = Worker()
    messages: list[str] = []
    try:
        opened = worker.call(
            lambda: open_library(library_dir, on_message=messages.append, build_index=False)
        )
    except BaseException:
        worker.shutdown()
        raise
    window = MainWindow(worker, opened)
    worker.setParent(window)
    url = read_locator(opened.library_dir)
    if url is not None:  # a shared library: named by its URL (it holds no password)
        window.setWindowTitle(f"readinglist — {url}")
    if first_run:
        window.show_first_run()
    for message in messages:
        window.statusBar().showMessage(message, 10000)
    return window


def open_window(folder: Path) -> MainWindow:
    """Another window, on the library whose local folder is ``folder`` (see
    ``app_context.library_folder``, which gives a shared library's URL one), shown:
    File > Open shared library…. Deleted when closed (its worker and library with it);
    ReadingListError with a one-line message when it cannot open."""
    window = build_main_window(folder, first_run=False)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window


def connect_reporter(reporter: CrashReporter, window: MainWindow) -> None:
    """Errors the user can act on that escaped a slot go to the window's status bar."""
    reporter.message.connect(lambda text: window.statusBar().showMessage(text, 8000))


def application() -> QApplication:
    """The QApplication, named so that settings, taskbars and the desktop file match."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(desktop_file_name())
    app.setWindowIcon(app_icon())
    return app


def bring_to_front(window: MainWindow) -> None:
    """Another ``readinglist gui`` on this library asked for this window."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def run(library_dir: Path) -> int:
    configure_logging()
    app = application()
    guard = SingleInstance(library_dir)
    if not guard.claim():  # before opening: a second window would build the index too
        print(
            f"{APP_NAME}: {library_dir} is already open in a window; brought it to the front",
            file=sys.stderr,
        )
        return 0
    reporter = install_crash_reporter(app)
    try:
        window = build_main_window(library_dir)
        guard.raiseRequested.connect(lambda: bring_to_front(window))
        connect_reporter(reporter, window)
        settle_after_startup()
        window.show()
        try:
            return int(app.exec())
        finally:
            window.shutdown()  # when the loop ended without closing the window
    finally:
        guard.release()
        reporter.uninstall()
