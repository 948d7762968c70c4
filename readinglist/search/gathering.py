"""Documents turned into postings, as integer ids in flat arrays: the bulk writer's input.

This is the half of building an index that needs no index: analysing each field's text
(readinglist.search.tokens), giving every term a dense integer id, counting, and laying
each field's postings out in flat arrays, plus what the per-document files will hold.
It is kept apart from :mod:`readinglist.search.bulk_writer` (which writes) so that it
can run in another process while the writer writes (see
:mod:`readinglist.search.analysis_worker`): a batch of documents goes in, an
:class:`AnalysedBatch` comes out, and the batch carries the terms first seen in it
(:class:`Vocabulary`), so the writer's table of ids stays the analyser's, in either
process. One analyser serves one writer, batches in order: ids are given in the order
words are first seen, so the same documents give the same ids, and the same bytes,
wherever they are analysed.

Words become ids through a cache keyed by the raw word: most words of a paper were seen
before, and a word seen before costs one dict lookup. Only Whoosh's public field API is
used here (``field.index()``, ``to_column_value()``, ``stored``, ``scorable``...).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import Any

from whoosh.fields import Schema, UnknownFieldError
from whoosh.formats import Frequency

from readinglist.search.analysis import WORD, EnglishAnalyzer, analyse_token

# A pair of term ids in one int key while gathering: the first id in the high half.
PAIR_SHIFT = 32


class DenseIds(dict[Any, int]):
    """A value -> dense id table: a new value gets the next id."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: list[Any] = []

    def __missing__(self, value: Any) -> int:
        new = self[value] = len(self.by_id)
        self.by_id.append(value)
        return new


class TermIds(dict[str, tuple[int, ...]]):
    """Raw word -> the ids of its terms (none for a stop word); analysed on first sight.

    Keyed by the word as written, so the common case costs one dict lookup: no
    lower-casing, no stop-word check, no stemming, no splitting of names. Ids are shared
    by all text fields. ``sequences`` and ``humps`` hold what the phrase field pairs (see
    readinglist.search.tokens.TokenTerms), filled with the terms.
    """

    def __init__(self) -> None:
        super().__init__()
        self.terms = DenseIds()
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
            self.humps[raw] = tuple(terms[a] << PAIR_SHIFT | terms[b] for a, b in found.pairs)
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
        keys = {first << PAIR_SHIFT | second for first, second in pairwise(sequence)}
        humps = self.humps
        if humps:
            for camel in filter(humps.__contains__, chain.from_iterable(texts)):  # found by C
                keys.update(humps[camel])
        return keys


@dataclass(frozen=True)
class FieldPostings:
    """One field's postings of a batch, in document order: each posting's term id (for
    word pairs, the two terms' ids in one key) and frequency (none kept when every
    frequency is 1), and for each document that has postings its place in the batch
    and how many."""

    with_freqs: bool
    keys: array[int]
    freqs: array[int]
    docs: array[int]
    counts: array[int]


class _Gathering:
    """A field's postings while a batch is analysed: lists, which take a document's
    ids far faster than arrays do (``array.extend`` converts them one by one)."""

    def __init__(self, with_freqs: bool, key_type: str) -> None:
        self.with_freqs = with_freqs
        self.key_type = key_type  # an array type code
        self.keys: list[int] = []
        self.freqs: list[int] = []
        self.docs: list[int] = []
        self.counts: list[int] = []

    def add(self, doc: int, keys: Iterable[int], freqs: Iterable[int] = ()) -> None:
        before = len(self.keys)
        self.keys.extend(keys)
        added = len(self.keys) - before
        if not added:
            return
        self.docs.append(doc)
        self.counts.append(added)
        if self.with_freqs:
            self.freqs.extend(freqs)
            if len(self.freqs) != len(self.keys):
                raise ValueError("a frequency is needed for every posting")

    def done(self) -> FieldPostings:
        """As arrays: compact to send to another process (bytes, not ints)."""
        return FieldPostings(
            self.with_freqs,
            array(self.key_type, self.keys),
            array("I", self.freqs),
            array("I", self.docs),
            array("I", self.counts),
        )


@dataclass(frozen=True)
class Vocabulary:
    """The ids first given in one batch: terms of the text fields (from id
    ``first_term``) and the byte terms of each field Whoosh analyses (field -> (first id,
    terms)). Word pairs need none: their keys are the two terms' ids (:data:`PAIR_SHIFT`)."""

    first_term: int
    terms: list[str]
    byte_terms: dict[str, tuple[int, list[bytes]]]


@dataclass(frozen=True)
class AnalysedBatch:
    """A batch of documents, analysed: per document (in order) what its per-document
    files hold, each field's (name, stored value or None, column value or None, length)
    for the fields that are stored, have a column or a length;
    per scorable field each document's length; per field the postings; the new ids."""

    count: int
    stored: list[list[tuple[str, Any, Any, int]]]
    lengths: dict[str, array[int]]
    postings: dict[str, FieldPostings]
    vocabulary: Vocabulary


@dataclass(frozen=True)
class AnalyserSpec:
    """What an analyser is made from (picklable: a worker process makes its own)."""

    schema: Schema
    pair_field: str
    pair_sources: tuple[str, ...]


