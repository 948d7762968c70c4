"""The reading tracker's use cases: the dashboard and "Plan my week".

Storage provides :class:`StatsReads` (``readinglist.storage.stats_queries``); this
module turns what it reads into the values the window and ``readinglist stats`` /
``readinglist plan`` show, with the pure computations of :mod:`~readinglist.core.stats`,
:mod:`~readinglist.core.backlog_forecast` and :mod:`~readinglist.core.week_plan`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from readinglist.core.backlog_forecast import (
    Backtest,
    ClearingEstimate,
    forecast,
)
from readinglist.core.changes import Changes
from readinglist.core.errors import InvalidValueError
from readinglist.core.list_cases import ReadingLists
from readinglist.core.models import ReadingList, ReadStatus
from readinglist.core.snapshots import ListSnapshot
from readinglist.core.stats import (
    BACKLOG,
    BacklogPoint,
    StatusEvent,
    WaitStats,
    WeekOutcomes,
    backlog_series,
    current_streak,
    local_date,
    queue_waits,
    reading_day_papers,
    reading_days,
    trend_per_week,
    wait_stats,
    waits_by,
    weekly_outcomes,
)
from readinglist.core.week_plan import PlanCandidate, WeekPlan, calibrate, plan_week

if TYPE_CHECKING:
    from readinglist.core.library import Library

DASHBOARD_WEEKS = 26
HEATMAP_WEEKS = 53
TOP_GROUPS = 10  # tags and digest days shown with their queue waits


class StatsReads(Protocol):
    """What the tracker reads from the library (one consistent read each)."""

    def status_events(self) -> list[StatusEvent]:
        """The whole status history, oldest first."""
        ...

    def status_counts(self) -> dict[ReadStatus, int]: ...

    def paper_tags(self, ids: Collection[int]) -> dict[int, list[str]]: ...

    def first_digest_times(self, ids: Collection[int]) -> dict[int, datetime]:
        """When each paper first appeared in an imported digest (papers never in one:
        absent)."""
        ...

    def queue(self) -> list[PlanCandidate]:
        """The queued papers, each waiting since it last became queued."""
        ...

    def recorded_minutes(self) -> dict[int, int]:
        """The reader's recorded time of every paper that has one."""
        ...

    def candidates(self, ids: Collection[int]) -> list[PlanCandidate]:
        """These papers whatever their status, as the planner estimates them: what
        the calibration compares the recorded times with (most are read by then)."""
        ...


@dataclass(frozen=True, slots=True)
class Dashboard:
    today: date
    events: int
    weeks: tuple[WeekOutcomes, ...]
    backlog: tuple[BacklogPoint, ...]
    backlog_now: int
    trend_per_week: float | None
    days: dict[date, int]
    day_papers: dict[date, tuple[int, ...]]  # the ids behind each day's count
    streak: int
    waits: WaitStats
    waits_by_tag: dict[str, WaitStats]
    waits_by_digest: dict[str, WaitStats]  # by the (local) day of the paper's first digest
    clearing: ClearingEstimate
    backtest: Backtest | None


class ReadingTracker:
    """``tracker.dashboard()`` and ``tracker.plan(hours)`` on one library; ``reads``
    opens one read transaction."""

    def __init__(
        self,
        reads: Callable[[], AbstractContextManager[StatsReads]],
        clock: Callable[[], datetime],
        zone: tzinfo | None = None,
    ) -> None:
        self._reads = reads
        self._clock = clock
        self._zone = zone

    def today(self) -> date:
        return local_date(self._clock(), self._zone)

    def dashboard(self, weeks: int = DASHBOARD_WEEKS) -> Dashboard:
        with self._reads() as reads:  # one transaction: the parts agree
            events = reads.status_events()
            counts = reads.status_counts()
            waiting_ids = {wait.paper_id for wait in queue_waits(events)}
            tags = reads.paper_tags(waiting_ids)
            firsts = reads.first_digest_times(waiting_ids)
        return build_dashboard(events, counts, tags, firsts, self.today(), self._zone, weeks)

    def plan(
        self,
        hours: float,
        interest: Mapping[int, float] | None = None,
        recorded_minutes: Mapping[int, float] | None = None,
    ) -> WeekPlan:
        """The estimates are calibrated by the reader's recorded times
        (``library.time_spent``), over the papers that have one whatever their status;
        ``recorded_minutes`` given: those times instead of the library's."""
        with self._reads() as reads:  # one transaction: the queue and the times agree
            queue = reads.queue()
            recorded = reads.recorded_minutes() if recorded_minutes is None else recorded_minutes
            timed = reads.candidates(list(recorded)) if recorded else []
        scale, basis = calibrate(timed, recorded)
        return plan_week(queue, hours, interest, scale, basis)


def build_dashboard(
    events: list[StatusEvent],
    counts: Mapping[ReadStatus, int],
    tags: Mapping[int, list[str]],
    firsts: Mapping[int, datetime],
    today: date,
    zone: tzinfo | None = None,
    weeks: int = DASHBOARD_WEEKS,
) -> Dashboard:
    waits = queue_waits(events)
    digest_days = {
        paper_id: [local_date(moment, zone).isoformat()] for paper_id, moment in firsts.items()
    }
    backlog = backlog_series(events, today, weeks, zone)
    backlog_now = sum(counts.get(status, 0) for status in BACKLOG)
    since = today - timedelta(weeks=HEATMAP_WEEKS)
    days = reading_days(events, since, zone)
    clearing, test = forecast(events, backlog_now, today, zone)
    return Dashboard(
        today=today,
        events=len(events),
        weeks=tuple(weekly_outcomes(events, today, weeks, zone)),
        backlog=tuple(backlog),
        backlog_now=backlog_now,
        trend_per_week=trend_per_week(backlog),
        days=days,
        day_papers=reading_day_papers(events, since, zone),
        streak=current_streak(days, today),
        waits=wait_stats(waits),
        waits_by_tag=waits_by(waits, tags, TOP_GROUPS),
        waits_by_digest=waits_by(waits, digest_days, TOP_GROUPS),
        clearing=clearing,
        backtest=test,
    )


