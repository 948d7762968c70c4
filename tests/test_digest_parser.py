"""The plain-text digest parser: papers and warnings from whatever text a user pastes."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.core.digest_parser import parse_digest, render_digest
from readinglist.core.models import ParsedPaper, ParseResult
from readinglist.core.normalize import title_key
from tests.helpers import (
    FIRST_TITLE,
    LAST_TITLE,
    ROBUSTNESS_DEADLINE_MS,
    SHARED_DIGEST_PAPERS,
    robustness_examples,
)

HEADER = [
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
]
Pair = tuple[str, str]


def pairs(result: ParseResult) -> list[Pair]:
    return [(paper.title, paper.abstract) for paper in result.papers]


def raw_pairs(text: str) -> list[Pair]:
    """The digest's pairs read straight off its lines, independently of the parser."""
    lines = text.splitlines()
    assert lines[:2] == HEADER
    body = lines[2:]
    assert body[0].startswith("Subscribe")
    body[0] = body[0].removeprefix("Subscribe")
    return list(zip(body[0::2], body[1::2], strict=True))


@pytest.fixture
def digest_text(shared_digest: Path) -> str:
    return shared_digest.read_text(encoding="utf-8")


@pytest.fixture
def expected(digest_text: str) -> list[Pair]:
    return raw_pairs(digest_text)


def without_abstract(digest_text: str, index: int) -> tuple[str, int]:
    """The digest with paper ``index``'s abstract line removed, and that title's line number."""
    lines = digest_text.splitlines()
    title_line = 3 + 2 * index  # two header lines, then title/abstract pairs (1-based)
    del lines[title_line]  # the abstract is the line after the title (0-based: title_line)
    return "\n".join(lines), title_line


# A small digest that needs no shared file.
SMALL: list[Pair] = [
    (
        "Sparse Mixture Routing for Long-Context Retrieval",
        "We study routing in sparse mixtures of experts for long documents. Our router picks"
        " two experts per token. It halves the cost of retrieval at equal accuracy.",
    ),
    (
        "(GG) MoE vs. MLP on Tabular Data",
        "Mixtures of experts are compared with plain MLPs on forty tabular benchmarks. A gated"
        " variant wins on most of them. We release the code and the benchmark suite.",
    ),
    (
        "What Matters in Visual Instruction Tuning? An Empirical Study",
        "Instruction tuning of vision-language models depends on many choices. We ablate data,"
        " resolution and connector design. Data quality matters more than quantity.",
    ),
    (
        "Diffusion Policies: Robust Control from 3D Point Clouds",
        "We train diffusion policies directly on point clouds captured by a depth camera. The"
        " policies transfer to real robots without fine-tuning. Success rates rise by a third.",
    ),
]


def small_digest(papers: list[Pair] = SMALL, *, glued: bool = True) -> str:
    lines = list(HEADER) if glued else []
    for number, (title, abstract) in enumerate(papers):
        lines.append(("Subscribe" if glued and number == 0 else "") + title)
        lines.append(abstract)
    return "\n".join(lines) + "\n"


# --- the shared digest --------------------------------------------------------------------


def test_shared_digest_gives_every_paper_exactly(digest_text: str, expected: list[Pair]) -> None:
    result = parse_digest(digest_text)
    assert len(result.papers) == SHARED_DIGEST_PAPERS
    assert result.papers[0].title == FIRST_TITLE
    assert result.papers[-1].title == LAST_TITLE
    assert all(paper.abstract for paper in result.papers)
    assert result.warnings == ()
    assert pairs(result) == expected
    # Each paper points at its title's line: two header lines, then pairs.
    assert [paper.line for paper in result.papers] == [3 + 2 * i for i in range(len(expected))]


def test_header_lines_and_glued_subscribe_are_dropped(digest_text: str) -> None:
    titles = [paper.title for paper in parse_digest(digest_text).papers]
    assert not any("trending papers" in title.lower() for title in titles)
    assert not any(title.startswith("Subscribe") for title in titles)
    assert FIRST_TITLE in titles


def test_small_digest_without_the_shared_file() -> None:
    result = parse_digest(small_digest())
    assert pairs(result) == SMALL
    assert result.warnings == ()
    assert [paper.line for paper in result.papers] == [3, 5, 7, 9]


def test_subscribe_is_only_stripped_where_glued_after_the_header() -> None:
    papers = [SMALL[0], ("SubscribeNet: Routing Newsletters with Graph Networks", SMALL[1][1])]
    # Not right after the header: a title that starts with "Subscribe" keeps it.
    assert pairs(parse_digest(small_digest(papers))) == papers
    text = "\n".join([*HEADER, "Subscribe", SMALL[0][0], SMALL[0][1]])
    assert pairs(parse_digest(text)) == SMALL[:1]  # "Subscribe" on its own line is a header


