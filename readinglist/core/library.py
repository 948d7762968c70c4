"""The use cases: what a user can do to a library, whatever the front end.

Each method is one unit of work (one transaction). Values in and out are the plain
dataclasses of :mod:`readinglist.core.models`; storage is reached only through the
:class:`~readinglist.core.ports.Store` protocol.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

from readinglist.core.browse import BrowseOrder, browse_database, plain_fragment
from readinglist.core.bulk_cases import BulkEdits
from readinglist.core.changes import Changes, papers_changed, papers_removed
from readinglist.core.database_sorts import search_sorted_by_database, sorted_by_database
from readinglist.core.digests import DigestInfo
from readinglist.core.errors import (
    ImportCancelledError,
    InvalidValueError,
    NotFoundError,
)
from readinglist.core.exchange.bundle import LibraryExport
from readinglist.core.exchange.cases import Exchange, enrich, match_by_arxiv, source_links
from readinglist.core.group_cases import GroupEdits
from readinglist.core.guards import require_papers
from readinglist.core.indexing import Indexing
from readinglist.core.list_cases import ReadingLists, SavedSearches
from readinglist.core.models import (
    MAX_RATING,
    MIN_RATING,
    SEARCH_SORTS,
    SORT_KEYS,
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
from readinglist.core.normalize import title_key
from readinglist.core.orders import POSITION
from readinglist.core.parts import LibraryContext
from readinglist.core.ports import Progress, SearchIndex, Store, UnitOfWork
from readinglist.core.query import And, Node, Or, ParsedQuery, Term, parse_query
from readinglist.core.resolve_cases import Identity
from readinglist.core.snapshots import ImportRecord, PaperSnapshot, RestoreReport
from readinglist.core.suggestions import did_you_mean, similar_papers
from readinglist.core.tag_cases import TagEdits
from readinglist.core.tags import check_tag_change, normalize_colour, normalize_tag, tag_matches
from readinglist.core.time_spent import TimeSpentEdits

log = logging.getLogger(__name__)
EVERY_HIT = 2**62  # a page size that holds every hit


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


PROGRESS_EVERY = 25  # papers between two progress reports (and cancel checks) of an import


class Library:
    """A reader's library of papers.

    Writes go through :meth:`_write`: one transaction whose changed papers are queued in
    the search outbox inside that transaction, drained into the index after commit.
    Every write returns :class:`~readinglist.core.changes.Changes` (or a report that
    holds them: an import's :class:`ImportSummary`, a restore's :class:`RestoreReport`).

    Reading lists, saved searches, exchange, bulk-edit support and the time spent per
    paper are parts of their own (``library.lists``, ``library.searches``,
    ``library.exchange``, ``library.bulk``, ``library.time_spent``),
    sharing one :class:`~readinglist.core.parts.LibraryContext`; keeping the search
    index in step is ``library.indexing``.
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
        self.indexing = Indexing(store, index)
        context = LibraryContext(store, clock, self._write, self.query_ids)
        self.lists = ReadingLists(context)
        self.searches = SavedSearches(context)
        self.exchange = Exchange(context)
        self.bulk = BulkEdits(context)
        self.identity = Identity(context)
        self.tag_edits = TagEdits(context)
        self.time_spent = TimeSpentEdits(context)  # the reader's own time per paper
        self.group = GroupEdits(context)  # the reading group's comments, presenters

    @contextmanager
    def _write(self) -> Iterator[UnitOfWork]:
        with self._store.unit_of_work(write=True) as uow:
            yield uow
        self.indexing.after_write()

    # --- the search index ---------------------------------------------------------

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

    def _require_index(self) -> SearchIndex:
        return self.indexing.required()

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

        While the index is being built (``indexing.ready`` is False) the database
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
        if sorted_by_database(sort):  # an order the index keeps no column of
            assert sort is not None
            page = search_sorted_by_database(
                self._store, index, parsed, sort, descending, offset, limit, within, with_ids
            )
        else:
            page = index.search(parsed, sort, descending, offset, limit, within, with_ids)
        scores = {hit.paper_id: hit.score for hit in page.hits}
        results = self._highlighted(list(scores), parsed, whole_abstracts, scores)
        few = page.total < 3  # then a better spelling may find more
        return SearchResults(
            query=text,
            results=tuple(results),
            total=page.total,
            offset=offset,
            suggestion=did_you_mean(self._store, index, text, parsed) if few else None,
            message="; ".join(note for note in (parsed.message, page.message) if note) or None,
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

    def query_ids(self, query: str) -> list[int]:
        """Every paper matching a query, by id (for exports and counts)."""
        index = self._require_index()
        parsed = parse_query(query, now=self._clock())
        page = index.search(parsed, None, False, 0, EVERY_HIT)
        return sorted(hit.paper_id for hit in page.hits)

    def similar(self, paper_id: int, k: int = 10) -> list[SimilarPaper]:
        """The k papers most like this one, with the shared key terms that explain why."""
        source = self.details(paper_id).paper
        return similar_papers(self._store, self._require_index(), source, k)

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
        from readinglist.core.exchange.importers import read_import  # email: 17 ms

        source = read_import(data, source_name)
        if isinstance(source, LibraryExport):
            return self.exchange.restore_backup(source, source_name)
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
                    # (issue 17) U+FFFD: a damaged line (digest_sources._not_utf8),
                    # never put in place of an abstract the paper has.
                    if (
                        paper.abstract
                        and paper.abstract != old.abstract
                        and not (old.abstract and "\ufffd" in paper.abstract)
                    ):
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

    def require_papers(self, ids: Collection[int]) -> None:
        """Every id names a paper (and there is at least one), or a one-line error."""
        with self._store.unit_of_work() as uow:
            require_papers(uow, ids)

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

    def set_status(self, ids: Collection[int], status: ReadStatus) -> Changes:
        """``count``: how many papers changed; each change is kept in the status history."""
        with self._write() as uow:
            require_papers(uow, ids)
            return papers_changed(uow.set_status(ids, status, self._clock()), ids)

    def set_priority(self, ids: Collection[int], priority: Priority) -> Changes:
        with self._write() as uow:
            require_papers(uow, ids)
            return papers_changed(uow.set_priority(ids, priority, self._clock()), ids)

    def rate(self, ids: Collection[int], rating: int) -> Changes:
        if not MIN_RATING <= rating <= MAX_RATING:
            raise InvalidValueError(
                f"a rating is a whole number from {MIN_RATING} to {MAX_RATING}, not {rating}"
            )
        with self._write() as uow:
            require_papers(uow, ids)
            return papers_changed(uow.set_rating(ids, rating, self._clock()), ids)

    def set_notes(self, paper_id: int, notes: str) -> Changes:
        with self._write() as uow:
            require_papers(uow, [paper_id])
            uow.set_notes(paper_id, notes, self._clock())
        return papers_changed(1, [paper_id])

    def save_notes_from(
        self, paper_id: int, base_notes: str, notes: str, keep_both: bool = False
    ) -> bool:
        """Notes typed over ``base_notes``, never over another's (core/notes_save.py);
        ``keep_both``: a conflict keeps both texts instead of raising (a closing window)."""
        from readinglist.core.notes_save import save_notes_from, save_notes_keeping_both

        save = save_notes_keeping_both if keep_both else save_notes_from
        written = save(self._store, paper_id, base_notes, notes, self._clock())
        if written:
            self.indexing.after_write()
        return written

    def delete(self, ids: Collection[int]) -> Changes:
        """Deletes papers with their tags, links, notes, history and appearances."""
        with self._write() as uow:
            require_papers(uow, ids)
            return papers_removed(uow.delete_papers(ids), ids)

    def tag(
        self, ids: Collection[int], add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> Changes:
        """Adds and removes tags on papers; ``count``: how many papers changed."""
        to_add, to_remove = check_tag_change(add, remove)
        with self._write() as uow:
            require_papers(uow, ids)
            changed = uow.change_tags(ids, to_add, to_remove, self._clock())
        return papers_changed(changed, ids, tags=True)

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

    def set_tag_colour(self, name: str, colour: str) -> Changes:
        tag, value = normalize_tag(name), normalize_colour(colour)
        with self._write() as uow:
            if tag not in uow.tag_names():
                raise NotFoundError(f"no tag named {tag!r}")
            uow.set_tag_colour(tag, value)
        return Changes(count=1, tags=True)

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

    def others_with_state(self, ids: Collection[int]) -> list[str]:
        """Who else would lose reading state (notes, status, rating...) if these papers
        were deleted: the other members of a shared library who have some on them."""
        with self._store.unit_of_work() as uow:
            return uow.others_with_state(ids)

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
        from readinglist.core.exchange.importers import read_import  # email: 17 ms

        source = read_import(data, source_name)
        if isinstance(source, LibraryExport):  # a backup: undo takes its new papers back
            return ImportRecord(self.exchange.restore_backup(source, source_name), ())
        parsed = source
        keys = [title_key(paper.title) for paper in parsed.papers]
        with self._store.unit_of_work() as uow:
            before = uow.papers_by_key(keys)
            # The papers it meets by arXiv id too: undo gives them their facts back.
            before.update(match_by_arxiv(uow, parsed.papers, keys, before))
        summary = self.import_parsed(parsed, source_name, data, progress, cancelled)
        return ImportRecord(summary, tuple(before.values()))

    def undo_import(self, record: ImportRecord) -> Changes:
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
        return Changes(
            count=len(new),
            touched=frozenset(before),
            removed=frozenset(new),
            tags=True,
            lists=True,
            digests=True,
            counts=True,
        )


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
