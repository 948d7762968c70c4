"""The query language: every form, precedence, fallbacks, terms, describe, and fuzzing."""

from __future__ import annotations

import dataclasses
import re
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.core.errors import InvalidValueError
from readinglist.core.models import ReadStatus
from readinglist.core.query import (
    AUTHOR_FIELD,
    FIELDS,
    TEXT_FIELDS,
    And,
    ArxivFilter,
    DateFilter,
    HasFilter,
    Node,
    Not,
    NumberFilter,
    Or,
    ParsedQuery,
    StatusFilter,
    TagFilter,
    Term,
    describe,
    parse_query,
)
from readinglist.core.tags import normalize_tag
from tests.helpers import ROBUSTNESS_DEADLINE_MS, robustness_examples

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
ELSEWHEN = datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC)
INSTEAD = "searched for the words instead"
UNEXPECTED = "could not understand the query"
INDEX_WORD = re.compile(r"\w+(?:[-.]\w+)*")


def parse(text: str) -> ParsedQuery:
    return parse_query(text, now=NOW)


def w(text: str, field: str | None = None) -> Term:
    return Term(field, text, "word")


def ph(text: str, field: str | None = None) -> Term:
    return Term(field, text, "phrase")


def pre(text: str, field: str | None = None) -> Term:
    return Term(field, text, "prefix")


def fz(text: str, edits: int = 1, field: str | None = None) -> Term:
    return Term(field, text, "fuzzy", edits)


def day(year: int, month: int, dom: int) -> datetime:
    return datetime(year, month, dom, tzinfo=UTC)


def added(start: datetime | None, end: datetime | None) -> DateFilter:
    return DateFilter("added", start, end)


def rating(low: int | None, high: int | None) -> NumberFilter:
    return NumberFilter("rating", low, high)


def seen(low: int | None, high: int | None) -> NumberFilter:
    return NumberFilter("seen", low, high)


def and_(*items: Node) -> And:
    return And(items)


def or_(*items: Node) -> Or:
    return Or(items)


A, B, C, D = w("a"), w("b"), w("c"), w("d")

