"""The bulk writer's Whoosh side: segments written by hand, in Whoosh 3's own format.

Part of :mod:`readinglist.search.whoosh_private` (the one package that reaches Whoosh's
internals; see its docstring for the rules). Written against the same whoosh3 version.
The private things touched, for :class:`BulkSegmentWriter` and :class:`W3Blocks`: the
``SegmentWriter`` internals ``codec``, ``docnum``, ``newsegment``, ``perdocwriter``
(``start_doc``, ``add_field``, ``add_column_value``, ``finish_doc``, ``close``),
``fieldwriter`` (``_fieldmap``, ``_tindex``, ``_postfile``, ``close``), ``indexname``,
``segments``, ``_added``, ``_check_state``, ``_finalize_segment``, ``_flush_segment``;
``W3Codec`` (``_inlinelimit``, ``_blocklimit``, ``_compression``, ``new_segment``,
``per_document_writer``, ``field_writer``); the Whoosh 3 posting format:
``W3TermInfo._struct``, ``WHOOSH3_HEADER_MAGIC``, ``COMPRESSION_MIN_SIZE``, the pickled
block layout of ``W3PostingsWriter._write_block``, ``whoosh.system.pack_int``/
``pack_long``/``pack_ushort`` and ``whoosh.util.numeric.length_to_byte``; the terms
table written by hand: ``OrderedHashWriter.add`` (``dbfile``, ``index`` and its
``GrowableArray.array``, ``buckets``, ``hashfn``, ``lastkey``, ``filetables._lengths``,
``md5_hash``) and ``HashWriter._write_hashes`` (``directory``, the slot struct
``!Iq``). The segments written are the very bytes Whoosh's own writer writes
(``tests/test_bulk_writer.py``).

Whoosh's private modules are imported when a bulk writer is made, not with this module:
an unknown Whoosh that lacks them still imports readinglist (and uses the public API).
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterable, Iterator
from hashlib import md5
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.formats import Existence, Frequency
from whoosh.writing import SegmentWriter

Ids = npt.NDArray[np.int64]


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
