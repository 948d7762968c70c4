"""The Whoosh index: a rebuildable cache of the database, behind a small interface.

Design for speed at 100k papers: titles and abstracts are not stored (the database has
them); one searcher is kept open and refreshed only after writes; writers never build
compound files (an open searcher maps ~29 MB instead of ~600 MB); a rebuild writes its
segment with :class:`BulkWriter` (postings sorted with NumPy, not pickled through
Whoosh's pool); results are paged; highlighting analyses only the texts of the rows shown.
Whoosh's internals are reached only through search/whoosh_private/: with a Whoosh it
does not know, the index reads and writes through Whoosh's public API (``notice``).
"""

from __future__ import annotations

import gc
import logging
import shutil
import threading
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index as windex
from whoosh.index import Index, LockError
from whoosh.searching import Searcher

from readinglist.core.errors import IndexDamagedError, LibraryBusyError
from readinglist.core.models import Fragment, Paper, SearchHit, SearchPage
from readinglist.core.orders import ORDERS, POSITION, RELEVANCE, UNRANKED, keys_of
from readinglist.core.query import ParsedQuery
from readinglist.core.timeouts import busy_timeout_ms
from readinglist.search import analysis_worker, bulk_writer, index_files, lookups, merge_policy
from readinglist.search.analysis import stem
from readinglist.search.analysis_worker import analysed_batches
from readinglist.search.bulk_writer import BulkWriter
from readinglist.search.engine import (
    Evaluator,
    Match,
    Order,
    PostingArrays,
    SegmentPostings,
    ordered,
    top,
)
from readinglist.search.highlight import highlight
from readinglist.search.index_folders import (
    BUSY_INDEX,
    INDEX_PREFIX,
    building_folder,
    creation_locked,
    discard,
    is_unfinished,
    mark_unfinished,
    remove_other_versions,
    swap_in,
    write_locked,
)
from readinglist.search.index_trust import DAMAGED_REASON, damage_behind, unreadable_part
from readinglist.search.merge_policy import Merge, MergePolicy, SegmentStats
from readinglist.search.ordering import (
    KEY_COLUMNS,
    ascending,
    places,
    text_column,
    text_ranks,
    tie_break,
    within_places,
)
from readinglist.search.schema import (
    PAIR_FIELD,
    PAIR_SOURCES,
    SCHEMA_VERSION,
    build_schema,
    document,
)
from readinglist.search.whoosh_private import (
    WhooshAccess,
    for_installed,
    raise_generation,
    take_segments,
)

log = logging.getLogger(__name__)

# Each write adds a segment; merge_policy says which to re-index as one. Segments are
# in tiers by size (1-7 documents, 8-63, ...): a tier holding more than this many is
# merged. Read at each plan, so a test can lower it.
MAX_SMALL_SEGMENTS = merge_policy.MAX_PER_TIER
# The sort orders are readinglist.core.orders' (keys, natural directions, tie-break);
# search/ordering.py says which column holds each key (KEY_COLUMNS).


UNFINISHED_REASON = "the search index was not finished"


class IndexUnavailableError(Exception):
    """The index is missing or damaged, and this process was not to repair it."""


