"""The reading tracker on a real library: storage's reads, ``readinglist stats`` and
``readinglist plan`` (in process, JSON shape and the one-line errors)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist.app_context import open_database
from readinglist.core.backlog_forecast import MIN_ORIGINS, RANGE_ORIGINS
from readinglist.core.library import Library
from readinglist.core.models import ParsedPaper, ParseResult, Priority, ReadStatus
from readinglist.core.stats import week_start
from readinglist.member import set_member_name
from readinglist.storage.stats_queries import reading_tracker
from readinglist.storage.store import SqlStore
from tests.test_cli import Cli

pytestmark = pytest.mark.slow  # each test builds its library through the Library (~1 s)

NOW = datetime.now(UTC).replace(microsecond=0)
READ_PAPERS = 250  # more than a page of the window's table (200 rows)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def fill_history(store: SqlStore) -> dict[str, list[int]]:
    """300 papers: 250 read two weeks ago, 10 queued (waits known), 40 unread;
    returns the ids the tests check against."""
    clock = Clock(NOW - timedelta(days=40))
    library = Library(store, clock=clock)
    papers = tuple(
        ParsedPaper(f"Paper number {n} on topic {n * 7 % 13}", "word " * (n % 50 * 10), n)
        for n in range(1, 301)
    )
    ids = library.import_parsed(ParseResult(papers), "digest.txt", b"digest").new_ids
    read, queued = list(ids[:READ_PAPERS]), list(ids[READ_PAPERS : READ_PAPERS + 10])
    clock.now = NOW - timedelta(days=30)
    library.set_status(queued + read, ReadStatus.QUEUED)
    library.tag(queued[:5], add=["vision"])
    library.set_priority(queued[-1:], Priority.HIGH)
    clock.now = NOW - timedelta(days=14)
    library.set_status(read, ReadStatus.READ)
    return {"read": read, "queued": queued}


def build_history(folder: Path, template: Path) -> dict[str, list[int]]:
    """:func:`fill_history` in a new library folder (a copy of the empty template)."""
    shutil.copytree(template, folder)
    store = SqlStore.open(folder)
    try:
        return fill_history(store)
    finally:
        store.close()


@pytest.fixture
def history_library(
    tmp_path: Path, empty_library_template: Path
) -> tuple[Path, dict[str, list[int]]]:
    folder = tmp_path / "library"
    return folder, build_history(folder, empty_library_template)


@pytest.fixture
def stats_cli(tmp_path: Path, history_library: tuple[Path, dict[str, list[int]]]) -> Cli:
    return Cli(tmp_path, history_library[0])


@pytest.fixture(params=["sqlite", "postgresql"])
def history_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """A store with :func:`fill_history`'s papers, on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        with open_database(tmp_path / "library") as opened:
            yield opened.store
    else:
        set_member_name("Tester")  # the history is the member's own there
        with open_database(request.getfixturevalue("postgres_url")) as opened:
            yield opened.store


def test_storage_reads_the_history_the_queue_and_first_digests(history_store: SqlStore):
    known = fill_history(history_store)
    tracker = reading_tracker(history_store, lambda: NOW, UTC)
    board = tracker.dashboard()
    plan = tracker.plan(100)
    assert board.events == 300 + 260 + 250
    assert board.backlog_now == 40 + 10
    read_week = week_start(NOW.date() - timedelta(days=14))
    week = next(w for w in board.weeks if w.start == read_week)
    assert sorted(week.read) == sorted(known["read"])
    assert board.waits.count == READ_PAPERS
    assert board.waits.median_days == pytest.approx(16.0)
    assert board.waits.waiting == 10
    first_day = (NOW - timedelta(days=40)).date().isoformat()
    assert list(board.waits_by_digest) == [first_day]
    assert board.waits_by_tag["vision"].waiting == 5
    # The queue: the high-priority paper first, each waiting since it was queued.
    assert plan.queued == 10
    assert plan.paper_ids[0] == known["queued"][-1]
    assert sorted(plan.paper_ids) == sorted(known["queued"])
    assert {item.basis for item in plan.items} == {"abstract length"}


def test_stats_json_shape(stats_cli: Cli, history_library):
    _, known = history_library
    result = stats_cli("stats", "--json", "--weeks", "8")
    assert result.code == 0, result
    data = result.json()
    assert set(data) == {
        "today",
        "events",
        "weeks",
        "backlog",
        "reading_days",
        "reading_day_papers",
        "streak_days",
        "queue_waits",
        "clearing",
    }
    assert len(data["weeks"]) == 8
    assert sum(week["read"] for week in data["weeks"]) == READ_PAPERS
    chosen = next(week for week in data["weeks"] if week["read"])
    assert sorted(chosen["paper_ids"]["read"]) == sorted(known["read"])
    assert data["backlog"]["now"] == 50
    assert len(data["backlog"]["weekly"]) == 8
    assert data["queue_waits"]["all"]["count"] == READ_PAPERS
    assert set(data["queue_waits"]) == {"all", "by_tag", "by_digest_day"}
    assert data["clearing"]["backlog"] == 50
    assert data["clearing"]["backtest"] is None  # six weeks of history: too short
    assert data["streak_days"] == 0
    assert set(data["reading_day_papers"]) == set(data["reading_days"])
    for day, count in data["reading_days"].items():
        assert len(data["reading_day_papers"][day]) == count
    read_days = [
        ids for ids in data["reading_day_papers"].values() if set(ids) & set(known["read"])
    ]
    assert read_days, "the read papers' days list them"


