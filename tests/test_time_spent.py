"""The reader's recorded time per paper (issue 21): typed durations, ``library.time_spent``,
its table (migration 0007, cascade, undo, backup), and "Plan my week" calibrated by it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.library import utc_now
from readinglist.core.models import ParsedPaper, ParseResult, ReadStatus
from readinglist.core.stats_cases import plan_to_dict
from readinglist.core.time_spent import duration_text, parse_duration
from readinglist.core.undo import delete_change, record_and_apply, time_spent_change
from readinglist.core.undo_journal import dumps, loads
from readinglist.core.week_plan import raw_minutes
from readinglist.storage import engine as engine_module
from readinglist.storage.stats_queries import StatsQueries, reading_tracker

# --- typed durations ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("45", 45),
        ("45m", 45),
        (" 45 min ", 45),
        ("1h", 60),
        ("1h30", 90),
        ("1h30m", 90),
        ("1H 5M", 65),
        ("1.5h", 90),
        ("0.25h", 15),
        ("168h", 10080),
        ("none", None),
        ("Clear", None),
    ],
)
def test_durations_as_typed(typed: str, minutes: int | None) -> None:
    assert parse_duration(typed) == minutes
    if minutes is not None:
        assert parse_duration(duration_text(minutes)) == minutes  # shown as it is typed


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "not a duration"),
        ("banana", "not a duration"),
        ("1h75", "0 to 59"),
        ("1.5h30", "0 to 59"),
        ("0", "from 1 minute to 168 hours"),
        ("0h", "from 1 minute to 168 hours"),
        ("169h", "not 169h"),
        ("-5", "not a duration"),
        ("45s", "not a duration"),
    ],
)
def test_wrong_durations_are_one_line_errors(typed: str, said: str) -> None:
    with pytest.raises(InvalidValueError, match=said) as raised:
        parse_duration(typed)
    assert "\n" not in str(raised.value)


# --- the library ------------------------------------------------------------------------


def _papers(opened: OpenLibrary, count: int) -> list[int]:
    """Papers whose abstract-length estimates are whole minutes: 20 + 6n (40n words)."""
    parsed = tuple(
        ParsedPaper(f"Paper {n} on topic {n}", "word " * (40 * n), n) for n in range(1, count + 1)
    )
    return list(opened.library.import_parsed(ParseResult(parsed), "d.txt", b"d").new_ids)


def _table(opened: OpenLibrary) -> list[tuple[int, int]]:
    with opened.store.engine.connect() as connection:
        rows = connection.execute(text("SELECT paper_id, minutes FROM reading_times"))
        return sorted((int(paper_id), int(minutes)) for paper_id, minutes in rows)


def test_record_read_and_clear_a_time(opened: OpenLibrary) -> None:
    library = opened.library
    first, second, third = _papers(opened, 3)
    changes = library.time_spent.set([first, second], 45)
    assert changes.count == 2 and changes.touched == {first, second}
    assert library.time_spent.set([first], 45).count == 0  # already so: unchanged
    library.time_spent.set([third], 90)
    assert library.time_spent.minutes([first, second, third]) == {first: 45, second: 45, third: 90}
    spent = library.details(first).paper.time_spent
    assert spent is not None and spent.minutes == 45 and spent.recorded_at.tzinfo is not None
    assert library.time_spent.set([second], None).count == 1
    assert library.details(second).paper.time_spent is None
    assert _table(opened) == [(first, 45), (third, 90)]


@pytest.mark.parametrize("minutes", [0, -3, 10081, True, 4.5, "45"])
def test_a_wrong_time_changes_nothing(opened: OpenLibrary, minutes: object) -> None:
    (paper,) = _papers(opened, 1)
    opened.library.time_spent.set([paper], 30)
    with pytest.raises(InvalidValueError) as raised:
        opened.library.time_spent.set([paper], minutes)  # type: ignore[arg-type]
    assert "\n" not in str(raised.value)
    assert _table(opened) == [(paper, 30)]


def test_a_missing_paper_changes_nothing(opened: OpenLibrary) -> None:
    (paper,) = _papers(opened, 1)
    with pytest.raises(NotFoundError, match="no paper with id 99"):
        opened.library.time_spent.set([paper, 99], 30)
    with pytest.raises(InvalidValueError, match="at least one paper"):
        opened.library.time_spent.set([], 30)
    assert _table(opened) == []


def test_deleting_a_paper_deletes_its_time_and_undo_brings_it_back(opened: OpenLibrary) -> None:
    library = opened.library
    first, second = _papers(opened, 2)
    library.time_spent.set([first], 75)
    library.time_spent.set([second], 20)
    before = library.details(first).paper.time_spent
    deleted = delete_change([first])
    record_and_apply(deleted)(library)
    assert _table(opened) == [(second, 20)]  # ON DELETE CASCADE
    deleted.restore(library)
    assert library.details(first).paper.time_spent == before  # minutes and when


def test_the_change_is_undone_where_nothing_changed_since(opened: OpenLibrary) -> None:
    library = opened.library
    first, second, third = _papers(opened, 3)
    library.time_spent.set([first], 10)
    earlier = library.details(first).paper.time_spent
    change = time_spent_change([first, second, third], 60)
    assert change.text == "record 1h on 3 papers"
    record_and_apply(change)(library)
    library.time_spent.set([third], 5)  # changed again since
    (kept,) = loads(dumps([change]))  # as readinglist undo reads it back
    kept.restore(library)
    assert library.details(first).paper.time_spent == earlier
    assert library.time_spent.minutes([first, second, third]) == {first: 10, third: 5}
    assert getattr(kept, "kept", None) == (third,)


def test_a_backup_restores_every_time(opened: OpenLibrary, tmp_path: Path) -> None:
    library = opened.library
    ids = _papers(opened, 3)
    library.time_spent.set(ids[:2], 95)
    backup = library.exchange.export("json")
    assert [
        p["time_spent"] and p["time_spent"]["minutes"] for p in json.loads(backup)["papers"]
    ] == [
        95,
        95,
        None,
    ]
    with open_library(tmp_path / "restored") as restored:
        restored.library.import_bytes(backup.encode(), "backup.json")
        for paper_id in ids:
            assert (
                restored.library.details(paper_id).paper.time_spent
                == library.details(paper_id).paper.time_spent
            )


def test_a_backup_with_a_wrong_time_is_refused(opened: OpenLibrary) -> None:
    (paper,) = _papers(opened, 1)
    opened.library.time_spent.set([paper], 95)
    data = json.loads(opened.library.exchange.export("json"))
    data["papers"][0]["time_spent"]["minutes"] = 0
    with pytest.raises(ImportFormatError, match=r"papers\[0\]\.time_spent\.minutes: .* 1 to"):
        opened.library.import_bytes(json.dumps(data).encode(), "bad.json")
    assert _table(opened) == [(paper, 95)]


# --- "Plan my week", calibrated ---------------------------------------------------------


def test_a_reader_twice_as_slow_on_read_papers_gets_every_estimate_doubled(
    opened: OpenLibrary,
) -> None:
    """The times are recorded on read papers (the queue has none): the calibration must
    read them whatever their status."""
    library = opened.library
    ids = _papers(opened, 6)
    read, queued = ids[:3], ids[3:]
    library.set_status(read, ReadStatus.READ)
    library.set_status(queued, ReadStatus.QUEUED)
    tracker = reading_tracker(opened.store, utc_now)
    plain = tracker.plan(168)
    assert (plain.calibration, plain.calibrated_on) == (None, 0)
    with opened.store.unit_of_work() as uow:
        estimates = {
            c.paper_id: raw_minutes(c)[0] for c in StatsQueries(uow.session).candidates(read)
        }
    assert sorted(estimates.values()) == [26, 32, 38]
    for paper_id, minutes in estimates.items():
        library.time_spent.set([paper_id], round(2 * minutes))

    plan = tracker.plan(168)
    assert plan.calibration == pytest.approx(2.0)
    assert plan.calibrated_on == 3
    assert plan.paper_ids == plain.paper_ids
    assert [item.minutes for item in plan.items] == [2 * item.minutes for item in plain.items]
    assert {item.basis for item in plan.items} == {"abstract length, calibrated"}
    data = plan_to_dict(plan)
    assert (data["calibration"], data["calibrated_on"]) == (2.0, 3)


# --- migration 0007 ---------------------------------------------------------------------


def test_a_0006_library_upgrades_and_keeps_its_papers(opened: OpenLibrary) -> None:
    library = opened.library
    ids = _papers(opened, 3)
    library.set_notes(ids[1], "kept notes")
    library.time_spent.set(ids[:1], 30)
    engine = opened.store.engine
    config = engine_module._alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert "reading_times" not in inspect(engine).get_table_names()
    assert engine_module.current_revision(engine) == "0006"
    engine_module.upgrade(engine)
    assert engine_module.current_revision(engine) == engine_module.HEAD_REVISION
    assert [p.id for p in library.papers()] == ids
    assert library.details(ids[1]).paper.notes == "kept notes"
    assert library.time_spent.minutes(ids) == {}  # the new table starts empty
    library.time_spent.set(ids[2:], 15)
    assert _table(opened) == [(ids[2], 15)]


def test_the_database_refuses_a_time_outside_its_range(opened: OpenLibrary) -> None:
    """The CHECK constraint holds even for a write that bypasses the use case."""
    (paper,) = _papers(opened, 1)
    statement = text(
        "INSERT INTO reading_times (paper_id, minutes, recorded_at)"
        " VALUES (:paper, 0, '2026-01-01 00:00:00')"
    )
    with (
        pytest.raises(IntegrityError, match=r"(?i)check constraint"),
        opened.store.engine.begin() as connection,
    ):
        connection.execute(statement, {"paper": paper})
    assert _table(opened) == []
