"""A writer that builds one Whoosh segment from many papers at once, without Whoosh's pool.

Whoosh's writer spends about 10 µs of Python on every posting: each one is a tuple
pickled to a temporary run, sorted externally and merged back, then added to a block one
at a time. A paper has ~280 postings, so a 100k library took minutes to index.

This writer keeps Whoosh's locking, per-document files (stored fields, lengths, columns),
segment and table of contents, and replaces only the postings: words become dense
integer ids through a cache keyed by the raw word, each field's postings are gathered in
flat arrays, sorted once with NumPy at commit and written block by block in Whoosh 3's
own format. The files are the same bytes Whoosh writes for the same documents
(``tests/test_bulk_writer.py`` compares them), so Whoosh and ``search/engine.py`` read
them as they read any segment. Fields analysed by anything other than
:class:`EnglishAnalyzer` go through Whoosh's own ``field.index``.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3TermInfo,
)
from whoosh.formats import Existence, Frequency
from whoosh.index import Index
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from readinglist.search.analysis import MAX_WORD, STOP_WORDS, WORD, EnglishAnalyzer, stem

Ints = npt.NDArray[np.int64]

# A pair of term ids in one int key while gathering: the first id in the high half.
_PAIR_SHIFT = 32
# Terms are laid out and written in runs of about this many postings (bounds memory).
_RUN_POSTINGS = 1 << 18
# Papers per segment: a segment's postings are held in memory until it is written
# (~5 KB a paper), so a 100k rebuild peaks near 300 MB instead of 850 MB.
SEGMENT_DOCS = 25_000


class _DenseIds(dict[Any, int]):
    """A value -> dense id table: a new value gets the next id."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: list[Any] = []

    def __missing__(self, value: Any) -> int:
        new = self[value] = len(self.by_id)
        self.by_id.append(value)
        return new


class _TermIds(dict[str, int]):
    """Raw word -> term id, or -1 for a word the analyzer drops; stems on first sight.

    Keyed by the word as written, so the common case costs one dict lookup: no
    lower-casing, no stop-word check, no stemming. Ids are shared by all text fields.
    """

    def __init__(self) -> None:
        super().__init__()
        self.terms = _DenseIds()

    def __missing__(self, raw: str) -> int:
        word = raw.lower()
        term_id = -1 if word in STOP_WORDS or len(word) > MAX_WORD else self.terms[stem(word)]
        self[raw] = term_id
        return term_id

    def of(self, text: str) -> list[int]:
        """The term ids of ``text``, in order: what EnglishAnalyzer yields, as ids."""
        return list(filter((-1).__ne__, map(self.__getitem__, WORD.findall(text))))


class _Postings:
    """One field's postings in flat arrays, in document order: each posting's term key
    and frequency (none kept when every frequency is 1), and per document that has
    postings its number and how many (expanded to one number per posting at commit)."""

    def __init__(self, with_freqs: bool) -> None:
        self.with_freqs = with_freqs
        self.keys = array("I")
        self.freqs = array("I")
        self.doc_numbers = array("I")
        self.doc_counts = array("I")

    def add(self, docnum: int, keys: Iterable[int], freqs: Iterable[int] = ()) -> None:
        before = len(self.keys)
        self.keys.extend(keys)
        added = len(self.keys) - before
        if not added:
            return
        self.doc_numbers.append(docnum)
        self.doc_counts.append(added)
        if self.with_freqs:
            self.freqs.extend(freqs)
            if len(self.freqs) != len(self.keys):
                raise ValueError("a frequency is needed for every posting")

    def docs(self) -> npt.NDArray[np.uint32]:
        numbers = np.frombuffer(self.doc_numbers, dtype=np.uint32)
        return np.repeat(numbers, np.frombuffer(self.doc_counts, dtype=np.uint32))

    def frequencies(self) -> npt.NDArray[np.uint32]:
        if not self.with_freqs:
            return np.ones(len(self.keys), dtype=np.uint32)
        return np.frombuffer(self.freqs, dtype=np.uint32)


