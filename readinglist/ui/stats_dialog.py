"""View > Statistics: the reading tracker's dashboard.

The dashboard is computed on a worker thread (``load``, usually the window's read
lane) and drawn on arrival; the dialog stays responsive meanwhile. A click on a
segment of a weekly bar, or on a day of the heatmap, emits
:attr:`StatsDialog.papersChosen` with a label and the ids of those papers, for the
window to show them in the table.

pyqtgraph is imported here, so only opening the dashboard loads it (about a second
the first time); the window imports this module inside the menu action.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import QEvent, QPointF, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.models import ReadStatus
from readinglist.core.stats import OUTCOMES
from readinglist.core.stats_cases import Dashboard
from readinglist.ui.stats_charts import (
    BAR_WIDTH,
    HEAT_WEEKS,
    ChartColours,
    draw_backlog,
    draw_heatmap,
    draw_waits,
    draw_weeks,
    heat_first_day,
    style_plot,
)
from readinglist.ui.widgets import named
from readinglist.ui.worker import Worker

WAITS_BY = ("tag", "digest day")


def pace_of(weeks: int) -> str:
    return "last week's pace" if weeks == 1 else f"your pace over the last {weeks} weeks"


def summary_text(board: Dashboard) -> str:
    """The dashboard's numbers in a line or two, for the top of the dialog."""
    parts = [f"Backlog (unread + queued): {board.backlog_now}"]
    if board.trend_per_week is not None:
        parts[-1] += f", {board.trend_per_week:+.1f} a week over 8 weeks"
    parts.append(f"reading streak: {board.streak} day{'' if board.streak == 1 else 's'}")
    clearing = board.clearing
    if clearing.weeks_to_clear is None:
        parts.append("no pace yet to clear it")
    else:
        net = clearing.net_weeks
        arriving = "never" if net is None else f"{net:.0f} weeks"
        likely = "" if clearing.range_text is None else f" (likely {clearing.range_text})"
        parts.append(
            f"cleared in {clearing.weeks_to_clear:.0f} weeks{likely}"
            f" at {clearing.pace_per_week:.1f}"
            f" a week ({pace_of(clearing.window_weeks)});"
            f" {arriving} with new papers arriving as lately"
        )
    test = board.backtest
    if test is not None and test.error is not None:
        parts.append(f"that estimate, made 8 weeks ago, was off by {test.error:.0%}")
    return " · ".join(parts)


