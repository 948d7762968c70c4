"""Chunked line splitting: the same lines as ``str.splitlines()``, in short C calls."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.core.text_lines import CHUNK_CHARS, chunk_bounds, iter_lines
from tests.helpers import ROBUSTNESS_DEADLINE_MS, robustness_examples

# Every line break splitlines() knows, and the characters that are easy to cut in two.
BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@settings(max_examples=robustness_examples(), deadline=ROBUSTNESS_DEADLINE_MS)
@given(st.lists(st.sampled_from([*BREAKS, "\r\n", "a", "é", " "])), st.integers(1, 8))
def test_same_lines_as_splitlines_for_any_chunk_size(pieces: list[str], chunk: int) -> None:
    text = "".join(pieces)
    assert list(iter_lines(text, chunk)) == text.splitlines()


@pytest.mark.parametrize(
    ("text", "chunk"),
    [
        ("", 4),
        ("\n", 1),
        ("ab\r\ncd", 3),  # the chunk would end between \r and \n
        ("ab\rcd\n\nef", 2),
        ("no break at all", 2),
        ("trailing\n", 100),
    ],
)
def test_edge_cases(text: str, chunk: int) -> None:
    assert list(iter_lines(text, chunk)) == text.splitlines()


def test_a_long_text_is_split_in_chunks_that_end_lines() -> None:
    text = "".join(f"line {number}\r\n" for number in range(100_000))
    bounds = list(chunk_bounds(text))
    assert len(bounds) == len(text) // CHUNK_CHARS + 1
    assert [start for start, _ in bounds[1:]] == [end for _, end in bounds[:-1]]
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    for start, end in bounds[:-1]:
        assert CHUNK_CHARS <= end - start < CHUNK_CHARS + len("line 99999\r\n")
        assert text[end - 2 : end] == "\r\n"
    assert list(iter_lines(text)) == text.splitlines()
