"""The Whoosh index: a rebuildable cache of the database, behind a small interface.

Design for speed at 100k papers: titles and abstracts are not stored (the database has
them); one searcher is kept open and refreshed only after writes; writers never build
compound files (an open searcher maps ~29 MB instead of ~600 MB); a rebuild writes its
segment with :class:`BulkWriter` (postings sorted with NumPy, not pickled through
Whoosh's pool); results are paged; highlighting analyses only the texts of the rows shown.
"""

from __future__ import annotations

import gc
import logging
import re
import shutil
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index as windex
from whoosh import query as wq
from whoosh.columns import NumericColumn
from whoosh.index import Index
from whoosh.searching import Searcher

from readinglist.core.models import Fragment, Paper, SearchHit, SearchPage
from readinglist.core.normalize import edit_distance
from readinglist.core.query import ParsedQuery
from readinglist.core.timeouts import busy_timeout_ms
from readinglist.search import bulk_writer
from readinglist.search.analysis import analyze, stem
from readinglist.search.bulk_writer import BulkWriter
from readinglist.search.engine import (
    Evaluator,
    Match,
    Order,
    PostingArrays,
    SegmentPostings,
    near_terms,
    top,
)
from readinglist.search.index_folders import (
    INDEX_PREFIX,
    building_folder,
    discard,
    remove_other_versions,
    swap_in,
    write_locked,
)
from readinglist.search.schema import (
    PAIR_FIELD,
    PAIR_SOURCES,
    SCHEMA_VERSION,
    build_schema,
    document,
)

log = logging.getLogger(__name__)

# Each write adds a segment; past this many small ones, they are re-indexed as one.
MAX_SMALL_SEGMENTS = 4
COMPACT_DOCS = 50_000
SORT_FIELDS = {
    "added": "added",
    "title": "title_key",
    "status": "status_order",
    "seen": "seen",
    "rating": "rating",
}
# Natural direction of each sort: newest, most seen and best rated first.
NATURAL_REVERSE = {"added": False, "title": False, "status": False, "seen": True, "rating": True}


class IndexUnavailableError(Exception):
    """The index is missing or damaged, and this process was not to repair it."""


