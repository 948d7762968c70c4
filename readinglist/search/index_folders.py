"""The index's folders in a library, and how a rebuilt index replaces the live one.

Several processes may have one library open (the window and the command line). A
rebuild therefore never deletes the folder others read: it builds beside it
(``index-v5.building-PID``), holding the live index's write lock so that no other
process writes to the index it is about to replace, then swaps the folders with two
renames. Readers keep their open files; their next write or refresh finds the new
index under the old name.

Making the placeholder of a missing or damaged index takes a lock of its own
(:data:`CREATE_LOCK`, in the library folder: the index folder may not exist yet), so
that processes starting at once on a new library do not delete each other's
placeholder half made; each takes the lock only when it found no usable index.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh.index import Index
from whoosh.util.filelock import FileLock

from readinglist.core.errors import LibraryBusyError
from readinglist.core.timeouts import busy_timeout_ms
from readinglist.search.whoosh_private import write_lock
from readinglist.stale_files import pid_alive

INDEX_PREFIX = "index-v"
_WORK = re.compile(rf"^{re.escape(INDEX_PREFIX)}\d+\.(?:building|old)-(\d+)$")
_VERSION = re.compile(rf"^{re.escape(INDEX_PREFIX)}\d+$")
BUSY_INDEX = (
    "library is busy: another readinglist is writing the search index; nothing was changed,"
    " try again"
)


def remove_other_versions(library_dir: Path, current: Path) -> bool:
    """Delete index folders of other schema versions and work folders left by dead
    processes; True when another version was found (so the index must be rebuilt)."""
    found = False
    for folder in library_dir.glob(f"{INDEX_PREFIX}*"):
        if not folder.is_dir() or folder == current:
            continue
        work = _WORK.match(folder.name)
        if work is not None:
            if not pid_alive(int(work.group(1))):
                shutil.rmtree(folder, ignore_errors=True)
        elif _VERSION.match(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
            found = True
    return found


CREATE_LOCK = "index.lock"


def _acquire(lock: Any) -> bool:
    """One try; a lock file whose folder is being swapped right now counts as held (a
    folder that cannot be written at all raises: waiting would not help)."""
    try:
        return bool(lock.acquire())
    except FileNotFoundError:
        return False


def _wait_for(lock: Any) -> None:
    deadline = time.monotonic() + busy_timeout_ms() / 1000
    while not _acquire(lock):
        if time.monotonic() >= deadline:
            raise LibraryBusyError(BUSY_INDEX)
        time.sleep(0.05)


@contextlib.contextmanager
def creation_locked(library_dir: Path) -> Iterator[None]:
    """Hold the lock that making an index's placeholder takes (see the module's doc)."""
    lock = FileLock(str(library_dir / CREATE_LOCK))
    _wait_for(lock)
    try:
        yield
    finally:
        lock.release()


def building_folder(current: Path) -> Path:
    return current.with_name(f"{current.name}.building-{os.getpid()}")


@contextlib.contextmanager
def write_locked(index: Index | None) -> Iterator[None]:
    """Hold an index's write lock (waiting up to the busy timeout); nothing to hold when
    there is no usable index."""
    if index is None:
        yield
        return
    lock = write_lock(index)
    _wait_for(lock)
    try:
        yield
    finally:
        lock.release()


def swap_in(building: Path, current: Path) -> None:
    """Put the built folder in the place of the live one (two renames, then cleanup)."""
    old = current.with_name(f"{current.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    try:
        building.rename(current)
    except OSError:
        # Another process created an empty index in the moment between the renames.
        shutil.rmtree(current, ignore_errors=True)
        building.rename(current)
    shutil.rmtree(old, ignore_errors=True)


def discard(library_dir: Path) -> None:
    """Remove a library's index (every version): the next open rebuilds it."""
    for folder in library_dir.glob(f"{INDEX_PREFIX}*"):
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


# A placeholder index (made when the index is missing or damaged, before it is built)
# carries this file. A built index never does: it is swapped in from its own folder. So
# a build that was interrupted (killed, crashed) leaves a folder that says so, and the
# next start builds again instead of trusting an empty index for good.
UNFINISHED_MARK = "UNFINISHED"


def mark_unfinished(folder: Path) -> None:
    (folder / UNFINISHED_MARK).write_bytes(b"")


def is_unfinished(folder: Path) -> bool:
    return (folder / UNFINISHED_MARK).exists()
