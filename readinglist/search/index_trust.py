"""Is the index damaged? What the index checks before it trusts itself (issue 17).

:mod:`readinglist.search.index_files` knows what each file should hold; this module
reads the index to find what the files cannot say, and tells a damaged index from a
bug when reading raised: the checksums decide where they can, the kind of error where
the files were never recorded.
"""

from __future__ import annotations

import pickle
import struct
import warnings
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from whoosh.reading import CorruptIndexError

from readinglist.core.errors import ReadingListError
from readinglist.search import index_files

DAMAGED_REASON = "the search index was damaged"
# What reading damaged index files raises (a truncated file: OSError from a seek past
# its end, EOFError, struct.error; scribbled bytes: Whoosh's CorruptIndexError, zlib,
# pickle or decoding errors; a column or table read from garbage: ValueError,
# IndexError, KeyError). Only believed when the files were never recorded.
_DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    CorruptIndexError,
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    UnicodeError,
    ValueError,
    IndexError,
    KeyError,
)


def one_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"


def unreadable_part(index: Any) -> str | None:
    """Read everything a search reads outside the postings (every stored field, every
    column of every segment): what failed, in one line, or None."""
    try:
        # Whoosh leaves a damaged file open when reading it fails: expected here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            with index.searcher() as searcher:
                for _ in searcher.all_stored_fields():
                    pass
                for leaf, _offset in searcher.reader().leaf_readers():
                    for name in leaf.schema.names():
                        if leaf.has_column(name):
                            list(leaf.column_reader(name, translate=False))
    except Exception as error:  # reading it failed: that is the damage
        return one_line(error)
    return None


def damage_behind(error: Exception, folder: Path, segment_ids: Collection[str]) -> str | None:
    """What damage an error raised while reading the index shows (one line), or None:
    no damage, a bug to raise as it is.

    The checksums decide: a file that changed is damage whatever was raised, and an
    index whose every file checks out is not damaged. Files never recorded (an index
    written before manifests) leave the kind of error to decide (_DAMAGE_ERRORS)."""
    if isinstance(error, ReadingListError):
        return None
    try:
        problem = index_files.damage(folder, segment_ids, contents=True)
        vouched = problem is None and index_files.all_recorded(folder, segment_ids)
    except Exception as unreadable:  # not even the files can be listed now
        problem, vouched = one_line(unreadable), False
    if problem is not None:
        return problem
    if vouched or not isinstance(error, _DAMAGE_ERRORS):
        return None
    return one_line(error)
