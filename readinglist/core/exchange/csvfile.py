"""CSV: one row per paper, every cell safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would be
run as a formula by Excel, LibreOffice or Google Sheets; it gets a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.text import urls_of
from readinglist.core.models import LinkKind, Paper

COLUMNS = (
    "id",
    "title",
    "authors",
    "arxiv_id",
    "published",
    "status",
    "priority",
    "rating",
    "tags",
    "code_url",
    "project_url",
    "links",
    "upvotes",
    "times_seen",
    "added_at",
    "first_seen",
    "last_seen",
    "notes",
    "abstract",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A leading ``'`` on what a spreadsheet could run as a formula, white space before
    the ``=`` included (some spreadsheets trim it on import)."""
    formula = cell.startswith(_FORMULA_START) or cell.lstrip().startswith(_FORMULA_START)
    return "'" + cell if formula else cell


def _moment(value: datetime | None) -> str:
    """ISO 8601 to the second in UTC (``2024-06-14T09:30:00+00:00``)."""
    return "" if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


def _row(paper: Paper) -> list[str]:
    first = {kind: (urls_of(paper, kind) or [""])[0] for kind in (LinkKind.CODE, LinkKind.PROJECT)}
    values = [
        str(paper.id),
        paper.title,
        "; ".join(paper.authors),
        paper.arxiv_id or "",
        paper.published or "",  # as precise as the source: 2017, 2017-06, 2017-06-08
        paper.status.value,
        paper.priority.value,
        str(paper.rating),
        "; ".join(paper.tags),
        first[LinkKind.CODE],
        first[LinkKind.PROJECT],
        " ".join(link.url for link in paper.links),
        "" if paper.upvotes is None else str(paper.upvotes),
        str(paper.times_seen),
        _moment(paper.added_at),
        _moment(paper.first_seen),
        _moment(paper.last_seen),
        paper.notes,
        paper.abstract,
    ]
    return [neutralise(value) for value in values]


BOM = "\ufeff"


def render(data: LibraryExport, options: ExportOptions) -> str:
    """The table; with ``options.bom`` a byte order mark first, without which Excel
    reads UTF-8 as the system's code page (José becomes JosÃ©)."""
    out = io.StringIO()
    if options.bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(paper) for paper in data.papers)
    return out.getvalue()
