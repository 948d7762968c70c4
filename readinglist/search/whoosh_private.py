"""Every use of Whoosh's private internals, in one place, and the public fallback for each.

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

- ``SegmentReader._terms.matcher()`` and ``W3LeafMatcher._read_ids``, ``_read_weights``,
  ``_ids``, ``_weights``, ``_next_block``: a term's postings decoded a block at a time,
  deleted documents included (~100x faster than ``next()`` per posting) —
  :meth:`WhooshAccess.term_postings`.
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
- For the bulk writer (:class:`BulkSegmentWriter`, :class:`W3Blocks`): the
  ``SegmentWriter`` internals ``codec``, ``docnum``, ``newsegment``, ``perdocwriter``
  (``start_doc``, ``add_field``, ``add_column_value``, ``finish_doc``, ``close``),
  ``fieldwriter`` (``_fieldmap``, ``_tindex``, ``_postfile``, ``close``),
  ``indexname``, ``segments``, ``_added``, ``_check_state``, ``_check_fields``,
  ``_finalize_segment``, ``_flush_segment``; ``W3Codec`` (``_inlinelimit``,
  ``_blocklimit``, ``_compression``, ``new_segment``, ``per_document_writer``,
  ``field_writer``); the Whoosh 3 posting format: ``W3TermInfo._struct``,
  ``WHOOSH3_HEADER_MAGIC``, ``COMPRESSION_MIN_SIZE``, the pickled block layout of
  ``W3PostingsWriter._write_block``, ``whoosh.system.pack_int``/``pack_long``/
  ``pack_ushort`` and ``whoosh.util.numeric.length_to_byte``; the terms table's
  ``OrderedHashWriter.add`` as written by hand (``dbfile``, ``index``, ``buckets``,
  ``hashfn``, ``lastkey``, ``filetables._lengths``). The segments it writes are
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
import pickle
import secrets
import string
import threading
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from hashlib import md5
from importlib import metadata
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.formats import Existence, Frequency
from whoosh.writing import SegmentWriter

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
        if (field, btext) in leaf:
            if self.internals:
                matcher = raw_matcher(leaf, field, btext)
                while matcher.is_active():
                    matcher._read_ids()
                    matcher._read_weights()
                    ids.append(np.asarray(matcher._ids, dtype=np.int64))
                    weights.append(np.asarray(matcher._weights, dtype=np.float32))
                    matcher._next_block()
            else:
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
    """The segment's own block matcher, without Whoosh's deleted-documents wrapper."""
    return leaf._terms.matcher(field, btext, leaf.schema[field].format)


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


# --- the bulk writer's Whoosh side -------------------------------------------------------
# Its private modules are imported when a bulk writer is made, not with this module: an
# unknown Whoosh that lacks them still imports readinglist (and uses the public API).


class BulkSegmentWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's ``SegmentWriter`` for a subclass that writes its own postings.

    Whoosh's locking, per-document files (stored fields, lengths, columns), segments and
    table of contents are kept; the subclass gathers postings and writes them in
    :meth:`_write_postings` with :meth:`_field_prefix` and :meth:`_write_terms`. It
    calls :meth:`_begin_documents`, then :meth:`_store_document` for each document and
    :meth:`_end_documents`, and :meth:`_next_segment` to start a new segment. Segments are
    never merged; those left without a live document are dropped at commit.
    """

    def __init__(self, index: Any, timeout: float = 0.0) -> None:
        from whoosh.codec.whoosh3 import W3Codec

        super().__init__(index, compound=False, timeout=timeout)
        codec = self.codec
        if not isinstance(codec, W3Codec) or codec._inlinelimit > 1:
            raise TypeError("BulkWriter writes Whoosh 3 postings without inlining only")
        self._block_limit = int(codec._blocklimit)
        self._compression = int(codec._compression)
        self._written: list[Any] = []  # finished segments, added to the index at commit
        _write_hash_tables_at_once(self.fieldwriter._tindex)

    def _begin_documents(self, segment_docs: int) -> int:
        """Check the writer is open and start a new segment when the current one holds
        ``segment_docs`` documents; the next document's number."""
        self._check_state()
        if self.docnum >= segment_docs:
            self._next_segment()
        return int(self.docnum)

    def _store_document(self, docnum: int, fields: list[tuple[str, Any, Any, int]]) -> None:
        """The per-document files of a document: each field's (name, stored value or
        None, column value or None, length)."""
        perdoc = self.perdocwriter
        schema = self.schema
        perdoc.start_doc(docnum)
        for name, value, column_value, length in fields:
            field = schema[name]
            perdoc.add_field(name, field, value, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, column_value)
        perdoc.finish_doc()

    def _end_documents(self, count: int) -> None:
        self._added = True
        self.docnum += count

    def _next_segment(self) -> None:
        """Write the current segment and start an empty one."""
        self._written.append(self._finalize_segment())
        codec = self.codec
        self.newsegment = codec.new_segment(self.storage, self.indexname)
        self.perdocwriter = codec.per_document_writer(self.storage, self.newsegment)
        self.fieldwriter = codec.field_writer(self.storage, self.newsegment)
        _write_hash_tables_at_once(self.fieldwriter._tindex)
        self.docnum = 0

    def commit(self, **_options: Any) -> None:
        """Add the written segments and the current one to the index, merging none."""
        kept = [segment for segment in self.segments if segment.doc_count() > 0]
        self.segments: list[Any] = [*kept, *self._written]
        super().commit(merge=False)

    def _flush_segment(self) -> None:  # Whoosh's hook, called by _finalize_segment
        self.perdocwriter.close()
        self._write_postings()
        self.fieldwriter.close()

    def _write_postings(self) -> None:
        """Write the current segment's postings, field by field in name order."""
        raise NotImplementedError

    def _field_prefix(self, name: str) -> bytes:
        """The key prefix of a field's terms in the segment's terms table."""
        from whoosh.system import pack_ushort

        fieldmap = self.fieldwriter._fieldmap
        return bytes(pack_ushort(fieldmap.setdefault(name, len(fieldmap))))

    def _write_terms(
        self,
        prefix: bytes,
        texts: Iterator[bytes],
        docs: Ids,
        freqs: Ids,
        lengths: npt.NDArray[np.uint32] | None,
        ends: Ids,
        format_: Any,
    ) -> None:
        """Write a run of terms (in byte order; ``texts`` yields them) whose postings are
        ``docs`` and ``freqs``, each term's ending at its ``ends``."""
        blocks = W3Blocks(docs, freqs, lengths, ends, format_, self._block_limit, self._compression)
        fieldwriter = self.fieldwriter
        _add_in_order(
            fieldwriter._tindex,
            ((prefix + next(texts), terminfo) for terminfo in blocks.write(fieldwriter._postfile)),
        )


