"""Each member's own reading state on a shared library (issue 20; migration 0009).

Status and its history, priority, rating, notes and time spent are private to a member
on a PostgreSQL library (storage/member_state.py); papers, tags and the rest stay
shared. Two members in one process are two local folders on one URL, each opened after
its member name was set (the name is read when the library opens). The SQLite library's
single reader keeps its state in the paper's own columns, as before 0009.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from readinglist.app_context import OpenDatabase, OpenLibrary, open_database, open_library
from readinglist.core.errors import ReadingListError
from readinglist.core.models import PaperQuery, Priority, ReadStatus
from readinglist.core.paper_edits import read_base, save_edit
from readinglist.core.undo import delete_change
from readinglist.member import set_member_name
from readinglist.storage import engine as engine_module
from readinglist.storage.member_state import StateScope
from readinglist.storage.shared_url import write_locator
from readinglist.storage.stats_queries import StatsQueries
from tests.postgres_server import PostgresServer
from tests.test_storage_dialects import _many_papers

# More than a page of the table (200) and than one IN (...) chunk (500).
MANY = 620
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _member(url: str, tmp_path: Path, name: str) -> OpenLibrary:
    """``name``'s client of the shared library: a local folder (and index) of its own."""
    set_member_name(name)
    folder = tmp_path / name
    write_locator(folder, url)
    return open_library(folder)


@pytest.fixture
def members(postgres_url: str, tmp_path: Path) -> Iterator[tuple[OpenLibrary, OpenLibrary]]:
    """Alice and Bob on one shared library of a few papers."""
    alice = _member(postgres_url, tmp_path, "Alice")
    alice.library.import_bytes(_many_papers(6), "few.txt")
    bob = _member(postgres_url, tmp_path, "Bob")
    try:
        yield alice, bob
    finally:
        alice.close()
        bob.close()


def _counts(opened: OpenLibrary | OpenDatabase) -> dict[ReadStatus, int]:
    with opened.store.unit_of_work() as uow:
        return StatsQueries(uow.session, uow.scope).status_counts()


def _state(opened: OpenLibrary | OpenDatabase, paper_id: int) -> tuple[object, ...]:
    paper = opened.library.details(paper_id).paper
    minutes = None if paper.time_spent is None else paper.time_spent.minutes
    return paper.status, paper.priority, paper.rating, paper.notes, minutes


def test_two_members_each_see_only_their_own_state(members: tuple[OpenLibrary, OpenLibrary]):
    alice, bob = members
    first, second = (paper.id for paper in alice.library.papers()[:2])
    alice.library.set_status([first], ReadStatus.READ)
    alice.library.set_priority([first], Priority.HIGH)
    alice.library.rate([first], 5)
    alice.library.set_notes(first, "zebra crossing")
    alice.library.time_spent.set([first], 45)
    bob.library.set_status([first], ReadStatus.DROPPED)
    bob.library.set_priority([first], Priority.LOW)
    bob.library.rate([first, second], 2)
    bob.library.set_notes(first, "giraffe necks")
    bob.library.time_spent.set([first], 90)
    for opened in members:
        opened.library.indexing.sync()  # each index takes the feed: the other's ids too

    assert _state(alice, first) == (ReadStatus.READ, Priority.HIGH, 5, "zebra crossing", 45)
    assert _state(bob, first) == (ReadStatus.DROPPED, Priority.LOW, 2, "giraffe necks", 90)
    # show: the history is the shared start and the member's own changes
    assert [c.status for c in alice.library.details(first).status_history] == [
        ReadStatus.UNREAD,
        ReadStatus.READ,
    ]
    assert [c.status for c in bob.library.details(first).status_history] == [
        ReadStatus.UNREAD,
        ReadStatus.DROPPED,
    ]
    # list and filter (the database), search (each client's own index)
    assert [p.id for p in alice.library.papers(PaperQuery(status=ReadStatus.READ))] == [first]
    assert bob.library.papers(PaperQuery(status=ReadStatus.READ)) == []
    assert alice.library.browse("status:read").total == 1
    assert bob.library.browse("status:read").total == 0
    assert bob.library.browse("rating:2").total == 2
    assert alice.library.browse("has:notes").total == 1
    assert alice.library.query_ids("status:read") == [first]
    assert bob.library.query_ids("status:read") == []
    assert alice.library.query_ids("zebra") == [first]
    assert alice.library.query_ids("giraffe") == []
    assert bob.library.query_ids("giraffe") == [first]
    assert bob.library.query_ids("rating:2") == sorted([first, second])
    # sort: by the member's own rating (best first)
    assert alice.library.browse("", sort="rating").results[0].paper.id == first
    by_bob = bob.library.browse("", sort="rating").results
    assert sorted(r.paper.id for r in by_bob[:2]) == sorted([first, second])
    # counts and the time the planner calibrates by
    assert _counts(alice)[ReadStatus.READ] == 1 and ReadStatus.DROPPED not in _counts(alice)
    assert _counts(bob)[ReadStatus.DROPPED] == 1 and ReadStatus.READ not in _counts(bob)
    assert alice.library.time_spent.minutes([first]) == {first: 45}
    bob.library.time_spent.set([first], None)
    assert bob.library.time_spent.minutes([first]) == {}
    assert alice.library.time_spent.minutes([first]) == {first: 45}
    # shared things stay shared
    alice.library.tag([first], add=["group"])
    assert bob.library.details(first).paper.tags == ("group",)