TABLE: list[tuple[str, Node]] = [
    # words, AND by default
    ("gaussian", w("gaussian")),
    ("Gaussian Splatting", and_(w("gaussian"), w("splatting"))),
    ("gaussian AND splatting", and_(w("gaussian"), w("splatting"))),
    ("a AND b AND c", and_(A, B, C)),
    ("a - b", and_(A, B)),
    # phrases
    ('"Neural Radiance Fields"', ph("neural radiance fields")),
    ('"unterminated phrase', ph("unterminated phrase")),
    ('"single"', w("single")),
    ('"  spaced   out  "', ph("spaced out")),
    ('a "b c" d', and_(A, ph("b c"), D)),
    ('"3D-GS, v1.5!"', ph("3d-gs v1.5")),  # a name stays one word (search/tokens.py)
    # OR and precedence
    ("a OR b", or_(A, B)),
    ("a b OR c", or_(and_(A, B), C)),
    ("a OR b c", or_(A, and_(B, C))),
    ("a OR b OR c", or_(A, B, C)),
    ("a b OR c d", or_(and_(A, B), and_(C, D))),
    ("a AND b OR c", or_(and_(A, B), C)),
    ("a or b", and_(A, w("or"), B)),
    ("not and", and_(w("not"), w("and"))),
    # negation
    ("NOT a", Not(A)),
    ("-a", Not(A)),
    ("NOT a b", and_(Not(A), B)),
    ("NOT a OR b", or_(Not(A), B)),
    ("-a -b", and_(Not(A), Not(B))),
    ("a -b", and_(A, Not(B))),
    ("a AND -b", and_(A, Not(B))),
    ("-title:nerf", Not(w("nerf", "title"))),
    ('-"a phrase"', Not(ph("a phrase"))),
    ("-(a OR b)", Not(or_(A, B))),
    ("a -(b c)", and_(A, Not(and_(B, C)))),
    ("-tag:survey", Not(TagFilter("survey"))),
    ("NOT NOT a", A),
    ("--a", A),
    ("-OR", Not(w("or"))),
    # grouping
    ("(a OR b) c", and_(or_(A, B), C)),
    ("(a b) OR c", or_(and_(A, B), C)),
    ("((a))", A),
    ("a (b (c OR d))", and_(A, B, or_(C, D))),
    ("(a OR (b OR c))", or_(A, B, C)),
    ("(a b) c", and_(A, B, C)),
    # prefix and fuzzy
    ("diffus*", pre("diffus")),
    ("Diffus*", pre("diffus")),
    ("3d*", pre("3d")),
    ("difusion~", fz("difusion")),
    ("difusion~1", fz("difusion")),
    ("difusion~2", fz("difusion", 2)),
    ("difusion~7", fz("difusion", 2)),
    ("difusion~0", fz("difusion")),
    # text fields
    ("title:nerf", w("nerf", "title")),
    ("Title:NeRF", w("nerf", "title")),
    ('title:"Neural Fields"', ph("neural fields", "title")),
    ("title:neur*", pre("neur", "title")),
    ("abstract:difusion~2", fz("difusion", 2, "abstract")),
    ("notes:todo", w("todo", "notes")),
    ("NOTES:todo", w("todo", "notes")),
    ("title:3d-gs", w("3d-gs", "title")),
    ("title:(a OR b)", or_(w("a", "title"), w("b", "title"))),
    ("title:(a -b)", and_(w("a", "title"), Not(w("b", "title")))),
    (
        'title:(a "b c" dd*)',
        and_(w("a", "title"), ph("b c", "title"), pre("dd", "title")),
    ),
    ("title:(a abstract:b)", and_(w("a", "title"), w("b", "abstract"))),
    ("-title:(a b)", Not(and_(w("a", "title"), w("b", "title")))),
    # tags
    ("tag:3d", TagFilter("3d")),
    ("tag:3D/Gaussian-Splatting", TagFilter("3d/gaussian-splatting")),
    ('tag:"Two  Words"', TagFilter("two words")),
    ('tag:"3d / nerf"', TagFilter("3d/nerf")),
    ("TAG:nerf", TagFilter("nerf")),
    ("tag:(3d OR nerf)", or_(TagFilter("3d"), TagFilter("nerf"))),
    # status and has
    *((f"status:{status.value}", StatusFilter(status)) for status in ReadStatus),
    ("STATUS:Reading", StatusFilter(ReadStatus.READING)),
    ('status:"skimmed"', StatusFilter(ReadStatus.SKIMMED)),
    (
        "status:(read OR skimmed)",
        or_(StatusFilter(ReadStatus.READ), StatusFilter(ReadStatus.SKIMMED)),
    ),
    ("has:code", HasFilter("code")),
    ("has:project", HasFilter("project")),
    ("has:notes", HasFilter("notes")),
    ("Has:Code", HasFilter("code")),
    # numbers (inclusive bounds)
    ("rating:4", rating(4, 4)),
    ("rating:>=4", rating(4, None)),
    ("rating:>4", rating(5, None)),
    ("rating:<3", rating(None, 2)),
    ("rating:<2", rating(None, 1)),
    ("rating:<=1", rating(None, 1)),
    ("rating:>2", rating(3, None)),
    ("rating:2..4", rating(2, 4)),
    ("rating:4..2", rating(2, 4)),
    ("rating:3..", rating(3, None)),
    ("rating:..3", rating(None, 3)),
    ("rating:<0", rating(None, -1)),
    ("seen:>2", seen(3, None)),
    ("seen:0", seen(0, 0)),
    ("seen:<=1", seen(None, 1)),
    ("seen:1..3", seen(1, 3)),
    # dates: relative (m = 30 days, y = 365 days)
    ("added:>7d", added(NOW - timedelta(days=7), None)),
    ("added:<7d", added(None, NOW - timedelta(days=7))),
    ("added:7d", added(NOW - timedelta(days=7), None)),
    ("added:>=7d", added(NOW - timedelta(days=7), None)),
    ("added:>2w", added(NOW - timedelta(days=14), None)),
    ("added:>3m", added(NOW - timedelta(days=90), None)),
    ("added:>1y", added(NOW - timedelta(days=365), None)),
    ("Added:>7D", added(NOW - timedelta(days=7), None)),
    ("added:30d..7d", added(NOW - timedelta(days=30), NOW - timedelta(days=7))),
    # dates: calendar periods in UTC, half-open
    ("added:2026-11", added(day(2026, 11, 1), day(2026, 12, 1))),
    ("added:2026-12", added(day(2026, 12, 1), day(2027, 1, 1))),
    ("added:2026-02", added(day(2026, 2, 1), day(2026, 3, 1))),
    ("added:2026-11-20", added(day(2026, 11, 20), day(2026, 11, 21))),
    ("added:2026", added(day(2026, 1, 1), day(2027, 1, 1))),
    ("added:>=2026-11-01", added(day(2026, 11, 1), None)),
    ("added:<2026-11-01", added(None, day(2026, 11, 1))),
    ("added:>2026-11-20", added(day(2026, 11, 21), None)),
    ("added:<=2026-11-20", added(None, day(2026, 11, 21))),
    ("added:>2026-11", added(day(2026, 12, 1), None)),
    ("added:2026-11-01..2026-11-15", added(day(2026, 11, 1), day(2026, 11, 16))),
    ("added:2026-11-15..2026-11-01", added(day(2026, 11, 1), day(2026, 11, 16))),
    ("added:2026-10..2026-11", added(day(2026, 10, 1), day(2026, 12, 1))),
    ("added:2026-11-01..", added(day(2026, 11, 1), None)),
    ("added:today", added(day(2026, 11, 24), day(2026, 11, 25))),
    ("added:yesterday", added(day(2026, 11, 23), day(2026, 11, 24))),
    ("added:>=2026-11-17T12:30:00Z", added(datetime(2026, 11, 17, 12, 30, tzinfo=UTC), None)),
    (
        "added:>=2026-11-17T14:30:00+02:00",
        added(datetime(2026, 11, 17, 12, 30, tzinfo=UTC), None),
    ),
    # unknown fields and URLs are words
    ("foo:bar", and_(w("foo"), w("bar"))),
    ("https://github.com/x", and_(w("https"), w("github.com"), w("x"))),
    (
        "see https://github.com/a/b-c",
        and_(w("see"), w("https"), w("github.com"), w("a"), w("b-c")),
    ),
    ("3d-gs", w("3d-gs")),  # one word: the index finds it whole or in pieces
    ("-3d-gs", Not(w("3d-gs"))),
    ("gpt-4 qwen2.5-vl", and_(w("gpt-4"), w("qwen2.5-vl"))),
    ("gpt-4*", Term(None, "gpt-4", "prefix")),
    ("v1.5", w("v1.5")),
    ("C++ & co.", and_(w("c"), w("co"))),
    # a mixture
    (
        'title:nerf "point cloud" -tag:survey rating:>=4 added:>7d OR has:code',
        or_(
            and_(
                w("nerf", "title"),
                ph("point cloud"),
                Not(TagFilter("survey")),
                rating(4, None),
                added(NOW - timedelta(days=7), None),
            ),
            HasFilter("code"),
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_every_form_parses_to_its_ast(text: str, expected: Node) -> None:
    parsed = parse(text)
    assert parsed.root == expected
    assert parsed.message is None


@pytest.mark.parametrize(("_text", "expected"), TABLE)
def test_describe_round_trips_the_table(_text: str, expected: Node) -> None:
    described = describe(expected)
    # Describe writes absolute dates, so another "now" reads it back the same.
    assert parse_query(described, now=ELSEWHEN).root == expected
    assert describe(parse(described).root) == described


def test_only_the_documented_fields_exist() -> None:
    assert TEXT_FIELDS == ("title", "abstract", "notes")
    assert AUTHOR_FIELD == "author"
    assert set(FIELDS) == {
        *TEXT_FIELDS,
        AUTHOR_FIELD,
        "arxiv",
        "tag",
        "status",
        "has",
        "rating",
        "seen",
        "added",
    }


@pytest.mark.parametrize(
    "value", ["title:x", "abstract:x", "notes:x", "tag:x", "status:read", "has:code",
              "rating:1", "seen:1", "added:2026", "author:x", "arxiv:2401.01234"]
)  # fmt: skip
def test_every_field_is_understood_as_a_field(value: str) -> None:
    root = parse(value).root
    assert root is not None
    assert root != and_(w(value.split(":")[0]), w(value.split(":")[1]))
    assert value.split(":")[0] in FIELDS


def test_blank_queries_match_everything() -> None:
    assert parse("") == ParsedQuery(None, None, ())
    assert parse("  \t\n ") == ParsedQuery(None, None, ())


def test_punctuation_only_matches_everything_and_says_so() -> None:
    parsed = parse("* & !")
    assert parsed.root is None
    assert parsed.message == "nothing to search for: showing every paper"


def test_a_query_of_negations_only_is_allowed() -> None:
    assert parse("-survey").root == Not(w("survey"))
    assert parse("NOT survey -tag:old").root == and_(Not(w("survey")), Not(TagFilter("old")))
    assert parse("-survey").message is None


@pytest.mark.parametrize(
    ("text", "expected", "message"),
    [
        ("a*", A, "prefix searches need at least 2 letters: searched for 'a' instead"),
        ("title:x*", w("x", "title"), "prefix searches need at least 2 letters"),
        ("nerf b* c", and_(w("nerf"), B, C), "prefix searches need at least 2 letters"),
    ],
)
def test_short_prefixes_become_words_with_a_note(text: str, expected: Node, message: str) -> None:
    parsed = parse(text)
    assert parsed.root == expected
    assert parsed.message is not None
    assert parsed.message.startswith(message)


FALLBACKS: list[tuple[str, str, tuple[str, ...]]] = [
    ("(a OR b", "unbalanced parenthesis", ("a", "b")),
    ("a OR b)", "unbalanced parenthesis", ("a", "b")),
    ("gaussian OR title:(nerf", "unbalanced parenthesis", ("gaussian", "nerf")),
    ("a OR", "OR needs something to search for on both sides", ("a",)),
    ("OR a", "OR needs something to search for on both sides", ("a",)),
    ("a OR OR b", "OR needs something to search for on both sides", ("a", "b")),
    ("(a OR) b", "OR needs something to search for on both sides", ("a", "b")),
    ("a AND", "AND needs something to search for on both sides", ("a",)),
    ("AND a", "AND needs something to search for on both sides", ("a",)),
    ("a NOT", "NOT needs something to search for after it", ("a",)),
    ("a (NOT) b", "NOT needs something to search for after it", ("a", "b")),
    ("a title:", "title: needs a value", ("a",)),
    ("a title: b", "title: needs a value", ("a", "b")),
    ('a title:""', "title: needs a word to search for", ("a",)),
    ("a ()", "empty parentheses", ("a",)),
    (
        "status:done",
        "unknown status 'done' (use unread, queued, reading, read, skimmed, dropped)",
        ("done",),
    ),
    ("has:pdf", "has: takes code, project or notes, not 'pdf'", ("pdf",)),
    ("rating:abc", "rating: expects a number like 4, >=4, <3 or 2..4, not 'abc'", ("abc",)),
    ("rating:>=x Gaussian", "rating: expects a number", ("x", "gaussian")),
    ("seen:1..2..3", "seen: expects a number", ("1", "2", "3")),
    ("added:2026-13", "added: expects 7d, 2w, 3m, 1y, 2026-11", ("2026-13",)),
    ("added:soon nerf", "added: expects", ("soon", "nerf")),
    ("added:>99999y", "added: expects", ("99999y",)),
    ("added:9999-12", "added: expects", ("9999-12",)),
    ("tag:/ nerf", "tag: needs a tag name", ("nerf",)),
    ("a OR b~2 OR", "OR needs something to search for on both sides", ("a", "b")),
    ("A (a OR A", "unbalanced parenthesis", ("a",)),
]


@pytest.mark.parametrize(("text", "reason", "words"), FALLBACKS)
def test_broken_queries_fall_back_to_their_words(
    text: str, reason: str, words: tuple[str, ...]
) -> None:
    parsed = parse(text)
    assert parsed.message is not None
    assert parsed.message.startswith(reason)
    assert parsed.message.endswith(": " + INSTEAD)
    assert parsed.terms == words
    expected = w(words[0]) if len(words) == 1 else And(tuple(w(word) for word in words))
    assert parsed.root == expected


def test_a_fallback_message_is_exactly_one_short_line() -> None:
    assert parse("(a OR b").message == "unbalanced parenthesis: " + INSTEAD
    assert parse("a OR").message == "OR needs something to search for on both sides: " + INSTEAD
    long = parse("status:" + "x" * 5000)
    assert long.message is not None
    assert len(long.message) < 200
    odd = parse('status:"re\nad"')
    assert odd.message is not None
    assert "\n" not in odd.message
    assert "'re\\nad'" in odd.message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("(", "unbalanced parenthesis"),
        (")", "unbalanced parenthesis"),
        ("OR", "OR needs something to search for on both sides"),
        ("NOT", "NOT needs something to search for after it"),
        ("NOT NOT", "NOT needs something to search for after it"),
        ("-(", "unbalanced parenthesis"),
        ("title:", "title: needs a value"),
        ("rating:", "rating: needs a value"),
        ("()", "empty parentheses"),
        ("tag:/", "tag: needs a tag name"),
        ('tag:""', "tag: needs a tag name"),
    ],
)
def test_a_fallback_without_words_matches_everything(text: str, reason: str) -> None:
    assert parse(text) == ParsedQuery(None, f"{reason}: nothing to search for", (), fallback=True)


def test_too_long_tags_are_refused() -> None:
    parsed = parse("tag:" + "x" * 201)
    assert parsed.message is not None
    assert parsed.message.startswith("tag names are at most 200 characters")


def test_up_to_64_terms_parse() -> None:
    words = [f"w{i}" for i in range(64)]
    parsed = parse(" ".join(words))
    assert parsed.message is None
    assert parsed.root == And(tuple(w(word) for word in words))


def test_more_than_64_terms_fall_back_to_the_first_64_words() -> None:
    words = [f"w{i}" for i in range(70)]
    parsed = parse(" OR ".join(words))
    assert parsed.message == "more than 64 search terms: searched for the first 64 words instead"
    assert parsed.terms == tuple(words[:64])
    assert parsed.root == And(tuple(w(word) for word in words[:64]))


def test_more_than_64_repeated_terms_fall_back_to_the_distinct_words() -> None:
    parsed = parse("nerf " * 65)
    assert parsed.message == f"more than 64 search terms: {INSTEAD}"
    assert parsed.root == w("nerf")


def test_parentheses_nest_up_to_32_deep() -> None:
    assert parse("(" * 32 + "a" + ")" * 32) == ParsedQuery(A, None, ("a",))
    parsed = parse("(" * 33 + "a" + ")" * 33)
    assert parsed.message == f"parentheses nested more than 32 deep: {INSTEAD}"
    assert parsed.root == A


def _alternating(levels: int) -> str:
    text = "x"
    for level in range(levels):
        text = f"w{level} -({text} y{level})"
    return text


def test_the_syntax_tree_nests_up_to_32_deep() -> None:
    # Each level adds an And and a Not, inside one pair of parentheses.
    assert parse(_alternating(15)).message is None
    parsed = parse(_alternating(17))
    assert parsed.message == f"query nested more than 32 levels deep: {INSTEAD}"
    assert parsed.terms[:3] == ("w16", "w15", "w14")


def test_long_negation_chains_cancel_out() -> None:
    assert parse("NOT " * 1000 + "a") == ParsedQuery(A, None, ("a",))
    assert parse("NOT " * 1001 + "a") == ParsedQuery(Not(A), None, ())
    assert parse("-" * 999 + "a").root == Not(A)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("", ()),
        ("Gaussian splatting gaussian", ("gaussian", "splatting")),
        (
            'gaussian "neural fields" -nerf title:diffus* difusion~ tag:3d -"x y" Fields',
            ("gaussian", "neural", "fields", "diffus"),
        ),
        ("a OR -(b c) OR NOT NOT d", ("a", "d")),
        ("-(a -b)", ("b",)),
        ("status:read rating:>3 added:>7d has:code", ()),
        ("title:(one OR two*)", ("one", "two")),
        ("foo:bar", ("foo", "bar")),
    ],
)
def test_terms_are_the_positive_words_in_order(text: str, terms: tuple[str, ...]) -> None:
    assert parse(text).terms == terms


