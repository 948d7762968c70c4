"""Every export format, read back by a parser we did not write, on the whole real digest."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser

import bibtexparser
import markdown
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from readinglist.app_context import OpenLibrary
from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.exchange import FORMATS, ExportOptions, ExportScope, render
from readinglist.core.exchange.bibtex import escape_latex
from readinglist.core.exchange.bibtex_reader import decode_latex
from readinglist.core.exchange.bundle import LibraryExport
from readinglist.core.exchange.csvfile import COLUMNS, neutralise
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.text import year_of
from readinglist.core.models import LinkKind, Paper, ReadStatus
from tests.exchange_library import HF_PAPERS, HOSTILE_NOTES, HOSTILE_TITLE, build_rich_library
from tests.helpers import SHARED_DIGEST_PAPERS, shared_digest_path

ALL = SHARED_DIGEST_PAPERS + 1  # the digest and the hostile paper


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenLibrary]:
    digest = shared_digest_path()
    opened = build_rich_library(tmp_path_factory.mktemp("rich") / "library", digest)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def papers(rich: OpenLibrary) -> list[Paper]:
    return rich.library.papers()


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_the_rich_library_is_what_the_tests_think(papers: list[Paper]) -> None:
    assert len(papers) == ALL
    with_authors = [p for p in papers if p.authors]
    assert len(with_authors) == HF_PAPERS  # enriched, not duplicated
    assert all(p.arxiv_id and p.upvotes for p in with_authors)
    assert papers[-1].title == HOSTILE_TITLE


def test_registry_offers_every_format_of_the_issue() -> None:
    assert set(FORMATS) == {"md", "csv", "bibtex", "ris", "csljson", "json", "html"}
    with pytest.raises(InvalidValueError, match="unknown export format"):
        render("docx", LibraryExport((), exported_at=None))  # type: ignore[arg-type]


# --- BibTeX -------------------------------------------------------------------------


def _bib_value(text: str) -> str:
    # pylatexenc prints \textasciicircum as the modifier letter; it is the same glyph.
    return one_line(text.replace("ˆ", "^"))


@pytest.mark.slow
def test_bibtex_is_read_back_by_bibtexparser(rich: OpenLibrary, papers: list[Paper]) -> None:
    text = rich.library.exchange.export("bibtex")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    entries = library.entries
    assert len(entries) == ALL
    keys = [entry.key for entry in entries]
    assert len(set(keys)) == ALL
    assert all(entry.entry_type == "misc" for entry in entries)
    for paper, entry in zip(papers, entries, strict=True):
        fields = {field.key: field.value for field in entry.fields}
        assert _bib_value(fields["title"]) == paper.title
        if paper.abstract:
            assert _bib_value(fields["abstract"]) == one_line(paper.abstract)
        if paper.authors:
            assert fields["author"].split(" and ") == list(paper.authors)
        else:
            assert _bib_value(fields["key"]) == paper.title  # natbib labels author-less
        if paper.arxiv_id:
            assert fields["eprint"] == paper.arxiv_id
            assert fields["doi"] == f"10.48550/arXiv.{paper.arxiv_id}"
            assert fields["url"] == f"https://arxiv.org/abs/{paper.arxiv_id}"
            assert fields["year"] == f"20{paper.arxiv_id[:2]}"
        else:
            assert "year" not in fields  # never the day it was added
            projects = [link.url for link in paper.links if link.kind is LinkKind.PROJECT]
            assert fields.get("url") == (projects[0] if projects else None)
        assert fields.get("urldate") == (
            paper.added_at.date().isoformat() if "url" in fields else None
        )
        code = [link.url for link in paper.links if link.kind is LinkKind.CODE]
        assert fields.get("url") not in code  # a repository is not the paper
        if paper.tags:
            assert fields["keywords"] == ", ".join(paper.tags)
        assert "note" not in fields  # every style prints it: nothing private there
    first = {f.key: f.value for f in entries[0].fields}
    assert one_line(HOSTILE_NOTES) == _bib_value(first["annote"])


def test_bibtex_keys_are_stable_and_readable(rich: OpenLibrary, papers: list[Paper]) -> None:
    keys = citation_keys(papers)
    assert keys == citation_keys(list(reversed(papers)))
    assert citation_keys(papers) == keys
    enriched = next(p for p in papers if p.authors)
    assert keys[enriched.id].startswith("lovelace0" if enriched.id == 1 else "lovelace")
    assert all(key.isascii() and "," not in key and " " not in key for key in keys.values())


@settings(deadline=None)
@given(st.text(min_size=1, max_size=80).filter(lambda t: t.strip()))
def test_any_text_survives_latex_escaping(text: str) -> None:
    escaped = escape_latex(text)
    assert decode_latex(escaped) == one_line(text)  # our reader: exactly back
    entry = f"@misc{{k,\n  title = {{{escaped}}}\n}}\n"
    parsed = bibtexparser.parse_string(entry, append_middleware=[LatexDecodingMiddleware()])
    assert parsed.failed_blocks == []
    assert len(parsed.entries) == 1


# --- RIS ------------------------------------------------------------------------------


def test_ris_is_read_back_by_rispy(rich: OpenLibrary, papers: list[Paper]) -> None:
    records = rispy.loads(rich.library.exchange.export("ris"))
    assert len(records) == ALL
    for paper, record in zip(papers, records, strict=True):
        assert record["type_of_reference"] == "GEN"
        assert record["title"] == paper.title
        assert record.get("authors", []) == list(paper.authors)
        if paper.abstract:
            assert record["abstract"] == one_line(paper.abstract)
        assert record.get("keywords", []) == list(paper.tags)
        projects = [link.url for link in paper.links if link.kind is LinkKind.PROJECT]
        page = f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else None
        assert record.get("urls", []) == [u for u in [page or next(iter(projects), None)] if u]
        assert ("year" in record) == bool(paper.arxiv_id)  # only a year the library knows
        assert "notes" not in record  # nothing private
    assert one_line(HOSTILE_NOTES) not in rich.library.exchange.export("ris")


# --- CSL-JSON -----------------------------------------------------------------------


def test_csljson_is_read_and_rendered_by_citeproc(rich: OpenLibrary, papers: list[Paper]) -> None:
    items = json.loads(rich.library.exchange.export("csljson"))
    assert len(items) == ALL
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    keys = [item["id"] for item in items]
    assert len(set(keys)) == ALL
    bibliography.register(Citation([CitationItem(key) for key in keys]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == ALL
    text = "\n".join(rendered)
    for paper in papers:
        assert paper.title in text or paper.title.replace("'", "’") in text
    enriched = next(item for item in items if "author" in item)
    assert enriched["author"][1] == {"family": "Ñúñez-García", "given": "José"}
    for paper, item in zip(papers, items, strict=True):
        # No invented year (only an arXiv id's), nothing private anywhere in an item.
        assert ("issued" in item) == bool(paper.arxiv_id)
        added = paper.added_at.date()
        assert item["accessed"] == {"date-parts": [[added.year, added.month, added.day]]}
        assert "note" not in item
    assert one_line(HOSTILE_NOTES) not in json.dumps(items, ensure_ascii=False)
    # Not the import year: "(no date)" for every paper without an arXiv id.
    assert text.count("(no date)") == sum(1 for paper in papers if not paper.arxiv_id)


# --- CSV ------------------------------------------------------------------------------


def test_csv_is_read_back_by_the_csv_module(rich: OpenLibrary, papers: list[Paper]) -> None:
    rows = list(csv.DictReader(io.StringIO(rich.library.exchange.export("csv"), newline="")))
    assert len(rows) == ALL
    assert list(rows[0]) == list(COLUMNS)
    for paper, row in zip(papers, rows, strict=True):
        assert row["id"] == str(paper.id)
        assert row["title"] == neutralise(paper.title)
        assert row["abstract"] == neutralise(paper.abstract)
        assert row["notes"] == neutralise(paper.notes)
        assert row["status"] == paper.status.value
        assert row["rating"] == str(paper.rating)
        assert row["tags"] == neutralise("; ".join(paper.tags))
        assert row["authors"] == "; ".join(paper.authors)
        code = paper.first_link(LinkKind.CODE)
        assert row["code_url"] == (code.url if code else "")
    hostile = rows[-1]
    assert hostile["title"] == "'" + HOSTILE_TITLE  # a formula no more
    assert rows[0]["notes"] == "'" + HOSTILE_NOTES  # line breaks kept inside the cell
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.text(max_size=30))
def test_neutralise_never_leaves_a_formula(cell: str) -> None:
    safe = neutralise(cell)
    assert not safe.lstrip().startswith(("=", "+", "-", "@"))
    assert not safe.startswith(("\t", "\r"))
    assert safe in (cell, "'" + cell)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('  =HYPERLINK("http://x")', '\'  =HYPERLINK("http://x")'),
        ("\u00a0+1", "'\u00a0+1"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        ("a = b", "a = b"),
        ("  plain", "  plain"),
    ],
)
def test_white_space_before_a_formula_does_not_hide_it(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


# --- HTML -----------------------------------------------------------------------------


class _Page(HTMLParser):
    """Titles, hrefs and every tag of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.titles: list[str] = []
        self.hrefs: list[str] = []
        self.notes: list[str] = []
        self._into: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        classes = dict(attrs).get("class")
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        self._into = {"title": self.titles, "notes": self.notes}.get(classes or "")
        if self._into is not None:
            self._into.append("")

    def handle_endtag(self, tag: str) -> None:
        self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self._into[-1] += data


