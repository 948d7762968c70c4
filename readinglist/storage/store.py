"""The SQLAlchemy implementation of the core's Store and UnitOfWork protocols."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, delete, func, or_, select, update
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from readinglist.core.errors import LibraryBusyError, ReadingListError
from readinglist.core.metadata import PersonName
from readinglist.core.models import (
    Appearance,
    Link,
    LinkKind,
    Paper,
    PaperDetails,
    PaperQuery,
    Priority,
    ReadStatus,
    StatusChange,
    TagCount,
    index_stamp,
)
from readinglist.core.orders import POSITION, keys_of, sorted_papers
from readinglist.storage.batching import CHUNK, chunks, link_row
from readinglist.storage.browse_queries import BrowseQueries
from readinglist.storage.bulk_queries import BulkQueries
from readinglist.storage.change_feed import (
    FEED_KEEP_ROWS,
    FeedCursor,
    advance,
    notify,
    pending,
    prune,
    prune_due,
    pruned_past,
)
from readinglist.storage.digest_queries import DigestQueries
from readinglist.storage.engine import (
    BUSY_MESSAGE,
    DISK_MESSAGE,
    READ_ONLY_MESSAGE,
    DatabaseDamagedError,
    create_library_engine,
    is_busy_error,
    is_damage_error,
    is_disk_error,
    is_read_only_error,
    migrate,
    open_problem,
    take_write_lock,
)
from readinglist.storage.exchange import ExchangeWork
from readinglist.storage.fact_queries import FactWork, to_fact
from readinglist.storage.group_queries import GroupQueries
from readinglist.storage.member_state import (
    STATE_FIELDS,
    StateScope,
    set_state_field,
    store_scope,
    time_spent,
)
from readinglist.storage.order_columns import DATABASE_KEY_COLUMNS, state_key_columns
from readinglist.storage.orm import (
    AppearanceRow,
    DigestRow,
    LinkRow,
    OutboxRow,
    PaperRow,
    PaperTagRow,
    StatusChangeRow,
    TagRow,
)
from readinglist.storage.restore import RestoreWork
from readinglist.storage.tag_queries import TagQueries
from readinglist.storage.time_spent_queries import TimeSpentQueries, to_time_spent
from readinglist.storage.versioned_edits import VersionedEdits


class SqlStore:
    """A library on a database. One session per unit of work; objects never escape."""

    def __init__(
        self, engine: Engine, library_dir: Path | None = None, scope: StateScope | None = None
    ) -> None:
        self.engine = engine
        self.scope = scope or StateScope()  # whose reading state (storage/member_state.py)
        self.library_dir = library_dir
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.upgrade_copy: str | None = None  # where the database was copied before an upgrade
        # A shared library: this client's place in the change feed (storage/change_feed.py).
        self.feed = (
            FeedCursor(library_dir)
            if library_dir is not None and engine.dialect.name == "postgresql"
            else None
        )

    @classmethod
    def open(cls, library_dir: Path) -> SqlStore:
        """Open (creating or upgrading) the library in a folder."""
        engine = create_library_engine(library_dir)
        store = cls(engine, library_dir, store_scope(engine.dialect.name))
        try:
            store.upgrade_copy = migrate(engine, library_dir)
        except DatabaseError as error:
            engine.dispose()
            if is_busy_error(error):
                raise LibraryBusyError(BUSY_MESSAGE) from error
            problem = open_problem(engine, library_dir, error)
            if problem is not None:
                raise problem from None  # the driver's own text could be long
            if is_damage_error(error):
                raise store.damaged(error) from error
            if is_disk_error(error):
                raise _disk_error(error) from error
            raise
        except BaseException:
            engine.dispose()
            raise
        if store.feed is not None:
            with contextlib.suppress(LibraryBusyError):  # busy now: pruned at a later start
                store.prune_feed()
        return store

    def prune_feed(self, keep: int | None = None) -> int:
        """A shared library's change feed cut to its last ``keep`` rows (default
        FEED_KEEP_ROWS) when it has grown a tenth past them (storage/change_feed.py);
        returns the rows deleted."""
        keep = FEED_KEEP_ROWS if keep is None else keep
        with self.unit_of_work() as uow:
            if not prune_due(uow.session, keep):
                return 0
        with self.unit_of_work(write=True) as uow:
            return prune(uow.session, keep)

    def damaged(self, error: BaseException) -> DatabaseDamagedError:
        """A damaged database as one line: what SQLite said, and the backup to restore."""
        from readinglist.storage.backups import restore_advice

        said = str(getattr(error, "orig", error))
        advice = (
            restore_advice(self.library_dir)
            if self.library_dir is not None
            else "restore a backup with 'readinglist restore FILE'"
        )
        return DatabaseDamagedError(f"the library's database is damaged ({said}); {advice}")

    @contextmanager
    def unit_of_work(self, write: bool = False) -> Iterator[SqlUnitOfWork]:
        """One transaction; the papers it changed go to the search outbox in it too.

        A writing unit takes the database's write lock first (BEGIN IMMEDIATE), so two
        processes' read-modify-write units are serialised instead of one failing half
        way; waiting longer than the busy timeout raises LibraryBusyError.
        """
        try:
            with self._sessions() as session, session.begin():
                if write:
                    take_write_lock(session.connection())
                uow = SqlUnitOfWork(session, self.feed, self.scope)
                yield uow
                uow.write_outbox()
        except OperationalError as error:
            if is_busy_error(error):
                raise LibraryBusyError(BUSY_MESSAGE) from error
            if is_damage_error(error):
                raise self.damaged(error) from error
            if is_read_only_error(error):
                raise ReadingListError(READ_ONLY_MESSAGE) from error
            if is_disk_error(error):
                raise _disk_error(error) from error
            raise
        except DatabaseError as error:
            if is_damage_error(error):
                raise self.damaged(error) from error
            raise

    def close(self) -> None:
        self.engine.dispose()


def _disk_error(error: BaseException) -> ReadingListError:
    return ReadingListError(DISK_MESSAGE.format(said=str(getattr(error, "orig", error))))


def _seen(aggregate: Any, label: str) -> Any:
    """First seen, last seen or times seen of the paper in the row: correlated lookups on
    the appearances index, so fetching a page of papers costs a page, not the library."""
    return (
        select(aggregate)
        .select_from(AppearanceRow)
        .join(DigestRow, DigestRow.id == AppearanceRow.digest_id)
        .where(AppearanceRow.paper_id == PaperRow.id)
        .scalar_subquery()
        .label(label)
    )


_FIRST_SEEN = _seen(func.min(DigestRow.imported_at), "first_seen")
_LAST_SEEN = _seen(func.max(DigestRow.imported_at), "last_seen")
_TIMES_SEEN = _seen(func.count(), "times_seen")

# The columns of the key fields of readinglist.core.orders, valued as key_value() values
# them: times compare as the stored text (fixed-width, to the microsecond), the title
# key as its UTF-8 text (byte order is code point order), a never-seen paper's NULL
# last-seen time below every time. Status, rating and priority: state_key_columns().
_KEY_COLUMNS: dict[str, Any] = {
    "added": PaperRow.added_at,
    "title": PaperRow.title_key,
    "times_seen": func.coalesce(_TIMES_SEEN, 0),
    "last_seen": _LAST_SEEN,
    "id": PaperRow.id,
    **DATABASE_KEY_COLUMNS,  # authors, published, tags, code: storage/order_columns.py
}


def _to_link(row: LinkRow) -> Link:
    return Link(url=row.url, kind=LinkKind(row.kind), host=row.host, owner=row.owner, repo=row.repo)


def _to_paper(
    row: PaperRow,
    first: datetime | None,
    last: datetime | None,
    times: int | None,
    *state: Any,
) -> Paper:
    """A paper with the reading state its scope's columns read (see _paper_select)."""
    status, priority, rating, notes, minutes, recorded = state
    return Paper(
        id=row.id,
        title=row.title,
        abstract=row.abstract,
        status=ReadStatus(status),
        priority=Priority(priority),
        rating=rating,
        tags=tuple(tag.name for tag in row.tags),
        links=tuple(_to_link(link) for link in row.links),
        notes=notes,
        added_at=row.added_at,
        updated_at=row.updated_at,
        first_seen=_aware(first),
        last_seen=_aware(last),
        times_seen=times or 0,
        authors=tuple(author.name for author in row.authors),
        arxiv_id=row.arxiv_id,
        upvotes=row.upvotes,
        author_names=tuple(
            PersonName(author.name, author.family, author.given, author.suffix)
            for author in row.authors
        ),
        meta=tuple(to_fact(fact) for fact in row.facts),
        cite_key=row.cite_key,
        time_spent=time_spent(to_time_spent(row.time_spent), minutes, recorded),
    )


