"""Every export format, read back by a parser we did not write, on the whole real digest.

The library (tests/exchange_library.py) mixes papers a digest gave (a title only),
papers Hugging Face enriched (names as written, an arXiv id) and papers a BibTeX file
brought (structured names, a venue, a DOI, dates as precise as their source): each
assertion checks that a format says what some source said, and nothing else.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

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
from pybtex.database import Person
from pybtex.database import parse_string as pybtex_parse
from pylatexenc.latex2text import LatexNodes2Text

from readinglist.app_context import OpenLibrary
from readinglist.core.errors import InvalidValueError, NotFoundError
from readinglist.core.exchange import FORMATS, ExportOptions, ExportScope, render
from readinglist.core.exchange.bibtex import escape_latex
from readinglist.core.exchange.bibtex_reader import decode_latex
from readinglist.core.exchange.bundle import LibraryExport
from readinglist.core.exchange.csvfile import BOM, COLUMNS, neutralise
from readinglist.core.exchange.errors import ImportFormatError
from readinglist.core.exchange.importers import read_import
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.metadata import Field, PersonName
from readinglist.core.models import LinkKind, Paper, ReadStatus
from readinglist.core.time_spent import duration_text
from tests.exchange_library import (
    HF_PAPERS,
    HOSTILE_NOTES,
    HOSTILE_TITLE,
    PRIVATE_MINUTES,
    REFERENCES,
    build_rich_library,
)
from tests.helpers import SHARED_DIGEST_PAPERS, shared_digest_path

ALL = SHARED_DIGEST_PAPERS + REFERENCES + 1  # the digest, the BibTeX file, the hostile paper
PRIVATE_FIELDS = {"annote", "readstatus", "ranking", "priority", "groups"}


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
    rich.library.exchange.export("json")  # every paper gets its cite key stored
    return rich.library.papers()


def one_line(text: str) -> str:
    return " ".join(text.split())


def reference_url(paper: Paper) -> str | None:
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    doi = paper.fact(Field.DOI)
    return f"https://doi.org/{doi}" if doi else None


@pytest.mark.slow
def test_the_rich_library_is_what_the_tests_think(papers: list[Paper]) -> None:
    assert len(papers) == ALL
    enriched = [p for p in papers if p.upvotes]
    assert len(enriched) == HF_PAPERS  # enriched, not duplicated
    assert all(p.arxiv_id and p.authors for p in enriched)
    assert not any(person.structured for p in enriched for person in p.people)
    references = [p for p in papers if p.fact(Field.PUBLISHED)]
    assert len(references) == REFERENCES
    assert all(person.structured for p in references for person in p.people)
    assert papers[-1].title == HOSTILE_TITLE
    assert len({p.cite_key for p in papers}) == ALL


def test_registry_offers_every_format_of_the_issue() -> None:
    assert set(FORMATS) == {"md", "csv", "bibtex", "ris", "csljson", "json", "html"}
    with pytest.raises(InvalidValueError, match="unknown export format"):
        render("docx", LibraryExport((), exported_at=None))  # type: ignore[arg-type]


# --- BibTeX -------------------------------------------------------------------------


def _bib_value(text: str) -> str:
    # pylatexenc prints \textasciicircum as the modifier letter; it is the same glyph.
    return one_line(text.replace("ˆ", "^"))


_LATEX = LatexNodes2Text()


def _plain(parts: list[str]) -> str:
    return str(_LATEX.latex_to_text(" ".join(parts))).strip()


def _person_matches(person: Person, name: PersonName) -> bool:
    """The name BibTeX's own rules read out of the entry is the library's name: the
    same parts when it is structured, the whole name as written when it is not."""
    given = _plain(person.first_names + person.middle_names)
    family = _plain(person.prelast_names + person.last_names)
    if name.structured:
        return (family, given or None, _plain(person.lineage_names) or None) == (
            name.family,
            name.given,
            name.suffix,
        )
    return _plain([given, family]) == name.name


# Fields that hold a source's value as it was given.
_AS_GIVEN = (
    ("booktitle", Field.BOOKTITLE),
    ("journal", Field.JOURNAL),
    ("volume", Field.VOLUME),
    ("pages", Field.PAGES),
    ("keywords", Field.KEYWORDS),
    ("note", Field.NOTE),
    ("primaryclass", Field.PRIMARY_CATEGORY),
)


PRIVATE_BIBTEX_FIELDS = frozenset({"annote", "groups", "readstatus", "ranking", "priority"})


def test_a_bibtex_export_leaves_the_readers_own_state_out_unless_asked(
    rich: OpenLibrary, papers: list[Paper]
) -> None:
    """A .bib file goes to coauthors: no notes, tags or reading state by default."""
    assert any(paper.notes for paper in papers) and any(paper.tags for paper in papers)
    assert any(paper.rating for paper in papers)
    shared = bibtexparser.parse_string(rich.library.exchange.export("bibtex"))
    for entry in shared.entries:
        assert not {field.key for field in entry.fields} & PRIVATE_BIBTEX_FIELDS, entry.key
    own = bibtexparser.parse_string(
        rich.library.exchange.export("bibtex", options=ExportOptions(private=True))
    )
    present = {field.key for entry in own.entries for field in entry.fields}
    assert present >= {"annote", "groups", "ranking"}


@pytest.mark.slow
def test_bibtex_is_read_back_by_bibtexparser(rich: OpenLibrary, papers: list[Paper]) -> None:
    text = rich.library.exchange.export("bibtex", options=ExportOptions(private=True))
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    entries = library.entries
    assert [entry.key for entry in entries] == [paper.cite_key for paper in papers]  # stored
    for paper, entry in zip(papers, entries, strict=True):
        fields = {field.key: field.value for field in entry.fields}
        assert entry.entry_type == (paper.fact(Field.ENTRY_TYPE) or "misc")
        assert _bib_value(fields["title"]) == paper.title
        if paper.abstract:
            assert _bib_value(fields["abstract"]) == one_line(paper.abstract)
        if not paper.authors:
            assert _bib_value(fields["key"]) == paper.title  # natbib labels author-less
        published = paper.published
        assert fields.get("year") == (published[:4] if published else None)  # never added_at
        if published is None or len(published) == 4:
            assert "month" not in fields
        url = reference_url(paper)
        assert fields.get("url") == url
        assert fields.get("urldate") == (paper.added_at.date().isoformat() if url else None)
        if paper.arxiv_id:
            assert fields["eprint"] == paper.arxiv_id
            assert fields["archiveprefix"] == "arXiv" and fields["eprinttype"] == "arxiv"
            own = paper.fact(Field.DOI)
            assert fields["doi"] == (own or f"10.48550/arXiv.{paper.arxiv_id}")
        for name, field in _AS_GIVEN:
            value = paper.fact(field)
            if field is Field.PAGES and value is not None:
                value = value.replace("--", "–")  # TeX's dash, as LaTeX reads it: 5998–6008
            assert (_bib_value(fields[name]) if name in fields else None) == value, name
        code = [link.url for link in paper.links if link.kind is LinkKind.CODE]
        assert fields.get("url") not in code  # a repository is not the paper
        # The reader's own state only where no style prints it.
        assert fields.get("groups") == (", ".join(paper.tags) or None)
        assert fields.get("keywords") != fields.get("groups") or not paper.tags
        assert fields.get("note") == paper.fact(Field.NOTE)
        assert fields.get("ranking") == (f"rank{paper.rating}" if paper.rating else None)
    first = {f.key: f.value for f in entries[0].fields}
    assert one_line(HOSTILE_NOTES) == _bib_value(first["annote"])


def test_bibtex_names_read_as_bibtex_reads_them(rich: OpenLibrary, papers: list[Paper]) -> None:
    """pybtex splits names by BibTeX's rules: a structured name comes back in its parts,
    an organisation as one, a name nobody split as it was written."""
    data = pybtex_parse(rich.library.exchange.export("bibtex"), "bibtex")
    assert list(data.entries) == [paper.cite_key for paper in papers]
    checked = 0
    for paper in papers:
        persons = data.entries[paper.cite_key].persons.get("author", [])
        assert len(persons) == len(paper.people)
        for person, name in zip(persons, paper.people, strict=True):
            assert _person_matches(person, name), (str(person), name)
            checked += 1
    assert checked > 3 * HF_PAPERS
    vaswani = data.entries["vaswani2017attention"].persons["author"]
    assert [str(p) for p in vaswani] == [
        "Vaswani, Ashish", "Shazeer, Noam", "van der Maaten, Laurens", "Doe, Jr., John",
        "{Google Brain}",
    ]  # fmt: skip


def test_bibtex_keys_are_stable_and_readable(papers: list[Paper]) -> None:
    fresh = [replace(paper, cite_key=None) for paper in papers]
    keys = citation_keys(fresh)
    assert keys == citation_keys(list(reversed(fresh)))  # a new key depends on the paper
    enriched = next(p for p in papers if p.upvotes)
    assert keys[enriched.id].startswith("lovelace")
    assert all(key.isascii() and "," not in key and " " not in key for key in keys.values())
    assert citation_keys(papers) == {paper.id: paper.cite_key for paper in papers}


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


_RIS_TYPES = {"article": "JOUR", "inproceedings": "CPAPER", "techreport": "RPRT"}


def test_ris_is_read_back_by_rispy(rich: OpenLibrary, papers: list[Paper]) -> None:
    text = rich.library.exchange.export("ris")
    records = rispy.loads(text)
    assert len(records) == ALL
    for paper, record in zip(papers, records, strict=True):
        assert record["type_of_reference"] == _RIS_TYPES.get(
            paper.fact(Field.ENTRY_TYPE) or "", "GEN"
        )
        assert record["id"] == paper.cite_key
        assert record["title"] == paper.title
        expected = [
            f"{n.family}, {n.given}" + (f", {n.suffix}" if n.suffix else "")
            if n.structured and n.given
            else n.family or n.name
            for n in paper.people
        ]
        assert record.get("authors", []) == expected
        if paper.abstract:
            assert record["abstract"] == one_line(paper.abstract)
        keywords = paper.fact(Field.KEYWORDS)
        assert record.get("keywords", []) == (
            [word.strip() for word in keywords.split(",")] if keywords else []
        )  # a source's keywords; never the reader's tags
        url = reference_url(paper)
        assert record.get("urls", []) == ([url] if url else [])
        published = paper.published
        assert record.get("year") == (published[:4] if published else None)
        added = paper.added_at.date()
        assert record["access_date"] == f"{added.year}/{added.month:02d}/{added.day:02d}"
        assert "notes" not in record  # nothing private
    assert one_line(HOSTILE_NOTES) not in text
    assert "to-read" not in text and "3d/gaussian-splatting" not in text


# --- CSL-JSON -----------------------------------------------------------------------


def test_csljson_is_read_and_rendered_by_citeproc(rich: OpenLibrary, papers: list[Paper]) -> None:
    items = json.loads(rich.library.exchange.export("csljson"))
    assert len(items) == ALL
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    keys = [item["id"] for item in items]
    assert keys == [paper.cite_key for paper in papers]
    bibliography.register(Citation([CitationItem(key) for key in keys]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == ALL
    text = "\n".join(rendered)
    for paper in papers:
        assert paper.title in text or paper.title.replace("'", "’") in text
    for paper, item in zip(papers, items, strict=True):
        published = paper.published
        if published is None:  # no invented year: never the day it was added
            assert "issued" not in item
        else:
            parts = [int(part) for part in published.split("-")]
            assert item["issued"] == {"date-parts": [parts]}
        added = paper.added_at.date()
        assert item["accessed"] == {"date-parts": [[added.year, added.month, added.day]]}
        names = [
            {k: v for k, v in (("family", n.family), ("given", n.given), ("suffix", n.suffix)) if v}
            if n.structured
            else {"literal": n.name}
            for n in paper.people
        ]
        assert item.get("author", []) == names
        assert item.get("note") == paper.fact(Field.NOTE)  # a source's, never the reader's
        assert item.get("keyword") == paper.fact(Field.KEYWORDS)
        assert item.get("URL") == reference_url(paper)
    dumped = json.dumps(items, ensure_ascii=False)
    assert one_line(HOSTILE_NOTES) not in dumped and "to-read" not in dumped
    assert text.count("(no date)") == sum(1 for paper in papers if not paper.published)
    vaswani = next(item for item in items if item["id"] == "vaswani2017attention")
    assert vaswani["type"] == "paper-conference" and vaswani["page"] == "5998-6008"
    assert vaswani["container-title"] == "Advances in Neural Information Processing Systems"
    assert {"family": "Google Brain"} in vaswani["author"]


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
        assert row["published"] == (paper.published or "")  # never the day it was added
        added = datetime.fromisoformat(row["added_at"])  # ISO 8601, to the second, UTC
        assert added == paper.added_at.replace(microsecond=0)
        assert added.utcoffset() == timedelta(0)
    hostile = rows[-1]
    assert hostile["title"] == "'" + HOSTILE_TITLE  # a formula no more
    assert rows[0]["notes"] == "'" + HOSTILE_NOTES  # line breaks kept inside the cell
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_with_a_byte_order_mark_for_spreadsheets(rich: OpenLibrary, tmp_path: Path) -> None:
    """Excel takes a UTF-8 file without a BOM for the system's code page ("JosÃ©")."""
    scope = ExportScope("tag", "to-read")
    plain = rich.library.exchange.export("csv", scope)
    marked = rich.library.exchange.export("csv", scope, ExportOptions(bom=True))
    assert not plain.startswith(BOM) and marked == BOM + plain
    target = tmp_path / "papers.csv"
    target.write_bytes(marked.encode("utf-8"))
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)  # the first column's name is "id", not "\ufeffid"
    assert any("José" in row["authors"] for row in rows)
    with pytest.raises(ImportFormatError, match="a CSV table, not a digest"):
        read_import(target.read_bytes(), "papers.csv")  # with its mark, still not a digest


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
        self.dates: list[str | None] = []
        self._into: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "time":
            self.dates.append(dict(attrs).get("datetime"))
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
                              "p", "article", "span", "a", "div", "time"}  # fmt: skip
    # A date only where a source gave one (never the year it was added).
    assert page.dates == [paper.published for paper in papers if paper.published]
    assert page.hrefs == [link.url for p in papers for link in p.links]
    assert all(href.startswith(("https://", "http://")) for href in page.hrefs)
    assert HOSTILE_NOTES in page.notes
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "http" not in text.split("<body>")[0].replace('content="width', "")  # no resources