def test_html_is_one_standalone_page_with_everything_escaped(
    rich: OpenLibrary, papers: list[Paper]
) -> None:
    text = rich.library.exchange.export("html")
    page = _Page()
    page.feed(text)
    page.close()
    assert page.titles == [p.title for p in papers]
    assert "script" not in page.tags and "b" not in page.tags
    assert set(page.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "h2",
                              "p", "article", "span", "a", "div"}  # fmt: skip
    assert page.hrefs == [link.url for p in papers for link in p.links]
    assert all(href.startswith(("https://", "http://")) for href in page.hrefs)
    assert HOSTILE_NOTES in page.notes
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "http" not in text.split("<body>")[0].replace('content="width', "")  # no resources


# --- Markdown -------------------------------------------------------------------------


def _list_items(text: str) -> list[tuple[str, list[str]]]:
    """(text, hrefs) of every list item, as CommonMark reads them."""
    tokens = MarkdownIt("commonmark").parse(text)
    items: list[tuple[str, list[str]]] = []
    for index, token in enumerate(tokens):
        if token.type != "list_item_open":
            continue
        inline = tokens[index + 2]
        children = inline.children or []
        words = "".join(c.content for c in children if c.type in ("text", "code_inline"))
        hrefs = [str(c.attrs["href"]) for c in children if c.type == "link_open"]
        items.append((words, hrefs))
    return items


