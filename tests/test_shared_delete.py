"""Deleting papers of a shared library is the group's act: it takes every member's
private state of them (notes, rating, status and its history, time spent), so the
delete says so first, and its undo puts all of it back exactly as it was stored, not
only the deleting member's (storage/member_snapshots.py).

On PostgreSQL the members are two clients with their own names. On SQLite the same
storage code runs with the members' scopes given to two clients of one folder (an
embedded library has a single reader, but nothing in storage is PostgreSQL's own).
More than a page of rows (250 papers) for the bulk case.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.models import Priority, ReadStatus
from readinglist.core.undo import delete_change
from readinglist.core.undo_journal import dumps, loads
from readinglist.member import set_member_name
from readinglist.storage.member_state import StateScope
from readinglist.storage.shared_url import write_locator
from tests.test_cli import Cli, ok, user_error
from tests.test_storage_dialects import _many_papers

MANY = 250  # more than a page of the table (200)
Members = tuple[OpenLibrary, OpenLibrary]


def _client(url: str, tmp_path: Path, name: str) -> OpenLibrary:
    set_member_name(name)
    folder = tmp_path / name
    write_locator(folder, url)
    return open_library(folder)


@pytest.fixture(params=["sqlite", "postgresql"])
def members(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Members]:
    """Alice and Bob on one library of MANY papers."""
    if request.param == "sqlite":
        alice = open_library(tmp_path / "library")
        bob = open_library(tmp_path / "library")
        alice.store.scope = StateScope("Alice", shared=True)
        bob.store.scope = StateScope("Bob", shared=True)
    else:
        url: str = request.getfixturevalue("postgres_url")
        alice = _client(url, tmp_path, "Alice")
        bob = _client(url, tmp_path, "Bob")
    alice.library.import_bytes(_many_papers(MANY), "many.txt")
    try:
        yield alice, bob
    finally:
        alice.close()
        bob.close()


def _stored(opened: OpenLibrary) -> dict[str, list[tuple[object, ...]]]:
    """Every member's state as the database holds it (history without its row ids)."""
    queries = {
        "papers": "SELECT id, status, priority, rating, notes FROM papers ORDER BY id",
        "members": "SELECT paper_id, member, status, priority, rating, notes, minutes,"
        " time_recorded_at, version, updated_at FROM member_states ORDER BY paper_id, member",
        "history": "SELECT paper_id, status, changed_at, member FROM status_changes"
        " ORDER BY paper_id, id",
        "times": "SELECT paper_id, minutes, recorded_at FROM reading_times ORDER BY paper_id",
    }
    with opened.store.unit_of_work() as uow:
        return {
            name: [tuple(row) for row in uow.session.execute(text(sql))]
            for name, sql in queries.items()
        }


def _give_everyone_state(alice: OpenLibrary, bob: OpenLibrary) -> list[int]:
    ids = [paper.id for paper in alice.library.papers()]
    assert len(ids) == MANY
    bob.library.set_status(ids, ReadStatus.READ)
    bob.library.rate(ids, 4)
    bob.library.set_priority(ids[:120], Priority.HIGH)
    bob.library.set_notes(ids[0], "Bob's notes")
    bob.library.set_notes(ids[-1], "Bob's last")
    bob.library.time_spent.set(ids[200:], 40)
    bob.library.set_status(ids[:5], ReadStatus.DROPPED)  # a history of two changes
    alice.library.set_status(ids[:3], ReadStatus.SKIMMED)
    alice.library.set_notes(ids[1], "Alice's notes")
    alice.library.time_spent.set(ids[:2], 15)
    with alice.store.unit_of_work(write=True) as uow:  # the shared values, before 0009
        uow.session.execute(
            text("UPDATE papers SET notes = 'the group''s', rating = 2 WHERE id = :id"),
            {"id": ids[2]},
        )
    return ids