# --- Markdown -------------------------------------------------------------------------


def _list_items(text: str) -> list[tuple[list[str], list[str]]]:
    """(lines, hrefs) of every list item, as CommonMark reads them."""
    tokens = MarkdownIt("commonmark").parse(text)
    items: list[tuple[list[str], list[str]]] = []
    for index, token in enumerate(tokens):
        if token.type != "list_item_open":
            continue
        inline = tokens[index + 2]
        lines = [""]
        for child in inline.children or []:
            if child.type in ("softbreak", "hardbreak"):
                lines.append("")
            elif child.type in ("text", "code_inline"):
                lines[-1] += child.content
        hrefs = [str(c.attrs["href"]) for c in inline.children or [] if c.type == "link_open"]
        items.append((lines, hrefs))
    return items


def _about(paper: Paper) -> list[str]:
    """The lines an item has under its title: the reader's own tags, rating, notes."""
    about = []
    if paper.tags:
        about.append("tags: " + ", ".join(paper.tags))
    if paper.rating:
        about.append(f"rating: {paper.rating}/5")
    lines = [" · ".join(about)] if about else []
    return lines + ([f"notes: {one_line(paper.notes)}"] if paper.notes.strip() else [])


@pytest.mark.parametrize("group_by", ["status", "tag"])
def test_markdown_checklist_is_read_back_by_markdown_it(
    rich: OpenLibrary, papers: list[Paper], group_by: str
) -> None:
    options = ExportOptions(group_by="tag" if group_by == "tag" else "status")
    text = rich.library.exchange.export("md", options=options)
    items = _list_items(text)
    by_title = {p.title: p for p in papers}
    seen: set[str] = set()
    for lines, hrefs in items:
        tick, _, rest = lines[0].partition("] ")
        title = rest.split(" — ")[0]
        paper = by_title[title]
        seen.add(title)
        assert tick == ("[x" if paper.status in (ReadStatus.READ, ReadStatus.SKIMMED) else "[ ")
        code = paper.first_link(LinkKind.CODE)
        project = paper.first_link(LinkKind.PROJECT)
        assert hrefs == [link.url for link in (code, project) if link is not None]
        assert lines[1:] == _about(paper)  # the reader's own document: their tags and notes
    assert seen == set(by_title)
    if group_by == "status":
        assert len(items) == ALL
    else:
        tagged = sum(len(p.tags) for p in papers) + sum(1 for p in papers if not p.tags)
        assert len(items) == tagged
        assert "## 3d/gaussian-splatting (40)" in text.replace("\\", "")
    assert any("notes: " + one_line(HOSTILE_NOTES) in lines for lines, _ in items)


