"""Edits made from what a client read: written only where the paper's version is still
the one read (part of :class:`SqlUnitOfWork`; see readinglist/core/paper_edits.py).

The version goes up at every UPDATE of a paper (storage/orm.py), whatever wrote it, so a
conditional UPDATE ... WHERE version = :read that changes no row means someone else
changed the paper since: nothing is written, and the core merges or reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from readinglist.core.paper_edits import EDITABLE, PaperState
from readinglist.storage import member_state
from readinglist.storage.member_state import StateScope
from readinglist.storage.orm import PaperRow


class VersionedEdits:
    """Mixed into the unit of work: it provides ``session``, ``scope`` and ``touched``.

    On a shared library the fields and the version are the member's own
    (storage/member_state.py): members never conflict with each other, only a member's
    two machines can."""

    session: Session
    scope: StateScope
    touched: set[int]

    def paper_state(self, paper_id: int) -> PaperState | None:
        """The paper's version and its editable fields, or None when it is gone."""
        scope = self.scope
        columns = (scope.version_column(), *(scope.column(name) for name in EDITABLE))
        row = self.session.execute(
            scope.join(select(*columns).select_from(PaperRow)).where(PaperRow.id == paper_id)
        ).one_or_none()
        if row is None:
            return None
        return PaperState(int(row[0]), dict(zip(EDITABLE, row[1:], strict=True)))

    def write_if_version(
        self, paper_id: int, version: int, values: Mapping[str, object], now: datetime
    ) -> bool:
        """Write ``values`` if the paper is still at ``version`` (True), else nothing."""
        unknown = set(values) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not an editable field: {sorted(unknown)}")
        if not member_state.write_if_version(
            self.session, self.scope, paper_id, version, values, now
        ):
            return False
        if "status" in values:
            self.session.add(self.scope.change(paper_id, str(values["status"]), now))
        self.touched.add(paper_id)
        return True
