"""Reading-tracker benchmark: the backlog-clearing estimate's backtest on synthetic
readers, and what the dashboard costs at 20k history events.

    python -m benchmarks.stats [--json] [--readers 40] [--events 20000] [--seed 7]
    python -m benchmarks.stats --screenshots docs/screenshots   # under xvfb-run

How the estimate is checked (``backtest``): each synthetic reader has a year of
history ending today. The estimate made 8 weeks ago (mean papers leaving the backlog
per week over the complete weeks before) is asked how long clearing the papers that
actually left the backlog since would take; the truth is 8 weeks; the error is
``|predicted - 8| / 8``. Reported per estimator window: "chosen" is the library's (the
window of 1, 2, 4 or 8 weeks whose estimates were best on the reader's history before
the 8 weeks checked), the fixed windows are for comparison: median, 90th percentile,
worst and the share within 25%. Each reader is checked from 8 successive weeks (320
checks for 40 readers), not from one date that may or may not hold a week off. For
the library's window, ``range_covered`` is how often the weeks it really took fell
inside the range the estimate gave then, and ``range_high_over_low_median`` how wide
that range is (high / low).

The synthetic reader (:func:`synthetic_history`): papers arrive on weekdays (digests);
the reader queues some, starts papers (mostly the oldest queued ones, else unread)
at a pace with a weekly rhythm (weekends slower), a slow drift (+-25% over ~20
weeks), day-to-day Poisson noise and about one week off in twenty; each started paper
ends read, skimmed or dropped within two days, and some are dropped unread.

Timings (``--json`` figures in ms, the machine's load beside them): the dashboard's
computation from 20k events, the same read from a library's database, and drawing it
(offscreen Qt: the dialog's four charts set and painted into an image).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from readinglist.core.backlog_forecast import ORIGINS, TARGET_ERROR, backtest
from readinglist.core.models import ReadStatus
from readinglist.core.stats import StatusEvent
from readinglist.core.stats_cases import Dashboard, build_dashboard

DEFAULT_SEED = 7
HISTORY_WEEKS = 52
WINDOWS: tuple[int | None, ...] = (None, 8, 4, 2, 1)  # None: chosen per reader, as the library does
OUTCOMES = (ReadStatus.READ, ReadStatus.SKIMMED, ReadStatus.DROPPED)
OUTCOME_WEIGHTS = (0.55, 0.30, 0.15)
TAGS = ("3d", "llm", "vision", "diffusion", "rl", "systems", "theory", "agents")
# A reader's events per paper added, roughly (to size a history by its events).
EVENTS_PER_PAPER = 2.4


@dataclass
class History:
    events: list[StatusEvent]
    added: dict[int, datetime]  # paper id -> when it arrived (its digest's time)
    now: datetime


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method (means here stay small)."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def synthetic_history(
    seed: int, events: int = 20_000, now: datetime | None = None, weeks: int = HISTORY_WEEKS
) -> History:
    """A reader's ``weeks`` of status history, about ``events`` events (see the module)."""
    rng = random.Random(f"stats/{seed}")
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    arrivals = events / EVENTS_PER_PAPER / weeks  # papers a week
    pace = arrivals * rng.uniform(0.45, 0.85)  # papers started a week
    phase = rng.uniform(0, 2 * math.pi)
    start = (now - timedelta(weeks=weeks)).replace(hour=0, minute=0, second=0)
    out: list[StatusEvent] = []
    added: dict[int, datetime] = {}
    unread: list[int] = []
    queued: list[int] = []
    off_weeks = {w for w in range(weeks + 1) if rng.random() < 0.05}
    for offset in range((now - start).days + 1):
        day = start + timedelta(days=offset)
        weekday = day.weekday() < 5
        if weekday:  # a digest arrives (today's only once its time has come)
            at = day + timedelta(hours=8, minutes=rng.randint(0, 59))
            for _ in range(_poisson(rng, arrivals / 5) if at <= now else 0):
                paper = len(added) + 1
                added[paper] = at
                unread.append(paper)
                out.append(StatusEvent(paper, ReadStatus.UNREAD, at))
        if offset // 7 in off_weeks:
            continue
        drift = 1 + 0.25 * math.sin(2 * math.pi * offset / 140 + phase)
        today_pace = pace / 7 * drift * (1.2 if weekday else 0.5)
        for _ in range(_poisson(rng, today_pace * 0.9)):  # triage: queue recent papers
            if unread:
                paper = unread.pop(rng.randrange(max(0, len(unread) - 60), len(unread)))
                queued.append(paper)
                at = day + timedelta(hours=12, minutes=rng.randint(0, 59))
                out.append(StatusEvent(paper, ReadStatus.QUEUED, at))
        for _ in range(_poisson(rng, today_pace)):  # reading
            from_queue = queued and rng.random() < 0.75
            pool = queued if from_queue else unread
            if not pool:
                continue
            paper = pool.pop(rng.randrange(0, min(5, len(pool))) if from_queue else -1)
            at = day + timedelta(hours=18, minutes=rng.randint(0, 240))
            if not from_queue and rng.random() < 0.15:
                out.append(StatusEvent(paper, ReadStatus.DROPPED, at))
                continue
            out.append(StatusEvent(paper, ReadStatus.READING, at))
            outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
            out.append(StatusEvent(paper, outcome, at + timedelta(hours=rng.uniform(0.5, 48))))
    kept = sorted((e for e in out if e.at <= now), key=lambda e: e.at)
    return History(kept, added, now)


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def backtest_study(readers: int, seed: int, events: int) -> dict[str, Any]:
    """The clearing estimate's backtest error over ``readers`` synthetic readers, each
    checked from ``ORIGINS`` successive weeks (the estimate made 8 weeks before each of
    the last 8 weeks): a single date would grade an estimator on one draw of a reader's
    weeks off. "covered": how often the weeks it really took fell inside the range the
    estimate gave then (the library's window only)."""
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    histories = [synthetic_history(seed * 1000 + r, events, now) for r in range(readers)]
    result: dict[str, Any] = {
        "readers": readers,
        "events_per_reader": events,
        "origins_per_reader": ORIGINS,
        "windows": {},
    }
    for window in WINDOWS:
        errors, covered, widths = [], [], []
        for history in histories:
            for skip in range(ORIGINS):
                test = backtest(history.events, now.date(), window=window, skip=skip)
                if test is None or test.error is None:
                    continue
                errors.append(test.error)
                if test.covered is not None and test.low_weeks and test.high_weeks:
                    covered.append(test.covered)
                    widths.append(test.high_weeks / test.low_weeks)
        figures: dict[str, Any] = {
            "backtested": len(errors),
            "median_error": round(statistics.median(errors), 3),
            "p90_error": round(_quantile(errors, 0.9), 3),
            "max_error": round(max(errors), 3),
            "within_25pct": round(sum(e <= TARGET_ERROR for e in errors) / len(errors), 3),
        }
        if window is None and covered:
            figures["range_covered"] = round(sum(covered) / len(covered), 3)
            figures["range_high_over_low_median"] = round(statistics.median(widths), 2)
        result["windows"]["chosen" if window is None else f"{window}w"] = figures
    return result