def test_a_list_exported_as_markdown_keeps_its_order(
    rich: OpenLibrary, papers: list[Paper]
) -> None:
    group = rich.library.lists.get("Reading group")
    by_id = {paper.id: paper for paper in papers}
    wanted = [by_id[i].title for i in group.paper_ids]
    assert wanted != sorted(wanted)  # an order of its own
    text = rich.library.exchange.export("md", ExportScope("list", "Reading group"))
    assert "\n## " not in text  # one checklist, not sections by status
    titles = [lines[0].partition("] ")[2].split(" — ")[0] for lines, _ in _list_items(text)]
    assert titles == wanted
    parser = _StrongText()
    parser.feed(markdown.markdown(text))  # Python-Markdown reads the same order
    assert parser.found == [one_line(title) for title in wanted]
    grouped = rich.library.exchange.export(
        "md", ExportScope("list", "Reading group"), ExportOptions(group_by="status")
    )
    assert "\n## " in grouped  # a grouping asked for is a grouping


# --- JSON and scopes ------------------------------------------------------------------


def test_json_is_complete(rich: OpenLibrary, papers: list[Paper]) -> None:
    data = json.loads(rich.library.exchange.export("json"))
    assert data["format"] == "readinglist-backup" and data["version"] == 3
    assert [p["title"] for p in data["papers"]] == [p.title for p in papers]
    assert [p["cite_key"] for p in data["papers"]] == [p.cite_key for p in papers]
    vaswani = next(p for p in data["papers"] if p["cite_key"] == "vaswani2017attention")
    assert vaswani["author_names"][2] == {
        "name": "Laurens van der Maaten", "family": "van der Maaten", "given": "Laurens",
        "suffix": None,
    }  # fmt: skip
    facts = {fact["name"]: fact for fact in vaswani["facts"]}
    assert facts["published"]["value"] == "2017-12" and facts["published"]["source"] == "import"
    assert facts["booktitle"]["recorded_at"].startswith(str(papers[0].added_at.year))
    assert {t["name"]: t["colour"] for t in data["tags"]}["to-read"] == "#ff8800"
    assert "unused" in {t["name"] for t in data["tags"]}
    assert [d["source_name"] for d in data["digests"]] == [
        shared_digest_path().name,
        "daily_papers.json",
        "references.bib",
        "hostile.txt",
    ]
    assert [rl["name"] for rl in data["lists"]] == ["Empty list", "Reading group"]
    assert data["saved_searches"][0]["query"] == "gaussian splatting has:code"
    first = data["papers"][0]
    assert [h["status"] for h in first["status_history"]][-1] == "reading"


def test_the_time_spent_is_in_the_backup_and_in_no_bibliography(
    rich: OpenLibrary, papers: list[Paper]
) -> None:
    """The reader's recorded time is private reading state: every format a paper is
    shared in leaves it out, whole library or a list; the backup (json) keeps it."""
    timed = {p.id: p.time_spent.minutes for p in papers if p.time_spent is not None}
    assert sorted(timed.values()) == [45, 45, PRIVATE_MINUTES, PRIVATE_MINUTES]
    for scope in (ExportScope(), ExportScope("list", "Reading group")):
        for name in FORMATS:
            if name == "json":
                continue
            text = rich.library.exchange.export(name, scope).lower()
            assert str(PRIVATE_MINUTES) not in text, (name, scope)
            assert duration_text(PRIVATE_MINUTES) not in text, (name, scope)
            assert "time spent" not in text and "time_spent" not in text, (name, scope)
        backup = json.loads(rich.library.exchange.export("json", scope))
        carried = {p["id"]: p["time_spent"]["minutes"] for p in backup["papers"] if p["time_spent"]}
        assert carried == {i: m for i, m in timed.items() if i in carried}
        assert PRIVATE_MINUTES in carried.values()


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