class BulkWriter(SegmentWriter):  # type: ignore[misc]
    """A Whoosh writer that adds documents in new segments (one every ``segment_docs``
    papers) and never merges: Whoosh's merge sorts every posting of the merged segments
    in one call that holds the GIL (hundreds of milliseconds: a frozen window). Deletes
    and ``update_document`` work as in Whoosh; segments left without a live document
    are dropped at commit. Compaction is the index's job (re-indexing small segments).

    Text fields analysed by :class:`EnglishAnalyzer`, and the word-pair field built from
    them, take the fast path; every other field is indexed by Whoosh itself.
    """

    def __init__(
        self,
        index: Index,
        pair_field: str,
        pair_sources: Sequence[str],
        segment_docs: int | None = None,
        timeout: float = 0.0,
    ) -> None:
        super().__init__(index, compound=False, timeout=timeout)
        self._segment_docs = segment_docs or SEGMENT_DOCS
        self._written: list[Any] = []  # finished segments, added to the index at commit
        codec = self.codec
        if not isinstance(codec, W3Codec) or codec._inlinelimit > 1:
            raise TypeError("BulkWriter writes Whoosh 3 postings without inlining only")
        schema = self.schema
        self._pair_field = pair_field
        self._pair_sources = tuple(pair_sources)
        self._term_ids = _TermIds()
        self._pair_ids = _DenseIds()
        self._byte_terms: dict[str, _DenseIds] = {}
        self._analysed: dict[tuple[str, Any], tuple[array[int], array[int], int]] = {}
        self._postings: dict[str, _Postings] = {}
        # Field lengths (words) per document, for the scorable fields.
        self._lengths = {name: array("I") for name, field in schema.items() if field.scorable}
        self._fast = sorted(
            name
            for name, field in schema.items()
            if isinstance(getattr(field, "analyzer", None), EnglishAnalyzer)
            and type(field.format) is Frequency
            and not field.vector
            and not field.separate_spelling()
        )
        if not set(self._pair_sources) <= set(self._fast):
            raise ValueError("the pair field's sources must be English text fields")

    # --- gathering ------------------------------------------------------------------

    def _field_postings(self, name: str) -> _Postings:
        found = self._postings.get(name)
        if found is None:
            found = self._postings[name] = _Postings(with_freqs=name != self._pair_field)
        return found

    def add_document(self, **fields: Any) -> None:
        """Like SegmentWriter.add_document, without boosts or ``_stored_`` values."""
        self._check_state()
        if any(name.startswith("_") for name in fields):
            raise ValueError("BulkWriter takes no boosts or _stored_ values")
        if self.docnum >= self._segment_docs:
            self._next_segment()
        schema = self.schema
        names = sorted(name for name, value in fields.items() if value is not None)
        self._check_fields(schema, names)
        docnum = self.docnum
        term_ids = {name: self._term_ids.of(fields[name]) for name in self._fast if name in fields}
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        lengths: dict[str, int] = {}
        for name in names:
            value = fields[name]
            field = schema[name]
            length = 0
            if name in term_ids:
                ids = term_ids[name]
                counts = Counter(ids)
                self._field_postings(name).add(docnum, counts.keys(), counts.values())
                length = len(ids) if field.scorable else 0
            elif name == self._pair_field:
                self._add_pairs(docnum, value, fields, term_ids)
            elif field.indexed:
                length = self._add_with_whoosh(docnum, name, field, value)
            lengths[name] = length
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        for name, column in self._lengths.items():
            column.append(lengths.get(name, 0))
        self._added = True
        self.docnum += 1

    def _add_pairs(
        self, docnum: int, value: str, fields: dict[str, Any], term_ids: dict[str, list[int]]
    ) -> None:
        """Adjacent term pairs; reuses the sources' ids when the value is the sources
        joined by newlines (the usual case: a newline never joins two words)."""
        sources = self._pair_sources
        if all(source in term_ids for source in sources) and value == "\n".join(
            fields[source] for source in sources
        ):
            ids = [term_id for source in sources for term_id in term_ids[source]]
        else:
            ids = self._term_ids.of(value)
        pairs = {first << _PAIR_SHIFT | second for first, second in pairwise(ids)}
        self._field_postings(self._pair_field).add(docnum, map(self._pair_ids.__getitem__, pairs))

    def _add_with_whoosh(self, docnum: int, name: str, field: Any, value: Any) -> int:
        """A field Whoosh analyses itself; its terms get ids of their own. Most values
        recur (statuses, tags, hosts, import times), so each value is analysed once."""
        cache_key = (name, value)
        found = None if field.unique else self._analysed.get(cache_key)
        if found is None:
            known = self._byte_terms.setdefault(name, _DenseIds())
            keys, freqs = array("I"), array("I")
            for btext, freq, weight, _value in field.index(value):
                if weight != freq * field.format.field_boost:
                    raise ValueError(f"field {name!r} has term boosts; BulkWriter drops them")
                keys.append(known[btext])
                freqs.append(freq)
            found = (keys, freqs, sum(freqs) if field.scorable else 0)
            if not field.unique:
                self._analysed[cache_key] = found
        keys, freqs, length = found
        self._field_postings(name).add(docnum, keys, freqs)
        return length

    # --- writing --------------------------------------------------------------------

    def _next_segment(self) -> None:
        """Write the current segment and start an empty one."""
        self._written.append(self._finalize_segment())
        codec = self.codec
        self.newsegment = codec.new_segment(self.storage, self.indexname)
        self.perdocwriter = codec.per_document_writer(self.storage, self.newsegment)
        self.fieldwriter = codec.field_writer(self.storage, self.newsegment)
        self.docnum = 0
        self._postings = {}
        self._lengths = {name: array("I") for name in self._lengths}

    def commit(self, **_options: Any) -> None:
        """Add the written segments and the current one to the index, merging none."""
        kept = [segment for segment in self.segments if segment.doc_count() > 0]
        self.segments: list[Any] = [*kept, *self._written]
        super().commit(merge=False)

    def _term_bytes(self, name: str, ids: Ints) -> list[bytes]:
        terms = self._term_ids.terms.by_id
        if name in self._fast:
            return [terms[term_id].encode("utf-8") for term_id in ids.tolist()]
        if name == self._pair_field:
            mask = (1 << _PAIR_SHIFT) - 1
            pairs = self._pair_ids.by_id
            return [
                f"{terms[pairs[i] >> _PAIR_SHIFT]} {terms[pairs[i] & mask]}".encode()
                for i in ids.tolist()
            ]
        values = self._byte_terms[name].by_id
        return [values[i] for i in ids.tolist()]

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        for name in sorted(self._postings):
            self._write_field(fieldwriter, name, self._postings.pop(name))
        fieldwriter.close()

    def _write_field(self, fieldwriter: W3FieldWriter, name: str, postings: _Postings) -> None:
        keys = np.frombuffer(postings.keys, dtype=np.uint32)
        if not len(keys):
            return
        by_id = np.bincount(keys)
        present = np.flatnonzero(by_id)
        texts = self._term_bytes(name, present)
        by_text = _byte_order(texts, text_only=name in self._fast or name == self._pair_field)
        rank = np.zeros(len(by_id), np.int64)
        rank[present[by_text]] = np.arange(len(present))
        docs, freqs = _sort_postings(
            rank[keys],
            postings.docs(),
            postings.frequencies(),
        )
        del keys, postings
        ends = np.cumsum(by_id[present[by_text]])

        field = self.schema[name]
        lengths = np.frombuffer(self._lengths[name], np.uint32)[docs] if field.scorable else None
        fieldmap = fieldwriter._fieldmap
        field_id = pack_ushort(fieldmap.setdefault(name, len(fieldmap)))
        tindex = fieldwriter._tindex
        sorted_texts = (texts[i] for i in by_text)
        for start, run_ends in _runs(ends):
            stop = int(run_ends[-1])
            layout = _Layout(
                docs[start:stop],
                freqs[start:stop],
                None if lengths is None else lengths[start:stop],
                run_ends - start,
                field.format,
                self.codec,
            )
            for terminfo in layout.write(fieldwriter._postfile):
                tindex.add(field_id + next(sorted_texts), terminfo)


