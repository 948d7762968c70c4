"""The search index built by a child process while the library is open without it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from readinglist import app_context, cli, index_build_process
from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.errors import ReadingListError
from readinglist.core.library import Library
from readinglist.core.models import ParsedPaper, ReadStatus
from readinglist.search.index import WhooshIndex
from readinglist.search.index_folders import UNFINISHED_MARK
from tests.helpers import SHARED_DIGEST_PAPERS


def without_index(folder: Path, digest: bytes) -> None:
    """A library holding the shared digest, its index deleted."""
    with open_library(folder) as opened:
        opened.library.import_bytes(digest, "digest.txt")
    WhooshIndex.discard(folder)


def outbox_rows(opened: OpenLibrary) -> int:
    with opened.store.unit_of_work() as uow:
        return len(uow.outbox(100_000)[0])


def dies_mid_build(library_dir: str, results: Connection) -> None:
    """A child killed while building (an OOM kill, a power cut of the process)."""
    from readinglist.storage.store import SqlStore

    folder = Path(library_dir)
    index = WhooshIndex(folder)
    library = Library(SqlStore.open(folder), index=index)

    def killed(done: int, total: int) -> None:
        results.send(("progress", done, total))
        os._exit(9)

    library.indexing.rebuild(killed)


@pytest.fixture
def unindexed(digest_library: Path) -> Iterator[OpenLibrary]:
    """What without_index() makes, from a copy of the session's digest library."""
    WhooshIndex.discard(digest_library)
    opened = open_library(digest_library, build_index=False)
    yield opened
    opened.close()


def test_a_library_opens_without_building_and_keeps_changes_in_the_outbox(
    unindexed: OpenLibrary,
) -> None:
    library = unindexed.library
    assert not library.indexing.ready
    assert unindexed.index.needs_rebuild
    assert (unindexed.index.folder / UNFINISHED_MARK).exists()  # the placeholder says so
    library.set_status([1, 2], ReadStatus.READ)
    assert library.indexing.sync() == 0  # nothing written into the placeholder
    assert outbox_rows(unindexed) == 2
    assert library.browse("status:read", limit=0).total == 2  # the database answers


def test_a_tiny_library_is_indexed_at_open_anyway(library_dir: Path) -> None:
    few = [ParsedPaper(f"Paper {n}", f"About {n}.", n) for n in range(3)]
    with open_library(library_dir) as opened:
        opened.library.import_bytes(render_digest(few).encode(), "few.txt")
    WhooshIndex.discard(library_dir)
    assert app_context.BUILD_AT_OPEN_PAPERS >= 3
    with open_library(library_dir, build_index=False) as reopened:
        assert reopened.library.indexing.ready
        assert reopened.library.search("paper").total == 3


def test_the_child_builds_with_progress_and_the_parent_then_searches(
    unindexed: OpenLibrary,
) -> None:
    library = unindexed.library
    seen: list[tuple[int, int]] = []
    count = index_build_process.build_in_child(
        unindexed.library_dir, progress=lambda done, total: seen.append((done, total))
    )
    assert count == SHARED_DIGEST_PAPERS
    assert seen[0] == (0, SHARED_DIGEST_PAPERS)
    assert seen[-1] == (SHARED_DIGEST_PAPERS, SHARED_DIGEST_PAPERS)
    assert not library.indexing.ready  # until this process takes the new index in
    assert index_build_process.adopt_built_index(unindexed)
    assert library.indexing.ready
    assert library.search("gaussian splatting").total > 0
    assert library.indexing.check(repair=False).clean
    assert not (unindexed.index.folder / UNFINISHED_MARK).exists()


@pytest.mark.slow
def test_writes_made_during_the_build_end_up_indexed(unindexed: OpenLibrary) -> None:
    library = unindexed.library
    fresh = [ParsedPaper("Zyxwvut Quokka Networks", "Quokka nets hop.", 1)]
    written: list[int] = []

    def write_meanwhile(done: int, total: int) -> None:
        if done and not written:  # the child has read the library: these come later
            library.tag([5, 6], add=["during"])
            library.set_status([5], ReadStatus.READ)
            written.extend(library.import_bytes(render_digest(fresh).encode(), "f.txt").new_ids)
            library.delete([7])

    index_build_process.build_in_child(unindexed.library_dir, progress=write_meanwhile)
    assert written
    assert index_build_process.adopt_built_index(unindexed)
    assert outbox_rows(unindexed) == 0
    assert sorted(r.paper.id for r in library.search("tag:during").results) == [5, 6]
    assert [r.paper.id for r in library.search("status:read tag:during").results] == [5]
    assert [r.paper.id for r in library.search("quokka").results] == written
    assert library.indexing.check(repair=False).clean  # paper 7 gone from the index too