def _aware(value: datetime | None) -> datetime | None:
    """Aggregates bypass the column type: make their datetimes aware again."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class SqlUnitOfWork(
    FactWork,
    ExchangeWork,
    DigestQueries,
    RestoreWork,
    BulkQueries,
    BrowseQueries,
    TagQueries,
    TimeSpentQueries,
    GroupQueries,
    VersionedEdits,
):
    """One transaction on the library."""

    def __init__(
        self, session: Session, feed: FeedCursor | None = None, scope: StateScope | None = None
    ) -> None:
        self.session = session
        self.touched: set[int] = set()
        self.feed = feed  # a shared library's: the outbox is its change feed
        self.scope = scope or StateScope()

    # --- search outbox ---------------------------------------------------------

    def write_outbox(self) -> None:
        if self.touched:
            if self.feed is not None:  # ids in commit order; listening clients told
                take_write_lock(self.session.connection())
                notify(self.session)
            self.session.add_all(OutboxRow(paper_id=paper_id) for paper_id in sorted(self.touched))
            self.session.flush()
            self.touched.clear()

    def outbox(self, limit: int) -> tuple[list[int], int]:
        """Up to ``limit`` pending paper ids and the last outbox row they cover (0: none)."""
        if self.feed is not None:
            return pending(self.session, self.feed, limit)
        rows = self.session.execute(
            select(OutboxRow.id, OutboxRow.paper_id).order_by(OutboxRow.id).limit(limit)
        ).all()
        if not rows:
            return [], 0
        return sorted({paper_id for _, paper_id in rows}), rows[-1][0]

    def feed_pruned_past(self) -> bool:
        """A shared library's feed lost rows this client had not read (then it must
        catch up fully); never on a library with one index."""
        return self.feed is not None and pruned_past(self.session, self.feed)

    def last_outbox_row(self) -> int:
        """The id of the newest outbox row (0: the outbox is empty)."""
        return int(self.session.scalar(select(func.max(OutboxRow.id))) or 0)

    def clear_outbox(self, upto: int | None = None) -> None:
        if self.feed is not None:  # other clients still need the rows
            advance(self.session, self.feed, upto)
            return
        statement = delete(OutboxRow)
        if upto is not None:
            statement = statement.where(OutboxRow.id <= upto)
        self.session.execute(statement)

    def all_stamps(self) -> dict[int, str]:
        """Each paper's index stamp: it changes whenever anything the index holds changes."""
        rows = self.session.execute(select(PaperRow.id, PaperRow.updated_at, _TIMES_SEEN))
        return {paper_id: index_stamp(updated, times or 0) for paper_id, updated, times in rows}

    # --- papers -----------------------------------------------------------------

    def _paper_select(self) -> Select[Any]:
        scope = self.scope
        state = (*(scope.column(name) for name in STATE_FIELDS), *scope.time_columns())
        statement = select(PaperRow, _FIRST_SEEN, _LAST_SEEN, _TIMES_SEEN, *state)
        return scope.join(statement).options(
            selectinload(PaperRow.tags),
            selectinload(PaperRow.links),
            selectinload(PaperRow.authors),
            selectinload(PaperRow.facts),
            selectinload(PaperRow.time_spent),
        )

    def papers_by_key(self, keys: Collection[str]) -> dict[str, Paper]:
        found: dict[str, Paper] = {}
        for chunk in chunks(sorted(set(keys))):
            statement = self._paper_select().where(PaperRow.title_key.in_(chunk))
            for row in self.session.execute(statement):
                found[row[0].title_key] = _to_paper(*row)
        return found

    def add_paper(
        self, title: str, abstract: str, key: str, links: Sequence[Link], now: datetime
    ) -> int:
        row = PaperRow(
            title=title,
            abstract=abstract,
            title_key=key,
            status=ReadStatus.UNREAD.value,
            priority=Priority.NONE.value,
            rating=0,
            notes="",
            added_at=now,
            updated_at=now,
        )
        row.links = [link_row(link) for link in links]
        row.history = [StatusChangeRow(status=ReadStatus.UNREAD.value, changed_at=now)]
        self.session.add(row)
        self.session.flush()
        self.touched.add(row.id)
        return row.id

    def set_abstract(self, paper_id: int, abstract: str, now: datetime) -> None:
        self.session.execute(
            update(PaperRow)
            .where(PaperRow.id == paper_id)
            .values(abstract=abstract, updated_at=now)
        )
        self.touched.add(paper_id)

    def add_links(self, paper_id: int, links: Sequence[Link], now: datetime) -> int:
        have = set(self.session.scalars(select(LinkRow.url).where(LinkRow.paper_id == paper_id)))
        fresh = [link for link in links if link.url not in have]
        for link in fresh:
            row = link_row(link)
            row.paper_id = paper_id
            self.session.add(row)
        if fresh:
            self._bump([paper_id], now)
        return len(fresh)

    def _bump(self, ids: Collection[int], now: datetime) -> None:
        """Mark papers changed: a new ``updated_at`` and a row in the search outbox."""
        for chunk in chunks(sorted(set(ids))):
            self.session.execute(
                update(PaperRow).where(PaperRow.id.in_(chunk)).values(updated_at=now)
            )
        self.touched.update(ids)

    def add_digest(
        self, source_name: str, sha256: str, now: datetime, counts: tuple[int, int, int]
    ) -> int:
        papers, new, warnings = counts
        row = DigestRow(
            source_name=source_name,
            imported_at=now,
            sha256=sha256,
            paper_count=papers,
            new_count=new,
            warning_count=warnings,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_appearances(self, digest_id: int, paper_positions: Sequence[tuple[int, int]]) -> None:
        self.session.add_all(
            AppearanceRow(digest_id=digest_id, paper_id=paper_id, position=position)
            for paper_id, position in paper_positions
        )
        self.session.flush()
        self.touched.update(paper_id for paper_id, _ in paper_positions)  # times seen

    def existing_ids(self, ids: Collection[int]) -> set[int]:
        found: set[int] = set()
        for chunk in chunks(sorted(set(ids))):
            found.update(self.session.scalars(select(PaperRow.id).where(PaperRow.id.in_(chunk))))
        return found

    def all_ids(self) -> list[int]:
        return list(self.session.scalars(select(PaperRow.id).order_by(PaperRow.id)))

    def papers(self, query: PaperQuery) -> list[Paper]:
        if query.ids is not None and len(set(query.ids)) > CHUNK:
            return self._many_papers(query)
        statement = self._paper_select()
        if query.status is not None:
            statement = statement.where(self.scope.column("status") == query.status.value)
        if query.tag is not None:
            tagged = (
                select(PaperTagRow.paper_id)
                .join(TagRow, TagRow.id == PaperTagRow.tag_id)
                .where(or_(TagRow.name == query.tag, TagRow.name.startswith(query.tag + "/")))
            )
            statement = statement.where(PaperRow.id.in_(tagged))
        if query.has_code:
            coded = select(LinkRow.paper_id).where(LinkRow.kind == LinkKind.CODE.value)
            statement = statement.where(PaperRow.id.in_(coded))
        if query.ids is not None:
            statement = statement.where(PaperRow.id.in_(query.ids))
        if query.sort == POSITION:
            return self._in_given_order(statement, query)
        statement = statement.order_by(*self._order(query))
        if query.limit is not None:
            statement = statement.limit(query.limit)
        return [_to_paper(*row) for row in self.session.execute(statement)]

    def _many_papers(self, query: PaperQuery) -> list[Paper]:
        """Papers of more ids than one ``IN (...)`` may hold (a 100k-paper selection
        exported or deleted): read a chunk at a time, then put in the query's order by
        the core's reference of it (the same order, see readinglist.core.orders)."""
        assert query.ids is not None
        found: list[Paper] = []
        for chunk in chunks(sorted(set(query.ids))):
            found += self.papers(replace(query, ids=tuple(chunk), sort=None, limit=None))
        if query.sort == POSITION:
            place: dict[int, int] = {}
            for number, paper_id in enumerate(query.ids):
                place.setdefault(paper_id, number)
            found.sort(key=lambda paper: place[paper.id], reverse=query.descending)
        elif query.sort is not None:
            found = sorted_papers(found, query.sort, query.descending)
        return found if query.limit is None else found[: query.limit]

    def _in_given_order(self, statement: Select[Any], query: PaperQuery) -> list[Paper]:
        """The ``position`` order: the order of ``query.ids`` (first place first, the
        first occurrence of a repeated id counts), reversed by ``descending``."""
        if query.ids is None:
            raise ValueError("the position order needs the ids in their order")
        place: dict[int, int] = {}
        for number, paper_id in enumerate(query.ids):
            place.setdefault(paper_id, number)
        papers = [_to_paper(*row) for row in self.session.execute(statement)]
        papers.sort(key=lambda paper: place[paper.id], reverse=query.descending)
        return papers if query.limit is None else papers[: query.limit]

    def _order(self, query: PaperQuery) -> list[ColumnElement[Any]]:
        """ORDER BY terms of the order readinglist.core.orders defines (keys in their
        natural direction, flipped by ``descending``, then the paper id, newest first);
        no sort: by id, oldest first. The statement joins the scope's state."""
        if query.sort is None:
            return [PaperRow.id.asc()]
        columns = {**_KEY_COLUMNS, **state_key_columns(self.scope)}
        return [
            columns[key.field].desc() if key.descending else columns[key.field].asc()
            for key in keys_of(query.sort, query.descending)
        ]

    def details(self, paper_id: int) -> PaperDetails | None:
        found = self.session.execute(
            self._paper_select().where(PaperRow.id == paper_id)
        ).one_or_none()
        if found is None:
            return None
        history = self.session.scalars(
            select(StatusChangeRow)
            .where(StatusChangeRow.paper_id == paper_id, self.scope.history())
            .order_by(StatusChangeRow.id)
        )
        appearances = self.session.execute(
            select(DigestRow, AppearanceRow.position)
            .join(AppearanceRow, AppearanceRow.digest_id == DigestRow.id)
            .where(AppearanceRow.paper_id == paper_id)
            .order_by(DigestRow.imported_at, DigestRow.id)
        )
        return PaperDetails(
            paper=_to_paper(*found),
            status_history=tuple(
                StatusChange(ReadStatus(row.status), row.changed_at) for row in history
            ),
            appearances=tuple(
                Appearance(digest.id, digest.source_name, digest.imported_at, position)
                for digest, position in appearances
            ),
        )

    # --- user fields -------------------------------------------------------------

    def set_status(self, ids: Collection[int], status: ReadStatus, now: datetime) -> int:
        return self._set_column(ids, "status", status.value, now)

    def _set_column(self, ids: Collection[int], column: str, value: object, now: datetime) -> int:
        changed = set_state_field(self.session, self.scope, sorted(set(ids)), column, value, now)
        self.touched.update(changed)
        return len(changed)

    def set_priority(self, ids: Collection[int], priority: Priority, now: datetime) -> int:
        return self._set_column(ids, "priority", priority.value, now)

    def set_rating(self, ids: Collection[int], rating: int, now: datetime) -> int:
        return self._set_column(ids, "rating", rating, now)

    def set_notes(self, paper_id: int, notes: str, now: datetime) -> None:
        self._set_column([paper_id], "notes", notes, now)

    def delete_papers(self, ids: Collection[int]) -> int:
        """Deletes papers with everything attached (links, tags, history, appearances)."""
        gone: list[int] = []
        for chunk in chunks(sorted(set(ids))):
            gone.extend(
                self.session.scalars(
                    delete(PaperRow).where(PaperRow.id.in_(chunk)).returning(PaperRow.id)
                )
            )
        self.touched.update(gone)  # the outbox turns a missing paper into a delete
        return len(gone)

    # --- tags -------------------------------------------------------------------

    def _tag_ids(self, names: Collection[str], create: bool) -> dict[str, int]:
        rows = self.session.execute(select(TagRow.name, TagRow.id).where(TagRow.name.in_(names)))
        found: dict[str, int] = dict(rows.all())
        if create:
            for name in sorted(set(names) - found.keys()):
                row = TagRow(name=name, colour=None)
                self.session.add(row)
                self.session.flush()
                found[name] = row.id
        return found

    def change_tags(
        self, ids: Collection[int], add: Collection[str], remove: Collection[str], now: datetime
    ) -> int:
        changed: set[int] = set()
        wanted = sorted(set(ids))
        if add:
            add_ids = self._tag_ids(add, create=True)
            rows: list[PaperTagRow] = []
            for chunk in chunks(wanted):
                have = set(
                    self.session.execute(
                        select(PaperTagRow.paper_id, PaperTagRow.tag_id).where(
                            PaperTagRow.paper_id.in_(chunk),
                            PaperTagRow.tag_id.in_(add_ids.values()),
                        )
                    )
                )
                for paper_id in chunk:
                    for tag_id in add_ids.values():
                        if (paper_id, tag_id) not in have:
                            rows.append(PaperTagRow(paper_id=paper_id, tag_id=tag_id))
                            changed.add(paper_id)
            self.session.add_all(rows)
        if remove:
            remove_ids = list(self._tag_ids(remove, create=False).values())
            for chunk in chunks(wanted):
                changed.update(
                    self.session.scalars(
                        delete(PaperTagRow)
                        .where(PaperTagRow.paper_id.in_(chunk), PaperTagRow.tag_id.in_(remove_ids))
                        .returning(PaperTagRow.paper_id)
                    )
                )
        if changed:
            self.session.flush()
            self._bump(changed, now)
        return len(changed)

    def tag_counts(self) -> list[TagCount]:
        rows = self.session.execute(
            select(TagRow.name, TagRow.colour, func.count(PaperTagRow.paper_id))
            .outerjoin(PaperTagRow, PaperTagRow.tag_id == TagRow.id)
            .group_by(TagRow.id)
            .order_by(TagRow.name)
        )
        return [TagCount(name=name, count=count, colour=colour) for name, colour, count in rows]

    def tag_names(self) -> set[str]:
        return set(self.session.scalars(select(TagRow.name)))

    def rename_tags(self, renames: Sequence[tuple[str, str]], now: datetime) -> None:
        for old, new in renames:
            old_row = self.session.scalars(select(TagRow).where(TagRow.name == old)).one()
            tagged = self.session.scalars(
                select(PaperTagRow.paper_id).where(PaperTagRow.tag_id == old_row.id)
            ).all()
            self._bump(tagged, now)
            new_row = self.session.scalars(select(TagRow).where(TagRow.name == new)).one_or_none()
            if new_row is None:
                old_row.name = new
                self.session.flush()
                continue
            if new_row.colour is None:
                new_row.colour = old_row.colour
            already = select(PaperTagRow.paper_id).where(PaperTagRow.tag_id == new_row.id)
            self.session.execute(
                update(PaperTagRow)
                .where(PaperTagRow.tag_id == old_row.id, PaperTagRow.paper_id.not_in(already))
                .values(tag_id=new_row.id)
            )
            self.session.delete(old_row)
            self.session.flush()

    def set_tag_colour(self, name: str, colour: str | None) -> None:
        self.session.execute(update(TagRow).where(TagRow.name == name).values(colour=colour))
