"""The library's own acronyms, kept in the index and read back as a table.

Each paper's definitions (readinglist.core.acronyms: "Mixture-of-Experts (MoE)") are
indexed with it, as terms of a keyword field (:data:`ACRONYM_FIELD`), one per definition:
``acronym term|acronym as written|expansion terms|expansion as written``. So they are
written, updated, deleted and rebuilt with the paper, by the same writers, and nothing
beside the index has to be kept in step: the table is derived from the field's terms
when a searcher opens, segment by segment (a segment never changes, so its terms are
read once; see ``SegmentPostings``).

The engine uses the table both ways: "moe" also searches "mixture of experts", and
"mixture of experts" (or "mixture-of-experts") also searches "moe".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any, Final

from whoosh.fields import KEYWORD
from whoosh.system import pack_uint

from readinglist.core.acronyms import definitions
from readinglist.search.analysis import STOP_WORDS, analyse_token, query_tokens

ACRONYM_FIELD: Final = "acronyms"
# Expansions searched for one acronym at most ("SAM": segment anything model,
# sharpness-aware minimization), those most papers define first.
MAX_EXPANSIONS: Final = 3
_SEPARATOR: Final = "|"


class AcronymField(KEYWORD):  # type: ignore[misc]
    """The definitions of a paper, comma-separated. Values differ from paper to paper,
    so the bulk writer does not keep them (``varies``); not scored, not stored."""

    varies = True

    def __init__(self) -> None:
        super().__init__(commas=True, lowercase=False, scorable=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """What Whoosh's keyword analysis yields for our values (comma-separated, no
        spaces, no empty entries), in the same order, without its chain of generators."""
        counts: dict[str, int] = {}
        for entry in value.split(","):
            if entry:
                counts[entry] = counts.get(entry, 0) + 1
        boost = self.format.field_boost
        for entry, frequency in counts.items():
            yield (
                entry.encode("utf-8"),
                frequency,
                frequency * boost,
                pack_uint(frequency),
            )


def field_value(*texts: str) -> str:
    """The acronym field of a paper: the definitions its texts make, encoded."""
    entries = {
        entry: None
        for text in texts
        for definition in definitions(text)
        if (entry := _entry(definition.acronym, definition.expansion))
    }
    return ",".join(entries)


@lru_cache(maxsize=8192)
def _entry(acronym: str, expansion: str) -> str:
    """One definition as the field's term ("" when it has no words to search). Cached:
    papers define the same acronyms the same way ("large language models (LLMs)")."""
    term = analyse_token(acronym).whole
    terms = [piece for token in query_tokens(expansion) for piece in token.sequence]
    if term is None or len(terms) < 2:
        return ""
    return _SEPARATOR.join((term, acronym, " ".join(terms), _readable(expansion)))


# A definition: the acronym's index term, and the index terms of its words.
_Key = tuple[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Expansion:
    """One acronym and what it stands for in the library."""

    acronym: str  # its index term ("moe")
    acronym_shown: str  # as papers write it ("MoE")
    terms: tuple[str, ...]  # the index terms of its words ("mixtur", "expert")
    words: str  # as papers write them ("mixture of experts")
    papers: int  # how many papers define it so


class AcronymTable:
    """Every definition of the library, by acronym and by the terms of its words."""

    def __init__(self, entries: Iterable[tuple[str, int]]) -> None:
        """``entries``: the field's terms and how many papers hold each."""
        # Per (acronym, its words' terms): papers, and how papers write the acronym
        # and the words (most spellings are one: no Counter for those, 0.17 s at 100k).
        found: dict[_Key, _Spellings] = {}
        for entry, count in entries:
            fields = entry.split(_SEPARATOR)
            if len(fields) != 4:
                continue
            key = (fields[0], tuple(fields[2].split()))
            spellings = found.get(key)
            if spellings is None:
                found[key] = _Spellings(count, {fields[1]: count}, {fields[3]: count})
            else:
                spellings.add(fields[1], fields[3], count)
        # Each acronym's and each expansion's definitions, as first read; their
        # Expansions are made when asked for (a search asks about a few of 15,000).
        self._found = found
        self._keys_by_acronym: defaultdict[str, list[_Key]] = defaultdict(list)
        self._keys_by_terms: defaultdict[tuple[str, ...], list[_Key]] = defaultdict(list)
        for key in found:
            self._keys_by_acronym[key[0]].append(key)
            self._keys_by_terms[key[1]].append(key)
        self._made: dict[_Key, Expansion] = {}
        self._by_acronym: dict[str, list[Expansion]] = {}
        self._by_terms: dict[tuple[str, ...], list[Expansion]] = {}
        self.longest = max((len(terms) for terms in self._keys_by_terms), default=0)
        self._size = sum(min(len(k), MAX_EXPANSIONS) for k in self._keys_by_acronym.values())

    def __len__(self) -> int:
        return self._size

    def expansions(self, acronym: str) -> list[Expansion]:
        """What an acronym's index term stands for, the commonest first."""
        found = self._by_acronym.get(acronym)
        if found is None:
            found = self._by_acronym[acronym] = self._commonest(
                self._keys_by_acronym.get(acronym, [])
            )
        return found

    def acronyms(self, terms: tuple[str, ...]) -> list[Expansion]:
        """The acronyms that stand for these index terms (in this order)."""
        found = self._by_terms.get(terms)
        if found is None:
            found = self._by_terms[terms] = self._commonest(self._keys_by_terms.get(terms, []))
        return found

    def _commonest(self, keys: list[_Key]) -> list[Expansion]:
        """The definitions of most papers first (equals: as first read), at most
        MAX_EXPANSIONS of them."""
        ranked = sorted(keys, key=lambda key: self._found[key].papers, reverse=True)
        return [self._expansion(key) for key in ranked[:MAX_EXPANSIONS]]

    def _expansion(self, key: _Key) -> Expansion:
        made = self._made.get(key)
        if made is None:
            spellings = self._found[key]
            made = self._made[key] = Expansion(
                key[0],
                _singular(_commonest(spellings.shown)),
                key[1],
                _commonest(spellings.words),
                spellings.papers,
            )
        return made


@dataclass(slots=True)
class _Spellings:
    """How many papers define one acronym with one expansion, and how they write each."""

    papers: int
    shown: dict[str, int]
    words: dict[str, int]

    def add(self, shown: str, words: str, count: int) -> None:
        self.papers += count
        self.shown[shown] = self.shown.get(shown, 0) + count
        self.words[words] = self.words.get(words, 0) + count


def _commonest(counts: dict[str, int]) -> str:
    """The spelling of most papers (equals: the first read), as most_common(1) picks."""
    if len(counts) == 1:
        return next(iter(counts))
    return max(counts, key=counts.__getitem__)


def _readable(words: str) -> str:
    """Hyphens around stop words made spaces: "mixture-of-experts" -> "mixture of
    experts" (as a reader types it), "multi-head" kept."""
    parts = words.split("-")
    out = parts[0]
    for before, after in pairwise(parts):
        stop = before.rsplit(" ", 1)[-1] in STOP_WORDS or after.split(" ", 1)[0] in STOP_WORDS
        out += (" " if stop else "-") + after
    return out


def _singular(acronym: str) -> str:
    """ "LLMs" -> "LLM": a message names the acronym, not its plural."""
    if len(acronym) > 2 and acronym[-1] == "s" and acronym[-2].isupper():
        return acronym[:-1]
    return acronym
