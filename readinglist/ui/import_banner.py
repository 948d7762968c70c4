"""The summary shown above the table after an import: counts, warnings, undo.

A banner rather than a dialog: the reader can start triaging the new papers at once.
"The N new papers are selected" is said only while they are: the first change of the
selection takes it away (the counts stay).
Everything in it is plain text (source names and warnings come from the digest).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.ui.import_job import ImportOutcome
from readinglist.ui.widgets import named

MAX_WARNINGS_SHOWN = 500


def summary_lines(outcome: ImportOutcome) -> list[str]:
    lines = [f"{r.summary.source_name}: {r.summary.describe()}" for r in outcome.records]
    lines += [f"Not imported: {failure}" for failure in outcome.failures]
    return lines


def warning_lines(outcome: ImportOutcome) -> list[str]:
    return [
        f"{record.summary.source_name}, {warning}"
        for record in outcome.records
        for warning in record.summary.warnings
    ]


class ImportBanner(QFrame):
    undoRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importSummary")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.message = named(QLabel(wordWrap=True), "importSummaryText")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.selected_note = named(QLabel(), "importSelectedNote")
        self.selected_note.setTextFormat(Qt.TextFormat.PlainText)
        self.selected_note.hide()
        self._watched: QItemSelectionModel | None = None
        self.warnings_button = named(QPushButton("Warnings"), "importWarningsButton")
        self.warnings_button.setCheckable(True)
        self.undo_button = named(QPushButton("Undo import"), "undoImportButton")
        close = named(QToolButton(), "closeImportSummary")
        close.setText("✕")
        close.setToolTip("Close")
        close.setAutoRaise(True)
        self.warnings = named(QPlainTextEdit(readOnly=True), "importWarnings")
        self.warnings.setMaximumHeight(120)
        self.warnings.hide()
        self.warnings_button.toggled.connect(self.warnings.setVisible)
        self.undo_button.clicked.connect(self.undoRequested)
        close.clicked.connect(self.hide)
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.message)
        text.addWidget(self.selected_note)
        row = QHBoxLayout()
        row.addLayout(text, 1)
        row.addWidget(self.warnings_button)
        row.addWidget(self.undo_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(row)
        layout.addWidget(self.warnings)
        self.hide()

    def show_outcome(self, outcome: ImportOutcome) -> None:
        lines = summary_lines(outcome)
        new = len(outcome.new_ids)
        self.forget_selection()
        self.selected_note.setText(
            f"The {new} new paper{'s are' if new != 1 else ' is'} selected." if new else ""
        )
        self.selected_note.setVisible(bool(new))
        self.message.setText("\n".join(lines))
        warnings = warning_lines(outcome)
        shown = warnings[:MAX_WARNINGS_SHOWN]
        if len(warnings) > len(shown):
            shown.append(f"… and {len(warnings) - len(shown)} more")
        self.warnings.setPlainText("\n".join(shown))
        self.warnings_button.setText(f"Warnings ({len(warnings)})")
        self.warnings_button.setVisible(bool(warnings))
        self.warnings_button.setChecked(False)
        self.undo_button.setVisible(bool(outcome.records))
        self.show()

    def watch_selection(self, selections: QItemSelectionModel) -> None:
        """The new papers were just selected: the next selection change ends the note."""
        self.forget_selection()
        self._watched = selections
        selections.selectionChanged.connect(self.forget_selection)

    def forget_selection(self, *_args: object) -> None:
        """The selection is no longer the import's: the note goes."""
        if self._watched is not None:
            self._watched.selectionChanged.disconnect(self.forget_selection)
            self._watched = None
            self.selected_note.hide()
