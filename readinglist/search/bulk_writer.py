"""A writer that builds one Whoosh segment from many papers at once, without Whoosh's pool.

Whoosh's writer spends about 10 µs of Python on every posting: each one is a tuple
pickled to a temporary run, sorted externally and merged back, then added to a block one
at a time. A paper has ~280 postings, so a 100k library took minutes to index.

This writer keeps Whoosh's locking, per-document files (stored fields, lengths, columns),
segment and table of contents, and replaces only the postings: words become dense
integer ids and each field's postings flat arrays (:mod:`readinglist.search.gathering`,
which can run in a worker process: :mod:`readinglist.search.analysis_worker`), sorted
once with NumPy at commit and written block by block in Whoosh 3's own format. The
files are the same bytes Whoosh writes for the same documents (``tests/
test_bulk_writer.py`` compares them), so Whoosh and ``search/engine.py`` read them as
they read any segment. Fields analysed by anything other than :class:`EnglishAnalyzer`
go through Whoosh's own ``field.index``.

Everything here that touches Whoosh's internals (the writer's segments and files, the
block format) is in :mod:`readinglist.search.whoosh_private.segments` (:class:`BulkSegmentWriter`,
:class:`W3Blocks`); this module lays out and sorts. With a Whoosh that module does not
know, the index writes with Whoosh's own writer instead (see ``search/index.py``).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.index import Index

from readinglist.search.gathering import (
    PAIR_SHIFT,
    AnalysedBatch,
    AnalyserSpec,
    DocumentAnalyser,
    FieldPostings,
    Vocabulary,
)
from readinglist.search.whoosh_private.segments import BulkSegmentWriter

Ints = npt.NDArray[np.int64]

# Terms are laid out and written in runs of about this many postings (bounds memory).
_RUN_POSTINGS = 1 << 18
# Papers per segment: a segment's postings are held in memory until it is written
# (~5 KB a paper), so a 100k rebuild peaks near 300 MB instead of 850 MB.
SEGMENT_DOCS = 25_000


class _Ids:
    """The writer's copy of its analyser's ids: term texts by id (extended batch by
    batch from each :class:`Vocabulary`, which must follow on from what is here)."""

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.byte_terms: dict[str, list[bytes]] = {}

    def extend(self, new: Vocabulary) -> None:
        _follow(self.terms, new.first_term, new.terms)
        for name, (first, values) in new.byte_terms.items():
            _follow(self.byte_terms.setdefault(name, []), first, values)


def _follow(known: list[Any], first: int, more: list[Any]) -> None:
    """Ids ``first``... appended to ``known``, which must hold exactly the ids before."""
    if first != len(known):
        raise ValueError("analysed batches out of order, or from another analyser")
    known.extend(more)


class _Postings:
    """One field's postings of a segment, as the batches gave them: chunks of term ids,
    frequencies (none kept when every frequency is 1), and per document that has
    postings its number and how many (expanded to one number per posting at commit)."""

    def __init__(self, with_freqs: bool, key_type: str) -> None:
        self.with_freqs = with_freqs
        self.keys = array(key_type)
        self.freqs = array("I")
        self.doc_numbers = array("I")
        self.doc_counts = array("I")

    def extend(self, part: FieldPostings, start: int, stop: int, first_docnum: int) -> None:
        """The postings of the batch's documents ``start`` to ``stop``, the one at
        ``start`` numbered ``first_docnum``."""
        docs, counts = part.docs, part.counts
        low, high = 0, len(docs)
        if start or stop <= (docs[-1] if docs else -1):
            low, high = bisect_left(docs, start), bisect_left(docs, stop)
        if low == high:
            return
        if (low, high) == (0, len(docs)):
            key_low, key_high = 0, len(part.keys)
        else:
            key_low = sum(counts[:low])
            key_high = key_low + sum(counts[low:high])
        self.keys.extend(part.keys[key_low:key_high])
        if self.with_freqs:
            self.freqs.extend(part.freqs[key_low:key_high])
        shift = first_docnum - start
        self.doc_numbers.extend([doc + shift for doc in docs[low:high]])
        self.doc_counts.extend(counts[low:high])

    def docs(self) -> npt.NDArray[np.uint32]:
        numbers = np.frombuffer(self.doc_numbers, dtype=np.uint32)
        return np.repeat(numbers, np.frombuffer(self.doc_counts, dtype=np.uint32))

    def frequencies(self) -> npt.NDArray[np.uint32]:
        if not self.with_freqs:
            return np.ones(len(self.keys), dtype=np.uint32)
        return np.frombuffer(self.freqs, dtype=np.uint32)


class BulkWriter(BulkSegmentWriter):
    """A Whoosh writer that adds documents in new segments (one every ``segment_docs``
    papers) and never merges: Whoosh's merge sorts every posting of the merged segments
    in one call that holds the GIL (hundreds of milliseconds: a frozen window). Deletes
    and ``update_document`` work as in Whoosh; segments left without a live document
    are dropped at commit. Compaction is the index's job (re-indexing small segments).

    Documents come one at a time (:meth:`add_document`, analysed here by
    :attr:`analyser`) or as batches already analysed (:meth:`add_analysed`), by this
    analyser or, in a worker process, by one made from its ``spec`` while this one is
    still :attr:`~DocumentAnalyser.fresh` (see analysis_worker).
    """

    def __init__(
        self,
        index: Index,
        pair_field: str,
        pair_sources: Sequence[str],
        segment_docs: int | None = None,
        timeout: float = 0.0,
    ) -> None:
        super().__init__(index, timeout=timeout)
        self._segment_docs = segment_docs or SEGMENT_DOCS
        self._pair_field = pair_field
        self.analyser = DocumentAnalyser(AnalyserSpec(self.schema, pair_field, tuple(pair_sources)))
        self._fast = frozenset(self.analyser.fast)
        self._ids = _Ids()
        self._postings: dict[str, _Postings] = {}
        # Field lengths (words) per document, for the scorable fields.
        self._lengths = {name: array("I") for name in self.analyser.scorable}

    # --- gathering ------------------------------------------------------------------

    def add_document(self, **fields: Any) -> None:
        """Like SegmentWriter.add_document, without boosts or ``_stored_`` values."""
        self._check_state()
        self.add_analysed(self.analyser.analyse([fields]))

    def add_analysed(self, batch: AnalysedBatch) -> None:
        """Add a batch of documents analysed by this writer's analyser (or one made
        from its spec: see the class docstring), a new segment whenever one is full."""
        self._ids.extend(batch.vocabulary)
        start = 0
        while start < batch.count:
            first = self._begin_documents(self._segment_docs)
            stop = min(batch.count, start + self._segment_docs - first)
            for place in range(start, stop):
                self._store_document(first + place - start, batch.stored[place])
            for name, part in batch.postings.items():
                postings = self._postings.get(name)
                if postings is None:
                    postings = self._postings[name] = _Postings(part.with_freqs, part.keys.typecode)
                postings.extend(part, start, stop, first)
            for name, column in self._lengths.items():
                column.extend(batch.lengths[name][start:stop])
            self._end_documents(stop - start)
            start = stop

    # --- writing --------------------------------------------------------------------

    def _next_segment(self) -> None:
        """Write the current segment and start an empty one."""
        super()._next_segment()
        self._postings = {}
        self._lengths = {name: array("I") for name in self._lengths}

    def _term_bytes(self, name: str, ids: Ints) -> list[bytes]:
        terms = self._ids.terms
        if name in self._fast:
            return [terms[term_id].encode("utf-8") for term_id in ids.tolist()]
        if name == self._pair_field:  # ids are pair keys: two term ids
            mask = (1 << PAIR_SHIFT) - 1
            return [
                f"{terms[key >> PAIR_SHIFT]} {terms[key & mask]}".encode() for key in ids.tolist()
            ]
        values = self._ids.byte_terms[name]
        return [values[i] for i in ids.tolist()]

    def _write_postings(self) -> None:
        for name in sorted(self._postings):
            self._write_field(name, self._postings.pop(name))

    def _write_field(self, name: str, postings: _Postings) -> None:
        if not len(postings.keys):
            return
        if postings.keys.typecode == "Q":
            # Word pairs come as keys of two term ids: dense ids are made here, by one
            # sort in NumPy rather than a dict lookup per posting in the analysis.
            pair_keys, keys = np.unique(
                np.frombuffer(postings.keys, dtype=np.uint64), return_inverse=True
            )
            by_id = np.bincount(keys)
            present = np.arange(len(pair_keys))
            texts = self._term_bytes(name, pair_keys.astype(np.int64))
        else:
            keys = np.frombuffer(postings.keys, dtype=np.uint32)
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
        prefix = self._field_prefix(name)
        sorted_texts = (texts[i] for i in by_text)
        for start, run_ends in _runs(ends):
            stop = int(run_ends[-1])
            self._write_terms(
                prefix,
                sorted_texts,
                docs[start:stop],
                freqs[start:stop],
                None if lengths is None else lengths[start:stop],
                run_ends - start,
                field.format,
            )


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
