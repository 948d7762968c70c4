"""The change feed of a shared library: how each client keeps its own index in step.

On SQLite the search outbox is drained and emptied by the one index there is. A shared
library has an index per client, so there its rows are never deleted by a client: the
outbox is a monotonic change sequence (its ids), written in the same transaction as each
change, and each client keeps in its local folder how far its index has read it
(``change-feed.cursor``). Draining reads the rows past the cursor and moves the cursor;
a client that was offline reads what it missed on its next start; a rebuilt index moves
the cursor to where the rebuild began.

The ids are in commit order: every transaction that writes outbox rows holds the
library's write lock (engine.take_write_lock) until it commits, so a row with a lower id
is never committed after a client read past it.

The feed is pruned (:func:`prune`): the server cannot know every client's cursor (they
live in the clients' folders), so it keeps the last ``FEED_KEEP_ROWS`` rows. Pruning
leaves a *marker* row (paper id minus the horizon: no paper has a negative id) saying
"rows up to here are gone"; a client whose cursor is below a marker's horizon missed
changes it can no longer read, and falls back to a full catch-up (core/indexing.py
compares every paper's index stamp) before it reads on. Markers are never papers:
:func:`pending` skips them. Pruning runs when a shared library opens, only once the
feed is a tenth past its size (so not at every start), and the write lock it takes is
a few milliseconds; a library that is busy then is pruned at a later start.

``NOTIFY readinglist_changes`` is sent with each such commit, for clients that listen
(:class:`ChangeListener`); a client that cannot listen polls (same query).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from readinglist.storage.orm import OutboxRow

CURSOR_FILE = "change-feed.cursor"
CHANNEL = "readinglist_changes"
# The rows kept: at a few hundred edits a day, months of them; an import of 100k papers
# is one row a paper, so a client offline across two such imports catches up fully.
FEED_KEEP_ROWS = 200_000


class FeedCursor:
    """This client's place in the change feed: the last outbox id its index holds."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / CURSOR_FILE

    def read(self) -> int:
        try:
            text_value = self.path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return 0  # a new client: everything is new to it (a new index is rebuilt anyway)
        return int(text_value) if text_value.isdigit() else 0

    def write(self, upto: int) -> None:
        """Atomically: a crash leaves the old place (its changes are applied again,
        which rewrites the same documents)."""
        partial = self.path.with_name(f".{CURSOR_FILE}.{os.getpid()}.partial")
        partial.write_text(f"{int(upto)}\n", encoding="ascii")
        partial.replace(self.path)


def pending(session: Session, cursor: FeedCursor, limit: int) -> tuple[list[int], int]:
    """Up to ``limit`` changed paper ids past the cursor and the last row they cover."""
    rows = session.execute(
        select(OutboxRow.id, OutboxRow.paper_id)
        .where(OutboxRow.id > cursor.read(), OutboxRow.paper_id > 0)  # markers are no papers
        .order_by(OutboxRow.id)
        .limit(limit)
    ).all()
    if not rows:
        return [], 0
    return sorted({paper_id for _, paper_id in rows}), int(rows[-1][0])


def advance(session: Session, cursor: FeedCursor, upto: int | None) -> None:
    """The index holds the changes up to ``upto`` (None: all there are now)."""
    if upto is None:
        upto = int(session.scalar(select(func.max(OutboxRow.id))) or 0)
    cursor.write(upto)


def pruned_past(session: Session, cursor: FeedCursor) -> bool:
    """Whether rows this client had not read were pruned (a marker's horizon is past
    its cursor): it must catch up fully, the feed no longer holds what it missed."""
    place = cursor.read()
    horizon = session.scalar(
        select(func.max(-OutboxRow.paper_id)).where(OutboxRow.id > place, OutboxRow.paper_id < 0)
    )
    return horizon is not None and int(horizon) > place


def prune_due(session: Session, keep: int) -> bool:
    """Whether the feed holds a tenth more than ``keep`` rows (two index lookups)."""
    low, high = session.execute(select(func.min(OutboxRow.id), func.max(OutboxRow.id))).one()
    return low is not None and int(high) - int(low) + 1 > keep + keep // 10


def prune(session: Session, keep: int) -> int:
    """Delete all but the last ``keep`` rows (ids are dense enough: a rolled-back
    transaction's gap only keeps fewer) and leave a marker of the horizon; the caller
    holds the write lock, so the marker's id is after every row it covers. Returns the
    rows deleted."""
    high = session.scalar(select(func.max(OutboxRow.id)).where(OutboxRow.paper_id > 0))
    if high is None or int(high) <= keep:
        return 0
    horizon = int(high) - keep
    deleted = session.scalar(select(func.count()).where(OutboxRow.id <= horizon))
    session.execute(delete(OutboxRow).where(OutboxRow.id <= horizon))
    if deleted:
        session.add(OutboxRow(paper_id=-horizon))
        session.flush()
    return int(deleted or 0)


def notify(session: Session) -> None:
    """Tell listening clients that changes wait (sent when the transaction commits)."""
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class ChangeListener:
    """Waits for other clients' changes: LISTEN on the library's channel, or, where
    that fails (a pooler in transaction mode, a lost connection), polling."""

    def __init__(self, engine: Engine, poll_s: float = 1.0) -> None:
        self.engine = engine
        self.poll_s = poll_s
        self._connection = None
        with contextlib.suppress(Exception):
            raw = engine.raw_connection()
            raw.driver_connection.autocommit = True  # type: ignore[union-attr]
            raw.cursor().execute(f"LISTEN {CHANNEL}")
            self._connection = raw

    @property
    def listening(self) -> bool:
        return self._connection is not None

    def wait(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for a notification: True when one came (then read
        the feed), False when none did. A polling client waits ``min(timeout_s, poll_s)``
        and gets True: it reads the feed every time."""
        if self._connection is None:
            time.sleep(min(timeout_s, self.poll_s))  # polling: look at the feed each time
            return True
        connection = self._connection.driver_connection
        try:
            for _ in connection.notifies(timeout=timeout_s, stop_after=1):  # type: ignore[union-attr]
                return True
        except Exception:  # the connection went away: poll from now on
            self.close()
        return False

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None