def _byte_order(texts: list[bytes], text_only: bool) -> list[int]:
    """Indexes of ``texts`` in byte order. Words have no NUL byte, so NumPy can sort
    them as fixed-width bytes, without holding the GIL (a window's thread keeps
    running); other terms (binary numbers) keep Python's sort."""
    if not text_only or not texts:
        return sorted(range(len(texts)), key=texts.__getitem__)
    order: list[int] = np.argsort(np.array(texts, dtype=bytes), kind="stable").tolist()
    return order


def _sort_postings(
    rank: Ints, docs: npt.NDArray[np.uint32], freqs: npt.NDArray[np.uint32]
) -> tuple[Ints, Ints]:
    """Postings ordered by term rank, then document: one sort of packed integers when
    (rank, document, frequency) fit in 63 bits, else a stable argsort."""
    doc_bits = int(docs.max()).bit_length()
    freq_bits = int(freqs.max()).bit_length()
    if int(rank.max()).bit_length() + doc_bits + freq_bits <= 63:
        packed = (rank << (doc_bits + freq_bits)) | (docs.astype(np.int64) << freq_bits) | freqs
        packed.sort()
        return (packed >> freq_bits) & ((1 << doc_bits) - 1), packed & ((1 << freq_bits) - 1)
    order = np.argsort(rank, kind="stable")  # documents were added in ascending order
    return docs[order].astype(np.int64), freqs[order].astype(np.int64)