def test_the_change_feed_carries_ids_only(members: tuple[OpenLibrary, OpenLibrary]):
    alice, bob = members
    paper_id = alice.library.papers()[0].id
    with bob.store.unit_of_work() as uow:
        uow.clear_outbox()  # bob's index holds everything so far
    alice.library.set_notes(paper_id, "private words")
    with bob.store.unit_of_work() as uow:
        changed, _ = uow.outbox(10_000)
        rows = uow.session.execute(text("SELECT * FROM search_outbox")).all()
    assert changed == [paper_id]
    assert all("private" not in str(row) for row in rows)


@pytest.mark.slow
def test_a_bulk_change_over_many_pages_touches_only_the_members_state(
    postgres_url: str, tmp_path: Path
):
    alice = _member(postgres_url, tmp_path, "Alice")
    bob = _member(postgres_url, tmp_path, "Bob")
    with alice, bob:
        alice.library.import_bytes(_many_papers(MANY), "many.txt")
        ids = [paper.id for paper in alice.library.papers()]
        bob.library.set_status(ids[:3], ReadStatus.READING)
        before = alice.library.bulk.field_values(ids, "status")
        assert alice.library.set_status(ids, ReadStatus.QUEUED).count == MANY
        assert alice.library.set_status(ids, ReadStatus.QUEUED).count == 0
        assert _counts(alice) == {ReadStatus.QUEUED: MANY}
        assert _counts(bob) == {ReadStatus.UNREAD: MANY - 3, ReadStatus.READING: 3}
        assert bob.library.browse("status:queued").total == 0
        page = alice.library.browse("status:queued", sort="title", offset=400, limit=200)
        assert page.total == MANY and len(page.results) == 200
        # the undo of a bulk edit puts back the member's own values only
        alice.library.bulk.restore_field(before, "status")
        assert _counts(alice) == {ReadStatus.UNREAD: MANY}
        assert _counts(bob) == {ReadStatus.UNREAD: MANY - 3, ReadStatus.READING: 3}
        with alice.store.unit_of_work() as uow:
            owned = uow.session.execute(
                text("SELECT member, count(*) FROM member_states GROUP BY member ORDER BY 1")
            ).all()
        assert [tuple(row) for row in owned] == [("Alice", MANY), ("Bob", 3)]


def test_edits_of_two_members_never_conflict(members: tuple[OpenLibrary, OpenLibrary]):
    """An edit saved from an older read conflicts with the member's own other machine,
    never with another member's change of the same field."""
    alice, bob = members
    paper_id = alice.library.papers()[0].id
    base = read_base(alice.store, paper_id)
    bob.library.rate([paper_id], 1)
    outcome = save_edit(alice.store, paper_id, base, {"rating": 4, "notes": "mine"}, NOW)
    assert outcome.written == {"rating": 4, "notes": "mine"} and not outcome.conflicts
    stale = read_base(alice.store, paper_id)
    alice.library.rate([paper_id], 3)  # her other window
    clash = save_edit(alice.store, paper_id, stale, {"rating": 5}, NOW)
    assert [c.field for c in clash.conflicts] == ["rating"]
    assert bob.library.details(paper_id).paper.rating == 1


