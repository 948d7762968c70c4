"""Writing a file so that an interruption never leaves half of it (exports, backups).

The text goes to a hidden file beside the target, which is then renamed over it. So
only a regular file (or nothing) may be replaced: a rename over a device node, a FIFO
or a symbolic link would swap ``/dev/tty`` or a link to someone's file for an ordinary
file. A hidden file left by a writer that was killed is removed by the next write to
the same target (its name carries the writer's process id: see stale_files).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from readinglist.stale_files import remove_stale, work_prefix


class NotRegularFileError(OSError):
    """The target exists and is not a regular file: it is never replaced."""


def check_replaceable(target: Path) -> None:
    """NotRegularFileError unless ``target`` is missing or a regular file (not a link)."""
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    what = (
        "a symbolic link"
        if stat.S_ISLNK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "a device, pipe or socket"
    )
    raise NotRegularFileError(
        errno.EINVAL, f"it is {what}, not a regular file; refusing to replace it", str(target)
    )


def _mode_for(target: Path) -> int:
    """The mode a plainly created file would get: the target's own when it exists,
    else 0666 less the umask (a temporary file is 0600: an export is meant to be shared)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where the system says it
    (/proc/self/status on Linux): setting it to read it would race other threads."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def write_atomically(target: Path, text: str) -> None:
    """Write next to the target, then rename over it; on any failure nothing is left.
    A target that is not a regular file is refused (NotRegularFileError)."""
    check_replaceable(target)
    remove_stale(target.parent, target.name)
    partial: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            newline="",
            dir=target.parent,
            prefix=work_prefix(target.name),
            delete=False,
        ) as handle:
            partial = Path(handle.name)
            handle.write(text)
        partial.chmod(_mode_for(target))
        partial.replace(target)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
