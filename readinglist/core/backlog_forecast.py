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

A reader's pace is not steady (weeks off, a busy month), so one number overstates
what is known: the estimate comes with the range its own backtests over the last 16
weeks spanned (the slowest and fastest pace that followed an estimate, against it),
and the benchmark counts how often the truth fell inside the range given then.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from readinglist.core.stats import BACKLOG, StatusEvent, local_date, sorted_events, week_start

WINDOWS = (1, 2, 4, 8)  # weeks of pace an estimate may rest on
WINDOW_WEEKS = 4  # ... when the history is too short to choose
HORIZON_WEEKS = 8  # weeks the backtest looks ahead
ORIGINS = 8  # past weeks an estimate is backtested from, to choose its window
MIN_ORIGINS = 3
# Backtests the range rests on: 16 weeks of them. Successive backtests share 7 of
# their 8 weeks, so 8 of them saw too little of a reader's variation: on the synthetic
# readers their range held the truth 38% of the time, 16 weeks' 84%
# (python -m benchmarks.stats).
RANGE_ORIGINS = 16
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
    # The range ``weeks_to_clear`` would have spanned at this reader's own past checks:
    # the weeks at the fastest and slowest pace that followed an estimate (as a share
    # of the pace estimated), over the last ``checks`` weekly backtests. None with
    # fewer than MIN_ORIGINS of them, or without an estimate.
    low_weeks: float | None = None
    high_weeks: float | None = None
    checks: int = 0

    @property
    def range_text(self) -> str | None:
        """``6-13 weeks`` (the range, rounded as the estimate is shown); None without."""
        if self.low_weeks is None or self.high_weeks is None:
            return None
        low, high = f"{self.low_weeks:.0f}", f"{self.high_weeks:.0f}"
        return f"{low} weeks" if low == high else f"{low}-{high} weeks"


@dataclass(frozen=True, slots=True)
class Backtest:
    """The estimate made ``horizon`` weeks ago, against what happened since."""

    predicted_pace: float
    actual_pace: float
    cleared: int
    predicted_weeks: float | None
    horizon: int
    window: int
    # The range the estimate gave then (ClearingEstimate.low_weeks/high_weeks).
    low_weeks: float | None = None
    high_weeks: float | None = None

    @property
    def covered(self) -> bool | None:
        """Whether the weeks it really took fell inside the range given then; None
        without a range."""
        if self.low_weeks is None or self.high_weeks is None or self.cleared == 0:
            return None
        return self.low_weeks <= self.horizon <= self.high_weeks

    @property
    def pace_ratio(self) -> float | None:
        """How the pace turned out against the estimate (1.2: 20% faster); None when
        there was no estimate to compare."""
        return self.actual_pace / self.predicted_pace if self.predicted_pace > 0 else None

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

    # Enough for a backtest (its window's choice and its range) from up to ORIGINS
    # weeks further back: the benchmark checks the estimate at each of them.
    WEEKS_KEPT = HORIZON_WEEKS * 2 + ORIGINS + RANGE_ORIGINS + max(WINDOWS)

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


def _estimate(
    history: FlowHistory, backlog: int, window: int | None, skip: int = 0
) -> ClearingEstimate:
    weeks_back = window or history.best_window(skip)
    out, into = pace(history.window(weeks_back, skip) or [])
    weeks = backlog / out if out > 0 else None
    net = backlog / (out - into) if out > into else None
    if backlog == 0:
        weeks = net = 0.0
    low, high, checks = _range(history, weeks_back, weeks, skip)
    return ClearingEstimate(backlog, out, into, weeks, net, weeks_back, low, high, checks)


def _range(
    history: FlowHistory, window: int, weeks: float | None, skip: int
) -> tuple[float | None, float | None, int]:
    """(lowest, highest, checks): ``weeks`` at the fastest and slowest pace ratio the
    reader's backtests of ``window`` from the ``RANGE_ORIGINS`` weeks before ``skip``
    found.
    A spread measured on the reader, not assumed: a steady reader gets a narrow range,
    one with weeks off a wide one."""
    tests = (history.backtest(window, skip=skip + back) for back in range(RANGE_ORIGINS))
    ratios = [r for t in tests if t is not None and (r := t.pace_ratio) is not None]
    if weeks is None or len(ratios) < MIN_ORIGINS:
        return None, None, len(ratios)
    fastest, slowest = max(ratios), min(ratios)
    high = weeks / slowest if slowest > 0 else None
    return weeks / fastest if fastest > 0 else None, high, len(ratios)


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
    skip: int = 0,
) -> Backtest | None:
    """The estimate as it would have been made ``horizon`` (+ ``skip``) weeks ago,
    checked against the ``horizon`` complete weeks since (ending ``skip`` weeks ago);
    None when the history is too short. Without ``window``, the window is chosen as it
    would have been then: from the backtests that ended before it (nothing of the weeks
    checked is seen); so is its range."""
    return _backtest(FlowHistory(events, today, zone), window, horizon, skip)


def _backtest(
    history: FlowHistory, window: int | None, horizon: int, skip: int = 0
) -> Backtest | None:
    chosen = window or history.best_window(skip=skip + horizon)
    test = history.backtest(chosen, horizon, skip)
    if test is None:
        return None
    low, high, _ = _range(history, chosen, test.predicted_weeks, skip + horizon)
    return replace(test, low_weeks=low, high_weeks=high)
