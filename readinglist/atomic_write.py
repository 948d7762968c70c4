"""Writing a file so that an interruption never leaves half of it (exports, backups)."""

from __future__ import annotations

import tempfile
from pathlib import Path


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
        partial.replace(target)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