def _median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def _inputs(history: History) -> tuple[dict[ReadStatus, int], dict[int, list[str]]]:
    last: dict[int, ReadStatus] = {}
    for event in history.events:
        last[event.paper_id] = event.status
    counts: dict[ReadStatus, int] = {}
    for status in last.values():
        counts[status] = counts.get(status, 0) + 1
    tags = {paper: [TAGS[paper % len(TAGS)]] for paper in history.added}
    return counts, tags


def dashboard_of(history: History) -> Dashboard:
    counts, tags = _inputs(history)
    return build_dashboard(
        history.events, counts, tags, history.added, history.now.date(), zone=UTC
    )


def write_library(folder: Path, history: History, seed: int = DEFAULT_SEED) -> None:
    """A library whose papers, digests, tags and status history are ``history``'s
    (titles and abstracts from benchmarks.synthetic), written straight into the
    database: 20k events in a second or two instead of minutes through the Library."""
    from sqlalchemy import insert

    from benchmarks.synthetic import synthetic_papers
    from readinglist.core.normalize import title_key
    from readinglist.storage.orm import (
        AppearanceRow,
        DigestRow,
        PaperRow,
        PaperTagRow,
        StatusChangeRow,
        TagRow,
    )
    from readinglist.storage.store import SqlStore

    papers = synthetic_papers(len(history.added), seed)
    last: dict[int, str] = {}
    for event in history.events:
        last[event.paper_id] = event.status.value
    rng = random.Random(f"stats-library/{seed}")
    days = sorted(set(history.added.values()))
    digest_of = {moment: number + 1 for number, moment in enumerate(days)}
    store = SqlStore.open(folder)
    try:
        with store.engine.begin() as connection:
            connection.execute(insert(DigestRow), [
                {"id": digest_of[m], "source_name": f"digest-{m:%Y-%m-%d}.txt", "imported_at":
                 m, "sha256": f"{digest_of[m]:064x}", "paper_count": 0, "new_count": 0,
                 "warning_count": 0} for m in days
            ])  # fmt: skip
            connection.execute(insert(PaperRow), [
                {"id": pid, "title": p.title, "abstract": p.abstract, "title_key":
                 title_key(p.title), "status": last[pid], "priority":
                 rng.choice(["none", "none", "low", "medium", "high"]), "rating": 0,
                 "notes": "", "added_at": at, "updated_at": at}
                for (pid, at), p in zip(sorted(history.added.items()), papers, strict=True)
            ])  # fmt: skip
            connection.execute(insert(AppearanceRow), [
                {"digest_id": digest_of[at], "paper_id": pid, "position": pid}
                for pid, at in history.added.items()
            ])  # fmt: skip
            connection.execute(
                insert(TagRow), [{"id": i + 1, "name": t} for i, t in enumerate(TAGS)]
            )
            connection.execute(insert(PaperTagRow), [
                {"paper_id": pid, "tag_id": pid % len(TAGS) + 1} for pid in history.added
            ])  # fmt: skip
            connection.execute(insert(StatusChangeRow), [
                {"paper_id": e.paper_id, "status": e.status.value, "changed_at": e.at}
                for e in history.events
            ])  # fmt: skip
    finally:
        store.close()


