"""The change feed of a shared library is pruned, and a client that was away longer
than it keeps catches up fully (storage/change_feed.py, core/indexing.py; issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from readinglist.app_context import OpenLibrary, open_library
from readinglist.member import set_member_name
from readinglist.storage import store as store_module
from readinglist.storage.change_feed import FeedCursor, pending, prune, prune_due, pruned_past
from readinglist.storage.orm import OutboxRow
from readinglist.storage.shared_url import write_locator
from tests.test_cli import Cli, ok
from tests.test_storage_dialects import _many_papers


@pytest.fixture(params=["sqlite", "postgresql"])
def library(request: pytest.FixtureRequest, tmp_path: Path) -> OpenLibrary:
    if request.param == "postgresql":
        write_locator(tmp_path / "client", request.getfixturevalue("postgres_url"))
    opened = open_library(tmp_path / "client")
    request.addfinalizer(opened.close)
    return opened


def test_pruning_keeps_the_last_rows_and_marks_its_horizon(library: OpenLibrary, tmp_path: Path):
    behind, ahead = FeedCursor(tmp_path / "behind"), FeedCursor(tmp_path / "ahead")
    for cursor in (behind, ahead):
        cursor.path.parent.mkdir()
    with library.store.unit_of_work(write=True) as uow:
        session = uow.session
        start = int(session.scalar(select(OutboxRow.id).order_by(OutboxRow.id.desc())) or 0)
        session.add_all(OutboxRow(paper_id=paper_id) for paper_id in range(1, 11))
        session.flush()
        behind.write(start + 2)  # read two rows, then went away
        ahead.write(start + 8)
        assert prune_due(session, keep=5)
        assert not prune_due(session, keep=10)

        assert prune(session, keep=4) > 0
        left = session.execute(select(OutboxRow.paper_id).order_by(OutboxRow.id)).scalars()
        assert list(left) == [7, 8, 9, 10, -(start + 6)]  # the marker last
        assert pruned_past(session, behind)  # rows 3 to 6 are gone for it
        assert not pruned_past(session, ahead)
        assert pending(session, ahead, 10) == ([9, 10], start + 10)  # no marker as a paper
        assert prune(session, keep=4) == 0  # nothing more to prune


def test_a_client_away_longer_than_the_feed_keeps_catches_up_fully(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    set_member_name("Alice")
    for machine in ("laptop", "desktop"):
        write_locator(tmp_path / machine, postgres_url)
    laptop = open_library(tmp_path / "laptop")
    with laptop:
        laptop.library.import_bytes(_many_papers(5), "few.txt")
        desktop = open_library(tmp_path / "desktop")
        desktop.close()  # in step, then away
        a, b = (paper.id for paper in laptop.library.papers()[:2])
        laptop.library.tag([a], add=["group/week-1"])
        laptop.library.set_notes(b, "kalman smoothing")  # private: indexed for Alice
        for number in range(4):
            laptop.library.tag([a], add=[f"later-{number}"])

        monkeypatch.setattr(store_module, "FEED_KEEP_ROWS", 2)
        desktop = open_library(tmp_path / "desktop")  # its start prunes, then catches up
        with desktop:
            assert desktop.library.indexing.full_catch_ups == 1
            assert [r.paper.id for r in desktop.library.search("tag:group").results] == [a]
            assert [r.paper.id for r in desktop.library.search("kalman").results] == [b]
            with desktop.store.unit_of_work() as uow:
                assert not uow.feed_pruned_past()  # read on from here, not again
            laptop.library.tag([b], add=["after"])
            desktop.library.indexing.sync()
            assert desktop.library.indexing.full_catch_ups == 1
            assert [r.paper.id for r in desktop.library.search("tag:after").results] == [b]


def _away_longer_than_the_feed_keeps(
    url: str, away: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> int:
    """Alice's client at ``away`` reads the feed, goes away; her laptop makes more
    changes than the feed keeps (pruned at the next start). Returns the papers."""
    set_member_name("Alice")
    write_locator(away, url)
    write_locator(tmp_path / "laptop", url)
    with open_library(tmp_path / "laptop") as laptop:
        laptop.library.import_bytes(_many_papers(5), "few.txt")
        open_library(away).close()  # in step, then away
        first = laptop.library.papers()[0].id
        for number in range(4):
            laptop.library.tag([first], add=[f"later-{number}"])
    monkeypatch.setattr(store_module, "FEED_KEEP_ROWS", 2)
    return 5


def test_the_command_line_says_it_catches_up_in_one_line(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "desktop"
    papers = _away_longer_than_the_feed_keeps(postgres_url, folder, tmp_path, monkeypatch)
    cli = Cli(tmp_path, folder, in_process=True)  # the patched feed size holds here
    ok(cli("member", "Alice", library=False))
    result = ok(cli("search", "tag:later-3"))
    assert result.err.splitlines() == [
        f"readinglist: catching up with the shared library: re-indexing {papers} papers…",
        "1 match",
    ]
    assert "Paper 00000" in result.out
    assert "catching up" not in ok(cli("search", "tag:later-3")).err  # once
