""" "Plan my week": a time budget in hours, the queued papers that fill it in order,
and "Save as list" to keep the plan as a reading list.

Planning and saving run on workers (the read lane and the writer); the dialog only
shows what comes back. The list is made by ``save`` (on the writer), given by the
window, which makes it undoable and lets the sidebar hear of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.models import ReadingList
from readinglist.core.week_plan import MAX_HOURS, PlanItem, WeekPlan
from readinglist.ui.widgets import named
from readinglist.ui.worker import Worker

PAPER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DEFAULT_HOURS = 5.0

AnyIndex = QModelIndex | QPersistentModelIndex


def calibration_text(plan: WeekPlan) -> str:
    """Whether the estimates are scaled to the reader's own pace, and by what."""
    if plan.calibration is None:
        return (
            "Record how long papers take (“Time spent” beside the rating) to scale"
            " these estimates to your pace."
        )
    papers = "paper" if plan.calibrated_on == 1 else "papers"
    return (
        f"Estimates scaled ×{plan.calibration:.2f} by your recorded time on"
        f" {plan.calibrated_on} {papers}."
    )


class PlanModel(QAbstractListModel):
    """The plan's papers in order: "minutes — title" (plain text), the id as a role."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[PlanItem, ...] = ()

    def set_plan(self, plan: WeekPlan | None) -> None:
        self.beginResetModel()
        self._items = plan.items if plan is not None else ()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row() + 1}. {item.minutes:.0f} min — {item.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"#{item.paper_id}, priority {item.priority.value}; time from {item.basis}"
        if role == PAPER_ID_ROLE:
            return item.paper_id
        return None


class PlanDialog(QDialog):
    planned = Signal()  # a plan was shown (tests)
    saved = Signal(str)  # the list's name

    def __init__(
        self,
        reader: Worker,
        writer: Worker,
        plan: Callable[[float], WeekPlan],
        save: Callable[[str, list[int]], ReadingList],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planDialog")
        self.setWindowTitle("Plan my week")
        self.resize(640, 520)
        self._reader, self._writer = reader, writer
        self._plan, self._save = plan, save
        self.plan: WeekPlan | None = None
        self.hours = named(QDoubleSpinBox(), "planHours")
        self.hours.setRange(0.5, MAX_HOURS)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(DEFAULT_HOURS)
        self.hours.setSuffix(" h")
        self.hours.valueChanged.connect(self.replan)
        self.model = PlanModel(self)
        self.view = named(QListView(), "planList")
        self.view.setModel(self.model)
        self.summary = named(QLabel(""), "planSummary")
        self.summary.setWordWrap(True)
        self.name = named(QLineEdit(), "planListName")
        self.name.setPlaceholderText("name of the new reading list")
        self.save_button = named(QPushButton("Save as list"), "planSave")
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow("Time this week:", self.hours)
        bottom = QHBoxLayout()
        bottom.addWidget(self.name, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.replan()

    def replan(self, *_args: object) -> None:
        hours = self.hours.value()
        self._reader.submit(lambda: self._plan(hours), self._show, self._failed)

    def _show(self, plan: WeekPlan) -> None:
        self.plan = plan
        self.model.set_plan(plan)
        if not plan.queued:
            text = "The queue is empty: set papers to “queued” to plan them."
        else:
            text = (
                f"{len(plan.items)} of {plan.queued} queued papers,"
                f" {plan.planned_minutes / 60:.1f} of {plan.budget_minutes / 60:g} hours."
                " Times are estimated from page counts where known, else from the"
                f" abstract's length. {calibration_text(plan)}"
            )
        self.summary.setText(text)
        self.save_button.setEnabled(bool(plan.items))
        self.planned.emit()

    def _failed(self, error: Exception) -> None:
        self.summary.setText(str(error))

    def save(self) -> None:
        plan, name = self.plan, self.name.text()
        if plan is None:
            return
        ids = plan.paper_ids
        self._writer.submit(lambda: self._save(name, ids), self._was_saved, self._failed)

    def _was_saved(self, saved: ReadingList) -> None:
        self.summary.setText(f"Saved as the reading list “{saved.name}”.")
        self.saved.emit(saved.name)
