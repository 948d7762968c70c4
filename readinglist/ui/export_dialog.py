"""File > Export…: format, scope, destination, a preview of the first lines, progress.

The preview and the export run on the :class:`Worker`. The preview renders only the
first papers of the scope (the header still names the whole scope), debounced while
the user changes the choices. The export writes next to the destination, then renames:
a cancelled or failed export leaves no half file. The preview is plain text, always.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.atomic_write import write_atomically
from readinglist.core.errors import ReadingListError
from readinglist.core.exchange import FORMATS, ExportOptions, ExportScope, render
from readinglist.core.library import Library
from readinglist.core.models import ReadStatus
from readinglist.ui.widgets import named
from readinglist.ui.window_settings import settings
from readinglist.ui.worker import Worker

PREVIEW_LINES = 30
PREVIEW_PAPERS = 30
PREVIEW_DELAY_MS = 250
# The format of the last export, for the next one (the window's settings file).
FORMAT_KEY = "export/format"
# The scope kinds that say what the table shows, in the order the dialog prefers them:
# the list or saved search chosen in the sidebar, else the search typed.
SHOWN_KINDS = ("list", "search", "query")


@dataclass(frozen=True, slots=True)
class ScopeChoice:
    """One entry of the scope box: what it says and the scope it exports.

    ``kind`` "tag" and "status" take their value from the second box.
    """

    label: str
    scope: ExportScope


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What the window knows when the dialog opens (plain values)."""

    list_name: str | None = None
    saved_search: str | None = None
    query: str = ""
    selection: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    default_dir: str = ""


@dataclass(frozen=True, slots=True)
class Preview:
    text: str
    papers: int  # in the whole scope


class ExportCancelledError(Exception):
    """Raised from the progress callback when the user pressed Cancel."""


def scope_choices(context: ExportContext) -> list[ScopeChoice]:
    """The scopes the dialog offers, the ones the window's state allows."""
    choices = [ScopeChoice("The whole library", ExportScope())]
    if context.list_name:
        choices.append(
            ScopeChoice(
                f"Reading list: {context.list_name}", ExportScope("list", context.list_name)
            )
        )
    if context.saved_search:
        choices.append(
            ScopeChoice(
                f"Saved search: {context.saved_search}",
                ExportScope("search", context.saved_search),
            )
        )
    choices.append(ScopeChoice("A tag", ExportScope("tag")))
    choices.append(ScopeChoice("A status", ExportScope("status")))
    if context.query.strip():
        choices.append(
            ScopeChoice(f"The current search: {context.query}", ExportScope("query", context.query))
        )
    if context.selection:
        count = len(context.selection)
        noun = "paper" if count == 1 else "papers"
        choices.append(
            ScopeChoice(
                f"The selection ({count} {noun})", ExportScope("ids", ids=context.selection)
            )
        )
    return choices


def shown_choice(choices: list[ScopeChoice]) -> int:
    """The choice the dialog opens on: what the table shows (a list, a saved search,
    a search), else the whole library."""
    kinds = [choice.scope.kind for choice in choices]
    for kind in SHOWN_KINDS:
        if kind in kinds:
            return kinds.index(kind)
    return 0


def counted(text: str, head: int, total: int) -> str:
    """The preview renders only the first papers; the count its header states
    ("30 papers, exported…", Markdown and HTML) is the export's, not the preview's."""
    if head == total:
        return text
    return text.replace(f"{head} papers, exported", f"{total} papers, exported", 1)


def first_lines(text: str, count: int = PREVIEW_LINES) -> str:
    return "\n".join(text.splitlines()[:count])


def preview(
    library: Library,
    format_name: str,
    scope: ExportScope,
    options: ExportOptions | None = None,
) -> Preview:
    """On the worker: the first lines of the export, rendered from its first papers."""
    ids = library.exchange.scope_ids(scope)
    head = ExportScope("ids", ids=tuple(ids[:PREVIEW_PAPERS]))
    data = replace(library.exchange.data(head), scope=scope.describe())
    text = counted(render(format_name, data, options), len(data.papers), len(ids))
    return Preview(first_lines(text), len(ids))


class ExportJob(QObject):
    """``run`` goes to the worker; ``progressed`` arrives on the GUI thread."""

    progressed = Signal(int, int)  # papers read, papers in all

    def __init__(
        self,
        format_name: str,
        scope: ExportScope,
        target: Path,
        parent: QObject | None = None,
        options: ExportOptions | None = None,
    ) -> None:
        super().__init__(parent)
        self.format_name = format_name
        self.scope = scope
        self.target = target
        self.options = options or ExportOptions()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise ExportCancelledError
        self.progressed.emit(done, total)

    def run(self, library: Library) -> int:
        """On the worker: export and write; returns how many papers."""
        data = library.exchange.data(self.scope, self._progress)
        if self._cancel.is_set():
            raise ExportCancelledError
        write_atomically(self.target, render(self.format_name, data, self.options))
        return len(data.papers)