def test_stats_as_text(stats_cli: Cli):
    result = stats_cli("stats")
    assert result.code == 0, result
    assert "backlog (unread + queued): 50" in result.out
    assert f"{READ_PAPERS:4}" in result.out


def test_stats_on_an_empty_library(tmp_path: Path, empty_library_template: Path):
    shutil.copytree(empty_library_template, tmp_path / "empty")
    cli = Cli(tmp_path, tmp_path / "empty")
    result = cli("stats", "--json")
    assert result.code == 0, result
    data = result.json()
    assert data["events"] == 0
    assert all(week["read"] == 0 for week in data["weeks"])
    assert data["clearing"]["weeks_to_clear"] == 0
    text = cli("stats")
    assert "no reading recorded yet" in text.err
    planned = cli("plan", "--hours", "3")
    assert planned.code == 0
    assert "the queue is empty" in planned.err
    nothing = cli("plan", "--hours", "3", "--save-list", "Empty")
    assert nothing.code == 1
    assert nothing.err.strip() == "readinglist: the plan is empty: no list was saved"
    assert cli("lists", "--json").json()["lists"] == []


def test_plan_json_and_saved_as_a_list(stats_cli: Cli, history_library):
    _, known = history_library
    result = stats_cli("plan", "--hours", "2", "--json")
    assert result.code == 0, result
    data = result.json()
    assert data["budget_minutes"] == 120
    assert data["queued"] == 10
    assert data["papers"][0]["id"] == known["queued"][-1]
    assert sum(p["minutes"] for p in data["papers"]) <= 120
    assert {p["basis"] for p in data["papers"]} == {"abstract length"}
    saved = stats_cli("plan", "--hours", "2", "--save-list", "This week")
    assert saved.code == 0, saved
    shown = stats_cli("lists", "show", "This week", "--json")
    assert [p["id"] for p in shown.json()] == [p["id"] for p in data["papers"]]


def test_plan_refuses_a_taken_name_and_a_bad_budget(stats_cli: Cli):
    assert stats_cli("lists", "create", "Taken").code == 0
    taken = stats_cli("plan", "--hours", "2", "--save-list", "Taken")
    assert taken.code == 1
    assert taken.err.strip().count("\n") == 0 and "already exists" in taken.err
    lists = stats_cli("lists", "--json").json()["lists"]
    assert [(found["name"], found["count"]) for found in lists] == [("Taken", 0)]
    assert stats_cli("stats", "--weeks", "0").code == 2
    assert "weeks" in stats_cli("stats", "--weeks", "105").err
    for bad in ("0", "-2", "200", "many"):
        refused = stats_cli("plan", "--hours", bad)
        assert refused.code == 2, refused
        assert "hours" in refused.err


def test_stats_does_not_load_the_search_stack(stats_cli: Cli):
    """``stats`` and ``plan`` open the database only: fast to start."""
    from readinglist.cli import _DATABASE_ONLY

    assert {"stats", "plan"} <= _DATABASE_ONLY


def test_a_year_of_reading_gives_the_clearing_estimate_with_its_range(
    tmp_path: Path, empty_library_template: Path
):
    from benchmarks.stats import synthetic_history, write_library

    folder = tmp_path / "year"
    shutil.copytree(empty_library_template, folder)
    write_library(folder, synthetic_history(3, events=3000, now=NOW))
    cli = Cli(tmp_path, folder)
    data = cli("stats", "--json").json()["clearing"]
    likely = data["likely_weeks"]
    # Backtests from each of the last 16 weeks that can be told (the history follows the
    # calendar of today: on a Monday this one gives 14).
    assert MIN_ORIGINS <= likely["checks"] <= RANGE_ORIGINS
    assert likely["low"] <= data["weeks_to_clear"] <= likely["high"]
    assert data["backtest"]["covered"] in (True, False)
    text = cli("stats")
    assert text.code == 0, text
    shown = re.search(r"likely (\d+)(?:-(\d+))? weeks: at the slowest and fastest pace", text.out)
    assert shown is not None, text.out
    low, high = int(shown[1]), int(shown[2] or shown[1])
    assert abs(low - likely["low"]) <= 0.5 and abs(high - likely["high"]) <= 0.5
    assert f"your estimates of the last {likely['checks']} weeks" in text.out
