"""Read BibTeX (.bib): every entry as a paper with what it says (see bibtex_fields).

A small tolerant reader in linear time: ``@string`` macros and ``#`` concatenation,
braced, quoted and bare values, ``@comment`` and ``@preamble`` skipped; values are
decoded from LaTeX by ``latex.decode_latex`` (math is kept as written). An entry it
cannot read is a warning with its line number.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Final

from readinglist.core.exchange.bibtex_fields import entry_paper
from readinglist.core.exchange.dates import MONTH_MACROS
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.exchange.latex import decode_latex
from readinglist.core.exchange.names import parse_names
from readinglist.core.models import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.text_lines import iter_lines

__all__ = ["decode_latex", "looks_like_bibtex", "read_bibtex", "split_authors"]

_ENTRY_START: Final = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_NAME: Final = re.compile(r"\s*([A-Za-z0-9_:.+\-/]+)\s*")
_KEY: Final = re.compile(r"\s*([^,\s{}()=\"#%]*)\s*,")
_MONTHS: Final = {macro: str(number) for number, macro in enumerate(MONTH_MACROS, start=1)}


class _BibSyntaxError(Exception):
    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position


def split_authors(value: str) -> tuple[str, ...]:
    """``Hinton, Geoffrey and Yann LeCun`` -> ``("Geoffrey Hinton", "Yann LeCun")``."""
    return tuple(name.name for name in parse_names(value))


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
            paper = entry_paper(kind, key.group(1), fields, line)
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
        if paper is None:
            warnings.append(ParseWarning(line, f"@{kind} entry without a title skipped"))
        else:
            papers.append(paper)
    if not papers:
        raise ImportFormatError(f"{source_name}: no BibTeX entry with a title found")
    return ParseResult(tuple(papers), tuple(warnings))
