"""LaTeX in BibTeX values, both ways: plain text out of a value, a value out of text.

The reader turns common LaTeX (accents, escaped specials, ``\\emph{}``...) into plain
text and keeps math (``$...$``) as written; the writer escapes every special character,
so a value's braces always balance and LaTeX prints the text as it is. Reading what the
writer wrote gives the text back exactly (tested on any text).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from readinglist.core.normalize import clean_text

_ACCENTS: Final = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
_LETTERS: Final = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textunderscore": "_",
    "textdollar": "$",
    "textendash": "–",
    "textemdash": "—",
    "textquoteright": "’",
    "textquoteleft": "‘",
}
# Commands that only format their argument: the argument stays, the command goes.
_FORMATTING: Final = frozenset(
    {"emph", "textit", "textbf", "texttt", "textsc", "textsf", "textrm", "textup", "mbox",
     "url", "textnormal", "text", "bf", "it", "em", "tt", "sc", "rm"}
)  # fmt: skip


def decode_latex(value: str) -> str:
    """Plain text of a BibTeX value: braces dropped, commands and accents decoded."""
    out: list[str] = []
    accent: str | None = None  # waiting for the next character
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        text = ""
        if ch == "$":  # math, kept as written
            end = value.find("$", i + 1)
            end = n - 1 if end < 0 else end
            text, i = value[i : end + 1], end + 1
        elif ch == "\\":
            i, text, new_accent = _command(value, i)
            accent = new_accent or accent
        elif ch in "{}":
            i += 1
        else:
            text, i = (" " if ch == "~" else ch), i + 1
        if text and accent is not None:
            text = unicodedata.normalize("NFC", text[0] + accent) + text[1:]
            accent = None
        out.append(text)
    return clean_text("".join(out))


def _command(value: str, i: int) -> tuple[int, str, str | None]:
    """The command at ``value[i] == '\\'``: (where to go on, its text, an accent)."""
    n = len(value)
    if i + 1 >= n:
        return n, "", None
    nxt = value[i + 1]
    if nxt in _ACCENTS and not nxt.isalpha():
        if nxt in "^~" and value.startswith("{}", i + 2):  # \^{} and \~{}: the character
            return i + 4, nxt, None
        return i + 2, "", _ACCENTS[nxt]
    if not nxt.isalpha():  # \{ \} \$ \& \% \# \_ and \\ (a line break)
        return i + 2, " " if nxt == "\\" else nxt, None
    j = i + 1
    while j < n and value[j].isalpha():
        j += 1
    name = value[i + 1 : j]
    if value.startswith("{}", j):
        j += 2
    elif j < n and value[j] == " ":
        j += 1
    if name in _LETTERS:
        return j, _LETTERS[name], None
    if name in _ACCENTS:  # \c{c}, \v{s}, \u{a}, \H{o}, \k{a}, \r{a}
        return j, "", _ACCENTS[name]
    if name in _FORMATTING:
        return j, "", None
    return j, "\\" + name, None


_LATEX: Final = {
    "\\": r"\textbackslash{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# Pairs TeX turns into one character ("--" is a dash, "``" a quote, "?`" is "¿"): an
# empty group between them keeps both characters.
_LIGATURE: Final = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")
# BibTeX counts braces even when escaped, so \{ and \} are used only when they pair up.
_BALANCED: Final = {"{": r"\{", "}": r"\}"}
_UNBALANCED: Final = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def escape_latex(text: str, ligatures: bool = False) -> str:
    """Text as LaTeX prints it back; white space collapsed (a field is one line).

    ``ligatures``: keep ``--`` as TeX's dash (page ranges, where BibTeX means a dash);
    elsewhere an empty group keeps both characters as they were typed.
    """
    value = " ".join(text.split())
    braces = _BALANCED if _balanced(value) else _UNBALANCED
    escaped = "".join(_LATEX.get(ch) or braces.get(ch) or ch for ch in value)
    return escaped if ligatures else _LIGATURE.sub("{}", escaped)