# --- a missing abstract does not shift later pairs ----------------------------------------


@pytest.mark.parametrize("index", [0, 1, 105, 150, 209, 210])
def test_one_missing_abstract_shifts_nothing(
    digest_text: str, expected: list[Pair], index: int
) -> None:
    # 150 precedes "(GG) MoE vs. MLP on Tabular Data", a title with a sentence-like break.
    text, title_line = without_abstract(digest_text, index)
    result = parse_digest(text)
    want = [(title, "" if i == index else abstract) for i, (title, abstract) in enumerate(expected)]
    assert pairs(result) == want
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert warning.line == title_line
    assert "has no abstract" in warning.message
    assert expected[index][0][:20] in warning.message
    assert text.splitlines()[title_line - 1].removeprefix("Subscribe") == expected[index][0]


@pytest.mark.slow
def test_any_one_missing_abstract_shifts_nothing(digest_text: str, expected: list[Pair]) -> None:
    for index in range(len(expected)):
        text, title_line = without_abstract(digest_text, index)
        result = parse_digest(text)
        want = [(t, "" if i == index else a) for i, (t, a) in enumerate(expected)]
        assert pairs(result) == want, index
        assert [w.line for w in result.warnings] == [title_line], index


def test_missing_abstract_before_an_ambiguous_title_without_the_shared_file() -> None:
    text = small_digest().replace(SMALL[0][1] + "\n", "")
    result = parse_digest(text)
    assert pairs(result) == [(SMALL[0][0], ""), *SMALL[1:]]
    assert [w.line for w in result.warnings] == [3]


def test_two_missing_abstracts(digest_text: str, expected: list[Pair]) -> None:
    lines = digest_text.splitlines()
    del lines[3 + 2 * 41], lines[3 + 2 * 40]  # two neighbours, later one first
    result = parse_digest("\n".join(lines))
    want = [(t, "" if i in (40, 41) else a) for i, (t, a) in enumerate(expected)]
    assert pairs(result) == want
    assert [w.line for w in result.warnings] == [3 + 2 * 40, 4 + 2 * 40]


def test_missing_title_skips_that_abstract_with_a_warning(
    digest_text: str, expected: list[Pair]
) -> None:
    lines = digest_text.splitlines()
    del lines[2 + 2 * 100]  # paper 100's title (0-based line index)
    result = parse_digest("\n".join(lines))
    assert pairs(result) == expected[:100] + expected[101:]
    assert len(result.warnings) == 1
    assert result.warnings[0].line == 3 + 2 * 100
    assert "without a title" in result.warnings[0].message


# --- layout and whitespace ----------------------------------------------------------------


@pytest.mark.parametrize("blank", ["\n", "\n\n\n", "\n \n\t\n"])
def test_blank_lines_between_every_line(digest_text: str, expected: list[Pair], blank: str) -> None:
    text = (blank).join(line + "\n" for line in digest_text.splitlines())
    result = parse_digest(text)
    assert pairs(result) == expected
    assert result.warnings == ()
    step = blank.count("\n") + 1  # each original line now takes this many lines
    assert (
        result.papers[1].line == 1 + 4 * step
    )  # paper 1's title was line 5  # line numbers count the blank lines


def test_blank_lines_keep_missing_abstract_line_numbers(digest_text: str) -> None:
    text, _ = without_abstract(digest_text, 105)
    spaced = "\n\n".join(text.splitlines())  # every line n moves to 2n - 1
    result = parse_digest(spaced)
    assert [w.line for w in result.warnings] == [2 * (3 + 2 * 105) - 1]
    assert result.papers[105].abstract == ""


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_endings(digest_text: str, expected: list[Pair], newline: str) -> None:
    text = newline.join(digest_text.splitlines()) + newline
    result = parse_digest(text)
    assert pairs(result) == expected
    assert result.warnings == ()


def test_utf8_bom_in_text(digest_text: str, expected: list[Pair]) -> None:
    result = parse_digest("\ufeff" + digest_text)
    assert pairs(result) == expected
    assert result.warnings == ()


def test_trailing_and_leading_spaces_and_tabs(digest_text: str, expected: list[Pair]) -> None:
    text = "\n".join(f"  {line} \t \t" for line in digest_text.splitlines())
    result = parse_digest(text)
    assert pairs(result) == expected
    assert result.warnings == ()


def test_pasted_twice_gives_each_paper_once(digest_text: str, expected: list[Pair]) -> None:
    text = digest_text + "\n" + digest_text
    result = parse_digest(text)
    assert pairs(result) == expected
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert f"{SHARED_DIGEST_PAPERS} papers repeat" in warning.message
    first_copy_lines = len(digest_text.splitlines())
    assert warning.line == first_copy_lines + 3  # the second copy's first title


