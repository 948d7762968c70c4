"""Unexpected errors in the window: logged, shown in the crash dialog, the app keeps running.

pytest-qt's own exception capture is off here: these tests install the window's hooks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from readinglist import __version__
from readinglist.app_logging import configure_logging, log_folder, log_path
from readinglist.core.errors import NotFoundError
from readinglist.ui.crash_dialog import CrashDialog, CrashReporter, install_crash_reporter
from readinglist.ui.main_window import MainWindow
from tests import test_ui_window
from tests.test_ui_import import small_digest
from tests.test_ui_window import idle, select_row

pytestmark = pytest.mark.qt_no_exception_capture

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window


@pytest.fixture
def log_file() -> Iterator[Path]:
    """The rotating log file, in this test's own home; the logger is restored after."""
    logger = logging.getLogger("readinglist")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    path = configure_logging()
    try:
        assert path == log_path()
        yield path
    finally:
        for handler in list(logger.handlers):
            if handler not in handlers:
                handler.close()
                logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.fixture
def reporter(qtbot, log_file: Path) -> Iterator[CrashReporter]:
    installed = install_crash_reporter()
    try:
        yield installed
    finally:
        installed.uninstall()
        if installed.dialog is not None:
            installed.dialog.close()


@pytest.fixture
def triaged(window: MainWindow, qtbot) -> MainWindow:
    """The window with three papers, the first selected."""
    window.imports.import_text(small_digest("alpha", "beta", "gamma"), "small")
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=20000)
    idle(window, qtbot)
    select_row(window, 0)
    return window


def shown_dialog(reporter: CrashReporter, qtbot) -> CrashDialog:
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None
    assert reporter.dialog.objectName() == "crashDialog"
    assert not reporter.dialog.isModal()  # the window behind stays usable
    return reporter.dialog


def still_running(window: MainWindow) -> None:
    assert window.isVisible()
    assert window.worker.running
    assert window.worker.call(lambda: window.library.search("", limit=0).total) == 3


def test_an_unexpected_error_in_a_worker_job_is_logged_and_shown(
    triaged: MainWindow, reporter: CrashReporter, log_file: Path, qtbot, monkeypatch
):
    def broken(*_args: object) -> None:
        raise RuntimeError("a bug while rating")

    real_rate = triaged.library.rate
    monkeypatch.setattr(triaged.library, "rate", broken)
    triaged.rate(4)
    dialog = shown_dialog(reporter, qtbot)
    details = dialog.details.toPlainText()
    assert "RuntimeError: a bug while rating" in details
    assert "Traceback" in details and f"readinglist {__version__}" in details
    assert dialog.details.isReadOnly()
    assert "a bug while rating" not in triaged.statusBar().currentMessage()  # no plain message
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: a bug while rating" in logged
    idle(triaged, qtbot)
    assert triaged.undo_stack.count() == 1  # the failed change was not pushed (only the import)
    monkeypatch.setattr(triaged.library, "rate", real_rate)
    triaged.rate(2)  # the window goes on working
    qtbot.waitUntil(lambda: triaged.statusBar().currentMessage().endswith("rated 2"))
    still_running(triaged)


def test_a_job_without_an_error_callback_is_reported_too(
    triaged: MainWindow, reporter: CrashReporter, log_file: Path, qtbot
):
    def job() -> None:
        raise KeyError("no such key in a background job")

    triaged.worker.submit(job)
    dialog = shown_dialog(reporter, qtbot)
    assert "no such key in a background job" in dialog.details.toPlainText()
    assert "no such key in a background job" in log_file.read_text(encoding="utf-8")
    still_running(triaged)


def test_an_unexpected_error_in_a_slot_is_logged_and_shown(
    triaged: MainWindow, reporter: CrashReporter, log_file: Path, qtbot
):
    def slot() -> None:
        raise ZeroDivisionError("a bug in a slot")

    QTimer.singleShot(0, slot)
    dialog = shown_dialog(reporter, qtbot)
    assert "ZeroDivisionError: a bug in a slot" in dialog.details.toPlainText()
    assert "ZeroDivisionError: a bug in a slot" in log_file.read_text(encoding="utf-8")
    still_running(triaged)

    QTimer.singleShot(0, slot)  # a second error while the dialog is open: added to it
    qtbot.waitUntil(lambda: reporter.shown == 2)
    assert reporter.dialog is dialog
    assert dialog.details.toPlainText().count("ZeroDivisionError: a bug in a slot") == 2


def test_an_error_in_another_thread_is_shown_on_the_gui_thread(
    window: MainWindow, reporter: CrashReporter, log_file: Path, qtbot
):
    def run() -> None:
        raise ValueError("a bug in a thread")

    thread = threading.Thread(target=run, name="helper")
    thread.start()
    thread.join(10)
    dialog = shown_dialog(reporter, qtbot)
    assert dialog.thread() is window.thread()
    assert "ValueError: a bug in a thread" in dialog.details.toPlainText()
    assert "Thread: helper" in dialog.details.toPlainText()
    assert "a bug in a thread" in log_file.read_text(encoding="utf-8")


def test_an_error_the_user_can_act_on_is_a_message_not_a_crash(
    triaged: MainWindow, reporter: CrashReporter, qtbot, monkeypatch
):
    def missing(*_args: object) -> None:
        raise NotFoundError("no paper #999")

    monkeypatch.setattr(triaged.library, "rate", missing)
    triaged.rate(3)
    qtbot.waitUntil(lambda: triaged.statusBar().currentMessage() == "no paper #999")
    idle(triaged, qtbot)
    assert reporter.dialog is None and reporter.shown == 0

    QTimer.singleShot(0, lambda: missing())  # escaping a slot: a message too
    received: list[str] = []
    reporter.message.connect(received.append)
    qtbot.waitUntil(lambda: received == ["no paper #999"])
    assert reporter.dialog is None and reporter.shown == 0


def test_the_crash_dialog_copies_its_details_and_opens_the_log_folder(qtbot, monkeypatch):
    dialog = CrashDialog("It broke.", "Traceback: <b>details</b>")
    qtbot.addWidget(dialog)
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "Traceback: <b>details</b>"
    opened: list[QUrl] = []

    def fake_open(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    qtbot.mouseClick(dialog.open_log_button, Qt.MouseButton.LeftButton)
    assert [url.scheme() for url in opened] == ["file"]
    assert Path(opened[0].toLocalFile()) == log_folder()
