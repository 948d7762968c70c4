"""Exchange with other tools: export formats (one small module each) and importers.

:data:`FORMATS` is the registry the command line and the window offer; every renderer
takes a :class:`LibraryExport` and :class:`ExportOptions` and returns the file's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from readinglist.core.errors import InvalidValueError
from readinglist.core.exchange import (
    backup,
    bibtex,
    csljson,
    csvfile,
    html_page,
    markdown,
    ris,
)
from readinglist.core.exchange.bundle import ExportOptions, ExportScope, LibraryExport

__all__ = ["FORMATS", "ExportFormat", "ExportOptions", "ExportScope", "LibraryExport", "render"]

Renderer = Callable[[LibraryExport, ExportOptions], str]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str  # what --format takes
    label: str  # what the window shows
    extension: str  # without the dot
    render: Renderer
    # It writes the reader's own state (notes, tags, status) only when asked for
    # (ExportOptions.private: --include-private, the export dialog's box).
    private_on_request: bool = False


FORMATS: Final[dict[str, ExportFormat]] = {
    fmt.name: fmt
    for fmt in (
        ExportFormat("md", "Markdown checklist", "md", markdown.render),
        ExportFormat("csv", "CSV (spreadsheets)", "csv", csvfile.render),
        ExportFormat("bibtex", "BibTeX", "bib", bibtex.render, private_on_request=True),
        ExportFormat("ris", "RIS (Zotero, EndNote)", "ris", ris.render),
        ExportFormat("csljson", "CSL-JSON (Pandoc, Zotero)", "json", csljson.render),
        ExportFormat("json", "JSON (complete backup)", "json", backup.render),
        ExportFormat("html", "HTML page", "html", html_page.render),
    )
}


def render(name: str, data: LibraryExport, options: ExportOptions | None = None) -> str:
    fmt = FORMATS.get(name)
    if fmt is None:
        raise InvalidValueError(f"unknown export format {name!r}; use one of: {', '.join(FORMATS)}")
    return fmt.render(data, options or ExportOptions())
