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
        """The papers that appear in these digests, in digest order (see
        :meth:`_placed`); ``new_only``: those first seen in one of them."""
        placed = self._placed(digest_ids, new_only)
        return sorted(placed, key=placed.__getitem__)

    def digest_positions(self, digest_ids: Collection[int]) -> dict[int, int]:
        """Each paper's position (1-based) in the newest of these digests that holds it."""
        return {
            paper_id: position for paper_id, (_, position, _) in self._placed(digest_ids).items()
        }

    def _placed(
        self, digest_ids: Collection[int], new_only: bool = False
    ) -> dict[int, tuple[int, int, int]]:
        """Paper id -> its place in digest order: (how many of these digests are newer
        than the newest one holding it, its position there, minus its id).

        Digest order: the newest digest's papers in its ranking, then the papers found
        only in older ones, each digest in its own ranking. "Newest" is by import time
        (then digest id), as the digests are listed. Positions are unique in a digest,
        so the id only breaks ties of damaged data, newest first like every order.
        """
        wanted = sorted(set(digest_ids))
        if not wanted:
            return {}
        digests = self.session.execute(
            select(DigestRow.id)
            .where(DigestRow.id.in_(wanted))
            .order_by(DigestRow.imported_at.desc(), DigestRow.id.desc())
        )
        newer = {digest_id: rank for rank, (digest_id,) in enumerate(digests)}
        statement = select(
            AppearanceRow.paper_id, AppearanceRow.digest_id, AppearanceRow.position
        ).where(AppearanceRow.digest_id.in_(wanted))
        if new_only:
            first = (
                select(AppearanceRow.paper_id)
                .group_by(AppearanceRow.paper_id)
                .having(func.min(AppearanceRow.digest_id).in_(wanted))
            )
            statement = statement.where(AppearanceRow.paper_id.in_(first))
        placed: dict[int, tuple[int, int, int]] = {}
        for paper_id, digest_id, position in self.session.execute(statement):
            place = (newer[digest_id], position, -paper_id)
            if paper_id not in placed or place < placed[paper_id]:
                placed[paper_id] = place
        return placed

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
