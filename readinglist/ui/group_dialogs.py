"""The reading group's two small dialogs: the member name (asked once per machine, the
first time the reader comments or assigns) and a paper's presenter and day.

Both check what is typed as the command line does (readinglist.core.group) and say
what is wrong under the field, with OK disabled until it is right; neither blocks the
window's event loop (``open()``, answered through ``accepted``).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.errors import InvalidValueError
from readinglist.core.group import MAX_NAME, Assignment, check_name
from readinglist.ui.widgets import named

DEFAULT_DAYS_AHEAD = 7  # a new assignment proposes next week's day


def _problem_label() -> QLabel:
    label = named(QLabel(wordWrap=True), "nameProblem")
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class _NameChecked(QDialog):
    """A dialog whose OK waits for a valid name in ``name_edit``."""

    what = "a member name"

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.name_edit = named(QLineEdit(), "nameEdit")
        self.name_edit.setMaxLength(MAX_NAME + 20)  # trimmed before it is checked
        self.problem = _problem_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._check)

    @property
    def ok_button(self) -> QWidget:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def name(self) -> str:
        """The name as it will be stored (call once accepted)."""
        return check_name(self.name_edit.text(), self.what)

    def _check(self) -> None:
        try:
            check_name(self.name_edit.text(), self.what)
        except InvalidValueError as problem:
            typed = bool(self.name_edit.text())
            self.problem.setText(str(problem) if typed else "")
            self.ok_button.setEnabled(False)
            return
        self.problem.setText("")
        self.ok_button.setEnabled(True)


class MemberDialog(_NameChecked):
    """Your name in the reading group, asked once: kept for this machine."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("memberDialog")
        self.setWindowTitle("Your name in the group")
        intro = QLabel(
            "Comments and assignments are signed with your name, as the other members"
            " of the reading group will see it. It is asked once and kept for this"
            " machine (readinglist member NAME changes it)."
        )
        intro.setWordWrap(True)
        self.name_edit.setPlaceholderText("e.g. Ada Lovelace")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._check()


class AssignDialog(_NameChecked):
    """Who presents a paper, and on which day."""

    what = "a presenter's name"

    def __init__(
        self, parent: QWidget | None, title: str, held: Assignment | None, member: str | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assignDialog")
        self.setWindowTitle("Presenter")
        heading = QLabel(title)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.date_edit = named(QDateEdit(), "assignDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        if held is not None:
            self.name_edit.setText(held.presenter)
            day = held.on_date
        else:
            self.name_edit.setText(member or "")
            day = date.fromordinal(date.today().toordinal() + DEFAULT_DAYS_AHEAD)
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.name_edit.setPlaceholderText("Who presents it")
        form = QFormLayout()
        form.addRow("Presenter", self.name_edit)
        form.addRow("", self.problem)
        form.addRow("On", self.date_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._check()

    def day(self) -> date:
        chosen = self.date_edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())
