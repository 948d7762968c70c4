"""Whoosh's internals in one module: the installed version is checked, and an unknown one
falls back on Whoosh's public API (slower, same answers) instead of reading or writing
internals it may have changed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.models import ReadStatus
from readinglist.search import whoosh_private
from readinglist.search.bulk_writer import BulkWriter
from readinglist.search.index import WhooshIndex
from readinglist.search.whoosh_private import INTERNALS, KNOWN_VERSIONS, PUBLIC
from tests.helpers import build_template, copy_library, shared_digest_path

QUERIES = [
    "gaussian splatting",
    '"gaussian splatting"',
    "diffus*",
    "segmentaton~",
    "title:diffusion",
    "model -status:read",
    "(sparse OR pruning) training",
    "rating:0",
    "rating:>=4",
    "added:>30d",
    "tag:zz",
    "",
]
SORTS = [None, "title", "added", "rating"]


def _snapshot(opened: OpenLibrary) -> dict[tuple[str, str | None], Any]:
    found = {}
    for query in QUERIES:
        for sort in SORTS:
            page = opened.library.search(query, sort=sort, limit=40)
            found[(query, sort)] = (
                page.total,
                [result.paper.id for result in page.results],
                [round(result.score, 4) for result in page.results],
            )
    return found


def _unknown_whoosh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whoosh_private, "installed_whoosh", lambda: ("whoosh3", "3.99.0"))


def _index(opened: OpenLibrary) -> WhooshIndex:
    assert isinstance(opened.index, WhooshIndex)
    return opened.index


def test_the_installed_whoosh_is_the_one_the_internals_were_written_for() -> None:
    """The pin in pyproject.toml and KNOWN_VERSIONS move together."""
    assert whoosh_private.installed_whoosh() in KNOWN_VERSIONS
    assert whoosh_private.for_installed() is INTERNALS


def test_a_whoosh_without_matching_metadata_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    distribution, _version = whoosh_private.installed_whoosh()
    assert distribution == "unknown"
    access = whoosh_private.for_installed()
    assert not access.internals and access.notice and "unknown" in access.notice


def test_an_unknown_whoosh_searches_and_writes_through_the_public_api(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with open_library(library_dir) as opened:
        opened.library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
        opened.library.rate([1, 2], 5)
        opened.library.indexing.rebuild()  # one segment, no deleted documents
        expected = _snapshot(opened)
        generation = _index(opened)._generation()

    _unknown_whoosh(monkeypatch)
    with caplog.at_level(logging.WARNING), open_library(library_dir) as opened:
        index = _index(opened)
        # One line, logged and kept on the index; the index is not rebuilt for it.
        assert index.notice is not None and "3.99.0" in index.notice
        assert "\n" not in index.notice
        assert index.notice in caplog.messages
        assert not index.needs_rebuild
        assert _snapshot(opened) == expected  # the bulk writer's index, read publicly
        with index._reading() as arrays:
            assert all(key.startswith("public-") for key in arrays.segment_ids)
        writer = index._writer()
        assert not isinstance(writer, BulkWriter)
        writer.cancel()

        # Writes go through Whoosh's own writer, which merges by itself.
        library = opened.library
        library.set_notes(3, "zebracorn sightings")
        library.delete([5])
        library.set_status([7], ReadStatus.READ)
        assert [r.paper.id for r in library.search("zebracorn").results] == [3]
        assert 5 not in {r.paper.id for r in library.search("", limit=1000).results}
        assert 7 in {r.paper.id for r in library.search("status:read", limit=1000).results}
        assert index.planned_merges() == []
        assert index.merge(["any"], lambda ids: []) == 0
        library.indexing.maintain()
        assert library.indexing.check(repair=False).clean

        # A rebuild uses Whoosh's own writer, and still moves the generation on.
        library.indexing.rebuild()
        assert index._generation() > generation
        rebuilt = _snapshot(opened)
        assert library.indexing.check(repair=False).clean

    monkeypatch.undo()
    with open_library(library_dir) as opened:  # Whoosh's writer's index, read with internals
        assert _index(opened).notice is None
        assert _snapshot(opened) == rebuilt
        opened.library.indexing.rebuild()  # and the bulk writer's, after the same edits
        assert _snapshot(opened) == rebuilt


def _edit(opened: OpenLibrary) -> None:
    library = opened.library
    library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
    library.indexing.rebuild()
    for paper_id in (1, 2, 3, 40):
        library.set_notes(paper_id, f"note {paper_id} about gaussian models")
    library.rate([2, 9], 4)
    library.delete([11])


@pytest.fixture(scope="module")
def edited_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("edited"), _edit)


@pytest.fixture
def edited(library_dir: Path, edited_template: Path) -> Iterator[OpenLibrary]:
    """Several segments, some documents deleted (each edit re-indexes its paper)."""
    with open_library(copy_library(edited_template, library_dir)) as opened:
        yield opened


def test_internal_and_public_reads_agree(edited: OpenLibrary) -> None:
    searcher = _index(edited).searcher()
    reader = searcher.reader()
    leaves = list(reader.leaf_readers())
    assert len(leaves) > 1 and any(leaf.has_deletions() for leaf, _ in leaves)
    live = np.ones(reader.doc_count_all(), np.bool_)
    for leaf, offset in leaves:
        deleted = INTERNALS.deleted(leaf)
        assert sorted(deleted.tolist()) == sorted(PUBLIC.deleted(leaf).tolist())
        live[deleted + offset] = False
        for field, text in list(leaf.all_terms())[::7]:
            ids, weights = INTERNALS.term_postings(leaf, field, text)
            keep = live[ids + offset]
            public_ids, public_weights = PUBLIC.term_postings(leaf, field, text)
            assert ids[keep].tolist() == public_ids.tolist(), (field, text)
            assert weights[keep].tolist() == public_weights.tolist(), (field, text)
        count = leaf.doc_count_all()
        for name in ("paper_id", "added_us", "rating", "status_order"):
            column = leaf.column_reader(name, translate=False)
            fast = INTERNALS.numeric_column(column, count).tolist()
            slow = PUBLIC.numeric_column(leaf.column_reader(name, translate=False), count)
            assert fast == slow.tolist(), name
        fast_titles = INTERNALS.bytes_column(leaf.column_reader("title_key", translate=False))
        assert fast_titles == PUBLIC.bytes_column(leaf.column_reader("title_key", translate=False))
    assert INTERNALS.segment_key(leaves[0][0]) == INTERNALS.segment_key(leaves[0][0])
    assert PUBLIC.segment_key(leaves[0][0]) != PUBLIC.segment_key(leaves[0][0])

    for field, low, high in [("rating", 4, None), ("rating", 0, 0), ("added", 1, None)]:
        hits = INTERNALS.numeric_range(searcher, field, low, high)
        mask = np.zeros(reader.doc_count_all(), np.bool_)
        if hits.every:
            mask[:] = True
        for text in hits.terms:
            for leaf, offset in leaves:
                mask[INTERNALS.term_postings(leaf, field, text)[0] + offset] = True
        public = PUBLIC.numeric_range(searcher, field, low, high)
        assert public.docs is not None
        assert np.flatnonzero(mask & live).tolist() == sorted(public.docs.tolist())


def test_segment_stats_come_from_the_table_of_contents(edited: OpenLibrary) -> None:
    index = _index(edited)
    stats = index.segment_stats()
    reader = index.searcher().reader()
    assert sum(s.total for s in stats) == reader.doc_count_all()
    assert sum(s.live for s in stats) == reader.doc_count()
    assert PUBLIC.segment_stats(index._index) == []


def test_doctor_and_the_window_say_which_whoosh_is_used(
    digest_library: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fallback is said where a user looks, once: ``readinglist doctor`` (and the
    window's status bar at start, from the same ``WhooshIndex.notice``)."""
    from readinglist.cli import main

    assert main(["--library", str(digest_library), "doctor", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["notice"] is None
    _unknown_whoosh(monkeypatch)
    assert main(["--library", str(digest_library), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "public API" in out and "3.99.0" in out
    assert "the search index matches the library" in out


def test_writers_after_reseeding_random_never_reuse_a_segment_name(library_dir: Path) -> None:
    """Whoosh named new segments from the shared ``random`` generator: code that seeds it
    (a benchmark, Hypothesis between examples) made the next writer reuse the name of a
    live segment and truncate its files ("Unknown file header b''"); found by the
    command-line fuzz pass (tests/test_cli_fuzz.py)."""
    import random

    with open_library(library_dir) as opened:
        library = opened.library
        library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
        for paper_id in (1, 2, 3):
            random.seed(1234)
            library.set_notes(paper_id, f"reseeded note {paper_id} zebrafish")
        hits = library.search("zebrafish", with_ids=True).ids
        report = library.indexing.check(repair=False)
    assert sorted(hits) == [1, 2, 3]
    assert not report.missing and not report.extra, report
    random.seed()


def test_a_reader_that_fails_to_open_closes_what_it_opened(library_dir: Path) -> None:
    """A merge may delete a segment between reading the table of contents and opening
    its files: Whoosh's reader fails part way (and retries), and left the files it had
    opened to the garbage collector (ResourceWarning in a window test)."""
    import gc
    import warnings

    from whoosh import index as whoosh_index

    with open_library(library_dir) as opened:
        opened.library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
        opened.library.set_notes(1, "a second segment")
        folder = _index(opened).folder
    index = whoosh_index.open_dir(str(folder), indexname="MAIN")
    segments = index._segments()
    assert len(segments) >= 2
    last = segments[-1].segment_id()
    (folder / f"{last}.pst").unlink()  # what a merge deleting it leaves a late reader
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(Exception):  # noqa: B017 - Whoosh's own error, any
            index.reader()
        gc.collect()
    index.close()
    assert not [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