class StatsDialog(QDialog):
    """The dashboard; :meth:`refresh` loads it again (also done when it opens)."""

    papersChosen = Signal(str, list)  # (what they are, paper ids)  # noqa: N815
    drawn = Signal()  # a dashboard was drawn (tests, benchmarks)

    def __init__(
        self, worker: Worker, load: Callable[[], Dashboard], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statsDialog")
        self.setWindowTitle("Reading statistics")
        self.resize(1000, 680)
        self._worker = worker
        self._load = load
        self.board: Dashboard | None = None
        self.colours = ChartColours.current()
        self.summary = named(QLabel("Loading…"), "statsSummary")
        self.summary.setWordWrap(True)
        self.waits_by = named(QComboBox(), "statsWaitsBy")
        self.waits_by.addItems([f"Queue waits by {name}" for name in WAITS_BY])
        self.waits_by.currentIndexChanged.connect(self._draw_waits)
        reload = named(QPushButton("Refresh"), "statsRefresh")
        reload.clicked.connect(self.refresh)
        self.charts = named(pg.GraphicsLayoutWidget(), "statsCharts")
        self.weeks_plot = self.charts.addPlot(row=0, col=0)
        self.backlog_plot = self.charts.addPlot(row=0, col=1)
        self.heat_plot = self.charts.addPlot(row=1, col=0)
        self.waits_plot = self.charts.addPlot(row=1, col=1)
        titles = (
            (self.weeks_plot, "Papers per week: {legend} (click a bar)"),
            (self.backlog_plot, "Backlog at each week's end, its 8-week trend dashed"),
            (self.heat_plot, "Reading days (papers started or finished), last year (click a day)"),
            (self.waits_plot, "Time in the queue"),
        )
        self._titles = titles
        self._style()
        self.charts.scene().sigMouseClicked.connect(self._clicked)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.waits_by)
        top.addWidget(reload)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.charts, 1)
        self.refresh()

    def _style(self) -> None:
        self.charts.setBackground(self.colours.background)
        for plot, title in self._titles:
            style_plot(plot, self.colours, title.replace("{legend}", self._legend()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """View > Appearance changed while the dashboard is open: redrawn in it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            colours = ChartColours.current()
            if colours != self.colours:
                self.colours = colours
                self._style()
                if self.board is not None:
                    self.show_dashboard(self.board)

    def _legend(self) -> str:
        """The outcomes in their bars' colours (the title is rich text)."""
        return ", ".join(
            f"<span style='color:{self.colours.outcomes[status]}'>■ {status.value}</span>"
            for status in OUTCOMES
        )

    def refresh(self) -> None:
        """Load the dashboard on the worker; it is drawn when it arrives."""
        self.summary.setText(self.summary.text() if self.board else "Loading…")
        self._worker.submit(self._load, self.show_dashboard, self._failed)

    def _failed(self, error: Exception) -> None:
        self.summary.setText(f"The statistics could not be read: {error}")

    def show_dashboard(self, board: Dashboard) -> None:
        self.board = board
        self.summary.setText(summary_text(board))
        draw_weeks(self.weeks_plot, board, self.colours)
        draw_backlog(self.backlog_plot, board, self.colours)
        draw_heatmap(self.heat_plot, board, self.colours)
        self._draw_waits()
        self.drawn.emit()

    def _draw_waits(self, *_args: object) -> None:
        if self.board is None:
            return
        by_tag = self.waits_by.currentIndex() == 0
        groups = self.board.waits_by_tag if by_tag else self.board.waits_by_digest
        draw_waits(self.waits_plot, groups, self.board.waits, self.colours)

    # --- a click on a bar ---------------------------------------------------------

    def bar_at(self, scene_pos: QPointF) -> tuple[int, ReadStatus] | None:
        """(week index, outcome) of the bar segment under a point of the scene."""
        board, box = self.board, self.weeks_plot.getViewBox()
        if board is None or not box.sceneBoundingRect().contains(scene_pos):
            return None
        point = box.mapSceneToView(scene_pos)
        week = round(point.x())
        if not 0 <= week < len(board.weeks) or abs(point.x() - week) > BAR_WIDTH / 2:
            return None
        bottom = 0
        for status in OUTCOMES:
            height = len(board.weeks[week].ids(status))
            if bottom <= point.y() < bottom + height:
                return week, status
            bottom += height
        return None

    def bar_centre(self, week: int, status: ReadStatus) -> QPointF:
        """The scene point at the middle of a bar segment (tests, screenshots)."""
        assert self.board is not None
        bottom = 0
        for outcome in OUTCOMES:
            height = len(self.board.weeks[week].ids(outcome))
            if outcome is status:
                centre = QPointF(week, bottom + height / 2)
                scene: QPointF = self.weeks_plot.getViewBox().mapViewToScene(centre)
                return scene
            bottom += height
        raise ValueError(status)

    def choose_bar(self, week: int, status: ReadStatus) -> None:
        assert self.board is not None
        found = self.board.weeks[week]
        ids = list(found.ids(status))
        if ids:
            self.papersChosen.emit(f"{status.value} in the week of {found.start.isoformat()}", ids)

    # --- a click on a day of the heatmap ---------------------------------------------

    def day_at(self, scene_pos: QPointF) -> date | None:
        """The day of the heatmap cell under a point of the scene (None: outside it, or
        a day after today)."""
        board, box = self.board, self.heat_plot.getViewBox()
        if board is None or not box.sceneBoundingRect().contains(scene_pos):
            return None
        point = box.mapSceneToView(scene_pos)
        week, weekday = math.floor(point.x()), math.floor(point.y())
        if not (0 <= week < HEAT_WEEKS and 0 <= weekday < 7):
            return None
        day = heat_first_day(board) + timedelta(weeks=week, days=weekday)
        return day if day <= board.today else None

    def day_centre(self, day: date) -> QPointF:
        """The scene point at the middle of a day's cell (tests, screenshots)."""
        assert self.board is not None
        offset = (day - heat_first_day(self.board)).days
        centre = QPointF(offset // 7 + 0.5, offset % 7 + 0.5)
        scene: QPointF = self.heat_plot.getViewBox().mapViewToScene(centre)
        return scene

    def choose_day(self, day: date) -> None:
        assert self.board is not None
        ids = list(self.board.day_papers.get(day, ()))
        if ids:
            self.papersChosen.emit(f"started or finished on {day.isoformat()}", ids)

    def _clicked(self, event: object) -> None:
        scene_pos = event.scenePos()  # type: ignore[attr-defined]
        hit = self.bar_at(scene_pos)
        if hit is not None:
            self.choose_bar(*hit)
            return
        day = self.day_at(scene_pos)
        if day is not None:
            self.choose_day(day)
