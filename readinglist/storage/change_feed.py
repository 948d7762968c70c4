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

``NOTIFY readinglist_changes`` is sent with each such commit, for clients that listen
(:class:`ChangeListener`); a client that cannot listen polls (same query).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from readinglist.storage.orm import OutboxRow

CURSOR_FILE = "change-feed.cursor"
CHANNEL = "readinglist_changes"


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
        .where(OutboxRow.id > cursor.read())
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
