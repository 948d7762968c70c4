"""What the index can tell a reader beyond the hits: "did you mean", similar papers.

Both show the library's own words, never stems: a suggestion is spelt as the papers
spell it, and the reasons two papers are alike are words both of them use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from readinglist.core.models import Paper, PaperQuery, SimilarPaper
from readinglist.core.normalize import edit_distance
from readinglist.core.ports import SearchIndex, Store
from readinglist.core.query import FIELDS, And, Node, Not, Or, ParsedQuery, Term
from readinglist.core.spelling import american, same_spelling

SIMILAR_TERMS_SHOWN = 5


def did_you_mean(store: Store, index: SearchIndex, text: str, parsed: ParsedQuery) -> str | None:
    """The query with each misspelt word replaced by the library's own spelling.

    A word is misspelt when no paper holds its stem ("gausian"), or when papers hold
    its stem but never this spelling ("splating", stemmed like "splatting"; not
    "colour" for "color", which is the same word). Only the words of titles and
    abstracts are corrected: not an author's name, a status or a tag ("did you mean"
    knows no other vocabulary), and not a word being typed (a prefix, ``spl*``) that
    some word of the library starts with. Remembered until the index changes.
    """
    return index.per_generation(
        ("did you mean", text), lambda: _did_you_mean(store, index, text, parsed)
    )


def _did_you_mean(store: Store, index: SearchIndex, text: str, parsed: ParsedQuery) -> str | None:
    suggestion = text
    prefixes = _prefix_words(parsed.root)
    foreign = _foreign_spans(text)
    for word in parsed.terms:
        if " " in word or not word.isalpha():
            continue
        if not _owned_occurrence(text, word, foreign):
            continue  # only a value of a field "did you mean" does not know
        if word in prefixes and index.completes(word):
            continue
        if index.term_in_index(word):
            spellings = _spellings(store, index, [index.stem(word)])[0]
            if not spellings or any(same_spelling(word, known) for known in spellings):
                continue
            candidates = [spellings.most_common(1)[0][0]]
        else:
            # Every close stem's spellings; the one nearest to what was typed wins.
            stems = index.corrections(word)
            spelled = [
                surface
                for counts in _spellings(store, index, stems)
                if (surface := _closest_spelling(counts, word)) is not None
            ]
            candidates = sorted(spelled, key=lambda surface: edit_distance(surface, word))
        replacement = next((c for c in candidates if c != word), None)
        if replacement is not None:
            suggestion = _replace_word(suggestion, word, replacement, foreign)
    return suggestion if suggestion != text else None


def _prefix_words(node: Node | None) -> set[str]:
    """The words searched as prefixes (``spl*``, or the word a window is typing)."""
    if isinstance(node, Term):
        return {node.text} if node.kind == "prefix" else set()
    if isinstance(node, And | Or):
        return set().union(*(_prefix_words(item) for item in node.items))
    if isinstance(node, Not):
        return _prefix_words(node.item)
    return set()


# A field's value as typed: a word, or a quoted value (escapes allowed).
_FIELD_VALUE = re.compile(r'(?<![\w.])([A-Za-z]+):("(?:[^"\\]|\\.)*"?|[^\s()"]+)')
_OWNED_FIELDS = frozenset({"title", "abstract"})


def _foreign_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds values of fields other than titles' and abstracts' words
    (``author:hinton``, ``status:bogus``, ``notes:todo``), as (start, end) of each word."""
    spans: list[tuple[int, int]] = []
    for match in _FIELD_VALUE.finditer(text):
        if match.group(1).lower() in FIELDS and match.group(1).lower() not in _OWNED_FIELDS:
            start = match.start(2)
            spans.extend(
                (start + word.start(), start + word.end())
                for word in _WORDS.finditer(match.group(2))
            )
    return spans


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    return [match.span() for match in re.finditer(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", text)]


def _owned_occurrence(text: str, word: str, foreign: Sequence[tuple[int, int]]) -> bool:
    """Whether ``word`` is somewhere in ``text`` as a word of titles and abstracts
    (or nowhere as written: a fallback's word, searched as text)."""
    spans = _occurrences(text, word)
    return not spans or any(span not in foreign for span in spans)


def _replace_word(
    text: str, word: str, replacement: str, foreign: Sequence[tuple[int, int]] = ()
) -> str:
    """``text`` with the first ``word`` that is not a foreign field's value replaced."""
    for start, end in _occurrences(text, word):
        if (start, end) not in foreign:
            return text[:start] + replacement + text[end:]
    return text


def _spellings(store: Store, index: SearchIndex, stems: Sequence[str]) -> list[Counter[str]]:
    """For each stem, how often each spelling of it occurs in a few papers that hold
    it: the papers of all the stems read at once, each word of theirs stemmed once."""
    ids = [index.papers_with_term(stem, limit=20) for stem in stems]
    wanted = tuple(dict.fromkeys(paper_id for found in ids for paper_id in found))
    if not wanted:
        return [Counter() for _ in stems]
    with store.unit_of_work() as uow:
        words = {paper.id: _words(paper) for paper in uow.papers(PaperQuery(ids=wanted))}
    # Each word stemmed once, and only if it may stem to one of the stems: a stem starts
    # as its word does once spelt the American way (Porter2 keeps the first letter;
    # tests/test_search_near_terms.py checks it over a library's words). Stemming
    # every word of 60 abstracts was half of a typo's "did you mean".
    firsts = {stem[:1] for stem in stems}
    stemmed = {
        word: index.stem(word)
        for word in dict.fromkeys(word for found in words.values() for word in found)
        if word[:1] in firsts or american(word)[:1] in firsts
    }
    # Papers in the store's order (by id), as when each stem's were read alone: equal
    # counts keep their order.
    return [
        Counter(
            word
            for paper_id, written in words.items()
            if paper_id in holding
            for word in written
            if stemmed.get(word) == stem
        )
        for stem, holding in zip(stems, map(set, ids), strict=True)
    ]


def _closest_spelling(counts: Counter[str], typed: str) -> str | None:
    """The library's spelling (of a stem: ``counts``) closest to what was typed, then
    the commonest: "quantizaton" -> "quantization" rather than "quantized"."""
    if not counts:
        return None
    return min(counts, key=lambda word: (edit_distance(word, typed), -counts[word]))


def similar_papers(store: Store, index: SearchIndex, source: Paper, k: int) -> list[SimilarPaper]:
    """The k papers most like ``source``, with the shared key terms that explain why."""
    text = f"{source.title}. {source.abstract}"
    hits = index.similar(source.id, text, k)
    with store.unit_of_work() as uow:
        by_id = {p.id: p for p in uow.papers(PaperQuery(ids=tuple(i for i, _ in hits)))}
    key = [term for term, _ in index.key_terms(text, count=24)]
    surface = _surface_map(text, index)
    similar: list[SimilarPaper] = []
    for hit_id, score in hits:
        paper = by_id.get(hit_id)
        if paper is None:
            continue
        theirs = {index.stem(word) for word in _words(paper)}
        shared = [surface.get(term, term) for term in key if term in theirs]
        similar.append(SimilarPaper(paper, score, tuple(shared[:SIMILAR_TERMS_SHOWN])))
    return similar


_WORDS = re.compile(r"[^\W\d_]+")


def _words(paper: Paper) -> list[str]:
    """The lower-case words of a paper's title and abstract (for spellings and reasons)."""
    return _WORDS.findall(f"{paper.title} {paper.abstract}".lower())


def _surface_map(text: str, index: SearchIndex) -> dict[str, str]:
    """Stem -> the first word of ``text`` with that stem, to show words, not stems."""
    surface: dict[str, str] = {}
    for word in _WORDS.findall(text.lower()):
        surface.setdefault(index.stem(word), word)
    return surface
