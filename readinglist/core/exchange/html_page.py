"""HTML: one standalone, readable page; every piece of text from a digest is escaped.

No scripts and no external resources; only http(s) links become ``href``s.
"""

from __future__ import annotations

from html import escape

from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.links import is_openable_url
from readinglist.core.metadata import Field
from readinglist.core.models import Paper

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; }
article { border-top: 1px solid #ddd; padding: .75rem 0; }
h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
.meta { color: #666; font-size: .9rem; }
.tag { background: #eee; border-radius: .25rem; padding: 0 .3rem; margin-right: .25rem; }
.notes { white-space: pre-wrap; background: #f7f7f7; padding: .5rem; }
"""


def _article(paper: Paper) -> str:
    parts = [f'<article id="paper-{paper.id}">', f'<h2 class="title">{escape(paper.title)}</h2>']
    meta = [f"status: {escape(paper.status.value)}"]
    if paper.rating:
        meta.append(f"rating: {paper.rating}/5")
    if paper.authors:
        meta.append(escape(", ".join(paper.authors)))
    venue = paper.fact(Field.JOURNAL) or paper.fact(Field.BOOKTITLE)
    if venue:
        meta.append(f'<span class="venue">{escape(venue)}</span>')
    if paper.published:  # only a date some source gave: never the day it was added
        meta.append(f'<time datetime="{paper.published}">{paper.published}</time>')
    if paper.arxiv_id:
        meta.append(f"arXiv {escape(paper.arxiv_id)}")
    parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if paper.tags:
        spans = "".join(f'<span class="tag">{escape(tag)}</span>' for tag in paper.tags)
        parts.append(f'<p class="tags">{spans}</p>')
    if paper.abstract:
        parts.append(f'<p class="abstract">{escape(paper.abstract)}</p>')
    links = [
        f'<a href="{escape(link.url)}" rel="noopener noreferrer">{escape(link.kind.value)}</a>'
        for link in paper.links
        if is_openable_url(link.url)
    ]
    if links:
        parts.append(f'<p class="links">{" · ".join(links)}</p>')
    if paper.notes.strip():
        parts.append(f'<div class="notes">{escape(paper.notes)}</div>')
    parts.append("</article>")
    return "\n".join(parts)


def render(data: LibraryExport, options: ExportOptions) -> str:
    title = escape(f"Reading list: {data.scope}")
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="readinglist">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<h1>{title}</h1>\n<p class="meta">{len(data.papers)} papers, exported'
        f" {data.exported_at:%Y-%m-%d %H:%M} UTC</p>\n"
    )
    body = "\n".join(_article(paper) for paper in data.papers)
    return head + body + "\n</body>\n</html>\n"