def test_a_later_copy_fills_a_missing_abstract(digest_text: str, expected: list[Pair]) -> None:
    text, _ = without_abstract(digest_text, 7)
    result = parse_digest(text + "\n" + digest_text)
    assert pairs(result) == expected
    assert len(result.papers) == SHARED_DIGEST_PAPERS


@pytest.mark.parametrize("glued", [False, True])
def test_header_repeated_in_the_middle(digest_text: str, expected: list[Pair], glued: bool) -> None:
    lines = digest_text.splitlines()
    cut = 2 + 2 * 120  # before paper 120's title
    if glued:
        lines[cut] = "Subscribe" + lines[cut]
    text = "\n".join([*lines[:cut], *HEADER, *lines[cut:]])
    result = parse_digest(text)
    assert pairs(result) == expected
    assert result.warnings == ()


def test_bullets_counts_and_rules_are_ignored() -> None:
    text = "\n".join(
        [*HEADER, "Subscribe" + SMALL[0][0], "• " + SMALL[0][1], "73", "-----", *SMALL[1]]
    )
    result = parse_digest(text)
    assert pairs(result) == SMALL[:2]
    assert result.warnings == ()


# --- odd text never raises ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        " \t \r\n ",
        "\x00\x01\x02",
        "\ufeff",
        "\ud800 lone surrogate",
        "Subscribe",
        "SubscribeSubscribe",
        "\n".join(HEADER),
        "\n".join(HEADER * 50),
        "x" * 10_000,
        "." * 500,
        "a. " * 3000,
        "\u2028\u2029\x85\x0b\x0c",
    ],
)
def test_odd_text_never_raises(text: str) -> None:
    result = parse_digest(text)
    assert isinstance(result, ParseResult)
    assert_invariants(text, result)


def test_text_without_a_title_is_reported_not_imported() -> None:
    abstract = SMALL[0][1]
    result = parse_digest(f"{abstract}\n\n{abstract}")
    assert result.papers == ()
    assert [w.line for w in result.warnings] == [1, 3]
    assert all("without a title" in str(w) for w in result.warnings)


def test_warnings_are_readable_one_liners() -> None:
    title = " ".join(["Considerably"] * 18) + " Long Title"
    result = parse_digest(f"{title}\n{SMALL[0][0]}\n{SMALL[0][1]}")
    assert len(result.warnings) == 1
    text = str(result.warnings[0])
    assert text.startswith("line 1: ")
    assert "\n" not in text
    assert len(text) < 160


def assert_invariants(text: str, result: ParseResult) -> None:
    line_count = max(1, len(text.splitlines()))
    for paper in result.papers:
        assert paper.title
        assert paper.title == paper.title.strip()
        assert not re.match(r"get trending papers in your e-?mail inbox", paper.title, re.I)
        assert 1 <= paper.line <= line_count
    for warning in result.warnings:
        assert 1 <= warning.line <= line_count
        assert "\n" not in warning.message
    keys = [title_key(paper.title) for paper in result.papers]
    assert len(keys) == len(set(keys))


def scaled(fraction: float) -> int:
    """A share of the active profile's example count, so a CI profile still raises it."""
    return max(10, int(settings().max_examples * fraction))


@settings(max_examples=robustness_examples(), deadline=ROBUSTNESS_DEADLINE_MS)
@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    assert_invariants(text, parse_digest(text))


FRAGMENTS = [
    *HEADER,
    "Subscribe",
    "Subscribe" + SMALL[0][0],
    *(title for title, _ in SMALL),
    *(abstract for _, abstract in SMALL),
    "73",
    "•",
    "vs.",
    "e.g. We",
    "Title:",
    "\ufeff",
    "\t",
    " ",
    "",
]
fragment_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(["\n", "\r", "\r\n", "\n\n"]),
        st.text(max_size=20),
    ),
    max_size=80,
).map("".join)


@settings(max_examples=robustness_examples(), deadline=ROBUSTNESS_DEADLINE_MS)
@given(fragment_text)
def test_parse_never_raises_on_digest_like_text(text: str) -> None:
    assert_invariants(text, parse_digest(text))


