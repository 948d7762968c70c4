"""The storage layer on both of its databases: every test runs on a SQLite library and on
a shared library on a real PostgreSQL server (tests/postgres_server.py).

What differs between the two is checked where it would show: ids chosen by the
database (an undone delete puts papers back with their ids; the next import must not
collide with them), text order (the database's sort must be the search index's), the
id sets of digests and lists (json_each on SQLite, unnest on PostgreSQL), the
write lock, and migrations with data in the tables.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from readinglist.app_context import LibraryLocation, OpenLibrary, library_folder, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.errors import LibraryBusyError
from readinglist.core.models import ParsedPaper, Priority, ReadStatus
from readinglist.core.undo import delete_change
from readinglist.member import set_member_name
from readinglist.storage import engine as engine_module
from readinglist.storage.store import SqlStore
from tests.helpers import FIRST_TITLE, SHARED_DIGEST_PAPERS

# More papers than one IN (...) chunk (500) and than a page of the table.
MANY = 1_200
SORTS = ("added", "title", "status", "seen", "rating", "priority")


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> LibraryLocation:
    """Where the test's library goes: a folder, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "library"
    url: str = request.getfixturevalue("postgres_url")
    set_member_name("Tester")  # a member's state is written to a shared library
    return url


@pytest.fixture
def lib(location: LibraryLocation) -> Iterator[OpenLibrary]:
    with open_library(location) as opened:
        yield opened


def _many_papers(count: int, prefix: str = "Paper") -> bytes:
    papers = [
        ParsedPaper(
            f"{prefix} {number:05d}: Études of ünïcode Ordering {chr(0x41 + number % 26)}",
            f"We study item {number}. Code is at https://github.com/example/p{number}.",
            0,
        )
        for number in range(count)
    ]
    return render_digest(papers).encode()


@pytest.mark.slow
def test_import_is_idempotent_and_counts_sightings(lib: OpenLibrary, shared_digest_bytes: bytes):
    first = lib.library.import_bytes(shared_digest_bytes, "digest.txt")
    again = lib.library.import_bytes(shared_digest_bytes, "digest.txt")
    assert (first.new, again.new, again.already_present) == (
        SHARED_DIGEST_PAPERS,
        0,
        SHARED_DIGEST_PAPERS,
    )
    papers = lib.library.papers()
    assert papers[0].title == FIRST_TITLE
    assert {paper.times_seen for paper in papers} == {2}
    assert all(p.first_seen and p.last_seen and p.first_seen < p.last_seen for p in papers)
    assert all(p.added_at.tzinfo is not None for p in papers)


@pytest.mark.slow
def test_user_fields_history_and_tags(lib: OpenLibrary, shared_digest_bytes: bytes):
    library = lib.library
    library.import_bytes(shared_digest_bytes, "digest.txt")
    ids = [paper.id for paper in library.papers()][:3]
    library.set_status(ids, ReadStatus.READING)
    library.set_status(ids[:1], ReadStatus.READ)
    library.rate(ids, 4)
    library.set_priority(ids[1:], Priority.HIGH)
    library.set_notes(ids[0], "naïve notes ✓")
    library.tag(ids, add=["3d/nerf", "todo"])
    library.rename_tag("3d", "three-d")

    details = library.details(ids[0])
    assert [change.status for change in details.status_history] == [
        ReadStatus.UNREAD,
        ReadStatus.READING,
        ReadStatus.READ,
    ]
    assert details.paper.notes == "naïve notes ✓"
    assert details.paper.tags == ("three-d/nerf", "todo")
    assert [(p.rating, p.priority) for p in library.papers()[:3]] == [
        (4, Priority.NONE),
        (4, Priority.HIGH),
        (4, Priority.HIGH),
    ]
    found = library.search("tag:three-d status:read", with_ids=True)
    assert found.ids == (ids[0],)


@pytest.mark.slow
def test_the_database_sorts_as_the_search_index_does(lib: OpenLibrary, shared_digest_bytes: bytes):
    """Titles with accents, digits and case: the database's order (collation) is the
    index's, for every order and both directions."""
    library = lib.library
    library.import_bytes(shared_digest_bytes, "digest.txt")
    library.import_bytes(_many_papers(40, "paper"), "mixed.txt")
    ids = [paper.id for paper in library.papers()]
    library.rate(ids[::3], 5)
    library.set_status(ids[::4], ReadStatus.READ)
    library.set_priority(ids[::5], Priority.LOW)
    for sort in SORTS:
        for descending in (False, True):
            database = library.browse("", sort, descending, limit=0, with_ids=True).ids
            index = library.search("", sort, descending, limit=0, with_ids=True).ids
            assert database == index, (sort, descending)


@pytest.mark.slow
def test_digest_and_list_id_sets_filter_on_both_databases(
    lib: OpenLibrary, shared_digest_bytes: bytes
):
    library = lib.library
    library.import_bytes(shared_digest_bytes, "digest.txt")
    ids = [paper.id for paper in library.papers()]
    within = ids[10:70]
    library.set_status(within[:5], ReadStatus.READ)
    page = library.browse("status:read", within=within, with_ids=True, limit=2)
    assert page.ids == tuple(within[:5])  # one import: the same time, then the lowest id
    assert page.total == 5
    assert len(page.results) == 2
    library.lists.create("Reading group")
    library.lists.add("Reading group", within[::-1])
    assert library.lists.get("Reading group").paper_ids == tuple(within[::-1])