def test_describe_writes_canonical_text() -> None:
    assert describe(None) == ""
    assert describe(and_(or_(A, B), C)) == "(a OR b) c"
    assert describe(or_(and_(A, B), C)) == "a b OR c"
    assert describe(Not(and_(A, B))) == "-(a b)"
    assert describe(Not(ph("a b", "title"))) == '-title:"a b"'
    assert describe(fz("x", 2)) == "x~2"
    assert describe(fz("x", 1)) == "x~"
    assert describe(pre("ab", "notes")) == "notes:ab*"
    assert describe(TagFilter('a"b c\\')) == 'tag:"a\\"b c\\\\"'
    assert describe(TagFilter("3d/nerf")) == "tag:3d/nerf"
    assert describe(rating(None, -1)) == "rating:<0"
    assert describe(seen(2, 2)) == "seen:2"
    assert describe(added(day(2026, 11, 1), day(2026, 11, 16))) == "added:2026-11-01..2026-11-15"
    assert describe(added(NOW, None)) == "added:>=2026-11-24T12:00:00Z"
    assert describe(StatusFilter(ReadStatus.READ)) == "status:read"
    assert describe(parse("").root) == ""


def test_quoted_values_take_escapes() -> None:
    assert parse(r'tag:"a\"b"').root == TagFilter('a"b')
    assert parse(r'tag:"a\\b"').root == TagFilter("a\\b")
    assert parse(r'tag:"a\b"').root == TagFilter("a\\b")
    assert parse('tag:"ends with \\').root == TagFilter("ends with \\")


