"""The use cases: what a user can do to a library, whatever the front end.

Each method is one unit of work (one transaction). Values in and out are the plain
dataclasses of :mod:`readinglist.core.models`; storage is reached only through the
:class:`~readinglist.core.ports.Store` protocol.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

from readinglist.core.browse import BrowseOrder, browse_database, plain_fragment
from readinglist.core.bulk_cases import BulkCases
from readinglist.core.digests import DigestInfo
from readinglist.core.errors import (
    ImportCancelledError,
    InvalidValueError,
    NotFoundError,
    ReadingListError,
)
from readinglist.core.exchange.bundle import LibraryExport
from readinglist.core.exchange.cases import ExchangeCases, enrich, match_by_arxiv, source_links
from readinglist.core.exchange.importers import read_import
from readinglist.core.guards import require_papers
from readinglist.core.list_cases import ListCases
from readinglist.core.models import (
    MAX_RATING,
    MIN_RATING,
    SEARCH_SORTS,
    SORT_KEYS,
    DriftReport,
    ImportSummary,
    Link,
    LinkKind,
    Paper,
    PaperDetails,
    PaperQuery,
    ParseResult,
    Priority,
    ReadStatus,
    SearchResult,
    SearchResults,
    SimilarPaper,
    TagCount,
)
from readinglist.core.normalize import edit_distance, title_key
from readinglist.core.orders import POSITION
from readinglist.core.ports import Progress, SearchIndex, Store, UnitOfWork
from readinglist.core.query import And, Node, Or, ParsedQuery, Term, parse_query
from readinglist.core.snapshots import ImportRecord, PaperSnapshot, RestoreReport
from readinglist.core.tags import normalize_colour, normalize_tag, tag_matches

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_status(value: str) -> ReadStatus:
    try:
        return ReadStatus(value.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in ReadStatus)
        raise InvalidValueError(f"unknown status {value!r}; use one of: {names}") from None


def parse_priority(value: str) -> Priority:
    try:
        return Priority(value.strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in Priority)
        raise InvalidValueError(f"unknown priority {value!r}; use one of: {names}") from None


INDEX_BATCH = 500
PROGRESS_EVERY = 25  # papers between two progress reports (and cancel checks) of an import
SIMILAR_TERMS_SHOWN = 5


class SearchUnavailableError(ReadingListError):
    """The library was opened without a search index."""


class Library(ListCases, ExchangeCases, BulkCases):
    """A reader's library of papers.

    Writes go through :meth:`_write`: one transaction whose changed papers are queued in
    the search outbox inside that transaction, drained into the index after commit.
    """

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = utc_now,
        index: SearchIndex | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._index = index
        self._index_after_writes = True

    @contextmanager
    def _write(self) -> Iterator[UnitOfWork]:
        with self._store.unit_of_work(write=True) as uow:
            yield uow
        if self._index_after_writes:
            self.sync_index()

    @contextmanager
    def index_later(self) -> Iterator[None]:
        """Writes in this block leave their papers in the search outbox, for someone
        else to index: the window hands a bulk edit's 10k papers to a child process
        (readinglist.import_process.drain_in_child), which keeps its own thread free."""
        self._index_after_writes = False
        try:
            yield
        finally:
            self._index_after_writes = True

    # --- the search index ---------------------------------------------------------

    @property
    def index_ready(self) -> bool:
        """The index holds the whole library (False while it is missing or being built:
        the library can then be browsed, see :meth:`browse`, but not searched)."""
        return self._index is not None and not self._index.needs_rebuild

    def browse(
        self,
        query: str | ParsedQuery = "",
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
        within: Collection[int] | None = None,
        with_ids: bool = False,
        whole_abstracts: bool = False,
    ) -> SearchResults:
        """A page of papers from the database alone, without the index: the filters of
        the query language (status:, tag:, has:, rating:, seen:, added:, arxiv:) and the
        sorts; a query with words raises SearchNotReadyError (see core/browse.py)."""
        return browse_database(
            self._store,
            query,
            BrowseOrder(sort, descending, offset, limit),
            within=within,
            with_ids=with_ids,
            whole_abstracts=whole_abstracts,
            now=self._clock(),
        )

    # Merges an edit pays for itself: re-indexing costs about a millisecond a paper, so
    # an edit stays under a second at 100k papers; bigger merges wait for maintain_index.
    INLINE_MERGE_PAPERS = 1000
    # The speed assumed to tell whether a merge fits maintain_index's budget (measured
    # 1,500-2,000 papers/s on two cores; a little pessimistic on purpose).
    MERGE_PAPERS_PER_S = 1000.0

    def sync_index(self) -> int:
        """Drain the outbox into the index; returns how many papers were rewritten.

        Runs after every write and on start (an outbox left by a crash). An index that
        cannot be written now keeps its outbox rows and catches up on the next drain.
        Then the small merges the index's policy asks for run here (at most
        INLINE_MERGE_PAPERS papers); the big ones are left to :meth:`maintain_index`.
        """
        index = self._index
        if index is None or not self.index_ready:
            return 0  # an index being built: the outbox keeps every change until it is in
        done = 0
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
            self._compact_index(index, max_papers=self.INLINE_MERGE_PAPERS)
        return done

    def index_merges_due(self) -> bool:
        """Merges are due that an edit would not run (see :meth:`maintain_index`)."""
        if self._index is None or not self.index_ready:
            return False
        return any(
            merge.papers > self.INLINE_MERGE_PAPERS for merge in self._index.planned_merges()
        )

    def maintain_index(self, budget_s: float | None = None) -> int:
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
        self.sync_index()
        return self._compact_index(self._index, budget_s=budget_s)

    def _compact_index(
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

    def rebuild_index(self, progress: Progress | None = None) -> int:
        """Rebuild the index from the database; returns the number of papers indexed."""
        index = self._require_index()
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
        self.sync_index()  # changes made while rebuilding
        return len(ids)

    def check_index(self, repair: bool = True) -> DriftReport:
        """Compare database and index (missing, stale and extra ids); repair by default."""
        index = self._require_index()
        self.sync_index()
        with self._store.unit_of_work() as uow:
            wanted = uow.all_stamps()
        indexed = index.stamps()
        report = DriftReport(
            missing=tuple(sorted(wanted.keys() - indexed.keys())),
            stale=tuple(
                sorted(i for i in wanted.keys() & indexed.keys() if wanted[i] != indexed[i])
            ),
            extra=tuple(sorted(indexed.keys() - wanted.keys())),
        )
        if repair and not report.clean:
            redo = report.missing + report.stale
            for start in range(0, len(redo), INDEX_BATCH):
                with self._store.unit_of_work() as uow:
                    batch = uow.papers(PaperQuery(ids=redo[start : start + INDEX_BATCH]))
                index.apply(batch, ())
            index.apply((), report.extra)
        return report

    def _require_index(self) -> SearchIndex:
        if self._index is None:
            raise SearchUnavailableError("this library was opened without its search index")
        return self._index

    # --- search -------------------------------------------------------------------

    def search(
        self,
        text: str,
        sort: str | None = None,
        descending: bool = False,
        offset: int = 0,
        limit: int = 50,
        whole_abstracts: bool = False,
        within: Collection[int] | None = None,
        with_ids: bool = False,
    ) -> SearchResults:
        """One page of papers matching a query of the query language, highlighted.

        ``sort``: one of SEARCH_SORTS, in its natural direction unless ``descending``
        (see readinglist.core.orders); None: by relevance. ``within``: only these papers
        (a digest, a list), ranked among themselves; sorted by ``"position"``, in the
        order of ``within`` (a sequence, first = position 1). ``with_ids``: fill the
        results' ``ids`` with every match's paper id in the same order (one more sort
        of the ids, no papers read).

        While the index is being built (:attr:`index_ready` is False) the database
        answers instead (:meth:`browse`): the sidebar's filters and every sort work, and
        a query with words says that search is not ready yet.
        """
        index = self._require_index()
        if index.needs_rebuild:
            return self.browse(
                text,
                sort,
                descending,
                offset,
                limit,
                within=within,
                with_ids=with_ids,
                whole_abstracts=whole_abstracts,
            )
        if sort is not None and sort not in SEARCH_SORTS:
            raise InvalidValueError(
                f"cannot sort a search by {sort!r}; use one of: {', '.join(SEARCH_SORTS)}"
            )
        if sort == POSITION and within is None:
            raise InvalidValueError("sorting by position needs the papers' order (within)")
        parsed = parse_query(text, now=self._clock())
        page = index.search(parsed, sort, descending, offset, limit, within, with_ids)
        scores = {hit.paper_id: hit.score for hit in page.hits}
        results = self._highlighted(list(scores), parsed, whole_abstracts, scores)
        return SearchResults(
            query=text,
            results=tuple(results),
            total=page.total,
            offset=offset,
            suggestion=self._did_you_mean(text, parsed) if page.total < 3 else None,
            message=parsed.message,
            ids=page.ids,
        )

    def rows(
        self, ids: Sequence[int], text: str = "", whole_abstracts: bool = False
    ) -> list[SearchResult]:
        """These papers, in this order, highlighted for a query (deleted ones left out).

        The window holds a query's ids and loads the rows of a page by id: a page always
        shows the papers its rows were given, even when the library changed meanwhile.
        Without an index the text is shown unmarked.
        """
        parsed = parse_query(text, now=self._clock()) if text.strip() else None
        return self._highlighted(ids, parsed, whole_abstracts)

    def _highlighted(
        self,
        ids: Sequence[int],
        parsed: ParsedQuery | None,
        whole_abstracts: bool,
        scores: dict[int, float] | None = None,
    ) -> list[SearchResult]:
        """The papers of ``ids`` read in one unit of work, in that order (deleted ones
        left out), with the query's words marked (unmarked without an index)."""
        with self._store.unit_of_work() as uow:
            by_id = {paper.id: paper for paper in uow.papers(PaperQuery(ids=tuple(ids)))}
        index = self._index
        words, prefixes = positive_words(None if parsed is None else parsed.root)
        results: list[SearchResult] = []
        for paper_id in ids:
            paper = by_id.get(paper_id)
            if paper is None:
                continue
            if index is None:
                title = plain_fragment(paper.title, True)
                abstract = plain_fragment(paper.abstract, whole_abstracts)
            else:
                title = index.highlight(paper.title, words, prefixes, True)
                abstract = index.highlight(paper.abstract, words, prefixes, whole_abstracts)
            score = 0.0 if scores is None else scores[paper_id]
            results.append(SearchResult(paper, score, title, abstract))
        return results

    def _did_you_mean(self, text: str, parsed: ParsedQuery) -> str | None:
        """The query with each misspelt word replaced by the library's own spelling.

        A word is misspelt when no paper holds its stem ("gausian"), or when papers hold
        its stem but never this spelling ("splating", stemmed like "splatting").
        """
        index = self._require_index()
        suggestion = text
        for word in parsed.terms:
            if " " in word or not word.isalpha():
                continue
            if index.term_in_index(word):
                spellings = self._spellings(index.stem(word))
                if word in spellings or not spellings:
                    continue
                candidates = [spellings.most_common(1)[0][0]]
            else:
                # Every close stem's spellings; the one nearest to what was typed wins.
                spelled = [
                    surface
                    for stem in index.corrections(word)
                    if (surface := self._closest_spelling(stem, word)) is not None
                ]
                candidates = sorted(spelled, key=lambda surface: edit_distance(surface, word))
            replacement = next((c for c in candidates if c != word), None)
            if replacement is not None:
                suggestion = _replace_word(suggestion, word, replacement)
        return suggestion if suggestion != text else None

    def _spellings(self, stem: str) -> Counter[str]:
        """How often each spelling of a stem occurs in a few papers that hold it."""
        index = self._require_index()
        ids = tuple(index.papers_with_term(stem, limit=20))
        with self._store.unit_of_work() as uow:
            papers = uow.papers(PaperQuery(ids=ids))
        return Counter(
            word for paper in papers for word in _words(paper) if index.stem(word) == stem
        )

    def _closest_spelling(self, stem: str, typed: str) -> str | None:
        """The library's spelling of ``stem`` closest to what was typed, then the commonest:
        "quantizaton" -> "quantization" rather than "quantized"."""
        counts = self._spellings(stem)
        if not counts:
            return None
        return min(counts, key=lambda word: (edit_distance(word, typed), -counts[word]))

    def similar(self, paper_id: int, k: int = 10) -> list[SimilarPaper]:
        """The k papers most like this one, with the shared key terms that explain why."""
        index = self._require_index()
        source = self.details(paper_id).paper
        text = f"{source.title}. {source.abstract}"
        hits = index.similar(paper_id, text, k)
        with self._store.unit_of_work() as uow:
            by_id = {p.id: p for p in uow.papers(PaperQuery(ids=tuple(i for i, _ in hits)))}
        key = [term for term, _ in index.key_terms(text, count=24)]
        surface = _surface_map(text, index)
        similar: list[SimilarPaper] = []
        for hit_id, score in hits:
            paper = by_id.get(hit_id)
            if paper is None:
                continue
            theirs = {index.stem(word) for word in _words(paper)}
            shared = [surface.get(term, term) for term in key if term in theirs]
            similar.append(SimilarPaper(paper, score, tuple(shared[:SIMILAR_TERMS_SHOWN])))
        return similar

    # --- import -----------------------------------------------------------------

    def import_bytes(
        self,
        data: bytes,
        source_name: str,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        """Import a digest file or paste of any supported format (all or nothing).

        The format is picked from the content: a digest (text, e-mail, web page),
        Hugging Face daily-papers JSON, BibTeX, or a JSON backup (restored, see
        :meth:`restore_backup`).

        ``progress(done, total)`` is called as papers are stored; when ``cancelled()``
        turns true the import stops with :class:`ImportCancelledError`, all rolled back.
        """
        source = read_import(data, source_name)
        if isinstance(source, LibraryExport):
            return self.restore_backup(source, source_name)
        return self.import_parsed(source, source_name, data, progress, cancelled)

    def import_parsed(
        self,
        parsed: ParseResult,
        source_name: str,
        content: bytes,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        now = self._clock()
        links_by_index = [source_links(paper) for paper in parsed.papers]
        keys = [title_key(paper.title) for paper in parsed.papers]
        new_ids: list[int] = []
        existing_ids: list[int] = []
        abstracts_added: list[int] = []
        abstracts_changed: list[int] = []
        links_added = 0
        enriched: list[int] = []
        with self._write() as uow:
            known = uow.papers_by_key(keys)
            known.update(match_by_arxiv(uow, parsed.papers, keys, known))
            positions: list[tuple[int, int]] = []
            for position, (paper, key, links) in enumerate(
                zip(parsed.papers, keys, links_by_index, strict=True), start=1
            ):
                _tick(progress, cancelled, position - 1, len(parsed.papers))
                old = known.get(key)
                if old is None:
                    paper_id = uow.add_paper(paper.title, paper.abstract, key, links, now)
                    new_ids.append(paper_id)
                else:
                    paper_id = old.id
                    existing_ids.append(paper_id)
                    if paper.abstract and paper.abstract != old.abstract:
                        uow.set_abstract(paper_id, paper.abstract, now)
                        (abstracts_changed if old.abstract else abstracts_added).append(paper_id)
                    links_added += uow.add_links(paper_id, links, now)
                if enrich(uow, paper_id, paper, old, now):
                    enriched.append(paper_id)
                positions.append((paper_id, position))
            _tick(progress, cancelled, len(parsed.papers), len(parsed.papers), every=1)
            digest_id = uow.add_digest(
                source_name,
                hashlib.sha256(content).hexdigest(),
                now,
                (len(parsed.papers), len(new_ids), len(parsed.warnings)),
            )
            uow.add_appearances(digest_id, positions)
        all_links = [link for links in links_by_index for link in links]
        return ImportSummary(
            source_name=source_name,
            digest_id=digest_id,
            new_ids=tuple(new_ids),
            existing_ids=tuple(existing_ids),
            warnings=parsed.warnings,
            code_links=_count(all_links, LinkKind.CODE),
            project_pages=_count(all_links, LinkKind.PROJECT),
            abstracts_added=tuple(abstracts_added),
            abstracts_changed=tuple(abstracts_changed),
            links_added=links_added,
            enriched=tuple(enriched),
        )

    # --- reading ----------------------------------------------------------------

    def papers(self, query: PaperQuery | None = None) -> list[Paper]:
        query = query or PaperQuery()
        if query.sort is not None and query.sort not in SORT_KEYS:
            raise InvalidValueError(
                f"unknown sort {query.sort!r}; use one of: {', '.join(SORT_KEYS)}"
            )
        if query.sort == POSITION and query.ids is None:
            raise InvalidValueError("sorting by position needs the papers' ids in order")
        if query.tag is not None:
            query = replace(query, tag=normalize_tag(query.tag))
        with self._store.unit_of_work() as uow:
            return uow.papers(query)

    def details(self, paper_id: int) -> PaperDetails:
        with self._store.unit_of_work() as uow:
            details = uow.details(paper_id)
        if details is None:
            raise NotFoundError(f"no paper with id {paper_id}")
        return details

    def tags(self) -> list[TagCount]:
        with self._store.unit_of_work() as uow:
            return uow.tag_counts()

    # --- changing ---------------------------------------------------------------

    def set_status(self, ids: Collection[int], status: ReadStatus) -> int:
        """Returns how many papers changed; each change is kept in the status history."""
        with self._write() as uow:
            require_papers(uow, ids)
            return uow.set_status(ids, status, self._clock())

    def set_priority(self, ids: Collection[int], priority: Priority) -> int:
        with self._write() as uow:
            require_papers(uow, ids)
            return uow.set_priority(ids, priority, self._clock())

    def rate(self, ids: Collection[int], rating: int) -> int:
        if not MIN_RATING <= rating <= MAX_RATING:
            raise InvalidValueError(
                f"a rating is a whole number from {MIN_RATING} to {MAX_RATING}, not {rating}"
            )
        with self._write() as uow:
            require_papers(uow, ids)
            return uow.set_rating(ids, rating, self._clock())

    def set_notes(self, paper_id: int, notes: str) -> None:
        with self._write() as uow:
            require_papers(uow, [paper_id])
            uow.set_notes(paper_id, notes, self._clock())

    def delete(self, ids: Collection[int]) -> int:
        """Deletes papers with their tags, links, notes, history and appearances."""
        with self._write() as uow:
            require_papers(uow, ids)
            return uow.delete_papers(ids)

    def tag(self, ids: Collection[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> int:
        """Adds and removes tags on papers; returns how many papers changed."""
        to_add = {normalize_tag(name) for name in add}
        to_remove = {normalize_tag(name) for name in remove}
        if not to_add and not to_remove:
            raise InvalidValueError("name at least one tag to add or remove")
        if both := to_add & to_remove:
            raise InvalidValueError(f"cannot add and remove the same tag: {', '.join(both)}")
        with self._write() as uow:
            require_papers(uow, ids)
            return uow.change_tags(ids, to_add, to_remove, self._clock())

    def rename_tag(self, old: str, new: str) -> list[tuple[str, str]]:
        """Renames a tag and its sub-tags (``3d`` -> ``3D/…`` too); merges into existing ones.

        Returns the (old, new) pairs applied.
        """
        old_name, new_name = normalize_tag(old), normalize_tag(new)
        if tag_matches(new_name, old_name) and new_name != old_name:
            raise InvalidValueError(f"cannot move {old_name!r} inside itself")
        with self._write() as uow:
            names = uow.tag_names()
            renames = [
                (name, new_name + name[len(old_name) :])
                for name in sorted(names)
                if tag_matches(name, old_name)
            ]
            if not renames:
                raise NotFoundError(f"no tag named {old_name!r}")
            renames = [(a, b) for a, b in renames if a != b]
            uow.rename_tags(renames, self._clock())
        return renames

    def set_tag_colour(self, name: str, colour: str) -> None:
        tag, value = normalize_tag(name), normalize_colour(colour)
        with self._write() as uow:
            if tag not in uow.tag_names():
                raise NotFoundError(f"no tag named {tag!r}")
            uow.set_tag_colour(tag, value)

    # --- digests, and taking deletes and imports back (the window's undo) ----------

    def digests(self) -> list[DigestInfo]:
        """Every imported digest, oldest first."""
        with self._store.unit_of_work() as uow:
            return uow.digests()

    def change_mark(self) -> tuple[int, int]:
        """Moves with every committed import (digests, newest outbox row) until the
        index is next drained: did a process that died say nothing about its commit?"""
        with self._store.unit_of_work() as uow:
            return len(uow.digests()), uow.last_outbox_row()

    def digest_paper_ids(self, digest_ids: Collection[int], new_only: bool = False) -> list[int]:
        """The papers in these digests, in digest order; ``new_only``: only those they
        brought in.

        Digest order is each digest's own ranking (its papers' positions); with several
        digests, the newest digest's papers first in its order, then the papers found
        only in older digests, in theirs. Search with ``sort="position"`` and these ids
        as ``within`` to list them so.
        """
        with self._store.unit_of_work() as uow:
            return uow.digest_paper_ids(digest_ids, new_only)

    def digest_positions(self, digest_ids: Collection[int]) -> dict[int, int]:
        """Paper id -> its position (1 = the digest's first) in the newest of these
        digests that holds it: what a ``#`` column shows."""
        with self._store.unit_of_work() as uow:
            return uow.digest_positions(digest_ids)

    def snapshot(self, ids: Collection[int]) -> list[PaperSnapshot]:
        """What :meth:`restore` needs to bring these papers back after a delete."""
        with self._store.unit_of_work() as uow:
            return uow.snapshots(ids)

    def restore(self, snapshots: Sequence[PaperSnapshot]) -> RestoreReport:
        """Bring deleted papers back with everything they had (one transaction)."""
        if not snapshots:
            return RestoreReport({})
        with self._write() as uow:
            return uow.restore_papers(snapshots)

    def import_undoable(
        self,
        data: bytes,
        source_name: str,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportRecord:
        """:meth:`import_bytes`, keeping the papers it meets as they were, for
        :meth:`undo_import`."""
        source = read_import(data, source_name)
        if isinstance(source, LibraryExport):  # a backup: undo takes its new papers back
            return ImportRecord(self.restore_backup(source, source_name), ())
        parsed = source
        keys = [title_key(paper.title) for paper in parsed.papers]
        with self._store.unit_of_work() as uow:
            before = uow.papers_by_key(keys)
        summary = self.import_parsed(parsed, source_name, data, progress, cancelled)
        return ImportRecord(summary, tuple(before.values()))

    def undo_import(self, record: ImportRecord) -> None:
        """Take an import back: its new papers go, the papers it met get their abstract
        and links back, and the digest is forgotten (one transaction)."""
        summary = record.summary
        with self._write() as uow:
            new = uow.existing_ids(summary.new_ids)
            if new:
                uow.delete_papers(new)
            changed = set(summary.abstracts_added) | set(summary.abstracts_changed)
            before = {paper.id: paper for paper in record.before}
            current = uow.papers(PaperQuery(ids=tuple(before))) if before else []
            for paper in current:
                old = before[paper.id]
                # Stamped with the old time: the paper is as it was before the import.
                if paper.id in changed and paper.abstract != old.abstract:
                    uow.set_abstract(paper.id, old.abstract, old.updated_at)
                had = {link.url for link in old.links}
                added = [link.url for link in paper.links if link.url not in had]
                uow.remove_links(paper.id, added, old.updated_at)
            uow.delete_digest(summary.digest_id)


_WORDS = re.compile(r"[^\W\d_]+")


def _words(paper: Paper) -> list[str]:
    """The lower-case words of a paper's title and abstract (for spellings and reasons)."""
    return _WORDS.findall(f"{paper.title} {paper.abstract}".lower())


def _replace_word(text: str, word: str, replacement: str) -> str:
    return re.sub(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", replacement, text, count=1)


def _surface_map(text: str, index: SearchIndex) -> dict[str, str]:
    """Stem -> the first word of ``text`` with that stem, to show words, not stems."""
    surface: dict[str, str] = {}
    for word in _WORDS.findall(text.lower()):
        surface.setdefault(index.stem(word), word)
    return surface


def positive_words(node: Node | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words (and prefixes) a result should show highlighted: none under a NOT."""
    words: list[str] = []
    prefixes: list[str] = []

    def walk(current: Node) -> None:
        if isinstance(current, Term):
            (prefixes if current.kind == "prefix" else words).append(current.text)
        elif isinstance(current, And | Or):
            for item in current.items:
                walk(item)

    if node is not None:
        walk(node)
    return tuple(words), tuple(prefixes)


def _count(links: Sequence[Link], kind: LinkKind) -> int:
    return sum(1 for link in links if link.kind is kind)


def _tick(
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    done: int,
    total: int,
    every: int = PROGRESS_EVERY,
) -> None:
    """Report an import's progress now and then; stop it (rolled back) when cancelled."""
    if done % every:
        return
    if cancelled is not None and cancelled():
        raise ImportCancelledError("the import was cancelled; the library is unchanged")
    if progress is not None:
        progress(done, total)