@pytest.mark.slow
def test_bulk_changes_and_an_undone_delete_of_many_papers(lib: OpenLibrary):
    """More papers than a chunk: a bulk edit changes them all; an undone delete puts
    them back with their ids, and a later import gets ids that collide with none."""
    library = lib.library
    library.import_bytes(_many_papers(MANY), "many.txt")
    ids = [paper.id for paper in library.papers()]
    assert len(ids) == MANY
    assert library.set_status(ids, ReadStatus.QUEUED).count == MANY
    assert library.tag(ids, add=["bulk"]).count == MANY

    change = delete_change(ids[:700])
    change.record(library)
    assert change.apply(library).count == 700
    assert library.browse("", limit=0).total == MANY - 700
    change.restore(library)
    assert [paper.id for paper in library.papers()] == ids
    assert library.browse("tag:bulk status:queued", limit=0).total == MANY

    later = library.import_bytes(_many_papers(3, "Later"), "later.txt")
    assert later.new == 3
    assert len({paper.id for paper in library.papers()}) == MANY + 3
    assert library.search("Later", limit=0).total == 3


def test_a_writer_waits_for_the_write_lock_of_another(
    location: LibraryLocation, monkeypatch: pytest.MonkeyPatch
):
    """One writer at a time (BEGIN IMMEDIATE on SQLite, an advisory lock on
    PostgreSQL): a second one waits up to the busy timeout, then says it is busy."""
    monkeypatch.setenv("READINGLIST_BUSY_TIMEOUT_MS", "300")
    folder = library_folder(location)
    first, second = SqlStore.open(folder), SqlStore.open(folder)
    try:
        holding, release = threading.Event(), threading.Event()

        def hold() -> None:
            with first.unit_of_work(write=True):
                holding.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        assert holding.wait(10)
        with pytest.raises(LibraryBusyError), second.unit_of_work(write=True):
            pass
        release.set()
        holder.join()
        with second.unit_of_work(write=True) as uow:  # free again
            assert uow.all_ids() == []
    finally:
        first.close()
        second.close()


@pytest.mark.slow
def test_an_older_library_is_upgraded_with_its_data(location: LibraryLocation):
    """Every migration runs on both databases with a paper in the tables (0005
    recomputes title keys in place: SQL that had to branch on the dialect)."""
    folder = library_folder(location)
    engine = engine_module.create_library_engine(folder)
    try:
        engine_module.upgrade(engine, "0004")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO papers (title, abstract, title_key, status, priority, rating,"
                    " notes, added_at, updated_at) VALUES ('Attention ≠ Explanation', 'Kept.',"
                    " 'attention explanation', 'read', 'high', 4, 'my notes',"
                    " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
    finally:
        engine.dispose()
    with open_library(location) as opened:
        paper = opened.library.papers()[0]
        assert (paper.title, paper.notes, paper.rating) == (
            "Attention ≠ Explanation",
            "my notes",
            4,
        )
        assert engine_module.current_revision(opened.store.engine) == engine_module.HEAD_REVISION
        with opened.store.unit_of_work() as uow:
            key = uow.session.execute(text("SELECT title_key FROM papers")).scalar()
        assert key == "attention ≠ explanation"
        assert opened.library.search("explanation", limit=0).total == 1


def test_the_migrated_schema_matches_the_models(lib: OpenLibrary):
    """Alembic finds nothing to change on either database (every migration ran on it)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from readinglist.storage.orm import Base

    with lib.store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_time_spent_is_written_read_and_cascaded_on_both_databases(lib: OpenLibrary):
    """``reading_times`` (migration 0007): a time recorded, changed, cleared, and gone
    with its paper (ON DELETE CASCADE), and the plan calibrated by it."""
    from readinglist.core.library import utc_now
    from readinglist.storage.stats_queries import reading_tracker

    library = lib.library
    library.import_bytes(_many_papers(4), "few.txt")
    ids = [paper.id for paper in library.papers()]
    library.time_spent.set(ids[:3], 45)
    library.time_spent.set(ids[1:2], 90)
    library.time_spent.set(ids[2:3], None)
    assert library.time_spent.minutes(ids) == {ids[0]: 45, ids[1]: 90}
    library.set_status(ids[:2], ReadStatus.READ)
    library.set_status(ids[3:], ReadStatus.QUEUED)
    plan = reading_tracker(lib.store, utc_now).plan(10)
    assert plan.calibrated_on == 2 and plan.calibration is not None
    library.delete(ids[:1])
    with lib.store.unit_of_work() as uow:
        # The single reader's times are in reading_times, a member's in member_states.
        table = "member_states" if lib.store.scope.private else "reading_times"
        query = f"SELECT paper_id, minutes FROM {table} WHERE minutes > 0"
        left = uow.session.execute(text(query)).all()
    assert [tuple(row) for row in left] == [(ids[1], 90)]
