"""Markdown: the reader's checklist (read papers ticked) with links, tags, rating, notes.

Grouped by status or tag; a list keeps its own order. This is the reader's own
document, so their tags, rating and notes are in it (unlike the citation formats).
"""

from __future__ import annotations

import re

from readinglist.core.exchange.bundle import ExportOptions, GroupBy, LibraryExport
from readinglist.core.exchange.text import one_line, urls_of
from readinglist.core.links import is_openable_url
from readinglist.core.models import MAX_RATING, LinkKind, Paper, ReadStatus

DONE = frozenset({ReadStatus.READ, ReadStatus.SKIMMED})
# What can start inline syntax in the middle of a line (code, emphasis, links; ``#``
# would close a heading), escaped with a backslash: every renderer reads these escapes.
# Python-Markdown (MkDocs) shows some other escapes as written ("RAW\:"), so the
# rest of the punctuation stays as it is, and HTML's and strikethrough's characters
# become entities, which CommonMark, GitHub and Python-Markdown all render.
_BACKSLASHED = re.compile(r"([\\`*_\[\]#])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "~": "&#126;"}


def escape(text: str) -> str:
    """Text that renders as itself, on one line, and reads as itself in the file."""
    backslashed = _BACKSLASHED.sub(r"\\\1", one_line(text))
    return "".join(_ENTITIES.get(ch, ch) for ch in backslashed)


def _url(url: str) -> str:
    """A link destination: what would end it or break it is percent-encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


def _item(paper: Paper) -> str:
    """One checklist item: title, links and authors; then, on lines of their own, the
    reader's tags, rating and notes (this is the reader's own document)."""
    tick = "x" if paper.status in DONE else " "
    parts = [f"- [{tick}] **{escape(paper.title)}**"]
    links = [("code", url) for url in urls_of(paper, LinkKind.CODE)[:1]]
    links += [("project", url) for url in urls_of(paper, LinkKind.PROJECT)[:1]]
    shown = [f"[{name}](<{_url(url)}>)" for name, url in links if is_openable_url(url)]
    if shown:
        parts.append(" · ".join(shown))
    if paper.authors:
        parts.append(escape(", ".join(paper.authors)))
    lines = [" — ".join(parts)]
    about: list[str] = []
    if paper.tags:
        about.append("tags: " + escape(", ".join(paper.tags)))
    if paper.rating:
        about.append(f"rating: {paper.rating}/{MAX_RATING}")
    if about:  # a continuation line of the item's paragraph (indented to its text)
        lines.append("  " + " · ".join(about))
    if paper.notes.strip():
        lines.append("  notes: " + escape(paper.notes))
    return "\n".join(lines)


def _sections(data: LibraryExport, group_by: GroupBy) -> list[tuple[str | None, list[Paper]]]:
    if group_by == "none":
        return [(None, list(data.papers))]
    sections: list[tuple[str | None, list[Paper]]] = []
    if group_by == "tag":
        names = sorted({tag for paper in data.papers for tag in paper.tags})
        for name in names:
            sections.append((name, [p for p in data.papers if name in p.tags]))
        untagged = [p for p in data.papers if not p.tags]
        if untagged:
            sections.append(("untagged", untagged))
        return sections
    for status in ReadStatus:
        members = [p for p in data.papers if p.status is status]
        if members:
            sections.append((status.value, members))
    return sections


def render(data: LibraryExport, options: ExportOptions) -> str:
    """Sections by status (by tag when asked); an export in an order of its own (a
    list) is one checklist in that order unless a grouping is asked for."""
    lines = [f"# Reading list: {escape(data.scope)}", ""]
    lines.append(f"{len(data.papers)} papers, exported {data.exported_at:%Y-%m-%d %H:%M} UTC.")
    group_by = options.group_by or ("none" if data.ordered else "status")
    for heading, members in _sections(data, group_by):
        lines.append("")
        if heading is not None:
            lines += [f"## {escape(heading)} ({len(members)})", ""]
        lines += [_item(paper) for paper in members]
    return "\n".join(lines) + "\n"