def test_now_defaults_to_the_current_utc_time() -> None:
    root = parse_query("added:today").root
    assert isinstance(root, DateFilter)
    assert root.start is not None
    assert root.start.tzinfo is not None
    today = datetime.now(UTC).date()
    assert root.start.date() in (today, today - timedelta(days=1))


def test_now_may_be_naive_utc_or_in_another_zone() -> None:
    expected = added(day(2026, 11, 24), day(2026, 11, 25))
    assert parse_query("added:today", now=datetime(2026, 11, 24, 12)).root == expected
    tokyo = timezone(timedelta(hours=9))
    assert parse_query("added:today", now=datetime(2026, 11, 24, 21, tzinfo=tokyo)).root == expected


def test_syntax_tree_nodes_are_frozen_values() -> None:
    node = w("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.text = "b"  # type: ignore[misc]
    assert not hasattr(node, "__dict__")  # slots
    assert hash(and_(A, Not(B))) == hash(and_(A, Not(B)))


@pytest.mark.parametrize(
    "text",
    ['"' * 5000, "(" * 5000, ")" * 5000, "-" * 5000, "a~" * 2500, "~1" * 2500,
     "\\" * 5000, "title:(" * 700, "NOT " * 1500, "rating:>=" * 500, "a " * 2500,
     "a OR " * 1000, '"a" ' * 1000, "x" * 5000 + "*", "-(" * 2500],
)  # fmt: skip
def test_hostile_input_is_fast(text: str) -> None:
    started = time.perf_counter()
    parsed = parse(text)
    assert time.perf_counter() - started < 2.0
    assert parsed.message is None or "\n" not in parsed.message


# ------------------------------------------------------------------ property tests

FRAGMENTS = ["title:", "tag:", "(", ")", '"', "OR", "AND", "NOT", "-", "*", "~",
             "rating:>=", "added:>", "7d", "2026-11", "word", " ", ":", "..", "\\",
             "author:", "arxiv:", "2401.01234v2"]  # fmt: skip


def _check_invariants(text: str, parsed: ParsedQuery) -> None:
    assert isinstance(parsed, ParsedQuery)
    assert parsed.message is None or len(parsed.message.splitlines()) == 1
    assert parsed.message != UNEXPECTED and not (parsed.message or "").startswith(UNEXPECTED)
    assert (parsed.root is None and parsed.message is None) == (not text.strip())
    assert len(set(parsed.terms)) == len(parsed.terms)
    if parsed.root is not None:
        # What the parser builds is normalized, so describe reads back to the same tree.
        assert parse(describe(parsed.root)).root == parsed.root


@settings(max_examples=robustness_examples(), deadline=ROBUSTNESS_DEADLINE_MS)
@given(st.text())
def test_any_text_parses_without_raising(text: str) -> None:
    _check_invariants(text, parse(text))


@settings(max_examples=robustness_examples(), deadline=ROBUSTNESS_DEADLINE_MS)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join))
def test_language_fragments_parse_without_raising(text: str) -> None:
    _check_invariants(text, parse(text))


