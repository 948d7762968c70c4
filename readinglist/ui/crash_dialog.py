"""What the window does with an error nobody expected: log it, show it, keep running.

Errors a user can act on (:class:`ReadingListError`, and the operating system's
``OSError``: a full disk, a file that is gone) are shown where they happen, as one-line
messages. Everything else is a bug: :class:`CrashReporter` (installed as
``sys.excepthook`` and ``threading.excepthook`` by :func:`install_crash_reporter`) writes
the traceback to the log file and shows a :class:`CrashDialog` on the GUI thread, with
details to copy into a bug report. The window stays open.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist import __version__
from readinglist.app_logging import log_folder
from readinglist.core.errors import ReadingListError
from readinglist.ui.about_dialog import versions_line
from readinglist.ui.app_icons import action_icon
from readinglist.ui.widgets import named, plain_tooltip

log = logging.getLogger("readinglist")

CRASH_MESSAGE = (
    "Something went wrong inside readinglist. Your library is safe: every change is saved"
    " or rolled back as a whole. The details below are also in the log file; please add"
    " them to a bug report."
)
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def is_expected(error: BaseException) -> bool:
    """An error the user can act on, shown as a one-line message rather than a crash."""
    return isinstance(error, ReadingListError | OSError)


def report_exception(error: BaseException) -> None:
    """Hand an unexpected error caught elsewhere (a worker job) to ``sys.excepthook``:
    the installed :class:`CrashReporter` logs it and shows the crash dialog."""
    sys.excepthook(type(error), error, error.__traceback__)


def crash_details(
    exc_type: type[BaseException], error: BaseException, tb: TracebackType | None
) -> str:
    """The traceback with the version and platform: what a bug report needs."""
    trace = "".join(traceback.format_exception(exc_type, error, tb))
    lines = [
        f"readinglist {__version__}",
        versions_line(),
        f"{platform.platform()} ({platform.machine()})",
        f"Thread: {threading.current_thread().name}",
        "",
        trace.rstrip(),
    ]
    return "\n".join(lines)


class CrashDialog(QDialog):
    """A short message, the details (read-only, selectable), Copy details, Open log
    folder and Close. Never modal: the window behind it keeps working."""

    def __init__(
        self,
        message: str,
        details: str,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("readinglist: unexpected error")
        self.folder = folder if folder is not None else log_folder()

        self.message = named(QLabel(message, wordWrap=True), "crashMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.details = named(QPlainTextEdit(readOnly=True), "crashDetails")
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setPlainText(details)
        self.details.setMinimumHeight(220)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = named(QPushButton("Copy details"), "crashCopy")
        self.copy_button.setIcon(action_icon("copy"))
        self.copy_button.setAutoDefault(False)
        self.open_log_button = named(QPushButton("Open log folder"), "crashOpenLog")
        self.open_log_button.setAutoDefault(False)
        self.open_log_button.setToolTip(plain_tooltip(str(self.folder)))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_log_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        self.open_log_button.clicked.connect(self.open_log_folder)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(720, 420)

    def add_details(self, details: str) -> None:
        """Another error while this dialog is open: its details go below, no new dialog."""
        self.details.appendPlainText("\n" + "-" * 60 + "\n" + details)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("Copied")

    def open_log_folder(self) -> bool:
        """Open the log folder in the file manager (a file:// URL, nothing else)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder))))


class CrashReporter(QObject):
    """The exception hooks: log, then show the dialog on the GUI thread.

    ``message`` carries a :class:`ReadingListError` that escaped a slot: shown as a
    message (the window's status bar), not as a crash.
    """

    message = Signal(str)
    _crashed = Signal(str)  # details; queued to the GUI thread when raised elsewhere

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self.shown = 0
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._installed = False
        self._crashed.connect(self._show)  # auto: direct here, queued from other threads

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            sys.excepthook = self._previous_hook
            threading.excepthook = self._previous_thread_hook
            self._installed = False

    def excepthook(
        self, exc_type: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in the terminal: quit
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        self.report(exc_type, error, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self.report(args.exc_type, args.exc_value, args.exc_traceback)

    def report(
        self, exc_type: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        """Log the error; show it (a message if the user can act on it, else the dialog)."""
        try:
            if is_expected(error):
                log.warning("error shown to the user: %s", error)
                self.message.emit(str(error) or exc_type.__name__)
                return
            log.error("unexpected error", exc_info=(exc_type, error, tb))
            details = crash_details(exc_type, error, tb)
            self._crashed.emit(details)
        except Exception:  # the hook itself must never raise
            sys.__excepthook__(exc_type, error, tb)

    @Slot(str)
    def _show(self, details: str) -> None:
        self.shown += 1
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_details(details)
            return
        app = QApplication.instance()
        parent = app.activeWindow() if isinstance(app, QApplication) else None
        dialog = CrashDialog(CRASH_MESSAGE, details, parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._forget)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()

    def _forget(self, *_args: object) -> None:
        self.dialog = None


def install_crash_reporter(parent: QObject | None = None) -> CrashReporter:
    """Create the reporter (a GUI-thread object) and make it the exception hooks."""
    reporter = CrashReporter(parent)
    reporter.install()
    return reporter
