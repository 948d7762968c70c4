"""A segment's terms that start with a prefix, read from its terms table in one piece.

Whoosh walks a prefix's terms one at a time, decoding each term's info (and unpickling
its inlined postings) into objects: about 4 µs a term, 0.6 s for one field's 150,000
terms in one segment, and a typo's corrections walk tens of thousands of them. The
terms table (``OrderedHashReader``) keeps its keys sorted, each at a position listed
in the index array at its end; a prefix's keys are one run of that array (two binary
searches find it), and their entries lie side by side in the file. So a run's entries
are read with one ``get`` and their lengths and document frequencies picked out with
NumPy; a term's text is decoded only when asked for.

Written against whoosh3 3.54.0, like the rest of this package (the layouts used: the
hash file's ``!II`` key and value lengths before each key, a key being the field's
number (``!H``) and the term's bytes, and ``W3TermInfo``'s ``!BfIBBfII`` head, whose
third item is the document frequency). The public fallback asks Whoosh for each term.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Ids = npt.NDArray[np.int64]

# The hash file's "!II" (key length, value length) before each key.
_LENGTHS_SIZE = 8
# W3TermInfo's head "!BfIBBfII": flags (B), total weight (f), document frequency (I).
_DOC_FREQUENCY_AT = 5
# Runs longer than this are decoded in one piece (see _texts_at_once).
_JOIN_FROM = 64
# Past every key starting with a prefix: UTF-8 never holds the byte 0xFF.
_AFTER = b"\xff"


@dataclass(frozen=True)
class TermRun:
    """Terms in byte order (one field, one segment): the UTF-8 text of term ``i`` is
    ``data[starts[i] : starts[i] + sizes[i]]``; ``doc_frequencies[i]`` counts the
    segment's documents holding it, deleted ones included."""

    data: bytes
    starts: Ids
    sizes: Ids
    doc_frequencies: Ids

    def __len__(self) -> int:
        return len(self.starts)

    def lengths(self) -> Ids:
        """Each term's length in characters (UTF-8 continuation bytes not counted)."""
        if not len(self.starts):
            return self.sizes
        raw = np.frombuffer(self.data, np.uint8)
        continued = np.concatenate(([0], np.cumsum((raw & 0xC0) == 0x80, dtype=np.int64)))
        ends = self.starts + self.sizes
        found: Ids = self.sizes - (continued[ends] - continued[self.starts])
        return found

    def texts(self, chosen: Ids | None = None) -> list[str]:
        """The terms' texts (those at the ``chosen`` places only, if given)."""
        starts, sizes = self.starts, self.sizes
        if chosen is not None:
            starts, sizes = starts[chosen], sizes[chosen]
        if len(starts) > _JOIN_FROM:
            return _texts_at_once(self.data, starts, sizes)
        return _sliced(self.data, starts, sizes)


def _texts_at_once(data: bytes, starts: Ids, sizes: Ids) -> list[str]:
    """Many terms' texts: gathered with NumPy, each followed by a NUL (which no term
    holds: the separator is checked), decoded and split once, not sliced one by one."""
    spans = sizes + 1
    ends = np.cumsum(spans)
    places = np.arange(int(ends[-1])) - np.repeat(ends - spans - starts, spans)
    gathered = np.frombuffer(data, np.uint8)[np.minimum(places, len(data) - 1)]
    gathered[ends - 1] = 0
    texts = gathered.tobytes().decode("utf-8").split("\x00")[:-1]
    if len(texts) != len(starts):  # a term holding a NUL after all
        return _sliced(data, starts, sizes)
    return texts


def _sliced(data: bytes, starts: Ids, sizes: Ids) -> list[str]:
    return [
        data[start : start + size].decode("utf-8")
        for start, size in zip(starts.tolist(), sizes.tolist(), strict=True)
    ]


EMPTY_RUN = TermRun(b"", np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64))


def run_of(terms: list[tuple[bytes, int]]) -> TermRun:
    """A run from (term bytes, document frequency) pairs in byte order."""
    if not terms:
        return EMPTY_RUN
    sizes = np.array([len(text) for text, _ in terms], np.int64)
    return TermRun(
        b"".join(text for text, _ in terms),
        np.cumsum(sizes) - sizes,
        sizes,
        np.array([count for _, count in terms], np.int64),
    )


def public_prefix_run(leaf: Any, field: str, prefix: bytes) -> TermRun:
    """With Whoosh's public API: each term of the prefix and its document frequency."""
    if field not in leaf.schema:
        return EMPTY_RUN
    terms = [
        text if isinstance(text, bytes) else text.encode("utf-8")
        for text in leaf.expand_prefix(field, prefix)
    ]
    return run_of([(text, int(leaf.doc_frequency(field, text))) for text in terms])


def prefix_run(leaf: Any, field: str, prefix: bytes) -> TermRun:
    """A segment's terms of ``field`` that start with ``prefix``, from its terms table."""
    from whoosh.system import pack_ushort

    terms = leaf._terms
    number = terms._fieldmap.get(field)
    if number is None:
        return EMPTY_RUN
    table = terms._tindex
    head = bytes(pack_ushort(number))
    low = _first_at_least(table, head + prefix)
    high = _first_at_least(table, head + prefix + _AFTER)
    if low >= high:
        return EMPTY_RUN
    itemsize = int(table.indexsize)
    layout = np.dtype(">" + str(table.extras["indextype"]))
    positions = np.frombuffer(
        table.dbfile.get(table.indexbase + low * itemsize, (high - low) * itemsize), layout
    ).astype(np.int64)
    first = int(positions[0])
    # Entries are written in key order, one after another: the run ends where the
    # next key's entry begins (or the data does).
    end = (
        int(table._get_pos(table.indexbase + high * itemsize))
        if high < table.indexlen
        else int(table.endofdata)
    )
    data = table.dbfile.get(first, end - first)
    raw = np.frombuffer(data, np.uint8)
    at = positions - first
    key_sizes = _uint32_at(raw, at)
    starts = at + _LENGTHS_SIZE + len(head)
    return TermRun(
        data,
        starts,
        key_sizes - len(head),
        _uint32_at(raw, at + _LENGTHS_SIZE + key_sizes + _DOC_FREQUENCY_AT),
    )


def _first_at_least(table: Any, key: bytes) -> int:
    """The place in the index array of the first key not below ``key`` (its length if
    none): ``OrderedHashReader.closest_key_pos``, which returns the key's file position."""
    base, itemsize, get_pos, key_at = table.indexbase, table.indexsize, table._get_pos, table.key_at
    low, high = 0, int(table.indexlen)
    while low < high:
        middle = (low + high) // 2
        if key_at(get_pos(base + middle * itemsize)) < key:
            low = middle + 1
        else:
            high = middle
    return low


def _uint32_at(raw: npt.NDArray[np.uint8], at: Ids) -> Ids:
    """The big-endian unsigned 32-bit numbers at each of the offsets ``at``."""
    found = np.zeros(len(at), np.int64)
    for shift, byte in zip((24, 16, 8, 0), range(4), strict=True):
        found |= raw[at + byte].astype(np.int64) << shift
    return found
