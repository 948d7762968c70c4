"""Every use of Whoosh's private internals, in one package, and the public fallback for each.

Reading, the merge's and lock's few internals and the version check are here; the bulk
writer's side (segments, posting blocks, the terms table) is in
:mod:`readinglist.search.whoosh_private.segments`.

Written against **whoosh3 3.54.0** (the distribution and version pinned in
pyproject.toml; :data:`KNOWN_VERSIONS`). The other modules of ``readinglist.search``
use Whoosh's public API directly and reach its internals only through this module.

What counts as public here: the documented API of ``whoosh.index`` (``create_in``,
``exists_in``, ``open_dir``; an index's ``searcher``, ``writer(timeout=, compound=)``,
``latest_generation``, ``doc_count``, ``close``), ``whoosh.fields``, ``whoosh.columns``
and ``whoosh.formats`` for building a schema (and a field's documented attributes and
methods: ``format``, ``analyzer``, ``scorable``, ``stored``, ``unique``, ``indexed``,
``vector``, ``column_type``, ``index()``, ``to_column_value()``,
``separate_spelling()``), ``whoosh.analysis`` and ``whoosh.lang`` (custom tokenizers,
stop words, stemmers), ``whoosh.query`` (query classes, ``simplify``, ``leaves``), a
searcher's ``reader``, ``up_to_date``, ``close``, ``search``, ``docs_for_query``,
``stored_fields``, ``all_stored_fields``, ``doc_count`` and ``key_terms_from_text``, an
index reader's ``leaf_readers``, ``doc_count_all``, ``doc_count``, ``has_deletions``,
``is_deleted``, ``in``, ``postings`` (and a matcher's ``is_active``, ``id``, ``weight``,
``next``), ``column_reader``, ``doc_frequency``, ``expand_prefix``, ``terms_within``,
``lexicon`` and ``all_terms``, and a writer's ``add_document``, ``update_document``,
``delete_by_term``, ``commit(merge=)`` and ``cancel``. Everything else is private:
names with a leading underscore, the codec layer (segments, codecs, per-document and
field writers and readers, term infos), a writer's attributes and its subclass hooks,
column readers' and matchers' internals, and the on-disk block format.

The private things touched, and why:

- ``SegmentReader._terms.matcher()`` and ``W3LeafMatcher._read_data``, ``_data``,
  ``_byteids``, ``_next_block``: a term's postings decoded a block at a time (the
  deltas summed and the minified weights expanded with NumPy),
  deleted documents included (~100x faster than ``next()`` per posting) —
  :meth:`WhooshAccess.term_postings`.
- ``SegmentReader._terms`` (``_fieldmap``, ``_tindex``) and ``OrderedHashReader``'s
  index array (``indexbase``, ``indexsize``, ``indexlen``, ``_get_pos``, ``key_at``,
  ``endofdata``, ``dbfile``): a prefix's terms and document frequencies read in one
  piece, not a term info object at a time (:mod:`readinglist.search.whoosh_private.
  terms`) — :meth:`WhooshAccess.prefix_terms`.
- ``SegmentReader.deleted_docs_set`` (whoosh3 only): a segment's deleted documents in
  one piece — :meth:`WhooshAccess.deleted`.
- ``IndexReader.segment()`` and ``Segment.segment_id()``: which segment a reader
  reads, so decoded postings are kept across searchers — :meth:`WhooshAccess.segment_key`.
- ``TermRange._btexts()`` (and ``ConstantScoreQuery.child``): the index terms a numeric
  range covers, so a range is a union of cached postings — :meth:`WhooshAccess.numeric_range`.
- ``NumericColumn.Reader._reverse``, ``_fixedlen``, ``_dbfile``, ``_basepos``, ``_count``,
  ``_typecode``, ``_default`` and ``VarBytesColumn.Reader._lengths``, ``_dbfile``,
  ``_basepos``: a column read in one piece, not a value at a time —
  :meth:`WhooshAccess.numeric_column`, :meth:`WhooshAccess.bytes_column`.
- ``FileIndex._segments()`` and ``Segment.doc_count_all()``, ``deleted_count()``: the
  merge policy's view from the table of contents alone — :meth:`WhooshAccess.segment_stats`.
- ``SegmentWriter.segments``, ``storage``, ``schema``, ``Segment.codec()``,
  ``.deleted_docs()``, ``.delete_document()``, ``Codec.per_document_reader()``: a merge
  deletes its segments' documents by number and reads their paper ids from the column
  files only — :func:`take_segments`.
- ``SegmentWriter.generation``: a rebuilt index gets a newer generation than the one it
  replaces, so other processes' searchers see it changed — :func:`raise_generation`.
- ``whoosh.util.random_name`` as imported by ``whoosh.codec.base``, ``whoosh.writing``,
  ``whoosh.filedb.filestore`` and ``whoosh.filedb.compound``: the names of new segments
  and temporary files come from the process's shared ``random`` generator, so any code
  that seeds it (a benchmark, Hypothesis between examples) makes the next writer reuse
  a live segment's name and truncate its files. :func:`_name_files_unpredictably`
  replaces it with names from the operating system's generator, whatever the version.
- ``FileIndex._reader`` and ``FileStorage.open_file``: a reader opened while a merge
  deletes the segments it read in the table of contents fails part way (Whoosh then
  retries) and left the files it had opened to the garbage collector (ResourceWarning,
  and file handles held meanwhile). :func:`_close_readers_that_fail_to_open` closes
  them at once, whatever the version.
- ``FileIndex.lock("WRITELOCK")``: the lock Whoosh's writers take, held over a whole
  rebuild — :func:`write_lock`. Used whatever the version (writing without it could
  corrupt the index; the name has been Whoosh's since 2.x and is Whoosh-Reloaded
  2.7.5's too).
- For the bulk writer: the ``SegmentWriter`` internals, the codec and the Whoosh 3
  posting and terms-table formats, written by hand — listed in
  :mod:`readinglist.search.whoosh_private.segments` (:class:`BulkSegmentWriter`,
  :class:`W3Blocks`), the other module of this package. The segments it writes are
  the very bytes Whoosh's own writer writes (``tests/test_bulk_writer.py``).

Another distribution or version (:func:`installed_whoosh` does not match
:data:`KNOWN_VERSIONS`): :func:`for_installed` returns :data:`PUBLIC`, whose methods use
Whoosh's public API only (slower: postings are read one at a time and not kept across
searchers, ranges are answered by Whoosh's own query, columns are iterated), and the
index writes with Whoosh's own writer and merge policy instead of the bulk writer and
readinglist's merges; the index's ``notice`` says so in one line, and it is logged.
Nothing private is read or written then, so an unknown Whoosh can make things slower
but not wrong: an index it cannot read is "damaged" and rebuilt by its own writer.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import logging
import secrets
import string
import threading
from collections.abc import Collection
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.columns import NumericColumn, VarBytesColumn

from readinglist.search.whoosh_private.terms import TermRun, prefix_run, public_prefix_run

log = logging.getLogger(__name__)

Ids = npt.NDArray[np.int64]
Weights = npt.NDArray[np.float32]

WHOOSH_DISTRIBUTION = "whoosh3"
# The (distribution, version) pairs whose internals this module was written against.
KNOWN_VERSIONS = frozenset({("whoosh3", "3.54.0")})
# Distributions that install the ``whoosh`` package, looked up in this order.
_DISTRIBUTIONS = ("whoosh3", "Whoosh-Reloaded", "Whoosh")


_NAME_CHARACTERS = string.ascii_lowercase + string.digits  # Whoosh's IDCHARS


def unpredictable_name(size: int = 28) -> str:
    """A file name part no seeding of ``random`` can repeat (28 characters: 145 bits)."""
    return "".join(secrets.choice(_NAME_CHARACTERS) for _ in range(size))


def _name_files_unpredictably() -> None:
    """Give every Whoosh module that names files :func:`unpredictable_name` (see the
    module docstring: a reseeded ``random`` made two writers share a segment name)."""
    for name in ("whoosh.codec.base", "whoosh.writing", "whoosh.filedb.filestore",
                 "whoosh.filedb.compound", "whoosh.multiproc"):  # fmt: skip
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a Whoosh without that module
            continue
        if hasattr(module, "random_name"):
            setattr(module, "random_name", unpredictable_name)  # noqa: B010 - a module


_name_files_unpredictably()

_opening = threading.local()  # the files a FileIndex._reader call opened so far


def _close_readers_that_fail_to_open() -> None:
    """See the module docstring: what a failed open opened is closed before the error
    goes on (to Whoosh's retry, or to ours: "the search index is damaged"). Files are
    tracked, not readers: a reader fails inside its own constructor too (``.pst``
    missing after ``.trm`` was opened)."""
    from whoosh import index as whoosh_index
    from whoosh.filedb import filestore

    open_file = filestore.FileStorage.open_file
    open_reader = whoosh_index.FileIndex._reader

    def tracked_open(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        opened = open_file(self, name, *args, **kwargs)
        files = getattr(_opening, "files", None)
        if files is not None:
            files.append(opened)
        return opened

    def reader(*args: Any, **kwargs: Any) -> Any:
        outer = getattr(_opening, "files", None)
        files: list[Any] = []
        _opening.files = files
        try:
            return open_reader(*args, **kwargs)
        except BaseException:
            for opened in files:
                with contextlib.suppress(Exception):
                    opened.close()
            raise
        finally:
            _opening.files = outer

    filestore.FileStorage.open_file = tracked_open
    whoosh_index.FileIndex._reader = staticmethod(reader)


_close_readers_that_fail_to_open()


def installed_whoosh() -> tuple[str, str]:
    """(distribution, version) of the Whoosh that ``import whoosh`` loads: the installed
    distribution whose version is the module's own (two distributions share the import
    name, and the last one installed wins); ("unknown", the module's version) when no
    distribution's metadata matches."""
    import whoosh

    loaded = str(whoosh.versionstring())
    for name in _DISTRIBUTIONS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if version == loaded:
            return name, version
    return "unknown", loaded


@dataclass(frozen=True)
class RangeHits:
    """The documents a numeric range matches: every one, those holding one of
    ``terms``, or (the public fallback) ``docs``, global document numbers."""

    every: bool = False
    terms: tuple[bytes, ...] = ()
    docs: Ids | None = None


@dataclass(frozen=True)
class WhooshAccess:
    """Whoosh reached through its internals (``internals=True``, the known version) or
    through its public API only. ``notice``: why the public API is used, if it is."""

    internals: bool
    notice: str | None = None

    # --- reading ----------------------------------------------------------------------

    def segment_key(self, leaf: Any) -> str:
        """A key for one leaf reader's postings: the segment's id, kept across
        searchers (a segment never changes once written); with the public API a key
        never used before, so nothing is kept beyond the searcher."""
        if not self.internals:
            return f"public-{next(_KEYS)}"
        segment = leaf.segment()
        return "" if segment is None else str(segment.segment_id())  # "": an empty index

    def term_postings(self, leaf: Any, field: str, btext: bytes) -> tuple[Ids, Weights]:
        """A term's postings in one segment: document numbers (the segment's own) and
        weights; empty when the segment lacks the term. With internals deleted documents
        are included (masked out by the caller); with the public API they are not."""
        ids: list[Ids] = []
        weights: list[Weights] = []
        if self.internals:
            # The term looked up once (the matcher's own lookup says when it is absent).
            matcher = raw_matcher(leaf, field, btext)
            while matcher is not None and matcher.is_active():
                block_ids, block_weights = _block_postings(matcher)
                ids.append(block_ids)
                weights.append(block_weights)
                matcher._next_block()
        elif (field, btext) in leaf:
            matcher = leaf.postings(field, btext)
            found: list[int] = []
            values: list[float] = []
            while matcher.is_active():
                found.append(matcher.id())
                values.append(matcher.weight())
                matcher.next()
            ids.append(np.array(found, dtype=np.int64))
            weights.append(np.array(values, dtype=np.float32))
        if not ids:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        return np.concatenate(ids), np.concatenate(weights)

    def prefix_terms(self, leaf: Any, field: str, prefix: bytes) -> TermRun:
        """One segment's terms of ``field`` starting with ``prefix`` (all of them for
        ``b""``) and their document frequencies, in byte order: read in one piece from
        the terms table with internals, asked for one by one with the public API."""
        if self.internals:
            return prefix_run(leaf, field, prefix)
        return public_prefix_run(leaf, field, prefix)

    def deleted(self, leaf: Any) -> Ids:
        """A leaf reader's deleted document numbers."""
        if not leaf.has_deletions():
            return np.empty(0, np.int64)
        if self.internals:
            return np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
        is_deleted = leaf.is_deleted
        return np.array(
            [doc for doc in range(leaf.doc_count_all()) if is_deleted(doc)], dtype=np.int64
        )

    def numeric_range(
        self, searcher: Any, field: str, low: int | None, high: int | None
    ) -> RangeHits:
        """The documents of a numeric field's range (``None``: open). Bounds past the
        field's own range (``rating:300`` in 8 bits, ``added:<1960`` before its zero)
        match what they say, not an error: Whoosh cannot encode them."""
        bounds = _within_field(searcher.schema[field], low, high)
        if bounds is None:  # wholly outside what the field can hold: nothing
            return RangeHits(docs=np.zeros(0, np.int64)) if not self.internals else RangeHits()
        low, high = bounds
        query = wq.NumericRange(field, low, high)
        if not self.internals:
            return RangeHits(docs=np.fromiter(searcher.docs_for_query(query), dtype=np.int64))
        reader = searcher.reader()
        ranged = query.simplify(reader)
        while hasattr(ranged, "child"):  # ConstantScoreQuery around the real query
            ranged = ranged.child
        if isinstance(ranged, wq.Every):
            return RangeHits(every=True)
        terms: list[bytes] = []
        for leaf in ranged.leaves():
            if isinstance(leaf, wq.TermRange):  # the index terms the range covers
                terms.extend(leaf._btexts(reader))
            elif isinstance(leaf, wq.Term):
                terms.append(leaf.text)
        return RangeHits(terms=tuple(terms))

    def numeric_column(self, column: Any, count: int) -> Ids:
        """A segment's numeric column (``column_reader(name, translate=False)``) as an
        array of ``count`` values. With internals it is read in one piece: Whoosh's
        reader stores fixed-width big-endian values, then the default for documents past
        the last one (iterating costs ~1 µs a document: 80 ms on a 100k library)."""
        if self.internals and isinstance(column, NumericColumn.Reader) and not column._reverse:
            width = column._fixedlen
            raw = column._dbfile.get(column._basepos, column._count * width)
            values = np.frombuffer(raw, dtype=np.dtype(">" + column._typecode)).astype(np.int64)
            if len(values) >= count:
                return values[:count]
            default = np.full(count - len(values), column._default, np.int64)
            return np.concatenate((values, default))
        return np.fromiter(column, dtype=np.int64, count=count)

    def bytes_column(self, column: Any) -> list[bytes]:
        """A segment's bytes column as a list. With internals it is read in one piece:
        Whoosh's VarBytes reader keeps the values back to back with an array of their
        lengths, and iterates them one read at a time (4x slower at 100k papers)."""
        if self.internals and isinstance(column, VarBytesColumn.Reader):
            lengths = np.asarray(column._lengths, dtype=np.int64)
            ends = np.cumsum(lengths)
            size = int(ends[-1]) if len(ends) else 0
            blob = column._dbfile.get(column._basepos, size) if size else b""
            starts = (ends - lengths).tolist()
            return [blob[start:end] for start, end in zip(starts, ends.tolist(), strict=True)]
        return list(column)

    # --- writing ----------------------------------------------------------------------

    def segment_stats(self, index: Any) -> list[tuple[str, int, int]]:
        """Each segment's (id, documents, deleted documents), read from the table of
        contents alone. Empty with the public API: Whoosh's writer merges by itself."""
        if not self.internals:
            return []
        return [
            (str(s.segment_id()), int(s.doc_count_all()), int(s.deleted_count()))
            for s in index._segments()
        ]


def _within_field(
    spec: Any, low: int | None, high: int | None
) -> tuple[int | None, int | None] | None:
    """A range's bounds inside a numeric field's own (a bound at or past its end is
    open); None when the range lies wholly outside it."""
    lowest, highest = getattr(spec, "min_value", None), getattr(spec, "max_value", None)
    if lowest is None or highest is None:
        return low, high
    if (high is not None and high < lowest) or (low is not None and low > highest):
        return None
    return (
        None if low is not None and low <= lowest else low,
        None if high is not None and high >= highest else high,
    )


_KEYS = itertools.count()

INTERNALS = WhooshAccess(internals=True)


def public_notice(distribution: str, version: str) -> str:
    known = ", ".join(f"{name} {release}" for name, release in sorted(KNOWN_VERSIONS))
    return (
        f"search uses Whoosh's public API only (slower): {distribution} {version} is"
        f" installed, readinglist's fast paths know {known}"
    )


PUBLIC = WhooshAccess(internals=False, notice=public_notice("another Whoosh", "release"))


def for_installed() -> WhooshAccess:
    """:data:`INTERNALS` for a known Whoosh, else the public API with a notice (logged)."""
    distribution, version = installed_whoosh()
    if (distribution, version) in KNOWN_VERSIONS:
        return INTERNALS
    notice = public_notice(distribution, version)
    log.warning("%s", notice)
    return WhooshAccess(internals=False, notice=notice)


def raw_matcher(leaf: Any, field: str, btext: bytes) -> Any:
    """The segment's own block matcher, without Whoosh's deleted-documents wrapper;
    None when the segment lacks the term (or the field)."""
    from whoosh.reading import TermNotFound

    if field not in leaf.schema:
        return None
    try:
        return leaf._terms.matcher(field, btext, leaf.schema[field].format)
    except TermNotFound:
        return None


def _block_postings(matcher: Any) -> tuple[Ids, Weights]:
    """The current block's document numbers and weights, decoded with NumPy from
    ``W3LeafMatcher._data`` (deltas, weights minified to None or one number, values):
    Whoosh's ``_read_ids`` and ``_read_weights`` undo the deltas and expand the weights
    a posting at a time in Python generators."""
    if matcher._data is None:
        matcher._read_data()
    deltas, weights = matcher._data[0], matcher._data[1]
    ids = np.asarray(deltas, dtype=np.int64)
    if not matcher._byteids:
        ids = np.cumsum(ids)
    if weights is None:
        return ids, np.ones(len(ids), np.float32)
    if isinstance(weights, float):
        return ids, np.full(len(ids), weights, np.float32)
    return ids, np.asarray(weights, dtype=np.float32)


def write_lock(index: Any) -> Any:
    """The lock object Whoosh's writers take (``FileIndex.lock("WRITELOCK")``), not yet
    acquired: the caller calls its ``acquire()`` (False while another holds it) and
    ``release()``."""
    return index.lock("WRITELOCK")


def raise_generation(writer: Any, index: Any, at_least: int) -> None:
    """Make the index a writer commits have a generation of at least ``at_least``.

    With a known Whoosh the writer's next generation is set (before its commit); with
    the public API, call this after the commit instead: empty commits are made until
    the index's generation is high enough (one table of contents written each)."""
    if writer is not None:
        writer.generation = max(int(writer.generation), at_least)
        return
    while int(index.latest_generation()) < at_least:
        index.writer().commit(merge=False)


def take_segments(writer: Any, segment_ids: Collection[str], id_column: str) -> list[int] | None:
    """Delete, in ``writer``, the live documents of these segments (by document number,
    not by term: Whoosh's ``update_document`` looks each id up in every segment), and
    return their values of the numeric column ``id_column`` (paper ids). None when a
    segment is gone (another process merged it). The column is read from the segments'
    per-document files only: a SegmentReader would open the terms table as well."""
    wanted = set(segment_ids)
    chosen = [s for s in writer.segments if s.segment_id() in wanted]
    if len(chosen) != len(wanted):
        return None
    ids: list[int] = []
    for segment in chosen:
        count = segment.doc_count_all()
        perdoc = segment.codec().per_document_reader(writer.storage, segment)
        try:
            column = perdoc.column_reader(id_column, writer.schema[id_column].column_type)
            values = INTERNALS.numeric_column(column, count)
        finally:
            perdoc.close()
        deleted = set(segment.deleted_docs())
        for doc in range(count):
            if doc not in deleted:
                ids.append(int(values[doc]))
                segment.delete_document(doc)
    return ids
