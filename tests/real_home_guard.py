"""No test may write into the real user's readinglist folders: their files are listed
(path, size, time) when the test session starts, before any fixture moves HOME, and
compared when it ends. A module fixture once logged into ``~/.local/state`` for many
stops before anyone noticed; this makes the next such leak fail the run on CI."""

from __future__ import annotations

import os
from pathlib import Path

Listing = dict[str, tuple[int, int]]


def watched_folders() -> list[Path]:
    """The user's readinglist folders as the environment names them now (at import of
    the conftest, before the tests' own homes are set)."""
    home = Path(os.environ.get("HOME") or Path.home())

    def xdg(name: str, default: str) -> Path:
        return Path(os.environ.get(name) or home / default)

    return [
        xdg("XDG_DATA_HOME", ".local/share") / "readinglist",
        xdg("XDG_CONFIG_HOME", ".config") / "readinglist",
        xdg("XDG_STATE_HOME", ".local/state") / "readinglist",
        xdg("XDG_CACHE_HOME", ".cache") / "readinglist",
    ]


def listing(folders: list[Path]) -> Listing:
    found: Listing = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                if path.is_file():
                    found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def changed(before: Listing, after: Listing) -> list[str]:
    """The files made, changed or removed since ``before``."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
