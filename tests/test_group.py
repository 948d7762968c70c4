"""The reading group's comments and assignments (issue 20): the use cases and storage on
SQLite and on a real PostgreSQL, two clients of one shared library, the migration, the
cascade with a paper, the undone delete, and the backup (kept) and bibliographies
(never)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from readinglist.app_context import OpenDatabase, open_database
from readinglist.core.errors import InvalidValueError, NotFoundError, ReadingListError
from readinglist.core.exchange import FORMATS
from readinglist.core.exchange.bundle import ExportScope
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.group import check_comment, check_name, parse_day
from readinglist.core.models import ParsedPaper, ParseResult
from readinglist.storage import engine as engine_module
from readinglist.storage.orm import AssignmentRow, CommentRow, OutboxRow

SECRET_COMMENT = "Zqxj secret remark about section four"
PRESENTER = "Presentia Quillworth"
ASSIGNER = "Assignia Marblefoot"
TODAY = date.today()


def add_papers(opened: OpenDatabase, count: int = 3) -> list[int]:
    papers = tuple(
        ParsedPaper(f"Group paper {n}: learning things", f"Abstract number {n}.", n)
        for n in range(1, count + 1)
    )
    return list(opened.library.import_parsed(ParseResult(papers), "d.txt", b"d").new_ids)


@pytest.fixture(params=["sqlite", "postgresql"])
def group_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenDatabase]:
    """A library with three papers, on SQLite and on a real PostgreSQL server."""
    where = (
        tmp_path / "library"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    with open_database(where) as opened:
        add_papers(opened)
        yield opened


def table_count(opened: OpenDatabase, row: type) -> int:
    with opened.store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(row)).scalar_one())


def last_outbox_paper(opened: OpenDatabase) -> int | None:
    with opened.store.engine.connect() as connection:
        return connection.execute(
            select(OutboxRow.paper_id).order_by(OutboxRow.id.desc()).limit(1)
        ).scalar()


# --- the checks ----------------------------------------------------------------------


def test_names_comments_and_days_are_checked():
    assert check_name("  Ada Lovelace \n") == "Ada Lovelace"
    assert check_name("x" * 80) == "x" * 80
    for bad in ("", "   ", "x" * 81, "Ada\x1b[31m", "ecil\u202eA", "a\u2028b"):
        with pytest.raises(InvalidValueError) as caught:
            check_name(bad)
        assert "\n" not in str(caught.value)
    assert check_comment(" line one\r\nline\ttwo \n") == "line one\nline\ttwo"
    for bad in ("", " \n\t ", "x" * 10_001, "nul\x00here", "esc\x1b"):
        with pytest.raises(InvalidValueError):
            check_comment(bad)
    assert parse_day("2025-03-14") == date(2025, 3, 14)
    for bad in ("2025-3-14", "20250314", "2025-W11-5", "2025-02-30", "tomorrow", ""):
        with pytest.raises(InvalidValueError, match="YYYY-MM-DD"):
            parse_day(bad)


# --- the use cases on both databases -----------------------------------------------


def test_comments_are_added_listed_oldest_first_and_deleted_by_their_author(
    group_db: OpenDatabase,
):
    group = group_db.library.group
    first, second = 1, 2
    changes = group.add_comment(first, " Alice ", "  Read §4 first.\n")
    assert changes.touched == {first} and changes.count == 1
    assert last_outbox_paper(group_db) == first  # the change feed hears of it
    group.add_comment(first, "Bob", "Agreed — and the appendix.")
    group.add_comment(second, "Bob", "Elsewhere")
    found = group.comments(first)
    assert [(c.author, c.body) for c in found] == [
        ("Alice", "Read §4 first."),
        ("Bob", "Agreed — and the appendix."),
    ]
    assert found[0].created_at <= found[1].created_at and found[0].created_at.tzinfo is not None
    with pytest.raises(ReadingListError, match="only its author"):
        group.delete_comment(found[0].id, "Bob")
    assert len(group.comments(first)) == 2
    assert group.delete_comment(found[0].id, "Alice").touched == {first}
    assert [c.author for c in group.comments(first)] == ["Bob"]
    with pytest.raises(NotFoundError, match=f"no comment with id {found[0].id}"):
        group.delete_comment(found[0].id, "Alice")


def test_bad_input_is_one_line_and_changes_nothing(group_db: OpenDatabase):
    group = group_db.library.group
    before = last_outbox_paper(group_db)
    for attempt in (
        lambda: group.add_comment(999, "Alice", "text"),
        lambda: group.add_comment(1, "Alice", "   "),
        lambda: group.add_comment(1, "", "text"),
        lambda: group.assign(999, "Bob", TODAY, "Alice"),
        lambda: group.assign(1, "Bo\x07b", TODAY, "Alice"),
        lambda: group.assign(1, "Bob", TODAY, "  "),
        lambda: group.clear_assignment(999),
        lambda: group.comments(999),
    ):
        with pytest.raises(ReadingListError) as caught:
            attempt()
        assert "\n" not in str(caught.value)
    assert table_count(group_db, CommentRow) == table_count(group_db, AssignmentRow) == 0
    assert last_outbox_paper(group_db) == before


def test_assignments_are_set_replaced_cleared_and_scheduled(group_db: OpenDatabase):
    group = group_db.library.group
    past, soon, later = TODAY - timedelta(days=3), TODAY, TODAY + timedelta(days=10)
    assert group.assign(1, "Carol", later, "Alice").touched == {1}
    assert last_outbox_paper(group_db) == 1
    group.assign(2, "Bob", soon, "Alice")
    group.assign(3, "Dan", past, "Bob")
    assert group.assign(2, "Bob", soon, "Carol").empty  # already so: nothing written
    held = group.assignment(2)
    assert held is not None and (held.presenter, held.on_date, held.assigned_by) == (
        "Bob",
        soon,
        "Alice",
    )
    upcoming = group.schedule(TODAY)
    assert [(s.assignment.paper_id, s.assignment.on_date) for s in upcoming] == [
        (2, soon),
        (1, later),
    ]
    assert upcoming[0].title == "Group paper 2: learning things"
    assert [s.assignment.paper_id for s in group.schedule(None)] == [3, 2, 1]
    group.assign(1, "Erin", past, "Bob")  # replaced: a new presenter and day
    assert group.assignment(1).presenter == "Erin"  # type: ignore[union-attr]
    assert group.clear_assignment(1).touched == {1}
    assert group.clear_assignment(1).empty
    assert group.assignment(1) is None
    assert group.paper_group(3).assignment is not None
    assert group.paper_group(999).comments == ()  # a paper deleted meanwhile: empty


def test_deleting_a_paper_deletes_its_comments_and_assignment(group_db: OpenDatabase):
    library = group_db.library
    library.group.add_comment(1, "Alice", "gone with the paper")
    library.group.add_comment(2, "Alice", "stays")
    library.group.assign(1, "Bob", TODAY, "Alice")
    library.delete([1])
    with group_db.store.engine.connect() as connection:
        comments = connection.execute(select(CommentRow.paper_id, CommentRow.body)).all()
        assigned = connection.execute(select(AssignmentRow.paper_id)).all()
    assert comments == [(2, "stays")] and assigned == []


def test_an_undone_delete_brings_the_comments_and_presenter_back(group_db: OpenDatabase):
    library = group_db.library
    library.group.add_comment(1, "Alice", "first")
    library.group.add_comment(1, "Bob", "second")
    library.group.assign(1, "Bob", TODAY, "Alice")
    before = library.group.paper_group(1)
    snapshots = library.snapshot([1])
    library.delete([1])
    report = library.restore(snapshots)
    back = library.group.paper_group(report.ids[1])
    assert [(c.author, c.body, c.created_at) for c in back.comments] == [
        (c.author, c.body, c.created_at) for c in before.comments
    ]
    assert back.assignment == before.assignment


def test_two_clients_of_a_shared_library_see_each_others_comments(
    tmp_path: Path, postgres_url: str
):
    with open_database(postgres_url) as alice, open_database(postgres_url) as bob:
        add_papers(alice, 2)
        alice.library.group.add_comment(1, "Alice", "Shall we read this one?")
        thread = bob.library.group.comments(1)
        assert [(c.author, c.body) for c in thread] == [("Alice", "Shall we read this one?")]
        bob.library.group.add_comment(1, "Bob", "Yes, I present it.")
        bob.library.group.assign(1, "Bob", TODAY, "Bob")
        seen = alice.library.group.paper_group(1)
        assert [c.author for c in seen.comments] == ["Alice", "Bob"]
        assert seen.assignment is not None and seen.assignment.presenter == "Bob"
        with pytest.raises(ReadingListError, match="only its author"):
            bob.library.group.delete_comment(thread[0].id, "Bob")
        # Alice's client reads Bob's change in its change feed (its window refreshes so).
        with alice.store.unit_of_work() as uow:
            changed, _upto = uow.outbox(1000)
        assert 1 in changed


# --- the migration --------------------------------------------------------------------


def test_a_0007_library_upgrades_to_0008_keeping_its_papers(tmp_path: Path):
    with open_database(tmp_path / "library") as opened:
        ids = add_papers(opened)
        opened.library.set_notes(ids[1], "kept notes")
        engine = opened.store.engine
        config = engine_module._alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0007")
        tables = set(inspect(engine).get_table_names())
        assert "paper_comments" not in tables and "paper_assignments" not in tables
        assert engine_module.current_revision(engine) == "0007"
        engine_module.upgrade(engine)
        assert engine_module.current_revision(engine) == engine_module.HEAD_REVISION
        assert [p.id for p in opened.library.papers()] == ids
        assert opened.library.details(ids[1]).paper.notes == "kept notes"
        assert opened.library.group.paper_group(ids[0]).comments == ()
        opened.library.group.add_comment(ids[0], "Alice", "after the upgrade")
        assert len(opened.library.group.comments(ids[0])) == 1


# --- exports and backups ------------------------------------------------------------


@pytest.fixture
def commented(tmp_path: Path) -> Iterator[OpenDatabase]:
    with open_database(tmp_path / "library") as opened:
        add_papers(opened)
        group = opened.library.group
        group.add_comment(1, ASSIGNER, SECRET_COMMENT)
        group.add_comment(1, PRESENTER, "Second thought,\nover two lines")
        group.add_comment(3, PRESENTER, "On paper three")
        group.assign(1, PRESENTER, date(2031, 5, 6), ASSIGNER)
        opened.library.set_notes(2, "plain notes")
        yield opened


def test_no_bibliography_export_carries_comments_or_assignments(commented: OpenDatabase):
    """Every format a paper is shared in leaves the group's conversation out, whole
    library or a selection; the backup (json) is the one that keeps it."""
    exchange = commented.library.exchange
    markers = (SECRET_COMMENT, "Second thought", PRESENTER, ASSIGNER, "2031-05-06")
    for scope in (ExportScope(), ExportScope("ids", ids=(1, 3))):
        for name in FORMATS:
            text = exchange.export(name, scope)
            if name == "json":
                assert all(marker in text for marker in markers), scope
                continue
            assert "Group paper 1" in text, (name, scope)  # the paper itself is there
            for marker in markers:
                assert marker not in text, (name, scope, marker)
            assert "comment" not in text.lower() or name == "html", (name, scope)


def test_a_backup_carries_them_and_its_restore_loses_nothing(
    commented: OpenDatabase, tmp_path: Path
):
    library = commented.library
    backup = library.exchange.export("json").encode("utf-8")
    wanted = {i: library.group.paper_group(i) for i in (1, 2, 3)}
    with open_database(tmp_path / "other") as fresh:
        summary = fresh.library.import_bytes(backup, "backup.json")
        assert any("3 comments, 1 assignment" in line for line in summary.extra)
        for paper_id, group in wanted.items():
            got = fresh.library.group.paper_group(paper_id)
            assert [(c.author, c.body, c.created_at) for c in got.comments] == [
                (c.author, c.body, c.created_at) for c in group.comments
            ]
            assert got.assignment == group.assignment
        again = fresh.library.import_bytes(backup, "backup.json")  # merged: nothing twice
        assert not any("restored for the group" in line for line in again.extra)
        assert len(fresh.library.group.comments(1)) == 2
    summary = library.import_bytes(backup, "backup.json")  # into itself: nothing twice
    assert len(library.group.comments(1)) == 2


def test_a_backup_with_a_wrong_comment_is_refused_and_changes_nothing(
    commented: OpenDatabase, tmp_path: Path
):
    data = json.loads(commented.library.exchange.export("json"))
    data["comments"][1]["body"] = "  "
    with open_database(tmp_path / "other") as fresh:
        with pytest.raises(ImportFormatError, match=r"comments\[1\]\.body"):
            fresh.library.import_bytes(json.dumps(data).encode(), "bad.json")
        data = json.loads(commented.library.exchange.export("json"))
        data["assignments"][0]["on_date"] = "next week"
        with pytest.raises(ImportFormatError, match=r"assignments\[0\]\.on_date"):
            fresh.library.import_bytes(json.dumps(data).encode(), "bad.json")
        assert fresh.library.papers() == []


def test_a_backup_written_before_the_group_sections_still_reads(
    commented: OpenDatabase, tmp_path: Path
):
    data = json.loads(commented.library.exchange.export("json"))
    del data["comments"], data["assignments"]
    with open_database(tmp_path / "other") as fresh:
        fresh.library.import_bytes(json.dumps(data).encode(), "old.json")
        assert len(fresh.library.papers()) == 3
        assert fresh.library.group.paper_group(1).comments == ()


def test_times_are_kept_exactly(commented: OpenDatabase):
    stamp = commented.library.group.comments(1)[0].created_at
    assert stamp.tzinfo is not None
    assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=5)