class DocumentAnalyser:
    """Analyses batches of documents for one writer (see the module docstring).

    Text fields analysed by :class:`EnglishAnalyzer`, and the word-pair field built from
    them, take the fast path; every other field is analysed by Whoosh itself.
    """

    def __init__(self, spec: AnalyserSpec) -> None:
        self.spec = spec
        schema = spec.schema
        self._schema = schema
        self._pair_field = spec.pair_field
        self._pair_sources = spec.pair_sources
        self._term_ids = TermIds()
        self._byte_terms: dict[str, DenseIds] = {}
        self._analysed: dict[tuple[str, Any], tuple[array[int], array[int], int]] = {}
        self._sent_terms = 0
        self._sent_bytes: dict[str, int] = {}
        self.scorable = tuple(sorted(name for name, item in schema.items() if item.scorable))
        self.fast = tuple(
            sorted(
                name
                for name, item in schema.items()
                if isinstance(getattr(item, "analyzer", None), EnglishAnalyzer)
                and type(item.format) is Frequency
                and not item.vector
                and not item.separate_spelling()
            )
        )
        if not set(self._pair_sources) <= set(self.fast):
            raise ValueError("the pair field's sources must be English text fields")

    @property
    def fresh(self) -> bool:
        """No id given yet: another analyser made from the same spec gives the same."""
        return not (self._term_ids.terms.by_id or self._byte_terms)

    def analyse(self, docs: Sequence[dict[str, Any]]) -> AnalysedBatch:
        """The postings, per-document values and new ids of ``docs``, in order."""
        postings: dict[str, _Gathering] = {}
        lengths = {name: array("I", bytes(4 * len(docs))) for name in self.scorable}
        stored = [
            self._document(place, fields, postings, lengths) for place, fields in enumerate(docs)
        ]
        done = {name: gathered.done() for name, gathered in postings.items()}
        return AnalysedBatch(len(docs), stored, lengths, done, self._new_ids())

    def _document(
        self,
        place: int,
        fields: dict[str, Any],
        postings: dict[str, _Gathering],
        lengths: dict[str, array[int]],
    ) -> list[tuple[str, Any, Any, int]]:
        """Like SegmentWriter.add_document's analysis, without boosts or ``_stored_``
        values: what one document's per-document files hold."""
        schema = self._schema
        names = sorted(name for name, value in fields.items() if value is not None)
        for name in names:
            if name.startswith("_"):
                raise ValueError("BulkWriter takes no boosts or _stored_ values")
            if name not in schema:
                raise UnknownFieldError(f"No field named {name!r} in {schema}")
        analysed = {
            name: self._term_ids.of(fields[name])
            for name in self.fast
            if fields.get(name) is not None
        }
        stored: list[tuple[str, Any, Any, int]] = []
        for name in names:
            value = fields[name]
            item = schema[name]
            length = 0
            if name in analysed:
                ids = analysed[name][0]
                counts = Counter(ids)
                _field(postings, name, True).add(place, counts.keys(), counts.values())
                length = len(ids) if item.scorable else 0
            elif name == self._pair_field:
                pairs = self._pairs(value, fields, analysed)
                _field(postings, name, False, "Q").add(place, pairs)
            elif item.indexed:
                length = self._with_whoosh(place, name, item, value, postings)
            if length:
                lengths[name][place] = length
            if item.stored or item.column_type or length:  # else the files hold nothing
                stored.append(
                    (
                        name,
                        value if item.stored else None,
                        item.to_column_value(value) if item.column_type else None,
                        length,
                    )
                )
        return stored

    def _pairs(
        self, value: str, fields: dict[str, Any], analysed: dict[str, tuple[list[int], list[str]]]
    ) -> set[int]:
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
        return term_ids.pair_keys(texts)

    def _with_whoosh(
        self, place: int, name: str, item: Any, value: Any, postings: dict[str, _Gathering]
    ) -> int:
        """A field Whoosh analyses itself; its terms get ids of their own. Most values
        recur (statuses, tags, hosts, import times), so each value is analysed once;
        a field whose values are the paper's own (``varies``: acronyms) is not kept."""
        cache_key = (name, value)
        kept = not item.unique and not getattr(item, "varies", False)
        found = self._analysed.get(cache_key) if kept else None
        if found is None:
            known = self._byte_terms.get(name)
            if known is None:
                known = self._byte_terms[name] = DenseIds()
            keys, freqs = array("I"), array("I")
            for btext, freq, weight, _value in item.index(value):
                if weight != freq * item.format.field_boost:
                    raise ValueError(f"field {name!r} has term boosts; BulkWriter drops them")
                keys.append(known[btext])
                freqs.append(freq)
            found = (keys, freqs, sum(freqs) if item.scorable else 0)
            if kept:
                self._analysed[cache_key] = found
        keys, freqs, length = found
        _field(postings, name, True).add(place, keys, freqs)
        return length

    def _new_ids(self) -> Vocabulary:
        """The ids given since the last batch (and remember they were handed out)."""
        terms = self._term_ids.terms.by_id
        byte_terms: dict[str, tuple[int, list[bytes]]] = {}
        for name, ids in self._byte_terms.items():
            first = self._sent_bytes.get(name, 0)
            if len(ids.by_id) > first:
                byte_terms[name] = (first, ids.by_id[first:])
                self._sent_bytes[name] = len(ids.by_id)
        found = Vocabulary(self._sent_terms, terms[self._sent_terms :], byte_terms)
        self._sent_terms = len(terms)
        return found


def _field(
    postings: dict[str, _Gathering], name: str, with_freqs: bool, key_type: str = "I"
) -> _Gathering:
    """A field's postings of the batch; keys of word pairs (two term ids) take 64 bits."""
    found = postings.get(name)
    if found is None:
        found = postings[name] = _Gathering(with_freqs, key_type)
    return found
