"""Work files named after the process that writes them, and their cleanup once it died.

An export or a restore writes beside its target first (a hidden file), then renames it
into place. A process killed in between leaves that file behind; the name carries the
writer's process id, so the next writer can tell a dead writer's leftover (removed) from
a live one's work in progress (left alone).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (one of another user's counts). On
    Windows every process counts as alive: signal 0 there is CTRL_C_EVENT, not a probe,
    so leftovers stay (clutter, never a file removed under a live writer)."""
    if sys.platform == "win32":
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def work_prefix(name: str) -> str:
    """The start of this process's work files for a target called ``name``."""
    return f".{name}.{os.getpid()}."


def remove_stale(folder: Path, name: str) -> int:
    """Remove the work files for ``name`` left in ``folder`` by processes that have died;
    returns how many. Never raises: a leftover that cannot be removed is only clutter."""
    pattern = re.compile(rf"^\.{re.escape(name)}\.(\d+)\.")
    removed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for path in entries:
        match = pattern.match(path.name)
        if match is None or pid_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed += 1
    return removed