# A few thousand characters: a random run of fragments, repeated, with a random tail
# (drawing thousands of fragments one by one would make the test slow, not the parser).
_long_soup = st.builds(
    lambda run, times, tail: "".join(run) * times + "".join(tail),
    st.lists(st.sampled_from([*FRAGMENTS, "a", "b"]), min_size=1, max_size=40),
    st.integers(10, 150),
    st.lists(st.sampled_from(FRAGMENTS), max_size=20),
)


@settings(deadline=None)
@given(_long_soup)
def test_long_fragment_soup_parses_without_raising(text: str) -> None:
    _check_invariants(text, parse(text))


# Normalized trees: And/Or hold at least two items, no And directly in an And, no Or
# directly in an Or, no Not directly in a Not; a word/prefix/fuzzy text is one index
# word in lower case (prefixes at least two characters), a phrase two or more of them
# joined by one space; max_edits is 1 or 2 for fuzzy, else 1; tag names are normalized;
# number bounds are >= 0 (or high == -1 alone: "<0") and ordered; date bounds are
# aware, ordered, and not both open.


def _is_index_word(text: str) -> bool:
    return text.lower() == text and INDEX_WORD.findall(text) == [text]


def _normalized_tag(name: str) -> str | None:
    try:
        tag = normalize_tag(name)
    except InvalidValueError:
        return None
    return tag if normalize_tag(tag) == tag else None


