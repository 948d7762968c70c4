"""The search language, parsed once for both the command line and the window.

The parser turns what a user types into a small AST of frozen dataclasses; the search
backend translates that AST (and only that) into index queries, so both front ends
agree on what a query means. Whatever is typed, :func:`parse_query` returns a result:
a query that does not parse falls back to searching for its words, and ``message``
says so in one line.

Language (operators are upper case; ``or``/``and``/``not`` are ordinary words)::

    gaussian splatting            both words (AND is implied; ``a AND b`` also works)
    "neural radiance fields"      a phrase (an unclosed quote runs to the end)
    nerf OR "radiance field"      either; OR binds looser: a b OR c = (a AND b) OR c
    NOT survey   -survey          without; also -tag:x, -"a phrase", -(a OR b)
    (nerf OR 3dgs) -survey        parentheses group, nested as deep as 32 levels
    diffus*                       prefix (at least 2 letters before the star)
    difusion~   difusion~2        fuzzy: 1 edit, or 2 (the most allowed)
    title:nerf   abstract:"point cloud"   notes:todo*   title:(nerf OR 3dgs)
    author:hinton   author:"geoffrey hinton"   author:hint*   (an author's name)
    arxiv:2401.01234   arxiv:arXiv:2401.01234v2   arxiv:hep-th/9901001   (one arXiv id)
    tag:3d   tag:"two words"      the tag and its sub-tags (3d/...)
    status:read                   unread, queued, reading, read, skimmed, dropped
    has:code   has:project   has:notes
    rating:4   rating:>=4   rating:<3   rating:2..4   seen:>2
    added:>7d   added:<2w   added:>3m   added:>1y   (d, w, m = 30 days, y = 365 days)
    added:7d                      same as added:>7d: added in the last 7 days
    added:2026   added:2026-11   added:2026-11-20   added:today   added:yesterday
    added:>=2026-11-01   added:<2026-11-01   added:2026-11-01..2026-11-15 (inclusive)
    added:>=2026-11-01T12:00:00Z  an exact instant (what ``describe`` writes for times)

``author:`` is a text field searched only when named (plain words do not search authors).
An ``arxiv:`` value is read by :func:`readinglist.core.arxiv.normalize_arxiv_id`.

Field names are case-insensitive. An unknown field (``foo:bar``) or a URL is searched
as its words. Words are what the index tokenizes (letters, digits, ``_``, with inner
hyphens and dots kept, as in ``gpt-4``, ``v1.5``): ``3d-gs`` is one word, which the
index finds written whole (``3DGS``, ``3D-GS``) or as its pieces. Inside a
quoted value ``\\"`` is a quote and ``\\\\`` a backslash, so every tag name can be typed.

Dates are periods in UTC: ``>P`` is after the period, ``>=P`` from its start, ``<P``
before its start, ``<=P`` to its end and ``A..B`` from the start of A to the end of B.
Relative values (``7d``) and instants are points in time. Date bounds are half-open,
number bounds inclusive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final, Literal, TypeAlias, assert_never

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.errors import InvalidValueError
from readinglist.core.models import ReadStatus
from readinglist.core.tags import MAX_TAG_CHARS, normalize_tag

__all__ = [
    "AUTHOR_FIELD",
    "FIELDS",
    "MAX_DEPTH",
    "MAX_TERMS",
    "TEXT_FIELDS",
    "And",
    "ArxivFilter",
    "DateFilter",
    "HasFilter",
    "Node",
    "Not",
    "NumberFilter",
    "Or",
    "ParsedQuery",
    "StatusFilter",
    "TagFilter",
    "Term",
    "TermKind",
    "describe",
    "parse_query",
    "typing_query",
]

TermKind: TypeAlias = Literal["word", "phrase", "prefix", "fuzzy"]
HasWhat: TypeAlias = Literal["code", "project", "notes"]
NumberField: TypeAlias = Literal["rating", "seen"]

TEXT_FIELDS: Final = ("title", "abstract", "notes")
# A text field like the others, but searched only when named: "author:hinton".
AUTHOR_FIELD: Final = "author"
FIELDS: Final = (
    *TEXT_FIELDS,
    AUTHOR_FIELD,
    "arxiv",
    "tag",
    "status",
    "has",
    "rating",
    "seen",
    "added",
)
MAX_TERMS: Final = 64
MAX_DEPTH: Final = 32
MAX_FUZZY_EDITS: Final = 2
MIN_PREFIX_CHARS: Final = 2
# The longest word the search index holds (a longer one is a hash or a blob, not indexed
# whole; readinglist.search.tokens.MAX_WORD), and the longest hyphenated compound. A
# query word past either matches nothing, and says so: dropping it silently made
# a 70-letter word match every paper, and a 130,000-letter ``x~2`` ran for minutes.
MAX_WORD_CHARS: Final = 64
MAX_COMPOUND_CHARS: Final = 4 * MAX_WORD_CHARS


@dataclass(frozen=True, slots=True)
class Term:
    """Text to find; ``field`` None searches every text field.

    ``text`` is lower case; a phrase holds its words separated by one space.
    ``max_edits`` only matters for ``fuzzy`` (1 or 2) and stays 1 otherwise.
    """

    field: str | None
    text: str
    kind: TermKind
    max_edits: int = 1


@dataclass(frozen=True, slots=True)
class TagFilter:
    """A normalized tag name; the backend also matches its sub-tags."""

    name: str


@dataclass(frozen=True, slots=True)
class ArxivFilter:
    """The paper with this arXiv id (normalized: no version, no prefix)."""

    arxiv_id: str


@dataclass(frozen=True, slots=True)
class StatusFilter:
    """Papers in one reading state."""

    status: ReadStatus


@dataclass(frozen=True, slots=True)
class HasFilter:
    """Papers with a code link, a project page, or notes of the reader's own."""

    what: HasWhat