@pytest.mark.parametrize("group_by", ["status", "tag"])
def test_markdown_checklist_is_read_back_by_markdown_it(
    rich: OpenLibrary, papers: list[Paper], group_by: str
) -> None:
    options = ExportOptions(group_by="tag" if group_by == "tag" else "status")
    text = rich.library.exchange.export("md", options=options)
    items = _list_items(text)
    by_title = {p.title: p for p in papers}
    seen: set[str] = set()
    for words, hrefs in items:
        tick, _, rest = words.partition("] ")
        title = rest.split(" — ")[0]
        paper = by_title[title]
        seen.add(title)
        assert tick == ("[x" if paper.status in (ReadStatus.READ, ReadStatus.SKIMMED) else "[ ")
        code = paper.first_link(LinkKind.CODE)
        project = paper.first_link(LinkKind.PROJECT)
        assert hrefs == [link.url for link in (code, project) if link is not None]
    assert seen == set(by_title)
    if group_by == "status":
        assert len(items) == ALL
    else:
        tagged = sum(len(p.tags) for p in papers) + sum(1 for p in papers if not p.tags)
        assert len(items) == tagged
        assert "## 3d/gaussian-splatting (40)" in text.replace("\\", "")


# --- JSON and scopes ------------------------------------------------------------------