def test_a_shared_library_without_a_member_name_reads_but_never_writes_state(
    postgres_url: str, tmp_path: Path
):
    folder = tmp_path / "nameless"
    write_locator(folder, postgres_url)
    with open_library(folder) as nameless:
        assert nameless.store.scope == StateScope(
            None, shared=True, no_member_message=nameless.store.scope.no_member_message
        )
        nameless.library.import_bytes(_many_papers(3), "few.txt")  # shared: allowed
        paper_id = nameless.library.papers()[0].id
        writes: list[Callable[[], object]] = [
            lambda: nameless.library.set_status([paper_id], ReadStatus.READ),
            lambda: nameless.library.rate([paper_id], 3),
            lambda: nameless.library.set_notes(paper_id, "x"),
            lambda: nameless.library.time_spent.set([paper_id], 5),
        ]
        for write in writes:
            with pytest.raises(ReadingListError, match="readinglist member NAME"):
                write()
        assert _state(nameless, paper_id) == (ReadStatus.UNREAD, Priority.NONE, 0, "", None)


def test_an_undone_delete_gives_the_member_back_their_own_state_only(
    members: tuple[OpenLibrary, OpenLibrary],
):
    alice, bob = members
    paper_id = alice.library.papers()[0].id
    alice.library.set_status([paper_id], ReadStatus.READ)
    alice.library.set_notes(paper_id, "hers")
    alice.library.time_spent.set([paper_id], 30)
    change = delete_change([paper_id])
    change.record(alice.library)
    assert change.apply(alice.library).count == 1
    change.restore(alice.library)
    assert _state(alice, paper_id) == (ReadStatus.READ, Priority.NONE, 0, "hers", 30)
    # nothing of hers went into the paper's shared columns
    assert _state(bob, paper_id) == (ReadStatus.UNREAD, Priority.NONE, 0, "", None)
    with alice.store.unit_of_work() as uow:
        shared = uow.session.execute(
            text("SELECT status, notes FROM papers WHERE id = :id"), {"id": paper_id}
        ).one()
    assert tuple(shared) == ("unread", "")


# --- the migration ---------------------------------------------------------------------


def _downgrade_to_0008(opened: OpenLibrary | OpenDatabase) -> None:
    engine = opened.store.engine
    config = engine_module._alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    assert engine_module.current_revision(engine) == "0008"


def test_an_embedded_library_upgrades_keeping_the_readers_state(tmp_path: Path):
    with open_database(tmp_path / "library") as opened:
        opened.library.import_bytes(_many_papers(3), "few.txt")
        paper_id = opened.library.papers()[0].id
        opened.library.set_status([paper_id], ReadStatus.READ)
        opened.library.rate([paper_id], 4)
        opened.library.set_priority([paper_id], Priority.HIGH)
        opened.library.set_notes(paper_id, "kept notes")
        opened.library.time_spent.set([paper_id], 20)
        _downgrade_to_0008(opened)
    with open_database(tmp_path / "library") as opened:
        assert engine_module.current_revision(opened.store.engine) == "0009"
        assert opened.store.scope == StateScope()
        assert _state(opened, paper_id) == (ReadStatus.READ, Priority.HIGH, 4, "kept notes", 20)
        history = opened.library.details(paper_id).status_history
        assert [c.status for c in history] == [ReadStatus.UNREAD, ReadStatus.READ]
        opened.library.rate([paper_id], 1)  # still the paper's own column
        with opened.store.unit_of_work() as uow:
            assert uow.session.scalar(text("SELECT count(*) FROM member_states")) == 0
            assert uow.session.scalar(text("SELECT rating FROM papers WHERE id = 1")) == 1


def test_a_shared_library_upgrades_keeping_its_old_values_as_the_shared_ones(
    postgres_url: str, tmp_path: Path
):
    """Before 0009 a shared library's state was everyone's: it stays in the paper's
    columns and shows to every member until they set their own; never dropped."""
    alice = _member(postgres_url, tmp_path, "Alice")
    with alice:
        alice.library.import_bytes(_many_papers(3), "few.txt")
        paper_id = alice.library.papers()[0].id
        _downgrade_to_0008(alice)
        with alice.store.engine.begin() as connection:  # written as 0.8 wrote it
            for statement in (
                "UPDATE papers SET status = 'read', rating = 4, notes = 'old' WHERE id = :id",
                "INSERT INTO status_changes (paper_id, status, changed_at)"
                " VALUES (:id, 'read', '2026-11-01 10:00:00')",
                "INSERT INTO reading_times VALUES (:id, 25, '2026-11-01 10:00:00')",
            ):
                connection.execute(text(statement), {"id": paper_id})
    alice = _member(postgres_url, tmp_path, "Alice")
    bob = _member(postgres_url, tmp_path, "Bob")
    with alice, bob:
        assert engine_module.current_revision(alice.store.engine) == "0009"
        for opened in (alice, bob):
            assert _state(opened, paper_id) == (ReadStatus.READ, Priority.NONE, 4, "old", 25)
            assert opened.library.browse("status:read").total == 1
        bob.library.set_status([paper_id], ReadStatus.SKIMMED)
        bob.library.rate([paper_id], 0)
        bob.library.time_spent.set([paper_id], None)
        assert _state(bob, paper_id) == (ReadStatus.SKIMMED, Priority.NONE, 0, "old", None)
        assert _state(alice, paper_id) == (ReadStatus.READ, Priority.NONE, 4, "old", 25)
        assert [c.status for c in bob.library.details(paper_id).status_history] == [
            ReadStatus.UNREAD,
            ReadStatus.READ,
            ReadStatus.SKIMMED,
        ]


