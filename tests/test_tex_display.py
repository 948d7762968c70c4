"""Simple TeX shown as characters (core.tex_display): what is rewritten, what is not."""

from __future__ import annotations

import pytest

from readinglist.core.tex_display import display_fragment, display_tex


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (r"a 1\times1 convolution", "a 1×1 convolution"),
        (r"$\alpha$-blending", "α-blending"),
        (r"$3\times3$ kernels", "3×3 kernels"),
        (r"up to 6.13\% on LLaMA", "up to 6.13% on LLaMA"),
        (r"a na\"ive generator", "a naïve generator"),
        (r"a study of {\it asynchronous} updates", "a study of asynchronous updates"),
        (r"$k \leq 4$ and $n \geq 2$", "k ≤ 4 and n ≥ 2"),
        (r"\Omega and \Sigma, \lambda", "Ω and Σ, λ"),
        (r"$O(n^2)$ time", "O(n²) time"),
        (r"$\mathbf{x} \in X$", "x ∈ X"),
        (r"R\&D", "R&D"),
    ],
)
def test_simple_tex_is_shown_as_its_characters(stored: str, shown: str) -> None:
    assert display_tex(stored) == shown


@pytest.mark.parametrize(
    "stored",
    [
        "plain text with no TeX at all",
        "$5 and $10",  # dollars that are money stay
        r"\codestar-15B",  # an unknown command stays
        r"\timesfoo",  # not \times followed by letters
        "file_1 and a^2 outside math",  # no sub- or superscripts outside $...$
    ],
)
def test_what_has_no_single_reading_is_left_as_it_is(stored: str) -> None:
    assert display_tex(stored) == stored


def test_math_with_something_left_over_keeps_its_dollars() -> None:
    assert display_tex(r"$\frac{a}{b} \times 2$") == r"$\frac{a}{b} × 2$"


def test_highlight_marks_stay_on_the_characters_they_were_on() -> None:
    fragment = ((r"a 1\ti", False), ("mes", True), (r"1 $\alpha$ b", False))
    assert display_fragment(fragment) == (("a 1", False), ("×", True), ("1 α b", False))
    plain = (("no tex", False), ("here", True))
    assert display_fragment(plain) is plain
