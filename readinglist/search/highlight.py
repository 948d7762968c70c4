"""The query's words marked in a paper's title and abstract, as the index matched them.

A word of the text is marked when the index would have matched it: when its terms
(readinglist.search.tokens) include a query word's whole form, or all of that word's
pieces ("gpt-4" marks "GPT-4V", "yolo" marks "Scaled-YOLOv4"), or start with a prefix.
The whole written word is marked, hyphens and all.

Only a few words of a text can match: a regex finds them by the first letters of the
query's terms (C does the scanning), and only those words are analysed (one cache
lookup each).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from readinglist.core.models import Fragment
from readinglist.search.analysis import WORD, analyse_token, prefix_starts, query_tokens

# Letters of a term that find its candidates: few enough that a British spelling or
# another ending still has them ("quan" finds "quantisation" for "quantization").
HEAD_CHARS = 4


@dataclass(frozen=True, slots=True)
class _Plan:
    wholes: frozenset[str]
    pieces: tuple[frozenset[str], ...]  # each query word's pieces (two or more)
    starts: tuple[str, ...]  # prefixes, as index terms start
    typed: tuple[str, ...]  # prefixes as typed, lower case
    candidates: re.Pattern[str]


@lru_cache(maxsize=256)
def _plan(words: tuple[str, ...], prefixes: tuple[str, ...]) -> _Plan | None:
    tokens = [token for word in words for token in query_tokens(word)]
    starts = tuple(sorted({start for prefix in prefixes for start in prefix_starts(prefix)}))
    typed = tuple(prefix.lower() for prefix in prefixes if prefix)
    heads = {term[:HEAD_CHARS] for token in tokens for term in (token.terms[0], token.sequence[0])}
    heads.update(start[:HEAD_CHARS] for start in (*starts, *typed))
    heads.discard("")
    if not heads:
        return None
    alternatives = "|".join(re.escape(head) for head in sorted(heads, key=len, reverse=True))
    return _Plan(
        frozenset(token.terms[0] for token in tokens),
        tuple(frozenset(token.sequence) for token in tokens if len(token.sequence) > 1),
        starts,
        typed,
        re.compile(alternatives, re.IGNORECASE),
    )


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _word_at(text: str, position: int) -> re.Match[str] | None:
    """The word (as the index splits text) around ``position``, a letter or digit."""
    start = position
    while start > 0 and (
        _is_word_char(text[start - 1])
        or (text[start - 1] in "-." and start > 1 and _is_word_char(text[start - 2]))
    ):
        start -= 1
    while start < position and not _is_word_char(text[start]):
        start += 1
    found = WORD.match(text, start)
    return found if found is not None and found.end() > position else None


def _matches(raw: str, plan: _Plan) -> bool:
    terms = analyse_token(raw).terms
    if not plan.wholes.isdisjoint(terms):
        return True
    if any(pieces.issubset(terms) for pieces in plan.pieces):
        return True
    if plan.starts and any(term.startswith(plan.starts) for term in terms):
        return True
    return bool(plan.typed) and raw.lower().startswith(plan.typed)


def marks(text: str, words: Sequence[str], prefixes: Sequence[str] = ()) -> list[tuple[int, int]]:
    """Spans of the words of ``text`` that the query's words and prefixes match."""
    plan = _plan(tuple(words), tuple(prefixes))
    if plan is None:
        return []
    found: list[tuple[int, int]] = []
    done = 0  # the end of the last word looked at
    for candidate in plan.candidates.finditer(text):
        if candidate.start() < done:
            continue
        word = _word_at(text, candidate.start())
        if word is None:
            continue
        done = word.end()
        if _matches(word.group(), plan):
            found.append(word.span())
    return found


def highlight(
    text: str,
    words: Sequence[str],
    prefixes: Sequence[str] = (),
    whole: bool = True,
    width: int = 240,
) -> Fragment:
    """Runs of ``text`` with the query's words marked; a window around them when not whole.

    ``words``: the query's words and phrases as typed (what its terms hold);
    ``prefixes``: its prefix searches, without the star.
    """
    if not text:
        return ()
    spans = marks(text, words, prefixes) if words or prefixes else []
    start, end = 0, len(text)
    if not whole and len(text) > width:
        start, end = _best_window(text, spans, width)
    runs: list[tuple[str, bool]] = []
    cursor = start
    for begin, finish in spans:
        if finish <= start or begin >= end:
            continue
        if begin > cursor:
            runs.append((text[cursor:begin], False))
        runs.append((text[begin:finish], True))
        cursor = finish
    if cursor < end:
        runs.append((text[cursor:end], False))
    if start > 0:
        runs.insert(0, ("…", False))
    if end < len(text):
        runs.append(("…", False))
    return tuple(runs)


def _best_window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The window of ``width`` characters holding the most marks, on word boundaries.

    One pass with two cursors over the marks (in text order): counting again for each
    mark took 4.4 s for an abstract that repeats a query word 20,000 times.
    """
    best_start, best_count = 0, -1
    after = 0  # the first mark at or past the window that starts at the current mark
    for index, (begin, _) in enumerate(spans):
        after = max(after, index)
        while after < len(spans) and spans[after][0] < begin + width:
            after += 1
        if after - index > best_count:
            best_start, best_count = max(begin - 40, 0), after - index
    end = min(best_start + width, len(text))
    while best_start > 0 and not text[best_start - 1].isspace():
        best_start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return best_start, end
