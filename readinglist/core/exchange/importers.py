"""Every import goes through here: the format is picked from the content, not the name.

JSON is a readinglist backup, Hugging Face daily papers or CSL-JSON, ``@type{`` opens
BibTeX, ``TY  - `` RIS, and anything else is a digest (text, e-mail or web page, see
``core.digest_sources``), unless it is a file of another kind this program does not
read (a CSV table, a Markdown reading list, an HTML export), which is refused.
"""

from __future__ import annotations

import json
import re
from typing import Final, Literal, TypeAlias

from readinglist.core.digest_sources import check_size, decode_bytes, parse_source
from readinglist.core.errors import DigestError
from readinglist.core.exchange.backup import looks_like_backup, read_backup
from readinglist.core.exchange.bibtex_reader import looks_like_bibtex, read_bibtex
from readinglist.core.exchange.bundle import LibraryExport
from readinglist.core.exchange.csljson_reader import looks_like_csljson, read_csljson
from readinglist.core.exchange.csvfile import COLUMNS
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.exchange.hf_daily import looks_like_hf_daily, read_hf_daily
from readinglist.core.exchange.ris_reader import looks_like_ris, read_ris
from readinglist.core.models import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.normalize import title_key

SourceKind: TypeAlias = Literal["json", "bibtex", "ris", "digest"]
# "[Re] A Title" is a digest; "[{", "[]", '["', "[1" and "{" start JSON.
_JSON_START: Final = re.compile(r'\s*(?:\{|\[\s*(?:[{\["\]0-9-]|\Z))')


def sniff(text: str) -> SourceKind:
    if _JSON_START.match(text):
        return "json"
    if looks_like_bibtex(text):
        return "bibtex"
    if looks_like_ris(text):
        return "ris"
    return "digest"


def read_import(data: bytes, source_name: str) -> ParseResult | LibraryExport:
    """Papers to import, or a backup to restore; an error of the library's kind otherwise."""
    check_size(data, source_name, "an import")
    text, warnings = decode_bytes(data, source_name)
    kind = sniff(text)
    if kind == "json":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFormatError(
                f"{source_name}: not valid JSON: line {error.lineno} column {error.colno}:"
                f" {error.msg}"
            ) from None
        except RecursionError:
            raise ImportFormatError(f"{source_name}: JSON nested too deeply") from None
        if looks_like_backup(value):
            return read_backup(value, source_name)
        if looks_like_hf_daily(value):
            result = read_hf_daily(value, source_name)
        elif looks_like_csljson(value):
            result = read_csljson(value, source_name)
        else:
            raise ImportFormatError(
                f"{source_name}: JSON, but neither a readinglist backup, Hugging Face"
                " daily papers nor CSL-JSON"
            )
    elif kind == "bibtex":
        result = read_bibtex(text, source_name)
    elif kind == "ris":
        result = read_ris(text, source_name)
    else:
        refuse_other_formats(text, source_name)
        result = parse_source(text, source_name)  # drops repeats itself
    if kind != "digest":
        result = _drop_repeats(result)
    if not result.papers:
        raise DigestError(f"{source_name}: no papers found")
    return ParseResult(result.papers, tuple(warnings) + result.warnings)


_CHECKLIST: Final = re.compile(r"^- \[[ xX]\] ", re.MULTILINE)
_OWN_HTML: Final = re.compile(r'<meta name="generator" content="readinglist">', re.IGNORECASE)
_ZOTERO_CSV: Final = '"Key","Item Type"'


def refuse_other_formats(text: str, source_name: str) -> None:
    """A file that is not a digest must not become papers named after its lines: a CSV
    table, this program's Markdown checklist or HTML page. One line says what it is
    and what can be imported; nothing is imported."""
    first = text.lstrip().split("\n", 1)[0].strip()
    kind = None
    if first.startswith((",".join(COLUMNS[:3]), _ZOTERO_CSV)):
        kind = "a CSV table"
    elif _CHECKLIST.search(text[:100_000]):
        kind = "a Markdown reading list"
    elif _OWN_HTML.search(text[:4096]):
        kind = "a readinglist HTML export"
    if kind is not None:
        raise ImportFormatError(
            f"{source_name}: {kind}, not a digest; readinglist imports digests (text,"
            " e-mail, web page), Hugging Face daily-papers JSON, BibTeX, RIS, CSL-JSON"
            " and its JSON backups"
        )


def _drop_repeats(result: ParseResult) -> ParseResult:
    """Each title once (the first), so one import never adds a paper twice."""
    seen: set[str] = set()
    kept: list[ParsedPaper] = []
    repeats = 0
    for paper in result.papers:
        key = title_key(paper.title)
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        kept.append(paper)
    if not repeats:
        return result
    note = ParseWarning(0, f"{repeats} repeated titles imported once")
    return ParseResult(tuple(kept), (*result.warnings, note))
