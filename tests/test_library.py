"""The import use case and the user fields, on a real SQLite library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.library import Library
from readinglist.core.models import LinkKind, PaperQuery, ParsedPaper, Priority, ReadStatus
from readinglist.storage.orm import AppearanceRow, DigestRow, PaperRow
from readinglist.storage.store import SqlUnitOfWork
from tests.helpers import FIRST_TITLE, SHARED_DIGEST_PAPERS

ABSTRACT = (
    "We study a problem. Our method works well on many benchmarks and is simple."
    " Code is at https://github.com/example/{name}."
)


def _digest(*names: str, abstract: str = ABSTRACT) -> bytes:
    papers = [
        ParsedPaper(f"Paper {name}: A Study", abstract.format(name=name), 0) for name in names
    ]
    return render_digest(papers).encode()


def _count(opened: OpenLibrary, row: type) -> int:
    with opened.store.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(row)) or 0)


def test_shared_digest_import_is_idempotent(opened: OpenLibrary, shared_digest_bytes: bytes):
    first = opened.library.import_bytes(shared_digest_bytes, "digest.txt")
    assert (first.new, first.already_present) == (SHARED_DIGEST_PAPERS, 0)
    assert (first.code_links, first.project_pages) == (48, 24)
    assert first.describe().startswith("211 new, 0 already in the library, 0 warnings")

    again = opened.library.import_bytes(shared_digest_bytes, "digest.txt")
    assert (again.new, again.already_present) == (0, SHARED_DIGEST_PAPERS)
    assert again.describe().startswith("0 new, 211 already in the library")
    assert again.links_added == 0
    assert again.abstracts_changed == again.abstracts_added == ()

    assert _count(opened, PaperRow) == SHARED_DIGEST_PAPERS
    assert _count(opened, DigestRow) == 2
    assert _count(opened, AppearanceRow) == 2 * SHARED_DIGEST_PAPERS
    papers = opened.library.papers()
    assert papers[0].title == FIRST_TITLE
    assert {p.times_seen for p in papers} == {2}
    assert all(p.first_seen and p.last_seen and p.first_seen < p.last_seen for p in papers)
    details = opened.library.details(papers[-1].id)
    assert [a.position for a in details.appearances] == [SHARED_DIGEST_PAPERS] * 2


def test_digest_rows_record_source_hash_and_counts(opened: OpenLibrary):
    data = _digest("a", "b")
    opened.library.import_bytes(data, "monday.txt")
    with opened.store.unit_of_work() as uow:
        row = uow.session.scalars(select(DigestRow)).one()
    assert (row.source_name, row.paper_count, row.new_count, row.warning_count) == (
        "monday.txt",
        2,
        2,
        0,
    )
    assert len(row.sha256) == 64
    assert row.sha256 != "0" * 64


def test_import_failing_half_way_changes_nothing(
    opened: OpenLibrary, monkeypatch: pytest.MonkeyPatch
):
    opened.library.import_bytes(_digest("a"), "first.txt")
    opened.library.set_status([1], ReadStatus.READING)
    before = [(p.id, p.abstract, p.status, p.times_seen) for p in opened.library.papers()]

    def explode(self: SqlUnitOfWork, digest_id: int, pairs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(SqlUnitOfWork, "add_appearances", explode)
    changed = _digest("a", "b", "c", abstract="A different abstract. It is long enough here.")
    with pytest.raises(RuntimeError, match="disk on fire"):
        opened.library.import_bytes(changed, "second.txt")

    after = [(p.id, p.abstract, p.status, p.times_seen) for p in opened.library.papers()]
    assert after == before
    assert _count(opened, DigestRow) == 1


def test_seen_again_keeps_user_fields_and_gains_what_it_lacked(opened: OpenLibrary):
    title_only = b"Paper x: A Study\n"
    summary = opened.library.import_bytes(title_only + _digest("y"), "first.txt")
    assert summary.new == 2
    assert len(summary.warnings) == 1 and "no abstract" in summary.warnings[0].message
    paper_id = summary.new_ids[0]
    library = opened.library
    library.set_status([paper_id], ReadStatus.QUEUED)
    library.tag([paper_id], add=["3d/gaussian-splatting"])
    library.set_notes(paper_id, "# read the appendix")
    library.rate([paper_id], 4)
    library.set_priority([paper_id], Priority.HIGH)

    again = library.import_bytes(_digest("x", "y"), "second.txt")
    assert again.new == 0
    assert again.abstracts_added == (paper_id,)
    assert again.links_added == 1
    paper = library.details(paper_id).paper
    assert paper.abstract.startswith("We study a problem.")
    assert paper.first_link(LinkKind.CODE) is not None
    assert (paper.status, paper.tags, paper.notes, paper.rating, paper.priority) == (
        ReadStatus.QUEUED,
        ("3d/gaussian-splatting",),
        "# read the appendix",
        4,
        Priority.HIGH,
    )

    changed = library.import_bytes(
        _digest("x", abstract="A revised abstract. It now says something else entirely."),
        "third.txt",
    )
    assert changed.abstracts_changed == (paper_id,)
    assert "1 abstracts updated" in changed.describe()
    revised = library.details(paper_id).paper
    assert revised.abstract.startswith("A revised abstract.")
    assert revised.links == paper.links  # links are only ever gained
    assert revised.times_seen == 3


def test_titles_differing_in_case_and_punctuation_are_one_paper(opened: OpenLibrary):
    opened.library.import_bytes(b"Segment Any 3D-Gaussians\n" + ABSTRACT.encode() + b"\n", "a")
    second = opened.library.import_bytes(
        b"segment any 3D Gaussians\n" + ABSTRACT.encode() + b"\n", "b"
    )
    assert (second.new, second.already_present) == (0, 1)


def test_status_changes_are_kept_in_history(opened: OpenLibrary):
    times = iter(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=h) for h in range(10))
    library = Library(opened.store, clock=lambda: next(times))
    library.import_bytes(_digest("a", "b"), "digest.txt")
    assert library.set_status([1, 2], ReadStatus.READING).count == 2
    assert library.set_status([1, 2], ReadStatus.READING).count == 0  # no change, no history
    assert library.set_status([1], ReadStatus.READ).count == 1
    history = library.details(1).status_history
    assert [(c.status, c.changed_at.hour) for c in history] == [
        (ReadStatus.UNREAD, 0),
        (ReadStatus.READING, 1),
        (ReadStatus.READ, 3),
    ]
    assert library.papers(PaperQuery(status=ReadStatus.READ))[0].id == 1


def test_bad_values_are_refused_and_change_nothing(opened: OpenLibrary):
    library = opened.library
    library.import_bytes(_digest("a"), "digest.txt")
    with pytest.raises(InvalidValueError, match="from 0 to 5"):
        library.rate([1], 6)
    with pytest.raises(NotFoundError, match="no paper with id 99"):
        library.set_status([1, 99], ReadStatus.READ)
    with pytest.raises(InvalidValueError, match="not a tag name"):
        library.tag([1], add=[" / "])
    with pytest.raises(InvalidValueError, match="unknown sort"):
        library.papers(PaperQuery(sort="colour"))
    paper = library.details(1).paper
    assert (paper.rating, paper.status, paper.tags) == (0, ReadStatus.UNREAD, ())


def test_tags_are_hierarchical_and_rename_merges(opened: OpenLibrary):
    library = opened.library
    library.import_bytes(_digest("a", "b", "c"), "digest.txt")
    library.tag([1, 2], add=["3D / Gaussian  Splatting"])
    library.tag([2, 3], add=["gs"])
    library.tag([3], add=["3d"])
    library.set_tag_colour("gs", "#FF8800")
    assert [p.id for p in library.papers(PaperQuery(tag="3d"))] == [1, 2, 3]
    assert [p.id for p in library.papers(PaperQuery(tag="3d/gaussian splatting"))] == [1, 2]
    assert library.papers(PaperQuery(tag="3")) == []

    renames = library.rename_tag("3d/gaussian splatting", "gs")
    assert renames == [("3d/gaussian splatting", "gs")]
    counts = {t.name: (t.count, t.colour) for t in library.tags()}
    assert counts == {"3d": (1, None), "gs": (3, "#ff8800")}

    assert library.rename_tag("3d", "three-d") == [("3d", "three-d")]
    library.tag([1], add=["three-d/nerf"])
    assert library.rename_tag("three-d", "3d") == [("three-d", "3d"), ("three-d/nerf", "3d/nerf")]
    assert {t.name for t in library.tags()} == {"3d", "3d/nerf", "gs"}
    with pytest.raises(InvalidValueError, match="inside itself"):
        library.rename_tag("3d", "3d/sub")
    with pytest.raises(NotFoundError):
        library.rename_tag("missing", "x")
    library.tag([1, 2], remove=["gs"])
    assert {t.name: t.count for t in library.tags()}["gs"] == 1


def test_sorting(opened: OpenLibrary):
    library = opened.library
    library.import_bytes(_digest("b", "a", "c"), "one.txt")
    library.import_bytes(_digest("c"), "two.txt")
    library.set_status([1], ReadStatus.DROPPED)
    library.set_status([2], ReadStatus.QUEUED)
    library.rate([3], 5)

    library.set_priority([2], Priority.LOW)

    def order(sort: str, descending: bool = False) -> list[int]:
        return [p.id for p in library.papers(PaperQuery(sort=sort, descending=descending))]

    # Natural directions (readinglist.core.orders); ties: the lowest id first, in both
    # directions. The three papers were added by one import: all tie on added.
    assert order("added") == [1, 2, 3]
    assert order("added", descending=True) == [1, 2, 3]
    assert order("title") == [2, 1, 3]
    assert order("title", descending=True) == [3, 1, 2]
    assert order("status") == [3, 2, 1]  # unread, queued, dropped
    assert order("status", descending=True) == [1, 2, 3]
    assert order("seen") == [3, 1, 2]  # most seen first
    assert order("seen", descending=True) == [1, 2, 3]
    assert order("rating") == [3, 1, 2]  # best first
    assert order("rating", descending=True) == [1, 2, 3]
    assert order("priority") == [2, 1, 3]  # high first
    assert order("priority", descending=True) == [1, 3, 2]
    # No sort: the library's own order, by id; "position": the order of the ids given.
    assert [p.id for p in library.papers(PaperQuery(limit=2))] == [1, 2]
    in_order = PaperQuery(ids=(2, 3, 1), sort="position", limit=2)
    assert [p.id for p in library.papers(in_order)] == [2, 3]
    with pytest.raises(InvalidValueError, match="position"):
        library.papers(PaperQuery(sort="position"))


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(opened: OpenLibrary):
    with opened.store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert int(connection.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000


def test_library_reopens_with_its_data(library_dir: Path):
    with open_library(library_dir) as first:
        first.library.import_bytes(_digest("a"), "digest.txt")
        first.library.set_notes(1, "kept")
    with open_library(library_dir) as second:
        assert second.upgrade_copy is None
        assert second.library.details(1).paper.notes == "kept"
