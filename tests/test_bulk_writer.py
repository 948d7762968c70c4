"""The bulk writer writes the very bytes Whoosh's own writer writes for the same papers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as windex
from whoosh.writing import SegmentWriter

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import Paper, ParsedPaper, ReadStatus
from readinglist.search import bulk_writer
from readinglist.search.bulk_writer import BulkWriter, _sort_postings
from readinglist.search.schema import PAIR_FIELD, PAIR_SOURCES, build_schema, document
from tests.helpers import shared_digest_path
from tests.test_search import HF_DAILY

ODD_PAPERS = [
    # Case that changes length when lowered, a word over the length limit, stop words only,
    # a very frequent word (many postings in one document), numbers and dotted words.
    ParsedPaper(
        "İstanbul ÉCOLE Straße: the of and",
        "x" * 80 + " model model model model v1.5 3.2 e.g. GPT-4o İİİ to be or not to be",
        0,
    ),
    ParsedPaper("The", "Of the and a an.", 0),
]


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> list[Paper]:
    return odd_library_papers(tmp_path_factory.mktemp("bulk") / "library")


def odd_library_papers(folder: Path) -> list[Paper]:
    """The shared digest, odd words, authors and arXiv ids, tags, statuses and notes."""
    with open_library(folder) as opened:
        library = opened.library
        library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
        library.import_bytes(render_digest(ODD_PAPERS).encode(), "odd.txt")
        library.import_bytes(HF_DAILY.encode(), "daily.json")  # authors and arXiv ids
        _annotate(opened)
        return library.papers()


def _annotate(opened: OpenLibrary) -> None:
    library = opened.library
    library.tag([1, 2, 3], add=["3d/gaussian-splatting", "reading group"])
    library.tag([5, 8], add=["llm/quantization"])
    library.set_status([1, 4, 9], ReadStatus.READ)
    library.set_status([2], ReadStatus.DROPPED)
    library.rate([1], 5)
    library.rate([3, 4], 2)
    library.set_notes(2, "Árvíztűrő tükörfúrógép: see §3.2, e.g. the ablation.")


def _build(folder: Path, papers: Sequence[Paper], writer: Callable[..., SegmentWriter]) -> None:
    folder.mkdir()
    index = windex.create_in(str(folder), build_schema())
    open_writer = writer(index)
    for paper in papers:
        open_writer.add_document(**document(paper))
    open_writer.commit()
    index.close()


def _segment_files(folder: Path) -> dict[str, bytes]:
    """Segment files by name less the random segment id ("MAIN_<id>.trm" -> "trm")."""
    return {
        path.name.split(".", 1)[1]: path.read_bytes()
        for path in folder.iterdir()
        if path.name.startswith("MAIN_") and "." in path.name
    }


def _compare(tmp_path: Path, papers: Sequence[Paper]) -> dict[str, bytes]:
    _build(tmp_path / "whoosh", papers, lambda index: index.writer(compound=False))
    _build(tmp_path / "bulk", papers, lambda index: BulkWriter(index, PAIR_FIELD, PAIR_SOURCES))
    expected = _segment_files(tmp_path / "whoosh")
    actual = _segment_files(tmp_path / "bulk")
    assert {"trm", "pst", "_stored.col", "_abstract_len.col", "added.col"} <= set(expected)
    assert set(actual) == set(expected)
    for extension, content in expected.items():
        assert actual[extension] == content, f"{extension} differs"
    return actual


@pytest.mark.slow
def test_same_bytes_as_whoosh_on_the_digest(tmp_path: Path, papers: list[Paper]) -> None:
    _compare(tmp_path, papers)
    with windex.open_dir(str(tmp_path / "bulk")).searcher() as searcher:
        assert searcher.doc_count() == len(papers)
        reader = searcher.reader()
        assert list(reader.lexicon("author")) and list(reader.lexicon("arxiv"))
        # The multi-block path is covered: some term has more postings than one block.
        assert max(reader.doc_frequency("pairs", t) for t in reader.lexicon("pairs")) >= 2
        assert max(reader.doc_frequency("abstract", t) for t in reader.lexicon("abstract")) > 128


@pytest.mark.slow
def test_same_bytes_with_small_runs(
    tmp_path: Path, papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terms are laid out in runs; a run boundary inside the data changes nothing."""
    monkeypatch.setattr(bulk_writer, "_RUN_POSTINGS", 7)
    _compare(tmp_path, papers)