def _runs(ends: Ints) -> Iterator[tuple[int, Ints]]:
    """Consecutive runs of terms of about _RUN_POSTINGS postings: (first posting, the
    run's term ends)."""
    first_term, start = 0, 0
    while first_term < len(ends):
        last_term = int(np.searchsorted(ends, start + _RUN_POSTINGS, side="right"))
        last_term = max(last_term, first_term + 1)
        yield start, ends[first_term:last_term]
        first_term, start = last_term, int(ends[last_term - 1])


def _length_bytes(lengths: npt.NDArray[np.uint32]) -> Ints:
    """Whoosh's one-byte field lengths, looked up for every length at once."""
    table = np.array([length_to_byte(n) for n in range(int(lengths.max(initial=0)) + 1)])
    return np.asarray(table[lengths], dtype=np.int64)


class _Layout:
    """A run of terms' sorted postings cut into Whoosh 3 blocks, with the statistics
    W3PostingsWriter and W3TermInfo keep, computed for all blocks and terms at once."""

    def __init__(
        self,
        docs: Ints,
        freqs: Ints,
        lengths: npt.NDArray[np.uint32] | None,
        ends: Ints,
        format_: Any,
        codec: W3Codec,
    ) -> None:
        if type(format_) not in (Frequency, Existence):
            raise TypeError(f"BulkWriter cannot write {type(format_).__name__} postings")
        self._values = type(format_) is Frequency
        self._compression = int(codec._compression)
        limit = int(codec._blocklimit)
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
        self._blocks = list(
            zip(
                block_starts.tolist(),
                block_ends.tolist(),
                block_max.tolist(),
                (block_min == block_max).tolist(),
                *self._length_stats(lengths, block_starts),
                strict=True,
            )
        )
        self._term_blocks = list(
            zip(first_block.tolist(), (first_block + blocks_per_term).tolist(), strict=True)
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
        lengths: npt.NDArray[np.uint32] | None, starts: Ints
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
        """Write every term's blocks; yield each term's W3TermInfo bytes, in order."""
        buffer = bytearray()
        base = postfile.tell()
        block = self._block
        for head, (first, end) in zip(self._term_heads, self._term_blocks, strict=True):
            offset = base + len(buffer)
            buffer += WHOOSH3_HEADER_MAGIC
            for number in range(first, end):
                block(buffer, number, last=number == end - 1)
            yield head + pack_long(offset) + pack_int(base + len(buffer) - offset)
        postfile.write(bytes(buffer))

    def _block(self, buffer: bytearray, number: int, last: bool) -> None:
        """W3PostingsWriter._write_block: minified lists, pickled, maybe compressed."""
        begin, end, top, uniform, shortest, longest = self._blocks[number]
        # Whoosh's minified weights: None when all are 1, one number when all are equal.
        weights = (None if top == 1.0 else top) if uniform else tuple(self._weights[begin:end])
        values = self._freq_bytes[4 * begin : 4 * end] if self._values else None
        data = pickle.dumps((tuple(self._deltas[begin:end]), weights, values), 2)
        compression = self._compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if compression:
            data = zlib.compress(data, compression)
        info = pickle.dumps(
            (end - begin, self._docs[end - 1], top, compression, shortest, longest), 2
        )
        size = len(info) + len(data)
        buffer += pack_int(-size if last else size)
        buffer += info
        buffer += data