def _add_in_order(tindex: Any, items: Iterable[tuple[bytes, bytes]]) -> None:
    """OrderedHashWriter.add for many (key, value) pairs in increasing key order, the
    same bytes written at once: Whoosh's add writes three times and asks the file's
    position for every term (a third of a rebuild's writing at 600k terms). Whoosh's
    MD5 hash (the low 32 bits of the hex digest read as a number) is read from the
    digest's last four bytes, and the key positions join the index array at the end."""
    from whoosh.filedb.filetables import _lengths, md5_hash

    buffer = bytearray()
    position = tindex.dbfile.tell()
    at_positions: list[int] = []
    buckets = tindex.buckets
    hashfn = tindex.hashfn
    digest_hash = hashfn is md5_hash
    pack = _lengths.pack
    last = tindex.lastkey
    for key, value in items:
        if key <= last:
            raise ValueError(f"Keys must increase: {last!r}..{key!r}")
        at = position + len(buffer)
        at_positions.append(at)
        buffer += pack(len(key), len(value))
        buffer += key
        buffer += value
        if digest_hash:
            hashed = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
        else:
            hashed = hashfn(key)
        buckets[hashed & 255].append((hashed, at))
        last = key
    tindex.lastkey = last
    tindex.dbfile.write(bytes(buffer))
    if at_positions:
        positions = tindex.index  # a GrowableArray: widened for the largest, the last
        positions.append(at_positions[-1])
        positions.array.pop()
        positions.array.extend(at_positions)


def _write_hash_tables_at_once(tindex: Any) -> None:
    """Make a terms table write its 256 hash tables (HashWriter._write_hashes: the
    same slots, found the same way) each in one write, not one per slot."""

    def write_hashes() -> None:
        dbfile = tindex.dbfile
        for entries in tindex.buckets:
            numslots = 2 * len(entries)
            tindex.directory.append((dbfile.tell(), numslots))
            hashes = [0] * numslots
            positions = [0] * numslots  # 0: an empty slot (no key starts at 0)
            for hashed, at in entries:
                slot = (hashed >> 8) % numslots
                while positions[slot]:
                    slot = (slot + 1) % numslots
                hashes[slot] = hashed
                positions[slot] = at
            table = np.empty(numslots, dtype=_HASH_SLOT)
            table["hash"] = hashes
            table["position"] = positions
            dbfile.write(table.tobytes())

    tindex._write_hashes = write_hashes


# HashWriter's slot, struct "!Iq": a big-endian unsigned int and long long, unpadded.
_HASH_SLOT = np.dtype([("hash", ">u4"), ("position", ">i8")])


def _length_bytes(lengths: npt.NDArray[np.uint32]) -> Ids:
    """Whoosh's one-byte field lengths, looked up for every length at once."""
    from whoosh.util.numeric import length_to_byte

    table = np.array([length_to_byte(n) for n in range(int(lengths.max(initial=0)) + 1)])
    return np.asarray(table[lengths], dtype=np.int64)


