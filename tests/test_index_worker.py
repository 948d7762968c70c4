"""A rebuild's analysis in a worker process: the same index, and no process left behind."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as windex

from readinglist.app_context import open_library
from readinglist.core.models import Paper
from readinglist.search import analysis_worker
from readinglist.search.analysis_worker import analysed_batches
from readinglist.search.bulk_writer import BulkWriter
from readinglist.search.schema import PAIR_FIELD, PAIR_SOURCES, build_schema, document
from tests import test_bulk_writer
from tests.helpers import shared_digest_path

QUERIES = ("model", "language model", '"diffusion model"', "tag:3d", "status:read", "yolo*")


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> list[Paper]:
    return test_bulk_writer.odd_library_papers(tmp_path_factory.mktemp("worker") / "library")


def _writer(folder: Path, segment_docs: int | None = None) -> BulkWriter:
    folder.mkdir()
    return BulkWriter(
        windex.create_in(str(folder), build_schema()),
        PAIR_FIELD,
        PAIR_SOURCES,
        segment_docs=segment_docs,
    )


def _segments(folder: Path) -> list[dict[str, bytes]]:
    """Each segment's files (less the random segment names), in a stable order."""
    by_segment: dict[str, dict[str, bytes]] = {}
    for path in folder.iterdir():
        if path.name.startswith("MAIN_") and "." in path.name:
            segment, extension = path.name.split(".", 1)
            by_segment.setdefault(segment, {})[extension] = path.read_bytes()
    return sorted(by_segment.values(), key=lambda files: sorted(files.items()))


def _build_batched(
    folder: Path, papers: Sequence[Paper], parallel: bool, segment_docs: int | None = None
) -> BulkWriter:
    writer = _writer(folder, segment_docs)
    with closing(analysed_batches(papers, document, writer.analyser, parallel, batch=7)) as batches:
        for batch in batches:
            writer.add_analysed(batch)
    writer.commit()
    return writer