def test_an_undone_delete_brings_back_every_members_state_exactly(members: Members):
    alice, bob = members
    ids = _give_everyone_state(alice, bob)
    before = _stored(alice)
    bobs_view = bob.library.details(ids[0])
    alices_view = alice.library.details(ids[1])
    assert alice.library.others_with_state(ids) == ["Bob"]
    assert bob.library.others_with_state(ids[3:]) == []  # Alice has none there
    assert bob.library.others_with_state(ids) == ["Alice"]

    change = delete_change(ids)
    change.record(alice.library)
    assert change.apply(alice.library).count == MANY
    gone = _stored(alice)
    assert gone["members"] == [] and gone["history"] == [] and gone["papers"] == []
    # As the command line keeps it between runs: the snapshot survives its journal.
    (kept,) = loads(dumps([change]))
    kept.restore(alice.library)

    assert _stored(alice) == before
    assert bob.library.details(ids[0]) == bobs_view  # notes, status, history, time
    assert alice.library.details(ids[1]) == alices_view
    assert bob.library.papers()[0].rating == 4


def test_a_delete_on_a_shared_library_restores_bobs_index_too(
    postgres_url: str, tmp_path: Path
) -> None:
    """Bob's own search index follows the undo through the change feed."""
    with (
        _client(postgres_url, tmp_path, "Alice") as alice,
        _client(postgres_url, tmp_path, "Bob") as bob,
    ):
        alice.library.import_bytes(_many_papers(MANY), "many.txt")
        ids = [paper.id for paper in alice.library.papers()]
        bob.library.set_status(ids, ReadStatus.READ)
        bob.library.indexing.sync()
        assert bob.library.query_ids("status:read") == ids
        change = delete_change(ids)
        change.record(alice.library)
        change.apply(alice.library)
        bob.library.indexing.sync()
        assert bob.library.query_ids("status:read") == []
        change.restore(alice.library)
        bob.library.indexing.sync()
        assert bob.library.query_ids("status:read") == ids
        assert alice.library.query_ids("status:read") == []


def test_a_single_readers_library_has_no_other_members(tmp_path: Path):
    with open_library(tmp_path / "library") as opened:
        opened.library.import_bytes(_many_papers(3), "few.txt")
        ids = [paper.id for paper in opened.library.papers()]
        opened.library.set_notes(ids[0], "mine")
        assert opened.library.others_with_state(ids) == []
        change = delete_change(ids)
        change.record(opened.library)
        assert all(snapshot.shared is None for snapshot in change.snapshots)
        change.apply(opened.library)
        change.restore(opened.library)
        assert opened.library.details(ids[0]).paper.notes == "mine"


def test_the_command_line_warns_and_its_undo_brings_bobs_notes_back(
    postgres_url: str, tmp_path: Path
):
    with _client(postgres_url, tmp_path, "Bob") as bob:
        bob.library.import_bytes(_many_papers(3), "few.txt")
        paper_id, other = (paper.id for paper in bob.library.papers()[:2])
        bob.library.set_notes(paper_id, "Bob's notes")
        bob.library.rate([paper_id], 5)
    folder = tmp_path / "alice-folder"
    write_locator(folder, postgres_url)
    cli = Cli(tmp_path, folder)
    ok(cli("member", "Alice", library=False))

    refused = user_error(cli("delete", str(paper_id)), "add --yes to confirm")
    assert "1 other member (Bob) has notes or a status on this paper" in refused.err
    done = ok(cli("delete", str(paper_id), "--yes"))
    warnings = [line for line in done.err.splitlines() if "warning" in line]
    assert warnings == [
        "readinglist: warning: 1 other member (Bob) has notes or a status on this paper"
        " (undo brings theirs back too)"
    ]
    assert done.out == "deleted 1 paper\n"
    assert "warning" not in ok(cli("delete", str(other), "--yes")).err  # nobody's state
    ok(cli("undo"))
    ok(cli("undo"))
    set_member_name("Bob")
    with open_library(tmp_path / "Bob") as bob_again:
        paper = bob_again.library.details(paper_id).paper
        assert (paper.notes, paper.rating) == ("Bob's notes", 5)
