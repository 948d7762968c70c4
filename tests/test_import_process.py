"""Big imports in a child process: same result, progress, cancel and errors as in-process."""

from __future__ import annotations

import os
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from readinglist import import_process
from readinglist.app_context import OpenLibrary
from readinglist.core.errors import DigestError, ImportCancelledError, ReadingListError
from readinglist.core.indexing import Indexing
from readinglist.core.library import Library
from readinglist.core.models import PaperQuery, ReadStatus
from readinglist.core.snapshots import ImportRecord
from readinglist.search.index import IndexUnavailableError, WhooshIndex
from tests.helpers import FIRST_TITLE, SHARED_DIGEST_PAPERS


def papers(opened: OpenLibrary) -> int:
    return opened.library.search("", limit=0).total


def not_here(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("this import should have run in the child process")


def dies(_folder: str, _data: bytes, _name: str, _per: int, results: Connection) -> None:
    """A child that crashes before sending anything back (a segfault, an OOM kill)."""
    results.close()
    os._exit(3)


def commits_then_dies(folder: str, data: bytes, name: str, _per: int, results: Connection) -> None:
    """A child killed after its commit, before it indexed (or, ``silent``, before it
    replied); ``index-error``: one that could not index, and says so."""
    from readinglist.storage.store import SqlStore

    store = SqlStore.open(Path(folder))
    record = Library(store).import_undoable(data, name)
    store.close()
    if not name.startswith("silent"):
        results.send(("done", record))
    if name.startswith("index-error"):  # as when the index cannot be opened there
        results.send(("error", IndexUnavailableError("the search index was damaged")))
        results.close()
        return
    results.close()
    os._exit(9)


def dying_after_commit(
    library_dir: Path, data: bytes, source_name: str, *_args: object
) -> ImportRecord:
    return REAL_IMPORT_IN_CHILD(library_dir, data, source_name, child=commits_then_dies)


REAL_IMPORT_IN_CHILD = import_process.import_in_child


@pytest.mark.slow
def test_a_big_import_runs_in_a_child_and_this_process_sees_all_of_it(
    opened: OpenLibrary, shared_digest_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = opened.library
    monkeypatch.setattr(library, "import_undoable", not_here)
    monkeypatch.setattr(import_process, "_drain_left_over", lambda _library: None)
    seen: list[tuple[int, int]] = []
    record = import_process.import_undoable(
        library,
        opened.library_dir,
        shared_digest_bytes,
        "digest.txt",
        progress=lambda done, total: seen.append((done, total)),
        child_min_bytes=0,
    )
    assert record.summary.new == SHARED_DIGEST_PAPERS
    assert seen[0] == (0, SHARED_DIGEST_PAPERS)
    assert seen[-1] == (SHARED_DIGEST_PAPERS, SHARED_DIGEST_PAPERS)
    assert papers(opened) == SHARED_DIGEST_PAPERS  # the index, refreshed from disk
    found = library.search(f'title:"{FIRST_TITLE}"').results
    assert [result.paper.title for result in found[:1]] == [FIRST_TITLE]
    stored = library.papers(PaperQuery(ids=tuple(record.summary.new_ids)))
    assert len(stored) == SHARED_DIGEST_PAPERS

    library.undo_import(record)  # the record made there is undone here
    assert papers(opened) == 0
    assert library.digests() == []


@pytest.mark.slow
def test_the_papers_an_import_met_come_back_whole_in_pieces(
    opened: OpenLibrary, shared_digest_bytes: bytes
) -> None:
    library = opened.library
    library.import_undoable(shared_digest_bytes, "first.txt")
    for paper in library.papers()[:3]:
        library.set_notes(paper.id, "read this first")
    expected = {paper.id: paper for paper in library.papers()}
    record = import_process.import_in_child(
        opened.library_dir, shared_digest_bytes, "again.txt", papers_per_message=50
    )
    assert record.summary.new == 0
    assert {paper.id: paper for paper in record.before} == expected  # 5 messages, none lost
    assert len(record.before) == SHARED_DIGEST_PAPERS


def test_a_small_import_stays_in_this_process(
    opened: OpenLibrary, shared_digest_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_process, "import_in_child", not_here)
    record = import_process.import_undoable(
        opened.library, opened.library_dir, shared_digest_bytes, "digest.txt"
    )
    assert len(shared_digest_bytes) < import_process.CHILD_IMPORT_BYTES
    assert record.summary.new == SHARED_DIGEST_PAPERS


def test_cancel_reaches_the_child_and_the_library_is_unchanged(
    opened: OpenLibrary, shared_digest_bytes: bytes
) -> None:
    with pytest.raises(ImportCancelledError):
        import_process.import_undoable(
            opened.library,
            opened.library_dir,
            shared_digest_bytes,
            "digest.txt",
            cancelled=lambda: True,
            child_min_bytes=0,
        )
    assert papers(opened) == 0
    assert opened.library.digests() == []


def test_bad_input_gets_the_same_clear_message_from_the_child(opened: OpenLibrary) -> None:
    with pytest.raises(DigestError, match="binary data, not a digest"):
        import_process.import_undoable(
            opened.library, opened.library_dir, b"\x00\x01\x02" * 1000, "x.bin", child_min_bytes=0
        )
    assert papers(opened) == 0


def test_a_child_that_dies_is_reported_and_the_library_is_unchanged(
    opened: OpenLibrary, shared_digest_bytes: bytes
) -> None:
    with pytest.raises(ReadingListError, match=r"stopped unexpectedly \(exit code 3\)"):
        import_process.import_in_child(
            opened.library_dir, shared_digest_bytes, "digest.txt", child=dies
        )
    assert papers(opened) == 0


@pytest.mark.slow
def test_a_child_killed_while_indexing_keeps_the_import_and_this_process_indexes_it(
    opened: OpenLibrary, shared_digest_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_process, "import_in_child", dying_after_commit)
    record = import_process.import_undoable(
        opened.library, opened.library_dir, shared_digest_bytes, "digest.txt", child_min_bytes=0
    )
    assert record.summary.new == SHARED_DIGEST_PAPERS
    assert papers(opened) == SHARED_DIGEST_PAPERS  # drained here, from the outbox
    opened.library.undo_import(record)
    assert papers(opened) == 0


@pytest.mark.slow
def test_a_child_killed_before_it_replied_says_what_it_kept(
    opened: OpenLibrary, shared_digest_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_process, "import_in_child", dying_after_commit)
    with pytest.raises(ReadingListError, match=r"exit code 9\); what it stored is kept"):
        import_process.import_undoable(
            opened.library, opened.library_dir, shared_digest_bytes, "silent.txt", child_min_bytes=0
        )
    assert papers(opened) == SHARED_DIGEST_PAPERS  # stored, and indexed here


@pytest.mark.slow
def test_a_child_that_could_not_index_keeps_the_import_and_this_process_indexes_it(
    opened: OpenLibrary, shared_digest_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_process, "import_in_child", dying_after_commit)
    record = import_process.import_undoable(
        opened.library,
        opened.library_dir,
        shared_digest_bytes,
        "index-error.txt",
        child_min_bytes=0,
    )
    assert record.summary.new == SHARED_DIGEST_PAPERS
    assert papers(opened) == SHARED_DIGEST_PAPERS


def test_a_child_that_dies_before_its_commit_leaves_the_library_unchanged(
    opened: OpenLibrary, shared_digest_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        import_process,
        "import_in_child",
        lambda folder, data, name, *_args: REAL_IMPORT_IN_CHILD(folder, data, name, child=dies),
    )
    with pytest.raises(ReadingListError, match=r"exit code 3\); the library is unchanged"):
        import_process.import_undoable(
            opened.library, opened.library_dir, shared_digest_bytes, "digest.txt", child_min_bytes=0
        )
    assert papers(opened) == 0


def test_a_second_process_never_repairs_the_index(tmp_path: Path) -> None:
    folder = WhooshIndex(tmp_path).folder
    WhooshIndex(tmp_path).close()
    for item in folder.iterdir():
        item.write_bytes(b"damaged")
    with pytest.raises(IndexUnavailableError, match="damaged"):
        WhooshIndex(tmp_path, repair=False)
    assert {item.read_bytes() for item in folder.iterdir()} == {b"damaged"}  # left as it was


def test_an_error_that_cannot_cross_the_pipe_keeps_its_message() -> None:
    class OddError(ReadingListError):  # local: cannot be pickled
        pass

    sent = import_process._picklable(OddError("the digest is odd"))
    assert type(sent) is ReadingListError
    assert str(sent) == "the digest is odd"
    plain = DigestError("empty")
    assert import_process._picklable(plain) is plain


@pytest.mark.slow
def test_a_bulk_edit_left_in_the_outbox_is_indexed_by_a_child(
    opened: OpenLibrary, shared_digest_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = opened.library
    library.import_bytes(shared_digest_bytes, "digest.txt")
    ids = library.search("", limit=0, with_ids=True).ids
    with library.indexing.later():
        assert library.set_status(ids, ReadStatus.READ).count == SHARED_DIGEST_PAPERS
    assert library.search("status:read").total == 0  # waiting in the outbox
    monkeypatch.setattr(Indexing, "sync", not_here)  # this process indexes nothing
    assert import_process.drain_in_child(opened.library_dir, maintain_s=5.0) == 0
    monkeypatch.undo()
    assert library.search("status:read").total == SHARED_DIGEST_PAPERS
    assert library.indexing.check(repair=False).clean
