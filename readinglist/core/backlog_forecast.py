"""When will the backlog be cleared? An estimate from the reader's own pace, and a
backtest of that estimate on the reader's own history.

The pace is the mean number of papers that left the backlog (unread or queued, to
reading, read, skimmed or dropped) per complete week over the last 1, 2, 4 or 8 weeks;
the current, unfinished week is left out. Which window: the one whose past estimates
were closest on this reader's own history (backtested from each of 8 past weeks).

The backtest asks the estimate made 8 weeks ago (its window chosen from what was known
then) how long clearing the papers actually cleared since would take, and compares it
with the 8 weeks it really took: ``error = |predicted weeks - 8| / 8``.
``python -m benchmarks.stats`` measures that error on synthetic readers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from readinglist.core.stats import BACKLOG, StatusEvent, local_date, sorted_events, week_start

WINDOWS = (1, 2, 4, 8)  # weeks of pace an estimate may rest on
WINDOW_WEEKS = 4  # ... when the history is too short to choose
HORIZON_WEEKS = 8  # weeks the backtest looks ahead
ORIGINS = 8  # past weeks an estimate is backtested from, to choose its window
MIN_ORIGINS = 3
TARGET_ERROR = 0.25


@dataclass(frozen=True, slots=True)
class WeekFlow:
    """Papers that entered (``inflow``) and left (``outflow``) the backlog in a week."""

    start: date
    inflow: int
    outflow: int


@dataclass(frozen=True, slots=True)
class ClearingEstimate:
    """``weeks_to_clear``: at the pace of the last weeks, with no new papers; None at
    a pace of zero. ``net_weeks``: with papers still arriving at their recent rate;
    None when the backlog does not shrink at all at that rate."""

    backlog: int
    pace_per_week: float
    inflow_per_week: float
    weeks_to_clear: float | None
    net_weeks: float | None
    window_weeks: int


@dataclass(frozen=True, slots=True)
class Backtest:
    """The estimate made ``horizon`` weeks ago, against what happened since."""

    predicted_pace: float
    actual_pace: float
    cleared: int
    predicted_weeks: float | None
    horizon: int
    window: int

    @property
    def error(self) -> float | None:
        """Relative error of the predicted clearing time; None when it cannot be told
        (nothing cleared since, or no pace before)."""
        if self.predicted_weeks is None or self.cleared == 0:
            return None
        return abs(self.predicted_weeks - self.horizon) / self.horizon


def weekly_flows(
    events: Iterable[StatusEvent], starts: Sequence[date], zone: tzinfo | None = None
) -> list[WeekFlow]:
    """Flows of the consecutive weeks starting on ``starts`` (Mondays, oldest first)."""
    if not starts:
        return []
    # Each week's first instant in the reader's zone: an event's week is a bisection.
    edges = [_midnight(start, zone) for start in [*starts, starts[-1] + timedelta(weeks=1)]]
    inflow = [0] * len(starts)
    outflow = [0] * len(starts)
    status: dict[int, object] = {}
    for event in sorted_events(events):
        before = status.get(event.paper_id)
        status[event.paper_id] = event.status
        index = bisect_right(edges, event.at) - 1
        if not 0 <= index < len(starts):
            continue
        was, now = before in BACKLOG, event.status in BACKLOG
        if now and not was:
            inflow[index] += 1
        elif was and not now:
            outflow[index] += 1
    return [WeekFlow(start, i, o) for start, i, o in zip(starts, inflow, outflow, strict=True)]


def _midnight(day: date, zone: tzinfo | None) -> datetime:
    """The day's first instant where the reader is (UTC without a zone)."""
    return datetime.combine(day, time.min, tzinfo=zone or UTC)


def complete_weeks(today: date, count: int, skip: int = 0) -> list[date]:
    """The Mondays of ``count`` complete weeks ending ``skip`` weeks before the
    current one (oldest first)."""
    current = week_start(today)
    return [current - timedelta(weeks=back + skip) for back in range(count, 0, -1)]


def pace(flows: Sequence[WeekFlow]) -> tuple[float, float]:
    """(mean outflow, mean inflow) per week."""
    if not flows:
        return 0.0, 0.0
    return (
        sum(flow.outflow for flow in flows) / len(flows),
        sum(flow.inflow for flow in flows) / len(flows),
    )