# --- render then parse ----------------------------------------------------------------------

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzéüßøЖΩ"
DIGITS = "0123456789"
# At most 13 characters a word, so 15 words stay within a title's length.
_chunk = st.text(alphabet=LETTERS + DIGITS, min_size=1, max_size=6)
title_word = st.lists(_chunk, min_size=1, max_size=2).map("-".join)
# Abstract words come from a fixed vocabulary, picked by a drawn seed: drawing each of
# hundreds of words per paper separately makes the property slow without testing more.
VOCABULARY = (  # noqa: SIM905 - a sentence reads better than sixty quoted words
    "we propose a novel method for learning sparse representations of 3D scenes with"
    " transformer-based encoders and evaluate it on 12 benchmarks where it outperforms prior"
    " work by 4-7 points our analysis shows that scaling data matters more than model size"
    " code models datasets are released publicly café naïve Schrödinger ΩNet Жук straße"
    " GPT-4 LLaMA-2 ResNet50 x2 ab-initio multi-view cross-modal zero-shot"
).split()


def _sentence(length_and_seed: tuple[int, int]) -> str:
    length, seed = length_and_seed
    text = " ".join(random.Random(seed).choices(VOCABULARY, k=length))
    return text[0].upper() + text[1:] + "."


abstracts = st.lists(
    st.tuples(st.integers(6, 20), st.integers(0, 2**32)).map(_sentence), min_size=3, max_size=10
).map(" ".join)


@st.composite
def titles(draw: st.DrawFn) -> str:
    words = draw(st.lists(title_word, min_size=2, max_size=15))
    colon_after = draw(st.none() | st.integers(0, len(words) - 2))
    if colon_after is not None:
        words[colon_after] += ":"
    return " ".join(words)


def looks_like_a_title(title: str) -> bool:
    # A title needs a letter, and one that starts "Subscribe" + capital right after the header
    # is the glued "Subscribe" the parser strips by design.
    return bool(re.search(r"[^\W\d_]", title)) and not re.match(r"Subscribe[A-Z0-9]", title)


paper_lists = st.lists(
    st.tuples(titles().filter(looks_like_a_title), abstracts),
    min_size=1,
    max_size=10,
    unique_by=lambda pair: title_key(pair[0]),  # the parser's own idea of "the same title"
)


@settings(max_examples=scaled(0.5), suppress_health_check=[HealthCheck.too_slow])
@given(paper_lists)
def test_render_then_parse_gives_the_papers_back(papers: list[Pair]) -> None:
    text = render_digest(ParsedPaper(title, abstract, 0) for title, abstract in papers)
    result = parse_digest(text)
    assert pairs(result) == papers
    assert result.warnings == ()


def test_render_then_parse_shared_digest(digest_text: str, expected: list[Pair]) -> None:
    papers = parse_digest(digest_text).papers
    again = parse_digest(render_digest(papers))
    assert pairs(again) == expected
    assert again.warnings == ()


# --- large inputs terminate ---------------------------------------------------------------


def test_twenty_thousand_lines_of_the_shared_digest(digest_text: str) -> None:
    copies = 20_000 // len(digest_text.splitlines()) + 1
    text = "\n".join([digest_text] * copies)
    assert len(text.splitlines()) >= 20_000
    result = parse_digest(text)
    assert len(result.papers) == SHARED_DIGEST_PAPERS
    assert len(result.warnings) == 1
    assert f"{SHARED_DIGEST_PAPERS * (copies - 1)} papers repeat" in result.warnings[0].message


def test_twenty_thousand_lines_of_distinct_papers() -> None:
    abstract = SMALL[0][1]
    text = "".join(f"Paper Number {n}: Scaling Things\n{abstract}\n" for n in range(10_000))
    result = parse_digest(text)
    assert len(result.papers) == 10_000
    assert result.warnings == ()
    assert result.papers[-1].line == 19_999


def test_a_five_megabyte_abstract() -> None:
    sentence = "We scale the model to many more tokens than before and it still works. "
    abstract = (sentence * (5_000_000 // len(sentence) + 1)).strip()
    assert len(abstract) >= 5_000_000
    result = parse_digest(f"{SMALL[0][0]}\n{abstract}\n")
    assert pairs(result) == [(SMALL[0][0], abstract)]
    assert result.warnings == ()


@pytest.mark.parametrize("line", ["x" * 5_000_000, "word " * 1_000_000, "<a>." * 1_250_000])
def test_a_single_five_megabyte_line(line: str) -> None:
    result = parse_digest(line)
    assert result.papers == ()
    assert len(result.warnings) == 1
    assert result.warnings[0].line == 1
    assert len(result.warnings[0].message) < 200


def test_a_bulleted_header_line_is_still_a_header() -> None:
    # Found by the CI hypothesis profile: a bullet before the header made it a title.
    result = parse_digest("•\tGet trending papers in your email inbox once a day!")
    assert result.papers == ()


def test_subscribe_glued_to_a_header_line_is_still_a_header() -> None:
    result = parse_digest("SubscribeGet trending papers in your email inbox once a day!")
    assert result.papers == ()
