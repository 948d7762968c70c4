"""Writing a file so that an interruption never leaves half of it (exports, backups)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
    """Write next to the target, then rename over it; on any failure nothing is left."""
    partial: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            newline="",
            dir=target.parent,
            prefix=f".{target.name}.",
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