class ExportDialog(QDialog):
    """Choose a format, a scope and a file; ``exported(path, papers)`` when written."""

    exported = Signal(str, int)

    def __init__(
        self,
        worker: Worker,
        library: Library,
        context: ExportContext,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.resize(720, 560)
        self._worker = worker
        self._library = library
        self._context = context
        self._generation = 0
        self._job: ExportJob | None = None
        self._confirmed: Path | None = None  # the file dialog already asked to replace it
        self._closing = False

        self.format_box = named(QComboBox(), "exportFormat")
        for fmt in FORMATS.values():
            self.format_box.addItem(fmt.label, fmt.name)
        self.scope_box = named(QComboBox(), "exportScope")
        self._choices = scope_choices(context)
        for choice in self._choices:
            self.scope_box.addItem(choice.label)
        self.value_box = named(QComboBox(), "exportScopeValue")
        # For the formats that take it (BibTeX), off each time the dialog opens: a .bib
        # file is usually shared.
        self.private_box = named(
            QCheckBox("Include my notes, tags and reading state (for JabRef)"),
            "exportPrivate",
        )
        self.private_box.setToolTip(
            "Writes annote and JabRef's groups, readstatus, ranking and priority. Leave it"
            " off for a file coauthors or a paper's repository will get."
        )
        self.destination = named(QLineEdit(), "exportDestination")
        self.destination.setPlaceholderText("Choose where to write the file")
        self.browse_button = named(QPushButton("Choose…"), "exportBrowse")
        self.preview_view = named(QPlainTextEdit(), "exportPreview")
        self.preview_view.setReadOnly(True)
        self.preview_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.summary = named(QLabel(), "exportSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = named(QProgressBar(), "exportProgress")
        self.progress.setFormat("%v / %m")
        self.progress.hide()
        self.buttons = QDialogButtonBox()
        self.export_button = named(
            self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole),
            "exportButton",
        )
        self.cancel_button = named(
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel), "exportCancel"
        )
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)

        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_box, 1)
        scope_row.addWidget(self.value_box)
        destination_row = QHBoxLayout()
        destination_row.addWidget(self.destination, 1)
        destination_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("&Format:", self.format_box)
        form.addRow("", self.private_box)
        for text, row, buddy in (
            ("&Papers:", scope_row, self.scope_box),
            ("&Save to:", destination_row, self.destination),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(f"Preview (first {PREVIEW_LINES} lines):"))
        layout.addWidget(self.preview_view, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.scope_box.currentIndexChanged.connect(self._scope_changed)
        self.value_box.currentIndexChanged.connect(lambda _: self._timer.start())
        self.private_box.toggled.connect(lambda _: self._timer.start())
        self._timer.timeout.connect(self.update_preview)
        self.browse_button.clicked.connect(self.choose_destination)
        self.destination.textChanged.connect(self._destination_edited)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel)
        last = self.format_box.findData(settings().value(FORMAT_KEY, ""))
        if last >= 0:
            self.format_box.setCurrentIndex(last)
        self.scope_box.setCurrentIndex(shown_choice(self._choices))
        self._scope_changed()
        self._format_changed()

    # --- choices ------------------------------------------------------------------

    @property
    def format_name(self) -> str:
        return str(self.format_box.currentData())

    def choose(self, format_name: str | None = None, scope_kind: str | None = None) -> None:
        """Select a format and the first scope of a kind (for tests and callers)."""
        if format_name is not None:
            self.format_box.setCurrentIndex(self.format_box.findData(format_name))
        if scope_kind is not None:
            kinds = [choice.scope.kind for choice in self._choices]
            self.scope_box.setCurrentIndex(kinds.index(scope_kind))  # type: ignore[arg-type]

    def scope(self) -> ExportScope:
        choice = self._choices[max(self.scope_box.currentIndex(), 0)]
        if choice.scope.kind in ("tag", "status"):
            return replace(choice.scope, value=self.value_box.currentText())
        return choice.scope

    def _scope_changed(self, *_args: object) -> None:
        kind = self.scope().kind
        self.value_box.blockSignals(True)
        self.value_box.clear()
        if kind == "tag":
            self.value_box.addItems(list(self._context.tags))
        elif kind == "status":
            self.value_box.addItems([status.value for status in ReadStatus])
        self.value_box.blockSignals(False)
        self.value_box.setVisible(kind in ("tag", "status"))
        self._timer.start()

    def options(self) -> ExportOptions:
        private = FORMATS[self.format_name].private_on_request and self.private_box.isChecked()
        return ExportOptions(private=private)

    def _format_changed(self, *_args: object) -> None:
        fmt = FORMATS[self.format_name]
        self.private_box.setVisible(fmt.private_on_request)
        current = self.destination.text().strip()
        if current:
            self.destination.setText(str(Path(current).with_suffix(f".{fmt.extension}")))
        self._timer.start()

    def _destination_edited(self, _text: str) -> None:
        self._confirmed = None

    def choose_destination(self) -> None:
        fmt = FORMATS[self.format_name]
        start = self.destination.text().strip() or str(
            Path(self._context.default_dir or Path.home()) / f"readinglist.{fmt.extension}"
        )
        name, _ = QFileDialog.getSaveFileName(
            self, "Export to", start, f"{fmt.label} (*.{fmt.extension});;All files (*)"
        )
        if name:
            self.destination.setText(name)
            self._confirmed = Path(name)  # the file dialog asked before replacing it

    # --- preview ------------------------------------------------------------------

    def update_preview(self) -> None:
        """Render the preview on the worker; a newer request makes older answers stale."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        library, format_name, scope = self._library, self.format_name, self.scope()
        options = self.options()
        if scope.kind in ("tag", "status") and not scope.value:
            self._show_preview(generation, Preview("", 0))
            return
        self.summary.setText("Preparing the preview…")
        self._worker.submit(
            lambda: preview(library, format_name, scope, options),
            lambda result: self._show_preview(generation, result),
            lambda error: self._preview_failed(generation, error),
        )

    def _show_preview(self, generation: int, result: Preview) -> None:
        if generation != self._generation or self._closing:
            return
        self.preview_view.setPlainText(result.text)
        noun = "paper" if result.papers == 1 else "papers"
        self.summary.setText(f"{result.papers} {noun} to export")

    def _preview_failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation or self._closing:
            return
        self.preview_view.setPlainText("")
        self.summary.setText(str(error))

    # --- export -------------------------------------------------------------------

    @property
    def exporting(self) -> bool:
        return self._job is not None

    def start_export(self) -> None:
        text = self.destination.text().strip()
        if not text:
            self.choose_destination()
            text = self.destination.text().strip()
            if not text:
                return
        target = Path(text).expanduser()
        if not target.parent.is_dir():
            self.summary.setText(f"No folder {target.parent}")
            return
        if target.exists() and target != self._confirmed:
            answer = QMessageBox.question(
                self,
                "Replace the file?",
                f"{target.name} already exists. Replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.summary.setText("Not exported: the file is kept as it was")
                return
        job = ExportJob(self.format_name, self.scope(), target, self, self.options())
        job.progressed.connect(self._progressed)  # before the job can report
        self._job = job
        self._set_choices_enabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.summary.setText("Exporting…")
        library = self._library
        self._worker.submit(lambda: job.run(library), self._done, self._failed)

    def _set_choices_enabled(self, enabled: bool) -> None:
        """The choices are locked while an export runs."""
        for widget in (
            self.format_box,
            self.scope_box,
            self.value_box,
            self.destination,
            self.private_box,
            self.browse_button,
            self.export_button,
        ):
            widget.setEnabled(enabled)

    def _progressed(self, done: int, total: int) -> None:
        if self._job is None:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finish(self) -> None:
        if self._job is not None:
            self._job.deleteLater()
        self._job = None
        self.progress.hide()
        self._set_choices_enabled(True)

    def _done(self, papers: int) -> None:
        job = self._job
        self._finish()
        if job is None:
            return
        settings().setValue(FORMAT_KEY, job.format_name)  # the next export's default
        self.exported.emit(str(job.target), papers)
        self._closing = True
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._finish()
        if isinstance(error, ExportCancelledError):
            self.summary.setText("Export cancelled: no file was written")
        elif isinstance(error, ReadingListError | OSError):
            self.summary.setText(f"Export failed: {error}")
        else:
            self.summary.setText(f"Export failed: {type(error).__name__}: {error}")

    def cancel(self) -> None:
        """Cancel the running export, else close the dialog."""
        self.reject()

    def reject(self) -> None:
        """Cancel (and Escape) stop a running export first; the dialog stays open."""
        if self._job is not None:
            self._job.cancel()
            self.summary.setText("Cancelling…")
            return
        self._closing = True
        super().reject()
