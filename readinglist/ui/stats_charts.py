"""The dashboard's four charts, drawn with pyqtgraph (MIT; imported only by the
dashboard, when it opens): finished papers per week, the backlog with its trend, the
calendar heatmap of reading days and the waits in the queue.

Each ``draw_*`` function fills a plot from a :class:`~readinglist.core.stats_cases.
Dashboard`; :class:`ChartColours` follows the window's light or dark palette.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from readinglist.core.models import ReadStatus
from readinglist.core.stats import OUTCOMES, WaitStats, WeekOutcomes
from readinglist.core.stats_cases import Dashboard

BAR_WIDTH = 0.8
TICK_EVERY = 4  # weeks between two date labels
MAX_GROUPS = 10


@dataclass(frozen=True, slots=True)
class ChartColours:
    background: str
    text: str
    grid: str
    outcomes: dict[ReadStatus, str]
    backlog: str
    trend: str
    heat_low: str
    heat_high: str
    median: str
    p90: str

    @classmethod
    def current(cls) -> ChartColours:
        """The colours of the palette the application shows now."""
        palette = QApplication.palette()
        background = palette.color(QPalette.ColorRole.Base)
        dark = background.lightness() < 128
        return cls(
            background=background.name(),
            text=palette.color(QPalette.ColorRole.Text).name(),
            grid="#3a3d41" if dark else "#d9d9d9",
            outcomes={
                ReadStatus.READ: "#4caf7a" if dark else "#2e8b57",
                ReadStatus.SKIMMED: "#5b9bd5" if dark else "#3b73b9",
                ReadStatus.DROPPED: "#9a8f86" if dark else "#b0a69c",
            },
            backlog="#e0a040" if dark else "#c77800",
            trend="#ff7a7a" if dark else "#c0392b",
            heat_low="#26282b" if dark else "#ebedf0",
            heat_high="#4caf7a" if dark else "#1e7a46",
            median="#5b9bd5" if dark else "#3b73b9",
            p90="#8a6fc2" if dark else "#a58bd6",
        )


def style_plot(plot: pg.PlotItem, colours: ChartColours, title: str) -> None:
    plot.setTitle(title, color=colours.text, size="10pt")
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(colours.grid))
        axis.setTextPen(pg.mkPen(colours.text))
    plot.showGrid(x=False, y=True, alpha=0.25)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()


def week_ticks(starts: list[str]) -> list[list[tuple[float, str]]]:
    """Every ``TICK_EVERY``-th week's date (month-day), counted back from the last."""
    last = len(starts) - 1
    return [[(float(i), starts[i][5:]) for i in range(last, -1, -TICK_EVERY)][::-1]]


def stacked_heights(
    weeks: tuple[WeekOutcomes, ...],
) -> dict[ReadStatus, tuple[list[int], list[int]]]:
    """Per outcome: (bottoms, heights) of its segment in each week's stacked bar."""
    bottoms = [0] * len(weeks)
    stacks: dict[ReadStatus, tuple[list[int], list[int]]] = {}
    for status in OUTCOMES:
        heights = [len(week.ids(status)) for week in weeks]
        stacks[status] = (list(bottoms), heights)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    return stacks


def draw_weeks(plot: pg.PlotItem, board: Dashboard, colours: ChartColours) -> None:
    plot.clear()
    xs = list(range(len(board.weeks)))
    for status, (bottoms, heights) in stacked_heights(board.weeks).items():
        colour = colours.outcomes[status]
        plot.addItem(
            pg.BarGraphItem(
                x=xs,
                y0=bottoms,
                height=heights,
                width=BAR_WIDTH,
                brush=colour,
                pen=pg.mkPen(colour),
                name=status.value,
            )
        )
    plot.getAxis("bottom").setTicks(week_ticks([w.start.isoformat() for w in board.weeks]))
    top = max((week.total for week in board.weeks), default=0)
    plot.setXRange(-0.6, len(xs) - 0.4, padding=0)
    plot.setYRange(0, max(top, 1) * 1.08, padding=0)


def draw_backlog(plot: pg.PlotItem, board: Dashboard, colours: ChartColours) -> None:
    plot.clear()
    counts = [point.count for point in board.backlog]
    xs = list(range(len(counts)))
    plot.plot(xs, counts, pen=pg.mkPen(colours.backlog, width=2), symbol="o", symbolSize=4,
              symbolBrush=colours.backlog, symbolPen=None)  # fmt: skip
    slope = board.trend_per_week
    if slope is not None and len(counts) >= 2:
        tail = xs[-8:]
        mean_x = sum(tail) / len(tail)
        mean_y = sum(counts[-8:]) / len(tail)
        ends = [tail[0], tail[-1]]
        plot.plot(ends, [mean_y + slope * (x - mean_x) for x in ends],
                  pen=pg.mkPen(colours.trend, width=2, style=Qt.PenStyle.DashLine))  # fmt: skip
    days = [point.day.isoformat() for point in board.backlog]
    plot.getAxis("bottom").setTicks(week_ticks(days))
    plot.setXRange(-0.5, max(len(xs) - 0.5, 0.5), padding=0)