def save_plan(lists: ReadingLists, name: str, ids: Sequence[int]) -> ReadingList:
    """A plan's papers as a new reading list, in the plan's order; an existing name or
    an empty plan: a one-line error and nothing saved (a failed add takes the new list
    back, so no empty list is left behind)."""
    if not ids:
        raise InvalidValueError("the plan is empty: no list was saved")
    created = lists.create(name)
    try:
        lists.add(created.name, ids)
    except BaseException:
        lists.delete(created.name)
        raise
    return lists.get(created.name)


@dataclass
class SavePlanChange:
    """Saving a plan as a list, as an undoable change (readinglist.core.undo.Change):
    undo deletes the list, redo brings it back as it was (order and added times)."""

    name: str
    paper_ids: tuple[int, ...]
    snapshot: ListSnapshot | None = None
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = f"save the plan as the list {self.name}"

    @property
    def ids(self) -> tuple[int, ...]:
        return self.paper_ids

    def record(self, library: Library) -> None:
        """Nothing to read: the list does not exist before."""

    def apply(self, library: Library) -> Changes:
        if self.snapshot is not None:
            library.lists.restore(self.snapshot)
        else:
            self.name = save_plan(library.lists, self.name, self.paper_ids).name
        return Changes(count=len(self.paper_ids), lists=True, counts=True)

    def restore(self, library: Library) -> Changes:
        self.snapshot = library.lists.snapshot(self.name)
        library.lists.delete(self.name)
        return Changes(count=len(self.paper_ids), lists=True, counts=True)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _waits(stats: WaitStats) -> dict[str, Any]:
    return {
        "count": stats.count,
        "median_days": _round(stats.median_days),
        "p90_days": _round(stats.p90_days),
        "waiting": stats.waiting,
    }


def dashboard_to_dict(board: Dashboard) -> dict[str, Any]:
    """The dashboard as JSON data (``readinglist stats --json``)."""
    test = board.backtest
    return {
        "today": board.today.isoformat(),
        "events": board.events,
        "weeks": [
            {
                "start": week.start.isoformat(),
                "read": len(week.read),
                "skimmed": len(week.skimmed),
                "dropped": len(week.dropped),
                "paper_ids": {
                    "read": list(week.read),
                    "skimmed": list(week.skimmed),
                    "dropped": list(week.dropped),
                },
            }
            for week in board.weeks
        ],
        "backlog": {
            "now": board.backlog_now,
            "trend_per_week": _round(board.trend_per_week),
            "weekly": [{"day": p.day.isoformat(), "count": p.count} for p in board.backlog],
        },
        "reading_days": {day.isoformat(): count for day, count in board.days.items()},
        # The papers behind each day's count (what a click on the heatmap shows).
        "reading_day_papers": {day.isoformat(): list(ids) for day, ids in board.day_papers.items()},
        "streak_days": board.streak,
        "queue_waits": {
            "all": _waits(board.waits),
            "by_tag": {name: _waits(stats) for name, stats in board.waits_by_tag.items()},
            "by_digest_day": {name: _waits(stats) for name, stats in board.waits_by_digest.items()},
        },
        "clearing": {
            "backlog": board.clearing.backlog,
            "pace_per_week": _round(board.clearing.pace_per_week),
            "inflow_per_week": _round(board.clearing.inflow_per_week),
            "weeks_to_clear": _round(board.clearing.weeks_to_clear, 1),
            "net_weeks_to_clear": _round(board.clearing.net_weeks, 1),
            "window_weeks": board.clearing.window_weeks,
            "likely_weeks": None
            if board.clearing.low_weeks is None
            else {
                "low": _round(board.clearing.low_weeks, 1),
                "high": _round(board.clearing.high_weeks, 1),
                "checks": board.clearing.checks,
            },
            "backtest": None
            if test is None
            else {
                "predicted_pace": _round(test.predicted_pace),
                "actual_pace": _round(test.actual_pace),
                "cleared": test.cleared,
                "predicted_weeks": _round(test.predicted_weeks, 1),
                "horizon_weeks": test.horizon,
                "error": _round(test.error, 3),
                "likely_weeks": None
                if test.low_weeks is None
                else {"low": _round(test.low_weeks, 1), "high": _round(test.high_weeks, 1)},
                "covered": test.covered,
            },
        },
    }


def plan_to_dict(plan: WeekPlan) -> dict[str, Any]:
    return {
        "budget_minutes": plan.budget_minutes,
        "planned_minutes": round(plan.planned_minutes, 1),
        "queued": plan.queued,
        "calibration": _round(plan.calibration, 3),
        "calibrated_on": plan.calibrated_on,  # papers with a recorded time it rests on
        "papers": [
            {
                "id": item.paper_id,
                "title": item.title,
                "priority": item.priority.value,
                "minutes": item.minutes,
                "basis": item.basis,
                "interest": item.interest,
            }
            for item in plan.items
        ],
    }