def test_json_is_complete(rich: OpenLibrary, papers: list[Paper]) -> None:
    data = json.loads(rich.library.exchange.export("json"))
    assert data["format"] == "readinglist-backup" and data["version"] == 1
    assert [p["title"] for p in data["papers"]] == [p.title for p in papers]
    assert {t["name"]: t["colour"] for t in data["tags"]}["to-read"] == "#ff8800"
    assert "unused" in {t["name"] for t in data["tags"]}
    assert [d["source_name"] for d in data["digests"]] == [
        shared_digest_path().name,
        "daily_papers.json",
        "hostile.txt",
    ]
    assert [rl["name"] for rl in data["lists"]] == ["Empty list", "Reading group"]
    assert data["saved_searches"][0]["query"] == "gaussian splatting has:code"
    first = data["papers"][0]
    assert [h["status"] for h in first["status_history"]][-1] == "reading"


def test_scopes(rich: OpenLibrary, papers: list[Paper]) -> None:
    library = rich.library

    def titles(scope: ExportScope) -> list[str]:
        return [p["title"] for p in json.loads(library.exchange.export("json", scope))["papers"]]

    group = library.lists.get("reading group")
    by_id = {p.id: p.title for p in papers}
    assert titles(ExportScope("list", "Reading Group")) == [by_id[i] for i in group.paper_ids]
    assert len(titles(ExportScope("tag", "3d"))) == 40
    read = [p.title for p in papers if p.status is ReadStatus.READ]
    assert titles(ExportScope("status", "read")) == read
    saved = titles(ExportScope("search", "splatting with code"))
    assert saved == titles(ExportScope("query", "gaussian splatting has:code"))
    assert saved == titles(ExportScope("search", "gaussian splatting has:code"))
    assert 0 < len(saved) < 20
    assert titles(ExportScope("ids", ids=(5, 3, 99999))) == [by_id[5], by_id[3]]
    scoped = json.loads(library.exchange.export("json", ExportScope("list", "reading group")))
    assert scoped["saved_searches"] == []
    assert [rl["name"] for rl in scoped["lists"]] == ["Reading group"]
    with pytest.raises(NotFoundError, match="no list named 'nope'"):
        library.exchange.export("csv", ExportScope("list", "nope"))
    with pytest.raises(InvalidValueError, match="unknown status"):
        library.exchange.export("csv", ExportScope("status", "someday"))


def test_every_format_has_its_line_endings_and_names_its_scope(rich: OpenLibrary) -> None:
    scope = ExportScope("tag", "to-read")
    for name in FORMATS:
        text = rich.library.exchange.export(name, scope)
        assert text.endswith("\n")
        crlf = name in ("csv", "ris")  # both formats say lines end in CR LF
        assert ("\r\n" in text) == crlf, name
        assert "José" in text or name == "md"  # UTF-8 text, never escaped to ASCII
    assert "tag &#x27;to-read&#x27;" in rich.library.exchange.export("html", scope)  # escaped


@pytest.mark.parametrize(
    ("arxiv_id", "year"),
    [("2403.13043", 2024), ("0704.0001", 2007), ("1706.03762v7", 2017),
     ("hep-th/9901001", 1999), ("math.AG/0601001", 2006), (None, None), ("not-an-id", None)],
)  # fmt: skip
def test_a_year_comes_only_from_what_the_library_knows(
    papers: list[Paper], arxiv_id: str | None, year: int | None
) -> None:
    paper = replace(papers[0], arxiv_id=arxiv_id)
    assert year_of(paper) == year  # never the year the paper was added


class _StrongText(HTMLParser):
    """The text of every <strong> element (a paper's title in the Markdown export)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "strong":
            self.depth += 1
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "strong":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1] += data


def test_markdown_titles_read_as_themselves_in_python_markdown_and_commonmark(
    rich: OpenLibrary, papers: list[Paper]
) -> None:
    """MkDocs (Python-Markdown) shows an escape it does not know as written
    ("RAW\\:"): only what both renderers read is escaped."""
    text = rich.library.exchange.export("md")
    for html_text in (markdown.markdown(text), MarkdownIt("commonmark").render(text)):
        parser = _StrongText()
        parser.feed(html_text)
        assert sorted(parser.found) == sorted(one_line(p.title) for p in papers)
    assert "\\-" not in text and "\\:" not in text
