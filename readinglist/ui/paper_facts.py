"""How the window words a paper's bibliographic facts: compact in the table, in full in
the detail pane, each with where it came from.

Nothing here guesses. A fact no source gave is shown as nothing (an empty cell, no
line): never a year taken from the import date, never an author split a source did not
split. Where each value came from is said in the words a reader knows ("from arXiv,
6 Dec 2026"), from the :class:`~readinglist.core.metadata.MetaField` that holds it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from readinglist.core.arxiv import arxiv_url
from readinglist.core.metadata import Field, MetaField, PersonName, Source, field_map
from readinglist.core.models import LinkKind, Paper
from readinglist.core.paper_urls import paper_url

SOURCE_NAMES = {
    Source.USER: "you",
    Source.IMPORT: "an import",
    Source.ARXIV: "arXiv",
    Source.HUGGINGFACE: "Hugging Face",
    Source.SEMANTIC_SCHOLAR: "Semantic Scholar",
    Source.GITHUB: "GitHub",
}
# Values kept in columns of their own (authors, arXiv id, upvotes) have their provenance
# in a fact of this name; without one they came with the paper from an import.
AS_IMPORTED = "as imported"
# The most names a tooltip lists (a collaboration paper has hundreds).
TOOLTIP_AUTHORS = 40
MUTED = "#8c8c8c"  # readable on the light and the dark palette's base alike
# Why a paper cannot be opened, naming the window's own way to find out more (Tools ▸
# Look up on arXiv and Hugging Face, resolve_controller.py).
LOOK_UP = "Tools ▸ Look up on arXiv and Hugging Face"
NO_TARGET = f"No arXiv id yet: look the paper up ({LOOK_UP})"


def author_label(person: PersonName) -> str:
    """The family name when a source split the name, else the name as written."""
    return person.family if person.family else person.name


def short_authors(paper: Paper) -> str:
    """``Vaswani et al.``: the first author (two: both), "" when no source named any."""
    people = paper.people
    if not people:
        return ""
    first = author_label(people[0])
    if len(people) == 1:
        return first
    if len(people) == 2:
        return f"{first} and {author_label(people[1])}"
    return f"{first} et al."


def author_names(paper: Paper, limit: int | None = None) -> str:
    """Every author as written, comma-separated; with ``limit``, the first ``limit``
    and how many more."""
    names = [person.name for person in paper.people]
    if limit is None or len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def github_stars(paper: Paper) -> int | None:
    """The star count GitHub gave; None when unknown (or not a count)."""
    value = (paper.fact(Field.GITHUB_STARS) or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def compact_count(count: int) -> str:
    """``950``, ``1.2k``, ``12k``, ``3.4M``: at most four characters, rounded down so a
    count is never shown larger than it is."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= size:
            tenths = count * 10 // size
            if tenths < 100:
                whole, tenth = divmod(tenths, 10)
                return f"{whole}.{tenth}{suffix}" if tenth else f"{whole}{suffix}"
            return f"{count // size}{suffix}"
    return str(count)


def stars_text(paper: Paper) -> str:
    """``★ 1.2k`` when GitHub's star count is known, else ""."""
    stars = github_stars(paper)
    return "" if stars is None else f"★ {compact_count(stars)}"


def day_text(moment: datetime) -> str:
    """``6 Dec 2026``: a day no reader can mistake for another (the local day)."""
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y}"


