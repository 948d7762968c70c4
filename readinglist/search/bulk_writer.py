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

Everything here that touches Whoosh's internals (the writer's segments and files, the
block format) is in :mod:`readinglist.search.whoosh_private` (:class:`BulkSegmentWriter`,
:class:`W3Blocks`); this module gathers and sorts. With a Whoosh that module does not
know, the index writes with Whoosh's own writer instead (see ``search/index.py``).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.formats import Frequency
from whoosh.index import Index

from readinglist.search.analysis import WORD, EnglishAnalyzer, analyse_token
from readinglist.search.whoosh_private import BulkSegmentWriter

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


class _TermIds(dict[str, tuple[int, ...]]):
    """Raw word -> the ids of its terms (none for a stop word); analysed on first sight.

    Keyed by the word as written, so the common case costs one dict lookup: no
    lower-casing, no stop-word check, no stemming, no splitting of names. Ids are shared
    by all text fields. ``sequences`` and ``humps`` hold what the phrase field pairs (see
    readinglist.search.tokens.TokenTerms), filled with the terms.
    """

    def __init__(self) -> None:
        super().__init__()
        self.terms = _DenseIds()
        self.sequences: dict[str, tuple[int, ...]] = {}
        self.humps: dict[str, tuple[int, ...]] = {}  # pair keys; only camel-case words

    def __missing__(self, raw: str) -> tuple[int, ...]:
        found = analyse_token(raw)
        terms = self.terms
        ids = self[raw] = tuple(terms[text] for text in found.terms)
        self.sequences[raw] = (
            ids if found.sequence == found.terms else tuple(terms[t] for t in found.sequence)
        )
        if found.pairs:
            self.humps[raw] = tuple(terms[a] << _PAIR_SHIFT | terms[b] for a, b in found.pairs)
        return ids

    def of(self, text: str) -> tuple[list[int], list[str]]:
        """The term ids of ``text`` in order (what EnglishAnalyzer yields, as ids), and
        its words as written."""
        words = WORD.findall(text)
        return list(chain.from_iterable(map(self.__getitem__, words))), words

    def pair_keys(self, texts: Iterable[list[str]]) -> set[int]:
        """The phrase field's pairs of the words of ``texts``, in order (each text's
        words as :meth:`of` gave them, so every word has been seen), as int keys.
        Nearly every paper has a name or a hyphenated word: no shortcut for others."""
        texts = list(texts)
        sequence = list(
            chain.from_iterable(map(self.sequences.__getitem__, chain.from_iterable(texts)))
        )
        keys = {first << _PAIR_SHIFT | second for first, second in pairwise(sequence)}
        humps = self.humps
        if humps:
            for camel in filter(humps.__contains__, chain.from_iterable(texts)):  # found by C
                keys.update(humps[camel])
        return keys


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


class BulkWriter(BulkSegmentWriter):
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
        super().__init__(index, timeout=timeout)
        self._segment_docs = segment_docs or SEGMENT_DOCS
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
        if any(name.startswith("_") for name in fields):
            raise ValueError("BulkWriter takes no boosts or _stored_ values")
        schema = self.schema
        names = sorted(name for name, value in fields.items() if value is not None)
        docnum = self._begin_document(names, self._segment_docs)
        analysed = {name: self._term_ids.of(fields[name]) for name in self._fast if name in fields}
        stored: list[tuple[str, Any, Any, int]] = []
        lengths: dict[str, int] = {}
        for name in names:
            value = fields[name]
            field = schema[name]
            length = 0
            if name in analysed:
                ids = analysed[name][0]
                counts = Counter(ids)
                self._field_postings(name).add(docnum, counts.keys(), counts.values())
                length = len(ids) if field.scorable else 0
            elif name == self._pair_field:
                self._add_pairs(docnum, value, fields, analysed)
            elif field.indexed:
                length = self._add_with_whoosh(docnum, name, field, value)
            lengths[name] = length
            stored.append((name, field, value, length))
        self._store_document(docnum, stored)
        for name, column in self._lengths.items():
            column.append(lengths.get(name, 0))
        self._end_document()

    def _add_pairs(
        self,
        docnum: int,
        value: str,
        fields: dict[str, Any],
        analysed: dict[str, tuple[list[int], list[str]]],
    ) -> None:
        """Adjacent term pairs; reuses the sources' words when the value is the sources
        joined by newlines (the usual case: a newline never joins two words)."""
        sources = self._pair_sources
        term_ids = self._term_ids
        if all(source in analysed for source in sources) and value == "\n".join(
            fields[source] for source in sources
        ):
            texts = [analysed[source][1] for source in sources]
        else:
            texts = [term_ids.of(value)[1]]
        pairs = term_ids.pair_keys(texts)
        self._field_postings(self._pair_field).add(docnum, map(self._pair_ids.__getitem__, pairs))

    def _add_with_whoosh(self, docnum: int, name: str, field: Any, value: Any) -> int:
        """A field Whoosh analyses itself; its terms get ids of their own. Most values
        recur (statuses, tags, hosts, import times), so each value is analysed once;
        a field whose values are the paper's own (``varies``: acronyms) is not kept."""
        cache_key = (name, value)
        kept = not field.unique and not getattr(field, "varies", False)
        found = self._analysed.get(cache_key) if kept else None
        if found is None:
            known = self._byte_terms.setdefault(name, _DenseIds())
            keys, freqs = array("I"), array("I")
            for btext, freq, weight, _value in field.index(value):
                if weight != freq * field.format.field_boost:
                    raise ValueError(f"field {name!r} has term boosts; BulkWriter drops them")
                keys.append(known[btext])
                freqs.append(freq)
            found = (keys, freqs, sum(freqs) if field.scorable else 0)
            if kept:
                self._analysed[cache_key] = found
        keys, freqs, length = found
        self._field_postings(name).add(docnum, keys, freqs)
        return length

    # --- writing --------------------------------------------------------------------

    def _next_segment(self) -> None:
        """Write the current segment and start an empty one."""
        super()._next_segment()
        self._postings = {}
        self._lengths = {name: array("I") for name in self._lengths}

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

    def _write_postings(self) -> None:
        for name in sorted(self._postings):
            self._write_field(name, self._postings.pop(name))

    def _write_field(self, name: str, postings: _Postings) -> None:
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