@pytest.mark.slow
def test_index_analysed_in_a_worker_is_the_same_bytes(tmp_path: Path, papers: list[Paper]) -> None:
    """Batches cross segment boundaries (7 papers a batch, 50 a segment); the worker's
    index is byte for byte the one built in process, and the one built paper by paper."""
    serial = _build_batched(tmp_path / "serial", papers, parallel=False, segment_docs=50)
    assert not serial.analyser.fresh
    worker = _build_batched(tmp_path / "worker", papers, parallel=True, segment_docs=50)
    assert worker.analyser.fresh  # every batch was analysed by the worker
    assert multiprocessing.active_children() == []
    one_by_one = _writer(tmp_path / "one", segment_docs=50)
    for paper in papers:
        one_by_one.add_document(**document(paper))
    one_by_one.commit()
    expected = _segments(tmp_path / "serial")
    assert len(expected) == -(-len(papers) // 50)
    assert _segments(tmp_path / "worker") == expected
    assert _segments(tmp_path / "one") == expected


def _results(folder: Path) -> tuple[int, dict[str, tuple[int, ...]]]:
    with open_library(folder) as opened:
        library = opened.library
        return len(library.papers()), {
            query: tuple(found.paper.id for found in library.search(query, limit=500).results)
            for query in QUERIES
        }


@pytest.mark.slow
def test_library_rebuilt_with_a_worker_searches_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Library.indexing.rebuild on both paths: same documents, same search results."""
    folder = tmp_path / "library"
    with open_library(folder) as opened:
        opened.library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
        test_bulk_writer._annotate(opened)
        serial_count = opened.library.indexing.rebuild()
        serial_docs = opened.index.doc_count()
    serial = _results(folder)
    monkeypatch.setattr(analysis_worker, "PARALLEL_FROM", 1)
    monkeypatch.setattr(analysis_worker, "BATCH", 10)
    workers: list[object] = []
    start = analysis_worker._worker

    def recorded(*args: Any) -> object:
        workers.append(start(*args))
        return workers[-1]

    monkeypatch.setattr(analysis_worker, "_worker", recorded)
    with open_library(folder) as opened:
        opened.library.indexing.rebuild()
        assert opened.index.doc_count() == serial_docs == serial_count
    assert len(workers) == 1 and workers[0] is not None
    assert _results(folder) == serial
    assert serial[1]["model"] and serial[1]["tag:3d"]
    assert multiprocessing.active_children() == []


def fail_on_tenth(paper: Paper) -> dict[str, Any]:
    """A document maker that fails in the worker (module level: sent by name)."""
    if paper.id == 10:
        raise ValueError("paper 10 cannot be analysed")
    return document(paper)


@pytest.mark.slow
def test_an_error_in_the_worker_reaches_the_caller(tmp_path: Path, papers: list[Paper]) -> None:
    writer = _writer(tmp_path / "index")
    batches = analysed_batches(papers, fail_on_tenth, writer.analyser, parallel=True, batch=3)
    with pytest.raises(ValueError, match="paper 10"), closing(batches):
        for batch in batches:
            writer.add_analysed(batch)
    writer.cancel()
    assert multiprocessing.active_children() == []


def _interrupted(papers: Sequence[Paper], after: int) -> Iterator[Paper]:
    yield from papers[:after]
    raise KeyboardInterrupt


@pytest.mark.slow
def test_interrupt_and_early_close_end_the_worker(tmp_path: Path, papers: list[Paper]) -> None:
    writer = _writer(tmp_path / "index")
    batches = analysed_batches(
        _interrupted(papers, 40), document, writer.analyser, parallel=True, batch=5
    )
    with pytest.raises(KeyboardInterrupt), closing(batches):
        for batch in batches:
            writer.add_analysed(batch)
    assert multiprocessing.active_children() == []
    writer.cancel()

    other = _writer(tmp_path / "other")
    batches = analysed_batches(papers, document, other.analyser, parallel=True, batch=5)
    other.add_analysed(next(batches))
    assert len(multiprocessing.active_children()) == 1
    batches.close()
    assert multiprocessing.active_children() == []
    other.cancel()


def test_a_used_analyser_stays_in_process(tmp_path: Path, papers: list[Paper]) -> None:
    """A worker's ids would start from zero: after a paper analysed here, no worker."""
    writer = _writer(tmp_path / "index")
    writer.add_document(**document(papers[0]))
    batches = analysed_batches(papers[1:30], document, writer.analyser, parallel=True, batch=4)
    with closing(batches):
        for batch in batches:
            assert multiprocessing.active_children() == []
            writer.add_analysed(batch)
    writer.commit()
    with windex.open_dir(str(tmp_path / "index")).searcher() as searcher:
        assert searcher.doc_count() == 30


def test_a_batch_from_another_analyser_is_refused(tmp_path: Path, papers: list[Paper]) -> None:
    writer = _writer(tmp_path / "index")
    other = _writer(tmp_path / "other")
    writer.add_analysed(writer.analyser.analyse([document(papers[0])]))
    with pytest.raises(ValueError, match="out of order"):
        writer.add_analysed(other.analyser.analyse([document(papers[1])]))
    writer.cancel()
    other.cancel()


def test_batches_here_match_one_by_one(tmp_path: Path, papers: list[Paper]) -> None:
    """In process, a batch straddling segments writes what papers one by one write."""
    _build_batched(tmp_path / "batched", papers[:40], parallel=False, segment_docs=9)
    one = _writer(tmp_path / "one", segment_docs=9)
    for paper in papers[:40]:
        one.add_document(**document(paper))
    one.commit()
    assert len(_segments(tmp_path / "one")) == 5
    assert _segments(tmp_path / "batched") == _segments(tmp_path / "one")


@pytest.mark.slow
def test_a_worker_starts_from_a_qthread_with_qt_loaded(
    tmp_path: Path, papers: list[Paper], qapp: Any
) -> None:
    """The window's process has Qt loaded and threads running: the worker is spawned,
    never forked, from a QThread too, and writes what a build in process writes."""
    from PySide6.QtCore import QThread

    outcome: list[object] = []

    class Build(QThread):
        def run(self) -> None:
            try:
                writer = _build_batched(tmp_path / "qt", papers[:60], parallel=True)
                outcome.append(writer.analyser.fresh)  # True: the worker analysed all
            except BaseException as error:  # reported to the test's thread
                outcome.append(error)

    assert qapp is not None
    build = Build()
    build.start()
    assert build.wait(120_000)
    assert outcome == [True]
    _build_batched(tmp_path / "here", papers[:60], parallel=False)
    assert _segments(tmp_path / "qt") == _segments(tmp_path / "here")
    assert multiprocessing.active_children() == []
