"""RIS (Reference Manager, Zotero, EndNote): one ``TY  - GEN`` record per paper.

RIS is line based, so every value is written on one line (line breaks become spaces).
"""

from __future__ import annotations

from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.text import abstract_page, one_line, year_of
from readinglist.core.models import Paper


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {one_line(value)}"


def record(paper: Paper, key: str) -> list[str]:
    lines = [_line("TY", "GEN"), _line("ID", key), _line("TI", paper.title)]
    lines += [_line("AU", author) for author in paper.authors]
    year = year_of(paper)
    if year is not None:
        lines.append(_line("PY", str(year)))
    added = paper.added_at.date()
    lines.append(_line("Y2", f"{added.year}/{added.month:02d}/{added.day:02d}"))  # accessed
    if paper.abstract:
        lines.append(_line("AB", paper.abstract))
    lines += [_line("KW", tag) for tag in paper.tags]
    if paper.arxiv_id:
        lines.append(_line("DO", f"10.48550/arXiv.{paper.arxiv_id}"))
    page = abstract_page(paper)
    if page is not None:
        lines.append(_line("UR", page))
    # Nothing private (status, rating, notes): a reference manager may print any field.
    lines.append("ER  - ")
    return lines


def render(data: LibraryExport, options: ExportOptions) -> str:
    keys = citation_keys(data.papers)
    out: list[str] = []
    for paper in data.papers:
        out += record(paper, keys[paper.id])
        out.append("")
    return "\r\n".join(out)