@pytest.mark.slow
def test_a_killed_child_leaves_the_index_unfinished_and_the_next_start_builds(
    unindexed: OpenLibrary, library_dir: Path
) -> None:
    with pytest.raises(ReadingListError, match="stopped unexpectedly"):
        index_build_process.build_in_child(library_dir, child=dies_mid_build)
    assert not index_build_process.adopt_built_index(unindexed)
    assert not unindexed.library.indexing.ready
    unindexed.close()
    with open_library(library_dir, build_index=False) as again:
        assert not again.library.indexing.ready  # not an empty index taken for complete
    messages: list[str] = []
    with open_library(library_dir, on_message=messages.append) as built:
        assert built.library.indexing.ready
        assert built.library.search("", limit=0).total == SHARED_DIGEST_PAPERS
    assert messages == [
        f"the search index was not finished: rebuilt it from the library"
        f" ({SHARED_DIGEST_PAPERS} papers)"
    ]


def test_a_stopped_build_is_killed_and_leaves_the_index_unfinished(
    unindexed: OpenLibrary,
) -> None:
    with pytest.raises(index_build_process.BuildStoppedError):
        index_build_process.build_in_child(unindexed.library_dir, stopped=lambda: True)
    assert not index_build_process.adopt_built_index(unindexed)


def test_a_failure_comes_back_as_one_line(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("a file, not a library")
    with pytest.raises(ReadingListError) as failure:
        index_build_process.build_in_child(not_a_folder)
    message = str(failure.value)
    assert message.startswith("the search index could not be built: ")
    assert "\n" not in message


def test_reload_without_an_index_on_disk_stays_not_ready(unindexed: OpenLibrary) -> None:
    WhooshIndex.discard(unindexed.library_dir)
    assert not unindexed.index.reload()
    assert unindexed.index.needs_rebuild


# --- the command line ------------------------------------------------------------------


@pytest.fixture
def big_unindexed(library_dir: Path) -> Path:
    """1,200 papers (more than a progress step of 500), no index."""
    papers = [ParsedPaper(f"Paper number {n}", f"Abstract {n} words.", n) for n in range(1200)]
    without_index(library_dir, render_digest(papers).encode())
    return library_dir


@pytest.mark.slow
def test_commands_that_do_not_search_do_not_build(
    big_unindexed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--library", str(big_unindexed), "list", "--limit", "3"]) == 0
    assert cli.main(["--library", str(big_unindexed), "status", "1", "read"]) == 0
    captured = capsys.readouterr()
    assert "building the search index" not in captured.err
    assert "rebuilt" not in captured.err
    with open_library(big_unindexed, build_index=False) as opened:
        assert not opened.library.indexing.ready
        assert outbox_rows(opened) == 1  # the status change waits for the index


@pytest.mark.slow
def test_a_search_builds_with_progress_on_stderr(
    big_unindexed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "BUILD_PROGRESS_EVERY_S", 0.0)
    assert cli.main(["--library", str(big_unindexed), "search", "abstract", "--json"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[:2] == [
        "readinglist: building the search index: 500/1200 papers…",
        "readinglist: building the search index: 1000/1200 papers…",
    ]
    assert lines[-1].endswith("rebuilt it from the library (1200 papers)")
    assert '"total": 1200' in captured.out


@pytest.mark.slow
def test_a_bulk_edit_made_during_the_build_is_indexed_by_a_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of papers changed while the index was built are indexed by a child
    when the index is taken in, not on the window's writer; a few, right there."""
    from readinglist import import_process

    monkeypatch.setattr(import_process, "CHILD_INDEX_PAPERS", 100)
    folder = tmp_path / "library"
    papers = [ParsedPaper(f"Paper number {n}", f"Abstract {n} words.", n) for n in range(150)]
    without_index(folder, render_digest(papers).encode())
    drains: list[int] = []

    def drain() -> None:
        drains.append(outbox_rows(opened))
        import_process.drain_in_child(folder)

    with open_library(folder, build_index=False) as opened:
        library = opened.library
        index_build_process.build_in_child(folder)
        # After the child's last drain, before the index is taken in: what a bulk edit
        # made late in the build leaves waiting (one made earlier the child indexes).
        library.set_status(list(range(1, 151)), ReadStatus.QUEUED)
        assert index_build_process.adopt_built_index(opened, drain)
        assert drains == [150]  # all of them waited: a child took them
        assert outbox_rows(opened) == 0
        assert library.search("status:queued", limit=0).total == 150

        with library.indexing.later():  # a few waiting: drained right there
            library.set_status([1, 2], ReadStatus.READ)
        assert outbox_rows(opened) == 2
        assert index_build_process.adopt_built_index(opened, drain)
        assert drains == [150]
        assert outbox_rows(opened) == 0
        assert library.search("status:read", limit=0).total == 2
