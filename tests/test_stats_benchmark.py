"""benchmarks/stats.py runs and reports every figure (timings are not checked), and its
synthetic readers make sense."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from benchmarks import stats as bench
from readinglist.core.models import ReadStatus


# Noon, and a weekday's first hour: before its digest arrives (a paper "added" later
# today had no event, and the benchmark and test_stats_cli failed after midnight).
@pytest.mark.parametrize(
    "now", [datetime(2026, 12, 6, 12, tzinfo=UTC), datetime(2026, 12, 7, 0, 35, tzinfo=UTC)]
)
def test_synthetic_histories_are_consistent_and_deterministic(now: datetime):
    history = bench.synthetic_history(3, events=3000, now=now)
    again = bench.synthetic_history(3, events=3000, now=now)
    assert history.events == again.events
    assert 2000 < len(history.events) < 4000
    assert [e.at for e in history.events] == sorted(e.at for e in history.events)
    assert all(e.at <= now for e in history.events)
    first: dict[int, ReadStatus] = {}
    for event in history.events:
        first.setdefault(event.paper_id, event.status)
    assert set(first) == set(history.added)
    assert set(first.values()) == {ReadStatus.UNREAD}  # every paper arrives unread
    assert all(at <= now for at in history.added.values())


@pytest.mark.slow
def test_the_benchmark_reports_the_backtest_and_the_timings(capsys, qapp):
    assert bench.main(["--json", "--readers", "3", "--events", "3000", "--rounds", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["backtest"]["windows"]) == {"chosen", "8w", "4w", "2w", "1w"}
    chosen = data["backtest"]["windows"]["chosen"]
    assert chosen["backtested"] == 3 * 8  # each reader from 8 successive weeks
    assert 0 <= chosen["range_covered"] <= 1
    assert chosen["range_high_over_low_median"] >= 1
    assert 0 <= chosen["within_25pct"] <= 1
    assert chosen["median_error"] <= chosen["max_error"]
    timings = data["timings"]
    for name in ("compute_ms", "database_read_and_compute_ms", "plan_10h_ms", "draw_ms"):
        assert timings[name] > 0
    assert timings["events"] > 2000
