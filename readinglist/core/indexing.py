"""Keeping the search index in step with the database: ``library.indexing``.

The database is the source of truth; the index is a cache of it. Every write queues
its papers in the outbox inside its own transaction (storage), and :meth:`Indexing.sync`
drains the outbox into the index after commit, then runs the small segment merges the
index's policy asks for. Big merges wait for idle time (:meth:`Indexing.maintain`);
:meth:`Indexing.rebuild` and :meth:`Indexing.check` rebuild or repair the cache.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from readinglist.core.errors import ReadingListError
from readinglist.core.models import DriftReport, Paper, PaperQuery
from readinglist.core.ports import Progress, SearchIndex, Store

log = logging.getLogger(__name__)

INDEX_BATCH = 500


def catch_up_text(done: int, total: int) -> str:
    """What a full catch-up (see :meth:`Indexing.sync`) says while it runs and when done:
    the window's status bar shows it, the command line its first line."""
    if done >= total > 0:
        return f"Caught up with the shared library: re-indexed {total:,} papers"
    ran = f" ({done:,} done)" if done else ""
    return f"Catching up with the shared library: re-indexing {total:,} papers…{ran}"


class SearchUnavailableError(ReadingListError):
    """The library was opened without a search index (a command that never searches)."""


class Indexing:
    """The index of one library, kept in step through the outbox."""

    def __init__(self, store: Store, index: SearchIndex | None) -> None:
        self._store = store
        self._index = index
        self._after_writes = True
        self.full_catch_ups = 0  # a shared library's feed pruned past this client (sync)
        # Told of a full catch-up: (0, papers) as it starts, then after every batch.
        self.catch_up_progress: Progress | None = None
        # Set while the window opens: a full catch-up (as slow as a rebuild) waits for
        # the window, which runs it with its progress shown; the feed is not read
        # meanwhile (reading on past the horizon would lose what was pruned).
        self.defer_full_catch_up = False
        self.full_catch_up_due = False

    @property
    def ready(self) -> bool:
        """The index holds the whole library (False while it is missing or being built:
        the library can then be browsed, see ``Library.browse``, but not searched)."""
        return self._index is not None and not self._index.needs_rebuild

    def required(self) -> SearchIndex:
        if self._index is None:
            raise SearchUnavailableError("this library was opened without its search index")
        return self._index

    @contextmanager
    def later(self) -> Iterator[None]:
        """Writes in this block leave their papers in the search outbox, for someone
        else to index: the window hands a bulk edit's 10k papers to a child process
        (readinglist.import_process.drain_in_child), which keeps its own thread free."""
        self._after_writes = False
        try:
            yield
        finally:
            self._after_writes = True

    def after_write(self) -> None:
        """A write committed: its papers into the index now, unless :meth:`later`."""
        if self._after_writes:
            self.sync()

    # Merges an edit pays for itself: re-indexing costs about a millisecond a paper, so
    # an edit stays under a second at 100k papers; bigger merges wait for maintain.
    INLINE_MERGE_PAPERS = 1000
    # The speed assumed to tell whether a merge fits maintain's budget (measured
    # 1,500-2,000 papers/s on two cores; a little pessimistic on purpose).
    MERGE_PAPERS_PER_S = 1000.0

    def sync(self) -> int:
        """Drain the outbox into the index; returns how many papers were rewritten.

        Runs after every write and on start (an outbox left by a crash). An index that
        cannot be written now keeps its outbox rows and catches up on the next drain.
        Then the small merges the index's policy asks for run here (at most
        INLINE_MERGE_PAPERS papers); the big ones are left to :meth:`maintain`.
        """
        index = self._index
        if index is None or not self.ready:
            return 0  # an index being built: the outbox keeps every change until it is in
        with self._store.unit_of_work() as uow:
            missed = uow.feed_pruned_past()
        self.full_catch_up_due = missed and self.defer_full_catch_up
        if self.full_catch_up_due:
            return 0
        done = self._catch_up_fully(index) if missed else 0
        while True:
            with self._store.unit_of_work() as uow:
                if not uow.outbox(1)[0]:
                    break  # the common case: nothing waits, no index lock taken
            try:
                ids, upto = self._drain_batch(index)
            except Exception as error:
                log.warning("search index not updated now (%s); the outbox keeps it", error)
                return done
            if not ids:
                break
            with self._store.unit_of_work(write=True) as uow:
                uow.clear_outbox(upto)
            done += len(ids)
        if done:
            self._compact(index, max_papers=self.INLINE_MERGE_PAPERS)
        return done

    def merges_due(self) -> bool:
        """Merges are due that an edit would not run (see :meth:`maintain`)."""
        if self._index is None or not self.ready:
            return False
        return any(
            merge.papers > self.INLINE_MERGE_PAPERS for merge in self._index.planned_merges()
        )

    def maintain(self, budget_s: float | None = None) -> int:
        """Run the index merges due, the big ones an edit leaves alone; returns the
        papers re-indexed (0 without an index or with nothing due).

        Meant for idle time: the window's writer calls it after a minute without work,
        with a budget of a second (each merge holds the index's write lock, so other
        writers wait for it; searches do not: they keep reading the searcher they have;
        a merge of a rebuild's segment size, 25k papers, takes 15-25 s). Merges run
        cheapest first; with ``budget_s`` each starts only if its estimated time
        (MERGE_PAPERS_PER_S) fits in what is left, so a short idle spell runs the small
        ones and a big merge waits for a longer one (or for None: everything due, e.g. on
        closing the window or from a command).
        Without it the index stays correct: segments pile up slowly (about two per
        thousand edits) and searches slow down a little.
        """
        if self._index is None:
            return 0
        self.sync()
        return self._compact(self._index, budget_s=budget_s)

    def _compact(
        self, index: SearchIndex, max_papers: int | None = None, budget_s: float | None = None
    ) -> int:
        """Run the merges the index's policy says are due, cheapest first, while they fit
        in ``max_papers`` (in all) and ``budget_s`` (by estimate); re-planned after each
        one, since a merge can fill the tier above. Returns the papers re-indexed."""
        started = time.perf_counter()
        done = 0
        tried: set[tuple[str, ...]] = set()
        try:
            while True:
                left = None if budget_s is None else budget_s - (time.perf_counter() - started)
                due = [
                    merge
                    for merge in index.planned_merges()
                    if merge.segment_ids not in tried
                    and (max_papers is None or done + merge.papers <= max_papers)
                    and (left is None or merge.papers / self.MERGE_PAPERS_PER_S <= left)
                ]
                if not due:
                    return done
                tried.add(due[0].segment_ids)  # a stale plan is never retried
                done += index.merge(due[0].segment_ids, self._papers_to_merge)
        except Exception as error:  # only a cache's layout: retried after the next write
            log.warning("search index not compacted now (%s)", error)
        return done

    def _papers_to_merge(self, ids: Sequence[int]) -> list[Paper]:
        """The papers of a merge, read in one transaction (in chunks: any number)."""
        papers: list[Paper] = []
        chunk = INDEX_BATCH * 10
        with self._store.unit_of_work() as uow:
            for start in range(0, len(ids), chunk):
                papers += uow.papers(PaperQuery(ids=tuple(ids[start : start + chunk])))
        return papers

    def _drain_batch(self, index: SearchIndex) -> tuple[list[int], int]:
        """One outbox batch into the index: (paper ids, last outbox row). The papers are
        read under the index's write lock (see SearchIndex.apply_loaded)."""
        read: list[tuple[list[int], int]] = []

        def load() -> tuple[list[Paper], list[int]]:
            with self._store.unit_of_work() as uow:
                ids, upto = uow.outbox(INDEX_BATCH)
                papers = uow.papers(PaperQuery(ids=tuple(ids))) if ids else []
            read.append((ids, upto))
            present = {paper.id for paper in papers}
            return papers, [i for i in ids if i not in present]

        index.apply_loaded(load)
        return read[0]

    def rebuild(self, progress: Progress | None = None) -> int:
        """Rebuild the index from the database; returns the number of papers indexed."""
        index = self.required()
        with self._store.unit_of_work() as uow:
            upto = uow.last_outbox_row()
            ids = uow.all_ids()

        def papers() -> Iterator[Paper]:
            for start in range(0, len(ids), INDEX_BATCH):
                with self._store.unit_of_work() as uow:
                    batch = ids[start : start + INDEX_BATCH]
                    yield from uow.papers(PaperQuery(ids=tuple(batch)))

        index.rebuild(papers(), len(ids), progress)
        if upto:
            with self._store.unit_of_work(write=True) as uow:
                uow.clear_outbox(upto)
        self.sync()  # changes made while rebuilding
        return len(ids)

    def damage(self) -> str | None:
        """What is wrong with the index's files, in one line, or None (reads every
        file: for ``doctor``, not for every start)."""
        return self.required().damage()

    # Two looks before an index is distrusted: another process's write that lands
    # between reading the index's count and the library's can make one look differ.
    COUNT_LOOKS = 2

    def disagreement(self) -> str | None:
        """Whether the index holds as many papers as the library (a cheap check when a
        library opens, after the outbox was drained): a reason to rebuild, or None.

        An index can be complete, readable and wrong: one left empty by an interrupted
        restore, or from another copy of the library. Counting cannot see every such
        index (``doctor`` compares each paper), but it sees the ones that answer "0
        matches" for good. A disagreeing index is distrusted (see SearchIndex.distrust).
        """
        index = self._index
        if index is None or not self.ready:
            return None
        for _ in range(self.COUNT_LOOKS):
            indexed = index.doc_count()
            with self._store.unit_of_work() as uow:
                if uow.outbox(1)[0]:
                    return None  # changes still wait (the index is held elsewhere)
                papers = uow.browse(None, PaperQuery(), 0, 0, None, False).total
            if indexed == papers:
                return None
        reason = (
            f"the search index holds {indexed} papers, the library {papers}"
            if indexed
            else "the search index was empty"
        )
        log.warning("%s", reason)
        index.distrust(reason)
        return reason

    def check(self, repair: bool = True) -> DriftReport:
        """Compare database and index (missing, stale and extra ids); repair by default."""
        index = self.required()
        self.sync()
        return self._compare(index, repair)

    def _catch_up_fully(self, index: SearchIndex) -> int:
        """A shared library's feed was pruned past this client's place (it was offline
        longer than the feed keeps, storage/change_feed.py): what it missed can no longer
        be read, so every paper is re-indexed (every paper: a member's private notes,
        also indexed, do not move the shared stamp) and the index's extra papers go;
        then the feed is read on from where this began. Rare, and as slow as a rebuild
        (about a millisecond a paper), but the index stays searchable; its progress
        goes to ``catch_up_progress``. Returns the papers re-indexed."""
        log.warning(
            "this client was away longer than the shared library keeps its changes:"
            " comparing the whole search index with the library (a full catch-up)"
        )
        with self._store.unit_of_work() as uow:
            upto = uow.last_outbox_row()
        papers = 0

        def progress(done: int, total: int) -> None:
            nonlocal papers
            papers = total
            if self.catch_up_progress is not None:
                self.catch_up_progress(done, total)

        self._compare(index, repair=True, everything=True, progress=progress)
        with self._store.unit_of_work(write=True) as uow:
            uow.clear_outbox(upto)
        self.full_catch_ups += 1
        return papers

    def _compare(
        self,
        index: SearchIndex,
        repair: bool,
        everything: bool = False,
        progress: Progress | None = None,
    ) -> DriftReport:
        with self._store.unit_of_work() as uow:
            wanted = uow.all_stamps()
        if progress is not None:
            progress(0, len(wanted))
        indexed = index.stamps()
        report = DriftReport(
            missing=tuple(sorted(wanted.keys() - indexed.keys())),
            stale=tuple(
                sorted(i for i in wanted.keys() & indexed.keys() if wanted[i] != indexed[i])
            ),
            extra=tuple(sorted(indexed.keys() - wanted.keys())),
        )
        if repair and (everything or not report.clean):
            redo = tuple(sorted(wanted)) if everything else report.missing + report.stale
            for start in range(0, len(redo), INDEX_BATCH):
                with self._store.unit_of_work() as uow:
                    batch = uow.papers(PaperQuery(ids=redo[start : start + INDEX_BATCH]))
                index.apply(batch, ())
                if progress is not None:
                    progress(min(start + INDEX_BATCH, len(redo)), len(redo))
            index.apply((), report.extra)
        return report
