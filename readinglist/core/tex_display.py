"""Simple TeX left in digest text, shown as the characters it stands for.

Abstracts come from arXiv with their TeX: ``1\\times1``, ``$\\alpha$-blending``,
``6.13\\%``, ``na\\"ive``, ``{\\it asynchronous}``. The window shows ``1×1``, ``α-blending``,
``6.13%``, ``naïve`` and ``asynchronous``; the stored text is never changed (search,
export and the command line keep the original). Only what has one obvious reading is
rewritten: an unknown command, or math with anything left over, stays as it is, and a
``$`` is only dropped around math that was entirely turned into plain characters (so
"$5 and $10" keeps its dollars).

:func:`display_fragment` does the same on highlighted runs (the search words marked),
keeping the marks on the characters they were on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from readinglist.core.models import Fragment

Edit = tuple[int, int, str]  # replace text[start:end] by the string

SYMBOLS: dict[str, str] = {
    "times": "×",
    "cdot": "·",
    "div": "÷",
    "pm": "±",
    "mp": "∓",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "∼",
    "simeq": "≃",
    "equiv": "≡",
    "propto": "∝",
    "ll": "≪",
    "gg": "≫",
    "infty": "∞",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "Leftarrow": "⇐",
    "leftrightarrow": "↔",
    "uparrow": "↑",
    "downarrow": "↓",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "subseteq": "⊆",
    "cup": "∪",
    "cap": "∩",
    "forall": "∀",
    "exists": "∃",
    "partial": "∂",
    "nabla": "∇",
    "sum": "∑",
    "prod": "∏",
    "sqrt": "√",
    "circ": "∘",
    "star": "⋆",
    "ldots": "…",
    "dots": "…",
    "cdots": "⋯",
    "degree": "°",
    "checkmark": "✓",
    "dagger": "†",
    "ddagger": "‡",
    "S": "§",
    "textasciitilde": "~",
    "textbar": "|",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
}
GREEK_NAMES = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi"
    " rho sigma tau upsilon phi chi psi omega"
)
GREEK = dict(
    zip(
        GREEK_NAMES.split(),
        "αβγδεζηθικλμνξοπρστυφχψω",
        strict=True,
    )
)
SYMBOLS.update(GREEK)
# The capitals that differ from Latin letters (\Alpha is not LaTeX).
CAPITALS = "gamma delta theta lambda xi pi sigma upsilon phi psi omega"
SYMBOLS.update({name.capitalize(): GREEK[name].upper() for name in CAPITALS.split()})
SYMBOLS.update(varepsilon="ε", vartheta="ϑ", varphi="φ", varrho="ϱ", varsigma="ς", ell="ℓ")
ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303"}
STYLES = "mathbf mathrm mathit mathsf mathtt mathcal mathbb text textbf textit textrm texttt emph"
OLD_STYLES = "it bf em rm sf tt sc"
SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")

_COMMAND = re.compile(r"\\([A-Za-z]+)(?:\{\})?")
_ESCAPE = re.compile(r"\\([%&_#$])")
_ACCENT = re.compile(r"""\\(["'`^~])\{?([A-Za-z])\}?""")
_STYLED = re.compile(r"\\(" + STYLES.replace(" ", "|") + r")\{([^{}\\$]*)\}")
_OLD_STYLED = re.compile(r"\{\\(" + OLD_STYLES.replace(" ", "|") + r")\s+([^{}\\$]*)\}")
_SCRIPT = re.compile(r"([\^_])(?:\{([0-9+\-=()n]{1,8})\}|([0-9n]))")
_MATH = re.compile(r"\$([^$\n]{1,120})\$")
_LEFTOVER = re.compile(r"[\\^_{}]")


def _text_edits(text: str, start: int, end: int, math: bool) -> Iterator[Edit]:
    """The rewrites inside ``text[start:end]``, in order, never overlapping."""
    found: list[Edit] = []
    taken: list[tuple[int, int]] = []

    def add(edit_start: int, edit_end: int, replacement: str) -> None:
        if any(edit_start < b and a < edit_end for a, b in taken):
            return
        taken.append((edit_start, edit_end))
        found.append((edit_start, edit_end, replacement))

    for match in _STYLED.finditer(text, start, end):
        add(match.start(), match.end(), match.group(2))
    for match in _OLD_STYLED.finditer(text, start, end):
        add(match.start(), match.end(), match.group(2))
    for match in _ACCENT.finditer(text, start, end):
        letter = unicodedata.normalize("NFC", match.group(2) + ACCENTS[match.group(1)])
        add(match.start(), match.end(), letter)
    for match in _ESCAPE.finditer(text, start, end):
        add(match.start(), match.end(), match.group(1))
    for match in _COMMAND.finditer(text, start, end):
        symbol = SYMBOLS.get(match.group(1))
        if symbol is not None:
            add(match.start(), match.end(), symbol)
    if math:
        for match in _SCRIPT.finditer(text, start, end):
            value = match.group(2) or match.group(3)
            table = SUPERSCRIPTS if match.group(1) == "^" else SUBSCRIPTS
            converted = value.translate(table)
            if converted != value and all(c != "n" for c in converted):
                add(match.start(), match.end(), converted)
    yield from sorted(found)


def _apply(text: str, edits: list[Edit]) -> str:
    parts: list[str] = []
    place = 0
    for start, end, replacement in edits:
        parts.append(text[place:start])
        parts.append(replacement)
        place = end
    parts.append(text[place:])
    return "".join(parts)


def tex_edits(text: str) -> list[Edit]:
    """Every rewrite :func:`display_tex` makes, as (start, end, replacement), in order."""
    if "\\" not in text and "$" not in text and "{" not in text:
        return []  # the usual abstract: nothing to do, cheaply
    edits: list[Edit] = []
    place = 0
    for math in _MATH.finditer(text):
        edits.extend(_text_edits(text, place, math.start(), math=False))
        inner = list(_text_edits(text, math.start(1), math.end(1), math=True))
        edits.extend(inner)
        content = text[math.start(1) : math.end(1)]
        shifted = [(a - math.start(1), b - math.start(1), r) for a, b, r in inner]
        if inner and not _LEFTOVER.search(_apply(content, shifted)):
            # Entirely plain now: the dollars go too ("$\alpha$-blending": "α-blending").
            edits.insert(len(edits) - len(inner), (math.start(), math.start(1), ""))
            edits.append((math.end(1), math.end(), ""))
        place = math.end()
    edits.extend(_text_edits(text, place, len(text), math=False))
    return edits


def display_tex(text: str) -> str:
    """``text`` with its simple TeX shown as characters (``1\\times1``: ``1×1``)."""
    return _apply(text, tex_edits(text))


def display_fragment(fragment: Fragment) -> Fragment:
    """The runs of a highlighted text with their TeX shown as characters; a rewritten
    piece is marked when any character it came from was."""
    text = "".join(run for run, _ in fragment)
    edits = tex_edits(text)
    if not edits:
        return fragment
    marks = [matched for run, matched in fragment for _ in run]
    pieces: list[tuple[str, bool]] = []
    place = 0
    for start, end, replacement in [*edits, (len(text), len(text), "")]:
        pieces.extend((text[i], marks[i]) for i in range(place, start))
        if replacement:
            pieces.append((replacement, any(marks[start:end])))
        place = end
    runs: list[tuple[str, bool]] = []
    for piece, matched in pieces:
        if runs and runs[-1][1] == matched:
            runs[-1] = (runs[-1][0] + piece, matched)
        else:
            runs.append((piece, matched))
    return tuple(runs)
