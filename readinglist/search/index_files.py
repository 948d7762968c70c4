"""What each file of the index should hold: sizes and checksums, to find damage.

Whoosh trusts its files: a truncated column file or postings file gives an OSError or a
``CorruptIndexError`` on the first search that reads it, and a scribbled terms file
gives wrong results without any error, while the table of contents still reads fine (so
``doctor`` said all was well). A segment's files never change once committed (its
deletions live in the table of contents), so their sizes and CRC-32s are recorded once,
after the commit that wrote them, in a small JSON file beside them (:data:`MANIFEST`):

- opening an index compares the sizes of the committed segments' files (a stat each,
  well under a millisecond): truncation and lost files are found before any search;
- ``readinglist doctor`` compares the checksums too (reads every file once).

Only segments named by the table of contents are checked, so an entry left by a
segment merged away since, or a segment another process committed but has not recorded
yet, never makes a good index look damaged; such a segment is unchecked until a commit
records it. Two processes recording at once may each drop the other's new entries:
that, too, only leaves files unchecked. Whoosh's file cleanup ignores the manifest (it
deletes only files named like its own).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import zlib
from collections.abc import Collection
from pathlib import Path

log = logging.getLogger(__name__)

MANIFEST = "readinglist-files.json"
_VERSION = 1
_READ_CHUNK = 1 << 20

Entries = dict[str, tuple[int, int]]  # file name -> (size, CRC-32)


def _segment_files(folder: Path, segment_ids: Collection[str]) -> dict[str, Path]:
    """The files of these segments in the folder, by name (``<segment id>.<ext>``;
    Whoosh's segment ids start with the index name: ``MAIN_x9z...``)."""
    prefixes = tuple(f"{segment_id}." for segment_id in segment_ids)
    if not prefixes:
        return {}
    return {path.name: path for path in folder.iterdir() if path.name.startswith(prefixes)}


def _of_segments(entries: Entries, segment_ids: Collection[str]) -> Entries:
    prefixes = tuple(f"{segment_id}." for segment_id in segment_ids)
    if not prefixes:
        return {}
    return {name: entry for name, entry in entries.items() if name.startswith(prefixes)}


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def read_manifest(folder: Path) -> Entries:
    """The recorded entries; empty when there is no manifest or it cannot be read (an
    index written before manifests existed, or a damaged manifest: nothing is checked
    then, and the next commit writes a new one)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("version") != _VERSION:
            return {}
        return {str(name): (int(size), int(crc)) for name, (size, crc) in data["files"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        log.warning("index manifest %s unreadable: %s", folder / MANIFEST, error)
        return {}


def record(folder: Path, segment_ids: Collection[str]) -> None:
    """After a commit: add the committed segments' files not recorded yet, drop the
    entries of segments that are gone. Never raises: a manifest that could not be
    written leaves files unchecked, it never makes a commit fail."""
    try:
        entries = _of_segments(read_manifest(folder), segment_ids)
        for name, path in _segment_files(folder, segment_ids).items():
            if name not in entries:
                entries[name] = (path.stat().st_size, _crc32(path))
        _write(folder, entries)
    except OSError as error:
        log.warning("index manifest in %s not written: %s", folder, error)


def _write(folder: Path, entries: Entries) -> None:
    data = {"version": _VERSION, "files": {name: list(entry) for name, entry in entries.items()}}
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{MANIFEST}.")
    partial = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, sort_keys=True)
        partial.replace(folder / MANIFEST)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def all_recorded(folder: Path, segment_ids: Collection[str]) -> bool:
    """Whether every file of the committed segments has an entry (so a check that
    finds nothing wrong vouches for the whole index)."""
    entries = read_manifest(folder)
    try:
        return bool(segment_ids) and set(_segment_files(folder, segment_ids)) <= entries.keys()
    except OSError:
        return False


def damage(folder: Path, segment_ids: Collection[str], contents: bool = False) -> str | None:
    """What is wrong with the committed segments' recorded files (one line), or None.

    Sizes only by default (opening); ``contents``: the CRC-32s too (``doctor``)."""
    entries = _of_segments(read_manifest(folder), segment_ids)
    for name, (size, crc) in sorted(entries.items()):
        path = folder / name
        try:
            actual = path.stat().st_size
        except FileNotFoundError:
            return f"{name} is missing"
        except OSError as error:
            return f"{name} cannot be read ({error.strerror or error})"
        if actual != size:
            return f"{name} has {actual} bytes, {size} were written"
        if contents:
            try:
                if _crc32(path) != crc:
                    return f"{name} changed since it was written"
            except OSError as error:
                return f"{name} cannot be read ({error.strerror or error})"
    return None