def _and_of(items: list[Node]) -> Node:
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, And) else (item,))
    return And(tuple(flat))


def _or_of(items: list[Node]) -> Node:
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, Or) else (item,))
    return Or(tuple(flat))


def _not_of(item: Node) -> Node:
    return item.item if isinstance(item, Not) else Not(item)


def _ordered(pair: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    low, high = pair
    if low is not None and high is not None and low > high:
        return high, low
    return low, high


def _ordered_dates(
    pair: tuple[datetime | None, datetime | None],
) -> tuple[datetime | None, datetime | None]:
    start, end = pair
    if start is not None and end is not None and start > end:
        return end, start
    return start, end


NUMBER_FIELDS: tuple[Literal["rating", "seen"], ...] = ("rating", "seen")
HAS_WHAT: tuple[Literal["code", "project", "notes"], ...] = ("code", "project", "notes")
_words = st.one_of(
    st.from_regex(r"[a-z0-9_]{1,8}(\.[a-z0-9]{1,4})?", fullmatch=True),
    st.text(st.characters(categories=("Ll", "Lo", "Nd")), min_size=1, max_size=6),
).filter(_is_index_word)
_fields = st.sampled_from((None, *TEXT_FIELDS, AUTHOR_FIELD))
_terms = st.one_of(
    st.builds(lambda f, t: Term(f, t, "word"), _fields, _words),
    st.builds(
        lambda f, ws: Term(f, " ".join(ws), "phrase"),
        _fields,
        st.lists(_words, min_size=2, max_size=4),
    ),
    st.builds(lambda f, t: Term(f, t, "prefix"), _fields, _words.filter(lambda t: len(t) >= 2)),
    st.builds(lambda f, t, e: Term(f, t, "fuzzy", e), _fields, _words, st.integers(1, 2)),
)
_tags = st.text(max_size=20).map(lambda s: _normalized_tag(s) or "").filter(bool).map(TagFilter)
_bound = st.none() | st.integers(0, 20)
_numbers = st.one_of(
    st.builds(
        lambda field, pair: NumberFilter(field, *_ordered(pair)),
        st.sampled_from(NUMBER_FIELDS),
        st.tuples(_bound, _bound).filter(lambda pair: pair != (None, None)),
    ),
    st.sampled_from(NUMBER_FIELDS).map(lambda field: NumberFilter(field, None, -1)),
)
_moment = st.one_of(
    st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.dates(date(1970, 1, 1), date(2100, 1, 1)).map(
        lambda d: datetime(d.year, d.month, d.day, tzinfo=UTC)
    ),
)
_dates = (
    st.tuples(st.none() | _moment, st.none() | _moment)
    .filter(lambda pair: pair != (None, None))
    .map(lambda pair: DateFilter("added", *_ordered_dates(pair)))
)
_arxiv_ids = st.one_of(
    st.from_regex(r"[0-9]{4}\.[0-9]{4,5}", fullmatch=True),
    st.from_regex(r"(hep-th|math\.gt|cs|astro-ph)/[0-9]{7}", fullmatch=True),
).map(ArxivFilter)
_leaves = st.one_of(
    _terms,
    _tags,
    _arxiv_ids,
    st.sampled_from(ReadStatus).map(StatusFilter),
    st.sampled_from(HAS_WHAT).map(HasFilter),
    _numbers,
    _dates,
)
_nodes = st.recursive(
    _leaves,
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=4).map(_and_of),
        st.lists(children, min_size=2, max_size=4).map(_or_of),
        children.map(_not_of),
    ),
    max_leaves=24,
)


