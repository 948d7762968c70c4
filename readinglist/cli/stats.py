"""``readinglist stats`` (the reading tracker's dashboard, as text or JSON) and
``readinglist plan --hours N`` ("Plan my week", optionally saved as a reading list),
its estimates calibrated by the times recorded with ``readinglist spent``.

Both read the database only (no search index); days and weeks are the local ones.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from readinglist.cli.args import Parents
from readinglist.cli.output import PROG, plural, print_json, say, short

if TYPE_CHECKING:
    from readinglist.app_context import OpenDatabase
    from readinglist.core.stats_cases import Dashboard, ReadingTracker
    from readinglist.core.week_plan import WeekPlan

BAR_WIDTH = 30
SHOWN_WEEKS = 12
MAX_WEEKS = 104


def hours_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours") from None
    if not 0 < value <= 168:
        raise argparse.ArgumentTypeError(f"the budget is above 0 and up to 168 hours, not {text}")
    return value


def weeks_arg(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"the weeks shown are 1 to {MAX_WEEKS}, not {text!r}")
    return int(text)


def stats_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument(
        "--weeks", type=weeks_arg, default=26, metavar="N",
        help=f"weeks shown (1-{MAX_WEEKS}, default 26)",
    )  # fmt: skip


def plan_arguments(sub: argparse.ArgumentParser, parents: Parents) -> None:
    sub.add_argument("--hours", type=hours_arg, required=True, help="the time budget, in hours")
    sub.add_argument("--save-list", metavar="NAME", help="save the plan as a new reading list")


def _tracker(opened: OpenDatabase) -> ReadingTracker:
    from datetime import datetime

    from readinglist.core.library import utc_now
    from readinglist.storage.stats_queries import reading_tracker

    return reading_tracker(opened.store, utc_now, datetime.now().astimezone().tzinfo)


def cmd_stats(args: argparse.Namespace, opened: OpenDatabase) -> int:
    board = _tracker(opened).dashboard(args.weeks)
    if args.json:
        from readinglist.core.stats_cases import dashboard_to_dict

        print_json(dashboard_to_dict(board))
    else:
        _print_dashboard(board)
    return 0


def _weeks(value: float) -> str:
    shown = f"{value:.0f}"
    return f"{shown} week" if shown == "1" else f"{shown} weeks"


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} d"


def _print_dashboard(board: Dashboard) -> None:
    if board.events == 0:
        say(f"no reading recorded yet: set statuses with '{PROG} status ID... read'")
    print("week of       read skim drop")
    weeks = board.weeks[-SHOWN_WEEKS:]
    widest = max((week.total for week in weeks), default=0) or 1
    for week in weeks:
        bar = "#" * round(BAR_WIDTH * week.total / widest)
        print(
            f"{week.start.isoformat()}  {len(week.read):4} {len(week.skimmed):4}"
            f" {len(week.dropped):4}  {bar}"
        )
    trend = board.trend_per_week
    trend_text = "" if trend is None else f", trend {trend:+.1f} a week"
    print(f"backlog (unread + queued): {board.backlog_now}{trend_text}")
    print(f"reading streak: {plural(board.streak, 'day')}; reading days in the last year:"
          f" {len(board.days)}")  # fmt: skip
    waits = board.waits
    print(
        f"queue waits: median {_days(waits.median_days)}, p90 {_days(waits.p90_days)}"
        f" over {plural(waits.count, 'paper')} ({waits.waiting} waiting now)"
    )
    for name, stats in board.waits_by_tag.items():
        print(f"  tag {short(name, 30):30} median {_days(stats.median_days):>8}"
              f"  p90 {_days(stats.p90_days):>8}  n={stats.count}")  # fmt: skip
    clearing = board.clearing
    if clearing.weeks_to_clear is None:
        print("clearing the backlog: no pace yet (nothing left the backlog lately)")
    else:
        net = clearing.net_weeks
        net_text = "never at that rate" if net is None else _weeks(net)
        print(
            f"clearing the backlog: {_weeks(clearing.weeks_to_clear)} at"
            f" {clearing.pace_per_week:.1f} papers a week (your pace over the last"
            f" {_weeks(clearing.window_weeks)}); with new papers arriving at"
            f" {clearing.inflow_per_week:.1f} a week: {net_text}"
        )
        if clearing.range_text is not None:
            print(
                f"  likely {clearing.range_text}: at the slowest and fastest pace that"
                f" followed your estimates of the last {_weeks(clearing.checks)}"
            )
    test = board.backtest
    if test is not None and test.error is not None:
        print(
            f"  the same estimate made {test.horizon} weeks ago ({test.window}-week pace)"
            f" was off by {test.error:.0%}"
        )


def cmd_plan(args: argparse.Namespace, opened: OpenDatabase) -> int:
    from readinglist.core.stats_cases import plan_to_dict

    plan = _tracker(opened).plan(args.hours)
    if args.save_list is not None:
        _save(opened, args.save_list, plan)
    if args.json:
        print_json(plan_to_dict(plan))
    else:
        _print_plan(plan)
    return 0


def _save(opened: OpenDatabase, name: str, plan: WeekPlan) -> None:
    from readinglist.cli.undo import run_undoable
    from readinglist.core.stats_cases import SavePlanChange

    created = SavePlanChange(name, tuple(plan.paper_ids))  # kept for readinglist undo
    run_undoable(opened, created)
    say(f"saved the plan as the list {created.name!r} ({plural(len(plan.items), 'paper')})")


def _print_plan(plan: WeekPlan) -> None:
    if not plan.queued:
        say(f"the queue is empty: queue papers with '{PROG} status ID... queued'")
        return
    for number, item in enumerate(plan.items, 1):
        print(f"{number:3}. [{item.minutes:5.0f} min] #{item.paper_id:<6} {short(item.title, 70)}")
    hours = plan.planned_minutes / 60
    print(
        f"{plural(len(plan.items), 'paper')}, {hours:.1f} of {plan.budget_minutes / 60:g} hours"
        f" (from {plural(plan.queued, 'queued paper')}; times estimated from page counts"
        " where known, else abstract length)"
    )
    if plan.calibration is not None:
        print(
            f"estimates scaled ×{plan.calibration:.2f} by your recorded time on"
            f" {plural(plan.calibrated_on, 'paper')}"
        )
    else:
        say(f"record how long papers take with '{PROG} spent ID DURATION' to calibrate the times")
