"""Read BibTeX (.bib): title, abstract, author, url, eprint (and doi) of each entry.

A small tolerant reader in linear time: ``@string`` macros and ``#`` concatenation,
braced, quoted and bare values, ``@comment`` and ``@preamble`` skipped, and common LaTeX
(accents, escaped specials, ``\\emph{}``...) turned into plain text. Math (``$...$``)
is kept as written. An entry it cannot read is a warning with its line number.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import islice
from typing import Final

from readinglist.core.arxiv import normalize_arxiv_id
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.models import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.normalize import clean_text
from readinglist.core.text_lines import iter_lines

_ENTRY_START: Final = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_NAME: Final = re.compile(r"\s*([A-Za-z0-9_:.+\-/]+)\s*")
_KEY: Final = re.compile(r"\s*([^,\s{}()=\"#%]*)\s*,")
_AND: Final = re.compile(r"\s+and\s+", re.IGNORECASE)
_MONTHS: Final = {
    m: str(i)
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
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


class _BibSyntaxError(Exception):
    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position


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


def split_authors(value: str) -> tuple[str, ...]:
    """``Hinton, Geoffrey and Yann LeCun`` -> ``("Geoffrey Hinton", "Yann LeCun")``."""
    names: list[str] = []
    depth, start = 0, 0
    parts: list[str] = []
    for match_at in range(len(value)):
        ch = value[match_at]
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth == 0 and ch.isspace():
            found = _AND.match(value, match_at)
            if found and found.start() == match_at:
                parts.append(value[start:match_at])
                start = found.end()
    parts.append(value[start:])
    for part in parts:
        pieces = [decode_latex(piece) for piece in _split_commas(part)]
        if len(pieces) == 3:  # von Last, Jr, First
            name = f"{pieces[2]} {pieces[0]} {pieces[1]}"
        elif len(pieces) == 2:
            name = f"{pieces[1]} {pieces[0]}"
        else:
            name = pieces[0] if pieces else ""
        name = clean_text(name)
        if name and name.lower() != "others":
            names.append(name)
    return tuple(names)


def _split_commas(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if ch == "," and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.macros: dict[str, str] = dict(_MONTHS)

    def braced(self, i: int, close: str) -> tuple[str, int]:
        """The raw text from ``text[i]`` (an opening delimiter) to its match."""
        depth, j, n = 0, i, len(self.text)
        while j < n:
            ch = self.text[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0 and close == "}":
                    return self.text[i + 1 : j], j + 1
                if depth < 0:
                    raise _BibSyntaxError(j, "unbalanced braces")
            elif ch == '"' and close == '"' and depth == 0 and j > i:
                return self.text[i + 1 : j], j + 1
            j += 1
        raise _BibSyntaxError(i, "a value is never closed")

    def value(self, i: int) -> tuple[str, int]:
        """One field value (parts joined by ``#``); returns the raw value and the end."""
        parts: list[str] = []
        while True:
            i = self.skip_space(i)
            if i >= len(self.text):
                raise _BibSyntaxError(i, "a field has no value")
            ch = self.text[i]
            if ch == "{":
                part, i = self.braced(i, "}")
            elif ch == '"':
                part, i = self.braced(i, '"')
            else:
                match = _NAME.match(self.text, i)
                if match is None or not match.group(1):
                    raise _BibSyntaxError(i, 'a field value must be {...}, "..." or a name')
                word = match.group(1)
                part = word if word.isdigit() else self.macros.get(word.lower(), word)
                i = match.end()
            parts.append(part)
            i = self.skip_space(i)
            if i < len(self.text) and self.text[i] == "#":
                i += 1
                continue
            return "".join(parts), i

    def skip_space(self, i: int) -> int:
        while i < len(self.text) and self.text[i].isspace():
            i += 1
        return i

    def fields(self, i: int, close: str) -> tuple[dict[str, str], int]:
        fields: dict[str, str] = {}
        while True:
            i = self.skip_space(i)
            if i < len(self.text) and self.text[i] == ",":
                i += 1
                continue
            if i >= len(self.text):
                raise _BibSyntaxError(i, "an entry is never closed")
            if self.text[i] == close:
                return fields, i + 1
            match = _NAME.match(self.text, i)
            if match is None or not match.group(1):
                raise _BibSyntaxError(i, "expected a field name")
            name = match.group(1).lower()
            i = self.skip_space(match.end())
            if i >= len(self.text) or self.text[i] != "=":
                raise _BibSyntaxError(i, f"expected '=' after {name!r}")
            value, i = self.value(i + 1)
            fields.setdefault(name, value)


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _paper(fields: dict[str, str], line: int) -> ParsedPaper | None:
    title = decode_latex(fields.get("title", ""))
    if not title:
        return None
    arxiv_id = None
    eprint = fields.get("eprint", "")
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if eprint and prefix in ("", "arxiv"):
        arxiv_id = normalize_arxiv_id(decode_latex(eprint))
    urls: list[str] = []
    url = clean_text(fields.get("url", "")).replace("\\_", "_").replace("\\%", "%")
    if url:
        urls.append(url)
        arxiv_id = arxiv_id or normalize_arxiv_id(url)
    doi = clean_text(fields.get("doi", ""))
    if doi:
        urls.append(doi if doi.startswith("http") else f"https://doi.org/{doi}")
    return ParsedPaper(
        title=title,
        abstract=decode_latex(fields.get("abstract", "")),
        line=line,
        authors=split_authors(fields.get("author", "")),
        arxiv_id=arxiv_id,
        urls=tuple(urls),
    )


HEADER_LINES = 10  # lines a reference manager may write before the first entry


def looks_like_bibtex(text: str) -> bool:
    """The first line that is not blank or a ``%`` comment opens an ``@type{`` entry, or
    one after a few header lines and a blank line (Mendeley writes "Automatically
    generated by Mendeley Desktop." first)."""
    seen, after_blank = 0, True
    for line in islice(iter_lines(text), 200):
        stripped = line.strip()
        if not stripped:
            after_blank = True
            continue
        if stripped.startswith("%"):
            continue
        # After a header, only past a blank line: "@misc{" inside an abstract is text.
        if after_blank and _ENTRY_START.match(stripped) is not None:
            return True
        seen, after_blank = seen + 1, False
        if seen > HEADER_LINES:
            return False
    return False


def read_bibtex(text: str, source_name: str) -> ParseResult:
    scanner = _Scanner(text)
    papers: list[ParsedPaper] = []
    warnings: list[ParseWarning] = []
    entries = 0
    i = 0
    while (match := _ENTRY_START.search(text, i)) is not None:
        kind, opening = match.group(1).lower(), match.group(2)
        close = "}" if opening == "{" else ")"
        line = _line_of(text, match.start())
        try:
            if kind in ("comment", "preamble"):
                if opening == "{":
                    i = scanner.braced(match.end() - 1, "}")[1]
                else:
                    i = text.find(")", match.end()) + 1 or len(text)
                continue
            if kind == "string":
                fields, i = scanner.fields(match.end(), close)
                scanner.macros.update(fields)
                continue
            key = _KEY.match(text, match.end())
            if key is None:
                raise _BibSyntaxError(match.end(), "expected a citation key and a comma")
            fields, i = scanner.fields(key.end(), close)
        except _BibSyntaxError as error:
            if entries == 0 and not papers:
                raise ImportFormatError(
                    f"{source_name}: not valid BibTeX: line {_line_of(text, error.position)}:"
                    f" {error}"
                ) from None
            warnings.append(ParseWarning(_line_of(text, error.position), f"entry skipped: {error}"))
            i = match.end()
            continue
        entries += 1
        paper = _paper(fields, line)
        if paper is None:
            warnings.append(ParseWarning(line, f"@{kind} entry without a title skipped"))
        else:
            papers.append(paper)
    if not papers:
        raise ImportFormatError(f"{source_name}: no BibTeX entry with a title found")
    return ParseResult(tuple(papers), tuple(warnings))