@dataclass(frozen=True, slots=True)
class NumberFilter:
    """Inclusive bounds, None for open: ``rating:>2`` is ``low=3, high=None``."""

    field: NumberField
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class DateFilter:
    """Half-open ``[start, end)`` in aware UTC datetimes, None for open."""

    field: Literal["added"]
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class And:
    """Every item matches; the parser never puts an And directly inside an And."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Some item matches; the parser never puts an Or directly inside an Or."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Excludes ``item``; alone it means "everything but", and it never wraps a Not."""

    item: Node


Node: TypeAlias = (
    Term
    | TagFilter
    | ArxivFilter
    | StatusFilter
    | HasFilter
    | NumberFilter
    | DateFilter
    | And
    | Or
    | Not
)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The AST (None: match everything), a one-line note for the user, and the words.

    ``terms`` are the positive words, phrase words and prefix stems, for highlighting
    and "did you mean"; negated and fuzzy terms are left out. ``fallback`` is true when
    the query did not parse and its plain words are searched instead (a saved search
    refuses such a query).
    """

    root: Node | None
    message: str | None
    terms: tuple[str, ...]
    fallback: bool = False


# --------------------------------------------------------------------------- scanning

# The index's idea of a word (readinglist.search.tokens.WORD): inner hyphens and dots
# stay, so "gpt-4" and "v1.5" are one word each. No nested ambiguity: linear.
_WORD_RE: Final = re.compile(r"\w+(?:[-.]\w+)*")
# Whitespace, a parenthesis, a quoted value (backslash escapes; an unclosed quote runs
# to the end) or a run of anything else. Every alternative is linear.
_TOKEN_RE: Final = re.compile(
    r"(?P<space>\s+)|(?P<open>\()|(?P<close>\))"
    r'|(?P<quote>"(?P<body>(?:[^"\\]|\\.)*)(?P<end>"|\\?\Z))|(?P<word>[^\s()"]+)',
    re.DOTALL,
)
_UNESCAPE_RE: Final = re.compile(r'\\(["\\])')
_FIELD_RE: Final = re.compile(r"(?a)([A-Za-z]+):(.*)", re.DOTALL)
_OPERATORS: Final = frozenset({"OR", "AND", "NOT"})
# In the fallback: field names and fuzzy marks are syntax, not words to search for.
_FIELD_PREFIX_RE: Final = re.compile(r"(?ai)(?<![\w.])(?:" + "|".join(FIELDS) + r"):")
_FUZZY_MARK_RE: Final = re.compile(r"~[0-9]*")
_ASCII_DIGITS: Final = re.compile(r"[0-9]*")

_NUMBER_RE: Final = re.compile(r"(>=|<=|>|<|=)?([0-9]{1,6})")
_NUMBER_RANGE_RE: Final = re.compile(r"([0-9]{1,6})?\.\.([0-9]{1,6})?")
_DATE_OP_RE: Final = re.compile(r"(>=|<=|>|<)(.*)", re.DOTALL)
_RELATIVE_RE: Final = re.compile(r"([0-9]{1,6})([dwmy])")
_YEAR_RE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")
_INSTANT_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[tT][0-9:.+\-zZ]+")
_UNIT_DAYS: Final = {"d": 1, "w": 7, "m": 30, "y": 365}
_HAS: Final[dict[str, HasWhat]] = {"code": "code", "project": "project", "notes": "notes"}

_STATUSES: Final = ", ".join(status.value for status in ReadStatus)
_INSTEAD: Final = "searched for the words instead"
_UNEXPECTED: Final = "could not understand the query"

_Kind: TypeAlias = Literal["open", "close", "phrase", "word", "or", "and", "not", "field"]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _Kind
    value: str = ""
    glued: bool = False  # no whitespace before it
    field: str = ""


_PART_SPLIT: Final = re.compile(r"[-.]")


def beyond_index(word: str) -> bool:
    """Whether a query word cannot be in the index: a part longer than MAX_WORD_CHARS
    (between hyphens and dots), or a compound longer than MAX_COMPOUND_CHARS."""
    if len(word) <= MAX_WORD_CHARS:
        return False
    return len(word) > MAX_COMPOUND_CHARS or any(
        len(part) > MAX_WORD_CHARS for part in _PART_SPLIT.split(word)
    )


class _Fallback(Exception):  # noqa: N818 - a signal, not an error shown as such
    """The query does not parse: search for its words, explaining ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _show(value: str, limit: int = 30) -> str:
    """A user value quoted for a one-line message: repr escapes line breaks."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _raw_tokens(text: str) -> Iterator[_Token]:
    glued = False
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "space":
            glued = False
            continue
        if kind == "open":
            yield _Token("open", glued=glued)
        elif kind == "close":
            yield _Token("close", glued=glued)
        elif kind == "quote":
            # Unclosed: a trailing lone backslash is kept as typed.
            end = match.group("end")
            body = match.group("body") + ("" if end == '"' else end)
            yield _Token("phrase", _UNESCAPE_RE.sub(r"\1", body), glued=glued)
        else:
            yield _Token("word", value, glued=glued)
        glued = True


def _tokens(text: str) -> list[_Token]:
    """Scan, then classify words: operators, leading minus signs and fields."""
    raw = list(_raw_tokens(text))
    out: list[_Token] = []
    for index, token in enumerate(raw):
        if token.kind != "word":
            out.append(token)
            continue
        word = token.value
        if word in _OPERATORS:
            out.append(_Token("or" if word == "OR" else "and" if word == "AND" else "not"))
            continue
        rest = word.lstrip("-")
        dashes = len(word) - len(rest)
        if dashes:
            following = raw[index + 1] if index + 1 < len(raw) else None
            glued_group = (
                following is not None and following.glued and following.kind in ("open", "phrase")
            )
            if rest or glued_group:
                out.extend(_Token("not") for _ in range(dashes))
                if not rest:
                    continue
                word = rest
        match = _FIELD_RE.fullmatch(word)
        if match and match.group(1).lower() in FIELDS:
            out.append(_Token("field", match.group(2), token.glued, match.group(1).lower()))
        else:
            out.append(_Token("word", word, token.glued))
    return out


# ---------------------------------------------------------------------------- parsing


def _and(items: Iterable[Node]) -> Node:
    """And of ``items`` (at least one), flattened: no And directly inside an And."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, And) else (item,))
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _or(items: Iterable[Node]) -> Node:
    """Or of ``items`` (at least one), flattened: no Or directly inside an Or."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, Or) else (item,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def _negate(node: Node) -> Node:
    """NOT NOT x is x, so negations never nest."""
    return node.item if isinstance(node, Not) else Not(node)


def _depth(node: Node) -> int:
    """How many And/Or/Not levels nest, which the round trip through describe keeps."""
    if isinstance(node, And | Or):
        return 1 + max(_depth(item) for item in node.items)
    if isinstance(node, Not):
        return 1 + _depth(node.item)
    return 0


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class _Parser:
    """Recursive descent over the tokens; recursion only for parentheses (<= 32 deep)."""

    def __init__(self, tokens: Sequence[_Token], now: datetime) -> None:
        self.tokens = tokens
        self.pos = 0
        self.now = now
        self.leaves = 0
        self.notes: list[str] = []

    def peek(self) -> _Kind | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.parse_or(None, 0)
        if self.pos < len(self.tokens):  # only a ")" stops the top level early
            raise _Fallback("unbalanced parenthesis")
        return node

    def parse_or(self, field: str | None, depth: int) -> Node | None:
        first = self.parse_and(field, depth)
        if self.peek() != "or":
            return first
        branches = [first]
        while self.peek() == "or":
            self.pos += 1
            branches.append(self.parse_and(field, depth))
        present = [branch for branch in branches if branch is not None]
        if len(present) != len(branches):
            raise _Fallback("OR needs something to search for on both sides")
        return _or(present)

    def parse_and(self, field: str | None, depth: int) -> Node | None:
        items: list[Node] = []
        while (kind := self.peek()) not in (None, "close", "or"):
            if kind == "and":
                self.pos += 1
                if not items or self.peek() in (None, "close", "or", "and"):
                    raise _Fallback("AND needs something to search for on both sides")
                continue
            node = self.parse_unary(field, depth)
            if node is not None:
                items.append(node)
        return _and(items) if items else None

    def parse_unary(self, field: str | None, depth: int) -> Node | None:
        negations = 0
        while self.peek() == "not":  # a loop, so "NOT NOT ..." cannot exhaust the stack
            self.pos += 1
            negations += 1
        if negations and self.peek() in (None, "close", "or", "and"):
            raise _Fallback("NOT needs something to search for after it")
        node = self.parse_primary(field, depth)
        if node is None:
            if negations:
                raise _Fallback("NOT needs something to search for after it")
            return None
        return _negate(node) if negations % 2 else node

    def parse_primary(self, field: str | None, depth: int) -> Node | None:
        token = self.tokens[self.pos]
        self.pos += 1
        if token.kind == "open":
            return self.parse_group(field, depth)
        if token.kind == "phrase":
            return self.value(field, token.value, quoted=True, explicit=False)
        if token.kind == "word":
            return self.value(field, token.value, quoted=False, explicit=False)
        # A field: its value is the rest of the word, or a quoted value or group glued on.
        if token.value:
            return self.value(token.field, token.value, quoted=False, explicit=True)
        following = self.tokens[self.pos] if self.pos < len(self.tokens) else None
        if following is not None and following.glued and following.kind == "phrase":
            self.pos += 1
            return self.value(token.field, following.value, quoted=True, explicit=True)
        if following is not None and following.glued and following.kind == "open":
            self.pos += 1
            return self.parse_group(token.field, depth)
        raise _Fallback(f"{token.field}: needs a value")

    def parse_group(self, field: str | None, depth: int) -> Node:
        """After "(": the group up to its ")"; ``field`` applies to what is inside."""
        if depth >= MAX_DEPTH:
            raise _Fallback(f"parentheses nested more than {MAX_DEPTH} deep")
        node = self.parse_or(field, depth + 1)
        if self.peek() != "close":
            raise _Fallback("unbalanced parenthesis")
        self.pos += 1
        if node is None:
            raise _Fallback("empty parentheses")
        return node

    def leaf(self, node: Node) -> Node:
        self.leaves += 1
        if self.leaves > MAX_TERMS:
            raise _Fallback(f"more than {MAX_TERMS} search terms")
        return node

    def value(self, field: str | None, value: str, *, quoted: bool, explicit: bool) -> Node | None:
        """One value for ``field`` (None: all text); None when it holds no words."""
        if field is None or field in TEXT_FIELDS or field == AUTHOR_FIELD:
            nodes = self.text(field, value, quoted=quoted)
            if nodes:
                return _and(nodes)
            if explicit:
                raise _Fallback(f"{field}: needs a word to search for")
            return None
        if field == "tag":
            return self.leaf(TagFilter(self.tag(value)))
        if field == "arxiv":
            arxiv_id = normalize_arxiv_id(value)
            if arxiv_id is None:
                raise _Fallback(
                    f"arxiv: expects an arXiv id like 2401.01234 or hep-th/9901001,"
                    f" not {_show(value)}"
                )
            return self.leaf(ArxivFilter(arxiv_id))
        if field == "status":
            try:
                return self.leaf(StatusFilter(ReadStatus(value.strip().lower())))
            except ValueError:
                raise _Fallback(f"unknown status {_show(value)} (use {_STATUSES})") from None
        if field == "has":
            what = _HAS.get(value.strip().lower())
            if what is None:
                raise _Fallback(f"has: takes code, project or notes, not {_show(value)}")
            return self.leaf(HasFilter(what))
        if field in ("rating", "seen"):
            low, high = _number(field, value)
            return self.leaf(NumberFilter("rating" if field == "rating" else "seen", low, high))
        start, end = _dates(value, self.now)
        return self.leaf(DateFilter("added", start, end))

    def text(self, field: str | None, value: str, *, quoted: bool) -> list[Node]:
        """Terms for a word or quoted value: its words, with a trailing * or ~ applied."""
        if quoted:
            words = _WORD_RE.findall(value.lower())
            if len(words) > 1:
                return [self.leaf(Term(field, " ".join(words), "phrase"))]
            return [self.leaf(Term(field, word, "word")) for word in words]
        body, mark, digits = value, "", ""
        if value.endswith("*"):
            body, mark = value[:-1], "*"
        elif (tilde := value.rfind("~")) >= 0 and _ASCII_DIGITS.fullmatch(value[tilde + 1 :]):
            body, mark, digits = value[:tilde], "~", value[tilde + 1 :]
        lowered = body.lower()
        matches = list(_WORD_RE.finditer(lowered))
        nodes: list[Node] = []
        for index, match in enumerate(matches):
            word = match.group()
            is_last = index == len(matches) - 1 and match.end() == len(lowered)
            if beyond_index(word):
                self.notes.append(
                    f"{_show(word)} is longer than the longest word the index holds"
                    f" ({MAX_WORD_CHARS} characters): it matches no paper"
                )
                nodes.append(self.leaf(Term(field, word, "word")))
                continue
            if is_last and mark == "*":
                if len(word) >= MIN_PREFIX_CHARS:
                    nodes.append(self.leaf(Term(field, word, "prefix")))
                    continue
                self.notes.append(
                    f"prefix searches need at least {MIN_PREFIX_CHARS} letters:"
                    f" searched for {_show(word)} instead"
                )
            elif is_last and mark == "~":
                edits = min(max(int(digits[:3] or "1"), 1), MAX_FUZZY_EDITS)
                nodes.append(self.leaf(Term(field, word, "fuzzy", edits)))
                continue
            nodes.append(self.leaf(Term(field, word, "word")))
        return nodes

    def tag(self, value: str) -> str:
        try:
            return normalize_tag(value)
        except InvalidValueError:
            if len(value) > MAX_TAG_CHARS:
                raise _Fallback(f"tag names are at most {MAX_TAG_CHARS} characters") from None
            raise _Fallback("tag: needs a tag name") from None


def _number(field: str, value: str) -> tuple[int | None, int | None]:
    """Inclusive bounds for ``4``, ``>=4``, ``>3``, ``<3``, ``<=2``, ``2..4``, ``2..``."""
    text = value.strip()
    if match := _NUMBER_RE.fullmatch(text):
        op, number = match.group(1), int(match.group(2))
        if op == ">":
            return number + 1, None
        if op == ">=":
            return number, None
        if op == "<":
            return None, number - 1
        if op == "<=":
            return None, number
        return number, number
    match = _NUMBER_RANGE_RE.fullmatch(text)
    if match and (match.group(1) or match.group(2)):
        low = int(match.group(1)) if match.group(1) else None
        high = int(match.group(2)) if match.group(2) else None
        if low is not None and high is not None and low > high:
            low, high = high, low
        return low, high
    raise _Fallback(f"{field}: expects a number like 4, >=4, <3 or 2..4, not {_show(value)}")


def _period(value: str, now: datetime) -> tuple[datetime, datetime] | None:
    """The UTC period a date value names; a point in time has start == end."""
    text = value.strip()
    lowered = text.lower()
    if match := _RELATIVE_RE.fullmatch(lowered):
        moment = now - timedelta(days=int(match.group(1)) * _UNIT_DAYS[match.group(2)])
        return moment, moment
    if lowered in ("today", "yesterday"):
        start = _midnight(now) - timedelta(days=1 if lowered == "yesterday" else 0)
        return start, start + timedelta(days=1)
    if match := _YEAR_RE.fullmatch(text):
        year, month, day = match.groups()
        if month is None:
            return datetime(int(year), 1, 1, tzinfo=UTC), datetime(int(year) + 1, 1, 1, tzinfo=UTC)
        if day is None:
            start = datetime(int(year), int(month), 1, tzinfo=UTC)
            return start, (start + timedelta(days=32)).replace(day=1)
        start = datetime(int(year), int(month), int(day), tzinfo=UTC)
        return start, start + timedelta(days=1)
    if _INSTANT_RE.fullmatch(text):
        moment = datetime.fromisoformat(text.upper())
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        return moment, moment
    return None


def _dates(value: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """Half-open bounds for an ``added:`` value; see the module docstring."""
    try:
        bounds = _date_bounds(value, now)
    except (ValueError, OverflowError):
        bounds = None
    if bounds is None:
        raise _Fallback(
            f"added: expects 7d, 2w, 3m, 1y, 2026-11, 2026-11-20, today or a range like"
            f" 2026-11-01..2026-11-15, not {_show(value)}"
        )
    return bounds


def _date_bounds(value: str, now: datetime) -> tuple[datetime | None, datetime | None] | None:
    text = value.strip()
    if match := _DATE_OP_RE.fullmatch(text):
        op, period = match.group(1), _period(match.group(2), now)
        if period is None:
            return None
        start, end = period
        if op == ">":
            return end, None
        if op == ">=":
            return start, None
        if op == "<":
            return None, start
        return None, end
    if ".." in text:
        first, _, last = text.partition("..")
        low = _period(first, now) if first else None
        high = _period(last, now) if last else None
        if (first and low is None) or (last and high is None) or (low is None and high is None):
            return None
        if low is not None and high is not None and low[0] > high[1]:
            low, high = high, low
        return (low[0] if low else None), (high[1] if high else None)
    period = _period(text, now)
    if period is None:
        return None
    start, end = period
    return (start, None) if start == end else (start, end)


# --------------------------------------------------------------------------- results


def _positive_terms(node: Node, negated: bool, out: dict[str, None]) -> None:
    if isinstance(node, Term):
        if not negated and node.kind != "fuzzy":
            out.update(dict.fromkeys(node.text.split(" ")))
    elif isinstance(node, And | Or):
        for item in node.items:
            _positive_terms(item, negated, out)
    elif isinstance(node, Not):
        _positive_terms(node.item, not negated, out)


def _fallback(text: str, reason: str) -> ParsedQuery:
    """Every word of ``text`` ANDed, without operators, field names or fuzzy marks."""
    cleaned = _FUZZY_MARK_RE.sub(" ", _FIELD_PREFIX_RE.sub(" ", text))
    words: dict[str, None] = {}
    for match in _WORD_RE.finditer(cleaned):
        if match.group() not in _OPERATORS:
            words.update(dict.fromkeys(_WORD_RE.findall(match.group().lower())))
    found = list(words)
    if not found:
        return ParsedQuery(None, f"{reason}: nothing to search for", (), fallback=True)
    kept = found[:MAX_TERMS]
    if len(found) > MAX_TERMS:
        message = f"{reason}: searched for the first {MAX_TERMS} words instead"
    else:
        message = f"{reason}: {_INSTEAD}"
    root = _and(Term(None, word, "word") for word in kept)
    return ParsedQuery(root, message, tuple(kept), fallback=True)


def _parse(text: str, now: datetime) -> ParsedQuery:
    if not text.strip():
        return ParsedQuery(None, None, ())
    parser = _Parser(_tokens(text), now)
    try:
        root = parser.parse()
        if root is not None and _depth(root) > MAX_DEPTH:
            raise _Fallback(f"query nested more than {MAX_DEPTH} levels deep")
    except _Fallback as signal:
        return _fallback(text, signal.reason)
    if root is None:
        return ParsedQuery(None, "nothing to search for: showing every paper", ())
    terms: dict[str, None] = {}
    _positive_terms(root, False, terms)
    return ParsedQuery(root, parser.notes[0] if parser.notes else None, tuple(terms))


def parse_query(text: str, now: datetime | None = None) -> ParsedQuery:
    """Parse what the user typed. Never raises: bad queries fall back to their words.

    ``now`` anchors relative dates (``added:>7d``, ``today``); naive means UTC.
    """
    if now is None:
        moment = datetime.now(UTC)
    else:
        moment = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    try:
        return _parse(text, moment)
    except Exception:  # a search box must never crash; the tests fuzz for this message
        return _fallback(text, _UNEXPECTED)


# -------------------------------------------------------------------------- describe


def _quote(value: str) -> str:
    """``value`` as one token: bare when it can be, else quoted with escapes."""
    if value and not any(char.isspace() or char in '()"' for char in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _instant(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    if moment == _midnight(moment):
        return moment.date().isoformat()
    return moment.isoformat().replace("+00:00", "Z")


def _describe_dates(start: datetime | None, end: datetime | None) -> str:
    if end is None:
        return ">=" + _instant(start) if start is not None else ".."
    if start is None:
        return "<" + _instant(end)
    last = end.astimezone(UTC)
    if last == _midnight(last) and last.date() > date.min:
        return f"{_instant(start)}..{(last.date() - timedelta(days=1)).isoformat()}"  # inclusive
    return f"{_instant(start)}..{_instant(last)}"


def _describe_numbers(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return str(low) if low == high else f"{low}..{high}"
    if low is not None:
        return f">={low}"
    if high is not None:
        return f"<={high}" if high >= 0 else f"<{high + 1}"
    return ".."


def _wrapped(node: Node, *kinds: type[And] | type[Or]) -> str:
    text = describe(node)
    return f"({text})" if isinstance(node, kinds) else text


def describe(node: Node | None) -> str:
    """The canonical query text for ``node``: ``parse_query`` reads it back unchanged.

    Used for saved searches and tests. Relative dates come back as absolute instants.
    """
    if node is None:
        return ""
    if isinstance(node, Term):
        prefix = f"{node.field}:" if node.field else ""
        if node.kind == "phrase":
            return f"{prefix}{_quote(node.text)}"
        if node.kind == "prefix":
            return f"{prefix}{node.text}*"
        if node.kind == "fuzzy":
            return f"{prefix}{node.text}~" + ("" if node.max_edits == 1 else str(node.max_edits))
        return f"{prefix}{node.text}"
    if isinstance(node, TagFilter):
        return f"tag:{_quote(node.name)}"
    if isinstance(node, ArxivFilter):
        return f"arxiv:{node.arxiv_id}"
    if isinstance(node, StatusFilter):
        return f"status:{node.status.value}"
    if isinstance(node, HasFilter):
        return f"has:{node.what}"
    if isinstance(node, NumberFilter):
        return f"{node.field}:{_describe_numbers(node.low, node.high)}"
    if isinstance(node, DateFilter):
        return f"{node.field}:{_describe_dates(node.start, node.end)}"
    if isinstance(node, And):
        return " ".join(_wrapped(item, And, Or) for item in node.items)
    if isinstance(node, Or):
        return " OR ".join(_wrapped(item, Or) for item in node.items)
    if isinstance(node, Not):
        return "-" + _wrapped(node.item, And, Or)
    assert_never(node)


# ------------------------------------------------------------------------ as you type

_PREFIX_FIELDS: Final = (*TEXT_FIELDS, AUTHOR_FIELD)


def typing_query(text: str) -> str:
    """The query for text still being typed: its last word made a prefix ("gaussian
    spl" -> "gaussian spl*"), so a partial word finds the words it starts.

    Only a plain word of two letters or more right at the end is completed, in any
    text field (``title:gaus`` -> ``title:gaus*``): not after a space (the word is
    done), not in quotes, not a filter's value (``tag:3d``), not negated, not a word
    that already ends in ``*`` or ``~``. The window searches this way; the command line
    keeps whole words.
    """
    if not text or not text[-1].isalnum():
        return text
    tokens = _tokens(text)
    if not tokens:
        return text
    last = tokens[-1]
    before = tokens[-2] if len(tokens) > 1 else None
    if before is not None and before.kind == "not":
        return text
    if last.kind == "field" and last.field not in _PREFIX_FIELDS:
        return text
    if last.kind not in ("word", "field"):
        return text
    words = list(_WORD_RE.finditer(last.value))
    if not words or words[-1].end() != len(last.value):
        return text
    if len(words[-1].group()) < MIN_PREFIX_CHARS:
        return text
    return text + "*"