class WhooshIndex:
    """The search index of one library folder."""

    def __init__(self, library_dir: Path, repair: bool = True) -> None:
        """``repair=False`` (a second process on an index another one uses): raise
        :class:`IndexUnavailableError` rather than replace a missing or damaged index
        (or remove other versions) under the other process."""
        self.folder = library_dir / f"{INDEX_PREFIX}{SCHEMA_VERSION}"
        self._lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._posting_arrays: PostingArrays | None = None
        self._segment_postings = SegmentPostings()
        self._orders: dict[tuple[str, bool], Order] = {}
        self._doc_paper_ids: npt.NDArray[np.int64] | None = None
        self.rebuild_reason: str | None = None
        if not repair:
            self._index = self._open_only()
            return
        self._remove_other_versions(library_dir)
        self._index = self._open_or_create()

    # --- opening ------------------------------------------------------------------

    @staticmethod
    def discard(library_dir: Path) -> None:
        """Remove a library's index (every version): the next open rebuilds it."""
        discard(library_dir)

    def _remove_other_versions(self, library_dir: Path) -> None:
        if remove_other_versions(library_dir, self.folder):
            self.rebuild_reason = f"the search index format changed (now {SCHEMA_VERSION})"

    def _open_quietly(self) -> Index | None:
        # Whoosh leaves a damaged index's files open when reading them fails; they are
        # closed when its exception is dropped or collected: that is expected here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            opened = self._try_open()
            if opened is None:
                gc.collect()
        return opened

    def _open_only(self) -> Index:
        opened = self._open_quietly()
        if opened is None:
            raise IndexUnavailableError(self.rebuild_reason or "the search index is missing")
        return opened

    def _open_or_create(self) -> Index:
        opened = self._open_quietly()
        if opened is not None:
            return opened
        if self.rebuild_reason is None:
            self.rebuild_reason = "the search index is missing"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        return windex.create_in(str(self.folder), build_schema())

    def _try_open(self) -> Index | None:
        """The existing index, or None (with the reason) when it is missing or damaged."""
        try:
            if not windex.exists_in(str(self.folder)):
                return None
            opened = windex.open_dir(str(self.folder))
            with opened.searcher() as probe:
                probe.doc_count()
            return opened
        except Exception as error:  # any damage: the index is only a cache
            log.warning("search index at %s is unreadable: %s", self.folder, str(error))
            self.rebuild_reason = "the search index was damaged"
            return None

    @property
    def needs_rebuild(self) -> bool:
        return self.rebuild_reason is not None

    def searcher(self) -> Searcher:
        """The shared searcher, refreshed when the index changed since it was opened."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self._index.searcher()
            elif not self._searcher.up_to_date():
                # Not Searcher.refresh(): in whoosh3 3.54.0 it reuses segment readers
                # whose deletions changed, so deleted papers kept matching.
                self._searcher.close()
                self._searcher = self._index.searcher()
            return self._searcher

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._index.close()

    # --- writing ------------------------------------------------------------------

    def _writer(self) -> BulkWriter:
        return BulkWriter(self._index, PAIR_FIELD, PAIR_SOURCES, timeout=busy_timeout_ms() / 1000)

    def apply(self, upserts: Sequence[Paper], deletes: Collection[int]) -> None:
        """Rewrite the documents of changed papers and drop deleted ones (one commit)."""
        if upserts or deletes:
            self.apply_loaded(lambda: (upserts, deletes))

    def apply_loaded(self, load: Callable[[], tuple[Sequence[Paper], Collection[int]]]) -> None:
        """Like :meth:`apply`, with the papers read by ``load`` while the index's write
        lock is held: two processes draining at once then write their snapshots in the
        order they read them, so an older snapshot never overwrites a newer one."""
        with self._lock:
            writer = self._writer()
            try:
                upserts, deletes = load()
                for paper_id in deletes:
                    writer.delete_by_term("id", str(paper_id))
                for paper in upserts:
                    writer.update_document(**document(paper))
            except BaseException:
                writer.cancel()
                raise
            if upserts or deletes:
                writer.commit()
            else:
                writer.cancel()

    def compaction_ids(self) -> list[int]:
        """Papers to re-index into one segment when writes have left more than
        MAX_SMALL_SEGMENTS segments smaller than a rebuild's (each write adds one and
        none is merged): those of the smallest, up to COMPACT_DOCS papers."""
        with self._lock:
            leaves = self.searcher().reader().leaf_readers()
            small = sorted(
                (reader for reader, _ in leaves if reader.doc_count() < bulk_writer.SEGMENT_DOCS),
                key=lambda reader: reader.doc_count(),
            )
            if len(small) <= MAX_SMALL_SEGMENTS:
                return []
            chosen: list[Any] = []
            total = 0
            for reader in small:
                if chosen and total + reader.doc_count() > COMPACT_DOCS:
                    break
                chosen.append(reader)
                total += reader.doc_count()
            if len(chosen) < 2:
                return []
            return sorted(
                int(reader.stored_fields(doc)["id"])
                for reader in chosen
                for doc in reader.all_doc_ids()
            )

    def rebuild(
        self,
        papers: Iterable[Paper],
        total: int,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Build a new index beside the live one, then swap it in (see index_folders)."""
        with self._lock:
            self._close_searcher()
            live = None if self.needs_rebuild else self._index
            with write_locked(live):
                building = building_folder(self.folder)
                shutil.rmtree(building, ignore_errors=True)
                building.mkdir(parents=True)
                try:
                    self._build(building, papers, total, progress)
                    self._index.close()
                    swap_in(building, self.folder)
                except BaseException:
                    shutil.rmtree(building, ignore_errors=True)
                    raise
            self._index = windex.open_dir(str(self.folder))
            self.rebuild_reason = None

    def _build(
        self,
        folder: Path,
        papers: Iterable[Paper],
        total: int,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        fresh = windex.create_in(str(folder), build_schema())
        writer = BulkWriter(fresh, PAIR_FIELD, PAIR_SOURCES)
        # A newer generation than the live index's, so other processes' searchers see
        # that the index changed under them.
        writer.generation = max(writer.generation, self._generation() + 1)
        done = 0
        try:
            for paper in papers:
                writer.add_document(**document(paper))
                done += 1
                if progress is not None and (done % 500 == 0 or done == total):
                    progress(done, total)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        fresh.close()
        if progress is not None and done != total:
            progress(done, done)

    def _generation(self) -> int:
        try:
            return int(self._index.latest_generation())
        except Exception:  # a damaged index: any generation will do
            return 0

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    # --- reading ------------------------------------------------------------------

    def stamps(self) -> dict[int, str]:
        """Every indexed paper id with the stamp of the version indexed."""
        searcher = self.searcher()
        return {
            int(fields["id"]): str(fields.get("stamp", ""))
            for fields in searcher.all_stored_fields()
        }

    def _arrays(self) -> PostingArrays:
        """The posting arrays of the current searcher (rebuilt when it is replaced)."""
        with self._lock:
            searcher = self.searcher()
            if self._posting_arrays is None or self._posting_arrays.searcher is not searcher:
                self._posting_arrays = PostingArrays(searcher, self._segment_postings)
                self._orders = {}
                self._doc_paper_ids = None
            return self._posting_arrays

    def _paper_ids(self, arrays: PostingArrays) -> npt.NDArray[np.int64]:
        """Every document's paper id (deleted ones' too); cached while the searcher lives."""
        with self._lock:
            if self._doc_paper_ids is None or len(self._doc_paper_ids) != arrays.size:
                parts = [
                    numeric_column(
                        leaf.column_reader("paper_id", translate=False), leaf.doc_count_all()
                    )
                    for leaf, _offset in arrays.leaves
                ]
                self._doc_paper_ids = np.concatenate(parts) if parts else np.zeros(0, np.int64)
            return self._doc_paper_ids

    def _order(self, arrays: PostingArrays, sort: str, descending: bool) -> Order:
        """Per document sort keys, ascending; cached while the searcher lives."""
        key = (sort, descending)
        found = self._orders.get(key)
        if found is not None:
            return found
        column = arrays.reader.column_reader(SORT_FIELDS[sort])
        if sort == "title":
            values = list(column)
            ranks = np.empty(len(values), np.float64)
            ranks[sorted(range(len(values)), key=values.__getitem__)] = np.arange(
                len(values), dtype=np.float64
            )
            order = ranks
        else:
            order = np.fromiter(column, dtype=np.float64, count=arrays.size)
        if NATURAL_REVERSE[sort] != descending:
            order = -order
        self._orders[key] = order
        return order

    def search(
        self,
        parsed: ParsedQuery,
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
        within: Collection[int] | None = None,
    ) -> SearchPage:
        """A page of hits: ranked by BM25F, or sorted by a column; ``within``: only
        among these papers."""
        ranked = sort is None or sort == "relevance"
        if not ranked and sort not in SORT_FIELDS:
            raise ValueError(f"unknown sort {sort!r}")
        arrays = self._arrays()
        if arrays.size == 0:  # an empty index has no columns to sort by
            return SearchPage((), 0)
        match = Evaluator(arrays).evaluate(parsed.root)
        paper_ids = self._paper_ids(arrays)
        if within is not None:
            wanted = np.fromiter(within, dtype=np.int64, count=len(within))
            match = Match(match.mask & np.isin(paper_ids, wanted), match.scores)
        total = int(np.count_nonzero(match.mask))
        order: Order | None = None
        if not ranked:
            order = self._order(arrays, sort or "added", descending)
        elif total and not match.scores[match.mask].any():
            order = self._order(arrays, "added", True)  # nothing to rank: newest first
        docs = top(match, offset, max(limit, 0), order)
        hits = tuple(
            SearchHit(int(paper_ids[doc]), float(match.scores[doc]) if ranked else 0.0)
            for doc in docs
        )
        return SearchPage(hits, total)

    def stem(self, word: str) -> str:
        return stem(word.lower())

    def highlight(
        self, text: str, terms: Sequence[str], prefixes: Sequence[str], whole: bool
    ) -> Fragment:
        return highlight(text, query_stems(terms), prefixes, whole=whole)

    def term_in_index(self, word: str) -> bool:
        reader = self.searcher().reader()
        return any(
            reader.doc_frequency(field, term) > 0
            for term in analyze(word)[:1]
            for field in ("title", "abstract", "notes")
        )

    def corrections(self, word: str, limit: int = 3) -> list[str]:
        """Index terms (stems) close to a misspelt word, most frequent first."""
        reader = self.searcher().reader()
        stem = (analyze(word) or [word.lower()])[0]
        frequency: Counter[str] = Counter()
        for field in ("abstract", "title"):
            for candidate in near_terms(reader, field, word, 2):
                frequency[candidate] += reader.doc_frequency(field, candidate)

        def distance(term: str) -> int:
            return min(edit_distance(stem, term), edit_distance(word.lower()[: len(term)], term))

        # Fewest edits first, then the commonest: "splate" -> "splat" before "state".
        ranked = sorted(frequency, key=lambda term: (distance(term), -frequency[term]))
        return ranked[:limit]

    def papers_with_term(self, term: str, limit: int = 5) -> list[int]:
        """Ids of papers whose title or abstract holds an index term (a stem, as is)."""
        built = wq.Or([wq.Term("title", term), wq.Term("abstract", term)])
        results = self.searcher().search(built, limit=limit, terms=False)
        return [int(hit["id"]) for hit in results]

    def key_terms(self, text: str, count: int = 12) -> list[tuple[str, float]]:
        searcher = self.searcher()
        if not text.strip() or searcher.doc_count() == 0:
            return []
        return [
            (str(term), float(weight))
            for term, weight in searcher.key_terms_from_text("abstract", text, numterms=count)
        ]

    def similar(self, paper_id: int, text: str, k: int) -> list[tuple[int, float]]:
        """Papers whose abstracts share the key terms of ``text``."""
        terms = self.key_terms(text)
        if not terms:
            return []
        arrays = self._arrays()
        match = Evaluator(arrays).weighted_terms("abstract", terms)
        paper_ids = self._paper_ids(arrays)
        match.mask[paper_ids == paper_id] = False  # not the paper itself
        return [(int(paper_ids[doc]), float(match.scores[doc])) for doc in top(match, 0, k)]


def numeric_column(column: Any, count: int) -> npt.NDArray[np.int64]:
    """A segment's numeric column as an array, read in one piece: Whoosh's reader stores
    fixed-width big-endian values, then the default for documents past the last one
    (iterating it costs ~1 µs a document: 80 ms more on a 100k library's first query)."""
    if isinstance(column, NumericColumn.Reader) and not column._reverse:
        width = column._fixedlen
        raw = column._dbfile.get(column._basepos, column._count * width)
        values = np.frombuffer(raw, dtype=np.dtype(">" + column._typecode)).astype(np.int64)
        if len(values) >= count:
            return values[:count]
        return np.concatenate((values, np.full(count - len(values), column._default, np.int64)))
    return np.fromiter(column, dtype=np.int64, count=count)


@lru_cache(maxsize=256)
def _candidates(stems: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """Words that may carry one of the stems: a Porter2 stem, less its last letter (which
    may be a y turned into i), is always the start of the word it came from."""
    heads = {stem[:-1] or stem for stem in stems} | set(prefixes)
    alternatives = "|".join(re.escape(head) for head in sorted(heads, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})\w*(?:\.?\w+)*", re.IGNORECASE)


def highlight(
    text: str,
    stems: Collection[str],
    prefixes: Sequence[str] = (),
    whole: bool = True,
    width: int = 240,
) -> Fragment:
    """Runs of ``text`` with the query's words marked; a window around them when not whole.

    A word is marked when its stem is one of ``stems`` or it starts with a prefix.
    """
    if not text:
        return ()
    marks: list[tuple[int, int]] = []
    if stems or prefixes:
        starts = tuple(prefixes)
        # Only words that can have a wanted stem are stemmed: C finds the candidates.
        for match in _candidates(frozenset(stems), starts).finditer(text):
            word = match.group().lower()
            if stem(word) in stems or (starts and word.startswith(starts)):
                marks.append(match.span())
    start, end = 0, len(text)
    if not whole and len(text) > width:
        start, end = _best_window(text, marks, width)
    runs: list[tuple[str, bool]] = []
    cursor = start
    for begin, finish in marks:
        if finish <= start or begin >= end:
            continue
        if begin > cursor:
            runs.append((text[cursor:begin], False))
        runs.append((text[begin:finish], True))
        cursor = finish
    if cursor < end:
        runs.append((text[cursor:end], False))
    if start > 0:
        runs.insert(0, ("…", False))
    if end < len(text):
        runs.append(("…", False))
    return tuple(runs)


def _best_window(text: str, marks: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The window of ``width`` characters holding the most marks, on word boundaries."""
    best_start, best_count = 0, -1
    for index, (begin, _) in enumerate(marks):
        count = sum(1 for b, _ in marks[index:] if b < begin + width)
        if count > best_count:
            best_start, best_count = max(begin - 40, 0), count
    end = min(best_start + width, len(text))
    while best_start > 0 and not text[best_start - 1].isspace():
        best_start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return best_start, end


def query_stems(terms: Iterable[str]) -> set[str]:
    """The index terms of the query's words, for highlighting."""
    stems: set[str] = set()
    for term in terms:
        stems.update(analyze(term))
    return stems