def test_pairs_from_their_own_text(tmp_path: Path, papers: list[Paper]) -> None:
    """A pair text that is not the sources joined is analysed on its own, still the same."""
    changed = [replace(paper, notes=paper.notes + " extra words here") for paper in papers[:20]]
    docs = [document(paper) | {PAIR_FIELD: "other words for pairs"} for paper in changed]
    for folder, make in (
        ("whoosh", lambda index: index.writer(compound=False)),
        ("bulk", lambda index: BulkWriter(index, PAIR_FIELD, PAIR_SOURCES)),
    ):
        (tmp_path / folder).mkdir()
        index = windex.create_in(str(tmp_path / folder), build_schema())
        writer = make(index)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
        index.close()
    assert _segment_files(tmp_path / "bulk") == _segment_files(tmp_path / "whoosh")


def test_boosts_are_refused(tmp_path: Path, papers: list[Paper]) -> None:
    index = windex.create_in(str(tmp_path), build_schema())
    writer = BulkWriter(index, PAIR_FIELD, PAIR_SOURCES)
    with pytest.raises(ValueError, match="boosts"):
        writer.add_document(**document(papers[0]), _boost=2.0)
    writer.cancel()


def test_sort_fallback_matches_packed_sort() -> None:
    """Ranks too wide to pack with document and frequency use a stable argsort instead."""
    rng = np.random.default_rng(3)
    docs = np.sort(rng.choice(10_000, 500, replace=False)).astype(np.uint32)
    freqs = rng.integers(1, 9, 500).astype(np.uint32)
    rank = rng.integers(0, 50, 500).astype(np.int64)
    packed_docs, packed_freqs = _sort_postings(rank, docs, freqs)
    wide_docs, wide_freqs = _sort_postings(rank << 50, docs, freqs)
    order = np.lexsort((docs, rank))
    assert packed_docs.tolist() == docs[order].tolist() == wide_docs.tolist()
    assert packed_freqs.tolist() == freqs[order].tolist() == wide_freqs.tolist()


def _postings_by_id(folder: Path) -> dict[tuple[str, bytes], dict[str, float]]:
    """Every field's every term -> {paper id: weight}, whatever the segments."""
    with windex.open_dir(str(folder)).searcher() as searcher:
        reader = searcher.reader()
        found: dict[tuple[str, bytes], dict[str, float]] = {}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            weights = {}
            while matcher.is_active():
                weights[searcher.stored_fields(matcher.id())["id"]] = matcher.weight()
                matcher.next()
            found[(field, term)] = weights
        return found


@pytest.mark.slow
def test_segments_every_n_papers(tmp_path: Path, papers: list[Paper]) -> None:
    """A rebuild cut into segments indexes the same terms, papers and weights."""
    _build(tmp_path / "one", papers, lambda index: BulkWriter(index, PAIR_FIELD, PAIR_SOURCES))
    _build(
        tmp_path / "many",
        papers,
        lambda index: BulkWriter(index, PAIR_FIELD, PAIR_SOURCES, segment_docs=50),
    )
    many = windex.open_dir(str(tmp_path / "many"))
    assert len(many._segments()) == -(-len(papers) // 50)
    assert many.doc_count() == len(papers)
    many.close()
    assert _postings_by_id(tmp_path / "many") == _postings_by_id(tmp_path / "one")
