"""Typed SQLAlchemy 2.x models of the library. Migrations mirror them exactly (tested)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from readinglist.storage.types import UTCDateTime

# Named constraints so Alembic migrations (and SQLite batch mode) can address them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _state_checks() -> tuple[CheckConstraint, ...]:
    """The checks of the reading state's columns: the same on ``papers`` (the single
    reader's, and the shared values) and on ``member_states`` (a member's own)."""
    return (
        CheckConstraint("rating >= 0 AND rating <= 5", name="rating_range"),
        CheckConstraint(
            "status IN ('unread','queued','reading','read','skimmed','dropped')",
            name="status_known",
        ),
        CheckConstraint("priority IN ('none','low','medium','high')", name="priority_known"),
    )


class PaperRow(Base):
    __tablename__ = "papers"
    __table_args__ = _state_checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str] = mapped_column(Text, default="")
    title_key: Mapped[str] = mapped_column(String(1000), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="unread", index=True)
    priority: Mapped[str] = mapped_column(String(8), default="none")
    rating: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    arxiv_id: Mapped[str | None] = mapped_column(String(64), index=True)
    upvotes: Mapped[int | None]
    # Assigned once (on first export or from an imported entry), then never changed.
    cite_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # One more at every UPDATE of the row (also bulk ones: onupdate applies to them),
    # so an edit made from an older read can tell (readinglist.core.paper_edits).
    version: Mapped[int] = mapped_column(
        default=1, server_default=text("1"), onupdate=literal_column("papers.version") + 1
    )

    links: Mapped[list[LinkRow]] = relationship(
        back_populates="paper", cascade="all, delete-orphan", order_by="LinkRow.id"
    )
    tags: Mapped[list[TagRow]] = relationship(secondary="paper_tags", order_by="TagRow.name")
    history: Mapped[list[StatusChangeRow]] = relationship(
        cascade="all, delete-orphan", order_by="StatusChangeRow.id"
    )
    authors: Mapped[list[AuthorRow]] = relationship(
        cascade="all, delete-orphan", order_by="AuthorRow.position"
    )
    facts: Mapped[list[FactRow]] = relationship(
        cascade="all, delete-orphan", order_by="FactRow.name"
    )
    time_spent: Mapped[TimeSpentRow | None] = relationship(cascade="all, delete-orphan")


class AuthorRow(Base):
    """One author of a paper, in the order the source lists them."""

    __tablename__ = "paper_authors"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    # Set only when a source gave the structure ("van der Maaten, Laurens"); never guessed.
    family: Mapped[str | None] = mapped_column(Text)
    given: Mapped[str | None] = mapped_column(Text)
    suffix: Mapped[str | None] = mapped_column(Text)


class FactRow(Base):
    """One bibliographic fact (readinglist.core.metadata.Field) with its source and time."""

    __tablename__ = "paper_facts"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TimeSpentRow(Base):
    """How long the reader recorded a paper took (migration 0007): a table of its own,
    not a column of ``papers``, so that recording a time never conflicts with an edit
    of the paper (its version) and an older backup reader never meets it."""

    __tablename__ = "reading_times"
    __table_args__ = (CheckConstraint("minutes >= 1 AND minutes <= 10080", name="minutes_range"),)

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    minutes: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ResolveStateRow(Base):
    """Where looking a paper up on arXiv and Hugging Face stands.

    ``state``: queued (waiting, e.g. offline), matched, unmatched (no source knows the
    title: not asked again unless forced), failed (retried from ``next_try_at``).
    """

    __tablename__ = "resolve_state"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(Text, default="")


class StatusChangeRow(Base):
    """One status a paper took. ``member`` (migration 0009): whose change it was on a
    shared library; NULL for the single reader of an embedded library, for a change
    everyone saw (a paper added as unread) and for the history from before 0009."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    member: Mapped[str | None] = mapped_column(String(80))


class MemberStateRow(Base):
    """One member's own reading state of a paper on a shared library (migration 0009).

    A NULL field is one the member never set: it reads as the paper's own column (the
    library's shared value: the defaults, or what the group had before 0009), so an
    upgraded library loses nothing and a missing row costs no write. ``minutes`` 0 is a
    time the member cleared (NULL would show the shared one again). See
    readinglist/storage/member_state.py for the reads and writes.
    """

    __tablename__ = "member_states"
    __table_args__ = (
        *_state_checks(),
        CheckConstraint("minutes >= 0 AND minutes <= 10080", name="minutes_range"),
        # Filtering and counting one member's papers by status reads this index.
        Index("ix_member_states_member_status", "member", "status"),
    )

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    member: Mapped[str] = mapped_column(String(80), primary_key=True)
    status: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[str | None] = mapped_column(String(8))
    rating: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int | None]
    time_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One more at every write: a member's edit made from an older read can tell (the
    # member's two machines), while another member's writes never conflict with it.
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TagRow(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    colour: Mapped[str | None] = mapped_column(String(16))


class PaperTagRow(Base):
    __tablename__ = "paper_tags"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class LinkRow(Base):
    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("paper_id", "url", name="uq_links_paper_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    host: Mapped[str] = mapped_column(String(255))
    owner: Mapped[str | None] = mapped_column(String(255))
    repo: Mapped[str | None] = mapped_column(String(255))

    paper: Mapped[PaperRow] = relationship(back_populates="links")


class DigestRow(Base):
    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    paper_count: Mapped[int]
    new_count: Mapped[int]
    warning_count: Mapped[int]


class AppearanceRow(Base):
    __tablename__ = "appearances"

    digest_id: Mapped[int] = mapped_column(
        ForeignKey("digests.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int]


Index("ix_appearances_paper_id", AppearanceRow.paper_id)


class OutboxRow(Base):
    """A paper whose search document must be rewritten (or removed) after commit.

    Written in the same transaction as the change, drained after commit, so the search
    index can never silently miss a change, even across a crash. No foreign key: the
    row of a deleted paper must outlive the paper.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(index=True)


class ReadingListRow(Base):
    """A named, ordered collection; ``name_key`` (casefolded) keeps names unique."""

    __tablename__ = "reading_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ListItemRow(Base):
    """A paper in a list at a position (0-based, dense: reordering rewrites them)."""

    __tablename__ = "list_items"

    list_id: Mapped[int] = mapped_column(
        ForeignKey("reading_lists.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int]
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SavedSearchRow(Base):
    """A query as the user typed it (parsed again whenever it is shown)."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CommentRow(Base):
    """A member's comment on a paper (migration 0008): the reading group's, shared on a
    shared library; never part of a bibliography export."""

    __tablename__ = "paper_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AssignmentRow(Base):
    """Who presents a paper to the reading group, and on which day (migration 0008):
    one presenter a paper."""

    __tablename__ = "paper_assignments"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    presenter: Mapped[str] = mapped_column(String(80))
    on_date: Mapped[date] = mapped_column(index=True)
    assigned_by: Mapped[str] = mapped_column(String(80))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
