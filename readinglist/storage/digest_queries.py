"""Reading and taking back imported digests (part of :class:`SqlUnitOfWork`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from readinglist.core.digests import DigestInfo
from readinglist.storage.orm import AppearanceRow, DigestRow, LinkRow, PaperRow


class DigestQueries:
    """Mixed into the unit of work: it provides ``session`` and ``touched``."""

    session: Session
    touched: set[int]

    def digests(self) -> list[DigestInfo]:
        rows = self.session.scalars(select(DigestRow).order_by(DigestRow.imported_at, DigestRow.id))
        return [
            DigestInfo(row.id, row.source_name, row.imported_at, row.paper_count, row.new_count)
            for row in rows
        ]

    def digest_paper_ids(self, digest_ids: Collection[int], new_only: bool) -> list[int]:
        """The papers that appear in these digests; ``new_only``: first seen in one of them."""
        wanted = sorted(set(digest_ids))
        if not wanted:
            return []
        if new_only:
            first = (
                select(AppearanceRow.paper_id)
                .group_by(AppearanceRow.paper_id)
                .having(func.min(AppearanceRow.digest_id).in_(wanted))
            )
            return sorted(self.session.scalars(first))
        statement = select(AppearanceRow.paper_id).where(AppearanceRow.digest_id.in_(wanted))
        return sorted(set(self.session.scalars(statement.distinct())))

    def delete_digest(self, digest_id: int) -> None:
        """Forget a digest and its appearances (its papers are seen once less)."""
        seen = self.session.scalars(
            delete(AppearanceRow)
            .where(AppearanceRow.digest_id == digest_id)
            .returning(AppearanceRow.paper_id)
        )
        self.touched.update(seen)
        self.session.execute(delete(DigestRow).where(DigestRow.id == digest_id))

    def remove_links(self, paper_id: int, urls: Sequence[str], now: datetime) -> int:
        """Drop these links of a paper; returns how many were there."""
        if not urls:
            return 0
        gone = list(
            self.session.scalars(
                delete(LinkRow)
                .where(LinkRow.paper_id == paper_id, LinkRow.url.in_(list(urls)))
                .returning(LinkRow.id)
            )
        )
        if gone:
            self.session.execute(
                update(PaperRow).where(PaperRow.id == paper_id).values(updated_at=now)
            )
            self.touched.add(paper_id)
        return len(gone)