class WhooshIndex:
    """The search index of one library folder."""

    def __init__(self, library_dir: Path, repair: bool = True) -> None:
        """``repair=False`` (a second process on an index another one uses): raise
        :class:`IndexUnavailableError` rather than replace a missing or damaged index
        (or remove other versions) under the other process."""
        self.folder = library_dir / f"{INDEX_PREFIX}{SCHEMA_VERSION}"
        # Two locks, so that reads never wait for writes: ``_lock`` guards the shared
        # searcher and its caches and is held for moments; ``_write_lock`` makes this
        # process's writers take turns and is held for a whole write (Whoosh's own
        # lock file does the same between processes). A reader keeps the searcher it
        # started with until it is done (``_reading``): a write that replaces the shared
        # searcher meanwhile closes the old one only when its last reader has left.
        self._lock = threading.RLock()
        self._write_lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._readers: dict[Searcher, int] = {}
        self._posting_arrays: PostingArrays | None = None
        # Whoosh's internals for the version they were written for, else its public API
        # (slower; ``notice`` says so): see search/whoosh_private/.
        self._whoosh: WhooshAccess = for_installed()
        self.notice: str | None = self._whoosh.notice
        self._segment_postings = SegmentPostings(whoosh=self._whoosh)
        self.rebuild_reason: str | None = None
        if not repair:
            self._index = self._open_only()
            return
        self._remove_other_versions(library_dir)
        self._index = self._open_or_create(library_dir)

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
        # closed when its exception is dropped or collected: that is expected here. A
        # missing index (a new library) leaves nothing to collect, and a full collection
        # costs tenths of a second in a process that holds much (the window, a test run).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            opened, damaged = self._try_open()
            if damaged:
                gc.collect()
        if opened is not None and is_unfinished(self.folder) and self.rebuild_reason is None:
            self.rebuild_reason = UNFINISHED_REASON  # usable, but not all of the library
        return opened

    def _open_only(self) -> Index:
        opened = self._open_quietly()
        if opened is None:
            raise IndexUnavailableError(self.rebuild_reason or "the search index is missing")
        return opened

    def _open_or_create(self, library_dir: Path) -> Index:
        opened = self._open_quietly()
        if opened is not None:
            return opened
        # Another process may be making the placeholder right now: wait for it, then
        # look again before replacing anything (see index_folders.creation_locked).
        with creation_locked(library_dir):
            first_reason, self.rebuild_reason = self.rebuild_reason, None
            opened = self._open_quietly()
            if opened is not None:
                return opened
            self.rebuild_reason = first_reason or self.rebuild_reason
            if self.rebuild_reason is None:
                self.rebuild_reason = "the search index is missing"
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True, exist_ok=True)
            mark_unfinished(self.folder)  # first: no process may ever see it as complete
            return windex.create_in(str(self.folder), build_schema())

    def _try_open(self) -> tuple[Index | None, bool]:
        """The existing index, or None when it is missing or damaged (the reason
        recorded); and whether it was damaged."""
        try:
            if not windex.exists_in(str(self.folder)):
                return None, False
            opened = windex.open_dir(str(self.folder))
            with opened.searcher() as probe:
                probe.doc_count()
            problem = index_files.damage(self.folder, self._segment_ids(opened))
        except Exception as error:  # any damage: the index is only a cache
            log.warning("search index at %s is unreadable: %s", self.folder, str(error))
            self.rebuild_reason = DAMAGED_REASON
            return None, True
        if problem is not None:
            log.warning("search index at %s is damaged: %s", self.folder, problem)
            opened.close()
            self.rebuild_reason = f"{DAMAGED_REASON} ({problem})"
            return None, True
        return opened, False

    def _segment_ids(self, index: Index) -> list[str]:
        """The committed segments (from the table of contents; none with the public
        API, whose files are then not checked)."""
        return [segment_id for segment_id, _, _ in self._whoosh.segment_stats(index)]

    def _record_files(self) -> None:
        """After a commit: the sizes and checksums of the new segments' files."""
        index_files.record(self.folder, self._segment_ids(self._index))

    # --- trust ----------------------------------------------------------------------

    def doc_count(self) -> int:
        """Live documents, from a fresh look at the index (another process may have
        written since this one's searcher was opened)."""
        with self._reading() as arrays:
            return int(arrays.searcher.doc_count())

    def damage(self) -> str | None:
        """Every byte of the index checked: the recorded checksums of its files, then
        everything a search reads outside the postings (see index_trust)."""
        if self.needs_rebuild:
            return None  # not trusted anyway: it is being or will be rebuilt
        with self._lock:
            segment_ids = self._segment_ids(self._index)
            problem = index_files.damage(self.folder, segment_ids, contents=True)
            return problem or unreadable_part(self._index)

    def distrust(self, reason: str) -> None:
        """Say that the index must be rebuilt, here and (by the unfinished mark in its
        folder) in every process that opens it next, whatever happens before then."""
        with self._lock:
            self._close_searcher()
            self.rebuild_reason = reason
        try:
            mark_unfinished(self.folder)
        except OSError as error:  # a read-only library: this process rebuilds or refuses
            log.warning("could not mark the search index unfinished: %s", error)

    def _as_damage(self, error: Exception) -> IndexDamagedError | None:
        """An error raised while reading the index as a damage (the index is then
        distrusted), or None: a bug, to raise as it is (see index_trust)."""
        try:
            segment_ids = self._segment_ids(self._index)
        except Exception:  # not even the table of contents reads now
            segment_ids = []
        detail = damage_behind(error, self.folder, segment_ids)
        if detail is None:
            return None
        log.warning("search index at %s is damaged: %s", self.folder, detail)
        self.distrust(f"{DAMAGED_REASON} ({detail})")
        return IndexDamagedError(
            f"the search index is damaged ({detail}); it is rebuilt on the next start,"
            " or now with 'readinglist reindex'"
        )

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
                self._retire(self._searcher)
                self._searcher = self._index.searcher()
            return self._searcher

    def _retire(self, searcher: Searcher) -> None:
        """A searcher no longer shared: closed now, or by its last reader."""
        if searcher not in self._readers:
            searcher.close()

    @contextmanager
    def _reading(self) -> Iterator[PostingArrays]:
        """The current searcher's posting arrays, kept open until the block ends even if
        a write replaces the shared searcher meanwhile."""
        try:
            with self._lock:
                arrays = self._arrays()
                searcher = arrays.searcher
                self._readers[searcher] = self._readers.get(searcher, 0) + 1
        except Exception as error:
            damaged = self._as_damage(error)
            if damaged is None:
                raise
            raise damaged from error
        try:
            yield arrays
        except Exception as error:
            damaged = self._as_damage(error)
            if damaged is None:
                raise
            raise damaged from error
        finally:
            with self._lock:
                left = self._readers.pop(searcher) - 1
                if left:
                    self._readers[searcher] = left
                elif searcher is not self._searcher:
                    searcher.close()

    def reload(self) -> bool:
        """Reopen the index after another process rebuilt it (the window's index is
        built by a child process, see readinglist.index_build_process); returns whether
        it is complete now. Without a usable index on disk the current one is kept."""
        with self._lock:
            self._close_searcher()
            self.rebuild_reason = None
            opened = self._open_quietly()
            if opened is None:
                self.rebuild_reason = self.rebuild_reason or "the search index is missing"
                return False
            self._index.close()
            self._index = opened
            return not self.needs_rebuild

    def close(self) -> None:
        with self._write_lock, self._lock:
            self._close_searcher()
            self._index.close()

    # --- writing ------------------------------------------------------------------

    def _writer(self) -> Any:
        """The bulk writer; Whoosh's own writer (and merges) when its internals are not
        known. Both take Whoosh's write lock, waiting up to the busy timeout."""
        timeout = busy_timeout_ms() / 1000
        try:
            if not self._whoosh.internals:
                return self._index.writer(compound=False, timeout=timeout)
            return BulkWriter(self._index, PAIR_FIELD, PAIR_SOURCES, timeout=timeout)
        except LockError:  # another process held the index longer than the busy timeout
            raise LibraryBusyError(BUSY_INDEX) from None

    def apply(self, upserts: Sequence[Paper], deletes: Collection[int]) -> None:
        """Rewrite the documents of changed papers and drop deleted ones (one commit)."""
        if upserts or deletes:
            self.apply_loaded(lambda: (upserts, deletes))

    def apply_loaded(self, load: Callable[[], tuple[Sequence[Paper], Collection[int]]]) -> None:
        """Like :meth:`apply`, with the papers read by ``load`` while the index's write
        lock is held: two processes draining at once then write their snapshots in the
        order they read them, so an older snapshot never overwrites a newer one."""
        with self._write_lock:
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
                self._record_files()
            else:
                writer.cancel()

    def segment_stats(self) -> list[SegmentStats]:
        """Each segment's id and documents (deleted ones too), read from the table of
        contents alone: no segment is opened, so this costs the same with 5 or 50."""
        with self._lock:
            found = self._whoosh.segment_stats(self._index)
        return [SegmentStats(segment_id, total, deleted) for segment_id, total, deleted in found]

    def planned_merges(self) -> list[Merge]:
        """The merges merge_policy says are due now, cheapest first (no I/O but the
        table of contents). A merge writes at most a rebuild's segment size."""
        policy = MergePolicy(
            max_per_tier=MAX_SMALL_SEGMENTS, max_merge_docs=bulk_writer.SEGMENT_DOCS
        )
        return policy.merges(self.segment_stats())

    def merge(
        self, segment_ids: Collection[str], load: Callable[[Sequence[int]], Sequence[Paper]]
    ) -> int:
        """Rewrite the live documents of these segments as one new segment, with the
        papers ``load(ids)`` reads while the index's write lock is held (as
        :meth:`apply_loaded`); returns how many papers were written.

        Documents are deleted by number in the chosen segments, not by paper id across
        the index (Whoosh's ``update_document`` looks each id up in every segment), and
        the emptied segments are dropped at commit. Returns 0 without writing when a
        segment is gone: another process merged it since the plan was made (or Whoosh's
        internals are not known: its own writer merges, and no merge is planned).
        """
        if not self._whoosh.internals:
            return 0
        with self._write_lock:
            writer = self._writer()
            try:
                ids = take_segments(writer, segment_ids, "paper_id")
                if ids is None:
                    writer.cancel()
                    return 0
                papers = load(sorted(ids))
                for paper in papers:
                    writer.add_document(**document(paper))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            self._record_files()
            return len(papers)

    def rebuild(
        self,
        papers: Iterable[Paper],
        total: int,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Build a new index beside the live one, then swap it in (see index_folders)."""
        with self._write_lock, self._lock:
            self._close_searcher()
            # A placeholder's lock too: two processes building a new library's index at
            # once must swap their folders in turn, not into each other.
            with write_locked(self._index):
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
        internals = self._whoosh.internals
        writer = (
            BulkWriter(fresh, PAIR_FIELD, PAIR_SOURCES)
            if internals
            else fresh.writer(compound=False)
        )
        # A newer generation than the live index's, so other processes' searchers see
        # that the index changed under them (set before the commit, or reached after it).
        newer = self._generation() + 1
        if internals:
            raise_generation(writer, fresh, newer)
        done = 0
        try:
            if internals:
                parallel = total >= analysis_worker.PARALLEL_FROM
                batches = analysed_batches(papers, document, writer.analyser, parallel)
                with closing(batches):
                    for batch in batches:
                        writer.add_analysed(batch)
                        done += batch.count
                        if progress is not None:
                            progress(done, total)
            else:
                for paper in papers:
                    writer.add_document(**document(paper))
                    done += 1
                    if progress is not None and (done % 500 == 0 or done == total):
                        progress(done, total)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if not internals:
            raise_generation(None, fresh, newer)
        index_files.record(folder, self._segment_ids(fresh))
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
            self._retire(self._searcher)
            self._searcher = None
            self._posting_arrays = None

    # --- reading ------------------------------------------------------------------

    def stamps(self) -> dict[int, str]:
        """Every indexed paper id with the stamp of the version indexed."""
        with self._reading() as arrays:
            return {
                int(fields["id"]): str(fields.get("stamp", ""))
                for fields in arrays.searcher.all_stored_fields()
            }

    def _arrays(self) -> PostingArrays:
        """The posting arrays of the current searcher (rebuilt when it is replaced);
        use them inside :meth:`_reading`."""
        with self._lock:
            searcher = self.searcher()
            if self._posting_arrays is None or self._posting_arrays.searcher is not searcher:
                self._posting_arrays = PostingArrays(searcher, self._segment_postings)
            return self._posting_arrays

    def _paper_ids(self, arrays: PostingArrays) -> npt.NDArray[np.int64]:
        """Every document's paper id (deleted ones' too); kept with the arrays (one
        searcher's), so a reader on an older searcher never sees a newer one's."""
        with self._lock:
            if arrays.paper_ids is None:
                numeric_column = self._whoosh.numeric_column
                parts = [
                    numeric_column(
                        leaf.column_reader("paper_id", translate=False), leaf.doc_count_all()
                    )
                    for leaf, _offset in arrays.leaves
                ]
                arrays.paper_ids = np.concatenate(parts) if parts else np.zeros(0, np.int64)
            return arrays.paper_ids

    def _order(self, arrays: PostingArrays, sort: str, descending: bool) -> Order:
        """Each document's place in an order of readinglist.core.orders, tie-break
        included (one lexsort of the key columns, see search/ordering.py); cached while
        the searcher lives."""
        key = (sort, descending)
        found = arrays.orders.get(key)
        if found is not None:
            return found
        columns: list[npt.NDArray[np.int64]] = []
        for sort_key in keys_of(sort, descending):
            name = KEY_COLUMNS[sort_key.field]
            if name == "paper_id":
                values = self._paper_ids(arrays)
            elif name == "title_key":
                values = text_ranks(
                    [
                        value
                        for leaf, _offset in arrays.leaves
                        for value in text_column(
                            leaf.column_reader(name, translate=False), self._whoosh
                        )
                    ]
                )
            else:
                parts = [
                    self._whoosh.numeric_column(
                        leaf.column_reader(name, translate=False), leaf.doc_count_all()
                    )
                    for leaf, _offset in arrays.leaves
                ]
                values = np.concatenate(parts) if parts else np.zeros(0, np.int64)
            columns.append(ascending(values, sort_key.descending))
        order = places(columns)
        arrays.orders[key] = order
        return order

    def search(
        self,
        parsed: ParsedQuery,
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
        within: Collection[int] | None = None,
        with_ids: bool = False,
    ) -> SearchPage:
        """A page of hits in an order of readinglist.core.orders: ranked by BM25F (best
        first, ``descending`` ignored; with nothing to score, newest first), or sorted.
        ``within``: only among these papers; ``sort="position"``: in their order (a
        sequence). ``with_ids``: every hit's paper id too, in the same order."""
        ranked = sort is None or sort == RELEVANCE
        if not ranked and sort != POSITION and sort not in ORDERS:
            raise ValueError(f"unknown sort {sort!r}")
        if sort == POSITION and within is None:
            raise ValueError("sorting by position needs the papers' order (within)")
        with self._reading() as arrays:
            return self._search(arrays, parsed, sort, descending, offset, limit, within, with_ids)

    def _search(
        self,
        arrays: PostingArrays,
        parsed: ParsedQuery,
        sort: str | None,
        descending: bool,
        offset: int,
        limit: int,
        within: Collection[int] | None,
        with_ids: bool,
    ) -> SearchPage:
        ranked = sort is None or sort == RELEVANCE
        if arrays.size == 0:  # an empty index has no columns to sort by
            return SearchPage((), 0)
        evaluator = Evaluator(arrays)
        match = evaluator.evaluate(parsed.root)
        paper_ids = self._paper_ids(arrays)
        order: Order | None = None
        if within is not None:
            inside, place = within_places(paper_ids, within)
            match = Match(match.mask & inside, match.scores)
            if sort == POSITION:
                order = ascending(place, descending)
        total = int(np.count_nonzero(match.mask))
        if sort is not None and not ranked and sort != POSITION:
            order = self._order(arrays, sort, descending)
        elif ranked and total and not match.scores[match.mask].any():
            order = self._order(arrays, UNRANKED, False)  # nothing to rank
        ties = tie_break(paper_ids)
        every = ordered(match, order, ties) if with_ids else None
        if every is not None:
            docs = every[offset : offset + max(limit, 0)] if offset >= 0 else every[:0]
        else:
            docs = top(match, offset, limit, order, ties)
        hits = tuple(
            SearchHit(int(paper_ids[doc]), float(match.scores[doc]) if ranked else 0.0)
            for doc in docs
        )
        ids = () if every is None else tuple(paper_ids[every].tolist())
        return SearchPage(hits, total, ids, message=lookups.also_searched(evaluator))

    def stem(self, word: str) -> str:
        return stem(word.lower())

    def highlight(
        self, text: str, terms: Sequence[str], prefixes: Sequence[str], whole: bool
    ) -> Fragment:
        # The arrays of the search shown (no look at the index's files: a page of rows
        # highlights hundreds of texts), for the acronyms that search used.
        with self._lock:
            arrays = self._posting_arrays
        words = tuple(terms) if arrays is None else lookups.highlight_words(arrays, tuple(terms))
        return highlight(text, words, prefixes, whole=whole)

    def term_in_index(self, word: str) -> bool:
        with self._reading() as arrays:
            return lookups.term_in_index(arrays, word)

    def completes(self, prefix: str) -> bool:
        with self._reading() as arrays:
            return lookups.completes(arrays, prefix)

    def per_generation(self, key: tuple[str, ...], compute: Callable[[], str | None]) -> str | None:
        with self._reading() as arrays:
            return lookups.remembered(arrays, key, compute)

    def corrections(self, word: str, limit: int = 3) -> list[str]:
        """Index terms (stems) close to a misspelt word, most frequent first."""
        with self._reading() as arrays:
            return lookups.corrections(arrays, word, limit)

    def papers_with_term(self, term: str, limit: int = 5) -> list[int]:
        """Ids of papers whose title or abstract holds an index term (a stem, as is)."""
        with self._reading() as arrays:
            return lookups.papers_with_term(arrays, term, limit)

    def key_terms(self, text: str, count: int = 12) -> list[tuple[str, float]]:
        with self._reading() as arrays:
            return lookups.key_terms(arrays, text, count)

    def similar(self, paper_id: int, text: str, k: int) -> list[tuple[int, float]]:
        """Papers whose abstracts share the key terms of ``text``."""
        terms = self.key_terms(text)
        if not terms:
            return []
        with self._reading() as arrays:
            match = Evaluator(arrays, acronyms=False).weighted_terms("abstract", terms)
            paper_ids = self._paper_ids(arrays)
        match.mask[paper_ids == paper_id] = False  # not the paper itself
        return [(int(paper_ids[doc]), float(match.scores[doc])) for doc in top(match, 0, k)]