@settings(deadline=None)
@given(_nodes)
def test_describe_round_trips_normalized_trees(node: Node) -> None:
    text = describe(node)
    parsed = parse_query(text, now=ELSEWHEN)
    assert parsed.root == node
    assert parsed.message is None
    assert describe(parsed.root) == text


# --- authors and arXiv ids -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("author:hinton", Term("author", "hinton", "word")),
        ('author:"Geoffrey Hinton"', Term("author", "geoffrey hinton", "phrase")),
        ("AUTHOR:hint*", Term("author", "hint", "prefix")),
        ("author:hintn~", Term("author", "hintn", "fuzzy")),
        ("author:(lecun OR bengio)", or_(w("lecun", "author"), w("bengio", "author"))),
        ("-author:smith", Not(w("smith", "author"))),
        ("arxiv:2401.01234", ArxivFilter("2401.01234")),
        ("arxiv:2401.01234v3", ArxivFilter("2401.01234")),
        ("arxiv:arXiv:1706.03762", ArxivFilter("1706.03762")),
        ("arxiv:https://arxiv.org/abs/1706.03762v7", ArxivFilter("1706.03762")),
        ("arxiv:https://arxiv.org/pdf/1706.03762v7.pdf", ArxivFilter("1706.03762")),
        ("arxiv:Hep-TH/9901001v2", ArxivFilter("hep-th/9901001")),
        ("arxiv:0704.0001 nerf", and_(ArxivFilter("0704.0001"), w("nerf"))),
    ],
)
def test_author_and_arxiv_fields(text: str, expected: Node) -> None:
    parsed = parse(text)
    assert parsed.root == expected
    assert parsed.message is None
    assert parse(describe(expected)).root == expected


def test_plain_words_do_not_search_authors_and_bad_ids_fall_back() -> None:
    assert parse("hinton").root == w("hinton")  # field None: title, abstract, notes
    assert AUTHOR_FIELD not in TEXT_FIELDS
    bad = parse("arxiv:banana nerf")
    assert bad.root == and_(w("banana"), w("nerf"))
    assert bad.message is not None and "arXiv id" in bad.message
    assert parse("author:").root is None
    assert "author: needs a value" in (parse("author:").message or "")