def test_a_local_index_of_another_member_is_rebuilt(postgres_url: str, tmp_path: Path):
    """One machine, one local folder, a member name changed: the index (which holds the
    former member's statuses) is rebuilt for the new one."""
    with _member(postgres_url, tmp_path, "Alice") as alice:
        alice.library.import_bytes(_many_papers(3), "few.txt")
        paper_id = alice.library.papers()[0].id
        alice.library.set_status([paper_id], ReadStatus.READ)
        assert alice.library.query_ids("status:read") == [paper_id]
    with _member(postgres_url, tmp_path, "Alice") as again:  # same member: index kept
        assert again.index.rebuild_reason is None
        assert again.library.query_ids("status:read") == [paper_id]
    folder = tmp_path / "Alice"
    set_member_name("Bob")
    with open_library(folder) as bob_here:
        assert bob_here.library.query_ids("status:read") == []
        assert bob_here.library.query_ids("status:unread") == sorted(
            p.id for p in bob_here.library.papers()
        )


def test_a_backup_imported_by_a_member_is_their_own_state(
    members: tuple[OpenLibrary, OpenLibrary], postgres_server: PostgresServer, tmp_path: Path
):
    """A JSON backup holds the exporting member's values; imported into a shared
    library they become the importing member's, not the shared ones."""
    alice, _bob = members
    paper = alice.library.papers()[0]
    alice.library.set_status([paper.id], ReadStatus.READ)
    alice.library.rate([paper.id], 4)
    alice.library.set_notes(paper.id, "from the file")
    alice.library.time_spent.set([paper.id], 15)
    backup = alice.library.exchange.export("json").encode("utf-8")
    name = postgres_server.new_database()
    try:
        url = postgres_server.url(name)
        with _member(url, tmp_path / "other", "Carol") as carol:
            assert carol.library.import_bytes(backup, "backup.json").new == 6
            (copy,) = [p for p in carol.library.papers() if p.title == paper.title]
            assert _state(carol, copy.id) == (
                ReadStatus.READ,
                Priority.NONE,
                4,
                "from the file",
                15,
            )
            assert carol.library.query_ids("status:read") == [copy.id]
        with _member(url, tmp_path / "other", "Dave") as dave:
            assert _state(dave, copy.id) == (ReadStatus.UNREAD, Priority.NONE, 0, "", None)
            assert dave.library.browse("status:read").total == 0
    finally:
        postgres_server.drop_database(name)


def test_a_bibtex_files_reader_state_goes_to_the_importing_member(
    members: tuple[OpenLibrary, OpenLibrary],
):
    """JabRef's read status, ranking, priority and annote are the importer's own; its
    groups become the group's tags."""
    alice, bob = members
    known = alice.library.papers()[0]
    bib = rf"""
@misc{{a, title = {{{known.title}}}, annote = {{notes from the file}}}}
@misc{{b, title = {{A New Paper}}, readstatus = {{read}}, ranking = {{rank5}},
  priority = {{prio1}}, groups = {{from-file}}, annote = {{first line}}}}
"""
    alice.library.import_bytes(bib.encode(), "jabref.bib")
    (new,) = [p for p in alice.library.papers() if p.title == "A New Paper"]
    assert _state(alice, new.id) == (ReadStatus.READ, Priority.HIGH, 5, "first line", None)
    assert alice.library.details(known.id).paper.notes == "notes from the file"
    assert _state(bob, new.id) == (ReadStatus.UNREAD, Priority.NONE, 0, "", None)
    assert bob.library.details(known.id).paper.notes == ""
    assert bob.library.details(new.id).paper.tags == ("from-file",)