class FlowHistory:
    """The weekly flows of the last ``WEEKS_KEPT`` complete weeks, for estimates and
    backtests made as if at an earlier week (``skip`` weeks ago)."""

    WEEKS_KEPT = HORIZON_WEEKS * 2 + ORIGINS + max(WINDOWS)

    def __init__(
        self, events: Sequence[StatusEvent], today: date, zone: tzinfo | None = None
    ) -> None:
        starts = complete_weeks(today, self.WEEKS_KEPT)
        self.flows = weekly_flows(events, starts, zone)
        earliest = min((event.at for event in events), default=None)
        # Weeks before the first event are no pace of zero but no history at all.
        first = None if earliest is None else week_start(local_date(earliest, zone))
        self.first = len(starts) if first is None else sum(s < first for s in starts)

    def window(self, weeks: int, skip: int = 0) -> list[WeekFlow] | None:
        """The ``weeks`` complete weeks ending ``skip`` weeks ago; None before history."""
        end = len(self.flows) - skip
        begin = end - weeks
        return self.flows[begin:end] if begin >= self.first and weeks > 0 else None

    def backtest(self, window: int, horizon: int = HORIZON_WEEKS, skip: int = 0) -> Backtest | None:
        before = self.window(window, skip + horizon)
        after = self.window(horizon, skip)
        if before is None or after is None:
            return None
        predicted, _ = pace(before)
        actual, _ = pace(after)
        cleared = sum(flow.outflow for flow in after)
        weeks = cleared / predicted if predicted > 0 else None
        return Backtest(predicted, actual, cleared, weeks, horizon, window)

    def best_window(self, skip: int = 0) -> int:
        """The window whose estimates were closest over the ``ORIGINS`` weeks before
        ``skip`` weeks ago (mean error of the backtests made then); ``WINDOW_WEEKS``
        when fewer than ``MIN_ORIGINS`` of them can be told."""
        scores: list[tuple[float, int]] = []
        for window in WINDOWS:
            tests = (self.backtest(window, skip=skip + back) for back in range(ORIGINS))
            errors = [e for t in tests if t is not None and (e := t.error) is not None]
            if len(errors) >= MIN_ORIGINS:
                scores.append((sum(errors) / len(errors), window))
        return min(scores)[1] if scores else WINDOW_WEEKS


def clearing_estimate(
    events: Sequence[StatusEvent],
    backlog: int,
    today: date,
    zone: tzinfo | None = None,
    window: int | None = None,
) -> ClearingEstimate:
    """At the pace of the window that estimated best on this reader's history
    (``window`` forces one)."""
    return _estimate(FlowHistory(events, today, zone), backlog, window)


def _estimate(history: FlowHistory, backlog: int, window: int | None) -> ClearingEstimate:
    weeks_back = window or history.best_window()
    out, into = pace(history.window(weeks_back) or [])
    weeks = backlog / out if out > 0 else None
    net = backlog / (out - into) if out > into else None
    if backlog == 0:
        weeks = net = 0.0
    return ClearingEstimate(backlog, out, into, weeks, net, weeks_back)


def forecast(
    events: Sequence[StatusEvent], backlog: int, today: date, zone: tzinfo | None = None
) -> tuple[ClearingEstimate, Backtest | None]:
    """:func:`clearing_estimate` and :func:`backtest` on one reading of the history."""
    history = FlowHistory(events, today, zone)
    return _estimate(history, backlog, None), _backtest(history, None, HORIZON_WEEKS)


def backtest(
    events: Sequence[StatusEvent],
    today: date,
    zone: tzinfo | None = None,
    window: int | None = None,
    horizon: int = HORIZON_WEEKS,
) -> Backtest | None:
    """The estimate as it would have been made ``horizon`` weeks ago, checked against
    the ``horizon`` complete weeks since; None when the history is too short. Without
    ``window``, the window is chosen as it would have been then: from the backtests
    that ended before it (nothing of the weeks checked is seen)."""
    return _backtest(FlowHistory(events, today, zone), window, horizon)


def _backtest(history: FlowHistory, window: int | None, horizon: int) -> Backtest | None:
    chosen = window or history.best_window(skip=horizon)
    return history.backtest(chosen, horizon)
