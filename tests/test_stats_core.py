"""The reading tracker's computations on hand-made histories with known answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from readinglist.core.backlog_forecast import (
    FlowHistory,
    backtest,
    clearing_estimate,
    weekly_flows,
)
from readinglist.core.errors import InvalidValueError
from readinglist.core.models import Priority, ReadStatus
from readinglist.core.stats import (
    BacklogPoint,
    StatusEvent,
    backlog_series,
    current_streak,
    percentile,
    queue_waits,
    reading_days,
    trend_per_week,
    wait_stats,
    waits_by,
    week_start,
    weekly_outcomes,
)
from readinglist.core.stats_cases import build_dashboard, dashboard_to_dict, plan_to_dict
from readinglist.core.week_plan import (
    PlanCandidate,
    calibration,
    page_count,
    plan_week,
    raw_minutes,
)

U, Q, R, D, S, X = (
    ReadStatus.UNREAD,
    ReadStatus.QUEUED,
    ReadStatus.READING,
    ReadStatus.READ,
    ReadStatus.SKIMMED,
    ReadStatus.DROPPED,
)
TODAY = date(2026, 12, 2)  # a Wednesday


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def ev(paper: int, status: ReadStatus, day: date, hour: int = 12, minute: int = 0) -> StatusEvent:
    return StatusEvent(paper, status, at(day, hour, minute))


# --- weeks --------------------------------------------------------------------------


def test_week_starts_on_monday():
    assert week_start(date(2026, 11, 30)) == date(2026, 11, 30)  # a Monday
    assert week_start(date(2026, 12, 6)) == date(2026, 11, 30)  # the Sunday after
    assert week_start(date(2026, 12, 7)) == date(2026, 12, 7)


def test_a_sunday_night_and_the_monday_after_are_two_weeks():
    sunday, monday = date(2026, 11, 29), date(2026, 11, 30)
    events = [ev(1, D, sunday, 23, 59), ev(2, D, monday, 0, 0)]
    weeks = weekly_outcomes(events, TODAY, weeks=2, zone=UTC)
    assert [w.start for w in weeks] == [date(2026, 11, 23), monday]
    assert [w.read for w in weeks] == [(1,), (2,)]


def test_weeks_are_the_readers_local_weeks():
    # 23:00 UTC on Sunday is already Monday in UTC+2.
    events = [ev(1, D, date(2026, 11, 29), 23)]
    plus_two = timezone(timedelta(hours=2))
    assert weekly_outcomes(events, TODAY, 2, zone=UTC)[0].read == (1,)
    assert weekly_outcomes(events, TODAY, 2, zone=plus_two)[1].read == (1,)


def test_weekly_outcomes_count_each_paper_once_per_outcome_and_keep_empty_weeks():
    monday = date(2026, 11, 16)
    events = [
        ev(1, R, monday),
        ev(1, D, monday, 13),
        ev(1, R, monday, 14),
        ev(1, D, monday, 15),  # read twice in a week: once
        ev(2, S, monday + timedelta(days=2)),
        ev(3, X, monday + timedelta(days=6)),
        ev(4, D, date(2026, 1, 5)),  # outside the 4 weeks shown
    ]
    weeks = weekly_outcomes(events, TODAY, weeks=4, zone=UTC)
    assert [w.total for w in weeks] == [0, 3, 0, 0]
    week = weeks[1]
    assert (week.read, week.skimmed, week.dropped) == ((1,), (2,), (3,))
    assert week.ids(ReadStatus.DROPPED) == (3,)
    assert week.ids(ReadStatus.QUEUED) == ()


# --- the backlog ----------------------------------------------------------------------


def test_backlog_replays_the_whole_history_at_each_weeks_end():
    old = date(2026, 1, 5)
    events = [
        ev(1, U, old),
        ev(2, U, old),
        ev(3, U, old),
        ev(2, Q, date(2026, 11, 17)),  # still backlog
        ev(1, R, date(2026, 11, 18)),  # leaves it
        ev(4, U, date(2026, 11, 24)),
        ev(3, X, date(2026, 12, 1)),
        ev(1, Q, date(2026, 12, 2)),  # back in the queue
    ]
    points = backlog_series(events, TODAY, weeks=3, zone=UTC)
    assert points == [
        BacklogPoint(date(2026, 11, 22), 2),  # Sunday of that week
        BacklogPoint(date(2026, 11, 29), 3),
        BacklogPoint(TODAY, 3),  # the current week: until today
    ]


def test_trend_is_the_least_squares_slope_per_week():
    points = [BacklogPoint(date(2026, 10, 4) + timedelta(weeks=i), 100 - 5 * i) for i in range(8)]
    assert trend_per_week(points) == pytest.approx(-5.0)
    assert trend_per_week(points[:1]) is None
    noisy = [
        BacklogPoint(date(2026, 10, 4) + timedelta(weeks=i), c) for i, c in enumerate([0, 2, 1, 3])
    ]
    assert trend_per_week(noisy) == pytest.approx(0.8)


# --- reading days and the streak -----------------------------------------------------


def test_reading_days_count_starts_and_finishes_not_drops_or_queueing():
    day = date(2026, 11, 30)
    events = [ev(1, R, day), ev(1, D, day, 20), ev(2, X, day), ev(3, Q, day), ev(4, S, TODAY)]
    assert reading_days(events, since=date(2026, 1, 1), zone=UTC) == {day: 2, TODAY: 1}
    assert reading_days(events, since=TODAY, zone=UTC) == {TODAY: 1}


def test_streak_counts_back_from_today_or_from_yesterday():
    days = {TODAY - timedelta(days=n): 1 for n in (1, 2, 3, 5)}
    assert current_streak(days, TODAY) == 3  # today not over yet: yesterday's streak holds
    assert current_streak({**days, TODAY: 2}, TODAY) == 4
    assert current_streak(days, TODAY + timedelta(days=1)) == 0  # a whole day without
    assert current_streak({}, TODAY) == 0


# --- queue waits ----------------------------------------------------------------------


def test_percentile_interpolates_between_ranks():
    assert percentile([], 50) is None
    assert percentile([4.0], 90) == 4.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(v) for v in range(1, 11)], 90) == pytest.approx(9.1)


def test_queue_waits_run_from_queued_to_the_next_other_status():
    day = date(2026, 11, 2)
    events = [
        ev(1, U, day),
        ev(1, Q, day),
        ev(1, Q, day + timedelta(days=1)),  # queued again: the wait started before
        ev(1, R, day + timedelta(days=4)),
        ev(2, Q, day),
        ev(2, X, day + timedelta(days=10)),
        ev(3, Q, day),  # still waiting
        ev(4, Q, day),
        ev(4, D, day + timedelta(days=2)),
        ev(4, Q, day + timedelta(days=3)),  # a second stay
        ev(4, D, day + timedelta(days=4)),
    ]
    waits = queue_waits(events)
    assert sorted((w.paper_id, w.days) for w in waits if w.days is not None) == [
        (1, 4.0),
        (2, 10.0),
        (4, 1.0),
        (4, 2.0),
    ]
    stats = wait_stats(waits)
    assert (stats.count, stats.waiting) == (4, 1)
    assert stats.median_days == 3.0
    assert stats.p90_days == pytest.approx(8.2)
    by_tag = waits_by(waits, {1: ["a"], 2: ["a", "b"], 4: ["b"]})
    assert list(by_tag) == ["b", "a"]  # most waits first (3 against 2)
    assert by_tag["a"].median_days == 7.0
    assert by_tag["b"].count == 3
    assert list(waits_by(waits, {1: ["a"], 2: ["a", "b"], 4: ["b"]}, top=1)) == ["b"]


# --- the clearing estimate and its backtest --------------------------------------------


def steady_history(
    weeks: int, pace: int | Callable[[int], int], arrivals: int
) -> list[StatusEvent]:
    """``arrivals`` papers added and ``pace`` papers dropped every week for ``weeks``
    (``pace(week)``: a pace of its own each week, 0 the oldest)."""
    events: list[StatusEvent] = []
    first = week_start(TODAY) - timedelta(weeks=weeks)
    paper = 0
    waiting: list[int] = []
    for week in range(weeks):
        monday = first + timedelta(weeks=week)
        for _ in range(arrivals):
            paper += 1
            waiting.append(paper)
            events.append(ev(paper, U, monday, 8))
        for n in range(pace(week) if callable(pace) else pace):
            events.append(ev(waiting.pop(0), D, monday + timedelta(days=n % 7), 20))
    return events


def test_flows_count_papers_entering_and_leaving_the_backlog():
    events = steady_history(3, pace=2, arrivals=3)
    starts = [week_start(TODAY) - timedelta(weeks=w) for w in (3, 2, 1)]
    assert [(f.inflow, f.outflow) for f in weekly_flows(events, starts, UTC)] == [(3, 2)] * 3


def test_a_steady_reader_is_estimated_exactly_and_backtests_without_error():
    events = steady_history(40, pace=10, arrivals=12)
    estimate = clearing_estimate(events, backlog=200, today=TODAY, zone=UTC)
    assert estimate.pace_per_week == 10
    assert estimate.inflow_per_week == 12
    assert estimate.weeks_to_clear == 20
    assert estimate.net_weeks is None  # more arrive than leave: never
    test = backtest(events, TODAY, zone=UTC)
    assert test is not None
    assert (test.cleared, test.predicted_pace, test.error) == (80, 10, 0)


def test_the_backtest_sees_a_change_of_pace():
    events = steady_history(40, pace=10, arrivals=12)
    # The last 8 weeks: 5 more papers a week leave the backlog.
    first = week_start(TODAY) - timedelta(weeks=8)
    events += [ev(10_000 + n, U, first - timedelta(weeks=20)) for n in range(40)]
    events += [ev(10_000 + n, D, first + timedelta(days=n % 56), 21) for n in range(40)]
    test = backtest(events, TODAY, zone=UTC, window=8)
    assert test is not None
    assert test.cleared == 120
    assert test.predicted_weeks == 12  # 120 papers at 10 a week
    assert test.error == 0.5


def test_short_histories_have_no_backtest_and_empty_ones_no_pace():
    assert backtest(steady_history(10, 5, 5), TODAY, zone=UTC) is None
    assert backtest([], TODAY) is None
    empty = clearing_estimate([], backlog=0, today=TODAY)
    assert (empty.pace_per_week, empty.weeks_to_clear) == (0, 0)
    stuck = clearing_estimate(steady_history(4, 0, 3), backlog=12, today=TODAY, zone=UTC)
    assert stuck.weeks_to_clear is None
    assert stuck.net_weeks is None


def test_the_window_is_chosen_by_its_past_estimates():
    # 0 papers one week, 20 the next: a one-week window is far off (20 a week from the
    # last week: 4 weeks predicted instead of 8), two weeks or more are exact (the
    # shortest of the exact ones is chosen).
    alternating = steady_history(40, pace=lambda week: 20 * (week % 2), arrivals=30)
    history = FlowHistory(alternating, TODAY, UTC)
    one = history.backtest(1)
    assert one is not None
    assert (one.predicted_pace, one.predicted_weeks, one.error) == (20, 4, 0.5)
    assert history.best_window() == 2
    estimate = clearing_estimate(alternating, 100, TODAY, UTC)
    assert (estimate.window_weeks, estimate.pace_per_week, estimate.weeks_to_clear) == (2, 10, 10)
    test = backtest(alternating, TODAY, zone=UTC)
    assert test is not None and (test.window, test.error) == (2, 0)
    # Weeks before the first event are no history: too short to choose, the default.
    assert FlowHistory(steady_history(6, 5, 5), TODAY, UTC).best_window() == 4


def test_a_steady_reader_gets_a_narrow_range_an_unsteady_one_a_wide_one():
    steady = clearing_estimate(steady_history(40, pace=10, arrivals=12), 100, TODAY, UTC)
    assert (steady.low_weeks, steady.high_weeks, steady.checks) == (10, 10, 16)
    assert steady.range_text == "10 weeks"
    # A pace that wanders (5 to 15 a week, no period): whatever the window, the pace
    # that followed an estimate was sometimes faster and sometimes slower than it.
    bursty = steady_history(40, pace=lambda week: 5 + week * 7 % 11, arrivals=30)
    estimate = clearing_estimate(bursty, 100, TODAY, UTC)
    assert estimate.weeks_to_clear is not None
    assert estimate.low_weeks is not None and estimate.high_weeks is not None
    assert estimate.low_weeks < estimate.weeks_to_clear < estimate.high_weeks
    assert estimate.range_text == f"{estimate.low_weeks:.0f}-{estimate.high_weeks:.0f} weeks"
    # Too little history for three backtests: an estimate, no range.
    short = clearing_estimate(steady_history(10, pace=10, arrivals=12), 100, TODAY, UTC)
    assert short.weeks_to_clear == 10
    assert (short.low_weeks, short.range_text) == (None, None)


def test_the_backtest_says_whether_the_range_given_then_held_the_truth():
    steady = backtest(steady_history(40, pace=10, arrivals=12), TODAY, zone=UTC)
    assert steady is not None
    assert (steady.low_weeks, steady.high_weeks, steady.covered) == (8, 8, True)
    # Ten a week for 32 weeks, then 20: the range made 8 weeks ago (8 weeks exactly,
    # from a steady past) did not hold the 4 weeks it took.
    sped_up = steady_history(40, pace=lambda week: 10 if week < 32 else 20, arrivals=25)
    test = backtest(sped_up, TODAY, zone=UTC)
    assert test is not None
    assert test.predicted_weeks == 16 and test.covered is False
    data = dashboard_to_dict(build_dashboard(sped_up, {}, {}, {}, TODAY, UTC))
    assert data["clearing"]["backtest"]["covered"] is False
    assert data["clearing"]["backtest"]["likely_weeks"] == {"low": 16, "high": 16}


# --- the whole dashboard ----------------------------------------------------------------


def test_an_empty_library_has_an_empty_dashboard():
    board = build_dashboard([], {}, {}, {}, TODAY, UTC)
    assert board.events == 0
    assert len(board.weeks) == 26
    assert all(week.total == 0 for week in board.weeks)
    assert board.backlog_now == 0
    assert board.streak == 0
    assert board.waits.count == 0
    assert board.waits.median_days is None
    assert board.backtest is None
    data = dashboard_to_dict(board)
    assert data["queue_waits"]["all"] == {
        "count": 0,
        "median_days": None,
        "p90_days": None,
        "waiting": 0,
    }
    assert data["clearing"]["backtest"] is None


def test_dashboard_groups_waits_by_tag_and_by_first_digest_day():
    day = date(2026, 11, 2)
    events = [ev(1, Q, day), ev(1, D, day + timedelta(days=2)), ev(2, Q, day), ev(2, D, TODAY)]
    firsts = {1: at(day, 23), 2: at(day - timedelta(days=1))}
    board = build_dashboard(events, {D: 2}, {1: ["x"], 2: ["x", "y"]}, firsts, TODAY, UTC)
    assert board.waits_by_tag["x"].count == 2
    assert board.waits_by_tag["y"].median_days == 30.0
    assert set(board.waits_by_digest) == {"2026-11-02", "2026-11-01"}
    plus_two = timezone(timedelta(hours=2))
    local = build_dashboard(events, {D: 2}, {}, firsts, TODAY, plus_two)
    assert set(local.waits_by_digest) == {"2026-11-03", "2026-11-01"}


# --- plan my week ---------------------------------------------------------------------


def candidate(
    paper: int,
    priority: Priority = Priority.NONE,
    days_waiting: int = 1,
    words: int = 200,
    pages: str | None = None,
) -> PlanCandidate:
    since = at(TODAY) - timedelta(days=days_waiting)
    return PlanCandidate(paper, f"paper {paper}", priority, since, words, pages)


def test_reading_time_from_pages_when_known_else_from_the_abstract():
    assert page_count("12--31") == 20
    assert page_count("5-9") == 5
    assert page_count("e1234") is None  # an article number is no page count
    assert page_count("31--12") is None
    assert page_count("1--5000") is None
    assert page_count(None) is None
    assert raw_minutes(candidate(1, pages="1--10")) == (60.0, "pages")
    assert raw_minutes(candidate(1, words=200)) == (50.0, "abstract length")
    assert raw_minutes(candidate(1, words=0)) == (20.0, "abstract length")
    assert raw_minutes(candidate(1, words=5000)) == (90.0, "abstract length")


def test_plan_orders_by_priority_then_interest_then_age_and_fills_the_budget():
    queue = [
        candidate(1, Priority.LOW, days_waiting=30),
        candidate(2, Priority.HIGH, days_waiting=1),
        candidate(3, Priority.HIGH, days_waiting=9),
        candidate(4, Priority.NONE, days_waiting=99),
        candidate(5, Priority.LOW, days_waiting=2),
    ]
    plan = plan_week(queue, hours=10)
    assert plan.paper_ids == [3, 2, 1, 5, 4]
    assert plan.planned_minutes == 250
    with_interest = plan_week(queue, hours=10, interest={5: 0.9, 1: 0.1})
    assert with_interest.paper_ids == [3, 2, 5, 1, 4]
    assert with_interest.items[2].interest == 0.9
    # 2 hours: two 50-minute papers, then nothing of 50 fits in 20.
    assert plan_week(queue, hours=2).paper_ids == [3, 2]


def test_a_long_paper_is_passed_over_for_shorter_ones():
    queue = [
        candidate(1, Priority.HIGH, pages="1--20"),  # 120 minutes
        candidate(2, Priority.LOW, words=0),  # 20 minutes
    ]
    plan = plan_week(queue, hours=1)
    assert plan.paper_ids == [2]
    assert plan.queued == 2


def test_recorded_times_calibrate_every_estimate():
    queue = [candidate(1), candidate(2), candidate(3)]
    scale = calibration(queue, {1: 100.0, 2: 75.0})  # 2x and 1.5x the 50-minute guesses
    assert scale == pytest.approx(1.75)
    plan = plan_week(queue, hours=3, scale=scale)
    assert [item.minutes for item in plan.items] == [87.5, 87.5]
    assert plan.items[0].basis == "abstract length, calibrated"
    assert calibration(queue, {}) is None
    assert plan_to_dict(plan)["calibration"] == 1.75


@pytest.mark.parametrize("hours", [0, -1, 169, float("nan")])
def test_a_budget_out_of_range_is_refused(hours):
    with pytest.raises(InvalidValueError, match="hours"):
        plan_week([candidate(1)], hours=hours)


def test_an_empty_queue_plans_nothing():
    plan = plan_week([], hours=5)
    assert (plan.items, plan.queued, plan.planned_minutes) == ((), 0, 0)