def provenance(fact: MetaField | None) -> str:
    """``from arXiv, 6 Dec 2026``; ``as imported`` for a value that came with the paper."""
    if fact is None:
        return AS_IMPORTED
    return f"from {SOURCE_NAMES.get(fact.source, fact.source.value)}, {day_text(fact.recorded_at)}"


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact the detail pane shows: its label, its value (plain text), the record of
    where it came from (None: it came with the paper from an import), and a link to
    follow (the arXiv page)."""

    label: str
    value: str
    origin: MetaField | None
    url: str | None = None

    @property
    def source(self) -> str:
        return provenance(self.origin)


def paper_facts(paper: Paper) -> list[Fact]:
    """The facts some source gave about ``paper``, in reading order (none are made up)."""
    known = field_map(paper.meta)
    found: list[Fact] = []
    if paper.published:
        found.append(Fact("Published", paper.published, known[Field.PUBLISHED]))
    if paper.arxiv_id:
        url = arxiv_url(paper.arxiv_id)
        found.append(Fact("arXiv", paper.arxiv_id, known.get(Field.ARXIV_ID), url))
    if category := paper.fact(Field.PRIMARY_CATEGORY):
        found.append(Fact("Category", category, known[Field.PRIMARY_CATEGORY]))
    if paper.upvotes is not None:
        noun = "upvote" if paper.upvotes == 1 else "upvotes"
        found.append(Fact("Upvotes", f"{paper.upvotes} {noun}", known.get(Field.UPVOTES)))
    stars = github_stars(paper)
    if stars is not None:
        noun = "star" if stars == 1 else "stars"
        text = f"★ {compact_count(stars)} {noun} on GitHub"
        found.append(Fact("Stars", text, known[Field.GITHUB_STARS]))
    return found


def authors_origin(paper: Paper) -> MetaField | None:
    """The record of where the authors came from (None: with the paper, imported)."""
    return field_map(paper.meta).get(Field.AUTHORS)


def authors_source(paper: Paper) -> str:
    """Where the authors came from (``""`` without authors)."""
    return provenance(authors_origin(paper)) if paper.authors else ""


def sources_line(paper: Paper, facts: list[Fact]) -> str:
    """The sources of what the pane shows, short: ``from arXiv, 6 Dec 2026``, or
    ``from an import · arXiv, 6 Dec 2026`` when they differ (which fact came from
    where is in the tooltip, :func:`facts_tooltip`)."""
    origins = [authors_origin(paper)] if paper.authors else []
    origins += [fact.origin for fact in facts]
    pieces: list[str] = []
    for origin in origins:
        if origin is None:
            piece = "an import"  # came with the paper: when is not recorded
        else:
            name = SOURCE_NAMES.get(origin.source, origin.source.value)
            piece = f"{name}, {day_text(origin.recorded_at)}"
        if piece not in pieces:
            pieces.append(piece)
    if "an import" in pieces and any(p.startswith("an import, ") for p in pieces):
        pieces.remove("an import")  # an import with its day says it already
    if pieces == ["an import"]:
        return AS_IMPORTED
    return f"from {' · '.join(pieces)}" if pieces else ""


def facts_html(facts: list[Fact]) -> str:
    """The facts on one line of rich text, every value escaped; the arXiv id a link."""
    parts = []
    for fact in facts:
        value = html.escape(fact.value)
        if fact.url is not None:
            value = f'<a href="{html.escape(fact.url, quote=True)}">{value}</a>'
        if fact.label == "Published":
            value = f"Published {value}"
        elif fact.label == "arXiv":
            value = f"arXiv:{value}"
        parts.append(value)
    return " · ".join(parts)


def facts_tooltip(paper: Paper, facts: list[Fact]) -> str:
    """One line per fact with where it came from (rich text, every piece escaped)."""
    lines = (
        [f"Authors: {author_names(paper, 3)} ({authors_source(paper)})"] if paper.authors else []
    )
    lines += [f"{fact.label}: {fact.value} ({fact.source})" for fact in facts]
    if not lines:
        return ""
    return f"<span>{'<br>'.join(html.escape(line) for line in lines)}</span>"


def authors_tooltip(paper: Paper) -> str | None:
    """The table's tooltip for the authors: all of them (up to a sane number)."""
    if not paper.authors:
        return None
    names = html.escape(author_names(paper, TOOLTIP_AUTHORS))
    source = html.escape(authors_source(paper))
    return f"<p>{names}</p><p style='color:{MUTED}'>{source}</p>"


def published_tooltip(paper: Paper) -> str | None:
    fact = field_map(paper.meta).get(Field.PUBLISHED)
    if fact is None:
        return None
    return f"<span>Published {html.escape(fact.value)}, {html.escape(provenance(fact))}</span>"


def code_tooltip(paper: Paper) -> str | None:
    """The repository's URL, and its stars with where the count came from."""
    code = paper.first_link(LinkKind.CODE)
    lines = [] if code is None else [code.url]
    stars = github_stars(paper)
    if stars is not None:
        noun = "star" if stars == 1 else "stars"
        fact = field_map(paper.meta).get(Field.GITHUB_STARS)
        lines.append(f"{stars:,} {noun} on GitHub, {provenance(fact)}")
    if not lines:
        return None
    return f"<span>{'<br>'.join(html.escape(line) for line in lines)}</span>"


def paper_tooltip(paper: Paper | None) -> str:
    """What opening ``paper`` opens, or why it cannot be opened."""
    if paper is None:
        return "No paper selected"
    url = paper_url(paper)
    if url is None:
        return NO_TARGET
    if paper.arxiv_id:
        return f"Open the arXiv page ({url}); Shift: the PDF"
    return f"Open {url} (no arXiv id: no PDF to open)"
