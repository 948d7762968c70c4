"""How long a process waits for another one holding the library (database or index)."""

from __future__ import annotations

import os

# A writer waits this long for another process's write to finish; tests shorten it.
BUSY_TIMEOUT_MS = 10_000
BUSY_TIMEOUT_ENV = "READINGLIST_BUSY_TIMEOUT_MS"


def busy_timeout_ms() -> int:
    """``$READINGLIST_BUSY_TIMEOUT_MS`` when it is a whole number, else 10 s."""
    value = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS
