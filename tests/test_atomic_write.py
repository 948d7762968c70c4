"""An exported file is a file to share: the user's umask decides its mode (a temporary
file's 0600 would hide it from the people it was exported for)."""

from __future__ import annotations

import os
from pathlib import Path

from readinglist.atomic_write import write_atomically


def test_a_new_file_gets_the_umask_mode_and_an_existing_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    old = os.umask(0o027)
    try:
        target = tmp_path / "list.bib"
        write_atomically(target, "@misc{k, title = {T}}\n")
        assert target.stat().st_mode & 0o777 == 0o640
        target.chmod(0o604)
        write_atomically(target, "again\n")
        assert target.read_text(encoding="utf-8") == "again\n"
        assert target.stat().st_mode & 0o777 == 0o604
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["list.bib"]  # no partial file left