class W3Blocks:
    """A run of terms' sorted postings cut into Whoosh 3 blocks, with the statistics
    W3PostingsWriter and W3TermInfo keep, computed for all blocks and terms at once."""

    def __init__(
        self,
        docs: Ids,
        freqs: Ids,
        lengths: npt.NDArray[np.uint32] | None,
        ends: Ids,
        format_: Any,
        block_limit: int,
        compression: int,
    ) -> None:
        from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3TermInfo
        from whoosh.system import pack_int, pack_long

        self._magic: bytes = WHOOSH3_HEADER_MAGIC
        self._compress_from = int(COMPRESSION_MIN_SIZE)
        self._pack_int = pack_int
        self._pack_long = pack_long
        if type(format_) not in (Frequency, Existence):
            raise TypeError(f"BulkWriter cannot write {type(format_).__name__} postings")
        self._values = type(format_) is Frequency
        self._compression = compression
        limit = block_limit
        starts = np.concatenate(([0], ends[:-1]))
        blocks_per_term = (ends - starts + limit - 1) // limit
        first_block = np.cumsum(blocks_per_term) - blocks_per_term
        block_term = np.repeat(np.arange(len(ends)), blocks_per_term)
        within = np.arange(len(block_term)) - first_block[block_term]
        block_starts = starts[block_term] + within * limit
        block_ends = np.minimum(block_starts + limit, ends[block_term])

        weights = freqs.astype(np.float32) * np.float32(format_.field_boost)
        deltas = docs.copy()
        deltas[1:] -= docs[:-1]
        deltas[block_starts] = docs[block_starts]
        block_max = np.maximum.reduceat(weights, block_starts)
        block_min = np.minimum.reduceat(weights, block_starts)
        last_block = first_block + blocks_per_term - 1
        is_first = np.zeros(len(block_term), dtype=bool)
        is_first[first_block] = True
        is_last = np.zeros(len(block_term), dtype=bool)
        is_last[last_block] = True
        self._blocks = list(
            zip(
                block_starts.tolist(),
                block_ends.tolist(),
                block_max.tolist(),
                (block_min == block_max).tolist(),
                *self._length_stats(lengths, block_starts),
                is_first.tolist(),
                is_last.tolist(),
                strict=True,
            )
        )
        self._deltas = deltas.tolist()
        self._docs = docs.tolist()
        self._weights = weights.tolist()
        self._freq_bytes = freqs.astype(">u4").tobytes() if self._values else b""

        pack = W3TermInfo._struct.pack
        self._term_heads = [
            pack(False, *stats)
            for stats in zip(
                np.add.reduceat(weights.astype(np.float64), starts).tolist(),
                (ends - starts).tolist(),
                *self._length_stats(lengths, starts),
                np.maximum.reduceat(block_max, first_block).tolist(),
                docs[starts].tolist(),
                docs[ends - 1].tolist(),
                strict=True,
            )
        ]

    @staticmethod
    def _length_stats(
        lengths: npt.NDArray[np.uint32] | None, starts: Ids
    ) -> tuple[list[int], list[int]]:
        """The shortest and longest field length from each start, as Whoosh's bytes
        (0 and 0 for a field without lengths)."""
        if lengths is None:
            zeros = [0] * len(starts)
            return zeros, zeros
        return (
            _length_bytes(np.minimum.reduceat(lengths, starts)).tolist(),
            _length_bytes(np.maximum.reduceat(lengths, starts)).tolist(),
        )

    def write(self, postfile: Any) -> Iterator[bytes]:
        """Write every term's blocks; yield each term's W3TermInfo bytes, in order.

        Each block is W3PostingsWriter._write_block: minified lists, pickled, maybe
        compressed, then its info pickled; one loop over all blocks, the hot path of a
        rebuild's writing (a block per term for most of ~3 million terms)."""
        buffer = bytearray()
        base = postfile.tell()
        magic, pack_int, pack_long = self._magic, self._pack_int, self._pack_long
        dumps, compress = pickle.dumps, zlib.compress
        level, compress_from = self._compression, self._compress_from
        deltas, docs, weights = self._deltas, self._docs, self._weights
        freq_bytes = self._freq_bytes if self._values else None
        heads = iter(self._term_heads)
        offset = base
        for begin, end, top, uniform, shortest, longest, first, last in self._blocks:
            if first:
                offset = base + len(buffer)
                buffer += magic
            # Whoosh's minified weights: None when all are 1, one number when all are equal.
            minified = (None if top == 1.0 else top) if uniform else tuple(weights[begin:end])
            values = None if freq_bytes is None else freq_bytes[4 * begin : 4 * end]
            data = dumps((tuple(deltas[begin:end]), minified, values), 2)
            compression = level if len(data) >= compress_from else 0
            if compression:
                data = compress(data, compression)
            info = dumps((end - begin, docs[end - 1], top, compression, shortest, longest), 2)
            size = len(info) + len(data)
            buffer += pack_int(-size if last else size)
            buffer += info
            buffer += data
            if last:
                yield next(heads) + pack_long(offset) + pack_int(base + len(buffer) - offset)
        postfile.write(bytes(buffer))