def heat_lut(colours: ChartColours, steps: int = 64) -> list[tuple[int, int, int]]:
    """From the empty day's colour to the busiest day's, in ``steps`` colours."""
    low, high = QColor(colours.heat_low), QColor(colours.heat_high)
    ends = [(low.red(), high.red()), (low.green(), high.green()), (low.blue(), high.blue())]
    ramp = [step / (steps - 1) for step in range(steps)]
    r, g, b = ([round(a + (z - a) * t) for t in ramp] for a, z in ends)
    return list(zip(r, g, b, strict=True))


HEAT_WEEKS = 53


def heat_first_day(board: Dashboard, weeks: int = HEAT_WEEKS) -> date:
    """The Monday in the heatmap's first column (cell (week, weekday) is that day plus
    ``week`` weeks and ``weekday`` days)."""
    return board.today - timedelta(days=board.today.weekday(), weeks=weeks - 1)


def heat_grid(board: Dashboard, weeks: int = HEAT_WEEKS) -> np.ndarray:
    """Reading per day as (weeks, 7): the week ending with today's week last, Monday
    in column 0; days after today stay empty."""
    grid = np.zeros((weeks, 7))
    first = heat_first_day(board, weeks)
    for day, count in board.days.items():
        week = (day - first).days // 7
        if 0 <= week < weeks:
            grid[week, day.weekday()] = count
    return grid


def draw_heatmap(plot: pg.PlotItem, board: Dashboard, colours: ChartColours) -> None:
    plot.clear()
    grid = heat_grid(board)
    image = pg.ImageItem(np.sqrt(grid))  # square root: a busy day does not wash out the rest
    image.setLookupTable(np.array(heat_lut(colours), dtype=np.ubyte))
    image.setLevels((0, max(float(np.sqrt(grid).max()), 1.0)))
    plot.addItem(image)
    plot.getViewBox().invertY(True)
    names = ["Mon", "", "Wed", "", "Fri", "", "Sun"]
    plot.getAxis("left").setTicks([[(i + 0.5, name) for i, name in enumerate(names)]])
    first = heat_first_day(board, grid.shape[0])
    months = [
        (w + 0.5, (first + timedelta(weeks=w)).strftime("%b"))
        for w in range(grid.shape[0])
        if (first + timedelta(weeks=w)).day <= 7
    ]
    plot.getAxis("bottom").setTicks([months])
    plot.setXRange(0, grid.shape[0], padding=0)
    plot.setYRange(0, 7, padding=0)
    plot.showGrid(x=False, y=False)


def draw_waits(
    plot: pg.PlotItem, groups: dict[str, WaitStats], overall: WaitStats, colours: ChartColours
) -> None:
    """Median (thick) and 90th percentile (thin) days in the queue, per group, the
    whole queue on top."""
    plot.clear()
    rows = [("all papers", overall), *list(groups.items())[:MAX_GROUPS]]
    rows = [(name, stats) for name, stats in rows if stats.median_days is not None]
    ys = list(range(len(rows)))
    p90 = [stats.p90_days or 0.0 for _, stats in rows]
    median = [stats.median_days or 0.0 for _, stats in rows]
    if rows:
        plot.addItem(pg.BarGraphItem(x0=0, y=ys, width=p90, height=0.7, brush=colours.p90,
                                     pen=pg.mkPen(colours.p90)))  # fmt: skip
        plot.addItem(pg.BarGraphItem(x0=0, y=ys, width=median, height=0.4,
                                     brush=colours.median,
                                     pen=pg.mkPen(colours.median)))  # fmt: skip
    labels = [
        (y, f"{name[:22]} ({stats.count})") for y, (name, stats) in zip(ys, rows, strict=True)
    ]
    plot.getAxis("left").setTicks([labels])
    plot.getViewBox().invertY(True)
    plot.setYRange(-0.6, max(len(rows) - 0.4, 0.6), padding=0)
    plot.setXRange(0, max(p90, default=1.0) * 1.05 or 1.0, padding=0)
    plot.setLabel("bottom", "days in the queue: median (inner), 90th percentile (outer)",
                  color=colours.text)  # fmt: skip