def timings(events: int, seed: int, rounds: int) -> dict[str, Any]:
    from readinglist.storage.stats_queries import reading_tracker
    from readinglist.storage.store import SqlStore

    history = synthetic_history(seed, events)
    result: dict[str, Any] = {"events": len(history.events), "papers": len(history.added)}
    result["compute_ms"] = _median_ms(lambda: dashboard_of(history), rounds)
    with tempfile.TemporaryDirectory() as folder:
        write_library(Path(folder), history, seed)
        store = SqlStore.open(Path(folder))
        try:
            tracker = reading_tracker(store, lambda: history.now, UTC)
            result["database_read_and_compute_ms"] = _median_ms(tracker.dashboard, rounds)
            result["plan_10h_ms"] = _median_ms(lambda: tracker.plan(10), rounds)
        finally:
            store.close()
    result.update(draw_timings(dashboard_of(history), rounds))
    return result


def draw_timings(board: Dashboard, rounds: int) -> dict[str, Any]:
    """The dialog's drawing of a loaded dashboard: its charts set and painted."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    started = time.perf_counter()
    from readinglist.ui.stats_dialog import StatsDialog  # pyqtgraph loads here
    from readinglist.ui.worker import Worker

    imported = time.perf_counter() - started
    worker = Worker()
    dialog = StatsDialog(worker, lambda: board)
    dialog.resize(1024, 700)
    dialog.show()

    def draw() -> None:
        dialog.show_dashboard(board)
        dialog.grab()  # paints every chart into an image

    first = _median_ms(draw, 1)
    warm = _median_ms(draw, rounds)
    dialog.close()
    worker.shutdown()
    app.processEvents()
    return {"import_dashboard_ms": round(imported * 1000, 1), "first_draw_ms": first,
            "draw_ms": warm}  # fmt: skip


def screenshots(folder: Path, events: int, seed: int) -> list[str]:
    """The dashboard light and dark at 1024x700 and 1920x1080 (run under Xvfb)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from readinglist.ui.stats_dialog import StatsDialog
    from readinglist.ui.theme import Theme, apply_theme
    from readinglist.ui.worker import Worker

    app = QApplication.instance() or QApplication(["readinglist"])
    board = dashboard_of(synthetic_history(seed, events))
    folder.mkdir(parents=True, exist_ok=True)
    worker = Worker()
    written = []
    for theme in (Theme.LIGHT, Theme.DARK):
        apply_theme(theme)
        for width, height in ((1024, 700), (1920, 1080)):
            dialog = StatsDialog(worker, lambda: board)
            dialog.resize(width, height)
            dialog.show()
            loop = QEventLoop()
            dialog.drawn.connect(loop.quit)
            QTimer.singleShot(10_000, loop.quit)
            if dialog.board is None:
                loop.exec()
            app.processEvents()
            path = folder / f"stats-{theme.value}-{width}x{height}.png"
            dialog.grab().save(str(path))
            written.append(str(path))
            dialog.close()
            dialog.deleteLater()
    worker.shutdown()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stats", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--readers", type=int, default=40, help="synthetic readers (40)")
    parser.add_argument("--events", type=int, default=20_000, help="history events (20000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (5)")
    parser.add_argument("--no-timings", action="store_true", help="only the backtest")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="write screenshots")
    args = parser.parse_args(argv)
    if args.screenshots is not None:
        for path in screenshots(args.screenshots, args.events, args.seed):
            print(path)
        return 0
    result: dict[str, Any] = {"loadavg_start": list(os.getloadavg()), "cpus": os.cpu_count()}
    result["backtest"] = backtest_study(args.readers, args.seed, args.events)
    if not args.no_timings:
        result["timings"] = timings(args.events, args.seed, args.rounds)
    result["loadavg_end"] = list(os.getloadavg())
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for window, figures in result["backtest"]["windows"].items():
            print(f"backtest, {window} window: {figures}")
        for name, value in result.get("timings", {}).items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
